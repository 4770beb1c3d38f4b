import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { statKey } from '@dccrouter/domain';
import { MemoryStore, type MarkedBreaches } from '@dccrouter/state';
import { createLogger } from '../log/index.ts';
import { lifecycleMetrics } from '../metrics/index.ts';
import { StatsAggregator, serviceStatsOf } from '../stats/index.ts';
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

describe('BreachScanner: the month a breach is counted in', () => {
  const monthStart = Date.UTC(2026, 11, 1);
  const key = statKey('smets2.onDemand', 'smets2/central', 'breached');

  it('counts each breach named in a claim in the month of its check time, not of the scan', async () => {
    const store = new MemoryStore();
    const stats = new StatsAggregator(store, 60_000, createLogger('silent'));
    // Deadlines 50 ms before and 50 ms after midnight on the 1st; the scan runs 200 ms after it.
    for (const [counter, deadline] of [[1, monthStart - 50], [2, monthStart + 50]] as const) {
      const requestId = `90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:${counter}`;
      await store.recordAcceptance(requestId, {
        leg: 'single', legRecord: { bodyHash: 'a'.repeat(64), srv: '4.1.1', answer: { status: 202, body: '{}' } },
        record: {
          requestId, originatorId: '90-B3-D5-1F-30-01-00-00', targetId: '00-DB-12-34-56-78-90-A0', srv: '4.1.1', commandVariant: 1, state: 'accepted',
          destination: 'smets2/central', acceptedAt: deadline - 30_000, trt: { class: 'smets2.onDemand', budgetMs: 30_000, startsAt: deadline - 30_000, deadline },
          bodyElement: 'ReadInstantaneousImportRegisters', bodyValue: {},
        },
        egress: {}, breachCheckAt: deadline,
      });
    }
    await new BreachScanner(store, lifecycleMetrics(new Registry()), stats, 1_000, () => monthStart + 200).scan();
    await stats.flush();
    expect((await store.readStats(serviceStatsOf('2026-11')))[key]).toBe(1);
    expect((await store.readStats(serviceStatsOf('2026-12')))[key]).toBe(1);
  });

  it('splits a group marked in bulk across the month boundary by the count the claim gives for this month', async () => {
    const seen: number[][] = [];
    // Redis's marks count by each bound given; the last one (boundsWithMonth) reaches back to the month's start.
    class MarkedAcrossMidnight extends MemoryStore {
      override async claimBreaches(_now: number, _max: number, lagBoundsMs: readonly number[] = []) {
        seen.push([...lagBoundsMs]);
        return { breaches: [], marked: [{ trtClass: 'smets2.onDemand', destination: 'smets2/central', count: 5, lagCounts: [...lagBoundsMs.slice(0, -1).map(() => 5), 3] }] };
      }
    }
    const store = new MarkedAcrossMidnight();
    const stats = new StatsAggregator(store, 60_000, createLogger('silent'));
    const metrics = lifecycleMetrics(new Registry());
    await new BreachScanner(store, metrics, stats, 1_000, () => monthStart + 200).scan();
    await stats.flush();
    expect(seen[0].at(-1)).toBe(200);
    expect(seen[0].slice(0, -1)).toEqual(metrics.breachLagBoundsMs);
    expect([(await store.readStats(serviceStatsOf('2026-11')))[key], (await store.readStats(serviceStatsOf('2026-12')))[key]]).toEqual([2, 3]);
    // The lag histogram is observed by the lag bounds alone.
    expect((await metrics.breachLag.get()).values.find((v) => v.metricName === 'dccrouter_trt_breach_detection_lag_seconds_count')?.value).toBe(5);
  });
});
