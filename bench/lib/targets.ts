// What the load is aimed at: a baseline (the bare Hono echo, or the echo that also verifies each
// signature), or a fresh router process under Bun in one of the configurations whose cost the
// suite compares. Every router run starts on an empty store and is given the same Users and
// inventory, so each pre-signed request is new to it; echo+verify is given the same Users.
import type { BenchRedis } from './redis.ts';
import { startBunService, type Service } from './processes.ts';
import type { BenchUser } from './traffic.ts';

export const ADMIN_TOKEN = 'bench-admin-token';

export interface Variant {
  /** Short id used in the JSON report. */
  id: string;
  /** What the Markdown report calls it. */
  label: string;
  /** echo: reads the body, answers 202; echo-verify: also checks X-DCC-Signature (bench/echo-verify-server.ts). */
  kind: 'echo' | 'echo-verify' | 'router';
  /** Router environment on top of the suite's defaults. */
  env?: Record<string, string>;
  /** false: the router runs on its embedded in-memory store. */
  redis?: boolean;
}

export interface RunningTarget {
  variant: Variant;
  url: string;
  pid: number | undefined;
  verifySignatures: boolean;
  /** Seconds spent registering the Users and importing the inventory. */
  provisionSeconds: number;
  importDevicesPerSecond: number;
  stop(): Promise<void>;
}

export interface Provisioning {
  users: BenchUser[];
  inventory: Buffer;
  devices: number;
  /** Registered as every User's receiveEndpoint when set (webhook delivery). */
  receiveEndpoint?: string;
}

/**
 * A baseline keeps no state: it may be sent the same bytes again (a router would refuse a
 * replay), and it never touches Redis.
 */
export function isBaseline(variant: Variant): boolean {
  return variant.kind !== 'router';
}

export async function adminCall(url: string, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (e.g. /metrics): keep the text.
  }
  return { status: response.status, body: parsed };
}

/**
 * Threshold Anomaly Detection rules as an operator would set them: every User and the DCC as a
 * whole have count limits, and tariffs a value limit. The limits are far above what a run sends,
 * so nothing is quarantined, but every request is counted: that is TAD's cost on the request path.
 */
const USER_THRESHOLDS = { rules: [{ srv: '*', limit: 100_000_000, windowSeconds: 3600 }, { srv: '4.1.1', limit: 10_000_000, windowSeconds: 60 }] };
const DCC_THRESHOLDS = { rules: [{ srv: '*', limit: 1_000_000_000_000, windowSeconds: 3600 }] };
const VALUE_THRESHOLDS = { rules: [{ srv: '1.1.1', field: 'StandingCharge', min: 0, max: 1_000_000 }] };

async function expectOk(answer: Promise<{ status: number; body: any }>, what: string): Promise<void> {
  const { status, body } = await answer;
  if (status !== 200) throw new Error(`${what}: ${status} ${JSON.stringify(body).slice(0, 300)}`);
}

