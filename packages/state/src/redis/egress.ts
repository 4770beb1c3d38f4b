import type { Redis } from 'ioredis';
import { plainAcknowledgement } from '@dccrouter/domain';
import { PARTITIONS } from '../shared/index.ts';
import type { EgressItem, HeldClaims, HeldRelease, HeldVerdict, ReleaseHandOver, RequestRecord } from '../store/index.ts';
import { EGRESS_GROUP, RedisPart, type ScriptedPipeline } from './base.ts';
import { isCluster } from './connection/index.ts';
import { packRecord, unpackRecord } from './records.ts';

/** How often an idle router polls a Redis Cluster's egress streams (a cluster cannot block on several slots). */
const CLUSTER_IDLE_POLL_MS = 20;

/** A stream's claimed entries: its partition tag, destination, and each entry's ID and RequestID. */
interface ClaimedStream {
  tag: string;
  destination: string;
  entries: [entryId: string, requestId: string][];
}

/** A claimed request as egress sends it: taken, it is forwarded (see take-claimed.lua). */
function takenItem(destination: string, entryId: string, packedRecord: string, requestId: string, forwardedAt?: number): EgressItem {
  const record = unpackRecord(packedRecord, requestId);
  record.state = 'forwarded';
  // A lease's time (the packed record has none): a held release's, handed to the caller.
  if (forwardedAt !== undefined) record.forwardedAt = forwardedAt;
  return { destination, entryId, record };
}

/** A stream consumer is taken for gone after this many redelivery delays idle with nothing pending. */
const CONSUMER_GONE_DELAYS = 100;

/** From an egress stream's key (`<prefix>egress:{p3}:<destination>`) and the entries read from it. */
function claimedStream(key: string, entries: readonly [string, string[]][]): ClaimedStream {
  const close = key.indexOf('}:');
  return { tag: key.slice(key.lastIndexOf('{', close), close + 1), destination: key.slice(close + 2), entries: entries.map(([entryId, fields]) => [entryId, fields[1]]) };
}

/**
 * Each destination's queue: a stream per partition, read by the egress consumer group, and the
 * requests leased to the router that sent them at once (at acceptance, or when released from
 * being held); claimed, reclaimed when their sender went quiet, counted as backlog.
 */
export class RedisEgress extends RedisPart {
  /** Egress streams whose consumer group this instance has made sure of. */
  private readonly groups = new Set<string>();
  /**
   * Where each stream's next reclaim goes on: XAUTOCLAIM looks at a bounded number of pending
   * entries per call (ten times its COUNT), so from the start each time, idle entries behind
   * as many held by a live router (renewed, a stalled network) would never be reached.
   */
  private readonly reclaimFrom = new Map<string, string>();
  /** When this instance last removed the streams' consumers that are gone (see pruneConsumers). */
  private consumersPrunedAt = Date.now();

  /**
   * One script call per batch group claims new entries from every destination's stream, reads
   * their requests and marks them forwarded (claim-egress.lua): one round trip per claim. When
   * nothing is waiting and `blockMs` is given, an idle router then blocks on one XREADGROUP over
   * every stream (on its own connection) and takes what it brings (read-claimed.lua). A Redis
   * Cluster cannot block on several slots: it polls instead.
   */
  async claimEgress(destinations: readonly string[], consumer: string, max: number, blockMs = 0): Promise<EgressItem[]> {
    return this.recreatingGroups(() => this.claimEgressOnce(destinations, consumer, max, blockMs));
  }

