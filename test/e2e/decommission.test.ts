// 8.3 Decommission Device (CV 8): judged against the device it names (row 3 without one, E19 for
// one not in the inventory, E4 for another supplier's, E5 for one already out of service), and
// once recorded the device is Decommissioned: its requests refused from then on, its schedules
// removed with a DSP_SCHEDULE_REMOVAL alert. 8.4 and the 8.14 Communications Hub updates are
// judged against their device too. On both stores, over a real socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { everyStore, startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { ACB, Admin, newKeyPair, nextCounter, SECOND_SUPPLIER } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-15-00-01';
const METER = '00-DB-12-34-56-78-15-01';
const NOT_MINE = '00-DB-12-34-56-78-15-02';
const UNKNOWN = '00-DB-12-34-56-78-15-FF';
const meter = (importSupplier = USER) => ({ deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier });

describe.each(everyStore())('8.3 Decommission Device, on %s', (_name, storeEnv) => {
  let running: InProcessRouter;
  let admin: Admin;
  let client: RouterClient;

  beforeAll(async () => {
    running = await startInProcess(storeEnv);
    admin = new Admin(running.url, running.adminToken);
    const keys = newKeyPair();
    expect((await admin.put(`/v1/admin/users/${USER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
    await admin.device(METER, meter());
    await admin.device(NOT_MINE, meter(SECOND_SUPPLIER));
    client = new RouterClient(running.url, keys.privateKeyPem, { retries: 0 });
  });
  afterAll(async () => { await running?.close(); });

  const nonDevice = (srv: string, bodyValue: Record<string, unknown>) =>
    client.submit({ originatorId: USER, targetId: ACB, counter: nextCounter(), commandVariant: 8, srv, bodyValue });
  const refusal = async (srv: string, bodyValue: Record<string, unknown>) => {
    const { status, answer } = await nonDevice(srv, bodyValue);
    return [status, answer.error?.reason];
  };

  it('refuses what names no device of the User\'s, and decommissions its own once recorded, schedules and all', async () => {
    expect(await refusal('8.3', {})).toEqual([400, 'malformed_request']);
    expect(await refusal('8.3', { DeviceID: UNKNOWN })).toEqual([404, 'device_not_found']);
    expect(await refusal('8.3', { DeviceID: NOT_MINE })).toEqual([403, 'not_authorised_for_device']);
    expect(await refusal('8.4', { DeviceID: UNKNOWN, UpdateDeviceDetails: {} })).toEqual([404, 'device_not_found']);
    expect(await refusal('8.14.3', { DeviceID: NOT_MINE })).toEqual([403, 'not_authorised_for_device']);

    const scheduled = await nonDevice('5.1', {
      ScheduleFrequency: 'Daily', ScheduleStartDate: '2030-01-01', DSPScheduledServiceReference: '4.6', DSPScheduledServiceReferenceVariant: '4.6.1', DeviceID: METER,
      DSPRetrieveImportDailyReadLog: { StartDateOffset: -1, StartTime: '00:00:00', EndDateOffset: 0, EndTime: '00:00:00' },
    });
    expect(scheduled.status).toBe(200);
    const decommissioned = await nonDevice('8.3', { DeviceID: METER.toLowerCase() });
    expect([decommissioned.status, decommissioned.answer.header.responseCode, decommissioned.answer.body]).toEqual([200, 'I0', { DecommissionDevice: { DeviceID: METER } }]);
    expect((await admin.request('GET', `/v1/admin/devices/${METER}`)).body.status).toBe('Decommissioned');
    await expect.poll(async () => (await client.submit({ originatorId: USER, targetId: METER, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' })).answer.error?.reason, { timeout: 5_000, interval: 50 })
      .toBe('device_status_incompatible');
    const removal = ((await client.call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[])
      .find((item) => item.alertCode === 'DSP_SCHEDULE_REMOVAL' && item.body.DSPScheduleRemoval.DSPScheduleID === scheduled.answer.body.DSPScheduleID);
    expect(removal?.body.reason).toBe('device_status_incompatible');
    expect(await refusal('8.3', { DeviceID: METER })).toEqual([409, 'device_status_incompatible']);
  });
});
