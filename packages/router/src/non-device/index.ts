import { createHash } from 'node:crypto';
import {
  checkAgainstDevice, checkAgainstUser, checkDeviceParty, eligibleRolesOf, FINAL_DEVICE_STATUSES, isPlainObject, findSrv, isAuthorisedForDevice, productNameProblem, servedStatusRefuses, nextOccurrence, parseCreateSchedule, parseEui, refuse, scheduleDetails, withCplStatus,
  type CompiledPolicy, type CplIndex, type Device, type Refusal, type ServiceRequest, type SrvDefinition, type User,
} from '@dccrouter/domain';
import type { StateStore } from '@dccrouter/state';
import type { Directory } from '../directory/index.ts';
import { endSchedulesOfFormerParties } from '../schedules/index.ts';

export type NonDeviceResult = { ok: true; responseCode: 'I0' | 'I99'; body?: Record<string, unknown> } | { ok: false; refusal: Refusal };

export interface NonDeviceDeps {
  store: StateStore;
  directory: Directory;
  policy: CompiledPolicy;
  cpl: { index(): CplIndex };
}

/** How late a schedule's first occurrence may still run when a retry completes its 5.1: the scheduled TRT (24 h). */
const LATE_OCCURRENCE_MS = 24 * 3600 * 1000;

/** Non-device SRVs that change state: judged once per RequestID (a retry gets the first answer), their change made by applyNonDeviceEffect. */
export const STATE_CHANGING_NON_DEVICE: ReadonlySet<string> = new Set(['5.1', '5.3', '8.3', '11.1', '11.4']);

/** Non-device SRVs about one device of the inventory, named by their body's DeviceID: 8.4 Update Inventory and the 8.14 Communications Hub status updates. */
const ABOUT_ONE_DEVICE: ReadonlySet<string> = new Set(['8.4', '8.14.1', '8.14.2', '8.14.3', '8.14.4']);

/** How long after its answer a resubmitted 8.3 may still complete its decommissioning: a client's retry, not a replay days later. */
const DECOMMISSION_RETRY_MS = 10 * 60 * 1000;

/**
 * Non-device requests (CV 8) are served by the router itself. 8.2 Read Inventory answers from the
 * inventory; 5.1, 5.2 and 5.3 create, read and delete DSP schedules; 8.3 decommissions a device;
 * 11.1 (and 11.4 for PPMIDs) names devices' next firmware; 12.1 answers the simulated WAN
 * coverage at an address; 8.4 and the 8.14 Communications Hub
 * updates are judged against their device (in the inventory, the User responsible for it) and
 * acknowledged (I99), as are the others, without data, as DUIS answers them. This judges a
 * request and makes its answer, changing nothing: what 5.1, 5.3, 8.3, 11.1 and 11.4 change is made
 * by applyNonDeviceEffect once the request is recorded.
 */
export async function serveNonDevice(request: ServiceRequest, srv: SrvDefinition, user: User, now: number, deps: NonDeviceDeps): Promise<NonDeviceResult> {
  switch (srv.srv) {
    case '8.2': return readInventory(request, deps);
    case '11.1':
    case '11.4': return updateFirmware(request, srv, user, deps);
    case '5.1': return createSchedule(request, user, now, deps);
    case '5.2':
    case '5.3': return readOrDeleteSchedule(request, srv.srv, deps.store);
    case '8.3': return decommissionDevice(request, srv, user, deps);
    case '12.1': return requestWanMatrix(request);
    default: {
      if (!ABOUT_ONE_DEVICE.has(srv.srv)) return { ok: true, responseCode: 'I99' };
      const judged = await judgeNamedDevice(request, srv, user, deps);
      return 'refusal' in judged ? judged : { ok: true, responseCode: 'I99' };
    }
  }
}

/**
 * The one device a non-device request names by its body's `DeviceID` (an EUI-64: row 3 else),
 * judged as rows 13 and 14 judge a device request's target: in the inventory, and its User
 * registered against it in a role eligible for the SRV.
 */
