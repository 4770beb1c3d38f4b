import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { parseRequestId, formatRequestId } from '@dccrouter/domain';
import { isCursor, type RequestRecord, type StateStore } from '@dccrouter/state';
import { authenticateUserCall } from '../auth/user-call.ts';
import type { SignatureVerifier } from '../auth/verifier.ts';

export interface UserApiDeps {
  store: StateStore;
  verifier: SignatureVerifier;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

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
  return status;
}

/** What a User reads of its own data with a signed call; another User's data is 404. */
export function userRoutes(deps: UserApiDeps): Hono<{ Variables: { userId: string } }> {
  const app = new Hono<{ Variables: { userId: string } }>();

  // Per route, not app-wide: this app is mounted beside the other /v1 routes.
  const signedCall = createMiddleware<{ Variables: { userId: string } }>(async (c, next) => {
    const auth = await authenticateUserCall(c, deps.store, deps.verifier);
    if (!auth.ok) return c.json({ error: { reason: 'signature_invalid', message: auth.message } }, 401);
    c.set('userId', auth.userId);
    await next();
  });

  app.get('/service-requests/:requestId', signedCall, async (c) => {
    const parsed = parseRequestId(c.req.param('requestId'));
    if (!parsed || parsed.originatorId !== c.get('userId')) return notFound(c, 'request');
    const record = await deps.store.getRequest(formatRequestId(parsed));
    return record ? c.json(requestStatus(record)) : notFound(c, 'request');
  });

  app.get('/responses', signedCall, async (c) => {
    const after = c.req.query('after');
    if (after !== undefined && !isCursor(after)) {
      return c.json({ error: { reason: 'malformed_request', message: 'after must be a cursor from an earlier answer' } }, 400);
    }
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      return c.json({ error: { reason: 'malformed_request', message: `limit must be an integer from 1 to ${MAX_LIMIT}` } }, 400);
    }
    const items = await deps.store.readOutbox(c.get('userId'), after, limit);
    const delivered = items.filter((item) => item.kind === 'response' && item.requestId).map((item) => item.requestId!);
    await deps.store.markDelivered(delivered, Date.now());
    return c.json({ items, next: items.length > 0 ? items[items.length - 1].cursor : after ?? '0-0' });
  });

  return app;
}
