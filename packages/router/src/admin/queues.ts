import { OpenAPIHono, z } from '@hono/zod-openapi';
import { euiSchema, objectError, parseWith, type FieldError } from '@dccrouter/domain';
import { DEAD_LETTER_CURSOR, QUARANTINE_CURSOR, type RequestRecord, type StateStore } from '@dccrouter/state';
import type { Context } from 'hono';
import { documented } from '../openapi/index.ts';
import { DEFAULT_PAGE_LIMIT, errorAnswer, invalidInput, json, MAX_PAGE_LIMIT, operatorBodyTooLarge, outboxItem, queryInteger, unauthorized } from '../openapi/schemas.ts';
import type { JsonBody } from './index.ts';

const OPERATOR = [{ operatorBearer: [] }];

/** A listing's query: a User's or everyone's, a page after a cursor, at most `limit`. */
const listingQuery = (cursor: RegExp) => z.object({
  userId: euiSchema('must be an EUI-64 (8 hex octets joined by "-")').optional()
    .meta({ param: { name: 'userId', in: 'query' }, description: "Only this User's; every User's when absent" }),
  after: z.string().regex(cursor, { error: 'must be a cursor from an earlier answer (its next)' }).optional()
    .meta({ param: { name: 'after', in: 'query' }, description: "The previous page's `next`; from the start when absent" }),
  limit: queryInteger(1, MAX_PAGE_LIMIT).optional()
    .meta({ param: { name: 'limit', in: 'query' }, description: `At most this many (${DEFAULT_PAGE_LIMIT} when absent)` }),
});
const deadLetterQuery = listingQuery(DEAD_LETTER_CURSOR);
const quarantineQuery = listingQuery(QUARANTINE_CURSOR);

/** `POST /v1/admin/dead-letters:redrive`'s body. */
export const redriveSchema = z.strictObject({
  userId: euiSchema('is required: the User ID (EUI-64) whose dead letters to redrive'),
  id: z.string({ error: 'must be a dead letter ID (<ms>-<seq>)' }).regex(/^\d{1,16}-\d{1,16}$/, { error: 'must be a dead letter ID (<ms>-<seq>)' }).optional()
    .meta({ description: 'One dead letter (its `id`); all of the User\'s when absent', example: '1764583200123-0' }),
}, objectError('must be a JSON object { "userId", "id"? }')).meta({ id: 'Redrive' });

const next = z.string().optional().meta({ description: 'Present when there may be more: the next page\'s `after`' });

const deadLetters = z.object({
  items: z.array(z.object({
    userId: z.string(),
    id: z.string().meta({ description: 'The dead letter\'s ID among its User\'s (to redrive it alone)', example: '1764583200123-0' }),
    deadLetteredAt: z.string().meta({ format: 'date-time' }),
    reason: z.string().meta({ description: 'Why delivery gave up', example: 'HTTP 500 after 15 attempts' }),
    item: outboxItem,
  })),
  next,
}).meta({ id: 'DeadLetters' });

const redriven = z.object({
  redriven: z.array(z.object({
    id: z.string().meta({ description: 'The dead letter' }),
    cursor: z.string().meta({ description: 'Its new cursor at the end of the User\'s outbox; the item carries `redrivenFrom`, its old cursor' }),
  })),
}).meta({ id: 'Redriven' });

const quarantined = z.object({
  items: z.array(z.object({
    ref: z.string().meta({ description: 'The quarantine event reference (to release or delete it)' }),
    requestId: z.string(),
    userId: z.string(),
    breach: z.enum(['user', 'dcc', 'value']),
    srv: z.string(),
    commandVariant: z.number().int(),
    destination: z.string(),
    acceptedAt: z.string().meta({ format: 'date-time' }),
    expiresAt: z.string().meta({ format: 'date-time', description: 'When it is deleted unless released' }),
  })),
  next,
}).meta({ id: 'QuarantinedRequests' });

function invalid(c: Context, problem: FieldError) {
  return c.json({ error: { reason: 'invalid_field', field: problem.field, message: `${problem.field} ${problem.message}` } }, 400);
}

