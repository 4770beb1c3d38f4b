import { describe, expect, it } from 'vitest';
import { applyCombinationUpdate, applyUpgradesUpdate, type CplEntry, type Device } from '@dccrouter/domain';
import { MemoryStore, StateUnavailableError, type DeviceUpdate, type NewOutboxItem } from '@dccrouter/state';
import { createLogger } from '../log/index.ts';
import { recordActivatedFirmware } from './firmware.ts';
import { recordInstallations } from './installations.ts';
import { storedJudge } from './registers.ts';

const SUPPLIER = '90-B3-D5-1F-30-00-00-01';
const METER = '00-DB-12-34-56-78-90-A0';
const REQUEST = `${SUPPLIER}:${METER}:11`;
const log = createLogger('silent');

/** A store whose first `failures` calls of one kind fail, as Redis out of reach for a moment. */
class FlakyStore extends MemoryStore {
  constructor(private updateFailures: number, private noticeFailures: number) {
    super();
  }
  override async updateDevices(deviceIds: readonly string[], change: (device: Device) => Device | undefined): Promise<DeviceUpdate[]> {
    if (this.updateFailures-- > 0) throw new StateUnavailableError('update devices: no answer in time');
    return super.updateDevices(deviceIds, change);
  }
  override async enqueueOutboxMany(entries: readonly { userId: string; item: NewOutboxItem }[]): Promise<void> {
    if (this.noticeFailures-- > 0) throw new StateUnavailableError('enqueue: no answer in time');
    return super.enqueueOutboxMany(entries);
  }
}

/** A store whose first device write lands but whose answer is lost, as when Redis's reply times out. */
class UnconfirmedStore extends MemoryStore {
  private lost = false;
  override async updateDevices(deviceIds: readonly string[], change: (device: Device) => Device | undefined): Promise<DeviceUpdate[]> {
    const updates = await super.updateDevices(deviceIds, change);
    if (this.lost) return updates;
    this.lost = true;
    throw new StateUnavailableError('update devices: no answer in time', { unconfirmed: true });
  }
}

/** A meter on 1.0 with 2.0 pended by an 11.1 before its 11.3 was accepted; the CPL lists only 1.0. */
async function activationOf(store: MemoryStore, device: Partial<Device> = {}, knownVersion?: string): Promise<void> {
  const pendedAt = Date.now() - 60_000;
  await store.putDevice({
    deviceId: METER, deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: SUPPLIER,
    deviceModel: 'M1', firmwareVersion: '1.0', pendingFirmwareVersion: '2.0', pendingFirmwareAt: new Date(pendedAt).toISOString(), ...device,
  });
  const listed: CplEntry = { deviceModel: 'M1', firmwareVersion: '1.0', status: 'listed', deviceType: 'ESME', certificates: { other: 'valid' }, updatedAt: new Date(pendedAt).toISOString() };
  await store.putSetting('cpl', [listed]);
  await store.recordAcceptance(REQUEST, {
    leg: 'single',
    legRecord: { bodyHash: 'h', srv: '11.3', answer: { status: 202, body: '{}' } },
    record: {
      requestId: REQUEST, originatorId: SUPPLIER, targetId: METER, srv: '11.3', commandVariant: 1, state: 'accepted', destination: 'smets2/north', acceptedAt: Date.now(),
      bodyElement: 'ActivateFirmware', bodyValue: {}, ...(knownVersion ? { firmwareVersion: knownVersion } : {}),
    },
    egress: {},
  });
}

describe('recordActivatedFirmware', () => {
  it('records the activated version though the first attempts fail, and tells the supplier its meter is now served suspended', async () => {
    const store = new FlakyStore(2, 0);
    await activationOf(store);
    recordActivatedFirmware(store, REQUEST, log, [10, 10, 10]);
    await expect.poll(async () => (await store.getDevice(METER))?.firmwareVersion).toBe('2.0');
    await expect.poll(async () => (await store.readOutbox(SUPPLIER, undefined, 10)).map((item) => item.alertCode)).toEqual(['DEVICE_SUSPENDED']);
  });

  it('tells the supplier of a change whose write landed though its answer was lost, and does not write it again', async () => {
    const store = new UnconfirmedStore();
    // The accepting router knew an older pending version (1.5): the store's, pended before the 11.3, is the one activated.
    await activationOf(store, {}, '1.5');
    recordActivatedFirmware(store, REQUEST, log, [10, 10, 10]);
    await expect.poll(async () => (await store.readOutbox(SUPPLIER, undefined, 10)).map((item) => item.alertCode)).toEqual(['DEVICE_SUSPENDED']);
    expect((await store.getDevice(METER))?.firmwareVersion).toBe('2.0');
  });

  it('goes on from the written change when only its notice failed: the supplier is told once', async () => {
    const store = new FlakyStore(0, 1);
    await activationOf(store);
    recordActivatedFirmware(store, REQUEST, log, [10, 10, 10]);
    await expect.poll(async () => (await store.readOutbox(SUPPLIER, undefined, 10)).map((item) => item.alertCode)).toEqual(['DEVICE_SUSPENDED']);
    expect((await store.getDevice(METER))?.firmwareVersion).toBe('2.0');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await store.readOutbox(SUPPLIER, undefined, 10)).toHaveLength(1);
  });

  it('keeps a SMETS1 installation eligible from when it was: its upgrade does not date it from its new combination\'s older entry', async () => {
    const store = new MemoryStore();
    const [entryAt, pathsAt] = [new Date('2026-01-10T00:00:00Z'), new Date('2026-03-01T00:00:00Z')];
    const entry = applyCombinationUpdate(undefined, 'E-2', { list: 'EPC', commsProvider: 'aclara', devices: [{ deviceType: 'ESME', deviceModel: 'M1', firmwareVersion: '2.0' }] }, entryAt);
    if (!entry.ok) throw new Error(entry.message);
    await store.putSetting('product-combinations', [entry.entry]);
    await store.putSetting('firmware-upgrades', [applyUpgradesUpdate(undefined, 'M1', { paths: [{ from: '1.0', to: '2.0' }] }, pathsAt)]);
    const smets1: Partial<Device> = { generation: 'SMETS1', cspRegion: undefined, smets1Cohort: 'aclara', installationId: 'INST-1', status: 'InstalledNotCommissioned' };
    await activationOf(store, smets1);
    await recordInstallations(store, await storedJudge(store), [(await store.getDevice(METER))!], [undefined], Date.now());
    recordActivatedFirmware(store, REQUEST, log, [10]);
    await expect.poll(async () => (await store.getInstallations(['INST-1']))[0]?.devices[0].firmwareVersion).toBe('2.0');
    // Eligible after upgrade since the path was added: so it stays, not from E-2's entry.
    expect((await store.getInstallations(['INST-1']))[0]?.eligibleFrom).toBe(pathsAt.getTime());
  });
});
