// The work after the acknowledgement, alone: N device requests recorded in a fresh redis-server,
// then this process's egress and simulated networks (as `npm start` runs them) take, answer and
// record them all. Prints the CPU per request of this process and of redis-server, the stage the
// ack scenario's "external networks" variant switches off, without HTTP, signatures or load
// generator beside it; rounds alternate with nothing else changing, so a change to egress, the
// simulators or the response path shows in a few seconds.
//   npm run bench:networks [-- --requests 40000 --rounds 5]   (after one round to warm up)
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { ALL_DESTINATIONS } from '@dccrouter/domain';
import { createStore, type Acceptance, type StateStore } from '@dccrouter/state';
import { loadConfig } from '../packages/router/src/config/index.ts';
import { startNetworks } from '../packages/router/src/egress/networks.ts';
import { createLogger } from '../packages/router/src/log/index.ts';
import { lifecycleMetrics } from '../packages/router/src/metrics/index.ts';
import { StatsAggregator } from '../packages/router/src/stats/index.ts';
import { CpuMeter } from './lib/machine.ts';
import { startBenchRedis } from './lib/redis.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '40000' }, rounds: { type: 'string', default: '5' } } });
const count = Number(values.requests);
const rounds = Number(values.rounds);
const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
const destinations = ALL_DESTINATIONS.filter((destination) => destination.startsWith('smets2/'));

/** A meter read as the pipeline records it: queued for egress with an on-demand TRT. */
function meterRead(n: number, now: number): [string, Acceptance] {
  const originatorId = `90-B3-D5-1F-30-00-00-${hex(n % 200)}`;
  const targetId = `00-DB-12-34-56-${hex((n >> 8) & 0xff)}-${hex(n & 0xff)}-A0`;
  const requestId = `${originatorId}:${targetId}:${1000 + n}`;
  const deadline = now + 30_000;
  return [requestId, {
    leg: 'single',
    legRecord: { bodyHash: `h${n}`, srv: '4.1.1', answer: { status: 202, body: '{}' } },
    record: {
      requestId, originatorId, targetId, srv: '4.1.1', commandVariant: 1, state: 'accepted', destination: destinations[n % destinations.length],
      generation: 'SMETS2+', acceptedAt: now, trt: { class: 'smets2.onDemand', budgetMs: 30_000, startsAt: now, deadline },
      bodyElement: 'ReadInstantaneousImportRegisters', bodyValue: {},
    },
    egress: { releaseAt: undefined },
    breachCheckAt: deadline,
  }];
}

async function round(): Promise<{ perSecond: number; router: number; redis: number }> {
  const redis = await startBenchRedis();
  try {
    const store: StateStore = await createStore({ redisUrl: redis.url });
    const now = Date.now();
    for (let i = 0; i < count; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, k) => store.recordAcceptance(...meterRead(i + k, now))));
    }
    const config = loadConfig({ REDIS_URL: redis.url, NETWORKS: 'simulated', SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20', SIMULATOR_SEED: '6' });
    const log = createLogger('warn');
    const stats = new StatsAggregator(store, config.statsFlushMs, log);
    // This process is the router here: the meter's "load generator" is its own CPU.
    const meter = new CpuMeter(undefined, redis.pid);
    const started = performance.now();
    const networks = await startNetworks(store, config, log, lifecycleMetrics(new Registry()), 'bench', stats);
    const answered = () => [...networks.simulators.values()].reduce((sum, network) => sum + network.answered, 0);
    while (answered() < count) await new Promise((resolve) => setTimeout(resolve, 10));
    const seconds = (performance.now() - started) / 1000;
    const perRequest = meter.finish(count).microsecondsPerRequest!;
    await networks.stop();
    await store.close();
    return { perSecond: count / seconds, router: perRequest.loadGenerator, redis: perRequest.redis };
  } finally {
    await redis.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// A first round not counted: the JIT settles in it (its figures run a third higher).
await round();
const results = [];
for (let i = 1; i <= rounds; i++) {
  const r = await round();
  results.push(r);
  console.log(`round ${i}: ${Math.round(r.perSecond)} responses/s, CPU per request: this process ${r.router.toFixed(1)} µs, redis-server ${r.redis.toFixed(1)} µs`);
}
console.log(`median of ${rounds} (${count} requests each): this process ${median(results.map((r) => r.router)).toFixed(1)} µs, redis-server ${median(results.map((r) => r.redis)).toFixed(1)} µs per request`);
process.exit(0);
