import { describe, expect, it } from 'vitest';
import type { Device } from '../types/index.ts';
import {
  startingNoLaterThanForDue, addTwelveMonths, compileRegisters, dueLimit, enrolBy, installationEligibility, installationSignature, installationWith,
  judgeSignature, shortestUpgradeChain, supplierAcquiredAt, supplierStartsAt, withEligibleFrom, type Installation,
} from './eligibility.ts';
import {
  applyCombinationUpdate, applyUpgradesUpdate, parseFirmwareUpgradesInput, parseProductCombinationInput,
  type FirmwareUpgrades, type ProductCombination, type ProductCombinationInput,
} from './registers.ts';

const T1 = new Date('2026-01-10T00:00:00.000Z');
const T2 = new Date('2026-03-01T00:00:00.000Z');
const T3 = new Date('2026-06-15T00:00:00.000Z');

const combination = (entryId: string, list: 'EPC' | 'PPC', devices: [string, string, string][], at = T1, commsProvider: ProductCombinationInput['commsProvider'] = 'aclara'): ProductCombination => {
  const made = applyCombinationUpdate(undefined, entryId, { list, commsProvider, devices: devices.map(([deviceType, deviceModel, firmwareVersion]) => ({ deviceType: deviceType as 'ESME', deviceModel, firmwareVersion })) }, at);
  if (!made.ok) throw new Error(made.message);
  return made.entry;
};
const upgrades = (deviceModel: string, paths: [string, string][], at = T1): FirmwareUpgrades =>
  applyUpgradesUpdate(undefined, deviceModel, { paths: paths.map(([from, to]) => ({ from, to })) }, at);

const meter = (deviceId: string, deviceType: Device['deviceType'], deviceModel: string, firmwareVersion: string, extra: Partial<Device> = {}): Device => ({
  deviceId, deviceType, status: 'InstalledNotCommissioned', generation: 'SMETS1', smets1Cohort: 'aclara', deviceModel, firmwareVersion, installationId: 'I1', importSupplier: 'S-E', ...extra,
});
const installation = (...devices: Device[]): Installation => installationWith(undefined, 'I1', devices)!;

