// Scenario "ack": the acknowledgement path at saturation (closed loop, autocannon), the router
// side by side with the bare echo and with each stage switched off, repeats interleaved
// round-robin across the variants so a noisy neighbour hits them all alike; medians reported.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { step } from '../lib/progress.ts';
import { addCounts, median, round } from '../lib/stats.ts';
import { closedLoopRun, formatMs, formatRate, repeatsText, table, warmUp, withTarget, type MeasuredRun, type Suite } from '../lib/suite.ts';
import { barChart } from '../lib/svg.ts';
import type { Variant } from '../lib/targets.ts';
import { mixOf } from '../lib/traffic.ts';
import { ECHO, FULL, STAGE_NAMES, STAGE_VARIANTS } from './variants.ts';

export interface VariantSummary {
  id: string;
  label: string;
  medianPerSecond: number;
  ratioToEcho: number;
  medianP50Ms: number;
  medianP99Ms: number;
  runs: number[];
  /** (max - min) / median of the runs: the run-to-run noise. */
  spread: number;
  unexpected: number;
  unexpectedSamples: string[];
  statuses: Record<string, number>;
  /** Median CPU microseconds per request by process. */
  cpuMicrosecondsPerRequest: { loadGenerator: number; target: number; redis: number };
  /** Median share of the machine's CPU during the runs (percent). */
  cpuShare: { loadGenerator: number; target: number; redis: number; other: number; idle: number };
}

export function summarise(variant: Variant, runs: MeasuredRun[], echoRate: number): VariantSummary {
  const perSecond = median(runs.map((r) => r.perSecond));
  const micro = (key: 'loadGenerator' | 'target' | 'redis') => round(median(runs.map((r) => r.cpu.microsecondsPerRequest?.[key] ?? 0)));
  const share = (key: 'loadGenerator' | 'target' | 'redis' | 'other' | 'idle') => round(median(runs.map((r) => r.cpu[key])));
  return {
    id: variant.id,
    label: variant.label,
    medianPerSecond: Math.round(perSecond),
    ratioToEcho: round(perSecond / echoRate),
    medianP50Ms: round(median(runs.map((r) => r.latencyMs.p50))),
    medianP99Ms: round(median(runs.map((r) => r.latencyMs.p99))),
    runs: runs.map((r) => Math.round(r.perSecond)),
    spread: round((Math.max(...runs.map((r) => r.perSecond)) - Math.min(...runs.map((r) => r.perSecond))) / perSecond),
    unexpected: runs.reduce((sum, r) => sum + r.unexpected + r.errors + r.timeouts, 0),
    unexpectedSamples: runs.flatMap((r) => r.unexpectedSamples).slice(0, 5),
    statuses: runs.reduce((all, r) => addCounts(all, r.statuses), {} as Record<string, number>),
    cpuMicrosecondsPerRequest: { loadGenerator: micro('loadGenerator'), target: micro('target'), redis: micro('redis') },
    cpuShare: { loadGenerator: share('loadGenerator'), target: share('target'), redis: share('redis'), other: share('other'), idle: share('idle') },
  };
}

