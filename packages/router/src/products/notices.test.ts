import { describe, expect, it } from 'vitest';
import { indexCpl, type CplEntry, type Device } from '@dccrouter/domain';
import { MemoryStore } from '@dccrouter/state';
import { noticeDeviceChange, noticeDeviceChanges } from './notices.ts';

const SUPPLIER = '90-B3-D5-1F-30-00-00-01';
const DISTRIBUTOR = '90-B3-D5-1F-30-00-00-02';
const cpl = indexCpl([{ deviceModel: 'M1', firmwareVersion: '2.0', status: 'listed' } as CplEntry]);
const meter = (firmwareVersion: string, status: Device['status'] = 'Commissioned'): Device => ({
  deviceId: '00-DB-12-34-56-78-90-A0', deviceType: 'ESME', status, generation: 'SMETS2+', cspRegion: 'North',
  deviceModel: 'M1', firmwareVersion, importSupplier: SUPPLIER, exportSupplier: SUPPLIER, electricityDistributor: DISTRIBUTOR,
});

async function alertsAfter(before: Device | undefined, after: Device) {
  const store = new MemoryStore();
  const outcome = await noticeDeviceChange(store, cpl, before, after);
  const read = async (userId: string) => (await store.readOutbox(userId, undefined, 10)).map((item) => `${item.alertCode} ${item.deviceId} ${(item.body as { firmwareVersion: string }).firmwareVersion}`);
  return { outcome, supplier: await read(SUPPLIER), distributor: await read(DISTRIBUTOR) };
}

describe('noticeDeviceChange', () => {
  it('tells each responsible User once when a rewrite restores or suspends the device', async () => {
    expect(await alertsAfter(meter('1.0'), meter('2.0'))).toEqual({
      outcome: 'restored', supplier: ['DEVICE_RESTORED 00-DB-12-34-56-78-90-A0 2.0'], distributor: ['DEVICE_RESTORED 00-DB-12-34-56-78-90-A0 2.0'],
    });
    expect(await alertsAfter(meter('2.0'), meter('3.0'))).toMatchObject({ outcome: 'suspended', supplier: ['DEVICE_SUSPENDED 00-DB-12-34-56-78-90-A0 3.0'] });
    // An operator's status counts as the CPL's does.
    expect(await alertsAfter(meter('2.0'), meter('2.0', 'Suspended'))).toMatchObject({ outcome: 'suspended' });
    expect(await alertsAfter(meter('2.0', 'Suspended'), meter('2.0'))).toMatchObject({ outcome: 'restored' });
  });

  it('says nothing when the device stays as served, or is new to the inventory', async () => {
    expect(await alertsAfter(meter('1.0'), meter('1.5'))).toEqual({ outcome: undefined, supplier: [], distributor: [] });
    expect(await alertsAfter(meter('2.0'), meter('2.0'))).toEqual({ outcome: undefined, supplier: [], distributor: [] });
    expect(await alertsAfter(undefined, meter('1.0'))).toEqual({ outcome: undefined, supplier: [], distributor: [] });
  });
});

describe('noticeDeviceChanges', () => {
  it('tells of every device of an import whose service changed, in one go, and of none other', async () => {
    const store = new MemoryStore();
    const other = (firmwareVersion: string): Device => ({ ...meter(firmwareVersion), deviceId: '00-DB-12-34-56-78-90-A1' });
    const fresh: Device = { ...meter('9.9'), deviceId: '00-DB-12-34-56-78-90-A2' };
    const counts = await noticeDeviceChanges(store, cpl, [meter('2.0'), other('1.0'), undefined, meter('2.0')], [meter('3.0'), other('2.0'), fresh, meter('2.0')]);
    expect(counts).toEqual({ suspended: 1, restored: 1 });
    expect((await store.readOutbox(SUPPLIER, undefined, 10)).map((item) => `${item.alertCode} ${item.deviceId}`))
      .toEqual(['DEVICE_SUSPENDED 00-DB-12-34-56-78-90-A0', 'DEVICE_RESTORED 00-DB-12-34-56-78-90-A1']);
  });
});
