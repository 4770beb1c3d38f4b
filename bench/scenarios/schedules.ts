// Scenario "schedules": DSP schedules coming due. Daily reads (4.6.1), by default one for every
// electricity meter of the inventory (`--schedules n` spreads n over them: a million with
// `--schedules 1000000 --schedule-spread 3600`), are stored as their DSP schedules (written
// straight into the router's Redis, as 5.1 would leave them: this scenario measures running
// occurrences, not creating schedules), their first occurrences spread over `--schedule-spread`
// seconds; the router's scheduler claims each once and runs it through the pipeline with the
// scheduled TRT. Then every occurrence's request is read back: its result must be in its User's
// outbox (responded) within its TRT counted from its due time. Reported: occurrences run per
// second, how far behind its due time each result came, and what a million an hour (278 a second)
// needs of it.
import { occurrenceAt, occurrenceCounter, type DspSchedule } from '@dccrouter/domain';
import { RedisStore, type RequestRecord } from '@dccrouter/state';
import { step } from '../lib/progress.ts';
import { percentileOfSorted, round } from '../lib/stats.ts';
import { metricByLabel, readMetrics } from '../lib/targets.ts';
import { formatRate, table, withTarget, type Suite } from '../lib/suite.ts';
import { ACCESS_CONTROL_BROKER, deviceProfile, userIdOf } from '../lib/traffic.ts';
import { FULL } from './variants.ts';

const RUNS = 'dccrouter_dsp_schedule_runs_total';

/** Schedules stored (and read back) at a time. */
const CHUNK = 2_000;