describe('product combination entries', () => {
  it('requires the list, the comms provider (an S1SP cohort) and at least one device, naming the field', () => {
    expect(parseProductCombinationInput({ list: 'EPC', devices: [{ deviceType: 'ESME', deviceModel: 'M', firmwareVersion: '1' }] })).toMatchObject({ ok: false, error: { field: 'commsProvider' } });
    expect(parseProductCombinationInput({ list: 'EPC', commsProvider: 'nobody', devices: [] })).toMatchObject({ ok: false, error: { field: 'commsProvider' } });
    expect(parseProductCombinationInput({ list: 'XPC', commsProvider: 'aclara', devices: [] })).toMatchObject({ ok: false, error: { field: 'list' } });
    expect(parseProductCombinationInput({ list: 'EPC', commsProvider: 'aclara', devices: [] })).toMatchObject({ ok: false, error: { field: 'devices' } });
    expect(parseProductCombinationInput({ list: 'EPC', commsProvider: 'aclara', devices: [{ deviceType: 'ESME', deviceModel: 'M' }] })).toMatchObject({ ok: false, error: { field: 'devices[0].firmwareVersion' } });
    expect(parseProductCombinationInput({ list: 'EPC', commsProvider: 'aclara', devices: [{ deviceType: 'ESME', deviceModel: 'M', firmwareVersion: '1' }], extra: 1 })).toMatchObject({ ok: false, error: { field: 'extra' } });
    expect(parseProductCombinationInput({ list: 'PPC', commsProvider: 'itron', devices: [{ deviceType: 'GSME', deviceModel: 'M', firmwareVersion: '1' }] }).ok).toBe(true);
  });

  it('stamps dateFirstAdded once; moving from the PPC to the EPC keeps it and records dateAddedToEpc', () => {
    const pending = combination('E1', 'PPC', [['ESME', 'M', '1']], T1);
    expect(pending).toMatchObject({ list: 'PPC', dateFirstAdded: T1.toISOString() });
    expect(pending.dateAddedToEpc).toBeUndefined();
    const edited = applyCombinationUpdate(pending, 'E1', { list: 'PPC', commsProvider: 'aclara', devices: pending.devices }, T2);
    expect(edited.ok && edited.entry.dateFirstAdded).toBe(T1.toISOString());
    const moved = applyCombinationUpdate(pending, 'E1', { list: 'EPC', commsProvider: 'aclara', devices: pending.devices }, T2);
    expect(moved).toMatchObject({ ok: true, entry: { list: 'EPC', dateFirstAdded: T1.toISOString(), dateAddedToEpc: T2.toISOString(), updatedAt: T2.toISOString() } });
    const again = applyCombinationUpdate(moved.ok ? moved.entry : undefined, 'E1', { list: 'EPC', commsProvider: 'aclara', devices: pending.devices }, T3);
    expect(again).toMatchObject({ ok: true, entry: { dateFirstAdded: T1.toISOString(), dateAddedToEpc: T2.toISOString() } });
    expect(combination('E2', 'EPC', [['ESME', 'M', '1']], T3)).toMatchObject({ dateFirstAdded: T3.toISOString(), dateAddedToEpc: T3.toISOString() });
  });

  it('stamps a device an amendment adds with its date; a device the entry had keeps its own, one for one', () => {
    const epc = combination('E1', 'EPC', [['ESME', 'M', '1']], T1);
    expect(epc.devices[0].addedAt).toBeUndefined();
    const devices = (list: [string, string, string][]) => list.map(([deviceType, deviceModel, firmwareVersion]) => ({ deviceType: deviceType as 'ESME', deviceModel, firmwareVersion }));
    const amended = applyCombinationUpdate(epc, 'E1', { list: 'EPC', commsProvider: 'aclara', devices: devices([['ESME', 'M', '1'], ['ESME', 'M', '1'], ['GSME', 'G', '1']]) }, T2);
    if (!amended.ok) throw new Error(amended.message);
    expect(amended.entry.devices.map((device) => device.addedAt)).toEqual([undefined, T2.toISOString(), T2.toISOString()]);
    expect(amended.entry).toMatchObject({ dateFirstAdded: T1.toISOString(), dateAddedToEpc: T1.toISOString() });
    // Amended again, the first like meter dropped: the one left is the original, its date kept; the gas meter keeps T2.
    const again = applyCombinationUpdate(amended.entry, 'E1', { list: 'EPC', commsProvider: 'aclara', devices: devices([['GSME', 'G', '1'], ['ESME', 'M', '1'], ['IHD', 'H', '1']]) }, T3);
    expect(again.ok && again.entry.devices.map((device) => device.addedAt)).toEqual([T2.toISOString(), undefined, T3.toISOString()]);
  });

  it('keeps the date of a device whose version an amendment bumps; a cohort changed makes every device new; addedAt sent is not taken', () => {
    const epc = combination('E1', 'EPC', [['ESME', 'M', '1'], ['GSME', 'G', '1']], T1);
    const bumped = applyCombinationUpdate(epc, 'E1', { list: 'EPC', commsProvider: 'aclara', devices: [{ deviceType: 'ESME', deviceModel: 'M', firmwareVersion: '2' }, epc.devices[1]] }, T2);
    // The bumped slot is new at its version, and remembers the one it replaced (there from the start).
    expect(bumped.ok && bumped.entry.devices.map((device) => [device.addedAt, device.replacedVersions])).toEqual([[T2.toISOString(), [{ firmwareVersion: '1' }]], [undefined, undefined]]);
    const moved = applyCombinationUpdate(epc, 'E1', { list: 'EPC', commsProvider: 'secure', devices: epc.devices }, T2);
    expect(moved.ok && moved.entry.devices.map((device) => device.addedAt)).toEqual([T2.toISOString(), T2.toISOString()]);
    // An entry read (with its dates) and written back with a device more: its own dates stand, the new one is stamped.
    const parsed = parseProductCombinationInput({ list: 'EPC', commsProvider: 'aclara', devices: [{ ...epc.devices[0], addedAt: '2020-01-01T00:00:00.000Z' }, epc.devices[1], { deviceType: 'IHD', deviceModel: 'H', firmwareVersion: '1', addedAt: '2020-01-01T00:00:00.000Z' }] });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const written = applyCombinationUpdate(epc, 'E1', parsed.value, T3);
    expect(written.ok && written.entry.devices.map((device) => device.addedAt)).toEqual([undefined, undefined, T3.toISOString()]);
    // A new entry takes none either.
    const fresh = applyCombinationUpdate(undefined, 'E9', parsed.value, T3);
    expect(fresh.ok && fresh.entry.devices.map((device) => device.addedAt)).toEqual([undefined, undefined, undefined]);
  });

  it('refuses to move an EPC entry back to the PPC', () => {
    const epc = combination('E1', 'EPC', [['ESME', 'M', '1']]);
    expect(applyCombinationUpdate(epc, 'E1', { list: 'PPC', commsProvider: 'aclara', devices: epc.devices }, T2)).toMatchObject({ ok: false });
  });
});

