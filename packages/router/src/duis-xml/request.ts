import { buildServiceRequest, DUIS_REQUEST_BODY_ELEMENTS, refuse, type Decoded, type DuisWebService, type ServiceRequest } from '@dccrouter/domain';
import { elementChildren, parseXmlDocument, textOf, XmlRefused, type XmlElement } from './tree.ts';
import { readSignature, type XmlSignature } from './signature.ts';

export const SR_NS = 'http://www.dccinterface.co.uk/ServiceUserGateway';
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** A decoded DUIS XML request: the same ServiceRequest the JSON path produces, and its signature. */
export interface DecodedXml {
  request: ServiceRequest;
  /** Undefined when the document carries no ds:Signature (row 5); a string says what is wrong with it. */
  signature: XmlSignature | string | undefined;
}

const malformed = (message: string): Decoded<never> => ({ ok: false, refusal: refuse('malformed_request', message) });

/** The header's elements in the schema's order: [name, required]. */
const HEADER = [
  ['RequestID', true], ['FirstInSequence', false], ['PrecedingServiceRequestID', false],
  ['CommandVariant', true], ['ServiceReference', true], ['ServiceReferenceVariant', true],
] as const;

/**
 * Row 3 for DUIS XML: a well-formed (hardened) document shaped like the DUIS V5.4 schema's
 * sr:Request (header elements in order, one body element of the schema's choice, then an
 * optional ds:Signature), mapped to the request the JSON format would carry: the body element's
 * value as duis-parser's simplified JSON (text for a leaf, an object of child elements by local
 * name otherwise, repeated elements as an array, attributes as "@_name").
 */
export function decodeXmlRequest(bytes: Uint8Array, webService: DuisWebService): Decoded<DecodedXml> {
  let root: XmlElement;
  try {
    root = parseXmlDocument(bytes);
  } catch (error) {
    if (error instanceof XmlRefused) return malformed(error.message);
    throw error;
  }
  if (root.uri !== SR_NS || root.local !== 'Request') return malformed(`the document element must be sr:Request in ${SR_NS}, got ${root.name}`);
  if (!root.attributes.some((a) => a.uri === '' && a.local === 'schemaVersion')) return malformed('sr:Request has no schemaVersion attribute');
  const parts = elementChildren(root);
  if (!parts) return malformed('sr:Request holds text outside its elements');
  const [header, body, signature, ...rest] = parts;
  if (!header || !isSr(header, 'Header')) return malformed('sr:Request must begin with sr:Header');
  if (!body || !isSr(body, 'Body')) return malformed('sr:Header must be followed by sr:Body');
  if ((signature && !(signature.uri === DS_NS && signature.local === 'Signature')) || rest.length > 0) {
    return malformed('sr:Body may be followed only by one ds:Signature');
  }

  const fields = headerFields(header);
  if (typeof fields === 'string') return malformed(fields);
  const bodyChildren = elementChildren(body);
  if (!bodyChildren || bodyChildren.length !== 1) return malformed('sr:Body must hold exactly one element');
  const element = bodyChildren[0];
  if (element.uri !== SR_NS || !DUIS_REQUEST_BODY_ELEMENTS.has(element.local)) {
    return malformed(`${element.name} is not one of the DUIS V5.4 request body elements`);
  }
  let value: Simplified;
  try {
    value = valueOf(element);
  } catch (error) {
    if (error instanceof XmlRefused) return malformed(error.message);
    throw error;
  }
  const [originatorId, targetId, counter, ...extra] = (fields.RequestID ?? '').split(':');
  if (extra.length > 0) return malformed('sr:RequestID must be originatorEUI:targetEUI:counter');
  const commandVariantText = fields.CommandVariant!;
  const firstInSequence = fields.FirstInSequence;
  const decoded = buildServiceRequest({
    originatorId,
    targetId,
    counter,
    commandVariant: /^[0-9]{1,2}$/.test(commandVariantText) ? Number(commandVariantText) : commandVariantText,
    serviceReference: fields.ServiceReference,
    serviceReferenceVariant: fields.ServiceReferenceVariant,
    bodyElement: element.local,
    bodyValue: value === '' || typeof value === 'object' && !Array.isArray(value) ? value : {},
    firstInSequence: firstInSequence === undefined ? undefined : firstInSequence === 'true' || firstInSequence === '1' ? true : firstInSequence === 'false' || firstInSequence === '0' ? false : firstInSequence,
    precedingRequestId: fields.PrecedingServiceRequestID,
    webService,
  });
  if (!decoded.ok) return decoded;
  return { ok: true, value: { request: decoded.value, signature: signature ? readSignature(root, signature) : undefined } };
}

function isSr(element: XmlElement, local: string): boolean {
  return element.uri === SR_NS && element.local === local;
}

/** The header's text fields (xs:token: surrounding whitespace collapsed), or why the header is not the schema's. */
function headerFields(header: XmlElement): Partial<Record<(typeof HEADER)[number][0], string>> | string {
  const children = elementChildren(header);
  if (!children) return 'sr:Header holds text outside its elements';
  const fields: Partial<Record<(typeof HEADER)[number][0], string>> = {};
  let at = 0;
  for (const [name, required] of HEADER) {
    const child = children[at];
    if (child && isSr(child, name)) {
      const text = textOf(child);
      if (text === undefined) return `sr:${name} must hold text only`;
      fields[name] = text.trim();
      at++;
    } else if (required) {
      return `sr:Header must hold sr:${name} here (schema order: ${HEADER.map(([n]) => n).join(', ')}), got ${child ? child.name : 'nothing'}`;
    }
  }
  if (at < children.length) return `sr:Header holds an unexpected ${children[at].name}`;
  return fields;
}

type Simplified = string | { [key: string]: Simplified | Simplified[] };

/** duis-parser's simplified JSON of an element's content. */
export function valueOf(element: XmlElement): Simplified {
  const children = elementChildren(element);
  if (children === undefined && element.children.some((child) => typeof child !== 'string')) {
    throw new XmlRefused(`${element.name} mixes text and elements, which no DUIS element does`);
  }
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
