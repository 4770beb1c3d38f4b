// DSP schedules (contract v1.1) on two routers under Bun sharing a real redis-server: 5.1 creates
// one (its User judged eligible for the scheduled read as if it sent it), each due occurrence runs
// once across both instances with the scheduled TRT and its result reaches the User carrying the
// DSPScheduleID; 5.2 reads it and 5.3 deletes it, the User's own only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { ACB, Admin, newKeyPair, nextCounter } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-10-00-01';
const OTHER = '90-B3-D5-1F-30-10-00-02';
const METER = '00-DB-12-34-56-78-10-01';
const NOT_MINE = '00-DB-12-34-56-78-10-02';
const SMETS1_METER = '00-DB-12-34-56-78-10-03';
let redis: OwnRedis;
let routers: RouterProcess[] = [];
let client: RouterClient;
let other: RouterClient;

beforeAll(async () => {
  redis = await startOwnRedis('schedules');
  const env = { REDIS_URL: redis.url, VERIFY_THREADS: '1', SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20' };
  routers = await Promise.all([startRouterProcess(env), startRouterProcess(env)]);
  const admin = new Admin(routers[0].url, routers[0].adminToken);
  client = await admin.user(USER, ['IS']);
  other = await admin.user(OTHER, ['IS']);
  await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: USER });
  await admin.device(NOT_MINE, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: OTHER });
  await admin.device(SMETS1_METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'itron', importSupplier: USER });
}, 60_000);

afterAll(async () => {
  await Promise.all(routers.map((router) => router.stop()));
  await redis?.dispose();
});

/** 5.1, 5.2 or 5.3 (CV 8, to the Access Control Broker), signed as the User. */
const dsp = (as: RouterClient, originatorId: string, srv: '5.1' | '5.2' | '5.3', bodyValue: Record<string, unknown>) =>
  as.submit({ originatorId, targetId: ACB, counter: nextCounter(), commandVariant: 8, srv, bodyValue });

/**
 * A daily read starting today, its first occurrence `inMs` from now (UTC), cut to the second: an
 * occurrence due before the schedule is created is the next day's, so a few seconds are left for that.
 */
function dailyRead(deviceId: string, inMs: number) {
  const at = new Date(Date.now() + inMs);
  return {
    ScheduleFrequency: 'Daily', ScheduleStartDate: at.toISOString().slice(0, 10), ScheduleExecutionStartTime: at.toISOString().slice(11, 19),
    DSPScheduledServiceReference: '4.6', DSPScheduledServiceReferenceVariant: '4.6.1', DeviceID: deviceId, DSPRetrieveImportDailyReadLog: { StartDateOffset: -1, StartTime: '00:00:00', EndDateOffset: 0, EndTime: '00:00:00' },
  };
}

