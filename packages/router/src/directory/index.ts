import type { Device, User } from '@dccrouter/domain';
import type { DeviceUpdate, DeviceWrite, StateStore } from '@dccrouter/state';
import { Periodic } from '../background/index.ts';
import type { Logger } from '../log/index.ts';

export interface DirectoryOptions {
  /** How often the shared change log is read: every instance sees an operator's change within this. */
  syncIntervalMs: number;
  /** Entries kept per kind; the oldest go first. */
  maxEntries: number;
}

export interface DirectoryMetrics {
  hit(kind: 'user' | 'device'): void;
  miss(kind: 'user' | 'device'): void;
}

/**
 * Users and devices cached in-process, so the request path reads neither from the store. Every
 * write (by any instance) is logged in the store; each instance reads that log every
 * `syncIntervalMs` and drops what changed, and drops it at once for its own writes. A miss costs
 * one read, and what is not found is never cached, so a new device is seen at once. Device misses
 * of one turn (a verified batch resumes together) share that read.
 */
export class Directory {
  private readonly users = new Map<string, User>();
  private readonly devices = new Map<string, Device>();
  private cursor?: string;
  /** Bumped by every drop: a read that overlapped one may hold the old value, so it is not cached. */
  private epoch = 0;
  private readonly loop: Periodic;
  /** Device misses waiting for the turn's one read, by ID (a device asked for twice is read once). */
  private deviceMisses = new Map<string, { resolve: (device: Device | undefined) => void; reject: (error: unknown) => void }[]>();

  constructor(
    private readonly store: StateStore,
    private readonly options: DirectoryOptions,
    log: Logger,
    private readonly metrics?: DirectoryMetrics,
  ) {
    this.loop = new Periodic('directory-sync', options.syncIntervalMs, () => this.syncOrForget(), log);
  }

  async start(): Promise<void> {
    this.cursor = (await this.store.directoryChanges(undefined)).cursor;
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** The User, read from the store on a miss. */
  user(userId: string): Promise<User | undefined> {
    return this.find(this.users, 'user', userId, (id) => this.store.getUser(id));
  }

  /** The device, read from the store on a miss, with the turn's other misses. */
  device(deviceId: string): Promise<Device | undefined> {
    return this.find(this.devices, 'device', deviceId, (id) => this.readWithOthers(id));
  }

  private readWithOthers(deviceId: string): Promise<Device | undefined> {
    return new Promise((resolve, reject) => {
      if (this.deviceMisses.size === 0) setImmediate(() => this.readMisses());
      const waiting = this.deviceMisses.get(deviceId);
      if (waiting) waiting.push({ resolve, reject });
      else this.deviceMisses.set(deviceId, [{ resolve, reject }]);
    });
  }

  private readMisses(): void {
    const misses = this.deviceMisses;
    this.deviceMisses = new Map();
    const ids = [...misses.keys()];
    this.store.getDevices(ids).then(
      (devices) => ids.forEach((id, i) => misses.get(id)!.forEach((waiting) => waiting.resolve(devices[i]))),
      (error) => misses.forEach((waiting) => waiting.forEach((each) => each.reject(error))),
    );
  }

  private async find<T>(cache: Map<string, T>, kind: 'user' | 'device', id: string, read: (id: string) => Promise<T | undefined>): Promise<T | undefined> {
    const cached = cache.get(id);
    if (cached) {
      this.metrics?.hit(kind);
      return cached;
    }
    this.metrics?.miss(kind);
    const epoch = this.epoch;
    const found = await read(id);
    if (found && epoch === this.epoch) remember(cache, id, found, this.options.maxEntries);
    return found;
  }

  // Dropped here whether the write was confirmed or not: a write that failed after it landed (its
  // change-log entry lost) must not leave this instance serving the old value.
  putUser(user: User): Promise<void> {
    return this.store.putUser(user).finally(() => this.drop([user.userId], []));
  }

  putDevice(device: Device): Promise<void> {
    return this.store.putDevice(device).finally(() => this.drop([], [device.deviceId]));
  }

  /** Devices written over what the store holds at the time of the write (StateStore.mergeDevices): an import. */
  mergeDevices(devices: readonly Device[], merge: (written: Device, stored: Device | undefined) => Device): Promise<DeviceWrite[]> {
    return this.store.mergeDevices(devices, merge).finally(() => this.drop([], devices.map((device) => device.deviceId)));
  }

  /** A change of devices as the store holds them (StateStore.updateDevices), never this cache's possibly older copy. */
  updateDevices(deviceIds: readonly string[], change: (device: Device) => Device | undefined): Promise<DeviceUpdate[]> {
    return this.store.updateDevices(deviceIds, change).finally(() => this.drop([], deviceIds));
  }

  /** Reads the shared change log once (exposed for tests; runs by itself every syncIntervalMs). */
  async sync(): Promise<void> {
    for (;;) {
      const changes = await this.store.directoryChanges(this.cursor);
      this.cursor = changes.cursor;
      if (changes.reset) {
        this.forget();
      } else if (changes.users.length > 0 || changes.devices.length > 0) {
        this.drop(changes.users, changes.devices);
      } else return;
    }
  }

  private drop(users: readonly string[], devices: readonly string[]): void {
    this.epoch++;
    for (const userId of users) this.users.delete(userId);
    for (const deviceId of devices) this.devices.delete(deviceId);
  }

  /**
   * Drops everything cached and follows the change log from its newest entry: for a store found
   * emptied, whose log began again (what was cached is gone from it too).
   */
  async restart(): Promise<void> {
    this.forget();
    this.cursor = (await this.store.directoryChanges(undefined)).cursor;
  }

  private forget(): void {
    this.users.clear();
    this.devices.clear();
    this.epoch++;
  }

  private async syncOrForget(): Promise<void> {
    try {
      await this.sync();
    } catch (error) {
      // Until the log can be read again, nothing cached can be trusted to be current.
      this.forget();
      throw error;
    }
  }
}

/** Insertion order is age: the oldest entry goes when the map is full. */
function remember<T>(map: Map<string, T>, key: string, value: T, max: number): void {
  if (map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
}
