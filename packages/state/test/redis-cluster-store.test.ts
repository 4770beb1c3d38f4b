import { afterAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type RedisClusterHandle } from '../../../test/support/redis-cluster.ts';
import { RedisCounters } from '../src/counters/index.ts';
import { createClient } from '../src/redis/connection/index.ts';
import { RedisStore } from '../src/index.ts';
import { describeCountersContract } from './counters-contract.ts';
import { describeStoreContract } from './store-contract.ts';

// The store and counters contracts again, on a real Redis Cluster (3 masters, 3 replicas) started
// here from redis-server on loopback: every multi-key step must stay in one slot.
const cluster: RedisClusterHandle = await startRedisCluster();
afterAll(() => cluster.stop());

let prefixes = 0;
const newPrefix = () => `cluster${++prefixes}:`;

describeStoreContract('RedisStore on a Redis Cluster', (options) =>
  RedisStore.connect({ clusterNodes: cluster.nodes.slice(0, 1), keyPrefix: newPrefix(), ...options }));

const counterClients: ReturnType<typeof createClient>[] = [];
afterAll(() => Promise.all(counterClients.map((client) => client.quit())));
describeCountersContract('RedisCounters on a Redis Cluster', async () => {
  const client = createClient({ clusterNodes: cluster.nodes }, 2_000);
  client.on('error', () => {});
  counterClients.push(client);
  await client.connect();
  return new RedisCounters(client, newPrefix());
});

describe('RedisStore on a Redis Cluster', () => {
  it('spreads its keys over every master', async () => {
    const masters = await Promise.all(cluster.nodes.slice(0, 3).map((node) => cluster.cli(Number(node.split(':')[1]), 'DBSIZE')));
    expect(masters.map(Number).every((keys) => keys > 0)).toBe(true);
  });

  it('names the cluster when it cannot reach it', async () => {
    await expect(RedisStore.connect({ clusterNodes: ['127.0.0.1:1'], commandTimeoutMs: 500 })).rejects.toThrow(/Redis Cluster 127\.0\.0\.1:1/);
  });
});