function quarantineView(record: RequestRecord) {
  return {
    ref: record.quarantine!.ref, requestId: record.requestId, userId: record.originatorId, breach: record.quarantine!.breach,
    srv: record.srv, commandVariant: record.commandVariant, destination: record.destination,
    acceptedAt: new Date(record.acceptedAt).toISOString(), expiresAt: new Date(record.quarantine!.expiresAt).toISOString(),
  };
}

/** The operators' view of what waits: dead letters of webhook delivery, and quarantined requests. */
export function queueRoutes(app: OpenAPIHono, store: StateStore, readJson: (c: Context) => Promise<JsonBody>): void {
  documented(app, {
    method: 'get', path: '/dead-letters', tags: ['Webhooks'], security: OPERATOR, summary: 'List dead letters: what webhook delivery gave up on',
    description: 'A User\'s, oldest first, or every User\'s (by User, then oldest first), a page at a time.',
    request: { query: deadLetterQuery },
    responses: { 200: json(deadLetters, 'A page of dead letters'), 400: invalidInput, 401: unauthorized },
  }, async (c) => {
    const query = parseWith(deadLetterQuery, c.req.query(), { style: 'top', root: 'query' });
    if (!query.ok) return invalid(c, query.error);
    const { userId, after, limit = DEFAULT_PAGE_LIMIT } = query.value;
    const page = await store.listDeadLetters(userId, after, limit);
    const items = page.items.map(({ userId: user, id, at, reason, item }) => ({ userId: user, id, deadLetteredAt: new Date(at).toISOString(), reason, item }));
    return c.json(page.next ? { items, next: page.next } : { items });
  });

  documented(app, {
    method: 'post', path: '/dead-letters:redrive', tags: ['Webhooks'], security: OPERATOR, summary: 'Redrive dead letters: one, or all of a User\'s',
    description: 'Each is queued again at the end of the User\'s outbox (delivered by webhook after what is already queued, also readable with GET /v1/responses) with `redrivenFrom` its old cursor, and leaves the dead letters; a dead letter is redriven once however many redrives run at once.',
    request: { body: { required: true, content: { 'application/json': { schema: redriveSchema } } } },
    responses: {
      200: json(redriven, 'What was queued again (all of the User\'s: possibly none)'),
      400: invalidInput, 401: unauthorized,
      404: json(errorAnswer(['not_found']), 'No such dead letter of the User\'s (redriven already?)'),
      413: operatorBodyTooLarge,
    },
  }, async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.refuse(c);
    const parsed = parseWith(redriveSchema, body.value, { style: 'top', root: 'body' });
    if (!parsed.ok) return invalid(c, parsed.error);
    const { userId, id } = parsed.value;
    const done = await store.redriveDeadLetters(userId, id === undefined ? 'all' : [id]);
    if (id !== undefined && done.length === 0) return c.json({ error: { reason: 'not_found', message: `no dead letter ${id} of User ${userId}` } }, 404);
    return c.json({ redriven: done });
  });

  documented(app, {
    method: 'get', path: '/quarantine', tags: ['Threshold Anomaly Detection'], security: OPERATOR, summary: 'List quarantined requests',
    description: 'A User\'s or every User\'s, a page at a time (soonest expiry first within a partition of Users). Release or delete one with POST /v1/quarantine/{ref}/release or /delete.',
    request: { query: quarantineQuery },
    responses: { 200: json(quarantined, 'A page of quarantined requests'), 400: invalidInput, 401: unauthorized },
  }, async (c) => {
    const query = parseWith(quarantineQuery, c.req.query(), { style: 'top', root: 'query' });
    if (!query.ok) return invalid(c, query.error);
    const { userId, after, limit = DEFAULT_PAGE_LIMIT } = query.value;
    const page = await store.listQuarantined(userId, after, limit);
    const items = page.items.filter((record) => record.quarantine).map(quarantineView);
    return c.json(page.next ? { items, next: page.next } : { items });
  });
}
