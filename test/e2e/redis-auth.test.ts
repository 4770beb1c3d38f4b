// Redis that asks for a password, as managed clusters do: REDIS_PASSWORD reaches a Redis Cluster's
// nodes (whose REDIS_CLUSTER_NODES are host:port only) and a single Redis whose URL names none;
// without it the router refuses to start, naming why. Real redis-servers with requirepass.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { RedisStore } from '@dccrouter/state';
import { redisClusterUnsupported, startClusterNodes } from '../support/redis-cluster.ts';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { startRouterProcess } from '../support/router-process.ts';
import { Admin, ESME, newKeyPair, nextCounter, SUPPLIER } from '../support/fixtures.ts';

const run = promisify(execFile);
const PASSWORD = 'correct horse battery staple';

/** A router on `env` takes a signed request: registered User and meter, one 202. */
async function acceptsARequest(env: Record<string, string>): Promise<void> {
  const router = await startRouterProcess({ ...env, VERIFY_THREADS: '0', GRPC_PORT: 'off' });
  try {
    const admin = new Admin(router.url, router.adminToken);
    const keys = newKeyPair();
    expect((await admin.put(`/v1/admin/users/${SUPPLIER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
    await admin.device(ESME, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: SUPPLIER });
    const answer = await new RouterClient(router.url, keys.privateKeyPem).submit({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    expect(answer.status, JSON.stringify(answer.answer)).toBe(202);
  } finally {
    await router.stop();
  }
}

describe('a single Redis with a password', () => {
  let redis: OwnRedis;
  let url: string;
  beforeAll(async () => {
    redis = await startOwnRedis('auth', ['--appendonly', 'no', '--requirepass', PASSWORD]);
    url = redis.url;
  });
  afterAll(async () => { await redis?.dispose(); });

  it('is used with REDIS_PASSWORD where its URL names none, and refused, saying so, without', async () => {
    await acceptsARequest({ REDIS_URL: url, REDIS_PASSWORD: PASSWORD });
    await expect(startRouterProcess({ REDIS_URL: url, VERIFY_THREADS: '0', GRPC_PORT: 'off' })).rejects.toThrow(/NOAUTH|Authentication required/);
  }, 60_000);
});

const unsupported = await redisClusterUnsupported();

describe.skipIf(unsupported !== undefined)(`a Redis Cluster with a password${unsupported ? ` (skipped: ${unsupported})` : ''}`, () => {
  let nodes: string;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const started = await startClusterNodes(1, ['--requirepass', PASSWORD, '--masterauth', PASSWORD, '--cluster-announce-ip', '127.0.0.1']);
    stop = started.stop;
    const [port] = started.ports;
    const cli = (...args: string[]) => run('redis-cli', ['-p', String(port), '-a', PASSWORD, '--no-auth-warning', ...args], { timeout: 10_000 });
    await cli('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    const deadline = Date.now() + 20_000;
    while (!/cluster_state:ok/.test((await cli('CLUSTER', 'INFO')).stdout)) {
      if (Date.now() > deadline) throw new Error('the one-node cluster did not become healthy');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    nodes = `127.0.0.1:${port}`;
  }, 60_000);
  afterAll(async () => { await stop?.(); });

  it('is used with REDIS_PASSWORD (REDIS_CLUSTER_NODES are host:port only), and refused, saying so, without', async () => {
    await acceptsARequest({ REDIS_CLUSTER_NODES: nodes, REDIS_PASSWORD: PASSWORD });
    await expect(startRouterProcess({ REDIS_CLUSTER_NODES: nodes, VERIFY_THREADS: '0', GRPC_PORT: 'off' })).rejects.toThrow(/cannot connect to Redis Cluster/);
  }, 60_000);

  it('gives up within its deadline, saying so, on a cluster whose nodes announce no address to reach them by', async () => {
    const lone = await startClusterNodes(1);
    try {
      const [port] = lone.ports;
      await run('redis-cli', ['-p', String(port), 'CLUSTER', 'ADDSLOTSRANGE', '0', '16383'], { timeout: 10_000 });
      const started = Date.now();
      await expect(RedisStore.connect({ clusterNodes: [`127.0.0.1:${port}`], connectDeadlineMs: 1_500 })).rejects.toThrow(/cannot connect to Redis Cluster .*no connection ready within 1.5 s/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await lone.stop();
    }
  }, 30_000);
});
