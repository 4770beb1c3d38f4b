import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../test/support/redis-server.ts';
import { replyDroppingProxy } from '../../../test/support/reply-dropping-proxy.ts';
import { EXPIRY_SLACK_MS, MemoryCounters, planCounters, RedisCounters, type CountResult, type WindowRule } from '../src/counters/index.ts';
import { StateUnavailableError } from '../src/store/index.ts';
import { testPrefixes } from './test-prefixes.ts';
import { admittedCount, describeCountersContract, T0, userScope } from './counters-contract.ts';

const redisUrl = inject('redisUrl');
const { newPrefix, deleteKeys } = testPrefixes(redisUrl);

const clients: Redis[] = [];
/** A connection with the RedisStore's fail-fast options. */
async function connect(url = redisUrl): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2_000, enableAutoPipelining: true });
  redis.on('error', () => {});
  clients.push(redis);
  await redis.connect();
  return redis;
}

let shared: Redis;
let raw: Redis;
beforeAll(async () => {
  shared = await connect();
  raw = new Redis(redisUrl);
});
afterAll(async () => {
  await deleteKeys();
  await raw.quit();
  await Promise.all(clients.splice(0).map((client) => client.quit().catch(() => client.disconnect())));
});

const keysOf = async (prefix: string) => (await raw.keys(`${prefix}*`)).sort();

describeCountersContract('RedisCounters', async () => new RedisCounters(shared, newPrefix()));

