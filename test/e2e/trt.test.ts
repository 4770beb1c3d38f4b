// Target Response Times on a shared ledger: two routers under Bun on one Redis, short budgets,
// stalled simulators. Exactly the stalled requests breach, once each, even when a router
// stops in the middle; late responses complete them and keep the breach.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin, metricTotal, newKeyPair, nextCounter } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-0E-00-01';
const NORTH = '00-DB-12-34-56-78-E0-01';
const SOUTH = '00-DB-12-34-56-78-E0-02';
const ACLARA = '00-DB-12-34-56-78-E0-03';
const ITRON = '00-DB-12-34-56-78-E0-04';

let redis: OwnRedis;
let routers: RouterProcess[] = [];
let client: RouterClient;
let viaSecond: RouterClient;
let admins: Admin[];

beforeAll(async () => {
  redis = await startOwnRedis('trt');
  const env = {
    REDIS_URL: redis.url, VERIFY_THREADS: '1', SCAN_INTERVAL_MS: '50',
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
  await redis?.dispose();
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
  expect(before.body).toEqual({
    'smets2.onDemand': 30000, 'smets2.scheduled': 86400000, 'smets1.response': 16000, 'smets1.activateFirmware': 432000000,
    'smets1.wanAllowance': 60000, 'smets1.wanLimit': 86400000,
  });
  expect((await admins[0].put('/v1/admin/trt-budgets', { 'smets2.onDemand': -1 })).body.error.field).toBe('smets2.onDemand');
  expect((await admins[0].put('/v1/admin/trt-budgets', { 'smets9.x': 1 })).body.error.field).toBe('smets9.x');
  const updated = await admins[0].put('/v1/admin/trt-budgets', { 'smets2.onDemand': 600, 'smets1.response': 300, 'smets1.wanAllowance': 300, 'smets1.wanLimit': 2000 });
  expect(updated.body).toMatchObject({ 'smets2.onDemand': 600, 'smets1.response': 300, 'smets1.wanAllowance': 300, 'smets1.wanLimit': 2000, 'smets2.scheduled': 86400000 });
  // The other instance picks the shared table up within its refresh.
  await expect.poll(async () => (await admins[1].request('GET', '/v1/admin/trt-budgets')).body['smets2.onDemand'], { timeout: 5000 }).toBe(600);
  const { answer } = await client.submit({ originatorId: USER, targetId: SOUTH, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
  expect(answer.trt.budgetMs).toBe(600);
});

async function breachCount(router: RouterProcess): Promise<number> {
  return metricTotal(router.url, 'dccrouter_trt_breaches_total');
}

it('breaches exactly the stalled requests, once each, across two routers and a router stopping; SMETS1 by its response (v1.1)', async () => {
  await configureSimulators('smets2/north', { stalled: true });
  await configureSimulators('smets1/aclara', { stalled: true });
  // SMETS1 past its deadline plus the WAN allowance (600 ms) before it answers, but within its
  // TRT once the WAN share is taken off: 1000 ms, 95% of it on the WAN. What counts against the
  // 300 ms budget is the 50 ms off the WAN plus the router's own time (egress, recording the
  // response): at 80% on the WAN that left 100 ms for the router, and a loaded machine took 57.
  await configureSimulators('smets1/itron', { latencyMs: { p50: 1000, p99: 1000 }, wanShare: 0.95 });

  // Both instances scan the shared ledger while these deadlines pass. The SMETS1 requests are
  // first only overdue (no alert, no breach), then breached at the WAN limit (2 s) without a response.
  const firstWave = await Promise.all([NORTH, NORTH, NORTH, ACLARA, ACLARA].map((device, i) => send(device, i % 2 ? viaSecond : client)));
  await expect.poll(async () => (await Promise.all(firstWave.map(status))).map((s) => `${s.trt.breached}:${s.trt.overdue ?? false}`), { timeout: 10_000, interval: 50 })
    .toEqual(['true:false', 'true:false', 'true:false', 'false:true', 'false:true']);
  const overdueOnly = (await client.call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[];
  expect(overdueOnly.filter((i) => i.kind === 'dccAlert').map((i) => i.requestId).sort()).toEqual(firstWave.slice(0, 3).sort());
  await expect.poll(async () => (await Promise.all(firstWave.map(status))).every((s) => s.trt.breached === true && !s.trt.overdue), { timeout: 10_000, interval: 100 }).toBe(true);
  const [a, b] = await Promise.all(routers.map(breachCount));
  expect(a + b).toBe(firstWave.length);

  // A long WAN limit for what follows, so the SMETS1 responses decide.
  await admins[0].put('/v1/admin/trt-budgets', { 'smets1.wanLimit': 60_000 });
  await expect.poll(async () => (await admins[1].request('GET', '/v1/admin/trt-budgets')).body['smets1.wanLimit'], { timeout: 5000 }).toBe(60_000);

  // Then one instance stops before the next deadlines: the other finds every one of them.
  const secondWave = await Promise.all([NORTH, NORTH, NORTH, ACLARA, ACLARA].map((device, i) => send(device, i % 2 ? viaSecond : client)));
  const answered = await Promise.all([SOUTH, SOUTH, SOUTH, SOUTH, ITRON, ITRON, ITRON].map((device, i) => send(device, i % 2 ? viaSecond : client)));
  await routers[1].stop();
  const stalled = [...firstWave, ...secondWave];
  await expect.poll(async () => (await Promise.all(secondWave.map(status))).map((s) => `${s.trt.breached}:${s.trt.overdue ?? false}`), { timeout: 10_000, interval: 100 })
    .toEqual(['true:false', 'true:false', 'true:false', 'false:true', 'false:true']);
  expect(await breachCount(routers[0])).toBe(a + 3);

  // Answered: SMETS1 past its deadline plus the allowance, yet within its TRT without the WAN share: not breached (v1 breached it).
  await expect.poll(async () => (await Promise.all(answered.map(status))).every((s) => s.state === 'responded'), { timeout: 10_000, interval: 100 }).toBe(true);
  for (const requestId of answered) {
    const s = await status(requestId);
    expect(s.trt.breached).toBe(false);
    expect(s.trt.overdue).toBeUndefined();
  }
  const itron = await status(answered[4]);
  expect(itron.trt.wanMs).toBeGreaterThan(600);
  expect(itron.trt.elapsedMs).toBeLessThan(300);

  const items = (await client.call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[];
  const alerts = items.filter((i) => i.kind === 'dccAlert' && i.alertCode === 'TRT');
  expect(alerts.map((alert) => alert.requestId).sort()).toEqual([...firstWave, ...secondWave.slice(0, 3)].sort());

  // Late responses complete the requests: SMETS2+ stays breached and is not alerted twice; the
  // overdue SMETS1 ones are judged by them (over budget: breached, with their alert now).
  await configureSimulators('smets2/north', { stalled: false });
  await configureSimulators('smets1/aclara', { stalled: false });
  await expect.poll(async () => (await Promise.all(stalled.map(status))).map((s) => `${s.state}:${s.trt.breached}:${s.trt.overdue ?? false}`), { timeout: 10_000 })
    .toEqual(stalled.map(() => 'responded:true:false'));
  const after = (await client.call(USER, 'GET', '/v1/responses?limit=1000')).answer.items as any[];
  expect(after.filter((i) => i.kind === 'dccAlert').map((i) => i.requestId).sort()).toEqual([...stalled].sort());
  const metrics = await (await fetch(`${routers[0].url}/metrics`)).text();
  // Every breach this router marked has its detection lag, each alert it queued its alert lag.
  const metricValue = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1]);
  // By class and destination: the stalled networks' own.
  const breachesAt = (labels: string) => Number(new RegExp(`^dccrouter_trt_breaches_total\\{${labels}\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
  const breaches = breachesAt('class="smets2.onDemand",destination="smets2/north"') + breachesAt('class="smets1.response",destination="smets1/aclara"');
  expect(breaches).toBeGreaterThan(0);
  // Read from the same scrape as the parts (a later one may count a breach marked since).
  const everyBreach = [...metrics.matchAll(/^dccrouter_trt_breaches_total\{[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  expect(breaches, metrics.split('\n').filter((line) => line.startsWith('dccrouter_trt_breaches_total')).join('\n')).toBe(everyBreach);
  expect(metricValue('dccrouter_trt_breach_detection_lag_seconds_count')).toBe(breaches);
  expect(metricValue('dccrouter_trt_alert_lag_seconds_count')).toBeGreaterThan(0);

  // Response statistics are added up in each router and flushed every STATS_FLUSH_MS (1 s).
  const monthly = async () => (await admins[0].request('GET', '/v1/admin/reports/monthly')).body;
  await expect.poll(async () => (await monthly()).serviceMetrics.find((r: any) => r.destination === 'smets2/north')?.responded, { timeout: 5_000 }).toBe(6);
  const report = await monthly();
  const north = report.serviceMetrics.find((r: any) => r.destination === 'smets2/north');
  expect(north).toMatchObject({ trtClass: 'smets2.onDemand', breached: 6, withinTrt: 0, responded: 6 });
  const south = report.serviceMetrics.find((r: any) => r.destination === 'smets2/south');
  expect(south).toMatchObject({ breached: 0, inTrtShare: 1 });
  expect(south.withinTrt).toBeGreaterThanOrEqual(4);
  await expect.poll(async () => (await monthly()).smets1Indicative.find((r: any) => r.destination === 'smets1/aclara')?.responded, { timeout: 5_000 }).toBe(4);
  const judged = await monthly();
  expect(judged.smets1Indicative.find((r: any) => r.destination === 'smets1/aclara')).toMatchObject({ breached: 4, trtClass: 'smets1.response' });
  // SMETS1's indicative end-to-end times include the WAN time its TRT leaves out.
  const itronFigures = judged.smets1Indicative.find((r: any) => r.destination === 'smets1/itron');
  expect(itronFigures).toMatchObject({ breached: 0, withinTrt: 3 });
  expect(itronFigures.p50Ms).toBeLessThan(400);
  expect(itronFigures.endToEnd.p50Ms).toBeGreaterThanOrEqual(1000);
  expect(report.serviceMetrics.some((r: any) => r.destination.startsWith('smets1/'))).toBe(false);
  const markdown = await (await fetch(`${routers[0].url}/v1/admin/reports/monthly?format=markdown`, { headers: { authorization: `Bearer ${routers[0].adminToken}` } })).text();
  expect(markdown).toContain('## Monthly Service Metrics (SMETS2+)');
  expect(markdown).toMatch(/\| smets2\.onDemand \| smets2\/north \| 6 \| 0 \| 6 \| 0\.00% \|/);
}, 60_000);
