import type { Context } from 'hono';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { parseEui, refuse } from '@dccrouter/domain';
import { StateUnavailableError, type StateStore } from '@dccrouter/state';
import { adminRoutes, scraperGate, type AdminDeps } from '../admin/index.ts';
import { routerProtoText } from '@dccrouter/protocol';
import { batchShapeProblem, parseJsonBatch, parseProtobufBatch, type BatchItem } from '../decode/batch.ts';
import { mediaTypeOf, requestFormat, type RequestFormat } from '../decode/index.ts';
import type { OutboxWatch } from '../delivery/outbox-watch.ts';
import { throttledWarn, type Logger } from '../log/index.ts';
import type { RouterMetrics, Transport } from '../metrics/index.ts';
import { internalErrorAnswer, refusalAnswer, type Answer } from '../pipeline/answers.ts';
import { admissionRefusal, overloaded, shuttingDown, tooLarge, unsupportedMediaType, type ServiceRequestPipeline } from '../pipeline/index.ts';
import { BodyAbortedError, BodyTooSlowError, readBodyLimited } from './body.ts';
import { decodeSignatureHeader, type SignatureVerifier } from '../auth/verifier.ts';
import { userRoutes } from '../user-api/index.ts';
import { tadRoutes } from '../tad/routes.ts';
import type { QuarantineDesk } from '../tad/quarantine.ts';
import { DOCS_PAGE, documented, openApiDocument } from '../openapi/index.ts';
import { documentServiceRoutes } from '../openapi/service-routes.ts';
import type { RouterCertificate } from '../duis-xml/certificate.ts';
import { XML_TYPE, xmlAnswer } from '../duis-xml/response.ts';
import type { DuisWebService } from '@dccrouter/domain';

export interface EdgeDeps extends AdminDeps {
  pipeline: ServiceRequestPipeline;
  quarantine: QuarantineDesk;
  verifier: SignatureVerifier;
  store: StateStore;
  metrics: RouterMetrics;
  log: Logger;
  maxBodyBytes: number;
  /** How long a Service Request's (or batch's) body may take to arrive. */
  bodyTimeoutMs: number;
  batchMaxItems: number;
  batchMaxBytes: number;
  /** True once shutdown began: new work is refused, in-flight work is answered. */
  draining: () => boolean;
  /** True once readiness is off (the pre-stop delay, then draining). */
  leaving: () => boolean;
  /** Which of the router processes sharing the port this is (ROUTER_PROCESSES), named by /healthz. */
  processIndex: number;
  /** When set, /metrics answers only `Authorization: Bearer <it>` (METRICS_TOKEN). */
  metricsToken?: string;
  /** The router's public key (SPKI PEM): webhook receivers check its signatures with it. */
  routerPublicKeyPem: string;
  /** The certificate of that key: it signs DUIS XML answers (GET /v1/router-certificate.pem). */
  routerCertificate: RouterCertificate;
  /** Wakes pulls that wait (`GET /v1/responses?wait=`). */
  outboxWatch: OutboxWatch;
}

function send(c: Context, answer: Answer): Response {
  return c.body(answer.body, answer.status as 200, { 'content-type': 'application/json', ...answer.headers });
}

/**
 * A batch authenticated once (contract v1.1): X-DCC-User and X-DCC-Batch-Signature over the whole
 * body's bytes. Answers the User it is signed by, a refusal of the whole batch (401
 * signature_invalid), or undefined when neither header is sent (every item then carries its own
 * signature). The signature is checked through the same worker pool as the items' signatures, and
 * checked even with VERIFY_SIGNATURES=false, like a User's signed call: one check per batch.
 */
async function authenticateBatch(c: Context, deps: EdgeDeps, bytes: Uint8Array): Promise<{ userId: string } | Answer | undefined> {
  const userHeader = c.req.header('x-dcc-user');
  const signatureHeader = c.req.header('x-dcc-batch-signature');
  if (userHeader === undefined && signatureHeader === undefined) return undefined;
  const refused = (message: string) => refusalAnswer(refuse('signature_invalid', message));
  const userId = parseEui(userHeader);
  if (!userId) return refused('X-DCC-User is missing or not an EUI-64');
  const signature = decodeSignatureHeader(signatureHeader);
  if (!signature) return refused(`X-DCC-Batch-Signature ${signatureHeader ? 'is not base64' : 'is missing'}`);
  const user = await deps.directory.user(userId);
  if (!user) return refused(`X-DCC-User ${userId} is not a registered User`);
  if (!(await deps.verifier.verify(user.publicKeyPem, bytes, signature))) {
    return refused("X-DCC-Batch-Signature is not a valid signature of the batch's body by the key of X-DCC-User");
  }
  return { userId };
}

