import { createHash, createPublicKey, timingSafeEqual } from 'node:crypto';
import type { Directory } from '../directory/index.ts';
import { Hono, type Context } from 'hono';
import {
  ALL_DESTINATIONS, buildMonthlyReport, isMonth, monthOf, parseDeviceInput, parseEui, parseUserInput, renderMonthlyReport, type Device, type FieldError,
} from '@dccrouter/domain';
import type { StateStore } from '@dccrouter/state';
import { BodyTooLargeError, readLineBatches } from '../edge/body.ts';
import type { RouterMetrics } from '../metrics/index.ts';
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
  metrics: RouterMetrics;
  importMaxBytes: number;
}

/** Devices per store write during an import: large enough to pipeline well, small enough to stream. */
const IMPORT_CHUNK = 5000;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function error(c: Context, status: 400 | 401 | 404 | 413 | 415, reason: string, message: string) {
  return c.json({ error: { reason, message } }, status);
}

function invalid(c: Context, problem: FieldError) {
  return c.json({ error: { reason: 'invalid_field', field: problem.field, message: `${problem.field} ${problem.message}` } }, 400);
}

async function jsonBody(c: Context): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: await c.req.json() };
  } catch {
    return { ok: false };
  }
}

/** Only a P-256 SPKI key can check DUIS signatures; anything else is refused at registration. */
function checkP256(pem: string): FieldError | undefined {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return undefined;
    return { field: 'publicKeyPem', message: 'must be a P-256 (prime256v1) EC public key' };
  } catch (cause) {
    return { field: 'publicKeyPem', message: `is not a readable SPKI PEM public key: ${(cause as Error).message}` };
  }
}

/** True when the request carries the operators' bearer token. */
export function operatorCheck(adminToken: string): (authorization: string | undefined) => boolean {
  const expected = digest(`Bearer ${adminToken}`);
  // Compare digests so the check takes the same time whatever the token's length.
  return (authorization) => timingSafeEqual(digest(authorization ?? ''), expected);
}

