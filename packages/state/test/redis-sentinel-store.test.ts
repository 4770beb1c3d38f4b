// The store through Redis Sentinel, against real processes started here: a master, its replica
// and one Sentinel watching them. A Sentinel-led failover moves the store to the new master.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, stopRedis } from '../../../test/support/redis-server.ts';
import { RedisStore } from '../src/index.ts';
import { acceptance, newRequestId } from './store-contract.ts';

const NAME = 'dccrouter';
const dir = mkdtempSync(join(tmpdir(), 'dccrouter-sentinel-'));
const processes: ChildProcess[] = [];
let masterPort: number;
let replicaPort: number;
let sentinelPort: number;

beforeAll(async () => {
  [masterPort, replicaPort, sentinelPort] = [await freePort(), await freePort(), await freePort()];
  processes.push(await startRedis(masterPort, dir));
  processes.push(await startRedis(replicaPort, dir, ['--appendonly', 'no', '--replicaof', '127.0.0.1', String(masterPort)]));
  const config = join(dir, 'sentinel.conf');
  writeFileSync(config, [
    `sentinel monitor ${NAME} 127.0.0.1 ${masterPort} 1`,
    `sentinel down-after-milliseconds ${NAME} 1000`,
    `sentinel failover-timeout ${NAME} 10000`,
  ].join('\n') + '\n');
  processes.push(await startSentinel(config, sentinelPort));
}, 30_000);

/** redis-server in Sentinel mode (the config file must come first and be writable: Sentinel rewrites it). */
function startSentinel(config: string, port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', [config, '--sentinel', '--port', String(port), '--bind', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis sentinel did not start:\n${output}`)), 10_000);
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (output.includes('+monitor master')) { clearTimeout(timer); resolve(child); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`redis sentinel exited with ${code}:\n${output}`)); });
  });
}

afterAll(async () => {
  await Promise.all(processes.map(stopRedis));
  rmSync(dir, { recursive: true, force: true });
});

describe('RedisStore through Redis Sentinel', () => {
  it('finds the master by name and follows a failover to the replica, keeping what was recorded', async () => {
    const store = await RedisStore.connect({ sentinels: [`127.0.0.1:${sentinelPort}`], sentinelName: NAME, keyPrefix: 'sentinel:' });
    try {
      const before = newRequestId();
      expect((await store.recordAcceptance(before, acceptance('single', { requestId: before }))).outcome).toBe('recorded');
      // The replica has it before the master steps down (a coordinated failover loses nothing).
      // Asked again until the replica has synced: on a loaded machine its first sync outlasted one 5 s WAIT.
      const master = new Redis(masterPort);
      await expect.poll(() => master.call('WAIT', '1', '2000'), { timeout: 30_000, interval: 0 }).toBe(1);
      master.disconnect();
      const sentinel = new Redis(sentinelPort);
      // Sentinel learns of the replica from the master's INFO, polled every few seconds: before
      // that a failover has no replica to promote (NOGOODSLAVE), as seen once on a loaded machine.
      await expect.poll(async () => {
        const replicas = await sentinel.call('SENTINEL', 'REPLICAS', NAME) as string[][];
        return replicas.map((fields) => fields[fields.indexOf('flags') + 1]);
      }, { timeout: 20_000, interval: 200 }).toStrictEqual(['slave']);
      expect(await sentinel.call('SENTINEL', 'FAILOVER', NAME)).toBe('OK');
      await expect.poll(async () => (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME) as string[])[1], { timeout: 20_000, interval: 200 })
        .toBe(String(replicaPort));
      sentinel.disconnect();
      // Writes reach the new master once the client has reconnected through the Sentinel.
      const after = newRequestId();
      await expect.poll(async () => {
        try {
          return (await store.recordAcceptance(after, acceptance('single', { requestId: after }))).outcome;
        } catch {
          return 'unavailable';
        }
      }, { timeout: 20_000, interval: 200 }).toBe('recorded');
      expect((await store.recordAcceptance(before, acceptance('single', { requestId: before }))).outcome).toBe('duplicate');
      const newMaster = new Redis(replicaPort);
      expect((await newMaster.call('ROLE') as string[])[0]).toBe('master');
      newMaster.disconnect();
    } finally {
      await store.close();
    }
  }, 60_000);
});
