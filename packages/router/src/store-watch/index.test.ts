import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore, redisCallFailed } from '@dccrouter/state';
import { StoreClock } from '../store-clock/index.ts';
import { StoreWatch } from './index.ts';

/** A store whose identity can be changed, as a Redis emptied under the router would change it. */
class EmptiedStore extends MemoryStore {
  identityNow = 'first';
  failing?: Error;

  override async storeIdentity(): Promise<string> {
    if (this.failing) throw this.failing;
    return this.identityNow;
  }
}

describe('StoreWatch', () => {
  it('says once when the store stops taking writes, why, and once when it is back', async () => {
    const store = new EmptiedStore();
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => { lines.push(line); } });
    const watch = new StoreWatch(store, 60_000, log, { lost: async () => {} }, { lost: () => {} }, new StoreClock(store, log));
    await watch.start();
    try {
      store.failing = redisCallFailed('Redis SET NX store identity failed', new Error("OOM command not allowed when used memory > 'maxmemory'."));
      await watch.check();
      await watch.check();
      store.failing = undefined;
      await watch.check();
      expect(lines.map((line) => JSON.parse(line).msg)).toEqual([
        'the state store is refusing writes (it is out of memory): requests are refused state_unavailable until it takes them again',
        'the state store answers again',
      ]);
    } finally {
      await watch.stop();
    }
  });

  it('tells and counts a loss once, and asks what it needs of the process again until that succeeds', async () => {
    const store = new EmptiedStore();
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => { lines.push(line); } });
    let losses = 0;
    let handled = 0;
    let failNext = true;
    const watch = new StoreWatch(store, 60_000, log, {
      async lost() {
        if (failNext) {
          failNext = false;
          throw new Error('the demo could not be put back');
        }
        handled++;
      },
    }, { lost: () => losses++ }, new StoreClock(store, log));
    await watch.start();
    try {
      await watch.check();
      expect([losses, handled]).toEqual([0, 0]);
      store.identityNow = 'second';
      await expect(watch.check()).rejects.toThrow('the demo could not be put back');
      await watch.check();
      await watch.check();
      expect([losses, handled]).toEqual([1, 1]);
      expect(lines.map((line) => JSON.parse(line).msg).filter((msg: string) => msg.startsWith('the state store lost its data'))).toHaveLength(1);
    } finally {
      await watch.stop();
    }
  });
});
