import { readFileSync } from 'node:fs';
import Long from 'long';
import protobuf from 'protobufjs/minimal.js';
import { dccrouter } from './router.js';

// uint64 counters must decode as Long (never as a rounded JS number): make sure protobufjs has it.
protobuf.util.Long = Long;
protobuf.configure();

export { Long };
export const { RequestId, Header, ServiceRequest, SignedServiceRequest, ServiceRequestBatch } = dccrouter.v1;
export type { dccrouter };

/** The .proto source, as served at GET /v1/router.proto. */
export const ROUTER_PROTO_TEXT = readFileSync(new URL('../proto/router.proto', import.meta.url), 'utf8');