describe('DSP schedules', () => {
  it('runs each occurrence once across instances, with the scheduled TRT, its result carrying the DSPScheduleID', async () => {
    const schedule = dailyRead(METER, 4_000);
    const created = await dsp(client, USER, '5.1', schedule);
    expect(created.status, JSON.stringify(created.answer)).toBe(200);
    expect(created.answer.header.responseCode).toBe('I0');
    const scheduleId = created.answer.body.DSPScheduleID as string;
    expect(scheduleId).toMatch(/^\d+$/);

    const results = async () => ((await client.call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[])
      .filter((item) => item.kind === 'response' && item.body?.DSPScheduleID === scheduleId);
    await expect.poll(async () => (await results()).length, { timeout: 15_000, interval: 200 }).toBe(1);
    // Both instances scan the same schedules for a while longer: still one run.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const [result] = await results();
    expect(await results()).toHaveLength(1);
    expect(result.requestId).toBe(`${USER}:${METER}:${10n ** 19n + BigInt(scheduleId) * 10_000_000n}`);
    const status = (await client.call(USER, 'GET', `/v1/service-requests/${result.requestId}`)).answer;
    expect(status.trt.budgetMs).toBe(86_400_000);
    // Timed from its scheduled time (a whole second), not from when a scan came to run it.
    expect(status.trt.deadline).toBe(new Date(Date.parse(`${schedule.ScheduleStartDate}T${schedule.ScheduleExecutionStartTime}Z`) + 86_400_000).toISOString());
    expect(status.route.destination).toBe('smets2/south');
  }, 30_000);

  it('counts occurrences as scheduled traffic in the monthly report, apart from on-demand reads; a SMETS1 one keeps its SMETS1 budget', async () => {
    const admin = new Admin(routers[0].url, routers[0].adminToken);
    const month = new Date().toISOString().slice(0, 7);
    const report = async () => (await admin.request('GET', `/v1/admin/reports/monthly?month=${month}`)).body;
    const row = (rows: any[], trtClass: string, destination: string) => rows.find((r) => r.trtClass === trtClass && r.destination === destination);
    const before = await report();
    const responded = (rows: any[], trtClass: string, destination: string) => row(rows, trtClass, destination)?.responded ?? 0;

    const ids = await Promise.all([METER, SMETS1_METER].map(async (device) => (await dsp(client, USER, '5.1', dailyRead(device, 4_000))).answer.body.DSPScheduleID as string));
    // The same read sent by the User: on demand.
    const onDemand = await client.submit({ originatorId: USER, targetId: METER, counter: nextCounter(), commandVariant: 1, srv: '4.6.1', bodyValue: {} });
    expect(onDemand.answer.trt.budgetMs).toBe(30_000);
    const results = async () => ((await client.call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[])
      .filter((item) => item.kind === 'response' && ids.includes(item.body?.DSPScheduleID));
    await expect.poll(async () => (await results()).length, { timeout: 15_000, interval: 200 }).toBe(2);
    const budgetOf = async (deviceId: string) => {
      const result = (await results()).find((item) => item.requestId.split(':')[1] === deviceId);
      return (await client.call(USER, 'GET', `/v1/service-requests/${result.requestId}`)).answer.trt.budgetMs;
    };
    expect(await budgetOf(METER)).toBe(86_400_000);
    expect(await budgetOf(SMETS1_METER)).toBe(16_000);

    // Each router adds its figures every STATS_FLUSH_MS (1 s).
    await expect.poll(async () => {
      const now = await report();
      return [
        responded(now.serviceMetrics, 'smets2.scheduled', 'smets2/south') - responded(before.serviceMetrics, 'smets2.scheduled', 'smets2/south'),
        responded(now.smets1Indicative, 'smets1.scheduled', 'smets1/itron') - responded(before.smets1Indicative, 'smets1.scheduled', 'smets1/itron'),
      ];
    }, { timeout: 10_000, interval: 250 }).toEqual([1, 1]);
    await expect.poll(async () => responded((await report()).serviceMetrics, 'smets2.onDemand', 'smets2/south')
      - responded(before.serviceMetrics, 'smets2.onDemand', 'smets2/south'), { timeout: 10_000, interval: 250 }).toBe(1);
    // The SMETS1 occurrence is an indicative figure, with its end-to-end (WAN included) time.
    expect(row((await report()).smets1Indicative, 'smets1.scheduled', 'smets1/itron').endToEnd.p50Ms).toBeGreaterThan(0);
  }, 40_000);

  it('reads and deletes a User\'s own schedules, and judges its eligibility as if it sent the read', async () => {
    // Made once: a second made later may fall in the next second, a schedule of its own.
    const schedule = dailyRead(METER, 3_600_000);
    const created = await dsp(client, USER, '5.1', schedule);
    const scheduleId = created.answer.body.DSPScheduleID;
    const read = await dsp(client, USER, '5.2', { DSPScheduleID: scheduleId });
    expect(read.answer.body).toEqual({ DSPScheduleID: scheduleId, DSPScheduleDetails: schedule });
    expect((await dsp(other, OTHER, '5.2', { DSPScheduleID: scheduleId })).answer.error.message).toContain(`is not a schedule of ${OTHER}`);
    expect((await dsp(client, USER, '5.3', { DSPScheduleID: scheduleId })).answer.body).toEqual({ DSPScheduleID: scheduleId });
    expect((await dsp(client, USER, '5.2', { DSPScheduleID: scheduleId })).status).toBe(400);

    const notMine = await dsp(client, USER, '5.1', dailyRead(NOT_MINE, 60_000));
    expect([notMine.status, notMine.answer.error.reason]).toEqual([403, 'not_authorised_for_device']);
    const badFrequency = await dsp(client, USER, '5.1', { ...dailyRead(METER, 60_000), ScheduleFrequency: 'Hourly' });
    expect(badFrequency.answer.error.message).toContain('ScheduleFrequency must be one of');
  });

  it('creates a schedule once for a retried 5.1', async () => {
    const body = { originatorId: USER, targetId: ACB, counter: nextCounter(), commandVariant: 8, srv: '5.1', bodyValue: dailyRead(METER, 3_600_000) };
    const [first, second] = [await client.submit(body), await client.submit(body)];
    expect(second.answer).toEqual(first.answer);
    const next = await dsp(client, USER, '5.1', dailyRead(METER, 3_600_000));
    // One ID was taken by the first: the retry took none.
    expect(Number(next.answer.body.DSPScheduleID)).toBe(Number(first.answer.body.DSPScheduleID) + 1);
  });

  it('creates one schedule for the same 5.1 sent to both instances at the same moment', async () => {
    // A User of this test's own, with a client on each instance signing with its one key.
    const userId = '90-B3-D5-1F-30-10-00-03';
    const meter = '00-DB-12-34-56-78-10-04';
    const keys = newKeyPair();
    const admin = new Admin(routers[0].url, routers[0].adminToken);
    expect((await admin.put(`/v1/admin/users/${userId}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
    await admin.device(meter, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: userId });
    const [onFirst, onSecond] = routers.map((router) => new RouterClient(router.url, keys.privateKeyPem));
    const before = Number((await dsp(onFirst, userId, '5.1', dailyRead(meter, 3_600_000))).answer.body.DSPScheduleID);
    const body = { originatorId: userId, targetId: ACB, counter: nextCounter(), commandVariant: 8, srv: '5.1', bodyValue: dailyRead(meter, 3_600_000) };
    const [first, second] = await Promise.all([onFirst.submit(body), onSecond.submit(body)]);
    expect(first.answer.body.DSPScheduleID).toBeDefined();
    expect(second.answer).toEqual(first.answer);
    const scheduleId = Number(first.answer.body.DSPScheduleID);
    // Each may have taken an ID; only the answered one holds a schedule (none else of this User's is left running).
    const others = [before + 1, before + 2].filter((id) => id !== scheduleId);
    expect(others).toHaveLength(1);
    expect((await dsp(onFirst, userId, '5.2', { DSPScheduleID: String(others[0]) })).status).toBe(400);
    expect((await dsp(onFirst, userId, '5.2', { DSPScheduleID: String(scheduleId) })).status).toBe(200);
  });

  /** The User's DSP_SCHEDULE_REMOVAL alert for the schedule, if it has one. */
  const removalOf = async (scheduleId: string) => ((await client.call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[])
    .find((item) => item.alertCode === 'DSP_SCHEDULE_REMOVAL' && item.body?.DSPScheduleRemoval?.DSPScheduleID === scheduleId);

  it.each([
    ['an operator\'s update', 'put'],
    ['an import', 'import'],
  ])('removes the former supplier\'s schedules at a change of supplier by %s, telling it, not at their next occurrence', async (_how, how) => {
    const meter = how === 'put' ? '00-DB-12-34-56-78-10-05' : '00-DB-12-34-56-78-10-06';
    const admin = new Admin(routers[0].url, routers[0].adminToken);
    const record = { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South' };
    await admin.device(meter, { ...record, importSupplier: USER });
    // Its first occurrence an hour away: only the change can remove it within the test.
    const ids = [];
    for (const inMs of [3_600_000, 7_200_000]) {
      const created = await dsp(client, USER, '5.1', dailyRead(meter, inMs));
      expect(created.status, JSON.stringify(created.answer)).toBe(200);
      ids.push(created.answer.body.DSPScheduleID as string);
    }
    // Another device of the same User keeps its schedule.
    const kept = (await dsp(client, USER, '5.1', dailyRead(METER, 3_600_000))).answer.body.DSPScheduleID as string;
    if (how === 'put') {
      await admin.device(meter, { ...record, importSupplier: OTHER });
    } else {
      const imported = await admin.request('POST', '/v1/admin/devices:import', `${JSON.stringify({ deviceId: meter, ...record, importSupplier: OTHER })}\n`, 'application/x-ndjson');
      expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    }
    for (const scheduleId of ids) {
      expect((await removalOf(scheduleId))?.body).toEqual({ alert: 'DSP_SCHEDULE_REMOVAL', DSPScheduleRemoval: { DeviceID: meter, DSPScheduleID: scheduleId }, reason: 'not_authorised_for_device' });
      expect((await dsp(client, USER, '5.2', { DSPScheduleID: scheduleId })).answer.error.message).toContain(`is not a schedule of ${USER}`);
    }
    expect(await removalOf(kept)).toBeUndefined();
    expect((await dsp(client, USER, '5.2', { DSPScheduleID: kept })).status).toBe(200);
    // The device back with its former supplier does not bring them back.
    await admin.device(meter, { ...record, importSupplier: USER });
    expect((await dsp(client, USER, '5.2', { DSPScheduleID: ids[0] })).answer.error.message).toContain(`is not a schedule of ${USER}`);
  }, 40_000);

  it('removes a device\'s schedules when the operator decommissions it, and keeps them through a suspension', async () => {
    const meter = '00-DB-12-34-56-78-10-07';
    const admin = new Admin(routers[0].url, routers[0].adminToken);
    const record = { deviceType: 'ESME', generation: 'SMETS2+', cspRegion: 'South', importSupplier: USER };
    await admin.device(meter, { ...record, status: 'Commissioned' });
    const scheduleId = (await dsp(client, USER, '5.1', dailyRead(meter, 3_600_000))).answer.body.DSPScheduleID as string;
    await admin.device(meter, { ...record, status: 'Suspended' });
    expect(await removalOf(scheduleId)).toBeUndefined();
    expect((await dsp(client, USER, '5.2', { DSPScheduleID: scheduleId })).status).toBe(200);
    await admin.device(meter, { ...record, status: 'Decommissioned' });
    expect((await removalOf(scheduleId))?.body).toMatchObject({ reason: 'device_status_incompatible' });
    expect((await dsp(client, USER, '5.2', { DSPScheduleID: scheduleId })).answer.error.message).toContain(`is not a schedule of ${USER}`);
  }, 40_000);
});
