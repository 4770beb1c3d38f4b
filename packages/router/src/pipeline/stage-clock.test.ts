import { afterEach, describe, expect, it, vi } from 'vitest';
import { StageClock } from './stage-clock.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('StageClock', () => {
  it('sums the wait of each step and counts the requests through it, apart from the others', () => {
    // The test's own performance.now(): a real 20 ms timer may fire early by the event loop's
    // cached time, and a busy machine may pause between the two record laps.
    let now = 1_000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const clock = new StageClock();
    let at = performance.now();
    now += 20;
    at = clock.lap('authenticate', at);
    now += 0.5;
    clock.lap('record', at);
    now += 7;
    clock.lap('record', performance.now());
    const totals = Object.fromEntries(clock.totals().map((t) => [t.stage, t]));
    expect(totals.authenticate.requests).toBe(1);
    expect(totals.authenticate.seconds).toBeCloseTo(0.02, 9);
    expect(totals.record.requests).toBe(2);
    // Only the record step's own waits: the 7 ms before its second lap began are not its.
    expect(totals.record.seconds).toBeCloseTo(0.0005, 9);
    expect(totals.record.seconds).toBeLessThan(totals.authenticate.seconds);
    expect([totals.user.requests, totals.user.seconds, totals.decide.requests]).toEqual([0, 0, 0]);
  });
});
