import { destinationOf, supplierStartsAt, type Device, type Installation, type User } from '@dccrouter/domain';
import { compareCursors } from '../shared/index.ts';
import {
  DIRECTORY_LOG_LENGTH, DIRECTORY_RESET_OVER, installationGroup, StateUnavailableError, UPDATE_ATTEMPTS,
  type StartingInstallation, type DeviceUpdate, type DeviceWrite, type DirectoryChanges, type InstallationChange, type InstallationWrite,
} from '../store/index.ts';
import { MemoryStream } from './queues.ts';
import { copy, type MemoryState } from './state.ts';

/** Users, devices and installations, and the change log every router's cache follows. */
export class MemoryDirectory {
  /** Device IDs by the destination they route to. */
  private readonly devicesAt = new Map<string, Set<string>>();
  private readonly installations = new Map<string, Installation>();
  /** Installations by supplier then group, with their acquisition times (RedisStore's indexes). */
  private readonly supplierGroups = new Map<string, Map<string, Map<string, number>>>();
  private readonly directoryLog = new MemoryStream<{ users?: string[]; devices?: string[]; reset?: boolean }>();

  constructor(private readonly state: MemoryState) {}

  async putUser(user: User): Promise<void> {
    this.state.users.set(user.userId, copy(user));
    this.directoryLog.append({ users: [user.userId] });
  }

  async getUser(userId: string): Promise<User | undefined> {
    const user = this.state.users.get(userId);
    return user && copy(user);
  }

  async putDevice(device: Device): Promise<void> {
    this.setDevice(device);
    this.directoryLog.append({ devices: [device.deviceId] });
  }

  async putDevices(devices: readonly Device[]): Promise<void> {
    for (const device of devices) this.setDevice(device);
    this.logDevicesWritten(devices);
  }

  /** Many devices written: every cache drops them, or past DIRECTORY_RESET_OVER starts again. */
  private logDevicesWritten(devices: readonly Device[]): void {
    if (devices.length > DIRECTORY_RESET_OVER) this.directoryLog.append({ reset: true });
    else if (devices.length > 0) this.directoryLog.append({ devices: devices.map((device) => device.deviceId) });
  }

  async mergeDevices(devices: readonly Device[], merge: (written: Device, stored: Device | undefined) => Device): Promise<DeviceWrite[]> {
    const writes: DeviceWrite[] = [];
    try {
      for (const written of devices) {
        let stored: Device | undefined;
        let after: Device;
        // Merged again when `merge` itself wrote the device (the store's only way to change it meanwhile).
        do {
          stored = this.state.devices.get(written.deviceId);
          after = merge(copy(written), stored && copy(stored));
        } while (this.state.devices.get(written.deviceId) !== stored);
        this.setDevice(after);
        writes.push({ before: stored && copy(stored), after: copy(after) });
      }
    } finally {
      // Logged whether or not `merge` threw part-way: the devices written must reach every cache.
      this.logDevicesWritten(writes.map((write) => write.after));
    }
    return writes;
  }

  async updateDevices(deviceIds: readonly string[], change: (device: Device) => Device | undefined): Promise<DeviceUpdate[]> {
    const updates: DeviceUpdate[] = [];
    try {
      for (const deviceId of deviceIds) {
        const before = this.state.devices.get(deviceId);
        const after = before && change(copy(before));
        if (!before || !after) continue;
        this.setDevice(after);
        updates.push({ before: copy(before), after: copy(after) });
      }
    } finally {
      // Logged whether or not `change` threw part-way: the devices written must reach every cache.
      if (updates.length > 0) this.directoryLog.append({ devices: updates.map((update) => update.after.deviceId) });
    }
    return updates;
  }

  async putInstallations(installations: readonly InstallationWrite[]): Promise<void> {
    for (const next of installations) this.putInstallation(next);
  }

  async updateInstallations(installationIds: readonly string[], change: InstallationChange): Promise<void> {
    for (const installationId of new Set(installationIds)) {
      for (let attempt = 1; ; attempt++) {
        const stored = this.installations.get(installationId);
        const next = change(installationId, stored && copy(stored));
        // Written meanwhile (by `change` itself, the one way here): changed again from that.
        if (this.installations.get(installationId) === stored) {
          if (next) this.putInstallation(next);
          break;
        }
        if (attempt === UPDATE_ATTEMPTS) throw new StateUnavailableError(`installation ${installationId} kept changing under ${UPDATE_ATTEMPTS} attempts to write it`);
      }
    }
  }

