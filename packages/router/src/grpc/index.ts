import { readFileSync } from 'node:fs';
import { Server, ServerCredentials, setLogger, type ServerDuplexStream, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as HEALTH_PROTO_PATH } from 'grpc-health-check';
import { refuse } from '@dccrouter/domain';
import { ROUTER_PROTO_PATH, ROUTER_SERVICE, SignedServiceRequest, type dccrouter } from '@dccrouter/protocol';
import type { StateStore } from '@dccrouter/state';
import type { SignatureVerifier } from '../auth/verifier.ts';
import type { UserLookup } from '../auth/user-call.ts';
import { requestFormat } from '../decode/index.ts';
import type { OutboxWatch } from '../delivery/outbox-watch.ts';
import type { Logger } from '../log/index.ts';
import type { RouterMetrics } from '../metrics/index.ts';
import { admissionRefusal, type Answer, type FieldNames, type ServiceRequestPipeline } from '../pipeline/index.ts';
import { INTERNAL_ERROR, refusalAnswer } from '../pipeline/answers.ts';
import { refusalStatus, submitResult } from './answers.ts';
import { serveFeed } from './feed.ts';

/** A fault, not an answer: the status of HTTP's 500 (`internal_error`), its cause in the log only. */
const internalError = () => refusalStatus({ refusal: { httpStatus: 500, ...INTERNAL_ERROR } });

type Signed = dccrouter.v1.ISignedServiceRequest;
type Result = dccrouter.v1.ISubmitResult;

/** A message that is no SignedServiceRequest: why it did not decode. */
interface Undecodable {
  undecodable: string;
}

/**
 * The service as the server reads it: a message that does not decode is handed on as Undecodable,
 * to be refused as row 3 like any malformed body. grpc-js answers a throwing deserializer with
 * INTERNAL and no contract reason, and ends a SubmitStream with it.
 */
const SERVED_SERVICE = (() => {
  const requestDeserialize = (bytes: Buffer): Signed | Undecodable => {
    try {
      return SignedServiceRequest.decode(bytes);
    } catch (error) {
      return { undecodable: (error as Error).message };
    }
  };
  return { ...ROUTER_SERVICE, submit: { ...ROUTER_SERVICE.submit, requestDeserialize }, submitStream: { ...ROUTER_SERVICE.submitStream, requestDeserialize } };
})();

export interface GrpcDeps {
  pipeline: ServiceRequestPipeline;
  metrics: RouterMetrics;
  log: Logger;
  store: StateStore;
  /** Finds the User of a signed call (a feed's). */
  directory: UserLookup;
  verifier: SignatureVerifier;
  maxBodyBytes: number;
  draining: () => boolean;
  /** Readiness off (pre-stop delay or draining): health answers NOT_SERVING. */
  leaving: () => boolean;
  /** Wakes a feed when its User's outbox grows. */
  outboxWatch: OutboxWatch;
}

export interface GrpcTls {
  certFile: string;
  keyFile: string;
}

export interface GrpcServer {
  port: number;
  /** Ends feeds and lets calls in progress finish; those still open after `forceAfterMs` are cut off. */
  stop(forceAfterMs: number): Promise<void>;
  /** Sets health to NOT_SERVING now (readiness off), without stopping. */
  leaveRotation(): void;
}

const SERVICE_NAME = 'dccrouter.v1.Router';
/** How often the health service asks the store whether the router is ready. */
const HEALTH_CHECK_MS = 1_000;
/** How a refusal names a submission's fields: as router.proto does. */
const GRPC_FIELDS: FieldNames = { signature: 'the signature field', contentType: 'content_type' };

/** Requests of one SubmitStream read and not answered yet, at most. */
const STREAM_UNANSWERED_MAX = 256;

/** grpc-js's default receive limit, kept as the floor. */
const GRPC_DEFAULT_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Room for a message's other fields (signature, content type) and framing beside a body of the largest size. */
const SIGNED_MESSAGE_MARGIN_BYTES = 64 * 1024;

/** The largest message the gRPC server reads: a body of MAX_BODY_BYTES with its signature always fits. */
export function grpcMessageLimit(maxBodyBytes: number): number {
  return Math.max(GRPC_DEFAULT_MESSAGE_BYTES, maxBodyBytes + SIGNED_MESSAGE_MARGIN_BYTES);
}

/**
 * The gRPC ingress (`dccrouter.v1.Router` of router.proto): each SignedServiceRequest goes through
 * the same admission and pipeline as over HTTP. Beside it, `grpc.health.v1.Health` (SERVING while
 * ready, as /readyz) and server reflection (v1 and v1alpha), so grpcurl and load balancers work.
 */
