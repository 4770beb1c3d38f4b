import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { SmiStatus } from '@dccrouter/domain';
import { MemoryStore } from '@dccrouter/state';
import { countingTaskFailures, createLogger } from '../log/index.ts';
import type { ServiceRequestPipeline } from '../pipeline/index.ts';
import { dspScheduler } from './index.ts';

/** A store holding `count` daily reads of one User each (User 1 to count), their first occurrence due a second ago. */
async function storeWithDailyReadsDue(count: number): Promise<MemoryStore> {
  const store = new MemoryStore();
  const firstDueAt = Date.now() - 1_000;
  for (let id = 1; id <= count; id++) {
    await store.createSchedule(`90-B3-D5-1F-30-01-00-0${id}`, id, {
      frequency: 'Daily', startDate: new Date(firstDueAt).toISOString().slice(0, 10), executionStartTime: '00:00:00',
      srv: '4.6.1', deviceId: '00-DB-12-34-56-78-90-A0', bodyElement: 'RetrieveImportDailyReadLog', bodyValue: '',
    }, firstDueAt, `90-B3-D5-1F-30-01-00-0${id}:90-B3-D5-1F-30-00-00-02:1`);
  }
  return store;
}

describe('dspScheduler', () => {
  it('claims nothing while the pipeline has no room, and about half of what it has (one of one)', async () => {
    const store = await storeWithDailyReadsDue(3);
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

  it('counts every occurrence that could not run, and logs them in one line, not one each', async () => {
    const store = await storeWithDailyReadsDue(5);
    const lines: { msg: string }[] = [];
    const failed: string[] = [];
    const log = countingTaskFailures(pino(new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } })), (task) => failed.push(task));
    // The store away as each occurrence is run.
    const away = { room: 100, admit: () => true, release: () => undefined, submit: async () => { throw new Error('store away'); } } as unknown as ServiceRequestPipeline;
    const scheduler = dspScheduler(store, away, { intervalMs: 10, leaseMs: 60_000 }, log, { run: () => undefined });
    scheduler.start();
    try {
      await expect.poll(() => failed.length, { timeout: 2_000 }).toBe(5);
    } finally {
      await scheduler.stop();
    }
    expect(new Set(failed)).toEqual(new Set(['dsp-schedules']));
    expect(lines.filter((line) => line.msg === 'DSP schedule occurrence not run')).toHaveLength(1);
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

  /** A daily read due now, whose occurrence the pipeline refuses with `reason` (`code`): the User's outbox and the store after one run. */
  async function refusedRun(reason: string, code: string, deviceStatus?: SmiStatus) {
    const store = new MemoryStore();
    const user = '90-B3-D5-1F-30-01-00-00';
    if (deviceStatus) await store.putDevice({ deviceId: '00-DB-12-34-56-78-90-A0', deviceType: 'ESME', status: deviceStatus, generation: 'SMETS2+', cspRegion: 'North', importSupplier: user });
    const firstDueAt = Date.now() - 1_000;
    await store.createSchedule(user, 7, {
      frequency: 'Daily', startDate: new Date(firstDueAt).toISOString().slice(0, 10), executionStartTime: '00:00:00',
      srv: '4.6.1', deviceId: '00-DB-12-34-56-78-90-A0', bodyElement: 'RetrieveImportDailyReadLog', bodyValue: '',
    }, firstDueAt, `${user}:90-B3-D5-1F-30-00-00-02:1`);
    const requestId = `${user}:00-DB-12-34-56-78-90-A0:x`;
    const refusing = {
      room: 100, admit: () => true, release: () => undefined,
      submit: async () => ({ status: 403, outcome: reason, body: JSON.stringify({
        header: { requestId, responseCode: code, responseDateTime: new Date().toISOString() }, error: { reason, message: 'why' },
      }) }),
    } as unknown as ServiceRequestPipeline;
    const runs: string[] = [];
    const scheduler = dspScheduler(store, refusing, { intervalMs: 10, leaseMs: 60_000 }, createLogger('silent'), { run: (outcome) => runs.push(outcome) });
    scheduler.start();
    await expect.poll(() => runs.length, { timeout: 2_000 }).toBe(1);
    await scheduler.stop();
    const refusal = { cursor: expect.any(String), kind: 'response', requestId, responseCode: code, body: { DSPScheduleID: '7', error: { reason, message: 'why' } } };
    return { store, user, refusal, outbox: await store.readOutbox(user, undefined, 10) };
  }

  it('tells the User of an occurrence refused for what may pass (its User suspended), and moves on to the next, the schedule kept', async () => {
    const { store, user, refusal, outbox } = await refusedRun('user_not_active', 'E3');
    expect(outbox).toEqual([refusal]);
    // Nothing is due now (tomorrow's occurrence is next), and the schedule stays.
    expect(await store.claimDueSchedules(Date.now(), 10, 60_000)).toEqual([]);
    expect(await store.getSchedule(user, 7)).toBeDefined();
  });

  it('keeps a schedule whose device\'s status refuses it for now (Suspended), and removes one whose device is Decommissioned or Withdrawn', async () => {
    const suspended = await refusedRun('device_status_incompatible', 'E5', 'Suspended');
    expect(suspended.outbox).toEqual([suspended.refusal]);
    expect(await suspended.store.getSchedule(suspended.user, 7)).toBeDefined();
    for (const status of ['Decommissioned', 'Withdrawn'] as const) {
      const gone = await refusedRun('device_status_incompatible', 'E5', status);
      expect(gone.outbox.map((item) => item.alertCode ?? item.kind)).toEqual(['response', 'DSP_SCHEDULE_REMOVAL']);
      expect(gone.outbox[1].body).toMatchObject({ reason: 'device_status_incompatible' });
      expect(await gone.store.getSchedule(gone.user, 7)).toBeUndefined();
    }
  });

  it.each([['not_authorised_for_device', 'E4'], ['device_not_found', 'E19'], ['unknown_user', 'E1']])(
    'removes a schedule whose occurrence is refused for good (%s), telling its User with a DSP_SCHEDULE_REMOVAL alert',
    async (reason, code) => {
      const { store, user, refusal, outbox } = await refusedRun(reason, code);
      expect(outbox).toEqual([refusal, {
        cursor: expect.any(String), kind: 'dccAlert', alertCode: 'DSP_SCHEDULE_REMOVAL', deviceId: '00-DB-12-34-56-78-90-A0',
        body: { alert: 'DSP_SCHEDULE_REMOVAL', DSPScheduleRemoval: { DeviceID: '00-DB-12-34-56-78-90-A0', DSPScheduleID: '7' }, reason },
      }]);
      expect(await store.getSchedule(user, 7)).toBeUndefined();
      expect(await store.claimDueSchedules(Date.now() + 2 * 86_400_000, 10, 60_000)).toEqual([]);
    },
  );

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
