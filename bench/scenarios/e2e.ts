// Scenario "e2e": requests per second from submission until the device's response is readable
// by the User, against the acknowledgement-only rate, in the same run. The simulated networks
// answer fast (p50 5 ms, p99 20 ms) so the router's own work after acknowledgement (egress,
// response recording, outbox, delivery) is what is measured. Three variants, repeats interleaved:
//   ack-only   NETWORKS=external: nothing consumes the egress queues, acknowledgements only
//   pull       simulated networks; every User pulls its outbox with signed GET /v1/responses
//   webhook    simulated networks; every User has a receiveEndpoint on a local receiver
// Then the Redis memory a completed request keeps (its record and its response, once the User has
// read it) and an imported device keeps: used_memory before and after, once the work has settled.
import { signBytes } from '@dccrouter/client';
import { runClosedLoop } from '../lib/closed-loop.ts';
import { goal, notAsExpected } from '../lib/goals.ts';
import { CpuMeter, type CpuSplit } from '../lib/machine.ts';
import { log, step } from '../lib/progress.ts';
import { median, medianRun, round } from '../lib/stats.ts';
import { formatRate, repeatsText, table, warmUp, withTarget, type Suite } from '../lib/suite.ts';
import { barChart } from '../lib/svg.ts';
import { adminCall, metricValue, readMetrics, type RunningTarget, type Variant } from '../lib/targets.ts';
import { checkAnswer, inventoryNdjson, type BenchUser, type TrafficItem, type Unit } from '../lib/traffic.ts';
import { ALL_DESTINATIONS } from '@dccrouter/domain';

