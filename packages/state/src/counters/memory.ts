import { countingBucket, windowCount, windowFloor, withinLimit, type WindowGeometry } from '@dccrouter/domain';
import { planCounters, type BucketDelta, type CounterPlan, type CountResult, type WindowCounters, type WindowRule } from './index.ts';

interface Counter {
  geometry: WindowGeometry;
  /** The highest window floor seen: buckets below it have been dropped. */
  floor: number;
  buckets: Map<number, number>;
}

/** Counters left idle are looked for once per this many tryCount calls. */
const SWEEP_EVERY = 4_096;

/** Window counters of one process; synchronous inside, so each call is atomic. */
export class MemoryCounters implements WindowCounters {
  private readonly counters = new Map<string, Counter>();
  private calls = 0;

  async tryCount(scope: string, rules: readonly WindowRule[], at: number): Promise<CountResult> {
    return this.countNow(scope, rules, at);
  }

  /**
   * tryCount without a turn of the event loop, for callers that must judge and count in one step;
   * `evenInExcess` counts past the limits too (and says admitted).
   */
  countNow(scope: string, rules: readonly WindowRule[], at: number, evenInExcess = false): CountResult {
    const plans = planCounters(scope, rules, at);
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(at);
    const counters = plans.map((plan) => this.advance(plan));
    const counts = counters.map((counter) => windowCount(counter.buckets, counter.floor));
    const breached = plans.findIndex((plan, i) => !withinLimit(counts[i], plan.limit));
    if (breached >= 0 && !evenInExcess) return { admitted: false, counts, breached };
    plans.forEach((plan, i) => {
      const counter = counters[i];
      const bucket = countingBucket(at, counter.floor, counter.geometry);
      counter.buckets.set(bucket, (counter.buckets.get(bucket) ?? 0) + 1);
      this.counters.set(plan.counter, counter);
      counts[i] += 1;
    });
    return { admitted: true, counts };
  }

  async peek(scope: string, rules: readonly WindowRule[], at: number): Promise<number[]> {
    return planCounters(scope, rules, at).map((plan) => {
      const counter = this.counters.get(plan.counter);
      return counter ? windowCount(counter.buckets, Math.max(counter.floor, plan.floor)) : 0;
    });
  }

  async addCounts(scope: string, rules: readonly WindowRule[], at: number, deltas: readonly (readonly BucketDelta[])[]): Promise<number[]> {
    return planCounters(scope, rules, at).map((plan, i) => {
      const counter = this.advance(plan);
      for (const { bucket, n } of deltas[i] ?? []) {
        if (bucket < counter.floor) continue;
        const value = (counter.buckets.get(bucket) ?? 0) + Math.max(n, -(counter.buckets.get(bucket) ?? 0));
        if (value > 0) counter.buckets.set(bucket, value);
        else counter.buckets.delete(bucket);
      }
      if (counter.buckets.size > 0) this.counters.set(plan.counter, counter);
      return windowCount(counter.buckets, counter.floor);
    });
  }

  /**
   * The counter with its floor brought up to the window at the plan's time; a new one (stored when
   * first counted in) if there was none or all its buckets have left the window, as in Redis.
   */
  private advance(plan: CounterPlan): Counter {
    const counter = this.counters.get(plan.counter);
    if (!counter || plan.floor > counter.floor + plan.geometry.span) {
      this.counters.delete(plan.counter);
      return { geometry: plan.geometry, floor: plan.floor, buckets: new Map() };
    }
    if (plan.floor > counter.floor) {
      counter.floor = plan.floor;
      for (const index of counter.buckets.keys()) if (index < plan.floor) counter.buckets.delete(index);
    }
    return counter;
  }

  /** Forgets counters with nothing left in their window: the same as a Redis key expiring. */
  private sweep(at: number): void {
    for (const [name, counter] of this.counters) {
      if (windowCount(counter.buckets, Math.max(counter.floor, windowFloor(at, counter.geometry))) === 0) this.counters.delete(name);
    }
  }
}
