// The real router, started as `npm start` starts it (Bun, embedded store, demo inventory),
// driven over a real socket with signed requests.
import { createPrivateKey, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJsonRequest, buildProtobufRequest, GrpcRouterClient, RouterClient, signBytes } from '@dccrouter/client';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin, DEMO_PRIVATE_KEY_PEM, ESME, newKeyPair, nextCounter, SUPPLIER } from '../support/fixtures.ts';
import { responseHeader, sampleTemplates, signDuis, withHeader, withoutSignature, xmlIdentity } from '../support/duis-xml.ts';

let router: RouterProcess;
let client: RouterClient;
let admin: Admin;

beforeAll(async () => {
  router = await startRouterProcess({ VERIFY_THREADS: '1' });
  client = new RouterClient(router.url, DEMO_PRIVATE_KEY_PEM);
  admin = new Admin(router.url, router.adminToken);
});

afterAll(async () => {
  await router?.stop();
});

/** A User of this test alone, signing DUIS XML with its certificate's key. */
const XML_USER = '90-B3-D5-1F-30-01-00-7A';
const XML_METER = '00-DB-12-34-56-78-7A-7A';
const read = (counter: string) => ({ originatorId: SUPPLIER, targetId: ESME, counter, commandVariant: 1, srv: '4.1.1' });

