import { pageOf, respondedRequestIds, splitCursor } from '../shared/index.ts';
import type { DeadLetter, NewOutboxItem, OutboxItem, Page, Redriven } from '../store/index.ts';
import { MemoryStream } from './queues.ts';
import { copy, type MemoryState } from './state.ts';

/** Each User's outbox, read by pull and by webhook delivery (its cursor and lease), and its dead letters. */
export class MemoryOutbox {
  private readonly cursors = new Map<string, string>();
  private readonly deadLetters = new Map<string, MemoryStream<{ item: OutboxItem; reason: string }>>();

  constructor(private readonly state: MemoryState) {}

  async enqueueOutboxMany(entries: readonly { userId: string; item: NewOutboxItem }[]): Promise<void> {
    for (const { userId, item } of entries) this.state.appendOutbox(userId, copy(item));
  }

  async enqueueOutbox(userId: string, item: NewOutboxItem): Promise<OutboxItem> {
    return this.state.appendOutbox(userId, copy(item));
  }

  async readOutbox(userId: string, after: string | undefined, limit: number, deliveredAt?: number): Promise<OutboxItem[]> {
    const stream = this.state.liveOutbox(userId);
    if (!stream) return [];
    const items = stream.after(after, limit).map(({ id, value }) => ({ cursor: id, ...copy(value) }));
    if (deliveredAt !== undefined) await this.markDelivered(respondedRequestIds(items), deliveredAt);
    return items;
  }

  async markDelivered(requestIds: readonly string[], _at: number): Promise<void> {
    for (const requestId of requestIds) {
      const record = this.state.request(requestId)?.record;
      if (record?.state === 'responded') record.state = 'delivered';
    }
  }

  async webhookBacklog(): Promise<string[]> {
    return [...this.state.users.values()]
      .filter((user) => user.receiveEndpoint && this.state.liveOutbox(user.userId)?.after(this.cursors.get(user.userId), 1).length)
      .map((user) => user.userId);
  }

  async outboxLag(userIds: readonly string[], now: number): Promise<Record<string, number>> {
    return Object.fromEntries(userIds.map((userId) => {
      const [oldest] = this.state.liveOutbox(userId)?.after(this.cursors.get(userId), 1) ?? [];
      return [userId, oldest ? Math.max(0, now - Number(oldest.id.split('-')[0])) : 0];
    }));
  }

  async outboxHeads(userIds: readonly string[]): Promise<(string | undefined)[]> {
    return userIds.map((userId) => this.state.liveOutbox(userId)?.last());
  }

  async leaseDelivery(userId: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.state.lease(`delivery:${userId}`, owner, ttlMs);
  }

  async releaseDelivery(userId: string, owner: string): Promise<void> {
    this.state.releaseLease(`delivery:${userId}`, owner);
  }

  async deliveryCursor(userId: string): Promise<string | undefined> {
    return this.cursors.get(userId);
  }

  async setDeliveryCursor(userId: string, cursor: string): Promise<void> {
    this.cursors.set(userId, cursor);
  }

  /** A User's dead letters without those past their retention: dropped as the next is added, and neither listed nor redriven. */
  private liveLetters(userId: string): MemoryStream<{ item: OutboxItem; reason: string }> | undefined {
    const stream = this.deadLetters.get(userId);
    stream?.trimOlderThan(Date.now() - this.state.deadLetterRetentionMs);
    return stream;
  }

  async deadLetter(userId: string, item: OutboxItem, reason: string): Promise<void> {
    let stream = this.liveLetters(userId);
    if (!stream) this.deadLetters.set(userId, (stream = new MemoryStream()));
    stream.append({ item: copy(item), reason });
  }

  /** The cursor is `<userId>/<id>` of the last dead letter given: Users in order, each one's oldest first. */
  async listDeadLetters(userId: string | undefined, after: string | undefined, limit: number): Promise<Page<DeadLetter>> {
    const [afterUser, afterId] = splitCursor(after);
    const users = (userId === undefined ? [...this.deadLetters.keys()].sort() : [userId])
      .filter((user) => afterUser === undefined || user >= afterUser);
    const items: DeadLetter[] = [];
    for (const user of users) {
      const from = user === afterUser ? afterId : undefined;
      for (const { id, value } of this.liveLetters(user)?.after(from, limit - items.length) ?? []) {
        items.push({ userId: user, id, at: Number(id.split('-')[0]), reason: value.reason, item: copy(value.item) });
      }
      if (items.length >= limit) break;
    }
    return pageOf(items, limit, (letter) => `${letter.userId}/${letter.id}`);
  }

  async redriveDeadLetters(userId: string, ids: readonly string[] | 'all'): Promise<Redriven[]> {
    const stream = this.liveLetters(userId);
    if (!stream) return [];
    const chosen = ids === 'all' ? stream.after(undefined, Infinity) : ids.flatMap((id) => stream.get(id) ?? []);
    return chosen.map(({ id, value }) => {
      stream.remove(id);
      const { cursor, ...item } = value.item;
      // The first cursor it had, however often redriven (as the Redis store keeps it).
      return { id, cursor: this.state.appendOutbox(userId, { ...item, redrivenFrom: item.redrivenFrom ?? cursor }).cursor };
    });
  }
}