const FAST_NETWORKS = { SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20' };

const VARIANTS: (Variant & { delivery: 'none' | 'pull' | 'webhook' })[] = [
  { id: 'ack-only', label: 'acknowledgement only (NETWORKS=external)', kind: 'router', env: { NETWORKS: 'external' }, delivery: 'none' },
  // The networks' share alone: what reading the responses costs is the difference to 'pull'.
  { id: 'networks', label: 'simulated networks in-process, responses not read', kind: 'router', env: FAST_NETWORKS, delivery: 'none' },
  { id: 'pull', label: 'to the response, read by pull', kind: 'router', env: FAST_NETWORKS, delivery: 'pull' },
  { id: 'webhook', label: 'to the response, delivered by webhook', kind: 'router', env: FAST_NETWORKS, delivery: 'webhook' },
];

interface E2eRun {
  /** Requests of the mix answered (acknowledged, answered at once, or refused). */
  submitted: number;
  /** Requests acknowledged with 202 I99: each is owed a response. */
  acknowledged: number;
  /** Until the last answer. */
  ackSeconds: number;
  ackPerSecond: number;
  /** Responses read back (pull) or received (webhook). */
  responses: number;
  /** Signed GET /v1/responses made to read them (pull). */
  pulls: number;
  /** Until every request was done: answered, and for a 202 its response read or received; when some never were, until the run's time limit. */
  e2eSeconds: number;
  /** Requests of the mix per second, counted to the end of each (the same count as the acknowledgement rate, over the longer time). */
  e2ePerSecond: number;
  complete: boolean;
  unexpected: number;
  cpu: CpuSplit;
}

/**
 * A local Receive Response endpoint that counts the responses to the timed requests as they
 * arrive (the warm-up's responses arrive too, and are not counted).
 */
function startReceiver() {
  let responses = 0;
  let lastAt = 0;
  let timed = new Set<string>();
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request) {
      const item = (await request.json()) as { kind?: string; requestId?: string };
      if (item.kind === 'response' && item.requestId && timed.has(item.requestId)) {
        responses++;
        lastAt = performance.now();
      }
      return new Response(null, { status: 204 });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/receive`,
    get responses() { return responses; },
    get lastAt() { return lastAt; },
    reset(requestIds: Set<string>) { responses = 0; lastAt = 0; timed = requestIds; },
    stop: () => server.stop(true),
  };
}

/**
 * Pulls every User's outbox over and over (signed GET /v1/responses, as a User would), counting
 * response items, until `done` says so or the deadline passes.
 */
async function pullUntil(
  url: string, users: BenchUser[], timed: Set<string>, done: (pulled: number) => boolean, deadline: number,
  /** Where every User's reading starts: a time in ms (the items queued after it), or the start of its outbox. */
  from?: string,
): Promise<{ pulled: number; lastAt: number; calls: number }> {
  const cursors = new Map<string, string | undefined>(users.map((user) => [user.userId, from]));
  let pulled = 0;
  let calls = 0;
  let lastAt = 0;
  let next = 0;
  const pullOne = async (user: BenchUser) => {
    for (let page = 0; page < 100; page++) {
      const after = cursors.get(user.userId);
      const path = `/v1/responses?limit=1000${after ? `&after=${after}` : ''}`;
      const timestamp = new Date().toISOString();
      calls++;
      const response = await fetch(`${url}${path}`, {
        headers: { 'x-dcc-user': user.userId, 'x-dcc-timestamp': timestamp, 'x-dcc-signature': signBytes(user.privateKey, `GET\n${path}\n${timestamp}`) },
      });
      if (response.status !== 200) throw new Error(`pull as ${user.userId}: ${response.status} ${(await response.text()).slice(0, 200)}`);
      const answer = (await response.json()) as { items: { kind: string; requestId?: string }[]; next: string };
      const found = answer.items.filter((item) => item.kind === 'response' && item.requestId && timed.has(item.requestId)).length;
      if (found > 0) {
        pulled += found;
        lastAt = performance.now();
      }
      cursors.set(user.userId, answer.next);
      if (answer.items.length < 1000) return;
    }
  };
  while (!done(pulled) && performance.now() < deadline) {
    const before = pulled;
    // A few Users at a time, round-robin over all of them.
    next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < users.length && performance.now() < deadline) await pullOne(users[next++]);
    }));
    if (pulled === before) await Bun.sleep(20);
  }
  return { pulled, lastAt, calls };
}

async function e2eRun(suite: Suite, target: RunningTarget, delivery: 'none' | 'pull' | 'webhook', receiver: ReturnType<typeof startReceiver>): Promise<E2eRun> {
  const { options } = suite;
  const units = options.e2eUnits;
  const timed = new Set(Array.from({ length: units }, (_, i) => suite.pool.unit(i)[0].requestId).concat(Array.from({ length: units }, (_, i) => suite.pool.unit(i)[1].requestId)));
  receiver.reset(timed);
  const meter = new CpuMeter(target.pid, suite.redis.pid);
  let acknowledged = 0;
  let submissionDone = false;
  const started = performance.now();
  const deadline = started + options.e2eTimeoutSeconds * 1000;
  const submission = runClosedLoop<TrafficItem>({
    url: target.url, path: '/v1/service-requests', connections: options.connections, units, unitAt: (i) => suite.pool.unit(i),
    maxSeconds: options.e2eTimeoutSeconds,
    check: (item, status, body) => {
      if (status === 202) acknowledged++;
      return checkAnswer(item, status, body, target.verifySignatures);
    },
  }).then((result) => {
    submissionDone = true;
    return { result, at: started + result.seconds * 1000 };
  });
  const allIn = (count: number) => submissionDone && count >= acknowledged;
  let responses = 0;
  let lastAt = 0;
  let pulls = 0;
  if (delivery === 'pull') {
    // From the timed run's start: what the warm-up queued (settled before it) is not read in its time.
    const pulled = await pullUntil(target.url, suite.users, timed, allIn, deadline, String(Date.now()));
    responses = pulled.pulled;
    lastAt = pulled.lastAt;
    pulls = pulled.calls;
  } else if (delivery === 'webhook') {
    while (!allIn(receiver.responses) && performance.now() < deadline) await Bun.sleep(20);
    responses = receiver.responses;
    lastAt = receiver.lastAt;
  }
  const { result, at } = await submission;
  const ackSeconds = (at - started) / 1000;
  const delivered = delivery === 'none' ? acknowledged : responses;
  const complete = delivered >= acknowledged;
  // Responses still missing at the limit: the last one read is not the end, the limit is (and the rate still an upper bound).
  const endedAt = complete ? Math.max(lastAt, at) : Math.max(deadline, at);
  const e2eSeconds = delivery === 'none' ? ackSeconds : (endedAt - started) / 1000;
  return {
    submitted: result.answered,
    acknowledged,
    ackSeconds: round(ackSeconds),
    ackPerSecond: round(result.answered / ackSeconds),
    responses: delivered,
    pulls,
    e2eSeconds: round(e2eSeconds),
    e2ePerSecond: round(result.answered / e2eSeconds),
    complete,
    unexpected: result.unexpected + result.errors + result.timeouts,
    cpu: meter.finish(result.answered),
  };
}

/** What Redis keeps per completed request and per imported device (used_memory deltas, settled). */
interface RetainedMemory {
  /** Requests of the mix sent (the closed-loop pool), and those acknowledged (202) of them. */
  requests: number;
  acknowledged: number;
  /**
   * The requests of the mix that stay open (acknowledged 202, with a tariff's CV 4 leg), sent first
   * with every network stalled: how many were acknowledged, and the used_memory delta per one.
   */
  openAcknowledged: number;
  bytesPerOpen: number;
  usedBytesOpen: number;
  keysOpen: number;
  /** The used_memory delta over every request of the mix, and over the acknowledged ones only. */
  bytesPerRequest: number;
  bytesPerAcknowledged: number;
  keysPerRequest: number;
  devices: number;
  bytesPerDevice: number;
  keysPerDevice: number;
  usedBytes: { beforeRequests: number; afterRequests: number; afterDevices: number };
  keys: { beforeRequests: number; afterRequests: number; afterDevices: number };
}

/** How much of a used_memory delta is the keyspace's hash table doubling (8 B per slot it had, on passing each power of two). */
function doublingNote(what: string, keysBefore: number, keysAfter: number, count: number): string {
  let bytes = 0;
  for (let slots = 4; slots < keysAfter; slots *= 2) if (slots >= keysBefore) bytes += slots * 8;
  return bytes === 0 ? `The ${what} passed no doubling.` : `The ${what} passed one: ${formatRate(bytes)} B of their figure, ${formatRate(bytes / count)} B each.`;
}

/**
 * Waits until the router's work after acknowledgement is done: every request it forwarded
 * answered, and nothing (`also`: Redis's keys, webhook deliveries) moved for a second.
 */
async function settled(target: RunningTarget, also: () => Promise<string> = async () => ''): Promise<void> {
  const deadline = performance.now() + 120_000;
  let last = '';
  for (;;) {
    const metrics = await readMetrics(target.url);
    const forwarded = metricValue(metrics, 'dccrouter_egress_forwarded_total');
    const responses = metricValue(metrics, 'dccrouter_network_responses_total');
    const now = `${forwarded} ${responses} ${metricValue(metrics, 'dccrouter_webhook_delivered_total')} ${await also()}`;
    if (forwarded === responses && now === last) return;
    if (process.env.DEBUG_SETTLE) log(`settle: ${now}`);
    if (performance.now() > deadline) throw new Error(`the router's work did not settle in 120 s (forwarded, responses, delivered, ...: ${now})`);
    last = now;
    await Bun.sleep(1_000);
  }
}

