import { z } from 'zod';
import { objectError, parseWith, type Parsed } from '../input/index.ts';
import { DEVICE_TYPES, type Device, type SmiStatus } from '../types/index.ts';

// The Central Products List (contract v1.1, "Product registers, enrolment eligibility and CPL
// suspension"): which device models, at which firmware versions, may be served.

const CERTIFICATE = z.enum(['valid', 'expired', 'withdrawn'], { error: 'must be valid, expired or withdrawn' });

/** `PUT /v1/admin/cpl/{deviceModel}/{firmwareVersion}`. */
export const cplEntryInputSchema = z.strictObject({
  deviceType: z.enum(DEVICE_TYPES, { error: `must be a device type: ${DEVICE_TYPES.join(', ')}` }),
  certificates: z.strictObject({
    cpa: CERTIFICATE.optional().meta({ description: 'The CPA certificate, where the model has one' }),
    other: CERTIFICATE.meta({ description: 'Every other assurance certificate, together' }),
  }, objectError('must be an object { "cpa"?, "other" }', 'is not a certificate')),
}, objectError('must be a JSON object', 'is not a field of a CPL entry')).meta({ id: 'CplEntryInput', example: { deviceType: 'ESME', certificates: { cpa: 'valid', other: 'valid' } } });

export type CplEntryInput = z.infer<typeof cplEntryInputSchema>;

/**
 * listed: may be served. cpaUnderReview: its CPA certificate expired or was withdrawn, the SSC's
 * decision pending (devices stay in service). remedialPlan: the SSC chose a remedial plan (devices
 * stay in service). removed: off the CPL (devices of the model at this version are Suspended).
 */
export type CplStatus = 'listed' | 'cpaUnderReview' | 'remedialPlan' | 'removed';

export interface CplEntry extends CplEntryInput {
  deviceModel: string;
  firmwareVersion: string;
  status: CplStatus;
  /** The SSC's decision on a CPA certificate, once made. */
  sscDecision?: { decision: 'remove' | 'remedial_plan'; reason: string; at: string };
  updatedAt: string;
}

export function parseCplEntryInput(input: unknown): Parsed<CplEntryInput> {
  return parseWith(cplEntryInputSchema, input, { style: 'path', root: 'body' });
}

/**
 * An entry after its certificates change: another certificate not valid removes it at once
 * (automatic); a CPA certificate not valid puts it under review until the SSC decides, and a
 * decision already taken stands. Valid certificates list it again.
 */
export function applyCplUpdate(current: CplEntry | undefined, deviceModel: string, firmwareVersion: string, input: CplEntryInput, at: Date): CplEntry {
  let status: CplStatus;
  let sscDecision = current?.sscDecision;
  if (input.certificates.other !== 'valid') status = 'removed';
  else if (input.certificates.cpa !== undefined && input.certificates.cpa !== 'valid') {
    // The SSC's decision stands while the CPA certificate stays invalid, whatever the other certificate did meanwhile.
    status = sscDecision ? (sscDecision.decision === 'remedial_plan' ? 'remedialPlan' : 'removed') : 'cpaUnderReview';
  } else {
    status = 'listed';
    sscDecision = undefined;
  }
  return { deviceModel, firmwareVersion, ...input, status, ...(sscDecision ? { sscDecision } : {}), updatedAt: at.toISOString() };
}

/** `POST /v1/admin/cpl/{deviceModel}/{firmwareVersion}:ssc-decision`. */
export const sscDecisionSchema = z.strictObject({
  decision: z.enum(['remove', 'remedial_plan'], { error: 'must be remove or remedial_plan' }),
  reason: z.string({ error: 'must be a non-empty text' }).min(1, { error: 'must be a non-empty text' }),
}, objectError('must be a JSON object', 'is not a field of an SSC decision')).meta({ id: 'SscDecision', example: { decision: 'remedial_plan', reason: 'patch due in 30 days' } });

export type SscDecision = z.infer<typeof sscDecisionSchema>;

export function applySscDecision(entry: CplEntry, decision: SscDecision, at: Date): { ok: true; entry: CplEntry } | { ok: false; message: string } {
  if (entry.status !== 'cpaUnderReview') return { ok: false, message: `the entry is ${entry.status}: only one under CPA review awaits the SSC's decision` };
  return {
    ok: true,
    entry: {
      ...entry, status: decision.decision === 'remove' ? 'removed' : 'remedialPlan',
      sscDecision: { ...decision, at: at.toISOString() }, updatedAt: at.toISOString(),
    },
  };
}

/** The CPL by model then firmware version: what the request path looks up, in O(1). */
export type CplIndex = ReadonlyMap<string, ReadonlyMap<string, CplStatus>>;

export function indexCpl(entries: Iterable<CplEntry>): CplIndex {
  const index = new Map<string, Map<string, CplStatus>>();
  for (const entry of entries) {
    let versions = index.get(entry.deviceModel);
    if (!versions) index.set(entry.deviceModel, (versions = new Map()));
    versions.set(entry.firmwareVersion, entry.status);
  }
  return index;
}

