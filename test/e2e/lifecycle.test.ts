// After the acknowledgement: every destination's simulated network answers, responses reach the
// right User by webhook and by pull, statuses follow, a failing endpoint is retried then
// dead-lettered. The real router under Bun on a real redis-server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { ALL_DESTINATIONS } from '@dccrouter/domain';
import { compareCursors } from '@dccrouter/state';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';
import { Admin, metricTotal, newKeyPair, nextCounter } from '../support/fixtures.ts';

const SUPPLIER_A = '90-B3-D5-1F-30-0A-00-01';
const SUPPLIER_B = '90-B3-D5-1F-30-0B-00-01';
const PULL_USER = '90-B3-D5-1F-30-0C-00-01';

let redis: OwnRedis;
let router: RouterProcess;
let admin: Admin;
const receivers = { a: new WebhookReceiver(), b: new WebhookReceiver() };
const clients: Record<string, RouterClient> = {};

/** One ESME per destination, registered to all three suppliers' import roles in turn. */
function meterFor(destination: string, index: number): { deviceId: string; fields: Record<string, unknown> } {
  const [generation, place] = destination.split('/');
  const regions: Record<string, string> = { north: 'North', central: 'Central', south: 'South', '4g-north': '4G North', '4g-central': '4G Central', '4g-south': '4G South' };
  return {
    deviceId: `00-DB-12-34-56-78-C0-${index.toString(16).toUpperCase().padStart(2, '0')}`,
    fields: generation === 'smets2'
      ? { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: regions[place] }
      : { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: place },
  };
}

