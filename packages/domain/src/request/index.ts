import { parse as parseLossless, isLosslessNumber } from 'lossless-json';
import { isPlainObject } from '../json/index.ts';
import { formatRequestId, parseCounter, parseEui, parseRequestId, type RequestId } from '../identifiers/index.ts';
import { refuse, type Refusal } from '../refusals/index.ts';
import { SIGNED_LEG_VARIANTS } from '../validation/index.ts';
import type { CommandVariant, DuisWebService } from '../types/index.ts';

/** Base64 text of at least one octet, whitespace taken out. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;

/**
 * DUIS xs:base64Binary of at least one octet: whitespace anywhere (signing tools wrap long lines),
 * whole quanta, padding only at the end.
 */
export function isBase64Binary(text: string): boolean {
  return BASE64.test(text.replace(/[\t\n\r ]/g, ''));
}

/** A Service Request after decoding: well-formed, not yet authenticated or validated. */
export interface ServiceRequest {
  requestId: RequestId;
  /** `originator:target:counter`, canonical upper-case EUIs. */
  requestIdText: string;
  commandVariant: CommandVariant;
  serviceReference: string;
  serviceReferenceVariant: string;
  bodyElement: string;
  /** The body element's value: an object, or "" for an empty element. */
  bodyValue: Record<string, unknown> | '';
  /** Epoch milliseconds of `ExecutionDateTime`, when the request is future-dated. */
  executionDateTime?: number;
  /** A sequenced service's place in its sequence (DUIS header FirstInSequence / PrecedingServiceRequestID). */
  sequence?: RequestSequence;
  /** The DUIS web service a DUIS XML request was sent to (its command variant must be one it takes: row 10). */
  webService?: DuisWebService;
}

export interface RequestSequence {
  firstInSequence?: boolean;
  /** The RequestID of the request this one follows, canonical. */
  precedingRequestId?: string;
}

