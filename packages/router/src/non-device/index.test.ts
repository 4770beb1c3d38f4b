import { describe, expect, it } from 'vitest';
import { buildServiceRequest, compilePolicy, findSrv, indexCpl, type CplIndex, type Device, type DuisWebService, type User } from '@dccrouter/domain';
import { MemoryStore } from '@dccrouter/state';
import type { Directory } from '../directory/index.ts';
import { applyNonDeviceEffect, serveNonDevice, type NonDeviceDeps } from './index.ts';

const USER = '90-B3-D5-1F-30-01-00-00';
const ACB = '90-B3-D5-1F-30-00-00-02';
const METER = '00-DB-12-34-56-78-90-A0';
const user: User = { userId: USER, roles: ['IS'], status: 'active', publicKeyPem: '' };
const meter: Device = {
  deviceId: METER, deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: USER,
  deviceModel: 'M1', firmwareVersion: '1.0',
};
const dailyRead = { ScheduleFrequency: 'Daily', ScheduleStartDate: '2030-01-01', DSPScheduledServiceReference: '4.6', DSPScheduledServiceReferenceVariant: '4.6.1', DeviceID: METER, DSPRetrieveImportDailyReadLog: { StartDateOffset: -1, StartTime: '00:00:00', EndDateOffset: 0, EndTime: '00:00:00' } };

function depsWith(cpl: CplIndex): NonDeviceDeps {
  const directory = { device: async (id: string) => (id === METER ? meter : undefined) } as unknown as Directory;
  return { store: new MemoryStore(), directory, policy: compilePolicy(), cpl: { index: () => cpl } };
}

function createSchedule(counter: string, webService?: DuisWebService) {
  const built = buildServiceRequest({
    originatorId: USER, targetId: ACB, counter, commandVariant: 8, serviceReference: '5.1', serviceReferenceVariant: '5.1',
    bodyElement: 'CreateSchedule', bodyValue: dailyRead, webService,
  });
  if (!built.ok) throw new Error(built.refusal.message);
  return built.value;
}

describe('5.1 CreateSchedule', () => {
  const now = Date.parse('2029-12-31T00:00:00Z');

  it('is judged as if the User sent the scheduled request itself, whichever web service its own came by', async () => {
    const deps = depsWith(indexCpl([]));
    const overJson = await serveNonDevice(createSchedule('1'), findSrv('5.1')!, user, now, deps);
    // Sent as DUIS XML, a 5.1 comes by serviceD (CV 8); the scheduled read is CV 1 of no web service.
    const overXml = await serveNonDevice(createSchedule('2', 'D'), findSrv('5.1')!, user, now, deps);
    expect(overJson).toEqual({ ok: true, responseCode: 'I0', body: { DSPScheduleID: '1' } });
    expect(overXml).toEqual({ ok: true, responseCode: 'I0', body: { DSPScheduleID: '2' } });
  });

  it('is refused for a device the Central Products List suspends, as the scheduled read itself would be', async () => {
    // M1 is on the CPL only at firmware 2.0: the meter, at 1.0, is served as Suspended (firmware requests only).
    const deps = depsWith(indexCpl([{ deviceModel: 'M1', firmwareVersion: '2.0', status: 'listed' } as never]));
    const result = await serveNonDevice(createSchedule('3'), findSrv('5.1')!, user, now, deps);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.refusal.message).toContain('Suspended');
  });

  it('changes nothing when served; applied, stores one schedule under its answer\'s ID however often, and never again once deleted', async () => {
    const deps = depsWith(indexCpl([]));
    const request = createSchedule('4');
    const served = await serveNonDevice(request, findSrv('5.1')!, user, now, deps);
    expect(served).toEqual({ ok: true, responseCode: 'I0', body: { DSPScheduleID: '1' } });
    expect(await deps.store.getSchedule(USER, 1)).toBeUndefined();
    const answered = served.ok ? served.body : undefined;
    await Promise.all([1, 2, 3].map(() => applyNonDeviceEffect(request, '5.1', answered, now, deps)));
    expect(await deps.store.getSchedule(USER, 1)).toMatchObject({ deviceId: METER, srv: '4.6.1' });
    const claimed = await deps.store.claimDueSchedules(Date.parse('2030-01-02T00:00:00Z'), 100, 60_000);
    expect(claimed.map((c) => [c.scheduleId, c.dueAt])).toEqual([[1, Date.parse('2030-01-01T00:00:00Z')]]);
    expect(await deps.store.deleteSchedule(USER, 1)).toBe(true);
    await applyNonDeviceEffect(request, '5.1', answered, now, deps);
    expect(await deps.store.getSchedule(USER, 1)).toBeUndefined();
  });

  it('completed by a retry after its first occurrence\'s time, runs that occurrence late, but none a day late or more', async () => {
    for (const [counter, retryAt, firstDue] of [['5', '2030-01-01T12:00:00Z', '2030-01-01T00:00:00Z'], ['6', '2030-01-04T12:00:00Z', '2030-01-04T00:00:00Z']]) {
      const deps = depsWith(indexCpl([]));
      const request = createSchedule(counter);
      const served = await serveNonDevice(request, findSrv('5.1')!, user, now, deps);
      // Its first attempt cut off (answered at `now`, 2029-12-31); the retry comes at `retryAt`.
      await applyNonDeviceEffect(request, '5.1', served.ok ? served.body : undefined, Date.parse(retryAt), deps, now, true);
      const claimed = await deps.store.claimDueSchedules(Date.parse(retryAt), 100, 60_000);
      expect(claimed.map((c) => new Date(c.dueAt).toISOString())).toEqual([new Date(firstDue).toISOString()]);
    }
  });
});

