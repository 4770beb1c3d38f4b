// Scenario "ladder": open-loop load at fixed arrival rates climbing in multiples of the DCC
// average (1,150 requests/s): 1x, 2x, 5x, 10x, 20x, 50x, 100x, with latency corrected for
// coordinated omission. A target stops climbing at its first saturated rung: answered as expected
// below 90% of offered, p99 over the bound, or any answer not as expected (a 503 overloaded among
// them). The router climbs beside both baselines;
// once echo+verify's sustained rate is known, the router gets one more rung at half of it, where
// issue #9 wants its p99 within 50 ms. The generic ladder here also serves the batch scenario.
import type { LoadItem } from '../lib/closed-loop.ts';
import { goal, notAsExpected } from '../lib/goals.ts';
import { runOpenLoop, type OpenLoopResult } from '../lib/open-loop.ts';
import { log, step } from '../lib/progress.ts';
import { median, round } from '../lib/stats.ts';
import { answerCheck, formatMs, formatRate, table, warmUp, withTarget, type Suite } from '../lib/suite.ts';
import { lineChart, type Series } from '../lib/svg.ts';
import { isBaseline, type RunningTarget, type Variant } from '../lib/targets.ts';
import { DCC_AVERAGE_PER_SECOND, type TrafficItem } from '../lib/traffic.ts';
import { ECHO, ECHO_VERIFY, FULL } from './variants.ts';

export interface Rung {
  multiple: number;
  offeredPerSecond: number;
  achievedPerSecond: number;
  goodPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  serviceTimeP99Ms: number;
  generatorLagP99Ms: number;
  /** Requests that waited in the generator because too many were unanswered (the target's doing). */
  heldAtCap: number;
  statuses: Record<string, number>;
  /** Answers not as expected, and requests that failed or were aborted (summed over the repeats). */
  unexpected: number;
  /** Of those, the answers not as expected (summed over the repeats). */
  wrong: number;
  unfinished: number;
  /** HTTP requests on the schedule (median of the repeats). */
  scheduled: number;
  saturated: boolean;
  why?: string;
  runs: number;
}

export interface LadderOutcome {
  variant: string;
  label: string;
  rungs: Rung[];
  /** Highest offered rate sustained (not saturated), Service Requests/s; 0 if even the first rung saturated. */
  sustainedPerSecond: number;
  /** The most answered per second on any rung. */
  peakAchievedPerSecond: number;
  /** Why it stopped climbing. */
  stoppedBecause: string;
}

export interface LadderSpec {
  name: string;
  variants: Variant[];
  /** Prepares what a rung needs (e.g. signs more requests) for the variants still climbing; runs before the timed part. */
  prepare(offeredPerSecond: number, climbing: Variant[]): Promise<void> | void;
  /** One open-loop run against a warmed-up target at this Service Request rate. */
  run(target: RunningTarget, offeredPerSecond: number, seed: number): Promise<OpenLoopResult>;
  /** Rungs (multiples of the DCC average) to run after the climb and its narrowing, chosen from what they found. */
  extraRungs?(outcomes: LadderOutcome[]): { variant: Variant; multiple: number }[];
}

// Judged by the answers as expected: a wrong answer (a 503, a 500, a refusal for the wrong reason) is no throughput.
function judge(rung: Omit<Rung, 'saturated' | 'why'>, p99BoundMs: number): { saturated: boolean; why?: string } {
  if (rung.goodPerSecond < 0.9 * rung.offeredPerSecond) return { saturated: true, why: `answered as expected ${formatRate(rung.goodPerSecond)}/s < 90% of offered` };
  if ((rung.statuses['503'] ?? 0) > 0) return { saturated: true, why: `${rung.statuses['503']} answered 503 overloaded` };
  if (rung.wrong > 0) return { saturated: true, why: `${rung.wrong} answered not as expected` };
  // Unfinished first: past 1% of them the p99 (which ranks them slowest) is unbounded, and this says why.
  if (rung.unfinished > 0.01 * rung.scheduled) return { saturated: true, why: `${rung.unfinished} requests unfinished` };
  if (rung.latencyMs.p99 > p99BoundMs) return { saturated: true, why: `p99 ${formatMs(rung.latencyMs.p99)} ms > ${p99BoundMs} ms` };
  return { saturated: false };
}

