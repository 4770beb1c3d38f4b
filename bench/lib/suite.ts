// What every scenario gets from the runner, and the helpers they share: fresh targets with a
// warm-up, closed-loop runs with CPU accounting, and the Markdown table helper.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runClosedLoop, type ClosedLoopResult } from './closed-loop.ts';
import { round } from './stats.ts';
import { CpuMeter, type CpuSplit } from './machine.ts';
import type { ScenarioId, SuiteOptions } from './options.ts';
import type { BenchRedis } from './redis.ts';
import { isBaseline, metricByLabel, metricValue, readMetrics, startTarget, type Provisioning, type RunningTarget, type Variant } from './targets.ts';
import { checkAnswer, checkVerifyAnswer, type BenchUser, type TrafficItem, type TrafficPool } from './traffic.ts';

export interface Suite {
  options: SuiteOptions;
  redis: BenchRedis;
  users: BenchUser[];
  provisioning: Provisioning;
  /** The timed requests. */
  pool: TrafficPool;
  /** Warm-up requests: other RequestIDs, sent before each timed run and not measured. */
  warmup: TrafficPool;
  /** Inventory import rates seen while provisioning routers (devices/s). */
  importRates: number[];
  /** Writes an SVG chart next to the report; returns its file name for the Markdown link. */
  writeChart(name: string, svg: string): string;
}

export interface ScenarioResult {
  id: ScenarioId;
  title: string;
  status: 'ok' | 'failed';
  error?: string;
  seconds: number;
  /** Machine-readable figures. */
  data: Record<string, unknown>;
  /** The scenario's section of latest.md (without its heading). */
  markdown: string[];
}

export function chartWriter(outDir: string): (name: string, svg: string) => string {
  return (name, svg) => {
    const file = `${name}.svg`;
    writeFileSync(join(outDir, file), svg);
    return file;
  };
}

/** Starts a fresh target, records its import rate, runs `body`, and always stops it. */
export async function withTarget<T>(suite: Suite, variant: Variant, body: (target: RunningTarget) => Promise<T>, extraEnv: Record<string, string> = {}, provisioning: Provisioning = suite.provisioning): Promise<T> {
  const target = await startTarget(variant, suite.redis, provisioning, extraEnv);
  if (target.importDevicesPerSecond > 0) suite.importRates.push(target.importDevicesPerSecond);
  try {
    return await body(target);
  } finally {
    await target.stop();
  }
}

/** Untimed requests first, so the router's code is compiled and its connections open before timing. */
export async function warmUp(suite: Suite, target: RunningTarget): Promise<ClosedLoopResult> {
  const units = suite.warmup.take(suite.options.warmupUnits);
  return runClosedLoop({
    url: target.url, path: '/v1/service-requests', connections: Math.min(suite.options.connections, units.length),
    units: units.length, unitAt: (i) => units[i], maxSeconds: 30,
  });
}

/** How a target's answers to the traffic model are judged: the bare echo judges nothing, so neither is it judged. */
export function answerCheck(target: RunningTarget): ((item: TrafficItem, status: number, body: string) => string | undefined) | undefined {
  switch (target.variant.kind) {
    case 'echo': return undefined;
    case 'echo-verify': return checkVerifyAnswer;
    default: return (item, status, body) => checkAnswer(item, status, body, target.verifySignatures);
  }
}

/** The router's count of its calls to Redis (a command, a pipeline or a script call), labelled by stage. */
export const ROUND_TRIPS_METRIC = 'dccrouter_redis_round_trips_total';

/** What Redis did for one closed-loop run, per request answered (INFO commandstats). */
export interface RedisCost {
  /** Every command Redis ran, those a Lua script ran included (commandstats counts both; the suite's own INFO and CONFIG RESETSTAT left out). */
  commandsPerRequest: number;
  evalshaPerRequest: number;
  /**
   * Socket reads that brought Redis commands (INFO stats total_reads_processed): the round trips
   * that reached Redis, whatever each carried. The router's calls (ROUND_TRIPS_METRIC) made in one
   * event-loop turn share a write, so this is what the network saw.
   */
  socketReadsPerRequest: number;
}

export interface MeasuredRun extends ClosedLoopResult {
  cpu: CpuSplit;
  /**
   * For a router on Redis: the commands with the most commandstats time, per request answered.
   * They overlap: a command a script runs counts under its own name and inside its evalsha, so
   * they do not add up to Redis's time (that is `cpu`'s redis share, from /proc).
   */
  redisCommands?: { command: string; callsPerRequest: number; microsecondsPerRequest: number }[];
  /** For a router on Redis. */
  redisCost?: RedisCost;
  /** For a router: ROUND_TRIPS_METRIC's increase over the run by stage, per request answered; null when the router does not expose it. */
  roundTripsByStage?: Record<string, number> | null;
  /** For a router verifying in worker threads: signatures per task handed to a worker over the run; null when none was. */
  signaturesPerHandoff?: number | null;
  /** For a router: mean wall milliseconds a request spent in each pipeline step over the run (where it waits); null when not exposed. */
  stageWaitMs?: Record<string, number> | null;
}

/** The suite's own commands, which commandstats counts too. */
const SUITE_COMMANDS = new Set(['info', 'config|resetstat']);

interface RouterCounters {
  roundTrips: Record<string, number> | null;
  verifyHandoffs: number;
  handedOffSignatures: number;
  stageSeconds: Record<string, number> | null;
  stageRequests: Record<string, number> | null;
}