describe('firmware upgrades', () => {
  it('validates paths and keeps the date of a path that already existed', () => {
    expect(parseFirmwareUpgradesInput({ paths: [{ from: '1', to: '1' }] })).toMatchObject({ ok: false, error: { field: 'paths[0]' } });
    expect(parseFirmwareUpgradesInput({ paths: [{ from: '1' }] })).toMatchObject({ ok: false, error: { field: 'paths[0].to' } });
    expect(parseFirmwareUpgradesInput({})).toMatchObject({ ok: false, error: { field: 'paths' } });
    const first = upgrades('M', [['1', '2']], T1);
    const second = applyUpgradesUpdate(first, 'M', { paths: [{ from: '1', to: '2' }, { from: '2', to: '3' }, { from: '2', to: '3' }] }, T2);
    expect(second.paths).toEqual([{ from: '1', to: '2', addedAt: T1.toISOString() }, { from: '2', to: '3', addedAt: T2.toISOString() }]);
  });

  it('finds the shortest chain breadth-first, with the latest date of its paths, and none where there is none', () => {
    const registers = compileRegisters([], [
      upgrades('M', [['1', '2'], ['2', '3'], ['3', '4'], ['1', '5']], T1),
      applyUpgradesUpdate(upgrades('M', [['1', '2'], ['2', '3'], ['3', '4'], ['1', '5']], T1), 'M', { paths: [{ from: '1', to: '2' }, { from: '2', to: '3' }, { from: '3', to: '4' }, { from: '1', to: '5' }, { from: '5', to: '4' }, { from: '4', to: '1' }] }, T2),
    ]);
    expect(shortestUpgradeChain(registers.upgrades, 'M', '1', '4')).toEqual({ steps: [{ from: '1', to: '5' }, { from: '5', to: '4' }], since: T2.toISOString() });
    expect(shortestUpgradeChain(registers.upgrades, 'M', '1', '3')).toEqual({ steps: [{ from: '1', to: '2' }, { from: '2', to: '3' }], since: T1.toISOString() });
    expect(shortestUpgradeChain(registers.upgrades, 'M', '2', '2')).toEqual({ steps: [] });
    // A cycle (4 -> 1) does not loop; a version nothing leads to has no chain.
    expect(shortestUpgradeChain(registers.upgrades, 'M', '4', '3')).toEqual({ steps: [{ from: '4', to: '1' }, { from: '1', to: '2' }, { from: '2', to: '3' }], since: T2.toISOString() });
    expect(shortestUpgradeChain(registers.upgrades, 'M', '9', '3')).toBeUndefined();
    expect(shortestUpgradeChain(registers.upgrades, 'OTHER', '1', '2')).toBeUndefined();
  });
});

describe('installations', () => {
  it('gather the SMETS1 devices naming them, in signature order, and lose a device that names another', () => {
    const gas = meter('D2', 'GSME', 'G', '1', { gasSupplier: 'S-G', importSupplier: undefined, acquiredAt: '2026-02-01T00:00:00Z' });
    const elec = meter('D1', 'ESME', 'E', '1');
    const both = installationWith(installationWith(undefined, 'I1', [gas]), 'I1', [elec])!;
    expect(both.devices.map((device) => device.deviceId)).toEqual(['D1', 'D2']);
    expect(both.suppliers).toEqual(['S-E', 'S-G']);
    expect(both.acquiredAt).toBe(Date.parse('2026-02-01T00:00:00Z'));
    // Only the gas supplier acquired it: the electricity supplier's deadline does not move.
    expect(both.acquiredAtBy).toEqual({ 'S-G': Date.parse('2026-02-01T00:00:00Z') });
    const moved = installationWith(both, 'I1', [{ ...elec, installationId: 'I2' }])!;
    expect(moved.devices.map((device) => device.deviceId)).toEqual(['D2']);
    expect(installationWith(moved, 'I1', [{ ...gas, installationId: undefined }])).toBeUndefined();
    expect(installationWith({ ...both, enrolledAt: T1.toISOString() }, 'I1', [elec])?.enrolledAt).toBe(T1.toISOString());
  });

  it('count each supplier\'s enrolment deadline from its own acquisition; the installation\'s enrolBy is the soonest', () => {
    const elec = meter('D1', 'ESME', 'E', '1');
    const gas = meter('D2', 'GSME', 'G', '1', { gasSupplier: 'S-G', importSupplier: undefined, acquiredAt: T3.toISOString() });
    const judged = { status: 'eligible' as const, entry: 'E1', eligibleSince: T1.toISOString() };
    const both = installation(elec, gas);
    expect([supplierAcquiredAt(both, 'S-E'), supplierAcquiredAt(both, 'S-G')]).toEqual([undefined, T3.getTime()]);
    // S-E: 12 months after eligibleSince; S-G: after its acquisition, later: the installation answers S-E's.
    expect(enrolBy(T1.toISOString(), supplierAcquiredAt(both, 'S-G'))).toBe('2027-06-15T00:00:00.000Z');
    expect(installationEligibility(both, judged).enrolBy).toBe('2027-01-10T00:00:00.000Z');
    // Both acquired, the electricity supplier later: its deadline is now the later one.
    const bothAcquired = installation({ ...elec, acquiredAt: '2026-09-01T00:00:00.000Z' }, gas);
    expect(installationEligibility(bothAcquired, judged).enrolBy).toBe('2027-06-15T00:00:00.000Z');
    // Stored before acquisitions were kept per supplier: the latest of all stands for each.
    const { acquiredAtBy: _, ...stored } = both;
    expect(supplierAcquiredAt(stored, 'S-E')).toBe(T3.getTime());
  });

  it('share a signature when their types, models, firmware and cohort are the same, whatever the IDs', () => {
    const a = installation(meter('A1', 'ESME', 'E', '1'), meter('A2', 'GSME', 'G', '1'));
    const b = installationWith(undefined, 'I9', [meter('B2', 'GSME', 'G', '1', { installationId: 'I9' }), meter('B1', 'ESME', 'E', '1', { installationId: 'I9' })])!;
    expect(a.signature).toBe(b.signature);
    expect(installation(meter('A1', 'ESME', 'E', '2'), meter('A2', 'GSME', 'G', '1')).signature).not.toBe(a.signature);
    expect(installation(meter('A1', 'ESME', 'E', '1', { smets1Cohort: 'itron' }), meter('A2', 'GSME', 'G', '1')).signature).not.toBe(a.signature);
    expect(installationSignature([])).toBe('["*",[]]');
  });
});