describe('5.3 DeleteSchedule, 11.1 UpdateFirmware and 11.4 UpdatePPMIDFirmware', () => {
  function built(srv: string, bodyElement: string, bodyValue: Record<string, unknown>) {
    const result = buildServiceRequest({ originatorId: USER, targetId: ACB, counter: '9', commandVariant: 8, serviceReference: srv, serviceReferenceVariant: srv, bodyElement, bodyValue });
    if (!result.ok) throw new Error(result.refusal.message);
    return result.value;
  }

  it('change nothing when served, and make their change when applied, idempotently', async () => {
    const deps = depsWith(indexCpl([]));
    const scheduleId = await deps.store.allocateScheduleId();
    await deps.store.createSchedule(USER, scheduleId, { frequency: 'Daily', startDate: '2030-01-01', executionStartTime: '00:00:00', srv: '4.6.1', deviceId: METER, bodyElement: 'RetrieveImportDailyReadLog', bodyValue: {} }, 0, 'x');
    const deletion = built('5.3', 'DeleteSchedule', { DSPScheduleID: String(scheduleId) });
    expect(await serveNonDevice(deletion, findSrv('5.3')!, user, now(), deps)).toEqual({ ok: true, responseCode: 'I0', body: { DSPScheduleID: String(scheduleId) } });
    expect(await deps.store.getSchedule(USER, scheduleId)).toBeDefined();
    // The ID as DUIS writes it: decimal digits, not another spelling Number() would read as the same.
    for (const spelling of [` ${scheduleId} `, `0x${scheduleId.toString(16)}`, `${scheduleId}e0`, `${scheduleId}.0`]) {
      const odd = await serveNonDevice(built('5.3', 'DeleteSchedule', { DSPScheduleID: spelling }), findSrv('5.3')!, user, now(), deps);
      expect(odd).toMatchObject({ ok: false, refusal: { reason: 'malformed_request' } });
    }
    await applyNonDeviceEffect(deletion, '5.3', undefined, now(), deps);
    await applyNonDeviceEffect(deletion, '5.3', undefined, now(), deps);
    expect(await deps.store.getSchedule(USER, scheduleId)).toBeUndefined();

    const written: Device[] = [];
    // Changed as the store holds each device (here: the meter as the directory serves it).
    deps.directory.updateDevices = async (ids: readonly string[], change: (device: Device) => Device | undefined) => {
      for (const id of ids) {
        const after = id === METER ? change(meter) : undefined;
        if (after) written.push(after);
      }
      return [];
    };
    const update = built('11.1', 'UpdateFirmware', { FirmwareImage: 'AAAA', FirmwareVersion: '2.0', DeviceIDList: METER.toLowerCase() });
    expect(await serveNonDevice(update, findSrv('11.1')!, user, now(), deps)).toEqual({ ok: true, responseCode: 'I0', body: { UpdateFirmware: { DeviceIDList: METER, FirmwareVersion: '2.0' } } });
    expect(written).toEqual([]);
    await applyNonDeviceEffect(update, '11.1', undefined, now(), deps);
    expect(written).toEqual([{ ...meter, pendingFirmwareVersion: '2.0', pendingFirmwareAt: new Date(now()).toISOString(), firmwareNamedAt: new Date(now()).toISOString() }]);
    // Applied again by a retry a minute later: dated by the 11.1's first answer, not the retry.
    await applyNonDeviceEffect(update, '11.1', undefined, now() + 60_000, deps, now());
    expect(written.at(-1)?.pendingFirmwareAt).toBe(new Date(now()).toISOString());
  });

  it('lets a resubmitted 8.3 complete its decommissioning promptly, for a User still responsible, and never a replay later', async () => {
    const answeredAt = Date.parse('2030-01-01T00:00:00Z');
    const decommission = built('8.3', 'DecommissionDevice', { DeviceID: METER });
    const written: Device[] = [];
    const deps = depsWith(indexCpl([]));
    let stored: Device = meter;
    deps.directory.device = async (id: string) => (id === METER ? stored : undefined);
    deps.directory.user = async (id: string) => (id === USER ? user : undefined);
    deps.directory.updateDevices = async (ids: readonly string[], change: (device: Device) => Device | undefined) => {
      const after = ids.includes(METER) ? change(stored) : undefined;
      if (after) written.push(after);
      return after ? [{ before: stored, after }] : [];
    };
    // A retry a minute after the answer completes it; eleven minutes after, or once the device changed supplier, it does not.
    await applyNonDeviceEffect(decommission, '8.3', undefined, answeredAt + 11 * 60_000, deps, answeredAt, true);
    stored = { ...meter, acquiredAt: new Date(answeredAt + 1_000).toISOString() };
    await applyNonDeviceEffect(decommission, '8.3', undefined, answeredAt + 60_000, deps, answeredAt, true);
    expect(written).toEqual([]);
    stored = meter;
    await applyNonDeviceEffect(decommission, '8.3', undefined, answeredAt + 60_000, deps, answeredAt, true);
    expect(written).toEqual([{ ...meter, status: 'Decommissioned' }]);
  });

  it('lets a resubmitted 11.1 complete only what its first attempt left undone, for a User still responsible', async () => {
    const answeredAt = Date.parse('2030-01-01T00:00:00Z');
    const later = answeredAt + 60_000;
    const update = built('11.1', 'UpdateFirmware', { FirmwareImage: 'AAAA', FirmwareVersion: 'A', DeviceIDList: METER });
    /** What a resubmission writes to the meter as stored, with the originator as the directory holds it now. */
    const resubmitted = async (stored: Device, originator: User | null = user) => {
      const deps = depsWith(indexCpl([]));
      let written: Device | undefined;
      deps.directory.user = async () => originator ?? undefined;
      deps.directory.updateDevices = async (_ids: readonly string[], change: (device: Device) => Device | undefined) => {
        written = change(stored);
        return [];
      };
      await applyNonDeviceEffect(update, '11.1', undefined, later, deps, answeredAt, true);
      return written?.pendingFirmwareVersion;
    };
    // Cut off before its first attempt updated the meter: completed.
    expect(await resubmitted(meter)).toBe('A');
    expect(await resubmitted({ ...meter, pendingFirmwareVersion: 'old', pendingFirmwareAt: new Date(answeredAt - 1).toISOString() })).toBe('A');
    // Updated by it already, or by a later 11.1 (another supplier's), activated since or not: left as it is.
    expect(await resubmitted({ ...meter, firmwareVersion: 'A', firmwareNamedAt: new Date(answeredAt).toISOString() })).toBeUndefined();
    expect(await resubmitted({ ...meter, firmwareVersion: 'B', firmwareNamedAt: new Date(later).toISOString() })).toBeUndefined();
    expect(await resubmitted({ ...meter, pendingFirmwareVersion: 'A', pendingFirmwareAt: new Date(answeredAt).toISOString() })).toBeUndefined();
    expect(await resubmitted({ ...meter, pendingFirmwareVersion: 'B', pendingFirmwareAt: new Date(later).toISOString() })).toBeUndefined();
    // Its supplier changed since, or it is no longer the User's, or the User is suspended or gone.
    expect(await resubmitted({ ...meter, acquiredAt: new Date(later).toISOString() })).toBeUndefined();
    expect(await resubmitted({ ...meter, importSupplier: '90-B3-D5-1F-30-0B-00-00' })).toBeUndefined();
    expect(await resubmitted(meter, { ...user, status: 'suspended' })).toBeUndefined();
    expect(await resubmitted(meter, null)).toBeUndefined();
    // An earlier version's router wrote the pending time alone: the later of the two decides.
    expect(await resubmitted({ ...meter, firmwareNamedAt: new Date(answeredAt - 5).toISOString(), pendingFirmwareVersion: 'B', pendingFirmwareAt: new Date(later).toISOString() })).toBeUndefined();
  });

  it('never moves the mark of the last 11.1 back: applied first, an 11.1 answered earlier than the mark keeps the later time', async () => {
    const deps = depsWith(indexCpl([]));
    let written: Device | undefined;
    const marked = { ...meter, firmwareNamedAt: '2031-01-01T00:00:00.000Z' };
    deps.directory.updateDevices = async (_ids: readonly string[], change: (device: Device) => Device | undefined) => {
      written = change(marked);
      return [];
    };
    const update = built('11.1', 'UpdateFirmware', { FirmwareImage: 'AAAA', FirmwareVersion: 'C', DeviceIDList: METER });
    await applyNonDeviceEffect(update, '11.1', undefined, Date.parse('2030-06-01T00:00:00Z'), deps);
    expect([written?.pendingFirmwareVersion, written?.firmwareNamedAt]).toEqual(['C', '2031-01-01T00:00:00.000Z']);
  });

  it('judges each listed device by its status as the CPL leaves it, and 11.4 by its type: a PPMID\'s firmware only', async () => {
    const devices = new Map<string, Device>([
      [METER, meter],
      ['00-DB-12-34-56-78-90-A1', { ...meter, deviceId: '00-DB-12-34-56-78-90-A1', status: 'Decommissioned' }],
      ['00-DB-12-34-56-78-90-A2', { ...meter, deviceId: '00-DB-12-34-56-78-90-A2', deviceType: 'PPMID' }],
    ]);
    // M1 at 1.0 is off the CPL (only 2.0 is listed): served Suspended, which firmware SRVs pass.
    const deps = depsWith(indexCpl([{ deviceModel: 'M1', firmwareVersion: '2.0', status: 'listed' } as never]));
    deps.directory.device = async (id: string) => devices.get(id);
    const firmware = (srv: string, bodyElement: string, list: string) => serveNonDevice(built(srv, bodyElement, { FirmwareImage: 'AAAA', FirmwareVersion: '2.0', DeviceIDList: list }), findSrv(srv)!, user, now(), deps);
    expect(await firmware('11.1', 'UpdateFirmware', METER)).toMatchObject({ ok: true, responseCode: 'I0' });
    expect(await firmware('11.1', 'UpdateFirmware', `${METER},00-DB-12-34-56-78-90-A1`))
      .toMatchObject({ ok: false, refusal: { reason: 'device_status_incompatible', message: 'device 00-DB-12-34-56-78-90-A1 is Decommissioned: SRV 11.1 is not served to it' } });
    expect(await firmware('11.4', 'UpdatePPMIDFirmware', '00-DB-12-34-56-78-90-A2'))
      .toEqual({ ok: true, responseCode: 'I0', body: { UpdatePPMIDFirmware: { DeviceIDList: '00-DB-12-34-56-78-90-A2', FirmwareVersion: '2.0' } } });
    expect(await firmware('11.4', 'UpdatePPMIDFirmware', METER))
      .toMatchObject({ ok: false, refusal: { reason: 'device_type_incompatible', message: `SRV 11.4 updates PPMID firmware: device ${METER} is of type ESME` } });
    expect(await firmware('11.4', 'UpdatePPMIDFirmware', '00-DB-12-34-56-78-90-FF')).toMatchObject({ ok: false, refusal: { reason: 'device_not_found' } });
    expect(await firmware('11.1', 'UpdateFirmware', '00-DB-12-34-56-78-90-A2'))
      .toMatchObject({ ok: false, refusal: { reason: 'device_type_incompatible', message: "a PPMID's firmware is updated by SRV 11.4, not 11.1: device 00-DB-12-34-56-78-90-A2" } });
  });

  it('judges each listed device by its type and SMETS1 cohort too, as the 11.3 activating it would be', async () => {
    const ihd: Device = { ...meter, deviceId: '00-DB-12-34-56-78-90-A3', deviceType: 'IHD' };
    const smets1: Device = { deviceId: '00-DB-12-34-56-78-90-A4', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'edmi', importSupplier: USER };
    const devices = new Map<string, Device>([[METER, meter], [ihd.deviceId, ihd], [smets1.deviceId, smets1]]);
    const deps = depsWith(indexCpl([]));
    deps.directory.device = async (id: string) => devices.get(id);
    const update = (list: string) => serveNonDevice(built('11.1', 'UpdateFirmware', { FirmwareImage: 'AAAA', FirmwareVersion: '2.0', DeviceIDList: list }), findSrv('11.1')!, user, now(), deps);
    expect(await update(`${METER},${ihd.deviceId}`)).toMatchObject({ ok: false, refusal: { reason: 'device_type_incompatible' } });
    expect(await update(smets1.deviceId)).toMatchObject({ ok: true, responseCode: 'I0' });
    deps.policy = compilePolicy({ ...compilePolicy().policy, smets1Cohorts: { ...compilePolicy().policy.smets1Cohorts, edmi: false } });
    expect(await update(`${METER},${smets1.deviceId}`)).toMatchObject({ ok: false, refusal: { reason: 'not_available_for_smets1' } });
    // The operators' table of SRVs not available for SMETS1 is applied as to a device request.
    deps.policy = compilePolicy({ ...compilePolicy().policy, smets1UnavailableSrvs: ['11.1'] });
    expect(await update(smets1.deviceId)).toMatchObject({ ok: false, refusal: { reason: 'not_available_for_smets1', message: `SRV 11.1 is not available for SMETS1 devices (the operators' policy): device ${smets1.deviceId}` } });
    expect(await update(METER)).toMatchObject({ ok: true });
  });

  const now = () => Date.parse('2029-12-31T00:00:00Z');
});

