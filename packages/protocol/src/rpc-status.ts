// google.rpc.Status with ErrorInfo and RetryInfo details, the rich error model gRPC clients read
// from the `grpc-status-details-bin` trailer. Only the messages used here, by their well-known
// names and field numbers (google/rpc/status.proto, google/rpc/error_details.proto).
import protobuf from 'protobufjs';

// protobufjs is CommonJS: its default export, so bundlers and Node's ESM loader agree.
const { Root } = protobuf;

const root = Root.fromJSON(({
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
            Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
          },
        },
        rpc: {
          nested: {
            Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 }, details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 } } },
            ErrorInfo: { fields: { reason: { type: 'string', id: 1 }, domain: { type: 'string', id: 2 }, metadata: { keyType: 'string', type: 'string', id: 3 } } },
            RetryInfo: { fields: { retry_delay: { type: 'google.protobuf.Duration', id: 1 } } },
          },
        },
      },
    },
  },
}) as Parameters<typeof Root.fromJSON>[0]);
const Status = root.lookupType('google.rpc.Status');
const ErrorInfo = root.lookupType('google.rpc.ErrorInfo');
const RetryInfo = root.lookupType('google.rpc.RetryInfo');
const TYPE_PREFIX = 'type.googleapis.com/';

/** The trailer gRPC clients read the rich error model from. */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

export interface RichStatus {
  code: number;
  message: string;
  errorInfo?: { reason: string; domain: string; metadata: Record<string, string> };
  retryDelayMs?: number;
}

export function encodeRichStatus(status: RichStatus): Buffer {
  const details = [];
  if (status.errorInfo) details.push({ type_url: TYPE_PREFIX + 'google.rpc.ErrorInfo', value: ErrorInfo.encode(ErrorInfo.fromObject(status.errorInfo)).finish() });
  if (status.retryDelayMs !== undefined) {
    const delay = { seconds: Math.floor(status.retryDelayMs / 1000), nanos: (status.retryDelayMs % 1000) * 1e6 };
    details.push({ type_url: TYPE_PREFIX + 'google.rpc.RetryInfo', value: RetryInfo.encode(RetryInfo.fromObject({ retry_delay: delay })).finish() });
  }
  return Buffer.from(Status.encode(Status.fromObject({ code: status.code, message: status.message, details })).finish());
}

export function decodeRichStatus(bytes: Uint8Array): RichStatus {
  const status = Status.toObject(Status.decode(bytes), { longs: Number, defaults: true }) as { code: number; message: string; details: { type_url: string; value: Uint8Array }[] };
  const rich: RichStatus = { code: status.code, message: status.message };
  for (const detail of status.details) {
    if (detail.type_url === TYPE_PREFIX + 'google.rpc.ErrorInfo') {
      rich.errorInfo = ErrorInfo.toObject(ErrorInfo.decode(detail.value), { defaults: true }) as RichStatus['errorInfo'];
    } else if (detail.type_url === TYPE_PREFIX + 'google.rpc.RetryInfo') {
      const info = RetryInfo.toObject(RetryInfo.decode(detail.value), { longs: Number, defaults: true }) as { retry_delay?: { seconds: number; nanos: number } };
      if (info.retry_delay) rich.retryDelayMs = info.retry_delay.seconds * 1000 + Math.round(info.retry_delay.nanos / 1e6);
    }
  }
  return rich;
}

