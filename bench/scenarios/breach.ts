// Scenario "breach": how late the router notices TRT breaches when very many deadlines are open.
// Every SMETS2+ simulated network is stalled (it holds what it receives and never answers) and
// the smets2.onDemand budget is short, so every request accepted becomes a breach. Requests are
// loaded fast through the batch endpoint with VERIFY_SIGNATURES=false and TAD=false (those stages
// are not what is measured here, and loading is most of this scenario's time), all before the first deadline where the machine allows, so that the
// whole count is open at once; then the router's own histogram
// dccrouter_trt_breach_detection_lag_seconds (deadline to breach marked) gives p50/p99, and the
// breach counter the time until every one is marked; dccrouter_trt_alert_lag_seconds the same for
// their TRT alerts (queued with the mark, or after it when Redis marks in bulk).
import { Redis } from 'ioredis';
import { runClosedLoop, type LoadItem } from '../lib/closed-loop.ts';
import { log, step } from '../lib/progress.ts';
import { goal, notAsExpected } from '../lib/goals.ts';
import { cpuSecondsOf, rssMbOf } from '../lib/processes.ts';
import { round } from '../lib/stats.ts';
import { formatDuration, formatRate, table, withTarget, type Suite } from '../lib/suite.ts';
import { lineChart } from '../lib/svg.ts';
import { adminCall, histogramQuantile, lastFiniteBucket, metricValue, readMetrics, type RunningTarget, type Variant } from '../lib/targets.ts';
import { deviceProfile, SMETS2_DESTINATIONS } from '../lib/traffic.ts';

const VARIANT: Variant = {
  id: 'router-breach', label: 'router, Redis, signatures and TAD off, SMETS2+ networks stalled', kind: 'router',
  env: { VERIFY_SIGNATURES: 'false', TAD: 'false' },
};
const LAG = 'dccrouter_trt_breach_detection_lag_seconds';
const ALERT_LAG = 'dccrouter_trt_alert_lag_seconds';
const BREACHES = 'dccrouter_trt_breaches_total';
const FORWARDED = 'dccrouter_egress_forwarded_total';
const LONG_BUDGET_MS = 24 * 3600 * 1000;
/** The router's default Redis key prefix and partition count (see @dccrouter/state). */
const KEY_PREFIX = 'dcc:';
const PARTITIONS = 16;

/**
 * Where the open deadlines lie around the instant they were meant to fall due: the 1st, 50th
 * and 99th percentiles of (check time - that instant) in ms, from the routers' TRT indexes (500
 * bins between the earliest and the latest; the calibration requests, a day away, left out).
 */
async function deadlineSpread(redis: Redis, dueAt: number) {
  const keys = Array.from({ length: PARTITIONS }, (_, p) => `${KEY_PREFIX}trt:{p${p}}`);
  const below = String(dueAt + LONG_BUDGET_MS / 2);
  const ends = redis.pipeline();
  for (const key of keys) ends.zrangebyscore(key, '-inf', below, 'WITHSCORES', 'LIMIT', 0, 1).zrevrangebyscore(key, below, '-inf', 'WITHSCORES', 'LIMIT', 0, 1);
  const scores = ((await ends.exec()) ?? []).map(([, reply]) => (reply as string[])[1]).filter((v) => v !== undefined).map(Number);
  if (scores.length === 0) return null;
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  const bins = 500;
  const width = Math.max(1, Math.ceil((max - min + 1) / bins));
  const counting = redis.pipeline();
  for (let b = 0; b < bins; b++) for (const key of keys) counting.zcount(key, min + b * width, `(${min + (b + 1) * width}`);
  const counts = ((await counting.exec()) ?? []).map(([, n]) => Number(n));
  const perBin = Array.from({ length: bins }, (_, b) => counts.slice(b * PARTITIONS, (b + 1) * PARTITIONS).reduce((a, n) => a + n, 0));
  const total = perBin.reduce((a, n) => a + n, 0);
  const at = (q: number) => {
    let seen = 0;
    for (let b = 0; b < bins; b++) {
      seen += perBin[b];
      if (seen >= q * total) return min + b * width - dueAt;
    }
    return max - dueAt;
  };
  return { open: total, binMs: width, p1Ms: at(0.01), p50Ms: at(0.5), p99Ms: at(0.99), firstMs: min - dueAt, lastMs: max - dueAt };
}

