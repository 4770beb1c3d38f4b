import { refusalCode, refusalStatus, type Refusal, type Route, type TrtBudget } from '@dccrouter/domain';

/** What the edge sends back: a status, the JSON text, extra headers and a label for metrics. */
export interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** `I99`, `I0`, `replayed` or the refusal reason. */
  outcome: string;
}

const RETRY_AFTER_SECONDS = '1';

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

export interface Acknowledgement {
  requestId: string;
  responseCode: 'I0' | 'I99';
  respondedAt: number;
  route: Route;
  trt?: TrtBudget;
  body?: unknown;
  /** Held back by Threshold Anomaly Detection. */
  quarantine?: { ref: string; breach: string };
  /** Deleted by the DCO's value check (SMETS1). */
  deleted?: { breach: string };
}

export function acknowledgementAnswer(ack: Acknowledgement): Answer {
  const document: Record<string, unknown> = {
    header: { requestId: ack.requestId, responseCode: ack.responseCode, responseDateTime: new Date(ack.respondedAt).toISOString() },
    route: ack.route,
  };
  if (ack.trt) document.trt = { budgetMs: ack.trt.budgetMs, deadline: new Date(ack.trt.deadline).toISOString() };
  if (ack.body !== undefined) document.body = ack.body;
  if (ack.quarantine) document.quarantine = ack.quarantine;
  if (ack.deleted) document.deleted = ack.deleted;
  // A device request acknowledged for later (202); everything answered here and now is 200.
  const status = ack.responseCode === 'I99' && (ack.trt || ack.quarantine || ack.deleted) ? 202 : 200;
  return { status, body: JSON.stringify(document), outcome: ack.responseCode };
}
