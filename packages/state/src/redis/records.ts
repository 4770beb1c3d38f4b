import { findSrv, plainAcknowledgement, type TrtClass } from '@dccrouter/domain';
import { responseIdFor } from '../shared/index.ts';
import type { LegRecord, RequestRecord } from '../store/index.ts';

// Compact forms: a request is kept for the whole retention period (idempotency and status), so
// every byte of it counts millions of times. What the key or other fields already say is left out.

/**
 * The fixed record without what its RequestID says (requestId, originator, target) and without
 * its state (a field of its own), as a JSON array by position rather than an object by name:
 * `[srv, commandVariant, destination, generation, acceptedAt, trt, bodyElement, bodyValue, rest]`,
 * with trt as `[class, budgetMs, startsAt, deadline]`, 0 for what is absent, the body element 0
 * when it is the SRV's own (the catalogue's), and rest (the other fields by name) left out when
 * there are none. It is kept in the request's hash and travels in its egress entry: half the bytes
 * of the object form, twice over.
 */
export function packRecord(record: RequestRecord): string {
  const {
    requestId: _requestId, originatorId: _originator, targetId: _target, state: _state,
    srv, commandVariant, destination, generation, acceptedAt, trt, bodyElement, bodyValue, ...rest
  } = record;
  const packed: unknown[] = [
    srv, commandVariant, destination, generation ?? 0, acceptedAt,
    trt ? [trt.class, trt.budgetMs, trt.startsAt, trt.deadline] : 0,
    bodyElement === findSrv(srv)?.bodyElement ? 0 : bodyElement,
    bodyValue,
  ];
  if (Object.values(rest).some((value) => value !== undefined)) packed.push(rest);
  return JSON.stringify(packed);
}

export function unpackRecord(json: string, requestId: string): RequestRecord {
  const [originatorId, targetId] = requestId.split(':');
  const packed = JSON.parse(json) as unknown[] | Omit<RequestRecord, 'requestId' | 'originatorId' | 'targetId' | 'state'>;
  // Records written before the array form are objects by name.
  if (!Array.isArray(packed)) return { requestId, originatorId, targetId, state: 'accepted', ...packed };
  const [srv, commandVariant, destination, generation, acceptedAt, trt, bodyElement, bodyValue, rest] = packed as [
    string, number, string, RequestRecord['generation'] | 0, number, [TrtClass, number, number, number] | 0, string | 0, unknown, Partial<RequestRecord>?,
  ];
  const record: RequestRecord = {
    requestId, originatorId, targetId, srv, commandVariant, state: 'accepted', destination, acceptedAt,
    bodyElement: bodyElement === 0 ? findSrv(srv)!.bodyElement : bodyElement, bodyValue, ...rest,
  };
  if (generation !== 0) record.generation = generation;
  if (trt !== 0) record.trt = { class: trt[0], budgetMs: trt[1], startsAt: trt[2], deadline: trt[3] };
  return record;
}

/**
 * A leg's answer as `status|ExecutionDateTime|answer JSON`: its hash and SRV are fields of their
 * own. A plain I99 acknowledgement, which its record says all of (the caller made it from the
 * record), is kept as the marker `=` (answers are JSON objects, so never `=`): a third of what a
 * request keeps for its retention.
 */
export function packLegAnswer(leg: LegRecord, plain: boolean): string {
  return `${leg.answer.status}|${leg.executionDateTime ?? ''}|${plain ? PLAIN_ACKNOWLEDGEMENT : leg.answer.body}`;
}

const PLAIN_ACKNOWLEDGEMENT = '=';

export function unpackLeg(packed: string | null, bodyHash: string | null, srv: string | null, recordJson: string | null, requestId: string): LegRecord | undefined {
  if (packed === null) return undefined;
  const first = packed.indexOf('|');
  const second = packed.indexOf('|', first + 1);
  const executionDateTime = packed.slice(first + 1, second);
  let body = packed.slice(second + 1);
  if (body === PLAIN_ACKNOWLEDGEMENT) {
    if (recordJson === null) throw new Error(`request ${requestId} keeps its acknowledgement as a marker but has no record`);
    body = plainAcknowledgement(unpackRecord(recordJson, requestId)).body;
  }
  const leg: LegRecord = { bodyHash: bodyHash ?? '', srv: srv ?? '', answer: { status: Number(packed.slice(0, first)), body } };
  if (executionDateTime !== '') leg.executionDateTime = Number(executionDateTime);
  return leg;
}

/** The fixed record with its progress fields laid over it. */
export function recordFrom(fields: Record<string, string>, requestId: string): RequestRecord {
  const record = unpackRecord(fields.record, requestId);
  record.state = (fields.state as RequestRecord['state']) ?? record.state;
  for (const name of ['forwardedAt', 'respondedAt', 'elapsedMs', 'wanMs'] as const) {
    if (fields[name] !== undefined) record[name] = Number(fields[name]);
  }
  if (fields.responseCode !== undefined) record.responseCode = fields.responseCode;
  if (fields.respondedAt !== undefined) record.responseId = responseIdFor(requestId);
  if (fields.breached !== undefined) record.breached = fields.breached === '1';
  if (fields.overdue === '1') record.overdue = true;
  if (fields.releasedAt !== undefined) record.releasedAt = Number(fields.releasedAt);
  // A release restarts the TRT clock: its budget replaces the one set at acceptance.
  if (fields.trt !== undefined) record.trt = JSON.parse(fields.trt);
  return record;
}

export function parse<T>(text: string | null | undefined): T | undefined {
  return text == null ? undefined : (JSON.parse(text) as T);
}
