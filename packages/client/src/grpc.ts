import type { KeyObject } from 'node:crypto';
import { credentials, makeGenericClientConstructor, type ChannelCredentials, Metadata, status as GrpcStatus, type Client, type ClientDuplexStream, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { decodeRichStatus, ROUTER_SERVICE, STATUS_DETAILS_KEY, type dccrouter } from '@dccrouter/protocol';
import { buildJsonRequest, buildProtobufRequest, clientOptions, signBytes, userSigningKey, type ClientOptions, type RequestSpec, type SubmitResult } from './index.ts';
import { retryWait } from './backoff.ts';
import type { OutboxItemMessage, RichStatus, SignedServiceRequest } from './wire.ts';

type Signed = SignedServiceRequest;
type Result = dccrouter.v1.ISubmitResult;
type Item = OutboxItemMessage;

const RouterServiceClient = makeGenericClientConstructor(ROUTER_SERVICE, 'dccrouter.v1.Router');

interface RouterStub extends Client {
  submit(request: Signed, metadata: Metadata, options: { deadline: number }, callback: (error: ServiceError | null, result?: Result) => void): void;
  submitStream(metadata: Metadata, options: { deadline: number }): ClientDuplexStream<Signed, Result>;
  feed(request: dccrouter.v1.IFeedRequest, metadata: Metadata): ClientReadableStream<Item>;
}

/** A result as over HTTP: its status and the answer document (a refusal's from its fields when it came as a status). */
function toResult(result: Result): SubmitResult {
  const answer: SubmitResult = { status: result.status ?? 0, answer: JSON.parse(result.answerJson ?? 'null'), acknowledgement: result.acknowledgement ?? undefined };
  // A stream's 503 says how long to wait as a field (a unary call's, as RetryInfo).
  if (result.refusal?.retryAfterMs) answer.retryDelayMs = result.refusal.retryAfterMs;
  return answer;
}

/** The refusal a non-OK status carries (google.rpc.ErrorInfo), or undefined when it carries none. */
export function refusalOf(error: ServiceError): { status: RichStatus; httpStatus: number; reason: string; responseCode?: string; requestId?: string; responseDateTime?: string } | undefined {
  const details = error.metadata?.get(STATUS_DETAILS_KEY)[0];
  if (!(details instanceof Buffer)) return undefined;
  const status = decodeRichStatus(details);
  if (!status.errorInfo) return undefined;
  const { httpStatus, responseCode, requestId, responseDateTime } = status.errorInfo.metadata;
  return { status, httpStatus: Number(httpStatus), reason: status.errorInfo.reason, responseCode, requestId, responseDateTime };
}

/** Failures without a refusal that mean the call may not have been answered: sending the same item again is safe. */
const UNANSWERED = new Set<number>([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GrpcRouterClient's options: RouterClient's, and the channel's credentials (grpc-js; insecure when absent). */
export interface GrpcClientOptions extends ClientOptions {
  credentials?: ChannelCredentials;
}

/** A DCC User's gRPC connection to the router (`dccrouter.v1.Router`), signing every request. */
export class GrpcRouterClient {
  private readonly stub: RouterStub;
  private readonly key: KeyObject;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;

  /**
   * `options` as RouterClient's: each attempt's time limit (a gRPC deadline, 10 s), resubmissions
   * of the same signed item after a 503 refusal or an unanswered call (3), the first wait when
   * the router gives no RetryInfo (200 ms, doubling); and the channel's `credentials` (TLS),
   * insecure when absent. The credentials may come third and the options fourth, as before.
   */
  constructor(address: string, privateKeyPem: string, options?: GrpcClientOptions);
  constructor(address: string, privateKeyPem: string, channelCredentials: ChannelCredentials | undefined, options?: ClientOptions);
  constructor(address: string, privateKeyPem: string, third?: ChannelCredentials | GrpcClientOptions, fourth: ClientOptions = {}) {
    // Credentials by what they can do (compose), whichever copy of grpc-js made them; else options.
    const isCredentials = typeof (third as Partial<ChannelCredentials> | undefined)?.compose === 'function';
    const options: GrpcClientOptions = isCredentials ? { ...fourth, credentials: third as ChannelCredentials } : (third as GrpcClientOptions | undefined) ?? fourth;
    // Checked now (its kind and curve), not at the first signature, and parsed once.
    this.key = userSigningKey(privateKeyPem);
    this.stub = new RouterServiceClient(address, options.credentials ?? credentials.createInsecure()) as unknown as RouterStub;
    ({ timeoutMs: this.timeoutMs, retries: this.retries, retryBaseMs: this.retryBaseMs } = clientOptions(options));
  }

  /** How long to wait before resubmission `attempt` (from 0): the router's RetryInfo, else the doubling base, with jitter (retryWait). */
  private waitBefore(attempt: number, retryDelayMs?: number): number {
    return retryWait(attempt, this.retryBaseMs, retryDelayMs);
  }

  /** The signed wire item for a request, JSON or protobuf bytes. */
  signed(spec: RequestSpec, format: 'json' | 'protobuf' = 'protobuf'): Signed {
    const body = format === 'json' ? Buffer.from(buildJsonRequest(spec)) : buildProtobufRequest(spec);
    return { body, signature: signBytes(this.key, body), contentType: format === 'json' ? 'application/json' : 'application/x-protobuf' };
  }

  /**
   * Answers like HTTP: an acknowledgement, or a refusal made from the status's ErrorInfo (its
   * HTTP status, reason and message, and for a 503 the RetryInfo delay). A 503 refusal, or a call
   * left unanswered (UNAVAILABLE, DEADLINE_EXCEEDED past `timeoutMs`), is resubmitted with the
   * same signed item, as RouterClient does over HTTP: safe, since a RequestID is recorded once and
   * a retry gets the original answer. The last 503 is answered; other gRPC failures, and an
   * unanswered last attempt, reject.
   */
  async submit(request: Signed): Promise<SubmitResult> {
    for (let attempt = 0; ; attempt++) {
      let result: SubmitResult;
      try {
        result = await this.submitOnce(request);
      } catch (error) {
        if (!UNANSWERED.has((error as ServiceError).code) || attempt >= this.retries) throw error;
        await sleep(this.waitBefore(attempt));
        continue;
      }
      if (result.status !== 503 || attempt >= this.retries) return result;
      await sleep(this.waitBefore(attempt, result.retryDelayMs));
    }
  }

  private submitOnce(request: Signed): Promise<SubmitResult> {
    return new Promise((resolve, reject) => this.stub.submit(request, new Metadata(), { deadline: Date.now() + this.timeoutMs }, (error, result) => {
      if (!error) return resolve(toResult(result!));
      const refusal = refusalOf(error);
      if (!refusal) return reject(error);
      // The header an HTTP answer has: the RequestID and time once the request was read, the DUIS code where the row has one.
      const header = Object.fromEntries(Object.entries({ requestId: refusal.requestId, responseCode: refusal.responseCode, responseDateTime: refusal.responseDateTime })
        .filter(([, value]) => value !== undefined));
      resolve({ status: refusal.httpStatus, answer: { header, error: { reason: refusal.reason, message: refusal.status.message } }, grpcCode: error.code, retryDelayMs: refusal.status.retryDelayMs });
    }));
  }

  /**
   * Sends many over one stream; answers come back in the order sent. Those refused 503, and those
   * a stream that failed part way (UNAVAILABLE, or not answered in full within `timeoutMs`, a gRPC
   * deadline on each stream) left unanswered, are sent again (the same signed items, on a new
   * stream) up to the retries, after the longest wait the refusals ask for (retry_after_ms), or the
   * doubling `retryBaseMs`. A stream still failing after the last rejects, its error carrying the
   * answers had so far as `results` (undefined where none came); any other failure rejects at once.
   */
  async submitMany(requests: readonly Signed[]): Promise<SubmitResult[]> {
    const results: (SubmitResult | undefined)[] = new Array(requests.length);
    let pending = requests.map((_, i) => i);
    for (let attempt = 0; ; attempt++) {
      const { answered, failure } = await this.streamOnce(pending.map((i) => requests[i]));
      answered.forEach((result, k) => { results[pending[k]] = result; });
      // Answered in order: those after the last answer were not answered at all.
      const again = pending.filter((i, k) => k >= answered.length || results[i]!.status === 503);
      if (again.length === 0) return results as SubmitResult[];
      if (attempt >= this.retries) {
        if (failure) throw Object.assign(failure, { results });
        // A stream that ended without answering them all (no status to say why): not an answer for those.
        const unanswered = again.filter((i) => results[i] === undefined).length;
        if (unanswered > 0) throw Object.assign(new Error(`the router's stream ended with ${unanswered} of the items unanswered`), { results });
        return results as SubmitResult[];
      }
      await sleep(this.waitBefore(attempt, again.reduce((longest, i) => Math.max(longest, results[i]?.retryDelayMs ?? 0), 0)));
      pending = again;
    }
  }

  /** One stream's answers, in order; a stream that failed unanswered in part says how, with those it had. */
  private streamOnce(requests: readonly Signed[]): Promise<{ answered: SubmitResult[]; failure?: ServiceError }> {
    return new Promise((resolve, reject) => {
      const answered: SubmitResult[] = [];
      const stream = this.stub.submitStream(new Metadata(), { deadline: Date.now() + this.timeoutMs });
      stream.on('data', (result: Result) => answered.push(toResult(result)));
      stream.on('error', (error: ServiceError) => (UNANSWERED.has(error.code) ? resolve({ answered, failure: error }) : reject(error)));
      stream.on('end', () => resolve({ answered }));
      for (const request of requests) stream.write(request);
      stream.end();
    });
  }

  /** The User's feed of responses and alerts after a cursor ('' for the oldest), signed as the User. */
  feed(userId: string, after = '', timestamp = new Date().toISOString()): ClientReadableStream<Item> {
    const metadata = new Metadata();
    metadata.set('x-dcc-user', userId);
    metadata.set('x-dcc-timestamp', timestamp);
    metadata.set('x-dcc-signature', signBytes(this.key, Buffer.from(`FEED\n/dccrouter.v1.Router/Feed\n${after}\n${timestamp}`)));
    return this.stub.feed({ after }, metadata);
  }

  close(): void {
    this.stub.close();
  }
}
