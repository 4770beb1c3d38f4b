// The work after the acknowledgement, alone: N device requests recorded in a fresh redis-server,
// then this process's egress and simulated networks (as `npm start` runs them) take, answer and
// record them all. Prints the CPU per request of this process and of redis-server, the stage the
// ack scenario's "external networks" variant switches off, without HTTP, signatures or load
// generator beside it; rounds alternate with nothing else changing, so a change to egress, the
// simulators or the response path shows in a few seconds. The acceptance writes that queue them
// are measured too, and for both what Redis spent by command (INFO commandstats; a script's own
// commands count under their names as well as inside its evalsha).
//   npm run bench:networks [-- --requests 40000 --rounds 5]   (after one round to warm up)
// Run it as npm runs it: with MIMALLOC_PURGE_DELAY=-1, as `npm start` runs the router.
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
import { wholeNumberFlag } from './lib/options.ts';
import { startBenchRedis, type BenchRedis } from './lib/redis.ts';
import { median } from './lib/stats.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '40000' }, rounds: { type: 'string', default: '5' } } });
const count = wholeNumberFlag('requests', values.requests, 1, 'requests a round');
const rounds = wholeNumberFlag('rounds', values.rounds, 1, 'rounds');
const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
const destinations = ALL_DESTINATIONS.filter((destination) => destination.startsWith('smets2/'));

/**
 * A meter read as the pipeline records it: queued for egress with an on-demand TRT. Accepted as if
 * 5,000 arrived a second, so deadlines spread over milliseconds as live traffic's do (a million
 * equal deadlines would make every TRT index insertion compare RequestIDs, costing Redis more).
 */
function meterRead(n: number, start: number): [string, Acceptance] {
  const originatorId = `90-B3-D5-1F-30-00-00-${hex(n % 200)}`;
  const targetId = `00-DB-12-34-56-${hex((n >> 8) & 0xff)}-${hex(n & 0xff)}-A0`;
  const requestId = `${originatorId}:${targetId}:${1000 + n}`;
  const now = start + Math.floor(n / 5);
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

interface Round {
  perSecond: number;
  router: number;
  redis: number;
  acceptRouter: number;
  acceptRedis: number;
  /** Redis µs per request by command: the acceptances', then the work after. */
  acceptCommands: Map<string, number>;
  commands: Map<string, number>;
}

/** Redis µs per request by command since the last reset, commands under 0.5 µs left out. */
async function commandCosts(redis: BenchRedis): Promise<Map<string, number>> {
  const stats = (await redis.commandStats()).filter((stat) => !/^(config|info)/.test(stat.command));
  return new Map(stats.map((stat) => [stat.command, stat.usec / count] as const).filter(([, us]) => us >= 0.5).sort((a, b) => b[1] - a[1]));
}

async function round(): Promise<Round> {
  const redis = await startBenchRedis();
  try {
    const store: StateStore = await createStore({ redisUrl: redis.url });
    const now = Date.now();
    // The acceptance writes that queue them, measured too: the request path's share of Redis.
    await redis.resetStats();
    const acceptMeter = new CpuMeter(undefined, redis.pid);
    for (let i = 0; i < count; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, k) => store.recordAcceptance(...meterRead(i + k, now))));
    }
    const accepted = acceptMeter.finish(count).microsecondsPerRequest!;
    const acceptCommands = await commandCosts(redis);
    await redis.resetStats();
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
    const commands = await commandCosts(redis);
    await networks.stop();
    await store.close();
    return { perSecond: count / seconds, router: perRequest.loadGenerator, redis: perRequest.redis, acceptRouter: accepted.loadGenerator, acceptRedis: accepted.redis, acceptCommands, commands };
  } finally {
    await redis.stop();
  }
}

const medianCosts = (maps: Map<string, number>[]) => [...maps[0].keys()]
  .map((command) => `${command} ${median(maps.map((costs) => costs.get(command) ?? 0)).toFixed(1)}`).join(', ');
// A first round not counted: the JIT settles in it (its figures run a third higher).
await round();
const results = [];
for (let i = 1; i <= rounds; i++) {
  const r = await round();
  results.push(r);
  console.log(`round ${i}: ${Math.round(r.perSecond)} responses/s, CPU per request: this process ${r.router.toFixed(1)} µs, redis-server ${r.redis.toFixed(1)} µs (their acceptance: ${r.acceptRouter.toFixed(1)} and ${r.acceptRedis.toFixed(1)} µs)`);
}
console.log(`median of ${rounds} (${count} requests each): this process ${median(results.map((r) => r.router)).toFixed(1)} µs, redis-server ${median(results.map((r) => r.redis)).toFixed(1)} µs per request; their acceptance ${median(results.map((r) => r.acceptRouter)).toFixed(1)} and ${median(results.map((r) => r.acceptRedis)).toFixed(1)} µs`);
console.log(`Redis µs per request by command, after the acknowledgement: ${medianCosts(results.map((r) => r.commands))}`);
console.log(`Redis µs per request by command, the acceptances: ${medianCosts(results.map((r) => r.acceptCommands))}`);
process.exit(0);
