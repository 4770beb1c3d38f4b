// The benchmark suite: `npm run bench` (bun bench/run.ts). Starts what it needs (its own
// redis-server on a free port, routers and the echo baseline under Bun, on 127.0.0.1 only), runs
// the named scenarios, stops everything and writes bench/results/latest.{json,md} with SVG charts.
// `npm run bench -- --help` lists the flags.
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { machineInfo, WholeRunMeter } from './lib/machine.ts';
import { parseOptions, type ScenarioId } from './lib/options.ts';
import { killRunning } from './lib/processes.ts';
import { elapsedSeconds, log, step } from './lib/progress.ts';
import { startBenchRedis } from './lib/redis.ts';
import { headlineOf, SHARED_CORES, writeReport, type Report } from './lib/report.ts';
import { median, round } from './lib/stats.ts';
import { chartWriter, type ScenarioResult, type Suite } from './lib/suite.ts';
import { inventoryNdjson, makeUsers, mixOf, TrafficPool } from './lib/traffic.ts';
import { runAck } from './scenarios/ack.ts';
import { runBatch } from './scenarios/batch.ts';
import { runBreach } from './scenarios/breach.ts';
import { runCluster } from './scenarios/cluster.ts';
import { runAlerts } from './scenarios/alerts.ts';
import { runSchedules } from './scenarios/schedules.ts';
import { runE2e } from './scenarios/e2e.ts';
import { runLadder } from './scenarios/ladder.ts';
import { runXml } from './scenarios/xml.ts';
import { runProducts } from './scenarios/products.ts';

type ScenarioRun = (suite: Suite) => Promise<{ title: string; data: Record<string, unknown>; markdown: string[] }>;

const SCENARIO_RUNS: Record<ScenarioId, { title: string; run: ScenarioRun }> = {
  ack: { title: 'Acknowledgement path: side by side with the echo, and stage costs', run: runAck },
  ladder: { title: 'Rate ladder: open loop at 1x to 100x the DCC average', run: runLadder },
  batch: { title: 'Batch endpoint: saturation', run: runBatch },
  e2e: { title: 'End to end: submission to response readable, against acknowledgement only', run: runE2e },
  breach: { title: 'TRT breach detection with many open deadlines', run: runBreach },
  cluster: { title: 'Redis Cluster: 1, 2 and 4 router processes', run: runCluster },
  alerts: { title: 'Alert storm: a regional power outage', run: runAlerts },
  schedules: { title: 'DSP schedules coming due', run: runSchedules },
  xml: { title: 'DUIS XML against JSON: requests/s and CPU per request', run: runXml },
  products: { title: 'Product policy: CPL removal, SMETS1 eligibility and the enrolment report at scale', run: runProducts },
};

const options = parseOptions(process.argv.slice(2));
mkdirSync(options.out, { recursive: true });
const machine = machineInfo();
log(`DCC router benchmark suite: ${options.scenarios.join(', ')}${options.quick ? ' (quick)' : ''}; ${machine.cores} cores (${machine.cpu}), Bun ${machine.bun}; results to ${options.out}`);

const redis = await step('starting redis-server on a free loopback port', () => startBenchRedis(), (r) => r.url);
// Interrupted: stop the routers, the echo and redis-server this run started (its directory
// removed too), then leave.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping what the suite started`);
    killRunning();
    redis.killNow();
    process.exit(130);
  });
}
const wholeRun = new WholeRunMeter(redis.pid);
const results: ScenarioResult[] = [];
let exitCode = 0;
try {
  const users = await step(`making ${options.users} Users, each with its own P-256 key`, async () => makeUsers(options.users));
  const inventory = await step(`generating the inventory: ${options.devices} devices as NDJSON`, async () => inventoryNdjson(options.devices, users.length),
    (b) => `${(b.length / 1e6).toFixed(1)} MB`);
  const counterBase = BigInt(Date.now()) * 1_000_000n;
  const traffic = { devices: options.devices, users: options.users, badShare: options.badShare, seed: options.seed };
  const suite: Suite = {
    options,
    redis,
    users,
    provisioning: { users, inventory, devices: options.devices },
    pool: new TrafficPool(traffic, users, 'timed', counterBase),
    warmup: new TrafficPool({ ...traffic, seed: options.seed + 1 }, users, 'warm-up', counterBase + 1_000_000_000_000n),
    importRates: [],
    writeChart: chartWriter(options.out),
  };
  await step(`signing ${options.warmupUnits * 2} warm-up and ${options.closedUnits * 2} timed requests`, async () => {
    suite.warmup.ensure(options.warmupUnits);
    suite.pool.ensure(options.closedUnits);
  });

  for (const id of options.scenarios) {
    const started = performance.now();
    log(`=== scenario ${id} ===`);
    try {
      const outcome = await SCENARIO_RUNS[id].run(suite);
      results.push({ id, status: 'ok', seconds: round((performance.now() - started) / 1000), ...outcome });
    } catch (error) {
      exitCode = 1;
      const message = (error as Error).stack ?? String(error);
      log(`scenario ${id} FAILED: ${message}`);
      results.push({ id, title: SCENARIO_RUNS[id].title, status: 'failed', error: (error as Error).message, seconds: round((performance.now() - started) / 1000), data: {}, markdown: [] });
    }
  }

  const report: Report = {
    bench: 'dcc-router-suite',
    date: new Date().toISOString(),
    command: `bun bench/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
    quick: options.quick,
    seconds: round(elapsedSeconds()),
    machine: { ...machine, loadAverageAtEnd: loadavg().map((v) => round(v)), wholeRunCpuPercent: wholeRun.finish() },
    sharedCores: SHARED_CORES,
    traffic: {
      devices: options.devices,
      users: options.users,
      badShare: options.badShare,
      mix: mixOf(suite.pool.take(options.closedUnits)),
      mixDescription: `about 60% meter reads (4.1.1, 4.6.1, 4.8.1, CV 1), 14% prepayment top-ups (2.2), 10% tariff updates (1.1.1: CV 4 then CV 5 with the same RequestID, in order on one connection), 7% firmware version reads (11.2), 7% inventory reads (8.2, CV 8, to the Access Control Broker), ${round(options.badShare * 100)}% bad requests (wrong signature, unknown device, an SRV the User's roles may not send; each must be refused with its reason).`,
      importDevicesPerSecondMedian: suite.importRates.length ? Math.round(median(suite.importRates)) : null,
    },
    options,
    headline: headlineOf(results),
    scenarios: Object.fromEntries(results.map(({ markdown: _markdown, ...rest }) => [rest.id, rest])),
  };
  const files = writeReport(options.out, report, results);
  log(`wrote ${files.json} and ${files.markdown}`);
  log(`headline: ${JSON.stringify(report.headline)}`);
} finally {
  await step('stopping redis-server', () => redis.stop());
}
process.exit(exitCode);
