// Redis that asks for a password, as managed clusters do: REDIS_PASSWORD reaches a Redis Cluster's
// nodes (whose REDIS_CLUSTER_NODES are host:port only) and a single Redis whose URL names none;
// without it the router refuses to start, naming why. Real redis-servers with requirepass. And a
// Redis user its ACL limits: no scripts at all is refused at start; a script refused later is a
// refusal that ran nothing (state_unavailable), not an outcome left unknown.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJsonRequest, RouterClient } from '@dccrouter/client';
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

describe('a Redis user its ACL limits', () => {
  let redis: OwnRedis;
  const port = () => new URL(redis.url).port;
  const cli = (...args: string[]) => run('redis-cli', ['-p', port(), ...args], { timeout: 10_000 });
  beforeAll(async () => {
    redis = await startOwnRedis('acl', ['--appendonly', 'no']);
    await cli('ACL', 'SETUSER', 'noscript', 'on', '>pw', '~*', '&*', '+@all', '-@scripting');
    // As a managed Redis often is: nothing @dangerous (INFO, CONFIG, KEYS, ...).
    await cli('ACL', 'SETUSER', 'router', 'on', '>pw', '~*', '&*', '+@all', '-@dangerous');
  });
  afterAll(async () => { await redis?.dispose(); });

  it('refuses to start on a user that may run no scripts, saying what to grant', async () => {
    await expect(startRouterProcess({ REDIS_URL: `redis://noscript:pw@127.0.0.1:${port()}`, VERIFY_THREADS: '0', GRPC_PORT: 'off' }))
      .rejects.toThrow(/lets the router's Redis user run no Lua scripts \(NOPERM.*\); the router records every request with one: grant the user EVAL and EVALSHA \(ACL \+@scripting\)/);
  }, 30_000);

  it('runs without @dangerous; a script its ACL refuses later is state_unavailable naming the ACL, nothing recorded', async () => {
    const router = await startRouterProcess({ REDIS_URL: `redis://router:pw@127.0.0.1:${port()}`, VERIFY_THREADS: '0', GRPC_PORT: 'off' });
    try {
      const admin = new Admin(router.url, router.adminToken);
      const keys = newKeyPair();
      expect((await admin.put(`/v1/admin/users/${SUPPLIER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
      await admin.device(ESME, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: SUPPLIER });
      const client = new RouterClient(router.url, keys.privateKeyPem, { retries: 0 });
      const read = () => ({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
      expect((await client.submit(read())).status).toBe(202);
      const body = buildJsonRequest(read());
      const post = () => fetch(`${router.url}/v1/service-requests`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dcc-signature': client.sign(body) }, body });
      await cli('ACL', 'SETUSER', 'router', '-evalsha', '-eval');
      const refused = await post();
      const refusal = (await refused.json()) as { error: { reason: string; message: string } };
      expect([refused.status, refusal.error.reason, refusal.error.message]).toEqual([503, 'state_unavailable',
        "the state store is refusing writes: the router's Redis user may not run the command (Redis ACL), nothing was accepted"]);
      await cli('ACL', 'SETUSER', 'router', '+evalsha', '+eval');
      // Nothing was recorded: the same bytes are accepted now, as a new request.
      const accepted = await post();
      expect(accepted.status).toBe(202);
    } finally {
      await router.stop();
    }
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
