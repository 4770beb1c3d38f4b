// SMETS1 product registers and enrolment (SEC H5.8) on two routers under Bun sharing a real
// redis-server: EPC and PPC entries and their dates, installation eligibility (subset, pending,
// upgrade chains), enrolBy, a supplier's enrolment report, and migration gating (MIGRATION_GATING:
// an installation is enrolled, its devices Commissioned and routable, only when eligible).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin, newKeyPair, nextCounter } from '../support/fixtures.ts';

const SUPPLIER = '90-B3-D5-1F-30-12-00-01';
const OTHER_SUPPLIER = '90-B3-D5-1F-30-12-00-02';
const A_ELEC = '00-DB-12-34-56-78-12-01';
const A_GAS = '00-DB-12-34-56-78-12-02';
const B_ELEC = '00-DB-12-34-56-78-12-03';
const C_ELEC = '00-DB-12-34-56-78-12-04';
const D_ELEC = '00-DB-12-34-56-78-12-05';
const B_GAS = '00-DB-12-34-56-78-12-06';
const ACQUIRED = '2026-06-01T00:00:00.000Z';
let redis: OwnRedis;
let routers: RouterProcess[] = [];
let admins: Admin[];
let client: RouterClient;

function smets1(installationId: string, deviceType: string, deviceModel: string, firmwareVersion: string, extra: Record<string, unknown> = {}) {
  return {
    deviceType, status: 'InstalledNotCommissioned', generation: 'SMETS1', smets1Cohort: 'aclara', deviceModel, firmwareVersion, installationId,
    ...(deviceType === 'GSME' ? { gasSupplier: SUPPLIER } : { importSupplier: SUPPLIER }), ...extra,
  };
}
const elecAndGas = [{ deviceType: 'ESME', deviceModel: 'A-E1', firmwareVersion: '1.0' }, { deviceType: 'GSME', deviceModel: 'A-G1', firmwareVersion: '1.4' }];
const eligibility = (i: number, installationId: string) => admins[i].request('GET', `/v1/admin/installations/${installationId}/eligibility`);
const enrol = (installationId: string) => admins[0].request('POST', `/v1/admin/installations/${installationId}:enrol`);
async function read(deviceId: string) {
  const { status, answer } = await client.submit({ originatorId: SUPPLIER, targetId: deviceId, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
  return `${status}${answer.error ? ` ${answer.error.reason}` : ''}`;
}

beforeAll(async () => {
  redis = await startOwnRedis('smets1');
  const env = { REDIS_URL: redis.url, VERIFY_THREADS: '1', MIGRATION_GATING: 'true' };
  routers = await Promise.all([startRouterProcess(env), startRouterProcess(env)]);
  admins = routers.map((router) => new Admin(router.url, router.adminToken));
  const keys = newKeyPair();
  expect((await admins[0].put(`/v1/admin/users/${SUPPLIER}`, { roles: ['IS', 'GS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
  client = new RouterClient(routers[1].url, keys.privateKeyPem);
  // A: electricity and gas together; B: electricity alone, on an old firmware; C: another model; D: another cohort's supplier.
  await admins[0].device(A_ELEC, smets1('INST-A', 'ESME', 'A-E1', '1.0'));
  await admins[0].device(A_GAS, smets1('INST-A', 'GSME', 'A-G1', '1.4', { acquiredAt: ACQUIRED }));
  await admins[0].device(B_ELEC, smets1('INST-B', 'ESME', 'A-E1', '0.9'));
  await admins[0].device(C_ELEC, smets1('INST-C', 'ESME', 'C-E1', '3.0'));
  await admins[0].device(D_ELEC, smets1('INST-D', 'ESME', 'A-E1', '1.0', { importSupplier: OTHER_SUPPLIER, smets1Cohort: 'itron' }));
}, 60_000);

afterAll(async () => {
  await Promise.all(routers.map((router) => router.stop()));
  await redis?.dispose();
});

describe('SMETS1 product registers and enrolment', () => {
  it('refuses to enrol, or to commission, an installation no combination covers', async () => {
    expect((await eligibility(0, 'INST-A')).body).toEqual({ installationId: 'INST-A', status: 'not_eligible' });
    expect((await eligibility(0, 'NO-SUCH')).status).toBe(404);
    const refused = await enrol('INST-A');
    expect(refused).toMatchObject({ status: 409, body: { error: { reason: 'product_combination_not_eligible' }, eligibility: { status: 'not_eligible' } } });
    // Written Commissioned directly, or by import: refused with the reason, nothing written.
    const put = await admins[0].put(`/v1/admin/devices/${A_ELEC}`, { ...smets1('INST-A', 'ESME', 'A-E1', '1.0'), status: 'Commissioned' });
    expect(put).toMatchObject({ status: 409, body: { error: { reason: 'installation_not_enrolled', field: 'status' } } });
    // Any status requests reach a device in, not only Commissioned; out of service, it may be written.
    for (const status of ['Suspended', 'Recovery', 'Recovered']) {
      const inService = await admins[0].put(`/v1/admin/devices/${A_ELEC}`, { ...smets1('INST-A', 'ESME', 'A-E1', '1.0'), status });
      expect([status, inService.status, inService.body.error?.reason]).toEqual([status, 409, 'installation_not_enrolled']);
    }
    expect((await admins[0].put(`/v1/admin/devices/${A_ELEC}`, { ...smets1('INST-A', 'ESME', 'A-E1', '1.0'), status: 'Withdrawn' })).status).toBe(200);
    expect((await admins[0].put(`/v1/admin/devices/${A_ELEC}`, smets1('INST-A', 'ESME', 'A-E1', '1.0'))).status).toBe(200);
    const lines = [
      JSON.stringify({ deviceId: A_ELEC, ...smets1('INST-A', 'ESME', 'A-E1', '1.0'), status: 'Commissioned' }),
      JSON.stringify({ deviceId: '00-DB-12-34-56-78-12-09', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North' }),
    ].join('\n');
    const imported = await admins[0].request('POST', '/v1/admin/devices:import', lines, 'application/x-ndjson');
    expect(imported.body.imported).toBe(1);
    expect(imported.body.rejected).toEqual([{ line: 1, reason: expect.stringMatching(/^status installation_not_enrolled: installation INST-A is not enrolled/) }]);
    expect((await admins[0].request('GET', `/v1/admin/devices/${A_ELEC}`)).body.status).toBe('InstalledNotCommissioned');
    // Not routable: InstalledNotCommissioned admits the installation SRVs alone, not a 4.1.1 read (row 17).
    expect(await read(A_ELEC)).toBe('409 device_status_incompatible');
  });

  it('keeps an entry\'s first date from the PPC to the EPC, and judges the installation pending then eligible on every instance', async () => {
    const refused = await admins[0].put('/v1/admin/product-combinations/E-1', { list: 'PPC', devices: elecAndGas });
    expect(refused).toMatchObject({ status: 400, body: { error: { field: 'commsProvider' } } });
    const pending = await admins[0].put('/v1/admin/product-combinations/E-1', { list: 'PPC', commsProvider: 'aclara', devices: elecAndGas });
    expect(pending).toMatchObject({ status: 200, body: { entryId: 'E-1', list: 'PPC' } });
    await expect.poll(async () => (await eligibility(1, 'INST-A')).body, { timeout: 5_000, interval: 100 }).toEqual({ installationId: 'INST-A', status: 'pending', entry: 'E-1' });

    const moved = await admins[1].put('/v1/admin/product-combinations/E-1', { list: 'EPC', commsProvider: 'aclara', devices: elecAndGas });
    expect(moved.body).toMatchObject({ list: 'EPC', dateFirstAdded: pending.body.dateFirstAdded, dateAddedToEpc: expect.any(String) });
    expect(moved.body.dateAddedToEpc >= pending.body.dateFirstAdded).toBe(true);
    // The same devices: none stamped as added by an amendment.
    expect(moved.body.devices).toEqual(elecAndGas);
    expect((await admins[0].request('GET', '/v1/admin/product-combinations?list=EPC')).body.entries.map((entry: { entryId: string }) => entry.entryId)).toEqual(['E-1']);
    expect((await admins[0].request('GET', '/v1/admin/product-combinations?list=PPC')).body).toEqual({ entries: [] });
    expect((await admins[0].put('/v1/admin/product-combinations/E-1', { list: 'PPC', commsProvider: 'aclara', devices: elecAndGas })).status).toBe(409);

    // Eligible: enrolBy runs from the later of the EPC date and the gas supplier's acquisition.
    await expect.poll(async () => (await eligibility(0, 'INST-A')).body.status, { timeout: 5_000, interval: 100 }).toBe('eligible');
    const a = (await eligibility(0, 'INST-A')).body;
    expect(a).toMatchObject({ entry: 'E-1', eligibleSince: moved.body.dateAddedToEpc });
    const base = a.eligibleSince > ACQUIRED ? a.eligibleSince : ACQUIRED;
    expect(a.enrolBy).toBe(`${Number(base.slice(0, 4)) + 1}${base.slice(4)}`);
    // A subset (electricity alone at the same versions) of another cohort is not: the entry is Aclara's.
    expect((await eligibility(0, 'INST-D')).body.status).toBe('not_eligible');
  });

  it('names the shortest chain of upgrades for an installation eligible after upgrade, and refuses to enrol it until upgraded', async () => {
    expect((await eligibility(0, 'INST-B')).body.status).toBe('not_eligible');
    const paths = [{ from: '0.9', to: '0.8' }, { from: '0.9', to: '0.95' }, { from: '0.95', to: '1.0' }, { from: '0.8', to: '0.85' }, { from: '0.85', to: '0.95' }];
    expect((await admins[0].put('/v1/admin/firmware-upgrades/A-E1', { paths })).body.paths).toHaveLength(5);
    await expect.poll(async () => (await eligibility(1, 'INST-B')).body, { timeout: 5_000, interval: 100 }).toMatchObject({
      status: 'eligible_after_upgrade', entry: 'E-1',
      upgrades: [{ deviceId: B_ELEC, from: '0.9', to: '0.95' }, { deviceId: B_ELEC, from: '0.95', to: '1.0' }],
    });
    expect(await enrol('INST-B')).toMatchObject({ status: 409, body: { error: { reason: 'upgrade_required' } } });

    // A PPC-only combination: pending.
    await admins[0].put('/v1/admin/product-combinations/P-2', { list: 'PPC', commsProvider: 'aclara', devices: [{ deviceType: 'ESME', deviceModel: 'C-E1', firmwareVersion: '3.0' }] });
    await expect.poll(async () => (await eligibility(0, 'INST-C')).body.status, { timeout: 5_000, interval: 100 }).toBe('pending');
    expect(await enrol('INST-C')).toMatchObject({ status: 409, body: { error: { reason: 'product_combination_pending' } } });
  });

  it('reports a supplier\'s installations per status and those due within 30 days', async () => {
    const now = (await admins[0].request('GET', `/v1/admin/enrolment-report?supplier=${SUPPLIER}`)).body;
    expect(now.counts).toEqual({ eligible: 1, eligible_after_upgrade: 1, pending: 1, not_eligible: 0, enrolled: 0 });
    expect(now.due).toEqual([]);
    // Eleven and a half months on, A and B fall within 30 days of their deadlines; C and D never do.
    const b = (await eligibility(0, 'INST-B')).body;
    const later = new Date(Date.parse(b.enrolBy) - 15 * 86_400_000).toISOString();
    const ahead = (await admins[1].request('GET', `/v1/admin/enrolment-report?supplier=${SUPPLIER}&at=${later}`)).body;
    const ids = ahead.due.map((due: { installationId: string }) => due.installationId);
    expect(ids).toContain('INST-B');
    expect(ids).not.toContain('INST-C');
    expect(ahead.due.find((due: { installationId: string }) => due.installationId === 'INST-B')).toEqual({ installationId: 'INST-B', status: 'eligible_after_upgrade', entry: 'E-1', enrolBy: b.enrolBy, overdue: false });
    // At most maxDue of them, the soonest, across signatures; truncated says there were more.
    expect(ahead.due.length).toBeGreaterThanOrEqual(2);
    expect(ahead.truncated).toBeUndefined();
    const first = (await admins[0].request('GET', `/v1/admin/enrolment-report?supplier=${SUPPLIER}&at=${later}&maxDue=1`)).body;
    expect(first).toMatchObject({ counts: ahead.counts, due: [ahead.due[0]], truncated: true });
    expect((await admins[0].request('GET', `/v1/admin/enrolment-report?supplier=${SUPPLIER}&at=${later}&maxDue=${ahead.due.length}`)).body).toEqual(ahead);
    const refused = await admins[0].request('GET', `/v1/admin/enrolment-report?supplier=${SUPPLIER}&maxDue=0`);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('maxDue');
    const overdue = (await admins[1].request('GET', `/v1/admin/enrolment-report?supplier=${SUPPLIER}&at=${new Date(Date.parse(b.enrolBy) + 1000).toISOString()}`)).body;
    expect(overdue.due.find((due: { installationId: string }) => due.installationId === 'INST-B')?.overdue).toBe(true);
    expect((await admins[0].request('GET', `/v1/admin/enrolment-report?supplier=${OTHER_SUPPLIER}`)).body.counts).toMatchObject({ not_eligible: 1 });
    expect((await admins[0].request('GET', '/v1/admin/enrolment-report?supplier=nobody')).status).toBe(400);
  });

  it('keeps an installation whose devices an import writes in different chunks whole', async () => {
    // 5,000 devices a chunk: the installation's meters are lines 5,000 and 5,001 (another supplier's).
    const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
    const other = { importSupplier: OTHER_SUPPLIER, gasSupplier: OTHER_SUPPLIER };
    const lines = Array.from({ length: 5_001 }, (_, i) => JSON.stringify({
      deviceId: `00-DB-12-34-57-${hex(i >> 8)}-${hex(i & 0xff)}-00`,
      ...(i === 4_999 ? smets1('INST-SPAN', 'ESME', 'A-E1', '1.0', other)
        : i === 5_000 ? smets1('INST-SPAN', 'GSME', 'A-G1', '1.4', other)
          : { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North' }),
    }));
    const imported = await admins[0].request('POST', '/v1/admin/devices:import', lines.join('\n'), 'application/x-ndjson');
    expect(imported.body).toEqual({ imported: 5_001, rejected: [], rejectedCount: 0 });
    expect((await eligibility(1, 'INST-SPAN')).body).toMatchObject({ status: 'eligible', entry: 'E-1' });
    expect((await admins[0].request('GET', `/v1/admin/enrolment-report?supplier=${OTHER_SUPPLIER}`)).body.counts).toEqual({ eligible: 1, eligible_after_upgrade: 0, pending: 0, not_eligible: 1, enrolled: 0 });
    expect((await enrol('INST-SPAN')).body.devices).toEqual(['00-DB-12-34-57-13-87-00', '00-DB-12-34-57-13-88-00']);
  });

  it('enrols an eligible installation: its devices become Commissioned and routable; an upgrade makes another eligible', async () => {
    const enrolled = await enrol('INST-A');
    expect(enrolled).toMatchObject({ status: 200, body: { installationId: 'INST-A', entry: 'E-1', devices: [A_ELEC, A_GAS] } });
    expect((await enrol('INST-A')).body.enrolledAt).toBe(enrolled.body.enrolledAt);
    expect((await admins[1].request('GET', `/v1/admin/devices/${A_GAS}`)).body.status).toBe('Commissioned');
    await expect.poll(() => read(A_ELEC), { timeout: 5_000, interval: 100 }).toBe('202');
    // Its devices may now be written Commissioned.
    expect((await admins[0].put(`/v1/admin/devices/${A_ELEC}`, { ...smets1('INST-A', 'ESME', 'A-E1', '1.0'), status: 'Commissioned' })).status).toBe(200);

    // B's meter upgraded to 1.0 (an operator's update): eligible, enrolled; its gas meter, taken
    // out of service, stays Decommissioned. Eligible after upgrade since its paths were added, it
    // stays eligible since then, not since E-1's earlier entry (A's date): the upgrade does not
    // move its deadline earlier.
    const beforeUpgrade = (await eligibility(0, 'INST-B')).body;
    expect(beforeUpgrade.status).toBe('eligible_after_upgrade');
    await admins[0].device(B_ELEC, smets1('INST-B', 'ESME', 'A-E1', '1.0'));
    await admins[0].device(B_GAS, smets1('INST-B', 'GSME', 'A-G1', '1.4', { status: 'Decommissioned' }));
    const upgraded = (await eligibility(1, 'INST-B')).body;
    expect(upgraded).toMatchObject({ status: 'eligible', eligibleSince: beforeUpgrade.eligibleSince, enrolBy: beforeUpgrade.enrolBy });
    expect(upgraded.eligibleSince > (await eligibility(0, 'INST-A')).body.eligibleSince).toBe(true);
    expect((await enrol('INST-B')).status).toBe(200);
    expect((await admins[1].request('GET', `/v1/admin/devices/${B_ELEC}`)).body.status).toBe('Commissioned');
    expect((await admins[1].request('GET', `/v1/admin/devices/${B_GAS}`)).body.status).toBe('Decommissioned');
    const report = (await admins[0].request('GET', `/v1/admin/enrolment-report?supplier=${SUPPLIER}`)).body;
    expect(report.counts).toEqual({ eligible: 0, eligible_after_upgrade: 0, pending: 1, not_eligible: 0, enrolled: 2 });

    // A device moved to another installation leaves its old one (here its only device: gone).
    await admins[0].device(C_ELEC, smets1('INST-C2', 'ESME', 'C-E1', '3.0'));
    expect((await eligibility(0, 'INST-C')).status).toBe(404);
    expect((await eligibility(0, 'INST-C2')).body).toEqual({ installationId: 'INST-C2', status: 'pending', entry: 'P-2' });
    expect((await admins[0].request('GET', `/v1/admin/enrolment-report?supplier=${SUPPLIER}`)).body.counts.pending).toBe(1);

    // As by an import: moved on, then rewritten as SMETS2+, it leaves each installation it left.
    const importing = (device: Record<string, unknown>) => admins[1].request('POST', '/v1/admin/devices:import', `${JSON.stringify({ deviceId: C_ELEC, ...device })}\n`, 'application/x-ndjson');
    expect((await importing(smets1('INST-C3', 'ESME', 'C-E1', '3.0'))).body).toEqual({ imported: 1, rejected: [], rejectedCount: 0 });
    expect((await eligibility(0, 'INST-C2')).status).toBe(404);
    expect((await eligibility(0, 'INST-C3')).body.status).toBe('pending');
    expect((await importing({ deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: SUPPLIER })).body).toEqual({ imported: 1, rejected: [], rejectedCount: 0 });
    expect((await eligibility(0, 'INST-C3')).status).toBe(404);
    expect((await admins[0].request('GET', `/v1/admin/enrolment-report?supplier=${SUPPLIER}`)).body.counts.pending).toBe(0);
  });
});
