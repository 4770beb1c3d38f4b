import { z } from 'zod';
import { ACCESS_CONTROL_BROKER, EUI64, parseEui } from '../identifiers/index.ts';
import { misspeltProperty, parseWith, type FieldError, type Parsed } from '../input/index.ts';
import {
  CSP_REGIONS, DEVICE_TYPES, GENERATIONS, RECEIVE_FORMATS, RESPONSIBLE_PARTIES, ROLES, SMETS1_COHORTS, SMI_STATUSES, ENROLLING_SUPPLIERS, USER_STATUSES,
  type Device, type ResponsibleParty, type User,
} from '../types/index.ts';

const ALLOWED = (values: readonly string[]) => `one of ${values.join(', ')}`;

/** An EUI-64 as operators send it (any case); the router keeps it upper-case. */
export const euiSchema = (message: string) => z.string({ error: message }).regex(EUI64, { error: message })
  .transform((text) => text.toUpperCase())
  .meta({ description: 'EUI-64: 8 hex octets joined by "-", case-insensitive on input, answered upper-case', example: '90-B3-D5-1F-30-01-00-00' });

const ROLES_MESSAGE = `is required: a non-empty array, each ${ALLOWED(ROLES)}`;
const PUBLIC_KEY_MESSAGE = 'is required: the SPKI PEM of a P-256 public key';
const ENDPOINT_MESSAGE = 'must be an http(s) URL';
const CERTIFICATE_MESSAGE = 'must be a PEM X.509 certificate (-----BEGIN CERTIFICATE-----) of a P-256 key';

/** What a publicKeyPem that is not a public key's PEM holds instead, said plainly. */
function publicKeyProblem(text: string): string {
  const labels = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((match) => match[1]);
  if (labels.length === 0) return 'must be the SPKI PEM of a P-256 public key (-----BEGIN PUBLIC KEY-----), got no PEM';
  const privateKey = labels.some((label) => /PRIVATE KEY/.test(label)) ? ': a private key stays with its User; send the public key it holds' : '';
  if (labels.length > 1) return `must be the SPKI PEM of a P-256 public key alone, got ${labels.length} PEM blocks (${labels.join(', ')})${privateKey}`;
  return `must be the SPKI PEM of a P-256 public key (-----BEGIN PUBLIC KEY-----), got a ${labels[0]}${privateKey}`;
}

/** One PEM block, a public key's: the key kept, and shown to operators, is only that. */
const onePublicKeyPem = (pem: string) => pem.match(/-----BEGIN [A-Z0-9 ]+-----/g)?.length === 1 && pem.includes('-----BEGIN PUBLIC KEY-----');

/** `PUT /v1/admin/users/{userId}`'s body. The key's cryptography is checked by the router, which owns it. */
export const userInputSchema = z.object({
  roles: z.array(z.enum(ROLES, { error: ROLES_MESSAGE }), { error: ROLES_MESSAGE })
    .min(1, { error: ROLES_MESSAGE })
    .refine((roles) => new Set(roles).size === roles.length, { error: 'must not repeat a role' })
    .meta({ description: "The User's DCC roles" }),
  status: z.enum(USER_STATUSES, { error: `is required, ${ALLOWED(USER_STATUSES)}` }),
  publicKeyPem: z.string({ error: PUBLIC_KEY_MESSAGE })
    .refine(onePublicKeyPem, { error: (issue) => publicKeyProblem(String(issue.input)) })
    .meta({ description: "SPKI PEM of the User's P-256 public key: it checks the User's signatures" }),
  receiveEndpoint: z.string({ error: ENDPOINT_MESSAGE })
    .refine((url) => /^https?:\/\/[^\s]+$/.test(url) && URL.canParse(url), { error: ENDPOINT_MESSAGE })
    .optional()
    .meta({ description: "Where the router POSTs the User's responses and alerts (signed webhooks)", example: 'https://supplier.example/duis/responses' }),
  certificatePem: z.string({ error: CERTIFICATE_MESSAGE })
    .refine((pem) => pem.includes('-----BEGIN CERTIFICATE-----'), { error: CERTIFICATE_MESSAGE })
    .optional()
    .meta({ description: "PEM X.509 certificate of the User's P-256 key: the XML signatures of its DUIS XML requests are checked against it (its issuer and serial number must be the ones their ds:X509IssuerSerial names)" }),
  receiveFormat: z.enum(RECEIVE_FORMATS, { error: `must be ${ALLOWED(RECEIVE_FORMATS)}` }).optional()
    .meta({ description: 'How responses and alerts are POSTed to receiveEndpoint: json (default) or signed DUIS XML (xml). Pull and status reads stay JSON' }),
}, { error: 'must be a JSON object' }).meta({ id: 'UserInput' });