async function registerUser(userId: string, receiveEndpoint?: string) {
  const keys = newKeyPair();
  const answer = await admin.put(`/v1/admin/users/${userId}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem, receiveEndpoint });
  expect(answer.status).toBe(200);
  clients[userId] = new RouterClient(router.url, keys.privateKeyPem);
}

beforeAll(async () => {
  redis = await startOwnRedis('lifecycle');
  await Promise.all([receivers.a.start(), receivers.b.start()]);
  router = await startRouterProcess({
    REDIS_URL: redis.url, VERIFY_THREADS: '1',
    SIMULATOR_LATENCY_P50_MS: '20', SIMULATOR_LATENCY_P99_MS: '60',
    WEBHOOK_BACKOFF_MS: '50', WEBHOOK_BACKOFF_MAX_MS: '200', WEBHOOK_MAX_ATTEMPTS: '4', WEBHOOK_INTERVAL_MS: '20',
  });
  admin = new Admin(router.url, router.adminToken);
  // The receivers take only deliveries signed by this router.
  const routerKey = await (await fetch(`${router.url}/v1/router-public-key.pem`)).text();
  for (const receiver of Object.values(receivers)) receiver.trustRouter(routerKey);
  await registerUser(SUPPLIER_A, receivers.a.url);
  await registerUser(SUPPLIER_B, receivers.b.url);
  await registerUser(PULL_USER);
});

afterAll(async () => {
  await router?.stop();
  await Promise.all([receivers.a.stop(), receivers.b.stop()]);
  await redis?.dispose();
});

async function submitRead(userId: string, deviceId: string) {
  const counter = nextCounter();
  const { status, answer } = await clients[userId].submit({ originatorId: userId, targetId: deviceId, counter, commandVariant: 1, srv: '4.1.1' });
  expect(status).toBe(202);
  return answer.header.requestId as string;
}

describe('after the acknowledgement', () => {
  it('routes to every destination\'s network and brings each response back to its own User', async () => {
    const sent: { requestId: string; userId: string; destination: string }[] = [];
    for (const [index, destination] of ALL_DESTINATIONS.entries()) {
      const meter = meterFor(destination, index);
      await admin.device(meter.deviceId, { ...meter.fields, importSupplier: index % 2 ? SUPPLIER_A : SUPPLIER_B });
      const userId = index % 2 ? SUPPLIER_A : SUPPLIER_B;
      sent.push({ requestId: await submitRead(userId, meter.deviceId), userId, destination });
    }
    // Each request reached its own destination's network, and only that one.
    await expect.poll(async () => {
      const simulators = (await admin.request('GET', '/v1/admin/simulators')).body;
      return ALL_DESTINATIONS.map((destination) => simulators[destination].received);
    }, { timeout: 10_000 }).toEqual(ALL_DESTINATIONS.map(() => 1));

    for (const [userId, receiver] of [[SUPPLIER_A, receivers.a], [SUPPLIER_B, receivers.b]] as const) {
      const mine = sent.filter((s) => s.userId === userId);
      await expect.poll(() => receiver.received.filter((i) => i.kind === 'response').length, { timeout: 10_000 }).toBe(mine.length);
      const byRequest = new Map(receiver.received.map((item) => [item.requestId, item]));
      for (const { requestId, destination } of mine) {
        const item = byRequest.get(requestId);
        expect(item).toMatchObject({ kind: 'response', responseCode: 'I0', body: { ReadInstantaneousImportRegisters: { ImportRegister: { Unit: 'kWh' } } } });
        const [originator, target, counter] = requestId.split(':');
        expect(item.responseId).toBe(`${target}:${originator}:${counter}`);
        // The status as its User reads it back; another User gets 404.
        const status = await clients[userId].call(userId, 'GET', `/v1/service-requests/${requestId}`);
        expect(status.status).toBe(200);
        expect(status.answer).toMatchObject({ requestId, state: 'delivered', responseCode: 'I0', route: { destination } });
        expect(status.answer.trt.breached).toBe(false);
        expect(status.answer.trt.elapsedMs).toBeGreaterThanOrEqual(0);
        if (destination.startsWith('smets1/')) {
          expect(status.answer.trt.budgetMs).toBe(16_000);
          expect(status.answer.trt.wanMs).toBeGreaterThan(0);
        } else expect(status.answer.trt.wanMs).toBeUndefined();
        const other = userId === SUPPLIER_A ? SUPPLIER_B : SUPPLIER_A;
        expect((await clients[other].call(other, 'GET', `/v1/service-requests/${requestId}`)).status).toBe(404);
      }
    }
  });

  it('hands a request to its network as it is acknowledged, and holds a DSP future-dated one until its ExecutionDateTime', async () => {
    // A User of its own: the other tests count what theirs receive.
    const user = '90-B3-D5-1F-30-0D-00-09';
    await registerUser(user);
    const meter = meterFor('smets2/south', 0x40);
    await admin.device(meter.deviceId, { ...meter.fields, importSupplier: user });
    const received = async () => (await admin.request('GET', '/v1/admin/simulators')).body['smets2/south'].received as number;
    const before = await received();
    const client = clients[user];
    // Far enough ahead that a busy machine makes the checks below (four calls, one network's
    // receipt) before it is due: seen released earlier, the count would skip before + 1.
    const executionDateTime = new Date(Date.now() + 4_000);
    const held = await client.submit({
      originatorId: user, targetId: meter.deviceId, counter: nextCounter(), commandVariant: 1, srv: '4.1.1',
      bodyValue: { ExecutionDateTime: executionDateTime.toISOString() },
    });
    expect(held.status).toBe(202);
    const heldId = held.answer.header.requestId as string;
    const now = await submitRead(user, meter.deviceId);
    // Recorded forwarded in the acknowledgement's own step: never seen waiting in a queue.
    expect(['forwarded', 'responded']).toContain((await client.status(user, now)).state);
    expect((await client.status(user, heldId)).state).toBe('accepted');
    await expect.poll(received, { timeout: 5_000 }).toBe(before + 1);
    // Released at its time, handed by the releasing router to its network (or its queue) and answered.
    await expect.poll(async () => (await client.status(user, heldId)).state, { timeout: 10_000 }).toBe('responded');
    expect(Date.now()).toBeGreaterThanOrEqual(executionDateTime.getTime());
    expect(await received()).toBe(before + 2);
  });

  it('judges a held request again when its time comes: a meter lost meanwhile is refused, one moved goes to its new region', async () => {
    const user = '90-B3-D5-1F-30-0D-00-0A';
    await registerUser(user);
    const [lost, moved] = [meterFor('smets2/south', 0x41), meterFor('smets2/south', 0x42)];
    for (const meter of [lost, moved]) await admin.device(meter.deviceId, { ...meter.fields, importSupplier: user });
    const client = clients[user];
    // Far enough ahead for the changes below and a status read on a busy machine.
    const executionDateTime = new Date(Date.now() + 4_000).toISOString();
    const heldFor = async (deviceId: string) => {
      const held = await client.submit({ originatorId: user, targetId: deviceId, counter: nextCounter(), commandVariant: 1, srv: '4.1.1', bodyValue: { ExecutionDateTime: executionDateTime } });
      expect(held.status).toBe(202);
      return held.answer.header.requestId as string;
    };
    const [lostId, movedId] = [await heldFor(lost.deviceId), await heldFor(moved.deviceId)];
    // While they are held: the supplier loses one meter, the other moves to the north.
    await admin.device(lost.deviceId, { ...lost.fields, importSupplier: SUPPLIER_B });
    await admin.device(moved.deviceId, { ...moved.fields, importSupplier: user, cspRegion: 'North' });
    expect((await client.status(user, lostId)).state).toBe('accepted');
    await expect.poll(async () => (await client.status(user, lostId)).state, { timeout: 10_000 }).toBe('responded');
    expect(await client.status(user, lostId)).toMatchObject({ responseCode: 'E4', route: { destination: 'smets2/south' }, trt: { breached: false } });
    await expect.poll(async () => (await client.status(user, movedId)).state, { timeout: 10_000 }).toBe('responded');
    expect(await client.status(user, movedId)).toMatchObject({ responseCode: 'I0', route: { destination: 'smets2/north' } });
    const items = (await client.call(user, 'GET', '/v1/responses?limit=10')).answer.items;
    expect(items.find((item: { requestId: string }) => item.requestId === lostId))
      .toMatchObject({ kind: 'response', responseCode: 'E4', body: { error: { reason: 'not_authorised_for_device' } } });
    // Counted as the router's refusal, not as an answer of the south's network.
    expect(await metricTotal(router.url, 'dccrouter_held_refused_total', 'reason="not_authorised_for_device"')).toBe(1);
    expect(await metricTotal(router.url, 'dccrouter_network_responses_total', 'code="E4"')).toBe(0);
  });

  it('lets a User without an endpoint pull its responses from a cursor, without removing them', async () => {
    const meter = meterFor('smets2/south', 40);
    await admin.device(meter.deviceId, { ...meter.fields, importSupplier: PULL_USER });
    const requestIds = [await submitRead(PULL_USER, meter.deviceId), await submitRead(PULL_USER, meter.deviceId)];
    const client = clients[PULL_USER];
    await expect.poll(async () => (await client.call(PULL_USER, 'GET', '/v1/responses')).answer.items.length, { timeout: 10_000 }).toBe(2);
    const first = (await client.call(PULL_USER, 'GET', '/v1/responses?limit=1')).answer;
    expect(first.items).toHaveLength(1);
    const second = (await client.call(PULL_USER, 'GET', `/v1/responses?after=${first.next}&limit=10`)).answer;
    expect(second.items).toHaveLength(1);
    expect(new Set([first.items[0].requestId, second.items[0].requestId])).toEqual(new Set(requestIds));
    const empty = (await client.call(PULL_USER, 'GET', `/v1/responses?after=${second.next}`)).answer;
    expect(empty).toEqual({ items: [], next: second.next });
    expect((await client.call(PULL_USER, 'GET', '/v1/responses')).answer.items).toHaveLength(2);
    expect((await client.call(PULL_USER, 'GET', `/v1/service-requests/${requestIds[0]}`)).answer.state).toBe('delivered');
  });

  it('brings the local command of a CV 3 request with its response', async () => {
    const meter = meterFor('smets2/south', 40);
    const { status, answer } = await clients[PULL_USER].submit({ originatorId: PULL_USER, targetId: meter.deviceId, counter: nextCounter(), commandVariant: 3, srv: '4.1.1' });
    expect(status).toBe(202);
    expect(answer.body).toBeUndefined();
    const requestId = answer.header.requestId;
    await expect.poll(async () => (await clients[PULL_USER].call(PULL_USER, 'GET', '/v1/responses?limit=100')).answer.items.find((i: any) => i.requestId === requestId), { timeout: 10_000 })
      .toMatchObject({ kind: 'response', responseCode: 'I0', body: { LocalCommand: expect.any(String), ReadInstantaneousImportRegisters: expect.any(Object) } });
  });

  it('refuses unsigned, stale and forged read-back calls', async () => {
    const client = clients[PULL_USER];
    expect((await fetch(`${router.url}/v1/responses`)).status).toBe(401);
    const stale = await client.call(PULL_USER, 'GET', '/v1/responses', new Date(Date.now() - 10 * 60_000).toISOString());
    expect(stale.status).toBe(401);
    expect(stale.answer.error.reason).toBe('signature_invalid');
    const forged = await clients[SUPPLIER_A].call(PULL_USER, 'GET', '/v1/responses');
    expect(forged.status).toBe(401);
    const now = new Date().toISOString();
    const impossible = await client.call(PULL_USER, 'GET', '/v1/responses', `${now.slice(0, 11)}25${now.slice(13)}`);
    expect([impossible.status, impossible.answer.error.message]).toEqual([401, 'X-DCC-Timestamp is missing or not an RFC 3339 time']);
    expect((await client.call(PULL_USER, 'GET', '/v1/responses', now.replace('T', 't').replace('Z', 'z'))).status).toBe(200);
    const badLimit = await client.call(PULL_USER, 'GET', '/v1/responses?limit=0');
    expect(badLimit.status).toBe(400);
  });

  it('retries a failing endpoint with backoff and delivers everything in order once it recovers', async () => {
    const meter = meterFor('smets2/north', 41);
    await admin.device(meter.deviceId, { ...meter.fields, importSupplier: SUPPLIER_A });
    receivers.a.failWith = 503;
    const attemptsBefore = receivers.a.attempts;
    const requestIds: string[] = [];
    for (let i = 0; i < 5; i++) requestIds.push(await submitRead(SUPPLIER_A, meter.deviceId));
    await expect.poll(() => receivers.a.attempts - attemptsBefore, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    receivers.a.failWith = undefined;
    await expect.poll(() => requestIds.every((id) => receivers.a.received.some((i) => i.requestId === id)), { timeout: 10_000 }).toBe(true);
    const order = receivers.a.received.filter((i) => requestIds.includes(i.requestId)).map((i) => i.cursor);
    expect(order).toHaveLength(5);
    expect(order).toEqual([...order].sort(compareCursors));
    expect(receivers.a.refused).toEqual([]);
  });

  it('dead-letters what an endpoint never takes, with a metric, and moves on', async () => {
    const meter = meterFor('smets2/central', 42);
    await admin.device(meter.deviceId, { ...meter.fields, importSupplier: SUPPLIER_B });
    receivers.b.failWith = 500;
    const requestId = await submitRead(SUPPLIER_B, meter.deviceId);
    await expect.poll(async () => {
      const metrics = await (await fetch(`${router.url}/metrics`)).text();
      return Number(/dccrouter_webhook_dead_lettered_total (\d+)/.exec(metrics)?.[1] ?? 0);
    }, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect(router.output()).toContain('webhook item dead-lettered');
    expect(router.output()).toContain(requestId);
    receivers.b.failWith = undefined;
    const next = await submitRead(SUPPLIER_B, meter.deviceId);
    await expect.poll(() => receivers.b.received.some((i) => i.requestId === next), { timeout: 10_000 }).toBe(true);
    expect(receivers.b.received.some((i) => i.requestId === requestId)).toBe(false);
  });
});