/**
 * Waits until the router's work has settled: every request it forwarded has its network's
 * response recorded, and neither those counts nor Redis's keys moved over a second. Then reads
 * Redis's memory.
 */
async function settledMemory(suite: Suite, target: RunningTarget): Promise<{ usedBytes: number; keys: number }> {
  await settled(target, async () => String((await suite.redis.memory()).keys));
  return suite.redis.memory();
}

/**
 * The pool's units parted into those whose requests stay open (a tariff update's two legs; single
 * requests the router acknowledges 202, paired up again) and the rest (answered at once or
 * refused), each in the pool's order; an odd single left over is not sent.
 */
function splitOpen(units: readonly Unit[]): { open: Unit[]; rest: Unit[] } {
  const open: Unit[] = [];
  const singles: { open: TrafficItem[]; rest: TrafficItem[] } = { open: [], rest: [] };
  for (const unit of units) {
    if (unit[0].kind === 'tariff-1.1.1-cv4') open.push(unit);
    else for (const item of unit) singles[item.expect.status === 202 ? 'open' : 'rest'].push(item);
  }
  const pairs = (items: TrafficItem[]) => Array.from({ length: Math.floor(items.length / 2) }, (_, i): Unit => [items[2 * i], items[2 * i + 1]]);
  return { open: [...open, ...pairs(singles.open)], rest: pairs(singles.rest) };
}

