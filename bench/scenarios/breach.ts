// Scenario "breach": how late the router notices TRT breaches when very many deadlines are open.
// Every SMETS2+ simulated network is stalled (it holds what it receives and never answers) and
// the smets2.onDemand budget is short, so every request accepted becomes a breach. Requests are
// loaded fast through the batch endpoint with VERIFY_SIGNATURES=false and TAD=false (those stages
// are not what is measured here, and loading is most of this scenario's time), all before the first deadline where the machine allows, so that the
// whole count is open at once; then the router's own histogram
// dccrouter_trt_breach_detection_lag_seconds (deadline to breach marked) gives p50/p99, and the
// breach counter the time until every one is marked.
import { runClosedLoop, type LoadItem } from '../lib/closed-loop.ts';
import { log, step } from '../lib/progress.ts';
import { rssMbOf } from '../lib/processes.ts';
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
const BREACHES = 'dccrouter_trt_breaches_total';
const LONG_BUDGET_MS = 24 * 3600 * 1000;

/** Unsigned 4.1.1 reads of SMETS2+ meters, made on the fly (nothing to pre-sign with signatures off). */
function breachBatches(suite: Suite, batchSize: number, counterBase: bigint) {
  const smets2: { deviceId: string; owner: string }[] = [];
  for (let i = 0; smets2.length < 5000 && i < suite.options.devices; i++) {
    const device = deviceProfile(i, suite.users.length);
    if (device.generation === 'SMETS2+') smets2.push({ deviceId: device.deviceId, owner: suite.users[device.owner].userId });
  }
  if (smets2.length === 0) throw new Error('the inventory has no SMETS2+ device');
  const headers = { 'content-type': 'application/json' };
  return (batchIndex: number): LoadItem => {
    const parts: string[] = [];
    for (let j = 0; j < batchSize; j++) {
      const n = batchIndex * batchSize + j;
      const { deviceId, owner } = smets2[n % smets2.length];
      const body = `{"header":{"requestId":{"originatorId":"${owner}","targetId":"${deviceId}","counter":"${counterBase + BigInt(n)}"},"commandVariant":1,"serviceReference":"4.1","serviceReferenceVariant":"4.1.1"},"body":{"ReadInstantaneousImportRegisters":{}}}`;
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
    // When the deadlines fall due. "converge": all at one instant T after the expected end of
    // loading (with headroom): the budget is lowered as loading goes on, so a request
    // accepted at t gets T - t, and every deadline is open at once, then all fall due together
    // (as with requests scheduled for the same time). "spread": one fixed budget, long enough
    // that the first deadline falls after the last acceptance: deadlines fall due at the rate
    // they were accepted. The headroom is 30%: the loading rate varies as Redis fills and with
    // whatever else the machine runs; if loading overruns, the last requests' deadlines are
    // already due when accepted (the count open at once says how many).
    const converge = options.breachDeadlines === 'converge';
    const headroomMs = Math.round(Math.min(900, expectedLoadSeconds * 1.3 + Math.min(converge ? 10 : 5, 1 + expectedLoadSeconds)) * 1000);
    const dueAt = Date.now() + headroomMs;
    const setBudget = (ms: number) => adminCall(target.url, 'PUT', '/v1/admin/trt-budgets', { 'smets2.onDemand': Math.max(1, Math.round(ms)) });
    await setBudget(headroomMs);
    log(`breach  deadlines ${converge ? `converge on one instant ${(headroomMs / 1000).toFixed(1)} s from now` : `spread: smets2.onDemand = ${headroomMs} ms`} (expected load ${expectedLoadSeconds.toFixed(1)} s)`);

    const breachesBefore = metricValue(await readMetrics(target.url), BREACHES);
    const loadStarted = Date.now();
    let updating = converge;
    // A PUT applies to requests accepted afterwards, at once on this instance.
    const updater = (async () => {
      while (updating) {
        await Bun.sleep(200);
        if (updating) await setBudget(dueAt - Date.now());
      }
    })();
    let loaded: Awaited<ReturnType<typeof load>>;
    try {
      loaded = await step(`breach  accepting ${formatRate(count)} requests`,
        () => load(target, makeBatch, calibration.batches, count, size, connections, Math.max(60, expectedLoadSeconds * 4)),
        (r) => `${formatRate(r.accepted)} accepted at ${formatRate(r.perSecond)} req/s`);
    } finally {
      updating = false;
      await updater;
    }
    // The last acceptance: the load's last answer (the step itself ends a little later).
    const loadEnded = loadStarted + loaded.seconds * 1000;
    const firstDeadline = converge ? dueAt : loadStarted + headroomMs;
    const lastDeadline = converge ? dueAt + 250 : loadEnded + headroomMs;
    const budgetMs = headroomMs;
    const openAtEnd = calibration.accepted + loaded.accepted - (metricValue(await readMetrics(target.url), BREACHES) - breachesBefore);
    log(`breach  ${formatRate(openAtEnd)} deadlines open after loading; the first falls due in ${((firstDeadline - Date.now()) / 1000).toFixed(1)} s`);

    // Watch the breach counter until every loaded request is marked (bounded).
    const progress: [number, number][] = [];
    const watchLimit = lastDeadline + Math.max(60_000, budgetMs) + 120_000;
    let marked = 0;
    let allMarkedAt = 0;
    await step(`breach  waiting for ${formatRate(loaded.accepted)} breaches to be marked`, async () => {
      while (Date.now() < watchLimit) {
        marked = metricValue(await readMetrics(target.url), BREACHES) - breachesBefore;
        progress.push([round((Date.now() - loadStarted) / 1000), marked]);
        if (marked >= loaded.accepted) {
          allMarkedAt = Date.now();
          return;
        }
        await Bun.sleep(Date.now() < firstDeadline - 1000 ? 500 : 250);
      }
    }, () => (allMarkedAt ? `all marked ${((allMarkedAt - lastDeadline) / 1000).toFixed(1)} s after the last deadline` : `only ${marked} marked in time`));
    const metrics = await readMetrics(target.url);
    const lagCount = metricValue(metrics, `${LAG}_count`);
    const lagSum = metricValue(metrics, `${LAG}_sum`);
    const routerRssMb = rssMbOf(target.pid);
    const redisMb = await suite.redis.usedMemoryMb();
    const lastBucket = lastFiniteBucket(metrics, LAG);
    const quantile = (q: number) => {
      const value = histogramQuantile(metrics, LAG, q);
      return Number.isFinite(value) ? round(value) : null;
    };
    const lag = {
      p50Seconds: quantile(0.5),
      p99Seconds: quantile(0.99),
      meanSeconds: round(lagSum / lagCount),
      count: lagCount,
      /** A null quantile lies past this, the histogram's last finite bucket. */
      lastBucketSeconds: lastBucket,
    };
    // With every deadline on one instant, the breach counter's progress gives the lag too, at the
    // resolution of its sampling (250 ms) and without the histogram's top bucket: the time the
    // counter passed q of the count, less the instant the deadlines fell due.
    const observed = (q: number) => {
      const target = q * loaded.accepted;
      const at = progress.find(([, n]) => n >= target)?.[0];
      return at === undefined ? null : round(Math.max(0, at - (dueAt - loadStarted) / 1000));
    };
    const observedLag = converge ? { p50Seconds: observed(0.5), p99Seconds: observed(0.99), allSeconds: observed(1) } : undefined;
    const lagText = (seconds: number | null) => (seconds === null ? `> ${formatDuration(lastBucket)} (past the histogram's last bucket)` : formatDuration(seconds));
    const chart = suite.writeChart('breach-marking', lineChart({
      title: 'Breaches marked over time', xLabel: 'seconds since loading began', yLabel: 'breaches marked',
      series: [
        { name: 'marked', points: progress },
        { name: converge ? 'the deadline instant' : 'deadlines (first to last)', points: [[round((firstDeadline - loadStarted) / 1000), 0], [round((lastDeadline - loadStarted) / 1000), loaded.accepted]], dashed: true },
      ],
    }));
    const data = {
      method: `all six SMETS2+ simulators stalled; ${formatRate(calibration.accepted)} calibration requests with a 24 h budget, then ${formatRate(loaded.accepted)} with ${converge ? 'the smets2.onDemand budget lowered as loading went on so every deadline falls on one instant' : `smets2.onDemand = ${budgetMs} ms`}, through the batch endpoint (${size} a batch, ${connections} connections, VERIFY_SIGNATURES=false); lag from the router's ${LAG} histogram (bucket-interpolated)`,
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
      routerRssMb,
      redisUsedMemoryMb: redisMb,
      unexpected: loaded.unexpected + loaded.errors + loaded.timeouts,
      unexpectedSamples: loaded.unexpectedSamples,
    };
    const deadlinesText = converge
      ? `the smets2.onDemand budget lowered every 200 ms while loading, so that every deadline falls due at one instant ${(headroomMs / 1000).toFixed(0)} s after loading began (a burst, as when many requests share one scheduled time)`
      : `one smets2.onDemand budget of ${budgetMs / 1000} s, so deadlines fall due at the rate requests were accepted`;
    const markdown = [
      `All six SMETS2+ simulated networks stalled; ${formatRate(loaded.accepted)} requests accepted through the batch endpoint (${size} a batch, signatures off) in ${data.loadSeconds} s (${formatRate(data.loadPerSecond)}/s), with ${deadlinesText}; plus ${formatRate(calibration.accepted)} calibration requests with a 24 h budget that stay open: **${formatRate(openAtEnd)} deadlines open at once** after loading. (\`--breach-deadlines ${converge ? 'spread' : 'converge'}\` runs the other way.)`,
      '',
      `**Breach-detection lag (deadline to marked): p50 ${lagText(lag.p50Seconds)}, p99 ${lagText(lag.p99Seconds)}** (mean ${formatDuration(lag.meanSeconds)} over ${formatRate(lag.count)} breaches; the router's own histogram, interpolated within its buckets 10 ms, 50 ms, 100 ms, 250 ms, 500 ms, 1 s, 2 s, 5 s, 10 s, 30 s). ${allMarkedAt ? `${observedLag ? `From the breach counter (every deadline on one instant): half were marked ${observedLag.p50Seconds === null ? '–' : formatDuration(observedLag.p50Seconds)} after it, 99% after ${observedLag.p99Seconds === null ? '–' : formatDuration(observedLag.p99Seconds)}. ` : ''}All were marked ${data.secondsFromLastDeadlineToAllMarked} s after the last deadline (${data.secondsFromFirstDeadlineToAllMarked} s after the first: ${formatRate(data.markingPerSecond!)} marked/s).` : `**Only ${formatRate(marked)} of ${formatRate(loaded.accepted)} were marked before the watch ended.**`}`,
      '',
      ...table(['figure', 'value'], [
        ['requests accepted (timed part)', formatRate(loaded.accepted)],
        ['loading rate', `${formatRate(data.loadPerSecond)}/s`],
        ['deadlines', converge ? `all at one instant, ${(headroomMs / 1000).toFixed(1)} s after loading began` : `spread, budget ${budgetMs} ms`],
        ['deadlines open after loading', formatRate(openAtEnd)],
        ['lag p50 / p99 / mean (router histogram)', `${lagText(lag.p50Seconds)} / ${lagText(lag.p99Seconds)} / ${formatDuration(lag.meanSeconds)}`],
        ...(observedLag ? [['lag p50 / p99 / last (breach counter, 250 ms samples)', [observedLag.p50Seconds, observedLag.p99Seconds, observedLag.allSeconds].map((v) => (v === null ? '–' : formatDuration(v))).join(' / ')]] : []),
        ['last deadline to all marked', allMarkedAt ? `${data.secondsFromLastDeadlineToAllMarked} s` : 'not within the watch'],
        ['router resident memory', `${routerRssMb} MB`],
        ['Redis used memory', `${redisMb} MB`],
      ]),
      '',
      `![breaches marked over time](${chart})`,
    ];
    return { title: 'TRT breach detection with many open deadlines', data, markdown };
  }, {}, suite.provisioning);
}
