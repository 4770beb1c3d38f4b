import { describe, expect, it } from 'vitest';
import type { Device } from '../types/index.ts';
import { compilePolicy } from '../policy/index.ts';
import { applyCplUpdate, applySscDecision, indexCpl, parseCplEntryInput, servedStatusRefuses, withCplStatus, withFirmwareActivated, type CplEntry } from './index.ts';

const AT = new Date('2026-12-03T12:00:00Z');
const entry = (certificates: { cpa?: 'valid' | 'expired' | 'withdrawn'; other: 'valid' | 'expired' | 'withdrawn' }, current?: CplEntry) =>
  applyCplUpdate(current, 'M1', '1.0', { deviceType: 'ESME', certificates }, AT);
const meter = (firmwareVersion?: string, deviceModel = 'M1'): Device =>
  ({ deviceId: 'd', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', deviceModel, firmwareVersion });

describe('CPL entries', () => {
  it('lists an entry with valid certificates', () => {
    expect(entry({ cpa: 'valid', other: 'valid' })).toMatchObject({ deviceModel: 'M1', firmwareVersion: '1.0', status: 'listed', updatedAt: AT.toISOString() });
  });

  it('removes an entry at once when another certificate expires or is withdrawn', () => {
    expect(entry({ cpa: 'valid', other: 'expired' }).status).toBe('removed');
    expect(entry({ other: 'withdrawn' }).status).toBe('removed');
  });

  it('puts an entry under CPA review, not removed, when its CPA certificate expires; the SSC decides', () => {
    const review = entry({ cpa: 'expired', other: 'valid' });
    expect(review.status).toBe('cpaUnderReview');
    const plan = applySscDecision(review, { decision: 'remedial_plan', reason: 'fix due' }, AT);
    expect(plan).toMatchObject({ ok: true, entry: { status: 'remedialPlan', sscDecision: { decision: 'remedial_plan', reason: 'fix due', at: AT.toISOString() } } });
    const removed = applySscDecision(review, { decision: 'remove', reason: 'no fix' }, AT);
    expect(removed.ok && removed.entry.status).toBe('removed');
    // The decision stands while the certificate stays as it was; valid again, the entry is listed.
    if (plan.ok) {
      expect(entry({ cpa: 'expired', other: 'valid' }, plan.entry).status).toBe('remedialPlan');
      expect(entry({ cpa: 'valid', other: 'valid' }, plan.entry)).toMatchObject({ status: 'listed' });
      expect(entry({ cpa: 'valid', other: 'valid' }, plan.entry).sscDecision).toBeUndefined();
    }
  });

  it('keeps the SSC\'s decision through a lapse of the other certificate while the CPA certificate stays invalid', () => {
    const plan = applySscDecision(entry({ cpa: 'expired', other: 'valid' }), { decision: 'remedial_plan', reason: 'fix due' }, AT);
    if (!plan.ok) throw new Error(plan.message);
    const lapsed = entry({ cpa: 'expired', other: 'expired' }, plan.entry);
    expect(lapsed.status).toBe('removed');
    expect(entry({ cpa: 'expired', other: 'valid' }, lapsed)).toMatchObject({ status: 'remedialPlan', sscDecision: { decision: 'remedial_plan' } });
    const removal = applySscDecision(entry({ cpa: 'expired', other: 'valid' }), { decision: 'remove', reason: 'no fix' }, AT);
    if (!removal.ok) throw new Error(removal.message);
    expect(entry({ cpa: 'expired', other: 'valid' }, entry({ cpa: 'expired', other: 'expired' }, removal.entry)).status).toBe('removed');
  });

  it('refuses an SSC decision on an entry not under review', () => {
    expect(applySscDecision(entry({ other: 'valid' }), { decision: 'remove', reason: 'x' }, AT)).toEqual({ ok: false, message: "the entry is listed: only one under CPA review awaits the SSC's decision" });
  });

  it('checks its input, naming the field', () => {
    expect(parseCplEntryInput({ deviceType: 'ESME', certificates: { other: 'lost' } })).toMatchObject({ ok: false, error: { field: 'certificates.other' } });
    expect(parseCplEntryInput({ deviceType: 'ESME' })).toMatchObject({ ok: false, error: { field: 'certificates' } });
  });
});

describe('withCplStatus', () => {
  it('changes nothing for a model the CPL does not name (an empty CPL changes nothing)', () => {
    expect(withCplStatus(meter('1.0'), indexCpl([]))).toEqual(meter('1.0'));
    expect(withCplStatus(meter('1.0', 'M9'), indexCpl([entry({ other: 'valid' })]))).toEqual(meter('1.0', 'M9'));
  });

  it('suspends a device whose version is removed, or not on the CPL while its model is', () => {
    expect(withCplStatus(meter('1.0'), indexCpl([entry({ other: 'expired' })])).status).toBe('Suspended');
    expect(withCplStatus(meter('2.0'), indexCpl([entry({ other: 'valid' })])).status).toBe('Suspended');
    expect(withCplStatus(meter(undefined), indexCpl([entry({ other: 'valid' })])).status).toBe('Suspended');
  });

  it('suspends a device on its way into service, and leaves one out of service as it is (firmware would reach it as Suspended)', () => {
    const removed = indexCpl([entry({ other: 'expired' })]);
    for (const status of ['Pending', 'Whitelisted', 'InstalledNotCommissioned', 'Commissioned', 'Recovered'] as const) {
      expect(withCplStatus({ ...meter('1.0'), status }, removed).status, status).toBe('Suspended');
    }
    for (const status of ['Decommissioned', 'Withdrawn', 'Recovery'] as const) {
      expect(withCplStatus({ ...meter('1.0'), status }, removed).status, status).toBe(status);
    }
  });

  it('never gives a device on its way into service firmware requests its own status refuses: it only takes service away', () => {
    const policy = compilePolicy();
    const removed = indexCpl([entry({ other: 'expired' })]);
    const installed = withCplStatus({ ...meter('1.0'), status: 'InstalledNotCommissioned' }, removed);
    expect(installed.status).toBe('Suspended');
    // 11.2 both statuses admit; 11.3 Suspended does, InstalledNotCommissioned does not; 4.1.1 neither.
    expect(servedStatusRefuses(policy, installed, '11.2')).toBeUndefined();
    expect(servedStatusRefuses(policy, installed, '11.3')).toBe('is InstalledNotCommissioned, and served as Suspended (the Central Products List has removed M1 at firmware 1.0)');
    expect(servedStatusRefuses(policy, installed, '4.1.1')).toBe('is served as Suspended (the Central Products List has removed M1 at firmware 1.0)');
    expect(servedStatusRefuses(policy, withCplStatus(meter('1.0'), removed), '11.3')).toBeUndefined();
    expect(servedStatusRefuses(policy, { ...meter('1.0'), status: 'Decommissioned' }, '11.3')).toBe('is Decommissioned');
  });

  it('keeps in service a device listed, under CPA review or on a remedial plan (a remedial plan suspends nothing)', () => {
    const review = entry({ cpa: 'withdrawn', other: 'valid' });
    const plan = applySscDecision(review, { decision: 'remedial_plan', reason: 'x' }, AT);
    for (const e of [entry({ other: 'valid' }), review, plan.ok ? plan.entry : review]) {
      expect(withCplStatus(meter('1.0'), indexCpl([e])).status).toBe('Commissioned');
    }
  });
});

describe('withFirmwareActivated', () => {
  const listed = (version: string) => applyCplUpdate(undefined, 'M1', version, { deviceType: 'ESME', certificates: { other: 'valid' } }, AT);
  const cpl = indexCpl([listed('2.0'), applyCplUpdate(undefined, 'M1', '1.0', { deviceType: 'ESME', certificates: { other: 'withdrawn' } }, AT)]);

  it('makes the activated version the device\'s own, clearing the pending one only if it was this one', () => {
    const at = '2027-01-01T00:00:00.000Z';
    expect(withFirmwareActivated({ ...meter('1.0'), pendingFirmwareVersion: '2.0', pendingFirmwareAt: at }, '2.0', cpl)).toEqual(meter('2.0'));
    // The mark of the last 11.1 outlives its activation.
    expect(withFirmwareActivated({ ...meter('1.0'), pendingFirmwareVersion: '2.0', pendingFirmwareAt: at, firmwareNamedAt: at }, '2.0', cpl)).toEqual({ ...meter('2.0'), firmwareNamedAt: at });
    // A later 11.1 named 3.0: the activation of 2.0 leaves it pending, with its time.
    expect(withFirmwareActivated({ ...meter('1.0'), pendingFirmwareVersion: '3.0', pendingFirmwareAt: at }, '2.0', cpl)).toEqual({ ...meter('2.0'), pendingFirmwareVersion: '3.0', pendingFirmwareAt: at });
  });

  it('restores a device the inventory holds Suspended when the CPL has the version in service, and only then', () => {
    const suspended = { ...meter('1.0'), status: 'Suspended' as const };
    expect(withFirmwareActivated(suspended, '2.0', cpl).status).toBe('Commissioned');
    // Removed, or a version or model the CPL does not list: it stays as it is.
    expect(withFirmwareActivated(suspended, '1.0', cpl).status).toBe('Suspended');
    expect(withFirmwareActivated(suspended, '9.9', cpl).status).toBe('Suspended');
    expect(withFirmwareActivated({ ...suspended, deviceModel: 'OTHER' }, '2.0', cpl).status).toBe('Suspended');
    // Decommissioned is not the CPL's to undo.
    expect(withFirmwareActivated({ ...meter('1.0'), status: 'Decommissioned' }, '2.0', cpl).status).toBe('Decommissioned');
  });
});
