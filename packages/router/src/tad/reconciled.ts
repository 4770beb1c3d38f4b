import { planCounters, StateUnavailableError, type BucketDelta, type CounterPlan, type WindowCounters, type WindowRule } from '@dccrouter/state';
import { Periodic } from '../background/index.ts';
import type { Logger } from '../log/index.ts';

interface LocalCounter {
  rule: WindowRule;
  /** The shared total at the last reconciliation (every instance's counts, this one's included). */
  shared: number;
  /** Counted here since, by bucket: not yet added to the shared counter. */
  pending: Map<number, number>;
  /** Being added right now: still counted here until the shared total includes them. */
  inFlight: Map<number, number>;
  lastUsed: number;
  /** No shared total read yet: a count waits for a reconciliation that reads one. */
  unread: boolean;
  /** The reconciliation an unread counter waits for; cleared when it fails, so the next count asks again. */
  ready?: Promise<void>;
}

export type LocalCountResult =
  | { admitted: true; counts: number[]; undo: () => void }
  /** `undo` when counted all the same (evenInExcess). */
  | { admitted: false; counts: number[]; breached: number; undo?: () => void };

/**
 * Counts one scope (the DCC-wide one) in-process and reconciles with the shared counters every
 * `syncMs`, so a counted request costs no store round trip. Each router process admits while the
 * last shared total plus its own counts since stays within the limit, so it never under-counts its
 * own traffic; what other processes (of this instance or others) admitted since the last
 * reconciliation it sees only at the next. Over-admission is therefore bounded by what the other
 * processes admit in one reconciliation period (plus one round trip); with one process the count is exact.
 */
export class ReconciledCounter {
  private readonly local = new Map<string, LocalCounter>();
  private readonly loop: Periodic;
  private syncing?: Promise<void>;

  constructor(
    private readonly counters: WindowCounters,
    private readonly scope: string,
    syncMs: number,
    private readonly log: Logger,
    /** Told after each reconciliation that completed (a metric; tests wait on it rather than on time). */
    private readonly onReconciled?: () => void,
    /** Epoch ms, as the events counted are timed (a router's: never ahead of the store's, see StoreWatch). */
    private readonly clock: () => number = Date.now,
  ) {
    // A failed reconciliation is logged; counting goes on locally meanwhile.
    this.loop = new Periodic(`threshold-reconcile-${scope}`, syncMs, () => this.sync(), log);
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.syncing;
    // What was counted here still reaches the shared counters.
    await this.sync().catch((error) => this.log.warn({ err: error, scope: this.scope }, 'last threshold counts not reconciled'));
  }

  /**
   * As WindowCounters.tryCount, judged in-process (no promise once its counters are known). A rule
   * first seen here is read from the store once. `evenInExcess` counts a request past a limit too
   * (still answered not admitted, naming the rule).
   */
  tryCount(rules: readonly WindowRule[], at: number, evenInExcess = false): LocalCountResult | Promise<LocalCountResult> {
    const plans = planCounters(this.scope, rules, at);
    for (const [i, plan] of plans.entries()) {
      if (!this.local.has(plan.counter)) this.local.set(plan.counter, { rule: rules[i], shared: 0, pending: new Map(), inFlight: new Map(), lastUsed: at, unread: true });
    }
    const counters = plans.map((plan) => this.local.get(plan.counter)!);
    const unread = counters.filter((counter) => counter.unread);
    if (unread.length > 0) {
      // Judged once the shared totals are known; until then no promise is made (the usual case).
      // A reconciliation that fails leaves them unread and is asked for again by the next count:
      // a first read lost to a store outage must not refuse counts once the store is back.
      const ready = unread.some((counter) => !counter.ready) ? this.sync() : undefined;
      for (const counter of unread) counter.ready ??= ready;
      return Promise.all(unread.map((counter) => counter.ready)).then(
        () => this.tryCount(rules, at, evenInExcess),
        (error: unknown) => {
          for (const counter of unread) counter.ready = undefined;
          throw error;
        });
    }
    const counts = plans.map((plan, i) => counters[i].shared + inWindow(counters[i].inFlight, plan) + inWindow(counters[i].pending, plan));
    const breached = plans.findIndex((plan, i) => counts[i] + 1 > plan.limit);
    if (breached >= 0 && !evenInExcess) return { admitted: false, counts, breached };
    const buckets = plans.map((plan, i) => {
      counters[i].lastUsed = at;
      add(counters[i].pending, plan.bucket, 1);
      return plan.bucket;
    });
    let undone = false;
    const undo = () => {
      if (undone) return;
      undone = true;
      counters.forEach((counter, i) => add(counter.pending, buckets[i], -1));
    };
    if (breached >= 0) return { admitted: false, counts, breached, undo };
    return { admitted: true, counts: counts.map((count) => count + 1), undo };
  }

  /** Adds what was counted here to the shared counters and takes their totals (every instance's). */
  sync(): Promise<void> {
    const run = (this.syncing ?? Promise.resolve()).then(() => this.reconcile()).then(() => this.onReconciled?.());
    this.syncing = run.catch(() => undefined);
    return run;
  }

  private async reconcile(): Promise<void> {
    const now = this.clock();
    const entries = [...this.local.entries()].filter(([name, counter]) => {
      // A counter unused for longer than its window holds nothing of this instance's any more.
      const idle = counter.pending.size === 0 && now - counter.lastUsed > counter.rule.windowMs * 2;
      if (idle) this.local.delete(name);
      return !idle;
    });
    if (entries.length === 0) return;
    const deltas: BucketDelta[][] = entries.map(([, counter]) => {
      counter.inFlight = counter.pending;
      counter.pending = new Map();
      return [...counter.inFlight].filter(([, n]) => n !== 0).map(([bucket, n]) => ({ bucket, n }));
    });
    try {
      const totals = await this.counters.addCounts(this.scope, entries.map(([, counter]) => counter.rule), now, deltas);
      entries.forEach(([, counter], i) => {
        counter.shared = totals[i];
        counter.inFlight = new Map();
        counter.unread = false;
        counter.ready = undefined;
      });
    } catch (error) {
      // Refused before it ran: counted here still, and sent again with the next reconciliation.
      // Sent but not confirmed (a time limit, a lost reply): it may have run, or may yet, so it is
      // not sent again, which could count it twice and quarantine what is within the limit; at
      // worst this period's counts of this instance are missing from the shared ones.
      const unconfirmed = error instanceof StateUnavailableError && error.unconfirmed;
      for (const [, counter] of entries) {
        if (!unconfirmed) for (const [bucket, n] of counter.inFlight) add(counter.pending, bucket, n);
        counter.inFlight = new Map();
      }
      throw error;
    }
  }
}

function add(buckets: Map<number, number>, bucket: number, n: number): void {
  const value = (buckets.get(bucket) ?? 0) + n;
  if (value === 0) buckets.delete(bucket);
  else buckets.set(bucket, value);
}

/** Events of buckets still inside the plan's window. */
function inWindow(buckets: Map<number, number>, plan: CounterPlan): number {
  let sum = 0;
  for (const [bucket, n] of buckets) if (bucket >= plan.floor) sum += n;
  return sum;
}
