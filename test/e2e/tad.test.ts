// Threshold Anomaly Detection on a shared Redis with two routers under Bun: exactly the requests
// beyond a threshold are quarantined, release and delete behave, SMETS1 is detect-only for counts
// and deleted for values, and a flooding User is held while the others go on unaffected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJsonRequest, RouterClient, type RequestSpec } from '@dccrouter/client';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin, metricTotal, newKeyPair, nextCounter } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-0F-00-01';
const OTHER = '90-B3-D5-1F-30-0F-00-02';
const FLOODER = '90-B3-D5-1F-30-0F-00-03';
const CALM = ['90-B3-D5-1F-30-0F-00-04', '90-B3-D5-1F-30-0F-00-05'];
const METER = '00-DB-12-34-56-78-F0-01';
const SMETS1_METER = '00-DB-12-34-56-78-F0-02';

let redis: OwnRedis;
let routers: RouterProcess[];
let admin: Admin;
const clients = new Map<string, RouterClient[]>();

async function register(userId: string) {
  const keys = newKeyPair();
  expect((await admin.put(`/v1/admin/users/${userId}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
  clients.set(userId, routers.map((r) => new RouterClient(r.url, keys.privateKeyPem)));
}

beforeAll(async () => {
  redis = await startOwnRedis('tad');
  const env = { REDIS_URL: redis.url, VERIFY_THREADS: '1', SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20' };
  routers = await Promise.all([startRouterProcess(env), startRouterProcess({ ...env, NETWORKS: 'external' })]);
  admin = new Admin(routers[0].url, routers[0].adminToken);
  for (const userId of [USER, OTHER, FLOODER, ...CALM]) await register(userId);
  const parties = { importSupplier: USER, exportSupplier: OTHER };
  await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', ...parties });
  await admin.device(SMETS1_METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'secure', ...parties });
  for (const [i, userId] of [FLOODER, ...CALM].entries()) {
    await admin.device(`00-DB-12-34-56-78-F1-0${i}`, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: userId });
  }
});

afterAll(async () => {
  await Promise.all((routers ?? []).map((r) => r.stop()));
  await redis?.dispose();
});

/** Sends through both routers in turn, so both share (and must agree on) the counters. */
let turn = 0;
async function send(userId: string, spec: Partial<RequestSpec> = {}) {
  const client = clients.get(userId)![turn++ % routers.length];
  return client.submit({ originatorId: userId, targetId: METER, counter: nextCounter(), commandVariant: 1, srv: '4.1.1', ...spec });
}

/** Sets a rule set, then waits out the other instance's one-second rule cache. */
async function putRules(path: string, rules: unknown) {
  const answer = await admin.put(path, rules);
  expect(answer.status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 1100));
}

const signed = (userId: string, method: string, path: string) => clients.get(userId)![0].call(userId, method, path);

describe('Threshold Anomaly Detection', () => {
  it('validates rule sets, naming the field, and lets a User read its own', async () => {
    const bad = await admin.put(`/v1/admin/thresholds/users/${USER}`, { rules: [{ srv: '4.1.1', limit: 0, windowSeconds: 60 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('rules[0].limit');
    const unknown = await admin.put('/v1/admin/thresholds/dcc', { rules: [{ srv: '9.9.9', limit: 1, windowSeconds: 60 }] });
    expect(unknown.body.error.field).toBe('rules[0].srv');
    // A rule that could never apply (8.2 is answered by the router itself) is refused, not kept.
    const nonDevice = await admin.put('/v1/admin/thresholds/values', { rules: [{ srv: '8.2', field: 'DeviceID', max: 1 }] });
    expect(nonDevice.status).toBe(400);
    expect(nonDevice.body.error).toMatchObject({ field: 'rules[0].srv', message: expect.stringContaining('applies to device requests only') });
    const rules = { rules: [{ srv: '4.1.1', limit: 5, windowSeconds: 60 }] };
    await putRules(`/v1/admin/thresholds/users/${USER}`, rules);
    expect((await admin.request('GET', `/v1/admin/thresholds/users/${USER}`)).body).toEqual(rules);
    expect((await signed(USER, 'GET', '/v1/thresholds')).answer).toEqual(rules);
    expect((await signed(OTHER, 'GET', '/v1/thresholds')).answer).toEqual({ rules: [] });
    // Read back through the other instance at once: as stored, not as its request path's cache has it.
    const changed = { rules: [{ srv: '4.1.1', limit: 6, windowSeconds: 60 }] };
    expect((await admin.put(`/v1/admin/thresholds/users/${USER}`, changed)).status).toBe(200);
    expect((await new Admin(routers[1].url, routers[1].adminToken).request('GET', `/v1/admin/thresholds/users/${USER}`)).body).toEqual(changed);
    expect((await clients.get(USER)![1].call(USER, 'GET', '/v1/thresholds')).answer).toEqual(changed);
    await putRules(`/v1/admin/thresholds/users/${USER}`, rules);
  });

  it('quarantines exactly the requests past a User threshold, across two routers, and alerts the User', async () => {
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await send(USER));
    expect(answers.map((a) => a.status)).toEqual(new Array(8).fill(202));
    expect(answers.map((a) => a.answer.quarantine?.breach ?? 'none')).toEqual(['none', 'none', 'none', 'none', 'none', 'user', 'user', 'user']);
    const quarantined = answers.slice(5).map((a) => a.answer);
    for (const answer of quarantined) {
      expect(answer.trt).toBeUndefined();
      expect(answer.quarantine.ref).toMatch(/^q\d+-[0-9a-f]{16}$/);
      expect((await signed(USER, 'GET', `/v1/service-requests/${answer.header.requestId}`)).answer).toMatchObject({ state: 'quarantined', quarantine: answer.quarantine });
    }
    // Another SRV, and another User, are not held by this User's 4.1.1 threshold.
    expect((await send(USER, { srv: '4.1.2' })).answer.quarantine).toBeUndefined();
    expect((await send(OTHER, { srv: '4.6.1' })).status).toBe(403);
    const alerts = (await signed(USER, 'GET', '/v1/responses?limit=1000')).answer.items.filter((i: any) => i.alertCode === 'AD1');
    expect(alerts.map((a: any) => a.body)).toEqual(quarantined.map((q) => expect.objectContaining({
      requestId: q.header.requestId, breach: 'user', action: 'quarantined', ref: q.quarantine.ref,
    })));

    // Release by the owning User: forwarded now and answered; delete by the operator.
    const [toRelease, toDelete, foreign] = quarantined;
    expect((await signed(OTHER, 'POST', `/v1/quarantine/${foreign.quarantine.ref}/release`)).status).toBe(404);
    const released = await signed(USER, 'POST', `/v1/quarantine/${toRelease.quarantine.ref}/release`);
    expect(released.answer).toEqual({ ref: toRelease.quarantine.ref, requestId: toRelease.header.requestId, state: 'accepted' });
    await expect.poll(async () => (await signed(USER, 'GET', `/v1/service-requests/${toRelease.header.requestId}`)).answer.state, { timeout: 10_000 }).toBe('responded');
    const status = (await signed(USER, 'GET', `/v1/service-requests/${toRelease.header.requestId}`)).answer;
    expect(status.trt.budgetMs).toBe(30_000);
    const deleted = await admin.request('POST', `/v1/quarantine/${toDelete.quarantine.ref}/delete`);
    expect(deleted.body.state).toBe('deleted');
    expect((await signed(USER, 'GET', `/v1/service-requests/${toDelete.header.requestId}`)).answer.state).toBe('deleted');
    expect((await admin.request('POST', `/v1/quarantine/${toDelete.quarantine.ref}/release`)).status).toBe(409);
    expect((await admin.request('POST', '/v1/quarantine/q1-0123456789abcdef/release')).status).toBe(404);
    // A retry of a quarantined request replays its answer; nothing runs twice.
    const retry = await clients.get(USER)![1].submitBytes(buildJsonRequest({ originatorId: USER, targetId: METER, counter: foreign.header.requestId.split(':')[2], commandVariant: 1, srv: '4.1.1' }));
    expect(retry.answer).toEqual(foreign);
  });

  it('detects but does not quarantine a SMETS1 count breach, and counts it (only quarantined requests go uncounted)', async () => {
    await putRules(`/v1/admin/thresholds/users/${USER}`, { rules: [{ srv: '4.1.1', limit: 5, windowSeconds: 60 }, { srv: '4.6.1', limit: 1, windowSeconds: 60 }] });
    const first = await send(USER, { targetId: SMETS1_METER, srv: '4.6.1' });
    const second = await send(USER, { targetId: SMETS1_METER, srv: '4.6.1' });
    for (const answer of [first, second]) {
      expect(answer.status).toBe(202);
      expect(answer.answer.quarantine).toBeUndefined();
      expect(answer.answer.trt.budgetMs).toBe(16_000);
    }
    await expect.poll(async () => (await signed(USER, 'GET', `/v1/service-requests/${second.answer.header.requestId}`)).answer.state, { timeout: 10_000 }).toBe('responded');
    const alerts = (await signed(USER, 'GET', '/v1/responses?limit=1000')).answer.items.filter((i: any) => i.requestId === second.answer.header.requestId && i.alertCode === 'AD1');
    expect(alerts.map((a: any) => a.body)).toEqual([expect.objectContaining({ breach: 'user', action: 'detected' })]);
    // The detected request counted: with the limit raised to 2, a third in the window is in excess
    // (uncounted, the window would hold one and admit it). A SMETS2+ one is quarantined.
    await putRules(`/v1/admin/thresholds/users/${USER}`, { rules: [{ srv: '4.6.1', limit: 2, windowSeconds: 60 }] });
    const third = await send(USER, { srv: '4.6.1' });
    expect([third.status, third.answer.quarantine?.breach]).toEqual([202, 'user']);
    await putRules(`/v1/admin/thresholds/users/${USER}`, { rules: [] });
  });

  it('holds value breaches: quarantined for SMETS2+ (a CV 4 leg gets its Pre-Command on release), deleted for SMETS1', async () => {
    const rules = { rules: [{ srv: '2.3', field: 'PaymentDebtRegister', max: 100_000 }] };
    await putRules('/v1/admin/thresholds/values', rules);
    const transform = (targetId: string, amount: number) => send(USER, { targetId, srv: '2.3', commandVariant: 4, bodyValue: { PaymentDebtRegister: amount } });
    const within = await transform(METER, 100);
    expect(within.status).toBe(200);
    expect(within.answer.body.PreCommand.GBCSPayload).toBeTruthy();

    const held = await transform(METER, 500_000);
    expect(held.status).toBe(202);
    expect(held.answer.header.responseCode).toBe('I99');
    expect(held.answer.quarantine.breach).toBe('value');
    expect(held.answer.body).toBeUndefined();
    // Quarantined, it gave no Pre-Command: a signed leg sent anyway is row 18, and changes nothing.
    const counterOf = (answer: any) => answer.header.requestId.split(':')[2] as string;
    const signedLeg = (targetId: string, counter: string, payload: string) => send(USER, { targetId, counter, srv: '2.3', commandVariant: 5, bodyValue: { GBCSPayload: payload } });
    const early = await signedLeg(METER, counterOf(held.answer), 'AA==');
    expect([early.status, early.answer.error.reason]).toEqual([409, 'transform_leg_missing']);
    expect(early.answer.error.message).toContain('is quarantined, so it gave no Pre-Command to sign: the signed leg may follow once it is released');
    expect((await signed(USER, 'GET', `/v1/service-requests/${held.answer.header.requestId}`)).answer.state).toBe('quarantined');
    const released = await signed(USER, 'POST', `/v1/quarantine/${held.answer.quarantine.ref}/release`);
    expect(released.answer.state).toBe('transformed');
    const items = (await signed(USER, 'GET', '/v1/responses?limit=1000')).answer.items;
    const preCommand = items.find((i: any) => i.kind === 'response' && i.requestId === held.answer.header.requestId).body.PreCommand.GBCSPayload;
    expect(preCommand).toBeTruthy();
    expect((await signedLeg(METER, counterOf(held.answer), preCommand)).status).toBe(202);

    const dropped = await transform(SMETS1_METER, 500_000);
    expect(dropped.status).toBe(202);
    expect(dropped.answer.deleted).toEqual({ breach: 'value' });
    expect(dropped.answer.quarantine).toBeUndefined();
    expect((await signed(USER, 'GET', `/v1/service-requests/${dropped.answer.header.requestId}`)).answer.state).toBe('deleted');
    const afterDeletion = await signedLeg(SMETS1_METER, counterOf(dropped.answer), 'AA==');
    expect([afterDeletion.status, afterDeletion.answer.error.reason]).toEqual([409, 'transform_leg_missing']);
    expect((await signed(USER, 'GET', `/v1/service-requests/${dropped.answer.header.requestId}`)).answer.state).toBe('deleted');
    const alert = (await signed(USER, 'GET', '/v1/responses?limit=1000')).answer.items.find((i: any) => i.requestId === dropped.answer.header.requestId);
    expect(alert.body).toMatchObject({ breach: 'value', action: 'deleted' });
    // Each breach counted once, on whichever router recorded it: a retry that replays the deletion is not another.
    const valueBreaches = () => Promise.all(routers.map((r) => metricTotal(r.url, 'dccrouter_tad_breaches_total', 'kind="value"'))).then((n) => n[0] + n[1]);
    expect(await valueBreaches()).toBe(2);
    const retry = await clients.get(USER)![0].submitBytes(buildJsonRequest({ originatorId: USER, targetId: SMETS1_METER, counter: counterOf(dropped.answer), srv: '2.3', commandVariant: 4, bodyValue: { PaymentDebtRegister: 500_000 } }));
    expect(retry.answer).toEqual(dropped.answer);
    expect(await valueBreaches()).toBe(2);
    await putRules('/v1/admin/thresholds/values', { rules: [] });
  });

  it('counts DCC-wide thresholds across Users', async () => {
    await putRules('/v1/admin/thresholds/dcc', { rules: [{ srv: '11.2', limit: 3, windowSeconds: 60 }] });
    // The DCC scope is counted in each router and reconciled every TAD_SYNC_MS (100 ms): requests
    // further apart than a reconciliation of each router are judged on every router's counts,
    // exactly. Waited for by the routers' reconciliation counts, not a fixed time: on a busy
    // machine two reconciliations in turn can take longer than any wait chosen.
    const reconciliations = async (router: RouterProcess) =>
      Number(/^dccrouter_tad_reconciliations_total (\d+)$/m.exec(await (await fetch(`${router.url}/metrics`)).text())?.[1]);
    /** Two reconciliations begun and ended on every router: the first may have begun before now. */
    const reconciled = () => Promise.all(routers.map(async (router) => {
      const before = await reconciliations(router);
      await expect.poll(() => reconciliations(router), { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(before + 2);
    }));
    const settled = async (answer: Promise<Awaited<ReturnType<typeof send>>>) => {
      const result = await answer;
      // Every router's count added to the shared counters, then every router's view of them taken.
      await reconciled();
      await reconciled();
      return result;
    };
    const results = [];
    results.push(await settled(send(USER, { srv: '11.2' })), await settled(send(USER, { srv: '11.2' })));
    results.push(await settled(send(CALM[0], { srv: '11.2', targetId: '00-DB-12-34-56-78-F1-01' })), await settled(send(CALM[0], { srv: '11.2', targetId: '00-DB-12-34-56-78-F1-01' })));
    expect(results.map((r) => r.answer.quarantine?.breach ?? 'none')).toEqual(['none', 'none', 'none', 'dcc']);
    await putRules('/v1/admin/thresholds/dcc', { rules: [] });
  });

  it('holds a User flooding at 50 times its threshold while the other Users go on unaffected', async () => {
    const limit = 20;
    await putRules(`/v1/admin/thresholds/users/${FLOODER}`, { rules: [{ srv: '*', limit, windowSeconds: 300 }] });
    const calmRun = async () => {
      const latencies: number[] = [];
      const outcomes: string[] = [];
      await Promise.all(CALM.map(async (userId, i) => {
        for (let n = 0; n < 60; n++) {
          const started = performance.now();
          const result = await send(userId, { targetId: `00-DB-12-34-56-78-F1-0${i + 1}` });
          latencies.push(performance.now() - started);
          outcomes.push(result.status === 202 && !result.answer.quarantine ? 'accepted' : 'held');
        }
      }));
      latencies.sort((a, b) => a - b);
      return { outcomes, p50: latencies[Math.floor(latencies.length / 2)], p99: latencies[Math.floor(latencies.length * 0.99)] };
    };
    const baseline = await calmRun();
    const flood = async () => {
      const outcomes: string[] = [];
      await Promise.all(Array.from({ length: 10 }, async () => {
        for (let n = 0; n < (limit * 50) / 10; n++) {
          const result = await send(FLOODER, { targetId: '00-DB-12-34-56-78-F1-00' });
          outcomes.push(result.answer.quarantine ? 'quarantined' : result.status === 202 ? 'accepted' : String(result.status));
        }
      }));
      return outcomes;
    };
    const [flooded, during] = await Promise.all([flood(), calmRun()]);
    console.log(`flood test: flooder sent ${flooded.length} (${flooded.length / limit}x its threshold of ${limit}): ` +
      `${flooded.filter((o) => o === 'accepted').length} accepted, ${flooded.filter((o) => o === 'quarantined').length} quarantined; ` +
      `other Users: ${baseline.outcomes.filter((o) => o === 'accepted').length}/${baseline.outcomes.length} accepted alone ` +
      `(p50 ${baseline.p50.toFixed(1)} ms, p99 ${baseline.p99.toFixed(1)} ms), ` +
      `${during.outcomes.filter((o) => o === 'accepted').length}/${during.outcomes.length} accepted during the flood ` +
      `(p50 ${during.p50.toFixed(1)} ms, p99 ${during.p99.toFixed(1)} ms)`);
    expect(flooded.filter((o) => o === 'accepted')).toHaveLength(limit);
    expect(flooded.filter((o) => o === 'quarantined')).toHaveLength(limit * 49);
    expect(baseline.outcomes.every((o) => o === 'accepted')).toBe(true);
    expect(during.outcomes.every((o) => o === 'accepted')).toBe(true);
    const metrics = await (await fetch(`${routers[0].url}/metrics`)).text();
    expect(metrics).toMatch(/dccrouter_tad_breaches_total\{kind="user",action="quarantined"\} \d+/);
    expect(metrics).toMatch(/dccrouter_tad_threshold_usage_ratio\{scope="user",srv="\*",window_seconds="300"\} 1/);
  }, 120_000);

  it('refuses a suspended User\'s signed calls, its quarantine actions included, and serves them again once active', async () => {
    const suspendedUser = '90-B3-D5-1F-30-0F-00-0E';
    await register(suspendedUser);
    const record = (await admin.request('GET', `/v1/admin/users/${suspendedUser}`)).body;
    expect((await admin.put(`/v1/admin/users/${suspendedUser}`, { ...record, status: 'suspended' })).status).toBe(200);
    for (const [method, path] of [['GET', '/v1/responses'], ['GET', '/v1/thresholds'], ['POST', '/v1/quarantine/q1-0123456789abcdef/delete']]) {
      // Each router sees the suspension within its directory's sync.
      await expect.poll(async () => {
        const { status, answer } = await clients.get(suspendedUser)![1].call(suspendedUser, method, path);
        return [status, answer.error?.reason, answer.error?.message];
      }, { timeout: 5_000 }).toEqual([403, 'user_not_active', `User ${suspendedUser} is suspended: its signed calls are refused until an operator makes it active again`]);
    }
    expect((await admin.put(`/v1/admin/users/${suspendedUser}`, { ...record, status: 'active' })).status).toBe(200);
    await expect.poll(async () => (await clients.get(suspendedUser)![1].call(suspendedUser, 'GET', '/v1/responses')).status, { timeout: 5_000 }).toBe(200);
  });
});
