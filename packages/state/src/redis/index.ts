import './tracing-shim.ts';
import type { ChainableCommander, Redis } from 'ioredis';
import { findSrv, plainAcknowledgement, type Device, type DspSchedule, type Installation, type User } from '@dccrouter/domain';
import type { TrtClass } from '@dccrouter/domain';
import { EXPIRY_SLACK_MS, planCounters, type CounterPlan } from '../counters/index.ts';
import { RedisCounters } from '../counters/redis.ts';
import { PartitionBatcher } from './batcher.ts';
import { anySlotPipeline, createClient, describeTarget, isCluster, type RedisClient, type RedisTarget } from './connection/index.ts';
import { SCRIPTS } from './scripts.ts';
import { compareCursors, originatorOf, pageOf, PARTITIONS, partitionOf, partitionOfRef, responseIdFor, splitCursor, trtAlert } from '../shared/index.ts';
import {
  DIRECTORY_LOG_LENGTH, DIRECTORY_RESET_OVER, StateUnavailableError, wasSent, type ClaimedSchedule, type DirectoryChanges,
  type Acceptance, type AcceptanceResult, type Breach, type BreachClaims, BreachClaimsIncomplete, type EgressItem, type MarkedBreaches, type Leg, type LegRecord, type NetworkResponse,
  type NewOutboxItem, type OutboxItem, type Release, type ReleaseHandOver, type HeldRelease, type RequestContext, type RequestRecord, type ResponseOutcome, type StateStore, type TrtRecord,
  type DeadLetter, type Page, type Redriven, type AcquiredInstallation,
} from '../store/index.ts';

export interface RedisStoreOptions extends RedisTarget {
  /** Put before every key, so that several routers or tests can share one Redis; 'dcc:' unless told. */
  keyPrefix?: string;
  /** How long a request's records are kept after its last acknowledgement; 7 days unless told. */
  requestRetentionSeconds?: number;
  /** How long any command may take before it fails; 2000 ms unless told. */
  commandTimeoutMs?: number;
  /** How long outbound items stay readable; 7 days unless told. */
  outboxRetentionSeconds?: number;
  /**
   * How long a network response waits for others before they are recorded together (one script
   * call); 10 ms unless told. Nobody waits on it but the TRT clock, which a few ms do not move.
   */
  responseGatherMs?: number;
  /** Told of every call to Redis (a command, a pipeline or a batch's script), by what it is for. */
  onCall?: (what: string) => void;
  /** Told when each call is answered or fails, and how long it took (latency metrics). */
  onCallDone?: (what: string, seconds: number, failed: boolean) => void;
}

const EGRESS_GROUP = 'egress';
const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
/** Measured on the bench's acknowledgement path (with the simulated networks): 1 ms to 10 ms took about 5% off router + Redis CPU per request. */
const DEFAULT_RESPONSE_GATHER_MS = 10;

const SEVEN_DAYS = 7 * 24 * 60 * 60;

/** Devices per pipeline and pipelines in flight for putDevices; see putDevices for the throughput. */
const DEVICES_PER_PIPELINE = 2_000;
const PIPELINES_IN_FLIGHT = 4;

/** Installations per page of a supplier's acquisition range. */
const ACQUIRED_PAGE = 20_000;
/** Installations per put-installations script call. */
const INSTALLATIONS_PER_CALL = 1_000;

/** A hash of counts as numbers. */
function counts(fields: Record<string, string>): Record<string, number> {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, Number(value)]));
}

/** How often an idle router polls a Redis Cluster's egress streams (a cluster cannot block on several slots). */
const CLUSTER_IDLE_POLL_MS = 20;

/** Entries of a partition's quarantine index one listing call looks at, at most (a User's are a few of many). */
const QUARANTINE_SCAN_BUDGET = 10_000;
/** Dead letters read per call when redriving all of a User's. */
const REDRIVE_CHUNK = 500;

/** How long an instance trusts that a bulk TRT index it listed is still listed (see listedBulkIndexes). */
const BULK_RELIST_MS = 10_000;
/** A deadline nearer than this (routers' clock skew and an acceptance's queueing included) goes in the partition's own TRT index. */
const BULK_MIN_LEAD_MS = 5_000;

/** Partitions' breach claims sent at a time by claimBreaches; see there. */
const BREACH_CLAIMS_IN_FLIGHT = 2;

/** One request waiting for its partition's acceptance call: its fields (partition tag first) and counters. */
interface PendingAcceptance {
  requestId: string;
  fields: (string | number)[];
  counters: CounterPlan[];
}

/** accept-batch.lua's answer for one request. */
type AcceptReply = [string, (string | number | number[])?, (number[] | string)?];
/** respond-batch.lua's answer for one response: outcome, then for 'recorded' breached, earlier, elapsed, TRT class. */
type RespondReply = [string, string?, string?, string?, string?];

type ScriptedRedis = RedisClient & {
  acceptBatch(...args: (string | number)[]): Promise<AcceptReply[]>;
  respondBatch(...args: (string | number)[]): Promise<RespondReply[]>;
  releaseHeld(key: string, now: number, max: number, prefix: string, tag: string, handOverMax: number, ...destinations: string[]): Promise<(string | number)[]>;
  claimBreaches(key: string, now: number, max: number, prefix: string, tag: string, minId: string, ...lagBoundsMs: number[]): Promise<BreachClaimsReply>;
  lease(key: string, owner: string, ttlMs: number): Promise<number>;
  releaseQuarantine(...args: (string | number)[]): Promise<number>;
  deleteQuarantined(...args: (string | number)[]): Promise<number>;
  redriveDeadLetters(...args: string[]): Promise<string[]>;
  listQuarantined(...args: (string | number)[]): Promise<string[]>;
  putInstallations(...args: string[]): Promise<number>;
  readOutbox(key: string, start: string, count: number, prefix: string, tag: string, deliveredAt: number | '', skip: number): Promise<string[]>;
};

/** Ready-made commands over an ioredis pipeline, for the scripts used in batches. */
type ScriptedPipeline = ChainableCommander & {
  advanceState(...args: (string | number)[]): ScriptedPipeline;
  readClaimed(...args: (string | number)[]): ScriptedPipeline;
  claimEgress(...args: (string | number)[]): ScriptedPipeline;
  reclaimLeases(...args: (string | number)[]): ScriptedPipeline;
};

/** A stream's claimed entries: its partition tag, destination, and each entry's ID and RequestID. */
interface ClaimedStream {
  tag: string;
  destination: string;
  entries: [entryId: string, requestId: string][];
}

/**
 * claim-breaches.lua's answer: the per-request claims (flat: request ID, check time, destination,
 * TRT class, overdue '1'/'0'); the bulk marks (class, destination, how many up to each lag bound,
 * then all); the bulk alerts (class, destination, flat: request ID, deadline).
 */
type MarkedReply = [trtClass: string, destination: string, counts: number[]][];
type BreachClaimsReply = [string[], MarkedReply, [trtClass: string, destination: string, claims: string[]][]];

/**
 * The bulk TRT index a request's deadline goes in (claim-breaches.lua), named by its TRT class
 * and destination, when its one check is at its deadline (the index's score is then the
 * deadline its alert names) and that deadline is at least BULK_MIN_LEAD_MS away: a deadline
 * the partition's mark may already have passed when it is indexed would be alerted uncounted.
 * '' for its partition's own index, where each is read and marked on its own, as SMETS1's two
 * checks (overdue, then final) need.
 */
function bulkIndexOf(trt: TrtRecord | undefined, destination: string, checkAt: number | undefined, finalAt: number | undefined, now = Date.now()): string {
  if (trt === undefined || checkAt !== trt.deadline || finalAt !== undefined || checkAt < now + BULK_MIN_LEAD_MS) return '';
  return `${trt.class}:${destination}`;
}

/** Where a read of an outbox after `after` starts: the entry and how many of its items were read. */
function outboxStart(after: string | undefined): { start: string; entryId?: string; skip: number } {
  if (after === undefined) return { start: '-', skip: 0 };
  const dot = after.indexOf('.');
  if (dot < 0) return { start: `(${after}`, skip: 0 };
  const entryId = after.slice(0, dot);
  return { start: entryId, entryId, skip: Number(after.slice(dot + 1)) + 1 };
}

/**
 * Up to `limit` items of outbox entries read from `from`: an 'item' entry is one (its JSON), a
 * 'trt' entry the TRT alerts it lists (claim-breaches.lua), each item i but the last at cursor
 * `<id>.<i>`, the last at the entry's ID. read-outbox.lua counts them the same way.
 */
