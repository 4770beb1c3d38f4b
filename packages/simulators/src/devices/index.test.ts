import { describe, expect, it } from 'vitest';
import { deviceAnswer, DeviceStates, seededRandom } from './index.ts';

const T0 = 1_800_000_000_000;

describe('simulated devices', () => {
  it('are the same device for the same ID and seed, and differ across IDs', () => {
    const [a, b] = [new DeviceStates(7), new DeviceStates(7)];
    expect(a.get('D1', T0)).toEqual(b.get('D1', T0));
    expect(a.get('D1', T0).importKwh).not.toBe(a.get('D2', T0).importKwh);
    expect(seededRandom(3)()).toBe(seededRandom(3)());
  });

  it('advance their import register with time', () => {
    const states = new DeviceStates(1);
    const first = states.importRegister('D1', T0);
    const hourLater = states.importRegister('D1', T0 + 3_600_000);
    expect(hourLater - first).toBeCloseTo(states.get('D1', T0).importKw, 2);
    const answer = deviceAnswer(states, 'D1', '4.1.1', 'ReadInstantaneousImportRegisters', {}, T0 + 3_600_000, undefined);
    expect(answer.body).toEqual({ ReadInstantaneousImportRegisters: { ImportRegister: { Value: hourLater, Unit: 'kWh' }, ReadAt: new Date(T0 + 3_600_000).toISOString() } });
  });

  it('add a top-up to the credit once it is applied', () => {
    const states = new DeviceStates(1);
    const before = states.get('D1', T0).creditPence;
    const answer = deviceAnswer(states, 'D1', '2.2', 'TopUpDevice', { TopUpAmount: 500 }, T0, undefined);
    expect(answer.body).toEqual({ TopUpDevice: { CreditAdded: 500, MeterBalance: before + 500 } });
    expect(states.get('D1', T0).creditPence).toBe(before);
    answer.apply!();
    expect(states.get('D1', T0).creditPence).toBe(before + 500);
  });

  it('keep the tariff last set', () => {
    const states = new DeviceStates(1);
    deviceAnswer(states, 'D1', '1.1.1', 'UpdateImportTariffPrimaryElement', { StandingCharge: 30 }, T0, undefined).apply!();
    expect(states.get('D1', T0).tariff).toEqual({ StandingCharge: 30 });
  });

  it('activate firmware with 11.3, taking the SMETS1 distribution time, whichever leg carries it', () => {
    const states = new DeviceStates(1);
    const activation = deviceAnswer(states, 'D1', '11.3', 'SignedPreCommand', {}, T0, 5_000);
    expect(activation).toMatchObject({ body: { ActivateFirmware: { Activated: true } }, extraMs: 5_000 });
    activation.apply!();
    expect(states.get('D1', T0).activations).toBe(1);
    expect(deviceAnswer(states, 'D1', '11.2', 'ReadFirmwareVersion', {}, T0, undefined).body).toEqual({ ReadFirmwareVersion: { FirmwareVersion: '1.0' } });
  });
});
