import { createHash, createPublicKey, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import type { Directory } from '../directory/index.ts';
import type { Context } from 'hono';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import {
  ALL_DESTINATIONS, cplEntryInputSchema, policyUpdateSchema, ALERT_CODE, DEVICE_ALERTS, objectError, parseCplEntryInput, parseWith, sscDecisionSchema, buildMonthlyReport, countRulesSchema, deviceInputSchema, isMonth, monthOf, withKeptDeviceFields, parseDeviceInput, parseEui, parseUserInput,
  renderMonthlyReport, withCplStatus, withNamedFirmwareRestored, cplSuspensionOf, ID_MESSAGE, isPlainObject, productNameProblem, type CplIndex, trtBudgetsUpdateSchema, userInputSchema, valueRulesSchema, type Device, type FieldError,
} from '@dccrouter/domain';
import { certificateIdentity } from '../duis-xml/signature.ts';
import { documented } from '../openapi/index.ts';
import {
  countRules, deviceRecord, importAnswer, invalidInput, json, monthlyReport, notFound, simulatorSettings, trtBudgets, unauthorized, userRecord, valueRules,
  errorAnswer, operatorBodyTooLarge,
} from '../openapi/schemas.ts';
import { simulatorSettingsUpdateSchema } from '../egress/simulated.ts';
import { queueRoutes } from './queues.ts';
import { raiseDeviceAlerts } from '../alerts/index.ts';
import type { CplTable } from '../products/cpl.ts';
import type { PolicyTable } from '../products/policy.ts';
import type { ProductRegisters } from '../products/registers.ts';
import { recordInstallations, unenrolledInService, NOT_ENROLLED } from '../products/installations.ts';
import { productRoutes } from './products.ts';
import { serviceStatsOf } from '../stats/index.ts';
import { noticeDeviceChange, noticeDeviceChanges } from '../products/notices.ts';
import { endSchedulesOfFormerParties } from '../schedules/index.ts';
import type { StateStore } from '@dccrouter/state';
import { BodyTooLargeError, readBodyLimited, readLineBatches } from '../edge/body.ts';
import { mediaTypeOf } from '../decode/index.ts';
import type { RouterMetrics } from '../metrics/index.ts';
import { throttledWarn, type Logger } from '../log/index.ts';
import type { ThresholdRules } from '../tad/index.ts';
import type { TrtBudgetTable } from '../trt/budgets.ts';
import type { SimulatorControl } from '../egress/simulated.ts';

export interface AdminDeps {
  store: StateStore;
  /** Users and devices are written through it, so this instance's cache drops them at once. */
  directory: Directory;
  thresholds: ThresholdRules;
  /** Settings of the simulated networks, wherever they run. */
  simulators: SimulatorControl;
  adminToken: string;
  budgets: TrtBudgetTable;
  /** The Central Products List, shared by every instance. */
  cpl: CplTable;
  /** The policy tables (status admission, SMETS1 availability and cohorts), shared by every instance. */
  policyTable: PolicyTable;
  /** The SMETS1 Eligible and Pending Product Combinations and firmware upgrades, shared by every instance. */
  registers: ProductRegisters;
  metrics: RouterMetrics;
  log: Logger;
  importMaxBytes: number;
  /** How long an operator's JSON body may take to arrive (BODY_TIMEOUT_MS). */
  bodyTimeoutMs: number;
  /**
   * SEC H5.8 migration gating: a SMETS1 device of an installation not enrolled may not be written
   * Commissioned (409). Off unless set: the contract's device writes take any status.
   */
  migrationGating: boolean;
}

/** Devices per store write during an import: large enough to pipeline well, small enough to stream. */
const IMPORT_CHUNK = 5000;
/** An import line past this is refused unread: held whole, one line of a 2 GiB upload could take that much memory. */
const IMPORT_LINE_MAX = 64 * 1024;
/** Refused lines an import answer lists (all are counted). */
export const IMPORT_REJECTIONS_LISTED = 1_000;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function error(c: Context, status: 400 | 401 | 404 | 413 | 415, reason: string, message: string) {
  return c.json({ error: { reason, message } }, status);
}

function invalid(c: Context, problem: FieldError) {
  return c.json({ error: { reason: 'invalid_field', field: problem.field, message: `${problem.field} ${problem.message}` } }, 400);
}

/**
 * The largest JSON body of an operator's call (the NDJSON import has IMPORT_MAX_BYTES): well past
 * any table the API takes (a Central Products List of 100,000 entries is about 20 MiB), and short
 * of what would take the router's memory (its port takes bodies up to the import's 2 GiB).
 */
export const OPERATOR_BODY_MAX_BYTES = 64 * 1024 * 1024;

export type JsonBody = { ok: true; value: unknown } | { ok: false; refuse: (c: Context) => Response };

/**
 * A device as the router serves it. A CPL removal moves the model's devices to Suspended (contract)
 * without rewriting a million records: the inventory keeps its own status, shown beside the reason.
 */
function asServed(device: Device, cpl: CplIndex): Device & { inventoryStatus?: string; cplSuspension?: string } {
  const served = withCplStatus(device, cpl);
  const reason = cplSuspensionOf(served);
  return reason === undefined ? device : { ...served, inventoryStatus: device.status, cplSuspension: reason };
}

/**
 * A device record as asServed showed it, written back: the inventory's own status is what is
 * stored, not the CPL's. A status the operator changed from the served Suspended is theirs.
 */
function asInventory(value: unknown): unknown {
  if (!isPlainObject(value) || !('inventoryStatus' in value)) return value;
  const { inventoryStatus, cplSuspension: _reason, ...rest } = value;
  return rest.status === 'Suspended' ? { ...rest, status: inventoryStatus } : rest;
}

/** An operator's JSON body, read up to OPERATOR_BODY_MAX_BYTES; else the answer that refuses it. */
function jsonReader(bodyTimeoutMs: number) {
  return async (c: Context): Promise<JsonBody> => {
    const bytes = await readBodyLimited(c.req.raw, OPERATOR_BODY_MAX_BYTES, bodyTimeoutMs);
    if (bytes === 'too_large') {
      return { ok: false, refuse: (ctx) => error(ctx, 413, 'body_too_large', `an operator's JSON body is at most ${OPERATOR_BODY_MAX_BYTES} bytes`) };
    }
    try {
      return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) };
    } catch {
      return { ok: false, refuse: (ctx) => invalid(ctx, { field: 'body', message: 'is not valid JSON' }) };
    }
  };
}

