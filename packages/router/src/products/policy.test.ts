import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore, StateUnavailableError } from '@dccrouter/state';
import { countingTaskFailures } from '../log/index.ts';
import { PolicyTable } from './policy.ts';

describe('PolicyTable', () => {
  it("reads another instance's change within its refresh; keeps the last read, logged and counted, while the store cannot be read; and goes back to the defaults once the setting is gone", async () => {
    const store = new MemoryStore();
    const lines: string[] = [];
    const failures: string[] = [];
    const log = countingTaskFailures(pino({ level: 'warn' }, { write: (line: string) => { lines.push(line); } }), (task) => failures.push(task));
    const mine = new PolicyTable(store);
    const other = new PolicyTable(store);
    await Promise.all([mine.start(log), other.start()]);
    try {
      await other.update({ smets1Cohorts: { itron: false } });
      await expect.poll(() => mine.smets1CohortLive('itron'), { timeout: 3_000 }).toBe(false);

      const getSetting = store.getSetting.bind(store);
      store.getSetting = async () => { throw new StateUnavailableError('connection refused'); };
      await expect.poll(() => lines.length, { timeout: 3_000 }).toBe(1);
      expect(JSON.parse(lines[0])).toMatchObject({ table: 'policy tables', msg: 'policy tables not read from the store: the last one read stays in force' });
      expect(failures[0]).toBe('policy-tables-refresh');
      expect(mine.smets1CohortLive('itron')).toBe(false);

      // The store emptied (a Redis without persistence restarted, a FLUSHALL): what an instance starting now would run.
      store.getSetting = async (name: string) => (name === 'policy' ? undefined : getSetting(name));
      await expect.poll(() => mine.smets1CohortLive('itron'), { timeout: 3_000 }).toBe(true);
    } finally {
      mine.stop();
      other.stop();
    }
  });
});
