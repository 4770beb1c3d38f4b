import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore, StateUnavailableError } from '@dccrouter/state';
import { countingTaskFailures } from '../log/index.ts';
import { TrtBudgetTable } from './budgets.ts';

describe('TrtBudgetTable', () => {
  it("reads another instance's change within its refresh, and keeps the last table read, with a warning, while the store cannot be read", async () => {
    const store = new MemoryStore();
    const lines: string[] = [];
    const failures: string[] = [];
    const mine = new TrtBudgetTable(store);
    const other = new TrtBudgetTable(store);
    await Promise.all([mine.start(countingTaskFailures(pino({ level: 'warn' }, { write: (line: string) => { lines.push(line); } }), (task) => failures.push(task))), other.start()]);
    try {
      expect((await other.update({ 'smets2.onDemand': 600 })).ok).toBe(true);
      await expect.poll(() => mine.current()['smets2.onDemand'], { timeout: 3_000 }).toBe(600);
      store.getSetting = async () => { throw new StateUnavailableError('connection refused'); };
      await expect.poll(() => lines.length, { timeout: 3_000 }).toBe(1);
      expect(JSON.parse(lines[0]).msg).toBe('TRT budgets not read from the store: the last one read stays in force');
      expect(failures[0]).toBe('trt-budgets-refresh');
      expect(mine.current()['smets2.onDemand']).toBe(600);
    } finally {
      mine.stop();
      other.stop();
    }
  });
});
