import type { Context } from 'hono';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { parseRequestId, formatRequestId } from '@dccrouter/domain';
import { MAX_PULL_WAIT_MS } from '@dccrouter/protocol';
import { outboxCursorRefusal, type RequestRecord, type StateStore } from '@dccrouter/state';
import { authenticateUserCall, callRefusal, type UserLookup } from '../auth/user-call.ts';
import type { SignatureVerifier } from '../auth/verifier.ts';
import { OUTBOX_WATCH_MS, type OutboxWatch } from '../delivery/outbox-watch.ts';
import { documented } from '../openapi/index.ts';
import { DEFAULT_PAGE_LIMIT, errorAnswer, json, MAX_PAGE_LIMIT, queryInteger, requestStatus as requestStatusSchema, responsesPage } from '../openapi/schemas.ts';

export interface UserApiDeps {
  store: StateStore;
  /** Finds the User of a signed call (see UserLookup). */
  directory: UserLookup;
  verifier: SignatureVerifier;
  /** Wakes pulls that wait (`wait=`) when their User's outbox grows. */
  outboxWatch: OutboxWatch;
}

/** `GET /v1/responses`'s `limit` and `wait` (ms): one schema each checks them and documents them. */
const pullLimit = queryInteger(1, MAX_PAGE_LIMIT).optional();
const pullWait = queryInteger(0, MAX_PULL_WAIT_MS).optional();
/** Pulls of one User that may wait at once; more are answered at once, so a User cannot hold the router's sockets. */
const MAX_WAITING_PULLS_PER_USER = 8;

function notFound(c: Context, what: string) {
  return c.json({ error: { reason: 'not_found', message: `${what} not found` } }, 404);
}

/** The status of a request as its User reads it (contract: "Reading back, as a User"). */
export function requestStatus(record: RequestRecord) {
  const status: Record<string, unknown> = {
    requestId: record.requestId,
    state: record.state,
    route: record.generation ? { generation: record.generation, destination: record.destination } : { destination: record.destination },
  };
  if (record.responseCode) status.responseCode = record.responseCode;
  if (record.trt) {
    const trt: Record<string, unknown> = { budgetMs: record.trt.budgetMs, deadline: new Date(record.trt.deadline).toISOString() };
    if (record.elapsedMs !== undefined) trt.elapsedMs = record.elapsedMs;
    if (record.wanMs !== undefined) trt.wanMs = record.wanMs;
    trt.breached = record.breached === true;
    // SMETS1 without a response past its deadline plus the WAN allowance: provisional (contract v1.1).
    if (record.overdue) trt.overdue = true;
    status.trt = trt;
  }
  if (record.quarantine) status.quarantine = { ref: record.quarantine.ref, breach: record.quarantine.breach };
  if (record.sequence) status.sequence = record.sequence;
  return status;
}

/** The headers of a User's signed call, for the document. */
export const SIGNED_CALL_HEADERS = z.object({
  'X-DCC-User': z.string().meta({ param: { name: 'X-DCC-User', in: 'header' }, description: "The calling User's ID (EUI-64)" }),
  'X-DCC-Timestamp': z.string().meta({ param: { name: 'X-DCC-Timestamp', in: 'header' }, description: "RFC 3339, within 5 minutes of the router's clock" }),
  'X-DCC-Signature': z.string().meta({ param: { name: 'X-DCC-Signature', in: 'header' }, description: 'base64 DER ECDSA P-256 / SHA-256 over `<METHOD>\\n<request-target>\\n<timestamp>`' }),
});
export const SIGNED_CALL = [{ userSignedCall: [] }];
export const signatureRefused = json(errorAnswer(['signature_invalid']), 'The signed call is missing, late or not valid for the User\'s key');
/** A signed call's other refusals: its User suspended, or too many signatures waiting to be checked. */
export const signedCallRefused = {
  403: json(errorAnswer(['user_not_active']), 'The User is not active: its signed calls are refused'),
  503: json(errorAnswer(['overloaded']), 'Too many signatures waiting to be checked: call again after Retry-After'),
};

