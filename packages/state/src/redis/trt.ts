import { originatorOf, PARTITIONS } from '../shared/index.ts';
import { BreachClaimsIncomplete, type Breach, type BreachClaims, type MarkedBreaches, type TrtRecord } from '../store/index.ts';
import { RedisPart, type BreachClaimsReply, type MarkedReply, type ScriptedPipeline } from './base.ts';

/** A deadline nearer than this (routers' clock skew and an acceptance's queueing included) goes in the partition's own TRT index. */
const BULK_MIN_LEAD_MS = 5_000;

/** Partitions' breach claims sent at a time by claimBreaches; see there. */
const BREACH_CLAIMS_IN_FLIGHT = 2;

/**
 * The bulk TRT index a request's deadline goes in (claim-breaches.lua), named by its TRT class
 * and destination, when its one check is at its deadline (the index's score is then the
 * deadline its alert names) and that deadline is at least BULK_MIN_LEAD_MS away: a deadline
 * the partition's mark may already have passed when it is indexed would be alerted uncounted.
 * '' for its partition's own index, where each is read and marked on its own, as SMETS1's two
 * checks (overdue, then final) need.
 */
export function bulkIndexOf(trt: TrtRecord | undefined, destination: string, checkAt: number | undefined, finalAt: number | undefined, now = Date.now()): string {
  if (trt === undefined || checkAt !== trt.deadline || finalAt !== undefined || checkAt < now + BULK_MIN_LEAD_MS) return '';
  return `${trt.class}:${destination}`;
}

/** A mark's groups (mark-bulk-trt.lua): per class and destination, the counts by lag bound, then all. */
function markedGroups(reply: MarkedReply): MarkedBreaches[] {
  return reply.map(([trtClass, destination, counts]) => ({ trtClass, destination, count: counts.at(-1)!, lagCounts: counts.slice(0, -1) }));
}

/**
 * Target Response Time breaches: every partition's deadlines marked (mark-breaches.lua) or
 * claimed with their alerts (claim-breaches.lua) once they have passed.
 */
export class RedisTrt extends RedisPart {
  /**
   * Every partition's mark-breaches.lua in one pipeline on the request path's connection: one
   * round trip, each call a few ZCOUNTs whatever the backlog. A partition whose call fails leaves
   * the others' marks made: they come with the error (BreachClaimsIncomplete), to be counted.
   */
  async markBreaches(now: number, lagBoundsMs: readonly number[] = []): Promise<MarkedBreaches[]> {
    const pipeline = this.pipeline() as ScriptedPipeline & { markBreaches(...args: unknown[]): ScriptedPipeline };
    for (let p = 0; p < PARTITIONS; p++) {
      pipeline.markBreaches(`${this.prefix}trt:{p${p}}`, this.callMark('breaches-marked', `{p${p}}`), now, this.prefix, `{p${p}}`, this.resendMarkMs, ...lagBoundsMs);
    }
    const results = await this.execEach('mark breaches', pipeline);
    const marked = results.flatMap(([error, reply]) => (error ? [] : markedGroups(reply as MarkedReply)));
    const failed = results.find(([error]) => error)?.[0];
    if (!failed) return marked;
    const cause = this.unavailable('mark breaches', failed);
    throw marked.length > 0 ? new BreachClaimsIncomplete({ breaches: [], marked }, { cause }) : cause;
  }

  /**
   * One claim-breaches.lua call per partition, BREACH_CLAIMS_IN_FLIGHT of them sent at a time, on
   * the background connection: Redis runs a connection's commands in order, so however large the
   * backlog, the egress and release loops' calls wait behind at most that many claims (each
   * bounded by `max`), while Redis always has the next claim queued. Each partition's breaches are
   * timed when its reply arrives, the moment they are known to be marked. Fails as a whole if any
   * partition's call fails.
   */
  async claimBreaches(now: number, max: number, lagBoundsMs: readonly number[] = []): Promise<BreachClaims> {
    const started = performance.now();
    const minId = this.outboxMinId();
    const claims: BreachClaims = { breaches: [], marked: [] };
    let next = 0;
    let failure: unknown;
    const claimer = async () => {
      while (next < PARTITIONS && failure === undefined) {
        const p = next++;
        const pipeline = (this.backgroundPipeline() as ScriptedPipeline & { claimBreaches(...args: unknown[]): ScriptedPipeline })
          .claimBreaches(`${this.prefix}trt:{p${p}}`, this.callMark('breaches-claimed', `{p${p}}`), now, max, this.prefix, `{p${p}}`, minId, this.resendMarkMs, now - (this.context.options.trtAlertGraceMs ?? 0), ...lagBoundsMs);
        let reply: BreachClaimsReply;
        try {
          [reply] = (await this.exec('claim breaches', pipeline)) as BreachClaimsReply[];
        } catch (error) {
          failure ??= error;
          return;
        }
        const markedAt = now + (performance.now() - started);
        const [oneByOne, marked, alerted] = reply;
        for (let i = 0; i < oneByOne.length; i += 5) {
          const requestId = oneByOne[i];
          const checkAt = Number(oneByOne[i + 1]);
          const breach: Breach = { requestId, originatorId: originatorOf(requestId), destination: oneByOne[i + 2], trtClass: oneByOne[i + 3], checkAt, lagMs: markedAt - checkAt };
          if (oneByOne[i + 4] === '1') breach.overdue = true;
          claims.breaches.push(breach);
        }
        claims.marked.push(...markedGroups(marked));
        for (const [trtClass, destination, flat] of alerted) {
          for (let i = 0; i < flat.length; i += 2) {
            const requestId = flat[i];
            const checkAt = Number(flat[i + 1]);
            claims.breaches.push({ requestId, originatorId: originatorOf(requestId), destination, trtClass, checkAt, markedEarlier: true, lagMs: markedAt - checkAt });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: BREACH_CLAIMS_IN_FLIGHT }, claimer));
    if (failure === undefined) return claims;
    throw claims.breaches.length > 0 || claims.marked.length > 0 ? new BreachClaimsIncomplete(claims, { cause: failure }) : failure;
  }
}
