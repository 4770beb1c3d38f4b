import { acknowledgementDocument, refusalCode, refusalStatus, type Acknowledgement, type Refusal } from '@dccrouter/domain';

/** What the edge sends back: a status, the JSON text, extra headers and a label for metrics. */
export interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** `I99`, `I0`, `replayed` or the refusal reason. */
  outcome: string;
  /** The SRV answered, for encoders that name it (DUIS XML's sr:ResponseMessage); set for XML submissions. */
  about?: { serviceReference: string; serviceReferenceVariant: string };
  /** XML submissions: the sender passed the signature check (or checks are off), so the answer may name its request. */
  senderAuthenticated?: true;
}

/** How long a 503 asks its client to wait before resubmitting: HTTP's Retry-After, gRPC's RetryInfo and a stream refusal's retry_after_ms. */
export const RETRY_AFTER_MS = 1_000;
export const RETRY_AFTER_SECONDS = String(RETRY_AFTER_MS / 1000);

export function refusalAnswer(refusal: Refusal, requestId?: string, now = Date.now()): Answer {
  const code = refusalCode(refusal.reason);
  const header: Record<string, string> = {};
  if (requestId) header.requestId = requestId;
  if (code) header.responseCode = code;
  header.responseDateTime = new Date(now).toISOString();
  const status = refusalStatus(refusal.reason);
  return {
    status,
    body: JSON.stringify({ header, error: { reason: refusal.reason, message: refusal.message } }),
    headers: status === 503 ? { 'retry-after': RETRY_AFTER_SECONDS } : undefined,
    outcome: refusal.reason,
  };
}

/**
 * A fault, not an answer (a bug: its cause goes to the log only). It may have come after its
 * request was recorded, so the client is told what is safe: the same bytes again get the
 * request's recorded answer, or are judged afresh.
 */
export const INTERNAL_ERROR = { reason: 'internal_error', message: 'the router failed to answer; resubmit the same request: if it was recorded, its recorded answer comes back' } as const;

export function internalErrorAnswer(): Answer {
  return { status: 500, body: JSON.stringify({ error: INTERNAL_ERROR }), outcome: INTERNAL_ERROR.reason };
}

export type { Acknowledgement };

export function acknowledgementAnswer(ack: Acknowledgement): Answer {
  return { ...acknowledgementDocument(ack), outcome: ack.responseCode };
}
