import { parseEui } from '../identifiers/index.ts';
import { isPlainObject } from '../json/index.ts';
import {
  CSP_REGIONS, DEVICE_TYPES, GENERATIONS, RESPONSIBLE_PARTIES, ROLES, SMETS1_COHORTS, SMI_STATUSES, USER_STATUSES,
  type Device, type Role, type User,
} from '../types/index.ts';

/** A refused field of an operator's input, named so the operator can fix it. */
export interface FieldError {
  field: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: FieldError };

const fieldError = (field: string, message: string): Parsed<never> => ({ ok: false, error: { field, message } });


function oneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

const ALLOWED = (values: readonly string[]) => `one of ${values.join(', ')}`;

/**
 * Checks an operator's device record (PUT /v1/admin/devices/{id} or one import line).
 * The public key itself is checked by the caller, which owns the crypto.
 */
export function parseDeviceInput(deviceIdText: unknown, input: unknown): Parsed<Device> {
  const deviceId = parseEui(deviceIdText);
  if (!deviceId) return fieldError('deviceId', 'must be an EUI-64 (8 hex octets joined by "-")');
  if (!isPlainObject(input)) return fieldError('body', 'must be a JSON object');
  const { deviceType, status, generation, cspRegion, smets1Cohort, deviceModel, firmwareVersion } = input;
  if (!oneOf(deviceType, DEVICE_TYPES)) return fieldError('deviceType', `is required, ${ALLOWED(DEVICE_TYPES)}`);
  if (!oneOf(status, SMI_STATUSES)) return fieldError('status', `is required, ${ALLOWED(SMI_STATUSES)}`);
  if (!oneOf(generation, GENERATIONS)) return fieldError('generation', `is required, ${ALLOWED(GENERATIONS)}`);
  const device: Device = { deviceId, deviceType, status, generation };
  if (generation === 'SMETS2+') {
    if (!oneOf(cspRegion, CSP_REGIONS)) return fieldError('cspRegion', `is required for SMETS2+, ${ALLOWED(CSP_REGIONS)}`);
    if (smets1Cohort !== undefined) return fieldError('smets1Cohort', 'applies to SMETS1 devices only');
    device.cspRegion = cspRegion;
  } else {
    if (!oneOf(smets1Cohort, SMETS1_COHORTS)) return fieldError('smets1Cohort', `is required for SMETS1, ${ALLOWED(SMETS1_COHORTS)}`);
    if (cspRegion !== undefined) return fieldError('cspRegion', 'applies to SMETS2+ devices only');
    device.smets1Cohort = smets1Cohort;
  }
  for (const [field, value] of [['deviceModel', deviceModel], ['firmwareVersion', firmwareVersion]] as const) {
    if (value === undefined) continue;
    if (typeof value !== 'string') return fieldError(field, 'must be a string');
    device[field] = value;
  }
  for (const party of RESPONSIBLE_PARTIES) {
    if (input[party] === undefined) continue;
    const userId = parseEui(input[party]);
    if (!userId) return fieldError(party, 'must be a User ID (EUI-64)');
    device[party] = userId;
  }
  return { ok: true, value: device };
}

/** Checks an operator's User record, all but the key's cryptography. */
export function parseUserInput(userIdText: unknown, input: unknown): Parsed<User> {
  const userId = parseEui(userIdText);
  if (!userId) return fieldError('userId', 'must be an EUI-64 (8 hex octets joined by "-")');
  if (!isPlainObject(input)) return fieldError('body', 'must be a JSON object');
  const { roles, status, publicKeyPem, receiveEndpoint } = input;
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((role) => oneOf(role, ROLES))) {
    return fieldError('roles', `is required: a non-empty array, each ${ALLOWED(ROLES)}`);
  }
  if (new Set(roles).size !== roles.length) return fieldError('roles', 'must not repeat a role');
  if (!oneOf(status, USER_STATUSES)) return fieldError('status', `is required, ${ALLOWED(USER_STATUSES)}`);
  if (typeof publicKeyPem !== 'string' || !publicKeyPem.includes('-----BEGIN PUBLIC KEY-----')) {
    return fieldError('publicKeyPem', 'is required: the SPKI PEM of a P-256 public key');
  }
  const user: User = { userId, roles: roles as Role[], status, publicKeyPem };
  if (receiveEndpoint !== undefined) {
    if (typeof receiveEndpoint !== 'string' || !/^https?:\/\/[^\s]+$/.test(receiveEndpoint) || !URL.canParse(receiveEndpoint)) {
      return fieldError('receiveEndpoint', 'must be an http(s) URL');
    }
    user.receiveEndpoint = receiveEndpoint;
  }
  return { ok: true, value: user };
}