async function judgeNamedDevice(request: ServiceRequest, srv: SrvDefinition, user: User, deps: NonDeviceDeps): Promise<{ device: Device } | { ok: false; refusal: Refusal }> {
  const deviceId = namedDeviceId(request);
  if (!deviceId) return { ok: false, refusal: refuse('malformed_request', `${srv.bodyElement} needs DeviceID, an EUI-64`) };
  const device = await deps.directory.device(deviceId);
  const refusal = checkDeviceParty(user.userId, eligibleRolesOf(user, srv), deviceId, device);
  return refusal || !device ? { ok: false, refusal: refusal! } : { device };
}

/** The device a non-device request names by its body's `DeviceID`, as an EUI-64; null when it names none. */
function namedDeviceId(request: ServiceRequest): string | null {
  return request.bodyValue === '' ? null : parseEui(request.bodyValue.DeviceID);
}

/** The CSP regions whose WAN the simulated networks cover, and the technology each uses. */
const WAN_TECHNOLOGY = { North: 'Long Range Radio', Central: 'Cellular', South: 'Cellular' } as const;
const CONNECTIVITY = ['High', 'Medium', 'Low'] as const;

/**
 * 12.1 Request WAN Matrix: the simulated CSPs' coverage at an address (by UPRN, or PostCode and
 * AddressIdentifier), as DUIS's DSPWANMatrix answers it: the request, then the answer of the CSP
 * region the address lies in. This router holds no property data, so the region and coverage are
 * a simulation, the same for the same address every time (about one address in ten uncovered).
 */
function requestWanMatrix(request: ServiceRequest): NonDeviceResult {
  const value = request.bodyValue;
  const uprn = value === '' ? undefined : value.UPRN;
  const partial = value === '' ? undefined : value.PartialAddress;
  let address: string;
  let asked: Record<string, unknown>;
  if ((typeof uprn === 'string' && /^[1-9]\d{0,11}$/.test(uprn)) || (typeof uprn === 'number' && Number.isSafeInteger(uprn) && uprn > 0 && uprn < 1e12)) {
    address = String(uprn);
    asked = { UPRN: String(uprn) };
  } else if (isPlainObject(partial) && typeof partial.PostCode === 'string' && partial.PostCode.trim() !== '' && typeof partial.AddressIdentifier === 'string' && partial.AddressIdentifier.trim() !== '') {
    address = `${partial.PostCode.replaceAll(' ', '').toUpperCase()}\n${partial.AddressIdentifier}`;
    asked = { PartialAddress: { PostCode: partial.PostCode, AddressIdentifier: partial.AddressIdentifier } };
  } else {
    return { ok: false, refusal: refuse('malformed_request', 'RequestWANMatrix needs UPRN (a positive integer of at most 12 digits) or PartialAddress { PostCode, AddressIdentifier }') };
  }
  const seed = createHash('sha256').update(address).digest();
  const region = (Object.keys(WAN_TECHNOLOGY) as (keyof typeof WAN_TECHNOLOGY)[])[seed[0] % 3];
  return {
    ok: true, responseCode: 'I0', body: {
      DSPWANMatrix: {
        Request: asked,
        DSPWANMatrixResponse: [{
          CSPRegion: region, CSPRegionResponseCode: 'I0', CoverageAvailability: seed[1] % 10 !== 0,
          WANTechnology: WAN_TECHNOLOGY[region], ConnectivityLikelihood: CONNECTIVITY[seed[2] % 3],
        }],
      },
    },
  };
}

/**
 * 8.3 Decommission Device: the device's supplier takes it out of service; it becomes
 * `Decommissioned` once the request is recorded (applyNonDeviceEffect), and its schedules end with
 * it. One already Decommissioned or Withdrawn is refused (row 17): there is nothing to do.
 */
async function decommissionDevice(request: ServiceRequest, srv: SrvDefinition, user: User, deps: NonDeviceDeps): Promise<NonDeviceResult> {
  const judged = await judgeNamedDevice(request, srv, user, deps);
  if ('refusal' in judged) return judged;
  const { device } = judged;
  if (FINAL_DEVICE_STATUSES.has(device.status)) {
    return { ok: false, refusal: refuse('device_status_incompatible', `device ${device.deviceId} is ${device.status} already`) };
  }
  return { ok: true, responseCode: 'I0', body: { DecommissionDevice: { DeviceID: device.deviceId } } };
}

/** What DUIS's sr:ReadInventory may search by besides DeviceID. */
const INVENTORY_SELECTORS = ['UPRN', 'MPxN', 'PropertyFilter'] as const;

