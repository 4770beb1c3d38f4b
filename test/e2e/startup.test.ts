// A router started (or restarted) on Redis is ready when it says it listens: its connections and
// scripts are ready before, so the first requests are neither refused 503 nor held up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin, ESME, newKeyPair, nextCounter, SUPPLIER } from '../support/fixtures.ts';

let redis: OwnRedis;
const keys = newKeyPair();

beforeAll(async () => {
  redis = await startOwnRedis('startup');
  // The inventory and User, written by a first router that is then stopped.
  const first = await startRouterProcess({ REDIS_URL: redis.url, VERIFY_THREADS: '1' });
  const admin = new Admin(first.url, first.adminToken);
  await admin.put(`/v1/admin/users/${SUPPLIER}`, { roles: ['IS', 'GS'], status: 'active', publicKeyPem: keys.publicKeyPem });
  await admin.device(ESME, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: SUPPLIER });
  await first.stop();
}, 30_000);

afterAll(async () => {
  await redis?.dispose();
});

describe('a restarted router', () => {
  it('answers its first requests at once, none refused', async () => {
    let router: RouterProcess | undefined;
    try {
      // Scripts flushed from Redis too, as after a Redis restart: the router must load them itself.
      const { Redis } = await import('ioredis');
      const raw = new Redis(redis.url);
      await raw.script('FLUSH');
      raw.disconnect();
      router = await startRouterProcess({ REDIS_URL: redis.url, VERIFY_THREADS: '1' });
      const client = new RouterClient(router.url, keys.privateKeyPem, { retries: 0 });
      const started = performance.now();
      const answers = await Promise.all(Array.from({ length: 64 }, () =>
        client.submit({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' })));
      const elapsed = performance.now() - started;
      expect(answers.map((a) => a.status)).toEqual(Array(64).fill(202));
      expect(elapsed).toBeLessThan(1_500);
    } finally {
      await router?.stop();
    }
  });
});
