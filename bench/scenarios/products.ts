// Scenario "products": product policy at scale (issue #10). (1) A CPL removal reaching a
// million devices of one model: the time until the router refuses them (E5) and the request rate
// while the removal is told to their Users, as a ratio to the rate before. (2) A million SMETS1
// installations of one supplier: the time from an EPC change until the supplier's enrolment
// report shows every installation re-judged, and the report's latency, now and planning ahead
// (when hundreds of thousands are due). The devices and installations are written into the
// router's Redis directly (setup, not what is measured); every measure goes through the router.
import { installationWith, type Device, type Installation } from '@dccrouter/domain';
import { RedisStore } from '@dccrouter/state';
import { RouterClient } from '@dccrouter/client';
import { step } from '../lib/progress.ts';
import { median, round } from '../lib/stats.ts';
import { adminCall } from '../lib/targets.ts';
import { closedLoopRun, formatRate, table, warmUp, withTarget, type Suite } from '../lib/suite.ts';
import { FULL } from './variants.ts';

const CPL_MODEL = 'BENCH-CPL';
const WRITE_CHUNK = 20_000;
/** Distinct models of the installations: their signatures (two firmware versions each). */
const MODELS = 40;
const DAY_MS = 86_400_000;

const cplDeviceId = (i: number) => `00-DC-${hex(i >>> 24)}-${hex(i >>> 16)}-${hex(i >>> 8)}-${hex(i)}-00-01`;
const hex = (n: number) => (n & 0xff).toString(16).padStart(2, '0').toUpperCase();

export async function runProducts(suite: Suite) {
  const { options, users } = suite;
  const count = options.productDevices;
  return withTarget(suite, FULL, async (target) => {
    const store = await RedisStore.connect({ url: suite.redis.url, commandTimeoutMs: 30_000 });
    try {
      const cpl = await suspension(suite, target, store, count);
      const eligibility = await enrolment(target, store, count, users[0].userId);
      const data = { devices: count, ...cpl, ...eligibility };
      const markdown = [
        `${formatRate(count)} devices of one model (CPL); ${formatRate(count)} SMETS1 installations of one supplier (half electricity and gas, half electricity alone: ${formatRate(eligibility.supplierDevices)} devices, ${MODELS * 2} signatures), all in the router's Redis. The router runs with the suite's full configuration while the request path runs closed loop.`,
        '',
        ...table(['figure', 'value'], [
          ['CPL removal: every device refused (E5) after', `**${round(cpl.suspendMs)} ms** (the CPL is re-read each second; the request path looks the model up in memory, no per-request scan)`],
          ['acknowledgements/s before the removal', formatRate(cpl.ackPerSecondBefore)],
          ['acknowledgements/s while the removal is told to the Users', `${formatRate(cpl.ackPerSecondDuring)} = **${cpl.ratioDuringToBefore}×** before`],
          ['every device\'s DEVICE_SUSPENDED alert queued for its User after', `${cpl.noticesSeconds} s (paced: at most half the router's time)`],
          ['installations written (setup, into Redis)', `${formatRate(eligibility.installationsPerSecond)}/s`],
          ['EPC change to every installation re-judged in the report', `**${round(eligibility.recomputeMs)} ms** (${eligibility.signatures} signatures judged, not ${formatRate(count)} installations)`],
          ['enrolment report, nothing due (p50 of 5)', `**${round(eligibility.reportMs)} ms**`],
          ['enrolment report planning 11.5 months ahead (p50 of 3)', `**${round(eligibility.reportAheadMs)} ms** listing ${formatRate(eligibility.dueAhead)} due installations (${round(eligibility.reportAheadMb)} MB)`],
          ['counts after the change', Object.entries(eligibility.countsAfter).map(([status, n]) => `${status} ${formatRate(n as number)}`).join(', ')],
        ]),
      ];
      return { title: 'Product policy: CPL removal of a million devices, eligibility and enrolment report for a million installations', data, markdown };
    } finally {
      await store.close();
    }
  });
}