describe('12.1 Request WAN Matrix', () => {
  const request = (bodyValue: Record<string, unknown>) => {
    const made = buildServiceRequest({ originatorId: USER, targetId: ACB, counter: '1', commandVariant: 8, serviceReference: '12.1', serviceReferenceVariant: '12.1', bodyElement: 'RequestWANMatrix', bodyValue });
    if (!made.ok) throw new Error(made.refusal.message);
    return serveNonDevice(made.value, findSrv('12.1')!, user, 0, depsWith(indexCpl([])));
  };

  it('answers the coverage of the CSP region the address lies in, the same for the same address every time', async () => {
    const answer = await request({ UPRN: '100023336956' });
    expect(answer).toMatchObject({ ok: true, responseCode: 'I0', body: { DSPWANMatrix: { Request: { UPRN: '100023336956' }, DSPWANMatrixResponse: [{ CSPRegionResponseCode: 'I0' }] } } });
    const [region] = (answer as unknown as { body: { DSPWANMatrix: { DSPWANMatrixResponse: Record<string, unknown>[] } } }).body.DSPWANMatrix.DSPWANMatrixResponse;
    expect(['North', 'Central', 'South']).toContain(region.CSPRegion);
    expect(['High', 'Medium', 'Low']).toContain(region.ConnectivityLikelihood);
    expect(await request({ UPRN: 100023336956 })).toEqual(answer);
    expect(await request({ PartialAddress: { PostCode: 'SW1A 1AA', AddressIdentifier: '1' } })).toMatchObject({ ok: true, body: { DSPWANMatrix: { Request: { PartialAddress: { PostCode: 'SW1A 1AA', AddressIdentifier: '1' } } } } });
  });

  it('refuses a request naming no address (row 3)', async () => {
    for (const value of [{}, { UPRN: '0' }, { UPRN: '1234567890123' }, { PartialAddress: { PostCode: 'SW1A 1AA' } }]) {
      expect(await request(value)).toMatchObject({ ok: false, refusal: { reason: 'malformed_request' } });
    }
  });
});