const party = (name: ResponsibleParty) => euiSchema('must be a User ID (EUI-64)').optional()
  .meta({ description: `The device's registered ${name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)} (a User ID)` });

/**
 * `PUT /v1/admin/devices/{deviceId}`'s body and, with `deviceId`, a line of an import. The region
 * or cohort required by the generation is checked once the fields themselves are good.
 */
const PRODUCT_NAME_MAX = 256;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Whether a model or firmware version may be named (by a device, the CPL or an 11.1): why not, or
 * undefined. The CPL refuses control characters in both, so a device holding one could never be
 * listed; and a few hundred characters at most, as product names are.
 */
export function productNameProblem(text: string): string | undefined {
  if (text === '') return 'must not be empty';
  if (text.length > PRODUCT_NAME_MAX) return `must be at most ${PRODUCT_NAME_MAX} characters`;
  if (CONTROL_CHARACTER.test(text)) return 'must not hold control characters';
  return undefined;
}

/** A model or firmware version in a device record: productNameProblem's rule. */
const productName = z.string({ error: 'must be a string' }).superRefine((text, ctx) => {
  const problem = productNameProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const deviceInputSchema = z.object({
  deviceType: z.enum(DEVICE_TYPES, { error: `is required, ${ALLOWED(DEVICE_TYPES)}` }),
  status: z.enum(SMI_STATUSES, { error: `is required, ${ALLOWED(SMI_STATUSES)}` }).meta({ description: 'SMI status' }),
  generation: z.enum(GENERATIONS, { error: `is required, ${ALLOWED(GENERATIONS)}` }),
  cspRegion: z.enum(CSP_REGIONS, { error: `must be ${ALLOWED(CSP_REGIONS)} (SMETS2+ devices only)` }).optional()
    .meta({ description: 'Required for SMETS2+, absent for SMETS1: the CSP region its requests go to' }),
  smets1Cohort: z.enum(SMETS1_COHORTS, { error: `must be ${ALLOWED(SMETS1_COHORTS)} (SMETS1 devices only)` }).optional()
    .meta({ description: 'Required for SMETS1, absent for SMETS2+: the S1SP cohort its requests go to through the DCO' }),
  deviceModel: productName.optional(),
  firmwareVersion: productName.optional(),
  installationId: z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string' }).max(128, { error: 'must be at most 128 characters' }).optional()
    .meta({ description: 'SMETS1 only: the SMETS1 Installation the device belongs to (SEC H5.8 eligibility and enrolment are per installation)' }),
  acquiredAt: z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time' }).optional()
    .meta({ description: 'When the current supplier acquired the device (set at a change of supplier): the enrolment deadline runs from it' }),
  importSupplier: party('importSupplier'),
  exportSupplier: party('exportSupplier'),
  gasSupplier: party('gasSupplier'),
  electricityDistributor: party('electricityDistributor'),
  gasTransporter: party('gasTransporter'),
}, { error: 'must be a JSON object' }).superRefine((device, ctx) => {
  if (device.generation === 'SMETS2+') {
    if (device.cspRegion === undefined) ctx.addIssue({ code: 'custom', path: ['cspRegion'], message: `is required for SMETS2+, ${ALLOWED(CSP_REGIONS)}` });
    else if (device.smets1Cohort !== undefined) ctx.addIssue({ code: 'custom', path: ['smets1Cohort'], message: 'applies to SMETS1 devices only' });
  } else if (device.smets1Cohort === undefined) {
    ctx.addIssue({ code: 'custom', path: ['smets1Cohort'], message: `is required for SMETS1, ${ALLOWED(SMETS1_COHORTS)}` });
  } else if (device.cspRegion !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['cspRegion'], message: 'applies to SMETS2+ devices only' });
  }
  if (device.generation === 'SMETS2+' && device.installationId !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['installationId'], message: 'applies to SMETS1 devices only' });
  }
}).meta({ id: 'DeviceInput' });

const NAMING = { style: 'top', root: 'body' } as const;
/** What an operator is told of a User or device ID that is not an EUI-64. */
export const ID_MESSAGE = 'must be an EUI-64 (8 hex octets joined by "-")';
/** Non-device requests target the Access Control Broker's EUI-64: a User or device of that ID would be mistaken for it. */
const brokerRefusal = (field: string, record: string): FieldError => ({
  field, message: `is the Access Control Broker's EUI-64 (${ACCESS_CONTROL_BROKER}), which non-device requests target: no ${record} may have it`,
});

// What a device record or import line and a User record may name (an import line names its device too).
const DEVICE_PROPERTIES = ['deviceId', ...Object.keys(deviceInputSchema.shape)];
const USER_PROPERTIES = Object.keys(userInputSchema.shape);