/**
 * Out of service whatever the CPL says: Suspended would let firmware requests reach a device
 * decommissioned, withdrawn or in recovery, which its own status refuses everything.
 */
const OUT_OF_SERVICE: ReadonlySet<SmiStatus> = new Set<SmiStatus>(['Decommissioned', 'Withdrawn', 'Recovery', 'Suspended']);

/**
 * The device as the CPL lets it be served: a model with no CPL entry at all keeps the inventory's
 * status (an empty CPL changes nothing); a model with entries but none in service for the
 * device's firmware version (none, or removed) is Suspended: firmware requests only. A device out
 * of service keeps its status: the CPL only ever takes service away.
 */
export function withCplStatus(device: Device, cpl: CplIndex): Device {
  if (device.deviceModel === undefined || OUT_OF_SERVICE.has(device.status)) return device;
  const versions = cpl.get(device.deviceModel);
  if (!versions) return device;
  const status = device.firmwareVersion === undefined ? undefined : versions.get(device.firmwareVersion);
  if (status !== undefined && status !== 'removed') return device;
  const served: Device = { ...device, status: 'Suspended' };
  const { deviceModel, firmwareVersion } = device;
  CPL_SUSPENSIONS.set(served, {
    inventoryStatus: device.status,
    reason: firmwareVersion === undefined
      ? `its firmware version is not known, and the Central Products List lists ${deviceModel} only at named versions`
      : `the Central Products List ${status === 'removed' ? 'has removed' : 'does not list'} ${deviceModel} at firmware ${firmwareVersion}`,
  });
  return served;
}

/** Why withCplStatus served a device Suspended, and the status the inventory still holds, by the copy it made. */
const CPL_SUSPENSIONS = new WeakMap<Device, { reason: string; inventoryStatus: SmiStatus }>();

/** Why the CPL suspends this device as served (withCplStatus's copy), for a refusal to say; undefined when it does not. */
export function cplSuspensionOf(device: Device): string | undefined {
  return CPL_SUSPENSIONS.get(device)?.reason;
}

/**
 * Why a device as served (withCplStatus's copy) refuses an SRV, or undefined when it admits it:
 * its served status must admit it, and a device the CPL suspends its inventory status too, so the
 * CPL never gives a device on its way into service (Pending, Whitelisted, InstalledNotCommissioned)
 * firmware requests its own status refuses: it only ever takes service away.
 */
export function servedStatusRefuses(policy: { statusAdmits(status: SmiStatus, srv: string): boolean }, device: Device, srv: string): string | undefined {
  const suspension = CPL_SUSPENSIONS.get(device);
  if (!policy.statusAdmits(device.status, srv)) {
    return suspension ? `is served as ${device.status} (${suspension.reason})` : `is ${device.status}`;
  }
  if (suspension && !policy.statusAdmits(suspension.inventoryStatus, srv)) {
    return `is ${suspension.inventoryStatus}, and served as ${device.status} (${suspension.reason})`;
  }
  return undefined;
}

/**
 * The device once its 11.3 has activated `firmwareVersion`: that version its own, the pending one
 * cleared if it was this one (a later 11.1 may have named another), and a device the inventory
 * holds Suspended restored to Commissioned when the CPL has this version in service (contract
 * v1.1: an activated listed version restores the device). A model the CPL does not list leaves
 * the status as it is.
 */
export function withFirmwareActivated(device: Device, firmwareVersion: string, cpl: CplIndex): Device {
  const { pendingFirmwareVersion, pendingFirmwareAt, ...rest } = device;
  const activated: Device = { ...rest, firmwareVersion };
  // Another version pended meanwhile (a later 11.1) stays pending, with its time.
  if (pendingFirmwareVersion !== undefined && pendingFirmwareVersion !== firmwareVersion) {
    activated.pendingFirmwareVersion = pendingFirmwareVersion;
    if (pendingFirmwareAt !== undefined) activated.pendingFirmwareAt = pendingFirmwareAt;
  }
  const status = device.deviceModel === undefined ? undefined : cpl.get(device.deviceModel)?.get(firmwareVersion);
  if (device.status === 'Suspended' && status !== undefined && status !== 'removed') activated.status = 'Commissioned';
  return activated;
}

/**
 * An operator's write naming a new firmware version for a device the inventory holds Suspended
 * (and the write leaves so): restored to Commissioned where the CPL has that version in service
 * for its model, as an activation of it would be (contract v1.1: "or an operator's device update
 * naming it, restores the device to Commissioned"). A model the CPL does not list, or a write
 * that sets a status of its own, is written as it is.
 */
export function withNamedFirmwareRestored(written: Device, stored: Device | undefined, cpl: CplIndex): Device {
  const { deviceModel, firmwareVersion } = written;
  if (stored?.status !== 'Suspended' || written.status !== 'Suspended' || deviceModel === undefined || firmwareVersion === undefined || firmwareVersion === stored.firmwareVersion) return written;
  const status = cpl.get(deviceModel)?.get(firmwareVersion);
  return status !== undefined && status !== 'removed' ? { ...written, status: 'Commissioned' } : written;
}

export * from './registers.ts';
export * from './eligibility.ts';
