import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startRedis, stopRedis } from './redis-server.ts';

const run = promisify(execFile);

export interface RedisClusterHandle {
  /** `127.0.0.1:port` of every node, masters first (as created). */
  nodes: string[];
  /** The node processes by port. */
  processes: Map<number, ChildProcess>;
  /** Runs redis-cli against one node. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** The master serving a key's slot, and its replica. */
  ownersOf(key: string): Promise<{ master: number; replica: number }>;
  /** Waits until every live node reports the cluster state ok and a master for each slot. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 > 65_535 || taken.has(port) || taken.has(port + 10_000)) continue;
    if (await isFree(port + 10_000)) {
      taken.add(port).add(port + 10_000);
      return port;
    }
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Why this machine's redis-server cannot run a Redis Cluster (before Redis 5: no
 * cluster-replica-validity-factor, no `redis-cli --cluster`), or undefined when it can. Cluster
 * tests skip with this reason; anything else that goes wrong (a missing redis-server or redis-cli,
 * a probe that times out on a busy machine) is thrown, so the file fails rather than skipping.
 */
export async function redisClusterUnsupported(): Promise<string | undefined> {
  // By version, not by starting a node: startRedis keeps only stdout, and redis-server names a
  // directive it does not know ("Bad directive ...") on stderr, so a failed start cannot tell why.
  const version = await run('redis-server', ['--version'], { timeout: 10_000 }).catch((error: Error) => {
    throw new Error(`cannot run redis-server (npm test installs it): ${error.message}`);
  });
  const major = /\bv=(\d+)\./.exec(version.stdout)?.[1];
  if (major === undefined) throw new Error(`redis-server --version said no version: ${version.stdout.trim()}`);
  if (Number(major) < 5) return `redis-server is too old for a cluster (Redis 5 or later needed): ${version.stdout.trim()}`;
  // `redis-cli --cluster help` exits 1 even where it works: its text says whether it does. It not
  // running at all (no redis-cli, a timeout) is no answer, and is thrown.
  const help = await run('redis-cli', ['--cluster', 'help'], { timeout: 10_000 }).catch((error: Error & { code?: unknown; stdout?: string; stderr?: string }) => {
    if (typeof error.code !== 'number') throw new Error(`cannot run redis-cli --cluster help: ${error.message}`);
    return error;
  });
  if (!/^\s*create\s/m.test(`${help.stdout ?? ''}${help.stderr ?? ''}`)) {
    return `redis-cli cannot create a cluster (no --cluster, Redis 5 or later needed): ${(help.stderr || help.stdout || '').trim().split('\n')[0]}`;
  }
  return undefined;
}

/** `count` redis-server nodes in cluster mode on loopback, each on its own, not yet a cluster (with `extraArgs`, e.g. a password). */
export async function startClusterNodes(count: number, extraArgs: string[] = []): Promise<{ ports: number[]; processes: Map<number, ChildProcess>; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'dccrouter-cluster-'));
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await clusterPort(taken));
  const processes = new Map<number, ChildProcess>();
  const stop = async () => {
    await Promise.all([...processes.values()].map(stopRedis));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(ports.map(async (port) => {
      processes.set(port, await startRedis(port, dir, [
        '--appendonly', 'no', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
        '--cluster-node-timeout', '1000', '--cluster-replica-validity-factor', '0', ...extraArgs,
      ]));
    }));
    return { ports, processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A real Redis Cluster on loopback: `masters` masters with one replica each, from redis-server
 * and redis-cli (`--cluster create`). Node timeout 1 s, so a failover takes a few seconds.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  const { ports, processes, stop } = await startClusterNodes(masters * 2);
  try {
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 });
    const cli = async (port: number, ...args: string[]) => (await run('redis-cli', ['-p', String(port), ...args], { timeout: 10_000 })).stdout.trim();
    const handle: RedisClusterHandle = {
      nodes,
      processes,
      cli,
      async ownersOf(key) {
        const slot = Number(await cli(ports[0], 'CLUSTER', 'KEYSLOT', key));
        for (const port of ports) {
          if (!isAlive(processes.get(port)!)) continue;
          const text = await cli(port, 'CLUSTER', 'NODES');
          const lines = text.split('\n').map((line) => line.split(' '));
          const master = lines.find((fields) => fields[2].includes('master') && !fields[2].includes('fail') && fields.slice(8).some((range) => inRange(range, slot)));
          if (!master) continue;
          const replica = lines.find((fields) => fields[3] === master[0] && !fields[2].includes('fail'));
          if (!replica) continue;
          return { master: portOf(master[1]), replica: portOf(replica[1]) };
        }
        throw new Error(`no master with a replica serves slot ${slot}`);
      },
      async waitHealthy(timeoutMs = 20_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const live = ports.filter((port) => isAlive(processes.get(port)!));
          const infos = await Promise.all(live.map((port) => cli(port, 'CLUSTER', 'INFO').catch(() => '')));
          if (infos.every((info) => /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info))) return;
          if (Date.now() > deadline) throw new Error(`the Redis Cluster did not become healthy:\n${infos.join('\n---\n')}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      stop,
    };
    await handle.waitHealthy();
    // Every replica attached and in sync, so a failover right away loses nothing it was sent.
    for (const port of ports) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const info = await cli(port, 'INFO', 'replication');
        if (!/role:slave/.test(info) || /master_link_status:up/.test(info)) break;
        if (Date.now() > deadline) throw new Error(`replica ${port} did not sync:\n${info}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return handle;
  } catch (error) {
    await stop();
    throw error;
  }
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function portOf(address: string): number {
  return Number(address.split('@')[0].split(':').at(-1));
}

function inRange(range: string, slot: number): boolean {
  if (range.startsWith('[')) return false;
  const [from, to] = range.split('-').map(Number);
  return slot >= from && slot <= (to ?? from);
}