export async function climbLadder(suite: Suite, spec: LadderSpec): Promise<LadderOutcome[]> {
  const { options } = suite;
  const outcomes = new Map<string, LadderOutcome>(spec.variants.map((v) => [v.id, { variant: v.id, label: v.label, rungs: [], sustainedPerSecond: 0, peakAchievedPerSecond: 0, stoppedBecause: 'top of the ladder reached' }]));
  const firstSaturated = new Map<string, number>();

  /** One rung for the given variants (repeats interleaved across them), judged on the medians. */
  const rung = async (multiple: number, variants: Variant[]): Promise<void> => {
    const offered = multiple * DCC_AVERAGE_PER_SECOND;
    await step(`${spec.name}  preparing ${multiple}x (${formatRate(offered)}/s)`, async () => spec.prepare(offered, variants));
    const results = new Map<string, OpenLoopResult[]>();
    for (let repeat = 1; repeat <= options.ladderRepeats; repeat++) {
      for (const variant of variants) {
        const result = await step(`${spec.name}  ${multiple}x = ${formatRate(offered)}/s  ${variant.label}${options.ladderRepeats > 1 ? `  repeat ${repeat}` : ''}`,
          () => withTarget(suite, variant, async (target) => {
            await warmUp(suite, target);
            return spec.run(target, offered, options.seed * 1000 + repeat);
          }),
          (r) => `achieved ${formatRate(r.achievedPerSecond)}/s  p50 ${formatMs(r.latencyMs.p50)} ms  p99 ${formatMs(r.latencyMs.p99)} ms  gen lag p99 ${formatMs(r.generatorLagMs.p99)} ms${r.heldAtCap ? `  held at cap ${r.heldAtCap}` : ''}  ${JSON.stringify(r.statuses)}`);
        results.set(variant.id, [...(results.get(variant.id) ?? []), result]);
      }
    }
    for (const [id, runs] of results) {
      const outcome = outcomes.get(id)!;
      const m = (pick: (r: OpenLoopResult) => number) => round(median(runs.map(pick)));
      const statuses: Record<string, number> = {};
      for (const r of runs) for (const [s, n] of Object.entries(r.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
      const base = {
        multiple, offeredPerSecond: offered,
        achievedPerSecond: m((r) => r.achievedPerSecond), goodPerSecond: m((r) => r.goodPerSecond),
        latencyMs: { p50: m((r) => r.latencyMs.p50), p90: m((r) => r.latencyMs.p90), p99: m((r) => r.latencyMs.p99), max: m((r) => r.latencyMs.max) },
        serviceTimeP99Ms: m((r) => r.serviceTimeMs.p99), generatorLagP99Ms: m((r) => r.generatorLagMs.p99), heldAtCap: m((r) => r.heldAtCap),
        statuses, unexpected: runs.reduce((s, r) => s + r.unexpected, 0), wrong: runs.reduce((s, r) => s + r.wrong, 0), unfinished: m((r) => r.unfinished), scheduled: m((r) => r.scheduled), runs: runs.length,
      };
      const judged: Rung = { ...base, ...judge(base, options.p99BoundMs) };
      outcome.rungs.push(judged);
      outcome.rungs.sort((a, b) => a.offeredPerSecond - b.offeredPerSecond);
      outcome.peakAchievedPerSecond = Math.max(outcome.peakAchievedPerSecond, judged.achievedPerSecond);
      if (judged.saturated) {
        if (!firstSaturated.has(id) || multiple < firstSaturated.get(id)!) {
          firstSaturated.set(id, multiple);
          outcome.stoppedBecause = `saturated at ${multiple}x: ${judged.why}`;
        }
      } else outcome.sustainedPerSecond = Math.max(outcome.sustainedPerSecond, offered);
    }
  };

  // Climb the ladder; a variant stops at its first saturated rung.
  for (const multiple of options.ladder) {
    const climbing = spec.variants.filter((v) => !firstSaturated.has(v.id));
    if (climbing.length === 0) break;
    await rung(multiple, climbing);
    for (const v of climbing) if (firstSaturated.has(v.id)) log(`${spec.name}  ${v.label} ${outcomes.get(v.id)!.stoppedBecause}; it stops climbing`);
  }
  // Then narrow a saturation point by halving the gap between the last sustained rung and the
  // first saturated one: a router's, and echo+verify's, which the router's goals are stated
  // against (the bare echo's saturation is the load generator's, not refined).
  for (let halving = 0; halving < options.ladderRefine; halving++) {
    for (const variant of spec.variants.filter((v) => v.kind !== 'echo' && firstSaturated.has(v.id))) {
      const outcome = outcomes.get(variant.id)!;
      const low = outcome.sustainedPerSecond / DCC_AVERAGE_PER_SECOND;
      const high = Math.min(...outcome.rungs.filter((r) => r.saturated).map((r) => r.multiple));
      const middle = round((low + high) / 2, 3);
      if (high - low < 0.1) continue;
      await rung(middle, [variant]);
    }
  }
  for (const extra of spec.extraRungs?.([...outcomes.values()]) ?? []) {
    if (!outcomes.get(extra.variant.id)!.rungs.some((r) => r.multiple === extra.multiple)) await rung(extra.multiple, [extra.variant]);
  }
  for (const outcome of outcomes.values()) {
    const saturated = outcome.rungs.filter((r) => r.saturated);
    if (saturated.length > 0) {
      const lowest = saturated[0];
      outcome.stoppedBecause = `saturated at ${lowest.multiple}x: ${lowest.why}`;
    }
  }
  return [...outcomes.values()];
}

/** The two charts of a ladder: answered against offered, and latency against offered. */
export function ladderCharts(suite: Suite, name: string, title: string, outcomes: LadderOutcome[]): { throughput: string; latency: string } {
  const offeredMax = Math.max(...outcomes.flatMap((o) => o.rungs.map((r) => r.offeredPerSecond)), DCC_AVERAGE_PER_SECOND);
  const reference: Series = { name: 'offered (y = x)', points: [[DCC_AVERAGE_PER_SECOND, DCC_AVERAGE_PER_SECOND], [offeredMax, offeredMax]], dashed: true };
  const throughput = suite.writeChart(`${name}-throughput`, lineChart({
    title: `${title}: answered vs offered load`, xLabel: 'offered requests/s (open loop)', yLabel: 'answered requests/s', logX: true, logY: true,
    series: [...outcomes.map((o) => ({ name: o.variant, points: o.rungs.map((r) => [r.offeredPerSecond, r.achievedPerSecond] as [number, number]) })), reference],
  }));
  const latency = suite.writeChart(`${name}-latency`, lineChart({
    title: `${title}: latency vs offered load (CO-corrected)`, xLabel: 'offered requests/s (open loop)', yLabel: 'latency, ms', logX: true, logY: true,
    series: outcomes.flatMap((o) => [
      { name: `${o.variant} p50`, points: o.rungs.map((r) => [r.offeredPerSecond, Math.max(r.latencyMs.p50, 0.1)] as [number, number]) },
      { name: `${o.variant} p99`, points: o.rungs.map((r) => [r.offeredPerSecond, Math.max(r.latencyMs.p99, 0.1)] as [number, number]) },
    ]),
  }));
  return { throughput, latency };
}

export function ladderTable(outcomes: LadderOutcome[], unit = 'req/s'): string[] {
  return table(
    ['target', 'offered', `offered ${unit}`, `answered ${unit}`, 'p50 ms', 'p90 ms', 'p99 ms', 'service p99 ms', 'generator lag p99 ms', 'held at in-flight cap', 'statuses', 'verdict'],
    outcomes.flatMap((o) => o.rungs.map((r) => [
      o.variant, `${r.multiple}x`, formatRate(r.offeredPerSecond), formatRate(r.achievedPerSecond), formatMs(r.latencyMs.p50), formatMs(r.latencyMs.p90),
      formatMs(r.latencyMs.p99), formatMs(r.serviceTimeP99Ms), formatMs(r.generatorLagP99Ms), r.heldAtCap,
      Object.entries(r.statuses).map(([s, n]) => `${s}: ${n}`).join(', '), r.saturated ? `saturated: ${r.why}` : 'sustained',
    ])),
  );
}

/** The i-th single request of the pool, in order; a tariff's CV 5 waits for its CV 4's answer. */
export function singleRequestAt(suite: Suite, index: number): { item: TrafficItem; afterPrevious: boolean } {
  const unit = suite.pool.unit(Math.floor(index / 2));
  const item = unit[index % 2];
  return { item, afterPrevious: item.kind === 'tariff-1.1.1-cv5' };
}

export async function runLadder(suite: Suite) {
  const { options } = suite;
  const requestsFor = (offered: number) => Math.min(options.rungMaxRequests, Math.ceil(offered * options.rungSeconds));
  /** Half of echo+verify's sustained rate, as a multiple of the DCC average; undefined when it sustained nothing. */
  const halfOf = (outcome: LadderOutcome) => (outcome.sustainedPerSecond > 0 ? round(outcome.sustainedPerSecond / DCC_AVERAGE_PER_SECOND / 2, 4) : undefined);
  const outcomes = await climbLadder(suite, {
    name: 'ladder',
    variants: [ECHO, ECHO_VERIFY, FULL],
    // Only a router needs new signed requests; a baseline stores nothing and may see the same bytes again.
    prepare: (offered, climbing) => {
      if (climbing.some((v) => !isBaseline(v))) suite.pool.ensure(Math.ceil(requestsFor(offered) / 2) + 1);
    },
    run: (target, offered, seed) => runOpenLoop<TrafficItem & LoadItem>({
      url: target.url, path: '/v1/service-requests', ratePerSecond: offered, durationSeconds: options.rungSeconds,
      maxRequests: requestsFor(offered), maxOutstanding: options.maxOutstanding,
      itemAt: (i) => singleRequestAt(suite, isBaseline(target.variant) ? i % (suite.pool.size * 2) : i),
      drainSeconds: Math.max(5, options.rungSeconds * 2), seed,
      check: answerCheck(target),
    }),
    extraRungs: (found) => {
      const multiple = halfOf(found.find((o) => o.variant === ECHO_VERIFY.id)!);
      return multiple === undefined ? [] : [{ variant: FULL, multiple }];
    },
  });
  const charts = ladderCharts(suite, 'ladder', 'Single requests', outcomes);
  const router = outcomes.find((o) => o.variant === FULL.id)!;
  const echo = outcomes.find((o) => o.variant === ECHO.id)!;
  const echoVerify = outcomes.find((o) => o.variant === ECHO_VERIFY.id)!;
  const halfMultiple = halfOf(echoVerify);
  const atHalf = halfMultiple === undefined ? undefined : router.rungs.find((r) => r.multiple === halfMultiple);
  // Reaching the top of the ladder makes echo+verify's figure a floor: the ratio to it is then a
  // ceiling, and the router's p99 was taken below the rate the goal names.
  const echoVerifyIsFloor = echoVerify.stoppedBecause === 'top of the ladder reached';
  const echoVerifyFloor = echoVerifyIsFloor ? '; echo+verify reached the top of the ladder, so its rate is only a floor' : '';
  const goals = [
    goal('openLoopSustained', 'open-loop sustained rate, router ÷ echo+verify', echoVerify.sustainedPerSecond > 0 ? round(router.sustainedPerSecond / echoVerify.sustainedPerSecond) : null,
      echoVerify.sustainedPerSecond > 0 ? `${formatRate(router.sustainedPerSecond)}/s vs ${formatRate(echoVerify.sustainedPerSecond)}/s${echoVerifyFloor}` : `echo+verify sustained no rung: ${echoVerify.stoppedBecause}`, { boundOnly: echoVerifyIsFloor }),
    // A p99 over answers not as expected (a fast 503) or without the requests that never got one would flatter.
    goal('p99AtHalfEchoVerify', 'router p99 at half of echo+verify\'s sustained rate', atHalf ? round(atHalf.latencyMs.p99) : null,
      atHalf ? `offered ${formatRate(atHalf.offeredPerSecond)}/s, answered ${formatRate(atHalf.achievedPerSecond)}/s${atHalf.saturated ? `; saturated: ${atHalf.why}` : ''}${echoVerifyFloor}` : `echo+verify sustained no rung: ${echoVerify.stoppedBecause}`,
      { boundOnly: echoVerifyIsFloor, spoiledBy: atHalf ? notAsExpected({ router: atHalf.unexpected }) : undefined }),
  ];
  const data = {
    method: `open loop, Poisson arrivals at each offered rate for ${options.rungSeconds} s (at most ${options.rungMaxRequests} requests), latency from each request's scheduled send time (coordinated-omission corrected), at most ${options.maxOutstanding} in flight; fresh router per rung`,
    saturation: `answered as expected < 90% of offered, or p99 > ${options.p99BoundMs} ms, or any answer not as expected (a 503 among them), or more than 1% unfinished`,
    dccAveragePerSecond: DCC_AVERAGE_PER_SECOND,
    routerSustainedPerSecond: router.sustainedPerSecond,
    routerSustainedMultiple: round(router.sustainedPerSecond / DCC_AVERAGE_PER_SECOND),
    echoSustainedPerSecond: echo.sustainedPerSecond,
    echoVerifySustainedPerSecond: echoVerify.sustainedPerSecond,
    routerRatioToEchoVerify: echoVerify.sustainedPerSecond > 0 ? round(router.sustainedPerSecond / echoVerify.sustainedPerSecond) : null,
    /** The router's rung at half of echo+verify's sustained rate. */
    routerAtHalfEchoVerify: atHalf ?? null,
    goals,
    outcomes,
  };
  const markdown = [
    `Open loop at fixed arrival rates (Poisson), multiples of the DCC average of ${formatRate(DCC_AVERAGE_PER_SECOND)}/s, ${options.rungSeconds} s a rung, the realistic mix; latency measured from each request's scheduled send time, so a target that falls behind is charged for the wait (coordinated omission corrected), and its percentiles ranking a request never answered (aborted at the rung's end, failed) slower than any answered (max and mean are the answered ones'). A rung is saturated when answered as expected < 90% of offered, p99 > ${options.p99BoundMs} ms, any answer not as expected (a 503 overloaded among them), or more than 1% unfinished.`,
    '',
    `**Acknowledgement path: sustained ${formatRate(router.sustainedPerSecond)}/s (${round(router.sustainedPerSecond / DCC_AVERAGE_PER_SECOND)}x the DCC average); ${router.stoppedBecause}.** Echo+verify: sustained ${formatRate(echoVerify.sustainedPerSecond)}/s; ${echoVerify.stoppedBecause}. Echo: sustained ${formatRate(echo.sustainedPerSecond)}/s; ${echo.stoppedBecause}. ${atHalf ? `At half of echo+verify's sustained rate (${formatRate(atHalf.offeredPerSecond)}/s, a rung of its own after the climb unless the climb had one there) the router's p99 was ${formatMs(atHalf.latencyMs.p99)} ms.` : ''} "Service" time runs from the actual send (what a closed-loop tool reports); the latency columns from the schedule. A large generator lag with nothing held at the in-flight cap (${options.maxOutstanding}) means the load generator, on the same cores, could not keep the schedule: the figures then describe the machine, not the target (the echo's top rung). The open loop can keep up to ${options.maxOutstanding} requests in flight, far more than the closed loop's ${options.connections} connections; the router batches Redis commands and signature checks across concurrent requests, so its open-loop ceiling can lie above its closed-loop rate.`,
    '',
    ...ladderTable(outcomes),
    '',
    `![answered vs offered](${charts.throughput})`,
    '',
    `![latency vs offered](${charts.latency})`,
  ];
  return { title: 'Rate ladder: open loop at 1x to 100x the DCC average', data, markdown };
}
