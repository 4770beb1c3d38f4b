import { describe, expect, it } from 'vitest';
import type { Device } from '../types/index.ts';
import { alertRecipients, isDeviceAlertCode } from './index.ts';

const meter: Device = {
  deviceId: '00-DB-12-34-56-78-90-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North',
  importSupplier: 'IS', exportSupplier: 'ES', electricityDistributor: 'ED',
};

describe('alertRecipients', () => {
  it('sends supply events to the suppliers and the network operator', () => {
    expect(alertRecipients('POWER_OUTAGE', meter)).toEqual(['IS', 'ES', 'ED']);
    expect(alertRecipients('POWER_RESTORED', { ...meter, deviceType: 'GSME', importSupplier: undefined, exportSupplier: undefined, electricityDistributor: undefined, gasSupplier: 'GS', gasTransporter: 'GT' }))
      .toEqual(['GS', 'GT']);
  });

  it('sends the rest to the suppliers alone, each User once', () => {
    expect(alertRecipients('TAMPER', meter)).toEqual(['IS', 'ES']);
    expect(alertRecipients('LOW_CREDIT', { ...meter, exportSupplier: 'IS' })).toEqual(['IS']);
  });

  it('sends a code outside the table (a GBCS alert code) to every responsible User', () => {
    expect(alertRecipients('8F3E', meter)).toEqual(['IS', 'ES', 'ED']);
    expect(alertRecipients('toString', meter)).toEqual(['IS', 'ES', 'ED']);
  });

  it('reaches nobody on a device without responsible Users', () => {
    expect(alertRecipients('TAMPER', { deviceId: 'x', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+' })).toEqual([]);
  });

  it('knows its codes', () => {
    expect(isDeviceAlertCode('POWER_OUTAGE')).toBe(true);
    expect(isDeviceAlertCode('toString')).toBe(false);
  });
});
