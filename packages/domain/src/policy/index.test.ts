import { describe, it, expect } from 'vitest';
import { findSrv, SRV_DEFINITIONS } from '../catalogue/index.ts';
import { DEVICE_TYPES, SMI_STATUSES, type DeviceType, type SmiStatus } from '../types/index.ts';
import { compilePolicy, defaultPolicy, policyUpdateSchema, updatePolicy, type Policy } from './index.ts';

const INSTALLATION = ['8.1.1', '8.7.1', '8.7.2', '8.8.1', '8.8.2', '8.9', '8.11', '6.15.1', '6.15.2', '6.21', '6.23', '11.2'];
// The reference's 11.2 and 11.3, widened by the contract (v1.1, CPL suspension) to 11.1 and 11.4 as well.
const FIRMWARE = ['11.1', '11.2', '11.3', '11.4'];
const SMETS1_UNAVAILABLE = ['6.28', '6.29', '6.30', '6.31', '6.32', '8.12.1', '8.12.2', '7.12', '7.13', '7.14', '7.15', '7.16'];
const METERING: DeviceType[] = ['ESME', 'GSME', 'CHF', 'GPF', 'PPMID', 'HCALCS'];

/** What the reference README's status table admits, per status. */
const EXPECTED_STATUS: Record<SmiStatus, 'all' | string[]> = {
  Commissioned: 'all',
  Recovered: 'all',
  Pending: INSTALLATION,
  Whitelisted: INSTALLATION,
  InstalledNotCommissioned: INSTALLATION,
  Suspended: FIRMWARE,
  Decommissioned: [],
  Withdrawn: [],
  Recovery: [],
};

const withPolicy = (change: (policy: Policy) => Policy) => compilePolicy(change(defaultPolicy()));

describe('defaultPolicy', () => {
  it('ships the reference tables', () => {
    const policy = defaultPolicy();
    expect(Object.fromEntries(Object.entries(policy.statusAdmission).map(([k, v]) => [k, v === 'all' ? v : [...v]]))).toEqual(EXPECTED_STATUS);
    expect([...policy.smets1UnavailableSrvs].sort()).toEqual([...SMETS1_UNAVAILABLE].sort());
    expect([...policy.smets1UnavailableCommandVariants].sort()).toEqual([2, 3, 6, 7]);
    expect(Object.keys(policy.extraDeviceTypes).sort()).toEqual(['11.2', '11.3']);
    expect([...policy.extraDeviceTypes['11.2']].sort()).toEqual([...METERING].sort());
    expect([...policy.extraDeviceTypes['11.3']].sort()).toEqual([...METERING].sort());
  });

  it('has a row for every SMI status', () => {
    expect(Object.keys(defaultPolicy().statusAdmission).sort()).toEqual([...SMI_STATUSES].sort());
  });

  it('names only SRVs of the catalogue (a typo would silently admit or refuse nothing)', () => {
    const policy = defaultPolicy();
    const named = [
      ...Object.values(policy.statusAdmission).flatMap((v) => (v === 'all' ? [] : [...v])),
      ...policy.smets1UnavailableSrvs,
      ...Object.keys(policy.extraDeviceTypes),
    ];
    for (const srv of named) expect(findSrv(srv), srv).toBeDefined();
  });
});

