import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEVICE_TYPES, ROLES, type SrvDefinition } from '../types/index.ts';
import { findSrv, SIGNED_PRE_COMMAND, SRV_DEFINITIONS } from './index.ts';

const REFERENCE_PATH = fileURLToPath(new URL('../../../../../shared/reference/srv-catalogue.json', import.meta.url));
const referencePresent = existsSync(REFERENCE_PATH);
const FIELDS: (keyof SrvDefinition)[] = [
  'srv', 'serviceReference', 'name', 'bodyElement', 'critical', 'onDemand', 'futureDated',
  'dccScheduledEligible', 'nonDevice', 'eligibleRoles', 'commandVariants', 'exampleTargetDeviceTypes', 'gbcsUseCases',
];
const bySrv = SRV_DEFINITIONS.map((def) => [def.srv, def] as const);
const deviceSrvs = SRV_DEFINITIONS.filter((def) => !def.nonDevice);

describe('SRV_DEFINITIONS', () => {
  it('holds exactly the 129 SRVs of DUIS 5.4', () => {
    expect(SRV_DEFINITIONS).toHaveLength(129);
  });

  it('has unique SRV ids', () => {
    expect(new Set(SRV_DEFINITIONS.map((def) => def.srv)).size).toBe(129);
  });

  it('has unique body element names, none of them SignedPreCommand', () => {
    const elements = SRV_DEFINITIONS.map((def) => def.bodyElement);
    expect(new Set(elements).size).toBe(129);
    expect(elements).not.toContain(SIGNED_PRE_COMMAND);
    for (const element of elements) expect(element).toMatch(/^[A-Z][A-Za-z0-9]+$/);
  });

  it('names the signed second leg SignedPreCommand', () => {
    expect(SIGNED_PRE_COMMAND).toBe('SignedPreCommand');
  });

  it('counts 16 non-device SRVs and 113 device SRVs', () => {
    expect(SRV_DEFINITIONS.filter((def) => def.nonDevice).map((def) => def.srv)).toEqual([
      '5.1', '5.2', '5.3', '8.2', '8.3', '8.4', '8.6', '8.13', '8.14.1', '8.14.2', '8.14.3', '8.14.4', '11.1', '11.4', '12.1', '12.2',
    ]);
    expect(deviceSrvs).toHaveLength(113);
  });

  it.each(bySrv)('%s: serviceReference is the SRV or its prefix', (srv, def) => {
    expect(def.serviceReference).toMatch(/^\d+\.\d+$/);
    expect(srv).toMatch(/^\d+\.\d+(\.\d+)?$/);
    if (srv !== def.serviceReference) {
      expect(srv.startsWith(`${def.serviceReference}.`)).toBe(true);
      expect(srv.split('.')).toHaveLength(3);
    }
  });

  it.each(bySrv)('%s: command variants, roles and device types are well-formed', (_srv, def) => {
    expect(def.commandVariants.length).toBeGreaterThan(0);
    expect([...def.commandVariants].sort()).toEqual(def.commandVariants);
    for (const cv of def.commandVariants) expect([1, 2, 3, 4, 5, 6, 7, 8]).toContain(cv);
    for (const role of def.eligibleRoles) expect(ROLES).toContain(role);
    for (const type of def.exampleTargetDeviceTypes) expect(DEVICE_TYPES).toContain(type);
    expect([null, 'dsp', 'device', 'dsp+device']).toContain(def.futureDated);
    expect(def.name.length).toBeGreaterThan(0);
  });

  it.each(SRV_DEFINITIONS.filter((def) => def.critical).map((def) => [def.srv, def] as const))(
    'critical %s allows CV 4 (transform) and only critical variants (4 to 7)',
    (_srv, def) => {
      expect(def.commandVariants).toContain(4);
      expect(def.commandVariants).toContain(5);
      for (const cv of def.commandVariants) expect([4, 5, 6, 7]).toContain(cv);
      expect(def.nonDevice).toBe(false);
    },
  );

  it.each(deviceSrvs.filter((def) => !def.critical).map((def) => [def.srv, def] as const))(
    'non-critical device SRV %s allows CV 1 and no critical or non-device variant',
    (_srv, def) => {
      expect(def.commandVariants).toContain(1);
      for (const cv of def.commandVariants) expect([1, 2, 3]).toContain(cv);
    },
  );

  it.each(SRV_DEFINITIONS.filter((def) => def.nonDevice).map((def) => [def.srv, def] as const))(
    'non-device %s allows only CV 8, has no target device types and cannot be future-dated',
    (_srv, def) => {
      expect(def.commandVariants).toEqual([8]);
      expect(def.exampleTargetDeviceTypes).toEqual([]);
      expect(def.futureDated).toBeNull();
      expect(def.critical).toBe(false);
    },
  );

  it.each(deviceSrvs.map((def) => [def.srv, def] as const))('device SRV %s never allows CV 8 and targets at least one device type', (_srv, def) => {
    expect(def.commandVariants).not.toContain(8);
    expect(def.exampleTargetDeviceTypes.length).toBeGreaterThan(0);
    expect(def.exampleTargetDeviceTypes).not.toContain('IHD');
  });

  it('has 8.5 as the only device SRV that is not on demand', () => {
    expect(deviceSrvs.filter((def) => !def.onDemand).map((def) => def.srv)).toEqual(['8.5']);
  });

  it('has exactly 7.16, 8.5 and 8.6 with no eligible User role (as the reference states)', () => {
    expect(findSrv('7.16')?.eligibleRoles).toEqual([]);
    expect(SRV_DEFINITIONS.filter((def) => def.eligibleRoles.length === 0).map((def) => def.srv)).toEqual(['7.16', '8.5', '8.6']);
  });
});

