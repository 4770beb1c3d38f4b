import type { Route } from '../routing/index.ts';
import type { TrtBudget } from '../trt/index.ts';

/** What the router answers a request it acknowledged (contract: I99 or I0), before it is JSON. */
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

/** The acknowledgement as the contract's JSON text, and its HTTP status. */
export function acknowledgementDocument(ack: Acknowledgement): { status: number; body: string } {
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
  return { status, body: JSON.stringify(document) };
}

/** What a plain I99 acknowledgement says is all in its request's record: it can be made again from it. */
export interface AcknowledgedRecord {
  requestId: string;
  destination: string;
  generation?: Route['generation'];
  acceptedAt: number;
  trt?: TrtBudget;
}

/**
 * The plain I99 acknowledgement of a recorded request (forwarded for later, no quarantine, no
 * body), made again from its record. A store may keep a marker instead of the answer when this
 * gives back the very same text, which it checks when it records it.
 */
export function plainAcknowledgement(record: AcknowledgedRecord): { status: number; body: string } {
  const route: Route = record.generation === undefined ? { destination: record.destination } : { generation: record.generation, destination: record.destination };
  return acknowledgementDocument({ requestId: record.requestId, responseCode: 'I99', respondedAt: record.acceptedAt, route, trt: record.trt });
}