describe('compilePolicy with the defaults', () => {
  const policy = compilePolicy();

  it('is the same as compiling defaultPolicy()', () => {
    const explicit = compilePolicy(defaultPolicy());
    for (const def of SRV_DEFINITIONS) {
      for (const status of SMI_STATUSES) expect(policy.statusAdmits(status, def.srv)).toBe(explicit.statusAdmits(status, def.srv));
      for (const type of DEVICE_TYPES) expect(policy.deviceTypeAdmits(def.srv, type)).toBe(explicit.deviceTypeAdmits(def.srv, type));
    }
  });

  it('keeps the policy it was compiled from', () => {
    const source = defaultPolicy();
    expect(compilePolicy(source).policy).toBe(source);
  });

  it.each(SMI_STATUSES.map((status) => [status]))('%s admits exactly the SRVs of the reference table', (status) => {
    const admitted = SRV_DEFINITIONS.filter((def) => policy.statusAdmits(status, def.srv)).map((def) => def.srv);
    const expected = EXPECTED_STATUS[status];
    if (expected === 'all') expect(admitted).toHaveLength(129);
    else expect([...admitted].sort()).toEqual([...expected].sort());
  });

  it('admits nothing for an unknown status or SRV', () => {
    expect(policy.statusAdmits('Installed' as SmiStatus, '11.2')).toBe(false);
    expect(policy.statusAdmits('Pending', '99.9')).toBe(false);
    expect(policy.deviceTypeAdmits('99.9', 'ESME')).toBe(false);
  });

  it.each(SRV_DEFINITIONS.map((def) => [def.srv, def] as const))('%s admits its example types (+ metering types for 11.2/11.3), never IHD or CAD', (srv, def) => {
    const expected = new Set<DeviceType>([...def.exampleTargetDeviceTypes, ...(srv === '11.2' || srv === '11.3' ? METERING : [])]);
    for (const type of DEVICE_TYPES) expect(policy.deviceTypeAdmits(srv, type), `${srv} ${type}`).toBe(expected.has(type));
    expect(policy.deviceTypeAdmits(srv, 'IHD')).toBe(false);
    expect(policy.deviceTypeAdmits(srv, 'CAD')).toBe(false);
  });

  it('admits every metering device type for 11.2 and 11.3', () => {
    for (const srv of ['11.2', '11.3']) {
      expect(DEVICE_TYPES.filter((type) => policy.deviceTypeAdmits(srv, type))).toEqual(METERING);
    }
  });

  it('admits no device type for non-device SRVs', () => {
    for (const def of SRV_DEFINITIONS.filter((d) => d.nonDevice)) {
      expect(DEVICE_TYPES.filter((type) => policy.deviceTypeAdmits(def.srv, type)), def.srv).toEqual([]);
    }
  });

  it('refuses the SMETS1-unavailable SRVs and command variants, and nothing else', () => {
    for (const def of SRV_DEFINITIONS) {
      for (const cv of [1, 2, 3, 4, 5, 6, 7, 8]) {
        const expected = !SMETS1_UNAVAILABLE.includes(def.srv) && ![2, 3, 6, 7].includes(cv);
        expect(policy.smets1Admits(def.srv, cv), `${def.srv} CV ${cv}`).toBe(expected);
      }
    }
  });
});

describe('compilePolicy with an operator policy', () => {
  it('extends device-type admission', () => {
    const policy = withPolicy((p) => ({ ...p, extraDeviceTypes: { ...p.extraDeviceTypes, '4.1.1': ['IHD', 'CHF'] } }));
    expect(policy.deviceTypeAdmits('4.1.1', 'IHD')).toBe(true);
    expect(policy.deviceTypeAdmits('4.1.1', 'CHF')).toBe(true);
    expect(policy.deviceTypeAdmits('4.1.1', 'ESME')).toBe(true);
    expect(policy.deviceTypeAdmits('4.1.1', 'CAD')).toBe(false);
    expect(compilePolicy().deviceTypeAdmits('4.1.1', 'IHD')).toBe(false);
  });

  it('can drop the 11.2/11.3 extension (the catalogue examples remain a floor)', () => {
    const policy = withPolicy((p) => ({ ...p, extraDeviceTypes: {} }));
    expect(policy.deviceTypeAdmits('11.2', 'CHF')).toBe(false);
    expect(policy.deviceTypeAdmits('11.2', 'PPMID')).toBe(true);
    expect(policy.deviceTypeAdmits('11.3', 'GSME')).toBe(false);
    expect(policy.deviceTypeAdmits('11.3', 'ESME')).toBe(true);
  });

  it('changes a status row', () => {
    const policy = withPolicy((p) => ({
      ...p,
      statusAdmission: { ...p.statusAdmission, Suspended: 'all', Decommissioned: ['11.2'], Commissioned: ['4.1.1'] },
    }));
    expect(policy.statusAdmits('Suspended', '4.1.1')).toBe(true);
    expect(policy.statusAdmits('Decommissioned', '11.2')).toBe(true);
    expect(policy.statusAdmits('Decommissioned', '11.3')).toBe(false);
    expect(policy.statusAdmits('Commissioned', '4.1.1')).toBe(true);
    expect(policy.statusAdmits('Commissioned', '4.1.2')).toBe(false);
    expect(policy.statusAdmits('Recovered', '4.1.2')).toBe(true);
    const defaults = compilePolicy();
    expect(defaults.statusAdmits('Suspended', '4.1.1')).toBe(false);
    expect(defaults.statusAdmits('Decommissioned', '11.2')).toBe(false);
  });

  it('changes SMETS1 availability', () => {
    const none = withPolicy((p) => ({ ...p, smets1UnavailableSrvs: [], smets1UnavailableCommandVariants: [] }));
    expect(none.smets1Admits('6.30', 1)).toBe(true);
    expect(none.smets1Admits('4.1.1', 2)).toBe(true);
    const more = withPolicy((p) => ({ ...p, smets1UnavailableSrvs: ['4.1.1'], smets1UnavailableCommandVariants: [5] }));
    expect(more.smets1Admits('4.1.1', 1)).toBe(false);
    expect(more.smets1Admits('6.30', 1)).toBe(true);
    expect(more.smets1Admits('1.1.1', 5)).toBe(false);
    expect(more.smets1Admits('1.1.1', 6)).toBe(true);
  });

  it('is a snapshot: changing the source object afterwards does not change the answers', () => {
    const source: Policy = { ...defaultPolicy(), smets1UnavailableSrvs: ['6.30'] };
    const policy = compilePolicy(source);
    source.smets1UnavailableSrvs = [];
    expect(policy.smets1Admits('6.30', 1)).toBe(false);
  });
});

