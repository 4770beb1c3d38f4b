import { randomBytes } from 'node:crypto';
import { monthOf } from '@dccrouter/domain';
import { STATS_FLUSH_MARK_MS, StateUnavailableError, type StateStore } from '@dccrouter/state';
import { countTaskFailure, throttledWarn, type Logger } from '../log/index.ts';

/** One set's counts of a flush, under the name that makes the store add them once. */
interface Addition {
  set: string;
  increments: Record<string, number>;
  flushId: string;
  firstSentAt: number;
  /** Sent once with no answer: it may have been added, so it keeps its name until it is confirmed. */
  mayHaveLanded?: true;
}

/** How long an addition whose outcome is unknown is sent again: well within the store's memory of its name. */
const RESEND_FOR_MS = STATS_FLUSH_MARK_MS / 2;

/**
 * Service statistics added up in-process and added to the shared ones every `flushMs`: one
 * write per statistics set and period instead of one per response. A crash loses at most the
 * last period's counts (the requests and responses themselves are recorded by then).
 */
export class StatsAggregator {
  private pending = new Map<string, Map<string, number>>();
  /** Sent, outcome unknown: sent again under the same name, which the store adds only once. */
  private unconfirmed: Addition[] = [];
  private readonly instance = randomBytes(6).toString('base64url');
  private flushes = 0;
  private timer?: ReturnType<typeof setInterval>;
  private flushing: Promise<void> = Promise.resolve();

  /** A store outage fails every flush (one a second): logged once per interval, with how many failed meanwhile. */
  private readonly warn: ReturnType<typeof throttledWarn>;

  constructor(private readonly store: StateStore, private readonly flushMs: number, private readonly log: Logger) {
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
   * Adds what was gathered to the store, each set's counts under a name of their own. Counts that
   * never reached the store are kept for the next flush; counts that may have (sent, not
   * confirmed) are sent again under their name, which the store adds only if it had not, for
   * half an hour at most. A crash loses at most one period's counts.
   */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const now = Date.now();
      const additions = this.unconfirmed;
      this.unconfirmed = [];
      for (const [set, counters] of this.pending) {
        additions.push({ set, increments: Object.fromEntries(counters), flushId: `${this.instance}.${(this.flushes++).toString(36)}`, firstSentAt: now });
      }
      this.pending = new Map();
      for (const addition of additions) {
        try {
          await this.store.incrementStats(addition.set, addition.increments, addition.flushId);
        } catch (error) {
          countTaskFailure(this.log, 'statistics-flush');
          const { set } = addition;
          const notSent = error instanceof StateUnavailableError && !error.unconfirmed;
          if (notSent && !addition.mayHaveLanded) {
            this.warn('failed', { err: error, set }, 'service statistics not flushed yet: kept for the next attempt');
            this.add(set, addition.increments);
          } else if (now - addition.firstSentAt < RESEND_FOR_MS) {
            // A resend that never left may follow a first send that landed: merged into the
            // pending counts it would go under a new name and be added twice.
            this.warn('unconfirmed', { err: error, set }, 'service statistics may not have been added: sent again under the same name, so added once');
            this.unconfirmed.push({ ...addition, mayHaveLanded: true });
          } else {
            this.warn('given-up', { err: error, set, increments: addition.increments }, 'service statistics unconfirmed for half an hour: no longer sent, they may not have been added');
          }
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
