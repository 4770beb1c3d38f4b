import { buildServiceRequest, refuse, type Decoded, type DuisWebService, type ServiceRequest } from '@dccrouter/domain';
import { elementChildren, parseXmlDocument, textOf, XmlRefused, type XmlElement } from './tree.ts';
import { readSignature, type XmlSignature } from './signature.ts';
import { schemaViolation } from './schema/index.ts';
import { SR_NS } from './namespaces.ts';

/** A decoded DUIS XML request: the same ServiceRequest the JSON path produces, and its signature. */
export interface DecodedXml {
  request: ServiceRequest;
  /** Undefined when the document carries no ds:Signature (row 5); a string says what is wrong with it. */
  signature: XmlSignature | string | undefined;
}

const malformed = (message: string): Decoded<never> => ({ ok: false, refusal: refuse('malformed_request', message) });

/** An xs:dateTime without a zone. */
const ZONELESS = /T\d{2}:\d{2}:\d{2}(\.\d+)?$/;
/** XSD 1.0's end of a day, 24:00:00 (fraction all zeros), which RFC 3339 has no words for. */
const END_OF_DAY = /^(-?\d{4,}-\d{2}-\d{2})T24:00:00(\.0+)?(?=Z|[+-]\d{2}:\d{2}|$)/;

/**
 * An xs:dateTime as the RFC 3339 text the JSON format carries: without a zone it is UTC, as DUIS
 * times are; 24:00:00 is the next day's 00:00:00 (XSD 1.0, 3.2.7), from the date's own zone.
 */
export function xsDateTimeAsRfc3339(text: string): string {
  let rfc3339 = ZONELESS.test(text) ? `${text}Z` : text;
  const endOfDay = END_OF_DAY.exec(rfc3339);
  if (endOfDay) {
    const next = new Date(`${endOfDay[1]}T00:00:00Z`);
    // An impossible date stays impossible: row 3 refuses it by name.
    if (!Number.isNaN(next.getTime()) && next.toISOString().startsWith(endOfDay[1])) {
      next.setUTCDate(next.getUTCDate() + 1);
      rfc3339 = `${next.toISOString().slice(0, 10)}T00:00:00${rfc3339.slice(endOfDay[0].length)}`;
    }
  }
  return rfc3339;
}

/**
 * Row 3 for DUIS XML: a well-formed document (parsed once, hardened, by tree.ts) that the
 * DUIS V5.4 schema validates as an sr:Request, mapped to the request the JSON format would carry:
 * the body element's value as duis-parser's simplified JSON (text for a leaf, an object of child
 * elements by local name otherwise, repeated elements as an array, attributes as "@_name").
 */
export function decodeXmlRequest(bytes: Uint8Array, webService: DuisWebService): Decoded<DecodedXml> {
  let root: XmlElement;
  try {
    root = parseXmlDocument(bytes, (element, document) =>
      // The schema has other global elements (sr:Response, sr:RequestID, ...): a request is an sr:Request.
      element.uri !== SR_NS || element.local !== 'Request'
        ? `the document element must be sr:Request in ${SR_NS}, got ${element.local} in ${element.uri ? element.uri : 'no namespace'}`
        : schemaViolation(document));
  } catch (error) {
    if (error instanceof XmlRefused) return malformed(error.message);
    throw error;
  }
  // The schema has fixed the shape: sr:Header, sr:Body with one element, then an optional ds:Signature.
  const [header, body, signature] = elementChildren(root)!;
  const fields = headerFields(header);
  const element = elementChildren(body)![0];
  const value = valueOf(element);
  if (typeof value === 'object' && !Array.isArray(value) && typeof value.ExecutionDateTime === 'string') {
    value.ExecutionDateTime = xsDateTimeAsRfc3339(value.ExecutionDateTime);
  }
  const [originatorId, targetId, counter] = fields.RequestID!.split(':');
  const firstInSequence = fields.FirstInSequence;
  const decoded = buildServiceRequest({
    originatorId,
    targetId,
    counter,
    commandVariant: Number(fields.CommandVariant),
    serviceReference: fields.ServiceReference,
    serviceReferenceVariant: fields.ServiceReferenceVariant,
    bodyElement: element.local,
    bodyValue: value === '' || typeof value === 'object' && !Array.isArray(value) ? value : {},
    firstInSequence: firstInSequence === undefined ? undefined : firstInSequence === 'true' || firstInSequence === '1',
    precedingRequestId: fields.PrecedingServiceRequestID,
    webService,
  });
  if (!decoded.ok) return decoded;
  return { ok: true, value: { request: decoded.value, signature: signature ? readSignature(root, signature) : undefined } };
}

/** The header's fields by name (xs:token: surrounding whitespace collapsed). */
function headerFields(header: XmlElement): Partial<Record<string, string>> {
  return Object.fromEntries(elementChildren(header)!.map((child) => [child.local, textOf(child)!.trim()]));
}

type Simplified = string | { [key: string]: Simplified | Simplified[] };

/** duis-parser's simplified JSON of an element's content (never mixed: the schema has none). */
function valueOf(element: XmlElement): Simplified {
  const children = elementChildren(element);
  if (element.attributes.length === 0) {
    if (children === undefined) return textOf(element)?.trim() ?? '';
    if (children.length === 0) return '';
  }
  // Gathered in a Map, then made an object of own properties as JSON.parse makes them: on a plain
  // object, <sr:__proto__> would set its prototype and <sr:toString> find the inherited method.
  const out = new Map<string, Simplified | Simplified[]>();
  for (const attribute of element.attributes) out.set(`@_${attribute.local}`, attribute.value);
  if (children === undefined) {
    const text = (textOf(element) ?? '').trim();
    if (text !== '') out.set('#text', text);
    return Object.fromEntries(out);
  }
  for (const child of children) {
    const value = valueOf(child);
    const existing = out.get(child.local);
    if (existing === undefined) out.set(child.local, value);
    else if (Array.isArray(existing)) existing.push(value);
    else out.set(child.local, [existing, value]);
  }
  return Object.fromEntries(out);
}
