import { once } from 'node:events';
import type { Metadata, ServerWritableStream } from '@grpc/grpc-js';
import type { dccrouter } from '@dccrouter/protocol';
import { outboxCursorRefusal, respondedRequestIds, type OutboxItem, type StateStore } from '@dccrouter/state';
import { refusalStatus } from './answers.ts';
import { authenticateSigned, userNotActive, type UserLookup } from '../auth/user-call.ts';
import type { SignatureVerifier } from '../auth/verifier.ts';
import type { OutboxWatch } from '../delivery/outbox-watch.ts';
import type { Logger } from '../log/index.ts';

type FeedCall = ServerWritableStream<dccrouter.v1.IFeedRequest, dccrouter.v1.IOutboxItem>;

export const FEED_PATH = '/dccrouter.v1.Router/Feed';
/**
 * An idle feed waits for its User's outbox to grow (OutboxWatch: woken at once for a response this
 * process recorded, within its look otherwise), and reads again at least this often regardless.
 */
const FEED_IDLE_READ_MS = 5_000;
const FEED_PAGE = 100;
/** Feeds one User may hold open on a router process, as its waiting pulls: more are refused, so a User cannot hold the router's streams and store reads. */
export const MAX_FEEDS_PER_USER = 8;

export interface FeedDeps {
  store: StateStore;
  /** Finds the User of the signed call that opens a feed (see UserLookup). */
  directory: UserLookup;
  verifier: SignatureVerifier;
  log: Logger;
  draining: () => boolean;
  outboxWatch: OutboxWatch;
}

/** The text a User signs to open its feed (see router.proto, FeedRequest). */
export function feedSignedText(after: string, timestamp: string): string {
  return `FEED\n${FEED_PATH}\n${after}\n${timestamp}`;
}

function first(metadata: Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  return typeof value === 'string' ? value : undefined;
}

function outboxItem(item: OutboxItem): dccrouter.v1.IOutboxItem {
  return {
    cursor: item.cursor, kind: item.kind, requestId: item.requestId ?? '', responseId: item.responseId ?? '',
    responseCode: item.responseCode ?? '', alertCode: item.alertCode ?? '',
    bodyJson: item.body === undefined ? '' : JSON.stringify(item.body), itemJson: JSON.stringify(item),
  };
}

/**
 * Streams a User's outbound items after its cursor, then each new one, until the client cancels
 * or the router drains. Responses sent count as delivered, as when pulled. At most
 * MAX_FEEDS_PER_USER of a User's are open at once (`openFeeds`, this process's count by User);
 * a feed ends once its User is gone, suspended or its key changed (an operator replacing a
 * compromised key ends what the old one opened), looked at before each read.
 */
export async function serveFeed(call: FeedCall, deps: FeedDeps, openFeeds: Map<string, number>): Promise<void> {
  // Listened for before anything is awaited: a client that cancels while its signature is checked
  // is told once, then, and a feed that missed it would hold one of its User's places for ever.
  const cancellation = new AbortController();
  call.once('cancelled', () => cancellation.abort());
  const after = call.request.after ?? '';
  const auth = await authenticateSigned({
    user: first(call.metadata, 'x-dcc-user'),
    timestamp: first(call.metadata, 'x-dcc-timestamp'),
    signature: first(call.metadata, 'x-dcc-signature'),
    signedText: (timestamp) => feedSignedText(after, timestamp),
  }, deps.directory, deps.verifier);
  if (cancellation.signal.aborted) return;
  if (!auth.ok) return refuse(call, auth.status, auth.reason, auth.message);
  // As the pull's: a cursor the router never gave is the caller's mistake, not the store's.
  const badCursor = after === '' ? undefined : outboxCursorRefusal(after);
  if (badCursor) return refuse(call, 400, 'malformed_request', badCursor);
  const { userId } = auth;
  const open = openFeeds.get(userId) ?? 0;
  if (open >= MAX_FEEDS_PER_USER) return refuse(call, 503, 'overloaded', `User ${userId} has ${open} feeds open on this router process, the most it may: close one first`);
  openFeeds.set(userId, open + 1);
  try {
    await streamFeed(call, deps, userId, after, cancellation.signal);
  } finally {
    const left = openFeeds.get(userId)! - 1;
    if (left === 0) openFeeds.delete(userId);
    else openFeeds.set(userId, left);
  }
}

async function streamFeed(call: FeedCall, deps: FeedDeps, userId: string, after: string, cancelled: AbortSignal): Promise<void> {
  const openedWith = (await deps.directory.user(userId))?.publicKeyPem;
  let cursor = after === '' ? undefined : after;
  try {
    while (!cancelled.aborted && !deps.draining()) {
      // Cached in-process, an operator's change seen within the directory's sync.
      const user = await deps.directory.user(userId);
      if (!user || user.publicKeyPem !== openedWith) {
        return refuse(call, 401, 'signature_invalid', `User ${userId} is no longer registered with the key that opened this feed: open it again, signed by its current key`);
      }
      if (user.status !== 'active') return refuse(call, 403, 'user_not_active', userNotActive(user));
      const items = await deps.store.readOutbox(userId, cursor, FEED_PAGE);
      const written: OutboxItem[] = [];
      for (const item of items) {
        // Backpressure: a slow reader holds the feed, not the router's memory. A cancelled call
        // drops what it buffered and never drains: the wait ends with it, and what it dropped is
        // not counted delivered.
        if (!call.write(outboxItem(item))) await once(call, 'drain', { signal: cancelled }).catch(() => undefined);
        if (cancelled.aborted) break;
        written.push(item);
        cursor = item.cursor;
      }
      const delivered = respondedRequestIds(written);
      if (delivered.length > 0) await deps.store.markDelivered(delivered, Date.now());
      if (!cancelled.aborted && items.length < FEED_PAGE) await deps.outboxWatch.until(userId, cursor, FEED_IDLE_READ_MS, cancelled);
    }
    if (!cancelled.aborted) call.end();
  } catch (error) {
    deps.log.warn({ err: error, userId }, 'gRPC feed ended by a store failure');
    refuse(call, 503, 'state_unavailable', 'the state store failed; open the feed again from the last cursor read');
  }
}

/** Ends the feed with a non-OK status carrying the contract reason (google.rpc.ErrorInfo), as a refused submission's. */
function refuse(call: FeedCall, httpStatus: number, reason: string, message: string): void {
  // grpc-js ends a server stream with the status of an 'error' it is given.
  call.emit('error', refusalStatus({ refusal: { httpStatus, reason, message } }));
}
