import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, startOwnRedis, type OwnRedis } from '../../../test/support/redis-server.ts';
import { replyDroppingProxy } from '../../../test/support/reply-dropping-proxy.ts';
import { BreachClaimsIncomplete, createStore, RedisStore, StateUnavailableError, type Acceptance, type RedisStoreOptions, type StateStore } from '../src/index.ts';
import { originatorOf, partitionOf, quarantineRef } from '../src/shared/index.ts';
import { testPrefixes } from './test-prefixes.ts';
import { acceptance, describeStoreContract, fullDevice, fullUser, newRequestId, plainAcceptance } from './store-contract.ts';

const redisUrl = inject('redisUrl');
const { newPrefix, deleteKeys: deleteTestKeys } = testPrefixes(redisUrl);

describeStoreContract('RedisStore', (options) => RedisStore.connect({ url: redisUrl, keyPrefix: newPrefix(), ...options }), deleteTestKeys);

/** A plain acceptance quarantined (a User-scope breach) for a minute, with its reference. */
function quarantinedAcceptance(requestId: string): { acceptance: Acceptance; ref: string } {
  const base = plainAcceptance(requestId);
  const ref = quarantineRef(requestId, randomUUID().replaceAll('-', ''));
  const expiresAt = Date.now() + 60_000;
  return {
    ref,
    acceptance: {
      leg: base.leg, legRecord: base.legRecord,
      record: { ...base.record, state: 'quarantined', quarantine: { ref, breach: 'user', expiresAt } },
      quarantine: { ref, breach: 'user', expiresAt },
    },
  };
}

