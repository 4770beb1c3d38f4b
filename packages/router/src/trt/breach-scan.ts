import { monthOf, statKey } from '@dccrouter/domain';
import type { StateStore } from '@dccrouter/state';
import type { LifecycleMetrics } from '../metrics/index.ts';

const CLAIM_MAX = 1000;

/**
 * One pass of the deadline scan: claims every request past its check time without a response
 * (each exactly once across all instances; the store queues its TRT alert), and counts them for
 * the live metrics and the month's service report.
 */
export async function scanBreaches(store: StateStore, metrics: LifecycleMetrics): Promise<void> {
  for (;;) {
    const now = Date.now();
    const breaches = await store.claimBreaches(now, CLAIM_MAX);
    const increments: Record<string, number> = {};
    for (const breach of breaches) {
      metrics.breachLag.observe(breach.lagMs / 1000);
      const key = statKey(breach.trtClass, breach.destination, 'breached');
      increments[key] = (increments[key] ?? 0) + 1;
    }
    metrics.breaches.inc(breaches.length);
    if (breaches.length > 0) await store.incrementStats(`service:${monthOf(now)}`, increments);
    if (breaches.length < CLAIM_MAX) return;
  }
}
