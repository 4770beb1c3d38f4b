import { describe, expect, it } from 'vitest';
import { StageClock } from './stage-clock.ts';

describe('StageClock', () => {
  it('sums the wait of each step and counts the requests through it, apart from the others', async () => {
    const clock = new StageClock();
    let at = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    at = clock.lap('authenticate', at);
    clock.lap('record', at);
    clock.lap('record', performance.now());
    const totals = Object.fromEntries(clock.totals().map((t) => [t.stage, t]));
    expect(totals.authenticate.requests).toBe(1);
    expect(totals.authenticate.seconds).toBeGreaterThanOrEqual(0.015);
    expect(totals.record.requests).toBe(2);
    expect(totals.record.seconds).toBeLessThan(totals.authenticate.seconds);
    expect([totals.user.requests, totals.user.seconds, totals.decide.requests]).toEqual([0, 0, 0]);
  });
});
