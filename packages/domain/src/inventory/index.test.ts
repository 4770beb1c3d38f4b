import { describe, it, expect } from 'vitest';
import { CSP_REGIONS, DEVICE_TYPES, RESPONSIBLE_PARTIES, ROLES, SMETS1_COHORTS, SMI_STATUSES, USER_STATUSES } from '../types/index.ts';
import type { Parsed } from '../input/index.ts';
import { parseDeviceInput, parseUserInput, withKeptDeviceFields } from './index.ts';
import type { Device } from '../types/index.ts';

const ESME_ID = '00-DB-12-34-56-78-90-A0';
const USER = '90-B3-D5-1F-30-01-00-00';
const NETWORK = '90-B3-D5-1F-30-02-00-00';
const PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n';

const smets2Input = (extra: Record<string, unknown> = {}) => ({ deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', ...extra });
const smets1Input = (extra: Record<string, unknown> = {}) => ({ deviceType: 'GSME', status: 'Pending', generation: 'SMETS1', smets1Cohort: 'aclara', ...extra });
const userInput = (extra: Record<string, unknown> = {}) => ({ roles: ['IS', 'GS'], status: 'active', publicKeyPem: PEM, ...extra });

function without(input: Record<string, unknown>, field: string): Record<string, unknown> {
  const copy = { ...input };
  delete copy[field];
  return copy;
}

function fieldOf(result: Parsed<unknown>): string {
  if (result.ok) throw new Error(`expected a field error, got ${JSON.stringify(result.value)}`);
  expect(result.error.message.length).toBeGreaterThan(5);
  return result.error.field;
}

function valueOf<T>(result: Parsed<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${result.error.field}: ${result.error.message}`);
  return result.value;
}

describe('parseDeviceInput: accepted records', () => {
  it('keeps a full SMETS2+ record, upper-casing the device ID and parties', () => {
    const input = smets2Input({
      deviceModel: 'Model X', firmwareVersion: '1.2.3',
      importSupplier: '90-b3-d5-1f-30-01-00-00', exportSupplier: '90-b3-d5-1f-30-03-00-00', gasSupplier: USER,
      electricityDistributor: '90-b3-d5-1f-30-02-00-00', gasTransporter: '00-db-12-34-56-78-00-04',
    });
    expect(valueOf(parseDeviceInput('00-db-12-34-56-78-90-a0', input))).toStrictEqual({
      deviceId: ESME_ID,
      deviceType: 'ESME',
      status: 'Commissioned',
      generation: 'SMETS2+',
      cspRegion: 'North',
      deviceModel: 'Model X',
      firmwareVersion: '1.2.3',
      importSupplier: USER,
      exportSupplier: '90-B3-D5-1F-30-03-00-00',
      gasSupplier: USER,
      electricityDistributor: NETWORK,
      gasTransporter: '00-DB-12-34-56-78-00-04',
    });
  });

  it('keeps a SMETS1 device\'s installation and acquisition time (SEC H5.8)', () => {
    expect(valueOf(parseDeviceInput(ESME_ID, smets1Input({ installationId: 'INST-1', acquiredAt: '2026-06-01T00:00:00Z' })))).toStrictEqual({
      deviceId: ESME_ID, deviceType: 'GSME', status: 'Pending', generation: 'SMETS1', smets1Cohort: 'aclara', installationId: 'INST-1', acquiredAt: '2026-06-01T00:00:00Z',
    });
  });

  it.each([
    ['installationId', ''], ['installationId', 7], ['installationId', 'x'.repeat(129)],
    ['acquiredAt', '2026-06-01'], ['acquiredAt', 'yesterday'], ['acquiredAt', 1764547200000],
    // As the Central Products List names them: none could be listed, or it could never be served.
    ['deviceModel', ''], ['deviceModel', 'M\u0001X'], ['deviceModel', 'x'.repeat(257)], ['firmwareVersion', ''], ['firmwareVersion', '1.0\n'], ['firmwareVersion', 1],
  ])('refuses %s = %j, naming it', (field, value) => {
    expect(fieldOf(parseDeviceInput(ESME_ID, smets1Input({ [field]: value })))).toBe(field);
  });

  it('ignores fields it does not know, as an inventory\'s own columns', () => {
    expect(valueOf(parseDeviceInput(ESME_ID, smets2Input({ mpxn: '1234567890', notes: 'loft', state: 'x', supplierName: 'Acme' })))).toStrictEqual({
      deviceId: ESME_ID, deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North',
    });
  });

  it.each([
    ['importSuplier', 'importSupplier'], ['ImportSupplier', 'importSupplier'], ['gas_supplier', 'gasSupplier'],
    ['firmwareVerison', 'firmwareVersion'], ['deviceModle', 'deviceModel'], ['deviceid', 'deviceId'], ['acquiredat', 'acquiredAt'],
  ])('refuses %s, a misspelling of %s that would drop what it meant to set', (misspelt, meant) => {
    const result = parseDeviceInput(ESME_ID, smets2Input({ [misspelt]: USER }));
    expect(fieldOf(result)).toBe(misspelt);
    expect((result as { error: { message: string } }).error.message).toContain(`did you mean "${meant}"`);
  });

  it('gives the hint for a misspelt required field rather than call it missing', () => {
    const { deviceType: _type, ...rest } = smets2Input();
    const result = parseDeviceInput(ESME_ID, { ...rest, deviceTyp: 'ESME' });
    expect(result).toMatchObject({ ok: false, error: { field: 'deviceTyp', message: expect.stringContaining('did you mean "deviceType"') } });
    // An import line's device ID, misspelt: the line names no deviceId, and the hint says why.
    const line = { deviceid: ESME_ID, ...smets2Input() };
    expect(parseDeviceInput(undefined, line)).toMatchObject({ ok: false, error: { field: 'deviceid', message: expect.stringContaining('did you mean "deviceId"') } });
  });

  it('refuses an installation on a SMETS2+ device: installations are SMETS1 Installations', () => {
    expect(parseDeviceInput(ESME_ID, smets2Input({ installationId: 'INST-1' }))).toStrictEqual({ ok: false, error: { field: 'installationId', message: 'applies to SMETS1 devices only' } });
  });

  it('keeps a minimal SMETS1 record with no optional field present', () => {
    expect(valueOf(parseDeviceInput(ESME_ID, smets1Input()))).toStrictEqual({
      deviceId: ESME_ID, deviceType: 'GSME', status: 'Pending', generation: 'SMETS1', smets1Cohort: 'aclara',
    });
  });

  it('keeps a minimal SMETS2+ record with no cohort key', () => {
    const device = valueOf(parseDeviceInput(ESME_ID, smets2Input()));
    expect(Object.keys(device).sort()).toEqual(['cspRegion', 'deviceId', 'deviceType', 'generation', 'status']);
  });

  it('ignores fields it does not know', () => {
    expect(valueOf(parseDeviceInput(ESME_ID, smets2Input({ colour: 'blue' })))).not.toHaveProperty('colour');
  });

  it.each(DEVICE_TYPES.map((t) => [t]))('accepts device type %s', (deviceType) => {
    expect(valueOf(parseDeviceInput(ESME_ID, smets2Input({ deviceType }))).deviceType).toBe(deviceType);
  });

  it.each(SMI_STATUSES.map((s) => [s]))('accepts status %s', (status) => {
    expect(valueOf(parseDeviceInput(ESME_ID, smets2Input({ status }))).status).toBe(status);
  });

  it.each(CSP_REGIONS.map((r) => [r]))('accepts CSP region %s', (cspRegion) => {
    expect(valueOf(parseDeviceInput(ESME_ID, smets2Input({ cspRegion }))).cspRegion).toBe(cspRegion);
  });

  it.each(SMETS1_COHORTS.map((c) => [c]))('accepts SMETS1 cohort %s', (smets1Cohort) => {
    expect(valueOf(parseDeviceInput(ESME_ID, smets1Input({ smets1Cohort }))).smets1Cohort).toBe(smets1Cohort);
  });
});

describe('parseDeviceInput: refused records name the field', () => {
  it.each([
    ['7 octets', '00-DB-12-34-56-78-90'],
    ['no separators', '00DB1234567890A0'],
    ['non-hex', '00-DB-12-34-56-78-90-AZ'],
    ['empty', ''],
    ['a number', 42],
    ['undefined', undefined],
  ])('deviceId that is %s', (_label, deviceId) => {
    expect(fieldOf(parseDeviceInput(deviceId, smets2Input()))).toBe('deviceId');
  });

  it.each([['null', null], ['an array', [smets2Input()]], ['a string', 'ESME'], ['a number', 1]])('a body that is %s', (_label, input) => {
    expect(fieldOf(parseDeviceInput(ESME_ID, input))).toBe('body');
  });

  it.each(['deviceType', 'status', 'generation', 'cspRegion'])('missing %s (SMETS2+)', (field) => {
    expect(fieldOf(parseDeviceInput(ESME_ID, without(smets2Input(), field)))).toBe(field);
  });

  it.each(['deviceType', 'status', 'generation', 'smets1Cohort'])('missing %s (SMETS1)', (field) => {
    expect(fieldOf(parseDeviceInput(ESME_ID, without(smets1Input(), field)))).toBe(field);
  });

  it.each([
    ['deviceType', 'esme'],
    ['deviceType', 'Meter'],
    ['deviceType', ''],
    ['deviceType', 1],
    ['status', 'commissioned'],
    ['status', 'Active'],
    ['status', null],
    ['generation', 'SMETS2'],
    ['generation', 'smets1'],
    ['generation', 'SMETS3'],
    ['cspRegion', 'north'],
    ['cspRegion', '4G-North'],
    ['cspRegion', 'Scotland'],
    ['deviceModel', 42],
    ['firmwareVersion', { major: 1 }],
  ])('%s = %j', (field, value) => {
    expect(fieldOf(parseDeviceInput(ESME_ID, smets2Input({ [field]: value })))).toBe(field);
  });

  it.each([['Aclara'], ['landis+gyr'], ['Landis-Gyr'], ['honeywell'], [''], [3]])('smets1Cohort = %j', (smets1Cohort) => {
    expect(fieldOf(parseDeviceInput(ESME_ID, smets1Input({ smets1Cohort })))).toBe('smets1Cohort');
  });

  it('lists the allowed values in the message', () => {
    const result = parseDeviceInput(ESME_ID, smets2Input({ deviceType: 'Meter' }));
    expect(result).toStrictEqual({
      ok: false,
      error: { field: 'deviceType', message: 'is required, one of ESME, GSME, CHF, GPF, PPMID, HCALCS, IHD, CAD' },
    });
    expect(parseDeviceInput(ESME_ID, without(smets2Input(), 'cspRegion'))).toStrictEqual({
      ok: false,
      error: { field: 'cspRegion', message: 'is required for SMETS2+, one of North, Central, South, 4G North, 4G Central, 4G South' },
    });
    expect(parseDeviceInput(ESME_ID, without(smets1Input(), 'smets1Cohort'))).toStrictEqual({
      ok: false,
      error: { field: 'smets1Cohort', message: 'is required for SMETS1, one of aclara, honeywell-elster, itron, landis-gyr, secure, edmi' },
    });
  });

  it('refuses the Access Control Broker\'s EUI-64, in any case: non-device requests target it', () => {
    for (const id of ['90-B3-D5-1F-30-00-00-02', '90-b3-d5-1f-30-00-00-02']) {
      const result = parseDeviceInput(id, smets2Input());
      expect(fieldOf(result)).toBe('deviceId');
      expect((result as { error: { message: string } }).error.message).toContain('Access Control Broker');
    }
    expect(valueOf(parseDeviceInput('90-B3-D5-1F-30-00-00-03', smets2Input())).deviceId).toBe('90-B3-D5-1F-30-00-00-03');
  });

  it('refuses a cohort on a SMETS2+ device', () => {
    expect(parseDeviceInput(ESME_ID, smets2Input({ smets1Cohort: 'aclara' }))).toStrictEqual({
      ok: false,
      error: { field: 'smets1Cohort', message: 'applies to SMETS1 devices only' },
    });
  });

  it('refuses a CSP region on a SMETS1 device', () => {
    expect(parseDeviceInput(ESME_ID, smets1Input({ cspRegion: 'North' }))).toStrictEqual({
      ok: false,
      error: { field: 'cspRegion', message: 'applies to SMETS2+ devices only' },
    });
  });

  it.each(RESPONSIBLE_PARTIES.map((party) => [party]))('refuses %s that is not an EUI-64', (party) => {
    for (const value of ['supplier-1', '90B3D51F30010000', '90:B3:D5:1F:30:01:00:00', '', 42, null]) {
      expect(fieldOf(parseDeviceInput(ESME_ID, smets2Input({ [party]: value }))), `${party}=${JSON.stringify(value)}`).toBe(party);
    }
  });

  it.each(RESPONSIBLE_PARTIES.map((party) => [party]))('upper-cases %s', (party) => {
    const device = valueOf(parseDeviceInput(ESME_ID, smets2Input({ [party]: '90-b3-d5-1f-30-0a-0b-0c' })));
    expect(device[party]).toBe('90-B3-D5-1F-30-0A-0B-0C');
  });

  it('checks the fields in order: type, status, generation, then region', () => {
    expect(fieldOf(parseDeviceInput(ESME_ID, { generation: 'x' }))).toBe('deviceType');
    expect(fieldOf(parseDeviceInput(ESME_ID, { deviceType: 'ESME', generation: 'x' }))).toBe('status');
    expect(fieldOf(parseDeviceInput(ESME_ID, { deviceType: 'ESME', status: 'Pending' }))).toBe('generation');
  });
});

describe('parseUserInput', () => {
  it('keeps a valid User, upper-casing the ID', () => {
    expect(valueOf(parseUserInput('90-b3-d5-1f-30-01-00-00', userInput({ receiveEndpoint: 'https://supplier.example/duis/responses' })))).toStrictEqual({
      userId: USER,
      roles: ['IS', 'GS'],
      status: 'active',
      publicKeyPem: PEM,
      receiveEndpoint: 'https://supplier.example/duis/responses',
    });
  });

  it('refuses recieveEndpoint, which would leave the User with no webhook and no word why', () => {
    const result = parseUserInput(USER, userInput({ recieveEndpoint: 'https://supplier.example/duis/responses' }));
    expect(fieldOf(result)).toBe('recieveEndpoint');
    expect((result as { error: { message: string } }).error.message).toContain('did you mean "receiveEndpoint"');
    expect(valueOf(parseUserInput(USER, userInput({ name: 'Acme Energy', contact: 'ops@acme.example' }))).userId).toBe(USER);
  });

  it('refuses the Access Control Broker\'s EUI-64 as a User ID', () => {
    const result = parseUserInput('90-b3-d5-1f-30-00-00-02', userInput());
    expect(fieldOf(result)).toBe('userId');
    expect((result as { error: { message: string } }).error.message).toContain('Access Control Broker');
  });

  it('leaves receiveEndpoint out when absent', () => {
    expect(valueOf(parseUserInput(USER, userInput()))).toStrictEqual({ userId: USER, roles: ['IS', 'GS'], status: 'active', publicKeyPem: PEM });
  });

  it('accepts every role, alone and all together', () => {
    for (const role of ROLES) expect(valueOf(parseUserInput(USER, userInput({ roles: [role] }))).roles).toEqual([role]);
    expect(valueOf(parseUserInput(USER, userInput({ roles: [...ROLES] }))).roles).toEqual([...ROLES]);
  });

  it.each(USER_STATUSES.map((s) => [s]))('accepts status %s', (status) => {
    expect(valueOf(parseUserInput(USER, userInput({ status }))).status).toBe(status);
  });

  it.each([
    ['http://localhost:9000/hook'],
    ['https://supplier.example/receive?x=1'],
    ['http://127.0.0.1:8081/'],
  ])('accepts receiveEndpoint %s', (receiveEndpoint) => {
    expect(valueOf(parseUserInput(USER, userInput({ receiveEndpoint }))).receiveEndpoint).toBe(receiveEndpoint);
  });

  it.each([['bad'], ['90B3D51F30010000'], [''], [7], [null]])('refuses userId %j', (userId) => {
    expect(fieldOf(parseUserInput(userId, userInput()))).toBe('userId');
  });

  it.each([['null', null], ['an array', []], ['a string', 'IS']])('refuses a body that is %s', (_label, input) => {
    expect(fieldOf(parseUserInput(USER, input))).toBe('body');
  });

  it.each(['roles', 'status', 'publicKeyPem'])('refuses a missing %s', (field) => {
    expect(fieldOf(parseUserInput(USER, without(userInput(), field)))).toBe(field);
  });

  it.each([
    ['roles', []],
    ['roles', 'IS'],
    ['roles', ['is']],
    ['roles', ['IS', 'XX']],
    ['roles', ['IS', 'IS']],
    ['roles', [1]],
    ['status', 'Active'],
    ['status', 'revoked'],
    ['status', true],
    ['publicKeyPem', ''],
    ['publicKeyPem', 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE'],
    ['publicKeyPem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'],
    ['publicKeyPem', 42],
    ['receiveEndpoint', 'ftp://supplier.example/'],
    ['receiveEndpoint', 'supplier.example/hook'],
    ['receiveEndpoint', 'http://'],
    ['receiveEndpoint', 'https://'],
    ['receiveEndpoint', 'http://supplier example/'],
    ['receiveEndpoint', 'javascript:alert(1)'],
    ['receiveEndpoint', ''],
    ['receiveEndpoint', 8080],
    ['receiveEndpoint', null],
  ])('refuses %s = %j, naming it', (field, value) => {
    expect(fieldOf(parseUserInput(USER, userInput({ [field]: value })))).toBe(field);
  });

  it('says what a publicKeyPem holds when it is not a public key', () => {
    const messageOf = (publicKeyPem: unknown) => (parseUserInput(USER, userInput({ publicKeyPem })) as { error: { message: string } }).error.message;
    expect(messageOf('-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n')).toBe('must be the SPKI PEM of a P-256 public key (-----BEGIN PUBLIC KEY-----), got a PRIVATE KEY: a private key stays with its User; send the public key it holds');
    expect(messageOf('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----')).toBe('must be the SPKI PEM of a P-256 public key (-----BEGIN PUBLIC KEY-----), got a CERTIFICATE');
    expect(messageOf('x')).toBe('must be the SPKI PEM of a P-256 public key (-----BEGIN PUBLIC KEY-----), got no PEM');
    // A public key beside it does not make a private key one to keep (and show operators).
    const publicKey = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n';
    expect(messageOf(`-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n${publicKey}`))
      .toBe('must be the SPKI PEM of a P-256 public key alone, got 2 PEM blocks (PRIVATE KEY, PUBLIC KEY): a private key stays with its User; send the public key it holds');
    expect(messageOf(publicKey + publicKey)).toBe('must be the SPKI PEM of a P-256 public key alone, got 2 PEM blocks (PUBLIC KEY, PUBLIC KEY)');
    expect(messageOf(undefined)).toBe('is required: the SPKI PEM of a P-256 public key');
  });

  it('explains the refusals', () => {
    expect(parseUserInput(USER, userInput({ roles: ['IS', 'IS'] }))).toStrictEqual({ ok: false, error: { field: 'roles', message: 'must not repeat a role' } });
    expect(parseUserInput(USER, userInput({ roles: ['XX'] }))).toStrictEqual({
      ok: false,
      error: { field: 'roles', message: 'is required: a non-empty array, each one of IS, ES, GS, RSA, ED, GT, OU' },
    });
    expect(parseUserInput(USER, userInput({ receiveEndpoint: 'ftp://x' }))).toStrictEqual({
      ok: false,
      error: { field: 'receiveEndpoint', message: 'must be an http(s) URL' },
    });
  });
});

describe('withKeptDeviceFields', () => {
  const written: Device = { deviceId: '00-DB-12-34-56-78-90-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', firmwareVersion: '1.0', importSupplier: '90-B3-D5-1F-30-00-00-01' };
  const at = new Date('2026-12-07T02:00:00Z');

  it('keeps the version the last 11.1 distributed over an operator\'s rewrite, unless the rewrite says the device runs it', () => {
    const stored = { ...written, pendingFirmwareVersion: '2.0', pendingFirmwareAt: '2026-12-06T00:00:00.000Z' };
    expect(withKeptDeviceFields({ ...written, exportSupplier: '90-B3-D5-1F-30-00-00-02' }, stored, at))
      .toEqual({ ...written, exportSupplier: '90-B3-D5-1F-30-00-00-02', pendingFirmwareVersion: '2.0', pendingFirmwareAt: '2026-12-06T00:00:00.000Z' });
    expect(withKeptDeviceFields({ ...written, firmwareVersion: '2.0' }, stored, at)).toEqual({ ...written, firmwareVersion: '2.0' });
    expect(withKeptDeviceFields(written, undefined, at)).toBe(written);
    expect(withKeptDeviceFields(written, { ...written }, at)).toBe(written);
    // The router's mark of the last 11.1 stays, whatever the operator writes.
    expect(withKeptDeviceFields({ ...written, firmwareVersion: '2.0' }, { ...stored, firmwareNamedAt: '2026-12-06T00:00:00.000Z' }, at))
      .toEqual({ ...written, firmwareVersion: '2.0', firmwareNamedAt: '2026-12-06T00:00:00.000Z' });
  });

  it('stamps an acquisition at a change of supplier the record gives none for, and keeps the stored one while the suppliers stay', () => {
    const stored = { ...written, acquiredAt: '2025-01-01T00:00:00.000Z' };
    expect(withKeptDeviceFields({ ...written, importSupplier: '90-B3-D5-1F-30-00-00-09' }, stored, at).acquiredAt).toBe(at.toISOString());
    expect(withKeptDeviceFields({ ...written, status: 'Suspended' }, stored, at).acquiredAt).toBe('2025-01-01T00:00:00.000Z');
    // An export supplier's change is no acquisition: it would move the import supplier's enrolment deadline.
    expect(withKeptDeviceFields({ ...written, exportSupplier: '90-B3-D5-1F-30-00-00-02' }, stored, at).acquiredAt).toBe('2025-01-01T00:00:00.000Z');
    expect(withKeptDeviceFields({ ...written, gasSupplier: '90-B3-D5-1F-30-00-00-03' }, stored, at).acquiredAt).toBe(at.toISOString());
    // The record's own acquisition wins.
    expect(withKeptDeviceFields({ ...written, importSupplier: '90-B3-D5-1F-30-00-00-09', acquiredAt: '2026-06-01T00:00:00.000Z' }, stored, at).acquiredAt).toBe('2026-06-01T00:00:00.000Z');
  });
});
