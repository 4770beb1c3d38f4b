import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countingTaskFailures } from '../log/index.ts';
import { Periodic, retryAfterGaps } from './index.ts';

// Fake timers: with real ones, a busy machine could fire the 5 ms gaps later than the test's own
// wait, and the attempts would not all have run by the time it looks.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('retryAfterGaps', () => {
  it('tries after each gap until an attempt answers true, a failed attempt counting as false', async () => {
    const tries: number[] = [];
    const startedAt = Date.now();
    const at: number[] = [];
    retryAfterGaps([5, 5, 5, 5, 5], async () => {
      at.push(Date.now() - startedAt);
      tries.push(tries.length);
      if (tries.length === 1) throw new Error('unreadable');
      return tries.length === 3;
    });
    expect(tries).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(tries).toEqual([0, 1, 2]);
    // Each gap counted from the attempt before.
    expect(at).toEqual([5, 10, 15]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops when the gaps run out', async () => {
    let tries = 0;
    retryAfterGaps([5, 5], async () => {
      tries++;
      return false;
    });
    await vi.advanceTimersByTimeAsync(60);
    expect(tries).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('Periodic', () => {
  it('goes on after a failed run, logging it and counting it by task where its logger says', async () => {
    const lines: { msg: string; task: string }[] = [];
    const base = pino(new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } }));
    const failures: string[] = [];
    // A module's own child of the router's logger carries the count too.
    const log = countingTaskFailures(base, (task) => failures.push(task)).child({ module: 'scan' });
    let runs = 0;
    const loop = new Periodic('trt-breach-scan', 10, async () => {
      runs++;
      if (runs <= 3) throw new Error('NOSCRIPT');
    }, log);
    loop.start();
    await vi.advanceTimersByTimeAsync(55);
    await loop.stop();
    expect(runs).toBe(5);
    expect(failures).toEqual(['trt-breach-scan', 'trt-breach-scan', 'trt-breach-scan']);
    // Logged once in the throttle's interval, through the logger it was given.
    expect(lines.map(({ msg, task }) => ({ msg, task }))).toEqual([{ msg: 'background task failed', task: 'trt-breach-scan' }]);
  });
});
