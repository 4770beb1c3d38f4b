import { describe, expect, it } from 'vitest';
import { BUCKET_COUNT, bucketOf, bucketUpperMs, buildMonthlyReport, isMonth, monthOf, quantileMs, renderMonthlyReport, statKey } from './report.ts';

describe('TRT buckets', () => {
  it('put a duration in the first bucket whose upper bound holds it, within 25%', () => {
    for (const ms of [0, 1, 10, 10.1, 12.5, 13, 99, 1000, 29_999, 30_000, 30_001, 16_000, 432_000_000]) {
      const index = bucketOf(ms);
      expect(bucketUpperMs(index)).toBeGreaterThanOrEqual(ms - 1e-9);
      if (index > 0) expect(bucketUpperMs(index - 1)).toBeLessThan(ms);
      if (ms > 10) expect(bucketUpperMs(index) / ms).toBeLessThanOrEqual(1.25 + 1e-9);
    }
    expect(bucketOf(10)).toBe(0);
    expect(bucketOf(12.5)).toBe(1);
    expect(bucketOf(12.6)).toBe(2);
    expect(bucketOf(Number.MAX_SAFE_INTEGER)).toBe(BUCKET_COUNT - 1);
  });

  it('read quantiles as bucket upper bounds', () => {
    const buckets = new Array(BUCKET_COUNT).fill(0);
    buckets[bucketOf(100)] = 90;
    buckets[bucketOf(5000)] = 10;
    expect(quantileMs(buckets, 0.5)).toBe(Math.round(bucketUpperMs(bucketOf(100))));
    expect(quantileMs(buckets, 0.9)).toBe(Math.round(bucketUpperMs(bucketOf(100))));
    expect(quantileMs(buckets, 0.91)).toBe(Math.round(bucketUpperMs(bucketOf(5000))));
    expect(quantileMs(new Array(BUCKET_COUNT).fill(0), 0.5)).toBeUndefined();
  });
});

describe('months', () => {
  it('name the UTC calendar month and check the format', () => {
    expect(monthOf(Date.parse('2026-11-30T23:59:59.999Z'))).toBe('2026-11');
    expect(monthOf(Date.parse('2026-12-01T00:00:00Z'))).toBe('2026-12');
    expect(isMonth('2026-11')).toBe(true);
    for (const bad of ['2026-13', '2026-00', '26-11', '2026-1', '2026-11-01']) expect(isMonth(bad)).toBe(false);
  });
});

describe('monthly report', () => {
  const counters = {
    [statKey('smets2.onDemand', 'smets2/north', 'responded')]: 10,
    [statKey('smets2.onDemand', 'smets2/north', 'within')]: 9,
    [statKey('smets2.onDemand', 'smets2/north', 'breached')]: 3,
    [statKey('smets2.onDemand', 'smets2/north', `b${bucketOf(200)}`)]: 9,
    [statKey('smets2.onDemand', 'smets2/north', `b${bucketOf(40_000)}`)]: 1,
    [statKey('smets1.response', 'smets1/itron', 'responded')]: 2,
    [statKey('smets1.response', 'smets1/itron', 'within')]: 2,
    [statKey('smets1.response', 'smets1/itron', `b${bucketOf(3000)}`)]: 2,
  };

  it('reports SMETS2+ as the service metrics and SMETS1 apart, with in-TRT share over judged requests', () => {
    const report = buildMonthlyReport('2026-11', counters);
    expect(report.serviceMetrics).toEqual([{
      trtClass: 'smets2.onDemand', destination: 'smets2/north', responded: 10, withinTrt: 9, breached: 3,
      inTrtShare: 0.75, p50Ms: Math.round(bucketUpperMs(bucketOf(200))), p95Ms: Math.round(bucketUpperMs(bucketOf(40_000))), p99Ms: Math.round(bucketUpperMs(bucketOf(40_000))),
    }]);
    expect(report.smets1Indicative).toHaveLength(1);
    expect(report.smets1Indicative[0]).toMatchObject({ trtClass: 'smets1.response', inTrtShare: 1, breached: 0 });
  });

  it('renders Markdown with both sections, and says when there is no traffic', () => {
    const markdown = renderMonthlyReport(buildMonthlyReport('2026-11', counters));
    expect(markdown).toContain('# Monthly service report: 2026-11');
    expect(markdown).toContain('| smets2.onDemand | smets2/north | 10 | 9 | 3 | 75.00% |');
    expect(renderMonthlyReport(buildMonthlyReport('2026-10', {}))).toContain('No traffic.');
  });
});

describe('SMETS1 indicative end-to-end figures', () => {
  it('reports end-to-end times with WAN time beside the TRT-measured ones, for SMETS1 only', () => {
    const report = buildMonthlyReport('2026-12', {
      [statKey('smets1.response', 'smets1/itron', 'responded')]: 2, [statKey('smets1.response', 'smets1/itron', 'within')]: 2,
      [statKey('smets1.response', 'smets1/itron', `b${bucketOf(200)}`)]: 2, [statKey('smets1.response', 'smets1/itron', `e${bucketOf(1_000)}`)]: 2,
      [statKey('smets2.onDemand', 'smets2/north', 'responded')]: 1, [statKey('smets2.onDemand', 'smets2/north', `b${bucketOf(50)}`)]: 1,
    });
    const itron = report.smets1Indicative[0];
    expect(itron.p50Ms).toBeLessThan(260);
    expect(itron.endToEnd!.p50Ms).toBeGreaterThanOrEqual(1_000);
    expect(report.serviceMetrics[0].endToEnd).toBeUndefined();
    expect(renderMonthlyReport(report)).toContain('end to end p50 ms');
  });
});

