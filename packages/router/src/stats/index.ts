import { monthOf } from '@dccrouter/domain';
import { StateUnavailableError, type StateStore } from '@dccrouter/state';
import { throttledWarn, type Logger } from '../log/index.ts';

/**
 * Service statistics added up in-process and added to the shared ones every `flushMs`: one
 * write per statistics set and period instead of one per response. A crash loses at most the
 * last period's counts (the requests and responses themselves are recorded by then).
 */
export class StatsAggregator {
  private pending = new Map<string, Map<string, number>>();
  private timer?: ReturnType<typeof setInterval>;
  private flushing: Promise<void> = Promise.resolve();

  /** A store outage fails every flush (one a second): logged once per interval, with how many failed meanwhile. */
  private readonly warn: ReturnType<typeof throttledWarn>;

  constructor(private readonly store: StateStore, private readonly flushMs: number, log: Logger) {
    this.warn = throttledWarn(log);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref?.();
  }

  add(set: string, increments: Record<string, number>): void {
    for (const [name, by] of Object.entries(increments)) this.count(set, name, by);
  }

  /** One counter of a set: what a response adds, without an object of increments per response. */
  count(set: string, name: string, by = 1): void {
    let counters = this.pending.get(set);
    if (!counters) this.pending.set(set, (counters = new Map()));
    counters.set(name, (counters.get(name) ?? 0) + by);
  }

  /**
   * Adds what was gathered to the store; what was not added is kept for the next flush. What may
   * have been added (sent, not confirmed) is not sent again: counted twice would be worse than
   * lost, which a crash loses too (at most one period's counts).
   */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const batch = this.pending;
      this.pending = new Map();
      for (const [set, counters] of batch) {
        try {
          await this.store.incrementStats(set, Object.fromEntries(counters));
        } catch (error) {
          if (error instanceof StateUnavailableError && error.unconfirmed) {
            this.warn('unconfirmed', { err: error, set }, 'service statistics may not have been added: not sent again, so never counted twice');
            continue;
          }
          this.warn('failed', { err: error, set }, 'service statistics not flushed yet: kept for the next attempt');
          this.add(set, Object.fromEntries(counters));
        }
      }
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

/** The service statistics of a month (`YYYY-MM`): the set the monthly report reads. */
export const serviceStatsOf = (month: string) => `service:${month}`;

/**
 * The service statistics set of the month `at` falls in, remembered while the month lasts:
 * formatting a date for every response costs more than the counting.
 */
export function serviceStatsSet(): (at: number) => string {
  let from = 0;
  let until = -1;
  let name = '';
  return (at) => {
    if (at < from || at >= until) {
      const date = new Date(at);
      from = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
      until = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
      name = serviceStatsOf(monthOf(at));
    }
    return name;
  };
}
