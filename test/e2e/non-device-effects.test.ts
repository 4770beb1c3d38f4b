// The non-device requests that change state (5.1 CreateSchedule, 5.3 DeleteSchedule, 11.1
// UpdateFirmware) change it only once recorded: one whose record the store refuses
// (state_unavailable: "nothing was accepted") leaves no schedule made or deleted and no firmware
// named; one cut off between its record and its change is answered outcome_unknown, and the
// client's resubmission completes it, once. Faults are injected around the real store's methods.
import { afterEach, describe, expect, it } from 'vitest';
import { StateUnavailableError } from '@dccrouter/state';
import { RouterClient } from '@dccrouter/client';
import { everyStore, startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { ACB, Admin, newKeyPair, nextCounter } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-13-00-01';
const METER = '00-DB-12-34-56-78-13-01';

let running: InProcessRouter | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** Makes `method` of `target` throw a state-store failure for its next `times` calls, then work again. */
function failNext<T extends object>(target: T, method: keyof T & string, times = 1, unconfirmed = false): void {
  const original = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
  let left = times;
  (target as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    if (left-- > 0) throw new StateUnavailableError(`${method}: injected failure`, { unconfirmed });
    return original(...args);
  };
}

const createSchedule = (counter: string) => ({
  originatorId: USER, targetId: ACB, counter, commandVariant: 8, srv: '5.1',
  bodyValue: { ScheduleFrequency: 'Daily', ScheduleStartDate: '2030-01-01', DSPScheduledServiceReference: '4.6', DSPScheduledServiceReferenceVariant: '4.6.1', DeviceID: METER, DSPRetrieveImportDailyReadLog: { StartDateOffset: -1, StartTime: '00:00:00', EndDateOffset: 0, EndTime: '00:00:00' } },
});
const schedule = (srv: '5.2' | '5.3', scheduleId: string, counter = nextCounter()) => ({
  originatorId: USER, targetId: ACB, counter, commandVariant: 8, srv, bodyValue: { DSPScheduleID: scheduleId },
});
const updateFirmware = (counter: string, version: string) => ({
  originatorId: USER, targetId: ACB, counter, commandVariant: 8, srv: '11.1', bodyValue: { FirmwareVersion: version, DeviceIDList: METER },
});

describe.each(everyStore())('State-changing non-device requests, on %s', (_name, storeEnv) => {
  let client: RouterClient;
  let resubmitting: RouterClient;
  let admin: Admin;
  const pending = async () => (await admin.request('GET', `/v1/admin/devices/${METER}`)).body.pendingFirmwareVersion;
  /** Read back (200), or refused as no schedule of the User's; any other answer (a 503, say) fails, not "absent". */
  const scheduleExists = async (scheduleId: string) => {
    const { status, answer } = await client.submit(schedule('5.2', scheduleId));
    if (status === 200) return true;
    expect([status, answer.error?.reason, answer.error?.message]).toEqual([400, 'malformed_request', `DSPScheduleID ${scheduleId} is not a schedule of ${USER}`]);
    return false;
  };

  async function start() {
    running = await startInProcess(storeEnv);
    admin = new Admin(running.url, running.adminToken);
    // Every answer seen as given: no resubmission by the client itself.
    const keys = newKeyPair();
    expect((await admin.put(`/v1/admin/users/${USER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
    client = new RouterClient(running.url, keys.privateKeyPem, { retries: 0 });
    resubmitting = new RouterClient(running.url, keys.privateKeyPem);
    await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: USER });
    return running.router;
  }

  it('change nothing when the store refuses their record (state_unavailable)', async () => {
    const router = await start();
    const kept = await client.submit(createSchedule(nextCounter()));
    expect(kept.status).toBe(200);
    const keptId = kept.answer.body.DSPScheduleID as string;

    failNext(router.store, 'recordAcceptance', 3);
    const created = await client.submit(createSchedule(nextCounter()));
    expect([created.status, created.answer.error.reason]).toEqual([503, 'state_unavailable']);
    const deleted = await client.submit(schedule('5.3', keptId));
    expect([deleted.status, deleted.answer.error.reason]).toEqual([503, 'state_unavailable']);
    const named = await client.submit(updateFirmware(nextCounter(), '9.9'));
    expect([named.status, named.answer.error.reason]).toEqual([503, 'state_unavailable']);

    // No schedule but the one kept (the refused 5.1's ID was the next one), and it is still there; no firmware named.
    expect(await scheduleExists(String(Number(keptId) + 1))).toBe(false);
    expect(await scheduleExists(keptId)).toBe(true);
    expect(await pending()).toBeUndefined();
  });

  it('are completed, once, by the resubmission of one cut off after its record (outcome_unknown)', async () => {
    const router = await start();
    const counter = nextCounter();
    failNext(router.store, 'createSchedule');
    const cutOff = await client.submit(createSchedule(counter));
    expect([cutOff.status, cutOff.answer.error.reason]).toEqual([503, 'outcome_unknown']);
    const again = await client.submit(createSchedule(counter));
    expect(again.status).toBe(200);
    const scheduleId = again.answer.body.DSPScheduleID as string;
    expect(await scheduleExists(scheduleId)).toBe(true);
    // Deleted, a further resubmission of its 5.1 answers as before and does not bring it back.
    expect((await client.submit(schedule('5.3', scheduleId))).status).toBe(200);
    const late = await client.submit(createSchedule(counter));
    expect([late.status, late.answer.body.DSPScheduleID]).toEqual([200, scheduleId]);
    expect(await scheduleExists(scheduleId)).toBe(false);
    // The SDK resubmits by itself: its caller sees the answer, the schedule made.
    failNext(router.store, 'createSchedule');
    const completed = await resubmitting.submit(createSchedule(nextCounter()));
    expect(completed.status).toBe(200);
    expect(await scheduleExists(completed.answer.body.DSPScheduleID)).toBe(true);

    const firmwareCounter = nextCounter();
    failNext(router.directory, 'updateDevices');
    const named = await client.submit(updateFirmware(firmwareCounter, '9.9'));
    expect([named.status, named.answer.error.reason]).toEqual([503, 'outcome_unknown']);
    expect(await pending()).toBeUndefined();
    expect((await client.submit(updateFirmware(firmwareCounter, '9.9'))).status).toBe(200);
    expect(await pending()).toBe('9.9');
  });

  it('do not change again when a captured 11.1 is replayed after its User lost the meter: the answer is replayed, nothing else', async () => {
    await start();
    const counter = nextCounter();
    const first = await client.submit(updateFirmware(counter, 'A-EVIL'));
    expect(first.status).toBe(200);
    // The meter moves to another supplier, who names its own version.
    const other = '90-B3-D5-1F-30-13-00-02';
    const otherKeys = newKeyPair();
    expect((await admin.put(`/v1/admin/users/${other}`, { roles: ['IS'], status: 'active', publicKeyPem: otherKeys.publicKeyPem })).status).toBe(200);
    await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: other });
    const otherClient = new RouterClient(running!.url, otherKeys.privateKeyPem, { retries: 0 });
    expect((await otherClient.submit({ ...updateFirmware(nextCounter(), 'B-GOOD'), originatorId: other })).status).toBe(200);
    expect(await pending()).toBe('B-GOOD');
    // A fresh 11.1 from the former supplier is refused; its old one resent gets its old answer and changes nothing.
    expect((await client.submit(updateFirmware(nextCounter(), 'A-EVIL'))).answer.error.reason).toBe('not_authorised_for_device');
    const replayed = await client.submit(updateFirmware(counter, 'A-EVIL'));
    expect([replayed.status, replayed.answer]).toEqual([200, first.answer]);
    expect(await pending()).toBe('B-GOOD');
    // Suspended, the same.
    expect((await admin.put(`/v1/admin/users/${USER}`, { roles: ['IS'], status: 'suspended', publicKeyPem: (await admin.request('GET', `/v1/admin/users/${USER}`)).body.publicKeyPem })).status).toBe(200);
    expect((await client.submit(updateFirmware(counter, 'A-EVIL'))).status).toBe(200);
    expect(await pending()).toBe('B-GOOD');
  });

  it('are judged after the replay lookup: a resubmission of an acknowledged one gets its answer, whatever became of its schedule', async () => {
    await start();
    const created = await client.submit(createSchedule(nextCounter()));
    const scheduleId = created.answer.body.DSPScheduleID as string;
    const counter = nextCounter();
    const read = await client.submit(schedule('5.2', scheduleId, counter));
    expect(read.status).toBe(200);
    expect((await client.submit(schedule('5.3', scheduleId))).status).toBe(200);
    // Sent afresh, a read of the deleted schedule is refused; resubmitted, the acknowledged one is answered as before.
    expect((await client.submit(schedule('5.2', scheduleId))).answer.error.reason).toBe('malformed_request');
    const again = await client.submit(schedule('5.2', scheduleId, counter));
    expect([again.status, again.answer]).toEqual([200, read.answer]);
  });
});
