import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MemoryStore, type Acceptance } from '@dccrouter/state';
import { statKey } from '@dccrouter/domain';
import { responseRecorder } from '../egress/index.ts';
import { createLogger } from '../log/index.ts';
import { lifecycleMetrics } from '../metrics/index.ts';
import { StatsAggregator, serviceStatsOf } from '../stats/index.ts';
import { BreachScanner } from './breach-scan.ts';
import { judgedResponseCounter } from './judged-responses.ts';

const USER = '90-B3-D5-1F-30-00-00-01';
const DEVICE = '00-DB-12-34-56-78-90-A0';
const DESTINATION = 'smets2/central';
const BUDGET_MS = 30_000;

function accepted(counter: number, startsAt: number): [string, Acceptance] {
  const requestId = `${USER}:${DEVICE}:${counter}`;
  const deadline = startsAt + BUDGET_MS;
  return [requestId, {
    leg: 'single',
    legRecord: { bodyHash: 'a'.repeat(64), srv: '4.1.1', answer: { status: 202, body: '{}' } },
    record: {
      requestId, originatorId: USER, targetId: DEVICE, srv: '4.1.1', commandVariant: 1, state: 'accepted', destination: DESTINATION,
      acceptedAt: startsAt, trt: { class: 'smets2.onDemand', budgetMs: BUDGET_MS, startsAt, deadline },
      bodyElement: 'ReadInstantaneousImportRegisters', bodyValue: {},
    },
    egress: {},
    breachCheckAt: deadline,
  }];
}

describe('judged responses in the monthly statistics', () => {
  it('takes back, in the month the scan counted it, a breach whose response came in time but was recorded after the scan', async () => {
    const store = new MemoryStore();
    const metrics = lifecycleMetrics(new Registry());
    const stats = new StatsAggregator(store, 60_000, createLogger('silent'));
    // Deadlines 50 ms into a month, each answered 10 ms before the month began or 1 ms after its deadline.
    const monthStart = Date.UTC(2026, 11, 1);
    const deadline = monthStart + 50;
    const [inTime, late] = [accepted(1, deadline - BUDGET_MS), accepted(2, deadline - BUDGET_MS)];
    for (const [requestId, acceptance] of [inTime, late]) await store.recordAcceptance(requestId, acceptance);
    await new BreachScanner(store, metrics, stats, 1_000, () => deadline + 200).scan();

    const record = responseRecorder(store, judgedResponseCounter(metrics, stats));
    await record({ requestId: inTime[0], destination: DESTINATION, responseCode: 'I0', at: monthStart - 10 });
    await record({ requestId: late[0], destination: DESTINATION, responseCode: 'I0', at: deadline + 1 });
    await stats.flush();

    const key = (what: string) => statKey('smets2.onDemand', DESTINATION, what);
    const november = await store.readStats(serviceStatsOf('2026-11'));
    const december = await store.readStats(serviceStatsOf('2026-12'));
    // Counted as the scan marked both (December); the one answered in November taken back there.
    expect(december[key('breached')]).toBe(1);
    expect([november[key('responded')], november[key('within')], november[key('breached')]]).toEqual([1, 1, undefined]);
    expect([december[key('responded')], december[key('within')]]).toEqual([1, undefined]);
    expect((await metrics.breachesRetracted.get()).values).toEqual([{ labels: { class: 'smets2.onDemand', destination: DESTINATION }, value: 1 }]);
    expect((await metrics.breaches.get()).values[0].value).toBe(2);
    expect(await store.getRequest(inTime[0])).toMatchObject({ breached: false, elapsedMs: BUDGET_MS - 60 });
  });
});
