import { monthOf, statKey } from '@dccrouter/domain';
import type { Breach, StateStore } from '@dccrouter/state';
import type { LifecycleMetrics } from '../metrics/index.ts';

/** Breaches one claim takes (per partition on Redis); a full claim means a backlog. */
export const CLAIM_MAX = 1000;
/** Claims kept in flight while there is a backlog, so the store always has the next one queued. */
export const CLAIMS_IN_FLIGHT = 2;

export interface BreachScanOptions {
  claimMax?: number;
  claimsInFlight?: number;
}

/**
 * One pass of the deadline scan: claims every request past its check time without a response
 * (each exactly once across all instances; the store queues its TRT alert), and counts them for
 * the live metrics and the month's service report. A first claim finds whether there is a
 * backlog; while there is, `claimsInFlight` claims run at once, back to back, without waiting
 * for the scan interval, and each claim's counts go to the store while the next claims run.
 */
export async function scanBreaches(store: StateStore, metrics: LifecycleMetrics, options: BreachScanOptions = {}): Promise<void> {
  const claimMax = options.claimMax ?? CLAIM_MAX;
  const inFlight = Math.max(1, options.claimsInFlight ?? CLAIMS_IN_FLIGHT);
  let counting: Promise<void> = Promise.resolve();
  let countFailure: unknown;
  let backlog = true;

  const claim = async () => {
    const now = Date.now();
    let breaches: Breach[];
    try {
      breaches = await store.claimBreaches(now, claimMax);
    } catch (error) {
      backlog = false;
      throw error;
    }
    if (breaches.length < claimMax) backlog = false;
    if (breaches.length === 0) return;
    const { set, by } = count(breaches, metrics, monthOf(now));
    // One stats write at a time, off the claims' path; a failed one does not stop the next.
    counting = counting.then(() => store.incrementStats(set, by)).catch((error) => { countFailure ??= error; });
  };

  try {
    await claim();
    if (backlog) {
      const claimers = await Promise.allSettled(Array.from({ length: inFlight }, async () => {
        while (backlog) await claim();
      }));
      const failed = claimers.find((claimer) => claimer.status === 'rejected');
      if (failed) throw failed.reason;
    }
  } finally {
    // What was claimed is counted, even when a later claim failed.
    await counting;
  }
  if (countFailure !== undefined) throw countFailure;
}

function count(breaches: readonly Breach[], metrics: LifecycleMetrics, month: string) {
  const by: Record<string, number> = {};
  for (const breach of breaches) {
    metrics.breachLag.observe(breach.lagMs / 1000);
    const key = statKey(breach.trtClass, breach.destination, 'breached');
    by[key] = (by[key] ?? 0) + 1;
  }
  metrics.breaches.inc(breaches.length);
  return { set: `service:${month}`, by };
}
