import { describe, expect, it } from 'vitest';
import type { Device } from '@dccrouter/domain';
import { MemoryStore } from '@dccrouter/state';
import { eligibilityOf, enrol, enrolmentReport, recordInstallations } from './installations.ts';
import { ProductRegisters } from './registers.ts';

const SUPPLIER = '90-B3-D5-1F-30-00-00-01';
const [ENTRY_AT, PATH_AT, UPGRADED_AT] = ['2026-01-10T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-09-01T00:00:00.000Z'].map((at) => new Date(at));
const meter = (firmwareVersion: string): Device => ({
  deviceId: '00-DB-12-34-56-78-90-A0', deviceType: 'ESME', status: 'InstalledNotCommissioned', generation: 'SMETS1', smets1Cohort: 'aclara',
  deviceModel: 'M', firmwareVersion, installationId: 'INST-1', importSupplier: SUPPLIER,
});

describe('an installation upgraded along its path', () => {
  it('is answered, and reported due, with one enrolBy: from when it was first eligible after upgrade, not from its new entry', async () => {
    const store = new MemoryStore();
    let clock = ENTRY_AT;
    const registers = new ProductRegisters(store, () => clock);
    expect((await registers.putCombination('E-3', { list: 'EPC', commsProvider: 'aclara', devices: [{ deviceType: 'ESME', deviceModel: 'M', firmwareVersion: '3' }] })).ok).toBe(true);
    clock = PATH_AT;
    await registers.putUpgrades('M', { paths: [{ from: '1', to: '3' }] });
    const judge = (signature: string) => registers.judge(signature);
    await recordInstallations(store, judge, [meter('1')], [undefined], PATH_AT.getTime());
    await recordInstallations(store, judge, [meter('3')], [meter('1')], UPGRADED_AT.getTime());

    const answer = await eligibilityOf(store, registers, 'INST-1');
    expect(answer).toMatchObject({ status: 'eligible', entry: 'E-3', eligibleSince: PATH_AT.toISOString(), enrolBy: '2027-03-01T00:00:00.000Z' });
    // Twenty days before it, the report lists it due with the same date; forty days before, not yet.
    const report = await enrolmentReport(store, registers, SUPPLIER, Date.parse(answer!.enrolBy!) - 20 * 86_400_000);
    expect(report.due).toEqual([{ installationId: 'INST-1', status: 'eligible', entry: 'E-3', enrolBy: answer!.enrolBy, overdue: false }]);
    expect((await enrolmentReport(store, registers, SUPPLIER, Date.parse(answer!.enrolBy!) - 40 * 86_400_000)).due).toEqual([]);
  });
});

describe('enrolment', () => {
  it('commissions the devices when enrolled again after their write failed', async () => {
    const store = new MemoryStore();
    const registers = new ProductRegisters(store, () => ENTRY_AT);
    await registers.putCombination('E-1', { list: 'EPC', commsProvider: 'aclara', devices: [{ deviceType: 'ESME', deviceModel: 'M', firmwareVersion: '1' }] });
    await store.putDevice(meter('1'));
    await recordInstallations(store, (signature) => registers.judge(signature), [meter('1')], [undefined], PATH_AT.getTime());
    const failing = async () => { throw new Error('devices: no answer in time'); };
    await expect(enrol(store, registers, failing, 'INST-1', UPGRADED_AT)).rejects.toThrow(/no answer/);
    expect((await store.getInstallations(['INST-1']))[0]?.enrolledAt).toBe(UPGRADED_AT.toISOString());
    const again = await enrol(store, registers, (ids, change) => store.updateDevices(ids, change), 'INST-1', new Date());
    expect(again).toMatchObject({ outcome: 'enrolled', enrolledAt: UPGRADED_AT.toISOString() });
    expect((await store.getDevice(meter('1').deviceId))?.status).toBe('Commissioned');
  });
});
