// Accepted requests per second through the router, side by side with a bare Hono echo on Bun,
// with signatures on and off, on the embedded store and on Redis. Run: npm run bench:ack
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildJsonRequest, signBytes } from '@dccrouter/client';
import { DEMO_DEVICES, DEMO_SUPPLIER } from '@dccrouter/router';
import { freePort, startRedis, stopRedis } from '../test/support/redis-server.ts';
import { median, sendAll, type LoadResult } from './lib/load.ts';
import { ROOT, startBunService, type Service } from './lib/processes.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '30000' },
    connections: { type: 'string', default: '64' },
    repeats: { type: 'string', default: '3' },
    out: { type: 'string', default: join(ROOT, 'bench/results') },
  },
});
const requestCount = Number(values.requests);
const connections = Number(values.connections);
const repeats = Number(values.repeats);

// Requests spread over the demo electricity meters the demo supplier may read.
const meters = DEMO_DEVICES.filter((d) => d.deviceType === 'ESME' && d.importSupplier === DEMO_SUPPLIER);
const key = readFileSync(join(ROOT, 'packages/client/demo/demo-user.key.pem'), 'utf8');
console.log(`signing ${requestCount} requests…`);
const base = BigInt(Date.now()) * 1_000_000n;
const bodies = Array.from({ length: requestCount }, (_, i) => {
  const body = buildJsonRequest({ originatorId: DEMO_SUPPLIER, targetId: meters[i % meters.length].deviceId, counter: base + BigInt(i), commandVariant: 1, srv: '4.1.1' });
  return { body, signature: signBytes(key, body) };
});

const redisPort = await freePort();
const redisDir = mkdtempSync(join(tmpdir(), 'dccrouter-bench-'));
const redis = await startRedis(redisPort, redisDir);
const redisUrl = `redis://127.0.0.1:${redisPort}`;

interface Scenario {
  name: string;
  start: () => Promise<Service>;
}
// Every run gets a fresh router (and an empty Redis), so each prepared request is new to it.
let runNumber = 0;
const router = (env: Record<string, string>) => () =>
  startBunService('packages/router/src/main.ts', { SEED_DEMO: 'true', REDIS_KEY_PREFIX: `bench:${runNumber++}:`, ...env });
const scenarios: Scenario[] = [
  { name: 'echo (bare Hono on Bun)', start: () => startBunService('bench/echo-server.ts', {}) },
  { name: 'router, memory store, signatures on', start: router({}) },
  { name: 'router, memory store, signatures off', start: router({ VERIFY_SIGNATURES: 'false' }) },
  { name: 'router, Redis, signatures on', start: router({ REDIS_URL: redisUrl }) },
  { name: 'router, Redis, signatures off', start: router({ REDIS_URL: redisUrl, VERIFY_SIGNATURES: 'false' }) },
];

const runs = new Map<string, LoadResult[]>(scenarios.map((s) => [s.name, []]));
try {
  // Interleaved repeats: each round runs every scenario once, so a noisy neighbour hits all alike.
  for (let round = 1; round <= repeats; round++) {
    for (const scenario of scenarios) {
      const service = await scenario.start();
      try {
        const result = await sendAll(service.url, bodies, connections);
        runs.get(scenario.name)!.push(result);
        console.log(`round ${round}/${repeats}  ${scenario.name.padEnd(40)} ${result.perSecond.toFixed(0).padStart(7)} req/s  p50 ${result.latencyP50} ms  p99 ${result.latencyP99} ms  ${JSON.stringify(result.statuses)}`);
      } finally {
        await service.stop();
      }
    }
  }
} finally {
  await stopRedis(redis);
  rmSync(redisDir, { recursive: true, force: true });
}

const echoRate = median(runs.get(scenarios[0].name)!.map((r) => r.perSecond));
const rows = scenarios.map(({ name }) => {
  const results = runs.get(name)!;
  const perSecond = median(results.map((r) => r.perSecond));
  const accepted = results.every((r) => Object.keys(r.statuses).every((s) => s === '202'));
  return {
    scenario: name,
    medianPerSecond: Math.round(perSecond),
    ratioToEcho: Number((perSecond / echoRate).toFixed(3)),
    medianP50Ms: median(results.map((r) => r.latencyP50)),
    medianP99Ms: median(results.map((r) => r.latencyP99)),
    allAccepted: accepted,
    runs: results.map((r) => Math.round(r.perSecond)),
  };
});
const machine = { cores: cpus().length, cpu: cpus()[0]?.model, bun: Bun.version, requestsPerRun: requestCount, connections, repeats };
const sharedWith = 'the load generator (autocannon, in this Bun process), the router or echo process, its signature worker thread and redis-server all share the same cores';

console.log('\nmedians of', repeats, 'runs:');
console.table(rows.map(({ runs: _runs, ...row }) => row));
mkdirSync(values.out!, { recursive: true });
const report = { bench: 'ack-throughput', date: new Date().toISOString(), machine, sharedWith, rows };
writeFileSync(join(values.out!, 'ack-throughput.json'), JSON.stringify(report, null, 2) + '\n');
const markdown = [
  `# Acknowledgement throughput (${report.date.slice(0, 10)})`,
  '',
  `Machine: ${machine.cores} cores (${machine.cpu}), Bun ${machine.bun}. Each run sends ${requestCount} distinct signed requests (SRV 4.1.1, CV 1) over ${connections} connections; medians of ${repeats} interleaved runs. Shared cores: ${sharedWith}.`,
  '',
  '| scenario | median req/s | ratio to echo | p50 ms | p99 ms | all 202 | runs |',
  '|---|---:|---:|---:|---:|---|---|',
  ...rows.map((r) => `| ${r.scenario} | ${r.medianPerSecond} | ${r.ratioToEcho} | ${r.medianP50Ms} | ${r.medianP99Ms} | ${r.allAccepted ? 'yes' : 'NO'} | ${r.runs.join(', ')} |`),
  '',
].join('\n');
writeFileSync(join(values.out!, 'ack-throughput.md'), markdown);
console.log(`\nwrote ${join(values.out!, 'ack-throughput.md')}`);
process.exit(rows.every((r) => r.allAccepted) ? 0 : 1);
