import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@dccrouter/state';
import { StoreClock } from '../store-clock/index.ts';
import { StoreWatch } from './index.ts';

/** A store whose identity can be changed, as a Redis emptied under the router would change it. */
class EmptiedStore extends MemoryStore {
  identityNow = 'first';

  override async storeIdentity(): Promise<string> {
    return this.identityNow;
  }
}

describe('StoreWatch', () => {
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