function outboxItems(entries: readonly [id: string, field: string, value: string][], from: { entryId?: string; skip: number }, limit: number): OutboxItem[] {
  const items: OutboxItem[] = [];
  for (const [id, field, value] of entries) {
    if (items.length >= limit) break;
    if (field !== 'trt') {
      items.push({ cursor: id, ...(JSON.parse(value) as NewOutboxItem) });
      continue;
    }
    const pairs = value.split(' ');
    const count = pairs.length / 2;
    for (let i = id === from.entryId ? from.skip : 0; i < count && items.length < limit; i++) {
      items.push({ cursor: i === count - 1 ? id : `${id}.${i}`, ...trtAlert(pairs[2 * i], Number(pairs[2 * i + 1])) });
    }
  }
  return items;
}

/** A mark's groups (mark-bulk-trt.lua): per class and destination, the counts by lag bound, then all. */
function markedGroups(reply: MarkedReply): MarkedBreaches[] {
  return reply.map(([trtClass, destination, counts]) => ({ trtClass, destination, count: counts.at(-1)!, lagCounts: counts.slice(0, -1) }));
}

/** A claimed request as egress sends it: taken, it is forwarded (see take-claimed.lua). */
function takenItem(destination: string, entryId: string, packedRecord: string, requestId: string, forwardedAt?: number): EgressItem {
  const record = unpackRecord(packedRecord, requestId);
  record.state = 'forwarded';
  // A lease's time (the packed record has none): a held release's, handed to the caller.
  if (forwardedAt !== undefined) record.forwardedAt = forwardedAt;
  return { destination, entryId, record };
}

/** From an egress stream's key (`<prefix>egress:{p3}:<destination>`) and the entries read from it. */
function claimedStream(key: string, entries: readonly [string, string[]][]): ClaimedStream {
  const close = key.indexOf('}:');
  return { tag: key.slice(key.lastIndexOf('{', close), close + 1), destination: key.slice(close + 2), entries: entries.map(([entryId, fields]) => [entryId, fields[1]]) };
}


/** The store's scripts, each a client command, with how many of its arguments are keys. */
const SCRIPT_COMMANDS = [
  ['acceptBatch', 1],
  ['respondBatch', 1],
  ['releaseQuarantine', 7],
  ['deleteQuarantined', 2],
  ['expireQuarantined', 1],
  ['advanceState', 1],
  ['releaseHeld', 1],
  ['readClaimed', 1],
  ['claimEgress', 1],
  ['reclaimLeases', 1],
  ['readOutbox', 1],
  ['claimBreaches', 1],
  ['markBreaches', 1],
  ['lease', 1],
  ['createEgressGroup', 1],
  ['claimSchedules', 2],
  ['rescheduleSchedule', 3],
  ['redriveDeadLetters', 2],
  ['listQuarantined', 1],
  ['putInstallations', 1],
] as const satisfies readonly (readonly [keyof typeof SCRIPTS, number])[];

/**
 * The shared state of every router instance, in Redis. It fails fast while Redis is away (no offline
 * queue, a command timeout) and reconnects by itself, so the same instance serves again afterwards.
 */
export class RedisStore implements StateStore {
  readonly kind = 'redis' as const;
  readonly counters: RedisCounters;
  private readonly prefix: string;
  private readonly retentionSeconds: number;
  private readonly outboxRetentionMs: number;
  /** Egress streams whose consumer group this instance has made sure of. */
  private readonly groups = new Set<string>();
  /**
   * Bulk TRT indexes (`<tag>|<class>:<destination>`) this instance listed in their partition's
   * trtkeys, and when: an acceptance lists its index only when not listed here in the last
   * BULK_RELIST_MS (one SADD per index and period, not per request), so an index lost with Redis's
   * data is listed again within that period. Cleared when an acceptance call fails.
   */
  private readonly listedBulkIndexes = new Map<string, number>();
  /** The last connection error, to say why a command failed while Redis is away. */
  private lastError: Error | undefined;
  private blocking?: Redis;
  private readonly commandTimeoutMs: number;
  /** Where the store points, for messages (no password). */
  private readonly target: string;
  private readonly onCall?: (what: string) => void;
  private readonly onCallDone?: (what: string, seconds: number, failed: boolean) => void;
  private readonly acceptances = new PartitionBatcher<PendingAcceptance, AcceptanceResult>((_, items) => this.acceptBatch(items));
  private readonly responses: PartitionBatcher<(string | number)[], RespondReply>;
  /** On a Redis Cluster each script call stays in one slot: one partition's work per call. */
  private readonly onePartitionPerCall: boolean;

  private constructor(private readonly redis: ScriptedRedis, private readonly background: ScriptedRedis, options: RedisStoreOptions) {
    this.prefix = options.keyPrefix ?? 'dcc:';
    this.retentionSeconds = options.requestRetentionSeconds ?? SEVEN_DAYS;
    this.outboxRetentionMs = (options.outboxRetentionSeconds ?? SEVEN_DAYS) * 1000;
    this.counters = new RedisCounters(redis, this.prefix);
    this.onCall = options.onCall;
    this.onCallDone = options.onCallDone;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.responses = new PartitionBatcher((_, items) => this.respondBatch(items), { gatherMs: options.responseGatherMs ?? DEFAULT_RESPONSE_GATHER_MS });
    this.onePartitionPerCall = isCluster(redis);
    this.target = describeTarget(options);
    // Errors reach callers through their commands; without a listener ioredis reports them as unhandled.
    redis.on('error', (error: Error) => { this.lastError = error; });
    redis.on('ready', () => { this.lastError = undefined; });
    // The background connection fails and recovers with the other: its calls say so themselves.
    background.on('error', () => undefined);
  }

