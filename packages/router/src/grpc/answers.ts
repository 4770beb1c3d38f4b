import { status as GrpcStatus, Metadata } from '@grpc/grpc-js';
import { encodeRichStatus, Long, STATUS_DETAILS_KEY, type dccrouter } from '@dccrouter/protocol';
import type { Answer } from '../pipeline/index.ts';
import { RETRY_AFTER_MS } from '../pipeline/answers.ts';

type Result = dccrouter.v1.ISubmitResult;

/** What the gRPC error model says of a refusal: its code by the HTTP status the contract gives it. */
export function grpcCode(httpStatus: number, reason: string): GrpcStatus {
  switch (httpStatus) {
    case 400: case 413: case 415: case 422: return GrpcStatus.INVALID_ARGUMENT;
    case 401: return GrpcStatus.UNAUTHENTICATED;
    case 403: return GrpcStatus.PERMISSION_DENIED;
    case 404: return GrpcStatus.NOT_FOUND;
    case 409: return GrpcStatus.FAILED_PRECONDITION;
    // Saturation is the client's to slow down for; the store's outage is the service's.
    case 503: return reason === 'overloaded' ? GrpcStatus.RESOURCE_EXHAUSTED : GrpcStatus.UNAVAILABLE;
    default: return GrpcStatus.INTERNAL;
  }
}

interface AnswerDocument {
  header?: { requestId?: string; responseCode?: string; responseDateTime?: string };
  route?: { generation?: string; destination: string };
  trt?: { budgetMs: number; deadline: string };
  body?: unknown;
  quarantine?: { ref: string; breach: string };
  deleted?: { breach: string };
  error?: { reason: string; message: string };
}

/** The answer as a SubmitResult: v1's status and JSON text, and its fields typed. */
export function submitResult(answer: Answer): Result {
  const document = JSON.parse(answer.body) as AnswerDocument;
  const result: Result = { status: answer.status, answerJson: answer.body };
  if (document.error) {
    result.refusal = { reason: document.error.reason, message: document.error.message, responseCode: document.header?.responseCode ?? '', httpStatus: answer.status };
    if (answer.status === 503) result.refusal.retryAfterMs = RETRY_AFTER_MS;
    return result;
  }
  result.acknowledgement = {
    requestId: document.header?.requestId ?? '',
    responseCode: document.header?.responseCode ?? '',
    responseDateTime: document.header?.responseDateTime ?? '',
    route: document.route ? { generation: document.route.generation ?? '', destination: document.route.destination } : undefined,
    trt: document.trt ? { budgetMs: Long.fromNumber(document.trt.budgetMs, true), deadline: document.trt.deadline } : undefined,
    bodyJson: document.body === undefined ? '' : JSON.stringify(document.body),
    quarantine: document.quarantine,
    deletedBreach: document.deleted?.breach ?? '',
  };
  return result;
}

/**
 * A refusal as a non-OK status: the contract reason in google.rpc.ErrorInfo, with the answer's
 * header fields (DUIS code, RequestID and time where it has them, as HTTP answers them), and a
 * RetryInfo for 503s.
 */
export function refusalStatus(result: Result): { code: GrpcStatus; details: string; metadata: Metadata } {
  const refusal = result.refusal!;
  const code = grpcCode(refusal.httpStatus ?? 500, refusal.reason ?? '');
  const { requestId, responseDateTime } = (JSON.parse(result.answerJson ?? '{}') as AnswerDocument).header ?? {};
  const metadata = new Metadata();
  metadata.set(STATUS_DETAILS_KEY, encodeRichStatus({
    code,
    message: refusal.message ?? '',
    errorInfo: {
      reason: refusal.reason ?? '', domain: 'dcc-router',
      metadata: {
        httpStatus: String(refusal.httpStatus),
        ...(refusal.responseCode ? { responseCode: refusal.responseCode } : {}),
        ...(requestId ? { requestId } : {}),
        ...(responseDateTime ? { responseDateTime } : {}),
      },
    },
    // The same delay as the HTTP answer's Retry-After.
    retryDelayMs: refusal.httpStatus === 503 ? RETRY_AFTER_MS : undefined,
  }));
  return { code, details: `${refusal.reason}: ${refusal.message}`, metadata };
}