describe('RedisCounters on a shared Redis', () => {
  it('admits exactly limit of 200 concurrent events from two connections', async () => {
    const prefix = newPrefix();
    const [first, second] = [new RedisCounters(await connect(), prefix), new RedisCounters(await connect(), prefix)];
    const rules: WindowRule[] = [{ key: '4.1.1', limit: 50, windowMs: 60_000 }, { key: '*', limit: 1_000, windowMs: 3_600_000 }];
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? first : second).tryCount('dcc', rules, T0 + (i % 7))));
    expect(admittedCount(results)).toBe(50);
    expect(results.filter((result) => result.admitted).map((result) => result.counts[0]).sort((a, b) => a - b))
      .toStrictEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(results.filter((result) => !result.admitted).every((result) => !result.admitted && result.breached === 0)).toBe(true);
    expect(await first.peek('dcc', rules, T0 + 10)).toStrictEqual([50, 50]);
  });

  it('keeps a scope’s counters under one hash tag, with a TTL a little past the window', async () => {
    const prefix = newPrefix();
    const counters = new RedisCounters(shared, prefix);
    const scope = 'user:90-B3-D5-1F-30-01-00-00';
    await counters.tryCount(scope, [{ key: '4.1.1', limit: 5, windowMs: 60_000 }, { key: '*', limit: 5, windowMs: 86_400_000 }], T0);
    const keys = await keysOf(prefix);
    expect(keys).toStrictEqual([`${prefix}tad:{${scope}}:*:86400000:1440000`, `${prefix}tad:{${scope}}:4.1.1:60000:1000`]);
    const [day, minute] = await Promise.all(keys.map((key) => raw.pttl(key)));
    expect(minute).toBeGreaterThan(60_000);
    expect(minute).toBeLessThanOrEqual(60_000 + 1_000 + EXPIRY_SLACK_MS);
    expect(day).toBeGreaterThan(86_400_000);
    expect(day).toBeLessThanOrEqual(86_400_000 + 1_440_000 + EXPIRY_SLACK_MS);
  });

  it('adds nothing when a reconciliation cannot count one of its counters, so its retry adds every count once', async () => {
    const prefix = newPrefix();
    const counters = new RedisCounters(shared, prefix);
    const rules: WindowRule[] = [{ key: '4.1.1', limit: 100, windowMs: 60_000 }, { key: '*', limit: 1_000, windowMs: 3_600_000 }];
    const plans = planCounters('dcc', rules, T0);
    const deltas = plans.map((plan) => [{ bucket: plan.bucket, n: 3 }]);
    // The second counter is not a hash (data damaged by hand): the call stops before it counts the first.
    await raw.set(prefix + plans[1].counter, 'not a hash');
    await expect(counters.addCounts('dcc', rules, T0, deltas)).rejects.toThrow(/WRONGTYPE/);
    expect(await raw.exists(prefix + plans[0].counter)).toBe(0);
    await raw.del(prefix + plans[1].counter);
    expect(await counters.addCounts('dcc', rules, T0, deltas)).toStrictEqual([3, 3]);
  });

  it('marks a reconciliation that adds counts (so a resend adds them once), and leaves no mark for one that only reads the totals', async () => {
    const prefix = newPrefix();
    const counters = new RedisCounters(shared, prefix);
    const rule: WindowRule = { key: '4.1.1', limit: 100, windowMs: 60_000 };
    const [plan] = planCounters('dcc', [rule], T0);
    const marks = async () => (await keysOf(prefix)).filter((key) => key.includes(':added:'));
    // An idle router reconciles ten times a second: each such call left a mark kept a minute.
    for (let i = 0; i < 5; i++) expect(await counters.addCounts('dcc', [rule], T0, [[]])).toStrictEqual([0]);
    expect(await marks()).toStrictEqual([]);
    expect(await counters.addCounts('dcc', [rule], T0, [[{ bucket: plan.bucket, n: 3 }]])).toStrictEqual([3]);
    expect(await marks()).toHaveLength(1);
    expect(await counters.addCounts('dcc', [rule], T0, [[]])).toStrictEqual([3]);
    expect(await marks()).toHaveLength(1);
  });

  it('renews a counter’s TTL when one of its buckets gets its first event, not on every event', async () => {
    const prefix = newPrefix();
    const counters = new RedisCounters(shared, prefix);
    const rule: WindowRule = { key: '4.1.1', limit: 100, windowMs: 60_000 };
    await counters.tryCount('dcc', [rule], T0);
    const [key] = await keysOf(prefix);
    await raw.pexpire(key, 10_000);
    // The same bucket (1 s wide here): its lifetime stays as it was.
    await counters.tryCount('dcc', [rule], T0 + 10);
    expect(await raw.pttl(key)).toBeLessThanOrEqual(10_000);
    // The next bucket: window + bucket + slack again, from now.
    await counters.tryCount('dcc', [rule], T0 + 1_000);
    expect(await raw.pttl(key)).toBeGreaterThan(60_000);
    expect(await counters.peek('dcc', [rule], T0 + 1_000)).toStrictEqual([3]);
  });

  it('writes nothing for a refused event on a new counter', async () => {
    const prefix = newPrefix();
    const counters = new RedisCounters(shared, prefix);
    expect((await counters.tryCount('dcc', [{ key: '*', limit: 0, windowMs: 60_000 }], T0)).admitted).toBe(false);
    expect(await keysOf(prefix)).toStrictEqual([]);
  });

  it('keeps at most span + 1 buckets per counter however much it counts', async () => {
    const prefix = newPrefix();
    const counters = new RedisCounters(shared, prefix);
    const rule: WindowRule = { key: '*', limit: 1_000_000, windowMs: 60_000 };
    let largest = 0;
    for (let i = 0; i < 3_000; i++) {
      await counters.tryCount('dcc', [rule], T0 + i * 97);
      if (i % 100 === 99) largest = Math.max(largest, await raw.hlen((await keysOf(prefix))[0]));
    }
    // 60 s window, 1 s buckets: 61 buckets, the floor and the total.
    expect(largest).toBeGreaterThan(50);
    expect(largest).toBeLessThanOrEqual(63);
  });

  it('agrees with MemoryCounters event by event, with clocks behind and counts taken back', async () => {
    const redis = new RedisCounters(shared, newPrefix());
    const memory = new MemoryCounters();
    const scopes = ['dcc', userScope(), userScope()];
    const rules: WindowRule[] = [
      { key: '*', limit: 40, windowMs: 10_000 },
      { key: '4.1.1', limit: 12, windowMs: 2_000 },
      { key: '4.1.1', limit: 100, windowMs: 61_000 },
      { key: '2.2', limit: 3, windowMs: 7 },
    ];
    let seed = 12345;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // Admitted events, to take back later through addCounts (as a reconciliation does).
    const admitted: { scope: string; rules: WindowRule[]; at: number }[] = [];
    const outcomes = { admitted: 0, refused: 0 };
    let now = T0;
    for (let step = 0; step < 2_000; step++) {
      now += Math.floor(random() * 40);
      const roll = random();
      // Mostly on time; sometimes a little behind; rarely far behind (another instance's clock).
      const at = roll < 0.8 ? now : roll < 0.97 ? now - Math.floor(random() * 3_000) : now - Math.floor(random() * 120_000);
      const scope = scopes[Math.floor(random() * scopes.length)];
      const some = rules.filter(() => random() < 0.6);
      if (random() < 0.1 && admitted.length) {
        const event = admitted.splice(Math.floor(random() * admitted.length), 1)[0];
        const deltas = planCounters(event.scope, event.rules, event.at).map((plan) => [{ bucket: plan.bucket, n: -1 }]);
        const [fromRedis, fromMemory] = await Promise.all([redis.addCounts(event.scope, event.rules, at, deltas), memory.addCounts(event.scope, event.rules, at, deltas)]);
        expect(fromRedis, `take back at step ${step}`).toStrictEqual(fromMemory);
        continue;
      }
      if (random() < 0.1) {
        expect(await redis.peek(scope, some, at), `peek at step ${step}`).toStrictEqual(await memory.peek(scope, some, at));
        continue;
      }
      const [fromRedis, fromMemory]: CountResult[] = await Promise.all([redis.tryCount(scope, some, at), memory.tryCount(scope, some, at)]);
      expect(fromRedis, `step ${step}`).toStrictEqual(fromMemory);
      outcomes[fromRedis.admitted ? 'admitted' : 'refused'] += 1;
      if (fromRedis.admitted && random() < 0.3) admitted.push({ scope, rules: some, at });
    }
    // Both outcomes were compared often enough to mean something.
    expect(outcomes.admitted).toBeGreaterThan(300);
    expect(outcomes.refused).toBeGreaterThan(300);
  });

  it('throws StateUnavailableError while Redis is away, and takes counts back afterwards', async () => {
    const prefix = newPrefix();
    const redis = await connect();
    const counters = new RedisCounters(redis, prefix);
    const rule: WindowRule = { key: '*', limit: 1, windowMs: 60_000 };
    const counted = await counters.tryCount('dcc', [rule], T0);
    expect(counted.admitted).toBe(true);
    // Wait for the connection to be gone: a command sent while it closes may still be answered.
    const ended = new Promise((resolve) => redis.once('end', resolve));
    redis.disconnect();
    await ended;
    await expect(counters.tryCount('dcc', [rule], T0)).rejects.toThrow(StateUnavailableError);
    await expect(counters.peek('dcc', [rule], T0)).rejects.toThrow(StateUnavailableError);
    const takeBack = [planCounters('dcc', [rule], T0).map((plan) => ({ bucket: plan.bucket, n: -1 }))];
    await expect(counters.addCounts('dcc', [rule], T0, takeBack)).rejects.toThrow(StateUnavailableError);
    await redis.connect();
    // Nothing was taken back while away; it goes through once the connection is ready again.
    await expect.poll(() => counters.addCounts('dcc', [rule], T0, takeBack).then(() => true, () => false), { timeout: 5000 }).toBe(true);
    expect(await counters.peek('dcc', [rule], T0)).toStrictEqual([0]);
  });

  it('throws StateUnavailableError when Redis never answered', async () => {
    const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 500 });
    redis.on('error', () => {});
    clients.push(redis);
    const counters = new RedisCounters(redis, newPrefix());
    await expect(counters.tryCount('dcc', [{ key: '*', limit: 1, windowMs: 1_000 }], T0)).rejects.toThrow(StateUnavailableError);
  });

  it("throws StateUnavailableError when Redis does not answer within the store's time limit, whatever the connection's", async () => {
    const proxy = await replyDroppingProxy(redisUrl);
    try {
      // A connection whose own limit is far off (as a cluster client's queued command has none).
      const redis = new Redis(proxy.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 60_000, enableAutoPipelining: true });
      redis.on('error', () => {});
      clients.push(redis);
      await redis.connect();
      const counters = new RedisCounters(redis, newPrefix(), { commandTimeoutMs: 300 });
      const rules: WindowRule[] = [{ key: '*', limit: 5, windowMs: 60_000 }];
      expect((await counters.tryCount('dcc', rules, T0)).admitted).toBe(true);
      proxy.holdReplies();
      const started = performance.now();
      const outcome = await Promise.race([
        counters.tryCount('dcc', rules, T0).then(() => 'answered', (error) => error),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 3_000)),
      ]);
      expect(outcome).toBeInstanceOf(StateUnavailableError);
      expect((outcome as StateUnavailableError).unconfirmed).toBe(true);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      proxy.releaseReplies();
      await proxy.close();
    }
  });

  it('adds a reconciliation\'s counts once when the client library sends its call again after the reply was lost', async () => {
    const proxy = await replyDroppingProxy(redisUrl);
    try {
      const counters = new RedisCounters(await connect(proxy.url), newPrefix());
      const rule: WindowRule = { key: '*', limit: 100, windowMs: 60_000 };
      const scope = userScope();
      const [plan] = planCounters(scope, [rule], T0);
      // The script loaded first: the answer dropped below is the script's own, not a NOSCRIPT.
      expect(await counters.addCounts(scope, [rule], T0, [[]])).toStrictEqual([0]);
      proxy.dropReplyTo(':added:');
      expect(await counters.addCounts(scope, [rule], T0, [[{ bucket: plan.bucket, n: 7 }]])).toStrictEqual([7]);
      expect(proxy.dropped).toBe(1);
      expect(await counters.peek(scope, [rule], T0)).toStrictEqual([7]);
    } finally {
      await proxy.close();
    }
  });

  it('refuses a key prefix with braces', () => {
    expect(() => new RedisCounters(shared, 'a{b}:')).toThrow(RangeError);
  });
});

describe('RedisCounters beside other commands', () => {
  it('counts with a number of rules not used before while other commands gather in the same turn', async () => {
    // An automatic pipeline already gathering when a rule count is first used: each count must
    // still reach Redis (a command defined late was missing from that pipeline, failing the turn).
    const client = await connect();
    const counters = new RedisCounters(client, newPrefix());
    const rules = (n: number): WindowRule[] => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, limit: 10, windowMs: 60_000 }));
    const [, five, , seven] = await Promise.all([client.get('unrelated'), counters.tryCount(userScope(), rules(5), T0), client.get('other'), counters.tryCount(userScope(), rules(7), T0)]);
    expect(five).toEqual({ admitted: true, counts: [1, 1, 1, 1, 1] });
    expect(seven.counts).toHaveLength(7);
    // Past the commands defined up front: still counted, by EVAL.
    expect((await counters.tryCount(userScope(), rules(40), T0)).counts).toHaveLength(40);
  });
});

