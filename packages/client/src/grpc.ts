import { credentials, makeGenericClientConstructor, type Client, type ClientDuplexStream } from '@grpc/grpc-js';
import { ROUTER_SERVICE, type dccrouter } from '@dccrouter/protocol';
import { buildJsonRequest, buildProtobufRequest, signBytes, type RequestSpec, type SubmitResult } from './index.ts';

type Signed = dccrouter.v1.ISignedServiceRequest;
type Result = dccrouter.v1.ISubmitResult;

const RouterServiceClient = makeGenericClientConstructor(ROUTER_SERVICE, 'dccrouter.v1.Router');

interface RouterStub extends Client {
  submit(request: Signed, callback: (error: Error | null, result?: Result) => void): void;
  submitStream(): ClientDuplexStream<Signed, Result>;
}

function toResult(result: Result): SubmitResult {
  return { status: result.status ?? 0, answer: JSON.parse(result.answerJson ?? 'null') };
}

/** A DCC User's gRPC connection to the router (`dccrouter.v1.Router`), signing every request. */
export class GrpcRouterClient {
  private readonly stub: RouterStub;

  constructor(address: string, private readonly privateKeyPem: string) {
    this.stub = new RouterServiceClient(address, credentials.createInsecure()) as unknown as RouterStub;
  }

  /** The signed wire item for a request, JSON or protobuf bytes. */
  signed(spec: RequestSpec, format: 'json' | 'protobuf' = 'protobuf'): Signed {
    const body = format === 'json' ? Buffer.from(buildJsonRequest(spec)) : buildProtobufRequest(spec);
    return { body, signature: signBytes(this.privateKeyPem, body), contentType: format === 'json' ? 'application/json' : 'application/x-protobuf' };
  }

  submit(request: Signed): Promise<SubmitResult> {
    return new Promise((resolve, reject) => this.stub.submit(request, (error, result) => (error ? reject(error) : resolve(toResult(result!)))));
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

  close(): void {
    this.stub.close();
  }
}