/**
 * From the directory, as the request path sees devices: cached, misses read together, another
 * instance's change seen within its sync; its status as the Central Products List leaves it (a
 * model or version removed from it shows Suspended, as it is served).
 */
async function readInventory(request: ServiceRequest, deps: NonDeviceDeps): Promise<NonDeviceResult> {
  const value = request.bodyValue;
  // DUIS also lets 8.2 search by UPRN, MPxN or a PropertyFilter: this inventory holds devices by ID alone, so those are named as not served.
  const otherSelector = value === '' ? undefined : INVENTORY_SELECTORS.find((name) => name in value);
  if (value !== '' && value.DeviceID === undefined && otherSelector) {
    return { ok: false, refusal: refuse('malformed_request', `ReadInventory by ${otherSelector} is not served: this router's inventory knows devices by DeviceID only (an EUI-64)`) };
  }
  const deviceId = value === '' ? null : parseEui(value.DeviceID);
  if (!deviceId) {
    return { ok: false, refusal: refuse('malformed_request', 'ReadInventory needs DeviceID, an EUI-64') };
  }
  const device = await deps.directory.device(deviceId);
  return { ok: true, responseCode: 'I0', body: { ReadInventory: { Devices: device ? [inventoryView(withCplStatus(device, deps.cpl.index()))] : [] } } };
}

/**
 * What 8.2 shows of a device: the inventory's description of it, as DUIS's sr:Device has it (type,
 * status, model, firmware, region). Any User in an eligible role may read any device, Other Users
 * included, so who is responsible for it, when its supplier took it, its pending firmware and
 * SMETS1 installation are not shown: they are other Users' business.
 */
function inventoryView({ deviceId, deviceType, status, generation, cspRegion, smets1Cohort, deviceModel, firmwareVersion }: Device): Partial<Device> {
  const view: Partial<Device> = { deviceId, deviceType, status, generation };
  if (cspRegion !== undefined) view.cspRegion = cspRegion;
  if (smets1Cohort !== undefined) view.smets1Cohort = smets1Cohort;
  if (deviceModel !== undefined) view.deviceModel = deviceModel;
  if (firmwareVersion !== undefined) view.firmwareVersion = firmwareVersion;
  return view;
}

/**
 * 11.1 UpdateFirmware (11.4 UpdatePPMIDFirmware for PPMIDs): the DSP distributes the image to the
 * devices of `DeviceIDList` (DUIS: EUIs separated by commas; a single `DeviceID` is taken too);
 * each device's next confirmed 11.3 Activate Firmware makes `FirmwareVersion` its version (the CPL
 * judges it by that). Every listed device is judged as a device request is by rows 13 to 17: in
 * the inventory, its User registered against it in a role eligible for the SRV (an export
 * supplier may not name an import meter's firmware), a PPMID for 11.4 and a type 11.3 activates for
 * 11.1 (not a PPMID), a SMETS1 cohort the DCC serves now and the SRV available for SMETS1 (the
 * operators' policy), and a status that admits
 * the SRV as the CPL leaves it (Suspended does; Decommissioned, Withdrawn, Recovery do not). The
 * answer names the devices as they were sent.
 */
