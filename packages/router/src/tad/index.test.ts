import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore, type StateStore } from '@dccrouter/state';
import { ThresholdRules } from './index.ts';

const RULES = { rules: [{ srv: '*', limit: 100, windowSeconds: 60 }] };
const NEWER = { rules: [{ srv: '4.1.1', limit: 5, windowSeconds: 60 }] };

/** A real in-memory store that counts the calls reading settings from it (one, or several at once). */
function countingStore(): { store: StateStore; reads: () => number } {
  const store = new MemoryStore();
  let reads = 0;
  const getSetting = store.getSetting.bind(store);
  const getSettings = store.getSettings.bind(store);
  store.getSetting = (name) => {
    reads++;
    return getSetting(name);
  };
  store.getSettings = (names) => {
    reads++;
    return getSettings(names);
  };
  return { store, reads: () => reads };
}

describe('ThresholdRules', () => {
  afterEach(() => vi.useRealTimers());

  it('kept fresh by refresh, a request reads no rule set itself, and sees another instance\'s change', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { store, reads } = countingStore();
    const operator = new ThresholdRules(store);
    const rules = new ThresholdRules(store);
    await operator.put('user', RULES, 'U1');
    expect(await rules.userRules('U1')).toStrictEqual(RULES);
    const readsAfterFirst = reads();

    await operator.put('user', NEWER, 'U1');
    // Still cached here until the refresh.
    expect(rules.userRules('U1')).toStrictEqual(RULES);
    vi.advanceTimersByTime(ThresholdRules.REFRESH_MS);
    await rules.refresh();
    vi.advanceTimersByTime(ThresholdRules.REFRESH_MS);
    // Within the cache's second of the refresh: answered at once (no promise) and current, the refresh its one read.
    expect(rules.userRules('U1')).toStrictEqual(NEWER);
    expect(reads()).toBe(readsAfterFirst + 1);
  });

  it('reads on the request path a set left stale (no refresh), and forgets sets no request asked for in a minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { store, reads } = countingStore();
    const rules = new ThresholdRules(store);
    await rules.put('dcc', RULES);
    vi.advanceTimersByTime(1_001);
    expect(rules.dccRules()).toBeInstanceOf(Promise);
    expect(await rules.dccRules()).toStrictEqual(RULES);

    vi.advanceTimersByTime(60_001);
    const before = reads();
    await rules.refresh();
    expect(reads()).toBe(before);
    expect(rules.dccRules()).toBeInstanceOf(Promise);
  });

  it('keeps a put made while a refresh was reading: the refresh\'s older read is dropped', async () => {
    const store = new MemoryStore();
    const rules = new ThresholdRules(store);
    await rules.put('values', { rules: [] });
    const refreshing = rules.refresh();
    await rules.put('values', { rules: [{ srv: '2.2', field: 'UTRN', max: 1 }] });
    await refreshing;
    expect(rules.valueRules()).toStrictEqual({ rules: [{ srv: '2.2', field: 'UTRN', max: 1 }] });
  });
});
