import { setTimeout as sleep } from 'node:timers/promises';
import type { ChainableCommander } from 'ioredis';
import { destinationOf, type Device, type Installation, type User } from '@dccrouter/domain';
import { compareCursors } from '../shared/index.ts';
import {
  DIRECTORY_LOG_LENGTH, DIRECTORY_RESET_OVER, StateUnavailableError, UPDATE_ATTEMPTS,
  type StartingInstallation, type DeviceUpdate, type DeviceWrite, type DirectoryChanges, type InstallationChange, type InstallationWrite,
} from '../store/index.ts';
import { ifUnchanged, RedisPart, type ScriptedPipeline } from './base.ts';
import { parse } from './records.ts';

/** Devices per pipeline and pipelines in flight for putDevices; see putDevices for the throughput. */
const DEVICES_PER_PIPELINE = 2_000;
const PIPELINES_IN_FLIGHT = 4;

/** Installations per page of a supplier's acquisition range. */
const ACQUIRED_PAGE = 20_000;
/** Installations per put-installations script call. */
const INSTALLATIONS_PER_CALL = 1_000;

/** Waits before each further try of a directory change's log entry (a failover takes about a second). */
const LOG_RETRY_DELAYS_MS = [100, 400, 1_000];

/** A hash of counts as numbers. */
function counts(fields: Record<string, string>): Record<string, number> {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, Number(value)]));
}

/** Users, devices (with their models) and installations, and the log of changes that keeps every router's cache of them current. */
export class RedisDirectory extends RedisPart {
  async putUser(user: User): Promise<void> {
    const pipeline = this.pipeline().set(this.userKey(user.userId), JSON.stringify(user));
    if (user.receiveEndpoint) pipeline.sadd(this.webhookUsersKey(), user.userId);
    else pipeline.srem(this.webhookUsersKey(), user.userId);
    await this.exec('SET user', pipeline);
    await this.logDirectoryChange('u', user.userId);
  }

