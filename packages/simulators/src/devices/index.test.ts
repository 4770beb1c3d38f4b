import { describe, expect, it } from 'vitest';
import { deviceAnswer, DeviceStates, PENCE_PER_KWH, seededRandom } from './index.ts';

const T0 = 1_800_000_000_000;
const HOUR = 3_600_000;
const ask = (srv: string, element: string, value: unknown = {}, firmwareVersion?: string) => ({ srv, element, value, firmwareVersion });

describe('simulated devices', () => {
  it('are the same device for the same ID and seed, and differ across IDs and seeds', () => {
    const [a, b] = [new DeviceStates(7), new DeviceStates(7)];
    expect(a.get('D1', T0)).toEqual(b.get('D1', T0));
    expect(a.get('D1', T0).importKwh).not.toBe(a.get('D2', T0).importKwh);
    expect(new DeviceStates(8).get('D1', T0).importKwh).not.toBe(a.get('D1', T0).importKwh);
    expect(seededRandom(3)()).toBe(seededRandom(3)());
  });

  it('advance their import register with time', () => {
    const states = new DeviceStates(1);
    const first = states.importRegister('D1', T0);
    const hourLater = states.importRegister('D1', T0 + HOUR);
    expect(hourLater - first).toBeCloseTo(states.get('D1', T0).importKw, 2);
    const answer = deviceAnswer(states, 'D1', ask('4.1.1', 'ReadInstantaneousImportRegisters'), T0 + HOUR, undefined);
    expect(answer.body).toEqual({ ReadInstantaneousImportRegisters: { ImportRegister: { Value: hourLater, Unit: 'kWh' }, ReadAt: new Date(T0 + HOUR).toISOString() } });
  });

  it('add a top-up to the credit once it is applied, and use the credit up as they import', () => {
    const states = new DeviceStates(1);
    const before = states.credit('D1', T0);
    const answer = deviceAnswer(states, 'D1', ask('2.2', 'TopUpDevice', { TopUpAmount: 500 }), T0, undefined);
    expect(answer.body).toEqual({ TopUpDevice: { CreditAdded: 500, MeterBalance: before + 500 } });
    expect(states.credit('D1', T0)).toBe(before);
    answer.apply!();
    expect(states.credit('D1', T0)).toBe(before + 500);
    const used = states.get('D1', T0).importKw * 10 * PENCE_PER_KWH;
    expect(states.credit('D1', T0 + 10 * HOUR)).toBe(Math.round(before + 500 - used));
  });

  it('add nothing for a top-up amount that is not a finite number, and keep their credit and its alerts', () => {
    const states = new DeviceStates(1);
    const before = states.credit('D1', T0);
    for (const TopUpAmount of ['5.00 GBP', 'Infinity', { Pence: 500 }, { toString: 1 }]) {
      const answer = deviceAnswer(states, 'D1', ask('2.2', 'TopUpDevice', { TopUpAmount }), T0, undefined);
      answer.apply!();
      expect(answer.body).toEqual({ TopUpDevice: { CreditAdded: 0, MeterBalance: before } });
    }
    expect(states.credit('D1', T0)).toBe(before);
    // 1e308 is a finite number, added once; a second would take the credit past any.
    deviceAnswer(states, 'D1', ask('2.2', 'TopUpDevice', { TopUpAmount: 1e308 }), T0, undefined).apply!();
    const again = deviceAnswer(states, 'D1', ask('2.2', 'TopUpDevice', { TopUpAmount: 1e308 }), T0, undefined);
    again.apply!();
    expect(again.body).toEqual({ TopUpDevice: { CreditAdded: 0, MeterBalance: before + 1e308 } });
    states.topUp('D1', Number.NaN, T0);
    expect(Number.isFinite(states.credit('D1', T0))).toBe(true);

    // The alerts are armed still: a second device's text top-up leaves its LOW_CREDIT due as before.
    const state = states.get('D2', T0);
    deviceAnswer(states, 'D2', ask('2.2', 'TopUpDevice', { TopUpAmount: '5.00 GBP' }), T0, undefined).apply!();
    expect(states.credit('D2', T0)).toBe(Math.round(state.creditPence));
    const lowAt = T0 + ((state.creditPence - 500) / (state.importKw * PENCE_PER_KWH)) * HOUR;
    expect(states.creditAlertsDue(lowAt + 1)).toContainEqual({ deviceId: 'D2', alertCode: 'LOW_CREDIT' });
  });

  it('report their credit with 4.18, and take the balance 1.5 sets, arming the credit alerts from it', () => {
    const states = new DeviceStates(1);
    const before = states.credit('D1', T0);
    expect(deviceAnswer(states, 'D1', ask('4.18', 'ReadMeterBalance'), T0, undefined).body).toEqual({ ReadMeterBalance: { MeterBalance: before } });
    const update = deviceAnswer(states, 'D1', ask('1.5', 'UpdateMeterBalance', { MeterBalance: 10_000 }), T0, undefined);
    expect(update.body).toEqual({ UpdateMeterBalance: { MeterBalance: 10_000 } });
    expect(states.credit('D1', T0)).toBe(before);
    update.apply!();
    const used = states.get('D1', T0).importKw * PENCE_PER_KWH;
    expect(deviceAnswer(states, 'D1', ask('4.18', 'ReadMeterBalance'), T0 + HOUR, undefined).body).toEqual({ ReadMeterBalance: { MeterBalance: Math.round(10_000 - used) } });
    deviceAnswer(states, 'D1', ask('1.5', 'UpdateMeterBalance', { Balance: 600 }), T0 + HOUR, undefined).apply!();
    expect(states.credit('D1', T0 + HOUR)).toBe(600);
    // Not a number: the balance stays, and is what it answers.
    const text = deviceAnswer(states, 'D1', ask('1.5', 'UpdateMeterBalance', { MeterBalance: '5.00 GBP' }), T0 + HOUR, undefined);
    expect([text.body, text.apply]).toEqual([{ UpdateMeterBalance: { MeterBalance: 600 } }, undefined]);
    // Set to 600 p: LOW_CREDIT once it has used 100 p.
    const lowAt = T0 + HOUR + (100 / used) * HOUR;
    expect(states.creditAlertsDue(lowAt - 1)).toEqual([]);
    expect(states.creditAlertsDue(lowAt + 1)).toEqual([{ deviceId: 'D1', alertCode: 'LOW_CREDIT' }]);
  });

  it('raise LOW_CREDIT, then CREDIT_BELOW_DISABLEMENT, once each as the credit falls below them; a top-up above arms them again', () => {
    const states = new DeviceStates(1);
    const state = states.get('D1', T0);
    const pencePerHour = state.importKw * PENCE_PER_KWH;
    const lowAt = T0 + ((state.creditPence - 500) / pencePerHour) * HOUR;
    const disabledAt = T0 + (state.creditPence / pencePerHour) * HOUR;
    expect(states.creditAlertsDue(lowAt - 1)).toEqual([]);
    expect(states.creditAlertsDue(lowAt + 1)).toEqual([{ deviceId: 'D1', alertCode: 'LOW_CREDIT' }]);
    expect(states.creditAlertsDue(lowAt + 2)).toEqual([]);
    // Topped up to about 600 p above the threshold: the earlier crossing of disablement is stale, new ones come.
    states.topUp('D1', 1_100 - states.credit('D1', lowAt + 2), lowAt + 2);
    expect(states.creditAlertsDue(disabledAt + 1)).toEqual([]);
    const lowAgain = lowAt + 2 + ((state.creditPence - 500) / pencePerHour) * HOUR;
    expect(states.creditAlertsDue(lowAgain - 1)).toEqual([]);
    expect(states.creditAlertsDue(lowAgain + 1)).toEqual([{ deviceId: 'D1', alertCode: 'LOW_CREDIT' }]);
    expect(states.creditAlertsDue(lowAt + 2 + (state.creditPence / pencePerHour) * HOUR + 1)).toEqual([{ deviceId: 'D1', alertCode: 'CREDIT_BELOW_DISABLEMENT' }]);
  });

  it('keep their armed credit alerts bounded by the devices held, however many top-ups and devices come and go, and still raise the live ones', () => {
    const states = new DeviceStates(1, 1_000);
    // 100,000 top-ups of 10 devices: each leaves its device's earlier alerts stale.
    for (let i = 0; i < 100_000; i++) states.topUp(`D${i % 10}`, 100, T0 + i);
    expect(states.armedCreditAlerts).toBeLessThanOrEqual(4 * 2 * 10 + 1_024);
    // 100,000 devices through a cap of 1,000: each evicted one leaves its alerts behind.
    for (let i = 0; i < 100_000; i++) states.get(`E${i}`, T0);
    expect(states.armedCreditAlerts).toBeLessThanOrEqual(4 * 2 * 1_000 + 1_024 + 2);
    // The live ones still come due: D0..D9 are gone (evicted), the last thousand E devices raise theirs.
    const due = states.creditAlertsDue(T0 + 10 ** 12);
    expect(new Set(due.map((alert) => alert.deviceId))).toEqual(new Set(Array.from({ length: 1_000 }, (_, i) => `E${99_000 + i}`).filter((id) => states.get(id, T0).creditPence > 0)));
  });

  it('past their limit, forget the least recently used device, not the oldest created', () => {
    const states = new DeviceStates(1, 3);
    for (const id of ['D1', 'D2', 'D3']) states.topUp(id, 1_000, T0);
    const credit = states.credit('D1', T0);
    // D1, the oldest created, is in use: D2 goes when D4 comes.
    states.get('D4', T0);
    expect(states.credit('D1', T0)).toBe(credit);
    states.get('D5', T0);
    expect(states.credit('D1', T0)).toBe(credit);
    // D2 was forgotten: it starts again from its seed, without its top-up.
    expect(states.credit('D2', T0)).toBe(new DeviceStates(1).credit('D2', T0));
  });

  it('keep the tariffs 1.1.x set and the prices 1.2.x set, for 4.11.x to read, by element', () => {
    const states = new DeviceStates(1);
    expect(deviceAnswer(states, 'D1', ask('4.11.1', 'ReadTariffPrimaryElement'), T0, undefined).body).toEqual({ ReadTariffPrimaryElement: {} });
    deviceAnswer(states, 'D1', ask('1.1.1', 'UpdateImportTariffPrimaryElement', { StandingCharge: 30 }), T0, undefined).apply!();
    deviceAnswer(states, 'D1', ask('1.2.1', 'UpdatePricePrimaryElement', { TOUPrice: [21] }), T0, undefined).apply!();
    deviceAnswer(states, 'D1', ask('1.1.2', 'UpdateImportTariffSecondaryElement', { StandingCharge: 5 }), T0, undefined).apply!();
    expect(deviceAnswer(states, 'D1', ask('4.11.1', 'ReadTariffPrimaryElement'), T0, undefined).body)
      .toEqual({ ReadTariffPrimaryElement: { StandingCharge: 30, Prices: { TOUPrice: [21] } } });
    expect(deviceAnswer(states, 'D1', ask('4.11.2', 'ReadTariffSecondaryElement'), T0, undefined).body)
      .toEqual({ ReadTariffSecondaryElement: { StandingCharge: 5 } });
    // Not applied (the network failed it): nothing changes.
    deviceAnswer(states, 'D1', ask('1.1.1', 'UpdateImportTariffPrimaryElement', { StandingCharge: 99 }), T0, undefined);
    expect(states.get('D1', T0).tariffs.Primary).toEqual({ StandingCharge: 30, Prices: { TOUPrice: [21] } });
  });

  it('activate firmware with 11.3, taking the SMETS1 distribution time, then report the version activated once it completes', () => {
    const states = new DeviceStates(1);
    const activation = deviceAnswer(states, 'D1', ask('11.3', 'SignedPreCommand', {}, '2.1'), T0, 5_000);
    expect(activation).toMatchObject({ body: { ActivateFirmware: { Activated: true } }, extraMs: 5_000, alertCode: 'FIRMWARE_ACTIVATED' });
    expect(deviceAnswer(states, 'D1', ask('11.2', 'ReadFirmwareVersion'), T0, undefined).body).toEqual({ ReadFirmwareVersion: { FirmwareVersion: '1.0' } });
    expect(activation.apply).toBeUndefined();
    activation.complete!();
    expect(states.get('D1', T0).activations).toBe(1);
    expect(deviceAnswer(states, 'D1', ask('11.2', 'ReadFirmwareVersion'), T0, undefined).body).toEqual({ ReadFirmwareVersion: { FirmwareVersion: '2.1' } });
    // Without an image named (no 11.1 before it), nothing is activated: the version stays, and no alert is raised.
    const nothing = deviceAnswer(states, 'D1', ask('11.3', 'ActivateFirmware'), T0, undefined);
    expect(nothing).toEqual({ body: { ActivateFirmware: { Activated: false, Reason: 'no firmware image distributed: no 11.1 named a version for the device' } } });
    expect(states.get('D1', T0)).toMatchObject({ firmwareVersion: '2.1', activations: 1 });
  });
});