function misspeltError({ property, meant }: { property: string; meant: string }, record: string): FieldError {
  return { field: property, message: `is not a field of a ${record}: did you mean "${meant}"? (fields the router does not know are ignored, but not one this close to one it does)` };
}

/** Checks an operator's device record (PUT /v1/admin/devices/{id} or one import line). */
export function parseDeviceInput(deviceIdText: unknown, input: unknown): Parsed<Device> {
  // First: a misspelt required field (an import line's `deviceid` too) would otherwise be refused as missing, without the hint.
  const misspelt = misspeltProperty(input, DEVICE_PROPERTIES);
  if (misspelt) return { ok: false, error: misspeltError(misspelt, 'device') };
  if (deviceIdText === undefined) return { ok: false, error: { field: 'deviceId', message: 'is required' } };
  const deviceId = parseEui(deviceIdText);
  if (!deviceId) return { ok: false, error: { field: 'deviceId', message: ID_MESSAGE } };
  if (deviceId === ACCESS_CONTROL_BROKER) return { ok: false, error: brokerRefusal('deviceId', 'device') };
  const parsed = parseWith(deviceInputSchema, input, NAMING);
  if (!parsed.ok) return parsed;
  // Built field by field, so the stored record and the answer keep one order of keys.
  const { deviceType, status, generation, cspRegion, smets1Cohort, deviceModel, firmwareVersion, installationId, acquiredAt } = parsed.value;
  const device: Device = { deviceId, deviceType, status, generation };
  if (cspRegion !== undefined) device.cspRegion = cspRegion;
  if (smets1Cohort !== undefined) device.smets1Cohort = smets1Cohort;
  if (deviceModel !== undefined) device.deviceModel = deviceModel;
  if (firmwareVersion !== undefined) device.firmwareVersion = firmwareVersion;
  if (installationId !== undefined) device.installationId = installationId;
  if (acquiredAt !== undefined) device.acquiredAt = acquiredAt;
  for (const name of RESPONSIBLE_PARTIES) {
    if (parsed.value[name] !== undefined) device[name] = parsed.value[name];
  }
  return { ok: true, value: device };
}

/**
 * An operator's device record as written over the stored one, with what the router keeps of the
 * device that the record does not say: the firmware version its last 11.1 distributed (what its
 * 11.3 will activate), unless the record says the device runs it already; and its acquisition
 * (`acquiredAt`, contract v1.1: "set at a change of supplier"), `at` when an import or gas supplier
 * changes and the record gives none, the stored one while they stay.
 */
export function withKeptDeviceFields(written: Device, stored: Device | undefined, at: Date): Device {
  if (!stored) return written;
  let device = written;
  const pending = stored.pendingFirmwareVersion;
  if (pending !== undefined && written.firmwareVersion !== pending && written.pendingFirmwareVersion === undefined) {
    device = { ...device, pendingFirmwareVersion: pending };
    if (stored.pendingFirmwareAt !== undefined) device.pendingFirmwareAt = stored.pendingFirmwareAt;
  }
  // The router's own record of firmware named: not the operator's to write or to lose.
  if (stored.firmwareNamedAt !== undefined) device = { ...device, firmwareNamedAt: stored.firmwareNamedAt };
  if (written.acquiredAt === undefined) {
    const supplierChanged = ENROLLING_SUPPLIERS.some((party) => written[party] !== undefined && written[party] !== stored[party]);
    const acquiredAt = supplierChanged ? at.toISOString() : stored.acquiredAt;
    if (acquiredAt !== undefined) device = { ...device, acquiredAt };
  }
  return device;
}

/** Checks an operator's User record, all but the key's cryptography. */
export function parseUserInput(userIdText: unknown, input: unknown): Parsed<User> {
  const userId = parseEui(userIdText);
  if (!userId) return { ok: false, error: { field: 'userId', message: ID_MESSAGE } };
  if (userId === ACCESS_CONTROL_BROKER) return { ok: false, error: brokerRefusal('userId', 'User') };
  const misspelt = misspeltProperty(input, USER_PROPERTIES);
  if (misspelt) return { ok: false, error: misspeltError(misspelt, 'User') };
  const parsed = parseWith(userInputSchema, input, NAMING);
  if (!parsed.ok) return parsed;
  const { roles, status, publicKeyPem, receiveEndpoint, certificatePem, receiveFormat } = parsed.value;
  const user: User = { userId, roles, status, publicKeyPem };
  if (receiveEndpoint !== undefined) user.receiveEndpoint = receiveEndpoint;
  if (certificatePem !== undefined) user.certificatePem = certificatePem;
  if (receiveFormat !== undefined) user.receiveFormat = receiveFormat;
  return { ok: true, value: user };
}