  /** Connects and waits until Redis is ready; throws StateUnavailableError when it cannot. */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const commandTimeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const redis = createClient(options, commandTimeout) as ScriptedRedis;
    const background = createClient(options, commandTimeout) as ScriptedRedis;
    for (const client of [redis, background]) {
      for (const [name, numberOfKeys] of SCRIPT_COMMANDS) client.defineCommand(name, { numberOfKeys, lua: SCRIPTS[name] });
    }
    const store = new RedisStore(redis, background, options);
    try {
      await Promise.all([redis.connect(), background.connect()]);
    } catch (cause) {
      // Stop the reconnection attempts the failed connections started.
      redis.disconnect();
      background.disconnect();
      // The connection's own error says why (e.g. ECONNREFUSED); the rejection only that it closed.
      const reason = store.lastError?.message ?? (cause as Error).message;
      throw new StateUnavailableError(`cannot connect to ${describeTarget(options)}: ${reason}`, { cause });
    }
    return store;
  }

  async putUser(user: User): Promise<void> {
    const pipeline = this.pipeline().set(this.userKey(user.userId), JSON.stringify(user));
    if (user.receiveEndpoint) pipeline.sadd(this.webhookUsersKey(), user.userId);
    else pipeline.srem(this.webhookUsersKey(), user.userId);
    // Logged after the write, so a cache that sees the change reads the new value.
    this.logDirectoryChange(pipeline, 'u', user.userId);
    await this.exec('SET user', pipeline);
  }

  private logDirectoryChange(pipeline: ChainableCommander, kind: 'u' | 'd' | 'reset', ids: string): void {
    pipeline.xadd(`${this.prefix}dir-changes`, 'MAXLEN', '~', DIRECTORY_LOG_LENGTH, '*', kind, ids);
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

  async getUser(userId: string): Promise<User | undefined> {
    return parse<User>(await this.call('GET user', () => this.redis.get(this.userKey(userId))));
  }

  async putDevice(device: Device): Promise<void> {
    const pipeline = this.pipeline().set(this.deviceKey(device.deviceId), JSON.stringify(device));
    if (device.deviceModel !== undefined) pipeline.sadd(this.modelKey(device.deviceModel), device.deviceId);
    this.logDirectoryChange(pipeline, 'd', device.deviceId);
    await this.exec('SET device', pipeline);
  }

  /**
   * Chunked pipelines, a few in flight. Measured with 1,000,000 new devices against a local Redis 7.0
   * on 2 cores: 4 to 6 s under Bun (overwriting them: about 3 s), 10 to 18 s under Node 20.
   */
  async putDevices(devices: readonly Device[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < devices.length) {
        const chunk = devices.slice(next, next + DEVICES_PER_PIPELINE);
        next += DEVICES_PER_PIPELINE;
        const pipeline = this.pipeline();
        for (const device of chunk) {
          pipeline.set(this.deviceKey(device.deviceId), JSON.stringify(device));
          if (device.deviceModel !== undefined) pipeline.sadd(this.modelKey(device.deviceModel), device.deviceId);
        }
        await this.exec('SET devices', pipeline);
      }
    };
    const workers = Math.min(PIPELINES_IN_FLIGHT, Math.ceil(devices.length / DEVICES_PER_PIPELINE));
    await Promise.all(Array.from({ length: workers }, worker));
    if (devices.length === 0) return;
    const log = this.pipeline();
    if (devices.length > DIRECTORY_RESET_OVER) this.logDirectoryChange(log, 'reset', '');
    else this.logDirectoryChange(log, 'd', devices.map((device) => device.deviceId).join(','));
    await this.exec('log directory change', log);
  }

  /** Installation keys share the '{inst}' tag: one slot, so an installation moves between its indexes atomically. */
  private get installationPrefix(): string {
    return `${this.prefix}{inst}:`;
  }

  async putInstallations(installations: readonly (Installation | { installationId: string; deleted: true })[]): Promise<void> {
    const p = this.installationPrefix;
    // A few thousand a call: each call is one atomic script run, short enough not to stall Redis.
    for (let start = 0; start < installations.length; start += INSTALLATIONS_PER_CALL) {
      const args = installations.slice(start, start + INSTALLATIONS_PER_CALL)
        .flatMap((installation) => [installation.installationId, 'deleted' in installation ? '' : JSON.stringify(installation)]);
      await this.call('put installations', () => this.redis.putInstallations(`${p}groups`, p, ...args));
    }
  }

  async getInstallations(installationIds: readonly string[]): Promise<(Installation | undefined)[]> {
    if (installationIds.length === 0) return [];
    const found = await this.call('MGET installations', () => this.redis.mget(installationIds.map((id) => `${this.installationPrefix}rec:${id}`)));
    return found.map((json) => parse<Installation>(json));
  }

  async installationGroups(): Promise<Record<string, number>> {
    return counts(await this.call('HGETALL installation groups', () => this.redis.hgetall(`${this.installationPrefix}groups`)));
  }

  async supplierInstallationGroups(supplier: string): Promise<Record<string, number>> {
    return counts(await this.call('HGETALL supplier groups', () => this.redis.hgetall(`${this.installationPrefix}supgroups:${supplier}`)));
  }

  async installationsAcquiredBy(supplier: string, group: string, until: number, max = Infinity): Promise<AcquiredInstallation[]> {
    const key = `${this.installationPrefix}sup:${supplier}:${group}`;
    const found: AcquiredInstallation[] = [];
    // A page at a time: each command stays short (well within the command timeout, not stalling
    // Redis), however many installations a supplier has.
    for (let offset = 0; found.length < max; offset += ACQUIRED_PAGE) {
      const page = Math.min(ACQUIRED_PAGE, max - found.length);
      const flat = await this.call('ZRANGEBYSCORE supplier installations', () => this.redis.zrangebyscore(key, '-inf', until, 'WITHSCORES', 'LIMIT', offset, page));
      for (let i = 0; i < flat.length; i += 2) {
        const at = Number(flat[i + 1]);
        found.push(at === 0 ? { installationId: flat[i] } : { installationId: flat[i], acquiredAt: at });
      }
      if (flat.length < 2 * page) return found;
    }
    return found;
  }

  /** Device IDs by model (a set per model, kept as devices are written): the CPL's reach. */
  private modelKey(deviceModel: string): string {
    return `${this.prefix}model:${deviceModel}`;
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

  async loadContext(originatorId: string | undefined, deviceId: string | undefined, requestId: string, leg: Leg): Promise<RequestContext> {
    const pipeline = this.pipeline();
    if (originatorId !== undefined) pipeline.get(this.userKey(originatorId));
    if (deviceId !== undefined) pipeline.get(this.deviceKey(deviceId));
    const legs: Leg[] = leg === 'signed' ? ['signed', 'transform'] : [leg];
    // The record too: a leg's plain acknowledgement is kept as a marker and made again from it.
    pipeline.hmget(this.requestKey(requestId), ...legs.flatMap((name) => [name, `${name}:hash`, `${name}:srv`]), 'record');
    const results = await this.exec('load context', pipeline);

    const context: RequestContext = {};
    const user = originatorId === undefined ? undefined : parse<User>(results[0] as string | null);
    if (user) context.user = user;
    const device = deviceId === undefined ? undefined : parse<Device>(results[originatorId === undefined ? 0 : 1] as string | null);
    if (device) context.device = device;
    const fields = results[results.length - 1] as (string | null)[];
    const recordJson = fields[fields.length - 1];
    const [legRecord, transformLeg] = legs.map((_, i) => unpackLeg(fields[3 * i], fields[3 * i + 1], fields[3 * i + 2], recordJson, requestId));
    if (legRecord) context.leg = legRecord;
    if (transformLeg) context.transformLeg = transformLeg;
    // Until the signed leg is recorded, the record is its transform leg's.
    if (transformLeg && !legRecord && recordJson !== null) {
      const { bodyElement: element, bodyValue: value } = unpackRecord(recordJson, requestId);
      context.transformCommand = { element, value };
    }
    return context;
  }

  /** Batched with the other acceptances of its partition in this turn: one script call for them all. */
  recordAcceptance(requestId: string, acceptance: Acceptance): Promise<AcceptanceResult> {
    const tag = this.tagOf(requestId);
    return this.acceptances.add(this.batchGroup(tag), this.pendingAcceptance(requestId, tag, acceptance));
  }

  /** One request's fields for accept-batch.lua, in its order, and its User-scope counters. */
  private pendingAcceptance(requestId: string, tag: string, acceptance: Acceptance): PendingAcceptance {
    const { leg, legRecord, record, egress, breachCheckAt, quarantine, count } = acceptance;
    // Handed over wins over held: the caller has sent it already, whatever this clock says of releaseAt.
    const egressMode = !egress ? '' : egress.forwardedAt !== undefined ? 'lease' : egress.releaseAt !== undefined && egress.releaseAt > Date.now() ? 'held' : 'now';
    const extras = record.responseExtras && Object.keys(record.responseExtras).length > 0 ? JSON.stringify(record.responseExtras) : '';
    const fields: (string | number)[] = [
      tag, requestId, leg, legRecord.bodyHash, legRecord.srv, packLegAnswer(legRecord, acceptance.plainAcknowledgement === true), packRecord(record),
      egressMode === 'lease' ? 'forwarded' : record.state, record.originatorId, record.destination, egressMode,
      (egressMode === 'lease' ? egress?.forwardedAt : egress?.releaseAt) ?? 0,
      breachCheckAt ?? '', quarantine?.expiresAt ?? '', quarantine?.ref ?? '', acceptance.alert ? JSON.stringify(acceptance.alert) : '',
      extras, acceptance.breachFinalAt ?? '', this.bulkIndexArg(tag, bulkIndexOf(record.trt, record.destination, breachCheckAt, acceptance.breachFinalAt)),
    ];
    return { requestId, fields, counters: count ? planCounters(`user:${count.scope}`, count.rules, count.at, tag.slice(1, -1)) : [] };
  }

  /**
   * Calls gathered in one turn go to Redis together: on a single Redis all in one script call; a
   * Redis Cluster needs one call per slot, i.e. per partition.
   */
  private batchGroup(tag: string): string {
    return this.onePartitionPerCall ? tag : '*';
  }

  /** accept-batch.lua's bulk index field: '+' first when it is to be listed in its partition's trtkeys. */
  private bulkIndexArg(tag: string, bulkIndex: string): string {
    if (bulkIndex === '') return '';
    const key = `${tag}|${bulkIndex}`;
    const now = Date.now();
    const listedAt = this.listedBulkIndexes.get(key);
    if (listedAt !== undefined && now - listedAt < BULK_RELIST_MS) return bulkIndex;
    this.listedBulkIndexes.set(key, now);
    return `+${bulkIndex}`;
  }

  private async acceptBatch(items: PendingAcceptance[]): Promise<AcceptanceResult[]> {
    // A counter is sent once per call, however many requests count in it (a User's batch: all of
    // them), and each request names its counters by their place in that list.
    const counterIndex = new Map<string, number>();
    const counterArgs: (string | number)[] = [];
    const requestArgs: (string | number)[] = [];
    for (const { fields, counters } of items) {
      for (const field of fields) requestArgs.push(field);
      requestArgs.push(counters.length);
      for (const plan of counters) {
        const id = `${plan.counter}|${plan.limit}|${plan.floor}|${plan.bucket}`;
        let index = counterIndex.get(id);
        if (index === undefined) {
          index = counterIndex.size + 1;
          counterIndex.set(id, index);
          counterArgs.push(plan.counter, plan.limit, plan.floor, plan.bucket, plan.geometry.span,
            plan.geometry.windowMs + plan.geometry.bucketMs + EXPIRY_SLACK_MS);
        }
        requestArgs.push(index);
      }
    }
    let next = 0;
    let replies: AcceptReply[];
    try {
      replies = await this.call('record acceptance', () => this.confirmedWithin(
        this.redis.acceptBatch(`${this.prefix}trt:${items[0].fields[0]}`, this.prefix, this.retentionSeconds, this.outboxMinId(),
          counterIndex.size, ...counterArgs, ...requestArgs)));
    } catch (error) {
      // The call may not have listed its indexes: the next acceptance of each lists it.
      this.listedBulkIndexes.clear();
      throw error;
    }
    return replies.map((reply): AcceptanceResult => {
      const { requestId } = items[next++];
      switch (reply[0]) {
        case 'recorded': {
          const counts = reply[1] as number[];
          return counts.length > 0 ? { outcome: 'recorded', counts } : { outcome: 'recorded' };
        }
        case 'duplicate':
          return { outcome: 'duplicate', answer: unpackLeg(reply[1] as string, '', '', reply[2] as string, requestId)!.answer };
        case 'over_limit':
          return { outcome: 'over_limit', breached: reply[1] as number, counts: reply[2] as number[] };
        default:
          return { outcome: reply[0] as 'transform_leg_missing' | 'request_id_reused' };
      }
    });
  }

  async getRequest(requestId: string): Promise<RequestRecord | undefined> {
    const fields = await this.call('HGETALL request', () => this.redis.hgetall(this.requestKey(requestId)));
    if (!fields.record) return undefined;
    const record = recordFrom(fields, requestId);
    if (await this.markedInBulk(record, fields.bk === '1')) record.breached = true;
    return record;
  }

  /**
   * A bulk-indexed request's breach is not written in its hash (claim-breaches.lua): open, its
   * deadline is marked once its partition's mark has reached it. One more read, for an open
   * request indexed in bulk (the mark is the claiming router's clock, not this one's).
   */
  private async markedInBulk(record: RequestRecord, indexedInBulk: boolean): Promise<boolean> {
    if (record.breached || !record.trt || !indexedInBulk) return false;
    if (record.state !== 'accepted' && record.state !== 'forwarded') return false;
    const mark = await this.call('GET TRT mark', () => this.redis.get(this.trtMarkKey(this.tagOf(record.requestId))));
    return mark !== null && record.trt.deadline <= Number(mark);
  }

  /**
   * One script call per batch group claims new entries from every destination's stream, reads
   * their requests and marks them forwarded (claim-egress.lua): one round trip per claim. When
   * nothing is waiting and `blockMs` is given, an idle router then blocks on one XREADGROUP over
   * every stream (on its own connection) and takes what it brings (read-claimed.lua). A Redis
   * Cluster cannot block on several slots: it polls instead.
   */
  async claimEgress(destinations: readonly string[], consumer: string, max: number, blockMs = 0): Promise<EgressItem[]> {
    if (destinations.length === 0) return [];
    const keys = Array.from({ length: PARTITIONS }, (_, p) => destinations.map((d) => this.egressKey(`{p${p}}`, d))).flat();
    await this.ensureGroups(keys);
    const pipeline = this.backgroundPipeline() as ScriptedPipeline;
    const now = Date.now();
    for (const streams of this.destinationsByGroup(destinations)) {
      pipeline.claimEgress(`${this.prefix}trt:${streams[0]}`, this.prefix, EGRESS_GROUP, consumer, max, now, ...streams);
    }
    const items: EgressItem[] = [];
    for (const reply of (await this.exec('claim egress', pipeline)) as (string | 0)[][]) {
      for (let i = 0; i < reply.length; i += 4) {
        const record = reply[i + 3];
        if (record !== 0) items.push(takenItem(reply[i] as string, reply[i + 1] as string, record, reply[i + 2] as string));
      }
    }
    if (items.length > 0 || blockMs <= 0) return items;
    if (this.onePartitionPerCall) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(blockMs, CLUSTER_IDLE_POLL_MS)));
      return [];
    }
    // Blocking on its own connection, so the request path's commands never wait behind it.
    const read = await this.call('claim egress', () => this.blockingConnection()
      .xreadgroup('GROUP', EGRESS_GROUP, consumer, 'COUNT', max, 'BLOCK', blockMs, 'STREAMS', ...keys, ...keys.map(() => '>'))) as [string, [string, string[]][]][] | null;
    return this.readClaimed((read ?? []).map(([key, entries]) => claimedStream(key, entries)));
  }

  async reclaimEgress(destinations: readonly string[], consumer: string, max: number, idleMs: number): Promise<EgressItem[]> {
    const keys = destinations.flatMap((d) => Array.from({ length: PARTITIONS }, (_, p) => this.egressKey(`{p${p}}`, d)));
    if (keys.length === 0) return [];
    await this.ensureGroups(keys);
    const claim = this.backgroundPipeline();
    for (const key of keys) claim.xautoclaim(key, EGRESS_GROUP, consumer, idleMs, '0-0', 'COUNT', max);
    const results = await this.exec('reclaim egress', claim);
    // XAUTOCLAIM gives an entry deleted meanwhile as an ID without fields.
    const reclaimed = await this.readClaimed(results.map((result, i) => claimedStream(keys[i], ((result as [string, [string, string[] | null][]] | null)?.[1] ?? [])
      .filter((entry): entry is [string, string[]] => entry[1] !== null))));
    return [...reclaimed, ...(await this.reclaimLeases(destinations, max, idleMs))];
  }

  /** Every partition's `tag, destination` pairs, flat, one list per batch group (see batchGroup). */
  private destinationsByGroup(destinations: readonly string[]): string[][] {
    const byGroup = new Map<string, string[]>();
    for (let p = 0; p < PARTITIONS; p++) {
      const tag = `{p${p}}`;
      const group = this.batchGroup(tag);
      let pairs = byGroup.get(group);
      if (!pairs) byGroup.set(group, (pairs = []));
      for (const destination of destinations) pairs.push(tag, destination);
    }
    return [...byGroup.values()];
  }

  /** Requests handed over at acceptance and still unanswered after `idleMs`: one script call per batch group (reclaim-leases.lua). */
  private async reclaimLeases(destinations: readonly string[], max: number, idleMs: number): Promise<EgressItem[]> {
    const pipeline = this.backgroundPipeline() as ScriptedPipeline;
    const now = Date.now();
    for (const sets of this.destinationsByGroup(destinations)) pipeline.reclaimLeases(`${this.prefix}trt:${sets[0]}`, this.prefix, now, now - idleMs, max, ...sets);
    const items: EgressItem[] = [];
    for (const reply of (await this.exec('reclaim leases', pipeline)) as string[][]) {
      for (let i = 0; i < reply.length; i += 3) items.push(takenItem(reply[i], '', reply[i + 2], reply[i + 1]));
    }
    return items;
  }

  /**
   * The requests of claimed entries, read and marked forwarded in one script call per batch group
   * (read-claimed.lua); an entry whose request no longer waits for its network is settled there and left out.
   */
  private async readClaimed(streams: readonly ClaimedStream[]): Promise<EgressItem[]> {
    const byGroup = new Map<string, ClaimedStream[]>();
    for (const stream of streams) {
      if (stream.entries.length === 0) continue;
      const group = this.batchGroup(stream.tag);
      const streamsOfGroup = byGroup.get(group);
      if (streamsOfGroup) streamsOfGroup.push(stream);
      else byGroup.set(group, [stream]);
    }
    if (byGroup.size === 0) return [];
    const pipeline = this.backgroundPipeline() as ScriptedPipeline;
    const now = Date.now();
    for (const group of byGroup.values()) {
      const args: string[] = [];
      for (const { tag, destination, entries } of group) {
        args.push(tag, destination, String(entries.length));
        for (const [entryId, requestId] of entries) args.push(entryId, requestId);
      }
      pipeline.readClaimed(`${this.prefix}trt:${group[0].tag}`, this.prefix, EGRESS_GROUP, now, ...args);
    }
    const replies = await this.exec('read claimed requests', pipeline);
    const items: EgressItem[] = [];
    [...byGroup.values()].forEach((group, g) => {
      const reply = replies[g] as (string | 0)[];
      let next = 0;
      for (const { destination, entries } of group) {
        for (const [entryId, requestId] of entries) {
          const record = reply[next++];
          if (record !== 0) items.push(takenItem(destination, entryId, record, requestId));
        }
      }
    });
    return items;
  }

  /** A state step (from, to, its time field) for many requests: one script call per batch group (see batchGroup). */
  private async advanceState(what: string, step: [string, string, string], requestIds: readonly string[], at: number): Promise<void> {
    if (requestIds.length === 0) return;
    const byGroup = new Map<string, string[]>();
    for (const requestId of requestIds) {
      const tag = this.tagOf(requestId);
      const group = this.batchGroup(tag);
      const args = byGroup.get(group);
      if (args) args.push(tag, requestId);
      else byGroup.set(group, [tag, requestId]);
    }
    const pipeline = this.pipeline() as ScriptedPipeline;
    for (const args of byGroup.values()) pipeline.advanceState(`${this.prefix}trt:${args[0]}`, this.prefix, ...step, at, ...args);
    await this.exec(what, pipeline);
  }

  async releaseHeld(now: number, max: number, handOver?: ReleaseHandOver): Promise<HeldRelease> {
    const pipeline = this.backgroundPipeline() as ScriptedPipeline & { releaseHeld(...args: unknown[]): ScriptedPipeline };
    // One call per partition, each short, so that Redis serves the request path between them;
    // they run without knowing of each other, so they share the hand-overs out.
    const handOverEach = handOver && handOver.max > 0 ? Math.ceil(handOver.max / PARTITIONS) : 0;
    const destinations = handOverEach > 0 ? handOver!.destinations : [];
    for (let p = 0; p < PARTITIONS; p++) {
      pipeline.releaseHeld(`${this.prefix}held:{p${p}}`, now, max, this.prefix, `{p${p}}`, handOverEach, ...destinations);
    }
    const release: HeldRelease = { queued: 0, handedOver: [], more: false };
    for (const reply of (await this.exec('release held', pipeline)) as (string | number)[][]) {
      release.queued += Number(reply[0]);
      if (Number(reply[1]) === 1) release.more = true;
      for (let i = 2; i < reply.length; i += 3) release.handedOver.push(takenItem(String(reply[i]), '', String(reply[i + 2]), String(reply[i + 1]), now));
    }
    return release;
  }

  async heldLeasedAt(at: number, destinations: readonly string[]): Promise<EgressItem[]> {
    const sets = Array.from({ length: PARTITIONS }, (_, p) => destinations.map((destination) => ({ tag: `{p${p}}`, destination }))).flat();
    if (sets.length === 0) return [];
    const find = this.pipeline();
    for (const { tag, destination } of sets) find.zrangebyscore(this.leaseKey(tag, destination), at, at);
    const leased = (await this.exec('held leased at', find)).flatMap((ids, i) => (ids as string[]).map((requestId) => ({ destination: sets[i].destination, requestId })));
    if (leased.length === 0) return [];
    const read = this.pipeline();
    for (const { requestId } of leased) read.hmget(this.requestKey(requestId), 'record', 'state', 'forwardedAt');
    const fields = await this.exec('held leased at', read);
    return leased.flatMap(({ destination, requestId }, i) => {
      const [record, state, forwardedAt] = fields[i] as (string | null)[];
      // Answered or leased again meanwhile: not to send. (One handed over at its acknowledgement in
      // the same millisecond is sent again: the network drops the repeat.)
      return record === null || state !== 'forwarded' || Number(forwardedAt) !== at ? [] : [takenItem(destination, '', record, requestId, at)];
    });
  }

  /** Batched with the other responses of its partition in this turn: one script call for them all. */
  async recordResponse(response: NetworkResponse): Promise<ResponseOutcome> {
    const responseId = responseIdFor(response.requestId);
    const head = `{"kind":"response","requestId":${JSON.stringify(response.requestId)},"responseId":${JSON.stringify(responseId)},`
      + `"responseCode":${JSON.stringify(response.responseCode)},"body":`;
    const body = JSON.stringify(response.body ?? {});
    const tag = this.tagOf(response.requestId);
    const reply = await this.responses.add(this.batchGroup(tag), [tag,
      response.requestId, response.at, response.responseCode, response.wanMs ?? '', head, body,
    ]);
    if (reply[0] !== 'recorded') return { outcome: reply[0] as 'duplicate' | 'unknown' };
    const [, breached, earlier, elapsed, trtClass] = reply;
    return {
      outcome: 'recorded', breached: breached === '1', breachMarkedEarlier: earlier === '1',
      trtClass: (trtClass || undefined) as TrtClass | undefined,
      elapsedMs: elapsed ? Number(elapsed) : undefined,
    };
  }

  private respondBatch(items: (string | number)[][]): Promise<RespondReply[]> {
    return this.call('record response', () => this.confirmedWithin(
      this.redis.respondBatch(`${this.prefix}trt:${items[0][0]}`, this.prefix, this.outboxMinId(), EGRESS_GROUP, ...items.flat())));
  }

  /**
   * A script or pipeline within the command time limit, one timer per call: ioredis times out
   * neither a script sent in an automatic pipeline nor an explicit pipeline, and a write held up
   * in Redis (e.g. writes paused for a failover) must not keep its requests waiting without an
   * answer. Past the limit the write may still happen: the error says so (unconfirmed), and
   * callers look again before answering.
   */
  private confirmedWithin<T>(reply: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Command timed out')), this.commandTimeoutMs);
    });
    return Promise.race([reply, late]).finally(() => clearTimeout(timer));
  }

  /**
   * Every partition's mark-breaches.lua in one pipeline on the request path's connection: one
   * round trip, each call a few ZCOUNTs whatever the backlog. A partition whose call fails leaves
   * the others' marks made: they come with the error (BreachClaimsIncomplete), to be counted.
   */
  async markBreaches(now: number, lagBoundsMs: readonly number[] = []): Promise<MarkedBreaches[]> {
    const pipeline = this.pipeline() as ScriptedPipeline & { markBreaches(...args: unknown[]): ScriptedPipeline };
    for (let p = 0; p < PARTITIONS; p++) pipeline.markBreaches(`${this.prefix}trt:{p${p}}`, now, this.prefix, `{p${p}}`, ...lagBoundsMs);
    const results = await this.execEach('mark breaches', pipeline);
    const marked = results.flatMap(([error, reply]) => (error ? [] : markedGroups(reply as MarkedReply)));
    const failed = results.find(([error]) => error)?.[0];
    if (!failed) return marked;
    const cause = this.unavailable('mark breaches', failed);
    throw marked.length > 0 ? new BreachClaimsIncomplete({ breaches: [], marked }, { cause }) : cause;
  }

  /**
   * One claim-breaches.lua call per partition, BREACH_CLAIMS_IN_FLIGHT of them sent at a time, on
   * the background connection: Redis runs a connection's commands in order, so however large the
   * backlog, the egress and release loops' calls wait behind at most that many claims (each
   * bounded by `max`), while Redis always has the next claim queued. Each partition's breaches are
   * timed when its reply arrives, the moment they are known to be marked. Fails as a whole if any
   * partition's call fails.
   */
  async claimBreaches(now: number, max: number, lagBoundsMs: readonly number[] = []): Promise<BreachClaims> {
    const started = performance.now();
    const minId = this.outboxMinId();
    const claims: BreachClaims = { breaches: [], marked: [] };
    let next = 0;
    let failure: unknown;
    const claimer = async () => {
      while (next < PARTITIONS && failure === undefined) {
        const p = next++;
        const pipeline = (this.backgroundPipeline() as ScriptedPipeline & { claimBreaches(...args: unknown[]): ScriptedPipeline })
          .claimBreaches(`${this.prefix}trt:{p${p}}`, now, max, this.prefix, `{p${p}}`, minId, ...lagBoundsMs);
        let reply: BreachClaimsReply;
        try {
          [reply] = (await this.exec('claim breaches', pipeline)) as BreachClaimsReply[];
        } catch (error) {
          failure ??= error;
          return;
        }
        const markedAt = now + (performance.now() - started);
        const [oneByOne, marked, alerted] = reply;
        for (let i = 0; i < oneByOne.length; i += 5) {
          const requestId = oneByOne[i];
          const checkAt = Number(oneByOne[i + 1]);
          const breach: Breach = { requestId, originatorId: originatorOf(requestId), destination: oneByOne[i + 2], trtClass: oneByOne[i + 3], checkAt, lagMs: markedAt - checkAt };
          if (oneByOne[i + 4] === '1') breach.overdue = true;
          claims.breaches.push(breach);
        }
        claims.marked.push(...markedGroups(marked));
        for (const [trtClass, destination, flat] of alerted) {
          for (let i = 0; i < flat.length; i += 2) {
            const requestId = flat[i];
            const checkAt = Number(flat[i + 1]);
            claims.breaches.push({ requestId, originatorId: originatorOf(requestId), destination, trtClass, checkAt, markedEarlier: true, lagMs: markedAt - checkAt });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: BREACH_CLAIMS_IN_FLIGHT }, claimer));
    if (failure === undefined) return claims;
    throw claims.breaches.length > 0 || claims.marked.length > 0 ? new BreachClaimsIncomplete(claims, { cause: failure }) : failure;
  }

  private scheduleKey(originatorId: string, scheduleId: number): string {
    return `${this.prefix}sched:${this.userTag(originatorId)}:${originatorId}:${scheduleId}`;
  }

  private scheduleIndexKey(tag: string): string {
    return `${this.prefix}sched-due:${tag}`;
  }

  /** The partition's leased occurrences: member → the occurrence's own due time (its index score is the lease's end). */
  private scheduleLeasedKey(tag: string): string {
    return `${this.prefix}sched-leased:${tag}`;
  }

  async createSchedule(originatorId: string, schedule: DspSchedule, firstDueAt: number): Promise<number> {
    const scheduleId = Number(await this.call('INCR schedule ID', () => this.redis.incr(`${this.prefix}sched-seq`)));
    const tag = this.userTag(originatorId);
    // Both keys in the originator's slot: one MULTI.
    const write = this.redis.multi().set(this.scheduleKey(originatorId, scheduleId), JSON.stringify(schedule))
      .zadd(this.scheduleIndexKey(tag), firstDueAt, `${originatorId}:${scheduleId}`);
    await this.exec('create schedule', write);
    return scheduleId;
  }

  async getSchedule(originatorId: string, scheduleId: number): Promise<DspSchedule | undefined> {
    return parse<DspSchedule>(await this.call('GET schedule', () => this.redis.get(this.scheduleKey(originatorId, scheduleId))));
  }

  async deleteSchedule(originatorId: string, scheduleId: number): Promise<boolean> {
    const tag = this.userTag(originatorId);
    const member = `${originatorId}:${scheduleId}`;
    const write = this.redis.multi().del(this.scheduleKey(originatorId, scheduleId))
      .zrem(this.scheduleIndexKey(tag), member).hdel(this.scheduleLeasedKey(tag), member);
    const [deleted] = (await this.exec('delete schedule', write)) as number[];
    return deleted === 1;
  }

  /** One claim-schedules.lua call per partition, in one round trip. */
  async claimDueSchedules(now: number, max: number, leaseMs: number): Promise<ClaimedSchedule[]> {
    const leasedUntil = now + leaseMs;
    const pipeline = this.pipeline() as ScriptedPipeline & { claimSchedules(...args: unknown[]): ScriptedPipeline };
    for (let p = 0; p < PARTITIONS; p++) pipeline.claimSchedules(this.scheduleIndexKey(`{p${p}}`), this.scheduleLeasedKey(`{p${p}}`), now, max, leasedUntil, this.prefix, `{p${p}}`);
    const claimed: ClaimedSchedule[] = [];
    for (const flat of (await this.exec('claim schedules', pipeline)) as string[][]) {
      for (let i = 0; i < flat.length; i += 3) {
        const cut = flat[i].lastIndexOf(':');
        claimed.push({
          originatorId: flat[i].slice(0, cut), scheduleId: Number(flat[i].slice(cut + 1)), dueAt: Number(flat[i + 1]),
          schedule: JSON.parse(flat[i + 2]) as DspSchedule, leasedUntil,
        });
      }
    }
    return claimed;
  }

  async rescheduleSchedule(claimed: ClaimedSchedule, nextDueAt: number | undefined): Promise<boolean> {
    const { originatorId, scheduleId } = claimed;
    const tag = this.userTag(originatorId);
    return (await this.call('reschedule', () => (this.redis as ScriptedRedis & { rescheduleSchedule(...args: unknown[]): Promise<number> }).rescheduleSchedule(
      this.scheduleIndexKey(tag), this.scheduleKey(originatorId, scheduleId), this.scheduleLeasedKey(tag), `${originatorId}:${scheduleId}`,
      claimed.leasedUntil, nextDueAt ?? '',
    ))) === 1;
  }

  async enqueueOutboxMany(entries: readonly { userId: string; item: NewOutboxItem }[]): Promise<void> {
    if (entries.length === 0) return;
    const minId = this.outboxMinId();
    const pipeline = this.pipeline();
    for (const { userId, item } of entries) pipeline.xadd(this.outboxKey(userId), 'MINID', '~', minId, '*', 'item', JSON.stringify(item));
    await this.exec('XADD outbox many', pipeline);
  }

  async enqueueOutbox(userId: string, item: NewOutboxItem): Promise<OutboxItem> {
    const cursor = await this.call('XADD outbox', () =>
      this.redis.xadd(this.outboxKey(userId), 'MINID', '~', this.outboxMinId(), '*', 'item', JSON.stringify(item)));
    return { cursor: cursor!, ...item };
  }

  async readOutbox(userId: string, after: string | undefined, limit: number, deliveredAt?: number): Promise<OutboxItem[]> {
    const from = outboxStart(after);
    if (deliveredAt === undefined) {
      // From inside an entry, one entry more: the first may have nothing left.
      const entries = await this.call('XRANGE outbox', () => this.redis.xrange(this.outboxKey(userId), from.start, '+', 'COUNT', limit + (from.skip > 0 ? 1 : 0)));
      return outboxItems(entries.map(([id, fields]) => [id, fields[0], fields[1]] as const), from, limit);
    }
    const flat = await this.call('read outbox', () =>
      this.redis.readOutbox(this.outboxKey(userId), from.start, limit, this.prefix, this.userTag(userId), deliveredAt, from.skip));
    const entries: [string, string, string][] = [];
    for (let i = 0; i < flat.length; i += 3) entries.push([flat[i], flat[i + 1], flat[i + 2]]);
    return outboxItems(entries, from, limit);
  }

  async markDelivered(requestIds: readonly string[], at: number): Promise<void> {
    await this.advanceState('mark delivered', ['responded', 'delivered', 'deliveredAt'], requestIds, at);
  }

  async webhookBacklog(): Promise<string[]> {
    const users = await this.call('SMEMBERS webhook users', () => this.redis.smembers(this.webhookUsersKey()));
    if (users.length === 0) return [];
    const pipeline = this.pipeline();
    for (const userId of users) pipeline.xrevrange(this.outboxKey(userId), '+', '-', 'COUNT', 1).get(this.cursorKey(userId));
    const results = await this.exec('webhook backlog', pipeline);
    return users.filter((_, i) => {
      const newest = (results[2 * i] as [string, string[]][])[0]?.[0];
      const cursor = results[2 * i + 1] as string | null;
      return newest !== undefined && (cursor === null || compareCursors(newest, cursor) > 0);
    });
  }

  /** One XLEN and ZCARD (leases) per partition and destination (both settled when answered), in one round trip. */
  async egressBacklog(destinations: readonly string[]): Promise<Record<string, number>> {
    const pipeline = this.pipeline();
    for (const destination of destinations) {
      for (let p = 0; p < PARTITIONS; p++) pipeline.xlen(this.egressKey(`{p${p}}`, destination)).zcard(this.leaseKey(`{p${p}}`, destination));
    }
    const lengths = (await this.exec('XLEN egress', pipeline)) as number[];
    return Object.fromEntries(destinations.map((destination, d) =>
      [destination, lengths.slice(d * 2 * PARTITIONS, (d + 1) * 2 * PARTITIONS).reduce((sum, n) => sum + Number(n), 0)]));
  }

  async outboxLag(userIds: readonly string[], now: number): Promise<Record<string, number>> {
    if (userIds.length === 0) return {};
    const cursors = (await this.exec('GET cursors', userIds.reduce((pipeline, userId) => pipeline.get(this.cursorKey(userId)), this.pipeline()))) as (string | null)[];
    const read = this.pipeline();
    userIds.forEach((userId, i) => read.xrange(this.outboxKey(userId), outboxStart(cursors[i] ?? undefined).start, '+', 'COUNT', 1));
    const oldest = (await this.exec('XRANGE outbox lag', read)) as [string, string[]][][];
    return Object.fromEntries(userIds.map((userId, i) => {
      const id = oldest[i][0]?.[0];
      return [userId, id ? Math.max(0, now - Number(id.split('-')[0])) : 0];
    }));
  }

  async leaseDelivery(userId: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.call('lease', () => this.redis.lease(`${this.prefix}lease:${this.userTag(userId)}:${userId}`, owner, ttlMs))) === 1;
  }

  async deliveryCursor(userId: string): Promise<string | undefined> {
    return (await this.call('GET cursor', () => this.redis.get(this.cursorKey(userId)))) ?? undefined;
  }

  async setDeliveryCursor(userId: string, cursor: string): Promise<void> {
    await this.call('SET cursor', () => this.redis.set(this.cursorKey(userId), cursor));
  }

  async deadLetter(userId: string, item: OutboxItem, reason: string): Promise<void> {
    // The set of Users with dead letters lets an operator list them all; it is never pruned (a
    // User whose letters were all redriven lists nothing), so it cannot lose one being added.
    const pipeline = this.pipeline()
      .xadd(this.deadKey(userId), '*', 'item', JSON.stringify(item), 'reason', reason)
      .sadd(this.deadUsersKey(), userId);
    await this.exec('XADD dead letter', pipeline);
  }

  /** The cursor is `<userId>/<id>` of the last dead letter given: Users in order, each one's oldest first. */
  async listDeadLetters(userId: string | undefined, after: string | undefined, limit: number): Promise<Page<DeadLetter>> {
    const [afterUser, afterId] = splitCursor(after);
    const everyone = userId === undefined ? (await this.call('SMEMBERS dead-letter users', () => this.redis.smembers(this.deadUsersKey()))).sort() : [userId];
    const items: DeadLetter[] = [];
    for (const user of everyone.filter((u) => afterUser === undefined || u >= afterUser)) {
      const from = user === afterUser && afterId !== undefined ? `(${afterId}` : '-';
      const entries = await this.call('XRANGE dead letters', () => this.redis.xrange(this.deadKey(user), from, '+', 'COUNT', limit - items.length));
      for (const [id, fields] of entries) {
        items.push({ userId: user, id, at: Number(id.split('-')[0]), item: JSON.parse(fields[1]) as OutboxItem, reason: fields[3] });
      }
      if (items.length >= limit) break;
    }
    return pageOf(items, limit, (letter) => `${letter.userId}/${letter.id}`);
  }

  async redriveDeadLetters(userId: string, ids: readonly string[] | 'all'): Promise<Redriven[]> {
    const redriven: Redriven[] = [];
    for (;;) {
      let entries: [string, string[]][];
      if (ids === 'all') {
        entries = await this.call('XRANGE dead letters', () => this.redis.xrange(this.deadKey(userId), '-', '+', 'COUNT', REDRIVE_CHUNK));
      } else {
        const read = this.pipeline();
        for (const id of ids) read.xrange(this.deadKey(userId), id, id);
        entries = (await this.exec('XRANGE dead letters', read)).flat() as [string, string[]][];
      }
      if (entries.length === 0) return redriven;
      const args = entries.flatMap(([id, fields]) => {
        const { cursor, ...item } = JSON.parse(fields[1]) as OutboxItem;
        return [id, JSON.stringify({ ...item, redrivenFrom: cursor })];
      });
      const cursors = await this.call('redrive dead letters', () => this.redis.redriveDeadLetters(this.deadKey(userId), this.outboxKey(userId), this.outboxMinId(), ...args));
      entries.forEach(([id], i) => { if (cursors[i]) redriven.push({ id, cursor: cursors[i] }); });
      if (ids !== 'all') return redriven;
    }
  }

  /** Creates the egress consumer group of each stream once (from the start, so nothing queued earlier is missed). */
  private async ensureGroups(keys: string[]): Promise<void> {
    const missing = keys.filter((key) => !this.groups.has(key));
    if (missing.length === 0) return;
    const pipeline = this.pipeline() as ScriptedPipeline & { createEgressGroup(key: string, group: string): ScriptedPipeline };
    for (const key of missing) pipeline.createEgressGroup(key, EGRESS_GROUP);
    await this.exec('XGROUP CREATE', pipeline);
    for (const key of missing) this.groups.add(key);
  }

  /** Outbound items older than the retention are trimmed as new ones are added. */
  private outboxMinId(): string {
    return String(Date.now() - this.outboxRetentionMs);
  }

  async findQuarantine(ref: string): Promise<string | undefined> {
    const partition = partitionOfRef(ref);
    if (partition === undefined) return undefined;
    return (await this.call('GET quarantine ref', () => this.redis.get(`${this.prefix}qref:{p${partition}}:${ref}`))) ?? undefined;
  }

  async releaseQuarantine(requestId: string, release: Release): Promise<boolean> {
    const tag = this.tagOf(requestId);
    const destination = await this.call('HGET dest', () => this.redis.hget(this.requestKey(requestId), 'dest'));
    if (destination === null) return false;
    const bulk = bulkIndexOf(release.trt, destination, release.breachCheckAt, release.breachFinalAt);
    const released = await this.call('release quarantine', () => this.redis.releaseQuarantine(
      this.requestKey(requestId), this.egressKey(tag, destination), `${this.prefix}trt:${tag}`, `${this.prefix}qexp:${tag}`,
      `${this.prefix}trtkeys:${tag}`, `${this.prefix}trt:${tag}${bulk && `:${bulk}`}`, this.trtMarkKey(tag),
      requestId, release.state, release.at, release.trt ? JSON.stringify(release.trt) : '', release.egress ? '1' : '0',
      release.breachCheckAt ?? '', release.trt ? new Date(release.trt.deadline).toISOString() : '', release.trt?.class ?? '',
      release.trt?.startsAt ?? '', release.trt?.budgetMs ?? '', release.breachFinalAt ?? '', bulk,
    ));
    return released === 1;
  }

  async deleteQuarantined(requestId: string, at: number): Promise<boolean> {
    const tag = this.tagOf(requestId);
    return (await this.call('delete quarantined', () =>
      this.redis.deleteQuarantined(this.requestKey(requestId), `${this.prefix}qexp:${tag}`, requestId, at))) === 1;
  }

  /**
   * One script call per partition in order (only the User's with a User), each giving the
   * partition's soonest-expiring first. The cursor is `<partition>/<expiry>/<RequestID>` of the
   * last position looked at.
   */
  async listQuarantined(userId: string | undefined, after: string | undefined, limit: number): Promise<Page<RequestRecord>> {
    const [afterPartition, afterRest] = splitCursor(after);
    const [afterScore, afterId] = splitCursor(afterRest);
    const partitions = userId === undefined ? Array.from({ length: PARTITIONS }, (_, p) => p) : [partitionOf(userId)];
    const found: string[] = [];
    let next: string | undefined;
    for (const p of partitions.filter((q) => afterPartition === undefined || q >= Number(afterPartition))) {
      const from = p === Number(afterPartition) ? [afterScore ?? '', afterId ?? ''] : ['', ''];
      const [lastScore, lastId, ...pairs] = await this.call('list quarantined', () =>
        this.redis.listQuarantined(`${this.prefix}qexp:{p${p}}`, ...from, userId === undefined ? '' : `${userId}:`, limit - found.length, QUARANTINE_SCAN_BUDGET));
      for (let i = 0; i < pairs.length; i += 2) found.push(pairs[i]);
      // Stopped short of the partition's end: the page ends here, and goes on from there.
      if (lastId !== '') {
        next = `${p}/${lastScore}/${lastId}`;
        break;
      }
    }
    if (found.length === 0) return next ? { items: [], next } : { items: [] };
    const read = this.pipeline();
    for (const requestId of found) read.hgetall(this.requestKey(requestId));
    const records = (await this.exec('read quarantined', read)) as Record<string, string>[];
    const items = records.flatMap((fields, i) => (fields.record ? [recordFrom(fields, found[i])] : []));
    return next ? { items, next } : { items };
  }

  async expireQuarantined(now: number, max: number): Promise<string[]> {
    const pipeline = this.pipeline() as ScriptedPipeline & { expireQuarantined(...args: unknown[]): ScriptedPipeline };
    for (let p = 0; p < PARTITIONS; p++) pipeline.expireQuarantined(`${this.prefix}qexp:{p${p}}`, now, max, this.prefix, `{p${p}}`);
    return (await this.exec('expire quarantined', pipeline)).flat() as string[];
  }

  async incrementStats(set: string, increments: Record<string, number>): Promise<void> {
    const pipeline = this.pipeline();
    for (const [name, by] of Object.entries(increments)) pipeline.hincrby(`${this.prefix}stats:${set}`, name, by);
    await this.exec('HINCRBY stats', pipeline);
  }

  async readStats(set: string): Promise<Record<string, number>> {
    const fields = await this.call('HGETALL stats', () => this.redis.hgetall(`${this.prefix}stats:${set}`));
    return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, Number(value)]));
  }

  async getSetting<T>(name: string): Promise<T | undefined> {
    return parse<T>(await this.call('GET setting', () => this.redis.get(this.settingKey(name))));
  }

  async getSettings(names: readonly string[]): Promise<unknown[]> {
    if (names.length === 0) return [];
    const found = await this.getMany(names.map((name) => this.settingKey(name)), 'settings');
    return found.map((json) => parse(json));
  }

  /** Keys without a hash tag, read in one call: one MGET, or on a Redis Cluster (many slots, which one MGET cannot span) a pipeline of GETs. */
  private async getMany(keys: string[], what: string): Promise<(string | null)[]> {
    if (!this.onePartitionPerCall) return this.call(`MGET ${what}`, () => this.redis.mget(keys));
    const read = this.pipeline();
    for (const key of keys) read.get(key);
    return (await this.exec(`GET ${what}`, read)) as (string | null)[];
  }

  async putSetting<T>(name: string, value: T): Promise<void> {
    await this.call('SET setting', () => this.redis.set(this.settingKey(name), JSON.stringify(value)));
  }

  async ping(): Promise<void> {
    // Both connections: the background loops' too, which a readiness probe should see fail.
    await this.call('PING', () => Promise.all([this.redis.ping(), this.background.ping()]));
  }

  async close(): Promise<void> {
    this.blocking?.disconnect();
    await Promise.all([this.redis, this.background].map(async (client) => {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    }));
  }

  /** A second connection for blocking reads; its commands may wait up to their block time. */
  private blockingConnection(): Redis {
    if (!this.blocking) {
      if (isCluster(this.redis)) throw new Error('a Redis Cluster store does not block (see claimEgress)');
      // Its time limit must exceed any block time asked for (see claimEgress's callers).
      this.blocking = this.redis.duplicate({ lazyConnect: false, enableOfflineQueue: true, enableAutoPipelining: false, commandTimeout: 10_000 });
      this.blocking.on('error', () => undefined);
    }
    return this.blocking;
  }

  private userKey(userId: string): string {
    return `${this.prefix}user:${userId}`;
  }

  private deviceKey(deviceId: string): string {
    return `${this.prefix}dev:${deviceId}`;
  }

  /**
   * Every key of a request's life (its hash, egress entry, held and TRT indexes, its User's
   * outbox) carries the hash tag of its originator's partition, so each atomic step stays in one
   * Redis Cluster slot.
   */
  private userTag(userId: string): string {
    return `{p${partitionOf(userId)}}`;
  }

  private tagOf(requestId: string): string {
    return this.userTag(originatorOf(requestId));
  }

  private requestKey(requestId: string): string {
    return `${this.prefix}req:${this.tagOf(requestId)}:${requestId}`;
  }

  private egressKey(tag: string, destination: string): string {
    return `${this.prefix}egress:${tag}:${destination}`;
  }

  /** How far the partition's bulk-indexed deadlines are marked breached (claim-breaches.lua). */
  private trtMarkKey(tag: string): string {
    return `${this.prefix}trtmarked:${tag}`;
  }

  /** Requests handed to their network at acceptance, by lease time (accept-batch.lua). */
  private leaseKey(tag: string, destination: string): string {
    return `${this.prefix}egresslease:${tag}:${destination}`;
  }

  private outboxKey(userId: string): string {
    return `${this.prefix}outbox:${this.userTag(userId)}:${userId}`;
  }

  private cursorKey(userId: string): string {
    return `${this.prefix}webhook-cursor:${this.userTag(userId)}:${userId}`;
  }

  private deadKey(userId: string): string {
    return `${this.prefix}dead:${this.userTag(userId)}:${userId}`;
  }

  private deadUsersKey(): string {
    return `${this.prefix}dead-letter-users`;
  }

  private webhookUsersKey(): string {
    return `${this.prefix}webhook-users`;
  }

  private settingKey(name: string): string {
    return `${this.prefix}setting:${name}`;
  }

  private pipeline(): ChainableCommander {
    return anySlotPipeline(this.redis);
  }

  /**
   * The background loops' large calls (egress claims, held releases, breach claims) on a
   * connection of their own: Redis runs a connection's commands in order, so on the request
   * path's they would hold every acceptance behind them (a release of 8,000 held requests takes
   * about 60 ms); on their own, Redis interleaves the two connections' commands.
   */
  private backgroundPipeline(): ChainableCommander {
    return anySlotPipeline(this.background);
  }

  private async call<T>(what: string, command: () => Promise<T>): Promise<T> {
    this.onCall?.(what);
    const started = this.onCallDone ? performance.now() : 0;
    try {
      // A cluster client queues commands while a failover moves slots: the time limit is kept here.
      const result = await (this.onePartitionPerCall ? this.confirmedWithin(command()) : command());
      this.onCallDone?.(what, (performance.now() - started) / 1000, false);
      return result;
    } catch (cause) {
      this.onCallDone?.(what, (performance.now() - started) / 1000, true);
      throw this.unavailable(what, cause);
    }
  }

  /** Runs a pipeline; a failure of any of its commands is a failure of the whole. */
  private async exec(what: string, pipeline: ChainableCommander): Promise<unknown[]> {
    return (await this.execEach(what, pipeline)).map(([error, result]) => {
      if (error) throw this.unavailable(what, error);
      return result;
    });
  }

  /** Runs a pipeline; each command's error or result, for a caller that keeps what succeeded. */
  private async execEach(what: string, pipeline: ChainableCommander): Promise<[Error | null, unknown][]> {
    const results = await this.call(what, () => this.confirmedWithin(pipeline.exec()));
    if (!results) throw this.unavailable(what, new Error('the pipeline was aborted'));
    return results;
  }

  private unavailable(what: string, cause: unknown): StateUnavailableError {
    const reason = this.lastError && this.redis.status !== 'ready' ? ` (${this.lastError.message})` : '';
    return new StateUnavailableError(`${this.target} ${what} failed: ${(cause as Error).message}${reason}`, { cause, unconfirmed: wasSent(cause) });
  }
}