/** A single submission's transport label, by the format its Content-Type names ('http' when none). */
function singleTransport(format: RequestFormat | undefined): Transport {
  return format === 'json' ? 'http-json' : format === 'protobuf' ? 'http-protobuf' : 'http';
}

/** The Service Request routes' transport label, by path and, for a single submission, its Content-Type, as the route labels it. */
function serviceTransportOf(path: string, contentType: string | undefined): Transport | undefined {
  if (path === '/v1/service-requests') return singleTransport(requestFormat(contentType));
  if (path === '/v1/service-requests:batch') return 'http-batch';
  return /^\/api\/v1\/service[SDT]$/.test(path) ? 'http-xml' : undefined;
}

const SERVICE = ['Service'];
const text = (description: string, type = 'text/plain') => ({ description, content: { [type]: { schema: z.string() } } });

export function createApp(deps: EdgeDeps): OpenAPIHono {
  const { pipeline, metrics, log } = deps;
  const app = new OpenAPIHono();
  documentServiceRoutes(app);
  const storeTrouble = throttledWarn(log);
  // The metrics name Users (webhook lag) and show the load: where Users reach this port, only a scraper holding the token reads them.
  const scraperRefusal = scraperGate(deps.metricsToken);

  app.onError((cause, c) => {
    // A Service Request that ends here is counted too, by what it was answered (no latency: its start is the handler's).
    const transport = serviceTransportOf(c.req.path, c.req.header('content-type'));
    const counted = (reason: string) => {
      if (transport) metrics.count(reason, transport);
    };
    if (cause instanceof BodyAbortedError) {
      // The client went away mid-body: nothing was read, nothing is done, and nobody may hear the answer.
      log.info({ path: c.req.path, reason: cause.message },
        cause instanceof BodyTooSlowError ? 'request body given up: too slow to arrive' : 'client closed the connection before its body was read');
      counted('malformed_request');
      const answer = refusalAnswer(refuse('malformed_request', cause.message));
      // What is left of a body given up is not read on: the connection ends with the answer.
      if (cause instanceof BodyTooSlowError) answer.headers = { ...answer.headers, connection: 'close' };
      return send(c, answer);
    }
    if (cause instanceof StateUnavailableError) {
      counted('state_unavailable');
      // Its words (the store's address) are the operators', logged; the caller is told what to do.
      storeTrouble('store', { err: cause, path: c.req.path }, 'the state store failed a call');
      return send(c, refusalAnswer(refuse('state_unavailable', storeTroubleMessage(cause, c.req.method, c.req.path))));
    }
    log.error({ err: cause, path: c.req.path }, 'unhandled error');
    counted('internal_error');
    return send(c, internalErrorAnswer());
  });

  app.post('/v1/service-requests', async (c) => {
    const startedAt = performance.now();
    const format = requestFormat(c.req.header('content-type'));
    const transport = singleTransport(format);
    // Saturation is judged before the body is read, so a refusal costs almost nothing.
    const refused = admissionRefusal(deps, transport);
    if (refused) return send(c, refused);
    try {
      let answer: Answer;
      if (!format) answer = unsupportedMediaType(c.req.header('content-type'));
      else {
        const body = await readBodyLimited(c.req.raw, deps.maxBodyBytes, deps.bodyTimeoutMs);
        answer = body === 'too_large'
          ? tooLarge(deps.maxBodyBytes)
          : await pipeline.submit({ format, body, signature: c.req.header('x-dcc-signature') });
      }
      metrics.observe(answer.outcome, startedAt, transport);
      return send(c, answer);
    } finally {
      pipeline.release();
    }
  });

  // DUIS XML ingress: the DCC User Interface's three web services, answered in signed DUIS XML.
  const sendXml = (c: Context, answer: Answer): Response => {
    const { body, headers } = xmlAnswer(answer.body, answer.about, deps.routerCertificate.signer, answer.senderAuthenticated === true);
    return c.body(body, answer.status as 200, { ...answer.headers, ...headers });
  };
  for (const webService of ['S', 'D', 'T'] as const satisfies readonly DuisWebService[]) {
    app.post(`/api/v1/service${webService}`, async (c) => {
      const startedAt = performance.now();
      const refused = admissionRefusal(deps, 'http-xml');
      if (refused) return sendXml(c, refused);
      try {
        let answer: Answer;
        // These services take DUIS XML only (row 1 otherwise).
        if (mediaTypeOf(c.req.header('content-type')) !== XML_TYPE) {
          answer = refusalAnswer(refuse('unsupported_media_type', `the DUIS web services take ${XML_TYPE} only`));
        } else {
          const body = await readBodyLimited(c.req.raw, deps.maxBodyBytes, deps.bodyTimeoutMs);
          answer = body === 'too_large' ? tooLarge(deps.maxBodyBytes) : await pipeline.submit({ format: 'xml', body, signature: undefined, webService });
        }
        metrics.observe(answer.outcome, startedAt, 'http-xml');
        return sendXml(c, answer);
      } finally {
        pipeline.release();
      }
    });
  }

  app.post('/v1/service-requests:batch', async (c) => {
    // A batch refused whole counts as its refusal (not in the latency histogram, whose samples are
    // requests): once before its items are read, once per item after (an overloaded batch of 500
    // is 500 requests refused, as the deploy kit's overload ratio counts them).
    const refuseBatch = (answer: Answer, requests = 1) => {
      metrics.count(answer.outcome, 'http-batch', requests);
      return send(c, answer);
    };
    if (deps.draining()) return refuseBatch(shuttingDown());
    const format = requestFormat(c.req.header('content-type'));
    if (!format) return refuseBatch(unsupportedMediaType(c.req.header('content-type')));
    // Its body is read holding one place in flight (refused before up to BATCH_MAX_BYTES are read
    // when there is none), so concurrent batches being read count against MAX_INFLIGHT too.
    if (!pipeline.admit()) return refuseBatch(overloaded('too many requests in flight'));
    let items: BatchItem[] | string;
    let bytes: Uint8Array | 'too_large';
    try {
      bytes = await readBodyLimited(c.req.raw, deps.batchMaxBytes, deps.bodyTimeoutMs);
      if (bytes === 'too_large') return refuseBatch(tooLarge(deps.batchMaxBytes));
      // Scanned before it is parsed: millions of items or members would otherwise cost seconds and gigabytes, unauthenticated.
      const misshapen = batchShapeProblem(format, bytes, deps.batchMaxItems);
      if (misshapen) return refuseBatch(refusalAnswer(refuse(misshapen.reason, misshapen.message)));
      items = format === 'json' ? parseJsonBatch(bytes) : parseProtobufBatch(bytes);
    } finally {
      pipeline.release();
    }
    if (typeof items === 'string') return refuseBatch(refusalAnswer(refuse('malformed_request', items)));
    if (items.length > deps.batchMaxItems) {
      return refuseBatch(refusalAnswer(refuse('body_too_large', `a batch holds at most ${deps.batchMaxItems} requests, got ${items.length}`)));
    }
    // Its items take over the place its read held, with no await between (a shutdown that began
    // meanwhile waits for them, as for a single request admitted before it).
    if (!pipeline.admit(items.length)) return refuseBatch(overloaded('too many requests in flight'), items.length);
    let results: Answer[];
    try {
      // Signed once: the one signature is checked before any item, and refuses the batch whole.
      const signedBy = await authenticateBatch(c, deps, bytes);
      if (signedBy && 'status' in signedBy) return refuseBatch(signedBy, items.length);
      const authenticatedAs = signedBy?.userId;
      // Every item is handed over in this one synchronous loop, none awaited before the next, so
      // their signature checks reach the verifier in the same turn (one hand-off to a worker) and
      // their acceptances reach the store's batcher together (one script call per partition).
      results = await Promise.all(items.map((item) => {
        const startedAt = performance.now();
        // A batch signed once covers the item's bytes; any signature of its own is not consulted.
        const submitted = authenticatedAs === undefined ? item : { ...item, signature: undefined, authenticatedAs };
        // A fault is its item's answer alone: the batch's other items are answered (and may be recorded).
        return pipeline.submitItem(submitted, deps.maxBodyBytes).catch((error: unknown) => {
          log.error({ err: error, path: c.req.path }, 'unhandled error in a batch item');
          return internalErrorAnswer();
        }).then((answer) => {
          metrics.observe(answer.outcome, startedAt, 'http-batch');
          return answer;
        });
      }));
    } finally {
      pipeline.release(items.length);
    }
    // Each answer is already JSON text: splice them in rather than parse and re-serialise.
    const body = `{"results":[${results.map((r) => `{"status":${r.status},"answer":${r.body}}`).join(',')}]}`;
    // An item refused 503 asks its client to wait, as a single request's answer does (contract: "503 + Retry-After").
    const retryAfter = results.find((r) => r.headers?.['retry-after'])?.headers!['retry-after'];
    return c.body(body, 200, retryAfter ? { 'content-type': 'application/json', 'retry-after': retryAfter } : { 'content-type': 'application/json' });
  });

  documented(app, {
    method: 'get', path: '/v1/router.proto', tags: SERVICE, summary: 'The protobuf messages and gRPC service',
    responses: { 200: text('router.proto') },
  }, (c) => c.body(routerProtoText(), 200, { 'content-type': 'text/plain; charset=utf-8' }));

  // Tells which process answered, so several processes behind one port can be seen (and debugged).
  documented(app, {
    method: 'get', path: '/healthz', tags: SERVICE, summary: 'The process is up',
    responses: {
      200: {
        description: 'Up; X-Router-Process names which of the processes sharing the port answered',
        headers: { 'X-Router-Process': { schema: { type: 'string' } } },
        content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
      },
    },
  }, (c) => c.json({ status: 'ok' }, 200, { 'x-router-process': String(deps.processIndex) }));

  documented(app, {
    method: 'get', path: '/readyz', tags: SERVICE, summary: 'The state store is reachable',
    responses: {
      200: { description: 'Ready', content: { 'application/json': { schema: z.object({ status: z.literal('ready'), store: z.enum(['memory', 'redis']) }) } } },
      503: {
        description: 'Draining, or the store is unreachable',
        content: { 'application/json': { schema: z.object({ status: z.enum(['draining', 'unavailable']), store: z.enum(['memory', 'redis']).optional(), message: z.string().optional() }) } },
      },
    },
  }, async (c) => {
    if (deps.leaving()) return c.json({ status: 'draining' }, 503);
    try {
      await deps.store.ping();
      return c.json({ status: 'ready', store: deps.store.kind });
    } catch (cause) {
      // The store's words (its address) to the log; the probe is told only that it is unavailable.
      storeTrouble('readyz', { err: cause }, 'readiness: the state store did not answer');
      return c.json({ status: 'unavailable', store: deps.store.kind, message: 'the state store did not answer' }, 503);
    }
  });

  documented(app, {
    method: 'get', path: '/metrics', tags: SERVICE, summary: 'Prometheus metrics',
    responses: { 200: text('Prometheus text exposition format'), 401: text('METRICS_TOKEN is set and the request does not carry it', 'application/json') },
  }, async (c) => {
    const refused = scraperRefusal(c);
    if (refused) return refused;
    return c.body(await metrics.exposition(), 200, { 'content-type': metrics.registry.contentType, 'x-router-process': String(deps.processIndex) });
  });

  documented(app, {
    method: 'get', path: '/v1/router-public-key.pem', tags: ['Webhooks'], summary: "The router's public key: it checks webhook signatures",
    description: 'SPKI PEM of the P-256 key whose signatures every webhook POST carries in X-DCC-Router-Signature (see "Webhook signatures").',
    responses: { 200: text('SPKI PEM', 'application/x-pem-file') },
  }, (c) => c.body(deps.routerPublicKeyPem, 200, { 'content-type': 'application/x-pem-file' }));

  documented(app, {
    method: 'get', path: '/v1/router-certificate.pem', tags: ['Webhooks'], summary: "The router's certificate: its DUIS XML signatures name it",
    description: 'PEM X.509 certificate of the same P-256 key: the ds:X509IssuerSerial of every DUIS XML answer and XML webhook names it (ROUTER_SIGNING_CERTIFICATE, or self-signed from ROUTER_SIGNING_KEY).',
    responses: { 200: text('PEM X.509 certificate', 'application/x-pem-file') },
  }, (c) => c.body(deps.routerCertificate.pem, 200, { 'content-type': 'application/x-pem-file' }));

  // Generated once, on first request, when every route is registered.
  let document: string | undefined;
  documented(app, {
    method: 'get', path: '/v1/openapi.json', tags: SERVICE, summary: 'This document (OpenAPI 3.1)',
    responses: { 200: { description: 'The OpenAPI document', content: { 'application/json': { schema: z.looseObject({ openapi: z.string() }) } } } },
  }, (c) => c.body(document ??= JSON.stringify(openApiDocument(app)), 200, { 'content-type': 'application/json' }));

  documented(app, {
    method: 'get', path: '/v1/docs', tags: SERVICE, summary: 'This document as a page (self-contained HTML)',
    responses: { 200: text('An HTML page rendering /v1/openapi.json', 'text/html') },
  }, (c) => c.html(DOCS_PAGE));

  app.route('/v1/admin', adminRoutes(deps));
  app.route('/v1', userRoutes(deps));
  app.route('/v1', tadRoutes(deps));
  const methodsOf = routeMethods(app);
  app.notFound((c) => {
    // A path the router serves, by another method: 405 naming those it takes (RFC 9110), not 404.
    const allowed = methodsOf(c.req.path);
    if (allowed.length > 0) {
      return c.json({ error: { reason: 'method_not_allowed', message: `${c.req.method} is not allowed on ${c.req.path}; it takes ${allowed.join(', ')}` } }, 405, { allow: allowed.join(', ') });
    }
    // A simulated network's destination ("smets2/north") sent with its "/" as it is: say how it goes.
    const slash = c.req.path.lastIndexOf('/');
    const encoded = `${c.req.path.slice(0, slash)}%2F${c.req.path.slice(slash + 1)}`;
    const hint = c.req.path.startsWith('/v1/admin/simulators/') && methodsOf(encoded).length > 0 ? `: percent-encode the destination's "/", ${encoded}` : '';
    return c.json({ error: { reason: 'not_found', message: `no route ${c.req.method} ${c.req.path}${hint}` } }, 404);
  });
  return app;
}

