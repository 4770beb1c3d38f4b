// Scenario "ack": the acknowledgement path at saturation (closed loop, autocannon), the router
// side by side with the two baselines (the bare echo, and echo+verify, which also checks each
// signature) and with each stage switched off, repeats interleaved round-robin across the variants
// so a noisy neighbour hits them all alike; medians reported. For every router variant on Redis it
// also counts what each request costs Redis: commands (INFO commandstats over the timed run, and
// MONITOR over the untimed warm-up to tell what the router sent from what its scripts ran), the
// round trips that reached Redis (its socket reads) and, where the router counts them, its calls by stage.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The router's pipeline steps as its /metrics names them, in their order (a module with no imports).
import { PIPELINE_STAGES } from '../../packages/router/src/pipeline/stage-clock.ts';
import { goal, notAsExpected } from '../lib/goals.ts';
import { step } from '../lib/progress.ts';
import { addCounts, median, medianRun, round } from '../lib/stats.ts';
import { closedLoopRun, formatMs, formatRate, repeatsText, ROUND_TRIPS_METRIC, table, warmUp, withTarget, type MeasuredRun, type Suite } from '../lib/suite.ts';
import { barChart } from '../lib/svg.ts';
import type { Variant } from '../lib/targets.ts';
import { mixOf } from '../lib/traffic.ts';
import { ECHO, ECHO_VERIFY, FULL, STAGE_NAMES, STAGE_VARIANTS } from './variants.ts';

/** A timed run, with what MONITOR saw over its warm-up (routers on Redis). */
interface AckRun extends MeasuredRun {
  monitored?: { sentPerRequest: number; inScriptsPerRequest: number };
}

/** What one request costs Redis in a variant (medians of the runs, per request answered). */
export interface RedisSummary {
  /** INFO commandstats over the timed runs: every command Redis ran, those a script ran included. */
  commandsPerRequest: number;
  evalshaPerRequest: number;
  /** INFO stats over the timed runs: the socket reads that brought Redis its commands, i.e. the round trips that reached it. */
  socketReadsPerRequest: number;
  /** MONITOR over the untimed warm-ups: the commands the router sent (a script call is one), and those its scripts ran. */
  sentPerRequest: number | null;
  inScriptsPerRequest: number | null;
}

export interface VariantSummary {
  id: string;
  label: string;
  kind: Variant['kind'];
  medianPerSecond: number;
  ratioToEcho: number;
  ratioToEchoVerify: number;
  medianP50Ms: number;
  medianP99Ms: number;
  runs: number[];
  /** (max - min) / median of the runs: the run-to-run noise. */
  spread: number;
  unexpected: number;
  unexpectedSamples: string[];
  statuses: Record<string, number>;
  /** Median CPU microseconds per answered request (any status: refusals and at-once 200 answers are work too) by process. */
  cpuMicrosecondsPerRequest: { loadGenerator: number; target: number; redis: number };
  /** Median CPU microseconds per 202 acknowledgement: the same CPU over the 202 answers alone; null when a run had none or no CPU figures. */
  cpuMicrosecondsPerAcknowledged: { target: number; redis: number } | null;
  /** Median CPU microseconds per answered request of the target's threads, by thread name; null where unmeasured. */
  targetThreadsMicrosecondsPerRequest: Record<string, number> | null;
  /** Median share of the machine's CPU during the runs (percent). */
  cpuShare: { loadGenerator: number; target: number; redis: number; other: number; idle: number };
  /** null: not on Redis. */
  redis: RedisSummary | null;
  /** Redis calls per request by stage (ROUND_TRIPS_METRIC); null when the router does not expose it, or not a router. */
  roundTripsByStage: Record<string, number> | null;
  /** Median signatures per task handed to a verify worker; null when verified without a hand-off. */
  signaturesPerHandoff: number | null;
  /** Median wall milliseconds a request spent in each pipeline step; null where not exposed. */
  stageWaitMs: Record<string, number> | null;
}

/** Median of each key over the runs that have the record; null when none has. */
function medianByKey(records: (Record<string, number> | null | undefined)[]): Record<string, number> | null {
  const present = records.filter((r): r is Record<string, number> => r != null);
  if (present.length === 0) return null;
  const keys = [...new Set(present.flatMap((r) => Object.keys(r)))].sort();
  return Object.fromEntries(keys.map((key) => [key, round(median(present.map((r) => r[key] ?? 0)))]));
}

