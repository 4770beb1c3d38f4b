// Every row of the contract's refusal table, in order, on both stores, over a real socket.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildJsonRequest, buildProtobufRequest, RouterClient, type RequestSpec } from '@dccrouter/client';
import { ServiceRequestBatch } from '@dccrouter/protocol';
import { startInProcess, type InProcessRouter } from '../support/in-process.ts';
import { generateKeyPairSync } from 'node:crypto';
import { ACB, Admin, DEMO_PRIVATE_KEY_PEM, ESME, GSME, metricTotal, newKeyPair, nextCounter, OTHER_USER, SECOND_SUPPLIER, SUPPLIER } from '../support/fixtures.ts';

const stores = [
  ['memory', () => ({})],
  ['redis', () => ({ REDIS_URL: inject('redisUrl') })],
] as const;

describe.each(stores)('refusal table on the %s store', (_name, env) => {
  let server: InProcessRouter;
  let supplier: RouterClient;
  let admin: Admin;

  beforeAll(async () => {
    server = await startInProcess(env());
    supplier = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM);
    admin = new Admin(server.url, server.adminToken);
  });
  afterAll(async () => {
    await server?.close();
  });

  const spec = (overrides: Partial<RequestSpec> = {}): RequestSpec => ({
    originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1', ...overrides,
  });

  async function expectRefusal(result: { status: number; answer: any }, status: number, reason: string, code?: string) {
    expect({ status: result.status, reason: result.answer.error?.reason }).toEqual({ status, reason });
    expect(result.answer.header.responseCode).toBe(code);
    expect(result.answer.error.message.length).toBeGreaterThan(5);
  }

  it('row 1: unsupported content type, before the body is read', async () => {
    const response = await fetch(`${server.url}/v1/service-requests`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(response.status).toBe(415);
    expect(((await response.json()) as any).error.reason).toBe('unsupported_media_type');
  });

  it('row 2: body over the 64 KiB default limit', async () => {
    const body = buildJsonRequest(spec({ bodyValue: { padding: 'x'.repeat(70_000) } }));
    await expectRefusal(await supplier.submitBytes(body), 413, 'body_too_large');
  });

  it('row 3: malformed bodies, each named', async () => {
    await expectRefusal(await supplier.submitBytes('{"header":'), 400, 'malformed_request');
    const badEui = await supplier.submitBytes(buildJsonRequest(spec({ targetId: '00-DB-12' })));
    await expectRefusal(badEui, 400, 'malformed_request');
    expect(badEui.answer.error.message).toContain('targetId');
    const twoKeys = buildJsonRequest(spec()).replace('"body":{', '"body":{"Extra":{},');
    await expectRefusal(await supplier.submitBytes(twoKeys), 400, 'malformed_request');
    const protobufGarbage = await supplier.submitBytes(new Uint8Array([0xff, 0xff, 0xff]), 'application/x-protobuf');
    await expectRefusal(protobufGarbage, 400, 'malformed_request');
    // A signed leg without the Pre-Command it signed.
    const unsignedLeg = await supplier.submit(spec({ srv: '1.1.1', commandVariant: 5, bodyValue: {} }));
    await expectRefusal(unsignedLeg, 400, 'malformed_request');
    expect(unsignedLeg.answer.error.message).toBe('body.SignedPreCommand.GBCSPayload must be the signed Pre-Command, base64 text');
  });

  it('row 4: originator not a registered User (E1)', async () => {
    await expectRefusal(await supplier.submit(spec({ originatorId: '90-B3-D5-1F-30-09-09-09' })), 403, 'unknown_user', 'E1');
  });

  it('row 5: signature not valid for the originator', async () => {
    const body = buildJsonRequest(spec());
    await expectRefusal(await supplier.submitBytes(body, 'application/json', supplier.sign(body + ' ')), 401, 'signature_invalid');
  });

  it('row 6: suspended User (E3)', async () => {
    const suspended = await admin.user('90-B3-D5-1F-30-06-00-00', ['IS'], 'suspended');
    await expectRefusal(await suspended.submit(spec({ originatorId: '90-B3-D5-1F-30-06-00-00' })), 403, 'user_not_active', 'E3');
  });

  it('row 7: unknown SRV, or serviceReference not the SRV\'s', async () => {
    await expectRefusal(await supplier.submit(spec({ srv: '4.1.99', bodyElement: 'ReadInstantaneousImportRegisters' })), 400, 'unknown_service_request');
    await expectRefusal(await supplier.submit(spec({ serviceReference: '4.2' })), 400, 'unknown_service_request');
  });

  it('row 8: command variant not allowed (E12)', async () => {
    await expectRefusal(await supplier.submit(spec({ srv: '1.1.1', commandVariant: 1 })), 400, 'command_variant_not_allowed', 'E12');
  });

  it('row 9: body element not the SRV\'s', async () => {
    await expectRefusal(await supplier.submit(spec({ bodyElement: 'TopUpDevice' })), 400, 'unknown_service_request');
    // A SignedPreCommand on a variant that signs nothing is only the wrong element, found in its turn.
    await expectRefusal(await supplier.submit(spec({ bodyElement: 'SignedPreCommand', bodyValue: '' })), 400, 'unknown_service_request');
    await expectRefusal(await supplier.submit(spec({ originatorId: '90-B3-D5-1F-30-09-09-09', bodyElement: 'SignedPreCommand', bodyValue: '' })), 403, 'unknown_user', 'E1');
    await expectRefusal(await supplier.submit(spec({ srv: '1.1.1', commandVariant: 5, bodyElement: 'UpdateImportTariffPrimaryElement' })), 400, 'unknown_service_request');
  });

  it('row 10: wrong target for device and non-device SRVs (E13)', async () => {
    await expectRefusal(await supplier.submit(spec({ targetId: ACB })), 400, 'wrong_target', 'E13');
    await expectRefusal(await supplier.submit(spec({ srv: '8.2', commandVariant: 8, bodyValue: { DeviceID: ESME } })), 400, 'wrong_target', 'E13');
  });

  it('row 11: no eligible role (E2)', async () => {
    const other = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM);
    await expectRefusal(await other.submit(spec({ originatorId: OTHER_USER })), 403, 'role_not_eligible', 'E2');
  });

  it('row 12: future-dating refused where the SRV cannot be, or not in the future', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    await expectRefusal(await supplier.submit(spec({ srv: '2.2', bodyValue: { ExecutionDateTime: future } })), 422, 'future_dating_not_allowed');
    await expectRefusal(await supplier.submit(spec({ bodyValue: { ExecutionDateTime: '2020-01-01T00:00:00Z' } })), 422, 'future_dating_not_allowed');
    const accepted = await supplier.submit(spec({ bodyValue: { ExecutionDateTime: future } }));
    expect(accepted.status).toBe(202);
    expect(Date.parse(accepted.answer.trt.deadline)).toBe(Date.parse(future) + 30_000);
  });

  it('row 13: device not in the inventory (E19)', async () => {
    await expectRefusal(await supplier.submit(spec({ targetId: '00-DB-12-34-56-78-99-99' })), 404, 'device_not_found', 'E19');
  });

  it('row 14: not registered against the device (E4)', async () => {
    await expectRefusal(await supplier.submit(spec({ originatorId: SECOND_SUPPLIER })), 403, 'not_authorised_for_device', 'E4');
  });

  it('row 15: device type cannot receive the SRV (E11)', async () => {
    await expectRefusal(await supplier.submit(spec({ srv: '4.6.1', targetId: '00-DB-12-34-56-78-90-A4' })), 422, 'device_type_incompatible', 'E11');
  });

  it('row 16: not available for SMETS1 (E11)', async () => {
    await expectRefusal(await supplier.submit(spec({ targetId: '00-DB-12-34-56-78-A1-A0', commandVariant: 2 })), 422, 'not_available_for_smets1', 'E11');
  });

  it('row 17: SMI status does not admit the SRV (E5)', async () => {
    await admin.device('00-DB-12-34-56-78-AA-01', { deviceType: 'ESME', status: 'Suspended', generation: 'SMETS2+', cspRegion: 'South', importSupplier: SUPPLIER });
    await expectRefusal(await supplier.submit(spec({ targetId: '00-DB-12-34-56-78-AA-01' })), 409, 'device_status_incompatible', 'E5');
    // Suspended devices still take firmware remediation.
    expect((await supplier.submit(spec({ targetId: '00-DB-12-34-56-78-AA-01', srv: '11.2' }))).status).toBe(202);
  });

  it('row 18: signed leg without its transform leg', async () => {
    await expectRefusal(await supplier.submit(spec({ srv: '1.1.1', commandVariant: 5, bodyValue: { GBCSPayload: 'AA==' } })), 409, 'transform_leg_missing');
    // A transform for another SRV does not count either.
    const counter = nextCounter();
    expect((await supplier.submit(spec({ counter, srv: '1.2.1', commandVariant: 4 }))).status).toBe(200);
    await expectRefusal(await supplier.submit(spec({ counter, srv: '1.1.1', commandVariant: 5, bodyValue: { GBCSPayload: 'AA==' } })), 409, 'transform_leg_missing');
  });

  it('row 19: RequestID reused with a different body; a retry of the original still replays', async () => {
    const counter = nextCounter();
    const original = await supplier.submit(spec({ counter }));
    expect(original.status).toBe(202);
    await expectRefusal(await supplier.submit(spec({ counter, srv: '4.1.2' })), 409, 'request_id_reused');
    expect(await supplier.submit(spec({ counter }))).toEqual(original);
  });

  it('checks rows in order: the first failing row wins', async () => {
    // Unknown device (13) and suspended-device status would both fail; unknown SRV (7) comes first.
    await expectRefusal(await supplier.submit(spec({ srv: '4.1.99', targetId: '00-DB-12-34-56-78-99-99' })), 400, 'unknown_service_request');
    // Wrong role (11) before unknown device (13).
    await expectRefusal(await supplier.submit(spec({ originatorId: OTHER_USER, targetId: '00-DB-12-34-56-78-99-99' })), 403, 'role_not_eligible', 'E2');
  });

  it('a refused request changes nothing: its RequestID stays free', async () => {
    const counter = nextCounter();
    await expectRefusal(await supplier.submit(spec({ counter, srv: '4.6.1', targetId: GSME, originatorId: SECOND_SUPPLIER })), 403, 'not_authorised_for_device', 'E4');
    await expectRefusal(await supplier.submit(spec({ counter, bodyValue: { ExecutionDateTime: '2020-01-01T00:00:00Z' } })), 422, 'future_dating_not_allowed');
    expect((await supplier.submit(spec({ counter }))).status).toBe(202);
  });
});