/** What a User reads of its own data with a signed call; another User's data is 404. */
export function userRoutes(deps: UserApiDeps): OpenAPIHono<{ Variables: { userId: string } }> {
  const app = new OpenAPIHono<{ Variables: { userId: string } }>();
  /** Pulls waiting now, by User (the gRPC feeds waiting in the same watch are not counted). */
  const waitingPulls = new Map<string, number>();

  // Per route, not app-wide: this app is mounted beside the other /v1 routes.
  const signedCall = createMiddleware<{ Variables: { userId: string } }>(async (c, next) => {
    const auth = await authenticateUserCall(c, deps.directory, deps.verifier);
    if (!auth.ok) return callRefusal(c, auth);
    c.set('userId', auth.userId);
    await next();
  });

  documented(app, {
    method: 'get', path: '/service-requests/{requestId}', tags: ['Users'], security: SIGNED_CALL, summary: "A request's status, as its User reads it",
    request: {
      params: z.object({ requestId: z.string().meta({ param: { name: 'requestId', in: 'path' }, example: '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000' }) }),
      headers: SIGNED_CALL_HEADERS,
    },
    responses: { 200: json(requestStatusSchema, 'Its status'), 401: signatureRefused, ...signedCallRefused, 404: json(errorAnswer(['not_found']), "No such request of this User's") },
  }, signedCall, async (c) => {
    const parsed = parseRequestId(c.req.param('requestId')!);
    if (!parsed || parsed.originatorId !== c.get('userId')) return notFound(c, 'request');
    const record = await deps.store.getRequest(formatRequestId(parsed));
    return record ? c.json(requestStatus(record)) : notFound(c, 'request');
  });

  documented(app, {
    method: 'get', path: '/responses', tags: ['Users'], security: SIGNED_CALL, summary: "The User's outbound items (responses and alerts), oldest first",
    description: 'Read without removing them (kept OUTBOX_RETENTION_SECONDS); reading a response marks its request `delivered`. '
      + 'With `wait`, a pull that finds nothing waits up to that long for the first item (a long poll) rather than answer an empty page at once.',
    request: {
      query: z.object({
        after: z.string().optional().meta({ param: { name: 'after', in: 'query' }, description: 'A cursor from an earlier answer, or a time in ms since the epoch (the items queued after it); from the start when absent' }),
        limit: pullLimit.meta({ param: { name: 'limit', in: 'query' }, description: `1 to ${MAX_PAGE_LIMIT}, ${DEFAULT_PAGE_LIMIT} when absent` }),
        wait: pullWait.meta({ param: { name: 'wait', in: 'query' }, description: `ms to wait for an item when there is none yet, 0 to ${MAX_PULL_WAIT_MS}; 0 (answer at once) when absent. Answered as soon as one comes (at once when this router recorded it, within ${OUTBOX_WATCH_MS} ms otherwise), or with an empty page when the wait is over; at once while ${MAX_WAITING_PULLS_PER_USER} pulls of the User already wait` }),
      }),
      headers: SIGNED_CALL_HEADERS,
    },
    responses: { 200: json(responsesPage, 'The next items'), 400: json(errorAnswer(['malformed_request']), 'A bad cursor, limit or wait'), 401: signatureRefused, ...signedCallRefused },
  }, signedCall, async (c) => {
    const after = c.req.query('after');
    const badCursor = after === undefined ? undefined : outboxCursorRefusal(after);
    if (badCursor) return c.json({ error: { reason: 'malformed_request', message: badCursor } }, 400);
    const limit = pullLimit.safeParse(c.req.query('limit'));
    if (!limit.success) return c.json({ error: { reason: 'malformed_request', message: `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}` } }, 400);
    const wait = pullWait.safeParse(c.req.query('wait'));
    if (!wait.success) return c.json({ error: { reason: 'malformed_request', message: `wait must be an integer from 0 to ${MAX_PULL_WAIT_MS} (ms)` } }, 400);
    const waitMs = wait.data ?? 0;
    const userId = c.get('userId');
    // Reading a response delivers it: the read marks it so in the same step.
    const read = () => deps.store.readOutbox(userId, after, limit.data ?? DEFAULT_PAGE_LIMIT, Date.now());
    let items = await read();
    const gone = c.req.raw.signal;
    if (items.length === 0 && waitMs > 0 && (waitingPulls.get(userId) ?? 0) < MAX_WAITING_PULLS_PER_USER) {
      waitingPulls.set(userId, (waitingPulls.get(userId) ?? 0) + 1);
      try {
        const until = Date.now() + waitMs;
        while (items.length === 0 && Date.now() < until && !deps.outboxWatch.closed) {
          await deps.outboxWatch.until(userId, after, until - Date.now(), gone);
          // A caller gone hears nothing: what came meanwhile is not read, so not marked delivered.
          if (gone.aborted) break;
          // Woken, timed out or shutting down: one more look answers all of them.
          items = await read();
        }
      } finally {
        const left = waitingPulls.get(userId)! - 1;
        if (left === 0) waitingPulls.delete(userId);
        else waitingPulls.set(userId, left);
      }
    }
    return c.json({ items, next: items.length > 0 ? items[items.length - 1].cursor : after ?? '0-0' });
  });

  return app;
}
