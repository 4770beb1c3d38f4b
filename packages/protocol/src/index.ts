import { readFileSync } from 'node:fs';
import Long from 'long';
import protobuf from 'protobufjs/minimal.js';
import { dccrouter } from './router.js';

// uint64 counters must decode as Long (never as a rounded JS number): make sure protobufjs has it.
protobuf.util.Long = Long;
protobuf.configure();

export { Long };
/**
 * The longest a pull may wait for its first item (`GET /v1/responses?wait=`, ms): part of the API,
 * so the router that enforces it and the SDK that asks up to it share one number. Well within the
 * usual proxy and load-balancer idle limits (60 s).
 */
export const MAX_PULL_WAIT_MS = 20_000;
export const { RequestId, Header, ServiceRequest, SignedServiceRequest, ServiceRequestBatch, SubmitResult, FeedRequest, OutboxItem } = dccrouter.v1;
/**
 * Does a ServiceRequestBatch's encoding hold more than `max` requests? Counted from the field
 * tags alone, nothing decoded, so an oversized batch costs no object per item; bytes that are no
 * such message say false (their decode then says what is wrong).
 */
export function batchHoldsMoreThan(bytes: Uint8Array, max: number): boolean {
  const reader = protobuf.Reader.create(bytes);
  let requests = 0;
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      // Field 1 whatever its wire type: the generated decoder takes it as an item any way it comes.
      if (tag >>> 3 === 1 && ++requests > max) return true;
      reader.skipType(tag & 7);
    }
  } catch {
    return false;
  }
  return false;
}

export { decodeRichStatus, encodeRichStatus, STATUS_DETAILS_KEY, type RichStatus } from './rpc-status.ts';
export { wireShapeProblem } from './wire-shape.ts';

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
  feed: {
    path: '/dccrouter.v1.Router/Feed', requestStream: false, responseStream: true,
    requestSerialize: (message: dccrouter.v1.IFeedRequest) => Buffer.from(FeedRequest.encode(message).finish()),
    requestDeserialize: (bytes: Buffer) => FeedRequest.decode(bytes),
    responseSerialize: (message: dccrouter.v1.IOutboxItem) => Buffer.from(OutboxItem.encode(message).finish()),
    responseDeserialize: (bytes: Buffer) => OutboxItem.decode(bytes),
  },
} as const;

/** The path of router.proto, for tools that load it (server reflection). */
export const ROUTER_PROTO_PATH = new URL('../proto/router.proto', import.meta.url).pathname;
export type { dccrouter };

let protoText: string | undefined;
/** The .proto source, as served at GET /v1/router.proto; read when first asked (a bundled client never asks). */
export function routerProtoText(): string {
  protoText ??= readFileSync(new URL('../proto/router.proto', import.meta.url), 'utf8');
  return protoText;
}