  /**
   * A stream's group gone (Redis restarted without its data, a master lost): the groups this
   * process created are forgotten, so the next call makes them again, reading from the start of
   * what was queued since; remembered for good, egress stopped until every router restarted.
   */
  private async recreatingGroups<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (String((error as Error)?.message).includes('NOGROUP')) this.groups.clear();
      throw error;
    }
  }

  /** Every partition's egress stream of each destination. */
  private streamsOf(destinations: readonly string[]): string[] {
    return destinations.flatMap((d) => Array.from({ length: PARTITIONS }, (_, p) => this.egressKey(`{p${p}}`, d)));
  }

  private async claimEgressOnce(destinations: readonly string[], consumer: string, max: number, blockMs: number): Promise<EgressItem[]> {
    if (destinations.length === 0) return [];
    const keys = this.streamsOf(destinations);
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

  /**
   * This consumer's own entries idle `idleMs` or more that its networks do not hold (`held`): taken
   * by a claim whose answer never came back (it timed out while Redis stalled and ran on its
   * return, or the connection was cut and the client sent it again), so never sent. Claimed again
   * by this consumer (which resets their idle time; one renewed meanwhile is left) and returned to
   * be sent, rather than waiting out the redelivery delay, a SMETS2+ request's whole TRT.
   */
  async recoverOwnEgress(destinations: readonly string[], consumer: string, max: number, idleMs: number, held: readonly EgressItem[]): Promise<EgressItem[]> {
    return this.recreatingGroups(async () => {
      const keys = this.streamsOf(destinations);
      if (keys.length === 0) return [];
      await this.ensureGroups(keys);
      const holding = new Set(held.filter((item) => item.entryId !== '')
        .map((item) => `${this.egressKey(this.tagOf(item.record.requestId), item.destination)} ${item.entryId}`));
      const pending = this.backgroundPipeline();
      for (const key of keys) pending.xpending(key, EGRESS_GROUP, 'IDLE', idleMs, '-', '+', max, consumer);
      const found = (await this.exec('find own pending egress', pending)) as [string, string, number, number][][];
      const claim = this.backgroundPipeline();
      const claimedKeys: string[] = [];
      found.forEach((entries, i) => {
        const ids = entries.map(([id]) => id).filter((id) => !holding.has(`${keys[i]} ${id}`));
        if (ids.length === 0) return;
        claim.xclaim(keys[i], EGRESS_GROUP, consumer, idleMs, ...ids);
        claimedKeys.push(keys[i]);
      });
      if (claimedKeys.length === 0) return [];
      const claimed = (await this.exec('recover own egress', claim)) as [string, string[] | null][][];
      return this.readClaimed(claimed.map((entries, i) => claimedStream(claimedKeys[i], entries.filter((entry): entry is [string, string[]] => entry[1] !== null))));
    });
  }

  async reclaimEgress(destinations: readonly string[], consumer: string, max: number, idleMs: number): Promise<EgressItem[]> {
    return this.recreatingGroups(() => this.reclaimEgressOnce(destinations, consumer, max, idleMs));
  }

  private async reclaimEgressOnce(destinations: readonly string[], consumer: string, max: number, idleMs: number): Promise<EgressItem[]> {
    const keys = this.streamsOf(destinations);
    if (keys.length === 0) return [];
    await this.ensureGroups(keys);
    // Housekeeping: its failure (counted with the store's calls) must not hold up redelivery; the next interval tries again.
    await this.pruneConsumers(keys, idleMs).catch(() => undefined);
    const claim = this.backgroundPipeline();
    for (const key of keys) claim.xautoclaim(key, EGRESS_GROUP, consumer, idleMs, this.reclaimFrom.get(key) ?? '0-0', 'COUNT', max);
    const results = (await this.exec('reclaim egress', claim)) as ([string, [string, string[] | null][]] | null)[];
    // The next call goes on from where this one stopped ('0-0' once the scan went round).
    results.forEach((result, i) => this.reclaimFrom.set(keys[i], result?.[0] ?? '0-0'));
    // XAUTOCLAIM gives an entry deleted meanwhile as an ID without fields.
    const reclaimed = await this.readClaimed(results.map((result, i) => claimedStream(keys[i], (result?.[1] ?? [])
      .filter((entry): entry is [string, string[]] => entry[1] !== null))));
    return [...reclaimed, ...(await this.reclaimLeases(destinations, max, idleMs))];
  }

  /**
   * Every router process reads the streams under a name of its own, which stays in each stream's
   * group after it has gone (a restart, a deploy): about 150 bytes for each stream it read, for
   * good. So every hundred redelivery delays (about 50 minutes at 30 s) the consumers with nothing
   * pending and idle that long are removed (prune-consumers.lua, judged and removed in one step).
   * Safe for a live one, idle only because it had nothing to read: a consumer with no pending
   * entry holds nothing, and its next read makes it again.
   */
  private async pruneConsumers(keys: readonly string[], idleMs: number): Promise<void> {
    const goneAfterMs = CONSUMER_GONE_DELAYS * idleMs;
    if (Date.now() - this.consumersPrunedAt < goneAfterMs) return;
    this.consumersPrunedAt = Date.now();
    const prune = this.backgroundPipeline() as ScriptedPipeline;
    for (const key of keys) prune.pruneConsumers(key, EGRESS_GROUP, goneAfterMs);
    await this.exec('prune egress consumers', prune);
  }

  /** One script call per batch group (renew-egress.lua). */
  async renewEgress(items: readonly EgressItem[], consumer: string): Promise<void> {
    if (items.length === 0) return;
    const groups = this.argsByGroup(items, (item) => this.tagOf(item.record.requestId), (item, tag) => [tag, item.destination, item.record.requestId, item.entryId]);
    const pipeline = this.backgroundPipeline() as ScriptedPipeline;
    const now = Date.now();
    for (const args of groups) pipeline.renewEgress(`${this.prefix}trt:${args[0]}`, this.prefix, EGRESS_GROUP, consumer, now, ...args);
    await this.exec('renew egress', pipeline);
  }

  /** Every partition's `tag, destination` pairs, flat, one list per batch group (see batchGroup). */
  private destinationsByGroup(destinations: readonly string[]): (string | number)[][] {
    const tags = Array.from({ length: PARTITIONS }, (_, p) => `{p${p}}`);
    return this.argsByGroup(tags, (tag) => tag, (tag) => destinations.flatMap((destination) => [tag, destination]));
  }

  /** Requests handed over at acceptance and still unanswered after `idleMs`: one script call per batch group (reclaim-leases.lua). */
  private async reclaimLeases(destinations: readonly string[], max: number, idleMs: number): Promise<EgressItem[]> {
    const pipeline = this.backgroundPipeline() as ScriptedPipeline;
    const now = Date.now();
    for (const sets of this.destinationsByGroup(destinations)) {
      pipeline.reclaimLeases(`${this.prefix}trt:${sets[0]}`, this.callMark('leases-reclaimed', String(sets[0])), this.prefix, now, now - idleMs, max, this.resendMarkMs, ...sets);
    }
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

  async claimHeld(now: number, max: number, claimUntil: number): Promise<HeldClaims> {
    const pipeline = this.backgroundPipeline() as ScriptedPipeline & { claimHeld(...args: unknown[]): ScriptedPipeline };
    // One call per partition, each short, so that Redis serves the request path between them.
    for (let p = 0; p < PARTITIONS; p++) {
      const tag = `{p${p}}`;
      pipeline.claimHeld(`${this.prefix}held:${tag}`, this.heldClaimsKey(tag), now, max, claimUntil, this.prefix, tag);
    }
    const claims: HeldClaims = { claimed: [], more: false, claim: '', until: claimUntil };
    // The claim's ID in each partition that made one: `<partition>:<id>` each, space-separated.
    const ids: string[] = [];
    (await this.execEach('claim held', pipeline)).forEach(([error, result], p) => {
      if (error) {
        claims.failed ??= this.unavailable('claim held', error);
        return;
      }
      const reply = result as (string | number)[];
      if (Number(reply[0]) === 1) claims.more = true;
      if (reply[1] !== '') ids.push(`${p}:${reply[1]}`);
      for (let i = 2; i < reply.length; i += 2) claims.claimed.push(unpackRecord(String(reply[i + 1]), String(reply[i])));
    });
    claims.claim = ids.join(' ');
    return claims;
  }

  async settleHeld(claims: HeldClaims, now: number, verdicts: readonly HeldVerdict[], later: readonly string[], handOver?: ReleaseHandOver): Promise<HeldRelease> {
    const release: HeldRelease = { queued: 0, handedOver: [] };
    if (claims.claim === '') return release;
    // Each partition's claim (`<partition>:<id>`, see claimHeld), with what goes on (RequestID,
    // destination, record routed anew or '', and then the answer the record it replaces gives) and
    // what is held again (RequestID, '', '', '').
    const partitions = new Map<string, { id: string; args: string[] }>(claims.claim.split(' ').map((each) => {
      const [p, id] = each.split(':');
      return [`{p${p}}`, { id, args: [] }];
    }));
    const argsOf = (requestId: string) => partitions.get(this.tagOf(requestId))!.args;
    // What each goes on as: its record as claimed (nothing in it changes while it is held), routed anew where its device moved.
    const sent = new Map<string, RequestRecord>();
    for (const { record, route } of verdicts) {
      const goesOn = route ? { ...record, destination: route.destination, generation: route.generation } : record;
      sent.set(record.requestId, goesOn);
      argsOf(record.requestId).push(record.requestId, goesOn.destination, route ? packRecord(goesOn) : '', route ? plainAcknowledgement(record).body : '');
    }
    for (const requestId of later) argsOf(requestId).push(requestId, '', '', '');
    // The partitions' calls run without knowing of each other, so they share the hand-overs out.
    const handOverEach = handOver && handOver.max > 0 ? Math.ceil(handOver.max / PARTITIONS) : 0;
    const destinations = handOverEach > 0 ? handOver!.destinations : [];
    const pipeline = this.backgroundPipeline() as ScriptedPipeline & { settleHeld(...args: unknown[]): ScriptedPipeline };
    for (const [tag, { id, args }] of partitions) {
      pipeline.settleHeld(this.heldClaimsKey(tag), now, this.prefix, tag, id, claims.until, handOverEach, destinations.length, ...destinations, ...args);
    }
    // Each partition's settle on its own: one that fails does not void what the others handed over.
    for (const [error, result] of await this.execEach('settle held', pipeline)) {
      if (error) {
        release.failed ??= this.unavailable('settle held', error);
        continue;
      }
      const reply = result as (string | number)[];
      if (reply.length === 0) continue;
      release.queued += Number(reply[0]);
      for (let i = 1; i < reply.length; i++) {
        const record = sent.get(String(reply[i]))!;
        release.handedOver.push({ destination: record.destination, entryId: '', record: { ...record, state: 'forwarded', forwardedAt: now } });
      }
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

  /** Creates the egress consumer group of each stream once (from the start, so nothing queued earlier is missed). */
  private async ensureGroups(keys: string[]): Promise<void> {
    const missing = keys.filter((key) => !this.groups.has(key));
    if (missing.length === 0) return;
    const pipeline = this.pipeline() as ScriptedPipeline & { createEgressGroup(key: string, group: string): ScriptedPipeline };
    for (const key of missing) pipeline.createEgressGroup(key, EGRESS_GROUP);
    await this.exec('XGROUP CREATE', pipeline);
    for (const key of missing) this.groups.add(key);
  }

  /** A connection of its own for blocking reads (closed with the store); its commands may wait up to their block time. */
  private blockingConnection(): Redis {
    if (!this.context.blocking) {
      const redis = this.redis;
      if (isCluster(redis)) throw new Error('a Redis Cluster store does not block (see claimEgress)');
      // Its time limit must exceed any block time asked for (see claimEgress's callers).
      const blocking = redis.duplicate({ lazyConnect: false, enableOfflineQueue: true, enableAutoPipelining: false, commandTimeout: 10_000 });
      blocking.on('error', () => undefined);
      this.context.blocking = blocking;
    }
    return this.context.blocking;
  }
}