function medianOrNull(values: (number | null | undefined)[]): number | null {
  const present = values.filter((v): v is number => v != null);
  return present.length === 0 ? null : round(median(present));
}

function redisSummary(runs: AckRun[]): RedisSummary | null {
  const measured = runs.filter((r) => r.redisCost);
  if (measured.length === 0) return null;
  const m = (pick: (r: AckRun) => number) => round(median(measured.map(pick)));
  const monitored = runs.filter((r) => r.monitored);
  const mm = (pick: (r: AckRun) => number) => (monitored.length === 0 ? null : round(median(monitored.map(pick))));
  return {
    commandsPerRequest: m((r) => r.redisCost!.commandsPerRequest),
    evalshaPerRequest: m((r) => r.redisCost!.evalshaPerRequest),
    socketReadsPerRequest: m((r) => r.redisCost!.socketReadsPerRequest),
    sentPerRequest: mm((r) => r.monitored!.sentPerRequest),
    inScriptsPerRequest: mm((r) => r.monitored!.inScriptsPerRequest),
  };
}

export function summarise(variant: Variant, runs: AckRun[], echoRate: number, echoVerifyRate: number): VariantSummary {
  const perSecond = median(runs.map((r) => r.perSecond));
  const micro = (key: 'loadGenerator' | 'target' | 'redis') => round(median(runs.map((r) => r.cpu.microsecondsPerRequest?.[key] ?? 0)));
  const perAcknowledged = (r: AckRun, key: 'target' | 'redis') => {
    const acknowledged = r.statuses['202'] ?? 0;
    const perAnswered = r.cpu.microsecondsPerRequest?.[key];
    return acknowledged > 0 && perAnswered !== undefined ? (perAnswered * r.answered) / acknowledged : NaN;
  };
  const microPerAcknowledged = (key: 'target' | 'redis') => round(median(runs.map((r) => perAcknowledged(r, key))));
  const share = (key: 'loadGenerator' | 'target' | 'redis' | 'other' | 'idle') => round(median(runs.map((r) => r.cpu[key])));
  return {
    id: variant.id,
    label: variant.label,
    kind: variant.kind,
    medianPerSecond: Math.round(perSecond),
    ratioToEcho: round(perSecond / echoRate),
    ratioToEchoVerify: round(perSecond / echoVerifyRate),
    medianP50Ms: round(median(runs.map((r) => r.latencyMs.p50))),
    medianP99Ms: round(median(runs.map((r) => r.latencyMs.p99))),
    runs: runs.map((r) => Math.round(r.perSecond)),
    spread: round((Math.max(...runs.map((r) => r.perSecond)) - Math.min(...runs.map((r) => r.perSecond))) / perSecond),
    unexpected: runs.reduce((sum, r) => sum + r.unexpected + r.errors + r.timeouts, 0),
    unexpectedSamples: runs.flatMap((r) => r.unexpectedSamples).slice(0, 5),
    statuses: runs.reduce((all, r) => addCounts(all, r.statuses), {} as Record<string, number>),
    cpuMicrosecondsPerRequest: { loadGenerator: micro('loadGenerator'), target: micro('target'), redis: micro('redis') },
    cpuMicrosecondsPerAcknowledged: runs.some((r) => Number.isNaN(perAcknowledged(r, 'target'))) ? null : { target: microPerAcknowledged('target'), redis: microPerAcknowledged('redis') },
    targetThreadsMicrosecondsPerRequest: medianByKey(runs.map((r) => r.cpu.targetThreadsMicrosecondsPerRequest)),
    cpuShare: { loadGenerator: share('loadGenerator'), target: share('target'), redis: share('redis'), other: share('other'), idle: share('idle') },
    redis: redisSummary(runs),
    roundTripsByStage: medianByKey(runs.map((r) => r.roundTripsByStage)),
    signaturesPerHandoff: medianOrNull(runs.map((r) => r.signaturesPerHandoff)),
    stageWaitMs: medianByKey(runs.map((r) => r.stageWaitMs)),
  };
}

