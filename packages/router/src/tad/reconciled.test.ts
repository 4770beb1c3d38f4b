import { describe, expect, it } from 'vitest';
import { MemoryCounters, StateUnavailableError } from '@dccrouter/state';
import { createLogger } from '../log/index.ts';
import { ReconciledCounter } from './reconciled.ts';

const log = createLogger('silent');
const rule = { key: '*', limit: 10, windowMs: 60_000 };
const NOW = () => Date.now();

describe('ReconciledCounter', () => {
  it('is exact on one instance: admits the limit, refuses the rest, and an undo frees a place', async () => {
    const counter = new ReconciledCounter(new MemoryCounters(), 'dcc', 60_000, log);
    const results = [];
    for (let i = 0; i < 12; i++) results.push(await counter.tryCount([rule], NOW()));
    expect(results.map((r) => r.admitted)).toStrictEqual([...Array(10).fill(true), false, false]);
    expect(results[10]).toMatchObject({ admitted: false, counts: [10], breached: 0 });
    const first = results[0];
    if (!first.admitted) throw new Error('not admitted');
    first.undo();
    first.undo();
    expect((await counter.tryCount([rule], NOW())).admitted).toBe(true);
    expect((await counter.tryCount([rule], NOW())).admitted).toBe(false);
  });

  it('counts a request even in excess when asked (a SMETS1 one, detected): still not admitted, naming the rule, and undoable', async () => {
    const shared = new MemoryCounters();
    const counter = new ReconciledCounter(shared, 'dcc', 60_000, log);
    const one = { ...rule, limit: 1 };
    expect((await counter.tryCount([one], NOW())).admitted).toBe(true);
    const detected = await counter.tryCount([one], NOW(), true);
    expect(detected).toMatchObject({ admitted: false, counts: [1], breached: 0 });
    // Counted: the shared counter gets it at the next reconciliation.
    await counter.sync();
    expect(await shared.peek('dcc', [one], NOW())).toStrictEqual([2]);
    detected.undo!();
    await counter.sync();
    expect(await shared.peek('dcc', [one], NOW())).toStrictEqual([1]);
  });

  it('adds its counts to the shared counters when it reconciles, undos included', async () => {
    const shared = new MemoryCounters();
    const counter = new ReconciledCounter(shared, 'dcc', 60_000, log);
    const admitted = [];
    for (let i = 0; i < 4; i++) admitted.push(await counter.tryCount([rule], NOW()));
    expect(await shared.peek('dcc', [rule], NOW())).toStrictEqual([0]);
    await counter.sync();
    expect(await shared.peek('dcc', [rule], NOW())).toStrictEqual([4]);
    const last = admitted[3];
    if (last.admitted) last.undo();
    await counter.sync();
    expect(await shared.peek('dcc', [rule], NOW())).toStrictEqual([3]);
  });

  it("sees the other instances' counts after reconciling, so over-admission stays within one period of theirs", async () => {
    const shared = new MemoryCounters();
    const a = new ReconciledCounter(shared, 'dcc', 60_000, log);
    const b = new ReconciledCounter(shared, 'dcc', 60_000, log);
    for (let i = 0; i < 6; i++) expect((await a.tryCount([rule], NOW())).admitted).toBe(true);
    // b has not seen a's six yet: it admits up to the limit on its own view.
    let admittedByB = 0;
    for (let i = 0; i < 6; i++) if ((await b.tryCount([rule], NOW())).admitted) admittedByB++;
    expect(admittedByB).toBe(6);
    await a.sync();
    await b.sync();
    expect(await shared.peek('dcc', [rule], NOW())).toStrictEqual([12]);
    await a.sync();
    // Both now know the shared total (12, two over the limit: what b admitted in one period) and refuse.
    expect(await shared.peek('dcc', [rule], NOW())).toStrictEqual([12]);
    expect((await a.tryCount([rule], NOW())).admitted).toBe(false);
    expect((await b.tryCount([rule], NOW())).admitted).toBe(false);
  });

  it('reads the shared total before judging a rule it has not counted yet', async () => {
    const shared = new MemoryCounters();
    for (let i = 0; i < 9; i++) await shared.tryCount('dcc', [rule], NOW());
    const counter = new ReconciledCounter(shared, 'dcc', 60_000, log);
    const [first, second] = await Promise.all([counter.tryCount([rule], NOW()), counter.tryCount([rule], NOW())]);
    expect([first.admitted, second.admitted]).toStrictEqual([true, false]);
  });

  it('asks again for a first read lost to a store outage: counts are judged once the store is back, not refused for two windows', async () => {
    const shared = new MemoryCounters();
    for (let i = 0; i < 3; i++) await shared.tryCount('dcc', [rule], NOW());
    let failing = true;
    const flaky = Object.assign(Object.create(shared), {
      addCounts: (...args: Parameters<MemoryCounters['addCounts']>) => (failing ? Promise.reject(new Error('store away')) : shared.addCounts(...args)),
    }) as MemoryCounters;
    const counter = new ReconciledCounter(flaky, 'dcc', 60_000, log);
    await expect(Promise.resolve(counter.tryCount([rule], NOW()))).rejects.toThrow('store away');
    failing = false;
    // Whether the next count or the periodic reconciliation reads the total first.
    expect(await counter.tryCount([rule], NOW())).toMatchObject({ admitted: true, counts: [4] });
    await counter.sync();
    expect(await counter.tryCount([rule], NOW())).toMatchObject({ admitted: true, counts: [5] });
  });

  it('keeps what it could not add and adds it with the next reconciliation', async () => {
    const shared = new MemoryCounters();
    let failing = true;
    const flaky = Object.assign(Object.create(shared), {
      addCounts: (...args: Parameters<MemoryCounters['addCounts']>) => (failing ? Promise.reject(new Error('store away')) : shared.addCounts(...args)),
    }) as MemoryCounters;
    let reconciled = 0;
    const counter = new ReconciledCounter(flaky, 'dcc', 60_000, log, () => reconciled++);
    failing = false;
    await counter.tryCount([rule], NOW());
    failing = true;
    await counter.tryCount([rule], NOW());
    await expect(counter.sync()).rejects.toThrow('store away');
    // Told of the reconciliations that completed (the first count's read), not of the failed one.
    expect(reconciled).toBe(1);
    failing = false;
    await counter.sync();
    expect(reconciled).toBe(2);
    expect(await shared.peek('dcc', [rule], NOW())).toStrictEqual([2]);
  });

  it('does not send again what was sent but not confirmed (it may have run), so nothing is counted twice', async () => {
    const shared = new MemoryCounters();
    let lostReply = false;
    const slow = Object.assign(Object.create(shared), {
      // As a command past the store's time limit that still runs: added, yet the caller hears a failure.
      addCounts: async (...args: Parameters<MemoryCounters['addCounts']>) => {
        const totals = await shared.addCounts(...args);
        if (lostReply) throw new StateUnavailableError('Redis TAD add counts failed: Command timed out', { unconfirmed: true });
        return totals;
      },
    }) as MemoryCounters;
    const counter = new ReconciledCounter(slow, 'dcc', 60_000, log);
    await counter.tryCount([rule], NOW());
    await counter.tryCount([rule], NOW());
    lostReply = true;
    await expect(counter.sync()).rejects.toThrow('timed out');
    lostReply = false;
    await counter.sync();
    expect(await shared.peek('dcc', [rule], NOW())).toStrictEqual([2]);
  });
});