describe('eligibility of a signature (SEC H5.8)', () => {
  const elecAndGas = installation(meter('D1', 'ESME', 'E', '1'), meter('D2', 'GSME', 'G', '1'));
  const judge = (combinations: ProductCombination[], upgradeSets: FirmwareUpgrades[] = [], of: Installation = elecAndGas) => judgeSignature(compileRegisters(combinations, upgradeSets), of.signature);

  it('is eligible when the devices form an EPC combination of the cohort, or a subset of one', () => {
    expect(judge([combination('E1', 'EPC', [['ESME', 'E', '1'], ['GSME', 'G', '1']])])).toEqual({ status: 'eligible', entry: 'E1', eligibleSince: T1.toISOString() });
    expect(judge([combination('E1', 'EPC', [['ESME', 'E', '1'], ['GSME', 'G', '1'], ['IHD', 'H', '3']])])).toMatchObject({ status: 'eligible', entry: 'E1' });
    // Electricity alone is a subset of the combination.
    expect(judge([combination('E1', 'EPC', [['ESME', 'E', '1'], ['GSME', 'G', '1']])], [], installation(meter('D1', 'ESME', 'E', '1'))).status).toBe('eligible');
  });

  it('is not eligible for another cohort, another firmware without an upgrade, or more devices than the combination has', () => {
    expect(judge([combination('E1', 'EPC', [['ESME', 'E', '1'], ['GSME', 'G', '1']], T1, 'itron')])).toEqual({ status: 'not_eligible' });
    expect(judge([combination('E1', 'EPC', [['ESME', 'E', '2'], ['GSME', 'G', '1']])])).toEqual({ status: 'not_eligible' });
    expect(judge([combination('E1', 'EPC', [['ESME', 'E', '1']])])).toEqual({ status: 'not_eligible' });
    // Two meters cannot both use the combination's one ESME.
    expect(judge([combination('E1', 'EPC', [['ESME', 'E', '1'], ['GSME', 'G', '1']])], [], installation(meter('D1', 'ESME', 'E', '1'), meter('D3', 'ESME', 'E', '1'))).status).toBe('not_eligible');
    expect(judge([])).toEqual({ status: 'not_eligible' });
    // A device without a model or firmware matches nothing.
    expect(judge([combination('E1', 'EPC', [['ESME', 'E', '1']])], [], installation({ ...meter('D1', 'ESME', 'E', '1'), firmwareVersion: undefined })).status).toBe('not_eligible');
  });

  it('is eligible after upgrade through the shortest chain, device by device, since the later of the entry and its paths', () => {
    const judged = judge([combination('E1', 'EPC', [['ESME', 'E', '3'], ['GSME', 'G', '1']], T1)], [upgrades('E', [['1', '2'], ['2', '3'], ['1', '9']], T2)]);
    expect(judged).toEqual({ status: 'eligible_after_upgrade', entry: 'E1', upgrades: [{ device: 0, from: '1', to: '2' }, { device: 0, from: '2', to: '3' }], eligibleSince: T2.toISOString() });
    expect(installationEligibility(elecAndGas, judged)).toEqual({
      status: 'eligible_after_upgrade', entry: 'E1', upgrades: [{ deviceId: 'D1', from: '1', to: '2' }, { deviceId: 'D1', from: '2', to: '3' }],
      eligibleSince: T2.toISOString(), enrolBy: '2027-03-01T00:00:00.000Z',
    });
  });

  it('dates a version an amendment moves a slot to from the amendment for installations on it, from the old version\'s date for those that can upgrade from it', () => {
    const epc = combination('E1', 'EPC', [['ESME', 'E', '1'], ['GSME', 'G', '1']], T1);
    const amended = applyCombinationUpdate(epc, 'E1', { list: 'EPC', commsProvider: 'aclara', devices: [{ deviceType: 'ESME', deviceModel: 'E', firmwareVersion: '2' }, epc.devices[1]] }, T3);
    if (!amended.ok) throw new Error(amended.message);
    const onTwo = installation(meter('D1', 'ESME', 'E', '2'), meter('D2', 'GSME', 'G', '1'));
    // Not eligible before the amendment: eligible from it, not back-dated to the entry.
    expect(judge([amended.entry], [], onTwo)).toEqual({ status: 'eligible', entry: 'E1', eligibleSince: T3.toISOString() });
    // On the old version, with a path to the new one: eligible (after upgrade now) since the entry, as it was at 1 all along.
    expect(judge([amended.entry], [upgrades('E', [['1', '2']], T2)])).toMatchObject({ status: 'eligible_after_upgrade', eligibleSince: T1.toISOString() });
    // Amended again to 3: an installation on 1 keeps its date through both moves, one on 2 its own.
    const again = applyCombinationUpdate(amended.entry, 'E1', { list: 'EPC', commsProvider: 'aclara', devices: [{ deviceType: 'ESME', deviceModel: 'E', firmwareVersion: '3' }, epc.devices[1]] }, new Date('2026-08-01T00:00:00.000Z'));
    if (!again.ok) throw new Error(again.message);
    const paths = [upgrades('E', [['1', '2'], ['2', '3']], T1)];
    expect(judge([again.entry], paths)).toMatchObject({ eligibleSince: T1.toISOString() });
    expect(judge([again.entry], paths, onTwo)).toMatchObject({ eligibleSince: T3.toISOString() });
  });

  it('matches many like devices to many like slots at once, not by trying every order (16!/9! of them)', () => {
    const nine = installation(...Array.from({ length: 9 }, (_, i) => meter(`D${i}`, 'ESME', 'PM', '1')));
    const sixteen = combination('PERM16', 'EPC', Array.from({ length: 16 }, () => ['ESME', 'PM', '1'] as [string, string, string]));
    // Trying every order took minutes: the test's time limit tells.
    expect(judge([sixteen], [], nine)).toMatchObject({ status: 'eligible', entry: 'PERM16' });
    // Slots of two products: the upgraded ones are taken only where the others run out.
    const mixed = combination('MIX', 'EPC', [...Array.from({ length: 8 }, () => ['ESME', 'PM', '2'] as [string, string, string]), ...Array.from({ length: 3 }, () => ['ESME', 'PM', '1'] as [string, string, string])]);
    const judged = judge([mixed], [upgrades('PM', [['1', '2']])], nine);
    expect(judged).toMatchObject({ status: 'eligible_after_upgrade', entry: 'MIX' });
    expect((judged as { upgrades: unknown[] }).upgrades).toHaveLength(6);
  }, 5_000);

  it('prefers a combination needing no upgrade, then fewer upgrades; eligibleSince is the earliest EPC match', () => {
    const upgradeE = upgrades('E', [['1', '2']], T1);
    const judged = judge([combination('A-up', 'EPC', [['ESME', 'E', '2'], ['GSME', 'G', '1']], T1), combination('B-now', 'EPC', [['ESME', 'E', '1'], ['GSME', 'G', '1']], T3)], [upgradeE]);
    expect(judged).toEqual({ status: 'eligible', entry: 'B-now', eligibleSince: T1.toISOString() });
  });

  it('is pending when only the PPC has it (now or after upgrades); the EPC wins over the PPC', () => {
    expect(judge([combination('P1', 'PPC', [['ESME', 'E', '1'], ['GSME', 'G', '1']])])).toEqual({ status: 'pending', entry: 'P1' });
    expect(judge([combination('P1', 'PPC', [['ESME', 'E', '2'], ['GSME', 'G', '1']])], [upgrades('E', [['1', '2']])])).toEqual({ status: 'pending', entry: 'P1' });
    expect(judge([combination('P1', 'PPC', [['ESME', 'E', '1'], ['GSME', 'G', '1']]), combination('E1', 'EPC', [['ESME', 'E', '1'], ['GSME', 'G', '1']], T2)]))
      .toEqual({ status: 'eligible', entry: 'E1', eligibleSince: T2.toISOString() });
  });

  it('counts a combination an amendment covers from the amendment, the entry\'s own ones from its date', () => {
    const gasOnly = installation(meter('D2', 'GSME', 'G', '1'));
    const elecOnly = installation(meter('D1', 'ESME', 'E', '1'));
    const epc = combination('E1', 'EPC', [['ESME', 'E', '1']], T1);
    const amended = applyCombinationUpdate(epc, 'E1', { list: 'EPC', commsProvider: 'aclara', devices: [...epc.devices, { deviceType: 'GSME', deviceModel: 'G', firmwareVersion: '1' }] }, T2);
    if (!amended.ok) throw new Error(amended.message);
    expect(judge([amended.entry], [], gasOnly)).toEqual({ status: 'eligible', entry: 'E1', eligibleSince: T2.toISOString() });
    expect(judge([amended.entry], [], elecOnly)).toEqual({ status: 'eligible', entry: 'E1', eligibleSince: T1.toISOString() });
    expect(judge([amended.entry])).toEqual({ status: 'eligible', entry: 'E1', eligibleSince: T2.toISOString() });
    // An upgrade path older than the amendment: the amendment's date; newer: the path's.
    const onGas0 = installation(meter('D2', 'GSME', 'G', '0'));
    expect(judge([amended.entry], [upgrades('G', [['0', '1']], T1)], onGas0)).toMatchObject({ status: 'eligible_after_upgrade', eligibleSince: T2.toISOString() });
    expect(judge([amended.entry], [upgrades('G', [['0', '1']], T3)], onGas0)).toMatchObject({ status: 'eligible_after_upgrade', eligibleSince: T3.toISOString() });
  });

  it('uses an entry\'s original slot before a like one an amendment added, whichever comes first', () => {
    const epc = combination('E1', 'EPC', [['ESME', 'E', '1']], T1);
    const amended = applyCombinationUpdate(epc, 'E1', { list: 'EPC', commsProvider: 'aclara', devices: [{ deviceType: 'ESME', deviceModel: 'E', firmwareVersion: '1' }, ...epc.devices] }, T2);
    if (!amended.ok) throw new Error(amended.message);
    expect(amended.entry.devices.map((device) => device.addedAt)).toEqual([undefined, T2.toISOString()]);
    // Stored in the other order, the amended slot first: the match still takes the original.
    const reordered = { ...amended.entry, devices: [...amended.entry.devices].reverse() };
    expect(judge([reordered], [], installation(meter('D1', 'ESME', 'E', '1')))).toMatchObject({ eligibleSince: T1.toISOString() });
    // Two like meters need both slots: from the amendment.
    expect(judge([reordered], [], installation(meter('D1', 'ESME', 'E', '1'), meter('D3', 'ESME', 'E', '1')))).toMatchObject({ eligibleSince: T2.toISOString() });
  });

  it('dates a fit from the earliest way the entry gives it, though the way with the fewest upgrades came later', () => {
    // Eligible after upgrade since T2 (the path); an amendment at T3 gives the firmware itself a slot.
    const epc = combination('E1', 'EPC', [['ESME', 'E', '3']], T1);
    const amended = applyCombinationUpdate(epc, 'E1', { list: 'EPC', commsProvider: 'aclara', devices: [...epc.devices, { deviceType: 'ESME', deviceModel: 'E', firmwareVersion: '1' }] }, T3);
    if (!amended.ok) throw new Error(amended.message);
    const onFirmware1 = installation(meter('D1', 'ESME', 'E', '1'));
    expect(judge([amended.entry], [upgrades('E', [['1', '3']], T2)], onFirmware1)).toEqual({ status: 'eligible', entry: 'E1', eligibleSince: T2.toISOString() });
  });

  it('judges like devices over like slots each added by its own amendment at once, not by trying every order', () => {
    let entry = combination('E1', 'EPC', [['ESME', 'PM', '1']], T1);
    for (let i = 1; i < 16; i++) {
      const next = applyCombinationUpdate(entry, 'E1', { list: 'EPC', commsProvider: 'aclara', devices: [...entry.devices, { deviceType: 'ESME', deviceModel: 'PM', firmwareVersion: '1' }] }, new Date(T2.getTime() + i * 86_400_000));
      if (!next.ok) throw new Error(next.message);
      entry = next.entry;
    }
    expect(new Set(entry.devices.map((device) => device.addedAt)).size).toBe(16);
    const eight = installation(...Array.from({ length: 8 }, (_, i) => meter(`D${i}`, 'ESME', 'PM', '1')));
    // The oldest eight slots: the entry's own and the first seven amendments'.
    expect(judge([entry], [], eight)).toEqual({ status: 'eligible', entry: 'E1', eligibleSince: new Date(T2.getTime() + 7 * 86_400_000).toISOString() });
  }, 5_000);

  it('counts an entry moved from the PPC to the EPC as eligible from the move', () => {
    const pending = combination('E1', 'PPC', [['ESME', 'E', '1'], ['GSME', 'G', '1']], T1);
    const moved = applyCombinationUpdate(pending, 'E1', { list: 'EPC', commsProvider: 'aclara', devices: pending.devices }, T3);
    expect(moved.ok && judge([moved.entry])).toEqual({ status: 'eligible', entry: 'E1', eligibleSince: T3.toISOString() });
  });
});