/** "bun 96, Worker 65, JITWorker 16": the threads that used 1 µs or more per request, largest first. */
function threadsText(byThread: Record<string, number>): string {
  return Object.entries(byThread).filter(([, us]) => us >= 1).sort((a, b) => b[1] - a[1]).map(([name, us]) => `${name} ${Math.round(us)}`).join(', ');
}

/** "ingress 2, state 1.5", or n/a. */
export function roundTripsText(byStage: Record<string, number> | null): string {
  if (byStage === null) return 'n/a';
  const entries = Object.entries(byStage);
  if (entries.length === 0) return 'none counted';
  const total = round(entries.reduce((sum, [, n]) => sum + n, 0));
  return `${entries.map(([stage, n]) => `${stage || '(no stage)'} ${n}`).join(', ')}; total ${total}`;
}

/** One timed run of a variant after its warm-up; a router on Redis is watched by MONITOR during the warm-up. */
async function ackRun(suite: Suite, variant: Variant): Promise<AckRun> {
  return withTarget(suite, variant, async (target) => {
    const monitor = variant.kind === 'router' && variant.redis !== false ? await suite.redis.monitor() : undefined;
    const warm = await warmUp(suite, target);
    const seen = await monitor?.stop();
    const run: AckRun = await closedLoopRun(suite, target);
    if (seen && warm.answered > 0) run.monitored = { sentPerRequest: round(seen.sent / warm.answered), inScriptsPerRequest: round(seen.inScripts / warm.answered) };
    return run;
  });
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
  const stages = options.stages === undefined ? STAGE_VARIANTS : STAGE_VARIANTS.filter((v) => options.stages!.includes(v.id));
  const unknown = (options.stages ?? []).filter((id) => !STAGE_VARIANTS.some((v) => v.id === id));
  if (unknown.length) throw new Error(`unknown --stages ${unknown.join(', ')}; known: ${STAGE_VARIANTS.map((v) => v.id).join(', ')}`);
  const variants = [ECHO, ECHO_VERIFY, FULL, ...stages];
  const runs = new Map<string, AckRun[]>(variants.map((v) => [v.id, []]));
  suite.pool.ensure(options.closedUnits);
  for (let round = 1; round <= options.repeats; round++) {
    for (const variant of variants) {
      const result = await step(`ack  round ${round}/${options.repeats}  ${variant.label}`, () => ackRun(suite, variant),
        (r) => `${formatRate(r.perSecond)} req/s  p50 ${r.latencyMs.p50} ms  p99 ${r.latencyMs.p99} ms  ${JSON.stringify(r.statuses)}${r.redisCost ? `  Redis ${r.redisCost.commandsPerRequest} commands/req` : ''}${r.unexpected ? `  UNEXPECTED ${r.unexpected}` : ''}`);
      runs.get(variant.id)!.push(result);
    }
  }
  const echoRate = median(runs.get(ECHO.id)!.map((r) => r.perSecond));
  const echoVerifyRate = median(runs.get(ECHO_VERIFY.id)!.map((r) => r.perSecond));
  const summaries = variants.map((v) => summarise(v, runs.get(v.id)!, echoRate, echoVerifyRate));
  const full = summaries.find((s) => s.id === FULL.id)!;
  const echoVerify = summaries.find((s) => s.id === ECHO_VERIFY.id)!;
  // CPU per answered request in the target process and redis-server together (a baseline has no
  // redis-server share). Every answer is divided by, not only the 202s: refusals and the tariffs'
  // at-once 200 answers are work too; the CPU per 202 is reported beside it.
  const routerCpu = (s: VariantSummary) => round(s.cpuMicrosecondsPerRequest.target + s.cpuMicrosecondsPerRequest.redis);
  const routerCpuPerAcknowledged = (s: VariantSummary) => (s.cpuMicrosecondsPerAcknowledged ? round(s.cpuMicrosecondsPerAcknowledged.target + s.cpuMicrosecondsPerAcknowledged.redis) : null);
  const perAcknowledgedText = (s: VariantSummary) => {
    const us = routerCpuPerAcknowledged(s);
    return us === null ? '–' : `${us} µs`;
  };
  const redisCommandCount = (s: VariantSummary) => s.redis?.commandsPerRequest ?? 0;
  const stageCosts = summaries.filter((s) => STAGE_NAMES[s.id]).map((s) => ({
    stage: STAGE_NAMES[s.id],
    variant: s.id,
    throughputGainPercent: round(((s.medianPerSecond - full.medianPerSecond) / full.medianPerSecond) * 100),
    /** Machine time per request that the stage adds at saturation (all processes on all cores). */
    wallMicrosecondsPerRequest: round((1 / full.medianPerSecond - 1 / s.medianPerSecond) * 1e6),
    /** CPU the stage adds per answered request in the router and redis-server together. */
    cpuMicrosecondsPerRequest: round(routerCpu(full) - routerCpu(s)),
    /** Redis commands per request (those scripts run included) the stage adds. */
    redisCommandsPerRequest: round(redisCommandCount(full) - redisCommandCount(s)),
    /** The difference is smaller than the run-to-run spread of either variant: not a measured cost. */
    withinNoise: Math.abs(s.medianPerSecond - full.medianPerSecond) / full.medianPerSecond < Math.max(full.spread, s.spread),
  }));
  // Both figures count every answer: a run of either side that answered otherwise than expected measured something else.
  const spoiledBy = notAsExpected({ router: full.unexpected, 'echo+verify': echoVerify.unexpected });
  const goals = [
    goal('closedLoopRate', 'closed-loop acknowledgements/s, router ÷ echo+verify', full.ratioToEchoVerify,
      `${formatRate(full.medianPerSecond)}/s vs ${formatRate(echoVerifyRate)}/s`, { spoiledBy }),
    goal('cpuPerRequest', 'CPU per answered request, router + redis-server ÷ echo+verify', echoVerify.cpuMicrosecondsPerRequest.target > 0 ? round(routerCpu(full) / echoVerify.cpuMicrosecondsPerRequest.target) : null,
      echoVerify.cpuMicrosecondsPerRequest.target > 0 ? `${routerCpu(full)} µs vs ${echoVerify.cpuMicrosecondsPerRequest.target} µs; per 202 acknowledgement ${perAcknowledgedText(full)} vs ${perAcknowledgedText(echoVerify)}` : 'no CPU figures (no /proc)', { spoiledBy }),
  ];
  // Where the full router's Redis time goes, from the run with the median rate.
  const redisCommands = medianRun(runs.get(FULL.id)!, (r) => r.perSecond)?.redisCommands ?? [];

  const wrk = options.quick ? { skipped: 'not run with --quick' } : await step('ack  wrk on the echo (optional)', () => withTarget(suite, ECHO, async (target) =>
    wrkEcho(target.url, options.closedSeconds, options.connections, suite.pool.unit(0)[0].body)));

  const throughputChart = suite.writeChart('ack-throughput', barChart(
    `Acknowledgements per second, closed loop (median of ${options.repeats})`, 'req/s',
    summaries.map((s) => ({ label: s.id, value: s.medianPerSecond, note: s.kind === 'router' ? `(${s.ratioToEchoVerify}× echo+verify)` : s.id === ECHO.id ? '' : `(${s.ratioToEcho}× echo)` })),
  ));
  const cpuChart = suite.writeChart('ack-cpu-per-request', barChart(
    'CPU per answered request in the target and redis-server (µs, median)', 'µs',
    summaries.filter((s) => s.id !== ECHO.id).map((s) => ({ label: s.id, value: routerCpu(s) })),
  ));

  const unitsSent = suite.pool.take(options.closedUnits);
  const data = {
    method: `closed loop, autocannon, ${options.connections} connections, each run bounded at ${options.closedSeconds} s or ${options.closedUnits * 2} requests; fresh router and empty store per run; ${options.warmupUnits * 2} warm-up requests first`,
    repeats: options.repeats,
    echoPerSecond: Math.round(echoRate),
    echoVerifyPerSecond: Math.round(echoVerifyRate),
    routerPerSecond: full.medianPerSecond,
    routerRatioToEcho: full.ratioToEcho,
    routerRatioToEchoVerify: full.ratioToEchoVerify,
    /** Router process + redis-server, and echo+verify's process, CPU µs per request answered (any status). */
    routerCpuMicrosecondsPerRequest: routerCpu(full),
    echoVerifyCpuMicrosecondsPerRequest: echoVerify.cpuMicrosecondsPerRequest.target,
    /** The same CPU over the 202 acknowledgements alone. */
    routerCpuMicrosecondsPerAcknowledged: routerCpuPerAcknowledged(full),
    echoVerifyCpuMicrosecondsPerAcknowledged: echoVerify.cpuMicrosecondsPerAcknowledged?.target ?? null,
    goals,
    roundTripsMetric: ROUND_TRIPS_METRIC,
    variants: summaries,
    stageCosts,
    redisCommandsOfFullRouter: redisCommands,
    wrk,
    mix: mixOf(unitsSent),
  };

  const markdown = [
    `Closed loop (autocannon, ${options.connections} connections), the realistic mix, each run on a fresh router with an empty store after ${options.warmupUnits * 2} warm-up requests; ${repeatsText(options.repeats)}. **The full router acknowledges ${formatRate(full.medianPerSecond)} requests/s, ${full.ratioToEchoVerify}× echo+verify's ${formatRate(echoVerifyRate)}/s and ${full.ratioToEcho}× the bare echo's ${formatRate(echoRate)}/s** on the same machine and load tool. Echo+verify is the bare echo plus what no router may skip: it finds the originator in the JSON body and checks X-DCC-Signature (ECDSA P-256, node:crypto, a cached key per User) on its event loop, answering 202 or 401; it stores nothing.`,
    '',
    ...table(['variant', 'median req/s', 'ratio to echo+verify', 'ratio to echo', 'p50 ms', 'p99 ms', 'runs', 'answered as expected'], summaries.map((s) => [
      s.label, formatRate(s.medianPerSecond), s.ratioToEchoVerify, s.ratioToEcho, formatMs(s.medianP50Ms), formatMs(s.medianP99Ms), s.runs.join(', '),
      s.id === ECHO.id ? 'n/a (echo)' : s.unexpected === 0 ? (s.kind === 'echo-verify' ? 'all (signature verdicts)' : 'all') : `**${s.unexpected} not**`,
    ])),
    '',
    `![acknowledgements per second](${throughputChart})`,
    '',
    'Stage costs, from switching each stage off in the same run (the full router minus the variant). "Machine µs" is wall time per request at saturation on the whole machine, load generator included; "CPU µs" is CPU time per answered request in the router process (all threads) and redis-server; "Redis commands" are those Redis ran per request (INFO commandstats, a script\'s own commands included).',
    '',
    ...table(['stage', 'throughput without it', 'machine µs/request', 'router+redis CPU µs/answered request', 'Redis commands/request', 'beyond run-to-run noise?'], stageCosts.map((c) => [
      c.stage, `${c.throughputGainPercent >= 0 ? '+' : ''}${c.throughputGainPercent}%`, c.wallMicrosecondsPerRequest, c.cpuMicrosecondsPerRequest, c.redisCommandsPerRequest,
      c.withinNoise ? 'no: within the spread of the runs' : 'yes',
    ])),
    '',
    `![CPU per answered request](${cpuChart})`,
    '',
    `CPU per answered request divides by every answer: 202 acknowledgements, refusals (401, 403, 404) and the tariffs' CV 4 legs answered at once (200), all of them work. Over the 202 acknowledgements alone the same CPU comes to ${perAcknowledgedText(full)} for the full router and redis-server (${routerCpu(full)} µs per answered request) and ${perAcknowledgedText(echoVerify)} for echo+verify (${echoVerify.cpuMicrosecondsPerRequest.target} µs per answered request; it answers 202 to all but the bad signatures).`,
    '',
    `What each variant costs Redis per request answered (medians). "All commands" and "evalsha" are INFO commandstats over the timed runs, where a command a Lua script runs counts under its own name as well as inside its evalsha; "sent" and "inside scripts" tell them apart with MONITOR over the untimed warm-ups (${options.warmupUnits * 2} requests, background work of the router included). Calls by stage are the router's own count (\`${ROUND_TRIPS_METRIC}\` by stage, read from /metrics before and after each timed run; n/a where the router does not expose it): a command, a pipeline or a batched script call each, and the calls of one event-loop turn share one write. The round trips that reached Redis are its socket reads (INFO stats \`total_reads_processed\` over the timed run: every client of the router's, background loops included). Redis's time is redis-server's CPU from /proc; commandstats' times are not added up for it, as they count a script's commands twice (inside evalsha and under their own names).`,
    '',
    ...table(['variant', 'all commands', 'evalsha', 'sent by the router (warm-up)', 'inside scripts (warm-up)', 'redis-server CPU µs', 'round trips (Redis socket reads)', 'calls by stage', 'signatures per verify hand-off'], summaries.filter((s) => s.kind === 'router').map((s) => [
      s.id,
      s.redis ? s.redis.commandsPerRequest : 'no Redis',
      s.redis ? s.redis.evalshaPerRequest : '–',
      s.redis?.sentPerRequest ?? '–',
      s.redis?.inScriptsPerRequest ?? '–',
      s.redis ? s.cpuMicrosecondsPerRequest.redis : '–',
      s.redis ? s.redis.socketReadsPerRequest : '–',
      roundTripsText(s.roundTripsByStage),
      s.signaturesPerHandoff ?? '–',
    ])),
    '',
    `Where the full router's Redis time goes (INFO commandstats over the run with the median rate, per request answered). The figures overlap: a command a Lua script runs counts under its own name and again inside evalsha's time, so they do not add up to Redis's time; that is redis-server's CPU from /proc, ${full.cpuMicrosecondsPerRequest.redis} µs per answered request (median of the runs):`,
    '',
    ...table(['Redis command', 'calls per request', 'Redis µs per request (overlapping: evalsha includes its scripts\' commands)'], redisCommands.map((c) => [c.command, c.callsPerRequest, c.microsecondsPerRequest])),
    '',
    'Where the CPU went (median share of all cores during the runs, %; "other" is work outside the suite that shared the machine):',
    '',
    ...table(['variant', 'load generator', 'target (all threads)', 'redis-server', 'other', 'idle', 'CPU µs per answered request: loadgen / target / redis', 'CPU µs per 202: target / redis'], summaries.map((s) => [
      s.id, s.cpuShare.loadGenerator, s.cpuShare.target, s.cpuShare.redis, s.cpuShare.other, s.cpuShare.idle,
      `${s.cpuMicrosecondsPerRequest.loadGenerator} / ${s.cpuMicrosecondsPerRequest.target} / ${s.cpuMicrosecondsPerRequest.redis}`,
      s.cpuMicrosecondsPerAcknowledged ? `${s.cpuMicrosecondsPerAcknowledged.target} / ${s.cpuMicrosecondsPerAcknowledged.redis}` : '–',
    ])),
    '',
    'The target\'s CPU by thread (median µs per answered request; "bun" is the main thread, "Worker" the signature workers, the rest the runtime\'s JIT, GC and allocator helpers). A sampling profile charges a thread for the time it waits in a system call while another thread or redis-server has its core, so the split by thread is the steadier guide to where the time goes:',
    '',
    ...table(['variant', 'CPU µs per answered request by thread'], summaries.filter((s) => s.targetThreadsMicrosecondsPerRequest).map((s) => [s.id, threadsText(s.targetThreadsMicrosecondsPerRequest!)])),
    '',
    `Where a request waits in the router (median wall ms per request in each pipeline step, \`dccrouter_pipeline_stage_seconds_total\` over \`_requests_total\` from /metrics around each timed run; in a closed loop of ${options.connections} connections each request's latency bounds the rate as much as the CPU does, so compare them with the idle share above): user is the directory lookup, authenticate the signature check (hand-off to the worker, its queue and the verdict's way back), lookups the device (and a signed leg's transform leg) read after it, decide validation, TAD and the decision, record the acceptance script (group commit and its round trip).`,
    '',
    ...table(['variant', ...PIPELINE_STAGES], summaries.filter((s) => s.stageWaitMs).map((s) => [s.id, ...PIPELINE_STAGES.map((stage) => s.stageWaitMs![stage] ?? '–')])),
    '',
    `Mix actually sent (share of HTTP requests): ${Object.entries(data.mix).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join(', ')}.`,
    '',
    `wrk: ${'perSecond' in wrk ? `${formatRate(wrk.perSecond)} req/s on the echo (one fixed body)` : wrk.skipped}.`,
  ];
  const problems = summaries.filter((s) => s.id !== ECHO.id && s.unexpected > 0);
  for (const s of problems) markdown.push('', `Unexpected answers for ${s.id}: ${s.unexpectedSamples.map((x) => `\`${x.replace(/`/g, "'")}\``).join('; ')}`);
  return { title: 'Acknowledgement path: side by side with the echo, and stage costs', data, markdown };
}
