// Scenario "alerts": a regional power outage as an alert storm. Every device of the inventory
// raises POWER_OUTAGE, then POWER_RESTORED, several times over (about a million alerts at the
// default scale), through the operators' raise-alerts endpoint in chunks, each alert routed to the
// device's responsible User's outbox; meanwhile the request path runs closed loop. Reported: the
// alerts' rate, how long a chunk took to be readable (from its raise to its items in the outboxes),
// and the acknowledgement rate during the storm as a ratio to the rate just before it.
import { step } from '../lib/progress.ts';
import { median, round } from '../lib/stats.ts';
import { adminCall } from '../lib/targets.ts';
import { closedLoopRun, formatRate, table, warmUp, withTarget, type MeasuredRun, type Suite } from '../lib/suite.ts';
import { deviceProfile } from '../lib/traffic.ts';
import { destinationOf, type Device } from '@dccrouter/domain';
import { FULL } from './variants.ts';

const CHUNK = 20_000;

/** Answers not as the mix expects (its statuses and reasons), failed connections and timeouts. */
const notAsExpectedIn = (run: MeasuredRun) => run.unexpected + run.errors + run.timeouts;
const asExpected = (n: number) => (n === 0 ? ', every answer as expected' : `, **${formatRate(n)} not as expected**`);

export async function runAlerts(suite: Suite) {
  const { options } = suite;
  const rounds = options.quick ? 2 : 10;
  const profiles = Array.from({ length: options.devices }, (_, i) => deviceProfile(i, options.users));
  const deviceIds = profiles.map((profile) => profile.deviceId);
  // Each device's alert is raised by its own network: every network's share, CHUNK devices a call.
  const byNetwork = new Map<string, string[]>();
  for (const { deviceId, line } of profiles) {
    const network = destinationOf(line as unknown as Device)!;
    const ids = byNetwork.get(network);
    if (ids) ids.push(deviceId);
    else byNetwork.set(network, [deviceId]);
  }
  const calls = [...byNetwork].flatMap(([network, ids]) => Array.from({ length: Math.ceil(ids.length / CHUNK) }, (_, k) => ({ network, devices: ids.slice(k * CHUNK, (k + 1) * CHUNK) })));
  // The run during the storm sends the units after the first run's, so both are new to the router
  // (the same ones again would be resubmissions, answered from its record); signed before any timing.
  const units = options.closedUnits;
  suite.pool.ensure(2 * units);
  return withTarget(suite, FULL, async (target) => {
    await warmUp(suite, target);
    const before = await step('alerts  the request path before the storm', () => closedLoopRun(suite, target, { units }), (r) => `${formatRate(r.perSecond)} req/s`);

    const chunkMs: number[] = [];
    let alerts = 0;
    let refused = 0;
    const stormStarted = performance.now();
    let stormEnded = 0;
    const storm = (async () => {
      for (let round = 0; round < rounds; round++) {
        const alertCode = round % 2 === 0 ? 'POWER_OUTAGE' : 'POWER_RESTORED';
        for (const { network, devices } of calls) {
          const raisedAt = performance.now();
          const answer = await adminCall(target.url, 'POST', `/v1/admin/simulators/${encodeURIComponent(network)}:raise-alerts`, { alertCode, devices });
          // The call answers once every item of the chunk is in its User's outbox: readable by pull.
          chunkMs.push(performance.now() - raisedAt);
          if (answer.status === 200) alerts += answer.body.queued as number;
          else refused++;
        }
      }
      stormEnded = performance.now();
    })();
    const during = await step('alerts  the request path during the storm', () => closedLoopRun(suite, target, { units, firstUnit: units }), (r) => `${formatRate(r.perSecond)} req/s`);
    const overlapped = stormEnded === 0;
    await step('alerts  the rest of the storm', () => storm);
    const stormSeconds = (stormEnded - stormStarted) / 1000;
    const sorted = [...chunkMs].sort((a, b) => a - b);
    const data = {
      devices: deviceIds.length, rounds, alerts, refusedChunks: refused, stormSeconds: round(stormSeconds),
      alertsPerSecond: Math.round(alerts / stormSeconds), chunkSize: CHUNK,
      chunkReadableMs: { p50: round(median(sorted)), p99: round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]), max: round(sorted.at(-1) ?? 0) },
      // Answers of every status: a 503 under the storm is answered fast, so those not as expected are reported beside them.
      ackPerSecondBefore: Math.round(before.perSecond), ackPerSecondDuring: Math.round(during.perSecond),
      ratioDuringToBefore: round(during.perSecond / before.perSecond),
      notAsExpectedBefore: notAsExpectedIn(before), notAsExpectedDuring: notAsExpectedIn(during),
      notAsExpectedSamples: [...before.unexpectedSamples, ...during.unexpectedSamples].slice(0, 5),
      /** False when the storm ended before the request-path run did: the ratio then understates the storm's cost. */
      stormCoveredTheRun: overlapped,
    };
    const markdown = [
      `A regional power outage: each of the ${formatRate(deviceIds.length)} devices raises POWER_OUTAGE, then POWER_RESTORED, ${rounds} times in all, through \`POST /v1/admin/simulators/{destination}:raise-alerts\` in chunks of ${formatRate(CHUNK)} devices, each alert queued in the outbox of the device's responsible User (webhook, pull and gRPC feed deliver from there), while the request path runs closed loop with the suite's mix.`,
      '',
      ...table(['figure', 'value'], [
        ['alerts queued', formatRate(alerts)],
        ['storm duration', `${round(stormSeconds)} s (${formatRate(data.alertsPerSecond)} alerts/s)`],
        ['a chunk from its raise to readable (p50 / p99 / max)', `${data.chunkReadableMs.p50} / ${data.chunkReadableMs.p99} / ${data.chunkReadableMs.max} ms for ${formatRate(Math.min(CHUNK, deviceIds.length))} devices' alerts`],
        ['requests answered/s before the storm', `${formatRate(data.ackPerSecondBefore)}${asExpected(data.notAsExpectedBefore)}`],
        ['requests answered/s during the storm', `${formatRate(data.ackPerSecondDuring)} = **${data.ratioDuringToBefore}×** before${overlapped ? '' : ' (the storm ended first)'}${asExpected(data.notAsExpectedDuring)}`],
        ['chunks refused', String(refused)],
      ]),
    ];
    if (data.notAsExpectedSamples.length > 0) markdown.push('', `Answers not as expected: ${data.notAsExpectedSamples.map((x) => `\`${x.replace(/`/g, "'")}\``).join('; ')}`);
    return { title: 'Alert storm: a regional power outage', data, markdown };
  });
}
