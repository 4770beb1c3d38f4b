import { Counter, Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { aggregatedText, childrenOf, lifecycleMetrics, storeWatchMetrics } from './index.ts';

describe('childrenOf', () => {
  it('makes each label set’s child once and keeps label sets apart, whatever their values', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'test_total', help: 'test', labelNames: ['a', 'b'], registers: [registry] });
    let made = 0;
    const labels = counter.labels.bind(counter);
    const child = childrenOf({ labels: (...values: string[]) => (made++, labels(...values)) });
    child('x', 'y').inc();
    child('x', 'y').inc();
    // Values that would join into the same text stay two label sets.
    child('x\u0000y', '').inc();
    child('x', 'y\u0000').inc();
    expect(child('x', 'y')).toBe(child('x', 'y'));
    expect(made).toBe(3);
    const values = (await counter.get()).values.map(({ labels: { a, b }, value }) => [a, b, value]);
    expect(values).toEqual(expect.arrayContaining([['x', 'y', 2], ['x\u0000y', '', 1], ['x', 'y\u0000', 1]]));
    expect(values).toHaveLength(3);
  });
});

describe('childrenOf a counter', () => {
  it('counts in the children and shows the sums whenever the counter is read, its own collect kept', async () => {
    const registry = new Registry();
    let collected = 0;
    const counter = new Counter({
      name: 'test_total', help: 'test', labelNames: ['stage'], registers: [registry],
      collect() {
        collected++;
      },
    });
    const child = childrenOf(counter);
    child('load').inc();
    child('load').inc(2);
    child('record').inc();
    expect(await registry.metrics()).toContain('test_total{stage="load"} 3');
    expect(await registry.metrics()).toContain('test_total{stage="record"} 1');
    child('load').inc();
    const values = (await counter.get()).values.map(({ labels, value }) => [labels.stage, value]);
    expect(values).toEqual(expect.arrayContaining([['load', 4], ['record', 1]]));
    expect(collected).toBe(3);
  });
});

describe('lifecycleMetrics().observeBreachLags', () => {
  it('puts breaches counted by lag bound (a bulk mark) into the buckets they fall in, one observation each', async () => {
    const metrics = lifecycleMetrics(new Registry());
    // Of 6: 2 within 10 ms, 3 more over 750 ms but within 1 s, 1 past the last bound (300 s).
    const lagCounts = metrics.breachLagBoundsMs.map((ms) => (ms < 1_000 ? 2 : 5));
    await metrics.observeBreachLags(lagCounts, 6);
    const { values } = await metrics.breachLag.get();
    const value = (suffix: string, le?: number | string) =>
      values.find((v) => v.metricName === `dccrouter_trt_breach_detection_lag_seconds${suffix}` && (le === undefined || v.labels.le === le))?.value;
    expect([value('_bucket', 0.01), value('_bucket', 0.05), value('_bucket', 0.75), value('_bucket', 1), value('_bucket', 300), value('_bucket', '+Inf')])
      .toEqual([2, 2, 2, 5, 5, 6]);
    expect(value('_count')).toBe(6);
    // Each at its bucket's upper bound; past the last, at twice it.
    expect(value('_sum')).toBeCloseTo(2 * 0.01 + 3 * 1 + 600);
  });
});

describe('lifecycleMetrics().tadUsageSeen', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it("shows each threshold's highest count over limit of the last one to two minutes, not the last User's, to every scraper", async () => {
    const registry = new Registry();
    const metrics = lifecycleMetrics(registry);
    const usage = async () => (await registry.getSingleMetric('dccrouter_tad_threshold_usage_ratio')!.get()).values.map(({ labels, value }) => ({ ...labels, value }));
    metrics.tadUsageSeen('user', '*', 300, 0.99);
    metrics.tadUsageSeen('user', '*', 300, 0.01);
    metrics.tadUsageSeen('dcc', '4.1.1', 60, 0.5);
    const peaks = [
      { scope: 'user', srv: '*', window_seconds: '300', value: 0.99 },
      { scope: 'dcc', srv: '4.1.1', window_seconds: '60', value: 0.5 },
    ];
    expect(await usage()).toEqual(peaks);
    // A second scraper sees the same.
    expect(await usage()).toEqual(peaks);
    // Into the next minute, still shown; a lower count then does not hide it.
    vi.advanceTimersByTime(60_000);
    metrics.tadUsageSeen('user', '*', 300, 0.2);
    expect(await usage()).toEqual(peaks);
    // A minute on, only what was counted in the last minute.
    vi.advanceTimersByTime(60_000);
    expect(await usage()).toEqual([{ scope: 'user', srv: '*', window_seconds: '300', value: 0.2 }]);
    // Nothing counted for two minutes: nothing shown (not an old peak, which may long have passed).
    vi.advanceTimersByTime(60_000);
    expect(await usage()).toEqual([]);
  });
});

describe('storeWatchMetrics across processes', () => {
  it('reads one host\'s clock offset as their average and one store loss once, not once a process', async () => {
    // Each process measures its own offset, and counts the losses it saw: two, the first before the
    // first process started. Distinct values, so that no other aggregation (first, min, max, sum)
    // passes for the offsets' average, nor the sum or the first for the losses' max.
    const processes = await Promise.all([{ offset: 0.1, losses: 1 }, { offset: 0.4, losses: 2 }, { offset: 0.7, losses: 2 }].map(async ({ offset, losses }) => {
      const registry = new Registry();
      const { clockOffset, storeDataLost } = storeWatchMetrics(registry);
      clockOffset.set(offset);
      storeDataLost.inc(losses);
      return registry.getMetricsAsJSON();
    }));
    const text = await aggregatedText(processes);
    expect(Number(/^dccrouter_clock_offset_seconds (\S+)$/m.exec(text)![1])).toBeCloseTo(0.4);
    expect(text).toMatch(/^dccrouter_store_data_lost_total 2$/m);
  });
});
