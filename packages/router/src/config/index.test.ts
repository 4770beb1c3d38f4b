import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.ts';

const REDIS = { REDIS_URL: 'redis://127.0.0.1:6379' };
const SIGNING_KEY = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('loadConfig: router processes and the settings of the redesigned request path', () => {
  it('runs one process per two cores on Redis, one on the embedded store, and fills the cores with signature workers', () => {
    const onRedis = loadConfig(REDIS);
    expect(onRedis.processes).toBe(Math.max(1, Math.floor(availableParallelism() / 2)));
    expect(onRedis.verifyThreads).toBe(Math.max(1, Math.floor(availableParallelism() / onRedis.processes)));
    expect(loadConfig({}).processes).toBe(1);
    expect(loadConfig({ ...REDIS, ROUTER_PROCESSES: '3' }).processes).toBe(3);
  });

  it('refuses several processes on the embedded store, saying why', () => {
    expect(() => loadConfig({ ROUTER_PROCESSES: '2' })).toThrow('ROUTER_PROCESSES=2 needs Redis (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS)');
    expect(() => loadConfig({ REDIS_WAIT_REPLICAS: '1' })).toThrow('REDIS_WAIT_REPLICAS=1 needs Redis (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS): the embedded store has no replicas');
    expect(() => loadConfig({ REDIS_URL: 'redis://x', REDIS_WAIT_TIMEOUT_MS: '2000' })).toThrow('REDIS_WAIT_TIMEOUT_MS must be an integer from 1 to 1500, got "2000"');
    expect(() => loadConfig({ REDIS_URL: 'redis://x', REDIS_KEY_PREFIX: 'dcc{a}:' })).toThrow('REDIS_KEY_PREFIX must not contain { or } (keys carry their partition in braces), got "dcc{a}:"');
    expect(loadConfig({ REDIS_URL: 'redis://x', REDIS_WAIT_REPLICAS: '2' })).toMatchObject({ redisWaitReplicas: 2, redisWaitTimeoutMs: 500 });
  });

  it('takes a Redis connection string as the client reads it, and refuses another scheme, hiding credentials', () => {
    for (const url of ['redis://r', 'redis://:pw@r:6380/2', 'rediss://user:pw@r.example:6380', 'redis://[::1]:6379', '/run/redis.sock', 'redis-host:6379', '6380', '//r:6379']) {
      expect(loadConfig({ REDIS_URL: url }).redisUrl, url).toBe(url);
    }
    const refused = 'REDIS_URL must be redis://[[user]:password@]host[:port][/db] (rediss:// for TLS; host:port, a port or a Unix socket path are read as ioredis reads them): ';
    expect(() => loadConfig({ REDIS_URL: 'http://no-such-host.invalid:6390' })).toThrow(`${refused}http:// is not a Redis URL's scheme (redis:// or rediss://), got "http://no-such-host.invalid:6390"`);
    expect(() => loadConfig({ REDIS_URL: 'https://u:p@ss@h:6379' })).toThrow(`${refused}https:// is not a Redis URL's scheme (redis:// or rediss://), got "https://…@h:6379"`);
    // As the client's own parsing (WHATWG URL) refuses it: a password with no host.
    expect(() => loadConfig({ REDIS_URL: 'redis://:pw@/2' })).toThrow(`${refused}it is not a URL, got "redis://…@/2"`);
  });

  it('takes a Redis Cluster or Sentinels as Redis, and refuses what is not host:port', () => {
    const cluster = loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-2:7001,[::1]:7002', ROUTER_PROCESSES: '2' });
    expect(cluster.redisClusterNodes).toEqual(['10.0.0.1:7000', 'redis-2:7001', '[::1]:7002']);
    expect(cluster.processes).toBe(2);
    expect(cluster.seedDemo).toBe(false);
    expect(loadConfig({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'dcc' })).toMatchObject({ redisSentinels: ['s1:26379'], redisSentinelName: 'dcc' });
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis-1' })).toThrow('REDIS_CLUSTER_NODES must be host:port,host:port,..., got "redis-1"');
    expect(() => loadConfig({ REDIS_SENTINELS: 's1:26379' })).toThrow('REDIS_SENTINELS needs REDIS_SENTINEL_NAME');
  });

  it('takes Redis credentials only as given, and refuses a username without its password, TLS not true or false, or a connect timeout out of range', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'r:7000' }).redisCredentials).toBeUndefined();
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'r:7000', REDIS_USERNAME: 'router', REDIS_PASSWORD: 'pw', REDIS_TLS: 'true', REDIS_SENTINEL_PASSWORD: 'spw' }).redisCredentials)
      .toEqual({ username: 'router', password: 'pw', tls: true, sentinelPassword: 'spw' });
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'r:7000' }).redisConnectTimeoutMs).toBe(30_000);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'r:7000', REDIS_USERNAME: 'router' })).toThrow('REDIS_USERNAME needs REDIS_PASSWORD (Redis ACL users log in with both)');
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'r:7000', REDIS_TLS: 'maybe' })).toThrow('REDIS_TLS must be true or false, got "maybe"');
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'r:7000', REDIS_CONNECT_TIMEOUT_MS: '10' })).toThrow('REDIS_CONNECT_TIMEOUT_MS must be an integer from 1000 to 3600000, got "10"');
  });

  it('refuses a process index the process count does not have', () => {
    expect(() => loadConfig({ ...REDIS, ROUTER_PROCESSES: '2', ROUTER_PROCESS_INDEX: '2' })).toThrow('ROUTER_PROCESS_INDEX must be below ROUTER_PROCESSES (2)');
  });

  it.each([
    ['ROUTER_PROCESSES', '0'], ['DIRECTORY_SYNC_MS', '5'], ['DIRECTORY_CACHE_MAX', '0'], ['TAD_SYNC_MS', 'often'],
    ['EGRESS_LINGER_MS', '-1'], ['STATS_FLUSH_MS', '1.5'], ['VERIFY_LINGER_MS', 'x'], ['RESPONSE_GATHER_MS', '-5'], ['SCHEDULE_LEASE_MS', '0'],
    ['DEAD_LETTER_RETENTION_SECONDS', '0'],
  ])('refuses %s=%s, naming the setting', (name, value) => {
    expect(() => loadConfig({ ...REDIS, [name]: value })).toThrow(new RegExp(`${name} must be an integer (>=|from) `));
  });

  it('hands requests over at acknowledgement unless EGRESS_HAND_OVER says not, and refuses what is not true or false', () => {
    expect(loadConfig(REDIS).egressHandOver).toBe(true);
    expect(loadConfig({ ...REDIS, EGRESS_HAND_OVER: 'false' }).egressHandOver).toBe(false);
    expect(() => loadConfig({ ...REDIS, EGRESS_HAND_OVER: 'sometimes' })).toThrow('EGRESS_HAND_OVER must be true or false, got "sometimes"');
  });

  it('takes the new settings as given', () => {
    const config = loadConfig({
      ...REDIS, DIRECTORY_SYNC_MS: '50', DIRECTORY_CACHE_MAX: '10', TAD_SYNC_MS: '20', EGRESS_LINGER_MS: '0', STATS_FLUSH_MS: '250', VERIFY_LINGER_MS: '0',
      RESPONSE_GATHER_MS: '0', SCHEDULE_LEASE_MS: '5000',
    });
    expect(config).toMatchObject({
      directorySyncMs: 50, directoryCacheMax: 10, tadSyncMs: 20, egressLingerMs: 0, statsFlushMs: 250, verifyLingerMs: 0, responseGatherMs: 0, scheduleLeaseMs: 5000,
    });
  });
});

