// A Redis that comes back empty (restarted without persistence, flushed, or evicting keys) must not
// look like a healthy store whose Users all vanished: every router notices the store's identity
// changed, says so, drops what it cached and (SEED_DEMO) puts the demo inventory back. And a Redis
// set up to lose data is named at start.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin, DEMO_PRIVATE_KEY_PEM, ESME, metricTotal, newKeyPair, nextCounter, SUPPLIER } from '../support/fixtures.ts';

let redis: OwnRedis;
let seeding: RouterProcess;
let other: InProcessRouter;

beforeAll(async () => {
  redis = await startOwnRedis('lost');
  // As a Redis left with its default policy under a maxmemory would evict.
  const raw = new Redis(redis.url);
  await raw.config('SET', 'maxmemory-policy', 'allkeys-lru');
  const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'lost:', LOG_LEVEL: 'info' };
  seeding = await startRouterProcess({ ...env, SEED_DEMO: 'true' });
  await raw.config('SET', 'maxmemory-policy', 'noeviction');
  raw.disconnect();
  other = await startInProcess({ ...env, SEED_DEMO: 'false', LOG_LEVEL: 'silent' });
}, 30_000);

afterAll(async () => {
  await seeding?.stop();
  await other?.close();
  await redis?.dispose();
});

const read = () => ({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
const lines = (pattern: RegExp) => seeding.output().split('\n').filter((line) => pattern.test(line));

describe('a Redis that loses its data', () => {
  it('is named at start when it would: no append-only file, keys evicted when full', () => {
    expect(lines(/"maxmemoryPolicy":"allkeys-lru".*maxmemory-policy is not noeviction/)).toHaveLength(1);
    expect(lines(/Redis keeps no append-only file \(appendonly no\): a restart loses what was acknowledged/)).toHaveLength(1);
  });

  it('is noticed by every router once back empty, which drop what they cached and put the demo inventory again', async () => {
    const viaSeeding = new RouterClient(seeding.url, DEMO_PRIVATE_KEY_PEM, { retries: 0 });
    const viaOther = new RouterClient(other.url, DEMO_PRIVATE_KEY_PEM, { retries: 0 });
    // Both have read the demo User (and cached it).
    expect((await viaSeeding.submit(read())).status).toBe(202);
    expect((await viaOther.submit(read())).status).toBe(202);
    expect(await metricTotal(other.url, 'dccrouter_store_data_lost_total')).toBe(0);

    await redis.stop();
    await expect.poll(() => lines(/the state store does not answer/).length, { timeout: 5_000, interval: 50 }).toBe(1);
    await redis.restart();

    await expect.poll(() => lines(/the state store lost its data/).length, { timeout: 10_000, interval: 50 }).toBe(1);
    expect(lines(/"awayMs":\d+.*the state store answers again/)).toHaveLength(1);
    // Put back after the error line, once the cache has been dropped.
    await expect.poll(() => lines(/SEED_DEMO: the demo inventory put again/).length, { timeout: 5_000, interval: 50 }).toBe(1);
    expect(await metricTotal(seeding.url, 'dccrouter_store_data_lost_total')).toBe(1);
    // The other router noticed too, whichever of them gave the store its new identity.
    await expect.poll(() => metricTotal(other.url, 'dccrouter_store_data_lost_total'), { timeout: 5_000, interval: 50 }).toBe(1);
    // Served again from the store as it is now: the demo User put back, through either router.
    await expect.poll(async () => (await viaOther.submit(read())).status, { timeout: 5_000, interval: 100 }).toBe(202);
    expect((await viaSeeding.submit(read())).status).toBe(202);
    // Once only: the identity the store took is kept.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(lines(/the state store lost its data/)).toHaveLength(1);
    expect(await metricTotal(other.url, 'dccrouter_store_data_lost_total')).toBe(1);
  }, 40_000);

  it('is noticed when flushed without an outage: a User cached before is refused, not served from the cache', async () => {
    const admin = new Admin(seeding.url, seeding.adminToken);
    const supplier = '90-B3-D5-1F-30-0A-00-00';
    const meter = '00-DB-12-34-56-78-9A-01';
    const keys = newKeyPair();
    expect((await admin.put(`/v1/admin/users/${supplier}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
    const client = new RouterClient(seeding.url, keys.privateKeyPem, { retries: 0 });
    await admin.device(meter, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: supplier });
    const ownRead = () => ({ originatorId: supplier, targetId: meter, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    const viaOther = new RouterClient(other.url, keys.privateKeyPem, { retries: 0 });
    expect((await client.submit(ownRead())).status).toBe(202);
    expect((await viaOther.submit(ownRead())).status).toBe(202);

    const raw = new Redis(redis.url);
    await raw.flushall();
    raw.disconnect();
    await expect.poll(() => metricTotal(other.url, 'dccrouter_store_data_lost_total'), { timeout: 5_000, interval: 50 }).toBe(2);
    await expect.poll(() => metricTotal(seeding.url, 'dccrouter_store_data_lost_total'), { timeout: 5_000, interval: 50 }).toBe(2);
    for (const via of [client, viaOther]) {
      const answer = await via.submit(ownRead());
      expect([answer.status, answer.answer.error?.reason]).toEqual([403, 'unknown_user']);
    }
  });
});
