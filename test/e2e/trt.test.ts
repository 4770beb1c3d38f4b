// Target Response Times on a shared ledger: two routers under Bun on one Redis, short budgets,
// stalled simulators. Exactly the stalled requests breach, once each, even when a router
// stops in the middle; late responses complete them and keep the breach.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { freePort, startRedis, stopRedis } from '../support/redis-server.ts';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin, newKeyPair, nextCounter } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-0E-00-01';
const NORTH = '00-DB-12-34-56-78-E0-01';
const SOUTH = '00-DB-12-34-56-78-E0-02';
const ACLARA = '00-DB-12-34-56-78-E0-03';
const ITRON = '00-DB-12-34-56-78-E0-04';

let redisDir: string;
let redis: ChildProcess;
let routers: RouterProcess[] = [];
let client: RouterClient;
let viaSecond: RouterClient;
let admins: Admin[];

beforeAll(async () => {
  const port = await freePort();
  redisDir = mkdtempSync(join(tmpdir(), 'dccrouter-trt-'));
  redis = await startRedis(port, redisDir);
  const env = {
    REDIS_URL: `redis://127.0.0.1:${port}`, VERIFY_THREADS: '1', SCAN_INTERVAL_MS: '50',
    SIMULATOR_LATENCY_P50_MS: '10', SIMULATOR_LATENCY_P99_MS: '30',
    // What the stopped router's networks held is sent again by the other one soon after.
    EGRESS_REDELIVER_MS: '1500',
  };
  // The second instance runs no networks: it accepts requests and scans the shared ledger.
  routers = await Promise.all([startRouterProcess(env), startRouterProcess({ ...env, NETWORKS: 'external' })]);
  admins = routers.map((r) => new Admin(r.url, r.adminToken));
  const keys = newKeyPair();
  expect((await admins[0].put(`/v1/admin/users/${USER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
  const meter = { deviceType: 'ESME', status: 'Commissioned', importSupplier: USER };
  await admins[0].device(NORTH, { ...meter, generation: 'SMETS2+', cspRegion: 'North' });
  await admins[0].device(SOUTH, { ...meter, generation: 'SMETS2+', cspRegion: 'South' });
  await admins[0].device(ACLARA, { ...meter, generation: 'SMETS1', smets1Cohort: 'aclara' });
  await admins[0].device(ITRON, { ...meter, generation: 'SMETS1', smets1Cohort: 'itron' });
  client = new RouterClient(routers[0].url, keys.privateKeyPem);
  viaSecond = new RouterClient(routers[1].url, keys.privateKeyPem);
});

afterAll(async () => {
  await Promise.all(routers.map((r) => r.stop()));
  if (redis) await stopRedis(redis);
  rmSync(redisDir, { recursive: true, force: true });
});

async function configureSimulators(destination: string, settings: unknown) {
  // Only the first instance runs simulated networks.
  for (const admin of admins.slice(0, 1)) {
    const answer = await admin.put(`/v1/admin/simulators/${encodeURIComponent(destination)}`, settings);
    expect(answer.status).toBe(200);
  }
}

async function send(deviceId: string, via = client): Promise<string> {
  const { status, answer: body } = await via.submit({ originatorId: USER, targetId: deviceId, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
  expect(status).toBe(202);
  return body.header.requestId;
}

async function status(requestId: string) {
  return (await client.call(USER, 'GET', `/v1/service-requests/${requestId}`)).answer;
}

it('sets budgets at run time, validates them, and applies them to requests accepted afterwards', async () => {
  const before = await admins[1].request('GET', '/v1/admin/trt-budgets');
  expect(before.body).toEqual({ 'smets2.onDemand': 30000, 'smets2.scheduled': 86400000, 'smets1.response': 16000, 'smets1.activateFirmware': 432000000, 'smets1.wanAllowance': 60000 });
  expect((await admins[0].put('/v1/admin/trt-budgets', { 'smets2.onDemand': -1 })).body.error.field).toBe('smets2.onDemand');
  expect((await admins[0].put('/v1/admin/trt-budgets', { 'smets9.x': 1 })).body.error.field).toBe('smets9.x');
  const updated = await admins[0].put('/v1/admin/trt-budgets', { 'smets2.onDemand': 600, 'smets1.response': 300, 'smets1.wanAllowance': 300 });
  expect(updated.body).toMatchObject({ 'smets2.onDemand': 600, 'smets1.response': 300, 'smets1.wanAllowance': 300, 'smets2.scheduled': 86400000 });
  // The other instance picks the shared table up within its refresh.
  await expect.poll(async () => (await admins[1].request('GET', '/v1/admin/trt-budgets')).body['smets2.onDemand'], { timeout: 5000 }).toBe(600);
  const { answer } = await client.submit({ originatorId: USER, targetId: SOUTH, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
  expect(answer.trt.budgetMs).toBe(600);
});

async function breachCount(router: RouterProcess): Promise<number> {
  const metrics = await (await fetch(`${router.url}/metrics`)).text();
  return Number(/dccrouter_trt_breaches_total (\d+)/.exec(metrics)?.[1]);
}

it('breaches exactly the stalled requests, once each, across two routers and a router stopping', async () => {
  await configureSimulators('smets2/north', { stalled: true });
  await configureSimulators('smets1/aclara', { stalled: true });
  // SMETS1 over budget in total but within it once the WAN share is taken off: 400 ms, half on the WAN.
  await configureSimulators('smets1/itron', { latencyMs: { p50: 400, p99: 400 }, wanShare: 0.5 });

  // Both instances scan the shared ledger while these deadlines pass.
  const firstWave = await Promise.all([NORTH, NORTH, NORTH, ACLARA, ACLARA].map((device, i) => send(device, i % 2 ? viaSecond : client)));
  await expect.poll(async () => (await Promise.all(firstWave.map(status))).every((s) => s.trt.breached === true), { timeout: 10_000, interval: 100 }).toBe(true);
  const [a, b] = await Promise.all(routers.map(breachCount));
  expect(a + b).toBe(firstWave.length);

  // Then one instance stops before the next deadlines: the other finds every one of them.
  const secondWave = await Promise.all([NORTH, NORTH, NORTH, ACLARA, ACLARA].map((device, i) => send(device, i % 2 ? viaSecond : client)));
  const answered = await Promise.all([SOUTH, SOUTH, SOUTH, SOUTH, ITRON, ITRON, ITRON].map((device, i) => send(device, i % 2 ? viaSecond : client)));
  await routers[1].stop();
  const stalled = [...firstWave, ...secondWave];
  await expect.poll(async () => (await Promise.all(secondWave.map(status))).every((s) => s.trt.breached === true), { timeout: 10_000, interval: 100 }).toBe(true);
  expect(await breachCount(routers[0])).toBe(a + secondWave.length);

  for (const requestId of answered) {
    const s = await status(requestId);
    expect(s.state).toBe('responded');
    expect(s.trt.breached).toBe(false);
  }
  const itron = await status(answered[4]);
  expect(itron.trt.wanMs).toBeGreaterThan(150);
  expect(itron.trt.elapsedMs).toBeLessThan(300);

  const items = (await client.call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[];
  const alerts = items.filter((i) => i.kind === 'dccAlert' && i.alertCode === 'TRT');
  expect(alerts.map((alert) => alert.requestId).sort()).toEqual([...stalled].sort());

  // Late responses complete the requests; they stay breached and are not alerted twice.
  await configureSimulators('smets2/north', { stalled: false });
  await configureSimulators('smets1/aclara', { stalled: false });
  await expect.poll(async () => (await Promise.all(stalled.map(status))).map((s) => `${s.state}:${s.trt.breached}`), { timeout: 10_000 })
    .toEqual(stalled.map(() => 'responded:true'));
  const after = (await client.call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[];
  expect(after.filter((i) => i.kind === 'dccAlert').length).toBe(stalled.length);
  const metrics = await (await fetch(`${routers[0].url}/metrics`)).text();
  expect(metrics).toContain('dccrouter_trt_breach_detection_lag_seconds_bucket');

  // Response statistics are added up in each router and flushed every STATS_FLUSH_MS (1 s).
  const monthly = async () => (await admins[0].request('GET', '/v1/admin/reports/monthly')).body;
  await expect.poll(async () => (await monthly()).serviceMetrics.find((r: any) => r.destination === 'smets2/north')?.responded, { timeout: 5_000 }).toBe(6);
  const report = await monthly();
  const north = report.serviceMetrics.find((r: any) => r.destination === 'smets2/north');
  expect(north).toMatchObject({ trtClass: 'smets2.onDemand', breached: 6, withinTrt: 0, responded: 6 });
  const south = report.serviceMetrics.find((r: any) => r.destination === 'smets2/south');
  expect(south).toMatchObject({ breached: 0, inTrtShare: 1 });
  expect(south.withinTrt).toBeGreaterThanOrEqual(4);
  expect(report.smets1Indicative.find((r: any) => r.destination === 'smets1/aclara')).toMatchObject({ breached: 4, trtClass: 'smets1.response' });
  expect(report.serviceMetrics.some((r: any) => r.destination.startsWith('smets1/'))).toBe(false);
  const markdown = await (await fetch(`${routers[0].url}/v1/admin/reports/monthly?format=markdown`, { headers: { authorization: `Bearer ${routers[0].adminToken}` } })).text();
  expect(markdown).toContain('## Monthly Service Metrics (SMETS2+)');
  expect(markdown).toMatch(/\| smets2\.onDemand \| smets2\/north \| 6 \| 0 \| 6 \| 0\.00% \|/);
}, 60_000);
