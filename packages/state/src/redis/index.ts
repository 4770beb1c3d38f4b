import './tracing-shim.ts';
import type { Redis } from 'ioredis';
import type { Device, DspSchedule, User } from '@dccrouter/domain';
import { RedisCounters } from '../counters/redis.ts';
import type {
  Acceptance, ClaimedSchedule, EgressItem, InstallationChange, InstallationWrite, Leg, NetworkResponse, HeldClaims, HeldVerdict, NewOutboxItem, OutboxItem, Release, ReleaseHandOver, StateStore,
} from '../store/index.ts';
import { PARTITIONS } from '../shared/index.ts';
import { StateUnavailableError } from '../store/index.ts';
import { DEFAULT_COMMAND_TIMEOUT_MS, RedisContext, RedisPart, SCRIPT_COMMANDS, type RedisStoreOptions, type ScriptedRedis } from './base.ts';
import { createClient, describeTarget, isCluster } from './connection/index.ts';
import { RedisDirectory } from './directory.ts';
import { RedisEgress } from './egress.ts';
import { RedisOutbox } from './outbox.ts';
import { RedisQuarantine } from './quarantine.ts';
import { RedisRequests } from './requests.ts';
import { RedisSchedules } from './schedules.ts';
import { SCRIPTS } from './scripts.ts';
import { RedisSettings } from './settings.ts';
import { RedisTrt } from './trt.ts';

export type { RedisStoreOptions } from './base.ts';

/**
 * The shared state of every router instance, in Redis. It fails fast while Redis is away (no offline
 * queue, a command timeout) and reconnects by itself, so the same instance serves again afterwards.
 *
 * Each concern is a part of its own (base.ts has what they share: connections, keys, timed calls),
 * and each Lua script a file of its own (scripts/): this class only connects and says which part
 * answers which call of the StateStore contract.
 */
export class RedisStore extends RedisPart implements StateStore {
  readonly kind = 'redis' as const;
  readonly counters: RedisCounters;
  private readonly directory: RedisDirectory;
  private readonly requests: RedisRequests;
  private readonly egress: RedisEgress;
  private readonly trt: RedisTrt;
  private readonly schedules: RedisSchedules;
  private readonly outbox: RedisOutbox;
  private readonly quarantine: RedisQuarantine;
  private readonly settings: RedisSettings;

  private constructor(context: RedisContext) {
    super(context);
    this.counters = new RedisCounters(context.redis, context.prefix, context.options);
    this.directory = new RedisDirectory(context);
    this.requests = new RedisRequests(context);
    this.egress = new RedisEgress(context);
    this.trt = new RedisTrt(context);
    this.schedules = new RedisSchedules(context);
    this.outbox = new RedisOutbox(context);
    this.quarantine = new RedisQuarantine(context);
    this.settings = new RedisSettings(context);
    // Errors reach callers through their commands; without a listener ioredis reports them as unhandled.
    context.redis.on('error', (error: Error) => { context.lastError = error; });
    context.redis.on('ready', () => { context.lastError = undefined; });
    // The other connections fail and recover with this one: their calls say so themselves.
    context.background.on('error', () => undefined);
    if (context.acceptances !== context.redis) context.acceptances.on('error', () => undefined);
  }