/** Only a P-256 SPKI key can check DUIS signatures; anything else is refused at registration. */
function checkP256(pem: string): FieldError | undefined {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return undefined;
    return { field: 'publicKeyPem', message: 'must be a P-256 (prime256v1) EC public key' };
  } catch (cause) {
    // OpenSSL's own words (error:0900006e:...NO_START_LINE) say little to an operator: the shape expected first.
    return { field: 'publicKeyPem', message: `is not a readable SPKI PEM public key (it must start with -----BEGIN PUBLIC KEY----- on a line of its own): ${(cause as Error).message}` };
  }
}

/** A User's certificate (DUIS XML signatures) must be a readable X.509 certificate of the User's key (`publicKeyPem`, P-256), not expired. */
function checkCertificate(pem: string | undefined, publicKeyPem: string, now = Date.now()): (FieldError & { expired?: true }) | undefined {
  if (pem === undefined) return undefined;
  let key: KeyObject;
  try {
    key = new X509Certificate(pem).publicKey;
  } catch (cause) {
    return { field: 'certificatePem', message: `is not a readable PEM X.509 certificate: ${(cause as Error).message}` };
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    return { field: 'certificatePem', message: 'must be the certificate of a P-256 (prime256v1) EC key' };
  }
  if (!key.equals(createPublicKey(publicKeyPem))) {
    return { field: 'certificatePem', message: "is the certificate of another key than publicKeyPem: it must certify the User's own key" };
  }
  // As the XML signature check will read it (its validity included).
  const identity = certificateIdentity(pem);
  if (!identity) return { field: 'certificatePem', message: 'has a validity that cannot be read' };
  const { validTo } = identity;
  // One not yet valid is taken (registered ahead of its use); its requests are refused until then.
  if (now > validTo) return { field: 'certificatePem', message: `expired at ${new Date(validTo).toISOString()}: XML requests signed under it would all be refused`, expired: true };
  return undefined;
}

/** True when the Authorization header carries this bearer token (the operators', the scrapers'). */
export function bearerCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  // The scheme's name is case-insensitive (RFC 9110); the token is compared by digests, so the
  // check takes the same time whatever its length.
  return (authorization) => {
    const presented = BEARER.exec(authorization ?? '');
    return presented !== null && timingSafeEqual(digest(presented[1]), expected);
  };
}

const BEARER = /^bearer +(.*)$/i;

/** `/metrics` behind METRICS_TOKEN when set: the refusal of a read without it, or undefined when it may read. */
export function scraperGate(token: string | undefined): (c: Context) => Response | undefined {
  const check = token ? bearerCheck(token) : undefined;
  return (c) => (check && !check(c.req.header('authorization'))
    ? c.json({ error: { reason: 'unauthorized', message: 'Authorization: Bearer <METRICS_TOKEN> is missing or wrong' } }, 401)
    : undefined);
}

/**
 * The operator's bearer check of every route that takes ROUTER_ADMIN_TOKEN: the refusal (401) of a
 * call without it, counted and logged; undefined when the caller is the operator.
 */
