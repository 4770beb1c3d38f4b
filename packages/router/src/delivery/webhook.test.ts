import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore, StateUnavailableError } from '@dccrouter/state';
import { countingTaskFailures, createLogger } from '../log/index.ts';
import { RouterSigningKey } from './signing.ts';
import { WebhookDeliverer } from './webhook.ts';

const USER = '90-B3-D5-1F-30-01-00-00';
const WEEK = 7 * 24 * 3_600_000;

/** One pass of the delivery loop (startAll), waited for to its end. */
async function deliverAll(deliverer: WebhookDeliverer): Promise<void> {
  await deliverer.startAll();
  await deliverer.idle();
}
let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A receiver that answers every POST 500, counting them. */
async function failingReceiver(): Promise<{ endpoint: string; posts: () => number }> {
  let posts = 0;
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      posts++;
      response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, posts: () => posts };
}

/** A store holding the User, its webhook at `endpoint`. */
async function storeWithEndpoint(endpoint: string): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.putUser({ userId: USER, roles: ['IS'], status: 'active', publicKeyPem: '', receiveEndpoint: endpoint });
  return store;
}

describe('WebhookDeliverer', () => {
  it('keeps a User\'s lease through a pass longer than one lease: two instances never post the same items, in order once each', async () => {
    // A slow receiver: 20 items at 100 ms each (2 s) outlast the 1.2 s lease (4 x the 300 ms time limit).
    const received: string[] = [];
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => setTimeout(() => {
        received.push(JSON.parse(Buffer.concat(chunks).toString()).requestId);
        response.writeHead(204).end();
      }, 100));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const store = new MemoryStore();
    await store.putUser({ userId: USER, roles: ['IS'], status: 'active', publicKeyPem: '', receiveEndpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
    const ids = Array.from({ length: 20 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    for (const requestId of ids) await store.enqueueOutbox(USER, { kind: 'response', requestId, responseCode: 'I0', body: {} });
    const key = RouterSigningKey.from(undefined);
    const metrics = { delivered: () => undefined, failed: () => undefined, deadLettered: () => undefined };
    const deliverer = (owner: string) => new WebhookDeliverer(store, { owner, maxAttempts: 3, backoffBaseMs: 10, backoffMaxMs: 10, timeoutMs: 300, batch: 100, outboxRetentionMs: WEEK },
      createLogger('silent'), key, undefined as never, metrics);
    const [a, b] = [deliverer('a'), deliverer('b')];
    // Both instances' loops, every 50 ms, until everything is delivered.
    for (let round = 0; round < 100 && (await store.deliveryCursor(USER)) === undefined; round++) {
      // b tries again while a's pass runs, past the first lease's end.
      const b3 = async () => { for (let i = 0; i < 30; i++) { await new Promise((resolve) => setTimeout(resolve, 100)); await deliverAll(b); } };
      await Promise.all([deliverAll(a), b3()]);
    }
    expect(received).toEqual(ids);
  });

  it('stops a pass within a second of an operator changing the endpoint, settling what it delivered; the new endpoint gets the rest', async () => {
    // Two receivers on one server, told apart by path: /old answers each item after 300 ms.
    const received: { path: string; requestId: string }[] = [];
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => setTimeout(() => {
        received.push({ path: request.url!, requestId: JSON.parse(Buffer.concat(chunks).toString()).requestId });
        response.writeHead(204).end();
      }, request.url === '/old' ? 300 : 0));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const store = await storeWithEndpoint(`${base}/old`);
    const ids = Array.from({ length: 10 }, (_, i) => `r${i}`);
    for (const requestId of ids) await store.enqueueOutbox(USER, { kind: 'response', requestId, responseCode: 'I0', body: {} });
    const metrics = { delivered: () => undefined, failed: () => undefined, deadLettered: () => undefined };
    const deliverer = new WebhookDeliverer(store, { owner: 'a', maxAttempts: 3, backoffBaseMs: 10, backoffMaxMs: 10, timeoutMs: 2_000, batch: 100, outboxRetentionMs: WEEK },
      createLogger('silent'), RouterSigningKey.from(undefined), undefined as never, metrics);
    await deliverer.startAll();
    // After the first item's 2xx, the operator moves the endpoint.
    await expect.poll(() => received.length, { timeout: 2_000, interval: 10 }).toBeGreaterThan(0);
    // Settled within the pass, each second: the cursor moves while the slow receiver still works.
    await expect.poll(() => store.deliveryCursor(USER), { timeout: 2_000, interval: 20 }).toBeDefined();
    expect(received.length).toBeLessThan(ids.length);
    await store.putUser({ userId: USER, roles: ['IS'], status: 'active', publicKeyPem: '', receiveEndpoint: `${base}/new` });
    await deliverer.idle();
    const toOld = received.filter((r) => r.path === '/old').length;
    // The old endpoint got nothing after the pass's next look at its User, a second at most (300 ms an item).
    expect(toOld).toBeLessThan(ids.length);
    await deliverAll(deliverer);
    expect(received.map((r) => r.requestId)).toEqual(ids);
    expect(received.slice(toOld).every((r) => r.path === '/new')).toBe(true);
  });

  it('tries an item on an endpoint the operator set while it waited out the old one\'s backoff, without waiting it out', async () => {
    const posts: { path: string; at: number }[] = [];
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        posts.push({ path: request.url!, at: Date.now() });
        response.writeHead(request.url === '/old' ? 500 : 204).end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const store = await storeWithEndpoint(`${base}/old`);
    await store.enqueueOutbox(USER, { kind: 'response', requestId: 'r0', responseCode: 'I0', body: {} });
    const metrics = { delivered: () => undefined, failed: () => undefined, deadLettered: () => undefined };
    // A 60 s backoff after the first failure (half the 120 s step, the jitter drawn 0).
    const deliverer = new WebhookDeliverer(store, { owner: 'a', maxAttempts: 5, backoffBaseMs: 120_000, backoffMaxMs: 120_000, timeoutMs: 2_000, batch: 100, outboxRetentionMs: WEEK, random: () => 0 },
      createLogger('silent'), RouterSigningKey.from(undefined), undefined as never, metrics);
    await deliverAll(deliverer);
    expect(posts.map((post) => post.path)).toEqual(['/old']);
    await store.putUser({ userId: USER, roles: ['IS'], status: 'active', publicKeyPem: '', receiveEndpoint: `${base}/new` });
    for (let tick = 0; tick < 40 && posts.length < 2; tick++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await deliverAll(deliverer);
    }
    expect(posts.map((post) => post.path)).toEqual(['/old', '/new']);
    expect(posts[1].at - posts[0].at).toBeLessThan(3_000);
  });

  it('delivers to each User apart: a slow receiver holds up only its own User\'s items', async () => {
    const SLOW = '90-B3-D5-1F-30-01-00-09';
    const received: string[] = [];
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const item = JSON.parse(Buffer.concat(chunks).toString());
        // The slow User's receiver takes 300 ms an item; the other answers at once.
        setTimeout(() => {
          received.push(item.requestId);
          response.writeHead(204).end();
        }, item.requestId.startsWith('slow') ? 300 : 0);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const store = new MemoryStore();
    for (const userId of [USER, SLOW]) await store.putUser({ userId, roles: ['IS'], status: 'active', publicKeyPem: '', receiveEndpoint: endpoint });
    for (let i = 0; i < 5; i++) await store.enqueueOutbox(SLOW, { kind: 'response', requestId: `slow-${i}`, responseCode: 'I0', body: {} });
    const metrics = { delivered: () => undefined, failed: () => undefined, deadLettered: () => undefined };
    const deliverer = new WebhookDeliverer(store, { owner: 'a', maxAttempts: 3, backoffBaseMs: 10, backoffMaxMs: 10, timeoutMs: 2_000, batch: 100, outboxRetentionMs: WEEK },
      createLogger('silent'), RouterSigningKey.from(undefined), undefined as never, metrics);
    // The loop's passes, as the router runs them; the other User's item comes once the slow pass is under way.
    await deliverer.startAll();
    await store.enqueueOutbox(USER, { kind: 'response', requestId: 'fast', responseCode: 'I0', body: {} });
    for (let pass = 0; pass < 100 && !received.includes('fast'); pass++) {
      await deliverer.startAll();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Delivered while the slow User's items were still going out, not after them.
    expect(received.filter((id) => id.startsWith('slow')).length).toBeLessThan(5);
    expect(received).toContain('fast');
    await deliverer.idle();
    expect(received.filter((id) => id.startsWith('slow'))).toEqual(['slow-0', 'slow-1', 'slow-2', 'slow-3', 'slow-4']);
  });

  it('takes a 2xx whose body never ends as delivered, reading no more of it than it needs', async () => {
    let sent = 0;
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024);
        const more = () => {
          while (!response.destroyed) {
            sent += chunk.length;
            if (!response.write(chunk)) return;
          }
        };
        response.on('drain', more);
        more();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const store = new MemoryStore();
    await store.putUser({ userId: USER, roles: ['IS'], status: 'active', publicKeyPem: '', receiveEndpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
    const item = await store.enqueueOutbox(USER, { kind: 'response', requestId: 'r0', responseCode: 'I0', body: {} });
    const failures: number[] = [];
    const metrics = { delivered: () => undefined, failed: () => failures.push(1), deadLettered: () => undefined };
    const deliverer = new WebhookDeliverer(store, { owner: 'a', maxAttempts: 3, backoffBaseMs: 10, backoffMaxMs: 10, timeoutMs: 2_000, batch: 100, outboxRetentionMs: WEEK },
      createLogger('silent'), RouterSigningKey.from(undefined), undefined as never, metrics);
    await deliverAll(deliverer);
    // Delivered, its answer not read to the end (read whole until the time limit, it was 365 MB here).
    expect(await store.deliveryCursor(USER)).toBe(item.cursor);
    expect(failures).toEqual([]);
    server.closeAllConnections();
    // Sent until the socket's buffers filled once the router stopped reading: megabytes.
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('keeps the User through a backoff longer than a lease: another instance does not start the attempts again, and the item is dead-lettered after the last', async () => {
    const failing = await failingReceiver();
    const store = await storeWithEndpoint(failing.endpoint);
    const item = await store.enqueueOutbox(USER, { kind: 'response', requestId: 'r0', responseCode: 'I0', body: {} });
    const key = RouterSigningKey.from(undefined);
    const metrics = { delivered: () => undefined, failed: () => undefined, deadLettered: () => undefined };
    // A 1 s lease (4 x 250 ms) and every backoff 1.5 s (half of the 3 s cap: the jitter fixed at 0.5), longer than the lease.
    const logged: { level: number; msg: string; reason?: string; userId?: string }[] = [];
    const log = pino(new Writable({ write(chunk, _encoding, done) { logged.push(JSON.parse(String(chunk))); done(); } }));
    const deliverer = (owner: string) => new WebhookDeliverer(store, { owner, maxAttempts: 3, backoffBaseMs: 3000, backoffMaxMs: 3000, timeoutMs: 250, batch: 100, outboxRetentionMs: WEEK, random: () => 0.5 },
      log, key, undefined as never, metrics);
    const [a, b] = [deliverer('a'), deliverer('b')];
    for (let round = 0; round < 400 && (await store.deliveryCursor(USER)) !== item.cursor; round++) {
      await Promise.all([deliverAll(a), deliverAll(b)]);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await store.deliveryCursor(USER)).toBe(item.cursor);
    expect(failing.posts()).toBe(3);
    expect((await store.listDeadLetters(USER, undefined, 10)).items.map((letter) => letter.item.cursor)).toEqual([item.cursor]);
    // Its first failure is told at once, with why; then its dead letter.
    expect(logged.map(({ msg, reason, userId }) => ({ msg, reason, userId }))).toEqual([
      { msg: 'webhook delivery failed: retried with backoff', reason: 'HTTP 500', userId: USER },
      { msg: 'webhook item dead-lettered', reason: 'HTTP 500 after 3 attempts', userId: USER },
    ]);
  });

  it('dead-letters what a failing endpoint leaves undelivered near the end of its retention, rather than let the outbox drop it unseen', async () => {
    const failing = await failingReceiver();
    const store = await storeWithEndpoint(failing.endpoint);
    const items = [];
    for (let i = 0; i < 6; i++) items.push(await store.enqueueOutbox(USER, { kind: 'response', requestId: `r${i}`, responseCode: 'I0', body: {} }));
    const metrics = { delivered: () => undefined, failed: () => undefined, deadLettered: () => undefined };
    // Retention 4 s, so aging from 3 s on; 8 attempts 2 s apart would take an item 14 s.
    const deliverer = new WebhookDeliverer(store, { owner: 'a', maxAttempts: 8, backoffBaseMs: 4_000, backoffMaxMs: 4_000, timeoutMs: 1_000, batch: 100, outboxRetentionMs: 4_000, random: () => 0.5 },
      createLogger('silent'), RouterSigningKey.from(undefined), undefined as never, metrics);
    const last = items.at(-1)!.cursor;
    const startedAt = Date.now();
    for (let round = 0; round < 100 && (await store.deliveryCursor(USER)) !== last; round++) {
      await deliverAll(deliverer);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // All dead-lettered before the retention ends: the first after its last try, the rest without one.
    expect(Date.now() - startedAt).toBeLessThan(4_000);
    const letters = (await store.listDeadLetters(USER, undefined, 10)).items;
    expect(letters.map((letter) => letter.item.cursor)).toEqual(items.map((item) => item.cursor));
    // Its tries 2 s apart, then one more as it turned 3 s old.
    expect(letters[0].reason).toBe(`HTTP 500 after ${failing.posts()} attempts, the last near the end of its retention`);
    expect(failing.posts()).toBeGreaterThanOrEqual(2);
    expect(failing.posts()).toBeLessThan(8);
    for (const letter of letters.slice(1)) expect(letter.reason).toBe('not tried: near the end of its retention, and the endpoint has just failed another (HTTP 500)');
  }, 10_000);

  it('gives up its Users\' leases when it stops, so the instance after it delivers at once, not once they expire', async () => {
    const received: string[] = [];
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString()).requestId);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const store = new MemoryStore();
    await store.putUser({ userId: USER, roles: ['IS'], status: 'active', publicKeyPem: '', receiveEndpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
    const metrics = { delivered: () => undefined, failed: () => undefined, deadLettered: () => undefined };
    // Leases of 20 s (4 x 5 s).
    const deliverer = (owner: string) => new WebhookDeliverer(store, { owner, maxAttempts: 3, backoffBaseMs: 10, backoffMaxMs: 10, timeoutMs: 5_000, batch: 100, outboxRetentionMs: WEEK },
      createLogger('silent'), RouterSigningKey.from(undefined), undefined as never, metrics);
    const [stopping, next] = [deliverer('stopping'), deliverer('next')];
    await store.enqueueOutbox(USER, { kind: 'response', requestId: 'r0', responseCode: 'I0', body: {} });
    await deliverAll(stopping);
    await stopping.releaseLeases();
    await store.enqueueOutbox(USER, { kind: 'response', requestId: 'r1', responseCode: 'I0', body: {} });
    await deliverAll(next);
    expect(received).toEqual(['r0', 'r1']);
  });
});

describe('WebhookDeliverer when the store refuses writes', () => {
  it('logs the failed passes of every User at most once per interval, and counts each', async () => {
    const store = new MemoryStore();
    const users = Array.from({ length: 20 }, (_, i) => `90-B3-D5-1F-30-01-00-${String(i).padStart(2, '0')}`);
    store.webhookBacklog = async () => users;
    // A Redis at its maxmemory under noeviction: reads answer, writes (the delivery lease) are refused.
    store.leaseDelivery = async () => { throw new StateUnavailableError('OOM command not allowed when used memory > maxmemory'); };
    const lines: string[] = [];
    const failures: string[] = [];
    const log = countingTaskFailures(pino({ level: 'warn' }, { write: (line: string) => { lines.push(line); } }), (task) => failures.push(task));
    const deliverer = new WebhookDeliverer(store, { owner: 'a', maxAttempts: 3, backoffBaseMs: 10, backoffMaxMs: 10, timeoutMs: 300, batch: 100, outboxRetentionMs: WEEK },
      log, RouterSigningKey.from(undefined), undefined as never, { delivered: () => undefined, failed: () => undefined, deadLettered: () => undefined });
    for (let pass = 0; pass < 5; pass++) await deliverAll(deliverer);
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['webhook delivery pass failed']);
    expect(failures).toHaveLength(100);
    expect(new Set(failures)).toEqual(new Set(['webhook-delivery']));
  });
});
