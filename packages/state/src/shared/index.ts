// Helpers both stores share, so the two implementations agree by construction.
import type { NewOutboxItem } from '../store/index.ts';

/**
 * Fixed number of partitions. A request, its egress entries, its TRT deadline and its User's
 * outbox live in the partition of its originator, so every atomic step touches one Redis Cluster
 * slot. Changing it re-homes every key: it is part of the data format.
 */
export const PARTITIONS = 16;

/** FNV-1a over the originator's User ID. */
export function partitionOf(userId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % PARTITIONS;
}

/** The originator of `originator:target:counter`. */
export function originatorOf(requestId: string): string {
  const end = requestId.indexOf(':');
  return end < 0 ? requestId : requestId.slice(0, end);
}

/**
 * Outbox cursors are Redis stream IDs, `<ms>-<seq>`, compared numerically; inside an entry that
 * holds several items (a deadline scan's TRT alerts for one User), `<ms>-<seq>.<i>` is its item i,
 * before the entry's last item, whose cursor is the entry's ID.
 */
export function compareCursors(a: string, b: string): number {
  const [am, as, ai] = cursorParts(a);
  const [bm, bs, bi] = cursorParts(b);
  return am !== bm ? am - bm : as !== bs ? as - bs : ai === bi ? 0 : ai < bi ? -1 : 1;
}

function cursorParts(cursor: string): [ms: number, seq: number, item: number] {
  const [id, item] = cursor.split('.');
  const [ms, seq] = id.split('-').map(Number);
  return [ms, seq ?? 0, item === undefined ? Infinity : Number(item)];
}

const CURSOR = /^\d{1,16}(-\d{1,16})?(\.\d{1,9})?$/;
export function isCursor(text: string): boolean {
  return CURSOR.test(text);
}

/** Why an outbox reader's `after` is refused (the pull and the gRPC feed say it alike); undefined when it is a cursor. */
export function outboxCursorRefusal(after: string): string | undefined {
  return isCursor(after) ? undefined : 'after must be a cursor from an earlier answer, or a time in ms since the epoch';
}

/**
 * A response's TRT judgement (the TRT-measured time and whether it breaches), the same rule on
 * both stores: as respond-batch.lua makes it. A breach the deadline scan marked
 * stands (a late response still completes it), unless the response came by the time the scan
 * marked it at (`markedAt`: its deadline, SMETS1's final check) within budget: it was only
 * recorded after the scan, so the request had its response in time and the mark is taken back
 * (`breachRetracted`: that time, whose month the scan counted the breach in).
 */
export function judgeResponse(
  record: { trt?: { startsAt: number; budgetMs: number }; breached?: boolean }, at: number, wanMs: number | undefined, markedAt?: number,
): { elapsedMs?: number; breached: boolean; breachRetracted?: number } {
  if (!record.trt) return { elapsedMs: undefined, breached: record.breached === true };
  const elapsed = Math.max(0, at - record.trt.startsAt - (wanMs ?? 0));
  const late = elapsed > record.trt.budgetMs;
  const retracted = record.breached === true && !late && markedAt !== undefined && at <= markedAt;
  // Judged unrounded, kept in whole ms (a WAN time may have a fraction), as respond-batch.lua does.
  const judged = { elapsedMs: Math.round(elapsed), breached: late || (record.breached === true && !retracted) };
  return retracted ? { ...judged, breachRetracted: markedAt } : judged;
}

/** The TRT dcc alert for a request breached at its deadline (epoch ms), as both stores queue it. */
export function trtAlert(requestId: string, deadline: number): NewOutboxItem {
  return { kind: 'dccAlert', alertCode: 'TRT', requestId, body: { alert: 'TRT', requestId, deadline: new Date(deadline).toISOString() } };
}

/** DUIS mirrors the RequestID in the ResponseID: target and originator swap places. */
export function responseIdFor(requestId: string): string {
  const [originator, target, counter] = requestId.split(':');
  return `${target}:${originator}:${counter}`;
}

/** A quarantine event reference names its request's partition, so it is found in one slot. */
export function quarantineRef(requestId: string, random: string): string {
  return `q${partitionOf(originatorOf(requestId))}-${random}`;
}

const QUARANTINE_REF = /^q(\d{1,2})-[0-9a-f]{16,32}$/;
export function partitionOfRef(ref: string): number | undefined {
  const match = QUARANTINE_REF.exec(ref);
  const partition = match ? Number(match[1]) : NaN;
  return partition < PARTITIONS ? partition : undefined;
}

/** The body a User gets with a response: the network's, plus what the router attached at acceptance. */
export function responseBody(response: { body?: unknown }, record: { responseExtras?: Record<string, unknown> }): unknown {
  const body = response.body ?? {};
  if (!record.responseExtras) return body;
  // An array is a value too (spread, it would become an object of indexes), as respond-batch.lua has it.
  return { ...(typeof body === 'object' && body !== null && !Array.isArray(body) ? body : { value: body }), ...record.responseExtras };
}

/** `<a>/<rest>`, split at the first "/", or nothing: the listings' opaque cursors. */
export function splitCursor(cursor: string | undefined): [string | undefined, string | undefined] {
  if (cursor === undefined) return [undefined, undefined];
  const slash = cursor.indexOf('/');
  return slash < 0 ? [cursor, undefined] : [cursor.slice(0, slash), cursor.slice(slash + 1)];
}

/** A full page may have more after it: it says where to go on. */
export function pageOf<T>(items: T[], limit: number, cursorOf: (item: T) => string): { items: T[]; next?: string } {
  return items.length >= limit && items.length > 0 ? { items, next: cursorOf(items[items.length - 1]) } : { items };
}

/** How long a dead letter is kept unless told (both stores). */
export const DEAD_LETTER_RETENTION_SECONDS = 30 * 24 * 60 * 60;
/** How long a request's records and outbound items are kept unless told (both stores). */
export const DEFAULT_RETENTION_SECONDS = 7 * 24 * 60 * 60;

/** A page cursor of listDeadLetters: `<userId>/<id>`. */
export const DEAD_LETTER_CURSOR = /^[^/]+\/\d{1,16}-\d{1,16}$/;
/** A page cursor of listQuarantined: `<partition>/<expiry ms>/<RequestID>`. */
export const QUARANTINE_CURSOR = /^\d{1,2}\/\d{1,16}\/[^/]+$/;

/** The RequestIDs of the responses among outbound items: what delivering them delivers (responded -> delivered). */
export function respondedRequestIds(items: readonly { kind: string; requestId?: string }[]): string[] {
  return items.flatMap((item) => (item.kind === 'response' && item.requestId ? [item.requestId] : []));
}