async function updateFirmware(request: ServiceRequest, srv: SrvDefinition, user: User, deps: NonDeviceDeps): Promise<NonDeviceResult> {
  const update = firmwareUpdateOf(request);
  if (!update) {
    return { ok: false, refusal: refuse('malformed_request', `${srv.bodyElement} needs DeviceIDList, EUI-64s separated by commas (or DeviceID, one EUI-64), and FirmwareVersion, a non-empty text of at most 256 characters, none a control character`) };
  }
  const { deviceIds, version } = update;
  const devices = await Promise.all(deviceIds.map((deviceId) => deps.directory.device(deviceId)));
  const originator = request.requestId.originatorId;
  const eligibleRoles = eligibleRolesOf(user, srv);
  for (const [i, device] of devices.entries()) {
    const party = checkDeviceParty(originator, eligibleRoles, deviceIds[i], device);
    if (party || !device) return { ok: false, refusal: party! };
    if (srv.srv === '11.4' && device.deviceType !== 'PPMID') {
      return { ok: false, refusal: refuse('device_type_incompatible', `SRV 11.4 updates PPMID firmware: device ${deviceIds[i]} is of type ${device.deviceType}`) };
    }
    if (srv.srv === '11.1' && device.deviceType === 'PPMID') {
      return { ok: false, refusal: refuse('device_type_incompatible', `a PPMID's firmware is updated by SRV 11.4, not 11.1: device ${deviceIds[i]}`) };
    }
    // An image for a device no 11.3 can activate would wait pending for ever.
    if (srv.srv === '11.1' && !deps.policy.deviceTypeAdmits('11.3', device.deviceType)) {
      return { ok: false, refusal: refuse('device_type_incompatible', `SRV 11.1 distributes firmware for 11.3 to activate: device ${deviceIds[i]} is of type ${device.deviceType}, which 11.3 cannot target`) };
    }
    if (device.generation === 'SMETS1' && !deps.policy.smets1CohortLive(device.smets1Cohort)) {
      return { ok: false, refusal: refuse('not_available_for_smets1', `the DCC does not serve the ${device.smets1Cohort} SMETS1 cohort now (switched off by the operators): device ${deviceIds[i]}`) };
    }
    if (device.generation === 'SMETS1' && !deps.policy.smets1Admits(srv.srv, request.commandVariant)) {
      return { ok: false, refusal: refuse('not_available_for_smets1', `SRV ${srv.srv} is not available for SMETS1 devices (the operators' policy): device ${deviceIds[i]}`) };
    }
    const status = servedStatusRefuses(deps.policy, withCplStatus(device, deps.cpl.index()), srv.srv);
    if (status) return { ok: false, refusal: refuse('device_status_incompatible', `device ${deviceIds[i]} ${status}: SRV ${srv.srv} is not served to it`) };
  }
  const value = request.bodyValue;
  const named = value !== '' && value.DeviceIDList !== undefined ? { DeviceIDList: deviceIds.join(',') } : { DeviceID: deviceIds[0] };
  return { ok: true, responseCode: 'I0', body: { [srv.bodyElement]: { ...named, FirmwareVersion: version } } };
}

/** An 11.1's devices (each once) and version, or undefined when its body does not name them. */
function firmwareUpdateOf(request: ServiceRequest): { deviceIds: string[]; version: string } | undefined {
  const value = request.bodyValue;
  const listed = value === '' ? undefined : value.DeviceIDList ?? value.DeviceID;
  const version = value === '' ? undefined : value.FirmwareVersion;
  const deviceIds = typeof listed === 'string' ? [...new Set(listed.split(',').map((id) => parseEui(id.trim())))] : [];
  // A version the CPL could not name could never be a device's (productNameProblem).
  if (deviceIds.length === 0 || deviceIds.includes(null) || typeof version !== 'string' || productNameProblem(version) !== undefined) return undefined;
  return { deviceIds: deviceIds as string[], version };
}

/**
 * 5.1: the originator must be eligible for the scheduled SRV on the device, judged as if it sent
 * that request itself (rows 6 to 17); the first occurrence is the first at or after now.
 */
async function createSchedule(request: ServiceRequest, user: User, now: number, deps: NonDeviceDeps): Promise<NonDeviceResult> {
  const parsed = parseCreateSchedule(request.bodyValue);
  if (!parsed.ok) return { ok: false, refusal: refuse('malformed_request', `CreateSchedule: ${parsed.message}`) };
  const { schedule, srv } = parsed;
  const asIfSent: ServiceRequest = {
    ...request,
    // The scheduled request is no DUIS web service's (a 5.1 sent as XML came by serviceD).
    webService: undefined,
    requestId: { ...request.requestId, targetId: schedule.deviceId },
    commandVariant: 1,
    serviceReference: srv.serviceReference,
    serviceReferenceVariant: srv.srv,
    bodyElement: srv.bodyElement,
    bodyValue: schedule.bodyValue,
    executionDateTime: undefined,
  };
  const checked = checkAgainstUser(asIfSent, user, now);
  if (!checked.ok) return { ok: false, refusal: checked.refusal };
  // As the Central Products List lets the device be served now, as for the request itself.
  const found = await deps.directory.device(schedule.deviceId);
  const device = found && withCplStatus(found, deps.cpl.index());
  const refusal = checkAgainstDevice(asIfSent, srv, checked.eligibleRoles, device, deps.policy);
  if (refusal) return { ok: false, refusal };
  const first = nextOccurrence(schedule, now);
  if (!first) return { ok: false, refusal: refuse('malformed_request', 'CreateSchedule: the schedule has no occurrence left (ScheduleEndDate has passed)') };
  // Its ID is in the answer, so it is chosen before the record; the schedule is stored after it.
  const scheduleId = await deps.store.allocateScheduleId();
  return { ok: true, responseCode: 'I0', body: { DSPScheduleID: String(scheduleId) } };
}

