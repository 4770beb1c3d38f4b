import { availableParallelism } from 'node:os';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { MAX_PULL_WAIT_MS } from '@dccrouter/protocol';
import { randomBytes } from 'node:crypto';
import { readRedisUrl, withoutCredentials, type RedisCredentials } from '@dccrouter/state';
import { RouterSigningKey } from '../delivery/signing.ts';
import { routerCertificate } from '../duis-xml/certificate.ts';

/** Every setting of the router; `loadConfig` reads them from the environment (see README). */
export interface RouterConfig {
  port: number;
  host: string;
  /** The gRPC ingress's port; undefined when switched off. */
  grpcPort?: number;
  /** Absent: the embedded in-memory store. */
  redisUrl?: string;
  /** REDIS_CLUSTER_NODES: seeds of a Redis Cluster; wins over REDIS_URL. */
  redisClusterNodes?: string[];
  /** REDIS_SENTINELS and REDIS_SENTINEL_NAME: the master a set of Redis Sentinels names. */
  redisSentinels?: string[];
  redisSentinelName?: string;
  /** REDIS_USERNAME, REDIS_PASSWORD, REDIS_TLS, REDIS_SENTINEL_PASSWORD: for a Redis Cluster or Sentinel (a REDIS_URL may carry its own). */
  redisCredentials?: RedisCredentials;
  /** REDIS_CONNECT_TIMEOUT_MS: how long a start waits for Redis to be ready before it gives up, naming why. */
  redisConnectTimeoutMs: number;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: an OTLP/HTTP collector; tracing is on when set. */
  tracingEndpoint?: string;
  /** GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE: PEM files; gRPC is served over TLS when both are set. */
  grpcTls?: { certFile: string; keyFile: string };
  redisKeyPrefix: string;
  /** REDIS_WAIT_REPLICAS: replicas that must hold an acceptance before it is acknowledged (Redis WAIT); 0: the master's word. */
  redisWaitReplicas: number;
  /** REDIS_WAIT_TIMEOUT_MS: how long an acceptance waits for them; then outcome_unknown. */
  redisWaitTimeoutMs: number;
  adminToken: string;
  /** ROUTER_SIGNING_KEY: the router's P-256 private key (PEM, or a PEM file's path); generated at start when absent. */
  signingKey?: string;
  /** ROUTER_SIGNING_CERTIFICATE: the X.509 certificate of that key (PEM, or a PEM file's path) that DUIS XML answers name; self-signed from the key when absent. */
  signingCertificate?: string;
  /** True when the token was generated because ROUTER_ADMIN_TOKEN was unset. */
  adminTokenGenerated: boolean;
  /** When set, /metrics answers only this bearer token. */
  metricsToken?: string;
  maxBodyBytes: number;
  /** BODY_TIMEOUT_MS: how long a Service Request's body may take to arrive once its headers have (its place in flight is held meanwhile). */
  bodyTimeoutMs: number;
  batchMaxItems: number;
  batchMaxBytes: number;
  importMaxBytes: number;
  /** How long (s) Bun lets a connection's request take to arrive, body included (Bun's own default: 10). */
  httpIdleTimeoutSeconds: number;
  /** Signature worker threads; 0 verifies on the main thread (tests, tiny deployments). */
  verifyThreads: number;
  verifyBatchMax: number;
  verifyLingerMs: number;
  verifySignatures: boolean;
  /** SEC H5.8 migration gating of SMETS1 devices by installation enrolment (beyond the contract). */
  migrationGating: boolean;
  /** Threshold Anomaly Detection on the request path (off only to measure its cost). */
  tad: boolean;
  /** 'shadow' reports breaches without quarantining: for trying new thresholds safely. */
  tadMode: 'enforce' | 'shadow';
  /** How often the in-process DCC-wide threshold counts are reconciled with the other instances'. */
  tadSyncMs: number;
  quarantineTtlSeconds: number;
  /** Index each request's TRT deadline for breach detection (off only to measure its cost). */
  trackTrt: boolean;
  /** How often the in-process User and device cache reads the shared change log. */
  directorySyncMs: number;
  /** Users, and devices, the in-process cache keeps at most (each). */
  directoryCacheMax: number;
  /** Requests in the pipeline past which new ones are refused with 503 overloaded. */
  maxInflight: number;
  requestRetentionSeconds: number;
  seedDemo: boolean;
  logLevel: string;
  shutdownGraceMs: number;
  /** PRE_STOP_DELAY_MS: after SIGTERM, how long readiness is off while requests are still served (load balancers catch up). */
  preStopDelayMs: number;
  /** 'simulated': the simulated CSPs and S1SPs run in this process; 'external': networks consume the queues themselves. */
  networks: 'simulated' | 'external';
  egressBatch: number;
  egressRedeliverMs: number;
  egressIdlePollMs: number;
  egressLingerMs: number;
  /** A request for a network this router runs is handed to it at acknowledgement, leased rather than queued. */
  egressHandOver: boolean;
  /** How long a network response waits for others to be recorded with them in one script call. */
  responseGatherMs: number;
  /** How long past its deadline a TRT breach's alert waits, so a response that came in time and is recorded later takes it back first (Redis). */
  trtAlertGraceMs: number;
  /** How often locally aggregated service statistics are added to the shared ones. */
  statsFlushMs: number;
  /** How often the TRT deadline scan and the future-dated release run. */
  scanIntervalMs: number;
  /** How long a claimed DSP schedule occurrence is its claimer's before another instance may run it. */
  scheduleLeaseMs: number;
  webhookIntervalMs: number;
  webhookMaxAttempts: number;
  webhookBackoffMs: number;
  webhookBackoffMaxMs: number;
  webhookTimeoutMs: number;
  outboxRetentionSeconds: number;
  deadLetterRetentionSeconds: number;
  simulatorLatencyP50Ms: number;
  simulatorLatencyP99Ms: number;
  simulatorWanShare: number;
  simulatorFailureRate: number;
  /** SIMULATOR_FIRMWARE_ACTIVATION_MS: how long a SMETS1 11.3 Activate Firmware takes in the simulated networks. */
  simulatorFirmwareActivationMs: number;
  /** SIMULATOR_SEED: the simulated networks' seed (each destination's own sequence from it), unless one is set for a destination. */
  simulatorSeed: number;
  /** Router processes sharing the listening port (SO_REUSEPORT); more than one needs Redis. */
  processes: number;
  /** 0 for the process `npm start` runs (the primary); 1..processes-1 for the ones it spawns. */
  processIndex: number;
}

