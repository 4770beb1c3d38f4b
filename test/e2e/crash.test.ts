// Kill the router (SIGKILL) under load and start it again on the same Redis: every request it had
// acknowledged is answered exactly once afterwards, whether its networks took their requests at
// acknowledgement (leased: EGRESS_HAND_OVER, the default) or from their queues. A request reaches
// a network a second time only if the kill left it unanswered (at least once: the dead router's
// networks may have had it), and the restarted router sends each of those once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildJsonRequest, RouterClient } from '@dccrouter/client';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin, metricTotal, networkReceipts, newKeyPair, nextCounter } from '../support/fixtures.ts';

/** Each case its own User, so its reads see only its own responses. */
const USERS = { handOver: '90-B3-D5-1F-30-0D-00-01', queued: '90-B3-D5-1F-30-0D-00-02' };
const METERS = ['00-DB-12-34-56-78-D0-01', '00-DB-12-34-56-78-D0-02'];

let redis: OwnRedis;
const routers: RouterProcess[] = [];

const routerEnv = (handOver: boolean) => ({
  REDIS_URL: redis.url, VERIFY_THREADS: '1', EGRESS_HAND_OVER: String(handOver),
  // Slow networks keep many requests in flight at the moment of the kill.
  SIMULATOR_LATENCY_P50_MS: '300', SIMULATOR_LATENCY_P99_MS: '800',
  EGRESS_REDELIVER_MS: '2000',
});

beforeAll(async () => {
  redis = await startOwnRedis('crash');
});

afterAll(async () => {
  await Promise.all(routers.map((r) => r.stop()));
  await redis?.dispose();
});

it.each([
  ['handed over at acknowledgement', true],
  ['taken from their queues', false],
])('answers every acknowledged request exactly once across a SIGKILL and restart (requests %s)', async (_, handOver) => {
  // The case before's router would take this one's requests over: only this case's run.
  await Promise.all(routers.splice(0).map((r) => r.stop()));
  const USER = handOver ? USERS.handOver : USERS.queued;
  const first = await startRouterProcess(routerEnv(handOver));
  routers.push(first);
  const admin = new Admin(first.url, first.adminToken);
  const keys = newKeyPair();
  expect((await admin.put(`/v1/admin/users/${USER}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
  await admin.device(METERS[0], { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: USER });
  await admin.device(METERS[1], { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'edmi', importSupplier: USER });
  const client = new RouterClient(first.url, keys.privateKeyPem);

  const acknowledged = new Set<string>();
  let refusedOrLost = 0;
  let killed = false;
  const worker = async (w: number) => {
    for (let i = 0; !killed; i++) {
      const body = buildJsonRequest({ originatorId: USER, targetId: METERS[(w + i) % 2], counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
      try {
        const result = await client.submitBytes(body);
        if (result.status === 202) acknowledged.add(result.answer.header.requestId);
        else refusedOrLost++;
      } catch {
        refusedOrLost++;
      }
    }
  };
  const load = Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
  await expect.poll(() => acknowledged.size, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(300);
  // Responses the first router recorded, read just before the kill (it may record more before it
  // dies: this is at most what it had). Recording a response settles its request's egress entry or
  // lease in the same script (respond-batch.lua), so none of these is sent again.
  const answeredBeforeKill = await metricTotal(first.url, 'dccrouter_network_responses_total');
  first.child.kill('SIGKILL');
  await first.stop();
  killed = true;
  await load;
  const acknowledgedAtKill = acknowledged.size;

  const second = await startRouterProcess(routerEnv(handOver));
  routers.push(second);
  const reader = new RouterClient(second.url, keys.privateKeyPem);
  const responses = new Map<string, number>();
  const readAll = async () => {
    responses.clear();
    let after: string | undefined;
    for (;;) {
      const path = after ? `/v1/responses?limit=1000&after=${after}` : '/v1/responses?limit=1000';
      const { answer } = await reader.call(USER, 'GET', path);
      for (const item of answer.items) if (item.kind === 'response') responses.set(item.requestId, (responses.get(item.requestId) ?? 0) + 1);
      if (answer.items.length < 1000) return;
      after = answer.next;
    }
  };
  await expect.poll(async () => {
    await readAll();
    return [...acknowledged].filter((id) => responses.has(id)).length;
  }, { timeout: 20_000, interval: 250 }).toBe(acknowledged.size);

  const answeredTwice = [...responses.values()].filter((n) => n > 1).length;
  // What the restarted router's networks were sent (it takes no new requests: all of it is sent
  // again), once they have answered it all.
  await expect.poll(async () => (await networkReceipts([second])).pending, { timeout: 10_000, interval: 100 }).toBe(0);
  const afterRestart = await networkReceipts([second]);
  const resentAfterRestart = afterRestart.received;
  // Requests the store may have held unanswered at the kill: every one it recorded (those
  // acknowledged, and any of the others submitted, whose answer an error or the kill cut off)
  // less those answered by then. Only these may be sent again.
  const unansweredAtKillAtMost = acknowledgedAtKill + refusedOrLost - answeredBeforeKill;
  console.log(`crash test (EGRESS_HAND_OVER=${handOver}): ${acknowledgedAtKill} acknowledged before SIGKILL, ${refusedOrLost} cut off by the kill (never acknowledged), ` +
    `${answeredBeforeKill} answered before it (so at most ${unansweredAtKillAtMost} unanswered), ` +
    `${resentAfterRestart} sent again by the restarted router (${afterRestart.sent} sends), ${responses.size} responses queued (acknowledged ones plus any recorded whose answer the kill cut off), ${answeredTwice} answered twice`);
  expect(answeredTwice).toBe(0);
  expect(acknowledgedAtKill).toBeGreaterThanOrEqual(300);
  expect(answeredBeforeKill).toBeGreaterThan(0);
  // Requests still with the dead router's network were sent again after the restart...
  expect(resentAfterRestart).toBeGreaterThan(0);
  // ...each once (its networks drop a repeat without counting it: `sent` counts every send)...
  expect(afterRestart.sent).toBe(afterRestart.received);
  // ...and only those the kill left unanswered: none already answered went out again.
  expect(afterRestart.sent).toBeLessThanOrEqual(unansweredAtKillAtMost);
}, 60_000);