describe('8.2 Read Inventory', () => {
  function readInventory(counter: string) {
    const built = buildServiceRequest({
      originatorId: USER, targetId: ACB, counter, commandVariant: 8, serviceReference: '8.2', serviceReferenceVariant: '8.2',
      bodyElement: 'ReadInventory', bodyValue: { DeviceID: METER },
    });
    if (!built.ok) throw new Error(built.refusal.message);
    return built.value;
  }

  const shown = { deviceId: METER, deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', deviceModel: 'M1', firmwareVersion: '1.0' };

  it('shows a device with the status the Central Products List leaves it, as it is served', async () => {
    const listed = await serveNonDevice(readInventory('1'), findSrv('8.2')!, user, 0, depsWith(indexCpl([])));
    expect(listed).toEqual({ ok: true, responseCode: 'I0', body: { ReadInventory: { Devices: [shown] } } });
    const removed = indexCpl([{ deviceModel: 'M1', firmwareVersion: '1.0', status: 'removed' } as never]);
    const suspended = await serveNonDevice(readInventory('2'), findSrv('8.2')!, user, 0, depsWith(removed));
    expect(suspended).toEqual({ ok: true, responseCode: 'I0', body: { ReadInventory: { Devices: [{ ...shown, status: 'Suspended' }] } } });
  });

  it('names a search by UPRN, MPxN or PropertyFilter as not served, rather than calling the request malformed without saying why', async () => {
    const built = buildServiceRequest({
      originatorId: USER, targetId: ACB, counter: '4', commandVariant: 8, serviceReference: '8.2', serviceReferenceVariant: '8.2',
      bodyElement: 'ReadInventory', bodyValue: { MPxN: '1234567890123' },
    });
    if (!built.ok) throw new Error(built.refusal.message);
    const answer = await serveNonDevice(built.value, findSrv('8.2')!, user, 0, depsWith(indexCpl([])));
    expect(answer).toMatchObject({ ok: false, refusal: { reason: 'malformed_request', message: expect.stringContaining('ReadInventory by MPxN is not served') } });
  });

  it('shows the inventory\'s description only: not who is responsible for the device, nor its supplier\'s or firmware\'s pending business', async () => {
    const private_ = { exportSupplier: '90-B3-D5-1F-30-05-00-00', gasSupplier: USER, acquiredAt: '2029-01-01T00:00:00Z', pendingFirmwareVersion: '2.0', installationId: 'inst-1' };
    const deps = depsWith(indexCpl([]));
    deps.directory.device = async () => ({ ...meter, ...private_ });
    const answer = await serveNonDevice(readInventory('3'), findSrv('8.2')!, user, 0, deps);
    expect(answer).toEqual({ ok: true, responseCode: 'I0', body: { ReadInventory: { Devices: [shown] } } });
  });
});
