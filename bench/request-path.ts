// The request path alone, without sockets: a router built in this process (as `npm start` builds
// it), its Users and inventory provisioned as the suite does, then the realistic mix handed to its
// Hono app's fetch, 64 requests in flight. No load generator, no HTTP parsing or socket writes:
// what is left is the router's own work per request (decode, signature check, validation, TAD,
// record, answer) and Redis's, so a change to that work shows in seconds and with little noise.
// The same loop against a stub app that only reads the body and answers measures the harness,
// subtracted from the router's figure. Prints CPU per request of this process (all its threads:
// the router and its signature worker) and of redis-server, per round and the medians.
//   npm run bench:path [-- --store memory --networks in-process --rounds 5 --requests 20000]
//   REDIS_WAIT_REPLICAS=1 npm run bench:path -- --replica   (acceptances wait for a replica: its CPU told apart)
// Profile it with: bun --cpu-prof-md --cpu-prof-dir=/tmp/prof bench/request-path.ts (wall time), or with
// perf (time on a CPU only, JavaScript named through bench/jitdump-to-perf-map.ts, which says how).
import { parseArgs } from 'node:util';
import { createRouter, loadConfig, type Router } from '@dccrouter/router';
import { cleanUpOnExit, cpuSecondsAt, cpuSecondsOf, threadCpuSeconds } from './lib/processes.ts';
import { wholeNumberFlag } from './lib/options.ts';
import { startBenchRedis, startBenchReplica, type BenchRedis } from './lib/redis.ts';
import { median } from './lib/stats.ts';
import { ADMIN_TOKEN, metricByLabel, provision } from './lib/targets.ts';
import { checkAnswer, checkBatchAnswer, inventoryNdjson, makeUsers, signedOnceBatchPairs, TrafficPool, type BatchPair, type Unit } from './lib/traffic.ts';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'redis' },
    networks: { type: 'string', default: 'external' },
    rounds: { type: 'string', default: '5' },
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    devices: { type: 'string', default: '100000' },
    users: { type: 'string', default: '200' },
    // Batches of this many requests, each signed once by its User (X-DCC-Batch-Signature), 8 in flight.
    batch: { type: 'string', default: '0' },
    // Also print Redis's CPU per request by command (INFO commandstats).
    commands: { type: 'boolean', default: false },
    // A replica of the bench's Redis (for REDIS_WAIT_REPLICAS, taken from the environment as the router's other settings).
    replica: { type: 'boolean', default: false },
  },
});
const rounds = wholeNumberFlag('rounds', values.rounds, 1, 'rounds');
const unitsPerRound = Math.ceil(wholeNumberFlag('requests', values.requests, 2, 'requests a round') / 2);
const concurrency = wholeNumberFlag('concurrency', values.concurrency, 1, 'requests in flight');
const devices = wholeNumberFlag('devices', values.devices, 1, 'devices');
const userCount = wholeNumberFlag('users', values.users, 1, 'Users');
// Batches of this many requests, or 0: one request at a time.
const batchSize = wholeNumberFlag('batch', values.batch, 0, 'requests per batch (0: one request at a time)');
if (values.store !== 'redis' && values.store !== 'memory') throw new Error('--store is redis or memory');
if (values.networks !== 'external' && values.networks !== 'in-process') throw new Error('--networks is external or in-process');

const users = makeUsers(userCount);
/** A round's units, signed before its timing starts; each round's are new to the router and dropped after it. */
const unitsOfRound = (round: number): Unit[] =>
  new TrafficPool({ devices, users: users.length, badShare: 0.02, seed: 7 + round }, users, 'path', 1_000_000_000n * BigInt(round + 1)).take(unitsPerRound);

const redis: BenchRedis | undefined = values.store === 'redis' ? await startBenchRedis() : undefined;
if (values.replica && !redis) throw new Error('--replica is a replica of the bench\'s Redis: not with --store memory');
const replica = values.replica && redis ? await startBenchReplica(redis.port) : undefined;
// A run that fails (an unexpected answer, a round too small for a batch) or is interrupted
// (Ctrl-C, SIGTERM) leaves no redis-server, nor its directory, behind.
cleanUpOnExit(() => {
  replica?.killNow();
  redis?.killNow();
});
// The router's other settings (VERIFY_SIGNATURES, TAD, ...) come from the environment, as for `npm start`.
const router: Router = await createRouter(loadConfig({
  ...process.env,
  ROUTER_ADMIN_TOKEN: ADMIN_TOKEN,
  SEED_DEMO: 'false',
  LOG_LEVEL: 'warn',
  NETWORKS: values.networks === 'external' ? 'external' : 'simulated',
  ...(redis ? { REDIS_URL: redis.url } : {}),
}));
// Provisioning goes through a socket, as an operator's calls would; the timed part does not.
const verifySignatures = !/^(0|false|no|off)$/i.test(process.env.VERIFY_SIGNATURES ?? 'true');
const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: router.app.fetch, maxRequestBodySize: 256 * 1024 * 1024 });
await provision(`http://127.0.0.1:${server.port}`, { users, inventory: inventoryNdjson(devices, users.length), devices });
server.stop(true);

