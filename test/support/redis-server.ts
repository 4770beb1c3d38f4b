import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type {} from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    redisPort: number;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts a private redis-server on a free port; the whole test run shares it. */
export async function startRedis(port: number, dir: string, extraArgs: string[] = ['--appendonly', 'no']): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.once('error', (error) => { clearTimeout(timer); reject(new Error(`cannot run redis-server (npm test installs it): ${error.message}`)); });
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) { clearTimeout(timer); resolve(); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`redis-server exited with ${code}:\n${output}`)); });
  });
  return child;
}

/** A test file's own redis-server, on a free port, in a directory of its own. */
export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** The server running now (another after a restart). */
  readonly child: ChildProcess;
  /** Stops it (SIGTERM), keeping its directory for a restart. */
  stop(): Promise<void>;
  /** Starts it again on the same port, in the same directory, with the same arguments. */
  restart(): Promise<void>;
  /** Stops it and removes its directory: for afterAll. */
  dispose(): Promise<void>;
}

/** Starts a redis-server of the test file's own (`name` names its directory); `dispose()` undoes it all. */
export async function startOwnRedis(name: string, extraArgs?: string[], port?: number): Promise<OwnRedis> {
  const chosen = port ?? await freePort();
  const dir = mkdtempSync(join(tmpdir(), `dccrouter-${name}-`));
  let child: ChildProcess;
  try {
    child = await startRedis(chosen, dir, extraArgs);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    dir,
    get child() { return child; },
    stop: () => stopRedis(child),
    restart: async () => { child = await startRedis(chosen, dir, extraArgs); },
    dispose: async () => {
      await stopRedis(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export default async function setup(project: TestProject) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dccrouter-redis-'));
  const child = await startRedis(port, dir);
  project.provide('redisUrl', `redis://127.0.0.1:${port}`);
  project.provide('redisPort', port);
  return async () => {
    await stopRedis(child);
    rmSync(dir, { recursive: true, force: true });
  };
}