// Compact forms: a request is kept for the whole retention period (idempotency and status), so
// every byte of it counts millions of times. What the key or other fields already say is left out.

/**
 * The fixed record without what its RequestID says (requestId, originator, target) and without
 * its state (a field of its own), as a JSON array by position rather than an object by name:
 * `[srv, commandVariant, destination, generation, acceptedAt, trt, bodyElement, bodyValue, rest]`,
 * with trt as `[class, budgetMs, startsAt, deadline]`, 0 for what is absent, the body element 0
 * when it is the SRV's own (the catalogue's), and rest (the other fields by name) left out when
 * there are none. It is kept in the request's hash and travels in its egress entry: half the bytes
 * of the object form, twice over.
 */
function packRecord(record: RequestRecord): string {
  const {
    requestId: _requestId, originatorId: _originator, targetId: _target, state: _state,
    srv, commandVariant, destination, generation, acceptedAt, trt, bodyElement, bodyValue, ...rest
  } = record;
  const packed: unknown[] = [
    srv, commandVariant, destination, generation ?? 0, acceptedAt,
    trt ? [trt.class, trt.budgetMs, trt.startsAt, trt.deadline] : 0,
    bodyElement === findSrv(srv)?.bodyElement ? 0 : bodyElement,
    bodyValue,
  ];
  if (Object.values(rest).some((value) => value !== undefined)) packed.push(rest);
  return JSON.stringify(packed);
}

