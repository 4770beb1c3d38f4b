// Signed webhooks against the real router (under Bun): the receiver checks every delivery with the
// router's public key, refuses a tampered or replayed one, and what it never takes is dead-lettered.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJsonRequest, RouterClient } from '@dccrouter/client';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { verifyRouterSignature, WebhookReceiver } from '../support/webhook-receiver.ts';
import { Admin, ESME, newKeyPair, nextCounter } from '../support/fixtures.ts';

const SUPPLIER = '90-B3-D5-1F-30-0D-00-01';
const routerKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const routerPrivatePem = routerKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const routerPublicPem = routerKeys.publicKey.export({ type: 'spki', format: 'pem' }) as string;

let router: RouterProcess;
let admin: Admin;
let client: RouterClient;
const receiver = new WebhookReceiver();

beforeAll(async () => {
  await receiver.start();
  router = await startRouterProcess({
    ROUTER_SIGNING_KEY: routerPrivatePem, VERIFY_THREADS: '1',
    SIMULATOR_LATENCY_P50_MS: '10', SIMULATOR_LATENCY_P99_MS: '30',
    WEBHOOK_BACKOFF_MS: '20', WEBHOOK_BACKOFF_MAX_MS: '100', WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_INTERVAL_MS: '20',
  });
  admin = new Admin(router.url, router.adminToken);
  const keys = newKeyPair();
  expect((await admin.put(`/v1/admin/users/${SUPPLIER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem, receiveEndpoint: receiver.url })).status).toBe(200);
  await admin.device(ESME, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: SUPPLIER });
  client = new RouterClient(router.url, keys.privateKeyPem);
});

afterAll(async () => {
  await router?.stop();
  await receiver.stop();
});

/** The router logged this request's dead letter (its first failure is logged too, naming it: not that line). */
function deadLettered(requestId: string): boolean {
  return router.output().split('\n').some((line) => line.includes('webhook item dead-lettered') && line.includes(requestId));
}

async function sendRead(): Promise<string> {
  const body = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
  const { status, answer } = await client.submitBytes(body);
  expect(status).toBe(202);
  return answer.header.requestId;
}

describe('signed webhooks', () => {
  it('serves the public key of ROUTER_SIGNING_KEY', async () => {
    const served = await fetch(`${router.url}/v1/router-public-key.pem`);
    expect(served.headers.get('content-type')).toBe('application/x-pem-file');
    expect(await served.text()).toBe(routerPublicPem);
    // A configured key is not announced as generated.
    expect(router.output()).not.toContain('ROUTER_SIGNING_KEY was not set');
  });

  it('signs every delivery so the receiver verifies it with the router\'s key', async () => {
    receiver.trustRouter(routerPublicPem);
    const requestId = await sendRead();
    await expect.poll(() => receiver.received.some((item) => item.requestId === requestId), { timeout: 10_000 }).toBe(true);
    expect(receiver.refused).toEqual([]);
    const delivery = receiver.deliveries.find((d) => JSON.parse(d.body.toString()).requestId === requestId)!;
    const t = Number(/^t=(\d+),sig=/.exec(delivery.signature)?.[1]);
    expect(Math.abs(Date.now() - t)).toBeLessThan(60_000);
  });

  it('a tampered body, another timestamp or a replay outside the window fails verification', async () => {
    const { signature, body } = receiver.deliveries[0];
    const key = createPublicKey(routerPublicPem);
    expect(verifyRouterSignature(signature, body, key)).toBeUndefined();
    const tampered = Buffer.from(body.toString().replace('"responseCode":"I0"', '"responseCode":"E20"'));
    expect(tampered.equals(body)).toBe(false);
    expect(verifyRouterSignature(signature, tampered, key)).toBe('bad signature');
    const t = Number(/^t=(\d+)/.exec(signature)![1]);
    expect(verifyRouterSignature(signature.replace(`t=${t}`, `t=${t + 1}`), body, key)).toBe('bad signature');
    expect(verifyRouterSignature(signature, body, key, t + 5 * 60_000 + 1)).toBe('outside the replay window');
    expect(verifyRouterSignature(undefined, body, key)).toBe('no X-DCC-Router-Signature');

    // Sent to the receiver over HTTP, the tampered body is refused and not taken.
    const before = receiver.received.length;
    const refused = await fetch(receiver.url, { method: 'POST', headers: { 'x-dcc-router-signature': signature }, body: tampered });
    expect(refused.status).toBe(401);
    expect(receiver.received).toHaveLength(before);
    expect(receiver.refused.at(-1)).toBe('bad signature');
  });

  it('a receiver that trusts another key refuses every delivery, which is retried, then dead-lettered', async () => {
    receiver.trustRouter(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const refusedBefore = receiver.refused.length;
    const requestId = await sendRead();
    await expect.poll(() => deadLettered(requestId), { timeout: 10_000 }).toBe(true);
    expect(receiver.refused.length - refusedBefore).toBe(3);
    expect(receiver.received.some((item) => item.requestId === requestId)).toBe(false);
    receiver.trustRouter(routerPublicPem);
  });

  it("lets the operator list the User's dead letters and redrive them, delivered then", async () => {
    const listed = await admin.request('GET', `/v1/admin/dead-letters?userId=${SUPPLIER}`);
    expect(listed.status).toBe(200);
    const [letter, ...others] = listed.body.items;
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ userId: SUPPLIER, reason: 'HTTP 401 after 3 attempts', item: { kind: 'response', responseCode: 'I0' } });
    expect(Date.parse(letter.deadLetteredAt)).toBeGreaterThan(Date.now() - 60_000);
    // Everyone's listing has it too; the listing is paged.
    expect((await admin.request('GET', '/v1/admin/dead-letters?limit=1')).body).toEqual({ items: [letter], next: `${SUPPLIER}/${letter.id}` });
    expect((await admin.request('GET', `/v1/admin/dead-letters?after=${encodeURIComponent(`${SUPPLIER}/${letter.id}`)}`)).body).toEqual({ items: [] });

    const redriven = await admin.request('POST', '/v1/admin/dead-letters:redrive', { userId: SUPPLIER, id: letter.id });
    expect(redriven.body.redriven).toEqual([{ id: letter.id, cursor: expect.any(String) }]);
    await expect.poll(() => receiver.received.find((item) => item.requestId === letter.item.requestId), { timeout: 10_000 }).toEqual({
      ...letter.item, cursor: redriven.body.redriven[0].cursor, redrivenFrom: letter.item.cursor,
    });
    expect((await admin.request('GET', `/v1/admin/dead-letters?userId=${SUPPLIER}`)).body).toEqual({ items: [] });
    // Redriven once: again, it is not there.
    const again = await admin.request('POST', '/v1/admin/dead-letters:redrive', { userId: SUPPLIER, id: letter.id });
    expect([again.status, again.body.error.reason]).toEqual([404, 'not_found']);
    expect((await admin.request('POST', '/v1/admin/dead-letters:redrive', { userId: SUPPLIER })).body).toEqual({ redriven: [] });
  });

  it('takes a redirect for a failure, never following it: only the endpoint\'s own 2xx acknowledges', async () => {
    receiver.failWith = 302;
    const attemptsBefore = receiver.attempts;
    const requestId = await sendRead();
    await expect.poll(() => deadLettered(requestId), { timeout: 10_000 }).toBe(true);
    expect(receiver.attempts - attemptsBefore).toBe(3);
    expect(receiver.redirected).toBe(0);
    expect(router.output()).toContain('HTTP 302: a redirect, not followed');
    receiver.failWith = undefined;
  });
});
