import type { ChainableCommander, Redis } from 'ioredis';
import { anySlotPipeline, describeTarget, isCluster, type RedisClient, type RedisTarget } from './connection/index.ts';
import { observedCall, within, type CallObserver } from './observed-call.ts';
import { callNames } from './call-names.ts';
import { SCRIPTS } from './scripts.ts';
import { DEAD_LETTER_RETENTION_SECONDS, DEFAULT_RETENTION_SECONDS, originatorOf, partitionOf } from '../shared/index.ts';
import { redisCallFailed, StateUnavailableError, UPDATE_ATTEMPTS } from '../store/index.ts';
import { parse } from './records.ts';

// What every part of the Redis store shares: its connections and options, the scripts' commands
// and answers, key names, and the calls that time, count and explain each round trip.

export interface RedisStoreOptions extends RedisTarget, CallObserver {
  /** Put before every key, so that several routers or tests can share one Redis; 'dcc:' unless told. */
  keyPrefix?: string;
  /** How long `connect` waits for every connection to be ready before it gives up; 30 s unless told. */
  connectDeadlineMs?: number;
  /** How long a request's records are kept after its last acknowledgement; 7 days unless told. */
  requestRetentionSeconds?: number;
  /** How long any command may take before it fails; 2000 ms unless told. */
  commandTimeoutMs?: number;
  /** How long outbound items stay readable; 7 days unless told. */
  outboxRetentionSeconds?: number;
  /** How long a dead letter is kept (then dropped as the next is added); 30 days unless told. */
  deadLetterRetentionSeconds?: number;
  /**
   * How long a network response waits for others before they are recorded together (one script
   * call); 10 ms unless told. Nobody waits on it but the TRT clock, which a few ms do not move.
   */
  responseGatherMs?: number;
  /**
   * How long past a deadline its TRT alert waits (claim-breaches.lua): a response that came by the
   * deadline is recorded a little later (gathered, a round trip), and takes the breach back; its
   * alert, once queued, could not be. A breach indexed in bulk is marked at the deadline all the
   * same; one checked one by one (SMETS1, a deadline under 5 s ahead when indexed) is marked with its
   * alert, the grace late. 0 unless told.
   */
  trtAlertGraceMs?: number;
  /**
   * Replicas that must hold an acceptance before it is acknowledged (Redis WAIT once each
   * acceptance call has answered, on a connection of the acceptances' own); 0 (the default): the
   * master's word is enough, and a master lost before its replicas had the write loses it.
   */
  waitReplicas?: number;
  /** How long an acceptance waits for those replicas (WAIT's timeout), below the command time limit; 500 ms unless told. */
  waitTimeoutMs?: number;
}

export const EGRESS_GROUP = 'egress';
export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
export const DEFAULT_WAIT_TIMEOUT_MS = 500;

/** accept-batch.lua's answer: every request's, one after another, flat (see the script). */
export type AcceptReply = (string | number | null)[];
/** respond-batch.lua's answer for one response: outcome, then for 'recorded' breached, earlier, elapsed, TRT class, a mark's time taken back. */
export type RespondReply = [string, string, string, string, string, string];

/**
 * claim-breaches.lua's answer: the per-request claims (flat: request ID, check time, destination,
 * TRT class, overdue '1'/'0'); the bulk marks (class, destination, how many up to each lag bound,
 * then all); the bulk alerts (class, destination, flat: request ID, deadline).
 */
export type MarkedReply = [trtClass: string, destination: string, counts: number[]][];
export type BreachClaimsReply = [string[], MarkedReply, [trtClass: string, destination: string, claims: string[]][]];

export type ScriptedRedis = RedisClient & {
  acceptBatch(...args: (string | number)[]): Promise<AcceptReply>;
  /** Six values per response, flat (RespondReply). */
  respondBatch(...args: (string | number)[]): Promise<string[]>;
  claimBreaches(key: string, mark: string, now: number, max: number, prefix: string, tag: string, minId: string, markMs: number, alertUntil: number, ...lagBoundsMs: number[]): Promise<BreachClaimsReply>;
  lease(key: string, owner: string, ttlMs: number): Promise<number>;
  releaseLease(key: string, owner: string): Promise<number>;
  releaseQuarantine(...args: (string | number)[]): Promise<number>;
  deleteQuarantined(...args: (string | number)[]): Promise<number>;
  redriveDeadLetters(...args: string[]): Promise<string[]>;
  listQuarantined(...args: (string | number)[]): Promise<string[]>;
  putInstallations(...args: string[]): Promise<string[]>;
  incrementStats(stats: string, mark: string, markMs: number, ...increments: (string | number)[]): Promise<number>;
  appendOnce(stream: string, mark: string, trim: '~' | '=', minId: string, markMs: number, fieldsPerEntry: number, ...fieldsAndValues: string[]): Promise<string[]>;
  readOutbox(key: string, start: string, count: number, prefix: string, tag: string, deliveredAt: number | '', skip: number): Promise<string[]>;
  setIfUnchanged(...args: IfUnchanged): Promise<number>;
};