function unpackRecord(json: string, requestId: string): RequestRecord {
  const [originatorId, targetId] = requestId.split(':');
  const packed = JSON.parse(json) as unknown[] | Omit<RequestRecord, 'requestId' | 'originatorId' | 'targetId' | 'state'>;
  // Records written before the array form are objects by name.
  if (!Array.isArray(packed)) return { requestId, originatorId, targetId, state: 'accepted', ...packed };
  const [srv, commandVariant, destination, generation, acceptedAt, trt, bodyElement, bodyValue, rest] = packed as [
    string, number, string, RequestRecord['generation'] | 0, number, [TrtClass, number, number, number] | 0, string | 0, unknown, Partial<RequestRecord>?,
  ];
  const record: RequestRecord = {
    requestId, originatorId, targetId, srv, commandVariant, state: 'accepted', destination, acceptedAt,
    bodyElement: bodyElement === 0 ? findSrv(srv)!.bodyElement : bodyElement, bodyValue, ...rest,
  };
  if (generation !== 0) record.generation = generation;
  if (trt !== 0) record.trt = { class: trt[0], budgetMs: trt[1], startsAt: trt[2], deadline: trt[3] };
  return record;
}

/**
 * A leg's answer as `status|ExecutionDateTime|answer JSON`: its hash and SRV are fields of their
 * own. A plain I99 acknowledgement, which its record says all of (the caller made it from the
 * record), is kept as the marker `=` (answers are JSON objects, so never `=`): a third of what a
 * request keeps for its retention.
 */
