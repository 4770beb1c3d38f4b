// The SDK's public types for what crosses the wire, declared here rather than taken from the
// router's own packages (@dccrouter/domain, @dccrouter/protocol): the built SDK (dist/) is all a
// Node user gets, and its typings must not name packages that are not published. Each is
// structurally the generated protobuf type (or the domain's) it stands for; wire.check.ts, checked
// with the project's types, keeps them assignable both ways.

/** The DUIS web services of a DUIS XML request: `/api/v1/service{S,D,T}`. */
export type DuisWebService = 'S' | 'D' | 'T';

/** A uint64 as protobufjs gives it (a Long) or a number. */
export type Uint64 = number | { toNumber(): number; toString(radix?: number): string };

/** dccrouter.v1.SignedServiceRequest: a request's exact bytes, their signature, their content type. */
export interface SignedServiceRequest {
  body?: Uint8Array | null;
  signature?: string | null;
  contentType?: string | null;
}

/** dccrouter.v1.Acknowledgement: an acknowledgement's fields, typed, as gRPC carries them beside the answer. */
export interface AcknowledgementMessage {
  requestId?: string | null;
  responseCode?: string | null;
  responseDateTime?: string | null;
  route?: { generation?: string | null; destination?: string | null } | null;
  trt?: { budgetMs?: Uint64 | null; deadline?: string | null } | null;
  bodyJson?: string | null;
  quarantine?: { ref?: string | null; breach?: string | null } | null;
  deletedBreach?: string | null;
}

/** dccrouter.v1.OutboxItem: a response or alert as the gRPC feed streams it. */
export interface OutboxItemMessage {
  cursor?: string | null;
  kind?: string | null;
  requestId?: string | null;
  responseId?: string | null;
  responseCode?: string | null;
  alertCode?: string | null;
  bodyJson?: string | null;
  itemJson?: string | null;
}

/** A gRPC status's details (google.rpc.Status with its ErrorInfo and RetryInfo), decoded. */
export interface RichStatus {
  code: number;
  message: string;
  errorInfo?: { reason: string; domain: string; metadata: Record<string, string> };
  retryDelayMs?: number;
}