async function suspension(suite: Suite, target: { url: string }, store: RedisStore, count: number) {
  const { users } = suite;
  // Listed before its devices exist: the listing's notice then has no devices to page through,
  // so the rate before the removal is the request path's alone.
  const listed = await adminCall(target.url, 'PUT', `/v1/admin/cpl/${CPL_MODEL}/1.0`, { deviceType: 'ESME', certificates: { other: 'valid' } });
  if (listed.status !== 200) throw new Error(`CPL entry refused: ${JSON.stringify(listed.body)}`);
  await step(`products  writing ${formatRate(count)} devices of model ${CPL_MODEL}`, async () => {
    for (let start = 0; start < count; start += WRITE_CHUNK) {
      const devices: Device[] = [];
      for (let i = start; i < Math.min(count, start + WRITE_CHUNK); i++) {
        devices.push({ deviceId: cplDeviceId(i), deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', deviceModel: CPL_MODEL, firmwareVersion: '1.0', importSupplier: users[i % users.length].userId });
      }
      await store.putDevices(devices);
    }
  });
  // Probes: the first device and the last of the model, each sent by its responsible User.
  const probes = [0, count - 1].map((i) => ({
    deviceId: cplDeviceId(i),
    client: new RouterClient(target.url, users[i % users.length].privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
    userId: users[i % users.length].userId,
  }));
  let counter = BigInt(Date.now()) * 1000n;
  const probe = async () => Promise.all(probes.map(async ({ deviceId, client, userId }) =>
    (await client.submit({ originatorId: userId, targetId: deviceId, counter: counter++, commandVariant: 1, srv: '4.1.1' })).status));
  const served = await probe();
  if (served.some((status) => status !== 202)) throw new Error(`the model's devices are not served before the removal: ${served}`);

  // Three runs on this one router, each on units of its own so that every request is new to it
  // (the same units again would be resubmissions, answered from its record); signed before any timing.
  const units = suite.options.closedUnits;
  suite.pool.ensure(3 * units);
  await warmUp(suite, target as never);
  // A first run settles the router (JIT, connections) so the one compared is not its slowest.
  await step('products  settling run', () => closedLoopRun(suite, target as never, { units }), (r) => `${formatRate(r.perSecond)} req/s`);
  const before = await step('products  the request path before the removal', () => closedLoopRun(suite, target as never, { units, firstUnit: units }), (r) => `${formatRate(r.perSecond)} req/s`);
  const removedAt = performance.now();
  const removed = await adminCall(target.url, 'PUT', `/v1/admin/cpl/${CPL_MODEL}/1.0`, { deviceType: 'ESME', certificates: { other: 'withdrawn' } });
  if (removed.status !== 200) throw new Error(`CPL removal refused: ${JSON.stringify(removed.body)}`);
  const during = closedLoopRun(suite, target as never, { units, firstUnit: 2 * units });
  let suspendMs = Number.NaN;
  while (performance.now() - removedAt < 30_000) {
    if ((await probe()).every((status) => status === 409)) {
      suspendMs = performance.now() - removedAt;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const duringRun = await step('products  the request path during the removal\'s notices', () => during, (r) => `${formatRate(r.perSecond)} req/s`);
  // The notices are done when the first User has a DEVICE_SUSPENDED alert for each of its devices of the model.
  const watched = users[0].userId;
  const expected = Math.ceil(count / users.length);
  const noticesSeconds = await step(`products  waiting for ${formatRate(count)} DEVICE_SUSPENDED notices`, async () => {
    let seen = 0;
    let after: string | undefined;
    while (seen < expected && performance.now() - removedAt < 600_000) {
      const items = await store.readOutbox(watched, after, 10_000);
      seen += items.filter((item) => item.alertCode === 'DEVICE_SUSPENDED').length;
      after = items.at(-1)?.cursor ?? after;
      if (items.length < 10_000) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (seen < expected) throw new Error(`only ${seen} of ${expected} notices for ${watched} within 600 s`);
    return (performance.now() - removedAt) / 1000;
  });
  return {
    noticesSeconds: round(noticesSeconds),
    suspendMs: round(suspendMs), ackPerSecondBefore: Math.round(before.perSecond), ackPerSecondDuring: Math.round(duringRun.perSecond),
    ratioDuringToBefore: round(duringRun.perSecond / before.perSecond),
  };
}

async function enrolment(target: { url: string }, store: RedisStore, count: number, supplier: string) {
  const now = Date.now();
  let supplierDevices = 0;
  const written = await step(`products  writing ${formatRate(count)} SMETS1 installations`, async () => {
    const started = performance.now();
    for (let start = 0; start < count; start += WRITE_CHUNK) {
      const batch: Installation[] = [];
      for (let i = start; i < Math.min(count, start + WRITE_CHUNK); i++) {
        const model = i % MODELS;
        const firmware = (i >>> 6) % 2 === 0 ? '1.0' : '0.9';
        const acquiredAt = i % 3 === 0 ? undefined : new Date(now - (i % 700) * DAY_MS).toISOString();
        const id = `BENCH-I${i}`;
        const base = { generation: 'SMETS1', status: 'InstalledNotCommissioned', smets1Cohort: 'aclara', installationId: id } as const;
        const devices: Device[] = [{ ...base, deviceId: `E${i}`, deviceType: 'ESME', deviceModel: `BENCH-E${model}`, firmwareVersion: firmware, importSupplier: supplier, ...(acquiredAt ? { acquiredAt } : {}) }];
        if (i % 2 === 0) devices.push({ ...base, deviceId: `G${i}`, deviceType: 'GSME', deviceModel: `BENCH-G${model}`, firmwareVersion: '1.0', gasSupplier: supplier });
        supplierDevices += devices.length;
        batch.push(installationWith(undefined, id, devices)!);
      }
      await store.putInstallations(batch);
    }
    return count / ((performance.now() - started) / 1000);
  });
  const report = (query = '') => adminCall(target.url, 'GET', `/v1/admin/enrolment-report?supplier=${supplier}${query}`);
  const initial = (await report()).body;
  if (initial.counts.not_eligible !== count) throw new Error(`expected ${count} installations not eligible first, got ${JSON.stringify(initial.counts)}`);

  // The EPC change: each model's electricity and gas combination, and an upgrade 0.9 -> 1.0 for the meters.
  const changedAt = performance.now();
  for (let model = 0; model < MODELS; model++) {
    await adminCall(target.url, 'PUT', `/v1/admin/product-combinations/BENCH-${model}`, {
      list: 'EPC', commsProvider: 'aclara',
      devices: [{ deviceType: 'ESME', deviceModel: `BENCH-E${model}`, firmwareVersion: '1.0' }, { deviceType: 'GSME', deviceModel: `BENCH-G${model}`, firmwareVersion: '1.0' }],
    });
    await adminCall(target.url, 'PUT', `/v1/admin/firmware-upgrades/BENCH-E${model}`, { paths: [{ from: '0.9', to: '1.0' }] });
  }
  let after = (await report()).body;
  while (after.counts.not_eligible !== 0 && performance.now() - changedAt < 120_000) after = (await report()).body;
  const recomputeMs = performance.now() - changedAt;

  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await report();
    times.push(performance.now() - started);
  }
  const ahead = `&at=${new Date(now + 350 * DAY_MS).toISOString()}`;
  const aheadTimes: number[] = [];
  let aheadAnswer: { status: number; body: any } = { status: 0, body: {} };
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    aheadAnswer = await report(ahead);
    aheadTimes.push(performance.now() - started);
    if (aheadAnswer.status !== 200) throw new Error(`the report planning ahead failed: ${aheadAnswer.status} ${JSON.stringify(aheadAnswer.body)}`);
  }
  return {
    supplierDevices, installationsPerSecond: Math.round(written), signatures: Object.keys(await store.supplierInstallationGroups(supplier)).length,
    recomputeMs: round(recomputeMs), countsAfter: after.counts, reportMs: round(median(times)),
    reportAheadMs: round(median(aheadTimes)), dueAhead: aheadAnswer.body.due?.length ?? 0,
    reportAheadMb: round(JSON.stringify(aheadAnswer.body).length / 1e6),
  };
}
