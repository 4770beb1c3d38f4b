// gRPC as gRPC clients expect it (contract v1.1, "gRPC conventions"), against the real router under
// Bun: typed answers, refusals as status codes with the contract reason in google.rpc details,
// grpc.health.v1 tied to readiness, server reflection, the User's feed resumable from a cursor,
// TLS as configuration, and 503s as RESOURCE_EXHAUSTED / UNAVAILABLE with a retry delay.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, makeGenericClientConstructor, status as GrpcStatus, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJsonRequest, buildProtobufRequest, GrpcRouterClient, refusalOf, RouterClient, signBytes } from '@dccrouter/client';
import { SignedServiceRequest, SubmitResult, type dccrouter } from '@dccrouter/protocol';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin, ESME, metricTotal, newKeyPair, nextCounter, SUPPLIER } from '../support/fixtures.ts';

const require = createRequire(import.meta.url);
const FEED_USER = '90-B3-D5-1F-30-0D-00-01';
let router: RouterProcess;
let grpc: GrpcRouterClient;
let supplierKey: string;
let feedKeys: ReturnType<typeof newKeyPair>;
let dir: string;

beforeAll(async () => {
  router = await startRouterProcess({ VERIFY_THREADS: '1', SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20' });
  const admin = new Admin(router.url, router.adminToken);
  const keys = newKeyPair();
  expect((await admin.put(`/v1/admin/users/${SUPPLIER}`, { roles: ['IS', 'GS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
  grpc = new GrpcRouterClient(router.grpcAddress!, keys.privateKeyPem);
  supplierKey = keys.privateKeyPem;
  feedKeys = newKeyPair();
  expect((await admin.put(`/v1/admin/users/${FEED_USER}`, { roles: ['IS'], status: 'active', publicKeyPem: feedKeys.publicKeyPem })).status).toBe(200);
  await admin.device('00-DB-12-34-56-78-9D-01', { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: FEED_USER });
  dir = mkdtempSync(join(tmpdir(), 'dccrouter-grpc-'));
});

afterAll(async () => {
  grpc?.close();
  await router?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const read = (counter = nextCounter(), targetId = ESME) => ({ originatorId: SUPPLIER, targetId, counter, commandVariant: 1, srv: '4.1.1' });

/** Calls a unary method of a service loaded from a .proto, with a plain insecure channel. */
function unary<T>(client: Client, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => (client as unknown as Record<string, Function>)[method](request, (error: ServiceError | null, reply: T) => (error ? reject(error) : resolve(reply))));
}

describe('gRPC conventions', () => {
  it('answers an acknowledgement with its fields typed, and v1 status and JSON beside them', async () => {
    const counter = nextCounter();
    const result = await grpc.submit(grpc.signed(read(counter)));
    expect(result.status).toBe(202);
    expect(result.acknowledgement).toMatchObject({
      requestId: `${SUPPLIER}:${ESME}:${counter}`, responseCode: 'I99', route: { generation: 'SMETS2+', destination: 'smets2/north' },
    });
    expect(Number(result.acknowledgement!.trt!.budgetMs)).toBe(30_000);
    expect(result.acknowledgement!.trt!.deadline).toBe(result.answer.trt.deadline);
  });

  it('refuses with gRPC status codes carrying the contract reason, the DUIS code and, for 503s, a retry delay', async () => {
    const stub = (grpc as unknown as { stub: { submit: Function } }).stub;
    const raw = (request: unknown) => new Promise<ServiceError>((resolve, reject) =>
      stub.submit(request, (error: ServiceError | null) => (error ? resolve(error) : reject(new Error('acknowledged, not refused')))));
    const signed = grpc.signed(read());
    const forged = await raw({ ...grpc.signed(read()), signature: signed.signature });
    expect(forged.code).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(refusalOf(forged)).toMatchObject({ reason: 'signature_invalid', httpStatus: 401 });

    const unknownDevice = await raw(grpc.signed(read(nextCounter(), '00-DB-12-34-56-78-00-FF')));
    expect(unknownDevice.code).toBe(GrpcStatus.NOT_FOUND);
    expect(refusalOf(unknownDevice)).toMatchObject({ reason: 'device_not_found', responseCode: 'E19', httpStatus: 404 });
    expect(refusalOf(unknownDevice)!.status.errorInfo!.domain).toBe('dcc-router');

    const malformed = await raw({ body: Buffer.from('{"not":"a request"}'), signature: signed.signature, contentType: 'application/json' });
    expect(malformed.code).toBe(GrpcStatus.INVALID_ARGUMENT);

    // Each refusal names the field as router.proto has it, and what was wrong with it.
    const unsigned = await raw({ ...grpc.signed(read()), signature: '' });
    expect(unsigned.details).toBe('signature_invalid: the signature field is missing');
    const textPlain = await raw({ ...grpc.signed(read()), contentType: 'text/plain' });
    expect(textPlain.details).toBe('unsupported_media_type: content_type must be application/json or application/x-protobuf, got "text/plain"');
    const json = grpc.signed(read(), 'json');
    const jsonAsProtobuf = await raw({ body: json.body, signature: json.signature });
    expect(refusalOf(jsonAsProtobuf)!.reason).toBe('malformed_request');
    expect(jsonAsProtobuf.details).toMatch(/^malformed_request: body is not a dccrouter\.v1\.ServiceRequest: .+ \(read as protobuf; it looks like JSON: set its content_type to application\/json\)$/);

    // The SDK turns a status into the same refusal as over HTTP (another User's device: row 14),
    // header included: the same bytes sent over HTTP are refused with the same header fields.
    const othersDevice = grpc.signed(read(nextCounter(), '00-DB-12-34-56-78-9D-01'), 'json');
    const viaSdk = await grpc.submit(othersDevice);
    expect([viaSdk.status, viaSdk.answer.error.reason, viaSdk.answer.header.responseCode, viaSdk.grpcCode])
      .toEqual([403, 'not_authorised_for_device', 'E4', GrpcStatus.PERMISSION_DENIED]);
    const overHttp = await fetch(`${router.url}/v1/service-requests`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-dcc-signature': othersDevice.signature! }, body: othersDevice.body as unknown as BodyInit,
    });
    const httpHeader = (await overHttp.json()).header;
    expect(Object.keys(viaSdk.answer.header).sort()).toEqual(Object.keys(httpHeader).sort());
    expect(viaSdk.answer.header.requestId).toBe(httpHeader.requestId);
    expect(Date.parse(viaSdk.answer.header.responseDateTime)).toBeGreaterThan(0);
  });

  it('refuses a message that is no SignedServiceRequest as row 3, with its reason, and a stream goes on past it', async () => {
    // A client that sends bytes as they are, as a faulty or hostile one might.
    const same = (bytes: Buffer) => bytes;
    const method = (name: string, stream: boolean) => ({ path: `/dccrouter.v1.Router/${name}`, requestStream: stream, responseStream: stream, requestSerialize: same, requestDeserialize: same, responseSerialize: same, responseDeserialize: (bytes: Buffer) => SubmitResult.decode(bytes) });
    const Raw = makeGenericClientConstructor({ submit: method('Submit', false), submitStream: method('SubmitStream', true) }, 'Router');
    const raw = new Raw(router.grpcAddress!, credentials.createInsecure()) as unknown as Record<string, Function> & Client;
    try {
      const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]);
      const refused = await new Promise<ServiceError>((resolve, reject) => raw.submit(garbage, (error: ServiceError | null) => (error ? resolve(error) : reject(new Error('answered OK')))));
      expect([refused.code, refusalOf(refused)?.reason]).toEqual([GrpcStatus.INVALID_ARGUMENT, 'malformed_request']);
      expect(refused.details).toMatch(/^malformed_request: the message is not a dccrouter\.v1\.SignedServiceRequest: .+/);

      const valid = () => Buffer.from(SignedServiceRequest.encode(grpc.signed(read())).finish());
      const results = await new Promise<dccrouter.v1.SubmitResult[]>((resolve, reject) => {
        const call = raw.submitStream();
        const answers: dccrouter.v1.SubmitResult[] = [];
        call.on('data', (result: dccrouter.v1.SubmitResult) => answers.push(result));
        call.on('error', reject);
        call.on('end', () => resolve(answers));
        for (const message of [valid(), garbage, valid()]) call.write(message);
        call.end();
      });
      expect(results.map((result) => [result.status, result.refusal?.reason ?? ''])).toEqual([[202, ''], [400, 'malformed_request'], [202, '']]);
    } finally {
      raw.close();
    }
  });

  it('refuses a protobuf string that is not UTF-8 alike over HTTP and gRPC: the same bytes are one request either way', async () => {
    const bytes = Buffer.from(buildProtobufRequest({ ...read(), bodyValue: { Reading: 'Q' } }));
    bytes[bytes.lastIndexOf(Buffer.from('Q'))] = 0x80;
    const signature = signBytes(supplierKey, bytes);
    const overHttp = await fetch(`${router.url}/v1/service-requests`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'x-dcc-signature': signature }, body: bytes });
    const httpError = (await overHttp.json()).error;
    const overGrpc = await grpc.submit({ body: bytes, signature, contentType: 'application/x-protobuf' });
    expect([overHttp.status, httpError.reason, overGrpc.status, overGrpc.answer.error.reason]).toEqual([400, 'malformed_request', 400, 'malformed_request']);
    expect(httpError.message).toMatch(/body_json \(field 3\) is not valid UTF-8/);
  });

  it('keeps a stream going through refusals: each result carries its refusal', async () => {
    const signed = grpc.signed(read());
    const results = await grpc.submitMany([signed, { ...grpc.signed(read()), signature: signed.signature }]);
    expect(results.map((r) => r.status)).toEqual([202, 401]);
    expect(results[1].answer.error.reason).toBe('signature_invalid');
  });

  it('reads a SubmitStream no faster than its client reads the answers: one that only writes is held back, then answered in full', async () => {
    const answered = () => metricTotal(router.url, 'dccrouter_service_requests_total', 'transport="grpc"');
    const before = await answered();
    // A bare HTTP/2 client that writes and does not read (the SDK's would buffer the answers itself).
    const { connect } = await import('node:http2');
    const session = connect(`http://${router.grpcAddress}`);
    const call = session.request({ ':method': 'POST', ':path': '/dccrouter.v1.Router/SubmitStream', 'content-type': 'application/grpc', te: 'trailers' });
    call.pause();
    const SENT = 5_000;
    // Each an empty message (gRPC framing: not compressed, length 0), refused at once: what is
    // measured is how many the router reads while its answers are not read.
    for (let i = 0; i < SENT; i++) call.write(Buffer.alloc(5));
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await answered() - before).toBeLessThan(SENT / 2);
      // Read now: every request is answered.
      call.resume();
      call.on('data', () => undefined);
      call.end();
      await expect.poll(async () => await answered() - before, { timeout: 10_000 }).toBe(SENT);
    } finally {
      call.close();
      session.close();
    }
  }, 30_000);

  it('serves grpc.health.v1 SERVING while ready', async () => {
    const health = loadPackageDefinition(loadSync(require.resolve('grpc-health-check/proto/health/v1/health.proto'), { enums: String })) as any;
    const client = new health.grpc.health.v1.Health(router.grpcAddress, credentials.createInsecure());
    try {
      expect(await unary(client, 'check', { service: '' })).toEqual({ status: 'SERVING' });
      expect(await unary(client, 'check', { service: 'dccrouter.v1.Router' })).toEqual({ status: 'SERVING' });
      await expect(unary(client, 'check', { service: 'nope' })).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND });
    } finally {
      client.close();
    }
  });

  it('lists its services by server reflection, as grpcurl does', async () => {
    const reflection = loadPackageDefinition(loadSync(require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto'))) as any;
    const client = new reflection.grpc.reflection.v1.ServerReflection(router.grpcAddress, credentials.createInsecure());
    try {
      const services = await new Promise<string[]>((resolve, reject) => {
        const call = client.ServerReflectionInfo();
        call.on('data', (reply: any) => { resolve(reply.listServicesResponse.service.map((s: { name: string }) => s.name)); call.end(); });
        call.on('error', reject);
        call.write({ listServices: '' });
      });
      expect(services).toEqual(expect.arrayContaining(['dccrouter.v1.Router', 'grpc.health.v1.Health']));
      const described = await new Promise<any>((resolve, reject) => {
        const call = client.ServerReflectionInfo();
        call.on('data', (reply: any) => { resolve(reply); call.end(); });
        call.on('error', reject);
        call.write({ fileContainingSymbol: 'dccrouter.v1.Router' });
      });
      expect(described.fileDescriptorResponse.fileDescriptorProto.length).toBeGreaterThan(0);
    } finally {
      client.close();
    }
  });

  it('streams a User its responses, resumable from a cursor, and refuses a feed not signed by the User', async () => {
    const feedClient = new GrpcRouterClient(router.grpcAddress!, feedKeys.privateKeyPem);
    try {
      const device = '00-DB-12-34-56-78-9D-01';
      const requestIds: string[] = [];
      for (let i = 0; i < 3; i++) {
        const result = await feedClient.submit(feedClient.signed({ originatorId: FEED_USER, targetId: device, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' }));
        expect(result.status).toBe(202);
        requestIds.push(result.acknowledgement!.requestId!);
      }
      const take = (after: string, count: number) => new Promise<dccrouter.v1.IOutboxItem[]>((resolve, reject) => {
        const items: dccrouter.v1.IOutboxItem[] = [];
        const stream = feedClient.feed(FEED_USER, after);
        stream.on('data', (item: dccrouter.v1.IOutboxItem) => {
          items.push(item);
          if (items.length === count) { stream.cancel(); resolve(items); }
        });
        stream.on('error', (error: ServiceError) => (error.code === GrpcStatus.CANCELLED ? undefined : reject(error)));
      });
      const all = await take('', 3);
      expect(all.map((item) => item.kind)).toEqual(['response', 'response', 'response']);
      expect(all.map((item) => item.requestId).sort()).toEqual([...requestIds].sort());
      expect(JSON.parse(all[0].itemJson!)).toMatchObject({ cursor: all[0].cursor, kind: 'response', requestId: all[0].requestId });
      // A fourth response arrives while a resumed feed is open after the first two.
      const resumed = take(all[1].cursor!, 2);
      const fourth = await feedClient.submit(feedClient.signed({ originatorId: FEED_USER, targetId: device, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' }));
      const later = await resumed;
      expect(later.map((item) => item.requestId)).toEqual([all[2].requestId, fourth.acknowledgement!.requestId]);

      const forged = new GrpcRouterClient(router.grpcAddress!, newKeyPair().privateKeyPem);
      const refused = await new Promise<ServiceError>((resolve) => forged.feed(FEED_USER).on('error', resolve));
      forged.close();
      expect(refused.code).toBe(GrpcStatus.UNAUTHENTICATED);
      expect(refusalOf(refused)?.reason).toBe('signature_invalid');
      // A cursor the router never gave: the caller's mistake (as the pull's 400), not the store's.
      const badCursor = await new Promise<ServiceError>((resolve) => feedClient.feed(FEED_USER, 'not-a-cursor').on('error', resolve));
      expect([badCursor.code, refusalOf(badCursor)?.reason, refusalOf(badCursor)?.status.message]).toEqual([GrpcStatus.INVALID_ARGUMENT, 'malformed_request', 'after must be a cursor from an earlier answer, or a time in ms since the epoch']);
    } finally {
      feedClient.close();
    }
  });

  it('holds at most 8 feeds of a User open, and ends one once its User\'s key is replaced', async () => {
    const user = '90-B3-D5-1F-30-0D-00-02';
    const keys = newKeyPair();
    const admin = new Admin(router.url, router.adminToken);
    expect((await admin.put(`/v1/admin/users/${user}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
    const client = new GrpcRouterClient(router.grpcAddress!, keys.privateKeyPem);
    const ended: (ServiceError | undefined)[] = Array(8).fill(undefined);
    try {
      // One signature, eight feeds: each open (a first item or an idle wait), then a ninth refused.
      const timestamp = new Date().toISOString();
      const open = Array.from({ length: 8 }, (_, i) => {
        const stream = client.feed(user, '', timestamp);
        stream.on('error', (error: ServiceError) => { ended[i] = error; });
        return stream;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(ended).toEqual(Array(8).fill(undefined));
      const ninth = await new Promise<ServiceError>((resolve) => client.feed(user, '', timestamp).on('error', resolve));
      expect([ninth.code, refusalOf(ninth)?.reason]).toEqual([GrpcStatus.RESOURCE_EXHAUSTED, 'overloaded']);
      open[7].cancel();
      await expect.poll(() => ended[7]?.code).toBe(GrpcStatus.CANCELLED);
      // The operator replaces the key (a compromised one): the feeds it opened end, at their next look.
      expect((await admin.put(`/v1/admin/users/${user}`, { roles: ['IS'], status: 'active', publicKeyPem: newKeyPair().publicKeyPem })).status).toBe(200);
      await expect.poll(() => ended.slice(0, 7).map((error) => refusalOf(error!)?.reason), { timeout: 10_000, interval: 100 }).toEqual(Array(7).fill('signature_invalid'));
    } finally {
      client.close();
    }
  }, 20_000);

  it('ends a feed once its User is suspended, and refuses it a new one', async () => {
    const user = '90-B3-D5-1F-30-0D-00-03';
    const keys = newKeyPair();
    const admin = new Admin(router.url, router.adminToken);
    const record = { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem };
    expect((await admin.put(`/v1/admin/users/${user}`, record)).status).toBe(200);
    const client = new GrpcRouterClient(router.grpcAddress!, keys.privateKeyPem);
    try {
      let ended: ServiceError | undefined;
      client.feed(user, '').on('error', (error: ServiceError) => { ended = error; });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(ended).toBeUndefined();
      expect((await admin.put(`/v1/admin/users/${user}`, { ...record, status: 'suspended' })).status).toBe(200);
      await expect.poll(() => [ended?.code, refusalOf(ended!)?.reason], { timeout: 10_000, interval: 100 }).toEqual([GrpcStatus.PERMISSION_DENIED, 'user_not_active']);
      const refused = await new Promise<ServiceError>((resolve) => client.feed(user, '').on('error', resolve));
      expect([refused.code, refusalOf(refused)?.reason, refused.details]).toEqual([GrpcStatus.PERMISSION_DENIED, 'user_not_active',
        `user_not_active: User ${user} is suspended: its signed calls are refused until an operator makes it active again`]);
    } finally {
      client.close();
    }
  }, 20_000);

  it('gives each submission and stream the client\'s time limit as a gRPC deadline', async () => {
    // A peer that takes the connection and never answers: only the deadline ends the call. (Against
    // the router, a refusal could come back within even 1 ms over a connection already open.)
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const hasty = new GrpcRouterClient(`127.0.0.1:${(silent.address() as AddressInfo).port}`, newKeyPair().privateKeyPem, { timeoutMs: 200, retries: 0 });
    try {
      const started = performance.now();
      const late = await hasty.submit(hasty.signed({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' })).catch((error: ServiceError) => error);
      expect((late as ServiceError).code).toBe(GrpcStatus.DEADLINE_EXCEEDED);
      expect(performance.now() - started).toBeLessThan(5_000);
      // A stream too: submitMany does not wait for ever.
      const lateStream = await hasty.submitMany([hasty.signed({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' })])
        .catch((error: ServiceError) => error);
      expect((lateStream as ServiceError).code).toBe(GrpcStatus.DEADLINE_EXCEEDED);
    } finally {
      hasty.close();
      silent.close();
    }
  });

  it('serves gRPC over TLS when given a certificate and key', async () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
      '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    const tlsRouter = await startRouterProcess({ VERIFY_THREADS: '1', GRPC_TLS_CERT_FILE: cert, GRPC_TLS_KEY_FILE: key });
    try {
      const keys = newKeyPair();
      await new Admin(tlsRouter.url, tlsRouter.adminToken).put(`/v1/admin/users/${SUPPLIER}`, { roles: ['IS', 'GS'], status: 'active', publicKeyPem: keys.publicKeyPem });
      const secure = new GrpcRouterClient(tlsRouter.grpcAddress!, keys.privateKeyPem, { credentials: credentials.createSsl(readFileSync(cert)), retries: 0 });
      // The credentials third, the options fourth: the earlier form.
      const secureAsBefore = new GrpcRouterClient(tlsRouter.grpcAddress!, keys.privateKeyPem, credentials.createSsl(readFileSync(cert)), { retries: 0 });
      const plain = new GrpcRouterClient(tlsRouter.grpcAddress!, keys.privateKeyPem);
      try {
        expect((await secure.submit(secure.signed(read()))).status).toBe(202);
        expect((await secureAsBefore.submit(secureAsBefore.signed(read()))).status).toBe(202);
        await expect(plain.submit(plain.signed(read()))).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE });
      } finally {
        secure.close();
        secureAsBefore.close();
        plain.close();
      }
    } finally {
      await tlsRouter.stop();
    }
  });
});

describe('gRPC message size', () => {
  it('reads a message with a body up to MAX_BODY_BYTES, past grpc-js\'s 4 MiB, and judges it as HTTP does', async () => {
    const large = await startRouterProcess({ VERIFY_THREADS: '1', MAX_BODY_BYTES: String(6 * 1024 * 1024) });
    const client = new GrpcRouterClient(large.grpcAddress!, newKeyPair().privateKeyPem, undefined, { retries: 0 });
    try {
      const stub = (client as unknown as { stub: { submit: Function } }).stub;
      const submit = (bytes: number) => new Promise<ServiceError | null>((resolve) =>
        stub.submit({ body: Buffer.alloc(bytes, 0x20), signature: 'AA==', contentType: 'application/json' }, (error: ServiceError | null) => resolve(error)));
      // 5 MiB of blanks: within the router's limit, so the pipeline's row 3, not the transport's refusal.
      const withinLimit = await submit(5 * 1024 * 1024);
      expect(withinLimit?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
      expect(refusalOf(withinLimit!)).toMatchObject({ reason: 'malformed_request', httpStatus: 400 });
    } finally {
      client.close();
      await large.stop();
    }
  });
});

describe('gRPC 503s', () => {
  // A router on its own redis-server that admits one request at a time: concurrent calls are
  // refused overloaded, and stopping its Redis leaves the store unreachable.
  let busy: RouterProcess;
  let redis: OwnRedis;
  let client: GrpcRouterClient;
  let signer: RouterClient;

  beforeAll(async () => {
    redis = await startOwnRedis('grpc-503');
    busy = await startRouterProcess({ VERIFY_THREADS: '1', MAX_INFLIGHT: '1', REDIS_URL: redis.url });
    const admin = new Admin(busy.url, busy.adminToken);
    const keys = newKeyPair();
    expect((await admin.put(`/v1/admin/users/${SUPPLIER}`, { roles: ['IS', 'GS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
    await admin.device(ESME, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: SUPPLIER });
    // No resubmission: the refusals themselves are looked at.
    client = new GrpcRouterClient(busy.grpcAddress!, keys.privateKeyPem, undefined, { retries: 0 });
    signer = new RouterClient(busy.url, keys.privateKeyPem);
  });

  afterAll(async () => {
    client?.close();
    await busy?.stop();
    await redis?.dispose();
  });

  /** One call through the raw stub: its status error, or null when it was acknowledged. */
  const call = (request: unknown) => new Promise<ServiceError | null>((resolve) =>
    (client as unknown as { stub: { submit: Function } }).stub.submit(request, (error: ServiceError | null) => resolve(error)));

  /** The HTTP answer's Retry-After for an overloaded refusal of the same router, in ms. */
  async function httpRetryAfterMs(): Promise<number> {
    for (let round = 0; round < 20; round++) {
      const bodies = Array.from({ length: 20 }, () => buildJsonRequest(read()));
      const answers = await Promise.all(bodies.map((body) => fetch(`${busy.url}/v1/service-requests`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-dcc-signature': signer.sign(body) }, body,
      })));
      const refused = answers.find((answer) => answer.status === 503);
      await Promise.all(answers.map((answer) => answer.arrayBuffer()));
      if (refused) return Number(refused.headers.get('retry-after')) * 1000;
    }
    throw new Error('no HTTP request was refused overloaded');
  }

  it('refuses calls past MAX_INFLIGHT with RESOURCE_EXHAUSTED, reason overloaded and the HTTP Retry-After as RetryInfo', async () => {
    let refused: ServiceError | undefined;
    // Concurrent calls on one channel reach the admission check in the same turn; the first is admitted.
    for (let round = 0; round < 20 && !refused; round++) {
      const errors = await Promise.all(Array.from({ length: 20 }, () => call(client.signed(read()))));
      refused = errors.find((error) => error !== null) ?? undefined;
    }
    expect(refused, 'no call was refused').toBeDefined();
    expect(refused!.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    const refusal = refusalOf(refused!)!;
    expect(refusal).toMatchObject({ reason: 'overloaded', httpStatus: 503 });
    expect(refusal.status.errorInfo!.domain).toBe('dcc-router');
    expect(refusal.status.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(refusal.status.retryDelayMs).toBeGreaterThan(0);
    expect(refusal.status.retryDelayMs).toBe(await httpRetryAfterMs());
    // Counted, but kept out of the latency histogram (as over HTTP): near-zero refusals would pull its p99 down.
    const metrics = await (await fetch(`${busy.url}/metrics`)).text();
    const overloaded = Number(/^dccrouter_service_requests_total\{outcome="overloaded",transport="grpc"\} (\d+)$/m.exec(metrics)?.[1]);
    expect(overloaded).toBeGreaterThan(0);
    const total = (pattern: RegExp) => [...metrics.matchAll(pattern)].reduce((sum, match) => sum + Number(match[1]), 0);
    const answered = total(/^dccrouter_service_requests_total\{[^}]*\} (\d+)$/gm);
    const refusedOverloaded = total(/^dccrouter_service_requests_total\{outcome="overloaded",[^}]*\} (\d+)$/gm);
    expect(Number(/^dccrouter_service_request_duration_seconds_count (\d+)$/m.exec(metrics)?.[1])).toBeLessThanOrEqual(answered - refusedOverloaded);
  });

  it('refuses with UNAVAILABLE, reason state_unavailable and a retry delay while Redis is down', async () => {
    expect(await call(client.signed(read()))).toBeNull();
    await redis.stop();
    const started = Date.now();
    const refused = await call(client.signed(read()));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(refused?.code).toBe(GrpcStatus.UNAVAILABLE);
    const refusal = refusalOf(refused!)!;
    expect(refusal).toMatchObject({ reason: 'state_unavailable', httpStatus: 503, status: { code: GrpcStatus.UNAVAILABLE } });
    // The same delay as the HTTP answer's Retry-After during the outage.
    const body = buildJsonRequest(read());
    const overHttp = await fetch(`${busy.url}/v1/service-requests`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dcc-signature': signer.sign(body) }, body });
    // What the store said (its address among it) is the operators' to read in the log, not the User's.
    expect(((await overHttp.json()) as any).error).toEqual({ reason: 'state_unavailable', message: 'the state store is unreachable, nothing was accepted' });
    expect(refused?.details).toBe('state_unavailable: the state store is unreachable, nothing was accepted');
    const retryAfterMs = Number(overHttp.headers.get('retry-after')) * 1000;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(refusal.status.retryDelayMs).toBe(retryAfterMs);
    // The SDK reads the same refusal from the status, with the delay to wait.
    const viaSdk = await client.submit(client.signed(read()));
    expect([viaSdk.status, viaSdk.answer.error.reason, viaSdk.grpcCode, viaSdk.retryDelayMs]).toEqual([503, 'state_unavailable', GrpcStatus.UNAVAILABLE, retryAfterMs]);
    // A stream's refusal is an item, not a status: it says the same delay in retry_after_ms.
    const [streamed] = await client.submitMany([client.signed(read())]);
    expect([streamed.status, streamed.answer.error.reason, streamed.retryDelayMs]).toEqual([503, 'state_unavailable', retryAfterMs]);
  });
});