/** Registers every User (and, on a router, its thresholds) through the operators' API. */
async function registerUsers(url: string, setup: Provisioning, withThresholds: boolean): Promise<void> {
  let next = 0;
  // A few registrations in flight at a time: the target checks each key as it stores it.
  const register = async () => {
    while (next < setup.users.length) {
      const user = setup.users[next++];
      await expectOk(adminCall(url, 'PUT', `/v1/admin/users/${user.userId}`, {
        roles: user.roles, status: 'active', publicKeyPem: user.publicKeyPem,
        ...(setup.receiveEndpoint ? { receiveEndpoint: setup.receiveEndpoint } : {}),
      }), `cannot register ${user.userId}`);
      if (withThresholds) await expectOk(adminCall(url, 'PUT', `/v1/admin/thresholds/users/${user.userId}`, USER_THRESHOLDS), `cannot set thresholds of ${user.userId}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, register));
}

/** Registers the Users with their thresholds, sets the DCC and value thresholds and imports the inventory. */
export async function provision(url: string, setup: Provisioning): Promise<{ seconds: number; importDevicesPerSecond: number }> {
  const started = performance.now();
  await registerUsers(url, setup, true);
  await expectOk(adminCall(url, 'PUT', '/v1/admin/thresholds/dcc', DCC_THRESHOLDS), 'cannot set the DCC thresholds');
  await expectOk(adminCall(url, 'PUT', '/v1/admin/thresholds/values', VALUE_THRESHOLDS), 'cannot set the value thresholds');
  const importStarted = performance.now();
  const imported = await adminCall(url, 'POST', '/v1/admin/devices:import', setup.inventory, 'application/x-ndjson');
  const importSeconds = (performance.now() - importStarted) / 1000;
  if (imported.status !== 200 || imported.body.imported !== setup.devices) {
    throw new Error(`inventory import failed: ${imported.status} ${JSON.stringify(imported.body).slice(0, 300)}`);
  }
  return { seconds: (performance.now() - started) / 1000, importDevicesPerSecond: Math.round(setup.devices / importSeconds) };
}

/**
 * Starts the variant (after emptying Redis for a router on Redis) and, for a router, registers
 * the Users and imports the inventory through the operators' API; echo+verify is given the Users.
 */
export async function startTarget(variant: Variant, redis: BenchRedis, setup: Provisioning, extraEnv: Record<string, string> = {}): Promise<RunningTarget> {
  if (variant.kind === 'echo') {
    const service = await startBunService('bench/echo-server.ts', {});
    return { variant, url: service.url, pid: service.child.pid, verifySignatures: false, provisionSeconds: 0, importDevicesPerSecond: 0, stop: () => service.stop() };
  }
  if (variant.kind === 'echo-verify') {
    const service = await startBunService('bench/echo-verify-server.ts', { ROUTER_ADMIN_TOKEN: ADMIN_TOKEN });
    try {
      const started = performance.now();
      await registerUsers(service.url, setup, false);
      return { variant, url: service.url, pid: service.child.pid, verifySignatures: true, provisionSeconds: (performance.now() - started) / 1000, importDevicesPerSecond: 0, stop: () => service.stop() };
    } catch (error) {
      await service.stop();
      throw error;
    }
  }
  const useRedis = variant.redis !== false;
  if (useRedis) await redis.flush();
  const env: Record<string, string> = {
    ROUTER_ADMIN_TOKEN: ADMIN_TOKEN,
    SEED_DEMO: 'false',
    ...(useRedis ? { REDIS_URL: redis.url } : {}),
    ...variant.env,
    ...extraEnv,
  };
  const service: Service = await startBunService('packages/router/src/main.ts', env);
  try {
    const provisioned = await provision(service.url, setup);
    return {
      variant,
      url: service.url,
      pid: service.child.pid,
      verifySignatures: !/^(0|false|no|off)$/i.test(env.VERIFY_SIGNATURES ?? 'true'),
      provisionSeconds: provisioned.seconds,
      importDevicesPerSecond: provisioned.importDevicesPerSecond,
      stop: () => service.stop(),
    };
  } catch (error) {
    await service.stop();
    throw error;
  }
}

/** Reads the router's Prometheus text. */
export async function readMetrics(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  return response.text();
}

/** Sum of a metric's samples (all label sets) in Prometheus text. */
export function metricValue(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/**
 * A metric's samples summed by the value of one label (e.g. stage), in Prometheus text; null when
 * the metric is absent (a router that does not expose it).
 */
export function metricByLabel(text: string, name: string, label: string): Record<string, number> | null {
  let found = false;
  const byLabel: Record<string, number> = {};
  const labelPattern = new RegExp(`(?:^|,)${label}="((?:[^"\\\\]|\\\\.)*)"`);
  for (const line of text.split('\n')) {
    // A labelled counter nothing has counted yet has its TYPE line and no samples: present, all zero.
    if (line.startsWith(`# TYPE ${name} `)) found = true;
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    found = true;
    const labels = line[name.length] === '{' ? line.slice(name.length + 1, line.lastIndexOf('}')) : '';
    const key = labelPattern.exec(labels)?.[1] ?? '';
    byLabel[key] = (byLabel[key] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return found ? byLabel : null;
}

/**
 * A quantile of a Prometheus histogram, interpolated linearly inside its bucket as
 * histogram_quantile does: only as precise as the buckets. Infinity when it falls past the last
 * finite bucket (the histogram cannot say how far past).
 */
export function histogramQuantile(text: string, name: string, q: number): number {
  const buckets: { le: number; count: number }[] = [];
  const pattern = new RegExp(`^${name}_bucket\\{(?:.*,)?le="([^"]+)"\\} (\\S+)$`);
  for (const line of text.split('\n')) {
    const match = pattern.exec(line);
    if (match) buckets.push({ le: match[1] === '+Inf' ? Infinity : Number(match[1]), count: Number(match[2]) });
  }
  buckets.sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let previous = { le: 0, count: 0 };
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return Infinity;
      const inBucket = bucket.count - previous.count;
      return previous.le + (bucket.le - previous.le) * (inBucket === 0 ? 0 : (rank - previous.count) / inBucket);
    }
    previous = bucket;
  }
  return previous.le;
}

/** The largest finite bucket bound of a histogram (what "past the last bucket" means). */
export function lastFiniteBucket(text: string, name: string): number {
  let last = NaN;
  const pattern = new RegExp(`^${name}_bucket\\{(?:.*,)?le="([^"+]+)"\\} `);
  for (const line of text.split('\n')) {
    const match = pattern.exec(line);
    if (match) last = Number.isNaN(last) ? Number(match[1]) : Math.max(last, Number(match[1]));
  }
  return last;
}
