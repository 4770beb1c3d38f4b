import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@dccrouter/state';
import { StoreWatch } from './index.ts';

/** A store whose clock runs `behindMs` behind this process's (as a Redis on another host might). */
class StoreBehind extends MemoryStore {
  constructor(public behindMs: number) {
    super();
  }

  override async storeTime(): Promise<number> {
    return Date.now() - this.behindMs;
  }
}

function watching(store: MemoryStore) {
  const lines: string[] = [];
  const offsets: number[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => { lines.push(line); } });
  const watch = new StoreWatch(store, 60_000, log, { lost: async () => {} }, { lost: () => {}, clockOffset: (ms) => offsets.push(ms) });
  return { watch, offsets, messages: () => lines.map((line) => JSON.parse(line).msg as string) };
}

describe('StoreWatch', () => {
  it('keeps its clock from running ahead of the store\'s, and says when the two are far apart and when back in step', async () => {
    const store = new StoreBehind(5_000);
    const { watch, offsets, messages } = watching(store);
    await watch.start();
    try {
      // This process is 5 s ahead: what it judges due, it judges by the store's clock.
      expect(Math.abs(watch.clock() - (Date.now() - 5_000))).toBeLessThan(50);
      expect(Math.abs(offsets[0] - 5_000)).toBeLessThan(50);
      expect(messages()).toEqual([expect.stringMatching(/^this process's clock is \d+ ms ahead of the state store's: deadlines are judged by the store's clock meanwhile/)]);
      await watch.check();
      expect(messages()).toHaveLength(1);

      store.behindMs = 0;
      await watch.check();
      expect(Math.abs(watch.clock() - Date.now())).toBeLessThan(50);
      expect(messages().at(-1)).toBe('this process\'s clock is in step with the state store\'s again');

      // Behind the store: its own clock (earlier) is kept, and the gap is told.
      store.behindMs = -3_000;
      await watch.check();
      expect(Math.abs(watch.clock() - Date.now())).toBeLessThan(50);
      expect(messages().at(-1)).toMatch(/^this process's clock is \d+ ms behind the state store's: it judges deadlines late/);
      expect(Math.abs(offsets.at(-1)! + 3_000)).toBeLessThan(50);
    } finally {
      await watch.stop();
    }
  });
});