describe('findSrv', () => {
  it('returns the definition of a known SRV', () => {
    expect(findSrv('4.1.1')).toStrictEqual({
      srv: '4.1.1',
      serviceReference: '4.1',
      name: 'Read Instantaneous Import Registers',
      bodyElement: 'ReadInstantaneousImportRegisters',
      critical: false,
      onDemand: true,
      futureDated: 'dsp',
      dccScheduledEligible: false,
      nonDevice: false,
      eligibleRoles: ['IS', 'GS', 'ED', 'GT'],
      commandVariants: [1, 2, 3],
      exampleTargetDeviceTypes: ['ESME', 'GPF', 'GSME'],
      gbcsUseCases: ['ECS17b', 'GCS13a'],
    });
  });

  it.each([
    ['1.1.1', { critical: true, commandVariants: [4, 5, 6, 7], futureDated: 'device', eligibleRoles: ['IS', 'GS'] }],
    ['8.1.1', { critical: true, commandVariants: [4, 5], futureDated: null, exampleTargetDeviceTypes: ['ESME', 'GSME'] }],
    ['8.2', { nonDevice: true, commandVariants: [8], bodyElement: 'ReadInventory' }],
    ['11.2', { eligibleRoles: ['IS', 'ES', 'GS', 'RSA', 'ED', 'GT', 'OU'], exampleTargetDeviceTypes: ['ESME', 'GSME', 'PPMID'] }],
    ['11.3', { critical: true, bodyElement: 'ActivateFirmware', exampleTargetDeviceTypes: ['ESME'] }],
    ['6.23', { futureDated: 'dsp+device' }],
    ['8.5', { onDemand: false, commandVariants: [1] }],
  ])('%s has the expected fields', (srv, fields) => {
    expect(findSrv(srv)).toMatchObject(fields);
  });

  it('returns the same object as the table', () => {
    for (const def of SRV_DEFINITIONS) expect(findSrv(def.srv)).toBe(def);
  });

  it.each(['', '4.1', '4.1.9', '99.1', ' 4.1.1', '4.1.1 ', 'SignedPreCommand', '__proto__', 'constructor', 'toString'])(
    'returns undefined for %j',
    (srv) => {
      expect(findSrv(srv)).toBeUndefined();
    },
  );
});

describe('generated catalogue against the reference', () => {
  it.skipIf(!referencePresent)(
    `matches shared/reference/srv-catalogue.json field by field${referencePresent ? '' : ' (skipped: ../shared/reference/srv-catalogue.json not found beside the repo)'}`,
    () => {
      const reference = JSON.parse(readFileSync(REFERENCE_PATH, 'utf8')) as Record<string, unknown>[];
      expect(reference).toHaveLength(SRV_DEFINITIONS.length);
      reference.forEach((entry, index) => {
        const def = SRV_DEFINITIONS[index];
        expect(def.srv, `entry ${index}`).toBe(entry.srv);
        for (const field of FIELDS) {
          expect(def[field], `${String(entry.srv)}.${field}`).toStrictEqual(entry[field]);
        }
        // no field of the reference is lost
        expect(Object.keys(entry).sort(), `${String(entry.srv)} fields`).toEqual([...FIELDS].sort());
      });
    },
  );
});
