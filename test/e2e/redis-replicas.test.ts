// REDIS_WAIT_REPLICAS: an acceptance is acknowledged only once a replica holds it, against a real
// master and replica. With the replica stopped (SIGSTOP: alive, not answering) the request is
// recorded on the master and sent to its network, but answered outcome_unknown; resubmitted once
// the replica is back, the same bytes get the recorded answer, recorded once.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { DEMO_PRIVATE_KEY_PEM, ESME, nextCounter, SUPPLIER } from '../support/fixtures.ts';

let master: OwnRedis;
let replica: OwnRedis;
let running: InProcessRouter;
let second: InProcessRouter;
let client: RouterClient;
let viaSecond: RouterClient;

beforeAll(async () => {
  master = await startOwnRedis('master');
  replica = await startOwnRedis('replica', ['--appendonly', 'no', '--replicaof', '127.0.0.1', String(master.port)]);
  // The replica in sync before any request: WAIT counts only replicas online.
  const probe = new Redis(master.url);
  for (let waited = 0; !/connected_slaves:1[\s\S]*state=online/.test(await probe.info('replication')); waited += 50) {
    if (waited > 10_000) throw new Error('the replica did not come online');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  probe.disconnect();
  const env = {
    REDIS_URL: master.url, REDIS_WAIT_REPLICAS: '1',
    // Long enough that a replica answering on a loaded machine (the whole suite on 2 cores) confirms in time.
    REDIS_WAIT_TIMEOUT_MS: '1000',
    SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20',
  };
  // Two routers sharing the Redis (one key prefix), as instances behind one address.
  running = await startInProcess({ ...env, REDIS_KEY_PREFIX: 'replicas:' });
  second = await startInProcess({ ...env, REDIS_KEY_PREFIX: 'replicas:', SEED_DEMO: 'false' });
  client = new RouterClient(running.url, DEMO_PRIVATE_KEY_PEM, { retries: 0 });
  viaSecond = new RouterClient(second.url, DEMO_PRIVATE_KEY_PEM, { retries: 0 });
}, 30_000);

afterAll(async () => {
  await running?.close();
  await second?.close();
  replica?.child.kill('SIGCONT');
  await replica?.dispose();
  await master?.dispose();
});

const read = (counter: string) => ({ originatorId: SUPPLIER, targetId: ESME, counter, commandVariant: 1, srv: '4.1.1' });

describe('REDIS_WAIT_REPLICAS=1', () => {
  it('acknowledges what a replica holds, answers outcome_unknown while none confirms, and the resubmission the recorded answer', async () => {
    // Each router has written before (its replica has what it wrote): a call that writes nothing new would find its WAIT met at once.
    expect((await client.submit(read(nextCounter()))).status).toBe(202);
    expect((await viaSecond.submit(read(nextCounter()))).status).toBe(202);

    const spec = read(nextCounter());
    const critical = { originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), srv: '1.1.1' };
    const transform = await client.submit({ ...critical, commandVariant: 4, bodyValue: { Price: 12 } });
    const signedLeg = { ...critical, commandVariant: 5, bodyValue: { GBCSPayload: transform.answer.body.PreCommand.GBCSPayload } };
    const signed = await client.submit(signedLeg);
    expect([transform.status, signed.status]).toEqual([200, 202]);

    replica.child.kill('SIGSTOP');
    let first;
    const stalled: { status: number; reason: string }[] = [];
    const started = Date.now();
    try {
      first = await client.submit(spec);
      // Found recorded rather than recorded, by this router or the other, or replayed as a signed
      // leg: not acknowledged either while no replica confirms.
      for (const answer of [await client.submit(spec), await viaSecond.submit(spec), await client.submit(signedLeg)]) {
        stalled.push({ status: answer.status, reason: answer.answer.error?.reason });
      }
    } finally {
      replica.child.kill('SIGCONT');
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect([first.status, first.answer.error.reason]).toEqual([503, 'outcome_unknown']);
    expect(first.answer.error.message).toMatch(/^recorded, but 0 of the 1 Redis replicas required confirmed it within \d+ ms, so it is not acknowledged yet; resubmit the same bytes$/);
    expect(stalled).toEqual(Array(3).fill({ status: 503, reason: 'outcome_unknown' }));
    const requestId = first.answer.header.requestId as string;
    // Recorded on the master and handed to its network all the same.
    await expect.poll(async () => (await running.router.store.getRequest(requestId))?.state, { timeout: 5_000, interval: 50 }).toBe('responded');

    // The replica back: the same bytes get the recorded acknowledgement, from either router.
    const again = await client.submit(spec);
    expect([again.status, again.answer.header.responseCode, again.answer.header.requestId]).toEqual([202, 'I99', requestId]);
    expect((await viaSecond.submit(spec)).answer).toEqual(again.answer);
    expect((await client.submit(signedLeg)).answer).toEqual(signed.answer);
  });
});
