import { originatorOf, PARTITIONS, partitionOf, partitionOfRef, splitCursor } from '../shared/index.ts';
import type { Page, Release, RequestRecord } from '../store/index.ts';
import { RedisPart, type ScriptedPipeline } from './base.ts';
import { packRecord, recordFrom, unpackRecord } from './records.ts';
import { bulkIndexOf } from './trt.ts';

/** Entries of a partition's quarantine index one listing call looks at, at most (a User's are a few of many). */
const QUARANTINE_SCAN_BUDGET = 10_000;
/** Requests one listing call gives, at most: its reply is unpacked in Lua, which takes a few thousand values. A longer page goes on from its cursor. */
const QUARANTINE_PER_CALL = 1_000;

/** Requests held back by Threshold Anomaly Detection: found by reference, released, deleted, listed, expired. */
export class RedisQuarantine extends RedisPart {
  async findQuarantine(ref: string): Promise<string | undefined> {
    if (partitionOfRef(ref) === undefined) return undefined;
    return (await this.call('GET quarantine ref', () => this.redis.get(this.quarantineRefKey(ref)))) ?? undefined;
  }

  /** A quarantine event's reference key, in the slot of the partition the reference names (accept-batch.lua writes it). */
  private quarantineRefKey(ref: string): string {
    return `${this.prefix}qref:{p${partitionOfRef(ref)}}:${ref}`;
  }

  async releaseQuarantine(requestId: string, release: Release): Promise<boolean> {
    const tag = this.tagOf(requestId);
    const [stored, packed] = await this.call('HMGET dest', () => this.redis.hmget(this.requestKey(requestId), 'dest', 'record'));
    if (stored === null || packed === null) return false;
    // Routed anew (its device moved while it was held): its record and destination rewritten in the release's step.
    const route = release.route;
    const rerouted = route ? packRecord({ ...unpackRecord(packed, requestId), destination: route.destination, generation: route.generation }) : '';
    const destination = route?.destination ?? stored;
    const bulk = bulkIndexOf(release.trt, destination, release.breachCheckAt, release.breachFinalAt);
    const released = await this.call('release quarantine', () => this.redis.releaseQuarantine(
      this.requestKey(requestId), this.egressKey(tag, destination), `${this.prefix}trt:${tag}`, `${this.prefix}qexp:${tag}`,
      `${this.prefix}trtkeys:${tag}`, `${this.prefix}trt:${tag}${bulk && `:${bulk}`}`, this.trtMarkKey(tag), this.outboxKey(originatorOf(requestId)), `${this.prefix}held:${tag}`,
      // Its reference's key (in its partition's slot), or the request's again where no event is named.
      release.ref === undefined ? this.requestKey(requestId) : this.quarantineRefKey(release.ref),
      requestId, release.state, release.at, release.trt ? JSON.stringify(release.trt) : '', release.egress ? '1' : '0',
      release.breachCheckAt ?? '', release.trt ? new Date(release.trt.deadline).toISOString() : '', release.trt?.class ?? '',
      release.trt?.startsAt ?? '', release.trt?.budgetMs ?? '', release.breachFinalAt ?? '', bulk, this.context.retentionSeconds,
      release.outbox ? JSON.stringify(release.outbox) : '', this.outboxMinId(),
      release.heldUntil !== undefined && release.heldUntil > release.at ? release.heldUntil : '', rerouted, destination, release.ref ?? '',
    ));
    return released === 1;
  }

  async deleteQuarantined(requestId: string, at: number, ref?: string): Promise<boolean> {
    const tag = this.tagOf(requestId);
    return (await this.call('delete quarantined', () =>
      this.redis.deleteQuarantined(this.requestKey(requestId), `${this.prefix}qexp:${tag}`, requestId, at, ref ?? ''))) === 1;
  }

  /**
   * One script call per partition in order (only the User's with a User), each giving the
   * partition's soonest-expiring first. The cursor is `<partition>/<expiry>/<RequestID>` of the
   * last position looked at.
   */
  async listQuarantined(userId: string | undefined, after: string | undefined, limit: number): Promise<Page<RequestRecord>> {
    const [afterPartition, afterRest] = splitCursor(after);
    const [afterScore, afterId] = splitCursor(afterRest);
    const partitions = userId === undefined ? Array.from({ length: PARTITIONS }, (_, p) => p) : [partitionOf(userId)];
    const found: string[] = [];
    let next: string | undefined;
    for (const p of partitions.filter((q) => afterPartition === undefined || q >= Number(afterPartition))) {
      const from = p === Number(afterPartition) ? [afterScore ?? '', afterId ?? ''] : ['', ''];
      const [lastScore, lastId, ...pairs] = await this.call('list quarantined', () =>
        this.redis.listQuarantined(`${this.prefix}qexp:{p${p}}`, ...from, userId === undefined ? '' : `${userId}:`, Math.min(limit - found.length, QUARANTINE_PER_CALL), QUARANTINE_SCAN_BUDGET));
      for (let i = 0; i < pairs.length; i += 2) found.push(pairs[i]);
      // Stopped short of the partition's end: the page ends here, and goes on from there.
      if (lastId !== '') {
        next = `${p}/${lastScore}/${lastId}`;
        break;
      }
    }
    if (found.length === 0) return next ? { items: [], next } : { items: [] };
    const read = this.pipeline();
    for (const requestId of found) read.hgetall(this.requestKey(requestId));
    const records = (await this.exec('read quarantined', read)) as Record<string, string>[];
    const items = records.flatMap((fields, i) => (fields.record ? [recordFrom(fields, found[i])] : []));
    return next ? { items, next } : { items };
  }

  async expireQuarantined(now: number, max: number): Promise<string[]> {
    const pipeline = this.pipeline() as ScriptedPipeline & { expireQuarantined(...args: unknown[]): ScriptedPipeline };
    for (let p = 0; p < PARTITIONS; p++) pipeline.expireQuarantined(`${this.prefix}qexp:{p${p}}`, now, max, this.prefix, `{p${p}}`);
    return (await this.exec('expire quarantined', pipeline)).flat() as string[];
  }
}
