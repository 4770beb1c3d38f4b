// The suite's own redis-server, on a free loopback port, emptied before every router run so each
// run starts from the same state (an ever-growing Redis would make later runs slower).
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startRedis, stopRedis } from '../../test/support/redis-server.ts';

const run = promisify(execFile);

export interface BenchRedis {
  url: string;
  port: number;
  pid: number | undefined;
  flush(): Promise<void>;
  /** Used memory in MB, from INFO memory. */
  usedMemoryMb(): Promise<number>;
  /** Zeroes the per-command statistics (CONFIG RESETSTAT). */
  resetStats(): Promise<void>;
  /** Calls and CPU microseconds per command since the last reset (INFO commandstats). */
  commandStats(): Promise<RedisCommandStat[]>;
  stop(): Promise<void>;
}

export interface RedisCommandStat {
  command: string;
  calls: number;
  usec: number;
}

export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dccrouter-bench-redis-'));
  // No persistence: the suite measures the router, not the disk.
  const child: ChildProcess = await startRedis(port, dir, ['--appendonly', 'no']);
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
    async resetStats() {
      await cli('CONFIG', 'RESETSTAT');
    },
    async commandStats() {
      const { stdout } = await cli('INFO', 'commandstats');
      return [...stdout.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)].map((m) => ({ command: m[1], calls: Number(m[2]), usec: Number(m[3]) }));
    },
    async stop() {
      await stopRedis(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
