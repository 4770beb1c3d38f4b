import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@dccrouter/state';
import { createLogger } from '../log/index.ts';
import type { ServiceRequestPipeline } from '../pipeline/index.ts';
import { dspScheduler } from './index.ts';

describe('dspScheduler', () => {
  it('claims nothing while the pipeline has no room, and about half of what it has (one of one)', async () => {
    const store = new MemoryStore();
    const firstDueAt = Date.now() - 1_000;
    for (let id = 1; id <= 3; id++) {
      await store.createSchedule(`90-B3-D5-1F-30-01-00-0${id}`, id, {
        frequency: 'Daily', startDate: new Date(firstDueAt).toISOString().slice(0, 10), executionStartTime: '00:00:00',
        srv: '4.6.1', deviceId: '00-DB-12-34-56-78-90-A0', bodyElement: 'RetrieveImportDailyReadLog', bodyValue: '',
      }, firstDueAt, `90-B3-D5-1F-30-01-00-0${id}:90-B3-D5-1F-30-00-00-02:1`);
    }
    const asked: number[] = [];
    const claim = store.claimDueSchedules.bind(store);
    store.claimDueSchedules = (now, max, leaseMs) => {
      asked.push(max);
      return claim(now, max, leaseMs);
    };
    let room = 0;
    const submitted: number[] = [];
    const pipeline = {
      get room() { return room; },
      admit: () => true, release: () => undefined,
      submit: async ({ scheduleId }: { scheduleId: number }) => {
        submitted.push(scheduleId);
        return { status: 202, outcome: 'accepted', body: '{}' };
      },
    } as unknown as ServiceRequestPipeline;
    const scheduler = dspScheduler(store, pipeline, { intervalMs: 10, leaseMs: 60_000 }, createLogger('silent'), { run: () => undefined });
    scheduler.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(asked).toEqual([]);
      room = 1;
      await expect.poll(() => submitted.length, { timeout: 2_000 }).toBe(3);
      expect(new Set(asked)).toEqual(new Set([1]));
      room = 2_005;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(asked.at(-1)).toBe(1_000);
    } finally {
      await scheduler.stop();
    }
  });

  it('counts an occurrence not admitted as overloaded, and runs it again once the lease ends', async () => {
    const store = new MemoryStore();
    const firstDueAt = Date.now() - 1_000;
    await store.createSchedule('90-B3-D5-1F-30-01-00-00', 1, {
      frequency: 'Daily', startDate: new Date(firstDueAt).toISOString().slice(0, 10), executionStartTime: '00:00:00',
      srv: '4.6.1', deviceId: '00-DB-12-34-56-78-90-A0', bodyElement: 'RetrieveImportDailyReadLog', bodyValue: '',
    }, firstDueAt, '90-B3-D5-1F-30-01-00-00:90-B3-D5-1F-30-00-00-02:1');
    // Room seen, then taken by another caller before the occurrence's own admission: nothing is submitted.
    const saturated = { room: 10, admit: () => false } as unknown as ServiceRequestPipeline;
    const runs: string[] = [];
    const scheduler = dspScheduler(store, saturated, { intervalMs: 10, leaseMs: 50 }, createLogger('silent'), { run: (outcome) => runs.push(outcome) });
    scheduler.start();
    await expect.poll(() => runs.length, { timeout: 2_000 }).toBeGreaterThanOrEqual(2);
    await scheduler.stop();
    expect(new Set(runs)).toEqual(new Set(['overloaded']));
  });

  it('tells the User of an occurrence refused (its supplier changed since), and moves on to the next', async () => {
    const store = new MemoryStore();
    const user = '90-B3-D5-1F-30-01-00-00';
    const firstDueAt = Date.now() - 1_000;
    await store.createSchedule(user, 7, {
      frequency: 'Daily', startDate: new Date(firstDueAt).toISOString().slice(0, 10), executionStartTime: '00:00:00',
      srv: '4.6.1', deviceId: '00-DB-12-34-56-78-90-A0', bodyElement: 'RetrieveImportDailyReadLog', bodyValue: '',
    }, firstDueAt, `${user}:90-B3-D5-1F-30-00-00-02:1`);
    const requestId = `${user}:00-DB-12-34-56-78-90-A0:x`;
    // The pipeline's answer to the occurrence, as row 14 refuses it.
    const refusing = {
      room: 100, admit: () => true, release: () => undefined,
      submit: async () => ({ status: 403, outcome: 'not_authorised_for_device', body: JSON.stringify({
        header: { requestId, responseCode: 'E4', responseDateTime: new Date().toISOString() }, error: { reason: 'not_authorised_for_device', message: 'no longer its supplier' },
      }) }),
    } as unknown as ServiceRequestPipeline;
    const runs: string[] = [];
    const scheduler = dspScheduler(store, refusing, { intervalMs: 10, leaseMs: 60_000 }, createLogger('silent'), { run: (outcome) => runs.push(outcome) });
    scheduler.start();
    await expect.poll(() => runs.length, { timeout: 2_000 }).toBe(1);
    await scheduler.stop();
    expect(await store.readOutbox(user, undefined, 10)).toEqual([{
      cursor: expect.any(String), kind: 'response', requestId, responseCode: 'E4',
      body: { DSPScheduleID: '7', error: { reason: 'not_authorised_for_device', message: 'no longer its supplier' } },
    }]);
    // Moved on: nothing is due now (tomorrow's occurrence is next), and the schedule stays.
    expect(await store.claimDueSchedules(Date.now(), 10, 60_000)).toEqual([]);
    expect(await store.getSchedule(user, 7)).toBeDefined();
  });

  it("sends a log read for the log period of the occurrence's own date, not its offsets", async () => {
    const store = new MemoryStore();
    const user = '90-B3-D5-1F-30-01-00-00';
    const startDate = new Date().toISOString().slice(0, 10);
    // Its first occurrence, today at midnight, is due.
    const firstDueAt = Date.parse(startDate);
    await store.createSchedule(user, 3, {
      frequency: 'Daily', startDate, executionStartTime: '00:00:00', srv: '4.6.1', deviceId: '00-DB-12-34-56-78-90-A0', bodyElement: 'RetrieveImportDailyReadLog',
      bodyValue: { StartDateOffset: -1, StartTime: '00:00:00', EndDateOffset: 0, EndTime: '00:00:00' },
    }, firstDueAt, `${user}:90-B3-D5-1F-30-00-00-02:1`);
    const sent: unknown[] = [];
    const recording = {
      room: 100, admit: () => true, release: () => undefined,
      submit: async ({ body }: { body: Uint8Array }) => {
        sent.push(JSON.parse(Buffer.from(body).toString()).body);
        return { status: 202, outcome: 'accepted', body: '{}' };
      },
    } as unknown as ServiceRequestPipeline;
    const scheduler = dspScheduler(store, recording, { intervalMs: 10, leaseMs: 60_000 }, createLogger('silent'), { run: () => undefined });
    scheduler.start();
    await expect.poll(() => sent.length, { timeout: 2_000 }).toBe(1);
    await scheduler.stop();
    const dayBefore = new Date(Date.parse(startDate) - 86_400_000).toISOString().slice(0, 10);
    expect(sent[0]).toEqual({ RetrieveImportDailyReadLog: { ReadLogPeriod: { StartDateTime: `${dayBefore}T00:00:00Z`, EndDateTime: `${startDate}T00:00:00Z` } } });
  });
});