/** set-if-unchanged.lua's arguments: the key, whether a value was read, that value, the new one. */
type IfUnchanged = [key: string, hadValue: '0' | '1', read: string, value: string];

/** A JSON value written to `key` only if Redis still holds what was `read` there (null: nothing). */
export function ifUnchanged(key: string, read: string | null, value: unknown): IfUnchanged {
  return [key, read === null ? '0' : '1', read ?? '', JSON.stringify(value)];
}

/** Ready-made commands over an ioredis pipeline, for the scripts used in batches. */
export type ScriptedPipeline = ChainableCommander & {
  advanceState(...args: (string | number)[]): ScriptedPipeline;
  readClaimed(...args: (string | number)[]): ScriptedPipeline;
  claimEgress(...args: (string | number)[]): ScriptedPipeline;
  reclaimLeases(...args: (string | number)[]): ScriptedPipeline;
  renewEgress(...args: (string | number)[]): ScriptedPipeline;
  pruneConsumers(stream: string, group: string, idleMs: number): ScriptedPipeline;
  appendOnce(stream: string, mark: string, trim: '~' | '=', minId: string, markMs: number, fieldsPerEntry: number, ...fieldsAndValues: string[]): ScriptedPipeline;
  setIfUnchanged(...args: IfUnchanged): ScriptedPipeline;
};

/** The store's scripts, each a client command, with how many of its arguments are keys. */
export const SCRIPT_COMMANDS = [
  ['acceptBatch', 2],
  ['respondBatch', 1],
  ['releaseQuarantine', 10],
  ['deleteQuarantined', 2],
  ['expireQuarantined', 1],
  ['advanceState', 1],
  ['claimHeld', 2],
  ['settleHeld', 1],
  ['readClaimed', 1],
  ['claimEgress', 1],
  ['reclaimLeases', 2],
  ['renewEgress', 1],
  ['readOutbox', 1],
  ['claimBreaches', 2],
  ['markBreaches', 2],
  ['lease', 1],
  ['releaseLease', 1],
  ['createEgressGroup', 1],
  ['claimSchedules', 2],
  ['createSchedule', 4],
  ['rescheduleSchedule', 4],
  ['deleteSchedule', 3],
  ['redriveDeadLetters', 3],
  ['listQuarantined', 1],
  ['putInstallations', 1],
  ['setIfUnchanged', 1],
  ['incrementStats', 2],
  ['appendOnce', 2],
  ['pruneConsumers', 1],
] as const satisfies readonly (readonly [keyof typeof SCRIPTS, number])[];

/** The connections and settings of one store, shared by its parts; its last connection error too. */
export class RedisContext {
  readonly prefix: string;
  readonly retentionSeconds: number;
  readonly outboxRetentionMs: number;
  readonly deadLetterRetentionMs: number;
  readonly commandTimeoutMs: number;
  readonly waitReplicas: number;
  readonly waitTimeoutMs: number;
  /** Where the store points, for messages (no password). */
  readonly target: string;
  /** On a Redis Cluster each script call stays in one slot: one partition's work per call. */
  readonly onePartitionPerCall: boolean;
  /** The last connection error, to say why a command failed while Redis is away. */
  lastError: Error | undefined;
  /** A third connection, made when first needed, for blocking reads (see RedisEgress). */
  blocking?: Redis;
  /**
   * Where acceptances are recorded: the request path's connection, or with waitReplicas one of
   * their own, since Redis runs nothing else of a connection while its WAIT waits.
   */
  readonly acceptances: ScriptedRedis;

  constructor(readonly redis: ScriptedRedis, readonly background: ScriptedRedis, readonly options: RedisStoreOptions, acceptances?: ScriptedRedis) {
    this.acceptances = acceptances ?? redis;
    this.prefix = options.keyPrefix ?? 'dcc:';
    this.retentionSeconds = options.requestRetentionSeconds ?? DEFAULT_RETENTION_SECONDS;
    this.outboxRetentionMs = (options.outboxRetentionSeconds ?? DEFAULT_RETENTION_SECONDS) * 1000;
    this.deadLetterRetentionMs = (options.deadLetterRetentionSeconds ?? DEAD_LETTER_RETENTION_SECONDS) * 1000;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.waitReplicas = options.waitReplicas ?? 0;
    this.waitTimeoutMs = options.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    if (this.waitReplicas > 0 && this.waitTimeoutMs >= this.commandTimeoutMs) {
      throw new Error(`waitTimeoutMs (${this.waitTimeoutMs}) must be below the command time limit (${this.commandTimeoutMs} ms): a WAIT past it would be cut off unanswered`);
    }
    this.onePartitionPerCall = isCluster(redis);
    this.target = describeTarget(options);
  }
}