type Env = Record<string, string | undefined>;

/** Every bad setting, so that one start names them all (not the first alone). */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`${problems.length === 1 ? 'a setting is' : `${problems.length} settings are`} not valid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The longest a timer waits: 2^31 - 1 ms (about 24.8 days). */
const TIMER_MAX_MS = 2_147_483_647;

/** Reads settings; a bad one is noted (and its default used meanwhile) rather than thrown at once. */
class Settings {
  readonly problems: string[] = [];

  constructor(readonly env: Env) {}

  problem(message: string): void {
    this.problems.push(message);
  }

  integer(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const text = this.env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problem(`${name} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}, got "${text}"`);
      return fallback;
    }
    return value;
  }

  /**
   * A time in ms that a timer waits (setTimeout, setInterval, AbortSignal.timeout): at most 2^31 - 1,
   * past which runtimes fire the timer after 1 ms instead (a loop would spin, every call time out).
   */
  durationMs(name: string, fallback: number, min = 0): number {
    return this.integer(name, fallback, min, TIMER_MAX_MS);
  }

  /** A TCP port (0: any free one). */
  port(name: string, fallback: number): number {
    return this.integer(name, fallback, 0, 65_535);
  }

  /** A file that must be readable now: found missing at start, not when first used. */
  readableFile(name: string, path: string | undefined): void {
    if (path === undefined) return;
    try {
      accessSync(path, constants.R_OK);
    } catch (error) {
      this.problem(`${name}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }

  /** A setting that must not be below another (a lower bound chosen by the operator). */
  notBelow(name: string, value: number, lowerName: string, lower: number): void {
    if (value < lower) this.problem(`${name} (${value}) must not be below ${lowerName} (${lower})`);
  }

  fraction(name: string, fallback: number): number {
    const text = this.env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!(value >= 0 && value <= 1)) {
      this.problem(`${name} must be a number from 0 to 1, got "${text}"`);
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const text = this.env[name];
    if (text === undefined || text === '') return fallback;
    if (/^(1|true|yes|on)$/i.test(text)) return true;
    if (/^(0|false|no|off)$/i.test(text)) return false;
    this.problem(`${name} must be true or false, got "${text}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const text = this.env[name];
    if (text === undefined || text === '') return fallback;
    if ((choices as readonly string[]).includes(text)) return text as T;
    this.problem(`${name} must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}, got "${text}"`);
    return fallback;
  }

  /**
   * A Redis connection string as the client library reads it (readRedisUrl): a URL, host:port, a
   * port or a Unix socket path; another scheme (http://) it would misread, failing later with a
   * message naming another address. Echoed without its credentials.
   */
  redisUrl(name: string): string | undefined {
    const text = this.env[name];
    if (!text) return undefined;
    const address = readRedisUrl(text);
    if (!('problem' in address)) return text;
    this.problem(`${name} must be redis://[[user]:password@]host[:port][/db] (rediss:// for TLS; host:port, a port or a Unix socket path are read as ioredis reads them): ${address.problem}, got "${withoutCredentials(text)}"`);
    return undefined;
  }

  /** A comma-separated list of `host:port`, or undefined when unset. */
  nodes(name: string): string[] | undefined {
    const text = this.env[name];
    if (!text) return undefined;
    const list = text.split(',').map((node) => node.trim()).filter(Boolean);
    const bad = list.filter((node) => !/^(\[[0-9a-fA-F:]+\]|[^\s:\[\]]+):\d{1,5}$/.test(node));
    if (list.length === 0 || bad.length > 0) {
      this.problem(`${name} must be host:port,host:port,..., got "${text}"`);
      return undefined;
    }
    return list;
  }

  /**
   * ROUTER_PROCESSES: on Redis, one per two cores, each process a main thread and its signature
   * worker(s), so that processes × threads fill the cores (measured on 2 cores with the load
   * generator and redis-server beside it: one process with a worker thread acknowledged as many as
   * two, at 22% less CPU per request); one on the embedded store, whose state is per process.
   */
  processes(redis: string | undefined): number {
    const count = this.integer('ROUTER_PROCESSES', redis ? Math.max(1, Math.floor(availableParallelism() / 2)) : 1, 1);
    if (count > 1 && !redis) {
      this.problem(`ROUTER_PROCESSES=${count} needs Redis (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS): on the embedded in-memory store each process would have its own separate state`);
      return 1;
    }
    return count;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What the Redis connections authenticate with: only what is set (undefined when nothing is). */
function redisCredentialsOf(env: Env, settings: Settings): RedisCredentials | undefined {
  const credentials: RedisCredentials = {};
  if (env.REDIS_USERNAME) credentials.username = env.REDIS_USERNAME;
  if (env.REDIS_PASSWORD) credentials.password = env.REDIS_PASSWORD;
  if (env.REDIS_SENTINEL_PASSWORD) credentials.sentinelPassword = env.REDIS_SENTINEL_PASSWORD;
  if (settings.boolean('REDIS_TLS', false)) credentials.tls = true;
  if (credentials.username !== undefined && credentials.password === undefined) settings.problem('REDIS_USERNAME needs REDIS_PASSWORD (Redis ACL users log in with both)');
  return Object.keys(credentials).length > 0 ? credentials : undefined;
}

/**
 * The router's settings from the environment; throws a ConfigError naming every bad one. With
 * `networks`: the networks process's settings, which serves no operators' API (no admin token needed).
 */
export function loadConfig(env: Env = process.env, role: 'router' | 'networks' = 'router'): RouterConfig {
  const settings = new Settings(env);
  const redisClusterNodes = settings.nodes('REDIS_CLUSTER_NODES');
  const redisSentinels = settings.nodes('REDIS_SENTINELS');
  const redisSentinelName = env.REDIS_SENTINEL_NAME || undefined;
  if (redisSentinels && !redisSentinelName) settings.problem('REDIS_SENTINELS needs REDIS_SENTINEL_NAME, the name of the master the Sentinels watch');
  if (redisSentinelName && !redisSentinels) settings.problem('REDIS_SENTINEL_NAME needs REDIS_SENTINELS, the Sentinels (host:port,...) that watch it');
  // Any of the three puts the state in Redis; the checks below only ask whether it is shared.
  const [certFile, keyFile] = [env.GRPC_TLS_CERT_FILE || undefined, env.GRPC_TLS_KEY_FILE || undefined];
  if ((certFile === undefined) !== (keyFile === undefined)) settings.problem('GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE go together: set both for gRPC over TLS, or neither');
  settings.readableFile('GRPC_TLS_CERT_FILE', certFile);
  settings.readableFile('GRPC_TLS_KEY_FILE', keyFile);
  // Read as the gRPC server will, so a file that is not PEM, or a key not of the certificate, is a
  // setting's problem here rather than a crash once HTTP is already listening.
  if (role === 'router' && certFile && keyFile && env.GRPC_PORT !== 'off') {
    try {
      createSecureContext({ cert: readFileSync(certFile), key: readFileSync(keyFile) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'EACCES') {
        settings.problem(`GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE are not a PEM certificate and its private key: ${(error as Error).message}`);
      }
    }
  }
  // One store: which of these was meant cannot be told.
  const stores = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'].filter((name) => env[name]);
  if (stores.length > 1) settings.problem(`${stores.join(' and ')} are all set: give one (a single Redis, a Cluster, or Sentinels)`);
  if (env.GRPC_PORT === 'off' && certFile) settings.problem('GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE are set but GRPC_PORT=off: no gRPC server to use them');
  const redisUrl = settings.redisUrl('REDIS_URL');
  const shared = redisUrl ?? redisClusterNodes?.join(',') ?? redisSentinels?.join(',');
  if (role === 'networks' && !shared) settings.problem('REDIS_URL (or REDIS_CLUSTER_NODES / REDIS_SENTINELS) is required: the networks process shares its queues with the routers through Redis');
  const processCount = settings.processes(shared);
  const processIndex = settings.integer('ROUTER_PROCESS_INDEX', 0);
  if (processIndex >= processCount) settings.problem(`ROUTER_PROCESS_INDEX must be below ROUTER_PROCESSES (${processCount}), got "${processIndex}"`);
  // Generated, it would be printed to the logs and differ on every instance behind one address.
  const production = env.NODE_ENV === 'production';
  if (role === 'router' && !env.ROUTER_ADMIN_TOKEN && production) settings.problem('ROUTER_ADMIN_TOKEN must be set when NODE_ENV=production (as the image runs): a generated token would be printed to the logs and differ on every instance');
  if (role === 'router' && env.ROUTER_ADMIN_TOKEN && production && (env.ROUTER_ADMIN_TOKEN.length < 24 || /change-?me/i.test(env.ROUTER_ADMIN_TOKEN))) {
    settings.problem('ROUTER_ADMIN_TOKEN must be at least 24 characters, and not a placeholder, when NODE_ENV=production: it is the whole of the operators\' authentication (e.g. openssl rand -base64 32)');
  }
  // Likewise the signing key: instances each with their own would sign a User's webhooks with whichever held its lease.
  if (role === 'router' && !env.ROUTER_SIGNING_KEY && production) settings.problem('ROUTER_SIGNING_KEY must be set when NODE_ENV=production: a generated key would differ on every instance, and receivers that pin the key would refuse the others\' webhooks');
  const adminToken = env.ROUTER_ADMIN_TOKEN || randomBytes(24).toString('base64url');
  // Read here too, so a bad key or certificate is named with the other settings, not on a later start.
  if (role === 'router' && (env.ROUTER_SIGNING_KEY || env.ROUTER_SIGNING_CERTIFICATE)) {
    try {
      routerCertificate(RouterSigningKey.from(env.ROUTER_SIGNING_KEY || undefined).privateKey, env.ROUTER_SIGNING_CERTIFICATE || undefined);
    } catch (error) {
      settings.problem((error as Error).message);
    }
  }
  // Keys carry their partition as a Redis Cluster hash tag ({p12}): a brace in the prefix would take its place.
  if (/[{}]/.test(env.REDIS_KEY_PREFIX ?? '')) settings.problem(`REDIS_KEY_PREFIX must not contain { or } (keys carry their partition in braces), got ${JSON.stringify(env.REDIS_KEY_PREFIX)}`);
  const config: RouterConfig = {
    port: settings.port('PORT', 8080),
    grpcPort: env.GRPC_PORT === 'off' ? undefined : settings.port('GRPC_PORT', env.PORT === '0' ? 0 : 50051),
    host: env.HOST || '0.0.0.0',
    redisUrl,
    redisClusterNodes,
    redisSentinels,
    redisSentinelName,
    redisCredentials: redisCredentialsOf(env, settings),
    grpcTls: certFile && keyFile ? { certFile, keyFile } : undefined,
    tracingEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    redisKeyPrefix: env.REDIS_KEY_PREFIX || 'dcc:',
    redisWaitReplicas: settings.integer('REDIS_WAIT_REPLICAS', 0, 0, 16),
    // Below the store's 2 s limit on a command, so that WAIT's own answer comes back.
    redisWaitTimeoutMs: settings.integer('REDIS_WAIT_TIMEOUT_MS', 500, 1, 1_500),
    redisConnectTimeoutMs: settings.integer('REDIS_CONNECT_TIMEOUT_MS', 30_000, 1_000, 3_600_000),
    adminToken,
    adminTokenGenerated: !env.ROUTER_ADMIN_TOKEN,
    metricsToken: env.METRICS_TOKEN || undefined,
    signingKey: env.ROUTER_SIGNING_KEY || undefined,
    signingCertificate: env.ROUTER_SIGNING_CERTIFICATE || undefined,
    maxBodyBytes: settings.integer('MAX_BODY_BYTES', 64 * 1024, 1),
    bodyTimeoutMs: settings.integer('BODY_TIMEOUT_MS', 10_000, 100, 600_000),
    batchMaxItems: settings.integer('BATCH_MAX_ITEMS', 1000, 1),
    batchMaxBytes: settings.integer('BATCH_MAX_BYTES', 16 * 1024 * 1024, 1),
    importMaxBytes: settings.integer('IMPORT_MAX_BYTES', 2 * 1024 * 1024 * 1024, 1),
    // Above a waiting pull's longest wait and a store call's time limit: less would cut both off.
    httpIdleTimeoutSeconds: settings.integer('HTTP_IDLE_TIMEOUT_SECONDS', 60, Math.ceil(MAX_PULL_WAIT_MS / 1000) + 5, 255),
    // A process's share of the cores, its main thread's included: the main thread waits on the
    // network much of the time, and a second worker then verifies beside the first (on 2 cores,
    // against one worker: 7% more acknowledgements/s, CPU per request no higher; bench/HISTORY.md).
    // Each worker is a thread with its own heap: more than the cores can run only costs memory.
    verifyThreads: settings.integer('VERIFY_THREADS', Math.min(64, Math.max(1, Math.floor(availableParallelism() / processCount))), 0, 64),
    verifyBatchMax: settings.integer('VERIFY_BATCH_MAX', 128, 1),
    verifyLingerMs: settings.durationMs('VERIFY_LINGER_MS', 0),
    verifySignatures: settings.boolean('VERIFY_SIGNATURES', true),
    migrationGating: settings.boolean('MIGRATION_GATING', false),
    trackTrt: settings.boolean('TRT_TRACKING', true),
    tad: settings.boolean('TAD', true),
    tadMode: settings.oneOf('TAD_MODE', ['enforce', 'shadow'] as const, 'enforce'),
    tadSyncMs: settings.durationMs('TAD_SYNC_MS', 100, 10),
    quarantineTtlSeconds: settings.integer('QUARANTINE_TTL_SECONDS', 7 * 24 * 3600, 1),
    maxInflight: settings.integer('MAX_INFLIGHT', 20_000, 1),
    directorySyncMs: settings.durationMs('DIRECTORY_SYNC_MS', 200, 10),
    directoryCacheMax: settings.integer('DIRECTORY_CACHE_MAX', 1_000_000, 1),
    requestRetentionSeconds: settings.integer('REQUEST_RETENTION_SECONDS', 7 * 24 * 3600, 1),
    // The demo User's private key is in this repository: not served unless asked for, in production.
    seedDemo: settings.boolean('SEED_DEMO', !shared && !production),
    logLevel: settings.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    shutdownGraceMs: settings.durationMs('SHUTDOWN_GRACE_MS', 10_000),
    preStopDelayMs: settings.durationMs('PRE_STOP_DELAY_MS', 0),
    networks: settings.oneOf('NETWORKS', ['simulated', 'external'] as const, 'simulated'),
    egressBatch: settings.integer('EGRESS_BATCH', 200, 1),
    egressRedeliverMs: settings.durationMs('EGRESS_REDELIVER_MS', 30_000, 1),
    // A blocking read waits this long on a connection whose commands time out at 10 s.
    egressIdlePollMs: settings.integer('EGRESS_IDLE_POLL_MS', 100, 1, 5_000),
    egressLingerMs: settings.durationMs('EGRESS_LINGER_MS', 20),
    egressHandOver: settings.boolean('EGRESS_HAND_OVER', true),
    responseGatherMs: settings.durationMs('RESPONSE_GATHER_MS', 10),
    trtAlertGraceMs: settings.durationMs('TRT_ALERT_GRACE_MS', 500),
    statsFlushMs: settings.durationMs('STATS_FLUSH_MS', 1000, 10),
    scanIntervalMs: settings.durationMs('SCAN_INTERVAL_MS', 200, 1),
    scheduleLeaseMs: settings.durationMs('SCHEDULE_LEASE_MS', 60_000, 1),
    webhookIntervalMs: settings.durationMs('WEBHOOK_INTERVAL_MS', 100, 1),
    // 15 attempts, 1 s doubling to 5 min, equal jitter: 17 to 34 minutes before a dead letter.
    webhookMaxAttempts: settings.integer('WEBHOOK_MAX_ATTEMPTS', 15, 1),
    webhookBackoffMs: settings.durationMs('WEBHOOK_BACKOFF_MS', 1_000, 1),
    webhookBackoffMaxMs: settings.durationMs('WEBHOOK_BACKOFF_MAX_MS', 300_000, 1),
    webhookTimeoutMs: settings.durationMs('WEBHOOK_TIMEOUT_MS', 5_000, 1),
    outboxRetentionSeconds: settings.integer('OUTBOX_RETENTION_SECONDS', 7 * 24 * 3600, 1),
    deadLetterRetentionSeconds: settings.integer('DEAD_LETTER_RETENTION_SECONDS', 30 * 24 * 3600, 1),
    simulatorLatencyP50Ms: settings.durationMs('SIMULATOR_LATENCY_P50_MS', 100),
    simulatorLatencyP99Ms: settings.durationMs('SIMULATOR_LATENCY_P99_MS', 500),
    simulatorWanShare: settings.fraction('SIMULATOR_WAN_SHARE', 0.5),
    simulatorFailureRate: settings.fraction('SIMULATOR_FAILURE_RATE', 0),
    simulatorFirmwareActivationMs: settings.durationMs('SIMULATOR_FIRMWARE_ACTIVATION_MS', 2 * 3_600_000),
    simulatorSeed: settings.integer('SIMULATOR_SEED', 1),
    processes: processCount,
    processIndex,
  };
  settings.notBelow('SIMULATOR_LATENCY_P99_MS', config.simulatorLatencyP99Ms, 'SIMULATOR_LATENCY_P50_MS', config.simulatorLatencyP50Ms);
  settings.notBelow('WEBHOOK_BACKOFF_MAX_MS', config.webhookBackoffMaxMs, 'WEBHOOK_BACKOFF_MS', config.webhookBackoffMs);
  // Judged on the value read, so every spelling of false (0, no, off) is caught.
  if (role === 'router' && production && !config.verifySignatures) settings.problem('VERIFY_SIGNATURES=false switches authentication off (for benchmarks): not with NODE_ENV=production');
  if (config.redisWaitReplicas > 0 && !shared) settings.problem(`REDIS_WAIT_REPLICAS=${config.redisWaitReplicas} needs Redis (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS): the embedded store has no replicas`);
  // A batch is admitted whole or refused: one larger than MAX_INFLIGHT would be 503 every time, so it is too large (413).
  config.batchMaxItems = Math.min(config.batchMaxItems, config.maxInflight);
  if (role === 'router' && config.port !== 0 && config.port === config.grpcPort) settings.problem(`PORT and GRPC_PORT are both ${config.port}: HTTP and gRPC each need a port of their own`);
  if (settings.problems.length > 0) throw new ConfigError(settings.problems);
  return config;
}
