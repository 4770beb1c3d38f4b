import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttledWarn } from './index.ts';

describe('throttledWarn', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('logs a recurring warning once per interval and key, and at its end how many it held back', () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino(new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } }));
    const shown = () => lines.splice(0).map(({ msg, task, attempt, suppressed }) => ({ msg, task, attempt, suppressed }));
    const warn = throttledWarn(log, 1_000);
    for (let attempt = 1; attempt <= 5; attempt++) warn('store', { task: 'scan', attempt }, 'failed');
    warn('other', {}, 'another');
    expect(shown()).toEqual([
      { msg: 'failed', task: 'scan', attempt: 1, suppressed: undefined },
      { msg: 'another', task: undefined, attempt: undefined, suppressed: undefined },
    ]);
    vi.advanceTimersByTime(999);
    warn('store', { task: 'scan', attempt: 6 }, 'failed');
    const lastAt = new Date().toISOString();
    expect(shown()).toEqual([]);
    // The interval ends: what it held back is told, with the latest fields and when the last was, though nothing recurs after.
    vi.advanceTimersByTime(1);
    expect(lines[0]?.lastAt).toBe(lastAt);
    expect(shown()).toEqual([{ msg: `failed (5 more, the last at ${lastAt})`, task: 'scan', attempt: 6, suppressed: 5 }]);
    // That line opened another interval, which held nothing back: it ends silently.
    vi.advanceTimersByTime(1_000);
    expect(shown()).toEqual([]);
    // Quiet since: the next one is logged at once.
    warn('store', { task: 'scan', attempt: 7 }, 'failed');
    expect(shown()).toEqual([{ msg: 'failed', task: 'scan', attempt: 7, suppressed: undefined }]);
  });
});