  private putInstallation(next: InstallationWrite): void {
    const old = this.installations.get(next.installationId);
    if (old) this.indexInstallation(old, -1);
    if ('deleted' in next) this.installations.delete(next.installationId);
    else {
      this.installations.set(next.installationId, copy(next));
      this.indexInstallation(next, 1);
    }
  }

  private indexInstallation(installation: Installation, by: 1 | -1): void {
    const group = installationGroup(installation);
    for (const supplier of installation.suppliers) {
      let groups = this.supplierGroups.get(supplier);
      if (!groups) this.supplierGroups.set(supplier, (groups = new Map()));
      let members = groups.get(group);
      if (!members) groups.set(group, (members = new Map()));
      if (by > 0) members.set(installation.installationId, supplierStartsAt(installation, supplier) ?? 0);
      else members.delete(installation.installationId);
      if (members.size === 0) groups.delete(group);
    }
  }

  async getInstallations(installationIds: readonly string[]): Promise<(Installation | undefined)[]> {
    return installationIds.map((id) => {
      const installation = this.installations.get(id);
      return installation && copy(installation);
    });
  }

  async supplierInstallationGroups(supplier: string): Promise<Record<string, number>> {
    return Object.fromEntries([...this.supplierGroups.get(supplier) ?? []].map(([group, members]) => [group, members.size]));
  }

  async installationsStartingBy(supplier: string, group: string, until: number, max = Infinity): Promise<StartingInstallation[]> {
    const members = [...this.supplierGroups.get(supplier)?.get(group) ?? []].filter(([, at]) => at <= until);
    return members.sort(([a, at], [b, bt]) => at - bt || (a < b ? -1 : 1)).slice(0, max)
      .map(([installationId, at]) => (at === 0 ? { installationId } : { installationId, startsAt: at }));
  }

  /** A device written, and moved to the destination it now routes to. */
  private setDevice(device: Device): void {
    const before = this.state.devices.get(device.deviceId);
    const [was, is] = [before && destinationOf(before), destinationOf(device)];
    if (was !== is && was !== undefined) this.devicesAt.get(was)?.delete(device.deviceId);
    if (is !== undefined) {
      const members = this.devicesAt.get(is);
      if (members) members.add(device.deviceId);
      else this.devicesAt.set(is, new Set([device.deviceId]));
    }
    this.state.devices.set(device.deviceId, copy(device));
  }

  async countDevicesAt(destination: string): Promise<number> {
    return this.devicesAt.get(destination)?.size ?? 0;
  }

  async sampleDevicesAt(destination: string, count: number): Promise<string[]> {
    const members = [...this.devicesAt.get(destination) ?? []];
    // A partial Fisher-Yates shuffle: the first `count` places.
    const n = Math.min(Math.max(0, Math.floor(count)), members.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(Math.random() * (members.length - i));
      [members[i], members[j]] = [members[j], members[i]];
    }
    return members.slice(0, n);
  }

  async devicesOfModel(deviceModel: string, cursor: string | undefined, count: number): Promise<{ devices: Device[]; cursor: string | undefined }> {
    const all = [...this.state.devices.values()].filter((device) => device.deviceModel === deviceModel);
    const start = Number(cursor ?? 0);
    const page = all.slice(start, start + count).map(copy);
    return { devices: page, cursor: start + count < all.length ? String(start + count) : undefined };
  }

  async leaseAlerts(destination: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.state.lease(`alerts:${destination}`, owner, ttlMs);
  }

  async directoryChanges(cursor: string | undefined, limit = 1000): Promise<DirectoryChanges> {
    const log = this.directoryLog;
    if (cursor === undefined) return { cursor: log.last() ?? '0-0', users: [], devices: [], reset: false };
    log.trimToLength(DIRECTORY_LOG_LENGTH);
    const entries = log.after(cursor, limit);
    const reset = log.trimmedUpTo !== undefined && compareCursors(log.trimmedUpTo, cursor) > 0;
    const changes: DirectoryChanges = { cursor: entries.at(-1)?.id ?? cursor, users: [], devices: [], reset };
    for (const { value } of entries) {
      if (value.reset) changes.reset = true;
      changes.users.push(...(value.users ?? []));
      changes.devices.push(...(value.devices ?? []));
    }
    return changes;
  }

  async getDevice(deviceId: string): Promise<Device | undefined> {
    const device = this.state.devices.get(deviceId);
    return device && copy(device);
  }

  async getDevices(deviceIds: readonly string[]): Promise<(Device | undefined)[]> {
    return deviceIds.map((deviceId) => {
      const device = this.state.devices.get(deviceId);
      return device && copy(device);
    });
  }
}