describe('eligibility across a change of signature', () => {
  const T4 = Date.parse('2026-09-01T00:00:00.000Z');
  const entryAt3 = combination('E3', 'EPC', [['ESME', 'E', '3'], ['GSME', 'G', '1']], T1);
  const judgeBy = (combinations: ProductCombination[], upgradeSets: FirmwareUpgrades[] = []) => {
    const compiled = compileRegisters(combinations, upgradeSets);
    return (signature: string) => judgeSignature(compiled, signature);
  };
  const onFirmware1 = installation(meter('D1', 'ESME', 'E', '1'), meter('D2', 'GSME', 'G', '1'));
  const upgradedAt = (from: Installation, firmwareVersion: string) => installationWith(from, 'I1', [meter('D1', 'ESME', 'E', firmwareVersion)])!;

  it('stays eligible from when it was, when an upgrade along its path makes it eligible under an older entry', () => {
    // Eligible after upgrade since the paths were added (T2); the entry itself dates from T1.
    const judge = judgeBy([entryAt3], [upgrades('E', [['1', '3']], T2)]);
    expect(installationEligibility(onFirmware1, judge(onFirmware1.signature)).eligibleSince).toBe(T2.toISOString());
    const upgraded = withEligibleFrom(onFirmware1, upgradedAt(onFirmware1, '3'), judge, T4);
    expect(upgraded.eligibleFrom).toBe(T2.getTime());
    // Without the stamp it would answer T1, and its deadline would move four months earlier.
    expect(judge(upgraded.signature).eligibleSince).toBe(T1.toISOString());
    expect(installationEligibility(upgraded, judge(upgraded.signature))).toMatchObject({ status: 'eligible', eligibleSince: T2.toISOString(), enrolBy: '2027-03-01T00:00:00.000Z' });
  });

  it('is eligible from the change at the earliest when it was not eligible before it', () => {
    // No upgrade path: firmware 1 was not eligible; written as firmware 3 (replaced, or upgraded outside the register) at T4.
    const judge = judgeBy([entryAt3]);
    expect(judge(onFirmware1.signature).status).toBe('not_eligible');
    const changed = withEligibleFrom(onFirmware1, upgradedAt(onFirmware1, '3'), judge, T4);
    expect(installationEligibility(changed, judge(changed.signature))).toMatchObject({ status: 'eligible', eligibleSince: new Date(T4).toISOString(), enrolBy: '2027-09-01T00:00:00.000Z' });
    // Pending before it: the same.
    const pending = judgeBy([entryAt3, combination('P1', 'PPC', [['ESME', 'E', '1'], ['GSME', 'G', '1']], T1)]);
    expect(withEligibleFrom(onFirmware1, upgradedAt(onFirmware1, '3'), pending, T4).eligibleFrom).toBe(T4);
  });

  it('keeps its stamp through writes that leave the signature as it was, and a new installation has none', () => {
    const judge = judgeBy([entryAt3]);
    const changed = withEligibleFrom(onFirmware1, upgradedAt(onFirmware1, '3'), judge, T4);
    // The same devices written again, a supplier's acquisition recorded: the signature stays.
    const again = installationWith(changed, 'I1', [meter('D2', 'GSME', 'G', '1', { acquiredAt: T3.toISOString() })])!;
    expect(withEligibleFrom(changed, again, judge, T4 + 86_400_000)).toStrictEqual(again);
    expect(again.eligibleFrom).toBe(T4);
    expect(withEligibleFrom(undefined, onFirmware1, judge, T4).eligibleFrom).toBeUndefined();
    // A later change from an eligible signature keeps the first stamp's date: eligible all along.
    const back = withEligibleFrom(changed, upgradedAt(changed, '1'), judgeBy([entryAt3, combination('E1', 'EPC', [['ESME', 'E', '1'], ['GSME', 'G', '1']], T1)]), T4 + 2 * 86_400_000);
    expect(back.eligibleFrom).toBe(T4);
  });

  it('keeps what it had through a moment its devices were not all known (a device written before its firmware)', () => {
    const withPpmid = combination('E4', 'EPC', [['ESME', 'E', '3'], ['GSME', 'G', '1'], ['PPMID', 'P', '1']], T1);
    const judge = judgeBy([entryAt3, withPpmid]);
    const onFirmware3 = installation(meter('D1', 'ESME', 'E', '3'), meter('D2', 'GSME', 'G', '1'));
    const ppmid = meter('D3', 'PPMID', 'P', '1');
    const unknownFirmware = withEligibleFrom(onFirmware3, installationWith(onFirmware3, 'I1', [{ ...ppmid, firmwareVersion: undefined }])!, judge, T4);
    expect(judge(unknownFirmware.signature).status).toBe('not_eligible');
    const known = withEligibleFrom(unknownFirmware, installationWith(unknownFirmware, 'I1', [ppmid])!, judge, T4 + 60_000);
    expect(installationEligibility(known, judge(known.signature))).toMatchObject({ status: 'eligible', eligibleSince: T1.toISOString() });
  });

  it('starts each supplier\'s deadline at the later of its acquisition and the stamp', () => {
    const judge = judgeBy([entryAt3]);
    const gas = meter('D2', 'GSME', 'G', '1', { gasSupplier: 'S-G', importSupplier: undefined, acquiredAt: '2026-12-01T00:00:00.000Z' });
    const before = installation(meter('D1', 'ESME', 'E', '1'), gas);
    const changed = withEligibleFrom(before, upgradedAt(before, '3'), judge, T4);
    expect([supplierStartsAt(changed, 'S-E'), supplierStartsAt(changed, 'S-G')]).toEqual([T4, Date.parse('2026-12-01T00:00:00.000Z')]);
    expect(supplierStartsAt(before, 'S-E')).toBeUndefined();
    // The soonest of the suppliers' deadlines: the electricity supplier's, from the stamp.
    expect(installationEligibility(changed, judge(changed.signature)).enrolBy).toBe('2027-09-01T00:00:00.000Z');
  });
});

