import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore, StateUnavailableError } from '@dccrouter/state';
import { countingTaskFailures, createLogger } from '../log/index.ts';
import { serviceStatsSet, StatsAggregator } from './index.ts';

describe('serviceStatsSet', () => {
  it('names the month a time falls in (UTC), across month and year ends, whichever way time goes', () => {
    const setOf = serviceStatsSet();
    const endOf2026 = Date.UTC(2026, 11, 31, 23, 59, 59, 999);
    expect(setOf(endOf2026)).toBe('service:2026-12');
    expect(setOf(endOf2026 + 1)).toBe('service:2027-01');
    expect(setOf(Date.UTC(2027, 0, 31, 23, 59, 59, 999))).toBe('service:2027-01');
    expect(setOf(Date.UTC(2027, 1, 1))).toBe('service:2027-02');
    // A response stamped earlier (another instance's clock) still counts in its own month.
    expect(setOf(endOf2026)).toBe('service:2026-12');
    expect(setOf(Date.UTC(2028, 1, 29, 12))).toBe('service:2028-02');
  });
});

describe('StatsAggregator', () => {
  /**
   * The real embedded store, its first write failing as told: not sent at all, sent and not
   * confirmed although added (landed), or sent and not confirmed, never added (lost).
   */
  function failingStore(...failures: ('unsent' | 'landed' | 'lost')[]) {
    const store = new MemoryStore();
    const add = store.incrementStats.bind(store);
    store.incrementStats = async (set, increments, flushId) => {
      const failure = failures.shift();
      if (failure === undefined) return add(set, increments, flushId);
      if (failure === 'unsent') throw new StateUnavailableError('connection refused');
      if (failure === 'landed') await add(set, increments, flushId);
      throw new StateUnavailableError('timed out', { unconfirmed: true });
    };
    return store;
  }

  it('adds every count once, whether its first write was never sent, landed unconfirmed or was lost', async () => {
    for (const failure of ['unsent', 'landed', 'lost'] as const) {
      const store = failingStore(failure);
      const stats = new StatsAggregator(store, 60_000, createLogger('silent'));
      stats.count('service:2026-12', 'responded', 2);
      await stats.flush();
      stats.count('service:2026-12', 'responded', 1);
      await stats.flush();
      // The 2 once (kept, or sent again under its name), then the 1: never 1 (lost) nor 5 (twice).
      expect((await store.readStats('service:2026-12')).responded, failure).toBe(3);
    }
  });

  it('adds a count once when its write landed unconfirmed and the resend was then never sent (a reconnecting client)', async () => {
    const store = failingStore('landed', 'unsent');
    const stats = new StatsAggregator(store, 60_000, createLogger('silent'));
    stats.count('service:2026-12', 'breached', 2);
    for (let flush = 0; flush < 3; flush++) await stats.flush();
    expect((await store.readStats('service:2026-12')).breached).toBe(2);
  });

  it('logs an outage that fails every flush once, not once a flush, and counts each failed flush', async () => {
    const store = new MemoryStore();
    store.incrementStats = async () => { throw new StateUnavailableError('connection refused'); };
    const lines: string[] = [];
    const failures: string[] = [];
    const log = countingTaskFailures(pino({ level: 'warn' }, { write: (line: string) => { lines.push(line); } }), (task) => failures.push(task));
    const stats = new StatsAggregator(store, 60_000, log);
    for (let second = 0; second < 5; second++) {
      stats.count('service:2026-12', 'responded', 1);
      await stats.flush();
    }
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['service statistics not flushed yet: kept for the next attempt']);
    expect(failures).toEqual(Array.from({ length: 5 }, () => 'statistics-flush'));
  });
});