/** The operators' API of the contract, behind the bearer token. */
export function adminRoutes(deps: AdminDeps): Hono {
  const { store } = deps;
  const app = new Hono();
  const isOperator = operatorCheck(deps.adminToken);

  app.use('*', async (c, next) => {
    if (!isOperator(c.req.header('authorization'))) return error(c, 401, 'unauthorized', 'Authorization: Bearer <ROUTER_ADMIN_TOKEN> is missing or wrong');
    await next();
  });

  app.put('/users/:userId', async (c) => {
    const body = await jsonBody(c);
    if (!body.ok) return invalid(c, { field: 'body', message: 'is not valid JSON' });
    const parsed = parseUserInput(c.req.param('userId'), body.value);
    if (!parsed.ok) return invalid(c, parsed.error);
    const keyProblem = checkP256(parsed.value.publicKeyPem);
    if (keyProblem) return invalid(c, keyProblem);
    await deps.directory.putUser(parsed.value);
    return c.json(parsed.value);
  });

  app.get('/users/:userId', async (c) => {
    const userId = parseEui(c.req.param('userId'));
    const user = userId ? await store.getUser(userId) : undefined;
    return user ? c.json(user) : error(c, 404, 'not_found', `no User ${c.req.param('userId')}`);
  });

  app.put('/devices/:deviceId', async (c) => {
    const body = await jsonBody(c);
    if (!body.ok) return invalid(c, { field: 'body', message: 'is not valid JSON' });
    const parsed = parseDeviceInput(c.req.param('deviceId'), body.value);
    if (!parsed.ok) return invalid(c, parsed.error);
    await deps.directory.putDevice(parsed.value);
    return c.json(parsed.value);
  });

  app.get('/devices/:deviceId', async (c) => {
    const deviceId = parseEui(c.req.param('deviceId'));
    const device = deviceId ? await store.getDevice(deviceId) : undefined;
    return device ? c.json(device) : error(c, 404, 'not_found', `no device ${c.req.param('deviceId')}`);
  });

  app.post('/devices:import', async (c) => {
    const mediaType = c.req.header('content-type')?.split(';', 1)[0].trim().toLowerCase();
    if (mediaType !== 'application/x-ndjson') {
      return error(c, 415, 'unsupported_media_type', 'the import takes application/x-ndjson, one device a line');
    }
    const rejected: { line: number; reason: string }[] = [];
    let imported = 0;
    let lineNumber = 0;
    let chunk: Device[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      await deps.directory.putDevices(chunk);
      imported += chunk.length;
      deps.metrics.devicesImported.inc(chunk.length);
      chunk = [];
    };
    try {
      for await (const lines of readLineBatches(c.req.raw, deps.importMaxBytes)) {
        for (const line of lines) {
          lineNumber++;
          if (line.trim() === '') continue;
          let value: unknown;
          try {
            value = JSON.parse(line);
          } catch {
            rejected.push({ line: lineNumber, reason: 'not valid JSON' });
            continue;
          }
          const parsed = parseDeviceInput((value as { deviceId?: unknown })?.deviceId, value);
          if (!parsed.ok) {
            rejected.push({ line: lineNumber, reason: `${parsed.error.field} ${parsed.error.message}` });
            continue;
          }
          chunk.push(parsed.value);
        }
        if (chunk.length >= IMPORT_CHUNK) await flush();
      }
      await flush();
    } catch (cause) {
      if (!(cause instanceof BodyTooLargeError)) throw cause;
      // What was written stays written; the answer says how far the import got.
      return c.json({ imported, rejected, error: { reason: 'body_too_large', message: `${cause.message}; stopped after line ${lineNumber}` } }, 413);
    }
    return c.json({ imported, rejected });
  });

  const putRules = (kind: 'user' | 'dcc' | 'values') => async (c: Context) => {
    const body = await jsonBody(c);
    if (!body.ok) return invalid(c, { field: 'body', message: 'is not valid JSON' });
    let userId: string | undefined;
    if (kind === 'user') {
      userId = parseEui(c.req.param('userId')) ?? undefined;
      if (!userId) return invalid(c, { field: 'userId', message: 'must be an EUI-64' });
    }
    const stored = await deps.thresholds.put(kind, body.value, userId);
    return stored.ok ? c.json(stored.value) : invalid(c, stored.error);
  };
  app.put('/thresholds/users/:userId', putRules('user'));
  app.put('/thresholds/dcc', putRules('dcc'));
  app.put('/thresholds/values', putRules('values'));
  app.get('/thresholds/users/:userId', async (c) => {
    const userId = parseEui(c.req.param('userId'));
    return userId ? c.json(await deps.thresholds.userRules(userId)) : invalid(c, { field: 'userId', message: 'must be an EUI-64' });
  });
  app.get('/thresholds/dcc', async (c) => c.json(await deps.thresholds.dccRules()));
  app.get('/thresholds/values', async (c) => c.json(await deps.thresholds.valueRules()));

  app.get('/trt-budgets', (c) => c.json(deps.budgets.current()));

  app.put('/trt-budgets', async (c) => {
    const body = await jsonBody(c);
    if (!body.ok) return invalid(c, { field: 'body', message: 'is not valid JSON' });
    const updated = await deps.budgets.update(body.value);
    return updated.ok ? c.json(updated.budgets) : invalid(c, updated);
  });

  app.get('/reports/monthly', async (c) => {
    const month = c.req.query('month') ?? monthOf(Date.now());
    if (!isMonth(month)) return invalid(c, { field: 'month', message: 'must be a calendar month, YYYY-MM' });
    const report = buildMonthlyReport(month, await store.readStats(`service:${month}`));
    if (c.req.query('format') === 'markdown') return c.body(renderMonthlyReport(report), 200, { 'content-type': 'text/markdown; charset=utf-8' });
    return c.json(report);
  });

  app.get('/simulators', async (c) => {
    const entries = await Promise.all(ALL_DESTINATIONS.map(async (destination) => [destination, await deps.simulators.view(destination)]));
    return c.json(Object.fromEntries(entries));
  });

  app.get('/simulators/:destination', async (c) => {
    const destination = c.req.param('destination');
    return deps.simulators.isDestination(destination) ? c.json(await deps.simulators.view(destination)) : noSimulator(c);
  });

  app.put('/simulators/:destination', async (c) => {
    const destination = c.req.param('destination');
    if (!deps.simulators.isDestination(destination)) return noSimulator(c);
    const body = await jsonBody(c);
    if (!body.ok) return invalid(c, { field: 'body', message: 'is not valid JSON' });
    const updated = await deps.simulators.update(destination, body.value);
    return updated.ok ? c.json(updated.value) : invalid(c, updated);
  });

  function noSimulator(c: Context) {
    return error(c, 404, 'not_found', `no destination ${c.req.param('destination')}; destinations: ${ALL_DESTINATIONS.join(', ')} (percent-encode the "/")`);
  }

  return app;
}
