// Scenario "batch": POST /v1/service-requests:batch, many individually signed requests per HTTP
// call. Its saturation point, closed loop side by side with single requests and with the
// machine's raw ECDSA verification capacity (repeats interleaved), then an open-loop ladder in
// Service Requests per second.
import { runClosedLoop, type LoadItem } from '../lib/closed-loop.ts';
import { goal, notAsExpected } from '../lib/goals.ts';
import { CpuMeter } from '../lib/machine.ts';
import { runOpenLoop } from '../lib/open-loop.ts';
import { step } from '../lib/progress.ts';
import { addCounts, median, medianRun, round } from '../lib/stats.ts';
import type { Variant } from '../lib/targets.ts';
import { closedLoopRun, formatMs, formatRate, warmUp, withTarget, type MeasuredRun, type Suite } from '../lib/suite.ts';
import { batchPairs, checkBatchAnswer, DCC_AVERAGE_PER_SECOND, signedOnceBatchPairs, type BatchPair, type TrafficItem } from '../lib/traffic.ts';
import { measureVerifyCapacity, type VerifyCapacity } from '../lib/verify-capacity.ts';
import { climbLadder, ladderCharts, ladderTable } from './ladder.ts';
import { FULL } from './variants.ts';

/**
 * Signed once, as the target counts it ("into durable egress"): the full router with its networks
 * elsewhere, so each acknowledged request ends in its destination's egress stream in Redis and the
 * networks' own work (a CSP's, in production) is not on these cores.
 */
const EGRESS_ONLY: Variant = { ...FULL, id: 'router-egress-only', label: 'router, networks elsewhere (NETWORKS=external)', env: { NETWORKS: 'external' } };
/**
 * The same with a router process per core: a batch signed once leaves its process's signature
 * worker idle, so the main thread is the limit and a second process (same port) takes the other core.
 */
const EGRESS_ONLY_PER_CORE: Variant = {
  ...FULL, id: 'router-egress-only-per-core', label: 'router, networks elsewhere, a process per core (ROUTER_PROCESSES=2)',
  env: { NETWORKS: 'external', ROUTER_PROCESSES: '2' },
};

interface BatchItem extends LoadItem {
  items: TrafficItem[];
}

const BATCH_HEADERS = { 'content-type': 'application/json' };

const itemOf = (pair: BatchPair, position: 0 | 1): BatchItem => ({
  body: pair.bodies[position], headers: { ...BATCH_HEADERS, ...pair.headers?.[position] }, items: pair.items[position],
});

/** Batches of one User's requests, each batch signed once by that User (see signedOnceBatchPairs). */
function signedOnceSource(suite: Suite) {
  const units = suite.options.quick ? 400 : 60_000;
  suite.pool.ensure(units);
  const pairs = signedOnceBatchPairs(suite.pool.take(units), suite.options.batchSize, suite.users);
  return { pairs: pairs.length, unitAt: (index: number) => [itemOf(pairs[index], 0), itemOf(pairs[index], 1)] as const };
}

/** Batch pairs over the pool's units, made as needed and kept. */
function batchSource(suite: Suite) {
  const size = suite.options.batchSize;
  const pairs: BatchPair[] = [];
  const ensure = (count: number) => {
    if (pairs.length >= count) return;
    suite.pool.ensure(count * size);
    pairs.push(...batchPairs(suite.pool.take(count * size).slice(pairs.length * size), size));
  };
  return {
    ensure,
    unitAt(index: number): readonly [BatchItem, BatchItem] {
      ensure(index + 1);
      return [itemOf(pairs[index], 0), itemOf(pairs[index], 1)];
    },
  };
}

