import { pageOf, partitionOf, splitCursor } from '../shared/index.ts';
import type { Page, Release, RequestRecord } from '../store/index.ts';
import { copy, reroute, type MemoryState } from './state.ts';

/** Requests held back by Threshold Anomaly Detection: found by reference, released, deleted, listed, expired. */
export class MemoryQuarantine {
  constructor(private readonly state: MemoryState) {}

  async findQuarantine(ref: string): Promise<string | undefined> {
    const requestId = this.state.quarantineRefs.get(ref);
    return requestId && this.state.request(requestId) ? requestId : undefined;
  }

  async releaseQuarantine(requestId: string, release: Release): Promise<boolean> {
    const { state } = this;
    const entry = state.request(requestId);
    // The same release again (its time: a retry of a call whose answer was lost) is done, as RedisStore says.
    if (entry?.record.state !== 'quarantined') return entry !== undefined && entry.record.state !== 'deleted' && entry.record.releasedAt === release.at;
    if (release.ref !== undefined && entry.record.quarantine?.ref !== release.ref) return false;
    Object.assign(entry.record, { state: release.state, releasedAt: release.at });
    // The retention from now, or from when its TRT is last judged if later (never shortened).
    const keepUntil = Math.max(Date.now(), release.breachCheckAt ?? 0, release.breachFinalAt ?? 0, release.heldUntil ?? 0) + state.retentionMs;
    if (entry.expiresAt < keepUntil) {
      entry.expiresAt = keepUntil;
      state.requests.delete(requestId);
      state.outlive(requestId, entry);
    }
    if (release.trt) entry.record.trt = copy(release.trt);
    if (release.route) reroute(entry.record, release.route);
    if (release.egress && release.heldUntil !== undefined && release.heldUntil > release.at) state.held.push(release.heldUntil, requestId);
    else if (release.egress) entry.egressEntry = state.enqueueEgress(entry.record.destination, requestId);
    if (release.breachCheckAt !== undefined) state.indexDeadline(entry, requestId, release.breachCheckAt);
    if (release.breachFinalAt !== undefined) entry.breachFinalAt = release.breachFinalAt;
    if (release.outbox) state.appendOutbox(entry.record.originatorId, copy(release.outbox));
    return true;
  }

  async deleteQuarantined(requestId: string, at: number, ref?: string): Promise<boolean> {
    const entry = this.state.request(requestId);
    if (entry?.record.state !== 'quarantined') return entry?.record.state === 'deleted' && entry.deletedAt === at;
    if (ref !== undefined && entry.record.quarantine?.ref !== ref) return false;
    entry.record.state = 'deleted';
    entry.deletedAt = at;
    return true;
  }

  /** In RedisStore's order and cursor (`<partition>/<expiresAt>/<requestId>`): by partition, then soonest expiry. */
  async listQuarantined(userId: string | undefined, after: string | undefined, limit: number): Promise<Page<RequestRecord>> {
    const position = (record: RequestRecord) => [partitionOf(record.originatorId), record.quarantine!.expiresAt, record.requestId] as const;
    const compare = (a: readonly [number, number, string], b: readonly [number, number, string]) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
    const [p, rest] = splitCursor(after);
    const [at, requestId] = splitCursor(rest);
    const from = after === undefined ? undefined : [Number(p), Number(at), requestId ?? ''] as const;
    const records = [...new Set(this.state.quarantineRefs.values())]
      .map((id) => this.state.request(id)?.record)
      .filter((record): record is RequestRecord => record?.state === 'quarantined' && (userId === undefined || record.originatorId === userId))
      .filter((record) => from === undefined || compare(position(record), from) > 0)
      .sort((a, b) => compare(position(a), position(b)));
    return pageOf(records.slice(0, limit).map(copy), limit, (record) => position(record).join('/'));
  }

  async expireQuarantined(now: number, max: number): Promise<string[]> {
    const expired: string[] = [];
    while (expired.length < max && (this.state.quarantineExpiry.peekKey() ?? Infinity) <= now) {
      const requestId = this.state.quarantineExpiry.pop()!.value;
      // An entry outlives a release: the RequestID's later quarantine (its signed leg's) has an expiry of its own.
      const expiresAt = this.state.request(requestId)?.record.quarantine?.expiresAt;
      if (expiresAt !== undefined && expiresAt > now) continue;
      if (await this.deleteQuarantined(requestId, now)) expired.push(requestId);
    }
    return expired;
  }
}
