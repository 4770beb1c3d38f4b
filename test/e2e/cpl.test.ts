// The Central Products List on two routers under Bun sharing a real redis-server: a removal
// suspends every device of the model at that version for both (firmware requests only), a CPA
// certificate goes to the SSC before anything is suspended (a remedial plan suspends nothing),
// and a device on a version still listed, or moved to one, is served again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { ACB, Admin, newKeyPair, nextCounter } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-11-00-01';
const METERS = ['00-DB-12-34-56-78-11-01', '00-DB-12-34-56-78-11-02'];
const OTHER_MODEL = '00-DB-12-34-56-78-11-03';
const ITRON = '00-DB-12-34-56-78-11-04';
const DECOMMISSIONED = '00-DB-12-34-56-78-11-05';
let redis: OwnRedis;
let routers: RouterProcess[] = [];
let admin: Admin;
let clients: RouterClient[];

beforeAll(async () => {
  redis = await startOwnRedis('cpl');
  const env = { REDIS_URL: redis.url, VERIFY_THREADS: '1' };
  routers = await Promise.all([startRouterProcess(env), startRouterProcess(env)]);
  admin = new Admin(routers[0].url, routers[0].adminToken);
  const keys = newKeyPair();
  expect((await admin.put(`/v1/admin/users/${USER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
  clients = routers.map((router) => new RouterClient(router.url, keys.privateKeyPem));
  for (const deviceId of METERS) await admin.device(deviceId, meter('ACME-1', '1.0'));
  await admin.device(OTHER_MODEL, meter('OTHER-9', '1.0'));
  await admin.device(DECOMMISSIONED, { ...meter('ACME-1', '1.0'), status: 'Decommissioned' });
  await admin.device(ITRON, { ...meter('S1-1', '1.0'), generation: 'SMETS1', cspRegion: undefined, smets1Cohort: 'itron' });
}, 60_000);

afterAll(async () => {
  await Promise.all(routers.map((router) => router.stop()));
  await redis?.dispose();
});

function meter(deviceModel: string, firmwareVersion: string) {
  return { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: USER, deviceModel, firmwareVersion };
}
/** A read (4.1.1) or a firmware version read (11.2), through router i: its status and refusal reason. */
async function send(i: number, deviceId: string, srv = '4.1.1') {
  const { status, answer } = await clients[i].submit({ originatorId: USER, targetId: deviceId, counter: nextCounter(), commandVariant: 1, srv });
  return `${status}${answer.error ? ` ${answer.error.reason}` : ''}`;
}
const bothRead = (deviceId: string) => Promise.all([send(0, deviceId), send(1, deviceId)]);
const cpl = (version: string, certificates: Record<string, string>) => admin.put(`/v1/admin/cpl/ACME-1/${version}`, { deviceType: 'ESME', certificates });

describe('the Central Products List', () => {
  it('suspends a removed version\'s devices on every instance within seconds, firmware requests only; restores a device moved to a listed version', async () => {
    // An empty CPL changes nothing; a model listed at its devices' version serves them.
    expect(await bothRead(METERS[0])).toEqual(['202', '202']);
    expect((await cpl('1.0', { other: 'valid' })).body).toMatchObject({ status: 'listed' });
    expect((await cpl('2.0', { other: 'valid' })).body).toMatchObject({ status: 'listed' });
    expect(await bothRead(METERS[0])).toEqual(['202', '202']);

    // Another certificate withdrawn: removed at once; both instances suspend both meters.
    expect((await cpl('1.0', { other: 'withdrawn' })).body).toMatchObject({ status: 'removed' });
    await expect.poll(async () => [...await bothRead(METERS[0]), ...await bothRead(METERS[1])], { timeout: 5_000, interval: 100 })
      .toEqual(Array(4).fill('409 device_status_incompatible'));
    // The refusal names the cause: the inventory still holds the meter Commissioned.
    const refused = await clients[0].submit({ originatorId: USER, targetId: METERS[0], counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    expect(refused.answer.error.message).toBe(`device ${METERS[0]} is served as Suspended (the Central Products List has removed ACME-1 at firmware 1.0), which does not admit SRV 4.1.1`);
    // Removal moves the meter to Suspended as operators read it too, beside the inventory's status.
    expect((await admin.request('GET', `/v1/admin/devices/${METERS[0]}`)).body).toMatchObject({
      status: 'Suspended', inventoryStatus: 'Commissioned', cplSuspension: 'the Central Products List has removed ACME-1 at firmware 1.0',
    });
    // Written back as read, it stores the inventory's status, not the CPL's.
    const read = (await admin.request('GET', `/v1/admin/devices/${METERS[0]}`)).body;
    expect((await admin.put(`/v1/admin/devices/${METERS[0]}`, read)).body).toMatchObject({ status: 'Suspended', inventoryStatus: 'Commissioned' });
    // Firmware requests still pass; another model is untouched.
    expect([await send(0, METERS[0], '11.2'), await send(1, METERS[1], '11.2')]).toEqual(['202', '202']);
    expect(await bothRead(OTHER_MODEL)).toEqual(['202', '202']);
    // A device of the model out of service stays so: Suspended would let firmware requests reach it.
    expect([await send(0, DECOMMISSIONED, '11.2'), await send(1, DECOMMISSIONED, '11.2')]).toEqual(Array(2).fill('409 device_status_incompatible'));

    // A meter moved to a listed version (an operator's update) is served again; the other stays
    // suspended (rewritten as it was: no change, so no alert).
    await admin.device(METERS[1], meter('ACME-1', '2.0'));
    await admin.device(METERS[0], meter('ACME-1', '1.0'));
    await expect.poll(async () => bothRead(METERS[1]), { timeout: 5_000, interval: 100 }).toEqual(['202', '202']);
    expect(await bothRead(METERS[0])).toEqual(['409 device_status_incompatible', '409 device_status_incompatible']);
    const restored = (await admin.request('GET', `/v1/admin/devices/${METERS[1]}`)).body;
    expect([restored.status, 'inventoryStatus' in restored, 'cplSuspension' in restored]).toEqual(['Commissioned', false, false]);
  });

  it('keeps devices in service while a CPA certificate awaits the SSC, and on a remedial plan; the SSC\'s removal suspends them', async () => {
    expect((await cpl('2.0', { cpa: 'expired', other: 'valid' })).body).toMatchObject({ status: 'cpaUnderReview' });
    expect(await bothRead(METERS[1])).toEqual(['202', '202']);
    const decide = (decision: string) => admin.request('POST', '/v1/admin/cpl/ACME-1/2.0:ssc-decision', { decision, reason: 'assessed' });
    expect((await decide('remedial_plan')).body).toMatchObject({ status: 'remedialPlan', sscDecision: { decision: 'remedial_plan', reason: 'assessed' } });
    expect(await bothRead(METERS[1])).toEqual(['202', '202']);
    // Decided once: not again.
    expect((await decide('remove')).status).toBe(409);

    expect((await cpl('2.0', { cpa: 'valid', other: 'valid' })).body).toMatchObject({ status: 'listed' });
    expect((await cpl('2.0', { cpa: 'withdrawn', other: 'valid' })).body).toMatchObject({ status: 'cpaUnderReview' });
    expect((await decide('remove')).body).toMatchObject({ status: 'removed' });
    await expect.poll(async () => bothRead(METERS[1]), { timeout: 5_000, interval: 100 }).toEqual(['409 device_status_incompatible', '409 device_status_incompatible']);

    // An 11.1 naming a listed version, then a confirmed 11.3 (CV 4, then CV 5) activates it: served again.
    expect((await cpl('3.0', { other: 'valid' })).body.status).toBe('listed');
    const updateSpec = { originatorId: USER, targetId: ACB, counter: nextCounter(), commandVariant: 8, srv: '11.1', bodyValue: { DeviceID: METERS[1], FirmwareVersion: '3.0' } };
    const update = await clients[0].submit(updateSpec);
    expect([update.status, update.answer.body]).toEqual([200, { UpdateFirmware: { DeviceID: METERS[1], FirmwareVersion: '3.0' } }]);
    const leg = { originatorId: USER, targetId: METERS[1], counter: nextCounter(), srv: '11.3' };
    const transform = await clients[1].submit({ ...leg, commandVariant: 4, bodyValue: {} });
    expect(transform.status).toBe(200);
    const signed = await clients[1].submit({ ...leg, commandVariant: 5, bodyValue: { GBCSPayload: transform.answer.body.PreCommand.GBCSPayload } });
    expect(signed.status).toBe(202);
    await expect.poll(async () => (await admin.request('GET', `/v1/admin/devices/${METERS[1]}`)).body.firmwareVersion, { timeout: 10_000 }).toBe('3.0');
    // The 11.1 resent once its version is activated: its answer again, and nothing named anew.
    expect((await clients[1].submit(updateSpec)).answer).toEqual(update.answer);
    expect((await admin.request('GET', `/v1/admin/devices/${METERS[1]}`)).body.pendingFirmwareVersion).toBeUndefined();
    await expect.poll(async () => bothRead(METERS[1]), { timeout: 5_000, interval: 100 }).toEqual(['202', '202']);

    // The responsible User was told of each suspension and restoration (a CPL change, an operator's
    // update, a firmware activation), and of the remedial plan.
    const notices = async () => ((await clients[0].call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[])
      .filter((item) => item.kind === 'dccAlert' && item.alertCode !== 'TRT')
      .map((item) => `${item.alertCode} ${item.deviceId ?? `${item.body.deviceModel} ${item.body.firmwareVersion} ${item.body.devices}`}`);
    // (The devices of one change in any order.)
    await expect.poll(async () => { const n = await notices(); return [...n.slice(0, 2).sort(), ...n.slice(2)]; }, { timeout: 5_000 }).toEqual([
      `DEVICE_SUSPENDED ${METERS[0]}`, `DEVICE_SUSPENDED ${METERS[1]}`,
      `DEVICE_RESTORED ${METERS[1]}`,
      'CPA_REMEDIAL_PLAN ACME-1 2.0 1',
      `DEVICE_SUSPENDED ${METERS[1]}`,
      `DEVICE_RESTORED ${METERS[1]}`,
    ]);
    const items = (await clients[1].call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[];
    expect(items.filter((item) => item.alertCode === 'DEVICE_RESTORED').map((item) => item.body))
      .toEqual(['2.0', '3.0'].map((firmwareVersion) => ({ alert: 'DEVICE_RESTORED', deviceId: METERS[1], deviceModel: 'ACME-1', firmwareVersion })));

    const listed = (await new Admin(routers[1].url, routers[1].adminToken).request('GET', '/v1/admin/cpl')).body.entries;
    expect(listed.map((e: any) => `${e.deviceModel} ${e.firmwareVersion} ${e.status}`)).toEqual(['ACME-1 1.0 removed', 'ACME-1 2.0 removed', 'ACME-1 3.0 listed']);
    expect((await admin.put('/v1/admin/cpl/ACME-1/3.0', { deviceType: 'ESME', certificates: { other: 'lost' } })).body.error.field).toBe('certificates.other');
    expect((await admin.request('POST', '/v1/admin/cpl/ACME-1/9.9:ssc-decision', { decision: 'remove', reason: 'x' })).status).toBe(404);
  });

  it('tells the responsible User when an import suspends or restores a device it rewrites, and says nothing of a new one', async () => {
    const deviceId = '00-DB-12-34-56-78-11-05';
    const importing = async (...firmwareVersions: string[]) => {
      const lines = firmwareVersions.map((firmwareVersion) => `${JSON.stringify({ deviceId, ...meter('ACME-1', firmwareVersion) })}\n`);
      const answer = await admin.request('POST', '/v1/admin/devices:import', lines.join(''), 'application/x-ndjson');
      expect(answer.body).toEqual({ imported: lines.length, rejected: [], rejectedCount: 0 });
    };
    const notices = async () => ((await clients[0].call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[])
      .filter((item) => item.kind === 'dccAlert' && item.deviceId === deviceId).map((item) => `${item.alertCode} ${item.body.firmwareVersion}`);
    // New (on a listed version), then on a removed version, then listed again.
    await importing('3.0');
    // The other instance sees the rewrite within its directory's sync period.
    await importing('1.0');
    await expect.poll(() => send(1, deviceId), { timeout: 5_000, interval: 100 }).toBe('409 device_status_incompatible');
    await importing('3.0');
    await expect.poll(() => send(1, deviceId), { timeout: 5_000, interval: 100 }).toBe('202');
    // Twice in one import: the second line follows the first.
    await importing('1.0', '3.0');
    expect(await notices()).toEqual(['DEVICE_SUSPENDED 1.0', 'DEVICE_RESTORED 3.0', 'DEVICE_SUSPENDED 1.0', 'DEVICE_RESTORED 3.0']);
  });

  it('activates the version its 11.3 was sent for though an operator rewrote the device since the 11.1, restoring one the inventory holds Suspended', async () => {
    const deviceId = '00-DB-12-34-56-78-11-06';
    expect((await cpl('3.0', { other: 'valid' })).body.status).toBe('listed');
    await admin.device(deviceId, { ...meter('ACME-1', '1.0'), status: 'Suspended' });
    expect(await send(0, deviceId)).toBe('409 device_status_incompatible');
    const update = await clients[0].submit({ originatorId: USER, targetId: ACB, counter: nextCounter(), commandVariant: 8, srv: '11.1', bodyValue: { DeviceID: deviceId, FirmwareVersion: '3.0' } });
    expect(update.status).toBe(200);
    // The operator's record says nothing of the version distributed: it stays pending.
    const rewritten = await admin.put(`/v1/admin/devices/${deviceId}`, { ...meter('ACME-1', '1.0'), status: 'Suspended', exportSupplier: '90-B3-D5-1F-30-11-00-02' });
    expect(rewritten.body.pendingFirmwareVersion).toBe('3.0');
    const leg = { originatorId: USER, targetId: deviceId, counter: nextCounter(), srv: '11.3' };
    const transform = await clients[1].submit({ ...leg, commandVariant: 4, bodyValue: {} });
    const signed = await clients[1].submit({ ...leg, commandVariant: 5, bodyValue: { GBCSPayload: transform.answer.body.PreCommand.GBCSPayload } });
    expect([transform.status, signed.status]).toEqual([200, 202]);
    await expect.poll(async () => (await admin.request('GET', `/v1/admin/devices/${deviceId}`)).body, { timeout: 10_000 })
      .toMatchObject({ firmwareVersion: '3.0', status: 'Commissioned' });
    await expect.poll(async () => bothRead(deviceId), { timeout: 5_000, interval: 100 }).toEqual(['202', '202']);
    const restored = ((await clients[0].call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[])
      .filter((item) => item.alertCode === 'DEVICE_RESTORED' && item.deviceId === deviceId);
    expect(restored.map((item) => item.body.firmwareVersion)).toEqual(['3.0']);
  });

  it('restores a device the inventory holds Suspended when an operator\'s update names a listed version, telling its User', async () => {
    const deviceId = '00-DB-12-34-56-78-11-07';
    expect((await cpl('3.0', { other: 'valid' })).body.status).toBe('listed');
    await admin.device(deviceId, { ...meter('ACME-1', '1.0'), status: 'Suspended' });
    // The same version again, or one the CPL does not list, changes nothing.
    expect((await admin.put(`/v1/admin/devices/${deviceId}`, { ...meter('ACME-1', '1.0'), status: 'Suspended' })).body.status).toBe('Suspended');
    expect((await admin.put(`/v1/admin/devices/${deviceId}`, { ...meter('ACME-1', '9.9'), status: 'Suspended' })).body.status).toBe('Suspended');
    const named = await admin.put(`/v1/admin/devices/${deviceId}`, { ...meter('ACME-1', '3.0'), status: 'Suspended' });
    expect([named.status, named.body.status, named.body.firmwareVersion]).toEqual([200, 'Commissioned', '3.0']);
    await expect.poll(async () => bothRead(deviceId), { timeout: 5_000, interval: 100 }).toEqual(['202', '202']);
    const restored = ((await clients[0].call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[])
      .filter((item) => item.alertCode === 'DEVICE_RESTORED' && item.deviceId === deviceId);
    expect(restored).toHaveLength(1);
  });

  it('refuses an entry naming another device type than its model\'s others: a model is one device type', async () => {
    expect((await cpl('1.0', { other: 'valid' })).status).toBe(200);
    const gas = await admin.put('/v1/admin/cpl/ACME-1/4.0', { deviceType: 'GSME', certificates: { other: 'valid' } });
    expect([gas.status, gas.body.error.field, gas.body.error.message]).toEqual([400, 'deviceType', 'deviceType must be ESME, as ACME-1 is listed at firmware 1.0: a model is one device type']);
    expect((await admin.request('GET', '/v1/admin/cpl/ACME-1/4.0')).status).toBe(404);
  });

  it('switches a SMETS1 cohort off and on at run time, on every instance', async () => {
    expect(await bothRead(ITRON)).toEqual(['202', '202']);
    const off = await admin.put('/v1/admin/policy', { smets1Cohorts: { itron: false } });
    expect(off.body.smets1Cohorts).toMatchObject({ itron: false, aclara: true });
    await expect.poll(async () => bothRead(ITRON), { timeout: 5_000, interval: 100 }).toEqual(['422 not_available_for_smets1', '422 not_available_for_smets1']);
    expect((await new Admin(routers[1].url, routers[1].adminToken).request('GET', '/v1/admin/policy')).body.smets1Cohorts.itron).toBe(false);
    await admin.put('/v1/admin/policy', { smets1Cohorts: { itron: true } });
    await expect.poll(async () => bothRead(ITRON), { timeout: 5_000, interval: 100 }).toEqual(['202', '202']);
    expect((await admin.put('/v1/admin/policy', { smets1Cohorts: { nowhere: false } })).status).toBe(400);
  });

  it('keeps every one of the changes two instances make to the shared tables at the same moment', async () => {
    const admins = routers.map((router) => new Admin(router.url, router.adminToken));
    // Eight CPL entries and two policy changes, half through each instance, all at once.
    const versions = Array.from({ length: 8 }, (_, i) => `9.${i}`);
    const written = await Promise.all(versions.map((version, i) => admins[i % 2].put(`/v1/admin/cpl/RACE-1/${version}`, { deviceType: 'ESME', certificates: { other: 'valid' } })));
    expect(written.map((answer) => answer.status)).toEqual(versions.map(() => 200));
    const policies = await Promise.all([
      admins[0].put('/v1/admin/policy', { smets1Cohorts: { secure: false } }),
      admins[1].put('/v1/admin/policy', { smets1Cohorts: { edmi: false } }),
    ]);
    expect(policies.map((answer) => answer.status)).toEqual([200, 200]);
    for (const one of admins) {
      await expect.poll(async () => (await one.request('GET', '/v1/admin/cpl')).body.entries.filter((entry: any) => entry.deviceModel === 'RACE-1').length, { timeout: 5_000, interval: 100 }).toBe(8);
      await expect.poll(async () => (await one.request('GET', '/v1/admin/policy')).body.smets1Cohorts, { timeout: 5_000, interval: 100 }).toMatchObject({ secure: false, edmi: false });
    }
    await admins[0].put('/v1/admin/policy', { smets1Cohorts: { secure: true, edmi: true } });
  });
});