export async function runSchedules(suite: Suite) {
  const { options } = suite;
  const SPREAD_S = options.scheduleSpreadSeconds;
  const meters: number[] = [];
  for (let i = 0; i < options.devices; i++) if (deviceProfile(i, options.users).deviceType === 'ESME') meters.push(i);
  const count = options.schedules || meters.length;
  // Schedule k: meter k mod meters, its first occurrence due at firstDue + (k mod spread) s; its ID as stored.
  const scheduleIds = new Float64Array(count);
  return withTarget(suite, FULL, async (target) => {
    // Far enough ahead for every schedule to be stored before the first falls due (about 5,000 a second on 2 cores).
    const firstDue = Math.ceil((Date.now() + (options.quick ? 3_000 : 20_000) + count / 4) / 1000) * 1000;
    const dueOf = (k: number) => firstDue + (k % SPREAD_S) * 1000;
    const store = await RedisStore.connect({ url: suite.redis.url, keyPrefix: 'dcc:' });
    try {
      await step(`schedules  storing ${formatRate(count)} daily reads over ${formatRate(meters.length)} electricity meters`, async () => {
        for (let from = 0; from < count; from += CHUNK) {
          await Promise.all(Array.from({ length: Math.min(CHUNK, count - from) }, async (_, j) => {
            const k = from + j;
            const device = deviceProfile(meters[k % meters.length], options.users);
            const at = new Date(dueOf(k));
            const schedule: DspSchedule = {
              frequency: 'Daily', startDate: at.toISOString().slice(0, 10), executionStartTime: at.toISOString().slice(11, 19),
              srv: '4.6.1', deviceId: device.deviceId, bodyElement: 'RetrieveImportDailyReadLog', bodyValue: {},
            };
            // Each made as by its own 5.1, whose RequestID names the Access Control Broker.
            scheduleIds[k] = await store.allocateScheduleId();
            await store.createSchedule(userIdOf(device.owner), scheduleIds[k], schedule, occurrenceAt(schedule, 0), `${userIdOf(device.owner)}:${ACCESS_CONTROL_BROKER}:${k + 1}`);
          }));
        }
      }, () => `${formatRate(count)} schedules, due over ${SPREAD_S} s from ${new Date(firstDue).toISOString()}`);
    } finally {
      await store.close();
    }
    const created = count;
    const lastDue = firstDue + (Math.min(SPREAD_S, count) - 1) * 1000;
    const runs = async () => Object.values(metricByLabel(await readMetrics(target.url), RUNS, 'outcome') ?? {}).reduce((sum, n) => sum + n, 0);
    const outcomes = async () => metricByLabel(await readMetrics(target.url), RUNS, 'outcome') ?? {};
    let allRunAt = 0;
    await step(`schedules  waiting for ${formatRate(created)} occurrences to run`, async () => {
      const limit = lastDue + 600_000;
      while (Date.now() < limit) {
        if ((await runs()) >= created) {
          allRunAt = Date.now();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    });
    const ran = await runs();
    const byOutcome = await outcomes();
    const seconds = ((allRunAt || Date.now()) - firstDue) / 1000;
    const results = await checkResults(suite, count, (k) => {
      const device = deviceProfile(meters[k % meters.length], options.users);
      return `${userIdOf(device.owner)}:${device.deviceId}:${occurrenceCounter(scheduleIds[k], 0)}`;
    }, dueOf);
    const data = {
      schedules: created, ran, byOutcome, spreadSeconds: SPREAD_S, results,
      lastRunAfterLastDueSeconds: allRunAt ? round((allRunAt - lastDue) / 1000) : null,
      dueRatePerSecond: Math.round(created / SPREAD_S),
      occurrencesPerSecond: Math.round(ran / Math.max(seconds, SPREAD_S)),
      millionPerHourNeedsPerSecond: 278,
    };
    const markdown = [
      `${formatRate(created)} DSP schedules (daily 4.6.1 reads over ${formatRate(meters.length)} electricity meters), stored as 5.1 leaves them, their first occurrences spread over ${SPREAD_S} s; the router (full: signatures, TAD, TRT, simulated networks) claims each due occurrence once and runs it through the pipeline with the scheduled TRT; then every occurrence's request is read back for its result and its TRT, counted from its due time.`,
      '',
      ...table(['figure', 'value'], [
        ['occurrences run', `${formatRate(ran)} of ${formatRate(created)} (${Object.entries(byOutcome).map(([outcome, n]) => `${outcome} ${formatRate(n)}`).join(', ')})`],
        ['the last one after the last due time', data.lastRunAfterLastDueSeconds === null ? 'not all ran within 10 minutes' : `${data.lastRunAfterLastDueSeconds} s`],
        ['results in their Users\' outboxes within their TRT from the due time', `${formatRate(results.withinTrt)} of ${formatRate(created)}${results.late ? `; late ${formatRate(results.late)}` : ''}${results.missing ? `; no result ${formatRate(results.missing)}` : ''}`],
        ['result after its due time (p50 / p99 / max)', `${results.resultAfterDueMs.p50} / ${results.resultAfterDueMs.p99} / ${results.resultAfterDueMs.max} ms`],
        ['occurrences falling due per second (schedules ÷ spread)', formatRate(data.dueRatePerSecond)],
        ['occurrences run per second, first due to last run', formatRate(data.occurrencesPerSecond)],
        ['a million schedules due in one hour needs', `278 occurrences/s (this run: ${round(data.dueRatePerSecond / 278)}× that)`],
      ]),
    ];
    return { title: 'DSP schedules coming due', data, markdown };
  });
}

/** How long after the last run results may still be on their way from the simulated networks. */
const RESULTS_WAIT_MS = 60_000;

/**
 * Reads back every occurrence's request: its result is in its User's outbox once it is responded
 * (delivered, when the User has an endpoint), and within its TRT when its TRT-measured time plus
 * the wait from its due time to its acceptance is within the budget (the scheduled TRT runs from
 * the scheduled time; SMETS1's leaves WAN time out). Those without a result yet are read again
 * each second, for up to RESULTS_WAIT_MS.
 */
async function checkResults(suite: Suite, count: number, requestIdOf: (k: number) => string, dueOf: (k: number) => number) {
  const store = await RedisStore.connect({ url: suite.redis.url, keyPrefix: 'dcc:' });
  const afterDue = new Float64Array(count);
  let withinTrt = 0;
  let late = 0;
  let answered = 0;
  let waiting = Array.from({ length: count }, (_, k) => k);
  try {
    await step(`schedules  reading back ${formatRate(count)} occurrences' results`, async () => {
      const limit = Date.now() + RESULTS_WAIT_MS;
      for (;;) {
        const still: number[] = [];
        for (let from = 0; from < waiting.length; from += CHUNK) {
          const chunk = waiting.slice(from, from + CHUNK);
          const records = await Promise.all(chunk.map((k) => store.getRequest(requestIdOf(k))));
          records.forEach((record: RequestRecord | undefined, j) => {
            const k = chunk[j];
            if (!record || (record.state !== 'responded' && record.state !== 'delivered') || !record.trt || record.elapsedMs === undefined) {
              still.push(k);
              return;
            }
            afterDue[answered++] = record.respondedAt! - dueOf(k);
            if (!record.breached && record.elapsedMs + record.trt.startsAt - dueOf(k) <= record.trt.budgetMs) withinTrt++;
            else late++;
          });
        }
        waiting = still;
        if (waiting.length === 0 || Date.now() > limit) return;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }, () => `${formatRate(withinTrt)} within their TRT, ${formatRate(late)} late, ${formatRate(waiting.length)} without a result`);
  } finally {
    await store.close();
  }
  const missing = waiting.length;
  const sorted = afterDue.subarray(0, answered).sort();
  const at = (q: number) => (answered ? Math.round(percentileOfSorted(sorted, q)) : null);
  return { withinTrt, late, missing, resultAfterDueMs: { p50: at(0.5), p99: at(0.99), max: answered ? Math.round(sorted[answered - 1]) : null } };
}
