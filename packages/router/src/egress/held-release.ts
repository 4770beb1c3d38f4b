import type { HeldRelease, StateStore } from '@dccrouter/state';
import { LOOK_AGAIN_GAPS_MS, retryAfterGaps } from '../background/index.ts';
import type { DirectEgress } from './index.ts';

/**
 * Held requests released per partition and call. 16 partitions of 500 stay within the 10,000
 * hand-overs an egress has room for, so a burst is all handed over rather than part of each call
 * queued.
 */
export const HELD_RELEASE_BATCH = 500;

/**
 * Releases DSP-held future-dated requests whose time has come: those for this process's own
 * networks are leased to it and handed over at once, the rest go to their queues.
 */
export class HeldReleaser {
  constructor(
    private readonly store: StateStore,
    private readonly egress: DirectEgress,
    /** Gaps between the lookups of what a release whose answer was lost leased. */
    private readonly lookupGapsMs: readonly number[] = LOOK_AGAIN_GAPS_MS,
    /** The release's clock: due means `releaseAt <= now()`. */
    private readonly now: () => number = Date.now,
  ) {}

  /** Releases until no partition has more due. */
  async releaseDue(): Promise<void> {
    for (;;) {
      const at = this.now();
      const handOver = this.egress.releaseHandOver();
      let release: HeldRelease;
      try {
        release = await this.store.releaseHeld(at, HELD_RELEASE_BATCH, handOver);
      } catch (error) {
        // Unanswered, the call may have leased requests to this process all the same: they are
        // found by their lease time and sent, rather than left for the redelivery delay (a
        // SMETS2+ request's whole TRT). A repeat, should another router send one too, is dropped.
        if (handOver) this.lookUpLeases(at, handOver.destinations);
        throw error;
      }
      for (const item of release.handedOver) this.egress.handOver(item);
      if (!release.more) return;
    }
  }

  /**
   * Looked up after every gap, not only until a lookup answers: a call held up in Redis (writes
   * paused for a failover) may run after the first. `sent` keeps one from being sent twice.
   */
  private lookUpLeases(at: number, destinations: readonly string[]): void {
    const sent = new Set<string>();
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