describe('run-time policy: SMETS1 cohorts and partial updates', () => {
  it('serves every cohort by default, and none switched off', () => {
    const policy = compilePolicy();
    expect(['aclara', 'secure', 'edmi', undefined].map((cohort) => policy.smets1CohortLive(cohort))).toEqual([true, true, true, true]);
    const off = compilePolicy(updatePolicy(defaultPolicy(), { smets1Cohorts: { secure: false } }));
    expect(off.smets1CohortLive('secure')).toBe(false);
    expect(off.smets1CohortLive('itron')).toBe(true);
  });

  it('lays a partial update over the tables, leaving the rest', () => {
    const next = updatePolicy(defaultPolicy(), { statusAdmission: { Pending: ['8.1.1'] }, smets1UnavailableCommandVariants: [2] });
    expect(next.statusAdmission.Pending).toEqual(['8.1.1']);
    expect(next.statusAdmission.Suspended).toEqual(defaultPolicy().statusAdmission.Suspended);
    expect(next.smets1UnavailableCommandVariants).toEqual([2]);
    expect(next.smets1UnavailableSrvs).toEqual(defaultPolicy().smets1UnavailableSrvs);
  });

  it('extends the device types of one SRV without dropping the others\' (the firmware SRVs\' defaults), and [] removes an SRV\'s', () => {
    const extended = updatePolicy(defaultPolicy(), { extraDeviceTypes: { '4.1.1': ['HCALCS'] } });
    expect(extended.extraDeviceTypes['4.1.1']).toEqual(['HCALCS']);
    expect(compilePolicy(extended).deviceTypeAdmits('11.2', 'GPF')).toBe(true);
    const removed = updatePolicy(extended, { extraDeviceTypes: { '4.1.1': [] } });
    expect(compilePolicy(removed).deviceTypeAdmits('4.1.1', 'HCALCS')).toBe(false);
    expect(compilePolicy(removed).deviceTypeAdmits('11.2', 'GPF')).toBe(true);
  });

  it('refuses a table it does not know, or a cohort it does not know', () => {
    expect(policyUpdateSchema.safeParse({ smets1Cohorts: { nowhere: false } }).success).toBe(false);
    expect(policyUpdateSchema.safeParse({ colour: 'blue' }).success).toBe(false);
    expect(policyUpdateSchema.safeParse({ smets1Cohorts: { edmi: false } }).success).toBe(true);
  });

  it('refuses an SRV that is not one of the catalogue\'s, wherever a table names one (it would switch nothing)', () => {
    const refused = (update: unknown) => policyUpdateSchema.safeParse(update).error?.issues[0]?.message;
    expect(refused({ smets1UnavailableSrvs: ['6.28', 'bogus'] })).toBe('"bogus" is not one of the 129 Service Reference Variants');
    expect(refused({ statusAdmission: { Suspended: ['11.3', '99.99'] } })).toBe('"99.99" is not one of the 129 Service Reference Variants');
    expect(refused({ extraDeviceTypes: { nope: ['ESME'] } })).toBe('must map Service Reference Variants of the catalogue to device types');
    expect(policyUpdateSchema.safeParse({ smets1UnavailableSrvs: ['6.28'], extraDeviceTypes: { '4.1.1': ['HCALCS'] } }).success).toBe(true);
  });
});