describe('loadConfig: every bad setting at once', () => {
  it('names each bad setting in one error, not only the first', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', TAD_MODE: 'maybe', SIMULATOR_WAN_SHARE: '2', LOG_LEVEL: 'loud', REDIS_CLUSTER_NODES: 'nope', GRPC_TLS_CERT_FILE: '/x.pem' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'REDIS_CLUSTER_NODES must be host:port,host:port,..., got "nope"',
      'GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE go together: set both for gRPC over TLS, or neither',
      'GRPC_TLS_CERT_FILE: cannot read /x.pem (ENOENT)',
      'PORT must be an integer from 0 to 65535, got "abc"',
      'TAD_MODE must be enforce or shadow, got "maybe"',
      'LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent, got "loud"',
      'SIMULATOR_WAN_SHARE must be a number from 0 to 1, got "2"',
    ]);
    expect((error as ConfigError).message).toMatch(/^7 settings are not valid:\n {2}- REDIS_CLUSTER_NODES/);
  });

  it('refuses what would fail later or misbehave quietly: ports out of range, unreadable TLS files, settings that contradict each other', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ PORT: '70000', GRPC_PORT: '99999' })).toEqual([
      'PORT must be an integer from 0 to 65535, got "70000"', 'GRPC_PORT must be an integer from 0 to 65535, got "99999"',
    ]);
    expect(problems({ GRPC_TLS_CERT_FILE: '/nowhere/cert.pem', GRPC_TLS_KEY_FILE: '/nowhere/key.pem' })).toEqual([
      'GRPC_TLS_CERT_FILE: cannot read /nowhere/cert.pem (ENOENT)', 'GRPC_TLS_KEY_FILE: cannot read /nowhere/key.pem (ENOENT)',
    ]);
    expect(problems({ GRPC_PORT: 'off', GRPC_TLS_CERT_FILE: 'package.json', GRPC_TLS_KEY_FILE: 'package.json' })).toEqual([
      'GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE are set but GRPC_PORT=off: no gRPC server to use them',
    ]);
    // A blocking read longer than the connection's 10 s command timeout would fail every time.
    expect(problems({ EGRESS_IDLE_POLL_MS: '15000' })).toEqual(['EGRESS_IDLE_POLL_MS must be an integer from 1 to 5000, got "15000"']);
    // A timer past 2^31 - 1 ms fires after 1 ms: a loop would spin, every webhook time out at once.
    expect(problems({ SCAN_INTERVAL_MS: '3000000000', WEBHOOK_TIMEOUT_MS: '2147483648', SHUTDOWN_GRACE_MS: '2147483647' })).toEqual([
      'SCAN_INTERVAL_MS must be an integer from 1 to 2147483647, got "3000000000"',
      'WEBHOOK_TIMEOUT_MS must be an integer from 1 to 2147483647, got "2147483648"',
    ]);
    // Bun takes at most 255 s.
    expect(problems({ HTTP_IDLE_TIMEOUT_SECONDS: '300' })).toEqual(['HTTP_IDLE_TIMEOUT_SECONDS must be an integer from 25 to 255, got "300"']);
    expect(problems({ REDIS_SENTINEL_NAME: 'main' })).toEqual(['REDIS_SENTINEL_NAME needs REDIS_SENTINELS, the Sentinels (host:port,...) that watch it']);
    expect(problems({ SIMULATOR_LATENCY_P50_MS: '300', SIMULATOR_LATENCY_P99_MS: '200' })).toEqual(['SIMULATOR_LATENCY_P99_MS (200) must not be below SIMULATOR_LATENCY_P50_MS (300)']);
    expect(problems({ WEBHOOK_BACKOFF_MS: '5000', WEBHOOK_BACKOFF_MAX_MS: '1000' })).toEqual(['WEBHOOK_BACKOFF_MAX_MS (1000) must not be below WEBHOOK_BACKOFF_MS (5000)']);
    // Readable, but not what the gRPC server would take: named now, not a crash once HTTP listens.
    expect(problems({ GRPC_TLS_CERT_FILE: 'package.json', GRPC_TLS_KEY_FILE: 'package.json' })[0]).toMatch(/^GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE are not a PEM certificate and its private key: /);
    // A waiting pull waits up to 20 s: an idle limit below it would cut it off.
    expect(problems({ HTTP_IDLE_TIMEOUT_SECONDS: '10' })).toEqual(['HTTP_IDLE_TIMEOUT_SECONDS must be an integer from 25 to 255, got "10"']);
    expect(problems({ VERIFY_THREADS: '100000' })).toEqual(['VERIFY_THREADS must be an integer from 0 to 64, got "100000"']);
    expect(problems({ ...REDIS, REDIS_CLUSTER_NODES: 'a:1,b:2' })).toEqual(['REDIS_URL and REDIS_CLUSTER_NODES are all set: give one (a single Redis, a Cluster, or Sentinels)']);
    expect(problems({ PORT: '9000', GRPC_PORT: '9000' })).toEqual(['PORT and GRPC_PORT are both 9000: HTTP and gRPC each need a port of their own']);
    expect(problems({ NODE_ENV: 'production', ROUTER_ADMIN_TOKEN: 'change-me', ROUTER_SIGNING_KEY: SIGNING_KEY })).toEqual([
      'ROUTER_ADMIN_TOKEN must be at least 24 characters, and not a placeholder, when NODE_ENV=production: it is the whole of the operators\' authentication (e.g. openssl rand -base64 32)',
    ]);
    expect(problems({ NODE_ENV: 'production' })).toEqual([
      'ROUTER_ADMIN_TOKEN must be set when NODE_ENV=production (as the image runs): a generated token would be printed to the logs and differ on every instance',
      'ROUTER_SIGNING_KEY must be set when NODE_ENV=production: a generated key would differ on every instance, and receivers that pin the key would refuse the others\' webhooks',
    ]);
    const production = { NODE_ENV: 'production', ROUTER_ADMIN_TOKEN: 'a-secret-of-at-least-24-characters', ROUTER_SIGNING_KEY: SIGNING_KEY };
    expect(problems(production)).toEqual([]);
    for (const off of ['false', '0', 'no', 'OFF']) {
      expect(problems({ ...production, VERIFY_SIGNATURES: off })).toEqual(['VERIFY_SIGNATURES=false switches authentication off (for benchmarks): not with NODE_ENV=production']);
    }
    // The demo User's key is public: no demo inventory in production unless asked for.
    expect([loadConfig({}).seedDemo, loadConfig(production).seedDemo]).toEqual([true, false]);
    expect(loadConfig({ ...production, SEED_DEMO: 'true' }).seedDemo).toBe(true);
    // The router's signing key and certificate, named with the rest rather than on a later start.
    expect(problems({ ROUTER_SIGNING_KEY: 'notakey', PORT: 'abc' })).toEqual([
      'ROUTER_SIGNING_KEY is neither a PEM private key nor the path of a readable one (ENOENT)',
      'PORT must be an integer from 0 to 65535, got "abc"',
    ]);
    expect(problems({ ROUTER_SIGNING_CERTIFICATE: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' })[0]).toMatch(/^ROUTER_SIGNING_CERTIFICATE is not a PEM X\.509 certificate: /);
    expect(() => loadConfig({ NODE_ENV: 'production', REDIS_URL: 'redis://r' }, 'networks')).not.toThrow();
    expect(() => loadConfig({ NODE_ENV: 'production' }, 'networks')).toThrow('REDIS_URL (or REDIS_CLUSTER_NODES / REDIS_SENTINELS) is required: the networks process shares its queues with the routers through Redis');
    // A batch larger than MAX_INFLIGHT could never be admitted: it is refused as too large instead.
    expect(loadConfig({ MAX_INFLIGHT: '500' }).batchMaxItems).toBe(500);
    expect(loadConfig({ MAX_INFLIGHT: '500', BATCH_MAX_ITEMS: '100' }).batchMaxItems).toBe(100);
  });
});