/** Fields as they arrive, before checking: the JSON header, the protobuf message or the DUIS XML document. */
export interface RawServiceRequest {
  originatorId: unknown;
  targetId: unknown;
  counter: unknown;
  commandVariant: unknown;
  serviceReference: unknown;
  serviceReferenceVariant: unknown;
  bodyElement: unknown;
  bodyValue: unknown;
  /** Optional sequencing header fields: a boolean and a RequestID's text. */
  firstInSequence?: unknown;
  precedingRequestId?: unknown;
  webService?: DuisWebService;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

const malformed = (message: string): Decoded<never> => ({ ok: false, refusal: refuse('malformed_request', message) });
const utf8 = new TextDecoder('utf-8', { fatal: true });
// RFC 3339 allows a lower-case "t" and "z" (its section 5.6).
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/i;

/**
 * Epoch milliseconds of an RFC 3339 date-time, or NaN. The fields are range-checked first:
 * Date.parse rolls impossible dates over (2027-02-30 becomes 2 March, 24:00 the next day).
 */
export function parseRfc3339(text: unknown): number {
  const match = typeof text === 'string' ? RFC3339.exec(text) : null;
  if (!match) return NaN;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  // A leap second (RFC 3339 allows :60 at the end of a UTC minute, so at any minute of an offset
  // of whole and half hours) is its minute's last millisecond: Date.parse refuses it.
  const offsetMinutes = match[9] === undefined ? 0 : (match[8].startsWith('-') ? -1 : 1) * Number(match[10]);
  const leapSecond = second === 60 && (minute - offsetMinutes + 60) % 60 === 59;
  if (daysInMonth === undefined || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || (second > 59 && !leapSecond)) return NaN;
  if (match[9] !== undefined && (Number(match[9]) > 23 || Number(match[10]) > 59)) return NaN;
  return Date.parse(leapSecond ? `${(text as string).slice(0, 17)}59.999${match[8]}`.toUpperCase() : (text as string).toUpperCase());
}

/** Checks the decoded fields of any format (JSON, protobuf, DUIS XML) and builds the canonical request. */
export function buildServiceRequest(raw: RawServiceRequest): Decoded<ServiceRequest> {
  const originatorId = parseEui(raw.originatorId);
  if (!originatorId) return malformed('header.requestId.originatorId must be an EUI-64 (8 hex octets joined by "-")');
  const targetId = parseEui(raw.targetId);
  if (!targetId) return malformed('header.requestId.targetId must be an EUI-64 (8 hex octets joined by "-")');
  const counter = parseCounter(raw.counter);
  if (!counter) return malformed('header.requestId.counter must be a decimal uint64 without leading zeros');
  const cv = raw.commandVariant;
  if (typeof cv !== 'number' || !Number.isInteger(cv) || cv < 1 || cv > 8) {
    return malformed('header.commandVariant must be an integer from 1 to 8');
  }
  if (typeof raw.serviceReference !== 'string' || raw.serviceReference === '') {
    return malformed('header.serviceReference must be a non-empty string');
  }
  if (typeof raw.serviceReferenceVariant !== 'string' || raw.serviceReferenceVariant === '') {
    return malformed('header.serviceReferenceVariant must be a non-empty string');
  }
  if (typeof raw.bodyElement !== 'string' || raw.bodyElement === '') return malformed('body must hold exactly one element');
  const bodyValue = raw.bodyValue;
  if (bodyValue !== '' && !isPlainObject(bodyValue)) {
    return malformed(`body.${raw.bodyElement} must be an object or ""`);
  }
  // A signed leg carries the Pre-Command the User signed: base64, as the transform leg gave it.
  // On another command variant the element is only the wrong one for the SRV: row 9, later.
  if (raw.bodyElement === 'SignedPreCommand' && SIGNED_LEG_VARIANTS.has(cv)) {
    const payload = bodyValue === '' ? undefined : bodyValue.GBCSPayload;
    if (typeof payload !== 'string' || !isBase64Binary(payload)) return malformed('body.SignedPreCommand.GBCSPayload must be the signed Pre-Command, base64 text');
  }
  let executionDateTime: number | undefined;
  if (bodyValue !== '' && 'ExecutionDateTime' in bodyValue) {
    const text = bodyValue.ExecutionDateTime;
    const at = parseRfc3339(text);
    if (Number.isNaN(at)) return malformed(`body.${raw.bodyElement}.ExecutionDateTime must be an RFC 3339 date-time`);
    executionDateTime = at;
  }
  let sequence: RequestSequence | undefined;
  if (raw.firstInSequence !== undefined) {
    if (typeof raw.firstInSequence !== 'boolean') return malformed('header.firstInSequence must be a boolean');
    sequence = { firstInSequence: raw.firstInSequence };
  }
  if (raw.precedingRequestId !== undefined) {
    const preceding = typeof raw.precedingRequestId === 'string' ? parseRequestId(raw.precedingRequestId) : null;
    if (!preceding) return malformed('header.precedingServiceRequestId must be a RequestID (originatorEUI:targetEUI:counter)');
    sequence = { ...sequence, precedingRequestId: formatRequestId(preceding) };
  }
  const requestId = { originatorId, targetId, counter };
  const value: ServiceRequest = {
    requestId,
    requestIdText: formatRequestId(requestId),
    commandVariant: cv as CommandVariant,
    serviceReference: raw.serviceReference,
    serviceReferenceVariant: raw.serviceReferenceVariant,
    bodyElement: raw.bodyElement,
    bodyValue,
    executionDateTime,
  };
  if (sequence) value.sequence = sequence;
  if (raw.webService) value.webService = raw.webService;
  return { ok: true, value };
}

/**
 * The integer literal of the counter exactly as written: JSON.parse rounds integers past 2^53,
 * so the text is parsed again, losslessly, only when the counter came as a JSON number.
 */
function losslessCounter(text: string): unknown {
  const doc = parseLossless(text) as { header?: { requestId?: { counter?: unknown } } };
  const counter = doc?.header?.requestId?.counter;
  return isLosslessNumber(counter) ? counter.value : counter;
}

/**
 * How deep a request's JSON may nest. A DUIS body nests a few levels; a limit checked before any
 * recursive parse means the answer never depends on how much stack a parse happened to have
 * (a byte-identical retry must get the same answer).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * One pass over JSON text, before any parse: the deepest nesting of objects and arrays (counting
 * no bracket inside a string; it stops past `max`), and the first key repeated within one object.
 * JSON.parse keeps a repeated key's last value and other parsers its first, so a signed body with
 * one would be a different request to different readers: it is refused, whatever the key.
 */
export function jsonShape(text: string, max = MAX_JSON_DEPTH): { deepest: number; repeatedKey?: string } {
  let deepest = 0;
  // Each open object's keys so far, or null for an open array.
  const open: (Set<string> | null)[] = [];
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i + 1;
      let escaped = false;
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) {
        if (text.charCodeAt(i) === 0x5c) {
          i++; // a backslash escapes the next character
          escaped = true;
        }
      }
      if (!keyNext) continue;
      keyNext = false;
      const raw = text.slice(start, i);
      const key = escaped ? unescapedKey(raw) : raw;
      const keys = open[open.length - 1]!;
      if (keys.has(key)) return { deepest, repeatedKey: key };
      keys.add(key);
    } else if (c === 0x7b || c === 0x5b) {
      open.push(c === 0x7b ? new Set() : null);
      keyNext = c === 0x7b;
      if (open.length > deepest && (deepest = open.length) > max) return { deepest };
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
      keyNext = false;
    } else if (c === 0x2c) keyNext = open.length > 0 && open[open.length - 1] !== null;
  }
  return { deepest };
}

