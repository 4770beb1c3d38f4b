// Sliding-window counters for Threshold Anomaly Detection. Both implementations follow the window
// arithmetic of @dccrouter/domain (bucketed sliding window: never under-counts, over-counts by at
// most the events of one bucket, 1/60 of the window; bounded memory per counter).
import { bucketIndex, windowFloor, windowGeometry, type WindowGeometry } from '@dccrouter/domain';

/** One counted stream and its threshold. */
export interface WindowRule {
  /**
   * Names the stream within its scope, e.g. '4.1.1' or '*'. A counter is identified by scope, key
   * and window together, so changing a rule's window starts a fresh counter while changing its
   * limit keeps the count.
   */
  key: string;
  /** At most this many events in the window: the one that would make it limit + 1 is refused. */
  limit: number;
  windowMs: number;
}

export type CountResult =
  /** `counts[i]`: rule i's count including this event. */
  | { admitted: true; counts: number[] }
  /** Nothing was counted; `counts[i]`: rule i's count as it stands; `breached`: the first rule that would go past its limit. */
  | { admitted: false; counts: number[]; breached: number };

export interface WindowCounters {
  /**
   * Atomically over the given rules (which all share one scope): if counting this event would take
   * ANY rule past its limit, counts nothing and reports the first such rule; otherwise counts it in
   * every rule. `scope` is 'user:<User ID>' or 'dcc': in Redis all of a scope's counters share one
   * hash tag, so one scope is one slot of a Redis Cluster. `at` is epoch ms.
   */
  tryCount(scope: string, rules: readonly WindowRule[], at: number): Promise<CountResult>;
  /** Current counts at `at`, counting nothing (for near-limit gauges). */
  peek(scope: string, rules: readonly WindowRule[], at: number): Promise<number[]>;
  /**
   * Adds events admitted elsewhere, with no limit check (an instance's locally counted events,
   * reconciled periodically): `deltas[i]` are rule i's (bucket, n) pairs, buckets as `planCounters`
   * gives them; a negative n takes events back (from a bucket still in the window; never below
   * zero). Answers each rule's total at `at`, these included.
   */
  addCounts(scope: string, rules: readonly WindowRule[], at: number, deltas: readonly (readonly BucketDelta[])[]): Promise<number[]>;
}

export interface BucketDelta {
  bucket: number;
  n: number;
}

/** How long a Redis counter outlives its last event beyond window and bucket: covers clock differences between router instances. */
export const EXPIRY_SLACK_MS = 5_000;

/** One rule's counter, located and with the window arithmetic done for time `at`. */
export interface CounterPlan {
  /** The counter's name, '{scope}' first so that one scope maps to one Redis Cluster slot. */
  counter: string;
  limit: number;
  geometry: WindowGeometry;
  /** The oldest bucket of the window ending at `at`. */
  floor: number;
  /** The bucket holding `at`. */
  bucket: number;
}

/**
 * Validates a call's arguments (a mistake here is the caller's bug, so it throws RangeError) and
 * does its arithmetic. Function declarations, not consts: memory.ts and redis.ts import these
 * while this file re-exports them.
 */
export function planCounters(scope: string, rules: readonly WindowRule[], at: number, hashTag?: string): CounterPlan[] {
  if (scope === '' || /[{}]/.test(scope)) throw new RangeError(`scope must be non-empty and without braces (it is a Redis hash tag): ${JSON.stringify(scope)}`);
  if (!Number.isFinite(at)) throw new RangeError(`at must be a finite epoch ms, not ${at}`);
  const seen = new Set<string>();
  return rules.map((rule) => {
    if (!Number.isSafeInteger(rule.limit) || rule.limit < 0) throw new RangeError(`limit must be a non-negative integer, not ${rule.limit}`);
    const geometry = windowGeometry(rule.windowMs);
    // With a hash tag (a request partition's), the counter shares that slot; else the scope is its own slot.
    const counter = hashTag === undefined
      ? `tad:{${scope}}:${rule.key}:${geometry.windowMs}:${geometry.bucketMs}`
      : `tad:{${hashTag}}:${scope}:${rule.key}:${geometry.windowMs}:${geometry.bucketMs}`;
    // The same counter twice in one call would count the event twice.
    if (seen.has(counter)) throw new RangeError(`rule ${rule.key} with window ${rule.windowMs} ms given twice`);
    seen.add(counter);
    return { counter, limit: rule.limit, geometry, floor: windowFloor(at, geometry), bucket: bucketIndex(at, geometry) };
  });
}

export { MemoryCounters } from './memory.ts';
export { RedisCounters } from './redis.ts';
