import { Server, ServerCredentials, type ServerDuplexStream, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { ROUTER_SERVICE, type dccrouter } from '@dccrouter/protocol';
import { requestFormat } from '../decode/index.ts';
import type { Logger } from '../log/index.ts';
import type { RouterMetrics } from '../metrics/index.ts';
import { overloaded, type Answer, type ServiceRequestPipeline } from '../pipeline/index.ts';

type Signed = dccrouter.v1.ISignedServiceRequest;
type Result = dccrouter.v1.ISubmitResult;

export interface GrpcDeps {
  pipeline: ServiceRequestPipeline;
  metrics: RouterMetrics;
  log: Logger;
  maxBodyBytes: number;
  draining: () => boolean;
}

export interface GrpcServer {
  port: number;
  stop(): Promise<void>;
}

/**
 * The gRPC ingress (`dccrouter.v1.Router` of router.proto): each SignedServiceRequest goes through
 * the same admission and pipeline as over HTTP and is answered with the same status and JSON.
 */
export async function startGrpcServer(deps: GrpcDeps, host: string, port: number): Promise<GrpcServer> {
  const { pipeline, metrics } = deps;

  async function handle(message: Signed): Promise<Result> {
    const startedAt = performance.now();
    let answer: Answer;
    if (deps.draining()) answer = overloaded('the router is shutting down');
    else if (!pipeline.admit()) answer = overloaded('too many requests in flight');
    else {
      try {
        answer = await pipeline.submitItem({
          format: requestFormat(message.contentType || 'application/x-protobuf'),
          body: message.body ?? new Uint8Array(0),
          signature: message.signature || undefined,
        }, deps.maxBodyBytes);
      } finally {
        pipeline.release();
      }
    }
    metrics.observe(answer.outcome, startedAt);
    return { status: answer.status, answerJson: answer.body };
  }

  const server = new Server();
  server.addService(ROUTER_SERVICE, {
    submit(call: ServerUnaryCall<Signed, Result>, callback: sendUnaryData<Result>) {
      handle(call.request).then((result) => callback(null, result), (error: Error) => {
        deps.log.error({ err: error }, 'gRPC submit failed');
        callback(error);
      });
    },
    submitStream(call: ServerDuplexStream<Signed, Result>) {
      // Requests are processed as they arrive; answers are written in the order of the requests.
      let written = Promise.resolve();
      call.on('data', (message: Signed) => {
        const result = handle(message);
        written = written.then(async () => void call.write(await result));
      });
      call.on('end', () => void written.then(() => call.end(), (error) => call.destroy(error)));
    },
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, actual) => (error ? reject(error) : resolve(actual)));
  });
  return {
    port: bound,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