/** A key written with escapes, as it reads ("\u0061" is "a"); as written when it does not parse (JSON.parse refuses the text then). */
function unescapedKey(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** What is wrong with the shape of JSON text (too deep, a key repeated), naming it as `subject`; undefined when nothing. */
export function jsonShapeProblem(text: string, subject = 'JSON'): string | undefined {
  const { deepest, repeatedKey } = jsonShape(text);
  if (deepest > MAX_JSON_DEPTH) return `${subject} nests deeper than ${MAX_JSON_DEPTH} levels`;
  return repeatedKey === undefined ? undefined : `${subject} repeats the key ${JSON.stringify(repeatedKey)} within one object`;
}

function shapeRefusal(text: string): Decoded<never> | undefined {
  const problem = jsonShapeProblem(text);
  return problem === undefined ? undefined : malformed(problem);
}

/**
 * Whether a parsed JSON value holds a number its text put beyond a double's range (`1e400`):
 * JSON.parse reads it as Infinity, which JSON writes back as null, so the request would go on
 * with another value than the one signed.
 */
function holdsInfiniteNumber(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (value === null || typeof value !== 'object') return false;
  for (const item of Array.isArray(value) ? value : Object.values(value)) if (holdsInfiniteNumber(item)) return true;
  return false;
}

const INFINITE_NUMBER = 'body holds a number beyond the range of a double (about ±1.8e308): it cannot be carried as sent';

/** Decodes the JSON format of the contract (duis-parser's simplified DUIS JSON). */
export function decodeJsonRequest(bytes: Uint8Array): Decoded<ServiceRequest> {
  let text: string;
  let doc: unknown;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    return malformed(`body is not valid UTF-8 JSON: ${(error as Error).message}`);
  }
  const misshapen = shapeRefusal(text);
  if (misshapen) return misshapen;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return malformed(`body is not valid UTF-8 JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(doc)) return malformed('request must be a JSON object with "header" and "body"');
  const header = doc.header;
  if (!isPlainObject(header)) return malformed('header is missing or not an object');
  const requestId = header.requestId;
  if (!isPlainObject(requestId)) return malformed('header.requestId is missing or not an object');
  const body = doc.body;
  if (!isPlainObject(body)) return malformed('body is missing or not an object');
  const keys = Object.keys(body);
  if (keys.length !== 1) return malformed(`body must hold exactly one element, found ${keys.length}`);
  if (holdsInfiniteNumber(body[keys[0]])) return malformed(INFINITE_NUMBER);
  let counter = requestId.counter;
  if (typeof counter === 'number') {
    try {
      counter = losslessCounter(text);
    } catch (error) {
      return malformed(`body is not valid JSON: ${(error as Error).message}`);
    }
  }
  return buildServiceRequest({
    originatorId: requestId.originatorId,
    targetId: requestId.targetId,
    counter,
    commandVariant: header.commandVariant,
    serviceReference: header.serviceReference,
    serviceReferenceVariant: header.serviceReferenceVariant,
    bodyElement: keys[0],
    bodyValue: body[keys[0]],
    firstInSequence: header.firstInSequence,
    precedingRequestId: header.precedingServiceRequestId,
  });
}

/** The body value carried as JSON text by the protobuf format: "" or an object. */
export function parseBodyJson(text: string): Decoded<Record<string, unknown> | ''> {
  if (text === '') return { ok: true, value: '' };
  const misshapen = shapeRefusal(text);
  if (misshapen) return misshapen;
  try {
    const value = JSON.parse(text);
    if (isPlainObject(value) && holdsInfiniteNumber(value)) return malformed(INFINITE_NUMBER);
    if (value === '' || isPlainObject(value)) return { ok: true, value };
  } catch {
    // falls through to the refusal below
  }
  return malformed('body_json must be "" or the JSON text of an object');
}
