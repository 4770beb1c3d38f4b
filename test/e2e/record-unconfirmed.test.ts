// The one write timed out but landed (or was sent again by the client library and found itself):
// the router finds its own body recorded (leased to this process, handed over at acceptance) and
// must still send it to its network at once, not leave it for the lease's end (by then past a
// 30 s on-demand TRT). And a request its network holds long is renewed, not sent again.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { StateUnavailableError } from '@dccrouter/state';
import { everyStore, startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { Admin, metricTotal, nextCounter } from '../support/fixtures.ts';
import { replyDroppingProxy } from '../support/reply-dropping-proxy.ts';

const USER = '90-B3-D5-1F-30-12-00-01';
const METER = '00-DB-12-34-56-78-12-01';

let running: InProcessRouter | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** A router on the store (redelivery and latency as given) with the test's User and meter; its store and the User's client. */
async function routerWithMeter(storeEnv: Record<string, string>, env: Record<string, string>) {
  running = await startInProcess({ ...storeEnv, ...env });
  const admin = new Admin(running.url, running.adminToken);
  const client = await admin.user(USER, ['IS']);
  await admin.device(METER, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: USER });
  return { store: running.router.store, client, read: () => client.submit({ originatorId: USER, targetId: METER, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' }) };
}

/** Redelivery far beyond the test: only the hand-over can bring a response in time. */
const HAND_OVER_ONLY = { EGRESS_REDELIVER_MS: '600000', SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20' };

describe.each(everyStore())('An acceptance recorded but not confirmed, on %s', (_name, storeEnv) => {
  it('is answered with its recorded acknowledgement and handed to its network at once', async () => {
    const { store, read } = await routerWithMeter(storeEnv, HAND_OVER_ONLY);
    const write = store.recordAcceptance.bind(store);
    let unconfirmed = 0;
    store.recordAcceptance = async (requestId, acceptance) => {
      await write(requestId, acceptance);
      unconfirmed++;
      throw new StateUnavailableError('recordAcceptance timed out', { unconfirmed: true });
    };
    const { status, answer } = await read();
    expect(status, JSON.stringify(answer)).toBe(202);
    expect(unconfirmed).toBe(1);
    const requestId = answer.header.requestId as string;
    expect((await store.getRequest(requestId))?.forwardedAt).toBeDefined();
    await expect.poll(async () => (await store.getRequest(requestId))?.state, { timeout: 5_000, interval: 50 }).toBe('responded');
  });
});

describe.each(everyStore())('An acceptance not confirmed, found recorded by an identical copy from another router, on %s', (_name, storeEnv) => {
  it('is answered with the recorded acknowledgement and left to the router that recorded it', async () => {
    const { store, read } = await routerWithMeter(storeEnv, HAND_OVER_ONLY);
    const write = store.recordAcceptance.bind(store);
    store.recordAcceptance = async (requestId, acceptance) => {
      // Recorded as the other router would have (leased to it for its own hand-over); this write is told apart by its store.
      await write(requestId, acceptance);
      throw new StateUnavailableError('recordAcceptance timed out', { unconfirmed: true, recordedBy: async () => false });
    };
    const sent = await metricTotal(running!.url, 'dccrouter_egress_forwarded_total');
    const { status, answer } = await read();
    expect(status, JSON.stringify(answer)).toBe(202);
    const requestId = answer.header.requestId as string;
    expect((await store.getRequest(requestId))?.forwardedAt).toBeDefined();
    // Not sent by this router: its network would have answered within 20 ms of a hand-over.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await store.getRequest(requestId))?.state).toBe('forwarded');
    expect(await metricTotal(running!.url, 'dccrouter_egress_forwarded_total')).toBe(sent);
  });
});

describe('An acceptance whose reply was lost and which the client library sent again, on Redis', () => {
  it('finds its own record, is acknowledged and handed to its network at once', async () => {
    const proxy = await replyDroppingProxy(inject('redisUrl'));
    try {
      const { store, client, read } = await routerWithMeter({ REDIS_URL: proxy.url }, HAND_OVER_ONLY);
      // The acceptance script is loaded: the answer dropped is the script's own, not a NOSCRIPT.
      expect((await read()).status).toBe(202);
      const counter = nextCounter();
      const submit = () => client.submit({ originatorId: USER, targetId: METER, counter, commandVariant: 1, srv: '4.1.1' });
      proxy.dropReplyTo(`${USER}:${METER}:${counter}`);
      const { status, answer } = await submit();
      expect(status, JSON.stringify(answer)).toBe(202);
      expect(proxy.dropped).toBe(1);
      const requestId = answer.header.requestId as string;
      // Leased to this router (redelivery far off): only the hand-over brings the response in time.
      await expect.poll(async () => (await store.getRequest(requestId))?.state, { timeout: 5_000, interval: 50 }).toBe('responded');
      // A client's own retry of it is a duplicate, answered the same and not sent again.
      const sent = await metricTotal(running!.url, 'dccrouter_egress_forwarded_total');
      expect((await submit()).answer).toEqual(answer);
      expect(await metricTotal(running!.url, 'dccrouter_egress_forwarded_total')).toBe(sent);
    } finally {
      await running?.close();
      running = undefined;
      await proxy.close();
    }
  });
});

describe.each(everyStore())('A request its network holds past the redelivery delay, on %s', (_name, storeEnv) => {
  it('is not sent again: the holder renews it', async () => {
    const { store, read } = await routerWithMeter(storeEnv, { EGRESS_REDELIVER_MS: '1500', SIMULATOR_LATENCY_P50_MS: '5000', SIMULATOR_LATENCY_P99_MS: '5100' });
    const forwarded = () => metricTotal(running!.url, 'dccrouter_egress_forwarded_total');
    const before = await forwarded();
    const { status, answer } = await read();
    expect(status).toBe(202);
    // More than two redelivery delays: sent once, still held.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(await forwarded()).toBe(before + 1);
    await expect.poll(async () => (await store.getRequest(answer.header.requestId))?.state, { timeout: 8_000, interval: 50 }).toBe('responded');
  });

  it('is renewed once more when its holder stops, so no other instance takes it while the grace period lets the network answer', async () => {
    // No periodic renewal within the test (every 200 s): only the one at shutdown can renew it.
    const { store, read } = await routerWithMeter(storeEnv, { EGRESS_REDELIVER_MS: '600000', SHUTDOWN_GRACE_MS: '4000', SIMULATOR_LATENCY_P50_MS: '30000', SIMULATOR_LATENCY_P99_MS: '30100' });
    const { status, answer } = await read();
    expect(status).toBe(202);
    await expect.poll(async () => (await store.getRequest(answer.header.requestId))?.forwardedAt, { timeout: 5_000, interval: 50 }).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const stopping = running!.router.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Another instance's reclaim of what has been idle 3 s: leased over 5 s ago, renewed as egress
    // stopped (within the second since shutdown began, with room to spare on a loaded machine).
    const taken = await store.reclaimEgress(['smets2/south'], 'another-instance', 10, 3_000);
    await stopping;
    running = undefined;
    expect(taken.map((item) => item.record.requestId)).toEqual([]);
  });
});
