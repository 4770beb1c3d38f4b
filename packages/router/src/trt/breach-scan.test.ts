import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MemoryStore, type MarkedBreaches } from '@dccrouter/state';
import { createLogger } from '../log/index.ts';
import { lifecycleMetrics } from '../metrics/index.ts';
import { StatsAggregator } from '../stats/index.ts';
import { BreachScanner } from './breach-scan.ts';

/** A store whose claims wait while `gate` is set (a pass held up), counting the mark calls. */
class HeldClaimsStore extends MemoryStore {
  gate?: Promise<void>;
  markCalls = 0;
  override async claimBreaches(now: number, max: number) {
    await this.gate;
    return super.claimBreaches(now, max);
  }
  // The memory store marks nothing in bulk; these groups stand for what Redis would have marked.
  override async markBreaches(_now: number, lagBoundsMs: readonly number[] = []): Promise<MarkedBreaches[]> {
    this.markCalls++;
    return [{ trtClass: 'smets2.onDemand', destination: 'smets2/central', count: 3, lagCounts: lagBoundsMs.map(() => 3) }];
  }
}

describe('BreachScanner', () => {
  it('marks apart from its passes only while a pass has run longer than the scan interval, and counts what it marks', async () => {
    const store = new HeldClaimsStore();
    const metrics = lifecycleMetrics(new Registry());
    // The scanner's clock is the test's own: with real time, a real 60 ms wait could come short of
    // the 50 ms interval by the event loop's cached time, and a busy machine could age a pass past
    // it before the first look.
    let now = Date.now();
    const scanner = new BreachScanner(store, metrics, new StatsAggregator(store, 60_000, createLogger('silent')), 50, () => now);
    const breaches = async () => (await metrics.breaches.get()).values[0]?.value ?? 0;

    await scanner.mark();
    expect(store.markCalls).toBe(0);

    let release!: () => void;
    store.gate = new Promise((resolve) => (release = resolve));
    const pass = scanner.scan();
    // A pass younger than the interval marks for itself.
    await scanner.mark();
    expect(store.markCalls).toBe(0);
    now += 49;
    await scanner.mark();
    expect(store.markCalls).toBe(0);
    now += 1;
    await scanner.mark();
    expect(store.markCalls).toBe(1);
    expect(await breaches()).toBe(3);

    release();
    await pass;
    await scanner.mark();
    expect(store.markCalls).toBe(1);
  });
});
