import { monthOf, statKey } from '@dccrouter/domain';
import { BreachClaimsIncomplete, type BreachClaims, type StateStore } from '@dccrouter/state';
import type { LifecycleMetrics } from '../metrics/index.ts';
import { serviceStatsOf, type StatsAggregator } from '../stats/index.ts';

/** Breaches one claim names (per partition on Redis); a full claim means alerts still to queue. */
const CLAIM_MAX = 1000;
/** Claims kept in flight while there is a backlog, so the store always has the next one queued. */
const CLAIMS_IN_FLIGHT = 2;

/**
 * One pass of the deadline scan: claims every request past its check time without a response
 * (each exactly once across all instances; the store queues its TRT alert), and counts them for
 * the live metrics and, through the statistics aggregator, the month's service report. A breach
 * is counted when marked: named in the claim, or (Redis's bulk indexes) only counted in a
 * `marked` group, to be named when its alert is queued. A first claim finds whether there is a
 * backlog; while there is, CLAIMS_IN_FLIGHT claims run at once, back to back, without waiting for
 * the scan interval.
 */
async function scanBreaches(store: StateStore, metrics: LifecycleMetrics, stats: StatsAggregator, clock: () => number): Promise<void> {
  let backlog = true;
  const claim = async () => {
    try {
      const claims = await counted(metrics, stats, clock, (now) => store.claimBreaches(now, CLAIM_MAX, boundsWithMonth(metrics, now)));
      if (claims.breaches.length < CLAIM_MAX) backlog = false;
    } catch (error) {
      backlog = false;
      throw error;
    }
  };

  await claim();
  if (!backlog) return;
  const claimers = await Promise.allSettled(Array.from({ length: CLAIMS_IN_FLIGHT }, async () => {
    while (backlog) await claim();
  }));
  const failed = claimers.find((claimer) => claimer.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * The deadline scan's passes (scanBreaches), and its marks apart from them: a pass's first claim
 * marks what is due before it queues alerts, so marks need their own call only while a pass has
 * run longer than the scan interval (a backlog of alerts, or claims queued behind other work in
 * Redis): then mark() marks in bulk (the store's one small call per partition however many fall
 * due), so a backlog never holds a mark back. Otherwise it does nothing: a timer of marks would
 * repeat the passes' own look at every bulk index.
 */
export class BreachScanner {
  private passStartedAt: number | undefined;

  constructor(
    private readonly store: StateStore,
    private readonly metrics: LifecycleMetrics,
    private readonly stats: StatsAggregator,
    private readonly intervalMs: number,
    /** The scan's clock (epoch ms): Date.now but in tests. */
    private readonly clock: () => number = Date.now,
  ) {}

  async scan(): Promise<void> {
    this.passStartedAt = this.clock();
    try {
      await scanBreaches(this.store, this.metrics, this.stats, this.clock);
    } finally {
      this.passStartedAt = undefined;
    }
  }

  async mark(): Promise<void> {
    if (this.passStartedAt === undefined || this.clock() - this.passStartedAt < this.intervalMs) return;
    await counted(this.metrics, this.stats, this.clock, async (now) => ({ breaches: [], marked: await this.store.markBreaches(now, boundsWithMonth(this.metrics, now)) }));
  }
}

/**
 * A claim's (or marks') breaches, counted; when it failed part-way, what it did before (marked,
 * alerted) is done and counted all the same.
 */
async function counted(
  metrics: LifecycleMetrics, stats: StatsAggregator, clock: () => number, claim: (now: number) => Promise<BreachClaims>,
): Promise<BreachClaims> {
  const now = clock();
  try {
    const claims = await claim(now);
    await countClaims(claims, now, metrics, stats);
    return claims;
  } catch (error) {
    if (error instanceof BreachClaimsIncomplete) await countClaims(error.claims, now, metrics, stats);
    throw error;
  }
}

/** Start of the (UTC) month `at` falls in, epoch ms. */
function monthStart(at: number): number {
  const date = new Date(at);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/**
 * The detection-lag bounds a claim counts marked breaches by, and last a bound reaching back to
 * the start of this month: what it counts is this month's share of them (their check times in
 * it), the rest being last month's (a mark just after midnight on the 1st).
 */
function boundsWithMonth(metrics: LifecycleMetrics, now: number): number[] {
  return [...metrics.breachLagBoundsMs, now - monthStart(now)];
}

/**
 * A claim's breaches in the live metrics and the statistics of the month of each one's check
 * time (its deadline, or SMETS1's final check: where a response in time takes it back, see
 * trt/judged-responses.ts), each counted once: when marked.
 */
async function countClaims(claims: BreachClaims, now: number, metrics: LifecycleMetrics, stats: StatsAggregator): Promise<void> {
  const byMonth = new Map<string, Record<string, number>>();
  const labelled = new Map<string, { class: string; destination: string; n: number }>();
  const add = (trtClass: string, destination: string, n: number, month: string) => {
    if (n === 0) return;
    const key = statKey(trtClass, destination, 'breached');
    let by = byMonth.get(month);
    if (!by) byMonth.set(month, (by = {}));
    by[key] = (by[key] ?? 0) + n;
    const counted = labelled.get(key);
    if (counted) counted.n += n;
    else labelled.set(key, { class: trtClass, destination, n });
  };
  const thisMonth = monthOf(now);
  const lastMonth = monthOf(monthStart(now) - 1);
  for (const group of claims.marked) {
    // The last count is of those due this month (boundsWithMonth); a store that marks nothing in bulk has no groups.
    const inMonth = group.lagCounts.at(-1) ?? group.count;
    add(group.trtClass, group.destination, inMonth, thisMonth);
    add(group.trtClass, group.destination, group.count - inMonth, lastMonth);
  }
  for (const breach of claims.breaches) {
    // Overdue (SMETS1 past its WAN allowance) is provisional: its response decides.
    if (breach.overdue) {
      metrics.overdue.inc();
      continue;
    }
    metrics.alertLag.observe(breach.lagMs / 1000);
    if (breach.markedEarlier) continue;
    add(breach.trtClass, breach.destination, 1, monthOf(breach.checkAt));
    metrics.breachLag.observe(breach.lagMs / 1000);
  }
  // By class and destination: a stalled network shows as its own.
  for (const { n, ...labels } of labelled.values()) metrics.breaches.inc(labels, n);
  for (const [month, by] of byMonth) stats.add(serviceStatsOf(month), by);
  // Counted first: the lags of many marked at once take a while to observe (the month's bound left out).
  for (const group of claims.marked) await metrics.observeBreachLags(group.lagCounts.slice(0, -1), group.count);
}
