// The simulated networks as a process of their own (`npm run networks`) beside a router with
// NETWORKS=external, both on one Redis: requests are answered, the router's simulator API reaches
// the other process, and what is queued while the networks are down is answered when they return.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin, newKeyPair, nextCounter } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-10-00-01';
const METER = '00-DB-12-34-56-78-10-01';
let redis: OwnRedis;
const processes: RouterProcess[] = [];
let client: RouterClient;
let admin: Admin;

const startNetworks = async () => {
  const networks = await startRouterProcess({ REDIS_URL: redis.url, SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20', EGRESS_REDELIVER_MS: '1000' }, 'packages/router/src/networks-main.ts');
  processes.push(networks);
  return networks;
};

beforeAll(async () => {
  redis = await startOwnRedis('networks');
  const router = await startRouterProcess({ REDIS_URL: redis.url, NETWORKS: 'external', VERIFY_THREADS: '1' });
  processes.push(router);
  admin = new Admin(router.url, router.adminToken);
  const keys = newKeyPair();
  await admin.put(`/v1/admin/users/${USER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem });
  await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'Central', importSupplier: USER });
  client = new RouterClient(router.url, keys.privateKeyPem);
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await redis?.dispose();
});

/** deploy/Dockerfile's HEALTHCHECK command, run with PORT set as a container's environment would. */
function imageHealthCheck(port: string) {
  const dockerfile = readFileSync(fileURLToPath(new URL('../../deploy/Dockerfile', import.meta.url)), 'utf8');
  const [runtime, ...args] = JSON.parse(/^HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
  expect(runtime).toBe('bun');
  return spawnSync(fileURLToPath(new URL('../../node_modules/.bin/bun', import.meta.url)), args, { env: { ...process.env, PORT: port }, encoding: 'utf8', timeout: 20_000 });
}

async function send(): Promise<string> {
  const { status, answer } = await client.submit({ originatorId: USER, targetId: METER, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
  expect(status).toBe(202);
  return answer.header.requestId;
}

const state = async (requestId: string) => (await client.call(USER, 'GET', `/v1/service-requests/${requestId}`)).answer;

it('answers through a separate networks process, configured through the router', async () => {
  const queuedBeforeNetworks = await send();
  // Nothing consumes the queue yet: the request waits, acknowledged and recorded.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect((await state(queuedBeforeNetworks)).state).toBe('accepted');

  const networks = await startNetworks();
  expect(await (await fetch(`${networks.url}/healthz`)).json()).toMatchObject({ status: 'ok' });
  expect(await (await fetch(`${networks.url}/readyz`)).json()).toEqual({ status: 'ready', store: 'redis' });
  // The image's health check, run as Docker runs it, finds the networks process ready on its PORT.
  expect(imageHealthCheck(new URL(networks.url).port).status).toBe(0);
  expect(imageHealthCheck('1').status).toBe(1);
  await expect.poll(async () => (await state(queuedBeforeNetworks)).state, { timeout: 10_000 }).toBe('responded');

  // The operators' API of the router sets the simulator in the other process.
  const put = await admin.put(`/v1/admin/simulators/${encodeURIComponent('smets2/central')}`, { failureRate: 1 });
  expect(put.body.failureRate).toBe(1);
  expect((await admin.put(`/v1/admin/simulators/${encodeURIComponent('smets2/central')}`, { failureRate: 2 })).body.error.field).toBe('failureRate');
  // The networks process applies it at its next read of the shared settings (every second). A
  // request sent a fixed 1.2 s later raced that read on a busy machine: requests are sent, each
  // answered, until one fails (the ones before it, answered I0, were read before the change).
  const answerTo = async (requestId: string) => {
    let code: string | undefined;
    await expect.poll(async () => (code = (await state(requestId)).responseCode), { timeout: 10_000 }).toBeDefined();
    return code;
  };
  await expect.poll(async () => answerTo(await send()), { timeout: 15_000, interval: 100 }).toMatch(/^E2[01]$/);

  // Networks down: requests queue; back up: they are answered.
  await admin.put(`/v1/admin/simulators/${encodeURIComponent('smets2/central')}`, { failureRate: 0 });
  await networks.stop();
  const whileDown = await Promise.all([send(), send(), send()]);
  await startNetworks();
  await expect.poll(async () => (await Promise.all(whileDown.map(state))).map((s) => `${s.state}:${s.responseCode}`), { timeout: 10_000 })
    .toEqual(whileDown.map(() => 'responded:I0'));
}, 60_000);

it('counts its background loops\' failures as a router does, for the same alert, its metrics behind METRICS_TOKEN', async () => {
  const failing = await startOwnRedis('networks-failing');
  try {
    const networks = await startRouterProcess({ REDIS_URL: failing.url, METRICS_TOKEN: 'scraper-token' }, 'packages/router/src/networks-main.ts');
    processes.push(networks);
    // Its metrics behind METRICS_TOKEN, as a router's.
    expect((await fetch(`${networks.url}/metrics`)).status).toBe(401);
    // Its clock's offset from the store's, which it times responses by, for the kit's clock-skew alert.
    const scraped = await (await fetch(`${networks.url}/metrics`, { headers: { authorization: 'Bearer scraper-token' } })).text();
    expect(scraped).toMatch(/^dccrouter_clock_offset_seconds -?[\d.e-]+$/m);
    await failing.stop();
    const failures = async () => {
      const metrics = await (await fetch(`${networks.url}/metrics`, { headers: { authorization: 'Bearer scraper-token' } })).text();
      return [...metrics.matchAll(/^dccrouter_background_task_failures_total\{task="([^"]+)"\} (\d+)/gm)].filter(([, , n]) => Number(n) > 0).map(([, task]) => task).sort();
    };
    // Its clock check runs every second, its egress loop at once: both fail while the store is away.
    await expect.poll(failures, { timeout: 15_000, interval: 250 }).toEqual(expect.arrayContaining(['egress', 'store-clock']));
  } finally {
    await failing.dispose();
  }
}, 30_000);