async function routerCountersNow(target: RunningTarget): Promise<RouterCounters | null> {
  try {
    const text = await readMetrics(target.url);
    return {
      roundTrips: metricByLabel(text, ROUND_TRIPS_METRIC, 'stage'),
      verifyHandoffs: metricValue(text, 'dccrouter_verify_handoffs_total'),
      handedOffSignatures: metricValue(text, 'dccrouter_verify_handed_off_signatures_total'),
      stageSeconds: metricByLabel(text, 'dccrouter_pipeline_stage_seconds_total', 'stage'),
      stageRequests: metricByLabel(text, 'dccrouter_pipeline_stage_requests_total', 'stage'),
    };
  } catch {
    return null;
  }
}

/**
 * One closed-loop run of the timed pool against a warmed-up target, with the CPU split. The pool's
 * units from `firstUnit` (default 0) on: a second run on the same router must start past the
 * first's units, or it sends resubmissions the router answers from its record.
 */
export async function closedLoopRun(suite: Suite, target: RunningTarget, options: { units?: number; firstUnit?: number; connections?: number; redisPids?: number[] } = {}): Promise<MeasuredRun> {
  const units = options.units ?? suite.options.closedUnits;
  const first = options.firstUnit ?? 0;
  suite.pool.ensure(first + units);
  const baseline = isBaseline(target.variant);
  const onRedis = !baseline && target.variant.redis !== false;
  if (onRedis) await suite.redis.resetStats();
  const countersBefore = baseline ? null : await routerCountersNow(target);
  const meter = new CpuMeter(target.pid, baseline ? undefined : options.redisPids ?? suite.redis.pid);
  const result = await runClosedLoop<TrafficItem>({
    url: target.url,
    path: '/v1/service-requests',
    connections: options.connections ?? suite.options.connections,
    // A baseline stores nothing, so it may see the same bytes again.
    units: baseline ? units * 100 : units,
    unitAt: (i) => suite.pool.unit(first + (i % units)),
    maxSeconds: suite.options.closedSeconds,
    check: answerCheck(target),
  });
  const cpu = meter.finish(result.answered);
  if (baseline || result.answered === 0) return { ...result, cpu };
  const perRequest = (n: number) => round(n / result.answered);
  const countersAfter = await routerCountersNow(target);
  const roundTripsAfter = countersAfter?.roundTrips ?? null;
  const roundTripsByStage = roundTripsAfter === null ? null : Object.fromEntries(Object.entries(roundTripsAfter).map(([stage, n]) => [stage, perRequest(n - (countersBefore?.roundTrips?.[stage] ?? 0))]));
  const handoffs = (countersAfter?.verifyHandoffs ?? 0) - (countersBefore?.verifyHandoffs ?? 0);
  const signaturesPerHandoff = handoffs > 0 ? round(((countersAfter?.handedOffSignatures ?? 0) - (countersBefore?.handedOffSignatures ?? 0)) / handoffs) : null;
  const stageWaitMs = stageWaits(countersBefore, countersAfter);
  if (!onRedis) return { ...result, cpu, roundTripsByStage, signaturesPerHandoff, stageWaitMs };
  const stats = (await suite.redis.commandStats()).filter((stat) => !SUITE_COMMANDS.has(stat.command));
  // Read after the commandstats: the suite's two INFO calls, a read each, are left out.
  const network = await suite.redis.network();
  const redisCommands = stats.sort((a, b) => b.usec - a.usec).slice(0, 10).map((stat) => ({
    command: stat.command,
    callsPerRequest: perRequest(stat.calls),
    microsecondsPerRequest: perRequest(stat.usec),
  }));
  const redisCost: RedisCost = {
    commandsPerRequest: perRequest(stats.reduce((sum, stat) => sum + stat.calls, 0)),
    evalshaPerRequest: perRequest(stats.filter((stat) => stat.command === 'evalsha').reduce((sum, stat) => sum + stat.calls, 0)),
    socketReadsPerRequest: perRequest(Math.max(0, network.reads - 2)),
  };
  return { ...result, cpu, redisCommands, redisCost, roundTripsByStage, signaturesPerHandoff, stageWaitMs };
}

/** Mean milliseconds per request in each pipeline step between two readings; null when the router does not expose them. */
function stageWaits(before: RouterCounters | null, after: RouterCounters | null): Record<string, number> | null {
  if (!after?.stageSeconds || !after.stageRequests) return null;
  const waits: Record<string, number> = {};
  for (const [stage, seconds] of Object.entries(after.stageSeconds)) {
    const requests = (after.stageRequests[stage] ?? 0) - (before?.stageRequests?.[stage] ?? 0);
    if (requests > 0) waits[stage] = round(((seconds - (before?.stageSeconds?.[stage] ?? 0)) / requests) * 1000);
  }
  return waits;
}

export function table(header: string[], rows: (string | number)[][], align?: ('l' | 'r')[]): string[] {
  const rule = header.map((_, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${rule.join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
}

export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return Math.round(value).toLocaleString('en-GB');
}

export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1);
}

/** "3 interleaved repeats, medians", or what a single run is. */
export function repeatsText(repeats: number): string {
  return repeats === 1 ? 'a single run each (no repeats)' : `${repeats} interleaved repeats, medians`;
}

/** A duration given in seconds: milliseconds below one second, seconds above. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  return seconds < 1 ? `${formatMs(seconds * 1000)} ms` : `${seconds >= 100 ? Math.round(seconds) : seconds.toFixed(1)} s`;
}