  /** Connects and waits until Redis is ready; throws StateUnavailableError when it cannot. */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const connectDeadlineMs = options.connectDeadlineMs ?? 30_000;
    const commandTimeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const redis = createClient(options, commandTimeout) as ScriptedRedis;
    const background = createClient(options, commandTimeout) as ScriptedRedis;
    const acceptances = (options.waitReplicas ?? 0) > 0 ? createClient(options, commandTimeout) as ScriptedRedis : undefined;
    const clients = [redis, background, ...(acceptances ? [acceptances] : [])];
    for (const client of clients) {
      for (const [name, numberOfKeys] of SCRIPT_COMMANDS) client.defineCommand(name, { numberOfKeys, lua: SCRIPTS[name] });
    }
    const context = new RedisContext(redis, background, options, acceptances);
    const store = new RedisStore(context);
    let deadline: ReturnType<typeof setTimeout> | undefined;
    try {
      // A cluster whose nodes announce no address to reach them by goes on refreshing its slots
      // for ever: a start gives up, saying so, rather than hang without a word.
      const givenUp = new Promise<never>((_, reject) => {
        deadline = setTimeout(() => reject(new Error(`no connection ready within ${connectDeadlineMs / 1000} s`)), connectDeadlineMs);
      });
      await Promise.race([Promise.all(clients.map((client) => client.connect())), givenUp]);
    } catch (cause) {
      // Stop the reconnection attempts the failed connections started.
      for (const client of clients) client.disconnect();
      // The connection's own error says why (e.g. ECONNREFUSED); the rejection only that it closed.
      const reason = context.lastError?.message ?? (cause as Error).message;
      throw new StateUnavailableError(`cannot connect to ${describeTarget(options)}: ${reason}`, { cause });
    } finally {
      clearTimeout(deadline);
    }
    await mayRunScripts(redis, options, clients);
    await isRecentEnough(redis, options, clients);
    return store;
  }

  // Directory: Users, devices, installations, and the change log every router's cache follows.
  putUser(user: User) { return this.directory.putUser(user); }
  getUser(userId: string) { return this.directory.getUser(userId); }
  putDevice(device: Device) { return this.directory.putDevice(device); }
  putDevices(devices: readonly Device[]) { return this.directory.putDevices(devices); }
  getDevice(deviceId: string) { return this.directory.getDevice(deviceId); }
  getDevices(deviceIds: readonly string[]) { return this.directory.getDevices(deviceIds); }
  updateDevices(deviceIds: readonly string[], change: (device: Device) => Device | undefined) { return this.directory.updateDevices(deviceIds, change); }
  mergeDevices(devices: readonly Device[], merge: (written: Device, stored: Device | undefined) => Device) { return this.directory.mergeDevices(devices, merge); }
  devicesOfModel(deviceModel: string, cursor: string | undefined, count: number) { return this.directory.devicesOfModel(deviceModel, cursor, count); }
  countDevicesAt(destination: string) { return this.directory.countDevicesAt(destination); }
  sampleDevicesAt(destination: string, count: number) { return this.directory.sampleDevicesAt(destination, count); }
  leaseAlerts(destination: string, owner: string, ttlMs: number) { return this.directory.leaseAlerts(destination, owner, ttlMs); }
  directoryChanges(cursor: string | undefined, limit?: number) { return this.directory.directoryChanges(cursor, limit); }
  putInstallations(installations: readonly InstallationWrite[]) { return this.directory.putInstallations(installations); }
  updateInstallations(installationIds: readonly string[], change: InstallationChange) { return this.directory.updateInstallations(installationIds, change); }
  getInstallations(installationIds: readonly string[]) { return this.directory.getInstallations(installationIds); }
  supplierInstallationGroups(supplier: string) { return this.directory.supplierInstallationGroups(supplier); }
  installationsStartingBy(supplier: string, group: string, until: number, max?: number) { return this.directory.installationsStartingBy(supplier, group, until, max); }

  // Requests: read before acceptance, accepted, read back, answered by their network.
  loadContext(requestId: string, leg: Leg) { return this.requests.loadContext(requestId, leg); }
  recordAcceptance(requestId: string, acceptance: Acceptance) { return this.requests.recordAcceptance(requestId, acceptance); }
  replicasShortOf(requestId: string) { return this.requests.replicasShortOf(requestId); }
  getRequest(requestId: string) { return this.requests.getRequest(requestId); }
  recordResponse(response: NetworkResponse) { return this.requests.recordResponse(response); }

  // Egress: each destination's queue and the requests leased to their sender.
  claimEgress(destinations: readonly string[], consumer: string, max: number, blockMs?: number) { return this.egress.claimEgress(destinations, consumer, max, blockMs); }
  reclaimEgress(destinations: readonly string[], consumer: string, max: number, idleMs: number) { return this.egress.reclaimEgress(destinations, consumer, max, idleMs); }
  recoverOwnEgress(destinations: readonly string[], consumer: string, max: number, idleMs: number, held: readonly EgressItem[]) { return this.egress.recoverOwnEgress(destinations, consumer, max, idleMs, held); }
  renewEgress(items: readonly EgressItem[], consumer: string) { return this.egress.renewEgress(items, consumer); }
  claimHeld(now: number, max: number, claimUntil: number) { return this.egress.claimHeld(now, max, claimUntil); }
  settleHeld(claims: HeldClaims, now: number, verdicts: readonly HeldVerdict[], later: readonly string[], handOver?: ReleaseHandOver) { return this.egress.settleHeld(claims, now, verdicts, later, handOver); }
  heldLeasedAt(at: number, destinations: readonly string[]) { return this.egress.heldLeasedAt(at, destinations); }
  egressBacklog(destinations: readonly string[]) { return this.egress.egressBacklog(destinations); }

  // Target Response Time breaches.
  markBreaches(now: number, lagBoundsMs?: readonly number[]) { return this.trt.markBreaches(now, lagBoundsMs); }
  claimBreaches(now: number, max: number, lagBoundsMs?: readonly number[]) { return this.trt.claimBreaches(now, max, lagBoundsMs); }

  // DSP schedules.
  allocateScheduleId() { return this.schedules.allocateScheduleId(); }
  createSchedule(originatorId: string, scheduleId: number, schedule: DspSchedule, firstDueAt: number, requestId: string) { return this.schedules.createSchedule(originatorId, scheduleId, schedule, firstDueAt, requestId); }
  getSchedule(originatorId: string, scheduleId: number) { return this.schedules.getSchedule(originatorId, scheduleId); }
  deleteSchedule(originatorId: string, scheduleId: number) { return this.schedules.deleteSchedule(originatorId, scheduleId); }
  schedulesOnDevice(originatorId: string, deviceId: string) { return this.schedules.schedulesOnDevice(originatorId, deviceId); }
  claimDueSchedules(now: number, max: number, leaseMs: number) { return this.schedules.claimDueSchedules(now, max, leaseMs); }
  rescheduleSchedule(claimed: ClaimedSchedule, nextDueAt: number | undefined) { return this.schedules.rescheduleSchedule(claimed, nextDueAt); }

  // Outboxes, webhook deliveries and dead letters.
  enqueueOutboxMany(entries: readonly { userId: string; item: NewOutboxItem }[]) { return this.outbox.enqueueOutboxMany(entries); }
  enqueueOutbox(userId: string, item: NewOutboxItem) { return this.outbox.enqueueOutbox(userId, item); }
  readOutbox(userId: string, after: string | undefined, limit: number, deliveredAt?: number) { return this.outbox.readOutbox(userId, after, limit, deliveredAt); }
  markDelivered(requestIds: readonly string[], at: number) { return this.outbox.markDelivered(requestIds, at); }
  webhookBacklog() { return this.outbox.webhookBacklog(); }
  outboxLag(userIds: readonly string[], now: number) { return this.outbox.outboxLag(userIds, now); }
  outboxHeads(userIds: readonly string[]) { return this.outbox.outboxHeads(userIds); }
  leaseDelivery(userId: string, owner: string, ttlMs: number) { return this.outbox.leaseDelivery(userId, owner, ttlMs); }
  releaseDelivery(userId: string, owner: string) { return this.outbox.releaseDelivery(userId, owner); }
  deliveryCursor(userId: string) { return this.outbox.deliveryCursor(userId); }
  setDeliveryCursor(userId: string, cursor: string) { return this.outbox.setDeliveryCursor(userId, cursor); }
  deadLetter(userId: string, item: OutboxItem, reason: string) { return this.outbox.deadLetter(userId, item, reason); }
  listDeadLetters(userId: string | undefined, after: string | undefined, limit: number) { return this.outbox.listDeadLetters(userId, after, limit); }
  redriveDeadLetters(userId: string, ids: readonly string[] | 'all') { return this.outbox.redriveDeadLetters(userId, ids); }

  // Quarantine (Threshold Anomaly Detection).
  findQuarantine(ref: string) { return this.quarantine.findQuarantine(ref); }
  releaseQuarantine(requestId: string, release: Release) { return this.quarantine.releaseQuarantine(requestId, release); }
  deleteQuarantined(requestId: string, at: number, ref?: string) { return this.quarantine.deleteQuarantined(requestId, at, ref); }
  listQuarantined(userId: string | undefined, after: string | undefined, limit: number) { return this.quarantine.listQuarantined(userId, after, limit); }
  expireQuarantined(now: number, max: number) { return this.quarantine.expireQuarantined(now, max); }

  // Settings and statistics.
  incrementStats(set: string, increments: Record<string, number>, flushId: string) { return this.settings.incrementStats(set, increments, flushId); }
  readStats(set: string) { return this.settings.readStats(set); }
  getSetting<T>(name: string) { return this.settings.getSetting<T>(name); }
  getSettings(names: readonly string[]) { return this.settings.getSettings(names); }
  putSetting<T>(name: string, value: T) { return this.settings.putSetting(name, value); }
  updateSetting<T>(name: string, change: (current: T | undefined) => T | undefined) { return this.settings.updateSetting(name, change); }

  /** Every master the store writes to: a Redis Cluster's, or the one Redis. */
  private masters(): Redis[] {
    return isCluster(this.redis) ? this.redis.nodes('master') : [this.redis as Redis];
  }

  /** The fewest replicas connected to any master the store writes to (INFO replication): what REDIS_WAIT_REPLICAS can count on now. */
  async fewestReplicas(): Promise<number> {
    const counts = await this.call('INFO replication', () => Promise.all(this.masters().map(async (master) =>
      Number(/connected_slaves:(\d+)/.exec(await master.info('replication'))?.[1] ?? 0))));
    return Math.min(...counts);
  }

  /**
   * How each master the store writes to keeps what it is given (INFO persistence and memory):
   * whether it logs every write to an append-only file, and what it does when full.
   */
  async durability(): Promise<{ appendOnly: boolean; maxmemoryPolicy: string }[]> {
    return this.call('INFO persistence memory', () => Promise.all(this.masters().map(async (master) => {
      const info = await master.info('persistence') + await master.info('memory');
      return { appendOnly: /aof_enabled:1/.test(info), maxmemoryPolicy: /maxmemory_policy:(\S+)/.exec(info)?.[1] ?? 'unknown' };
    })));
  }

  async ping(): Promise<void> {
    // Both connections: the background loops' too, which a readiness probe should see fail.
    if (!isCluster(this.redis)) {
      await this.call('PING', () => Promise.all([this.redis.ping(), this.background.ping()]));
      return;
    }
    // A cluster node answers PING while the cluster is down (a master and its replicas lost): a
    // keyed read in each partition's slot is served only where that slot is.
    const key = (partition: number) => `${this.prefix}ready:{p${partition}}`;
    await this.call('EXISTS each partition', () => Promise.all([this.redis, this.background].flatMap((client) =>
      Array.from({ length: PARTITIONS }, (_, partition) => client.exists(key(partition))))));
  }

  async storeIdentity(candidate: string): Promise<string> {
    // No hash tag: one key for the whole store (on a Redis Cluster it tells of its own master's data only).
    const key = `${this.prefix}store-identity`;
    const [, held] = await this.exec('SET NX store identity', this.background.pipeline().set(key, candidate, 'NX').get(key));
    return held as string;
  }

  async storeTime(): Promise<number> {
    // On a Redis Cluster a keyless TIME goes to any node: asked through the store identity's key,
    // it is always its master's clock, so the offset measured is to one clock, not a mix of several.
    const [seconds, micros] = await this.call('TIME', () => isCluster(this.background)
      ? this.background.eval("return redis.call('TIME')", 1, `${this.prefix}store-identity`) as Promise<string[]>
      : this.background.time() as Promise<(string | number)[]>);
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async close(): Promise<void> {
    const { redis, background, blocking, acceptances } = this.context;
    blocking?.disconnect();
    await Promise.all([...new Set([redis, background, acceptances])].map(async (client) => {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    }));
  }
}

