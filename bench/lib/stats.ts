// Small numeric helpers shared by the load generators and the report.

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The run with the median rate (of an even count, the upper of the two middle ones), so that its
 * other figures (CPU, Redis commands) come from one representative run, not the last one.
 */
export function medianRun<T>(runs: readonly T[], rate: (run: T) => number): T | undefined {
  const sorted = [...runs].sort((a, b) => rate(a) - rate(b));
  return sorted[Math.floor(sorted.length / 2)];
}

/** Nearest-rank percentile of an already sorted array (q from 0 to 1). */
export function percentileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Exact percentiles from every recorded latency (ms); sorting a few hundred thousand is cheap. */
export function summarise(latencies: Float64Array): LatencySummary {
  if (latencies.length === 0) return { p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = Float64Array.from(latencies).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    p50: round(percentileOfSorted(sorted, 0.5)),
    p90: round(percentileOfSorted(sorted, 0.9)),
    p99: round(percentileOfSorted(sorted, 0.99)),
    max: round(sorted[sorted.length - 1]),
    mean: round(sum / sorted.length),
  };
}

/** Rounds to a sensible number of significant digits for a report. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const factor = 10 ** Math.max(0, digits - 1 - magnitude);
  return Math.round(value * factor) / factor;
}

/** A seeded PRNG (mulberry32), so the traffic mix and arrival times are the same on every run. */
export { seededRandom } from '@dccrouter/simulators';

/** Counts of each value (HTTP statuses, outcomes), merged across runs. */
export function addCounts(into: Record<string, number>, from: Record<string, number>): Record<string, number> {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
  return into;
}
