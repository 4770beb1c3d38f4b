// What an operator sees when the router cannot start: one clean message naming every bad setting
// (or the Redis it cannot reach, and why), no stack trace, and a non-zero exit.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { selfSignedCertificate } from '../../packages/router/src/duis-xml/certificate.ts';
import { describe, expect, inject, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const start = (env: Record<string, string>, script = 'packages/router/src/main.ts') =>
  spawnSync(`${ROOT}node_modules/.bin/bun`, [script], { cwd: ROOT, env: { ...process.env, PORT: '0', GRPC_PORT: 'off', ...env }, encoding: 'utf8', timeout: 20_000 });

describe('the router refusing to start', () => {
  it('names every bad setting at once, without a stack trace, and exits 2', () => {
    const run = start({ PORT: 'abc', TAD_MODE: 'maybe', SIMULATOR_WAN_SHARE: '2' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe([
      'dcc-router: cannot start: 3 settings are not valid:',
      '  - PORT must be an integer from 0 to 65535, got "abc"',
      '  - TAD_MODE must be enforce or shadow, got "maybe"',
      '  - SIMULATOR_WAN_SHARE must be a number from 0 to 1, got "2"',
      '',
    ].join('\n'));
  });

  it('names a router certificate that is not of the router\'s key, without a stack trace, and exits 2', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const run = start({
      ROUTER_SIGNING_KEY: key.export({ type: 'pkcs8', format: 'pem' }) as string,
      ROUTER_SIGNING_CERTIFICATE: selfSignedCertificate(other, 'someone else', 1n),
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("dcc-router: cannot start: a setting is not valid:\n  - ROUTER_SIGNING_CERTIFICATE is not a certificate of ROUTER_SIGNING_KEY's public key\n");
  });

  it('names the Redis it cannot reach and why, without a stack trace, and exits 1', () => {
    const run = start({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('dcc-router: cannot start: cannot connect to Redis 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n');
    // Without its scheme, as the client library reads it (redis:// added): the same address named.
    const bare = start({ REDIS_URL: '127.0.0.1:1' });
    expect([bare.status, bare.stderr]).toEqual([1, 'dcc-router: cannot start: cannot connect to Redis 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n']);
  });

  it('names the port already in use, HTTP\'s or gRPC\'s, without a stack trace, and exits 2', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
    const port = String((taken.address() as { port: number }).port);
    try {
      const http = start({ PORT: port });
      expect([http.status, http.stderr]).toEqual([2, `dcc-router: cannot start: a setting is not valid:\n  - PORT ${port} is already in use on 0.0.0.0 (another router, or another program): choose a free port\n`]);
      const grpc = start({ GRPC_PORT: port });
      expect([grpc.status, grpc.stderr]).toEqual([2, `dcc-router: cannot start: a setting is not valid:\n  - GRPC_PORT ${port} is already in use on 0.0.0.0 (another router, or another program): choose a free port, or GRPC_PORT=off\n`]);
      // grpc-js's own line for the same failure is not a warning beside it.
      expect(grpc.stdout).not.toContain('No address added');
    } finally {
      taken.close();
    }
  });

  it('names the networks process\'s port already in use the same way, once connected to Redis', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
    const port = String((taken.address() as { port: number }).port);
    try {
      const run = start({ PORT: port, REDIS_URL: inject('redisUrl'), REDIS_KEY_PREFIX: `startup-errors-${process.pid}:` }, 'packages/router/src/networks-main.ts');
      expect([run.status, run.stderr]).toEqual([2, `dcc-router: cannot start: a setting is not valid:\n  - PORT ${port} is already in use on 0.0.0.0 (another router, or another program): choose a free port\n`]);
    } finally {
      taken.close();
    }
  });

  it('does the same for the networks process', () => {
    const run = start({ REDIS_CLUSTER_NODES: '127.0.0.1:1' }, 'packages/router/src/networks-main.ts');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^dcc-router: cannot start: cannot connect to Redis Cluster 127\.0\.0\.1:1: .+\n$/);
    // Without Redis at all: a setting, named with the others.
    const alone = spawnSync(`${ROOT}node_modules/.bin/bun`, ['packages/router/src/networks-main.ts'],
      { cwd: ROOT, env: { ...process.env, REDIS_URL: '', REDIS_CLUSTER_NODES: '', REDIS_SENTINELS: '', PORT: 'abc' }, encoding: 'utf8', timeout: 20_000 });
    expect([alone.status, alone.stderr]).toEqual([2, 'dcc-router: cannot start: 2 settings are not valid:\n'
      + '  - REDIS_URL (or REDIS_CLUSTER_NODES / REDIS_SENTINELS) is required: the networks process shares its queues with the routers through Redis\n'
      + '  - PORT must be an integer from 0 to 65535, got "abc"\n']);
  });
});
