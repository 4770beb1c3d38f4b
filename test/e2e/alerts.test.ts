// Device alerts (contract v1.1, "Alerts") on the real router under Bun: raised on demand by device
// list or by a share of a network's devices in the inventory, and at a configured rate; each reaches the
// device's responsible Users by alert type as a `deviceAlert` outbound item, read by pull.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundItem, RouterClient } from '@dccrouter/client';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin } from '../support/fixtures.ts';

const SUPPLIER = '90-B3-D5-1F-30-0E-00-01';
const DISTRIBUTOR = '90-B3-D5-1F-30-0E-00-02';
const METERS = ['00-DB-12-34-56-78-9E-01', '00-DB-12-34-56-78-9E-02', '00-DB-12-34-56-78-9E-03'];
const DESTINATION = 'smets2%2Fcentral';
const ELSEWHERE = '00-DB-12-34-56-78-9E-04';
let router: RouterProcess;
let admin: Admin;
let supplier: RouterClient;
let distributor: RouterClient;

beforeAll(async () => {
  // No demo inventory: the network's devices are this test's three meters.
  router = await startRouterProcess({ VERIFY_THREADS: '1', SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20', SEED_DEMO: 'false' });
  admin = new Admin(router.url, router.adminToken);
  supplier = await admin.user(SUPPLIER, ['IS']);
  distributor = await admin.user(DISTRIBUTOR, ['ED']);
  for (const deviceId of METERS) {
    await admin.device(deviceId, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'Central', importSupplier: SUPPLIER, electricityDistributor: DISTRIBUTOR });
  }
});
afterAll(async () => { await router?.stop(); });

/** The User's device alerts, read by the SDK's pull (typed as its users see them). */
async function alertsOf(client: RouterClient, userId: string): Promise<OutboundItem[]> {
  const items: OutboundItem[] = [];
  for (let after: string | undefined; ;) {
    const page = await client.pull(userId, after, 1000);
    items.push(...page.items);
    if (page.items.length < 1000) return items.filter((item) => item.kind === 'deviceAlert');
    after = page.next;
  }
}
const raise = (body: unknown) => admin.request('POST', `/v1/admin/simulators/${DESTINATION}:raise-alerts`, body);

describe('device alerts', () => {
  it('routes an alert by device list to each device\'s responsible Users, naming devices not in the inventory', async () => {
    const outage = await raise({ alertCode: 'POWER_OUTAGE', devices: [METERS[0], '00-DB-12-34-56-78-9E-FF'] });
    expect(outage).toEqual({ status: 200, body: { alertCode: 'POWER_OUTAGE', devices: 1, queued: 2, unknown: ['00-DB-12-34-56-78-9E-FF'], elsewhere: [] } });
    const tamper = await raise({ alertCode: 'TAMPER', devices: [METERS[1]] });
    expect(tamper.body).toMatchObject({ devices: 1, queued: 2 });

    const bySupplier = await alertsOf(supplier, SUPPLIER);
    expect(bySupplier.map((a) => [a.alertCode, a.deviceId])).toEqual([['POWER_OUTAGE', METERS[0]], ['TAMPER', METERS[1]]]);
    expect(Date.parse(bySupplier[0].raisedAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(bySupplier[0].body).toEqual({ alertCode: 'POWER_OUTAGE', deviceId: METERS[0] });
    // The network operator registered on the devices hears of both: every responsible User does (contract).
    expect((await alertsOf(distributor, DISTRIBUTOR)).map((a) => a.alertCode)).toEqual(['POWER_OUTAGE', 'TAMPER']);
  });

  it('raises an outage from a share of the inventory\'s devices routed to a network, none of them served yet', async () => {
    // Another network's meter, never in this one's share.
    await admin.device(ELSEWHERE, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: SUPPLIER, electricityDistributor: DISTRIBUTOR });
    // Named by list, another network's meter raises nothing on this one.
    expect((await raise({ alertCode: 'TAMPER', devices: [ELSEWHERE] })).body).toEqual({ alertCode: 'TAMPER', devices: 0, queued: 0, unknown: [], elsewhere: [ELSEWHERE] });
    expect((await admin.request('GET', `/v1/admin/simulators/${DESTINATION}`)).body.received).toBe(0);
    const before = (await alertsOf(distributor, DISTRIBUTOR)).length;
    const restored = await raise({ alertCode: 'POWER_RESTORED', fraction: 1 });
    expect(restored.body).toMatchObject({ alertCode: 'POWER_RESTORED', devices: 3, queued: 6, unknown: [] });
    const after = await alertsOf(distributor, DISTRIBUTOR);
    expect(after.slice(before).map((a) => a.deviceId).sort()).toEqual([...METERS].sort());
    // A third of three: one meter, at random.
    const third = await raise({ alertCode: 'POWER_OUTAGE', fraction: 1 / 3 });
    expect(third.body).toMatchObject({ devices: 1, queued: 2 });
    expect(METERS).toContain((await alertsOf(distributor, DISTRIBUTOR)).at(-1)!.deviceId);
  });

  it('raises alerts at the configured rate from the network\'s devices, then stops', async () => {
    const before = (await alertsOf(supplier, SUPPLIER)).length;
    // 3 devices at an alert a second each (the most there is).
    expect((await admin.put(`/v1/admin/simulators/${DESTINATION}`, { alertsPerDevicePerHour: 3600 })).body.alertsPerDevicePerHour).toBe(3600);
    await expect.poll(async () => (await alertsOf(supplier, SUPPLIER)).length - before, { timeout: 8_000, interval: 250 }).toBeGreaterThanOrEqual(6);
    await admin.put(`/v1/admin/simulators/${DESTINATION}`, { alertsPerDevicePerHour: 0 });
    const random = (await alertsOf(supplier, SUPPLIER)).slice(before);
    expect(new Set(random.map((a) => a.alertCode)).size).toBeGreaterThan(0);
    // From this network's devices only.
    for (const alert of random) expect(METERS).toContain(alert.deviceId);
    // Credit alerts come from the credit running down, not at random.
    for (const alert of random) expect(alert.alertCode).toBe('TAMPER');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const settled = (await alertsOf(supplier, SUPPLIER)).length;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await alertsOf(supplier, SUPPLIER)).length).toBe(settled);
  });

  it('takes any alert code: one outside the table (a GBCS code) reaches every responsible User', async () => {
    const before = await alertsOf(distributor, DISTRIBUTOR);
    expect((await raise({ alertCode: '8F3E', devices: [METERS[1]] })).body).toMatchObject({ devices: 1, queued: 2 });
    // The supplier and, though it is no supply event of the table, the distributor.
    expect((await alertsOf(distributor, DISTRIBUTOR)).slice(before.length).map((a) => [a.alertCode, a.deviceId])).toEqual([['8F3E', METERS[1]]]);
  });

  it('refuses what it cannot raise, naming the field', async () => {
    expect((await raise({ alertCode: 'METEOR STRIKE', devices: [METERS[0]] })).body.error).toMatchObject({ reason: 'invalid_field', field: 'alertCode' });
    expect((await raise({ alertCode: 7, devices: [METERS[0]] })).body.error).toMatchObject({ reason: 'invalid_field', field: 'alertCode' });
    expect((await raise({ alertCode: 'TAMPER', devices: [METERS[0]], fraction: 0.5 })).body.error.message).toBe('body must name either devices or a fraction');
    expect((await raise({ alertCode: 'TAMPER', fraction: 2 })).body.error.field).toBe('fraction');
    expect((await raise({ alertCode: 'TAMPER', devices: [METERS[0], 'zz'] })).body.error).toMatchObject({ reason: 'invalid_field', field: 'devices[1]', message: 'devices[1] must be an EUI-64' });
    // A device written twice (EUI-64s are case-insensitive) raises it once.
    expect((await raise({ alertCode: 'TAMPER', devices: [METERS[0], METERS[0].toLowerCase()] })).body).toMatchObject({ devices: 1, unknown: [] });
    expect((await admin.request('POST', '/v1/admin/simulators/nowhere:raise-alerts', { alertCode: 'TAMPER', fraction: 1 })).status).toBe(404);
  });
});