describe('router under Bun', () => {
  it('runs on Bun and reports health and readiness', async () => {
    expect(router.output()).not.toContain('error');
    expect((await fetch(`${router.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${router.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', store: 'memory' });
  });

  it('holds a pull that waits 11 s, past Bun\'s 10 s idle limit on a connection, and answers it when the wait is over', async () => {
    let after = '0-0';
    for (let page = await client.pull(SUPPLIER, after, 1000); page.items.length > 0; page = await client.pull(SUPPLIER, after, 1000)) after = page.next;
    const started = performance.now();
    expect(await client.pull(SUPPLIER, after, 100, 11_000)).toEqual({ items: [], next: after });
    expect(performance.now() - started).toBeGreaterThanOrEqual(11_000 - 10);
  }, 30_000);

  it('acknowledges a signed JSON request with route and TRT budget', async () => {
    const counter = nextCounter();
    const sentAt = Date.now();
    const { status, answer } = await client.submit(read(counter));
    expect(status).toBe(202);
    expect(answer.header).toMatchObject({ requestId: `${SUPPLIER}:${ESME}:${counter}`, responseCode: 'I99' });
    expect(answer.route).toEqual({ generation: 'SMETS2+', destination: 'smets2/north' });
    expect(answer.trt.budgetMs).toBe(30_000);
    // From its receipt, between the send and the acknowledgement (the router's clock is this
    // machine's, less its measured lead over Redis's: a few ms at most).
    const deadline = Date.parse(answer.trt.deadline);
    expect(deadline).toBeGreaterThanOrEqual(sentAt + 30_000 - 5);
    expect(deadline).toBeLessThanOrEqual(Date.parse(answer.header.responseDateTime) + 30_000);
  });

  it('accepts protobuf and keeps a counter above 2^53 exact', async () => {
    const counter = '18446744073709551615';
    const { status, answer } = await client.submit({ ...read(counter), targetId: '00-db-12-34-56-78-a1-a0' }, 'protobuf');
    expect(status).toBe(202);
    expect(answer.header.requestId).toBe(`${SUPPLIER}:00-DB-12-34-56-78-A1-A0:${counter}`);
    expect(answer.route).toEqual({ generation: 'SMETS1', destination: 'smets1/aclara' });
    expect(answer.trt.budgetMs).toBe(16_000);
  });

  it('reads a JSON integer counter above 2^53 losslessly', async () => {
    const counter = (2n ** 60n + 7n).toString();
    const body = buildJsonRequest(read(counter), { counterAsNumber: true });
    expect(body).toContain(`"counter":${counter}`);
    const { status, answer } = await client.submitBytes(body);
    expect(status).toBe(202);
    expect(answer.header.requestId).toBe(`${SUPPLIER}:${ESME}:${counter}`);
  });

  it('answers a byte-identical retry with the original answer, and refuses a reuse', async () => {
    const body = buildJsonRequest(read(nextCounter()));
    const first = await fetch(`${router.url}/v1/service-requests`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-dcc-signature': client.sign(body) }, body,
    });
    const firstText = await first.text();
    const retry = await fetch(`${router.url}/v1/service-requests`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-dcc-signature': client.sign(body) }, body,
    });
    expect(retry.status).toBe(first.status);
    expect(await retry.text()).toBe(firstText);
    const changed = body.replace('"body":{"ReadInstantaneousImportRegisters":{}}', '"body":{"ReadInstantaneousImportRegisters":""}');
    expect(changed).not.toBe(body);
    const reused = await client.submitBytes(changed);
    expect(reused.status).toBe(409);
    expect(reused.answer.error.reason).toBe('request_id_reused');
  });

  it('refuses a body nested 11,000 levels deep (row 3) before any parse can run out of stack, and its byte-identical retry alike', async () => {
    // Once acknowledged under Bun and its retry refused 400: the answer hung on the stack left.
    const counter = nextCounter();
    const deep = `${'['.repeat(11_000)}${']'.repeat(11_000)}`;
    const body = buildJsonRequest({ ...read(counter), bodyValue: { Deep: 'DEEP' } }).replace('"DEEP"', deep);
    const signature = client.sign(body);
    // The answer but for the time it was given (a refusal is not recorded, so it is told anew).
    const send = async () => {
      const response = await fetch(`${router.url}/v1/service-requests`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dcc-signature': signature }, body });
      const { header: { responseDateTime: _at, ...header }, ...answer } = await response.json() as any;
      return { status: response.status, header, ...answer };
    };
    const first = await send();
    expect(first).toMatchObject({ status: 400, error: { reason: 'malformed_request', message: expect.stringContaining('deeper than 64') } });
    expect(await send()).toEqual(first);
    // Refused before the write: its RequestID is still free for a well-formed request.
    expect((await client.submit(read(counter))).status).toBe(202);
  });

  it('refuses a forged, a missing and an undecodable signature', async () => {
    const body = buildJsonRequest(read(nextCounter()));
    const forged = await client.submitBytes(body, 'application/json', signBytes(newKeyPair().privateKeyPem, body));
    expect(forged.status).toBe(401);
    expect(forged.answer.error.reason).toBe('signature_invalid');
    const missing = await client.submitBytes(body, 'application/json', null);
    expect(missing.answer.error).toMatchObject({ reason: 'signature_invalid', message: 'X-DCC-Signature is missing' });
    const garbage = await client.submitBytes(body, 'application/json', '%%%');
    expect(garbage.answer.error).toMatchObject({ reason: 'signature_invalid', message: 'X-DCC-Signature is not base64' });
    // WebCrypto's raw r‖s pair is told apart from a wrong key.
    const raw = sign('sha256', Buffer.from(body), { key: createPrivateKey(DEMO_PRIVATE_KEY_PEM), dsaEncoding: 'ieee-p1363' });
    const p1363 = await client.submitBytes(body, 'application/json', raw.toString('base64'));
    expect(p1363.answer.error).toMatchObject({ reason: 'signature_invalid', message: expect.stringMatching(/^X-DCC-Signature is not a valid signature of the body by the originator's key; it is 64 bytes and not DER, as a raw r‖s pair \(IEEE P1363, as WebCrypto signs\) would be/) });
    // The refused RequestID was not used up: the genuine request is accepted afterwards.
    expect((await client.submitBytes(body)).status).toBe(202);
  });

  it('names what it was given when the content type or the body\'s format is wrong, and where DUIS XML goes', async () => {
    const body = buildJsonRequest(read(nextCounter()));
    const asText = await client.submitBytes(body, 'application/x-www-form-urlencoded');
    expect([asText.status, asText.answer.error.message]).toEqual([415, 'Content-Type must be application/json or application/x-protobuf, got "application/x-www-form-urlencoded"']);
    const asXml = await client.submitBytes(body, 'application/xml; charset=utf-8');
    expect(asXml.answer.error.message).toBe('Content-Type must be application/json or application/x-protobuf, got "application/xml"; DUIS XML goes to POST /api/v1/serviceS, /api/v1/serviceD or /api/v1/serviceT as application/xml');
    const jsonAsProtobuf = await client.submitBytes(body, 'application/x-protobuf');
    expect(jsonAsProtobuf.answer.error.message).toMatch(/ \(read as protobuf; it looks like JSON: set its Content-Type to application\/json\)$/);
    const protobuf = buildProtobufRequest(read(nextCounter()));
    const protobufAsJson = await client.submitBytes(protobuf, 'application/json');
    expect(protobufAsJson.answer.error.message).toMatch(/ \(read as JSON; it looks like protobuf: set its Content-Type to application\/x-protobuf\)$/);
    // A batch item's refusals name the item's fields.
    const batch = await fetch(`${router.url}/v1/service-requests:batch`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requests: [{ body }, { bodyBase64: Buffer.from(protobuf).toString('base64'), signature: client.sign(protobuf) }] }),
    });
    const [unsigned, unlabelled] = ((await batch.json()) as any).results.map((result: any) => result.answer.error.message);
    expect(unsigned).toBe('requests[0].signature is missing');
    expect(unlabelled).toMatch(/ \(read as JSON; it looks like protobuf: set its requests\[1\]\.contentType to application\/x-protobuf\)$/);
  });

  it('runs the critical two-leg flow: CV 4 transform, then CV 5 with the same RequestID', async () => {
    const counter = nextCounter();
    const leg = { originatorId: SUPPLIER, targetId: ESME, counter, srv: '1.1.1' };
    const transform = await client.submit({ ...leg, commandVariant: 4, bodyValue: { Price: 12 } });
    expect(transform.status).toBe(200);
    expect(transform.answer.header.responseCode).toBe('I0');
    const payload = transform.answer.body.PreCommand.GBCSPayload;
    expect(Buffer.from(payload, 'base64').length).toBeGreaterThan(32);
    const signed = await client.submit({ ...leg, commandVariant: 5, bodyValue: { GBCSPayload: payload } });
    expect(signed.status).toBe(202);
    expect(signed.answer.header.responseCode).toBe('I99');
    const orphan = await client.submit({ ...leg, counter: nextCounter(), commandVariant: 5, bodyValue: { GBCSPayload: payload } });
    expect(orphan.status).toBe(409);
    expect(orphan.answer.error.reason).toBe('transform_leg_missing');
  });

  it('answers 8.2 Read Inventory from the inventory', async () => {
    const { status, answer } = await client.submit({
      originatorId: SUPPLIER, targetId: '90-B3-D5-1F-30-00-00-02', counter: nextCounter(), commandVariant: 8, srv: '8.2', bodyValue: { DeviceID: ESME },
    });
    expect(status).toBe(200);
    expect(answer.header.responseCode).toBe('I0');
    expect(answer.route).toEqual({ destination: 'dsp' });
    expect(answer.body.ReadInventory.Devices[0]).toMatchObject({ deviceId: ESME, deviceType: 'ESME', cspRegion: 'North' });
  });

  it('takes a batch of individually signed requests and answers each', async () => {
    const good = buildJsonRequest(read(nextCounter()));
    const proto = buildProtobufRequest(read(nextCounter()));
    const response = await fetch(`${router.url}/v1/service-requests:batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        requests: [
          { body: good, signature: client.sign(good) },
          { body: good, signature: client.sign(good) },
          { bodyBase64: Buffer.from(proto).toString('base64'), contentType: 'application/x-protobuf', signature: client.sign(proto) },
          { body: good.replace('4.1.1', '4.1.9'), signature: client.sign(good) },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: { status: number; answer: any }[] };
    expect(results.map((r) => r.status)).toEqual([202, 202, 202, 401]);
    expect(results[1].answer).toEqual(results[0].answer);
  });

  it('takes signed requests over gRPC, unary and streamed, answered as over HTTP', async () => {
    expect(router.grpcAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    const grpc = new GrpcRouterClient(router.grpcAddress!, DEMO_PRIVATE_KEY_PEM);
    try {
      const counter = nextCounter();
      const signed = grpc.signed(read(counter));
      const unary = await grpc.submit(signed);
      expect(unary.status).toBe(202);
      expect(unary.answer.header).toMatchObject({ requestId: `${SUPPLIER}:${ESME}:${counter}`, responseCode: 'I99' });
      // The same RequestID and bytes over HTTP: the original answer, not a second request.
      const overHttp = await client.submitBytes(signed.body!, 'application/x-protobuf', signed.signature!);
      expect(overHttp.answer).toEqual(unary.answer);

      const forged = await grpc.submit({ ...grpc.signed(read(nextCounter())), signature: signed.signature });
      expect([forged.status, forged.answer.error.reason]).toEqual([401, 'signature_invalid']);

      const many = [grpc.signed(read(nextCounter()), 'json'), grpc.signed(read(nextCounter())), { ...signed, contentType: 'text/plain' }];
      const streamed = await grpc.submitMany(many);
      expect(streamed.map((r) => r.status)).toEqual([202, 202, 415]);
      expect(streamed[0].answer.header.requestId).toContain(':' + JSON.parse(Buffer.from(many[0].body!).toString()).header.requestId.counter);
    } finally {
      grpc.close();
    }
  });

  it('serves the .proto and Prometheus metrics', async () => {
    expect(await (await fetch(`${router.url}/v1/router.proto`)).text()).toContain('message ServiceRequest');
    // The backlog gauges are sampled every 5 s from the store.
    await expect.poll(async () => (await (await fetch(`${router.url}/metrics`)).text()).includes('dccrouter_egress_backlog{destination="smets2/north"}'), { timeout: 8_000 }).toBe(true);
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    // By transport: the requests above came as JSON, protobuf and over gRPC.
    expect(metrics).toMatch(/dccrouter_service_requests_total\{outcome="I99",transport="http-json"\} \d+/);
    expect(metrics).toMatch(/dccrouter_service_requests_total\{outcome="I99",transport="http-protobuf"\} \d+/);
    expect(metrics).toMatch(/dccrouter_service_requests_total\{outcome="I99",transport="grpc"\} \d+/);
    expect(metrics).toContain('dccrouter_verify_queue_depth');
    // What the deploy kit alerts on is exported at 0 before it first happens (increase() sees a series only from its second sample).
    for (const transport of ['http-json', 'http-protobuf', 'http-xml', 'http-batch', 'grpc']) {
      expect(metrics).toContain(`dccrouter_service_requests_total{outcome="internal_error",transport="${transport}"} 0`);
    }
    for (const kind of ['user', 'dcc', 'value']) expect(metrics).toMatch(new RegExp(`^dccrouter_tad_breaches_total\\{kind="${kind}",action="quarantined"\\} \\d+$`, 'm'));
    // The signatures above went to the worker thread, several at a time, or alone while it was idle were checked inline.
    const handoffs = Number(/^dccrouter_verify_handoffs_total (\d+)$/m.exec(metrics)?.[1]);
    const handedOff = Number(/^dccrouter_verify_handed_off_signatures_total (\d+)$/m.exec(metrics)?.[1]);
    const inline = Number(/^dccrouter_verify_inline_signatures_total (\d+)$/m.exec(metrics)?.[1]);
    expect(handedOff).toBeGreaterThanOrEqual(handoffs);
    expect(handedOff + inline).toBeGreaterThan(0);
    // Every acknowledged request went through the record step, and spent some time there.
    expect(Number(/^dccrouter_pipeline_stage_requests_total\{stage="record"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(Number(/^dccrouter_pipeline_stage_seconds_total\{stage="record"\} ([\d.e-]+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics).toContain('dccrouter_service_request_duration_seconds_bucket');
    // Process metrics with event-loop lag, and what build this is.
    expect(metrics).toMatch(/^process_cpu_seconds_total \d/m);
    expect(metrics).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
    expect(metrics).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    // Not under Bun: reading them stalls the event loop for a walk of the heap at every scrape.
    expect(metrics).not.toContain('nodejs_heap_space_size_');
    expect(metrics).toMatch(/^dccrouter_build_info\{version="0\.1\.0",runtime="bun [\d.]+",commit="[^"]+"\} 1$/m);
    expect(metrics).toMatch(/^dccrouter_outbox_backlog_users \d+$/m);
  });

  it("guards the operators' API with the bearer token", async () => {
    expect((await fetch(`${router.url}/v1/admin/users/${SUPPLIER}`)).status).toBe(401);
    expect((await new Admin(router.url, 'wrong').request('GET', `/v1/admin/users/${SUPPLIER}`)).status).toBe(401);
    const user = await admin.request('GET', `/v1/admin/users/${SUPPLIER}`);
    expect(user.status).toBe(200);
    expect(user.body.roles).toEqual(['IS', 'GS']);
  });

  it('answers every request already in flight when told to stop', async () => {
    const own = await startRouterProcess({ VERIFY_THREADS: '1', LOG_LEVEL: 'info' });
    const ownClient = new RouterClient(own.url, DEMO_PRIVATE_KEY_PEM);
    const requests = Array.from({ length: 1000 }, () => {
      const body = buildJsonRequest(read(nextCounter()));
      return { body, signature: ownClient.sign(body) };
    });
    const batch = fetch(`${own.url}/v1/service-requests:batch`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requests }),
    });
    // Signal only once the batch is inside the pipeline.
    await expect.poll(async () => {
      const metrics = await (await fetch(`${own.url}/metrics`)).text();
      return Number(/dccrouter_inflight_requests (\d+)/.exec(metrics)?.[1]);
    }, { interval: 2, timeout: 5000 }).toBeGreaterThan(0);
    own.child.kill('SIGTERM');
    const response = await batch;
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: { status: number }[] };
    expect(results).toHaveLength(1000);
    expect(results.every((r) => r.status === 202)).toBe(true);
    expect(await own.stop()).toBe(0);
    // The signal really arrived mid-batch: the router logged requests in flight.
    const inflight = Number(/"inflight":(\d+)[^\n]*shutting down/.exec(own.output())?.[1]);
    expect(inflight).toBeGreaterThan(0);
  });

  it('checks a signed call against its request line as sent, characters Bun re-encodes included', async () => {
    const { connect } = await import('node:net');
    const { hostname, port } = new URL(router.url);
    /** A signed GET sent byte for byte as written (fetch would encode the target first). */
    const call = (target: string) => new Promise<number>((resolve, reject) => {
      const timestamp = new Date().toISOString();
      const signature = signBytes(DEMO_PRIVATE_KEY_PEM, Buffer.from(`GET\n${target}\n${timestamp}`));
      const socket = connect(Number(port), hostname, () => socket.write(
        `GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nX-DCC-User: ${SUPPLIER}\r\nX-DCC-Timestamp: ${timestamp}\r\nX-DCC-Signature: ${signature}\r\nConnection: close\r\n\r\n`));
      let reply = '';
      socket.on('data', (chunk) => (reply += chunk));
      socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(reply)?.[1])));
      socket.on('error', reject);
    });
    // Bun gives the query as after=%27x%27: signed over the raw quotes, the call is the User's
    // (then refused for its cursor, 400), not a bad signature (401).
    expect(await call("/v1/responses?after='x'")).toBe(400);
    expect(await call('/v1/responses?after=%27x%27')).toBe(400);
    expect(await call('/v1/responses?limit=5')).toBe(200);
  });

  it("runs the README's send command: a demo request and its response", async () => {
    const { execFile } = await import('node:child_process');
    const output = await new Promise<string>((resolve, reject) => {
      execFile('node_modules/.bin/bun', ['packages/client/src/send.ts', '--url', router.url, '--wait'], { timeout: 20_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout));
    });
    expect(output).toContain('HTTP 202');
    expect(output).toMatch(/response:\n\{\n\s+"cursor"/);
    expect(output).toContain('"responseCode": "I0"');
  });

  it('takes DUIS XML: the DCC template acknowledged, a body not shaped like the schema refused (row 3)', async () => {
    const identity = xmlIdentity('bun xml user');
    expect((await admin.put(`/v1/admin/users/${XML_USER}`, { roles: ['IS', 'GS'], status: 'active', publicKeyPem: identity.publicKeyPem, certificatePem: identity.certificatePem })).status).toBe(200);
    expect((await admin.put(`/v1/admin/devices/${XML_METER}`, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: XML_USER })).status).toBe(200);
    const template = withoutSignature(sampleTemplates().find(({ name }) => name.startsWith('CS01a_2.2'))!.text); // 2.2 TopUpDevice
    const unsigned = withHeader(template, { requestId: `${XML_USER}:${XML_METER}:${nextCounter()}` });
    const post = (body: string) => fetch(`${router.url}/api/v1/serviceS`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body });
    const shapeless = await post(signDuis(unsigned.replace('</sr:TopUpDevice>', '<sr:Bonus>5</sr:Bonus></sr:TopUpDevice>'), identity));
    expect([shapeless.status, shapeless.headers.get('x-dcc-reason')]).toEqual([400, 'malformed_request']);
    expect(await shapeless.text()).toContain("Element 'sr:Bonus': This element is not expected");
    const answer = await post(signDuis(unsigned, identity));
    expect([answer.status, responseHeader(await answer.text()).responseCode]).toEqual([202, 'I99']);
  });

  it('stores a SMETS1 device Commissioned whatever its installation: migration gating is off unless MIGRATION_GATING is set', async () => {
    const device = { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'aclara', deviceModel: 'M', firmwareVersion: '1', installationId: 'INST-BUN', importSupplier: SUPPLIER };
    expect((await admin.put('/v1/admin/devices/00-DB-12-34-56-78-7A-7B', device)).status).toBe(200);
  });

  it('stops cleanly on SIGTERM', async () => {
    const own = await startRouterProcess({ VERIFY_THREADS: '1', LOG_LEVEL: 'info' });
    expect(await own.stop('SIGTERM')).toBe(0);
    expect(own.output()).toContain('"msg":"stopped"');
  });
});
