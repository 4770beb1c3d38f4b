import { afterAll, describe, expect, it } from 'vitest';
import { redisClusterUnsupported, startRedisCluster } from '../../../test/support/redis-cluster.ts';
import { RedisCounters } from '../src/counters/index.ts';
import { createClient } from '../src/redis/connection/index.ts';
import { RedisStore } from '../src/index.ts';
import { describeCountersContract, T0, userScope } from './counters-contract.ts';
import { acceptance, describeStoreContract, fullDevice, fullUser, newRequestId } from './store-contract.ts';

// The store and counters contracts again, on a real Redis Cluster (3 masters, 3 replicas) started
// here from redis-server on loopback: every multi-key step must stay in one slot. Skipped, saying
// why, only where this machine's redis-server cannot run a cluster; a cluster that cannot start
// after that fails the file.
const unsupported = await redisClusterUnsupported();
if (unsupported) console.warn(`Redis Cluster contract tests skipped: ${unsupported}`);
const cluster = unsupported ? undefined : await startRedisCluster();
afterAll(() => cluster?.stop());

describe.skipIf(unsupported)('on a Redis Cluster', () => {
  let prefixes = 0;
  const newPrefix = () => `cluster${++prefixes}:`;

  describeStoreContract('RedisStore on a Redis Cluster', (options) =>
    RedisStore.connect({ clusterNodes: cluster!.nodes.slice(0, 1), keyPrefix: newPrefix(), ...options }));

  const counterClients: ReturnType<typeof createClient>[] = [];
  afterAll(() => Promise.all(counterClients.map((client) => client.quit())));
  describeCountersContract('RedisCounters on a Redis Cluster', async () => {
    const client = createClient({ clusterNodes: cluster!.nodes }, 2_000);
    client.on('error', () => {});
    counterClients.push(client);
    await client.connect();
    return new RedisCounters(client, newPrefix());
  });

  describe('RedisStore on a Redis Cluster', () => {
    it('spreads its keys over every master', async () => {
      const masters = await Promise.all(cluster!.nodes.slice(0, 3).map((node) => cluster!.cli(Number(node.split(':')[1]), 'DBSIZE')));
      expect(masters.map(Number).every((keys) => keys > 0)).toBe(true);
    });

    it('runs one turn\'s commands over many slots and nodes together: counts, acceptances, reads', async () => {
      // The client gathers a turn's commands into one pipeline per node; a command routed by
      // anything but its first key (a script given its count of keys first) would fail them all.
      const store = await RedisStore.connect({ clusterNodes: cluster!.nodes.slice(0, 1), keyPrefix: newPrefix() });
      try {
        const user = fullUser();
        const device = fullDevice();
        await Promise.all([store.putUser(user), store.putDevice(device)]);
        const rules = [{ key: '*', limit: 1_000, windowMs: 60_000 }, { key: '4.1.1', limit: 1_000, windowMs: 3_600_000 }];
        const requestIds = Array.from({ length: 40 }, newRequestId);
        const [counts, recorded, devices] = await Promise.all([
          Promise.all(Array.from({ length: 40 }, () => store.counters.tryCount(userScope(), rules, T0))),
          Promise.all(requestIds.map((requestId) => store.recordAcceptance(requestId, acceptance('single', { requestId })))),
          Promise.all(requestIds.map(() => store.getDevice(device.deviceId))),
          Promise.all(requestIds.map((requestId) => store.loadContext(requestId, 'single'))),
        ]);
        expect(counts.every((count) => count.admitted)).toBe(true);
        expect(recorded.every((result) => result.outcome === 'recorded')).toBe(true);
        expect(devices.every((found) => found?.deviceId === device.deviceId)).toBe(true);
        // Read together again once recorded: every leg, each from its own slot.
        const contexts = await Promise.all(requestIds.map((requestId) => store.loadContext(requestId, 'single')));
        expect(contexts.every((context) => context.leg !== undefined)).toBe(true);
      } finally {
        await store.close();
      }
    });

    it('names the cluster when it cannot reach it', async () => {
      await expect(RedisStore.connect({ clusterNodes: ['127.0.0.1:1'], commandTimeoutMs: 500 })).rejects.toThrow(/Redis Cluster 127\.0\.0\.1:1/);
    });

    // Last in the file: it takes a master and its replica away for good.
    it('answers ping (readiness) only while every partition\'s slot is served: not with a master and its replica lost', async () => {
      const store = await RedisStore.connect({ clusterNodes: cluster!.nodes.slice(0, 1), keyPrefix: newPrefix(), commandTimeoutMs: 1_000 });
      try {
        await store.ping();
        const { master, replica } = await cluster!.ownersOf('{p0}');
        for (const port of [master, replica]) cluster!.processes.get(port)!.kill('SIGKILL');
        // Other nodes still answer PING; the partitions on the lost master cannot be served.
        await expect.poll(() => store.ping().then(() => 'ready', () => 'not ready'), { timeout: 15_000, interval: 200 }).toBe('not ready');
        for (let i = 0; i < 5; i++) await expect(store.ping()).rejects.toThrow();
      } finally {
        await store.close();
      }
    }, 30_000);
  });
});
