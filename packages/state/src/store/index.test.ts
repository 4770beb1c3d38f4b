import { describe, expect, it } from 'vitest';
import { redisCallFailed } from './index.ts';

/** What the store makes of a Redis error: whether the call may have run, and why Redis refused it if it did. */
const judged = (message: string) => {
  const failure = redisCallFailed('Redis call failed', new Error(message));
  return { unconfirmed: failure.unconfirmed, refused: failure.refused };
};

describe('redisCallFailed', () => {
  it('knows the refusals Redis makes before running anything, in a User\'s words', () => {
    expect(judged("OOM command not allowed when used memory > 'maxmemory'.")).toEqual({ unconfirmed: false, refused: 'it is out of memory' });
    expect(judged('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.')).toEqual({ unconfirmed: false, refused: 'it is busy running a script' });
    expect(judged("NOPERM User router has no permissions to run the 'evalsha' command")).toEqual({ unconfirmed: false, refused: "the router's Redis user may not run the command (Redis ACL)" });
    expect(judged('LOADING Redis is loading the dataset in memory')).toEqual({ unconfirmed: false, refused: 'it is loading its data' });
  });

  it('takes anything else as a call that may have run: a key refused by the ACL may come from inside a script, after its first writes', () => {
    for (const message of [
      'NOPERM this user has no permissions to access one of the keys used as arguments',
      'BUSYKEY Target key name already exists.',
      'Command timed out',
      'ERR Error running script (call to f_x): @user_script:12: NOPERM ...',
    ]) {
      expect(judged(message)).toEqual({ unconfirmed: true, refused: undefined });
    }
  });

  it('knows a call never sent (no connection, offline queue off) ran nothing', () => {
    expect(judged("Stream isn't writeable and enableOfflineQueue options is false")).toEqual({ unconfirmed: false, refused: undefined });
  });
});
