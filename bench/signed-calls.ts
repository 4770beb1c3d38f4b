// A User's reads, alone: the router under Bun on a fresh redis-server (NETWORKS=external), one
// User's outbox filled directly in Redis, then signed GET /v1/responses as a User makes them.
// Prints the router's CPU (all its threads) per call that finds nothing, per item read in pages
// of 1,000, and per call reading one item: what pulling costs beside the request path, which
// the e2e scenario's pull variant pays for. Calls go 8 at a time, as the e2e scenario's reader's.
//   npm run bench:calls [-- --rounds 4]   (rounds counted; a warm-up round runs before them)
import { parseArgs } from 'node:util';
import { signBytes } from '@dccrouter/client';
import { compareCursors, createStore, type NewOutboxItem } from '@dccrouter/state';
import { wholeNumberFlag } from './lib/options.ts';
import { cleanUpOnExit, cpuSecondsOf, killRunning, processTree, startBunService, threadCpuSeconds } from './lib/processes.ts';
import { startBenchRedis } from './lib/redis.ts';
import { median } from './lib/stats.ts';
import { adminCall, ADMIN_TOKEN } from './lib/targets.ts';
import { makeUsers } from './lib/traffic.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '4' } } });
// Counted rounds: round 0, a warm-up, runs before them and is not counted.
const rounds = wholeNumberFlag('rounds', values.rounds, 1, 'rounds counted (a warm-up round runs before them)');
const CONCURRENT = 8;

const redis = await startBenchRedis();
// A run that fails or is interrupted (Ctrl-C, SIGTERM) leaves neither the router nor redis-server
// (nor its directory) behind; a run that ends well has stopped them already.
cleanUpOnExit(() => {
  killRunning();
  redis.killNow();
});
const router = await startBunService('packages/router/src/main.ts', { REDIS_URL: redis.url, NETWORKS: 'external', ROUTER_ADMIN_TOKEN: ADMIN_TOKEN, ROUTER_PROCESSES: '1' });
const store = await createStore({ redisUrl: redis.url });
const [user] = makeUsers(1);
const registered = await adminCall(router.url, 'PUT', `/v1/admin/users/${user.userId}`, { roles: user.roles, status: 'active', publicKeyPem: user.publicKeyPem });
if (registered.status !== 200) throw new Error(`cannot register ${user.userId}: ${JSON.stringify(registered.body)}`);

let cursor: string | undefined;
let next = 0;
/** A meter read's response as the networks leave it in the outbox. */
async function fillOutbox(count: number): Promise<void> {
  const body = { ReadInstantaneousImportRegisters: { ImportEnergyRegister: 123456, TariffTOURegister: [1, 2, 3, 4], Timestamp: '2026-12-04T14:00:00.000Z' } };
  for (let i = 0; i < count; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - i) }, () => {
      const n = next++;
      const item: NewOutboxItem = { kind: 'response', requestId: `${user.userId}:00-DB-12-34-56-00-01-A0:${1000 + n}`, responseId: `r${n}`, responseCode: 'I0', body };
      return store.enqueueOutbox(user.userId, item);
    }));
  }
}

/** `calls` signed pulls, CONCURRENT at a time, each from the cursor the last answer gave: the router's CPU seconds and the items read. */
async function pulls(calls: number, limit: number): Promise<{ cpu: number; items: number; threads: Map<string, number> }> {
  const before = cpuSecondsOf(router.child.pid);
  const threadsBefore = threadCpuSeconds(processTree(router.child.pid!));
  let items = 0;
  let left = calls;
  await Promise.all(Array.from({ length: CONCURRENT }, async () => {
    while (left-- > 0) {
      const path = `/v1/responses?limit=${limit}${cursor ? `&after=${cursor}` : ''}`;
      const timestamp = new Date().toISOString();
      const response = await fetch(`${router.url}${path}`, {
        headers: { 'x-dcc-user': user.userId, 'x-dcc-timestamp': timestamp, 'x-dcc-signature': signBytes(user.privateKey, `GET\n${path}\n${timestamp}`) },
      });
      if (response.status !== 200) throw new Error(`pull: ${response.status} ${await response.text()}`);
      const answer = (await response.json()) as { items: unknown[]; next: string };
      items += answer.items.length;
      if (cursor === undefined || compareCursors(answer.next, cursor) > 0) cursor = answer.next;
    }
  }));
  const threads = threadCpuSeconds(processTree(router.child.pid!));
  for (const [name, seconds] of threads) threads.set(name, seconds - (threadsBefore.get(name) ?? 0));
  return { cpu: cpuSecondsOf(router.child.pid) - before, items, threads };
}

/** A thread split per call, biggest first, as "bun 120, Worker 60" (µs). */
const perCall = (threads: Map<string, number>, calls: number) => [...threads].map(([name, seconds]) => [name, (seconds * 1e6) / calls] as const)
  .filter(([, us]) => us >= 1).sort((a, b) => b[1] - a[1]).map(([name, us]) => `${name} ${us.toFixed(0)}`).join(', ');

const empty: number[] = [];
const paged: number[] = [];
const single: number[] = [];
for (let round = 0; round <= rounds; round++) {
  await fillOutbox(20_000);
  const pages = await pulls(20, 1000);
  await fillOutbox(2_000);
  const ones = await pulls(2000, 1);
  // Concurrent calls share the cursor, so some read the same items: catch up before the empty calls.
  while ((await pulls(1, 1000)).items > 0);
  const nothing = await pulls(2000, 1000);
  if (round === 0) continue;
  empty.push((nothing.cpu * 1e6) / 2000);
  paged.push((pages.cpu * 1e6) / pages.items);
  single.push((ones.cpu * 1e6) / 2000);
  console.log(`round ${round}: ${empty.at(-1)!.toFixed(0)} µs per call finding nothing, ${paged.at(-1)!.toFixed(1)} µs per item in pages of 1,000, ${single.at(-1)!.toFixed(0)} µs per call reading one item; by thread, µs per call finding nothing: ${perCall(nothing.threads, 2000)}`);
}
console.log(`median of ${rounds}: ${median(empty).toFixed(0)} µs per call finding nothing, ${median(paged).toFixed(1)} µs per item in pages of 1,000, ${median(single).toFixed(0)} µs per call reading one item (router CPU, all threads)`);
await store.close();
await router.stop();
await redis.stop();
process.exit(0);