/** 5.2 and 5.3, by DSPScheduleID: the originator's own schedules only (another's is not found); 5.3 deletes after its record. */
async function readOrDeleteSchedule(request: ServiceRequest, srv: '5.2' | '5.3', store: StateStore): Promise<NonDeviceResult> {
  const scheduleId = scheduleIdOf(request);
  if (!Number.isSafeInteger(scheduleId) || scheduleId < 1) {
    return { ok: false, refusal: refuse('malformed_request', `${request.bodyElement} needs DSPScheduleID, a positive integer`) };
  }
  const owner = request.requestId.originatorId;
  const schedule = await store.getSchedule(owner, scheduleId);
  if (!schedule) return { ok: false, refusal: refuse('malformed_request', `DSPScheduleID ${scheduleId} is not a schedule of ${owner}`) };
  if (srv === '5.2') return { ok: true, responseCode: 'I0', body: { DSPScheduleID: String(scheduleId), DSPScheduleDetails: scheduleDetails(schedule) } };
  return { ok: true, responseCode: 'I0', body: { DSPScheduleID: String(scheduleId) } };
}

/** DSPScheduleID as DUIS writes it, decimal digits (or a JSON integer): not " 1 ", "0x1" or "1e0", which Number() would all read as 1. */
function scheduleIdOf(request: ServiceRequest): number {
  const value = request.bodyValue;
  const id = value === '' ? undefined : value.DSPScheduleID;
  if (typeof id === 'number') return id;
  return typeof id === 'string' && /^\d{1,15}$/.test(id) ? Number(id) : NaN;
}

/**
 * What a recorded 5.1, 5.3, 8.3, 11.1 or 11.4 changes, made after its record: a request refused,
 * or answered `state_unavailable`, has changed nothing. Made again for a retry that finds the
 * request recorded (the client's, for want of an answer, when the change was cut off after the
 * record), so each is idempotent: 5.1's schedule is stored once per RequestID under the
 * DSPScheduleID its answer gave (never again once deleted), 5.3 deletes what may already be gone,
 * 8.3 decommissions a device not out of service already (a retry only promptly:
 * decommissionStillDue), and 11.1 names its version only where its first attempt did not
 * (firmwareStillOwed).
 */
