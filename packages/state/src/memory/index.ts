import type { Device, User } from '@dccrouter/domain';
import type { Acceptance, AcceptanceResult, Leg, LegRecord, RequestContext, RequestRecord, StateStore } from '../store/index.ts';

export interface MemoryStoreOptions {
  /** How long a request's records are kept after its last acknowledgement; 7 days unless told. */
  requestRetentionSeconds?: number;
}

interface RequestEntry {
  legs: Partial<Record<Leg, LegRecord>>;
  record: RequestRecord;
  expiresAt: number;
}

const SEVEN_DAYS = 7 * 24 * 60 * 60;

/** A JSON copy, so that nothing is shared with callers and values read back as from Redis. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** One process's state, for development and tests: the same contract as RedisStore, unshared. */
export class MemoryStore implements StateStore {
  readonly kind = 'memory' as const;
  private readonly users = new Map<string, User>();
  private readonly devices = new Map<string, Device>();
  private readonly settings = new Map<string, unknown>();
  /** Kept in order of expiry (each write moves its entry to the end), so expired ones are swept from the front. */
  private readonly requests = new Map<string, RequestEntry>();
  private readonly retentionMs: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.retentionMs = (options.requestRetentionSeconds ?? SEVEN_DAYS) * 1000;
  }

  async putUser(user: User): Promise<void> {
    this.users.set(user.userId, copy(user));
  }

  async getUser(userId: string): Promise<User | undefined> {
    const user = this.users.get(userId);
    return user && copy(user);
  }

  async putDevice(device: Device): Promise<void> {
    this.devices.set(device.deviceId, copy(device));
  }

  async putDevices(devices: readonly Device[]): Promise<void> {
    for (const device of devices) this.devices.set(device.deviceId, copy(device));
  }

  async getDevice(deviceId: string): Promise<Device | undefined> {
    const device = this.devices.get(deviceId);
    return device && copy(device);
  }

  async loadContext(originatorId: string, deviceId: string | undefined, requestId: string, leg: Leg): Promise<RequestContext> {
    const context: RequestContext = {};
    const user = this.users.get(originatorId);
    if (user) context.user = copy(user);
    const device = deviceId === undefined ? undefined : this.devices.get(deviceId);
    if (device) context.device = copy(device);
    const entry = this.request(requestId);
    const legRecord = entry?.legs[leg];
    if (legRecord) context.leg = copy(legRecord);
    const transformLeg = leg === 'signed' ? entry?.legs.transform : undefined;
    if (transformLeg) context.transformLeg = copy(transformLeg);
    return context;
  }

  async recordAcceptance(requestId: string, acceptance: Acceptance): Promise<AcceptanceResult> {
    const { leg, legRecord, record } = acceptance;
    const entry = this.request(requestId);
    const existing = entry?.legs[leg];
    if (existing && existing.bodyHash === legRecord.bodyHash) return { outcome: 'duplicate', answer: copy(existing.answer) };
    if (leg === 'signed' && entry?.legs.transform?.srv !== legRecord.srv) return { outcome: 'transform_leg_missing' };
    if (existing) return { outcome: 'request_id_reused' };

    const now = Date.now();
    this.sweep(now);
    this.requests.delete(requestId);
    this.requests.set(requestId, {
      legs: { ...entry?.legs, [leg]: copy(legRecord) },
      record: copy(record),
      expiresAt: now + this.retentionMs,
    });
    return { outcome: 'recorded' };
  }

  async getRequest(requestId: string): Promise<RequestRecord | undefined> {
    const entry = this.request(requestId);
    return entry && copy(entry.record);
  }

  async getSetting<T>(name: string): Promise<T | undefined> {
    const value = this.settings.get(name);
    return value === undefined ? undefined : copy(value as T);
  }

  async putSetting<T>(name: string, value: T): Promise<void> {
    this.settings.set(name, copy(value));
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  /** The live entry of a request; an expired one is dropped when met. */
  private request(requestId: string): RequestEntry | undefined {
    const entry = this.requests.get(requestId);
    if (entry && entry.expiresAt <= Date.now()) {
      this.requests.delete(requestId);
      return undefined;
    }
    return entry;
  }

  /** Drops expired entries from the front, so requests never read again do not pile up. */
  private sweep(now: number): void {
    for (const [requestId, entry] of this.requests) {
      if (entry.expiresAt > now) break;
      this.requests.delete(requestId);
    }
  }
}
