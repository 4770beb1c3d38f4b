import { findSrv, refusalCode, routeFor, type Refusal } from '@dccrouter/domain';
import type { HeldClaims, HeldRelease, HeldVerdict, NetworkResponse, RequestRecord, StateStore } from '@dccrouter/state';
import { LOOK_AGAIN_GAPS_MS, retryAfterGaps } from '../background/index.ts';
import { judgeAgain, type JudgeAgainSources } from '../pipeline/judge-again.ts';
import type { DirectEgress } from './index.ts';

/**
 * Held requests claimed per partition and call. 16 partitions of 500 stay within the 10,000
 * hand-overs an egress has room for, so a burst is all handed over rather than part of each call
 * queued.
 */
export const HELD_RELEASE_BATCH = 500;

/**
 * How long a claim of held requests lasts before another router may claim them again: far longer
 * than judging a batch takes, short against a TRT (one left by a router that died is late by this).
 */
export const HELD_CLAIM_MS = 10_000;

/** A held request refused when its time came, answered as its network would: the refusal's DUIS code and reason. */
export function refusalAtRelease(record: RequestRecord, refusal: Refusal, at: number): NetworkResponse {
  return {
    requestId: record.requestId, destination: record.destination, srv: record.srv, at, unsent: true,
    // Every refusal judgeAgain gives has its DUIS code (rows 4, 6, 11, 13 to 17).
    responseCode: refusalCode(refusal.reason) ?? 'E1',
    body: { error: { reason: refusal.reason, message: `refused when its ExecutionDateTime came: ${refusal.message}` } },
  };
}

/**
 * Releases DSP-held future-dated requests whose time has come, each judged again as the request
 * path would judge it now: refused (its response the refusal, recorded as a network's is), or
 * sent on, routed anew where its device moved while it was held. Those for this process's own
 * networks are leased to it and handed over at once, the rest go to their queues.
 */
export class HeldReleaser {
  constructor(
    private readonly store: StateStore,
    private readonly egress: DirectEgress,
    private readonly sources: JudgeAgainSources,
    /** Records a response as the networks' responses are recorded (metrics, the User's feeds woken). */
    private readonly respond: (response: NetworkResponse) => Promise<void>,
    /** Gaps between the lookups of what a release whose answer was lost leased. */
    private readonly lookupGapsMs: readonly number[] = LOOK_AGAIN_GAPS_MS,
    /** The release's clock: due means `releaseAt <= now()`. */
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Releases until no partition has more due. A request whose judgement or refusal fails (the
   * store unreachable) is held again until its claim's end, and judged again then; a failure
   * (the first) is thrown once every claim made has been settled, for the loop to log.
   */
  async releaseDue(): Promise<void> {
    let failed: unknown;
    let next: Promise<HeldClaims> | undefined = this.claim();
    while (next) {
      let claims: HeldClaims;
      try {
        claims = await next;
      } catch (error) {
        failed ??= error;
        break;
      }
      if (claims.failed) failed ??= claims.failed;
      // The next claim runs in Redis while this one is judged here: a burst due at one time goes
      // on at the pace of the slower of the two, not of both in turn.
      next = claims.more && !claims.failed ? this.claim() : undefined;
      next?.catch(() => {});
      const judged = await Promise.allSettled(claims.claimed.map((record) => this.judge(record)));
      const verdicts: HeldVerdict[] = [];
      const later: string[] = [];
      judged.forEach((outcome, i) => {
        if (outcome.status === 'rejected') {
          failed ??= outcome.reason;
          later.push(claims.claimed[i].requestId);
        } else if (outcome.value) verdicts.push(outcome.value);
      });
      try {
        await this.settle(claims, verdicts, later);
      } catch (error) {
        failed ??= error;
      }
    }
    if (failed !== undefined) throw failed;
  }

  private claim(): Promise<HeldClaims> {
    const at = this.now();
    return this.store.claimHeld(at, HELD_RELEASE_BATCH, at + HELD_CLAIM_MS);
  }

  /**
   * Allowed, how it goes on (by its route now); refused, undefined once its refusal is recorded as
   * its response (only while it is unsent: one another router claimed again, its claim having run
   * out, and sent on meanwhile keeps that router's verdict).
   */
  private async judge(record: RequestRecord): Promise<HeldVerdict | undefined> {
    const allowed = await judgeAgain(this.sources, record);
    if ('refusal' in allowed) {
      await this.respond(refusalAtRelease(record, allowed.refusal, this.now()));
      return undefined;
    }
    const route = routeFor(findSrv(record.srv)!, allowed.device);
    return route.destination === record.destination && route.generation === record.generation ? { record } : { record, route };
  }

  private async settle(claims: HeldClaims, verdicts: HeldVerdict[], later: string[]): Promise<void> {
    const at = this.now();
    const handOver = this.egress.releaseHandOver();
    let release: HeldRelease;
    try {
      release = await this.store.settleHeld(claims, at, verdicts, later, handOver);
    } catch (error) {
      // Unanswered, the call may have leased requests to this process all the same: they are
      // found by their lease time and sent, rather than left for the redelivery delay (a
      // SMETS2+ request's whole TRT). A repeat, should another router send one too, is dropped.
      if (handOver) this.lookUpLeases(at, handOver.destinations);
      throw error;
    }
    for (const item of release.handedOver) this.egress.handOver(item);
    if (release.failed) {
      // A partition that failed may have leased some all the same: found by their lease time, those handed over not sent again.
      if (handOver) this.lookUpLeases(at, handOver.destinations, release.handedOver.map((item) => item.record.requestId));
      throw release.failed;
    }
  }

  /**
   * Looked up after every gap, not only until a lookup answers: a call held up in Redis (writes
   * paused for a failover) may run after the first. `sent` keeps one from being sent twice.
   */
  private lookUpLeases(at: number, destinations: readonly string[], alreadySent: readonly string[] = []): void {
    const sent = new Set(alreadySent);
    retryAfterGaps(this.lookupGapsMs, async () => {
      // An egress stopped meanwhile leaves them to their redelivery.
      if (!this.egress.releaseHandOver()) return true;
      for (const item of await this.store.heldLeasedAt(at, destinations)) {
        if (sent.has(item.record.requestId)) continue;
        sent.add(item.record.requestId);
        this.egress.handOver(item);
      }
      return false;
    });
  }
}
