// The OpenAPI document against the running router (under Bun, real socket): every documented
// operation is called, each answer's status must be one the document lists for it and its body
// must match the document's schema for that status; every documented operation answers its
// success at least once; and every route the Hono app serves is in the document.
import { connect } from 'node:net';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJsonRequest, RouterClient } from '@dccrouter/client';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { startInProcess } from '../support/in-process.ts';
import { ACB, DEMO_PRIVATE_KEY_PEM, ESME, newKeyPair, nextCounter, SUPPLIER } from '../support/fixtures.ts';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { selfSignedCertificate } from '../../packages/router/src/duis-xml/certificate.ts';
import { signEnveloped } from '../../packages/router/src/duis-xml/sign.ts';

interface Seen {
  operation: string;
  status: number;
  contentType: string;
  body: unknown;
}

type Doc = {
  openapi: string;
  info: { description: string };
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  components: { schemas: Record<string, unknown> };
};

let router: RouterProcess;
let doc: Doc;
let client: RouterClient;
const seen: Seen[] = [];
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
const validators = new Map<string, ValidateFunction>();

/** The documented operation (`METHOD /path/{param}`) a concrete request path falls under. */
function operationOf(method: string, path: string): string | undefined {
  const bare = path.split('?')[0];
  for (const template of Object.keys(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`);
    if (pattern.test(bare) && doc.paths[template][method.toLowerCase()]) return `${method.toUpperCase()} ${template}`;
  }
  return undefined;
}

function validatorFor(operation: string, status: number, mediaType: string): ValidateFunction | undefined {
  const key = `${operation} ${status} ${mediaType}`;
  if (!validators.has(key)) {
    const [method, path] = operation.split(' ');
    const schema = doc.paths[path][method.toLowerCase()].responses[String(status)]?.content?.[mediaType]?.schema;
    if (!schema) return undefined;
    // The document's components become the schema's $defs, so its $refs resolve.
    const text = JSON.stringify({ ...(schema as object), $defs: doc.components.schemas }).replaceAll('#/components/schemas/', '#/$defs/');
    validators.set(key, ajv.compile(JSON.parse(text)));
  }
  return validators.get(key);
}

/** Calls the router and checks the answer against the document. */
async function call(method: string, path: string, init: { headers?: Record<string, string>; body?: BodyInit } = {}): Promise<{ status: number; body: any; text: string }> {
  // A streamed body goes without a length (chunked): fetch asks for half duplex then.
  const streamed = init.body instanceof ReadableStream ? { duplex: 'half' } : {};
  const response = await fetch(`${router.url}${path}`, { method, headers: init.headers, body: init.body, ...streamed } as RequestInit);
  const text = await response.text();
  const operation = operationOf(method, path);
  expect(operation, `${method} ${path} is not documented`).toBeDefined();
  const [docMethod, docPath] = operation!.split(' ');
  const documented = doc.paths[docPath][docMethod.toLowerCase()].responses;
  expect(Object.keys(documented), `${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`).toContain(String(response.status));
  const contentType = response.headers.get('content-type') ?? '';
  const mediaType = contentType.split(';')[0].trim();
  const content = documented[String(response.status)].content ?? {};
  // Prometheus' text format names a version: text/plain is what is documented.
  expect(Object.keys(content), `${method} ${path}: ${contentType}`).toContain(mediaType);
  let body: unknown = text;
  if (mediaType === 'application/json') {
    body = JSON.parse(text);
    const validate = validatorFor(operation!, response.status, mediaType)!;
    expect(validate(body), `${method} ${path} ${response.status}: ${JSON.stringify(validate.errors)}\n${text.slice(0, 500)}`).toBe(true);
  }
  seen.push({ operation: operation!, status: response.status, contentType, body });
  return { status: response.status, body, text };
}

const operator = (token = router.adminToken) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
const admin = (method: string, path: string, body?: unknown, token?: string) =>
  call(method, path, { headers: operator(token), body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });

/** A User's signed call (contract: "Reading back, as a User"). */
function signedHeaders(method: string, target: string, signer = client, userId = SUPPLIER): Record<string, string> {
  const timestamp = new Date().toISOString();
  return { 'x-dcc-user': userId, 'x-dcc-timestamp': timestamp, 'x-dcc-signature': signer.sign(`${method}\n${target}\n${timestamp}`) };
}
const signed = (method: string, target: string, signer?: RouterClient) => call(method, target, { headers: signedHeaders(method, target, signer) });

const read = (extra: Record<string, unknown> = {}) => ({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1', ...extra });
function submit(body: string, signature: string | null = client.sign(body), contentType = 'application/json') {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (signature !== null) headers['x-dcc-signature'] = signature;
  return call('POST', '/v1/service-requests', { headers, body });
}

beforeAll(async () => {
  router = await startRouterProcess({
    VERIFY_THREADS: '1', BATCH_MAX_ITEMS: '3', IMPORT_MAX_BYTES: '4000', MAX_BODY_BYTES: '4096',
    // Every documented answer is called for, the device write's 409 with it.
    MIGRATION_GATING: 'true',
    // A webhook that fails is dead-lettered at once.
    WEBHOOK_MAX_ATTEMPTS: '1', WEBHOOK_INTERVAL_MS: '20', SIMULATOR_LATENCY_P50_MS: '10', SIMULATOR_LATENCY_P99_MS: '30',
  });
  client = new RouterClient(router.url, DEMO_PRIVATE_KEY_PEM);
  doc = (await (await fetch(`${router.url}/v1/openapi.json`)).json()) as Doc;
});

afterAll(async () => {
  await router?.stop();
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with the signing examples', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.description).toContain("sign('sha256', body, { key, dsaEncoding: 'der' })");
    expect(doc.info.description).toContain('openssl dgst -sha256 -sign');
  });

  it('documents every route the Hono app serves, and nothing it does not serve', async () => {
    const server = await startInProcess();
    try {
      const served = new Set(server.router.app.routes
        // app.use middleware is not a route.
        .filter((route) => route.method !== 'ALL')
        // A parameter followed by a verb is matched by a pattern: `/:name{...:verb}` is `/{name}:verb`.
        .map((route) => `${route.method} ${route.path.replace(/\/:([^/{]+)\{.*?(:[a-z-]+)\}$/, '/{$1}$2').replace(/\/:([^/{]+)/g, '/{$1}')}`));
      const documented = new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)));
      expect([...served].sort()).toEqual([...documented].sort());
    } finally {
      await server.close();
    }
  });

  it('serves the docs page, self-contained', async () => {
    const page = await call('GET', '/v1/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain("fetch('/v1/openapi.json')");
    expect(page.text).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
    // Its script at least parses (it renders the document in the browser).
    const script = /<script>([\s\S]*)<\/script>/.exec(page.text)![1];
    expect(() => new Function(script)).not.toThrow();
  });
});

describe('every documented route answers as documented', () => {
  it('service: health, readiness, metrics, proto, the document', async () => {
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect((await call('GET', '/readyz')).status).toBe(200);
    expect((await call('GET', '/metrics')).text).toContain('dccrouter_');
    expect((await call('GET', '/v1/router.proto')).text).toContain('message ServiceRequest');
    expect((await call('GET', '/v1/openapi.json')).status).toBe(200);
    // Without ROUTER_SIGNING_KEY the key is generated, and its public half printed and served.
    const key = (await call('GET', '/v1/router-public-key.pem')).text;
    expect(key).toContain('-----BEGIN PUBLIC KEY-----');
    expect(router.output()).toContain(key.trim());
  });

  it('POST /v1/service-requests: acceptances and each kind of refusal', async () => {
    expect((await submit(buildJsonRequest(read()))).status).toBe(202);
    expect((await submit(buildJsonRequest(read({ targetId: ACB, commandVariant: 8, srv: '8.2', bodyValue: { DeviceID: ESME } })))).status).toBe(200);
    expect((await submit('{"header":')).body.error.reason).toBe('malformed_request');
    expect((await submit(buildJsonRequest(read()), null)).body.error.reason).toBe('signature_invalid');
    expect((await submit(buildJsonRequest(read({ originatorId: '90-B3-D5-1F-30-0F-0F-0F' })))).body.error.reason).toBe('unknown_user');
    expect((await submit(buildJsonRequest(read({ targetId: '00-DB-12-34-56-78-FF-FF' })))).body.error.reason).toBe('device_not_found');
    const body = buildJsonRequest(read());
    expect((await submit(body)).status).toBe(202);
    expect((await submit(body.replace('{"ReadInstantaneousImportRegisters":{}}', '{"ReadInstantaneousImportRegisters":""}'))).body.error.reason).toBe('request_id_reused');
    expect((await submit('x'.repeat(5000))).body.error.reason).toBe('body_too_large');
    expect((await submit(body, client.sign(body), 'text/plain')).body.error.reason).toBe('unsupported_media_type');
    const past = buildJsonRequest(read({ bodyValue: { ExecutionDateTime: '2020-01-01T00:00:00Z' } }));
    expect((await submit(past)).body.error.reason).toBe('future_dating_not_allowed');
  });

  it('POST /v1/service-requests:batch', async () => {
    const batch = (requests: unknown, headers: Record<string, string> = {}, contentType = 'application/json') =>
      call('POST', '/v1/service-requests:batch', { headers: { 'content-type': contentType, ...headers }, body: typeof requests === 'string' ? requests : JSON.stringify({ requests }) });
    const good = buildJsonRequest(read());
    const answered = await batch([{ body: good, signature: client.sign(good) }, { body: '{}', signature: client.sign('{}') }]);
    expect(answered.body.results.map((r: any) => r.status)).toEqual([202, 400]);
    expect((await batch('{"requests":1}')).status).toBe(400);
    expect((await batch([{ body: good }], { 'x-dcc-user': SUPPLIER, 'x-dcc-batch-signature': client.sign('other bytes') })).status).toBe(401);
    expect((await batch([1, 2, 3, 4].map(() => ({ body: good, signature: client.sign(good) })))).status).toBe(413);
    expect((await batch('x', {}, 'text/plain')).status).toBe(415);
  });

  it("a User's signed calls: status, responses, thresholds", async () => {
    const accepted = await submit(buildJsonRequest(read()));
    const requestId = accepted.body.header.requestId;
    expect((await signed('GET', `/v1/service-requests/${requestId}`)).body.requestId).toBe(requestId);
    expect((await call('GET', `/v1/service-requests/${requestId}`)).status).toBe(401);
    expect((await signed('GET', `/v1/service-requests/${SUPPLIER}:${ESME}:1`)).status).toBe(404);
    // The response arrives from the simulated network.
    await expect.poll(async () => (await signed('GET', '/v1/responses?limit=1000')).body.items.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const nonsense = await signed('GET', '/v1/responses?after=nonsense');
    expect([nonsense.status, nonsense.body.error.message]).toEqual([400, 'after must be a cursor from an earlier answer, or a time in ms since the epoch']);
    // A time in ms is a cursor: from before the response, it is read; from a minute ahead, nothing.
    expect((await signed('GET', `/v1/responses?after=${Date.now() - 60_000}`)).body.items.length).toBeGreaterThan(0);
    expect((await signed('GET', `/v1/responses?after=${Date.now() + 60_000}`)).body.items).toEqual([]);
    expect((await call('GET', '/v1/responses')).status).toBe(401);
    expect((await signed('GET', '/v1/thresholds')).body).toEqual({ rules: [] });
    expect((await call('GET', '/v1/thresholds')).status).toBe(401);
  });

  it("operators' Users and devices, and the import", async () => {
    const user = '90-B3-D5-1F-30-0E-0E-0E';
    const device = '00-DB-12-34-56-78-0E-0E';
    expect((await admin('PUT', `/v1/admin/users/${user}`, { roles: ['IS'], status: 'active', publicKeyPem: newKeyPair().publicKeyPem, receiveEndpoint: 'http://127.0.0.1:9/x' })).status).toBe(200);
    expect((await admin('PUT', `/v1/admin/users/${user}`, { roles: ['XX'], status: 'active' })).body.error.field).toBe('roles');
    expect((await admin('PUT', `/v1/admin/users/${user}`, '{"roles":')).body.error.field).toBe('body');
    // An operator's JSON body past its limit is refused 413 and changes nothing: streamed without a
    // length, and declared too long (answered before it is sent: the head alone goes).
    const oversized = JSON.stringify({ roles: ['IS', 'GS'], status: 'active', publicKeyPem: newKeyPair().publicKeyPem, padding: 'x'.repeat(64 * 1024 * 1024) });
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(oversized));
        controller.close();
      },
    });
    const refused = await call('PUT', `/v1/admin/users/${user}`, { headers: { authorization: `Bearer ${router.adminToken}`, 'content-type': 'application/json' }, body: streamed });
    const tooLarge = [413, 'body_too_large', "an operator's JSON body is at most 67108864 bytes"];
    expect([refused.status, refused.body.error.reason, refused.body.error.message]).toEqual(tooLarge);
    const { hostname, port } = new URL(router.url);
    const declared = await new Promise<string>((resolve, reject) => {
      let answer = '';
      const socket = connect(Number(port), hostname, () => socket.write(`PUT /v1/admin/users/${user} HTTP/1.1\r\nHost: ${hostname}\r\n`
        + `Authorization: Bearer ${router.adminToken}\r\nContent-Type: application/json\r\nContent-Length: ${oversized.length}\r\n\r\n{"roles":`));
      socket.on('data', (chunk) => {
        answer += chunk;
        if (answer.includes('}}')) socket.destroy();
      });
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
    expect(declared.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    const declaredBody = JSON.parse(declared.slice(declared.indexOf('\r\n\r\n') + 4));
    expect([413, declaredBody.error.reason, declaredBody.error.message]).toEqual(tooLarge);
    expect((await admin('GET', `/v1/admin/users/${user}`)).body.roles).toEqual(['IS']);
    expect((await admin('PUT', `/v1/admin/users/${user}`, {}, 'wrong')).status).toBe(401);
    expect((await admin('GET', `/v1/admin/users/${user}`)).body.userId).toBe(user);
    expect((await admin('GET', '/v1/admin/users/90-B3-D5-1F-30-0E-0E-0F')).status).toBe(404);
    expect((await admin('GET', `/v1/admin/users/${user}`, undefined, 'wrong')).status).toBe(401);

    const fields = { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: user };
    expect((await admin('PUT', `/v1/admin/devices/${device}`, fields)).status).toBe(200);
    expect((await admin('PUT', `/v1/admin/devices/${device}`, { ...fields, cspRegion: undefined })).body.error.field).toBe('cspRegion');
    expect((await admin('PUT', `/v1/admin/devices/${device}`, fields, 'wrong')).status).toBe(401);
    expect((await admin('GET', `/v1/admin/devices/${device}`)).body).toEqual({ deviceId: device, ...fields });
    expect((await admin('GET', '/v1/admin/devices/00-DB-12-34-56-78-0E-0F')).status).toBe(404);
    expect((await admin('GET', `/v1/admin/devices/${device}`, undefined, 'wrong')).status).toBe(401);

    const line = (id: string) => JSON.stringify({ deviceId: id, ...fields });
    const ndjson = (body: string, token = router.adminToken, type = 'application/x-ndjson') =>
      call('POST', '/v1/admin/devices:import', { headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
    const imported = await ndjson(`${line('00-DB-12-34-56-78-0E-10')}\n{"deviceId":"x"}\n`);
    expect(imported.body).toEqual({ imported: 1, rejected: [{ line: 2, reason: 'deviceId must be an EUI-64 (8 hex octets joined by "-")' }], rejectedCount: 1 });
    expect((await ndjson(line(device), router.adminToken, 'application/json')).status).toBe(415);
    expect((await ndjson(`${line(device)}\n`.repeat(40))).status).toBe(413);
    expect((await ndjson(line(device), 'wrong')).status).toBe(401);
  });

  it('operators: thresholds, budgets, the monthly report, simulators', async () => {
    const user = `/v1/admin/thresholds/users/${SUPPLIER}`;
    for (const [path, rules, bad] of [
      [user, { rules: [{ srv: '4.4.3', limit: 100, windowSeconds: 60 }] }, { rules: [{ srv: '4.4.3', limit: 0, windowSeconds: 60 }] }],
      ['/v1/admin/thresholds/dcc', { rules: [{ srv: '*', limit: 1_000_000, windowSeconds: 60 }] }, { rules: 1 }],
      ['/v1/admin/thresholds/values', { rules: [{ srv: '2.2', field: 'Amount', max: 10 }] }, { rules: [{ srv: '*', field: 'a', max: 1 }] }],
    ] as const) {
      expect((await admin('PUT', path, rules)).body).toEqual(rules);
      expect((await admin('GET', path)).body).toEqual(rules);
      expect((await admin('PUT', path, bad)).status).toBe(400);
      expect((await admin('GET', path, undefined, 'wrong')).status).toBe(401);
      expect((await admin('PUT', path, rules, 'wrong')).status).toBe(401);
    }
    expect((await admin('GET', '/v1/admin/thresholds/users/not-an-eui')).status).toBe(400);

    const budgets = await admin('GET', '/v1/admin/trt-budgets');
    expect(budgets.body['smets2.onDemand']).toBe(30_000);
    expect((await admin('PUT', '/v1/admin/trt-budgets', { 'smets2.onDemand': 30_000 })).body).toEqual(budgets.body);
    expect((await admin('PUT', '/v1/admin/trt-budgets', { nonsense: 1 })).body.error.field).toBe('nonsense');
    // SMETS1 is overdue at the WAN allowance, breached at the WAN limit: not the other way round, and nothing changes.
    const inverted = await admin('PUT', '/v1/admin/trt-budgets', { 'smets1.wanLimit': 1_000 });
    expect([inverted.status, inverted.body.error.field, inverted.body.error.message]).toEqual([400, 'smets1.wanLimit', 'smets1.wanLimit must be at least smets1.wanAllowance (60000 ms), got 1000 ms']);
    const allowance = await admin('PUT', '/v1/admin/trt-budgets', { 'smets1.wanAllowance': 90_000_000 });
    expect([allowance.status, allowance.body.error.field, allowance.body.error.message]).toEqual([400, 'smets1.wanAllowance', 'smets1.wanAllowance must be at most smets1.wanLimit (86400000 ms), got 90000000 ms']);
    expect((await admin('GET', '/v1/admin/trt-budgets')).body).toEqual(budgets.body);
    expect((await admin('GET', '/v1/admin/trt-budgets', undefined, 'wrong')).status).toBe(401);
    expect((await admin('PUT', '/v1/admin/trt-budgets', {}, 'wrong')).status).toBe(401);

    expect((await admin('GET', '/v1/admin/reports/monthly')).body.serviceMetrics).toBeInstanceOf(Array);
    expect((await admin('GET', '/v1/admin/reports/monthly?month=2026-12&format=markdown')).status).toBe(200);
    expect((await admin('GET', '/v1/admin/reports/monthly?month=December')).body.error.field).toBe('month');
    expect((await admin('GET', '/v1/admin/reports/monthly?format=csv')).body.error).toMatchObject({ field: 'format', message: 'format must be json or markdown' });
    expect((await admin('GET', '/v1/admin/reports/monthly', undefined, 'wrong')).status).toBe(401);

    const north = `/v1/admin/simulators/${encodeURIComponent('smets2/north')}`;
    expect(Object.keys((await admin('GET', '/v1/admin/simulators')).body)).toContain('smets2/north');
    expect((await admin('GET', north)).body.latencyMs).toBeDefined();
    expect((await admin('PUT', north, { failureRate: 0 })).body.failureRate).toBe(0);
    expect((await admin('PUT', north, { failureRate: 2 })).body.error.field).toBe('failureRate');
    expect((await admin('GET', '/v1/admin/simulators/nowhere')).status).toBe(404);
    expect((await admin('PUT', '/v1/admin/simulators/nowhere', {})).status).toBe(404);
    expect((await admin('GET', '/v1/admin/simulators', undefined, 'wrong')).status).toBe(401);
    expect((await admin('GET', north, undefined, 'wrong')).status).toBe(401);
    expect((await admin('PUT', north, {}, 'wrong')).status).toBe(401);
    expect((await admin('POST', `${north}:raise-alerts`, { alertCode: 'TAMPER', devices: ['00-DB-12-34-56-78-00-FF'] })).body)
      .toEqual({ alertCode: 'TAMPER', devices: 0, queued: 0, unknown: ['00-DB-12-34-56-78-00-FF'], elsewhere: [] });
    expect((await admin('POST', `${north}:raise-alerts`, { alertCode: 'NO PE', devices: [] })).body.error.field).toBe('alertCode');
    expect((await admin('POST', `${north}:raise-alerts`, {}, 'wrong')).status).toBe(401);

    expect((await admin('PUT', '/v1/admin/cpl/DOC-1/1.0', { deviceType: 'ESME', certificates: { cpa: 'expired', other: 'valid' } })).body.status).toBe('cpaUnderReview');
    expect((await admin('GET', '/v1/admin/cpl/DOC-1/1.0')).body.status).toBe('cpaUnderReview');
    // A device type of the catalogue's; no control characters in a model or version (no two pairs written alike).
    expect((await admin('PUT', '/v1/admin/cpl/DOC-2/1.0', { deviceType: 'banana', certificates: { other: 'valid' } })).body.error)
      .toMatchObject({ reason: 'invalid_field', field: 'deviceType' });
    expect((await admin('PUT', '/v1/admin/cpl/DOC%002/1.0', { deviceType: 'ESME', certificates: { other: 'valid' } })).body.error)
      .toEqual({ reason: 'invalid_field', field: 'deviceModel', message: 'deviceModel must not hold control characters' });
    // An SSC decision PUT by mistake lists no version named after it.
    expect((await admin('PUT', '/v1/admin/cpl/DOC-3/1.0:ssc-decision', { deviceType: 'ESME', certificates: { other: 'valid' } })).body.error)
      .toMatchObject({ reason: 'invalid_field', field: 'firmwareVersion' });
    expect((await admin('GET', '/v1/admin/cpl')).body.entries.some((entry: { deviceModel: string }) => entry.deviceModel === 'DOC-3')).toBe(false);
    expect((await admin('GET', '/v1/admin/cpl')).body.entries.length).toBeGreaterThan(0);
    expect((await admin('POST', '/v1/admin/cpl/DOC-1/1.0:ssc-decision', { decision: 'remedial_plan', reason: 'doc' })).body.status).toBe('remedialPlan');
    expect((await admin('POST', '/v1/admin/cpl/DOC-1/1.0:ssc-decision', { decision: 'remove', reason: 'doc' })).status).toBe(409);
    expect((await admin('GET', '/v1/admin/cpl/DOC-1/9.9')).status).toBe(404);
    expect((await admin('PUT', '/v1/admin/cpl/DOC-1/1.0', {})).body.error.field).toBe('deviceType');
    expect((await admin('GET', '/v1/admin/policy')).body.smets1Cohorts.itron).toBe(true);
    expect((await admin('PUT', '/v1/admin/policy', { smets1Cohorts: { edmi: true } })).body.smets1Cohorts.edmi).toBe(true);
    expect((await admin('PUT', '/v1/admin/policy', { colour: 'blue' })).status).toBe(400);

    const doc1 = { deviceType: 'ESME', deviceModel: 'DOC-S1', firmwareVersion: '2.0' };
    expect((await admin('PUT', '/v1/admin/devices/00-DB-12-34-56-78-00-D1', { ...doc1, firmwareVersion: '1.0', status: 'InstalledNotCommissioned', generation: 'SMETS1', smets1Cohort: 'edmi', installationId: 'DOC-I1', importSupplier: SUPPLIER })).status).toBe(200);
    expect((await admin('PUT', '/v1/admin/devices/00-DB-12-34-56-78-00-D1', { ...doc1, status: 'Commissioned', generation: 'SMETS1', smets1Cohort: 'edmi', installationId: 'DOC-I1' })).status).toBe(409);
    expect((await admin('PUT', '/v1/admin/product-combinations/DOC-E1', { list: 'EPC', commsProvider: 'edmi', devices: [doc1] })).body.dateAddedToEpc).toBeDefined();
    expect((await admin('PUT', '/v1/admin/product-combinations/DOC-E1', { list: 'PPC', commsProvider: 'edmi', devices: [doc1] })).status).toBe(409);
    expect((await admin('PUT', '/v1/admin/product-combinations/DOC-E1', { list: 'EPC' })).status).toBe(400);
    expect((await admin('GET', '/v1/admin/product-combinations?list=EPC')).body.entries.length).toBeGreaterThan(0);
    expect((await admin('GET', '/v1/admin/product-combinations?list=XPC')).status).toBe(400);
    expect((await admin('POST', '/v1/admin/installations/DOC-I1:enrol')).status).toBe(409);
    expect((await admin('PUT', '/v1/admin/firmware-upgrades/DOC-S1', { paths: [{ from: '1.0', to: '2.0' }] })).body.paths).toHaveLength(1);
    expect((await admin('PUT', '/v1/admin/firmware-upgrades/DOC-S1', { paths: 1 })).status).toBe(400);
    expect((await admin('GET', '/v1/admin/firmware-upgrades/DOC-S1')).body.paths).toHaveLength(1);
    expect((await admin('GET', '/v1/admin/firmware-upgrades/NONE')).status).toBe(404);
    expect((await admin('GET', '/v1/admin/installations/DOC-I1/eligibility')).body.status).toBe('eligible_after_upgrade');
    expect((await admin('GET', '/v1/admin/installations/NONE/eligibility')).status).toBe(404);
    expect((await admin('POST', '/v1/admin/installations/NONE:enrol')).status).toBe(404);
    expect((await admin('GET', `/v1/admin/enrolment-report?supplier=${SUPPLIER}`)).body.counts.eligible_after_upgrade).toBe(1);
    expect((await admin('GET', '/v1/admin/enrolment-report')).status).toBe(400);
    await admin('PUT', '/v1/admin/devices/00-DB-12-34-56-78-00-D1', { ...doc1, status: 'InstalledNotCommissioned', generation: 'SMETS1', smets1Cohort: 'edmi', installationId: 'DOC-I1' });
    expect((await admin('POST', '/v1/admin/installations/DOC-I1:enrol')).body.devices).toEqual(['00-DB-12-34-56-78-00-D1']);
  });

  it('quarantine: release and delete', async () => {
    await admin('PUT', `/v1/admin/thresholds/users/${SUPPLIER}`, { rules: [{ srv: '4.1.2', limit: 1, windowSeconds: 60 }] });
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push((await submit(buildJsonRequest(read({ srv: '4.1.2' })))).body);
    const [toRelease, toDelete] = sent.slice(1).map((answer) => answer.quarantine.ref);
    const listed = await admin('GET', `/v1/admin/quarantine?userId=${SUPPLIER}&limit=1`);
    expect(listed.body.items.map((q: any) => q.ref)).toHaveLength(1);
    const rest = await admin('GET', `/v1/admin/quarantine?after=${encodeURIComponent(listed.body.next)}`);
    expect([...listed.body.items, ...rest.body.items].map((q: any) => q.ref).sort()).toEqual([toRelease, toDelete].sort());
    expect(listed.body.items[0]).toMatchObject({ userId: SUPPLIER, srv: '4.1.2', breach: 'user', destination: 'smets2/north' });
    expect((await admin('GET', '/v1/admin/quarantine?limit=0')).body.error.field).toBe('limit');
    // Decimal digits only: what Number() would also read is refused, naming the field and its range.
    for (const limit of ['1e2', '0x10', '%207', '7.0', '-1']) {
      const refused = await admin('GET', `/v1/admin/quarantine?limit=${limit}`);
      expect([refused.status, refused.body.error.field, refused.body.error.message], limit).toEqual([400, 'limit', expect.stringContaining('must be an integer from 1 to 1000')]);
    }
    expect((await admin('GET', '/v1/admin/quarantine?after=nonsense')).body.error.field).toBe('after');
    expect((await admin('GET', '/v1/admin/quarantine', undefined, 'wrong')).status).toBe(401);
    expect((await call('POST', `/v1/quarantine/${toRelease}/release`, { headers: signedHeaders('POST', `/v1/quarantine/${toRelease}/release`) })).body.state).toBe('accepted');
    expect((await admin('POST', `/v1/quarantine/${toDelete}/delete`)).body.state).toBe('deleted');
    expect((await admin('POST', `/v1/quarantine/${toDelete}/release`)).status).toBe(409);
    expect((await admin('POST', `/v1/quarantine/${toRelease}/delete`)).status).toBe(409);
    expect((await admin('POST', '/v1/quarantine/q1-0123456789abcdef/release')).status).toBe(404);
    expect((await admin('POST', '/v1/quarantine/q1-0123456789abcdef/delete')).status).toBe(404);
    expect((await admin('POST', `/v1/quarantine/${toDelete}/delete`, undefined, 'wrong')).status).toBe(401);
    expect((await admin('POST', `/v1/quarantine/${toDelete}/release`, undefined, 'wrong')).status).toBe(401);
    await admin('PUT', `/v1/admin/thresholds/users/${SUPPLIER}`, { rules: [] });
  });

  it('dead letters: listed and redriven', async () => {
    const user = '90-B3-D5-1F-30-0C-0C-0C';
    const device = '00-DB-12-34-56-78-0C-0C';
    const keys = newKeyPair();
    // Nothing listens on port 9: every delivery fails.
    await admin('PUT', `/v1/admin/users/${user}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem, receiveEndpoint: 'http://127.0.0.1:9/receive' });
    await admin('PUT', `/v1/admin/devices/${device}`, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: user });
    const own = new RouterClient(router.url, keys.privateKeyPem);
    const body = buildJsonRequest({ originatorId: user, targetId: device, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    expect((await submit(body, own.sign(body))).status).toBe(202);
    await expect.poll(async () => (await admin('GET', `/v1/admin/dead-letters?userId=${user}`)).body.items.length, { timeout: 10_000 }).toBe(1);
    const [letter] = (await admin('GET', `/v1/admin/dead-letters?userId=${user}`)).body.items;
    expect((await admin('GET', '/v1/admin/dead-letters?limit=1000')).body.items).toContainEqual(letter);
    expect((await admin('GET', '/v1/admin/dead-letters?userId=nobody')).body.error.field).toBe('userId');
    expect((await admin('GET', '/v1/admin/dead-letters', undefined, 'wrong')).status).toBe(401);
    expect((await admin('POST', '/v1/admin/dead-letters:redrive', { userId: user, id: letter.id })).body.redriven).toHaveLength(1);
    expect((await admin('POST', '/v1/admin/dead-letters:redrive', { userId: user, id: '1-0' })).status).toBe(404);
    expect((await admin('POST', '/v1/admin/dead-letters:redrive', { id: letter.id })).body.error.field).toBe('userId');
    expect((await admin('POST', '/v1/admin/dead-letters:redrive', { userId: user }, 'wrong')).status).toBe(401);
  });

  it('serves the DUIS XML services: signed XML in, signed sr:Response out, refusals documented', async () => {
    // The demo supplier's key, with a certificate of it registered for DUIS XML.
    const key = createPrivateKey(DEMO_PRIVATE_KEY_PEM);
    const certificatePem = selfSignedCertificate(key, 'openapi-demo', 4242n);
    const publicKeyPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }) as string;
    expect((await admin('PUT', `/v1/admin/users/${SUPPLIER}`, { roles: ['IS', 'GS'], status: 'active', publicKeyPem, certificatePem })).status).toBe(200);
    const signer = { key, issuerName: 'CN=openapi-demo', serialNumber: '4242' };
    const duis = (cv: number, srv: string, element: string, target = ESME) => signEnveloped(`<sr:Request xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4"><sr:Header><sr:RequestID>${SUPPLIER}:${target}:${nextCounter()}</sr:RequestID><sr:CommandVariant>${cv}</sr:CommandVariant><sr:ServiceReference>${srv.split('.').slice(0, 2).join('.')}</sr:ServiceReference><sr:ServiceReferenceVariant>${srv}</sr:ServiceReferenceVariant></sr:Header><sr:Body>${element}</sr:Body></sr:Request>`, signer);
    const xml = (service: string, body: string, contentType = 'application/xml') => call('POST', `/api/v1/service${service}`, { headers: { 'content-type': contentType }, body });
    expect((await xml('S', duis(1, '4.1.1', '<sr:ReadInstantaneousImportRegisters/>'))).status).toBe(202);
    expect((await xml('D', duis(2, '4.1.1', '<sr:ReadInstantaneousImportRegisters/>'))).status).toBe(200);
    expect((await xml('T', duis(4, '7.2', '<sr:DisableSupply/>'))).status).toBe(200);
    expect((await xml('D', duis(1, '4.1.1', '<sr:ReadInstantaneousImportRegisters/>'))).status).toBe(400);
    expect((await xml('S', '<sr:Request')).status).toBe(400);
    expect((await xml('S', 'x', 'text/plain')).status).toBe(415);
    const unsigned = (await xml('S', duis(1, '4.1.1', '<sr:ReadInstantaneousImportRegisters/>').replace(/<ds:Signature>[\s\S]*<\/ds:Signature>/, '')));
    expect(unsigned.status).toBe(401);
    expect(unsigned.text).toContain('<sr:Response');
    const certificate = await call('GET', '/v1/router-certificate.pem');
    expect(certificate.text).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('called every documented operation, each with its success answer', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const name = `${method.toUpperCase()} ${path}`;
        const success = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
        const statuses = new Set(seen.filter((s) => s.operation === name).map((s) => String(s.status)));
        expect(success.filter((status) => statuses.has(status)), `${name}: ${[...statuses]}`).toEqual(success);
      }
    }
  });
});
