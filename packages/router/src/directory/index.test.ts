import { describe, expect, it } from 'vitest';
import type { Device } from '@dccrouter/domain';
import { MemoryStore } from '@dccrouter/state';
import { createLogger } from '../log/index.ts';
import { Directory } from './index.ts';

const log = createLogger('silent');
const device = (deviceId: string, status: Device['status'] = 'Commissioned'): Device => ({ deviceId, deviceType: 'ESME', status, generation: 'SMETS2+', cspRegion: 'North' });

/** Two routers' directories over one store; their loops are not started, so sync() is called by hand. */
async function twoInstances() {
  const store = new MemoryStore();
  // reads: devices read from the store; calls: the store calls that read them.
  const counted = { reads: 0, calls: 0 };
  const getDevices = store.getDevices.bind(store);
  store.getDevices = (ids: readonly string[]) => {
    counted.reads += ids.length;
    counted.calls++;
    return getDevices(ids);
  };
  const options = { syncIntervalMs: 60_000, maxEntries: 3 };
  const [a, b] = [new Directory(store, options, log), new Directory(store, options, log)];
  for (const directory of [a, b]) await directory.sync();
  return { store, a, b, counted };
}

describe('Directory', () => {
  it('reads a device once, then answers from the cache', async () => {
    const { a, b, counted } = await twoInstances();
    await b.putDevice(device('D1'));
    expect((await a.device('D1'))?.status).toBe('Commissioned');
    expect((await a.device('D1'))?.status).toBe('Commissioned');
    expect(counted.reads).toBe(1);
  });

  it('reads the misses of one turn together, a device asked for twice once', async () => {
    const { a, b, counted } = await twoInstances();
    await b.mergeDevices(['D1', 'D2'].map((id) => device(id)), (written) => written);
    const found = await Promise.all(['D1', 'D2', 'D1', 'D7'].map((id) => a.device(id)));
    expect(found.map((each) => each?.deviceId)).toStrictEqual(['D1', 'D2', 'D1', undefined]);
    expect(counted).toStrictEqual({ reads: 3, calls: 1 });
  });

  it('fails every miss of the turn when the read fails, and reads again next time', async () => {
    const { store, a, b } = await twoInstances();
    await b.putDevice(device('D1'));
    const getDevices = store.getDevices;
    store.getDevices = () => Promise.reject(new Error('store away'));
    await expect(Promise.all([a.device('D1'), a.device('D2')])).rejects.toThrow('store away');
    store.getDevices = getDevices;
    expect((await a.device('D1'))?.deviceId).toBe('D1');
  });

  it("sees another instance's change once it reads the change log, and its own at once", async () => {
    const { a, b } = await twoInstances();
    await a.putDevice(device('D1'));
    await a.device('D1');
    await b.putDevice(device('D1', 'Suspended'));
    expect((await a.device('D1'))?.status).toBe('Commissioned');
    await a.sync();
    expect((await a.device('D1'))?.status).toBe('Suspended');
    await a.putDevice(device('D1', 'Decommissioned'));
    expect((await a.device('D1'))?.status).toBe('Decommissioned');
  });

  it('drops its own copy of a write that failed after it may have landed, so it never serves the old value for it', async () => {
    const { store, a } = await twoInstances();
    await a.putDevice(device('D1'));
    expect((await a.device('D1'))?.status).toBe('Commissioned');
    // The write lands, then its confirmation is lost (as a change-log entry failing after the SET).
    const putDevice = store.putDevice.bind(store);
    store.putDevice = async (written: Device) => {
      await putDevice(written);
      throw new Error('connection lost');
    };
    await expect(a.putDevice(device('D1', 'Suspended'))).rejects.toThrow('connection lost');
    expect((await a.device('D1'))?.status).toBe('Suspended');
  });

  it('never caches what was not found, so a new device is served at once', async () => {
    const { a, b } = await twoInstances();
    expect(await a.device('D9')).toBeUndefined();
    await b.putDevice(device('D9'));
    expect((await a.device('D9'))?.deviceId).toBe('D9');
  });

  it('drops everything after a bulk import, and keeps at most maxEntries', async () => {
    const { a, b, counted } = await twoInstances();
    await b.mergeDevices(['D1', 'D2', 'D3', 'D4'].map((id) => device(id)), (written) => written);
    for (const id of ['D1', 'D2', 'D3', 'D4']) await a.device(id);
    expect(counted.reads).toBe(4);
    // D1 was the oldest of four in a cache of three: read again.
    await a.device('D4');
    await a.device('D1');
    expect(counted.reads).toBe(5);
    await b.mergeDevices(Array.from({ length: 101 }, (_, i) => device(`B${i}`)), (written) => written);
    await a.sync();
    await a.device('D4');
    expect(counted.reads).toBe(6);
  });

  it('does not cache a value read while a change was being applied', async () => {
    const { store, a, b } = await twoInstances();
    await b.putDevice(device('D1'));
    let release!: () => void;
    const getDevices = store.getDevices;
    store.getDevices = async (ids: readonly string[]) => {
      const found = await getDevices(ids);
      await new Promise<void>((resolve) => (release = resolve));
      return found;
    };
    const reading = a.device('D1');
    // The turn's read starts at the next setImmediate, and is then held.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await b.putDevice(device('D1', 'Suspended'));
    await a.sync();
    release();
    expect((await reading)?.status).toBe('Commissioned');
    store.getDevices = getDevices;
    expect((await a.device('D1'))?.status).toBe('Suspended');
  });

  it('forgets what it cached while its change log cannot be read: a change it may have missed is read afresh', async () => {
    const { store, b, counted } = await twoInstances();
    const a = new Directory(store, { syncIntervalMs: 20, maxEntries: 3 }, log);
    await a.start();
    try {
      await b.putDevice(device('D1'));
      await a.device('D1');
      expect(counted.reads).toBe(1);
      store.directoryChanges = () => Promise.reject(new Error('store away'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await a.device('D1'))?.deviceId).toBe('D1');
      expect(counted.reads).toBe(2);
    } finally {
      await a.stop();
    }
  });
});
