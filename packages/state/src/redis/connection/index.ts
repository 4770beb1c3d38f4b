import { Cluster, Redis, type ChainableCommander, type RedisOptions } from 'ioredis';

/** Where the shared state lives: one Redis (optionally found through Sentinel) or a Redis Cluster. */
export interface RedisTarget {
  /** `redis://[:password@]host:port[/db]`: a single Redis. */
  url?: string;
  /** `host:port` seeds of a Redis Cluster (contract v1.1 `REDIS_CLUSTER_NODES`); wins over `url`. */
  clusterNodes?: readonly string[];
  /** `host:port` of Redis Sentinels; with `sentinelName` the master they name is used (failover included). */
  sentinels?: readonly string[];
  sentinelName?: string;
  /** Credentials for every data node (the cluster's nodes, the master Sentinels name; with `url`, where it names none). */
  credentials?: RedisCredentials;
}

/** REDIS_USERNAME, REDIS_PASSWORD, REDIS_TLS and REDIS_SENTINEL_PASSWORD. */
export interface RedisCredentials {
  username?: string;
  password?: string;
  /** TLS to the data nodes (a managed cluster's usual requirement); with `url`, `rediss://` says the same. */
  tls?: boolean;
  /** The Sentinels' own password, where they ask for one. */
  sentinelPassword?: string;
}

/** The connection options credentials add: only those set, so a URL's own win (ioredis keeps the first given). */
function credentialOptions(credentials: RedisCredentials | undefined): RedisOptions {
  const options: RedisOptions = {};
  if (credentials?.username !== undefined) options.username = credentials.username;
  if (credentials?.password !== undefined) options.password = credentials.password;
  if (credentials?.tls) options.tls = {};
  return options;
}

export type RedisClient = Redis | Cluster;

/** The request path's connection: fails fast rather than queue, so a request the store cannot answer is refused at once. */
export function connectionOptions(commandTimeout: number): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout,
    connectTimeout: commandTimeout,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
    // Concurrent requests' commands issued in the same tick share one write.
    enableAutoPipelining: true,
  };
}

export function createClient(target: RedisTarget, commandTimeout: number): RedisClient {
  const options = { ...connectionOptions(commandTimeout), ...credentialOptions(target.credentials) };
  if (target.clusterNodes && target.clusterNodes.length > 0) {
    const { enableOfflineQueue: _queue, retryStrategy: _retry, enableAutoPipelining, lazyConnect, ...redisOptions } = options;
    return new Cluster(target.clusterNodes.map(hostPort), {
      lazyConnect,
      enableAutoPipelining,
      // While a failover moves slots, commands wait for the new topology (each is still bounded by
      // the store's command time limit) rather than failing at once: a failover takes seconds.
      enableOfflineQueue: true,
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 100,
      clusterRetryStrategy: (times) => Math.min(times * 100, 1_000),
      slotsRefreshTimeout: commandTimeout,
      // Writes and the reads that judge them go to masters only: a replica may lag behind.
      scaleReads: 'master',
      redisOptions,
    });
  }
  if (target.sentinels && target.sentinels.length > 0) {
    if (!target.sentinelName) throw new RangeError('Redis Sentinel needs the name of the master it watches');
    const sentinelPassword = target.credentials?.sentinelPassword;
    return new Redis({
      ...options, sentinels: target.sentinels.map(hostPort), name: target.sentinelName, role: 'master',
      ...(sentinelPassword !== undefined ? { sentinelPassword } : {}), ...(target.credentials?.tls ? { enableTLSForSentinelMode: true } : {}),
    });
  }
  if (!target.url) throw new RangeError('a Redis URL, cluster nodes or sentinels are needed');
  return new Redis(target.url, options);
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/** Where a Redis connection string points, read as ioredis reads it (its `parseURL`). */
export type RedisAddress = { socket: string } | { host: string; port: string } | { problem: string };

/**
 * A connection string as the client library reads it: a port alone, a Unix socket path, or a URL
 * (redis:// or rediss://) whose redis:// it adds when the string has no scheme (`host:port`). A
 * scheme of another kind (http://) it would take for a host name: that is a problem.
 */
export function readRedisUrl(text: string): RedisAddress {
  if (/^\d+$/.test(text)) return { host: 'localhost', port: text };
  if (text.startsWith('/') && !text.startsWith('//')) return { socket: text.split('?')[0] };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1];
  if (scheme !== undefined && !/^rediss?$/i.test(scheme)) return { problem: `${scheme}:// is not a Redis URL's scheme (redis:// or rediss://)` };
  let url: URL;
  try {
    url = new URL(scheme !== undefined ? text : text.startsWith('//') ? `redis:${text}` : `redis://${text}`);
  } catch {
    return { problem: 'it is not a URL' };
  }
  return { host: url.hostname || 'localhost', port: url.port || '6379' };
}

/** A connection string without its credentials (what precedes the last '@'), for messages. */
export function withoutCredentials(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? '';
  return `${scheme}…${text.slice(at)}`;
}

/** Where a client points, for messages: never its password. */
export function describeTarget(target: RedisTarget): string {
  if (target.clusterNodes?.length) return `Redis Cluster ${target.clusterNodes.join(',')}`;
  if (target.sentinels?.length) return `Redis Sentinel ${target.sentinels.join(',')} (master ${target.sentinelName})`;
  const address = readRedisUrl(target.url ?? '');
  if ('socket' in address) return `Redis ${address.socket}`;
  if ('host' in address) return `Redis ${address.host}:${address.port}`;
  return `Redis ${withoutCredentials(target.url ?? '')}`;
}

function hostPort(node: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(node.trim());
  if (!match) throw new RangeError(`a Redis node is host:port, not ${JSON.stringify(node)}`);
  return { host: match[1], port: Number(match[2]) };
}

/**
 * A pipeline for commands whose keys lie in different slots. On a single Redis it is a real
 * pipeline (one write, one round trip). On a Redis Cluster a pipeline must stay within one slot,
 * so this one sends each command on its own: the cluster client's automatic pipelining still
 * gathers them into one write per node. It answers like `Pipeline.exec`: `[error, result]` each.
 */
export function anySlotPipeline(client: RedisClient): ChainableCommander {
  if (!isCluster(client)) return client.pipeline();
  const queued: [string, unknown[]][] = [];
  const pipeline: ChainableCommander = new Proxy({} as ChainableCommander, {
    get(_, name) {
      if (name === 'exec') {
        return () => Promise.all(queued.map(([command, args]) =>
          ((client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[command](...args))
            .then((result) => [null, result] as [null, unknown], (error: Error) => [error, null] as [Error, null])));
      }
      if (name === 'length') return queued.length;
      // Not a thenable: awaiting the pipeline itself must not call a command named 'then'.
      if (name === 'then' || typeof name !== 'string') return undefined;
      return (...args: unknown[]) => {
        queued.push([name, args]);
        return pipeline;
      };
    },
  });
  return pipeline;
}
