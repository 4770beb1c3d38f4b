// The suite's own redis-server, on a free loopback port, emptied before every router run so each
// run starts from the same state (an ever-growing Redis would make later runs slower).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, startRedis, stopRedis } from '../../test/support/redis-server.ts';
import { track } from './processes.ts';

const run = promisify(execFile);

/** A SCAN over every key: SCAN frees each expired key it comes upon (KEYS and DBSIZE do not). */
async function sweepExpired(port: number): Promise<void> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do [cursor] = await redis.scan(cursor, 'COUNT', 10_000);
    while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface BenchRedis {
  url: string;
  port: number;
  pid: number | undefined;
  flush(): Promise<void>;
  /** Used memory in MB, from INFO memory. */
  usedMemoryMb(): Promise<number>;
  /**
   * Used memory in bytes (INFO memory's used_memory) and the keys stored (DBSIZE), once every key
   * already expired is freed: Redis frees one only when it is read or its sampler happens on it,
   * which among millions of keys with a TTL of days takes minutes (a request's call marks, kept
   * seconds, were still counted long after).
   */
  memory(): Promise<{ usedBytes: number; keys: number }>;
  /** CONFIG SET of each setting (e.g. switching the append-only file on for one variant). */
  configSet(settings: Record<string, string>): Promise<void>;
  /** Zeroes the per-command statistics (CONFIG RESETSTAT). */
  resetStats(): Promise<void>;
  /** Calls and CPU microseconds per command since the last reset (INFO commandstats). */
  commandStats(): Promise<RedisCommandStat[]>;
  /** What Redis read from and wrote to its clients since the last reset (INFO stats). */
  network(): Promise<RedisNetwork>;
  /** Starts watching every command with MONITOR (slows Redis down: for untimed traffic only). */
  monitor(): Promise<RedisMonitor>;
  stop(): Promise<void>;
  /** For an interrupted or failed run, where nothing asynchronous runs any more: kills redis-server and removes its directory at once. */
  killNow(): void;
}

export interface RedisNetwork {
  /** Bytes read from and written to clients. */
  in: number;
  out: number;
  /**
   * Socket reads that brought commands (total_reads_processed): the network round trips clients
   * made, however many commands each carried (a client's pipeline arrives in one read unless it is
   * larger than Redis's read buffer).
   */
  reads: number;
}

export interface RedisCommandStat {
  command: string;
  calls: number;
  usec: number;
}

/** Commands seen by MONITOR: those a client sent, and those Lua scripts ran. */
export interface MonitoredCommands {
  sent: number;
  inScripts: number;
  /** By lower-case command name. */
  sentByCommand: Record<string, number>;
}

export interface RedisMonitor {
  stop(): Promise<MonitoredCommands>;
}

/**
 * INFO commandstats counts a command a script runs both under its own name and inside the
 * script's evalsha, and so does total_commands_processed: neither tells what a client sent. MONITOR
 * does, marking a script's commands "[db lua]", so the suite runs it over the untimed warm-up.
 */
function startMonitor(port: number): Promise<RedisMonitor> {
  const child = track(spawn('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'monitor'], { stdio: ['ignore', 'pipe', 'ignore'] }));
  const seen: MonitoredCommands = { sent: 0, inScripts: 0, sentByCommand: {} };
  let pending = '';
  let started: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const line = /^\d+\.\d+ \[\d+ ([^\]]+)\] "([^"]*)"/;
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const text of lines) {
      if (text === 'OK') started();
      const match = line.exec(text);
      if (!match) continue;
      if (match[1] === 'lua') seen.inScripts++;
      else {
        seen.sent++;
        const command = match[2].toLowerCase();
        seen.sentByCommand[command] = (seen.sentByCommand[command] ?? 0) + 1;
      }
    }
  });
  child.once('exit', () => started());
  return ready.then(() => ({
    stop: () => new Promise<MonitoredCommands>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(seen);
      // What Redis already wrote to the monitor is read before the end.
      setTimeout(() => {
        child.once('exit', () => resolve(seen));
        child.kill('SIGTERM');
      }, 100);
    }),
  }));
}

/** A redis-server in a directory of its own, the directory removed if it does not start. */
async function startInDirectory(prefix: string, args: string[]): Promise<{ port: number; dir: string; child: ChildProcess }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return { port, dir, child: await startRedis(port, dir, args) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Kills a redis-server at once (if still running) and removes its directory: synchronous, for exit and signal handlers. */
function killAndRemove(child: ChildProcess, dir: string): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

/** A replica of the bench's Redis, in sync when answered (for REDIS_WAIT_REPLICAS): its pid and how to stop it. */
export async function startBenchReplica(masterPort: number): Promise<{ pid: number | undefined; stop(): Promise<void>; killNow(): void }> {
  const { dir, child } = await startInDirectory('dccrouter-bench-replica-', ['--appendonly', 'no', '--hash-max-listpack-value', '1024', '--replicaof', '127.0.0.1', String(masterPort)]);
  track(child);
  try {
    for (let waited = 0; ; waited += 50) {
      const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(masterPort), 'INFO', 'replication'], { timeout: 10_000 });
      if (/connected_slaves:1[\s\S]*state=online/.test(stdout)) break;
      if (waited > 20_000) throw new Error(`the bench's replica did not come online:\n${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    killAndRemove(child, dir);
    throw error;
  }
  return {
    pid: child.pid,
    async stop() {
      await stopRedis(child);
      rmSync(dir, { recursive: true, force: true });
    },
    killNow: () => killAndRemove(child, dir),
  };
}

export async function startBenchRedis(): Promise<BenchRedis> {
  // No persistence: the suite measures the router, not the disk. The memory settings are
  // deploy/redis.conf's, so bytes per request are what production sees.
  const { port, dir, child } = await startInDirectory('dccrouter-bench-redis-', ['--appendonly', 'no', '--hash-max-listpack-value', '1024']);
  const cli = (...args: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 60_000 });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    async flush() {
      await cli('FLUSHALL');
    },
    async usedMemoryMb() {
      const { stdout } = await cli('INFO', 'memory');
      const match = /used_memory:(\d+)/.exec(stdout);
      return match ? Math.round(Number(match[1]) / 1024 / 1024) : 0;
    },
    async memory() {
      await sweepExpired(port);
      const [{ stdout: info }, { stdout: keys }] = await Promise.all([cli('INFO', 'memory'), cli('DBSIZE')]);
      return { usedBytes: Number(/^used_memory:(\d+)/m.exec(info)![1]), keys: Number(keys.trim()) };
    },
    async configSet(settings) {
      for (const [name, value] of Object.entries(settings)) await cli('CONFIG', 'SET', name, value);
    },
    async resetStats() {
      await cli('CONFIG', 'RESETSTAT');
    },
    async commandStats() {
      const { stdout } = await cli('INFO', 'commandstats');
      return [...stdout.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)].map((m) => ({ command: m[1], calls: Number(m[2]), usec: Number(m[3]) }));
    },
    async network() {
      const { stdout } = await cli('INFO', 'stats');
      const stat = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(stdout)![1]);
      return { in: stat('total_net_input_bytes'), out: stat('total_net_output_bytes'), reads: stat('total_reads_processed') };
    },
    monitor: () => startMonitor(port),
    async stop() {
      await stopRedis(child);
      rmSync(dir, { recursive: true, force: true });
    },
    killNow: () => killAndRemove(child, dir),
  };
}
