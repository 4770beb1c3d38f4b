// The real router under Bun against a real redis-server: several instances act as one, and a
// Redis outage answers 503 state_unavailable (never a false I99), recovering without a restart.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJsonRequest, RouterClient } from '@dccrouter/client';
import { originatorOf, partitionOf } from '@dccrouter/state';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin, ESME, networkReceipts, newKeyPair, nextCounter, SUPPLIER } from '../support/fixtures.ts';

let redis: OwnRedis;
let first: RouterProcess;
let second: RouterProcess;
let client: RouterClient;
const OTHER_SUPPLIER = '90-B3-D5-1F-30-01-00-0B';

beforeAll(async () => {
  // Append-only with fsync on every write, so what was acknowledged survives the restart below.
  redis = await startOwnRedis('outage', ['--appendonly', 'yes', '--appendfsync', 'always']);
  const env = { REDIS_URL: redis.url, VERIFY_THREADS: '1' };
  [first, second] = await Promise.all([startRouterProcess(env), startRouterProcess(env)]);
  const admin = new Admin(first.url, first.adminToken);
  client = await admin.user(SUPPLIER, ['IS', 'GS']);
  await admin.device(ESME, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'Central', importSupplier: SUPPLIER });
});

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  await redis?.dispose();
});

const post = (url: string, body: string, signature: string) =>
  fetch(`${url}/v1/service-requests`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dcc-signature': signature }, body });

describe('routers sharing one Redis', () => {
  it('share the inventory and RequestID idempotency across instances', async () => {
    const body = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    const signature = client.sign(body);
    const viaFirst = await post(first.url, body, signature);
    expect(viaFirst.status).toBe(202);
    const firstText = await viaFirst.text();
    expect(JSON.parse(firstText).route.destination).toBe('smets2/central');
    const viaSecond = await post(second.url, body, signature);
    expect(viaSecond.status).toBe(202);
    expect(await viaSecond.text()).toBe(firstText);
    // The router made that answer from the record, so Redis keeps only a marker for it.
    const requestId = JSON.parse(firstText).header.requestId as string;
    const raw = new Redis(redis.url);
    try {
      expect(await raw.hget(`dcc:req:{p${partitionOf(originatorOf(requestId))}}:${requestId}`, 'single')).toBe('202||=');
    } finally {
      raw.disconnect();
    }
    // Redis latency by stage: the acceptance script is timed.
    const metrics = await (await fetch(`${first.url}/metrics`)).text();
    expect(metrics).toMatch(/^dccrouter_redis_call_duration_seconds_count\{stage="record acceptance"\} [1-9]/m);
    expect(metrics).toContain('# TYPE dccrouter_redis_errors_total counter');
    const changed = body.replace('"4.1.1"', '"4.1.2"').replace('ReadInstantaneousImportRegisters', 'ReadInstantaneousImportTOUMatrices');
    const reused = await post(second.url, changed, client.sign(changed));
    expect(reused.status).toBe(409);
    expect(((await reused.json()) as any).error.reason).toBe('request_id_reused');
  });

  it("check a User's signed calls against its current key on every instance, once its new key is set on one", async () => {
    const roles = ['IS', 'GS'];
    const admin = new Admin(first.url, first.adminToken);
    const register = async (publicKeyPem: string) => expect((await admin.put(`/v1/admin/users/${OTHER_SUPPLIER}`, { roles, status: 'active', publicKeyPem })).status).toBe(200);
    const call = (router: RouterProcess, privateKeyPem: string) => new RouterClient(router.url, privateKeyPem).call(OTHER_SUPPLIER, 'GET', '/v1/responses?limit=1');
    const old = newKeyPair();
    await register(old.publicKeyPem);
    // Both instances have checked a signed call of the User, so both hold it in their directories.
    for (const router of [first, second]) expect((await call(router, old.privateKeyPem)).status).toBe(200);
    const current = newKeyPair();
    await register(current.publicKeyPem);
    // The instance that took the change applies it at once; the other within its sync interval.
    expect((await call(first, current.privateKeyPem)).status).toBe(200);
    expect((await call(first, old.privateKeyPem)).status).toBe(401);
    await expect.poll(async () => (await call(second, current.privateKeyPem)).status, { timeout: 5_000, interval: 50 }).toBe(200);
    const refused = await call(second, old.privateKeyPem);
    expect(refused.status).toBe(401);
    expect((refused.answer as any).error.reason).toBe('signature_invalid');
  });

  it('accept exactly one of many concurrent identical submissions spread over both', async () => {
    const body = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    const signature = client.sign(body);
    // What the ESME's network (run by both routers) had been sent before: the earlier tests' one
    // request went out at its acknowledgement.
    const before = { byRouter: await Promise.all([first, second].map((router) => networkReceipts([router], 'smets2/central'))) };
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 ? first.url : second.url, body, signature)));
    const texts = await Promise.all(responses.map((r) => r.text()));
    expect(responses.every((r) => r.status === 202)).toBe(true);
    expect(new Set(texts).size).toBe(1);
    // One was accepted, so its network got it once: the same answer to all twenty alone would not
    // tell one record from several (the store keeps one response), nor a duplicate sent on again.
    const requestId = JSON.parse(texts[0]).header.requestId as string;
    await expect.poll(async () => (await client.status(SUPPLIER, requestId)).state, { timeout: 10_000, interval: 100 }).toBe('responded');
    await expect.poll(async () => (await networkReceipts([first, second], 'smets2/central')).pending, { timeout: 10_000, interval: 100 }).toBe(0);
    // Only the router whose write recorded it sends it: a copy the other decided in the same
    // millisecond, with a byte-identical answer, is its duplicate (accept-batch.lua's call mark).
    const counts = await Promise.all([first, second].map(async (router, i) => {
      const [was, now] = [before.byRouter[i], (await networkReceipts([router], 'smets2/central'))];
      return { sent: now.sent - was.sent, received: now.received - was.received };
    }));
    expect(counts).toContainEqual({ sent: 1, received: 1 });
    expect(counts).toContainEqual({ sent: 0, received: 0 });
  });

  it('import NDJSON devices into Redis, naming each rejected line', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({
      deviceId: `00-DB-12-34-${((i >> 16) & 0xff).toString(16).padStart(2, '0')}-${((i >> 8) & 0xff).toString(16).padStart(2, '0')}-${(i & 0xff).toString(16).padStart(2, '0')}-00`,
      deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'itron', importSupplier: SUPPLIER,
    }));
    lines.splice(5, 0, '{"deviceId": "00-DB-12-34-56-78-90-FF", "deviceType": "ESME"');
    lines.splice(10, 0, JSON.stringify({ deviceId: '00-DB-12-34-56-78-90-FE', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+' }));
    lines.splice(15, 0, JSON.stringify({ deviceId: 'nope', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'itron' }));
    lines.splice(20, 0, JSON.stringify({ deviceId: '00-DB-12-34-56-78-90-FD', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'itron', importSuplier: SUPPLIER }));
    // A line of 100,000 characters is refused unread, the lines after it read on.
    lines.splice(25, 0, JSON.stringify({ deviceId: '00-DB-12-34-56-78-90-FC', note: 'x'.repeat(100_000) }));
    lines.splice(30, 0, '[]', JSON.stringify({ deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'itron' }));
    const admin = new Admin(second.url, second.adminToken);
    const answer = await admin.request('POST', '/v1/admin/devices:import', lines.join('\n') + '\n', 'application/x-ndjson');
    expect(answer.status).toBe(200);
    expect(answer.body.imported).toBe(20_000);
    expect(answer.body.rejected).toEqual([
      { line: 6, reason: 'not valid JSON' },
      { line: 11, reason: 'cspRegion is required for SMETS2+, one of North, Central, South, 4G North, 4G Central, 4G South' },
      { line: 16, reason: 'deviceId must be an EUI-64 (8 hex octets joined by "-")' },
      { line: 21, reason: expect.stringMatching(/^importSuplier is not a field of a device: did you mean "importSupplier"\?/) },
      { line: 26, reason: 'longer than 65536 characters (a device is a few hundred)' },
      { line: 31, reason: 'not a JSON object: a line is one device, {"deviceId": ..., ...}' },
      { line: 32, reason: 'deviceId is required' },
    ]);
    const stored = await new Admin(first.url, first.adminToken).request('GET', '/v1/admin/devices/00-db-12-34-00-4e-1f-00');
    expect(stored.body).toEqual({ deviceId: '00-DB-12-34-00-4E-1F-00', deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'itron', importSupplier: SUPPLIER });
    expect(answer.body.rejectedCount).toBe(7);
    const wrongType = await admin.request('POST', '/v1/admin/devices:import', lines[0], 'application/json');
    expect(wrongType.status).toBe(415);
    // Lines refused by the thousand: the first thousand listed, all counted.
    const bad = await admin.request('POST', '/v1/admin/devices:import', `${lines[0]}\n${'x\n'.repeat(2_500)}`, 'application/x-ndjson');
    expect(bad.body).toMatchObject({ imported: 1, rejectedCount: 2_500 });
    expect(bad.body.rejected).toHaveLength(1_000);
    expect(bad.body.rejected.at(-1)).toEqual({ line: 1_001, reason: 'not valid JSON' });
  });

  it('answer outcome_unknown for a write Redis did not confirm in time, and its resubmission the recorded answer', async () => {
    const { Redis } = await import('ioredis');
    const operator = new Redis(redis.url);
    const body = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    const signature = client.sign(body);
    // The User and device in the router's cache, so the write is the request's first call to Redis.
    // First the router applies what the earlier tests changed (the 20,000-device import resets its
    // directory, emptying the cache): two reads of the change log started after now mean the first
    // of them, which saw the reset, is done. Under load a sync applied after the warm-up would empty
    // the cache again, and the User's read would then wait behind the paused write.
    const syncs = async () => Number(/dccrouter_redis_round_trips_total\{stage="read directory changes"\} (\d+)/.exec(await (await fetch(`${first.url}/metrics`)).text())?.[1] ?? 0);
    const before = await syncs();
    await expect.poll(syncs, { timeout: 10_000, interval: 50 }).toBeGreaterThanOrEqual(before + 2);
    const warm = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    expect((await post(first.url, warm, client.sign(warm))).status).toBe(202);
    try {
      // As during a failover: writes wait. The router's write times out (2 s) while it stays
      // queued in Redis, and so does its lookup of the RequestID (2 s more), queued behind it. The
      // pause outlasts both with room (lifted below once answered): at 5 s, a loaded CI machine
      // once let the lookup run after it and find the write landed (202).
      await operator.call('CLIENT', 'PAUSE', '15000', 'WRITE');
      const unconfirmed = await post(first.url, body, signature);
      expect(unconfirmed.status).toBe(503);
      expect(unconfirmed.headers.get('retry-after')).toBeTruthy();
      const refusal = (await unconfirmed.json()) as any;
      expect(refusal.error.reason, refusal.error.message).toBe('outcome_unknown');
    } finally {
      await operator.call('CLIENT', 'UNPAUSE');
      operator.disconnect();
    }
    // The paused write went through afterwards; the same bytes now get its answer, recorded once.
    const resubmitted = await post(second.url, body, signature);
    expect(resubmitted.status).toBe(202);
    const again = await post(first.url, body, signature);
    const answer = await again.text();
    expect(answer).toBe(await resubmitted.text());
    // Leased to the first router for its hand-over, it is sent by it once seen, not after the
    // lease's redelivery delay (30 s): its simulated network answers it well within the TRT.
    const requestId = JSON.parse(answer).header.requestId as string;
    await expect.poll(async () => (await client.status(SUPPLIER, requestId)).state, { timeout: 10_000, interval: 100 }).toBe('responded');
  }, 30_000);

  it('answer state_unavailable when Redis refuses the write outright (out of memory): nothing recorded, and the resubmission is', async () => {
    const { Redis } = await import('ioredis');
    const operator = new Redis(redis.url);
    const body = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    const signature = client.sign(body);
    // The User and device in the router's cache: the write is the request's one call to Redis.
    const warm = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    const warmed = await post(first.url, warm, client.sign(warm));
    expect(warmed.status).toBe(202);
    const warmAnswer = await warmed.text();
    // Its response waits in the User's outbox, so a pull has an item to mark delivered: a write.
    const warmId = JSON.parse(warmAnswer).header.requestId as string;
    await expect.poll(async () => (await client.status(SUPPLIER, warmId)).state, { timeout: 10_000, interval: 100 }).toBe('responded');
    const [, policy] = (await operator.config('GET', 'maxmemory-policy')) as string[];
    try {
      await operator.config('SET', 'maxmemory-policy', 'noeviction');
      await operator.config('SET', 'maxmemory', '1');
      // An operator's write and a User's pull are told the store refuses writes, and why: it is reachable.
      const admin = new Admin(first.url, first.adminToken);
      const put = await admin.put(`/v1/admin/devices/${ESME}`, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'Central', importSupplier: SUPPLIER });
      expect([put.status, put.body.error.message]).toEqual([503, 'the state store is refusing writes (it is out of memory); a change may have landed in part: read it back, or repeat the call, once it takes them again']);
      const pull = await client.call(SUPPLIER, 'GET', '/v1/responses?limit=1000');
      expect([pull.status, pull.answer.error.message]).toEqual([503, 'the state store is refusing writes (it is out of memory), which this read makes too (marking what it delivers): repeat the call once it takes them again']);
      const refused = await post(first.url, body, signature);
      const refusal = (await refused.json()) as any;
      // Redis answered that it ran nothing: no outcome left unknown.
      expect([refused.status, refusal.error.reason], refusal.error.message).toEqual([503, 'state_unavailable']);
      // Why, in the User's words; Redis's own (OOM ...) go to the router's log.
      expect(refusal.error.message).toBe('the state store is refusing writes: it is out of memory, nothing was accepted');
      // A request recorded before is not "nothing accepted": its resubmission gets its answer, other bytes row 19.
      const replayed = await post(second.url, warm, client.sign(warm));
      expect([replayed.status, await replayed.text()]).toEqual([202, warmAnswer]);
      const reusedBody = `${warm}\n`;
      const reused = await post(second.url, reusedBody, client.sign(reusedBody));
      expect(((await reused.json()) as any).error.reason).toBe('request_id_reused');
      // In a batch, the item refused 503 is answered so, and the batch's answer asks its client to wait.
      const batch = await fetch(`${second.url}/v1/service-requests:batch`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ requests: [{ body: warm, signature: client.sign(warm) }, { body, signature }] }),
      });
      const { results } = (await batch.json()) as any;
      expect([batch.status, results.map((r: any) => r.status), results[1].answer.error.reason]).toEqual([200, [202, 503], 'state_unavailable']);
      expect(batch.headers.get('retry-after')).toBe('1');
    } finally {
      await operator.config('SET', 'maxmemory', '0');
      await operator.config('SET', 'maxmemory-policy', policy);
      operator.disconnect();
    }
    const resubmitted = await post(second.url, body, signature);
    expect(resubmitted.status).toBe(202);
    const recorded = JSON.parse(await resubmitted.text()).header.requestId as string;
    await expect.poll(async () => (await client.status(SUPPLIER, recorded)).state, { timeout: 10_000, interval: 100 }).toBe('responded');
  }, 30_000);

  it('check the signature before reading the target device', async () => {
    // A device no router holds (its import line was rejected): were it read before the signature
    // was checked, the answer would name the unknown device and the device misses would move.
    const deviceMisses = async () => Number(/dccrouter_directory_lookups_total\{kind="device",result="miss"\} (\d+)/.exec(await (await fetch(`${first.url}/metrics`)).text())?.[1] ?? 0);
    const missesBefore = await deviceMisses();
    const signed = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    const uncached = buildJsonRequest({ originatorId: SUPPLIER, targetId: '00-DB-12-34-56-78-90-FF', counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    const forged = await post(first.url, uncached, client.sign(signed));
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as any).error.reason).toBe('signature_invalid');
    expect(await deviceMisses()).toBe(missesBefore);
  });

  it('answer 503 state_unavailable while Redis is down and recover without a restart', async () => {
    const before = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    const acknowledged = await post(first.url, before, client.sign(before));
    expect(acknowledged.status).toBe(202);
    const acknowledgedText = await acknowledged.text();

    await redis.stop();
    const during = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    const started = Date.now();
    const refused = await post(first.url, during, client.sign(during));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as any).error.reason).toBe('state_unavailable');
    expect((await fetch(`${first.url}/readyz`)).status).toBe(503);

    await redis.restart();
    // Each router reconnects on its own: wait for both before using both.
    for (const router of [first, second]) {
      await expect.poll(async () => (await fetch(`${router.url}/readyz`)).status, { timeout: 10_000, interval: 200 }).toBe(200);
    }
    // The refused request was not recorded: sent again, it is accepted now.
    const retried = await post(first.url, during, client.sign(during));
    expect(retried.status).toBe(202);
    // What was acknowledged before the outage is still there: its retry replays the answer.
    const replay = await post(second.url, before, client.sign(before));
    expect(await replay.text()).toBe(acknowledgedText);
  });
});