describe('RedisStore on a shared Redis', () => {
  let raw: Redis;
  const opened: StateStore[] = [];
  const open = async (options: Omit<RedisStoreOptions, 'url'> & { keyPrefix: string }) => {
    const store = await RedisStore.connect({ url: redisUrl, ...options });
    opened.push(store);
    return store;
  };

  beforeAll(() => { raw = new Redis(redisUrl); });
  afterEach(async () => { await Promise.all(opened.splice(0).map((store) => store.close())); });
  afterAll(async () => {
    await raw.quit();
    await deleteTestKeys();
  });

  it('lets two instances see each other’s writes and keeps RequestIDs idempotent across them', async () => {
    const keyPrefix = newPrefix();
    const [first, second] = await Promise.all([open({ keyPrefix }), open({ keyPrefix })]);
    const user = fullUser();
    const device = fullDevice();
    await first.putUser(user);
    await second.putDevice(device);
    await first.putSetting('budgets', { onDemand: 1 });
    expect(await second.getUser(user.userId)).toStrictEqual(user);
    expect(await first.getDevice(device.deviceId)).toStrictEqual(device);
    expect(await second.getSetting('budgets')).toStrictEqual({ onDemand: 1 });

    const requestId = newRequestId();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      (i % 2 ? first : second).recordAcceptance(requestId, acceptance('single', { requestId, status: 200 + i }))));
    expect(results.filter((result) => result.outcome === 'recorded')).toHaveLength(1);
    expect(results.filter((result) => result.outcome === 'duplicate')).toHaveLength(49);
    expect(new Set(results.map((result) => (result.outcome === 'duplicate' ? result.answer.status : undefined))).size).toBe(2);
    expect((await second.loadContext(requestId, 'single')).leg).toBeDefined();
    expect(await first.getRequest(requestId)).toStrictEqual(await second.getRequest(requestId));
  });

  it('logs a directory change whose first log entry failed after the write landed, so other routers\' caches see it', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const user = fullUser();
    // The change log made unwritable (its key the wrong type) until the user's write has landed.
    await raw.set(`${keyPrefix}dir-changes`, 'not a stream');
    const written = store.putUser(user);
    while (!(await raw.get(`${keyPrefix}user:${user.userId}`))) await new Promise((resolve) => setTimeout(resolve, 2));
    await raw.del(`${keyPrefix}dir-changes`);
    await written;
    const entries = await raw.xrange(`${keyPrefix}dir-changes`, '-', '+');
    expect(entries.map(([, fields]) => fields)).toEqual([['u', user.userId]]);
  });

  it('tells how Redis keeps what it is given: the test server keeps no append-only file and evicts nothing', async () => {
    const store = await open({ keyPrefix: newPrefix() });
    expect(await (store as RedisStore).durability()).toEqual([{ appendOnly: false, maxmemoryPolicy: 'noeviction' }]);
  });

  it('shares one store identity between instances, and takes a new one once the data is gone', async () => {
    const keyPrefix = newPrefix();
    const [first, second] = await Promise.all([open({ keyPrefix }), open({ keyPrefix })]);
    expect(await first.storeIdentity('a')).toBe('a');
    expect(await second.storeIdentity('b')).toBe('a');
    // As a Redis restarted without persistence, or flushed, holds it.
    await raw.del(`${keyPrefix}store-identity`);
    expect(await second.storeIdentity('c')).toBe('c');
    expect(await first.storeIdentity('d')).toBe('c');
  });

  it('tells its own write, run again by the client library after its reply was lost, from another instance\'s copy', async () => {
    const keyPrefix = newPrefix();
    const proxy = await replyDroppingProxy(redisUrl);
    try {
      const store = await RedisStore.connect({ url: proxy.url, keyPrefix });
      opened.push(store);
      const other = await open({ keyPrefix });
      // The script is loaded: the answer dropped below is the script's own, not a NOSCRIPT.
      await store.recordAcceptance(newRequestId(), plainAcceptance(newRequestId()));

      // Its reply lost, the call runs again on the new connection and finds what it recorded itself.
      const own = newRequestId();
      proxy.dropReplyTo(own);
      const landed = await store.recordAcceptance(own, plainAcceptance(own));
      expect(proxy.dropped).toBe(1);
      expect(landed).toEqual({ outcome: 'landed', answer: plainAcceptance(own).legRecord.answer });
      // Anyone's later copy, its own included, is a duplicate.
      expect((await other.recordAcceptance(own, plainAcceptance(own))).outcome).toBe('duplicate');
      expect((await store.recordAcceptance(own, plainAcceptance(own))).outcome).toBe('duplicate');

      // Recorded by another instance before the call's first run: a duplicate both times, not landed.
      const theirs = newRequestId();
      expect((await other.recordAcceptance(theirs, plainAcceptance(theirs))).outcome).toBe('recorded');
      proxy.dropReplyTo(theirs);
      expect((await store.recordAcceptance(theirs, plainAcceptance(theirs))).outcome).toBe('duplicate');
      expect(proxy.dropped).toBe(2);
    } finally {
      await proxy.close();
    }
  });

  it('adds statistics once when the addition is run again after its reply was lost', async () => {
    const keyPrefix = newPrefix();
    const proxy = await replyDroppingProxy(redisUrl);
    try {
      const store = await RedisStore.connect({ url: proxy.url, keyPrefix });
      opened.push(store);
      // The script is loaded: the answer dropped below is the addition's own, not a NOSCRIPT.
      await store.incrementStats('month', { responded: 1 }, 'warm-up');
      proxy.dropReplyTo('lost-reply-counter');
      await store.incrementStats('month', { 'lost-reply-counter': 1 }, 'flush-1');
      expect(proxy.dropped).toBe(1);
      expect(await store.readStats('month')).toEqual({ responded: 1, 'lost-reply-counter': 1 });
    } finally {
      await proxy.close();
    }
  });

  it('appends an outbox item or dead letter, and redrives a letter, once when the call is run again after its reply was lost', async () => {
    const keyPrefix = newPrefix();
    const proxy = await replyDroppingProxy(redisUrl);
    try {
      const store = await RedisStore.connect({ url: proxy.url, keyPrefix });
      opened.push(store);
      const userId = fullUser().userId;
      // The script is loaded: the answers dropped below are the appends' own, not a NOSCRIPT.
      const first = await store.enqueueOutbox(userId, { kind: 'dccAlert', alertCode: 'N1', body: {} });

      proxy.dropReplyTo('lost-reply-alert');
      const second = await store.enqueueOutbox(userId, { kind: 'dccAlert', alertCode: 'N2', body: { marker: 'lost-reply-alert' } });
      proxy.dropReplyTo('lost-reply-many');
      await store.enqueueOutboxMany([
        { userId, item: { kind: 'dccAlert', alertCode: 'N3', body: { marker: 'lost-reply-many' } } },
        { userId, item: { kind: 'dccAlert', alertCode: 'N4', body: {} } },
      ]);
      expect(proxy.dropped).toBe(2);
      const items = await store.readOutbox(userId, undefined, 100);
      expect(items.map((item) => item.alertCode)).toEqual(['N1', 'N2', 'N3', 'N4']);
      // The run that answered named the entry the first run appended.
      expect(items.map((item) => item.cursor).slice(0, 2)).toEqual([first.cursor, second.cursor]);

      proxy.dropReplyTo('lost-reply-letter');
      await store.deadLetter(userId, items[0], 'lost-reply-letter');
      expect(proxy.dropped).toBe(3);
      const letters = (await store.listDeadLetters(userId, undefined, 10)).items;
      expect(letters.map((letter) => letter.reason)).toEqual(['lost-reply-letter']);

      // A redrive run again after its reply was lost: it says it redrove the letter (once), as its first run did.
      await store.redriveDeadLetters(userId, ['1-0']);
      proxy.dropReplyTo(`${keyPrefix}redriven:`);
      const redriven = await store.redriveDeadLetters(userId, [letters[0].id]);
      expect(proxy.dropped).toBe(4);
      expect(redriven).toEqual([{ id: letters[0].id, cursor: expect.any(String) }]);
      expect((await store.readOutbox(userId, undefined, 100)).filter((item) => item.redrivenFrom === items[0].cursor)).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('sends leases a reclaim took when the reclaim is run again after its reply was lost, not a redelivery delay later', async () => {
    const keyPrefix = newPrefix();
    const proxy = await replyDroppingProxy(redisUrl);
    try {
      const store = await RedisStore.connect({ url: proxy.url, keyPrefix });
      opened.push(store);
      const destination = 'smets2/lost-reply';
      // The scripts are loaded: the answer dropped below is the reclaim's own, not a NOSCRIPT.
      expect(await store.reclaimEgress([destination], 'router-a', 10, 0)).toEqual([]);
      // Handed to its network at acceptance (leased), and never answered.
      const requestId = newRequestId();
      const handedOver = plainAcceptance(requestId);
      handedOver.record.destination = destination;
      await store.recordAcceptance(requestId, { ...handedOver, egress: { forwardedAt: Date.now() - 60_000 } });

      proxy.dropReplyTo(`${keyPrefix}leases-reclaimed:`);
      const taken = await store.reclaimEgress([destination], 'router-a', 10, 1_000);
      expect(proxy.dropped).toBe(1);
      // The first run leased it again from now; the second names it from the call's mark.
      expect(taken.map((item) => item.record.requestId)).toEqual([requestId]);
      expect(await store.reclaimEgress([destination], 'router-a', 10, 1_000)).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('counts the breaches of a claim run again after its reply was lost: it answers as its first run did', async () => {
    const keyPrefix = newPrefix();
    const proxy = await replyDroppingProxy(redisUrl);
    try {
      const store = await RedisStore.connect({ url: proxy.url, keyPrefix });
      opened.push(store);
      // Deadlines already past when indexed: in their partition's own index, claimed one by one.
      const startsAt = Date.now() - 40_000;
      const overdue = Array.from({ length: 5 }, () => newRequestId());
      for (const requestId of overdue) {
        const accepted = acceptance('single', { requestId });
        accepted.record.trt = { class: 'smets2.onDemand', budgetMs: 30_000, startsAt, deadline: startsAt + 30_000 };
        await store.recordAcceptance(requestId, { ...accepted, breachCheckAt: startsAt + 30_000 });
      }
      // The scripts are loaded: the answer dropped below is a claim's own, not a NOSCRIPT.
      expect(await store.claimBreaches(startsAt, 100)).toEqual({ breaches: [], marked: [] });

      proxy.dropReplyTo(`${keyPrefix}breaches-claimed:{p${partitionOf(originatorOf(overdue[0]))}}:`);
      const claims = await store.claimBreaches(Date.now(), 100);
      expect(proxy.dropped).toBe(1);
      // Claimed by the first run, named by the second: each once.
      expect(claims.breaches.map((breach) => breach.requestId).sort()).toEqual([...overdue].sort());
      expect(claims.marked).toEqual([]);
      expect(await store.claimBreaches(Date.now(), 100)).toEqual({ breaches: [], marked: [] });
      // The first run's answer was kept under its mark, and the second found it there.
      expect(await raw.keys(`${keyPrefix}breaches-claimed:*`)).toHaveLength(1);
      // Their alerts were queued once, by the first run.
      const alerts = (await store.readOutbox(originatorOf(overdue[0]), undefined, 100)).filter((item) => item.alertCode === 'TRT');
      expect(alerts.map((item) => item.requestId).sort()).toEqual([...overdue].sort());
    } finally {
      await proxy.close();
    }
  });

  it('counts the bulk marks of a mark call run again after its reply was lost', async () => {
    const keyPrefix = newPrefix();
    const proxy = await replyDroppingProxy(redisUrl);
    try {
      const store = await RedisStore.connect({ url: proxy.url, keyPrefix });
      opened.push(store);
      // Deadlines at least 5 s ahead when indexed: in bulk, marked by moving the partition's mark.
      const startsAt = Date.now() - 20_000;
      const due = Array.from({ length: 3 }, () => newRequestId());
      for (const requestId of due) {
        const accepted = acceptance('single', { requestId });
        accepted.record.destination = 'smets2/central';
        accepted.record.trt = { class: 'smets2.onDemand', budgetMs: 30_000, startsAt, deadline: startsAt + 30_000 };
        await store.recordAcceptance(requestId, { ...accepted, breachCheckAt: startsAt + 30_000 });
      }
      expect(await store.markBreaches(startsAt + 29_999, [60_000])).toEqual([]);

      proxy.dropReplyTo(`${keyPrefix}breaches-marked:{p${partitionOf(originatorOf(due[0]))}}:`);
      const marked = await store.markBreaches(startsAt + 30_001, [60_000]);
      expect(proxy.dropped).toBe(1);
      expect(marked).toEqual([{ trtClass: 'smets2.onDemand', destination: 'smets2/central', count: 3, lagCounts: [3] }]);
      expect(await raw.keys(`${keyPrefix}breaches-marked:*`)).toHaveLength(1);
      expect(await store.markBreaches(startsAt + 30_002, [60_000])).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('tells, after a write it did not confirm, whether that write recorded the acceptance or another instance\'s copy did', async () => {
    const keyPrefix = newPrefix();
    const proxy = await replyDroppingProxy(redisUrl);
    try {
      const store = await RedisStore.connect({ url: proxy.url, keyPrefix, commandTimeoutMs: 300 });
      opened.push(store);
      const other = await open({ keyPrefix });
      await store.recordAcceptance(newRequestId(), plainAcceptance(newRequestId()));
      const unconfirmed = (settled: unknown) => {
        expect(settled).toBeInstanceOf(StateUnavailableError);
        expect((settled as StateUnavailableError).unconfirmed).toBe(true);
        return (settled as StateUnavailableError).recordedBy!;
      };

      // It ran; its answer came too late.
      const own = newRequestId();
      const ownAcceptance = plainAcceptance(own);
      proxy.holdReplies();
      const ranLate = await store.recordAcceptance(own, ownAcceptance).catch((error: unknown) => error);
      proxy.releaseReplies();
      expect(await unconfirmed(ranLate)(ownAcceptance)).toBe(true);

      // Held on its way while another instance recorded the same bytes: found a copy when it ran.
      const theirs = newRequestId();
      const theirsAcceptance = plainAcceptance(theirs);
      proxy.holdCommandWith(theirs);
      const held = store.recordAcceptance(theirs, theirsAcceptance).catch((error: unknown) => error);
      expect((await other.recordAcceptance(theirs, plainAcceptance(theirs))).outcome).toBe('recorded');
      const asked = unconfirmed(await held)(theirsAcceptance);
      proxy.releaseCommands();
      expect(await asked).toBe(false);
      expect((await store.loadContext(theirs, 'single')).leg?.bodyHash).toBe(theirsAcceptance.legRecord.bodyHash);
    } finally {
      await proxy.close();
    }
  });

  it('tells its observer of every call, the Threshold Anomaly Detection counters\' included', async () => {
    const calls: string[] = [];
    const done: string[] = [];
    const store = await RedisStore.connect({ url: redisUrl, keyPrefix: newPrefix(), onCall: (what) => calls.push(what), onCallDone: (what, _s, failed) => done.push(`${what}${failed ? ' failed' : ''}`) });
    opened.push(store);
    const rules = [{ key: '4.1.1', limit: 5, windowMs: 60_000 }];
    await store.counters.tryCount('user:x', rules, Date.now());
    await store.counters.peek('user:x', rules, Date.now());
    expect(calls).toEqual(['TAD count', 'TAD peek']);
    expect(done).toEqual(['TAD count', 'TAD peek']);
  });

  it('ranges a supplier\'s installations a page at a time, however many: more than one page, in order, none lost', async () => {
    const store = await open({ keyPrefix: newPrefix() });
    const signature = '["aclara",[["ESME","M","1"]]]';
    const count = 20_000 + 1_234;
    const installations = Array.from({ length: count }, (_, i) => ({
      installationId: `I${String(i).padStart(6, '0')}`, devices: [], signature, suppliers: ['S'], acquiredAt: 1_000 + (i % 500),
    }));
    await store.putInstallations(installations);
    const found = await store.installationsStartingBy('S', signature, 1_000 + 499);
    expect(found).toHaveLength(count);
    expect(new Set(found.map((one) => one.installationId)).size).toBe(count);
    expect(found.every((one, i) => i === 0 || one.startsAt! >= found[i - 1].startsAt!)).toBe(true);
    expect(await store.installationsStartingBy('S', signature, 1_000)).toHaveLength(Math.ceil(count / 500));
    // At most as many as asked for, across pages too: the earliest ones.
    expect(await store.installationsStartingBy('S', signature, 1_000 + 499, 20_100)).toStrictEqual(found.slice(0, 20_100));
  });

  it('keeps the layout: compact JSON strings, and one hash per request with a hash tag', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const user = fullUser();
    const device = fullDevice();
    await store.putUser(user);
    await store.putDevice(device);
    await store.putSetting('s', [1]);
    expect(await raw.get(`${keyPrefix}user:${user.userId}`)).toBe(JSON.stringify(user));
    expect(await raw.get(`${keyPrefix}dev:${device.deviceId}`)).toBe(JSON.stringify(device));
    expect(await raw.get(`${keyPrefix}setting:s`)).toBe('[1]');

    const requestId = newRequestId();
    const transform = acceptance('transform', { requestId });
    await store.recordAcceptance(requestId, transform);
    // The hash tag is the originator's partition, shared by all keys of the request's life.
    const tag = `{p${partitionOf(originatorOf(requestId))}}`;
    expect(await raw.hgetall(`${keyPrefix}req:${tag}:${requestId}`)).toStrictEqual({
      'transform:hash': transform.legRecord.bodyHash,
      'transform:srv': transform.legRecord.srv,
      // The answer alone (status|ExecutionDateTime|JSON), and the record without what the RequestID and state say.
      transform: `${transform.legRecord.answer.status}||${transform.legRecord.answer.body}`,
      // By position: srv, CV, destination, generation (0: none), acceptedAt, TRT (0: none), the
      // body element (0: the SRV's own), the body's value.
      record: JSON.stringify(['4.1.1', 4, 'smets2/central', 0, 1_700_000_000_000, 0, 0, transform.record.bodyValue]),
      state: 'transformed',
      dest: transform.record.destination,
    });
  });

  it('keeps a plain acknowledgement as a marker, made again from the record', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const requestId = newRequestId();
    const plain = plainAcceptance(requestId);
    await store.recordAcceptance(requestId, plain);
    const stored = await raw.hget(`${keyPrefix}req:{p${partitionOf(originatorOf(requestId))}}:${requestId}`, 'single');
    expect(stored).toBe('202||=');
    expect((await store.recordAcceptance(requestId, plainAcceptance(requestId)) as { answer: unknown }).answer).toStrictEqual(plain.legRecord.answer);
  });

  it('reads requests recorded in the earlier layout: the record as an object, the answer in full', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const requestId = newRequestId();
    const plain = plainAcceptance(requestId);
    const { requestId: _r, originatorId: _o, targetId: _t, state: _s, ...rest } = plain.record;
    await raw.hset(`${keyPrefix}req:{p${partitionOf(originatorOf(requestId))}}:${requestId}`, {
      'single:hash': plain.legRecord.bodyHash, 'single:srv': '4.1.1', single: `202||${plain.legRecord.answer.body}`,
      record: JSON.stringify(rest), state: 'accepted', orig: plain.record.originatorId, dest: plain.record.destination,
    });
    expect(await store.getRequest(requestId)).toStrictEqual(plain.record);
    expect(await store.recordAcceptance(requestId, plainAcceptance(requestId))).toStrictEqual({ outcome: 'duplicate', answer: plain.legRecord.answer });
  });

  it('fails a response no replica confirms (waitReplicas), and answers its network\'s repeat as the recording it was', async () => {
    const keyPrefix = newPrefix();
    // A Redis without replicas: none can confirm.
    const waiting = await open({ keyPrefix, waitReplicas: 1, waitTimeoutMs: 50 });
    const requestId = newRequestId();
    const plain = plainAcceptance(requestId);
    expect(await waiting.recordAcceptance(requestId, { ...plain, egress: {} })).toMatchObject({ outcome: 'recorded', replicasShort: { wanted: 1, confirmed: 0 } });
    const response = { requestId, destination: plain.record.destination, responseCode: 'I0', at: plain.record.acceptedAt + 1_000 };
    const failed = await waiting.recordResponse(response).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(StateUnavailableError);
    expect((failed as StateUnavailableError).unconfirmed).toBe(true);
    expect((failed as Error).message).toMatch(/0 of the 1 Redis replicas required confirmed them/);
    // Recorded on the master all the same; the network's repeat (once the replicas hold it) is answered as that recording.
    const store = await open({ keyPrefix });
    expect(await store.recordResponse(response)).toMatchObject({ outcome: 'recorded', breached: false, elapsedMs: 1_000 });
    expect((await store.readOutbox(plain.record.originatorId, undefined, 10)).filter((item) => item.requestId === requestId)).toHaveLength(1);
  });

  it('keeps the held requests other partitions claimed when one partition\'s claim fails, and names the failure', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const requestId = newRequestId();
    const releaseAt = Date.now() + 60_000;
    const held = plainAcceptance(requestId);
    await store.recordAcceptance(requestId, { ...held, egress: { releaseAt } });
    // Another partition's held set is not a sorted set: its claim fails (WRONGTYPE) where the others run.
    const broken = (partitionOf(originatorOf(requestId)) + 1) % 16;
    await raw.set(`${keyPrefix}held:{p${broken}}`, 'not a sorted set');
    const claims = await store.claimHeld(releaseAt, 10, releaseAt + 1_000);
    expect(claims.failed).toBeInstanceOf(StateUnavailableError);
    expect(claims.failed?.message).toMatch(/claim held failed: WRONGTYPE/);
    expect(claims.claimed.map((record) => record.requestId)).toEqual([requestId]);
    expect(await store.settleHeld(claims, releaseAt, claims.claimed.map((record) => ({ record })), [])).toEqual({ queued: 1, handedOver: [] });
  });

  it('keeps what other partitions handed over when one partition\'s settle of held requests fails, and names the failure', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    // Two Users whose requests are in different partitions (a User's are all in one).
    const first = newRequestId();
    const otherUser = Array.from({ length: 64 }, (_, n) => `90-B3-D5-1F-30-00-01-${n.toString(16).toUpperCase().padStart(2, '0')}`)
      .find((userId) => partitionOf(userId) !== partitionOf(originatorOf(first)))!;
    const second = `${otherUser}:00-DB-12-34-56-78-90-A0:${randomUUID()}`;
    const releaseAt = Date.now() + 60_000;
    for (const requestId of [first, second]) {
      const plain = plainAcceptance(requestId);
      await store.recordAcceptance(requestId, { ...plain, record: { ...plain.record, originatorId: originatorOf(requestId) }, egress: { releaseAt } });
    }
    const claims = await store.claimHeld(releaseAt, 10, releaseAt + 1_000);
    expect(claims.claimed.map((record) => record.requestId).sort()).toEqual([first, second].sort());
    // The first's record is no hash any more: its partition's settle fails (WRONGTYPE) where the other's runs.
    await raw.set(`${keyPrefix}req:{p${partitionOf(originatorOf(first))}}:${first}`, 'not a hash');
    const destinations = [...new Set(claims.claimed.map((record) => record.destination))];
    const release = await store.settleHeld(claims, releaseAt, claims.claimed.map((record) => ({ record })), [], { destinations, max: 10 });
    expect(release.failed).toBeInstanceOf(StateUnavailableError);
    expect(release.failed?.message).toMatch(/settle held failed: WRONGTYPE/);
    expect(release.handedOver.map((item) => item.record.requestId)).toEqual([second]);
    expect(await store.heldLeasedAt(releaseAt, destinations)).toMatchObject([{ record: { requestId: second } }]);
  });

  /** Two requests of one User (one partition) held until `releaseAt`; `broken` names the second's record, for a test to break. */
  async function twoHeld(store: StateStore, keyPrefix: string) {
    const [first, second] = [newRequestId(), newRequestId()];
    const releaseAt = Date.now() + 60_000;
    for (const requestId of [first, second]) await store.recordAcceptance(requestId, { ...plainAcceptance(requestId), egress: { releaseAt } });
    const tag = `{p${partitionOf(originatorOf(first))}}`;
    return { first, second, releaseAt, tag, broken: `${keyPrefix}req:${tag}:${second}` };
  }

  it('leaves a held request it was leasing to be claimed again when its partition\'s settle stops part way', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    // The first to be leased, the second's record broken so that the settle stops at it.
    const { first: leasing, second, releaseAt, tag, broken } = await twoHeld(store, keyPrefix);
    const claims = await store.claimHeld(releaseAt, 10, releaseAt + 1_000);
    await raw.set(broken, 'not a hash');
    const verdicts = [leasing, second].map((requestId) => ({ record: claims.claimed.find((record) => record.requestId === requestId)! }));
    const destinations = [verdicts[0].record.destination];
    const release = await store.settleHeld(claims, releaseAt, verdicts, [], { destinations, max: 10 });
    expect(release.failed?.message).toMatch(/WRONGTYPE/);
    expect(release.handedOver).toEqual([]);
    // Neither forwarded in no lease set nor lost: once the claim runs out it is claimed again, whole.
    expect(await raw.hget(`${keyPrefix}req:${tag}:${leasing}`, 'state')).toBe('accepted');
    // A claim that stops part way (at the broken record) leaves the lapsed claim as it was, to be claimed once it can be.
    expect((await store.claimHeld(releaseAt + 1_000, 10, releaseAt + 2_000)).failed?.message).toMatch(/WRONGTYPE/);
    await raw.del(broken);
    const again = await store.claimHeld(releaseAt + 1_000, 10, releaseAt + 2_000);
    expect(again.claimed.map((record) => record.requestId)).toEqual([leasing]);
  });

  it('leaves due held requests held when a claim stops part way, to be claimed once it can be', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const { first: due, releaseAt, tag, broken } = await twoHeld(store, keyPrefix);
    await raw.set(broken, 'not a hash');
    expect((await store.claimHeld(releaseAt, 10, releaseAt + 1_000)).failed?.message).toMatch(/WRONGTYPE/);
    expect(await raw.zscore(`${keyPrefix}held:${tag}`, due)).toBe(String(releaseAt));
    await raw.del(broken);
    expect((await store.claimHeld(releaseAt, 10, releaseAt + 1_000)).claimed.map((record) => record.requestId)).toEqual([due]);
  });

  it('leaves a response unrecorded when its call stops before it is queued for its User, so the network\'s repeat queues it', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const requestId = newRequestId();
    const plain = plainAcceptance(requestId);
    await store.recordAcceptance(requestId, { ...plain, egress: {} });
    // The User's outbox cannot be appended to (as a key out of reach while a Cluster slot moves): the call stops there.
    const outbox = `${keyPrefix}outbox:{p${partitionOf(originatorOf(requestId))}}:${plain.record.originatorId}`;
    await raw.set(outbox, 'not a stream');
    const response = { requestId, destination: plain.record.destination, responseCode: 'I0', at: plain.record.acceptedAt + 1_000 };
    await expect(store.recordResponse(response)).rejects.toThrow(/WRONGTYPE/);
    expect((await store.getRequest(requestId))?.state).toBe('accepted');
    await raw.del(outbox);
    expect(await store.recordResponse(response)).toMatchObject({ outcome: 'recorded' });
    expect((await store.readOutbox(plain.record.originatorId, undefined, 10)).map((item) => item.requestId)).toEqual([requestId]);
  });

  it('records no quarantined request when its call stops before its quarantine is written, so the retry records it whole', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const requestId = newRequestId();
    const { acceptance: quarantined, ref } = quarantinedAcceptance(requestId);
    const qexp = `${keyPrefix}qexp:{p${partitionOf(originatorOf(requestId))}}`;
    await raw.set(qexp, 'not a sorted set');
    await expect(store.recordAcceptance(requestId, quarantined)).rejects.toThrow(/WRONGTYPE/);
    expect(await store.getRequest(requestId)).toBeUndefined();
    await raw.del(qexp);
    expect(await store.recordAcceptance(requestId, quarantined)).toMatchObject({ outcome: 'recorded' });
    expect(await store.findQuarantine(ref)).toBe(requestId);
  });

  it('leaves a request quarantined when its release stops before it is queued, so the release can be made again', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const requestId = newRequestId();
    await store.recordAcceptance(requestId, quarantinedAcceptance(requestId).acceptance);
    const stream = `${keyPrefix}egress:{p${partitionOf(originatorOf(requestId))}}:${plainAcceptance(requestId).record.destination}`;
    await raw.set(stream, 'not a stream');
    const at = Date.now();
    await expect(store.releaseQuarantine(requestId, { at, state: 'accepted', egress: true })).rejects.toThrow(/WRONGTYPE/);
    expect((await store.getRequest(requestId))?.state).toBe('quarantined');
    await raw.del(stream);
    expect(await store.releaseQuarantine(requestId, { at, state: 'accepted', egress: true })).toBe(true);
    expect(await store.getRequest(requestId)).toMatchObject({ state: 'accepted', releasedAt: at });
    expect(await raw.xlen(stream)).toBe(1);
  });

  it('keeps a dead letter when its redrive stops before queueing it, so it can be redriven again', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const userId = fullUser().userId;
    await store.enqueueOutbox(userId, { kind: 'dccAlert', alertCode: 'N1', body: {} });
    const [queued] = await store.readOutbox(userId, undefined, 10);
    await store.deadLetter(userId, queued, 'refused by the endpoint');
    const [letter] = (await store.listDeadLetters(userId, undefined, 10)).items;
    const outbox = `${keyPrefix}outbox:{p${partitionOf(userId)}}:${userId}`;
    await raw.del(outbox);
    await raw.set(outbox, 'not a stream');
    await expect(store.redriveDeadLetters(userId, [letter.id])).rejects.toThrow(/WRONGTYPE/);
    expect((await store.listDeadLetters(userId, undefined, 10)).items.map((left) => left.id)).toEqual([letter.id]);
    await raw.del(outbox);
    expect(await store.redriveDeadLetters(userId, [letter.id])).toEqual([{ id: letter.id, cursor: expect.any(String) }]);
    expect((await store.readOutbox(userId, undefined, 10)).map((item) => item.redrivenFrom)).toEqual([queued.cursor]);
    expect((await store.listDeadLetters(userId, undefined, 10)).items).toEqual([]);
  });

  it('stores a DSP schedule when the call that stopped part way is made again, not marking its request as having one', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const requestId = newRequestId();
    const userId = originatorOf(requestId);
    const scheduleId = await store.allocateScheduleId();
    const schedule = {
      frequency: 'Daily' as const, startDate: '2026-12-01', executionStartTime: '02:30:00', srv: '4.6.1', deviceId: '00-DB-12-34-56-78-90-A0',
      bodyElement: 'RetrieveImportDailyReadLog', bodyValue: { ReadLogPeriod: 1 },
    };
    const due = `${keyPrefix}sched-due:{p${partitionOf(userId)}}`;
    await raw.set(due, 'not a sorted set');
    await expect(store.createSchedule(userId, scheduleId, schedule, Date.now() + 60_000, requestId)).rejects.toThrow(/WRONGTYPE/);
    await raw.del(due);
    expect(await store.createSchedule(userId, scheduleId, schedule, Date.now() + 60_000, requestId)).toBe(true);
    expect(await store.getSchedule(userId, scheduleId)).toStrictEqual(schedule);
    expect(await raw.zcard(due)).toBe(1);
  });

  it('adds a statistics flush whose call stopped part way when its sender sends it again', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    await raw.set(`${keyPrefix}stats:month`, 'not a hash');
    await expect(store.incrementStats('month', { responded: 2 }, 'flush-1')).rejects.toThrow(/WRONGTYPE/);
    await raw.del(`${keyPrefix}stats:month`);
    await store.incrementStats('month', { responded: 2 }, 'flush-1');
    await store.incrementStats('month', { responded: 2 }, 'flush-1');
    expect(await store.readStats('month')).toEqual({ responded: 2 });
    // A later counter that cannot be added to stops the call before the earlier ones are added.
    await raw.hset(`${keyPrefix}stats:month`, 'breached', 'x');
    await expect(store.incrementStats('month', { responded: 1, breached: 1 }, 'flush-2')).rejects.toThrow(/statistic breached is not an integer/);
    await raw.hset(`${keyPrefix}stats:month`, 'breached', '0');
    await store.incrementStats('month', { responded: 1, breached: 1 }, 'flush-2');
    expect(await store.readStats('month')).toEqual({ responded: 3, breached: 1 });
  });

  it('lists a page of more quarantined requests than one script reply can unpack, going on from its cursor', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const ids = Array.from({ length: 4_500 }, () => newRequestId());
    for (let i = 0; i < ids.length; i += 500) {
      await Promise.all(ids.slice(i, i + 500).map((requestId) => store.recordAcceptance(requestId, quarantinedAcceptance(requestId).acceptance)));
    }
    const listed: string[] = [];
    let after: string | undefined;
    do {
      const page = await store.listQuarantined(undefined, after, 5_000);
      listed.push(...page.items.map((record) => record.requestId));
      after = page.next;
    } while (after !== undefined);
    expect(listed.sort()).toEqual([...ids].sort());
  }, 30_000);

  it('keeps no deadline-scan fields once a request is answered: the record has its TRT', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const requestId = newRequestId();
    const plain = plainAcceptance(requestId);
    await store.recordAcceptance(requestId, { ...plain, egress: {}, breachCheckAt: plain.record.trt!.deadline });
    const key = `${keyPrefix}req:{p${partitionOf(originatorOf(requestId))}}:${requestId}`;
    // The check time is the index's score, not a field of the request's; a deadline already past
    // (this one is in 2023) goes in the partition's own index, claimed one by one.
    expect(await raw.hexists(key, 'checkAt')).toBe(0);
    expect(await raw.zscore(`${keyPrefix}trt:{p${partitionOf(originatorOf(requestId))}}`, requestId)).toBe(String(plain.record.trt!.deadline));
    await store.recordResponse({ requestId, destination: plain.record.destination, responseCode: 'I0', at: plain.record.acceptedAt + 1_000 });
    const fields = Object.keys(await raw.hgetall(key));
    expect(fields.filter((field) => ['checkAt', 'deadline', 'tclass', 'ts', 'tb', 'final', 'egress', 'bk'].includes(field))).toEqual([]);
    expect(await store.getRequest(requestId)).toMatchObject({ state: 'responded', trt: plain.record.trt, elapsedMs: 1_000, breached: false });
  });

  it('keeps an open request once: its egress entry carries only the RequestID, its TRT only the record', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const requestId = newRequestId();
    const plain = plainAcceptance(requestId);
    await store.recordAcceptance(requestId, { ...plain, egress: {}, breachCheckAt: plain.record.trt!.deadline });
    const tag = `{p${partitionOf(originatorOf(requestId))}}`;
    const fields = await raw.hgetall(`${keyPrefix}req:${tag}:${requestId}`);
    expect(Object.keys(fields).filter((field) => ['deadline', 'tclass', 'ts', 'tb'].includes(field))).toEqual([]);
    const entries = await raw.xrange(`${keyPrefix}egress:${tag}:${plain.record.destination}`, '-', '+');
    expect(entries).toEqual([[fields.egress, ['rid', requestId]]]);
    // Egress still gets the whole record, and the scan and the response its TRT.
    const [item] = await store.claimEgress([plain.record.destination], 'router-a', 10);
    expect(item).toEqual({ destination: plain.record.destination, entryId: fields.egress, record: { ...plain.record, state: 'forwarded' } });
    const { breaches: [breach] } = await store.claimBreaches(plain.record.trt!.deadline + 1, 10);
    expect(breach).toMatchObject({ requestId, trtClass: 'smets2.onDemand', checkAt: plain.record.trt!.deadline });
    const [alert] = await store.readOutbox(plain.record.originatorId, undefined, 10);
    expect(alert.body).toEqual({ alert: 'TRT', requestId, deadline: new Date(plain.record.trt!.deadline).toISOString() });
  });

  it('makes its egress groups again when Redis lost them (restarted without its data): the next claim takes what was queued since', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const first = newRequestId();
    await store.recordAcceptance(first, { ...plainAcceptance(first), egress: {} });
    const destination = plainAcceptance(first).record.destination;
    expect((await store.claimEgress([destination], 'router-a', 10)).map((item) => item.record.requestId)).toEqual([first]);
    // Every key of this store gone, as after a restart without data.
    const keys = await raw.keys(`${keyPrefix}*`);
    if (keys.length > 0) await raw.del(...keys);
    const second = newRequestId();
    await store.recordAcceptance(second, { ...plainAcceptance(second), egress: {} });
    await expect(store.claimEgress([destination], 'router-a', 10)).rejects.toThrow(/NOGROUP/);
    expect((await store.claimEgress([destination], 'router-a', 10)).map((item) => item.record.requestId)).toEqual([second]);
  });

  it('reclaims idle entries behind more pending entries than one reclaim looks at, held by a live router', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const requestIds = Array.from({ length: 60 }, () => newRequestId());
    for (const requestId of requestIds) await store.recordAcceptance(requestId, { ...plainAcceptance(requestId), egress: {} });
    const { destination } = plainAcceptance(requestIds[0]).record;
    // The first 50 go to a live router (which renews them), the last 10 to one that died.
    const live = await store.claimEgress([destination], 'live', 50);
    const dead = await store.claimEgress([destination], 'dead', 10);
    expect([live.length, dead.length]).toEqual([50, 10]);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    // Two at a time: XAUTOCLAIM looks at 20 pending entries per call, so the dead router's lie
    // beyond the first call's reach; each call goes on from where the last stopped. The live
    // router's are renewed before each (idle far below the 2 s asked, even on a loaded machine).
    const reclaimed: string[] = [];
    for (let pass = 0; pass < 12 && reclaimed.length < 10; pass++) {
      await store.renewEgress(live, 'live');
      reclaimed.push(...(await store.reclaimEgress([destination], 'taker', 2, 2_000)).map((item) => item.record.requestId));
    }
    expect(reclaimed.sort()).toEqual(dead.map((item) => item.record.requestId).sort());
  });

  it('gives a consumer back its own entries a claim whose answer was lost took, not those its networks hold nor another\'s', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const [lost, held, theirs] = [newRequestId(), newRequestId(), newRequestId()];
    const { destination } = plainAcceptance(lost).record;
    const stream = (requestId: string) => `${keyPrefix}egress:{p${partitionOf(originatorOf(requestId))}}:${destination}`;
    expect(await store.claimEgress([destination], 'router', 10)).toEqual([]);
    // Taken by a claim whose answer never came back: read straight from the stream, as Redis ran it.
    const lostClaim = async (requestId: string, consumer: string) => {
      await store.recordAcceptance(requestId, { ...plainAcceptance(requestId), egress: {} });
      const read = (await raw.xreadgroup('GROUP', 'egress', consumer, 'COUNT', 10, 'STREAMS', stream(requestId), '>')) as [string, [string, string[]][]][];
      return read[0][1][0][0];
    };
    await lostClaim(lost, 'router');
    await lostClaim(theirs, 'another');
    await store.recordAcceptance(held, { ...plainAcceptance(held), egress: {} });
    const holding = await store.claimEgress([destination], 'router', 10);
    expect(holding.map((item) => item.record.requestId)).toEqual([held]);
    await new Promise((resolve) => setTimeout(resolve, 60));

    const recovered = await store.recoverOwnEgress([destination], 'router', 10, 50, holding);
    expect(recovered.map((item) => [item.record.requestId, item.record.state])).toEqual([[lost, 'forwarded']]);
    // Claimed again: idle from now, so not given twice.
    expect(await store.recoverOwnEgress([destination], 'router', 10, 50, holding)).toEqual([]);
    expect(await store.recoverOwnEgress([destination], 'another', 10, 0, [])).toHaveLength(1);
  });

  it('removes the egress consumers of routers gone for a hundred redelivery delays, with nothing pending, and no other', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const [settled, held] = [newRequestId(), newRequestId()];
    const { destination } = plainAcceptance(settled).record;
    const tag = `{p${partitionOf(originatorOf(settled))}}`;
    const stream = `${keyPrefix}egress:${tag}:${destination}`;
    const consumers = async () => ((await raw.call('XINFO', 'CONSUMERS', stream, 'egress')) as unknown[][]).map((fields) => String(fields[1])).sort();
    await store.recordAcceptance(settled, { ...plainAcceptance(settled), egress: {} });
    expect(await store.claimEgress([destination], 'gone', 10)).toHaveLength(1);
    await store.recordResponse({ requestId: settled, destination, responseCode: 'I0', at: Date.now() });
    await store.recordAcceptance(held, { ...plainAcceptance(held), egress: {} });
    expect(await store.claimEgress([destination], 'holding', 10)).toHaveLength(1);
    expect(await consumers()).toEqual(['gone', 'holding']);
    // A hundred delays of 10 ms: 'gone' (nothing pending) is removed, 'holding' (its request unanswered) is not.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const others = async () => (await consumers()).filter((name) => name !== 'taker');
    await store.reclaimEgress([destination], 'taker', 10, 10_000);
    expect(await others()).toEqual(['gone', 'holding']);
    await store.reclaimEgress([destination], 'taker', 10, 10);
    expect(await others()).toEqual(['holding']);
  });

  it('keeps a request handed over at acceptance in its lease set, not its stream, and drops a lease whose request is gone', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const [kept, gone] = [newRequestId(), newRequestId()];
    const forwardedAt = Date.now() - 1_000;
    for (const requestId of [kept, gone]) {
      const plain = plainAcceptance(requestId);
      await store.recordAcceptance(requestId, { ...plain, egress: { forwardedAt }, breachCheckAt: plain.record.trt!.deadline });
    }
    const { destination } = plainAcceptance(kept).record;
    const keyOf = (requestId: string) => `{p${partitionOf(originatorOf(requestId))}}`;
    expect(await raw.hget(`${keyPrefix}req:${keyOf(kept)}:${kept}`, 'egress')).toBe('~');
    expect(await raw.zscore(`${keyPrefix}egresslease:${keyOf(kept)}:${destination}`, kept)).toBe(String(forwardedAt));
    expect(await raw.exists(`${keyPrefix}egress:${keyOf(kept)}:${destination}`)).toBe(0);
    // Expired (or deleted) before any response: its lease is settled, nothing sent.
    await raw.del(`${keyPrefix}req:${keyOf(gone)}:${gone}`);
    const items = await store.reclaimEgress([destination], 'router-b', 10, 500);
    expect(items.map((item) => item.record.requestId)).toEqual([kept]);
    expect(await raw.zscore(`${keyPrefix}egresslease:${keyOf(gone)}:${destination}`, gone)).toBeNull();
    expect(Number(await raw.zscore(`${keyPrefix}egresslease:${keyOf(kept)}:${destination}`, kept))).toBeGreaterThan(forwardedAt);
  });

  it('judges and sends requests left open by the earlier layout: TRT fields of their own, the record in the egress entry', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const requestId = newRequestId();
    const plain = plainAcceptance(requestId);
    const { trt } = plain.record;
    const tag = `{p${partitionOf(originatorOf(requestId))}}`;
    const key = `${keyPrefix}req:${tag}:${requestId}`;
    const stream = `${keyPrefix}egress:${tag}:${plain.record.destination}`;
    await store.recordAcceptance(requestId, { ...plain, egress: {}, breachCheckAt: trt!.deadline });
    // As the earlier version wrote it; its fields name another class, to tell which are read.
    await raw.hset(key, { deadline: new Date(trt!.deadline).toISOString(), tclass: 'smets2.scheduled', ts: trt!.startsAt, tb: trt!.budgetMs });
    const record = await raw.hget(key, 'record');
    await raw.xdel(stream, (await raw.hget(key, 'egress'))!);
    await raw.hset(key, 'egress', await raw.xadd(stream, '*', 'rid', requestId, 'rec', record!) as string);
    const [item] = await store.claimEgress([plain.record.destination], 'router-a', 10);
    expect(item.record).toEqual({ ...plain.record, state: 'forwarded' });
    const outcome = await store.recordResponse({ requestId, destination: plain.record.destination, responseCode: 'I0', at: trt!.startsAt + 31_000 });
    expect(outcome).toMatchObject({ outcome: 'recorded', breached: true, breachMarkedEarlier: false, trtClass: 'smets2.scheduled', elapsedMs: 31_000 });
  });

  it('indexes a deadline its partition\'s mark has already reached (a claim from a clock ahead) on its own, counted when claimed', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const requestId = newRequestId();
    const tag = `{p${partitionOf(originatorOf(requestId))}}`;
    const startsAt = Date.now();
    // A router whose clock ran a minute ahead claimed this partition.
    await raw.set(`${keyPrefix}trtmarked:${tag}`, String(startsAt + 60_000));
    const made = plainAcceptance(requestId);
    made.record.trt = { ...made.record.trt!, startsAt, deadline: startsAt + 30_000 };
    await store.recordAcceptance(requestId, { ...made, egress: {}, breachCheckAt: startsAt + 30_000 });
    expect(await raw.zscore(`${keyPrefix}trt:${tag}`, requestId)).toBe(String(startsAt + 30_000));
    expect(await raw.zscore(`${keyPrefix}trt:${tag}:smets2.onDemand:smets2/central`, requestId)).toBeNull();
    expect(await raw.hget(`${keyPrefix}req:${tag}:${requestId}`, 'bk')).toBeNull();
    // Not breached before its deadline, whatever the mark says; claimed and named at it.
    expect((await store.getRequest(requestId))!.breached).toBeFalsy();
    expect((await store.claimBreaches(startsAt + 30_001, 10)).breaches.map((b) => b.requestId)).toEqual([requestId]);
  });

  it('queues a TRT alert only a grace past its deadline (trtAlertGraceMs): a response in time, recorded meanwhile, takes the mark back and no alert goes', async () => {
    const store = await open({ keyPrefix: newPrefix(), trtAlertGraceMs: 500 });
    const startsAt = Date.now();
    const deadline = startsAt + 30_000;
    const [answered, silent] = [newRequestId(), newRequestId()];
    for (const requestId of [answered, silent]) {
      const made = plainAcceptance(requestId);
      made.record.trt = { ...made.record.trt!, startsAt, deadline };
      await store.recordAcceptance(requestId, { ...made, egress: {}, breachCheckAt: deadline });
    }
    const alerted = async () => (await store.readOutbox(originatorOf(answered), undefined, 1000)).filter((item) => item.alertCode === 'TRT').map((item) => item.requestId);
    // Scanned 100 ms past the deadline: both marked, neither alerted yet.
    const first = await store.claimBreaches(deadline + 100, 100);
    expect([first.breaches, first.marked.length > 0]).toEqual([[], true]);
    for (const requestId of [answered, silent]) expect((await store.getRequest(requestId))!.breached).toBe(true);
    // Answered at its deadline, recorded now: the mark is taken back.
    expect(await store.recordResponse({ requestId: answered, destination: 'smets2/central', responseCode: 'I0', at: deadline }))
      .toMatchObject({ breached: false, breachMarkedEarlier: true });
    // Past the grace, only the one still without a response is alerted.
    expect((await store.claimBreaches(deadline + 600, 100)).breaches.map((breach) => breach.requestId)).toEqual([silent]);
    expect(await alerted()).toEqual([silent]);
  });

  it('indexes a deadline in bulk only when it is at least 5 s ahead: a nearer one the mark may pass first goes in the partition\'s own index', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const [near, far] = [newRequestId(), newRequestId()];
    const tag = `{p${partitionOf(originatorOf(near))}}`;
    const now = Date.now();
    for (const [requestId, deadline] of [[near, now + 4_000], [far, now + 6_000]] as const) {
      const made = plainAcceptance(requestId);
      made.record.trt = { ...made.record.trt!, startsAt: deadline - 30_000, deadline };
      await store.recordAcceptance(requestId, { ...made, egress: {}, breachCheckAt: deadline });
    }
    expect(await raw.zrange(`${keyPrefix}trt:${tag}`, 0, -1)).toEqual([near]);
    expect(await raw.zrange(`${keyPrefix}trt:${tag}:smets2.onDemand:smets2/central`, 0, -1)).toEqual([far]);
    expect(await raw.hget(`${keyPrefix}req:${tag}:${near}`, 'bk')).toBeNull();
    expect(await raw.hget(`${keyPrefix}req:${tag}:${far}`, 'bk')).toBe('1');
  });

  it('indexes a released request\'s deadline in bulk, or on its own when its partition\'s mark has reached it', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    // One originator: both in one partition.
    const [bulk, own] = [newRequestId(), newRequestId()];
    const tag = `{p${partitionOf(originatorOf(bulk))}}`;
    const bulkIndex = `${keyPrefix}trt:${tag}:smets2.onDemand:smets2/central`;
    const release = async (requestId: string, at: number) => {
      const base = plainAcceptance(requestId);
      const info = { ref: `Q-${requestId}`, breach: 'user' as const, expiresAt: at + 60_000 };
      await store.recordAcceptance(requestId, { leg: base.leg, legRecord: base.legRecord, record: { ...base.record, trt: undefined, state: 'quarantined', quarantine: info }, quarantine: info });
      const trt = { class: 'smets2.onDemand' as const, budgetMs: 30_000, startsAt: at, deadline: at + 30_000 };
      expect(await store.releaseQuarantine(requestId, { at, state: 'accepted', egress: true, trt, breachCheckAt: trt.deadline })).toBe(true);
    };
    const at = Date.now();
    await release(bulk, at);
    expect(await raw.zscore(bulkIndex, bulk)).toBe(String(at + 30_000));
    expect(await raw.hget(`${keyPrefix}req:${tag}:${bulk}`, 'bk')).toBe('1');
    expect(await raw.smembers(`${keyPrefix}trtkeys:${tag}`)).toEqual(['smets2.onDemand:smets2/central']);
    expect((await store.claimBreaches(at + 29_000, 10)).breaches).toEqual([]);
    const inBulk = await store.claimBreaches(at + 30_001, 10);
    expect(inBulk.marked).toEqual([{ trtClass: 'smets2.onDemand', destination: 'smets2/central', count: 1, lagCounts: [] }]);
    expect(inBulk.breaches.map((b) => [b.requestId, b.markedEarlier])).toEqual([[bulk, true]]);

    // Released later, after a router whose clock ran a minute ahead claimed the partition.
    const later = at + 100_000;
    await raw.set(`${keyPrefix}trtmarked:${tag}`, String(later + 60_000));
    await release(own, later);
    expect(await raw.zscore(`${keyPrefix}trt:${tag}`, own)).toBe(String(later + 30_000));
    expect(await raw.zscore(bulkIndex, own)).toBeNull();
    expect(await raw.hget(`${keyPrefix}req:${tag}:${own}`, 'bk')).toBeNull();
    // Not breached before its deadline whatever the mark says; claimed, named and counted at it.
    expect((await store.getRequest(own))!.breached).toBeFalsy();
    expect((await store.claimBreaches(later + 29_000, 10)).breaches).toEqual([]);
    const onItsOwn = await store.claimBreaches(later + 30_001, 10);
    expect(onItsOwn.marked).toEqual([]);
    expect(onItsOwn.breaches.map((b) => [b.requestId, b.markedEarlier])).toEqual([[own, undefined]]);
    for (const requestId of [bulk, own]) expect((await store.getRequest(requestId))!.breached).toBe(true);
  });

  it('claims SMETS2+ deadlines an earlier version left in the partition\'s own TRT index one by one, beside the bulk indexes', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const [old, bulk] = [newRequestId(), newRequestId()];
    const startsAt = Date.now();
    for (const requestId of [old, bulk]) {
      const made = plainAcceptance(requestId);
      made.record.trt = { ...made.record.trt!, startsAt, deadline: startsAt + 30_000 };
      await store.recordAcceptance(requestId, { ...made, egress: {}, breachCheckAt: startsAt + 30_000 });
    }
    const tag = `{p${partitionOf(originatorOf(old))}}`;
    const bulkIndex = `${keyPrefix}trt:${tag}:smets2.onDemand:smets2/central`;
    expect(await raw.smembers(`${keyPrefix}trtkeys:${tag}`)).toEqual(['smets2.onDemand:smets2/central']);
    // As the earlier version indexed it.
    await raw.zrem(bulkIndex, old);
    await raw.zadd(`${keyPrefix}trt:${tag}`, startsAt + 30_000, old);
    expect((await store.claimBreaches(startsAt + 30_001, 10)).breaches.map((b) => b.requestId).sort()).toEqual([old, bulk].sort());
    expect((await store.claimBreaches(Date.now(), 10)).breaches).toEqual([]);
    // The one-by-one claim marks the hash; the bulk one leaves it as it was (marked by leaving both indexes).
    expect(await raw.hget(`${keyPrefix}req:${tag}:${old}`, 'breached')).toBe('1');
    expect(await raw.hget(`${keyPrefix}req:${tag}:${bulk}`, 'breached')).toBeNull();
    for (const requestId of [old, bulk]) expect((await store.getRequest(requestId))!.breached).toBe(true);
    const alerts = (await store.readOutbox(originatorOf(old), undefined, 10)).filter((i) => i.alertCode === 'TRT');
    expect(alerts.map((i) => i.requestId).sort()).toEqual([old, bulk].sort());
    // A late response to either finds it marked: no second alert, not counted again.
    for (const requestId of [old, bulk]) {
      expect(await store.recordResponse({ requestId, destination: 'smets2/central', responseCode: 'I0', at: startsAt + 40_000 }))
        .toMatchObject({ outcome: 'recorded', breached: true, breachMarkedEarlier: true });
    }
    expect((await store.readOutbox(originatorOf(old), undefined, 10)).filter((i) => i.alertCode === 'TRT')).toHaveLength(2);
    // Emptied, the bulk index stays listed: acceptances list it only now and then.
    expect(await raw.smembers(`${keyPrefix}trtkeys:${tag}`)).toEqual(['smets2.onDemand:smets2/central']);
  });

  it('marks every due bulk-indexed breach in one claim, however many, and names them as their alerts are queued, at most max a call', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    // Deadlines 30 to 34 s ahead (a nearer one goes in the partition's own index), claimed as if later.
    const startsAt = Date.now();
    const ids = Array.from({ length: 5 }, () => newRequestId());
    for (const [i, requestId] of ids.entries()) {
      const made = plainAcceptance(requestId);
      made.record.trt = { ...made.record.trt!, startsAt: startsAt + i * 1_000, deadline: startsAt + i * 1_000 + 30_000 };
      await store.recordAcceptance(requestId, { ...made, egress: {}, breachCheckAt: made.record.trt.deadline });
    }
    const now = startsAt + 34_500;
    const first = await store.claimBreaches(now, 2, [1_000, 3_000]);
    // All five marked at once (lags 4.5, 3.5, 2.5, 1.5 and 0.5 s), two named with their alerts.
    expect(first.marked).toEqual([{ trtClass: 'smets2.onDemand', destination: 'smets2/central', count: 5, lagCounts: [1, 3] }]);
    expect(first.breaches.map((b) => [b.requestId, b.markedEarlier])).toEqual([[ids[0], true], [ids[1], true]]);
    for (const requestId of ids) expect((await store.getRequest(requestId))!.breached).toBe(true);
    // A late response to one marked but not yet alerted: marked earlier (not counted again), its alert queued now.
    expect(await store.recordResponse({ requestId: ids[3], destination: 'smets2/central', responseCode: 'I0', at: now + 10 }))
      .toMatchObject({ outcome: 'recorded', breached: true, breachMarkedEarlier: true });
    const second = await store.claimBreaches(now, 2, [1_000, 3_000]);
    expect(second.marked).toEqual([]);
    expect(second.breaches.map((b) => b.requestId)).toEqual([ids[2], ids[4]]);
    expect((await store.claimBreaches(now + 1, 2, [1_000, 3_000]))).toEqual({ breaches: [], marked: [] });
    const alerts = (await store.readOutbox(originatorOf(ids[0]), undefined, 100)).filter((i) => i.alertCode === 'TRT');
    expect(alerts.map((i) => i.requestId).sort()).toEqual([...ids].sort());
    // A deadline after the mark is not marked until a claim reaches it.
    const later = newRequestId();
    const made = plainAcceptance(later);
    made.record.trt = { ...made.record.trt!, startsAt: now - 29_000, deadline: now + 1_000 };
    await store.recordAcceptance(later, { ...made, egress: {}, breachCheckAt: now + 1_000 });
    expect(await store.recordResponse({ requestId: later, destination: 'smets2/central', responseCode: 'I0', at: now + 2_000 }))
      .toMatchObject({ outcome: 'recorded', breached: true, breachMarkedEarlier: false });
  });

  it('lists a bulk index even when the acceptance that lists it records nothing, so the requests after it are claimed', async () => {
    const keyPrefix = newPrefix();
    const startsAt = Date.now();
    const acceptanceOf = (requestId: string) => {
      const made = plainAcceptance(requestId);
      made.record.trt = { ...made.record.trt!, startsAt, deadline: startsAt + 30_000 };
      return { ...made, egress: {}, breachCheckAt: startsAt + 30_000 };
    };
    const [first, second] = [newRequestId(), newRequestId()];
    const earlier = await open({ keyPrefix });
    await earlier.recordAcceptance(first, acceptanceOf(first));
    const tag = `{p${partitionOf(originatorOf(first))}}`;
    // As if the list were lost; a second instance's first acceptance of the index is a duplicate.
    await raw.del(`${keyPrefix}trtkeys:${tag}`);
    const store = await open({ keyPrefix });
    expect((await store.recordAcceptance(first, acceptanceOf(first))).outcome).toBe('duplicate');
    expect(await raw.smembers(`${keyPrefix}trtkeys:${tag}`)).toEqual(['smets2.onDemand:smets2/central']);
    await store.recordAcceptance(second, acceptanceOf(second));
    const claims = await store.claimBreaches(startsAt + 30_001, 10);
    expect(claims.marked.map((group) => group.count)).toEqual([2]);
    expect(claims.breaches.map((b) => b.requestId).sort()).toEqual([first, second].sort());
  });

  it('reads on past an entry of TRT alerts from a cursor beyond its items, marking delivered only the responses it returns', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const startsAt = Date.now();
    const ids = [newRequestId(), newRequestId(), newRequestId(), newRequestId()];
    const answered = newRequestId();
    for (const requestId of [...ids, answered]) {
      const made = plainAcceptance(requestId);
      const at = requestId === answered ? startsAt + 60_000 : startsAt;
      made.record.trt = { ...made.record.trt!, startsAt: at, deadline: at + 30_000 };
      await store.recordAcceptance(requestId, { ...made, egress: {}, breachCheckAt: at + 30_000 });
    }
    // Two entries of alerts (one, then three), then the response.
    await store.claimBreaches(startsAt + 30_001, 1);
    await store.claimBreaches(startsAt + 30_001, 10);
    await store.recordResponse({ requestId: answered, destination: 'smets2/central', responseCode: 'I0', at: startsAt + 61_000 });
    const user = originatorOf(answered);
    const all = await store.readOutbox(user, undefined, 10);
    expect(all.map((item) => item.requestId).slice(-1)).toEqual([answered]);
    // A hand-made cursor past the first entry's one item: the page is the next entry's three alerts.
    const page = await store.readOutbox(user, `${all[0].cursor}.7`, 3, Date.now());
    expect(page).toEqual(all.slice(1, 4));
    expect((await store.getRequest(answered))!.state).toBe('responded');
    expect((await store.readOutbox(user, `${all[0].cursor}.7`, 4, Date.now())).at(-1)!.requestId).toBe(answered);
    expect((await store.getRequest(answered))!.state).toBe('delivered');
  });

  it('gives what the other partitions claimed with the error when one partition\'s claim fails', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix });
    const startsAt = Date.now();
    const requestId = newRequestId();
    const made = plainAcceptance(requestId);
    made.record.trt = { ...made.record.trt!, startsAt, deadline: startsAt + 30_000 };
    await store.recordAcceptance(requestId, { ...made, egress: {}, breachCheckAt: startsAt + 30_000 });
    // Another partition's list of bulk indexes made unreadable (a wrong type).
    const broken = (partitionOf(originatorOf(requestId)) + 1) % 16;
    await raw.set(`${keyPrefix}trtkeys:{p${broken}}`, 'not a set');
    const failure = await store.claimBreaches(startsAt + 30_001, 10).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BreachClaimsIncomplete);
    const { claims } = failure as BreachClaimsIncomplete;
    expect(claims.marked.map((group) => group.count)).toEqual([1]);
    expect(claims.breaches.map((b) => b.requestId)).toEqual([requestId]);
    expect((failure as Error).message).toMatch(/WRONGTYPE/);
  });

  it('writes times in Lua as toISOString does (the TRT alert\'s deadline)', async () => {
    const times = [0, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, 1_796_383_890_123, 1_798_761_599_999, 1_798_761_600_000, 253_402_300_799_999];
    for (let i = 0; i < 200; i++) times.push(Math.floor(Math.random() * 4_102_444_800_000));
    const openTrt = readFileSync(new URL('../src/redis/scripts/open-trt.lua', import.meta.url), 'utf8');
    const iso = await raw.eval(`${openTrt}\nlocal out = {} for i, ms in ipairs(ARGV) do out[i] = iso_time(tonumber(ms)) end return out`, 0, ...times);
    expect(iso).toEqual(times.map((ms) => new Date(ms).toISOString()));
  });

  it('sets the retention as the TTL of the request hash', async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix, requestRetentionSeconds: 30 });
    const requestId = newRequestId();
    await store.recordAcceptance(requestId, acceptance('single', { requestId }));
    const ttl = await raw.ttl(`${keyPrefix}req:{p${partitionOf(originatorOf(requestId))}}:${requestId}`);
    expect(ttl).toBeGreaterThan(25);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  it("keeps a User's outbox and dead letters while their newest entry is readable, whatever appended it, then lets them go whole", async () => {
    const keyPrefix = newPrefix();
    const store = await open({ keyPrefix, outboxRetentionSeconds: 60, deadLetterRetentionSeconds: 120 });
    const requestId = newRequestId();
    const userId = originatorOf(requestId);
    const tag = `{p${partitionOf(userId)}}`;
    const [outbox, dead] = [`${keyPrefix}outbox:${tag}:${userId}`, `${keyPrefix}dead:${tag}:${userId}`];
    /** The stream's time to live once `append` has run, its TTL taken away first: each kind of append sets it itself. */
    const ttlAfter = async (stream: string, append: () => Promise<unknown>) => {
      await raw.persist(stream);
      await append();
      return raw.pttl(stream);
    };
    // A minute from the append by Redis's clock, the floor by the store's: a few ms apart either way.
    const aboutAMinute = (ms: number) => expect(Math.abs(ms - 60_000)).toBeLessThan(5_000);
    const plain = plainAcceptance(requestId);
    aboutAMinute(await ttlAfter(outbox, () => store.recordAcceptance(requestId, { ...plain, egress: {}, breachCheckAt: plain.record.trt!.deadline, alert: { kind: 'dccAlert', alertCode: 'N1', body: {} } })));
    // Its deadline (in 2023) is past: the claim alerts its User.
    aboutAMinute(await ttlAfter(outbox, () => store.claimBreaches(Date.now(), 100)));
    aboutAMinute(await ttlAfter(outbox, () => store.recordResponse({ requestId, destination: plain.record.destination, responseCode: 'I0', at: plain.record.acceptedAt + 1_000 })));
    aboutAMinute(await ttlAfter(outbox, () => store.enqueueOutbox(userId, { kind: 'dccAlert', alertCode: 'N2', body: {} })));
    aboutAMinute(await ttlAfter(outbox, () => store.enqueueOutboxMany([{ userId, item: { kind: 'dccAlert', alertCode: 'N3', body: {} } }])));
    const items = await store.readOutbox(userId, undefined, 100);
    expect(items.map((item) => item.alertCode ?? item.kind)).toEqual(['N1', 'TRT', 'response', 'N2', 'N3']);
    const letterTtl = await ttlAfter(dead, () => store.deadLetter(userId, items[0], 'endpoint gone'));
    expect(Math.abs(letterTtl - 120_000)).toBeLessThan(5_000);
    const [letter] = (await store.listDeadLetters(userId, undefined, 10)).items;
    aboutAMinute(await ttlAfter(outbox, () => store.redriveDeadLetters(userId, [letter.id])));
    // A quarantined request of the same User, released with an item for its outbox (a local command).
    const held = `${userId}:${newRequestId().split(':').slice(1).join(':')}`;
    const quarantine = { ref: 'q-keep', expiresAt: Date.now() + 60_000, breach: 'user' as const };
    const heldAcceptance = plainAcceptance(held);
    await store.recordAcceptance(held, { ...heldAcceptance, record: { ...heldAcceptance.record, state: 'quarantined', quarantine }, quarantine, plainAcknowledgement: undefined });
    aboutAMinute(await ttlAfter(outbox, async () => {
      expect(await store.releaseQuarantine(held, { at: Date.now(), state: 'responded', egress: false, outbox: { kind: 'response', requestId: held, responseCode: 'I0', body: {} } })).toBe(true);
    }));

    // With a retention of a second, a User gone quiet leaves no outbox behind.
    const brief = await open({ keyPrefix, outboxRetentionSeconds: 1 });
    await brief.enqueueOutbox(userId, { kind: 'dccAlert', alertCode: 'N4', body: {} });
    expect(await raw.exists(outbox)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await raw.exists(outbox)).toBe(0);
  });

  it('lists no dead letter past its retention, though no letter since has trimmed it', async () => {
    const keyPrefix = newPrefix();
    const userId = originatorOf(newRequestId());
    const store = await open({ keyPrefix, deadLetterRetentionSeconds: 1 });
    const item = await store.enqueueOutbox(userId, { kind: 'dccAlert', alertCode: 'N1', body: {} });
    await store.deadLetter(userId, item, 'endpoint gone');
    expect((await store.listDeadLetters(userId, undefined, 10)).items).toHaveLength(1);
    // Kept whole while Redis has not yet expired it: the listing's floor hides the letter.
    await raw.persist(`${keyPrefix}dead:{p${partitionOf(userId)}}:${userId}`);
    const [letter] = (await store.listDeadLetters(userId, undefined, 10)).items;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await store.listDeadLetters(userId, undefined, 10)).items).toEqual([]);
    expect((await store.listDeadLetters(undefined, undefined, 10)).items).toEqual([]);
    // Nor redriven, one or all.
    expect(await store.redriveDeadLetters(userId, [letter.id])).toEqual([]);
    expect(await store.redriveDeadLetters(userId, 'all')).toEqual([]);
  });

  it('gives a RedisStore from createStore with a Redis URL', async () => {
    const store = await createStore({ redisUrl, keyPrefix: newPrefix(), requestRetentionSeconds: 60 });
    opened.push(store);
    expect(store).toBeInstanceOf(RedisStore);
    expect(store.kind).toBe('redis');
    await store.ping();
  });
});