describe('enrolBy', () => {
  it('is twelve months after the later of eligibility and acquisition', () => {
    expect(enrolBy('2026-01-10T00:00:00.000Z', undefined)).toBe('2027-01-10T00:00:00.000Z');
    expect(enrolBy('2026-01-10T00:00:00.000Z', Date.parse('2026-05-20T08:30:00Z'))).toBe('2027-05-20T08:30:00.000Z');
    expect(enrolBy('2026-05-20T00:00:00.000Z', Date.parse('2026-01-10T00:00:00Z'))).toBe('2027-05-20T00:00:00.000Z');
  });

  it('moves 29 February to 28 February and keeps month ends', () => {
    expect(new Date(addTwelveMonths(Date.parse('2028-02-29T12:00:00Z'))).toISOString()).toBe('2029-02-28T12:00:00.000Z');
    expect(new Date(addTwelveMonths(Date.parse('2027-12-31T23:59:59.999Z'))).toISOString()).toBe('2028-12-31T23:59:59.999Z');
    expect(new Date(addTwelveMonths(Date.parse('2027-02-28T00:00:00Z'))).toISOString()).toBe('2028-02-28T00:00:00.000Z');
  });

  it('bounds the acquisitions that can be due: anything acquired later is due after the report window', () => {
    const now = Date.parse('2026-12-04T00:00:00Z');
    const bound = startingNoLaterThanForDue(now);
    expect(Date.parse(enrolBy('2020-01-01T00:00:00Z', bound))).toBeLessThanOrEqual(dueLimit(now) + 86_400_000);
    expect(Date.parse(enrolBy('2020-01-01T00:00:00Z', bound + 1))).toBeGreaterThan(dueLimit(now));
    // Across a leap day (366 days) the bound still holds.
    const leap = Date.parse('2028-03-15T00:00:00Z');
    expect(Date.parse(enrolBy('2020-01-01T00:00:00Z', startingNoLaterThanForDue(leap) + 1))).toBeGreaterThan(dueLimit(leap));
  });
});
