import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { throttledWarn } from './index.ts';

describe('throttledWarn', () => {
  it('logs a recurring warning once per interval and key, then how many it held back', () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino(new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } }));
    let now = 0;
    const warn = throttledWarn(log, 1_000, () => now);
    for (let i = 0; i < 5; i++) warn('store', { task: 'scan' }, 'failed');
    warn('other', {}, 'another');
    now = 999;
    warn('store', { task: 'scan' }, 'failed');
    now = 1_000;
    warn('store', { task: 'scan' }, 'failed');
    now = 2_000;
    warn('store', { task: 'scan' }, 'failed');
    expect(lines.map(({ msg, task, suppressed }) => ({ msg, task, suppressed }))).toEqual([
      { msg: 'failed', task: 'scan', suppressed: undefined },
      { msg: 'another', task: undefined, suppressed: undefined },
      { msg: 'failed', task: 'scan', suppressed: 5 },
      { msg: 'failed', task: 'scan', suppressed: undefined },
    ]);
  });
});