/** The methods each route path is served by (middleware aside), as a lookup by a request's path. */
function routeMethods(app: OpenAPIHono): (path: string) => string[] {
  const routes = app.routes
    .filter((route) => route.method !== 'ALL')
    // A segment ':name' (with an optional '{pattern}') is a parameter; ':' inside a segment ('service-requests:batch') is not.
    .map((route) => ({ method: route.method, path: new RegExp(`^${route.path.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`) }));
  return (path) => [...new Set(routes.filter((route) => route.path.test(path)).map((route) => route.method))];
}

/** What a caller is told of a call the state store failed: why, where Redis said, and whether anything may have changed. */
function storeTroubleMessage(cause: StateUnavailableError, method: string, path: string): string {
  const read = method === 'GET' || method === 'HEAD';
  // Reachable, but refusing what it was sent (out of memory, a read-only replica, still loading, ...).
  if (cause.refused) {
    // A pull marks what it delivers: a write, refused with the rest.
    if (path === '/v1/responses') return `the state store is refusing writes (${cause.refused}), which this read makes too (marking what it delivers): repeat the call once it takes them again`;
    return read
      ? `the state store is refusing calls (${cause.refused}): repeat the call once it takes them again`
      : `the state store is refusing writes (${cause.refused}); a change may have landed in part: read it back, or repeat the call, once it takes them again`;
  }
  return read
    ? 'the state store is unreachable: repeat the call once it is back'
    : 'the state store is unreachable; a change may have landed in part: read it back, or repeat the call, once the store is back';
}
