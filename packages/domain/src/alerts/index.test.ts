import { describe, expect, it } from 'vitest';
import type { Device } from '../types/index.ts';
import { alertRecipients } from './index.ts';

const meter: Device = {
  deviceId: '00-DB-12-34-56-78-90-A0', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North',
  importSupplier: 'IS', exportSupplier: 'ES', electricityDistributor: 'ED',
};

describe('alertRecipients', () => {
  it('sends every code to every party registered on the device (contract: the device\'s responsible Users), each User once', () => {
    expect(alertRecipients(meter)).toEqual(['IS', 'ES', 'ED']);
    expect(alertRecipients({ ...meter, deviceType: 'GSME', importSupplier: undefined, exportSupplier: undefined, electricityDistributor: undefined, gasSupplier: 'GS', gasTransporter: 'GT' }))
      .toEqual(['GS', 'GT']);
    expect(alertRecipients({ ...meter, exportSupplier: 'IS' })).toEqual(['IS', 'ED']);
  });

  it('reaches nobody on a device without responsible Users', () => {
    expect(alertRecipients({ deviceId: 'x', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+' })).toEqual([]);
  });
});