/**
 * A part of the store (one concern: directory, requests, egress, ...): its keys and its calls to
 * Redis, over the connections of the context it shares with the other parts.
 */
export abstract class RedisPart {
  protected readonly redis: ScriptedRedis;
  protected readonly background: ScriptedRedis;
  protected readonly prefix: string;
  protected readonly onePartitionPerCall: boolean;
  /**
   * How long a call's mark is kept when only the client library sends the call again: while its
   * caller can still be waiting for the reply (the command time limit, within which the resend
   * must answer), and a second more. Past that its answer would reach nobody.
   */
  protected readonly resendMarkMs: number;
  /** Each marked call's own name, which ends its mark key: this part's random part, then a count. */
  private readonly callIds = callNames();

  constructor(protected readonly context: RedisContext) {
    this.redis = context.redis;
    this.background = context.background;
    this.prefix = context.prefix;
    this.onePartitionPerCall = context.onePartitionPerCall;
    this.resendMarkMs = context.commandTimeoutMs + 1_000;
  }

  /** A mark key for one call, unique to it, in the slot of `tag` ('{p3}'): `<prefix><kind>:<tag>:<call>`. */
  protected callMark(kind: string, tag: string): string {
    return `${this.prefix}${kind}:${tag}:${this.callIds.next()}`;
  }

  /**
   * Calls gathered in one turn go to Redis together: on a single Redis all in one script call; a
   * Redis Cluster needs one call per slot, i.e. per partition.
   */
  protected batchGroup(tag: string): string {
    return this.onePartitionPerCall ? tag : '*';
  }

  /**
   * A script's per-item arguments, flat, one list per batch group: each item's own (`argsOf`, which
   * begin with its partition tag, so a list's first names the key that routes its call).
   */
  protected argsByGroup<T>(items: Iterable<T>, tagOf: (item: T) => string, argsOf: (item: T, tag: string) => (string | number)[]): (string | number)[][] {
    const byGroup = new Map<string, (string | number)[]>();
    for (const item of items) {
      const tag = tagOf(item);
      const group = this.batchGroup(tag);
      let args = byGroup.get(group);
      if (!args) byGroup.set(group, (args = []));
      args.push(...argsOf(item, tag));
    }
    return [...byGroup.values()];
  }

  /** Outbound items older than the retention are trimmed as new ones are added. */
  protected outboxMinId(): string {
    return String(Date.now() - this.context.outboxRetentionMs);
  }

  /** Dead letters older than their retention are trimmed as the next is added, and neither listed nor redriven. */
  protected deadLetterMinId(): string {
    return String(Date.now() - this.context.deadLetterRetentionMs);
  }

  /** Keys without a hash tag, read in one call: one MGET, or on a Redis Cluster (many slots, which one MGET cannot span) a pipeline of GETs. */
  protected async getMany(keys: string[], what: string): Promise<(string | null)[]> {
    if (!this.onePartitionPerCall) return this.call(`MGET ${what}`, () => this.redis.mget(keys));
    const read = this.pipeline();
    for (const key of keys) read.get(key);
    return (await this.exec(`GET ${what}`, read)) as (string | null)[];
  }

  /**
   * A script or pipeline within the command time limit, one timer per call: ioredis times out
   * neither a script sent in an automatic pipeline nor an explicit pipeline, and a write held up
   * in Redis (e.g. writes paused for a failover) must not keep its requests waiting without an
   * answer. Past the limit the write may still happen: the error says so (unconfirmed), and
   * callers look again before answering.
   */
  protected confirmedWithin<T>(reply: Promise<T>): Promise<T> {
    return within(reply, this.context.commandTimeoutMs);
  }

  protected userKey(userId: string): string {
    return `${this.prefix}user:${userId}`;
  }

  protected deviceKey(deviceId: string): string {
    return `${this.prefix}dev:${deviceId}`;
  }

  /**
   * Every key of a request's life (its hash, egress entry, held and TRT indexes, its User's
   * outbox) carries the hash tag of its originator's partition, so each atomic step stays in one
   * Redis Cluster slot.
   */
  protected userTag(userId: string): string {
    return `{p${partitionOf(userId)}}`;
  }

