import { jsonShapeProblem } from '@dccrouter/domain';
import { batchHoldsMoreThan, ServiceRequestBatch } from '@dccrouter/protocol';
import type { FieldNames } from '../pipeline/index.ts';
import { requestFormat, type RequestFormat } from './index.ts';

/**
 * One request of a batch: its exact bytes and signature, judged as if sent alone. In a batch
 * authenticated once (X-DCC-Batch-Signature) items carry no signature: the batch's covers them.
 */
export interface BatchItem {
  format: RequestFormat | undefined;
  /** As given, for a refusal of it (none: the batch format's default). */
  contentType?: string;
  body: Uint8Array;
  signature: string | undefined;
  /** How its refusals name its fields: `requests[i].signature`. */
  fieldNames?: FieldNames;
  /** Why the item itself is not shaped as a batch item: answered row 3 on its own, the others go on. */
  malformed?: string;
}

/** Each place's field names, made once per place (a batch's items would otherwise make them each time). */
const namesByPlace = { contentType: [] as FieldNames[], content_type: [] as FieldNames[] };
function itemFieldNames(index: number, contentTypeField: keyof typeof namesByPlace): FieldNames {
  const names = namesByPlace[contentTypeField];
  return names[index] ??= { signature: `requests[${index}].signature`, contentType: `requests[${index}].${contentTypeField}` };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const [QUOTE, BACKSLASH, OPEN_BRACKET, CLOSE_BRACKET, OPEN_BRACE, CLOSE_BRACE, COMMA] = [0x22, 0x5c, 0x5b, 0x5d, 0x7b, 0x7d, 0x2c];

/** Members a JSON batch item may have ("body" or "bodyBase64", "signature", "contentType"), and the batch object beside "requests", with room. */
const MAX_MEMBERS = 8;
/** The batch object, its "requests" array, an item's object. */
const MAX_DEPTH = 3;

/** Why a batch's bytes are refused before they are parsed: too many requests (413), or not shaped as a batch (400). */
export interface BatchShapeProblem {
  reason: 'body_too_large' | 'malformed_request';
  message: string;
}

/**
 * A batch refused by a scan before any parse and any signature check (JSON: its structure outside
 * strings; protobuf: field tags): more than `max` requests, or, for JSON, nesting or members no
 * batch has. Parsing and the repeated-key check cost the main thread seconds for a 16 MiB
 * document of millions of members, unauthenticated: a batch of millions of empty items, or of
 * keys beside "requests" or inside an item, is refused for what it is without building them.
 */
export function batchShapeProblem(format: RequestFormat, bytes: Uint8Array, max: number): BatchShapeProblem | undefined {
  const tooMany = { reason: 'body_too_large' as const, message: `a batch holds at most ${max} requests, got more` };
  if (format === 'protobuf') return batchHoldsMoreThan(bytes, max) ? tooMany : undefined;
  let depth = 0;
  let items = 0;
  let batchMembers = 0;
  let itemMembers = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      // To the string's end, past escaped characters.
      for (i++; i < bytes.length && bytes[i] !== QUOTE; i++) if (bytes[i] === BACKSLASH) i++;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      if (++depth > MAX_DEPTH) return { reason: 'malformed_request', message: `requests[${items}] nests values: a batch item is an object of text fields (its "body" the request's JSON as a string: the bytes its signature covers)` };
      itemMembers = 0;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) depth--;
    else if (byte !== COMMA) continue;
    else if (depth === 2) {
      if (++items >= max) return tooMany;
    } else if (depth === 1 && ++batchMembers >= MAX_MEMBERS) {
      return { reason: 'malformed_request', message: `the batch object has more members than "requests": at most ${MAX_MEMBERS}` };
    } else if (depth === 3 && ++itemMembers >= MAX_MEMBERS) {
      return { reason: 'malformed_request', message: `requests[${items}] has more members than a batch item's ("body" or "bodyBase64", "signature", "contentType"): at most ${MAX_MEMBERS}` };
    }
  }
  return undefined;
}

/** The batch endpoint's JSON form: `{ "requests": [ { "body" | "bodyBase64", "signature", "contentType"? } ] }`. */
export function parseJsonBatch(bytes: Uint8Array): BatchItem[] | string {
  let text: string;
  try {
    // Fatal: a replaced byte would make an item's bytes other than those its User signed.
    text = strictUtf8.decode(bytes);
  } catch {
    return 'batch is not valid UTF-8';
  }
  // A repeated key ("body" twice) is read one way here and another by another parser.
  const misshapen = jsonShapeProblem(text, 'batch');
  if (misshapen) return misshapen;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'batch is not valid JSON';
  }
  const requests = (doc as { requests?: unknown })?.requests;
  if (!Array.isArray(requests)) return 'batch must be an object with a "requests" array';
  const items: BatchItem[] = [];
  for (const [index, item] of requests.entries()) {
    const { body, bodyBase64, signature, contentType = 'application/json' } = (item ?? {}) as Record<string, unknown>;
    const malformed = typeof body !== 'string' && typeof bodyBase64 !== 'string' ? `requests[${index}] needs "body" (text) or "bodyBase64"`
      // A lone surrogate ("\ud800") has no UTF-8 bytes: encoded, it would become another character.
      : typeof body === 'string' && LONE_SURROGATE.test(body) ? `requests[${index}].body is not valid text: it holds a lone surrogate`
        : signature !== undefined && typeof signature !== 'string' ? `requests[${index}].signature must be a string`
          : typeof contentType !== 'string' ? `requests[${index}].contentType must be a string` : undefined;
    if (malformed) {
      items.push({ format: 'json', body: new Uint8Array(0), signature: undefined, malformed });
      continue;
    }
    items.push({
      format: requestFormat(contentType as string),
      contentType: contentType as string,
      body: typeof body === 'string' ? new TextEncoder().encode(body) : Buffer.from(bodyBase64 as string, 'base64'),
      signature: signature as string | undefined,
      fieldNames: itemFieldNames(index, 'contentType'),
    });
  }
  return items;
}

export function parseProtobufBatch(bytes: Uint8Array): BatchItem[] | string {
  try {
    const batch = ServiceRequestBatch.decode(bytes);
    return batch.requests.map((item, index) => ({
      format: requestFormat(item.contentType || 'application/x-protobuf'),
      contentType: item.contentType || 'application/x-protobuf',
      body: item.body ?? new Uint8Array(0),
      signature: item.signature || undefined,
      fieldNames: itemFieldNames(index, 'content_type'),
    }));
  } catch (cause) {
    return `batch is not a dccrouter.v1.ServiceRequestBatch: ${(cause as Error).message}`;
  }
}