type Fetch = (request: Request) => Response | Promise<Response>;
const stub: Fetch = async (request) => {
  await request.arrayBuffer();
  return new Response('{"status":"accepted"}', { status: 202, headers: { 'content-type': 'application/json' } });
};

/** CPU seconds so far of this process alone (all its threads), not of the redis-server it started. */
const ownCpuSeconds = () => cpuSecondsAt('/proc/self/stat');

/** CPU seconds so far of each of this process's threads, by thread name (the main thread, the signature worker, JIT and GC helpers). */
const threadCpu = () => threadCpuSeconds([process.pid]);

const ROUND_TRIPS = 'dccrouter_redis_round_trips_total';
async function roundTrips(): Promise<Record<string, number>> {
  const response = await router.app.fetch(new Request('http://router/metrics'));
  return metricByLabel(await response.text(), ROUND_TRIPS, 'stage') ?? {};
}

interface Measured { seconds: number; cpu: number; redisCpu: number; replicaCpu: number; wrong: string[] }

/** Sends the units, `concurrency` at a time (a unit's two requests in order); answers checked on the router. */
function send(fetch: Fetch, units: readonly Unit[], check: boolean): Promise<Measured> {
  return measure(concurrency, units.length, async (index, wrong) => {
    for (const item of units[index]) {
      const response = await fetch(new Request('http://router/v1/service-requests', { method: 'POST', headers: item.headers, body: item.body as unknown as BodyInit }));
      const text = await response.text();
      const problem = check ? checkAnswer(item, response.status, text, verifySignatures) : undefined;
      if (problem && wrong.length < 5) wrong.push(problem);
    }
  });
}

/** Sends batch pairs signed once, 8 pairs in flight (a pair's second batch after its first, as the batch scenario does). */
function sendBatches(fetch: Fetch, pairs: readonly BatchPair[], check: boolean): Promise<Measured> {
  return measure(8, pairs.length, async (index, wrong) => {
    const pair = pairs[index];
    for (const half of [0, 1] as const) {
      const headers = { 'content-type': 'application/json', ...pair.headers![half] };
      const response = await fetch(new Request('http://router/v1/service-requests:batch', { method: 'POST', headers, body: pair.bodies[half] as unknown as BodyInit }));
      const text = await response.text();
      const problem = check ? checkBatchAnswer(pair.items[half], response.status, text, verifySignatures, {}) : undefined;
      if (problem && wrong.length < 5) wrong.push(problem);
    }
  });
}

/** Runs `count` jobs, `lanes` at a time, measuring this process's and redis-server's CPU. */
async function measure(lanes: number, count: number, job: (index: number, wrong: string[]) => Promise<void>): Promise<Measured> {
  const wrong: string[] = [];
  let next = 0;
  const cpuBefore = ownCpuSeconds();
  const redisBefore = cpuSecondsOf(redis?.pid);
  const replicaBefore = cpuSecondsOf(replica?.pid);
  const started = performance.now();
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < count) await job(next++, wrong);
  }));
  return {
    seconds: (performance.now() - started) / 1000,
    cpu: ownCpuSeconds() - cpuBefore,
    redisCpu: cpuSecondsOf(redis?.pid) - redisBefore,
    replicaCpu: cpuSecondsOf(replica?.pid) - replicaBefore,
    wrong,
  };
}

const micro = (seconds: number, requests: number) => (seconds * 1e6) / requests;

/** A round's requests, and how to send them all to an app (the router, or the stub). */
function roundOf(round: number): { requests: number; sendAll(fetch: Fetch, check: boolean): Promise<Measured> } {
  const units = unitsOfRound(round);
  if (batchSize === 0) return { requests: units.length * 2, sendAll: (fetch, check) => send(fetch, units, check) };
  const pairs = signedOnceBatchPairs(units, batchSize, users);
  // A batch signed once leaves out the requests made with a bad signature, and a User's leftovers short of a batch.
  const requests = pairs.reduce((sum, pair) => sum + pair.items[0].length + pair.items[1].length, 0);
  if (requests === 0) throw new Error(`no User has ${batchSize} requests of a round for a batch: raise --requests or lower --users`);
  return { requests, sendAll: (fetch, check) => sendBatches(fetch, pairs, check) };
}

