import { credentials, makeGenericClientConstructor, Metadata, type Client, type ClientDuplexStream, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { decodeRichStatus, ROUTER_SERVICE, STATUS_DETAILS_KEY, type dccrouter, type RichStatus } from '@dccrouter/protocol';
import { buildJsonRequest, buildProtobufRequest, signBytes, type RequestSpec, type SubmitResult } from './index.ts';

type Signed = dccrouter.v1.ISignedServiceRequest;
type Result = dccrouter.v1.ISubmitResult;
type Item = dccrouter.v1.IOutboxItem;

const RouterServiceClient = makeGenericClientConstructor(ROUTER_SERVICE, 'dccrouter.v1.Router');

interface RouterStub extends Client {
  submit(request: Signed, metadata: Metadata, options: { deadline: number }, callback: (error: ServiceError | null, result?: Result) => void): void;
  submitStream(): ClientDuplexStream<Signed, Result>;
  feed(request: dccrouter.v1.IFeedRequest, metadata: Metadata): ClientReadableStream<Item>;
}

/** A result as over HTTP: its status and the answer document (a refusal's from its fields when it came as a status). */
function toResult(result: Result): SubmitResult {
  return { status: result.status ?? 0, answer: JSON.parse(result.answerJson ?? 'null'), acknowledgement: result.acknowledgement ?? undefined };
}

/** The refusal a non-OK status carries (google.rpc.ErrorInfo), or undefined when it carries none. */
export function refusalOf(error: ServiceError): { status: RichStatus; httpStatus: number; reason: string; responseCode?: string } | undefined {
  const details = error.metadata?.get(STATUS_DETAILS_KEY)[0];
  if (!(details instanceof Buffer)) return undefined;
  const status = decodeRichStatus(details);
  if (!status.errorInfo) return undefined;
  return { status, httpStatus: Number(status.errorInfo.metadata.httpStatus), reason: status.errorInfo.reason, responseCode: status.errorInfo.metadata.responseCode };
}

/** A DCC User's gRPC connection to the router (`dccrouter.v1.Router`), signing every request. */
export class GrpcRouterClient {
  private readonly stub: RouterStub;

  private readonly timeoutMs: number;

  /** `options.timeoutMs`: each submission's time limit (a gRPC deadline), 10 s unless told, as RouterClient's attempts. */
  constructor(address: string, private readonly privateKeyPem: string, channelCredentials = credentials.createInsecure(), options: { timeoutMs?: number } = {}) {
    this.stub = new RouterServiceClient(address, channelCredentials) as unknown as RouterStub;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The signed wire item for a request, JSON or protobuf bytes. */
  signed(spec: RequestSpec, format: 'json' | 'protobuf' = 'protobuf'): Signed {
    const body = format === 'json' ? Buffer.from(buildJsonRequest(spec)) : buildProtobufRequest(spec);
    return { body, signature: signBytes(this.privateKeyPem, body), contentType: format === 'json' ? 'application/json' : 'application/x-protobuf' };
  }

  /**
   * Answers like HTTP: an acknowledgement, or a refusal made from the status's ErrorInfo (its
   * HTTP status, reason and message, and for a 503 the RetryInfo delay); other gRPC failures,
   * DEADLINE_EXCEEDED past `timeoutMs` among them, reject. It does not resubmit by itself:
   * resubmitting the same signed item is safe (a recorded one gets its original answer).
   */
  submit(request: Signed): Promise<SubmitResult> {
    return new Promise((resolve, reject) => this.stub.submit(request, new Metadata(), { deadline: Date.now() + this.timeoutMs }, (error, result) => {
      if (!error) return resolve(toResult(result!));
      const refusal = refusalOf(error);
      if (!refusal) return reject(error);
      const header = refusal.responseCode ? { responseCode: refusal.responseCode } : {};
      resolve({ status: refusal.httpStatus, answer: { header, error: { reason: refusal.reason, message: refusal.status.message } }, grpcCode: error.code, retryDelayMs: refusal.status.retryDelayMs });
    }));
  }

  /** Sends many over one stream; answers come back in the order sent. */
  submitMany(requests: readonly Signed[]): Promise<SubmitResult[]> {
    return new Promise((resolve, reject) => {
      const results: SubmitResult[] = [];
      const stream = this.stub.submitStream();
      stream.on('data', (result: Result) => results.push(toResult(result)));
      stream.on('error', reject);
      stream.on('end', () => resolve(results));
      for (const request of requests) stream.write(request);
      stream.end();
    });
  }

  /** The User's feed of responses and alerts after a cursor ('' for the oldest), signed as the User. */
  feed(userId: string, after = '', timestamp = new Date().toISOString()): ClientReadableStream<Item> {
    const metadata = new Metadata();
    metadata.set('x-dcc-user', userId);
    metadata.set('x-dcc-timestamp', timestamp);
    metadata.set('x-dcc-signature', signBytes(this.privateKeyPem, Buffer.from(`FEED\n/dccrouter.v1.Router/Feed\n${after}\n${timestamp}`)));
    return this.stub.feed({ after }, metadata);
  }

  close(): void {
    this.stub.close();
  }
}
