import { describe, expect, it } from 'vitest';
import { MemoryCounters } from '../src/counters/index.ts';
import { describeCountersContract, T0, userScope } from './counters-contract.ts';

describeCountersContract('MemoryCounters', async () => new MemoryCounters());

describe('MemoryCounters', () => {
  it('forgets counters whose events have all left their window', async () => {
    const counters = new MemoryCounters();
    const rule = { key: '*', limit: 10, windowMs: 1_000 };
    for (let i = 0; i < 100; i++) await counters.tryCount(userScope(), [rule], T0);
    const internal = (counters as unknown as { counters: Map<string, unknown> }).counters;
    expect(internal.size).toBe(100);
    // Enough later calls to sweep, one scope, long after the first ones.
    const scope = userScope();
    for (let i = 0; i < 5_000; i++) await counters.tryCount(scope, [{ ...rule, limit: 10_000 }], T0 + 10_000);
    expect(internal.size).toBe(1);
  });
});