describe('RedisStore while Redis is away', () => {
  let server: OwnRedis;
  let store: RedisStore | undefined;

  beforeAll(async () => {
    server = await startOwnRedis('state-outage');
  });

  afterAll(async () => {
    await store?.close();
    await server?.dispose();
  });

  it('cannot connect to a Redis that is not there', async () => {
    const started = Date.now();
    await expect(RedisStore.connect({ url: `redis://127.0.0.1:${await freePort()}` })).rejects.toBeInstanceOf(StateUnavailableError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('fails fast with StateUnavailableError while Redis is down and serves again once it is back', async () => {
    store = await RedisStore.connect({ url: server.url, keyPrefix: 'outage:' });
    const user = fullUser();
    await store.putUser(user);
    expect(await store.getUser(user.userId)).toStrictEqual(user);

    await server.stop();
    const requestId = newRequestId();
    for (const attempt of [
      () => store!.getUser(user.userId),
      () => store!.recordAcceptance(requestId, acceptance('single', { requestId })),
      () => store!.loadContext(requestId, 'signed'),
      () => store!.putDevices([fullDevice()]),
      () => store!.ping(),
    ]) {
      const started = Date.now();
      await expect(attempt()).rejects.toBeInstanceOf(StateUnavailableError);
      expect(Date.now() - started).toBeLessThan(3_000);
    }

    await server.restart();
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await store.ping();
        break;
      } catch (error) {
        expect(error).toBeInstanceOf(StateUnavailableError);
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    // The restarted server kept nothing (no persistence), and the same instance works again, scripts included.
    expect(await store.getUser(user.userId)).toBeUndefined();
    await store.putUser(user);
    expect(await store.getUser(user.userId)).toStrictEqual(user);
    expect(await store.recordAcceptance(requestId, acceptance('single', { requestId }))).toEqual({ outcome: 'recorded' });
    expect(await store.recordAcceptance(requestId, acceptance('single', { requestId }))).toMatchObject({ outcome: 'duplicate' });
  });
});
