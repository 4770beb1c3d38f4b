import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@dccrouter/state';
import { TrtBudgetTable } from '../trt/budgets.ts';
import { CplTable } from './cpl.ts';
import { PolicyTable } from './policy.ts';
import { ProductRegisters } from './registers.ts';

/** A store whose setting reads, while held, answer what was stored when they were sent, once let go. */
function storeWithHeldReads() {
  const store = new MemoryStore();
  const getSetting = store.getSetting.bind(store);
  let held: (() => void)[] | undefined;
  store.getSetting = async <T>(name: string) => {
    const value = await getSetting<T>(name);
    if (held) await new Promise<void>((resolve) => held!.push(resolve));
    return value;
  };
  return {
    store,
    hold: () => { held = []; },
    letGo: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const resolve of waiting) resolve();
    },
  };
}

describe('a table shared through the store (RefreshedTable)', () => {
  it.each([
    ['policy tables', (store: MemoryStore) => {
      const table = new PolicyTable(store);
      return { table, change: () => table.update({ smets1Cohorts: { itron: false } }), changed: () => !table.smets1CohortLive('itron') };
    }],
    ['TRT budgets', (store: MemoryStore) => {
      const table = new TrtBudgetTable(store);
      return { table, change: () => table.update({ 'smets2.onDemand': 25_000 }), changed: () => table.current()['smets2.onDemand'] === 25_000 };
    }],
    ['product registers', (store: MemoryStore) => {
      const table = new ProductRegisters(store);
      return { table, change: () => table.putUpgrades('M1', { paths: [{ from: '1.0', to: '2.0' }] }), changed: () => table.upgradesOf('M1') !== undefined };
    }],
    ['CPL', (store: MemoryStore) => {
      const table = new CplTable(store);
      return { table, change: () => table.put('M1', '1.0', { deviceType: 'ESME', certificates: { other: 'valid' } }), changed: () => table.list().length === 1 };
    }],
  ])('keeps a change made here over a refresh that read the %s before it landed', async (_, open) => {
    const { store, hold, letGo } = storeWithHeldReads();
    const { table, change, changed } = open(store);
    await table.refresh();
    hold();
    const refresh = table.refresh();
    await change();
    expect(changed()).toBe(true);
    letGo();
    await refresh;
    expect(changed()).toBe(true);
    // The next refresh reads it as stored.
    await table.refresh();
    expect(changed()).toBe(true);
  });
});
