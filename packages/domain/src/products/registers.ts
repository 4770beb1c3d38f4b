import { z } from 'zod';
import { objectError, parseWith, type Parsed } from '../input/index.ts';
import { DEVICE_TYPES, SMETS1_COHORTS, type DeviceType, type Smets1Cohort } from '../types/index.ts';

// The SMETS1 Eligible and Pending Product Combinations and the firmware upgrades that exist
// (contract v1.1, "Product registers, enrolment eligibility and CPL suspension").

const TEXT = (what: string) => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });

const productDeviceSchema = z.strictObject({
  deviceType: z.enum(DEVICE_TYPES, { error: `must be one of ${DEVICE_TYPES.join(', ')}` }),
  deviceModel: TEXT('a device model'),
  firmwareVersion: TEXT('a firmware version'),
  // As a GET answers it, so that an entry read can be written back with a device more: the router keeps its own.
  addedAt: z.string().optional().meta({ description: 'Ignored: the router stamps it' }),
  replacedVersions: z.array(z.unknown()).optional().meta({ description: 'Ignored: the router keeps it' }),
}, objectError('must be an object { "deviceType", "deviceModel", "firmwareVersion" }', 'is not a field of a product'));

/** `PUT /v1/admin/product-combinations/{entryId}`. */
export const productCombinationInputSchema = z.strictObject({
  list: z.enum(['EPC', 'PPC'], { error: 'is required: EPC or PPC' }),
  commsProvider: z.enum(SMETS1_COHORTS, { error: `is required: the S1SP cohort, one of ${SMETS1_COHORTS.join(', ')}` }),
  devices: z.array(productDeviceSchema, { error: 'must be a non-empty array of { deviceType, deviceModel, firmwareVersion }' })
    .min(1, { error: 'must be a non-empty array of { deviceType, deviceModel, firmwareVersion }' })
    .max(16, { error: 'holds at most 16 devices' }),
}, objectError('must be a JSON object', 'is not a field of a product combination')).meta({
  id: 'ProductCombinationInput',
  example: { list: 'EPC', commsProvider: 'aclara', devices: [{ deviceType: 'ESME', deviceModel: 'A-E1', firmwareVersion: '2.0' }, { deviceType: 'GSME', deviceModel: 'A-G1', firmwareVersion: '1.4' }] },
});

export type ProductCombinationInput = z.infer<typeof productCombinationInputSchema>;
export interface ProductDevice {
  deviceType: DeviceType;
  deviceModel: string;
  firmwareVersion: string;
  /** When an amendment added it to the entry (absent: there from the entry's start): eligibility through it starts then. */
  addedAt?: string;
  /**
   * The versions this slot held before amendments moved it to this one, oldest first, each with
   * the date it held from (absent: the entry's start): a device that could reach one of them has
   * fitted the slot since then, while one that reaches only this version fits it from `addedAt`.
   */
  replacedVersions?: { firmwareVersion: string; addedAt?: string }[];
}

/** How many replaced versions a slot remembers: the oldest beyond them go. */
const REPLACED_VERSIONS_MAX = 16;

export interface ProductCombination {
  entryId: string;
  list: 'EPC' | 'PPC';
  commsProvider: Smets1Cohort;
  devices: ProductDevice[];
  /** When the entry first appeared, on either list; never changed. */
  dateFirstAdded: string;
  /** When it reached the EPC (from the PPC, or added there directly). */
  dateAddedToEpc?: string;
  updatedAt: string;
}

export function parseProductCombinationInput(input: unknown): Parsed<ProductCombinationInput> {
  return parseWith(productCombinationInputSchema, input, { style: 'path', root: 'body' });
}

/**
 * An entry after an operator's PUT. `dateFirstAdded` is stamped once; reaching the EPC stamps
 * `dateAddedToEpc` once. An EPC entry does not go back to the PPC: eligibility already granted
 * (and the enrolment deadlines running from it) would silently vanish. A device an amendment adds
 * is stamped `addedAt`, so the combinations it newly covers are not dated from the entry's start
 * (see devicesAmended); a cohort changed makes every device new to the entry.
 */
export function applyCombinationUpdate(current: ProductCombination | undefined, entryId: string, input: ProductCombinationInput, at: Date): { ok: true; entry: ProductCombination } | { ok: false; message: string } {
  if (current?.list === 'EPC' && input.list === 'PPC') return { ok: false, message: `entry ${entryId} is on the EPC: it cannot move back to the PPC` };
  const now = at.toISOString();
  const dateAddedToEpc = input.list === 'EPC' ? (current?.dateAddedToEpc ?? now) : undefined;
  return {
    ok: true,
    entry: {
      entryId, ...input,
      // Another cohort: none of its devices was on the entry for that cohort before.
      devices: devicesAmended(current && (current.commsProvider === input.commsProvider ? current.devices : []), input.devices, now),
      dateFirstAdded: current?.dateFirstAdded ?? now,
      ...(dateAddedToEpc ? { dateAddedToEpc } : {}),
      updatedAt: now,
    },
  };
}

