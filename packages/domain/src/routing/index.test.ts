import { describe, it, expect } from 'vitest';
import { findSrv, SRV_DEFINITIONS } from '../catalogue/index.ts';
import { CSP_REGIONS, SMETS1_COHORTS, type CspRegion, type Device, type Smets1Cohort } from '../types/index.ts';
import { ALL_DESTINATIONS, DSP_DESTINATION, routeFor } from './index.ts';

const ESME_ID = '00-DB-12-34-56-78-90-A0';
const READ = findSrv('4.1.1')!;

const smets2 = (cspRegion: CspRegion): Device => ({ deviceId: ESME_ID, deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion });
const smets1 = (smets1Cohort: Smets1Cohort): Device => ({ deviceId: ESME_ID, deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort });

describe('routeFor', () => {
  it.each([
    ['North', 'smets2/north'],
    ['Central', 'smets2/central'],
    ['South', 'smets2/south'],
    ['4G North', 'smets2/4g-north'],
    ['4G Central', 'smets2/4g-central'],
    ['4G South', 'smets2/4g-south'],
  ] as const)('sends SMETS2+ in CSP region %s to %s', (region, destination) => {
    expect(routeFor(READ, smets2(region))).toStrictEqual({ generation: 'SMETS2+', destination });
  });

  it('covers every CSP region', () => {
    expect(CSP_REGIONS.map((region) => routeFor(READ, smets2(region)).destination)).toEqual([
      'smets2/north', 'smets2/central', 'smets2/south', 'smets2/4g-north', 'smets2/4g-central', 'smets2/4g-south',
    ]);
  });

  it.each(SMETS1_COHORTS.map((cohort) => [cohort]))('sends SMETS1 of cohort %s to smets1/%s', (cohort) => {
    expect(routeFor(READ, smets1(cohort))).toStrictEqual({ generation: 'SMETS1', destination: `smets1/${cohort}` });
  });

  it('covers the six cohorts of the contract', () => {
    expect(SMETS1_COHORTS.map((cohort) => routeFor(READ, smets1(cohort)).destination)).toEqual([
      'smets1/aclara', 'smets1/honeywell-elster', 'smets1/itron', 'smets1/landis-gyr', 'smets1/secure', 'smets1/edmi',
    ]);
  });

  it('routes by generation: a SMETS1 device goes to its cohort even if a region is recorded', () => {
    expect(routeFor(READ, { ...smets1('itron'), cspRegion: 'North' })).toStrictEqual({ generation: 'SMETS1', destination: 'smets1/itron' });
    expect(routeFor(READ, { ...smets2('South'), smets1Cohort: 'edmi' })).toStrictEqual({ generation: 'SMETS2+', destination: 'smets2/south' });
  });

  it.each(SRV_DEFINITIONS.filter((def) => def.nonDevice).map((def) => [def.srv, def] as const))('serves non-device %s itself (dsp)', (_srv, def) => {
    expect(routeFor(def, undefined)).toStrictEqual({ destination: 'dsp' });
    expect(routeFor(def, smets2('North'))).toStrictEqual({ destination: 'dsp' });
    expect(routeFor(def, smets1('aclara'))).toStrictEqual({ destination: 'dsp' });
  });

  it('answers dsp without a device', () => {
    expect(routeFor(READ, undefined)).toStrictEqual({ destination: DSP_DESTINATION });
    expect(DSP_DESTINATION).toBe('dsp');
  });

  it('routes every device SRV the same way for the same device', () => {
    for (const def of SRV_DEFINITIONS.filter((d) => !d.nonDevice)) {
      expect(routeFor(def, smets2('4G Central')).destination, def.srv).toBe('smets2/4g-central');
      expect(routeFor(def, smets1('landis-gyr')).destination, def.srv).toBe('smets1/landis-gyr');
    }
  });

  it('throws for an inventory record without its region or cohort', () => {
    const noRegion: Device = { deviceId: ESME_ID, deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+' };
    const noCohort: Device = { deviceId: ESME_ID, deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1' };
    expect(() => routeFor(READ, noRegion)).toThrow(`SMETS2+ device ${ESME_ID} has no CSP region`);
    expect(() => routeFor(READ, noCohort)).toThrow(`SMETS1 device ${ESME_ID} has no cohort`);
  });
});

describe('ALL_DESTINATIONS', () => {
  it('lists the 12 network destinations of the contract (dsp is the router itself)', () => {
    expect([...ALL_DESTINATIONS]).toEqual([
      'smets2/north', 'smets2/central', 'smets2/south', 'smets2/4g-north', 'smets2/4g-central', 'smets2/4g-south',
      'smets1/aclara', 'smets1/honeywell-elster', 'smets1/itron', 'smets1/landis-gyr', 'smets1/secure', 'smets1/edmi',
    ]);
    expect(ALL_DESTINATIONS).not.toContain(DSP_DESTINATION);
  });

  it('holds every destination routeFor can answer for a device', () => {
    for (const region of CSP_REGIONS) expect(ALL_DESTINATIONS).toContain(routeFor(READ, smets2(region)).destination);
    for (const cohort of SMETS1_COHORTS) expect(ALL_DESTINATIONS).toContain(routeFor(READ, smets1(cohort)).destination);
  });
});