/** wrk, where installed, as a second opinion on the echo's ceiling (one fixed body: wrk cannot send each body once without a script per run). */
function wrkEcho(url: string, seconds: number, connections: number, body: Buffer): { perSecond: number } | { skipped: string } {
  if (spawnSync('which', ['wrk']).status !== 0) return { skipped: 'wrk is not installed' };
  const dir = mkdtempSync(join(tmpdir(), 'dccrouter-wrk-'));
  try {
    const script = join(dir, 'post.lua');
    writeFileSync(script, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${JSON.stringify(body.toString())}\n`);
    const run = spawnSync('wrk', ['-t1', `-c${connections}`, `-d${Math.max(1, Math.round(seconds))}s`, '-s', script, `${url}/v1/service-requests`], { encoding: 'utf8', timeout: (seconds + 30) * 1000 });
    const match = /Requests\/sec:\s+([\d.]+)/.exec(run.stdout ?? '');
    return match ? { perSecond: Math.round(Number(match[1])) } : { skipped: `wrk gave no rate: ${(run.stderr || run.stdout || '').slice(0, 200)}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runAck(suite: Suite) {
  const { options } = suite;
  const variants = [ECHO, FULL, ...STAGE_VARIANTS];
  const runs = new Map<string, MeasuredRun[]>(variants.map((v) => [v.id, []]));
  suite.pool.ensure(options.closedUnits);
  for (let round = 1; round <= options.repeats; round++) {
    for (const variant of variants) {
      const result = await step(`ack  round ${round}/${options.repeats}  ${variant.label}`, () => withTarget(suite, variant, async (target) => {
        await warmUp(suite, target);
        return closedLoopRun(suite, target);
      }), (r) => `${formatRate(r.perSecond)} req/s  p50 ${r.latencyMs.p50} ms  p99 ${r.latencyMs.p99} ms  ${JSON.stringify(r.statuses)}${r.unexpected ? `  UNEXPECTED ${r.unexpected}` : ''}`);
      runs.get(variant.id)!.push(result);
    }
  }
  const echoRate = median(runs.get(ECHO.id)!.map((r) => r.perSecond));
  const summaries = variants.map((v) => summarise(v, runs.get(v.id)!, echoRate));
  const full = summaries.find((s) => s.id === FULL.id)!;
  const routerCpu = (s: VariantSummary) => s.cpuMicrosecondsPerRequest.target + s.cpuMicrosecondsPerRequest.redis;
  const stageCosts = summaries.filter((s) => STAGE_NAMES[s.id]).map((s) => ({
    stage: STAGE_NAMES[s.id],
    variant: s.id,
    throughputGainPercent: round(((s.medianPerSecond - full.medianPerSecond) / full.medianPerSecond) * 100),
    /** Machine time per request that the stage adds at saturation (all processes on all cores). */
    wallMicrosecondsPerRequest: round((1 / full.medianPerSecond - 1 / s.medianPerSecond) * 1e6),
    /** CPU the stage adds per request in the router and redis-server together. */
    cpuMicrosecondsPerRequest: round(routerCpu(full) - routerCpu(s)),
    /** The difference is smaller than the run-to-run spread of either variant: not a measured cost. */
    withinNoise: Math.abs(s.medianPerSecond - full.medianPerSecond) / full.medianPerSecond < Math.max(full.spread, s.spread),
  }));
  // Where the full router's Redis time goes, from the run with the median rate.
  const fullRuns = [...runs.get(FULL.id)!].sort((a, b) => a.perSecond - b.perSecond);
  const redisCommands = fullRuns[Math.floor(fullRuns.length / 2)]?.redisCommands ?? [];

  const wrk = options.quick ? { skipped: 'not run with --quick' } : await step('ack  wrk on the echo (optional)', () => withTarget(suite, ECHO, async (target) =>
    wrkEcho(target.url, options.closedSeconds, options.connections, suite.pool.unit(0)[0].body)));

  const throughputChart = suite.writeChart('ack-throughput', barChart(
    `Acknowledgements per second, closed loop (median of ${options.repeats})`, 'req/s',
    summaries.map((s) => ({ label: s.id, value: s.medianPerSecond, note: s.id === ECHO.id ? '' : `(${s.ratioToEcho}× echo)` })),
  ));
  const cpuChart = suite.writeChart('ack-cpu-per-request', barChart(
    'CPU per request in the router and redis-server (µs, median)', 'µs',
    summaries.filter((s) => s.id !== ECHO.id).map((s) => ({ label: s.id, value: routerCpu(s) })),
  ));

  const unitsSent = suite.pool.take(options.closedUnits);
  const data = {
    method: `closed loop, autocannon, ${options.connections} connections, each run bounded at ${options.closedSeconds} s or ${options.closedUnits * 2} requests; fresh router and empty store per run; ${options.warmupUnits * 2} warm-up requests first`,
    repeats: options.repeats,
    echoPerSecond: Math.round(echoRate),
    routerPerSecond: full.medianPerSecond,
    routerRatioToEcho: full.ratioToEcho,
    variants: summaries,
    stageCosts,
    redisCommandsOfFullRouter: redisCommands,
    wrk,
    mix: mixOf(unitsSent),
  };

  const markdown = [
    `Closed loop (autocannon, ${options.connections} connections), the realistic mix, each run on a fresh router with an empty store after ${options.warmupUnits * 2} warm-up requests; ${repeatsText(options.repeats)}. **The full router acknowledges ${formatRate(full.medianPerSecond)} requests/s, ${full.ratioToEcho}× the bare echo's ${formatRate(echoRate)}/s** on the same machine and load tool.`,
    '',
    ...table(['variant', 'median req/s', 'ratio to echo', 'p50 ms', 'p99 ms', 'runs', 'answered as expected'], summaries.map((s) => [
      s.label, formatRate(s.medianPerSecond), s.ratioToEcho, formatMs(s.medianP50Ms), formatMs(s.medianP99Ms), s.runs.join(', '),
      s.id === ECHO.id ? 'n/a (echo)' : s.unexpected === 0 ? 'all' : `**${s.unexpected} not**`,
    ])),
    '',
    `![acknowledgements per second](${throughputChart})`,
    '',
    'Stage costs, from switching each stage off in the same run (the full router minus the variant). "Machine µs" is wall time per request at saturation on the whole machine, load generator included; "CPU µs" is CPU time per request in the router process (all threads) and redis-server.',
    '',
    ...table(['stage', 'throughput without it', 'machine µs/request', 'router+redis CPU µs/request', 'beyond run-to-run noise?'], stageCosts.map((c) => [
      c.stage, `${c.throughputGainPercent >= 0 ? '+' : ''}${c.throughputGainPercent}%`, c.wallMicrosecondsPerRequest, c.cpuMicrosecondsPerRequest,
      c.withinNoise ? 'no: within the spread of the runs' : 'yes',
    ])),
    '',
    `![CPU per request](${cpuChart})`,
    '',
    'Where the full router\'s Redis time goes (INFO commandstats over the run with the median rate, per request answered; commands a Lua script runs are counted under their own name as well as under evalsha):',
    '',
    ...table(['Redis command', 'calls per request', 'Redis µs per request'], redisCommands.map((c) => [c.command, c.callsPerRequest, c.microsecondsPerRequest])),
    '',
    'Where the CPU went (median share of all cores during the runs, %; "other" is work outside the suite that shared the machine):',
    '',
    ...table(['variant', 'load generator', 'target (all threads)', 'redis-server', 'other', 'idle', 'CPU µs/req: loadgen / target / redis'], summaries.map((s) => [
      s.id, s.cpuShare.loadGenerator, s.cpuShare.target, s.cpuShare.redis, s.cpuShare.other, s.cpuShare.idle,
      `${s.cpuMicrosecondsPerRequest.loadGenerator} / ${s.cpuMicrosecondsPerRequest.target} / ${s.cpuMicrosecondsPerRequest.redis}`,
    ])),
    '',
    `Mix actually sent (share of HTTP requests): ${Object.entries(data.mix).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join(', ')}.`,
    '',
    `wrk: ${'perSecond' in wrk ? `${formatRate(wrk.perSecond)} req/s on the echo (one fixed body)` : wrk.skipped}.`,
  ];
  const problems = summaries.filter((s) => s.id !== ECHO.id && s.unexpected > 0);
  for (const s of problems) markdown.push('', `Unexpected answers for ${s.id}: ${s.unexpectedSamples.map((x) => `\`${x.replace(/`/g, "'")}\``).join('; ')}`);
  return { title: 'Acknowledgement path: side by side with the echo, and stage costs', data, markdown };
}