console.log(`request path in-process: store ${values.store}, networks ${values.networks}, ${unitsPerRound * 2} requests a round, ${batchSize > 0 ? `in batches of ${batchSize} signed once, 8 batches` : concurrency} in flight`);
// The harness (the same loop against the stub app) is measured once, before the router's first
// round: measured after a router round, the stub's run would be charged the router's leftover
// background work (egress, the networks, recording responses), which would then be subtracted
// from the router's figure. One untimed run first, then the median of three.
const harnessRound = roundOf(0);
await harnessRound.sendAll(stub, false);
const harnessRuns: number[] = [];
for (let i = 0; i < 3; i++) harnessRuns.push(micro((await harnessRound.sendAll(stub, false)).cpu, harnessRound.requests));
const harness = median(harnessRuns);
console.log(`harness (the stub app, before the router's first round): ${harness.toFixed(1)} µs per request (runs ${harnessRuns.map((us) => us.toFixed(1)).join(', ')}), subtracted from the router's`);
const routerCpu: number[] = [];
const redisCpu: number[] = [];
for (let round = 0; round <= rounds; round++) {
  const { requests, sendAll } = round === 0 ? harnessRound : roundOf(round);
  const tripsBefore = await roundTrips();
  await redis?.resetStats();
  const threadsBefore = threadCpu();
  const run = await sendAll(router.app.fetch, true);
  const threadsAfter = threadCpu();
  const tripsAfter = await roundTrips();
  // Bytes and socket reads first: this INFO is one read (left out), and the commandstats' would be another.
  const network = (await redis?.network()) ?? { in: 0, out: 0, reads: 0 };
  // Every command Redis ran, a script's own ones included (INFO commandstats counts them under their names too).
  const stats = ((await redis?.commandStats()) ?? []).filter(({ command }) => !['info', 'config'].includes(command));
  const commands = stats.reduce((sum, { calls }) => sum + calls, 0) / requests;
  // Redis's CPU by command (a script's own commands inside its evalsha's figure too).
  const byCommand = values.commands ? `; by command, µs (overlapping: evalsha's include its scripts' commands): ${[...stats].sort((a, b) => b.usec - a.usec).slice(0, 30).map(({ command, usec, calls }) => `${command} ${(usec / requests).toFixed(2)} (${(calls / requests).toFixed(2)})`).join(', ')}` : '';
  const threads = [...threadsAfter].map(([name, seconds]) => [name, micro(seconds - (threadsBefore.get(name) ?? 0), requests)] as const)
    .filter(([, us]) => us >= 1).sort((a, b) => b[1] - a[1]);
  const trips = Object.entries(tripsAfter).map(([stage, n]) => [stage, (n - (tripsBefore[stage] ?? 0)) / requests] as const).filter(([, n]) => n >= 0.001);
  const tripsTotal = trips.reduce((sum, [, n]) => sum + n, 0);
  if (run.wrong.length > 0) throw new Error(`unexpected answers: ${run.wrong.join('; ')}`);
  const threadText = threads.map(([name, us]) => `${name} ${us.toFixed(0)}`).join(', ');
  const line = `router ${(micro(run.cpu, requests) - harness).toFixed(1)} µs + redis-server ${micro(run.redisCpu, requests).toFixed(1)} µs${replica ? ` (+ its replica ${micro(run.replicaCpu, requests).toFixed(1)} µs)` : ''} per request (${Math.round(requests / run.seconds)}/s; threads, µs: ${threadText}); Redis commands ${commands.toFixed(2)}, bytes ${Math.round(network.in / requests)} in ${Math.round(network.out / requests)} out, round trips (Redis socket reads) ${(Math.max(0, network.reads - 1) / requests).toFixed(3)}, calls ${tripsTotal.toFixed(3)} per request${trips.length ? `: ${trips.map(([stage, n]) => `${stage} ${n.toFixed(3)}`).join(', ')}` : ''}${byCommand}`;
  // The first round warms the JIT and the caches up.
  if (round === 0) {
    console.log(`warm-up: ${line}`);
    continue;
  }
  console.log(`round ${round}: ${line}`);
  routerCpu.push(micro(run.cpu, requests) - harness);
  redisCpu.push(micro(run.redisCpu, requests));
}
// Of an even count of rounds, the mean of the two middle ones.
console.log(`median of ${rounds}: router ${median(routerCpu).toFixed(1)} µs + redis-server ${median(redisCpu).toFixed(1)} µs of CPU per request (harness ${harness.toFixed(1)} µs, subtracted)`);
await router.shutdown();
await replica?.stop();
await redis?.stop();
process.exit(0);
