// Pulls that wait (GET /v1/responses?wait=): answered as soon as the User's response is recorded
// (by this router at once, by another instance sharing Redis within its look at the outboxes),
// with an empty page when the wait is over, at once on shutdown; a bad wait is refused.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { RouterClient, signBytes } from '@dccrouter/client';
import { everyStore, startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { Admin, newKeyPair, nextCounter } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-12-00-21';
const METER = '00-DB-12-34-56-78-12-21';

const running: InProcessRouter[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((router) => router.close()));
});

/** A router with the test's User and meter (networks answering in about 5 ms); the User's client. */
async function routerWithMeter(env: Record<string, string>): Promise<{ router: InProcessRouter; client: RouterClient }> {
  const router = await startInProcess({ SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20', ...env });
  running.push(router);
  const admin = new Admin(router.url, router.adminToken);
  const client = await admin.user(USER, ['IS']);
  await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: USER });
  return { router, client };
}

const read = () => ({ originatorId: USER, targetId: METER, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });

/** Everything the User has so far, read: the cursor past it. */
async function drained(client: RouterClient): Promise<string> {
  let next = '0-0';
  for (;;) {
    const page = await client.pull(USER, next, 1000);
    if (page.items.length === 0) return page.next;
    next = page.next;
  }
}

/**
 * A pull waiting (10 s) through `puller` while a request is submitted through `submitter`: the
 * page it got, the acknowledgement, and how long after the acknowledgement the page came.
 */
async function pullWhileSubmitting(puller: RouterClient, submitter: RouterClient, after: string) {
  const waiting = puller.pull(USER, after, 100, 10_000).then((page) => ({ page, at: performance.now() }));
  await new Promise((resolve) => setTimeout(resolve, 100));
  const { status, answer } = await submitter.submit(read());
  expect(status).toBe(202);
  const submittedAt = performance.now();
  const { page, at } = await waiting;
  return { page, answer, msAfterSubmit: at - submittedAt };
}

describe.each(everyStore())('A pull that waits, on %s', (_name, storeEnv) => {
  it('is answered with the response as soon as it is recorded, and with an empty page when its wait is over', async () => {
    const { client } = await routerWithMeter(storeEnv);
    const after = await drained(client);
    const started = performance.now();
    const empty = await client.pull(USER, after, 100, 300);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(empty).toEqual({ items: [], next: after });

    const { page, answer, msAfterSubmit } = await pullWhileSubmitting(client, client, after);
    expect(page.items.map((item) => [item.kind, item.requestId])).toEqual([['response', answer.header.requestId]]);
    // Woken by the response, not by the end of its wait.
    expect(msAfterSubmit).toBeLessThan(3_000);
    expect((await client.status(USER, answer.header.requestId)).state).toBe('delivered');
  });

  it('refuses a wait that is not a whole number of ms from 0 to 20000, naming it', async () => {
    const { router, client } = await routerWithMeter(storeEnv);
    for (const wait of ['-1', '20001', '1.5', 'soon', '', '1e3', '%205', '0x10']) {
      const { status, answer } = await client.call(USER, 'GET', `/v1/responses?wait=${wait}`);
      expect(status, wait).toBe(400);
      expect(answer.error).toEqual({ reason: 'malformed_request', message: 'wait must be an integer from 0 to 20000 (ms)' });
    }
    for (const limit of ['1e2', '%205', '0']) {
      const { status, answer } = await client.call(USER, 'GET', `/v1/responses?limit=${limit}`);
      expect([status, answer.error.message], limit).toEqual([400, 'limit must be an integer from 1 to 1000']);
    }
    expect((await fetch(`${router.url}/healthz`)).status).toBe(200);
  });

  it('is answered at once when the router shuts down', async () => {
    const { router, client } = await routerWithMeter(storeEnv);
    const after = await drained(client);
    const started = performance.now();
    const waiting = client.pull(USER, after, 100, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopping = router.router.shutdown();
    expect(await waiting).toEqual({ items: [], next: after });
    expect(performance.now() - started).toBeLessThan(5_000);
    await stopping;
  });
});

describe('Pulls whose callers go away mid-wait', () => {
  it('hold at most 8 places a User, and free them: the User\'s next pull still waits, and is answered by the response that comes', async () => {
    const router = await startInProcess({ SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20' });
    running.push(router);
    const keys = newKeyPair();
    const admin = new Admin(router.url, router.adminToken);
    expect((await admin.put(`/v1/admin/users/${USER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
    await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: USER });
    const client = new RouterClient(router.url, keys.privateKeyPem);
    const after = await drained(client);
    const path = `/v1/responses?after=${after}&limit=100&wait=15000`;
    const signedPull = (signal: AbortSignal) => {
      const timestamp = new Date().toISOString();
      const signature = signBytes(keys.privateKeyPem, Buffer.from(`GET\n${path}\n${timestamp}`));
      return fetch(`${router.url}${path}`, { headers: { 'x-dcc-user': USER, 'x-dcc-timestamp': timestamp, 'x-dcc-signature': signature }, signal });
    };
    // As many as may wait at once for one User (8), then their callers gone.
    const callers = Array.from({ length: 8 }, () => new AbortController());
    const pulls = callers.map((caller) => signedPull(caller.signal).then(() => 'answered', () => 'gone'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A ninth while they wait is answered at once, empty: a User cannot hold more of the router's sockets.
    const ninthStarted = performance.now();
    expect(await client.pull(USER, after, 100, 10_000)).toEqual({ items: [], next: after });
    expect(performance.now() - ninthStarted).toBeLessThan(2_000);
    for (const caller of callers) caller.abort();
    expect(await Promise.all(pulls)).toEqual(Array(8).fill('gone'));
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Had they kept their places, this one would be answered at once, empty.
    const started = performance.now();
    const waiting = client.pull(USER, after, 100, 10_000).then((page) => ({ page, at: performance.now() }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { status, answer } = await client.submit(read());
    expect(status).toBe(202);
    const { page, at } = await waiting;
    expect(at - started).toBeGreaterThanOrEqual(500);
    expect(page.items.map((item) => item.requestId)).toEqual([answer.header.requestId]);
  });
});

describe('A pull that waits on one router for a response another router records, sharing Redis', () => {
  it('is answered within the look at the outboxes', async () => {
    const shared = { REDIS_URL: inject('redisUrl'), REDIS_KEY_PREFIX: `test:${randomUUID()}:` };
    const [first, second] = await Promise.all([startInProcess(shared), startInProcess(shared)]);
    running.push(first, second);
    const keys = newKeyPair();
    const admin = new Admin(first.url, first.adminToken);
    expect((await admin.put(`/v1/admin/users/${USER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
    await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: USER });
    const [onFirst, onSecond] = [first, second].map((router) => new RouterClient(router.url, keys.privateKeyPem));
    // The second router knows the User (its directory follows the first's change within its sync).
    await expect.poll(async () => (await onSecond.call(USER, 'GET', '/v1/responses')).status, { timeout: 5_000, interval: 100 }).toBe(200);
    const after = await drained(onSecond);
    // Acknowledged, handed to its network and answered on the first router: the second hears nothing of it but by looking.
    const { page, answer, msAfterSubmit } = await pullWhileSubmitting(onSecond, onFirst, after);
    expect(page.items.map((item) => item.requestId)).toEqual([answer.header.requestId]);
    expect(msAfterSubmit).toBeLessThan(3_000);
  });
});
