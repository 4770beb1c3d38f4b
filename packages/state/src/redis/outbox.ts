import { compareCursors, pageOf, splitCursor, trtAlert } from '../shared/index.ts';
import type { DeadLetter, NewOutboxItem, OutboxItem, Page, Redriven } from '../store/index.ts';
import { RedisPart, type ScriptedPipeline } from './base.ts';

/** Dead letters read per call when redriving all of a User's. */
const REDRIVE_CHUNK = 500;

/**
 * Where a read of an outbox after `after` starts: the entry and how many of its items were read;
 * never before `floor`, the retention's oldest ID (XADD's approximate MINID trims whole stream
 * nodes only, and a User idle since adds nothing that would trim them).
 */
function outboxStart(after: string | undefined, floor: string): { start: string; entryId?: string; skip: number } {
  // The entry a cursor names against the floor (`<id>.<n>` is inside entry <id>, which may be the floor's own).
  if (after === undefined || compareCursors(after.split('.')[0], floor) < 0) return { start: floor, skip: 0 };
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

/**
 * Each User's outbox (responses and alerts, read by pull or delivered by webhook), the webhook
 * deliveries' leases and cursors, and the dead letters they leave.
 */
export class RedisOutbox extends RedisPart {
  /** An append's mark (append-once.lua), in the User's slot. */
  private appendMark(userId: string): string {
    return this.callMark('appended', this.userTag(userId));
  }

  async enqueueOutboxMany(entries: readonly { userId: string; item: NewOutboxItem }[]): Promise<void> {
    if (entries.length === 0) return;
    // One append per User, its items in order.
    const byUser = new Map<string, string[]>();
    for (const { userId, item } of entries) {
      const items = byUser.get(userId);
      if (items) items.push('item', JSON.stringify(item));
      else byUser.set(userId, ['item', JSON.stringify(item)]);
    }
    const minId = this.outboxMinId();
    const pipeline = this.pipeline() as ScriptedPipeline;
    for (const [userId, fields] of byUser) pipeline.appendOnce(this.outboxKey(userId), this.appendMark(userId), '~', minId, this.resendMarkMs, 1, ...fields);
    await this.exec('append outbox many', pipeline);
  }

  async enqueueOutbox(userId: string, item: NewOutboxItem): Promise<OutboxItem> {
    const [cursor] = await this.call('append outbox', () =>
      this.redis.appendOnce(this.outboxKey(userId), this.appendMark(userId), '~', this.outboxMinId(), this.resendMarkMs, 1, 'item', JSON.stringify(item)));
    return { cursor, ...item };
  }

  async readOutbox(userId: string, after: string | undefined, limit: number, deliveredAt?: number): Promise<OutboxItem[]> {
    const from = outboxStart(after, this.outboxMinId());
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
    // Newest items within the retention only (readOutbox serves none older).
    const floor = this.outboxMinId();
    for (const userId of users) pipeline.xrevrange(this.outboxKey(userId), '+', floor, 'COUNT', 1).get(this.cursorKey(userId));
    const results = await this.exec('webhook backlog', pipeline);
    return users.filter((_, i) => {
      const newest = (results[2 * i] as [string, string[]][])[0]?.[0];
      const cursor = results[2 * i + 1] as string | null;
      return newest !== undefined && (cursor === null || compareCursors(newest, cursor) > 0);
    });
  }

  async outboxLag(userIds: readonly string[], now: number): Promise<Record<string, number>> {
    if (userIds.length === 0) return {};
    const cursors = (await this.exec('GET cursors', userIds.reduce((pipeline, userId) => pipeline.get(this.cursorKey(userId)), this.pipeline()))) as (string | null)[];
    const read = this.pipeline();
    const floor = this.outboxMinId();
    userIds.forEach((userId, i) => read.xrange(this.outboxKey(userId), outboxStart(cursors[i] ?? undefined, floor).start, '+', 'COUNT', 1));
    const oldest = (await this.exec('XRANGE outbox lag', read)) as [string, string[]][][];
    return Object.fromEntries(userIds.map((userId, i) => {
      const id = oldest[i][0]?.[0];
      return [userId, id ? Math.max(0, now - Number(id.split('-')[0])) : 0];
    }));
  }

  async outboxHeads(userIds: readonly string[]): Promise<(string | undefined)[]> {
    if (userIds.length === 0) return [];
    const read = this.pipeline();
    const floor = this.outboxMinId();
    for (const userId of userIds) read.xrevrange(this.outboxKey(userId), '+', floor, 'COUNT', 1);
    return ((await this.exec('XREVRANGE outbox heads', read)) as [string, string[]][][]).map((newest) => newest[0]?.[0]);
  }

  async leaseDelivery(userId: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.call('lease', () => this.redis.lease(this.deliveryLeaseKey(userId), owner, ttlMs))) === 1;
  }

  async releaseDelivery(userId: string, owner: string): Promise<void> {
    await this.call('release lease', () => this.redis.releaseLease(this.deliveryLeaseKey(userId), owner));
  }

  private deliveryLeaseKey(userId: string): string {
    return `${this.prefix}lease:${this.userTag(userId)}:${userId}`;
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
    // Letters past their retention go as the next is added (exactly: they come one per backoff
    // at most), so a User whose endpoint stays broken for months does not fill Redis.
    const pipeline = (this.pipeline() as ScriptedPipeline)
      .appendOnce(this.deadKey(userId), this.appendMark(userId), '=', this.deadLetterMinId(), this.resendMarkMs, 2, 'item', JSON.stringify(item), 'reason', reason)
      .sadd(this.deadUsersKey(), userId);
    await this.exec('append dead letter', pipeline);
  }

  /** The cursor is `<userId>/<id>` of the last dead letter given: Users in order, each one's oldest first. */
  async listDeadLetters(userId: string | undefined, after: string | undefined, limit: number): Promise<Page<DeadLetter>> {
    const [afterUser, afterId] = splitCursor(after);
    const everyone = userId === undefined ? (await this.call('SMEMBERS dead-letter users', () => this.redis.smembers(this.deadUsersKey()))).sort() : [userId];
    const items: DeadLetter[] = [];
    // Letters past their retention are not listed, though no letter since has trimmed them (their stream goes whole later: keep-stream.lua).
    const floor = this.deadLetterMinId();
    for (const user of everyone.filter((u) => afterUser === undefined || u >= afterUser)) {
      const from = user === afterUser && afterId !== undefined && compareCursors(afterId, floor) >= 0 ? `(${afterId}` : floor;
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
    // Letters past their retention are not listed, nor redriven: as if gone.
    const floor = this.deadLetterMinId();
    const live = ids === 'all' ? ids : ids.filter((id) => compareCursors(id, floor) >= 0);
    if (live.length === 0) return redriven;
    for (;;) {
      let entries: [string, string[]][];
      if (live === 'all') {
        entries = await this.call('XRANGE dead letters', () => this.redis.xrange(this.deadKey(userId), floor, '+', 'COUNT', REDRIVE_CHUNK));
      } else {
        const read = this.pipeline();
        for (const id of live) read.xrange(this.deadKey(userId), id, id);
        entries = (await this.exec('XRANGE dead letters', read)).flat() as [string, string[]][];
      }
      if (entries.length === 0) return redriven;
      const args = entries.flatMap(([id, fields]) => {
        const { cursor, ...item } = JSON.parse(fields[1]) as OutboxItem;
        // The first cursor it had, however often redriven: the one a receiver may have seen (and deduplicates on).
        return [id, JSON.stringify({ ...item, redrivenFrom: item.redrivenFrom ?? cursor })];
      });
      const cursors = await this.call('redrive dead letters', () => this.redis.redriveDeadLetters(this.deadKey(userId), this.outboxKey(userId), this.callMark('redriven', this.userTag(userId)), this.outboxMinId(), String(this.resendMarkMs), ...args));
      entries.forEach(([id], i) => { if (cursors[i]) redriven.push({ id, cursor: cursors[i] }); });
      if (live !== 'all') return redriven;
    }
  }

  /** A state step (from, to, its time field) for many requests: one script call per batch group (see batchGroup). */
  private async advanceState(what: string, step: [string, string, string], requestIds: readonly string[], at: number): Promise<void> {
    if (requestIds.length === 0) return;
    const groups = this.argsByGroup(requestIds, (requestId) => this.tagOf(requestId), (requestId, tag) => [tag, requestId]);
    const pipeline = this.pipeline() as ScriptedPipeline;
    for (const args of groups) pipeline.advanceState(`${this.prefix}trt:${args[0]}`, this.prefix, ...step, at, ...args);
    await this.exec(what, pipeline);
  }
}
