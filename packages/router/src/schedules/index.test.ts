import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@dccrouter/state';
import { createLogger } from '../log/index.ts';
import type { ServiceRequestPipeline } from '../pipeline/index.ts';
import { dspScheduler } from './index.ts';

describe('dspScheduler', () => {
  it('counts an occurrence left for want of room as overloaded, and runs it again once the lease ends', async () => {
    const store = new MemoryStore();
    const firstDueAt = Date.now() - 1_000;
    await store.createSchedule('90-B3-D5-1F-30-01-00-00', 1, {
      frequency: 'Daily', startDate: new Date(firstDueAt).toISOString().slice(0, 10), executionStartTime: '00:00:00',
      srv: '4.6.1', deviceId: '00-DB-12-34-56-78-90-A0', bodyElement: 'RetrieveImportDailyReadLog', bodyValue: '',
    }, firstDueAt, '90-B3-D5-1F-30-01-00-00:90-B3-D5-1F-30-00-00-02:1');
    // Saturated throughout: nothing is submitted.
    const saturated = { admit: () => false } as unknown as ServiceRequestPipeline;
    const runs: string[] = [];
    const scheduler = dspScheduler(store, saturated, { intervalMs: 10, leaseMs: 50 }, createLogger('silent'), { run: (outcome) => runs.push(outcome) });
    scheduler.start();
    await expect.poll(() => runs.length, { timeout: 2_000 }).toBeGreaterThanOrEqual(2);
    await scheduler.stop();
    expect(new Set(runs)).toEqual(new Set(['overloaded']));
  });
});
