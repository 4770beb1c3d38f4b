import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@dccrouter/state';
import { StoreClock } from './index.ts';

/** A store whose clock runs `behindMs` behind this process's (as a Redis on another host might). */
class StoreBehind extends MemoryStore {
  constructor(public behindMs: number) {
    super();
  }

  override async storeTime(): Promise<number> {
    return Date.now() - this.behindMs;
  }
}

describe('StoreClock', () => {
  it('follows the store\'s clock, never ahead of it, and says when the two are far apart and when back in step', async () => {
    const store = new StoreBehind(5_000);
    const lines: string[] = [];
    const offsets: number[] = [];
    const clock = new StoreClock(store, pino({ level: 'info' }, { write: (line: string) => { lines.push(line); } }), (ms) => offsets.push(ms));
    const messages = () => lines.map((line) => JSON.parse(line).msg as string);
    await clock.measure();
    // This process is 5 s ahead: what it times and judges, it takes from the store's clock.
    expect(Math.abs(clock.now() - (Date.now() - 5_000))).toBeLessThan(50);
    expect(Math.abs(offsets[0] - 5_000)).toBeLessThan(50);
    expect(messages()).toEqual([expect.stringMatching(/^this process's clock is \d+ ms ahead of the state store's: times and deadlines are taken from the store's clock meanwhile/)]);
    await clock.measure();
    expect(messages()).toHaveLength(1);

    store.behindMs = 0;
    await clock.measure();
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
    expect(messages().at(-1)).toBe('this process\'s clock is in step with the state store\'s again');

    // Behind the store: brought forward to it (what a request is timed from is then what another
    // process in step times its response by), never past it, and the gap is told.
    store.behindMs = -3_000;
    await clock.measure();
    expect(clock.now() - Date.now()).toBeGreaterThan(2_950);
    expect(clock.now() - Date.now()).toBeLessThanOrEqual(3_000);
    expect(Math.abs(offsets.at(-1)! + 3_000)).toBeLessThan(50);
    expect(messages().at(-1)).toMatch(/^this process's clock is \d+ ms behind the state store's: times and deadlines are taken from the store's clock meanwhile/);
    // Without a good measurement for a while (this clock may have been stepped forward since), it is no longer brought forward.
    const realNow = Date.now;
    const later = realNow() + 6_000;
    Date.now = () => later;
    try {
      expect(clock.now()).toBe(later);
    } finally {
      Date.now = realNow;
    }
  });
});