/** Requests the DSP still holds for their ExecutionDateTime, over all partitions. */
async function heldCount(redis: Redis): Promise<number> {
  const pipeline = redis.pipeline();
  for (let p = 0; p < PARTITIONS; p++) pipeline.zcard(`${KEY_PREFIX}held:{p${p}}`);
  return ((await pipeline.exec()) ?? []).reduce((sum, [, n]) => sum + Number(n), 0);
}

/** Unsigned 4.1.1 reads of SMETS2+ meters, made on the fly (nothing to pre-sign with signatures off). */
function breachBatches(suite: Suite, batchSize: number, counterBase: bigint) {
  const smets2: { deviceId: string; owner: string }[] = [];
  for (let i = 0; smets2.length < 5000 && i < suite.options.devices; i++) {
    const device = deviceProfile(i, suite.users.length);
    if (device.generation === 'SMETS2+') smets2.push({ deviceId: device.deviceId, owner: suite.users[device.owner].userId });
  }
  if (smets2.length === 0) throw new Error('the inventory has no SMETS2+ device');
  const headers = { 'content-type': 'application/json' };
  return (batchIndex: number, executionDateTime?: string): LoadItem => {
    const parts: string[] = [];
    const srvBody = executionDateTime ? `{"ExecutionDateTime":"${executionDateTime}"}` : '{}';
    for (let j = 0; j < batchSize; j++) {
      const n = batchIndex * batchSize + j;
      const { deviceId, owner } = smets2[n % smets2.length];
      const body = `{"header":{"requestId":{"originatorId":"${owner}","targetId":"${deviceId}","counter":"${counterBase + BigInt(n)}"},"commandVariant":1,"serviceReference":"4.1","serviceReferenceVariant":"4.1.1"},"body":{"ReadInstantaneousImportRegisters":${srvBody}}}`;
      parts.push(`{"body":${JSON.stringify(body)}}`);
    }
    return { body: Buffer.from(`{"requests":[${parts.join(',')}]}`), headers };
  };
}

function countAccepted(body: string): number {
  let count = 0;
  for (let at = body.indexOf('"status":202'); at >= 0; at = body.indexOf('"status":202', at + 12)) count++;
  return count;
}

/** Sends at least `requests` requests in pairs of batches, a whole number of pairs per connection. */
async function load(target: RunningTarget, makeBatch: (i: number) => LoadItem, firstBatch: number, requests: number, size: number, connections: number, maxSeconds: number) {
  let accepted = 0;
  const units = Math.ceil(requests / size / 2 / connections) * connections;
  const result = await runClosedLoop({
    url: target.url, path: '/v1/service-requests:batch', connections,
    units, unitAt: (i) => [makeBatch(firstBatch + 2 * i), makeBatch(firstBatch + 2 * i + 1)] as const,
    maxSeconds,
    itemsPerRequest: size,
    check: (_item, status, body) => {
      accepted += countAccepted(body);
      return status === 200 ? undefined : `batch answered ${status}: ${body.slice(0, 200)}`;
    },
  });
  return { ...result, accepted, batches: units * 2 };
}

