// A router that claims DSP-held requests at their time and dies before sending them on: the real
// router under Bun, on a real redis-server, claims them again once that claim runs out and sends
// each once; the dead router's late settle does nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { RedisStore } from '@dccrouter/state';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin, networkReceipts, newKeyPair, nextCounter } from '../support/fixtures.ts';

const USER = '90-B3-D5-1F-30-0D-00-21';
const METER = '00-DB-12-34-56-78-D2-01';
const HELD = 20;

let redis: OwnRedis;
const routers: RouterProcess[] = [];

beforeAll(async () => {
  redis = await startOwnRedis('held-claims');
});

afterAll(async () => {
  await Promise.all(routers.map((router) => router.stop()));
  await redis?.dispose();
});

it('sends each held request once when the router that claimed it died before settling: claimed again once the claim runs out', async () => {
  const first = await startRouterProcess({ REDIS_URL: redis.url, VERIFY_THREADS: '1' });
  routers.push(first);
  const admin = new Admin(first.url, first.adminToken);
  const keys = newKeyPair();
  expect((await admin.put(`/v1/admin/users/${USER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
  await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: USER });
  const client = new RouterClient(first.url, keys.privateKeyPem);
  const executionAt = Date.now() + 3_000;
  const ids: string[] = [];
  for (let i = 0; i < HELD; i++) {
    const held = await client.submit({
      originatorId: USER, targetId: METER, counter: nextCounter(), commandVariant: 1, srv: '4.1.1',
      bodyValue: { ExecutionDateTime: new Date(executionAt).toISOString() },
    });
    expect(held.status).toBe(202);
    ids.push(held.answer.header.requestId);
  }
  // The router stops before their time; a router of its own (this test, on the same keys) claims
  // them when they are due, for 3 s, and dies without settling.
  await first.stop();
  routers.splice(0);
  const dead = await RedisStore.connect({ url: redis.url });
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, executionAt - Date.now()) + 50));
  const claimedAt = Date.now();
  const claims = await dead.claimHeld(claimedAt, 500, claimedAt + 3_000);
  expect(claims.claimed.map((record) => record.requestId).sort()).toEqual([...ids].sort());

  const second = await startRouterProcess({ REDIS_URL: redis.url, VERIFY_THREADS: '1' });
  routers.push(second);
  const reader = new RouterClient(second.url, keys.privateKeyPem);
  // Nothing goes on while the claim lasts...
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, claimedAt + 2_000 - Date.now())));
  expect((await networkReceipts([second])).received).toBe(0);
  // ...then the live router claims them again and sends each on.
  await expect.poll(async () => {
    const { answer } = await reader.call(USER, 'GET', '/v1/responses?limit=100');
    return answer.items.filter((item: { kind: string }) => item.kind === 'response').length;
  }, { timeout: 15_000, interval: 200 }).toBe(HELD);
  // The dead router's settle, should it come at last, does nothing: its claim is void.
  expect(await dead.settleHeld(claims, Date.now(), claims.claimed.map((record) => ({ record })), [], { destinations: ['smets2/south'], max: 100 })).toEqual({ queued: 0, handedOver: [] });
  await dead.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const { answer } = await reader.call(USER, 'GET', '/v1/responses?limit=100');
  const responded = answer.items.filter((item: { kind: string }) => item.kind === 'response').map((item: { requestId: string }) => item.requestId);
  expect(responded.sort()).toEqual([...ids].sort());
  expect(await networkReceipts([second])).toMatchObject({ sent: HELD, received: HELD, pending: 0 });
}, 40_000);
