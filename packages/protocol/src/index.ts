import { readFileSync } from 'node:fs';
import Long from 'long';
import protobuf from 'protobufjs/minimal.js';
import { dccrouter } from './router.js';

// uint64 counters must decode as Long (never as a rounded JS number): make sure protobufjs has it.
protobuf.util.Long = Long;
protobuf.configure();

export { Long };
export const { RequestId, Header, ServiceRequest, SignedServiceRequest, ServiceRequestBatch, SubmitResult } = dccrouter.v1;

type Signed = dccrouter.v1.ISignedServiceRequest;
type Result = dccrouter.v1.ISubmitResult;

const codec = {
  requestSerialize: (message: Signed) => Buffer.from(SignedServiceRequest.encode(message).finish()),
  requestDeserialize: (bytes: Buffer) => SignedServiceRequest.decode(bytes),
  responseSerialize: (message: Result) => Buffer.from(SubmitResult.encode(message).finish()),
  responseDeserialize: (bytes: Buffer) => SubmitResult.decode(bytes),
};

/**
 * The `dccrouter.v1.Router` gRPC service of router.proto, in the shape @grpc/grpc-js takes
 * (`server.addService`, `makeGenericClientConstructor`), coded by the static messages above.
 */
export const ROUTER_SERVICE = {
  submit: { path: '/dccrouter.v1.Router/Submit', requestStream: false, responseStream: false, ...codec },
  submitStream: { path: '/dccrouter.v1.Router/SubmitStream', requestStream: true, responseStream: true, ...codec },
} as const;
export type { dccrouter };

/** The .proto source, as served at GET /v1/router.proto. */
export const ROUTER_PROTO_TEXT = readFileSync(new URL('../proto/router.proto', import.meta.url), 'utf8');