export async function runBreach(suite: Suite) {
  const { options } = suite;
  const count = options.breachCount;
  const size = options.breachBatch;
  const connections = Math.min(options.batchConnections, Math.max(1, Math.ceil(count / size / 2)));
  return withTarget(suite, VARIANT, async (target) => {
    for (const destination of SMETS2_DESTINATIONS) {
      const answer = await adminCall(target.url, 'PUT', `/v1/admin/simulators/${encodeURIComponent(destination)}`, { stalled: true });
      if (answer.status !== 200) throw new Error(`cannot stall ${destination}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    const makeBatch = breachBatches(suite, size, BigInt(Date.now()) * 1_000_000n);

    // Calibration: a small share with a budget that never runs out here, to learn this
    // machine's loading rate (a first part warms the router up, the second is timed); those stay
    // open (and count as open deadlines) but never breach.
    await adminCall(target.url, 'PUT', '/v1/admin/trt-budgets', { 'smets2.onDemand': LONG_BUDGET_MS });
    const warm = await load(target, makeBatch, 0, count * 0.01, size, connections, 60);
    const timed = await step(`breach  calibrating the load rate with about ${formatRate(count * 0.02)} requests (long budget, never breached)`,
      () => load(target, makeBatch, warm.batches, count * 0.02, size, connections, 120), (r) => `${formatRate(r.accepted)} accepted at ${formatRate(r.perSecond)} req/s`);
    const calibration = { accepted: warm.accepted + timed.accepted, batches: warm.batches + timed.batches, perSecond: timed.perSecond };
    const expectedLoadSeconds = count / calibration.perSecond;
    // When the deadlines fall due. "converge": all at one instant, to the millisecond (as with
    // requests scheduled for the same time): every request carries one ExecutionDateTime E after
    // the expected end of loading, and a future-dated request's TRT clock starts at E, so every
    // deadline is E + the smets2.onDemand budget. The DSP holds such requests until E, then
    // queues them all for their (stalled) networks; the budget leaves time for that (25 µs a
    // request, at least 5 s, and under the 30 s after which egress starts redelivering) so that
    // at the instant the scan has the machine to itself (what is still held or not yet
    // forwarded then is reported). "spread": no ExecutionDateTime and one budget long
    // enough that the first deadline falls after the last acceptance: deadlines fall due at the
    // rate they were accepted. The loading headroom is 30%: the rate varies as Redis fills and
    // with whatever else the machine runs; if loading overruns E, the last requests are refused
    // as no longer future-dated (spread: their deadlines are due when accepted); the count
    // accepted and the count open at once say how many.
    const converge = options.breachDeadlines === 'converge';
    const headroomMs = Math.round(Math.min(900, expectedLoadSeconds * 1.3 + Math.min(converge ? 10 : 5, 1 + expectedLoadSeconds)) * 1000);
    const releaseMs = converge ? Math.max(5_000, Math.round(count * 0.025)) : 0;
    const budgetMs = converge ? releaseMs : headroomMs;
    await adminCall(target.url, 'PUT', '/v1/admin/trt-budgets', { 'smets2.onDemand': budgetMs });
    const before = await readMetrics(target.url);
    const breachesBefore = metricValue(before, BREACHES);
    const alertsBefore = metricValue(before, `${ALERT_LAG}_count`);
    // Redis before the measured load (the inventory, the Users and the calibration requests).
    const redisBeforeMb = await suite.redis.usedMemoryMb();
    const loadStarted = Date.now();
    const executionAt = converge ? loadStarted + headroomMs : undefined;
    const executionIso = executionAt === undefined ? undefined : new Date(executionAt).toISOString();
    const dueAt = loadStarted + headroomMs + releaseMs;
    log(`breach  deadlines ${converge ? `on one instant ${((dueAt - Date.now()) / 1000).toFixed(1)} s from now: ExecutionDateTime ${executionIso}, smets2.onDemand = ${budgetMs} ms` : `spread: smets2.onDemand = ${headroomMs} ms`} (expected load ${expectedLoadSeconds.toFixed(1)} s)`);

    const loaded = await step(`breach  accepting ${formatRate(count)} requests`,
      () => load(target, (i) => makeBatch(i, executionIso), calibration.batches, count, size, connections, Math.max(60, expectedLoadSeconds * 4)),
      (r) => `${formatRate(r.accepted)} accepted at ${formatRate(r.perSecond)} req/s`);
    // The last acceptance: the load's last answer (the step itself ends a little later).
    const loadEnded = loadStarted + loaded.seconds * 1000;
    const firstDeadline = converge ? dueAt : loadStarted + headroomMs;
    const lastDeadline = converge ? dueAt : loadEnded + headroomMs;
    const openAtEnd = calibration.accepted + loaded.accepted - (metricValue(await readMetrics(target.url), BREACHES) - breachesBefore);
    const redis = new Redis(suite.redis.url);
    const perRequest = (mb: number, requests: number) => Math.round((mb * 2 ** 20) / Math.max(1, requests));
    let spread: Awaited<ReturnType<typeof deadlineSpread>>;
    // Just before the first deadline, with every deadline open: what is still held (converge),
    // the router's memory, and Redis's per open request.
    let atInstant: { heldRequests: number; notForwarded: number; routerRssMb: number; redisMb: number } | undefined;
    // CPU from the instant to the last breach marked: Redis's by command, and each process's.
    let cpuFrom: { redis: number; router: number } | undefined;
    let marking: { redisCpuUsPerBreach: number; routerCpuUsPerBreach: number; redisCommandUsPerBreach: Record<string, number> } | undefined;
    const progress: [number, number][] = [];
    const alertProgress: [number, number][] = [];
    let marked = 0;
    let alerted = 0;
    let allMarkedAt = 0;
    let allAlertedAt = 0;
    try {
      spread = await deadlineSpread(redis, dueAt);
      log(`breach  ${formatRate(openAtEnd)} deadlines open after loading; the first falls due in ${((firstDeadline - Date.now()) / 1000).toFixed(1)} s`
        + (spread ? `; of those open, 98% fall due between ${spread.p1Ms} and ${spread.p99Ms} ms of the instant aimed at (${spread.binMs} ms bins)` : ''));

      // Watch the breach counter until every loaded request is marked, and alerted (bounded).
      const watchLimit = lastDeadline + Math.max(60_000, budgetMs) + 120_000;
      await step(`breach  waiting for ${formatRate(loaded.accepted)} breaches to be marked`, async () => {
        while (Date.now() < watchLimit) {
          if (!atInstant && Date.now() >= firstDeadline - 700) {
            const forwarded = metricValue(await readMetrics(target.url), FORWARDED);
            atInstant = {
              heldRequests: await heldCount(redis), notForwarded: Math.max(0, calibration.accepted + loaded.accepted - forwarded),
              routerRssMb: rssMbOf(target.pid), redisMb: await suite.redis.usedMemoryMb(),
            };
            await suite.redis.resetStats();
            cpuFrom = { redis: cpuSecondsOf(suite.redis.pid), router: cpuSecondsOf(target.pid) };
            log(`breach  at the instant: ${formatRate(atInstant.heldRequests)} requests still held for their ExecutionDateTime, ${formatRate(atInstant.notForwarded)} not yet forwarded; router ${atInstant.routerRssMb} MB, Redis ${atInstant.redisMb} MB (${formatRate(perRequest(atInstant.redisMb, openAtEnd))} B per open request; the measured load's ${formatRate(loaded.accepted)} added ${formatRate(perRequest(atInstant.redisMb - redisBeforeMb, loaded.accepted))} B each)`);
          }
          const now = await readMetrics(target.url);
          marked = metricValue(now, BREACHES) - breachesBefore;
          alerted = metricValue(now, `${ALERT_LAG}_count`) - alertsBefore;
          // Unrounded: rounding to 3 significant figures left whole seconds past 100 s, more than the lags it measures.
          const at = (Date.now() - loadStarted) / 1000;
          progress.push([at, marked]);
          alertProgress.push([at, alerted]);
          if (marked >= loaded.accepted && !allMarkedAt) allMarkedAt = Date.now();
          if (allMarkedAt && alerted >= loaded.accepted) {
            allAlertedAt = Date.now();
            if (cpuFrom) {
              const perBreach = (seconds: number) => round((seconds * 1e6) / Math.max(1, marked));
              const commands = (await suite.redis.commandStats()).sort((a, b) => b.usec - a.usec).slice(0, 8);
              marking = {
                redisCpuUsPerBreach: perBreach(cpuSecondsOf(suite.redis.pid) - cpuFrom.redis),
                routerCpuUsPerBreach: perBreach(cpuSecondsOf(target.pid) - cpuFrom.router),
                redisCommandUsPerBreach: Object.fromEntries(commands.map((c) => [c.command, perBreach(c.usec / 1e6)])),
              };
              log(`breach  CPU per breach while marking and alerting: Redis ${marking.redisCpuUsPerBreach} µs (by command: ${Object.entries(marking.redisCommandUsPerBreach).map(([c, us]) => `${c} ${us}`).join(', ')}), router ${marking.routerCpuUsPerBreach} µs`);
            }
            return;
          }
          await Bun.sleep(Date.now() < firstDeadline - 1500 ? 500 : 250);
        }
      }, () => (allAlertedAt ? `all marked ${((allMarkedAt - lastDeadline) / 1000).toFixed(1)} s and all alerted ${((allAlertedAt - lastDeadline) / 1000).toFixed(1)} s after the last deadline`
        : `only ${marked} marked and ${alerted} alerted in time`));
    } finally {
      redis.disconnect();
    }
    const metrics = await readMetrics(target.url);
    const lagCount = metricValue(metrics, `${LAG}_count`);
    const lagSum = metricValue(metrics, `${LAG}_sum`);
    const routerRssMb = rssMbOf(target.pid);
    const redisMb = await suite.redis.usedMemoryMb();
    const lastBucket = lastFiniteBucket(metrics, LAG);
    const quantile = (name: string, q: number) => {
      const value = histogramQuantile(metrics, name, q);
      return Number.isFinite(value) ? round(value) : null;
    };
    const lag = {
      p50Seconds: quantile(LAG, 0.5),
      p99Seconds: quantile(LAG, 0.99),
      meanSeconds: round(lagSum / lagCount),
      count: lagCount,
      /** A null quantile lies past this, the histogram's last finite bucket. */
      lastBucketSeconds: lastBucket,
    };
    const alertLag = { p50Seconds: quantile(ALERT_LAG, 0.5), p99Seconds: quantile(ALERT_LAG, 0.99), count: metricValue(metrics, `${ALERT_LAG}_count`) - alertsBefore };
    // With every deadline on one instant, the breach counter's progress gives the lag too, at the
    // resolution of its sampling (250 ms) and without the histogram's top bucket: the time the
    // counter passed q of the count, less the instant the deadlines fell due. In whole milliseconds
    // (Date.now()'s) and not clamped: a negative lag says the counter passed before the instant.
    const observed = (series: [number, number][], q: number) => {
      const target = q * loaded.accepted;
      const at = series.find(([, n]) => n >= target)?.[0];
      return at === undefined ? null : (Math.round(at * 1000) - (dueAt - loadStarted)) / 1000;
    };
    const observedLag = converge ? { p50Seconds: observed(progress, 0.5), p99Seconds: observed(progress, 0.99), allSeconds: observed(progress, 1) } : undefined;
    const observedAlertLag = converge ? { p50Seconds: observed(alertProgress, 0.5), p99Seconds: observed(alertProgress, 0.99), allSeconds: observed(alertProgress, 1) } : undefined;
    const lagText = (seconds: number | null) => (seconds === null ? `> ${formatDuration(lastBucket)} (past the histogram's last bucket)` : formatDuration(seconds));
    const chart = suite.writeChart('breach-marking', lineChart({
      title: 'Breaches marked and alerted over time', xLabel: 'seconds since loading began', yLabel: 'breaches',
      series: [
        { name: 'marked', points: progress },
        { name: 'TRT alert queued', points: alertProgress },
        { name: converge ? 'the deadline instant' : 'deadlines (first to last)', points: [[round((firstDeadline - loadStarted) / 1000), 0], [round((lastDeadline - loadStarted) / 1000), loaded.accepted]], dashed: true },
      ],
    }));
    const data = {
      method: `all six SMETS2+ simulators stalled; ${formatRate(calibration.accepted)} calibration requests with a 24 h budget, then ${formatRate(loaded.accepted)} with ${converge ? `one ExecutionDateTime and smets2.onDemand = ${budgetMs} ms, so every deadline falls on one instant` : `smets2.onDemand = ${budgetMs} ms`}, through the batch endpoint (${size} a batch, ${connections} connections, VERIFY_SIGNATURES=false); lag from the router's ${LAG} histogram (bucket-interpolated)`,
      deadlines: options.breachDeadlines,
      requested: count,
      accepted: loaded.accepted,
      calibrationAccepted: calibration.accepted,
      loadPerSecond: Math.round(loaded.perSecond),
      loadSeconds: round((loadEnded - loadStarted) / 1000),
      budgetMs,
      openDeadlinesAfterLoading: openAtEnd,
      allMarked: allMarkedAt > 0,
      marked,
      secondsFromFirstDeadlineToAllMarked: allMarkedAt ? round((allMarkedAt - firstDeadline) / 1000) : null,
      secondsFromLastDeadlineToAllMarked: allMarkedAt ? round((allMarkedAt - lastDeadline) / 1000) : null,
      markingPerSecond: allMarkedAt ? Math.round(loaded.accepted / Math.max(0.001, (allMarkedAt - firstDeadline) / 1000)) : null,
      lag,
      observedLag,
      allAlerted: allAlertedAt > 0,
      alerted,
      secondsFromLastDeadlineToAllAlerted: allAlertedAt ? round((allAlertedAt - lastDeadline) / 1000) : null,
      alertLag,
      observedAlertLag,
      routerRssMb,
      redisUsedMemoryMb: redisMb,
      /** Just before the first deadline, every deadline open: requests still held, memory. */
      atInstant: atInstant ? {
        ...atInstant, redisBeforeLoadMb: redisBeforeMb, redisBytesPerOpenRequest: perRequest(atInstant.redisMb, openAtEnd),
        redisBytesPerLoadedRequest: perRequest(atInstant.redisMb - redisBeforeMb, loaded.accepted),
      } : null,
      /** CPU µs per breach from the instant to the last alert queued (Redis commands overlap: a script's include the commands it runs). */
      marking: marking ?? null,
      /** Check time minus the instant aimed at, of the deadlines open after loading (ms). */
      deadlineSpread: spread,
      unexpected: loaded.unexpected + loaded.errors + loaded.timeouts,
      unexpectedSamples: loaded.unexpectedSamples,
      // Issue #9's: every deadline on one instant (converge); the memory figure with them all open.
      goals: [
        ...(converge ? [goal('breachLagP99', `TRT breach-detection lag p99, ${formatRate(openAtEnd)} deadlines open, all falling due at one instant`,
          lag.p99Seconds === null ? null : Math.round(lag.p99Seconds * 1000), `router histogram; all marked ${allMarkedAt ? `${round((allMarkedAt - lastDeadline) / 1000)} s after the instant` : 'not within the watch'}; TRT alerts p99 ${alertLag.p99Seconds === null ? '–' : `${alertLag.p99Seconds} s`}, all queued ${allAlertedAt ? `${round((allAlertedAt - lastDeadline) / 1000)} s after it` : 'not within the watch'}`,
          // A refused batch leaves fewer deadlines open than the figure names.
          { spoiledBy: notAsExpected({ 'loading batches': loaded.unexpected + loaded.errors + loaded.timeouts }) })] : []),
        goal('redisBytesPerOpenRequest', 'Redis memory per open request (deadlines scenario: 4.1.1 reads, the inventory in the count)', atInstant ? perRequest(atInstant.redisMb, openAtEnd) : null,
          atInstant ? `${atInstant.redisMb} MB used with ${formatRate(openAtEnd)} open, the inventory included; ${formatRate(atInstant.notForwarded)} of them not yet forwarded` : 'not measured: the instant passed during loading'),
      ],
    };
    const deadlinesText = converge
      ? `one ExecutionDateTime ${(headroomMs / 1000).toFixed(0)} s after loading began and smets2.onDemand = ${budgetMs / 1000} s, so that every deadline falls due at one instant (a burst, as when many requests share one scheduled time)`
      : `one smets2.onDemand budget of ${budgetMs / 1000} s, so deadlines fall due at the rate requests were accepted`;
    const markdown = [
      `All six SMETS2+ simulated networks stalled; ${formatRate(loaded.accepted)} requests accepted through the batch endpoint (${size} a batch, signatures off) in ${data.loadSeconds} s (${formatRate(data.loadPerSecond)}/s), with ${deadlinesText}; plus ${formatRate(calibration.accepted)} calibration requests with a 24 h budget that stay open: **${formatRate(openAtEnd)} deadlines open at once** after loading. (\`--breach-deadlines ${converge ? 'spread' : 'converge'}\` runs the other way.)`,
      '',
      `**Breach-detection lag (deadline to marked): p50 ${lagText(lag.p50Seconds)}, p99 ${lagText(lag.p99Seconds)}** (mean ${formatDuration(lag.meanSeconds)} over ${formatRate(lag.count)} breaches; the router's own histogram, interpolated within its buckets 10 ms, 50 ms, 100 ms, 250 ms, 500 ms, 1 s, 2 s, 5 s, 10 s, 30 s). ${allMarkedAt ? `${observedLag ? `From the breach counter (every deadline on one instant): half were marked ${observedLag.p50Seconds === null ? '–' : formatDuration(observedLag.p50Seconds)} after it, 99% after ${observedLag.p99Seconds === null ? '–' : formatDuration(observedLag.p99Seconds)}. ` : ''}All were marked ${data.secondsFromLastDeadlineToAllMarked} s after the last deadline (${data.secondsFromFirstDeadlineToAllMarked} s after the first: ${formatRate(data.markingPerSecond!)} marked/s).` : `**Only ${formatRate(marked)} of ${formatRate(loaded.accepted)} were marked before the watch ended.**`}`,
      '',
      `**TRT alerts (deadline to the alert queued in the User's outbox): p50 ${lagText(alertLag.p50Seconds)}, p99 ${lagText(alertLag.p99Seconds)}**; ${allAlertedAt ? `all queued ${data.secondsFromLastDeadlineToAllAlerted} s after the last deadline` : `only ${formatRate(alerted)} queued before the watch ended`}. On Redis a SMETS2+ breach is marked by a mark on its partition (its status shows \`breached\` and it is counted from then; a bulk mark's lags are observed at their bucket's upper bound, so the mean is an upper bound), and its alert follows, each User's alerts of one claim in one outbox entry.`,
      '',
      ...table(['figure', 'value'], [
        ['requests accepted (timed part)', formatRate(loaded.accepted)],
        ['loading rate', `${formatRate(data.loadPerSecond)}/s`],
        ['deadlines', converge ? `all at one instant, ${((dueAt - loadStarted) / 1000).toFixed(1)} s after loading began` : `spread, budget ${budgetMs} ms`],
        ['deadlines open after loading', formatRate(openAtEnd)],
        ['lag p50 / p99 / mean (router histogram)', `${lagText(lag.p50Seconds)} / ${lagText(lag.p99Seconds)} / ${formatDuration(lag.meanSeconds)}`],
        ...(observedLag ? [['lag p50 / p99 / last (breach counter, 250 ms samples)', [observedLag.p50Seconds, observedLag.p99Seconds, observedLag.allSeconds].map((v) => (v === null ? '–' : formatDuration(v))).join(' / ')]] : []),
        ['last deadline to all marked', allMarkedAt ? `${data.secondsFromLastDeadlineToAllMarked} s` : 'not within the watch'],
        ['TRT alert lag p50 / p99 (router histogram)', `${lagText(alertLag.p50Seconds)} / ${lagText(alertLag.p99Seconds)}`],
        ...(observedAlertLag ? [['TRT alert lag p50 / p99 / last (alert count, 250 ms samples)', [observedAlertLag.p50Seconds, observedAlertLag.p99Seconds, observedAlertLag.allSeconds].map((v) => (v === null ? '–' : formatDuration(v))).join(' / ')]] : []),
        ['last deadline to all alerted', allAlertedAt ? `${data.secondsFromLastDeadlineToAllAlerted} s` : 'not within the watch'],
        ...(spread ? [['deadlines around the instant aimed at (p1 / p50 / p99)', `${spread.p1Ms} / ${spread.p50Ms} / ${spread.p99Ms} ms (${spread.binMs} ms bins, ${formatRate(spread.open)} open)`]] : []),
        ...(atInstant && converge ? [['requests still held for their ExecutionDateTime / not yet forwarded at the instant', `${formatRate(atInstant.heldRequests)} / ${formatRate(atInstant.notForwarded)}`]] : []),
        ...(marking ? [['CPU per breach while marking and alerting: Redis (its top commands) / router', `${marking.redisCpuUsPerBreach} µs (${Object.entries(marking.redisCommandUsPerBreach).slice(0, 5).map(([c, us]) => `${c} ${us}`).join(', ')}) / ${marking.routerCpuUsPerBreach} µs`]] : []),
        ['router resident memory (all open / all marked)', `${atInstant ? `${atInstant.routerRssMb} MB` : '–'} / ${routerRssMb} MB`],
        ['Redis used memory (all open / all marked)', `${atInstant ? `${atInstant.redisMb} MB (${formatRate(data.atInstant!.redisBytesPerOpenRequest)} B per open request; ${formatRate(data.atInstant!.redisBytesPerLoadedRequest)} B per request of the measured load)` : '–'} / ${redisMb} MB`],
      ]),
      '',
      `![breaches marked and alerted over time](${chart})`,
    ];
    return { title: 'TRT breach detection with many open deadlines', data, markdown };
  }, {}, suite.provisioning);
}
