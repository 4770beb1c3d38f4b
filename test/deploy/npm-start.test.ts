// `npm start` as a supervisor runs it (a systemd unit, a container's command): its SIGTERM must
// reach the router, which then shuts down gracefully, not leave it running orphaned.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every process below `pid`, children first. */
function descendantsOf(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map(Number).filter((child) => child > 0);
  } catch (error) {
    // ps exits 1 when there are none; without ps at all, the check would pass unchecked.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
  }
  return children.flatMap((child) => [child, ...descendantsOf(child)]);
}

describe('npm start', () => {
  it('stops the router, gracefully, when npm is sent SIGTERM', async () => {
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', GRPC_PORT: 'off', LOG_LEVEL: 'info', ROUTER_PROCESSES: '1', REDIS_URL: '', SEED_DEMO: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout!.on('data', (chunk) => (output += chunk));
    npm.stderr!.on('data', (chunk) => (output += chunk));
    const below: number[] = [];
    try {
      await expect.poll(() => /listening on (http:\/\/\S+)/.exec(output)?.[1], { timeout: 15_000, interval: 100 }).toBeDefined();
      const url = /listening on (http:\/\/\S+)/.exec(output)![1];
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      below.push(...descendantsOf(npm.pid!));
      const exited = new Promise((resolve) => npm.once('exit', resolve));
      npm.kill('SIGTERM');
      await exited;
      // The router heard it (its shutdown is logged) and stopped serving.
      await expect.poll(() => fetch(`${url}/healthz`).then(() => 'serving', () => 'stopped'), { timeout: 10_000, interval: 100 }).toBe('stopped');
      expect(output).toContain('"signal":"SIGTERM"');
      expect(below.filter((pid) => { try { process.kill(pid, 0); return true; } catch { return false; } })).toEqual([]);
    } finally {
      for (const pid of [npm.pid!, ...below]) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      }
    }
  }, 40_000);
});