  /**
   * Logged once the write is confirmed, so a cache that sees the change reads the new value: in
   * one pipeline, a Redis Cluster sends each command to its own node at once, and the log entry
   * could land first (a cache then re-reads the old value and keeps it).
   */
  private async logDirectoryChange(kind: 'u' | 'd' | 'reset', ids: string): Promise<void> {
    // The write has landed: until its entry is logged, other routers' caches keep the old value.
    // A blip is ridden out here (an entry logged twice only invalidates twice); past the retries,
    // the caller's error says to repeat the write, which logs it again.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.call('log directory change', () => this.redis.xadd(`${this.prefix}dir-changes`, 'MAXLEN', '~', DIRECTORY_LOG_LENGTH, '*', kind, ids));
        return;
      } catch (error) {
        if (attempt >= LOG_RETRY_DELAYS_MS.length) throw error;
        await sleep(LOG_RETRY_DELAYS_MS[attempt]);
      }
    }
  }

  async directoryChanges(cursor: string | undefined, limit = 1000): Promise<DirectoryChanges> {
    const key = `${this.prefix}dir-changes`;
    if (cursor === undefined) {
      const [newest] = await this.call('XREVRANGE directory', () => this.redis.xrevrange(key, '+', '-', 'COUNT', 1));
      return { cursor: newest?.[0] ?? '0-0', users: [], devices: [], reset: false };
    }
    const results = await this.call('read directory changes', () => this.pipeline()
      .xrange(key, `(${cursor}`, '+', 'COUNT', limit).call('XINFO', 'STREAM', key).exec());
    const [[rangeError, entries], [infoError, info]] = results as [[Error | null, [string, string[]][]], [Error | null, unknown[]]];
    if (rangeError) throw this.unavailable('read directory changes', rangeError);
    const changes: DirectoryChanges = { cursor: entries.at(-1)?.[0] ?? cursor, users: [], devices: [], reset: false };
    // No stream yet (nothing ever written) is an empty log. Once trimmed, a cursor older than the
    // first entry kept may have missed changes: start afresh (a cache refill, never a stale entry).
    if (!infoError) {
      const field = (name: string) => info[info.indexOf(name) + 1];
      const first = field('recorded-first-entry-id') as string;
      const everTrimmed = Number(field('entries-added')) > Number(field('length'));
      if (everTrimmed && compareCursors(first, cursor) > 0) changes.reset = true;
    }
    for (const [, [kind, ids]] of entries) {
      if (kind === 'u') changes.users.push(ids);
      else if (kind === 'd') changes.devices.push(...ids.split(','));
      else changes.reset = true;
    }
    return changes;
  }

  async updateDevices(deviceIds: readonly string[], change: (device: Device) => Device | undefined): Promise<DeviceUpdate[]> {
    const settled = await Promise.allSettled(deviceIds.map((deviceId) => this.updateDevice(deviceId, change)));
    const changed = settled.flatMap((result) => (result.status === 'fulfilled' && result.value ? [result.value] : []));
    // Logged whether or not every device was written: those that were must reach every cache.
    if (changed.length > 0) await this.logDirectoryChange('d', changed.map((update) => update.after.deviceId).join(','));
    const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    return changed;
  }

  /** One device changed against what Redis holds (updateJson); an unknown one is left alone. */
  private async updateDevice(deviceId: string, change: (device: Device) => Device | undefined): Promise<DeviceUpdate | undefined> {
    const updated = await this.updateJson<Device>(this.deviceKey(deviceId), 'device', `device ${deviceId}`, (before) => before && change(structuredClone(before)));
    if (!updated?.before) return undefined;
    // Its model's and destination's sets only ever gain members (a sample drops those moved away).
    const indexes = this.pipeline();
    this.indexDevice(indexes, updated.after);
    await this.exec('index device', indexes);
    return { before: updated.before, after: updated.after };
  }

  async getUser(userId: string): Promise<User | undefined> {
    return parse<User>(await this.call('GET user', () => this.redis.get(this.userKey(userId))));
  }

  async putDevice(device: Device): Promise<void> {
    const pipeline = this.pipeline().set(this.deviceKey(device.deviceId), JSON.stringify(device));
    this.indexDevice(pipeline, device);
    await this.exec('SET device', pipeline);
    await this.logDirectoryChange('d', device.deviceId);
  }

  /**
   * Chunked pipelines, a few in flight. Measured with 1,000,000 new devices against a local Redis 7.0
   * on 2 cores: 4 to 6 s under Bun (overwriting them: about 3 s), 10 to 18 s under Node 20.
   */
  async putDevices(devices: readonly Device[]): Promise<void> {
    try {
      await this.inChunks(devices, async (chunk) => {
        const pipeline = this.pipeline();
        for (const device of chunk) {
          pipeline.set(this.deviceKey(device.deviceId), JSON.stringify(device));
          this.indexDevice(pipeline, device);
        }
        await this.exec('SET devices', pipeline);
      });
    } finally {
      // Logged whether or not every chunk was written: the chunks that were must reach the caches.
      await this.logDevicesWritten(devices.map((device) => device.deviceId));
    }
  }

  /**
   * putDevices where what is written depends on what is stored: each device merged with the one
   * Redis holds, written only if that is still so (set-if-unchanged.lua, pipelined), and the
   * devices another writer changed meanwhile read and merged again, up to UPDATE_ATTEMPTS each.
   * Of a device given more than once, one is written a round, in order.
   */
  async mergeDevices(devices: readonly Device[], merge: (written: Device, stored: Device | undefined) => Device): Promise<DeviceWrite[]> {
    const writes: DeviceWrite[] = new Array(devices.length);
    // Devices of a chunk whose write failed unconfirmed: it may have landed, so caches must drop them.
    const unconfirmed: string[] = [];
    const misses = new Array<number>(devices.length).fill(0);
    let pending = devices.map((_, i) => i);
    try {
      while (pending.length > 0) {
        const now: number[] = [];
        const later: number[] = [];
        const sent = new Set<string>();
        for (const i of pending) {
          const deviceId = devices[i].deviceId;
          if (sent.has(deviceId)) later.push(i);
          else (sent.add(deviceId), now.push(i));
        }
        const missed: number[] = [];
        await this.inChunks(now, async (chunk) => {
          const read = await this.getMany(chunk.map((i) => this.deviceKey(devices[i].deviceId)), 'devices');
          const pipeline = this.pipeline() as ScriptedPipeline;
          const merged = chunk.map((i, k) => {
            const before = parse<Device>(read[k]);
            const after = merge(devices[i], before);
            pipeline.setIfUnchanged(...ifUnchanged(this.deviceKey(after.deviceId), read[k], after));
            return { before, after };
          });
          const results = await this.exec('set devices if unchanged', pipeline).catch((error: unknown) => {
            unconfirmed.push(...chunk.map((i) => devices[i].deviceId));
            throw error;
          });
          const indexes = this.pipeline();
          chunk.forEach((i, k) => {
            if (results[k] !== 1) return missed.push(i);
            writes[i] = merged[k];
            this.indexDevice(indexes, merged[k].after);
          });
          if (indexes.length > 0) await this.exec('index devices', indexes);
        });
        for (const i of missed) {
          if (++misses[i] === UPDATE_ATTEMPTS) throw new StateUnavailableError(`device ${devices[i].deviceId} kept changing under ${UPDATE_ATTEMPTS} attempts to write it`);
        }
        pending = missed.concat(later).sort((a, b) => a - b);
      }
    } finally {
      await this.logDevicesWritten([...new Set([...writes.flatMap((write) => (write ? [write.after.deviceId] : [])), ...unconfirmed])]);
    }
    return writes;
  }

  /** `items` in chunks of DEVICES_PER_PIPELINE, PIPELINES_IN_FLIGHT at a time; the first failure, once all have settled. */
  private async inChunks<T>(items: readonly T[], work: (chunk: readonly T[]) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const chunk = items.slice(next, next + DEVICES_PER_PIPELINE);
        next += DEVICES_PER_PIPELINE;
        await work(chunk);
      }
    };
    const workers = Math.min(PIPELINES_IN_FLIGHT, Math.ceil(items.length / DEVICES_PER_PIPELINE));
    const settled = await Promise.allSettled(Array.from({ length: workers }, worker));
    const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Many devices written: every cache drops them, or past DIRECTORY_RESET_OVER starts again. */
  private async logDevicesWritten(deviceIds: string[]): Promise<void> {
    if (deviceIds.length > DIRECTORY_RESET_OVER) await this.logDirectoryChange('reset', '');
    else if (deviceIds.length > 0) await this.logDirectoryChange('d', deviceIds.join(','));
  }

  /** Installation keys share the '{inst}' tag: one slot, so an installation moves between its indexes atomically. */
  private get installationPrefix(): string {
    return `${this.prefix}{inst}:`;
  }

  async putInstallations(installations: readonly InstallationWrite[]): Promise<void> {
    await this.writeInstallations(installations.map((installation) => ({ installation, read: '*' })));
  }

  async updateInstallations(installationIds: readonly string[], change: InstallationChange): Promise<void> {
    let pending = [...new Set(installationIds)];
    for (let attempt = 1; pending.length > 0; attempt++) {
      const changed: string[] = [];
      for (let start = 0; start < pending.length; start += INSTALLATIONS_PER_CALL) {
        const ids = pending.slice(start, start + INSTALLATIONS_PER_CALL);
        const read = await this.getMany(ids.map((id) => `${this.installationPrefix}rec:${id}`), 'installations');
        const writes = ids.flatMap((id, i) => {
          const next = change(id, parse<Installation>(read[i]));
          return next ? [{ installation: next, read: read[i] === null ? '0' : `1${read[i]}` }] : [];
        });
        changed.push(...await this.writeInstallations(writes));
      }
      if (changed.length > 0 && attempt === UPDATE_ATTEMPTS) throw new StateUnavailableError(`installation ${changed[0]} kept changing under ${UPDATE_ATTEMPTS} attempts to write it`);
      pending = changed;
    }
  }

  /** Each written unless it no longer holds what its writer read ('*': whatever it holds); answers those left unwritten so. */
  private async writeInstallations(writes: readonly { installation: InstallationWrite; read: string }[]): Promise<string[]> {
    const p = this.installationPrefix;
    const changed: string[] = [];
    // A few thousand a call: each call is one atomic script run, short enough not to stall Redis.
    for (let start = 0; start < writes.length; start += INSTALLATIONS_PER_CALL) {
      const args = writes.slice(start, start + INSTALLATIONS_PER_CALL).flatMap(({ installation, read }) =>
        [installation.installationId, 'deleted' in installation ? '' : JSON.stringify(installation), read]);
      changed.push(...await this.call('put installations', () => this.redis.putInstallations(p, ...args)));
    }
    return changed;
  }

  async getInstallations(installationIds: readonly string[]): Promise<(Installation | undefined)[]> {
    if (installationIds.length === 0) return [];
    const found = await this.call('MGET installations', () => this.redis.mget(installationIds.map((id) => `${this.installationPrefix}rec:${id}`)));
    return found.map((json) => parse<Installation>(json));
  }

  async supplierInstallationGroups(supplier: string): Promise<Record<string, number>> {
    return counts(await this.call('HGETALL supplier groups', () => this.redis.hgetall(`${this.installationPrefix}supgroups:${supplier}`)));
  }

  async installationsStartingBy(supplier: string, group: string, until: number, max = Infinity): Promise<StartingInstallation[]> {
    const key = `${this.installationPrefix}sup:${supplier}:${group}`;
    const found: StartingInstallation[] = [];
    // A page at a time: each command stays short (well within the command timeout, not stalling
    // Redis), however many installations a supplier has.
    for (let offset = 0; found.length < max; offset += ACQUIRED_PAGE) {
      const page = Math.min(ACQUIRED_PAGE, max - found.length);
      const flat = await this.call('ZRANGEBYSCORE supplier installations', () => this.redis.zrangebyscore(key, '-inf', until, 'WITHSCORES', 'LIMIT', offset, page));
      for (let i = 0; i < flat.length; i += 2) {
        const at = Number(flat[i + 1]);
        found.push(at === 0 ? { installationId: flat[i] } : { installationId: flat[i], startsAt: at });
      }
      if (flat.length < 2 * page) return found;
    }
    return found;
  }

  /** Device IDs by model (a set per model, kept as devices are written): the CPL's reach. */
  private modelKey(deviceModel: string): string {
    return `${this.prefix}model:${deviceModel}`;
  }

  /** Device IDs by the destination they route to (a set per destination): a simulated network's devices. */
  private destinationKey(destination: string): string {
    return `${this.prefix}dest:${destination}`;
  }

  /**
   * A device into the sets of its model and destination. Added only: one moved elsewhere stays
   * in its old sets until a read finds it there (devicesOfModel leaves it out; sampleDevicesAt
   * takes it out), so a write never reads the device it replaces.
   */
  private indexDevice(pipeline: ChainableCommander, device: Device): void {
    if (device.deviceModel !== undefined) pipeline.sadd(this.modelKey(device.deviceModel), device.deviceId);
    const destination = destinationOf(device);
    if (destination !== undefined) pipeline.sadd(this.destinationKey(destination), device.deviceId);
  }

  async leaseAlerts(destination: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.call('lease', () => this.redis.lease(`${this.prefix}alerts-lease:${destination}`, owner, ttlMs))) === 1;
  }

  async countDevicesAt(destination: string): Promise<number> {
    return this.call('SCARD destination', () => this.redis.scard(this.destinationKey(destination)));
  }

  /**
   * SRANDMEMBER, then the members found moved elsewhere are taken out and the draw made again
   * (twice at most) to fill the sample, so a sample is of devices still routed here.
   */
  async sampleDevicesAt(destination: string, count: number): Promise<string[]> {
    const wanted = Math.floor(count);
    const picked = new Set<string>();
    for (let round = 0; round < 3 && picked.size < wanted; round++) {
      const { here, moved } = await this.drawDevicesAt(destination, wanted);
      for (const id of here) if (picked.size < wanted) picked.add(id);
      // A draw with none moved holds as many as the set has, up to `wanted`: nothing more to find.
      if (moved === 0) break;
    }
    return [...picked];
  }

  private async drawDevicesAt(destination: string, count: number): Promise<{ here: string[]; moved: number }> {
    const key = this.destinationKey(destination);
    const ids = await this.call('SRANDMEMBER destination', () => this.redis.srandmember(key, count));
    const devices = await this.getDevices(ids);
    const moved = ids.filter((_, i) => devices[i] === undefined || destinationOf(devices[i]!) !== destination);
    if (moved.length === 0) return { here: ids, moved: 0 };
    await this.call('SREM destination', () => this.redis.srem(key, ...moved));
    // One moved back meanwhile (its write's SADD before this SREM) is put back: read after the SREM, it is here.
    const back = (await this.getDevices(moved)).filter((device): device is Device => device !== undefined && destinationOf(device) === destination);
    if (back.length > 0) await this.call('SADD destination', () => this.redis.sadd(key, ...back.map((device) => device.deviceId)));
    const gone = new Set(moved);
    return { here: ids.filter((id) => !gone.has(id)), moved: moved.length };
  }

  async devicesOfModel(deviceModel: string, cursor: string | undefined, count: number): Promise<{ devices: Device[]; cursor: string | undefined }> {
    const [next, ids] = await this.call('SSCAN model', () => this.redis.sscan(this.modelKey(deviceModel), cursor ?? '0', 'COUNT', count));
    // A device moved to another model since stays in the set: it is left out here.
    const devices = (await this.getDevices(ids)).filter((device): device is Device => device?.deviceModel === deviceModel);
    return { devices, cursor: next === '0' ? undefined : next };
  }

  async getDevice(deviceId: string): Promise<Device | undefined> {
    return parse<Device>(await this.call('GET device', () => this.redis.get(this.deviceKey(deviceId))));
  }

  async getDevices(deviceIds: readonly string[]): Promise<(Device | undefined)[]> {
    if (deviceIds.length === 0) return [];
    const found = await this.getMany(deviceIds.map((deviceId) => this.deviceKey(deviceId)), 'devices');
    return found.map((json) => parse<Device>(json));
  }
}