  protected tagOf(requestId: string): string {
    return this.userTag(originatorOf(requestId));
  }

  protected requestKey(requestId: string): string {
    return `${this.prefix}req:${this.tagOf(requestId)}:${requestId}`;
  }

  protected egressKey(tag: string, destination: string): string {
    return `${this.prefix}egress:${tag}:${destination}`;
  }

  /** How far the partition's bulk-indexed deadlines are marked breached (claim-breaches.lua). */
  protected trtMarkKey(tag: string): string {
    return `${this.prefix}trtmarked:${tag}`;
  }

  /** A partition's claims of held requests to be judged again, by when each runs out (claim-held.lua). */
  protected heldClaimsKey(tag: string): string {
    return `${this.prefix}heldclaims:${tag}`;
  }

  /** Requests handed to their network at acceptance, by lease time (accept-batch.lua). */
  protected leaseKey(tag: string, destination: string): string {
    return `${this.prefix}egresslease:${tag}:${destination}`;
  }

  protected outboxKey(userId: string): string {
    return `${this.prefix}outbox:${this.userTag(userId)}:${userId}`;
  }

  protected cursorKey(userId: string): string {
    return `${this.prefix}webhook-cursor:${this.userTag(userId)}:${userId}`;
  }

  protected deadKey(userId: string): string {
    return `${this.prefix}dead:${this.userTag(userId)}:${userId}`;
  }

  protected deadUsersKey(): string {
    return `${this.prefix}dead-letter-users`;
  }

  protected webhookUsersKey(): string {
    return `${this.prefix}webhook-users`;
  }

  protected settingKey(name: string): string {
    return `${this.prefix}setting:${name}`;
  }

  protected pipeline(): ChainableCommander {
    return anySlotPipeline(this.redis);
  }

  /**
   * The background loops' large calls (egress claims, held releases, breach claims) on a
   * connection of their own: Redis runs a connection's commands in order, so on the request
   * path's they would hold every acceptance behind them (a release of 8,000 held requests takes
   * about 60 ms); on their own, Redis interleaves the two connections' commands.
   */
  protected backgroundPipeline(): ChainableCommander {
    return anySlotPipeline(this.background);
  }

  protected async call<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      // A cluster client queues commands while a failover moves slots: the time limit is kept here.
      return await observedCall(this.context.options, what, command, this.onePartitionPerCall ? this.context.commandTimeoutMs : undefined);
    } catch (cause) {
      throw this.unavailable(what, cause);
    }
  }

  /**
   * A JSON value changed as Redis holds it, never overwriting another writer's change made
   * meanwhile: read, changed, written only if still as read (set-if-unchanged.lua), else read again,
   * up to UPDATE_ATTEMPTS. `change` answers undefined to write nothing. `kind` names the calls
   * (\`GET <kind>\`, \`set <kind> if unchanged\`), `label` the value in the error when it kept changing.
   */
  protected async updateJson<T>(key: string, kind: string, label: string, change: (current: T | undefined) => T | undefined): Promise<{ before: T | undefined; after: T } | undefined> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const read = await this.call(`GET ${kind}`, () => this.redis.get(key));
      const before = parse<T>(read);
      const after = change(before);
      if (after === undefined) return undefined;
      const written = await this.call(`set ${kind} if unchanged`, () => this.redis.setIfUnchanged(...ifUnchanged(key, read, after)));
      if (written === 1) return { before, after };
    }
    throw new StateUnavailableError(`${label} kept changing under ${UPDATE_ATTEMPTS} attempts to update it`);
  }

  /** Runs a pipeline; a failure of any of its commands is a failure of the whole. */
  protected async exec(what: string, pipeline: ChainableCommander): Promise<unknown[]> {
    return (await this.execEach(what, pipeline)).map(([error, result]) => {
      if (error) throw this.unavailable(what, error);
      return result;
    });
  }

  /** Runs a pipeline; each command's error or result, for a caller that keeps what succeeded. */
  protected async execEach(what: string, pipeline: ChainableCommander): Promise<[Error | null, unknown][]> {
    const results = await this.call(what, () => this.confirmedWithin(pipeline.exec()));
    if (!results) throw this.unavailable(what, new Error('the pipeline was aborted'));
    return results;
  }

  protected unavailable(what: string, cause: unknown): StateUnavailableError {
    const reason = this.context.lastError && this.redis.status !== 'ready' ? ` (${this.context.lastError.message})` : '';
    return redisCallFailed(`${this.context.target} ${what} failed: ${(cause as Error).message}${reason}`, cause);
  }
}