const productKey = (device: Omit<ProductDevice, 'addedAt'>) => JSON.stringify([device.deviceType, device.deviceModel, device.firmwareVersion]);

const modelKey = (device: Omit<ProductDevice, 'addedAt'>) => JSON.stringify([device.deviceType, device.deviceModel]);

/**
 * The entry's devices as written (`had`: as it had them; undefined for a new entry), each with the
 * date it joined. One like a device the entry had (one for one: a second like device is new)
 * keeps that one's date; then one of a model the entry had on another version (a version bumped)
 * is added now and remembers the version it replaced with that one's date, so installations on
 * the old version, eligible after upgrade now, keep their date while those on the new version
 * count from now; any other is added now. What an operator sends as `addedAt` or
 * `replacedVersions` is not taken.
 */
function devicesAmended(had: readonly ProductDevice[] | undefined, written: readonly ProductCombinationInput['devices'][number][], now: string): ProductDevice[] {
  const devices: ProductDevice[] = written.map(({ deviceType, deviceModel, firmwareVersion }) => ({ deviceType, deviceModel, firmwareVersion }));
  if (had === undefined) return devices;
  // Each unmatched device it had, by key: its date, '' for one there from the start, the earliest
  // first, so that an amendment dropping one of two like devices keeps the older date.
  const left = new Map<string, ProductDevice[]>();
  for (const device of [...had].sort((a, b) => (a.addedAt ?? '').localeCompare(b.addedAt ?? ''))) left.set(productKey(device), [...left.get(productKey(device)) ?? [], device]);
  const dates = devices.map((device) => left.get(productKey(device))?.shift());
  const byModel = new Map<string, ProductDevice[]>();
  for (const device of [...left.values()].flat().sort((a, b) => (a.addedAt ?? '').localeCompare(b.addedAt ?? ''))) byModel.set(modelKey(device), [...byModel.get(modelKey(device)) ?? [], device]);
  return devices.map((device, i) => {
    const same = dates[i];
    if (same) return { ...device, ...(same.addedAt !== undefined && { addedAt: same.addedAt }), ...(same.replacedVersions && { replacedVersions: same.replacedVersions }) };
    const bumped = byModel.get(modelKey(device))?.shift();
    if (bumped === undefined) return { ...device, addedAt: now };
    const replaced = { firmwareVersion: bumped.firmwareVersion, ...(bumped.addedAt !== undefined && { addedAt: bumped.addedAt }) };
    return { ...device, addedAt: now, replacedVersions: [...(bumped.replacedVersions ?? []), replaced].slice(-REPLACED_VERSIONS_MAX) };
  });
}

/** `PUT /v1/admin/firmware-upgrades/{deviceModel}`. */
export const firmwareUpgradesInputSchema = z.strictObject({
  paths: z.array(z.strictObject({ from: TEXT('a firmware version'), to: TEXT('a firmware version') }, objectError('must be an object { "from", "to" }', 'is not a field of an upgrade path'))
    .refine((path) => path.from !== path.to, { error: 'must upgrade to another version' }), { error: 'must be an array of { from, to }' })
    .max(1000, { error: 'holds at most 1000 paths' }),
}, objectError('must be a JSON object', 'is not a field of the firmware upgrades')).meta({
  id: 'FirmwareUpgradesInput', example: { paths: [{ from: '1.0', to: '1.1' }, { from: '1.1', to: '2.0' }] },
});

export type FirmwareUpgradesInput = z.infer<typeof firmwareUpgradesInputSchema>;

export interface UpgradePath { from: string; to: string; /** When this path first existed (eligibility through it starts then). */ addedAt: string }
export interface FirmwareUpgrades { deviceModel: string; paths: UpgradePath[]; updatedAt: string }

export function parseFirmwareUpgradesInput(input: unknown): Parsed<FirmwareUpgradesInput> {
  return parseWith(firmwareUpgradesInputSchema, input, { style: 'path', root: 'body' });
}

/** The model's upgrades after a PUT (they replace the old ones); a path that existed keeps its date. */
export function applyUpgradesUpdate(current: FirmwareUpgrades | undefined, deviceModel: string, input: FirmwareUpgradesInput, at: Date): FirmwareUpgrades {
  const known = new Map(current?.paths.map((path) => [`${path.from}\u0000${path.to}`, path.addedAt]));
  const seen = new Set<string>();
  const paths: UpgradePath[] = [];
  for (const { from, to } of input.paths) {
    const key = `${from}\u0000${to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    paths.push({ from, to, addedAt: known.get(key) ?? at.toISOString() });
  }
  return { deviceModel, paths, updatedAt: at.toISOString() };
}