export async function startGrpcServer(deps: GrpcDeps, host: string, port: number, tls?: GrpcTls): Promise<GrpcServer> {
  const { pipeline, metrics } = deps;
  // grpc-js writes its own errors to stderr as bare text; they go to the router's log instead.
  setLogger({
    // A port it cannot bind is also the bind's error, which start-up reports in its own words.
    error: (message: unknown, ...detail: unknown[]) => (String(message).startsWith('No address added')
      ? deps.log.debug({ source: 'grpc-js', detail }, String(message))
      : deps.log.warn({ source: 'grpc-js', detail }, String(message))),
    info: (message: unknown, ...detail: unknown[]) => deps.log.debug({ source: 'grpc-js', detail }, String(message)),
    debug: (message: unknown, ...detail: unknown[]) => deps.log.debug({ source: 'grpc-js', detail }, String(message)),
  });

  async function handle(message: Signed | Undecodable): Promise<Result> {
    const startedAt = performance.now();
    if ('undecodable' in message) {
      const malformed = refusalAnswer(refuse('malformed_request', `the message is not a dccrouter.v1.SignedServiceRequest: ${message.undecodable}`));
      metrics.count(malformed.outcome, 'grpc');
      return submitResult(malformed);
    }
    const refusal = admissionRefusal(deps, 'grpc');
    if (refusal) return submitResult(refusal);
    let answer: Answer;
    try {
      const contentType = message.contentType || 'application/x-protobuf';
      answer = await pipeline.submitItem({
        format: requestFormat(contentType),
        contentType,
        body: message.body ?? new Uint8Array(0),
        signature: message.signature || undefined,
        fieldNames: GRPC_FIELDS,
      }, deps.maxBodyBytes);
    } catch (error) {
      metrics.count('internal_error', 'grpc');
      throw error;
    } finally {
      pipeline.release();
    }
    metrics.observe(answer.outcome, startedAt, 'grpc');
    return submitResult(answer);
  }

  // Bodies up to MAX_BODY_BYTES get the HTTP edge's judgement (413 body_too_large past it), so
  // the transport takes them whatever the setting; only a message past this (grpc-js's 4 MiB at
  // the least) is refused by gRPC itself, RESOURCE_EXHAUSTED without a contract reason.
  const server = new Server({ 'grpc.max_receive_message_length': grpcMessageLimit(deps.maxBodyBytes) });
  const feeds = new Set<ServerWritableStream<dccrouter.v1.IFeedRequest, dccrouter.v1.IOutboxItem>>();
  /** Each User's open feeds (serveFeed refuses past MAX_FEEDS_PER_USER). */
  const openFeeds = new Map<string, number>();
  server.addService(SERVED_SERVICE, {
    submit(call: ServerUnaryCall<Signed | Undecodable, Result>, callback: sendUnaryData<Result>) {
      handle(call.request).then(
        (result) => (result.refusal ? callback(refusalStatus(result)) : callback(null, result)),
        (error: Error) => {
          deps.log.error({ err: error }, 'gRPC submit failed');
          callback(internalError());
        });
    },
    submitStream(call: ServerDuplexStream<Signed | Undecodable, Result>) {
      // Requests are processed as they arrive; answers are written in the order of the requests.
      // Reading pauses while STREAM_UNANSWERED_MAX are unanswered or the client is not reading its
      // answers (the stream's buffer full), so a client that only writes cannot pile up memory:
      // HTTP/2 flow control holds it back instead.
      let written = Promise.resolve();
      let unanswered = 0;
      let full = false;
      let failed = false;
      // A fault ends the stream with its status (a destroyed stream would send none: the client
      // would wait out its deadline); nothing more is written after it.
      const fail = (error: unknown) => {
        deps.log.error({ err: error }, 'gRPC stream submit failed');
        if (failed) return;
        failed = true;
        call.emit('error', internalError());
      };
      const flow = () => (unanswered >= STREAM_UNANSWERED_MAX || full ? call.pause() : call.resume());
      call.on('drain', () => {
        full = false;
        flow();
      });
      call.on('data', (message: Signed | Undecodable) => {
        const result = handle(message);
        unanswered++;
        flow();
        written = written.then(async () => {
          let answer: Result;
          try {
            answer = await result;
          } catch (error) {
            fail(error);
            return;
          }
          if (failed) return;
          unanswered--;
          if (!call.write(answer)) full = true;
          flow();
        });
      });
      call.on('end', () => void written.then(() => { if (!failed) call.end(); }, fail));
    },
    feed(call: ServerWritableStream<dccrouter.v1.IFeedRequest, dccrouter.v1.IOutboxItem>) {
      feeds.add(call);
      void serveFeed(call, deps, openFeeds).finally(() => feeds.delete(call));
    },
  });

  const health = new HealthImplementation({ '': 'NOT_SERVING', [SERVICE_NAME]: 'NOT_SERVING' });
  health.addToServer(server);
  const checkHealth = async () => {
    let serving = !deps.leaving();
    if (serving) serving = await deps.store.ping().then(() => true, () => false);
    const status = serving ? 'SERVING' : 'NOT_SERVING';
    health.setStatus('', status);
    health.setStatus(SERVICE_NAME, status);
  };
  await checkHealth();
  const healthTimer = setInterval(() => void checkHealth(), HEALTH_CHECK_MS);
  healthTimer.unref();

  new ReflectionService(loadSync([ROUTER_PROTO_PATH, HEALTH_PROTO_PATH])).addToServer(server);

  const credentials = tls
    ? ServerCredentials.createSsl(null, [{ cert_chain: readFileSync(tls.certFile), private_key: readFileSync(tls.keyFile) }], false)
    : ServerCredentials.createInsecure();
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, credentials, (error, actual) => (error ? reject(error) : resolve(actual)));
  });
  const notServing = () => {
    clearInterval(healthTimer);
    health.setStatus('', 'NOT_SERVING');
    health.setStatus(SERVICE_NAME, 'NOT_SERVING');
  };
  return {
    port: bound,
    leaveRotation: notServing,
    stop: (forceAfterMs) => new Promise<void>((resolve) => {
      notServing();
      // Feeds never end by themselves: end them, so the graceful shutdown below can finish.
      for (const feed of feeds) feed.end();
      // A client holding a SubmitStream open would keep the process alive: cut it off after the grace period.
      const force = setTimeout(() => {
        deps.log.warn('gRPC calls still open after the grace period: closing them');
        server.forceShutdown();
        resolve();
      }, forceAfterMs);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    }),
  };
}
