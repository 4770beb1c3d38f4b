// Scenario "schedules": DSP schedules coming due. Daily reads (4.6.1) for every electricity meter
// of the inventory are stored as their DSP schedules (written straight into the router's Redis, as
// 5.1 would leave them: this scenario measures running occurrences, not creating schedules), their
// first occurrences spread over one minute; the router's scheduler claims each once and runs it
// through the pipeline with the scheduled TRT. Reported: occurrences run per second, how far
// behind its due time the last one ran, and what a million a hour (278 a second) needs of it.
import { occurrenceAt, type DspSchedule } from '@dccrouter/domain';
import { RedisStore } from '@dccrouter/state';
import { step } from '../lib/progress.ts';
import { round } from '../lib/stats.ts';
import { metricByLabel, readMetrics } from '../lib/targets.ts';
import { formatRate, table, withTarget, type Suite } from '../lib/suite.ts';
import { deviceProfile, userIdOf } from '../lib/traffic.ts';
import { FULL } from './variants.ts';

const RUNS = 'dccrouter_dsp_schedule_runs_total';

export async function runSchedules(suite: Suite) {
  const { options } = suite;
  // Quick runs (a smoke check) spread the occurrences over a few seconds, full runs over a minute.
  const SPREAD_S = options.quick ? 5 : 60;
  return withTarget(suite, FULL, async (target) => {
    const store = await RedisStore.connect({ url: suite.redis.url, keyPrefix: 'dcc:' });
    // Far enough ahead for every schedule to be stored before the first falls due.
    const firstDue = Math.ceil(Date.now() / 1000) * 1000 + (options.quick ? 3_000 : 20_000);
    let created = 0;
    try {
      await step('schedules  storing a daily read for every electricity meter', async () => {
        const writes: Promise<number>[] = [];
        for (let i = 0; i < options.devices; i++) {
          const device = deviceProfile(i, options.users);
          if (device.deviceType !== 'ESME') continue;
          const at = new Date(firstDue + (created % SPREAD_S) * 1000);
          const schedule: DspSchedule = {
            frequency: 'Daily', startDate: at.toISOString().slice(0, 10), executionStartTime: at.toISOString().slice(11, 19),
            srv: '4.6.1', deviceId: device.deviceId, bodyElement: 'RetrieveImportDailyReadLog', bodyValue: {},
          };
          writes.push(store.createSchedule(userIdOf(device.owner), schedule, occurrenceAt(schedule, 0)));
          created++;
          if (writes.length >= 2_000) await Promise.all(writes.splice(0));
        }
        await Promise.all(writes);
      }, () => `${formatRate(created)} schedules, due over ${SPREAD_S} s from ${new Date(firstDue).toISOString()}`);
    } finally {
      await store.close();
    }
    const lastDue = firstDue + (SPREAD_S - 1) * 1000;
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
    const data = {
      schedules: created, ran, byOutcome, spreadSeconds: SPREAD_S,
      lastRunAfterLastDueSeconds: allRunAt ? round((allRunAt - lastDue) / 1000) : null,
      dueRatePerSecond: Math.round(created / SPREAD_S),
      occurrencesPerSecond: Math.round(ran / Math.max(seconds, SPREAD_S)),
      millionPerHourNeedsPerSecond: 278,
    };
    const markdown = [
      `${formatRate(created)} DSP schedules (daily 4.6.1 reads, one per electricity meter), stored as 5.1 leaves them, their first occurrences spread over ${SPREAD_S} s; the router (full: signatures, TAD, TRT, simulated networks) claims each due occurrence once and runs it through the pipeline with the scheduled TRT.`,
      '',
      ...table(['figure', 'value'], [
        ['occurrences run', `${formatRate(ran)} of ${formatRate(created)} (${Object.entries(byOutcome).map(([outcome, n]) => `${outcome} ${formatRate(n)}`).join(', ')})`],
        ['the last one after the last due time', data.lastRunAfterLastDueSeconds === null ? 'not all ran within 10 minutes' : `${data.lastRunAfterLastDueSeconds} s`],
        ['occurrences falling due per second (schedules ÷ spread)', formatRate(data.dueRatePerSecond)],
        ['occurrences run per second, first due to last run', formatRate(data.occurrencesPerSecond)],
        ['a million schedules due in one hour needs', `278 occurrences/s (this run: ${round(data.dueRatePerSecond / 278)}× that)`],
      ]),
    ];
    return { title: 'DSP schedules coming due', data, markdown };
  });
}