function packLegAnswer(leg: LegRecord, plain: boolean): string {
  return `${leg.answer.status}|${leg.executionDateTime ?? ''}|${plain ? PLAIN_ACKNOWLEDGEMENT : leg.answer.body}`;
}

const PLAIN_ACKNOWLEDGEMENT = '=';

function unpackLeg(packed: string | null, bodyHash: string | null, srv: string | null, recordJson: string | null, requestId: string): LegRecord | undefined {
  if (packed === null) return undefined;
  const first = packed.indexOf('|');
  const second = packed.indexOf('|', first + 1);
  const executionDateTime = packed.slice(first + 1, second);
  let body = packed.slice(second + 1);
  if (body === PLAIN_ACKNOWLEDGEMENT) {
    if (recordJson === null) throw new Error(`request ${requestId} keeps its acknowledgement as a marker but has no record`);
    body = plainAcknowledgement(unpackRecord(recordJson, requestId)).body;
  }
  const leg: LegRecord = { bodyHash: bodyHash ?? '', srv: srv ?? '', answer: { status: Number(packed.slice(0, first)), body } };
  if (executionDateTime !== '') leg.executionDateTime = Number(executionDateTime);
  return leg;
}

/** The fixed record with its progress fields laid over it. */
function recordFrom(fields: Record<string, string>, requestId: string): RequestRecord {
  const record = unpackRecord(fields.record, requestId);
  record.state = (fields.state as RequestRecord['state']) ?? record.state;
  for (const name of ['forwardedAt', 'respondedAt', 'elapsedMs', 'wanMs'] as const) {
    if (fields[name] !== undefined) record[name] = Number(fields[name]);
  }
  if (fields.responseCode !== undefined) record.responseCode = fields.responseCode;
  if (fields.respondedAt !== undefined) record.responseId = responseIdFor(requestId);
  if (fields.breached !== undefined) record.breached = fields.breached === '1';
  if (fields.overdue === '1') record.overdue = true;
  if (fields.releasedAt !== undefined) record.releasedAt = Number(fields.releasedAt);
  // A release restarts the TRT clock: its budget replaces the one set at acceptance.
  if (fields.trt !== undefined) record.trt = JSON.parse(fields.trt);
  return record;
}

function parse<T>(text: string | null | undefined): T | undefined {
  return text == null ? undefined : (JSON.parse(text) as T);
}