/** Redis's memory once its key count has not moved for a second (the networks stalled: nothing is answered to wait for). */
async function quietMemory(suite: Suite): Promise<{ usedBytes: number; keys: number }> {
  const deadline = performance.now() + 120_000;
  let last = -1;
  for (;;) {
    const { keys } = await suite.redis.memory();
    if (keys === last) return suite.redis.memory();
    if (performance.now() > deadline) throw new Error('Redis\'s keys did not stop moving in 120 s');
    last = keys;
    await Bun.sleep(1_000);
  }
}

async function stallNetworks(target: RunningTarget, stalled: boolean): Promise<void> {
  for (const destination of ALL_DESTINATIONS) {
    const answer = await adminCall(target.url, 'PUT', `/v1/admin/simulators/${encodeURIComponent(destination)}`, { stalled });
    if (answer.status !== 200) throw new Error(`cannot set ${destination} stalled=${stalled}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

/**
 * One router on Redis with the simulated networks: warmed up (so every User's own keys exist
 * already), then the closed-loop pool sent, each acknowledged request's response read by its User
 * (pull), and the rest of the inventory's size imported again as new devices; Redis's used memory
 * is read after each, once settled.
 */
async function retainedMemory(suite: Suite): Promise<RetainedMemory> {
  const { options } = suite;
  const variant: Variant = { id: 'memory', label: 'Redis memory kept', kind: 'router', env: FAST_NETWORKS };
  return withTarget(suite, variant, async (target) => {
    await warmUp(suite, target);
    const beforeRequests = await settledMemory(suite, target);
    // The pool's requests that stay open (acknowledged 202, and a tariff update's CV 4 leg, part of
    // its open request) go first, with every network holding what it is sent until un-stalled: the
    // memory then read is what open requests hold (record, lease, TRT index entry) and nothing else.
    // The rest of the mix (answered at once, refused) follows once the networks answer again.
    const { open: openUnits, rest: restUnits } = splitOpen(Array.from({ length: options.closedUnits }, (_, i) => suite.pool.unit(i)));
    let acknowledged = 0;
    const send = (units: readonly Unit[]) => runClosedLoop<TrafficItem>({
      url: target.url, path: '/v1/service-requests', connections: options.connections, units: units.length, unitAt: (i) => units[i],
      maxSeconds: options.e2eTimeoutSeconds,
      check: (item, status, body) => {
        if (status === 202) acknowledged++;
        return checkAnswer(item, status, body, target.verifySignatures);
      },
    });
    // Budgets longer than the stall, so that no request breaches while held: its TRT alert would be
    // kept in its User's outbox, and counted as what a completed request keeps.
    const budgets = await adminCall(target.url, 'PUT', '/v1/admin/trt-budgets', { 'smets2.onDemand': 3_600_000, 'smets1.response': 3_600_000 });
    if (budgets.status !== 200) throw new Error(`cannot set the TRT budgets: ${budgets.status} ${JSON.stringify(budgets.body)}`);
    await stallNetworks(target, true);
    const sentOpen = await send(openUnits);
    const openAcknowledged = acknowledged;
    log('e2e  memory: open requests sent, waiting for Redis to be quiet');
    const open = await quietMemory(suite);
    await stallNetworks(target, false);
    const sentRest = await send(restUnits);
    for (const sent of [sentOpen, sentRest]) {
      if (sent.unexpected + sent.errors + sent.timeouts > 0) throw new Error(`unexpected answers: ${sent.unexpectedSamples.slice(0, 3).join('; ')}`);
    }
    const answered = sentOpen.answered + sentRest.answered;
    const timed = new Set([...openUnits, ...restUnits].flatMap((unit) => unit.map((item) => item.requestId)));
    const { pulled } = await pullUntil(target.url, suite.users, timed, (count) => count >= acknowledged, performance.now() + options.e2eTimeoutSeconds * 1000);
    if (pulled < acknowledged) throw new Error(`only ${pulled} of ${acknowledged} responses were read`);
    const afterRequests = await settledMemory(suite, target);
    const devices = options.devices;
    const imported = await adminCall(target.url, 'POST', '/v1/admin/devices:import', inventoryNdjson(devices, suite.users.length, devices), 'application/x-ndjson');
    if (imported.status !== 200 || imported.body.imported !== devices) throw new Error(`import failed: ${imported.status} ${JSON.stringify(imported.body).slice(0, 300)}`);
    const afterDevices = await settledMemory(suite, target);
    const requestBytes = afterRequests.usedBytes - beforeRequests.usedBytes;
    return {
      requests: answered,
      acknowledged,
      openAcknowledged,
      bytesPerOpen: Math.round((open.usedBytes - beforeRequests.usedBytes) / openAcknowledged),
      usedBytesOpen: open.usedBytes,
      keysOpen: open.keys,
      bytesPerRequest: Math.round(requestBytes / answered),
      bytesPerAcknowledged: Math.round(requestBytes / acknowledged),
      keysPerRequest: round((afterRequests.keys - beforeRequests.keys) / answered),
      devices,
      bytesPerDevice: Math.round((afterDevices.usedBytes - afterRequests.usedBytes) / devices),
      keysPerDevice: round((afterDevices.keys - afterRequests.keys) / devices),
      usedBytes: { beforeRequests: beforeRequests.usedBytes, afterRequests: afterRequests.usedBytes, afterDevices: afterDevices.usedBytes },
      keys: { beforeRequests: beforeRequests.keys, afterRequests: afterRequests.keys, afterDevices: afterDevices.keys },
    };
  });
}

/** How much more CPU per request one variant spent than another, router and redis-server. */
function costDelta(more: { cpuMicroseconds: { router: number; redis: number } }, less: { cpuMicroseconds: { router: number; redis: number } }): string {
  const router = round(more.cpuMicroseconds.router - less.cpuMicroseconds.router);
  const redis = round(more.cpuMicroseconds.redis - less.cpuMicroseconds.redis);
  return `${router >= 0 ? '+' : ''}${router} µs of the router and ${redis >= 0 ? '+' : ''}${redis} µs of Redis`;
}

export async function runE2e(suite: Suite) {
  const { options } = suite;
  suite.pool.ensure(options.e2eUnits);
  const receiver = startReceiver();
  const runs = new Map<string, E2eRun[]>(VARIANTS.map((v) => [v.id, []]));
  try {
    for (let round = 1; round <= options.repeats; round++) {
      for (const variant of VARIANTS) {
        const provisioning = variant.delivery === 'webhook' ? { ...suite.provisioning, receiveEndpoint: receiver.url } : suite.provisioning;
        const result = await step(`e2e  round ${round}/${options.repeats}  ${variant.label}`, () => withTarget(suite, variant, async (target) => {
          await warmUp(suite, target);
          // The warm-up's responses answered and delivered before the timed run, not in its time
          // (with NETWORKS=external nothing answers them: nothing to wait for).
          if (variant.env?.NETWORKS !== 'external') await settled(target);
          return e2eRun(suite, target, variant.delivery, receiver);
        }, {}, provisioning), (r) => `acknowledged ${formatRate(r.ackPerSecond)}/s; ${r.responses}/${r.acknowledged} responses in ${r.e2eSeconds} s = ${formatRate(r.e2ePerSecond)}/s end to end${r.complete ? '' : ' (INCOMPLETE)'}`);
        runs.get(variant.id)!.push(result);
      }
    }
  } finally {
    receiver.stop();
  }
  const retained = await step('e2e  Redis memory kept per completed request and per imported device', () => retainedMemory(suite),
    (r) => `${formatRate(r.bytesPerRequest)} B per request of the mix (${formatRate(r.bytesPerAcknowledged)} B per acknowledged one), ${formatRate(r.bytesPerDevice)} B per device`);
  const summary = VARIANTS.map((v) => {
    const list = runs.get(v.id)!;
    return {
      id: v.id,
      label: v.label,
      ackPerSecond: Math.round(median(list.map((r) => r.ackPerSecond))),
      e2ePerSecond: Math.round(median(list.map((r) => r.e2ePerSecond))),
      e2eSeconds: round(median(list.map((r) => r.e2eSeconds))),
      acknowledged: Math.round(median(list.map((r) => r.acknowledged))),
      responses: Math.round(median(list.map((r) => r.responses))),
      pullsPerResponse: v.delivery === 'pull' ? round(median(list.map((r) => r.pulls / Math.max(1, r.responses)))) : undefined,
      delivery: v.delivery,
      allComplete: list.every((r) => r.complete),
      incompleteRuns: list.filter((r) => !r.complete).length,
      unexpected: list.reduce((s, r) => s + r.unexpected, 0),
      runs: list.map((r) => Math.round(v.delivery === 'none' ? r.ackPerSecond : r.e2ePerSecond)),
      cpuShare: medianRun(list, (r) => (v.delivery === 'none' ? r.ackPerSecond : r.e2ePerSecond))?.cpu,
      /** Router and redis-server CPU per answered request of the mix, whatever its status (medians over the runs). */
      cpuMicroseconds: {
        router: round(median(list.map((r) => r.cpu.microsecondsPerRequest?.target ?? NaN))),
        redis: round(median(list.map((r) => r.cpu.microsecondsPerRequest?.redis ?? NaN))),
      },
    };
  });
  const ackOnly = summary.find((s) => s.id === 'ack-only')!;
  const networks = summary.find((s) => s.id === 'networks')!;
  const pull = summary.find((s) => s.id === 'pull')!;
  const webhook = summary.find((s) => s.id === 'webhook')!;
  /** Undefined when every run of a delivering variant had all its responses. */
  const incompleteText = (s: (typeof summary)[number]) => (s.incompleteRuns === 0 ? undefined
    : `${s.incompleteRuns} of ${options.repeats} ${s.id} runs incomplete (not every response within ${options.e2eTimeoutSeconds} s; timed to that limit, their rate is an upper bound)`);
  const incomplete = [pull, webhook].map(incompleteText).filter(Boolean);
  const chart = suite.writeChart('e2e-rates', barChart('Acknowledged vs end-to-end requests per second (median)', 'req/s', [
    { label: 'acknowledgement only', value: ackOnly.ackPerSecond },
    { label: 'pull: acknowledged', value: pull.ackPerSecond },
    { label: 'pull: end to end', value: pull.e2ePerSecond },
    { label: 'webhook: acknowledged', value: webhook.ackPerSecond },
    { label: 'webhook: end to end', value: webhook.e2ePerSecond },
  ]));
  const data = {
    method: `${options.e2eUnits * 2} requests of the mix per run (a tariff update's CV 4 and CV 5 legs are two requests of one RequestID, owed one response), closed loop on ${options.connections} connections; simulated networks p50 5 ms / p99 20 ms; both rates count the requests of the mix: the acknowledgement rate over the time until the last answer, the end-to-end rate over the time until the last response was read (one is owed per 202), or until the ${options.e2eTimeoutSeconds} s limit when some never were; ${repeatsText(options.repeats)}`,
    ackOnlyPerSecond: ackOnly.ackPerSecond,
    pullPerSecond: pull.e2ePerSecond,
    webhookPerSecond: webhook.e2ePerSecond,
    pullToAckRatio: round(pull.e2ePerSecond / ackOnly.ackPerSecond),
    webhookToAckRatio: round(webhook.e2ePerSecond / ackOnly.ackPerSecond),
    variants: summary,
    retainedMemory: retained,
    goals: [goal('endToEndToAck', 'end to end (response readable by pull) ÷ acknowledgement only', round(pull.e2ePerSecond / ackOnly.ackPerSecond),
      `${formatRate(pull.e2ePerSecond)}/s vs ${formatRate(ackOnly.ackPerSecond)}/s`, {
        spoiledBy: [notAsExpected({ pull: pull.unexpected, 'acknowledgement only': ackOnly.unexpected }), incompleteText(pull)].filter(Boolean).join('; ') || undefined,
      }),
      goal('redisBytesPerOpenRequest', 'Redis memory per open request of the mix (every network stalled)', retained.bytesPerOpen,
        `${formatRate(retained.openAcknowledged)} open, ${formatRate(retained.usedBytesOpen - retained.usedBytes.beforeRequests)} B more used, the keyspace's doublings included; see the memory table`)],
  };
  const markdown = [
    `${options.e2eUnits * 2} requests of the mix per run (a tariff update's CV 4 and CV 5 legs are two requests of one RequestID, owed one response; closed loop, ${options.connections} connections), simulated networks answering in p50 5 ms / p99 20 ms; ${repeatsText(options.repeats)}. Both rates count the same requests of the mix: the acknowledgement rate over the time from the first submission to the last answer, the end-to-end rate over the time until the last response was read (pull) or received (webhook), one being owed per 202 acknowledgement. Responses are read while submission goes on. Each run's router is warmed up first and, with the networks in-process, its warm-up's work settled before the timed run (every request it forwarded answered, webhooks delivered, nothing moving for a second), and the pull reader starts at the timed run's start: what the warm-up left is neither read nor delivered in the timed run's time.`,
    '',
    `**End to end: ${formatRate(pull.e2ePerSecond)}/s read by pull and ${formatRate(webhook.e2ePerSecond)}/s by webhook, against ${formatRate(ackOnly.ackPerSecond)}/s acknowledgements alone** (ratios ${data.pullToAckRatio} and ${data.webhookToAckRatio}).${incomplete.length ? ` **Incomplete:** ${incomplete.join('; ')}.` : ''}`,
    '',
    ...table(['variant', 'acknowledged/s', 'end-to-end/s', 'seconds to the end', 'acknowledged (202)', 'responses read', 'complete', 'CPU µs per answered request: router + redis-server', 'signed pulls per response', 'runs (rate/s)'], summary.map((s) => [
      s.label, formatRate(s.ackPerSecond), s.delivery === 'none' ? '–' : formatRate(s.e2ePerSecond), s.e2eSeconds, s.acknowledged,
      s.delivery === 'none' ? '–' : s.responses, s.delivery === 'none' ? '–' : s.allComplete ? 'yes' : '**NO**',
      `${s.cpuMicroseconds.router} + ${s.cpuMicroseconds.redis}`, s.pullsPerResponse ?? '–', s.runs.join(', '),
    ])),
    '',
    `Where the difference goes (router + redis-server CPU per answered request of the mix, medians): the simulated networks in the router's process (egress, the networks, recording responses) ${costDelta(networks, ackOnly)}; reading the responses by pull on top of that ${costDelta(pull, networks)} (${pull.pullsPerResponse ?? '?'} signed pulls per response: each pull is a signature check and a read whatever it finds, so how often Users poll weighs as much as how much they read; \`npm run bench:calls\` measures a pull alone); delivering them by webhook instead ${costDelta(webhook, networks)} (a signed POST per item).`,
    '',
    `![acknowledged vs end to end](${chart})`,
    '',
    `**Redis memory kept.** On one more router with the simulated networks, after its warm-up had settled (so every User's own keys existed already): ${formatRate(retained.requests)} requests of the mix sent (${formatRate(retained.acknowledged)} acknowledged): first those that stay open (${formatRate(retained.openAcknowledged)} acknowledged), with every network stalled, and Redis's \`used_memory\` read once its keys stopped moving (each such request open: its record, its lease, its TRT index entry); then, the networks answering again, the rest of the mix (answered at once, refused), and every acknowledged one's response read by its User, and Redis's \`used_memory\` (INFO memory) read again once nothing moved (every forwarded request answered, no key added for a second); then ${formatRate(retained.devices)} more devices imported through the NDJSON endpoint, and read again. What a completed request keeps (its record and its response in the User's outbox) stays for \`REQUEST_RETENTION_SECONDS\` and \`OUTBOX_RETENTION_SECONDS\`; a device, for as long as it is in the inventory.`,
    '',
    ...table(['kept in Redis', 'count', 'used_memory before → after (bytes)', 'keys before → after', 'bytes each', 'keys each'], [
      ['an open request of the mix (its requests that stay open, every network stalled; a tariff update\'s CV 4 leg in its request)', formatRate(retained.openAcknowledged), `${formatRate(retained.usedBytes.beforeRequests)} → ${formatRate(retained.usedBytesOpen)}`, `${formatRate(retained.keys.beforeRequests)} → ${formatRate(retained.keysOpen)}`, `**${formatRate(retained.bytesPerOpen)}**`, round((retained.keysOpen - retained.keys.beforeRequests) / retained.openAcknowledged)],
      ['a completed request of the mix (refused and at-once answers included)', formatRate(retained.requests), `${formatRate(retained.usedBytes.beforeRequests)} → ${formatRate(retained.usedBytes.afterRequests)}`, `${formatRate(retained.keys.beforeRequests)} → ${formatRate(retained.keys.afterRequests)}`, `**${formatRate(retained.bytesPerRequest)}**`, retained.keysPerRequest],
      ['the same, per acknowledged (202) request', formatRate(retained.acknowledged), '', '', formatRate(retained.bytesPerAcknowledged), ''],
      ['an imported device', formatRate(retained.devices), `${formatRate(retained.usedBytes.afterRequests)} → ${formatRate(retained.usedBytes.afterDevices)}`, `${formatRate(retained.keys.afterRequests)} → ${formatRate(retained.keys.afterDevices)}`, `**${formatRate(retained.bytesPerDevice)}**`, retained.keysPerDevice],
    ]),
    '',
    `\`used_memory\` includes the keyspace's hash table, which doubles when the key count passes a power of two (8 B more per slot it had): a measurement whose keys pass one is charged the whole doubling, which over a growing store averages 8–16 B per key. ${doublingNote('open requests', retained.keys.beforeRequests, retained.keysOpen, retained.openAcknowledged)} ${doublingNote('requests', retained.keys.beforeRequests, retained.keys.afterRequests, retained.requests)} ${doublingNote('devices', retained.keys.afterRequests, retained.keys.afterDevices, retained.devices)}`,
  ];
  return { title: 'End to end: submission to response readable, against acknowledgement only', data, markdown };
}