export async function applyNonDeviceEffect(
  request: ServiceRequest, srv: string, answered: Record<string, unknown> | undefined, now: number, deps: NonDeviceDeps,
  /** When the request was first answered (a retry applying it again says the first answer's time). */
  answeredAt = now,
  /** A resubmission of one recorded before, completing what its first attempt may have left undone. */
  again = false,
): Promise<void> {
  const owner = request.requestId.originatorId;
  switch (srv) {
    case '5.1': {
      const parsed = parseCreateSchedule(request.bodyValue);
      const scheduleId = Number(answered?.DSPScheduleID);
      // From its first answer's time, as the first attempt would have: a retry made after the
      // first occurrence's time runs it (late) rather than skip it, but none a day late or more
      // (past the scheduled TRT: each would be a breach on arrival).
      const first = parsed.ok ? nextOccurrence(parsed.schedule, Math.max(answeredAt, now - LATE_OCCURRENCE_MS + 1)) : undefined;
      if (parsed.ok && first && scheduleId > 0) await deps.store.createSchedule(owner, scheduleId, parsed.schedule, first.at, request.requestIdText);
      return;
    }
    case '5.3':
      await deps.store.deleteSchedule(owner, scheduleIdOf(request));
      return;
    case '8.3': {
      const deviceId = namedDeviceId(request);
      if (!deviceId) return;
      // A retry completes what its first attempt left undone, promptly and for a User still
      // responsible, judged on the device as stored: a captured 8.3 replayed later must not take a
      // device out of service again.
      const stillDue = again ? await decommissionStillDue(request, srv, answeredAt, now, deps) : () => true;
      const [update] = await deps.directory.updateDevices([deviceId], (device) => (FINAL_DEVICE_STATUSES.has(device.status) || !stillDue(device) ? undefined : { ...device, status: 'Decommissioned' }));
      if (update) await endSchedulesOfFormerParties(deps.store, (userId) => deps.directory.user(userId), [update.before], [update.after]);
      return;
    }
    case '11.1':
    case '11.4': {
      const update = firmwareUpdateOf(request);
      if (!update) return;
      // The devices as the store holds them: a change another instance made since this one cached them stays.
      // The 11.1's own time, however often applied: a retry must not date it after an 11.3 accepted meanwhile.
      const pendingFirmwareAt = new Date(answeredAt).toISOString();
      const stillOwed = again ? await firmwareStillOwed(request, srv, answeredAt, deps) : () => true;
      await deps.directory.updateDevices(update.deviceIds, (device) => {
        if (!stillOwed(device)) return undefined;
        // Never moved back: a later 11.1's time stands (the high-water mark firmwareStillOwed reads).
        const firmwareNamedAt = new Date(Math.max(answeredAt, namedAt(device))).toISOString();
        return { ...device, pendingFirmwareVersion: update.version, pendingFirmwareAt, firmwareNamedAt };
      });
    }
  }
}

/**
 * Which devices a resubmitted 11.1 or 11.4 may still update: a retry completes an update its first
 * attempt left undone, and nothing more. Not a device an 11.1 has pended since it was answered
 * (this one, or a later one), nor one whose supplier changed since, nor for a User no longer active
 * or no longer responsible for the device: a captured request replayed must not undo a newer
 * update or act for a party that lost the device.
 */
async function firmwareStillOwed(request: ServiceRequest, srv: string, answeredAt: number, deps: NonDeviceDeps): Promise<(device: Device) => boolean> {
  const responsible = await stillResponsible(request, srv, deps);
  // Named at the answer's own time (by this request's first attempt) or later, activated since or not.
  const pendedSince = (device: Device) => namedAt(device) >= answeredAt;
  return (device) => !pendedSince(device) && !acquiredSince(device, answeredAt) && responsible(device);
}

/** Which devices a resubmitted 8.3 may still decommission: within DECOMMISSION_RETRY_MS of its answer, not acquired since, its User still responsible. */
async function decommissionStillDue(request: ServiceRequest, srv: string, answeredAt: number, now: number, deps: NonDeviceDeps): Promise<(device: Device) => boolean> {
  if (now - answeredAt > DECOMMISSION_RETRY_MS) return () => false;
  const responsible = await stillResponsible(request, srv, deps);
  return (device) => !acquiredSince(device, answeredAt) && responsible(device);
}

/** Whether the device's supplier changed after `at` (a request answered before then was another supplier's business). */
function acquiredSince(device: Device, at: number): boolean {
  return device.acquiredAt !== undefined && Date.parse(device.acquiredAt) > at;
}

/** Whether the request's User is still active and registered against a device in a role eligible for its SRV. */
async function stillResponsible(request: ServiceRequest, srv: string, deps: NonDeviceDeps): Promise<(device: Device | undefined) => boolean> {
  const originator = request.requestId.originatorId;
  const user = await deps.directory.user(originator);
  const definition = findSrv(srv);
  if (!user || user.status !== 'active' || !definition) return () => false;
  const eligibleRoles = eligibleRolesOf(user, definition);
  return (device) => device !== undefined && isAuthorisedForDevice(originator, eligibleRoles, device);
}

/**
 * When an 11.1 last named a version for the device (ms; -Infinity for never): the later of its
 * mark and its pending version's time, since a router of an earlier version writes the latter only.
 */
function namedAt(device: Device): number {
  const times = [device.firmwareNamedAt, device.pendingFirmwareAt].filter((time): time is string => time !== undefined).map(Date.parse);
  return Math.max(Number.NEGATIVE_INFINITY, ...times.filter((time) => !Number.isNaN(time)));
}