export async function runBatch(suite: Suite) {
  const { options } = suite;
  const size = options.batchSize;
  const source = batchSource(suite);
  const pairCount = Math.max(options.batchConnections, Math.floor(options.batchUnits / size));
  await step(`batch  signing and packing ${formatRate(pairCount * size * 2)} requests into batches of ${size}`, async () => source.ensure(pairCount));

  const once = await step(`batch  packing one User's requests into batches of ${size} signed once`, async () => signedOnceSource(suite), (o) => `${o.pairs * 2} batches`);
  const singleRuns: MeasuredRun[] = [];
  const onceRuns: (MeasuredRun & { itemStatuses: Record<string, number> })[] = [];
  const onceEgressRuns: (MeasuredRun & { itemStatuses: Record<string, number> })[] = [];
  const onceEgressPerCoreRuns: (MeasuredRun & { itemStatuses: Record<string, number> })[] = [];
  const batchRuns: (MeasuredRun & { itemStatuses: Record<string, number> })[] = [];
  const capacityRuns: VerifyCapacity[] = [];
  const signedOnceRun = (round: number, variant: Variant, what: string) =>
    step(`batch  round ${round}/${options.repeats}  batches of ${size} signed once (${what})`, () => withTarget(suite, variant, async (target) => {
      await warmUp(suite, target);
      const itemStatuses: Record<string, number> = {};
      const meter = new CpuMeter(target.pid, suite.redis.pid);
      const result = await runClosedLoop<BatchItem>({
        url: target.url, path: '/v1/service-requests:batch', connections: options.batchConnections,
        units: once.pairs, unitAt: (i) => once.unitAt(i), maxSeconds: options.closedSeconds, itemsPerRequest: size,
        // Every item is judged as if it carried a valid signature of its own.
        check: (item, status, body) => checkBatchAnswer(item.items, status, body, target.verifySignatures, itemStatuses),
      });
      return { ...result, cpu: meter.finish(result.answered * size), itemStatuses };
    }), (r) => `${formatRate(r.perSecond)} req/s in ${formatRate(r.httpPerSecond)} batches/s  p99 ${r.latencyMs.p99} ms per batch  ${JSON.stringify(r.itemStatuses)}${r.unexpected ? `  UNEXPECTED ${r.unexpected}` : ''}`);
  // The capacity measurement verifies the requests the batches carry (the pool's first ones).
  const capacitySample = suite.pool.take(Math.min(1_000, Math.max(1, Math.floor(options.batchUnits / 2)))).flat();
  for (let round = 1; round <= options.repeats; round++) {
    singleRuns.push(await step(`batch  round ${round}/${options.repeats}  single requests (router, full)`, () => withTarget(suite, FULL, async (target) => {
      await warmUp(suite, target);
      return closedLoopRun(suite, target);
    }), (r) => `${formatRate(r.perSecond)} req/s`));
    batchRuns.push(await step(`batch  round ${round}/${options.repeats}  batches of ${size} (router, full)`, () => withTarget(suite, FULL, async (target) => {
      await warmUp(suite, target);
      const itemStatuses: Record<string, number> = {};
      const meter = new CpuMeter(target.pid, suite.redis.pid);
      const result = await runClosedLoop<BatchItem>({
        url: target.url, path: '/v1/service-requests:batch', connections: options.batchConnections,
        units: pairCount, unitAt: (i) => source.unitAt(i), maxSeconds: options.closedSeconds, itemsPerRequest: size,
        check: (item, status, body) => checkBatchAnswer(item.items, status, body, target.verifySignatures, itemStatuses),
      });
      return { ...result, cpu: meter.finish(result.answered * size), itemStatuses };
    }), (r) => `${formatRate(r.perSecond)} req/s in ${formatRate(r.httpPerSecond)} batches/s  p99 ${r.latencyMs.p99} ms per batch  ${JSON.stringify(r.itemStatuses)}${r.unexpected ? `  UNEXPECTED ${r.unexpected}` : ''}`));
    onceRuns.push(await signedOnceRun(round, FULL, 'router, full'));
    onceEgressRuns.push(await signedOnceRun(round, EGRESS_ONLY, 'router, networks elsewhere: into durable egress'));
    onceEgressPerCoreRuns.push(await signedOnceRun(round, EGRESS_ONLY_PER_CORE, 'two router processes, networks elsewhere: into durable egress'));
    capacityRuns.push(await step(`batch  round ${round}/${options.repeats}  raw ECDSA P-256 verify capacity (one process per core, ${options.verifySeconds} s)`,
      () => measureVerifyCapacity(capacitySample, suite.users, options.verifySeconds),
      (c) => `${formatRate(c.perSecond)} verifications/s over ${c.processes} processes (${c.perProcess.map(formatRate).join(' + ')})`));
  }
  const singleRate = median(singleRuns.map((r) => r.perSecond));
  const batchRate = median(batchRuns.map((r) => r.perSecond));
  const capacity = median(capacityRuns.map((c) => c.perSecond));
  const onceRate = median(onceRuns.map((r) => r.perSecond));
  const onceCpu = medianRun(onceRuns, (r) => r.perSecond)?.cpu.microsecondsPerRequest;
  const onceEgressRate = median(onceEgressRuns.map((r) => r.perSecond));
  const onceEgressCpu = medianRun(onceEgressRuns, (r) => r.perSecond)?.cpu.microsecondsPerRequest;
  const perCoreRate = median(onceEgressPerCoreRuns.map((r) => r.perSecond));
  const perCoreCpu = medianRun(onceEgressPerCoreRuns, (r) => r.perSecond)?.cpu.microsecondsPerRequest;
  // The target counts the router as an operator would run it for such a feed: whichever of one
  // process (the default) and a process per core carried more, both reported.
  const perCoreBetter = perCoreRate > onceEgressRate;
  const bestOnceRate = Math.max(onceEgressRate, perCoreRate);
  const bestOnceCpu = perCoreBetter ? perCoreCpu : onceEgressCpu;
  const cpuOf = (cpu: typeof onceCpu) => (cpu ? `${round(cpu.target)} + ${round(cpu.redis)}` : '?');
  const cores = capacityRuns[0].processes;
  const unexpectedOf = (runs: MeasuredRun[]) => runs.reduce((s, r) => s + r.unexpected + r.errors + r.timeouts, 0);
  const goals = [
    goal('batchToVerifyCapacity', `batch path (batches of ${size}) ÷ raw ECDSA verify capacity of all ${cores} cores`, round(batchRate / capacity),
      `${formatRate(batchRate)}/s vs ${formatRate(capacity)} verifications/s`, { spoiledBy: notAsExpected({ 'batch runs': unexpectedOf(batchRuns) }) }),
    goal('signedOnceRate', `batches of ${size} signed once, requests/s into durable egress on ${cores} cores`, Math.round(bestOnceRate),
      `${formatRate(bestOnceRate / cores)}/s per core, networks elsewhere, ${perCoreBetter ? `a router process per core (one process: ${formatRate(onceEgressRate)}/s)` : `one router process (a process per core: ${formatRate(perCoreRate)}/s)`}; router + redis-server ${bestOnceCpu ? round(bestOnceCpu.target + bestOnceCpu.redis) : '?'} µs of CPU per answered request; with the simulated networks in-process ${formatRate(onceRate)}/s`,
      { spoiledBy: notAsExpected({ 'one process': unexpectedOf(onceEgressRuns), 'a process per core': unexpectedOf(onceEgressPerCoreRuns) }) }),
  ];

  const ladder = await climbLadder(suite, {
    name: 'batch-ladder',
    variants: [{ ...FULL, id: 'router-batch', label: `router, batches of ${size}` }],
    prepare: (offered) => source.ensure(Math.ceil((offered * options.rungSeconds) / size / 2) + 1),
    run: (target, offered, seed) => runOpenLoop<BatchItem>({
      url: target.url, path: '/v1/service-requests:batch', ratePerSecond: offered / size, durationSeconds: options.rungSeconds,
      maxRequests: Math.ceil(options.rungMaxRequests / size),
      // The second batch of a pair carries the CV 5 legs of the first's CV 4 legs: it waits for it.
      itemAt: (i) => ({ item: source.unitAt(Math.floor(i / 2))[i % 2], afterPrevious: i % 2 === 1 }),
      maxOutstanding: Math.max(4, Math.ceil(options.maxOutstanding / size)), drainSeconds: Math.max(5, options.rungSeconds * 2), seed,
      itemsPerRequest: size,
      check: (item, status, body) => checkBatchAnswer(item.items, status, body, target.verifySignatures, {}),
    }),
  });
  const outcome = ladder[0];
  const charts = ladderCharts(suite, 'batch', `Batches of ${size}`, ladder);
  const unexpected = unexpectedOf(batchRuns);
  const data = {
    batchSize: size,
    method: `closed loop, autocannon, ${options.batchConnections} connections sending batches of ${size} (a tariff's CV 5 legs go in the batch after the one with their CV 4 legs, on the same connection), against single requests on ${options.connections} connections; ${options.repeats} interleaved repeats; then an open-loop ladder`,
    closedLoop: {
      singlePerSecond: Math.round(singleRate),
      batchPerSecond: Math.round(batchRate),
      batchToSingleRatio: round(batchRate / singleRate),
      batchRuns: batchRuns.map((r) => Math.round(r.perSecond)),
      singleRuns: singleRuns.map((r) => Math.round(r.perSecond)),
      batchLatencyP99Ms: median(batchRuns.map((r) => r.latencyMs.p99)),
      itemStatuses: batchRuns.reduce((all, r) => addCounts(all, r.itemStatuses), {} as Record<string, number>),
      unexpected,
      unexpectedSamples: batchRuns.flatMap((r) => r.unexpectedSamples).slice(0, 5),
      cpuMicrosecondsPerRequest: medianRun(batchRuns, (r) => r.perSecond)?.cpu.microsecondsPerRequest,
    },
    signedOnce: {
      method: `closed loop as above, each batch one User's ${size} requests (their own signatures left out, bad-signature ones not included) with X-DCC-User and X-DCC-Batch-Signature over the batch's bytes; ${once.pairs * 2} batches`,
      perSecond: Math.round(onceRate),
      perSecondPerCore: Math.round(onceRate / cores),
      runs: onceRuns.map((r) => Math.round(r.perSecond)),
      latencyP99Ms: median(onceRuns.map((r) => r.latencyMs.p99)),
      itemStatuses: onceRuns.reduce((all, r) => addCounts(all, r.itemStatuses), {} as Record<string, number>),
      unexpected: unexpectedOf(onceRuns),
      cpuMicrosecondsPerRequest: onceCpu,
      intoDurableEgress: {
        method: `the same batches against the full router with NETWORKS=external: each acknowledged request ends in its destination's egress stream, nothing consumes it`,
        perSecond: Math.round(onceEgressRate),
        perSecondPerCore: Math.round(onceEgressRate / cores),
        runs: onceEgressRuns.map((r) => Math.round(r.perSecond)),
        latencyP99Ms: median(onceEgressRuns.map((r) => r.latencyMs.p99)),
        unexpected: unexpectedOf(onceEgressRuns),
        cpuMicrosecondsPerRequest: onceEgressCpu,
        perCore: {
          method: 'the same with ROUTER_PROCESSES=2: two router processes on one port, one per core',
          perSecond: Math.round(perCoreRate),
          runs: onceEgressPerCoreRuns.map((r) => Math.round(r.perSecond)),
          latencyP99Ms: median(onceEgressPerCoreRuns.map((r) => r.latencyMs.p99)),
          unexpected: unexpectedOf(onceEgressPerCoreRuns),
          cpuMicrosecondsPerRequest: perCoreCpu,
        },
      },
    },
    verifyCapacity: {
      method: `one Bun process per core (${capacityRuns[0].processes}), each verifying ${capacitySample.length} of the suite's pre-signed requests round and round (node:crypto, DER, a KeyObject per User) for the same ${options.verifySeconds} s window; rates summed; once per round, after the batch run`,
      perSecond: Math.round(capacity),
      runs: capacityRuns,
      batchRatio: round(batchRate / capacity),
    },
    goals,
    ladder: outcome,
    sustainedPerSecond: outcome.sustainedPerSecond,
    saturationPerSecond: Math.round(Math.max(batchRate, outcome.peakAchievedPerSecond)),
  };
  const onceUnexpected = data.signedOnce.unexpected + data.signedOnce.intoDurableEgress.unexpected + data.signedOnce.intoDurableEgress.perCore.unexpected;
  const markdown = [
    `Closed loop: **${formatRate(batchRate)} requests/s in batches of ${size}** (${formatRate(median(batchRuns.map((r) => r.httpPerSecond)))} batches/s, p99 ${formatMs(data.closedLoop.batchLatencyP99Ms)} ms per batch) against ${formatRate(singleRate)}/s sent one by one, ${data.closedLoop.batchToSingleRatio}× (median of ${options.repeats}, interleaved; runs ${data.closedLoop.batchRuns.join(', ')} vs ${data.closedLoop.singleRuns.join(', ')}). Every item is judged as if sent alone (its own signature); ${unexpected === 0 ? 'every item was answered as expected' : `**${unexpected} batches had unexpected answers**`}.`,
    '',
    `Raw ECDSA capacity: all ${capacityRuns[0].processes} cores verify **${formatRate(capacity)} P-256 signatures/s** (one Bun process per core verifying the suite's own pre-signed requests for ${options.verifySeconds} s, nothing else; median of ${capacityRuns.length}, runs ${capacityRuns.map((c) => formatRate(c.perSecond)).join(', ')}). Every batch item's signature is verified, so this is the batch path's ceiling on this machine: it reached **${round(batchRate / capacity)}×** of it, with the load generator and redis-server on the same cores.`,
    '',
    `Signed once (contract v1.1: X-DCC-User and one X-DCC-Batch-Signature over the batch's bytes, each item still decoded, validated, recorded and answered on its own), in batches of ${size}: **${formatRate(onceEgressRate)} requests/s into durable egress** with the networks elsewhere (NETWORKS=external: each acknowledged request ends in its destination's egress stream; ${formatRate(onceEgressRate / cores)}/s per core; runs ${data.signedOnce.intoDurableEgress.runs.join(', ')}; p99 ${formatMs(data.signedOnce.intoDurableEgress.latencyP99Ms)} ms per batch; router + redis-server ${cpuOf(onceEgressCpu)} µs of CPU per answered request); with a router process per core (ROUTER_PROCESSES=2: one process's signature worker is idle with batches signed once, its main thread the limit) **${formatRate(perCoreRate)} requests/s** (runs ${data.signedOnce.intoDurableEgress.perCore.runs.join(', ')}; p99 ${formatMs(data.signedOnce.intoDurableEgress.perCore.latencyP99Ms)} ms per batch; ${cpuOf(perCoreCpu)} µs); and **${formatRate(onceRate)} requests/s** with the simulated networks in-process taking each from egress and answering it (runs ${data.signedOnce.runs.join(', ')}; p99 ${formatMs(data.signedOnce.latencyP99Ms)} ms per batch; ${cpuOf(onceCpu)} µs). ${onceUnexpected === 0 ? 'Every item was answered as expected.' : `**${onceUnexpected} batches had unexpected answers.**`}`,
    '',
    `Open-loop ladder (batches arriving at the rate that carries the offered requests/s): sustained **${formatRate(outcome.sustainedPerSecond)} requests/s (${round(outcome.sustainedPerSecond / DCC_AVERAGE_PER_SECOND)}x the DCC average)**; ${outcome.stoppedBecause}. Latency is per batch.`,
    '',
    ...ladderTable(ladder),
    '',
    `![batch answered vs offered](${charts.throughput})`,
    '',
    `![batch latency vs offered](${charts.latency})`,
  ];
  if (unexpected > 0) markdown.push('', `Unexpected: ${data.closedLoop.unexpectedSamples.map((s) => `\`${s}\``).join('; ')}`);
  return { title: `Batch endpoint: saturation with batches of ${size}`, data, markdown };
}