export function operatorGate(deps: { adminToken: string; metrics: RouterMetrics; log: Logger }): (c: Context) => Response | undefined {
  const isOperator = bearerCheck(deps.adminToken);
  // Someone probing for the token tries many times: told once per 10 s with how many were held back.
  const refusedCaller = throttledWarn(deps.log);
  return (c) => {
    if (isOperator(c.req.header('authorization'))) return undefined;
    deps.metrics.adminUnauthorized.inc();
    refusedCaller('unauthorized', { method: c.req.method, path: c.req.path }, "operators' API call refused: bearer token missing or wrong");
    return error(c, 401, 'unauthorized', 'Authorization: Bearer <ROUTER_ADMIN_TOKEN> is missing or wrong');
  };
}

const OPERATOR = [{ operatorBearer: [] }];
const TAGS = ['Operators'];
const euiParam = (name: string) => z.string().meta({ param: { name, in: 'path' }, description: 'EUI-64', example: '90-B3-D5-1F-30-01-00-00' });
const jsonBody = (schema: z.ZodType, description?: string) => ({ content: { 'application/json': { schema } }, required: true, description });

/** The operators' API of the contract, behind the bearer token. */
export function adminRoutes(deps: AdminDeps): OpenAPIHono {
  const { store } = deps;
  // The device is written: a schedule not removed now (the store away) goes at its next occurrence, refused as before.
  const endSchedules = (before: readonly (Device | undefined)[], after: readonly Device[]) => endSchedulesOfFormerParties(store, (userId) => store.getUser(userId), before, after)
    .catch((err: unknown) => { deps.log.warn({ err }, 'schedules a device change ended were not removed now: each goes at its next occurrence'); });
  const app = new OpenAPIHono();
  const readJson = jsonReader(deps.bodyTimeoutMs);
  const operatorRefusal = operatorGate(deps);

  app.use('*', async (c, next) => {
    const refusal = operatorRefusal(c);
    if (refusal) return refusal;
    await next();
    // Every change an operator makes (Users, devices, products, policy, thresholds, dead letters) leaves a line: the audit trail.
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const { status } = c.res;
      // A 5xx (the store failing mid-call) or the import's 413 may leave part of a change made.
      const message = status < 300 ? "operators' API change" : status >= 500 || status === 413 ? "operators' API change failed, may have landed in part" : "operators' API call refused, nothing changed";
      deps.log.info({ method: c.req.method, path: c.req.path, status }, message);
    }
  });

  documented(app, {
    method: 'put', path: '/users/{userId}', tags: TAGS, security: OPERATOR, summary: 'Register or replace a User',
    request: { params: z.object({ userId: euiParam('userId') }), body: jsonBody(userInputSchema) },
    responses: { 200: json(userRecord, 'The User as stored'), 400: invalidInput, 401: unauthorized, 413: operatorBodyTooLarge },
  }, async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.refuse(c);
    const parsed = parseUserInput(c.req.param('userId'), body.value);
    if (!parsed.ok) return invalid(c, parsed.error);
    const { userId, publicKeyPem, certificatePem } = parsed.value;
    let keyProblem: FieldError & { expired?: true } | undefined = checkP256(publicKeyPem) ?? checkCertificate(certificatePem, publicKeyPem);
    // The User's stored certificate, expired since, may be written back with a change of status.
    if (keyProblem?.expired && (await store.getUser(userId))?.certificatePem === certificatePem) keyProblem = undefined;
    if (keyProblem) return invalid(c, keyProblem);
    await deps.directory.putUser(parsed.value);
    return c.json(parsed.value);
  });

  documented(app, {
    method: 'get', path: '/users/{userId}', tags: TAGS, security: OPERATOR, summary: 'Read a User',
    request: { params: z.object({ userId: euiParam('userId') }) },
    responses: { 200: json(userRecord, 'The User as stored'), 400: invalidInput, 401: unauthorized, 404: notFound('User') },
  }, async (c) => {
    const userId = parseEui(c.req.param('userId'));
    if (!userId) return invalid(c, { field: 'userId', message: ID_MESSAGE });
    const user = await store.getUser(userId);
    return user ? c.json(user) : error(c, 404, 'not_found', `no User ${c.req.param('userId')}`);
  });

  documented(app, {
    method: 'put', path: '/devices/{deviceId}', tags: TAGS, security: OPERATOR, summary: 'Register or replace a device',
    request: { params: z.object({ deviceId: euiParam('deviceId') }), body: jsonBody(deviceInputSchema) },
    responses: {
      200: json(deviceRecord, 'The device as stored, in the status the router serves it'), 400: invalidInput, 401: unauthorized,
      409: json(errorAnswer([NOT_ENROLLED], true), 'A SMETS1 device of an installation not enrolled yet, written Commissioned (with MIGRATION_GATING=true, SEC H5.8)'),
      413: operatorBodyTooLarge,
    },
  }, async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.refuse(c);
    const parsed = parseDeviceInput(c.req.param('deviceId'), asInventory(body.value));
    if (!parsed.ok) return invalid(c, parsed.error);
    const refusal = deps.migrationGating ? (await unenrolledInService(store, [parsed.value])).get(parsed.value) : undefined;
    if (refusal) return c.json({ error: { reason: NOT_ENROLLED, field: 'status', message: refusal } }, 409);
    // What the router keeps of a stored device (withKeptDeviceFields) is kept from the device as
    // stored when written: an 11.1 or an activation recorded meanwhile is not undone.
    const at = new Date();
    // A firmware version or status set here may suspend or restore the device: judged on the CPL as stored now.
    await deps.cpl.refresh();
    const cpl = deps.cpl.index();
    const [update] = await deps.directory.updateDevices([parsed.value.deviceId], (stored) => withNamedFirmwareRestored(withKeptDeviceFields(parsed.value, stored, at), stored, cpl));
    const previous = update?.before;
    const device = update?.after ?? withKeptDeviceFields(parsed.value, undefined, at);
    if (!update) await deps.directory.putDevice(device);
    await recordInstallations(store, (signature) => deps.registers.judge(signature), [device], [previous], at.getTime());
    await noticeDeviceChange(store, cpl, previous, device);
    await endSchedules([previous], [device]);
    return c.json(asServed(device, deps.cpl.index()));
  });

  documented(app, {
    method: 'get', path: '/devices/{deviceId}', tags: TAGS, security: OPERATOR, summary: 'Read a device',
    request: { params: z.object({ deviceId: euiParam('deviceId') }) },
    responses: { 200: json(deviceRecord, 'The device as stored, in the status the router serves it'), 400: invalidInput, 401: unauthorized, 404: notFound('device') },
  }, async (c) => {
    const deviceId = parseEui(c.req.param('deviceId'));
    if (!deviceId) return invalid(c, { field: 'deviceId', message: ID_MESSAGE });
    const device = await store.getDevice(deviceId);
    if (!device) return error(c, 404, 'not_found', `no device ${c.req.param('deviceId')}`);
    await deps.cpl.refresh();
    return c.json(asServed(device, deps.cpl.index()));
  });

  documented(app, {
    method: 'post', path: '/devices:import', tags: TAGS, security: OPERATOR, summary: 'Import devices, one a line',
    request: {
      body: {
        required: true,
        description: 'One device a line: `deviceId` and the fields of DeviceInput. Streamed: a million devices load in well under a minute.',
        content: { 'application/x-ndjson': { schema: z.string().meta({ example: '{"deviceId":"00-DB-12-34-56-78-90-A0","deviceType":"ESME","status":"Commissioned","generation":"SMETS2+","cspRegion":"North"}\n' }) } },
      },
    },
    responses: {
      200: json(importAnswer, 'How many were written; each refused line with its reason'),
      401: unauthorized,
      413: json(importAnswer.extend({ error: errorAnswer(['body_too_large']).shape.error }), 'Over IMPORT_MAX_BYTES: what was written stays written'),
      415: json(errorAnswer(['unsupported_media_type']), 'Not application/x-ndjson'),
    },
  }, async (c) => {
    if (mediaTypeOf(c.req.header('content-type')) !== 'application/x-ndjson') {
      return error(c, 415, 'unsupported_media_type', 'the import takes application/x-ndjson, one device a line');
    }
    // Suspension is judged on the CPL as stored now (as for one device's update).
    await deps.cpl.refresh();
    const cpl = deps.cpl.index();
    // The first lines refused are listed, the rest only counted: a file of millions of bad lines
    // made an answer of hundreds of megabytes (and ran the router out of memory).
    const rejected: { line: number; reason: string }[] = [];
    let rejectedCount = 0;
    const reject = (line: number, reason: string) => {
      rejectedCount++;
      if (rejected.length < IMPORT_REJECTIONS_LISTED) rejected.push({ line, reason });
    };
    let imported = 0;
    let lineNumber = 0;
    let chunk: Device[] = [];
    let bookkeeping = Promise.resolve();
    let bookkeepingFailure: unknown;
    const settled = async () => {
      await bookkeeping;
      if (bookkeepingFailure) throw bookkeepingFailure;
    };
    const lineOf = new Map<Device, number>();
    // A change of supplier the import makes is an acquisition at the import's time.
    const importedAt = new Date();
    const flush = async () => {
      if (chunk.length === 0) return;
      // Migration gating: a SMETS1 device of an installation not enrolled may not arrive Commissioned.
      const refused = deps.migrationGating ? await unenrolledInService(store, chunk) : new Map<Device, string>();
      if (refused.size > 0) {
        for (const [device, reason] of refused) reject(lineOf.get(device)!, `status ${NOT_ENROLLED}: ${reason}`);
        rejected.sort((a, b) => a.line - b.line);
        chunk = chunk.filter((device) => !refused.has(device));
      }
      // A device imported again may change whether it is served Suspended (its firmware, its
      // status): its Users are told, as for an operator's update of one device. What the router
      // keeps of a stored device (withKeptDeviceFields) is kept from the device as stored when
      // written: an 11.1 or an activation recorded meanwhile is not undone. A device on two lines
      // of a chunk: its second line follows its first.
      const writes = await deps.directory.mergeDevices(chunk, (written, stored) => withNamedFirmwareRestored(withKeptDeviceFields(written, stored, importedAt), stored, cpl));
      const previous = writes.map((write) => write.before);
      chunk = writes.map((write) => write.after);
      await noticeDeviceChanges(store, cpl, previous, chunk);
      await endSchedules(previous, chunk);
      // The installations' bookkeeping of a chunk runs while the next chunk is read and written, one
      // chunk behind at most (in order: an installation may span chunks; bounded memory).
      await bookkeeping;
      const written = chunk;
      if (!bookkeepingFailure) bookkeeping = recordInstallations(store, (signature) => deps.registers.judge(signature), written, previous, importedAt.getTime()).catch((cause) => { bookkeepingFailure = cause; });
      imported += chunk.length;
      deps.metrics.devicesImported.inc(chunk.length);
      chunk = [];
      lineOf.clear();
    };
    try {
      for await (const lines of readLineBatches(c.req.raw, deps.importMaxBytes, IMPORT_LINE_MAX)) {
        for (const line of lines) {
          lineNumber++;
          if (line === null) {
            reject(lineNumber, `longer than ${IMPORT_LINE_MAX} characters (a device is a few hundred)`);
            continue;
          }
          if (line.trim() === '') continue;
          let value: unknown;
          try {
            value = JSON.parse(line);
          } catch {
            reject(lineNumber, 'not valid JSON');
            continue;
          }
          if (!isPlainObject(value)) {
            reject(lineNumber, 'not a JSON object: a line is one device, {"deviceId": ..., ...}');
            continue;
          }
          const parsed = parseDeviceInput(value.deviceId, asInventory(value));
          if (!parsed.ok) {
            reject(lineNumber, `${parsed.error.field} ${parsed.error.message}`);
            continue;
          }
          chunk.push(parsed.value);
          if (parsed.value.installationId !== undefined) lineOf.set(parsed.value, lineNumber);
        }
        if (chunk.length >= IMPORT_CHUNK) await flush();
      }
      await flush();
      await settled();
    } catch (cause) {
      await bookkeeping;
      if (!(cause instanceof BodyTooLargeError)) throw cause;
      await settled();
      // What was written stays written; the answer says how far the import got.
      return c.json({ imported, rejected, rejectedCount, error: { reason: 'body_too_large', message: `${cause.message}; stopped after line ${lineNumber}` } }, 413);
    }
    return c.json({ imported, rejected, rejectedCount });
  });

  const putRules = (kind: 'user' | 'dcc' | 'values') => async (c: Context) => {
    const body = await readJson(c);
    if (!body.ok) return body.refuse(c);
    let userId: string | undefined;
    if (kind === 'user') {
      userId = parseEui(c.req.param('userId')) ?? undefined;
      if (!userId) return invalid(c, { field: 'userId', message: 'must be an EUI-64' });
    }
    const stored = await deps.thresholds.put(kind, body.value, userId);
    return stored.ok ? c.json(stored.value) : invalid(c, stored.error);
  };
  const TAD = ['Threshold Anomaly Detection'];
  const userParam = { params: z.object({ userId: euiParam('userId') }) };
  const rulesRoutes = [
    ['/thresholds/users/{userId}', 'user', countRulesSchema, countRules, "A User's count thresholds"],
    ['/thresholds/dcc', 'dcc', countRulesSchema, countRules, 'The DCC-wide count thresholds, across all Users'],
    ['/thresholds/values', 'values', valueRulesSchema, valueRules, 'Limits on values inside request bodies'],
  ] as const;
  for (const [path, kind, input, answer, summary] of rulesRoutes) {
    const params = kind === 'user' ? userParam : {};
    documented(app, {
      method: 'put', path, tags: TAD, security: OPERATOR, summary: `Set ${summary.charAt(0).toLowerCase()}${summary.slice(1)}`,
      request: { ...params, body: jsonBody(input) },
      responses: { 200: json(answer, 'The rules as stored'), 400: invalidInput, 401: unauthorized, 413: operatorBodyTooLarge },
    }, putRules(kind));
    documented(app, {
      method: 'get', path, tags: TAD, security: OPERATOR, summary: `Read ${summary.charAt(0).toLowerCase()}${summary.slice(1)}`,
      request: params,
      responses: { 200: json(answer, 'The rules as set (none: `{ "rules": [] }`)'), 401: unauthorized, ...(kind === 'user' && { 400: invalidInput }) },
    }, async (c) => {
      if (kind !== 'user') return c.json(await deps.thresholds.stored(kind));
      const userId = parseEui(c.req.param('userId'));
      return userId ? c.json(await deps.thresholds.stored('user', userId)) : invalid(c, { field: 'userId', message: 'must be an EUI-64' });
    });
  }

  documented(app, {
    method: 'get', path: '/trt-budgets', tags: TAGS, security: OPERATOR, summary: 'Read the TRT budgets',
    responses: { 200: json(trtBudgets, 'Budgets in milliseconds by class'), 401: unauthorized },
  }, (c) => c.json(deps.budgets.current()));

  documented(app, {
    method: 'put', path: '/trt-budgets', tags: TAGS, security: OPERATOR, summary: 'Change TRT budgets (partial updates allowed)',
    description: 'New budgets apply to requests accepted afterwards.',
    request: { body: jsonBody(trtBudgetsUpdateSchema) },
    responses: { 200: json(trtBudgets, 'Every budget, after the change'), 400: invalidInput, 401: unauthorized, 413: operatorBodyTooLarge },
  }, async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.refuse(c);
    const updated = await deps.budgets.update(body.value);
    return updated.ok ? c.json(updated.value) : invalid(c, updated.error);
  });

  documented(app, {
    method: 'get', path: '/reports/monthly', tags: TAGS, security: OPERATOR, summary: 'The TRT report of a month',
    request: {
      query: z.object({
        month: z.string().optional().meta({ param: { name: 'month', in: 'query' }, description: 'YYYY-MM; this month when absent', example: '2026-12' }),
        format: z.enum(['json', 'markdown']).optional().meta({ param: { name: 'format', in: 'query' } }),
      }),
    },
    responses: {
      200: { description: 'The report', content: { 'application/json': { schema: monthlyReport }, 'text/markdown': { schema: z.string() } } },
      400: invalidInput, 401: unauthorized,
    },
  }, async (c) => {
    const month = c.req.query('month') ?? monthOf(Date.now());
    if (!isMonth(month)) return invalid(c, { field: 'month', message: 'must be a calendar month, YYYY-MM' });
    const format = c.req.query('format') ?? 'json';
    if (format !== 'json' && format !== 'markdown') return invalid(c, { field: 'format', message: 'must be json or markdown' });
    const report = buildMonthlyReport(month, await store.readStats(serviceStatsOf(month)));
    if (format === 'markdown') return c.body(renderMonthlyReport(report), 200, { 'content-type': 'text/markdown; charset=utf-8' });
    return c.json(report);
  });

  const SIMULATORS = ['Simulated networks'];
  const destinationParam = { params: z.object({ destination: z.string().meta({ param: { name: 'destination', in: 'path' }, description: 'A destination, its "/" percent-encoded', example: 'smets2%2Fnorth' }) }) };
  documented(app, {
    method: 'get', path: '/simulators', tags: SIMULATORS, security: OPERATOR, summary: 'Every simulated network\'s settings',
    responses: { 200: json(z.record(z.string(), simulatorSettings), 'Settings by destination'), 401: unauthorized },
  }, async (c) => {
    const entries = await Promise.all(ALL_DESTINATIONS.map(async (destination) => [destination, await deps.simulators.view(destination)]));
    return c.json(Object.fromEntries(entries));
  });

  documented(app, {
    method: 'get', path: '/simulators/{destination}', tags: SIMULATORS, security: OPERATOR, summary: 'A simulated network\'s settings',
    request: destinationParam,
    responses: { 200: json(simulatorSettings, 'Its settings'), 401: unauthorized, 404: notFound('destination') },
  }, async (c) => {
    const destination = c.req.param('destination')!;
    return deps.simulators.isDestination(destination) ? c.json(await deps.simulators.view(destination)) : noSimulator(c);
  });

  documented(app, {
    method: 'put', path: '/simulators/{destination}', tags: SIMULATORS, security: OPERATOR, summary: 'Change a simulated network\'s settings',
    request: { ...destinationParam, body: jsonBody(simulatorSettingsUpdateSchema) },
    responses: { 200: json(simulatorSettings, 'Its settings, after the change'), 400: invalidInput, 401: unauthorized, 404: notFound('destination'), 413: operatorBodyTooLarge },
  }, async (c) => {
    const destination = c.req.param('destination')!;
    if (!deps.simulators.isDestination(destination)) return noSimulator(c);
    const body = await readJson(c);
    if (!body.ok) return body.refuse(c);
    const updated = await deps.simulators.update(destination, body.value);
    return updated.ok ? c.json(updated.value) : invalid(c, updated.error);
  });

  const raiseAlertsSchema = z.strictObject({
    alertCode: z.string({ error: 'must be an alert code' }).regex(ALERT_CODE, { error: 'must be an alert code: 1 to 64 letters, digits or "_"' })
      .meta({ description: `${DEVICE_ALERTS.join(', ')}, or any other code (e.g. a GBCS alert code); each reaches every responsible User of the device` }),
    devices: z.array(z.string().refine((text) => parseEui(text) !== null, { error: 'must be an EUI-64' }), { error: 'must be an array of device EUI-64s' })
      .max(1_000_000, { error: 'holds at most 1,000,000 devices' }).optional().meta({ description: 'The devices that raise it' }),
    fraction: z.number({ error: 'must be a number from 0 to 1' }).min(0, { error: 'must be a number from 0 to 1' }).max(1, { error: 'must be a number from 0 to 1' }).optional()
      .meta({ description: "A share of the inventory's devices routed to this destination, at random (e.g. a regional power outage)" }),
  }, objectError('must be a JSON object', 'is not a field of an alert')).meta({ id: 'RaiseAlerts', example: { alertCode: 'POWER_OUTAGE', fraction: 0.1 } });
  documented(app, {
    method: 'post', path: '/simulators/{destination}:raise-alerts', tags: SIMULATORS, security: OPERATOR,
    summary: 'Make simulated devices raise an alert now',
    description: 'By device list, or a fraction of the inventory\'s devices routed to the destination (drawn at random), from any router instance. '
      + 'Each alert reaches every responsible User of its device as a `deviceAlert` outbound item. A listed device routed to another destination raises nothing (listed as `elsewhere`).',
    request: { ...destinationParam, body: jsonBody(raiseAlertsSchema) },
    responses: {
      200: json(z.object({ alertCode: z.string(), devices: z.number().int(), queued: z.number().int(), unknown: z.array(z.string()), elsewhere: z.array(z.string()) }), 'Raised: devices found, items queued, devices not in the inventory, devices routed to another destination'),
      400: invalidInput, 401: unauthorized, 404: notFound('destination'),
      413: operatorBodyTooLarge,
    },
  }, async (c) => {
    const destination = c.req.param('destination')!.replace(/:raise-alerts$/, '');
    if (!deps.simulators.isDestination(destination)) return error(c, 404, 'not_found', `no destination ${destination}; destinations: ${ALL_DESTINATIONS.join(', ')} (percent-encode the "/")`);
    const body = await readJson(c);
    if (!body.ok) return body.refuse(c);
    const parsed = parseWith(raiseAlertsSchema, body.value, { style: 'path', root: 'body' });
    if (!parsed.ok) return invalid(c, parsed.error);
    const { alertCode, devices, fraction } = parsed.value;
    if ((devices === undefined) === (fraction === undefined)) return invalid(c, { field: 'body', message: 'must name either devices or a fraction' });
    // A fraction is of the inventory's devices routed there, drawn by the store (any instance).
    // Each device once, however it is written (EUI-64s are case-insensitive).
    const deviceIds = devices ? [...new Set(devices.map((text) => parseEui(text)!))]
      : await store.sampleDevicesAt(destination, Math.round((await store.countDevicesAt(destination)) * fraction!));
    const raised = await raiseDeviceAlerts(store, alertCode, deviceIds, Date.now(), destination);
    return c.json({ alertCode, ...raised });
  });

  const policyShape = z.object({
    statusAdmission: z.record(z.string(), z.union([z.literal('all'), z.array(z.string())])),
    smets1UnavailableSrvs: z.array(z.string()), smets1UnavailableCommandVariants: z.array(z.number()),
    extraDeviceTypes: z.record(z.string(), z.array(z.string())), smets1Cohorts: z.record(z.string(), z.boolean()),
  }).meta({ id: 'Policy' });
  documented(app, {
    method: 'get', path: '/policy', tags: ['Product policy'], security: OPERATOR, summary: 'The policy tables: SMI status admission, SMETS1 availability, the SMETS1 cohorts served',
    responses: { 200: json(policyShape, 'The tables in force'), 401: unauthorized },
  }, (c) => c.json(deps.policyTable.policy));

  documented(app, {
    method: 'put', path: '/policy', tags: ['Product policy'], security: OPERATOR, summary: 'Change policy tables (partial), e.g. switch a SMETS1 cohort off',
    description: 'Every instance applies the change within a second. A SMETS1 cohort switched off has its devices refused (row 16, not_available_for_smets1).',
    request: { body: jsonBody(policyUpdateSchema) },
    responses: { 200: json(policyShape, 'The tables, after the change'), 400: invalidInput, 401: unauthorized, 413: operatorBodyTooLarge },
  }, async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.refuse(c);
    const parsed = parseWith(policyUpdateSchema, body.value, { style: 'path', root: 'body' });
    if (!parsed.ok) return invalid(c, parsed.error);
    return c.json(await deps.policyTable.update(parsed.value));
  });

  const CPL = ['Product policy'];
  const cplEntry = z.object({
    deviceModel: z.string(), firmwareVersion: z.string(), deviceType: z.string(),
    certificates: z.object({ cpa: z.enum(['valid', 'expired', 'withdrawn']).optional(), other: z.enum(['valid', 'expired', 'withdrawn']) }),
    status: z.enum(['listed', 'cpaUnderReview', 'remedialPlan', 'removed']),
    sscDecision: z.object({ decision: z.enum(['remove', 'remedial_plan']), reason: z.string(), at: z.string() }).optional(),
    updatedAt: z.string(),
  }).meta({ id: 'CplEntry' });
  const cplParams = { params: z.object({ deviceModel: z.string().meta({ param: { name: 'deviceModel', in: 'path' } }), firmwareVersion: z.string().meta({ param: { name: 'firmwareVersion', in: 'path' } }) }) };
  documented(app, {
    method: 'get', path: '/cpl', tags: CPL, security: OPERATOR, summary: 'The Central Products List',
    responses: { 200: json(z.object({ entries: z.array(cplEntry) }), 'Every entry, removed ones included'), 401: unauthorized },
  }, async (c) => {
    // What was last written through any instance, as the product registers' reads answer.
    await deps.cpl.refresh();
    return c.json({ entries: deps.cpl.list() });
  });

  documented(app, {
    method: 'get', path: '/cpl/{deviceModel}/{firmwareVersion}', tags: CPL, security: OPERATOR, summary: 'A CPL entry',
    request: cplParams,
    responses: { 200: json(cplEntry, 'The entry'), 401: unauthorized, 404: notFound('CPL entry') },
  }, async (c) => {
    await deps.cpl.refresh();
    const entry = deps.cpl.get(c.req.param('deviceModel')!, c.req.param('firmwareVersion')!);
    return entry ? c.json(entry) : error(c, 404, 'not_found', `no CPL entry for ${c.req.param('deviceModel')} ${c.req.param('firmwareVersion')}`);
  });

  documented(app, {
    method: 'put', path: '/cpl/{deviceModel}/{firmwareVersion}', tags: CPL, security: OPERATOR, summary: 'List a device model at a firmware version, or change its certificates',
    description: 'Another certificate expired or withdrawn removes the entry at once; a CPA certificate expired or withdrawn puts it under review until the SSC decides. '
      + 'Devices of a model with CPL entries but none in service for their firmware version are served as Suspended (firmware requests only) by every instance within a second.',
    request: { ...cplParams, body: jsonBody(cplEntryInputSchema) },
    responses: { 200: json(cplEntry, 'The entry, after the change'), 400: invalidInput, 401: unauthorized, 413: operatorBodyTooLarge },
  }, async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.refuse(c);
    const parsed = parseCplEntryInput(body.value);
    if (!parsed.ok) return invalid(c, parsed.error);
    for (const name of ['deviceModel', 'firmwareVersion'] as const) {
      const problem = productNameProblem(c.req.param(name)!);
      if (problem) return invalid(c, { field: name, message: problem });
    }
    // A decision sent with the wrong method would list a version named "...:ssc-decision", and a
    // model with CPL entries serves its other versions' devices Suspended: an entry is never deleted.
    if (c.req.param('firmwareVersion')!.endsWith(':ssc-decision')) {
      return invalid(c, { field: 'firmwareVersion', message: 'must not end in ":ssc-decision": an SSC decision is POSTed to /v1/admin/cpl/{deviceModel}/{firmwareVersion}:ssc-decision' });
    }
    const put = await deps.cpl.put(c.req.param('deviceModel')!, c.req.param('firmwareVersion')!, parsed.value);
    return put.ok ? c.json(put.entry) : invalid(c, { field: 'deviceType', message: put.message });
  });

  documented(app, {
    method: 'post', path: '/cpl/{deviceModel}/{firmwareVersion}:ssc-decision', tags: CPL, security: OPERATOR,
    summary: "The SSC's decision on an entry under CPA review: remove it, or keep it in service on a remedial plan",
    request: { ...cplParams, body: jsonBody(sscDecisionSchema) },
    responses: {
      200: json(cplEntry, 'The entry, decided'), 400: invalidInput, 401: unauthorized, 404: notFound('CPL entry'),
      409: json(errorAnswer(['not_under_review']), 'The entry is not under CPA review'),
      413: operatorBodyTooLarge,
    },
  }, async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.refuse(c);
    const parsed = parseWith(sscDecisionSchema, body.value, { style: 'path', root: 'body' });
    if (!parsed.ok) return invalid(c, parsed.error);
    const firmwareVersion = c.req.param('firmwareVersion')!.replace(/:ssc-decision$/, '');
    const decided = await deps.cpl.decide(c.req.param('deviceModel')!, firmwareVersion, parsed.value);
    if (decided.ok) return c.json(decided.entry);
    return decided.status === 404 ? error(c, 404, 'not_found', decided.message) : c.json({ error: { reason: 'not_under_review', message: decided.message } }, 409);
  });

  queueRoutes(app, store, readJson);
  productRoutes(app, deps, { readJson, invalid });

  function noSimulator(c: Context) {
    return error(c, 404, 'not_found', `no destination ${c.req.param('destination')}; destinations: ${ALL_DESTINATIONS.join(', ')} (percent-encode the "/")`);
  }

  return app;
}