describe("operators' API refusals", () => {
  let server: InProcessRouter;
  let admin: Admin;
  beforeAll(async () => {
    server = await startInProcess();
    admin = new Admin(server.url, server.adminToken);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('names the field at fault and stores nothing', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' });
    const cases: [string, unknown, string][] = [
      ['/v1/admin/users/90-B3-D5-1F-30-0A-0A-0A', { roles: ['IS'], status: 'active', publicKeyPem: rsa }, 'publicKeyPem'],
      ['/v1/admin/users/90-B3-D5-1F-30-0A-0A-0A', { roles: [], status: 'active', publicKeyPem: newKeyPair().publicKeyPem }, 'roles'],
      ['/v1/admin/users/90-B3-D5-1F-30-0A-0A-0A', { roles: ['IS'], status: 'retired', publicKeyPem: newKeyPair().publicKeyPem }, 'status'],
      ['/v1/admin/users/not-an-eui', { roles: ['IS'], status: 'active', publicKeyPem: newKeyPair().publicKeyPem }, 'userId'],
      ['/v1/admin/devices/00-DB-12-34-56-78-0A-0A', { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+' }, 'cspRegion'],
      ['/v1/admin/devices/00-DB-12-34-56-78-0A-0A', { deviceType: 'KETTLE', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North' }, 'deviceType'],
      ['/v1/admin/devices/00-DB-12-34-56-78-0A-0A', { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'acme' }, 'smets1Cohort'],
      ['/v1/admin/trt-budgets', { 'smets1.response': 0 }, 'smets1.response'],
      [`/v1/admin/simulators/${encodeURIComponent('smets2/north')}`, { latencyMs: { p50: 500, p99: 100 } }, 'latencyMs.p99'],
    ];
    for (const [path, body, field] of cases) {
      const answer = await admin.put(path, body);
      expect({ path, status: answer.status, field: answer.body.error?.field }).toEqual({ path, status: 400, field });
      expect(answer.body.error.message).toContain(field);
    }
    expect((await admin.request('GET', '/v1/admin/users/90-B3-D5-1F-30-0A-0A-0A')).status).toBe(404);
    expect((await admin.request('GET', '/v1/admin/devices/00-DB-12-34-56-78-0A-0A')).status).toBe(404);
    // An ID that is not an EUI-64 is refused as the PUT refuses it, not "not found".
    for (const [path, field] of [['/v1/admin/users/not-an-eui', 'userId'], ['/v1/admin/devices/00-DB', 'deviceId']]) {
      const answer = await admin.request('GET', path);
      expect([answer.status, answer.body.error.field, answer.body.error.message]).toEqual([400, field, `${field} must be an EUI-64 (8 hex octets joined by "-")`]);
    }
    const broken = await admin.request('PUT', '/v1/admin/users/90-B3-D5-1F-30-0A-0A-0A', '{"roles":', 'application/json');
    expect(broken.body.error.field).toBe('body');
  });
});

describe('batch endpoint', () => {
  let server: InProcessRouter;
  let client: RouterClient;
  beforeAll(async () => {
    server = await startInProcess({ BATCH_MAX_ITEMS: '3' });
    client = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM);
  });
  afterAll(async () => {
    await server?.close();
  });
  const post = (body: Uint8Array | string, contentType: string) =>
    fetch(`${server.url}/v1/service-requests:batch`, { method: 'POST', headers: { 'content-type': contentType }, body: body as BodyInit });
  const read = () => ({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });

  it('takes a protobuf ServiceRequestBatch of JSON and protobuf requests and answers each in order', async () => {
    const json = buildJsonRequest(read());
    const proto = buildProtobufRequest(read());
    const batch = ServiceRequestBatch.encode({
      requests: [
        { body: new TextEncoder().encode(json), signature: client.sign(json), contentType: 'application/json' },
        { body: proto, signature: client.sign(proto) },
        { body: proto, signature: client.sign(json) },
      ],
    }).finish();
    const response = await post(batch, 'application/x-protobuf');
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: { status: number; answer: any }[] };
    // The third repeats the second's bytes under a wrong signature: row 5 comes before any replay.
    expect(results.map((r) => [r.status, r.answer.error?.reason ?? r.answer.header.responseCode])).toEqual([[202, 'I99'], [202, 'I99'], [401, 'signature_invalid']]);
  });

  it('refuses a batch over its item limit, or not a batch, whole; an item not shaped as one alone', async () => {
    const bodies = Array.from({ length: 4 }, () => buildJsonRequest(read()));
    const tooMany = await post(JSON.stringify({ requests: bodies.map((body) => ({ body, signature: client.sign(body) })) }), 'application/json');
    expect(tooMany.status).toBe(413);
    expect(((await tooMany.json()) as any).error.reason).toBe('body_too_large');
    const notBatch = await post(JSON.stringify({ items: [] }), 'application/json');
    expect([notBatch.status, ((await notBatch.json()) as any).error.message]).toEqual([400, 'batch must be an object with a "requests" array']);
    // Members no batch has (a flood of keys beside "requests"): refused by the scan, unparsed.
    const flood = await post(`{"requests":[],${Array.from({ length: 100_000 }, (_, i) => `"k${i}":0`).join(',')}}`, 'application/json');
    expect([flood.status, ((await flood.json()) as any).error.reason]).toEqual([400, 'malformed_request']);
    const bad = await post(JSON.stringify({ requests: [{ signature: 'x' }, { body: bodies[0], signature: client.sign(bodies[0]) }] }), 'application/json');
    expect(bad.status).toBe(200);
    const results = ((await bad.json()) as any).results;
    expect(results.map((r: any) => [r.status, r.answer.error?.message ?? r.answer.header.responseCode])).toEqual([[400, 'requests[0] needs "body" (text) or "bodyBase64"'], [202, 'I99']]);
    expect((await post('x', 'text/plain')).status).toBe(415);
  });
});

describe('saturation', () => {
  it('refuses with 503 overloaded and Retry-After past the in-flight limit, and accepts the rest', async () => {
    // Each signature waits 50 ms for others to be checked with it, so concurrent requests pile up.
    const server = await startInProcess({ MAX_INFLIGHT: '2', VERIFY_THREADS: '1', VERIFY_LINGER_MS: '50' });
    try {
      const client = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM);
      const bodies = Array.from({ length: 40 }, () => buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' }));
      const responses = await Promise.all(bodies.map((body) => fetch(`${server.url}/v1/service-requests`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-dcc-signature': client.sign(body) }, body,
      })));
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 202).length).toBeGreaterThan(0);
      expect(statuses.every((s) => s === 503 || s === 202)).toBe(true);
      const refused = responses.find((r) => r.status === 503)!;
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as any).error.reason).toBe('overloaded');
      // Refused before its body is read, each is counted all the same.
      expect(await metricTotal(server.url, 'dccrouter_service_requests_total', 'outcome="overloaded",transport="http-json"')).toBe(statuses.filter((s) => s === 503).length);
    } finally {
      await server.close();
    }
  });

  it('refuses a batch while saturated before reading its body, and one larger than MAX_INFLIGHT as too large', async () => {
    const server = await startInProcess({ MAX_INFLIGHT: '2', VERIFY_THREADS: '1', VERIFY_LINGER_MS: '3000' });
    try {
      const client = new RouterClient(server.url, DEMO_PRIVATE_KEY_PEM);
      const post = (body: string) => fetch(`${server.url}/v1/service-requests:batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      // Two requests in flight (each signature lingers up to 3 s for others): a batch, even one whose body is not
      // JSON at all, is refused overloaded, its body unread.
      const inFlight = [0, 1].map(() => {
        const body = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
        return fetch(`${server.url}/v1/service-requests`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dcc-signature': client.sign(body) }, body });
      });
      await expect.poll(async () => Number(/dccrouter_inflight_requests (\d+)/.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]), { interval: 2, timeout: 5000 }).toBe(2);
      const saturated = await post('not json');
      expect([saturated.status, ((await saturated.json()) as any).error.reason]).toEqual([503, 'overloaded']);
      expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual([202, 202]);
      // Three items can never be admitted under MAX_INFLIGHT=2: 413, not 503 for ever.
      const three = JSON.stringify({ requests: [0, 1, 2].map(() => ({ body: '{}', signature: 'x' })) });
      const tooMany = await post(three);
      expect([tooMany.status, ((await tooMany.json()) as any).error.message]).toEqual([413, 'a batch holds at most 2 requests, got more']);
      // A batch refused whole before its items are read counts once, as its refusal.
      expect(await metricTotal(server.url, 'dccrouter_service_requests_total', 'transport="http-batch"')).toBe(2);
      expect(await metricTotal(server.url, 'dccrouter_service_requests_total', 'outcome="body_too_large",transport="http-batch"')).toBe(1);
      // One request in flight: a batch of two is read, then refused overloaded, and counts as the two requests it holds.
      const lingering = (() => {
        const body = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
        return fetch(`${server.url}/v1/service-requests`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dcc-signature': client.sign(body) }, body });
      })();
      await expect.poll(async () => Number(/dccrouter_inflight_requests (\d+)/.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]), { interval: 2, timeout: 5000 }).toBe(1);
      const two = await post(JSON.stringify({ requests: [0, 1].map(() => ({ body: '{}', signature: 'x' })) }));
      expect([two.status, ((await two.json()) as any).error.reason]).toEqual([503, 'overloaded']);
      expect((await lingering).status).toBe(202);
      expect(await metricTotal(server.url, 'dccrouter_service_requests_total', 'outcome="overloaded",transport="http-batch"')).toBe(3);
    } finally {
      await server.close();
    }
  });
});