/**
 * Every request is recorded by a Lua script: a Redis user its ACL forbids them would be let in and
 * then refuse every request, so the start says so instead.
 */
async function mayRunScripts(redis: ScriptedRedis, options: RedisStoreOptions, clients: readonly ScriptedRedis[]): Promise<void> {
  try {
    await redis.eval('return 1', 0);
  } catch (cause) {
    const message = (cause as Error).message;
    if (!message.startsWith('NOPERM')) return;
    for (const client of clients) client.disconnect();
    throw new StateUnavailableError(
      `${describeTarget(options)} lets the router's Redis user run no Lua scripts (${message}); the router records every request with one: grant the user EVAL and EVALSHA (ACL +@scripting)`,
      { cause });
  }
}

/** The oldest Redis whose commands the store uses: XAUTOCLAIM and XTRIM MINID came with 6.2. */
export const REDIS_MIN_VERSION = '6.2';

/** The version `INFO server` names when it is older than REDIS_MIN_VERSION; undefined when it is not, or names none. */
export function tooOldRedis(info: string): string | undefined {
  const version = /redis_version:(\d+)\.(\d+)[^\r\n]*/.exec(info);
  if (!version) return undefined;
  const [major, minor] = REDIS_MIN_VERSION.split('.').map(Number);
  const [hasMajor, hasMinor] = [Number(version[1]), Number(version[2])];
  return hasMajor < major || (hasMajor === major && hasMinor < minor) ? version[0].slice('redis_version:'.length) : undefined;
}

/**
 * An older Redis would let the router start and then fail requests one by one (unknown commands
 * inside its scripts), so the start names the version instead. A Redis that refuses INFO (an ACL)
 * is not judged.
 */
async function isRecentEnough(redis: ScriptedRedis, options: RedisStoreOptions, clients: readonly ScriptedRedis[]): Promise<void> {
  let info: string;
  try {
    info = await redis.info('server');
  } catch {
    return;
  }
  const old = tooOldRedis(info);
  if (old === undefined) return;
  for (const client of clients) client.disconnect();
  throw new StateUnavailableError(`${describeTarget(options)} runs Redis ${old}: the router needs ${REDIS_MIN_VERSION} or later (XAUTOCLAIM, XTRIM MINID)`);
}
