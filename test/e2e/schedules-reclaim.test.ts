// A DSP schedule occurrence the router could not admit (its pipeline filled after the claim), or whose record the
// store refused, is left leased and claimed again at the lease's end: that claim must run the same
// occurrence (index 0), not the next one a day early, and it runs once. The router is assembled in-process so the test can
// saturate its pipeline and read its store; on the embedded store and on a real redis-server.
import { afterEach, describe, expect, it } from 'vitest';
import type { RouterClient } from '@dccrouter/client';
import { StateUnavailableError } from '@dccrouter/state';
import { occurrenceCounter } from '@dccrouter/domain';
import { everyStore, startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { ACB, Admin, nextCounter } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-11-00-01';
const METER = '00-DB-12-34-56-78-11-01';
const LEASE_MS = 3_000;
const MAX_INFLIGHT = 100;

let running: InProcessRouter | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(everyStore())('A DSP occurrence not admitted, on %s', (_name, storeEnv) => {
  /** A router with a daily read whose first occurrence is a whole second 4 to 5 s from now (UTC). */
  async function startWithSchedule() {
    running = await startInProcess({
      ...storeEnv, SCHEDULE_LEASE_MS: String(LEASE_MS), SCAN_INTERVAL_MS: '50', MAX_INFLIGHT: String(MAX_INFLIGHT),
      SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20',
    });
    const { router } = running;
    const admin = new Admin(running.url, running.adminToken);
    const client: RouterClient = await admin.user(USER, ['IS']);
    await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: USER });
    // Time enough for its creation on a busy machine, whose answer would otherwise put it on the next day.
    const dueAt = Math.floor(Date.now() / 1_000) * 1_000 + 5_000;
    const at = new Date(dueAt).toISOString();
    const created = await client.submit({
      originatorId: USER, targetId: ACB, counter: nextCounter(), commandVariant: 8, srv: '5.1',
      bodyValue: {
        ScheduleFrequency: 'Daily', ScheduleStartDate: at.slice(0, 10), ScheduleExecutionStartTime: at.slice(11, 19),
        DSPScheduledServiceReference: '4.6', DSPScheduledServiceReferenceVariant: '4.6.1', DeviceID: METER, DSPRetrieveImportDailyReadLog: { StartDateOffset: -1, StartTime: '00:00:00', EndDateOffset: 0, EndTime: '00:00:00' },
      },
    });
    expect(created.status, JSON.stringify(created.answer)).toBe(200);
    const scheduleId = BigInt(created.answer.body.DSPScheduleID as string);
    const results = async () => ((await client.call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[])
      .filter((item) => item.kind === 'response' && item.body?.DSPScheduleID === String(scheduleId));
    return { router, scheduleId, dueAt, results };
  }

  /** Its one result: occurrence 0, run at or after the lease taken at its due time (left, then claimed again), and never again. */
  async function expectRunOnceAfterTheLease(router: InProcessRouter['router'], scheduleId: bigint, dueAt: number, results: () => Promise<any[]>) {
    await expect.poll(async () => (await results()).length, { timeout: LEASE_MS + 5_000, interval: 100 }).toBe(1);
    const [result] = await results();
    // Occurrence 0 (counter: the schedule's ID, then the index), not occurrence 1 a day early.
    expect(result.requestId).toBe(`${USER}:${METER}:${occurrenceCounter(Number(scheduleId), 0)}`);
    expect((await router.store.getRequest(result.requestId))!.acceptedAt).toBeGreaterThanOrEqual(dueAt + LEASE_MS);
    // Run once: no other claim runs it (or its successor) again.
    await sleep(LEASE_MS + 1_000);
    expect(await results()).toHaveLength(1);
  }

  it('is run at the lease\'s end as the same occurrence, once', async () => {
    const { router, scheduleId, dueAt, results } = await startWithSchedule();

    // The pipeline's room taken by others between the scheduler's claim (made with room) and the
    // occurrence's own admission: watched for, not waited a fixed second past the due time, which
    // a busy machine's scheduler need not have claimed within.
    const { store, pipeline } = router;
    let taken = 0;
    let refusedAfterClaim = 0;
    const claim = store.claimDueSchedules.bind(store);
    store.claimDueSchedules = async (...args) => {
      const claimed = await claim(...args);
      if (taken === 0 && claimed.some((c) => BigInt(c.scheduleId) === scheduleId)) {
        taken = pipeline.room;
        expect(pipeline.admit(taken)).toBe(true);
      }
      return claimed;
    };
    const admit = pipeline.admit.bind(pipeline);
    pipeline.admit = (count?: number) => {
      const admitted = admit(count);
      if (!admitted && taken > 0) refusedAfterClaim++;
      return admitted;
    };
    await expect.poll(() => refusedAfterClaim, { timeout: dueAt - Date.now() + 10_000, interval: 20 }).toBeGreaterThan(0);
    pipeline.release(taken);

    await expectRunOnceAfterTheLease(router, scheduleId, dueAt, results);
  }, 30_000);

  it('is run again at the lease\'s end when the store refused its record (state_unavailable), once', async () => {
    const { router, scheduleId, dueAt, results } = await startWithSchedule();
    const occurrence = `${USER}:${METER}:${occurrenceCounter(Number(scheduleId), 0)}`;
    const record = router.store.recordAcceptance.bind(router.store);
    let refused = 0;
    router.store.recordAcceptance = async (requestId, acceptance) => {
      if (requestId === occurrence && refused++ === 0) throw new StateUnavailableError('recordAcceptance: injected failure');
      return record(requestId, acceptance);
    };
    await expect.poll(() => refused, { timeout: dueAt - Date.now() + 10_000, interval: 20 }).toBeGreaterThan(0);
    await expectRunOnceAfterTheLease(router, scheduleId, dueAt, results);
  }, 30_000);
});
