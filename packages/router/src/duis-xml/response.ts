import type { ServiceRequest } from '@dccrouter/domain';
import type { OutboxItem } from '@dccrouter/state';
import { escapeAttribute, escapeText } from './c14n.ts';
import { signEnveloped, type XmlSigner } from './sign.ts';
import { SR_NS, DS_NS } from './namespaces.ts';

export const XML_TYPE = 'application/xml';
/** The GBCS version of the opaque Pre-Commands the router hands back (DUIS V5.4 is aligned with GBCS 4.3). */
const GBCS_VERSION = '4.3';

interface ResponseHeader {
  requestId?: string;
  responseId?: string;
  responseCode?: string;
  responseDateTime: string;
}

/**
 * The documents below are written in their C14N form (declarations and attributes in order, end
 * tags, C14N escaping), so signing digests them as written, without parsing them back
 * (response.test.ts checks that against the canonicaliser).
 */
const CANONICAL = { canonical: true } as const;

/** An unsigned sr:Response: header fields in the schema's order, then the body element's XML. */
function responseDocument(header: ResponseHeader, body: string): string {
  let head = '';
  if (header.requestId) head += `<sr:RequestID>${escapeText(header.requestId)}</sr:RequestID>`;
  if (header.responseId) head += `<sr:ResponseID>${escapeText(header.responseId)}</sr:ResponseID>`;
  if (header.responseCode) head += `<sr:ResponseCode>${escapeText(header.responseCode)}</sr:ResponseCode>`;
  head += `<sr:ResponseDateTime>${escapeText(header.responseDateTime)}</sr:ResponseDateTime>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sr:Response xmlns:ds="${DS_NS}" xmlns:sr="${SR_NS}" schemaVersion="5.4">`
    + `<sr:Header>${head}</sr:Header><sr:Body>${body}</sr:Body></sr:Response>`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** An attribute's or text's value: a JSON scalar as its text, anything else as its JSON (a User's body may hold any JSON there). */
const textOf = (value: unknown): string => (value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value));

/** A JSON value as sr: elements: objects by key, arrays as repeated elements, "@_x" keys as attributes, "#text" as text. */
export function jsonToXml(name: string, value: unknown): string {
  if (!NAME.test(name)) return '';
  if (Array.isArray(value)) return value.map((item) => jsonToXml(name, item)).join('');
  if (value === null || value === undefined) return `<sr:${name}></sr:${name}>`;
  if (typeof value !== 'object') return `<sr:${name}>${escapeText(String(value))}</sr:${name}>`;
  let attributes = '';
  let content = '';
  // Attributes in C14N order (unqualified: by name), so the document is written in its canonical form.
  const entries = Object.entries(value);
  for (const [key, item] of entries.filter(([key]) => key.startsWith('@_')).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (NAME.test(key.slice(2))) attributes += ` ${key.slice(2)}="${escapeAttribute(textOf(item))}"`;
  }
  for (const [key, item] of entries) {
    if (key.startsWith('@_')) continue;
    if (key === '#text') content += escapeText(textOf(item));
    else content += jsonToXml(key, item);
  }
  return `<sr:${name}${attributes}>${content}</sr:${name}>`;
}

/**
 * The JSON body in DUIS's elements where they differ: 5.2's `{ DSPScheduleID, DSPScheduleDetails }`
 * is one schedule of DSPSchedulesRead, and a DSP occurrence's GBCS response with its DSPScheduleID
 * is a DSPScheduledMessage (the JSON keeps both flat, as the contract's answers are).
 */
function duisShaped(srv: string | undefined, body: Record<string, unknown>): Record<string, unknown> {
  if (srv === '5.2' && body.DSPScheduleDetails !== undefined) {
    const { DSPScheduleID, DSPScheduleDetails, ...rest } = body;
    return { DSPSchedulesRead: { DSPSchedules: { DSPScheduleID, DSPScheduleDetails } }, ...rest };
  }
  if (body.DSPScheduleID !== undefined && typeof body.GBCSPayload === 'string') {
    const { GBCSPayload, DSPScheduleID, ...rest } = body;
    return { DSPScheduledMessage: { GBCSPayload, DSPScheduleID }, ...rest };
  }
  return body;
}

/** The payload of an answer's body (the JSON answer's `body`) inside sr:ResponseMessage. */
function payload(body: Record<string, unknown> | undefined, srv?: string): string {
  if (!body) return '';
  let out = '';
  for (const [key, value] of Object.entries(duisShaped(srv, body))) {
    if (key === 'PreCommand' && value && typeof value === 'object') {
      out += `<sr:PreCommand><sr:GBCSVersion>${GBCS_VERSION}</sr:GBCSVersion><sr:GBCSPayload>${escapeText(String((value as { GBCSPayload?: unknown }).GBCSPayload ?? ''))}</sr:GBCSPayload></sr:PreCommand>`;
    } else if (key === 'LocalCommand' && typeof value === 'string') {
      out += `<sr:LocalCommand><sr:GBCSPayload>${escapeText(value)}</sr:GBCSPayload></sr:LocalCommand>`;
    } else out += jsonToXml(key, value);
  }
  return out;
}

function responseMessage(request: Pick<ServiceRequest, 'serviceReference' | 'serviceReferenceVariant'> | undefined, body: Record<string, unknown> | undefined): string {
  if (!request) return payload(body);
  return `<sr:ResponseMessage><sr:ServiceReference>${escapeText(request.serviceReference)}</sr:ServiceReference>`
    + `<sr:ServiceReferenceVariant>${escapeText(request.serviceReferenceVariant)}</sr:ServiceReferenceVariant>${payload(body, request.serviceReferenceVariant)}</sr:ResponseMessage>`;
}

interface JsonAnswer {
  header: { requestId?: string; responseCode?: string; responseDateTime: string };
  body?: Record<string, unknown>;
  route?: { generation?: string; destination: string };
  trt?: { budgetMs: number; deadline: string };
  quarantine?: { ref: string; breach: string };
  deleted?: { breach: string };
  error?: { reason: string; message: string };
}

/**
 * The pipeline's answer (its JSON text) as a signed DUIS sr:Response: sr:ResponseCode is the
 * row's DUIS code (rows without one, e.g. 3 and 5, have none: their HTTP status and
 * X-DCC-Reason tell them). What DUIS has no element for travels in headers: X-DCC-Route,
 * X-DCC-TRT (budget and deadline), X-DCC-Quarantine, X-DCC-Deleted, and X-DCC-Reason with the
 * refusal's reason. A refusal's message is in an (unsigned) XML comment.
 */
export function xmlAnswer(
  json: string, request: Pick<ServiceRequest, 'serviceReference' | 'serviceReferenceVariant'> | undefined, signer: XmlSigner,
  /**
   * Its sender passed the signature check. Until then (rows 3 to 5, a 503 while its User was being
   * looked up) what the request claims, its RequestID and SRV, is not written into a document the
   * router signs: anyone could have the router sign a response naming another User's RequestID.
   */
  senderAuthenticated: boolean,
): { body: string; headers: Record<string, string> } {
  const answer = JSON.parse(json) as JsonAnswer;
  const headers: Record<string, string> = { 'content-type': XML_TYPE };
  if (answer.route) headers['x-dcc-route'] = answer.route.generation ? `${answer.route.destination}; generation=${answer.route.generation}` : answer.route.destination;
  if (answer.trt) headers['x-dcc-trt'] = `budgetMs=${answer.trt.budgetMs}; deadline=${answer.trt.deadline}`;
  if (answer.quarantine) headers['x-dcc-quarantine'] = `ref=${answer.quarantine.ref}; breach=${answer.quarantine.breach}`;
  if (answer.deleted) headers['x-dcc-deleted'] = `breach=${answer.deleted.breach}`;
  const document = !senderAuthenticated
    ? responseDocument({ responseCode: answer.header.responseCode, responseDateTime: answer.header.responseDateTime }, '')
    : responseDocument(answer.header, responseMessage(request, answer.body));
  let signed = signEnveloped(document, signer, CANONICAL);
  if (answer.error) {
    headers['x-dcc-reason'] = answer.error.reason;
    signed += `\n${refusalComment(answer.error.reason, answer.error.message)}`;
  }
  return { body: signed, headers };
}

/**
 * An outbound item (a device's response, a device alert or a DCC alert) as signed DUIS XML, for
 * Users registered with receiveFormat "xml". The cursor and kind travel in X-DCC-Cursor and
 * X-DCC-Kind headers.
 */
export function xmlOutboxItem(
  item: OutboxItem, signer: XmlSigner, now = Date.now(),
  /** The SRV a response answers (its record's), which sr:ResponseMessage names. */
  service?: { serviceReference: string; serviceReferenceVariant: string },
): string {
  const body = (item.body && typeof item.body === 'object' ? item.body : item.body === undefined ? {} : { value: item.body }) as Record<string, unknown>;
  const at = new Date(now).toISOString();
  if (item.kind === 'deviceAlert') {
    const { GBCSPayload } = body as { GBCSPayload?: unknown };
    // The device it came from, as the JSON item names it (deviceId).
    const device = item.deviceId ? `<sr:DeviceID>${escapeText(item.deviceId)}</sr:DeviceID>` : '';
    const content = `${device}<sr:AlertCode>${escapeText(item.alertCode ?? '')}</sr:AlertCode><sr:GBCSPayload>${escapeText(String(GBCSPayload ?? ''))}</sr:GBCSPayload>`;
    return signEnveloped(responseDocument({ responseId: item.responseId, responseCode: 'I0', responseDateTime: item.raisedAt ?? at }, `<sr:DeviceAlertMessage>${content}</sr:DeviceAlertMessage>`), signer, CANONICAL);
  }
  if (item.kind === 'dccAlert') {
    const { alert: _alert, ...rest } = body as Record<string, unknown>;
    const alert = item.alertCode === 'AD1' && typeof rest.ref === 'string' ? quarantinedRequest(rest)
      : Object.entries(rest).map(([key, value]) => jsonToXml(key, value)).join('');
    return signEnveloped(responseDocument({ requestId: item.requestId, responseCode: 'I0', responseDateTime: at },
      `<sr:DCCAlertMessage><sr:DCCAlertCode>${escapeText(item.alertCode ?? '')}</sr:DCCAlertCode><sr:DCCAlert>${alert}</sr:DCCAlert></sr:DCCAlertMessage>`), signer, CANONICAL);
  }
  // A refusal the router answered with (a held request refused at its ExecutionDateTime): DUIS has
  // no element for its reason, so it goes as an answer's does, in a comment (and X-DCC-Reason).
  const { error, ...rest } = body as { error?: { reason?: unknown; message?: unknown } };
  const signed = signEnveloped(responseDocument({ requestId: item.requestId, responseId: item.responseId, responseCode: item.responseCode ?? 'I0', responseDateTime: at },
    service ? responseMessage(service, rest) : `<sr:ResponseMessage>${payload(rest)}</sr:ResponseMessage>`), signer, CANONICAL);
  return error ? `${signed}\n${refusalComment(String(error.reason), String(error.message))}` : signed;
}

/** DUIS's element of a quarantined request's alert, by the breach that held it back. */
const AD_BREACH_ELEMENTS: Record<string, string> = { user: 'ADUserThresholdBreach', dcc: 'ADDCCThresholdBreach', value: 'ADAttributeLimitsBreach' };

/**
 * An AD1 alert of a request held back in quarantine as DUIS's sr:QuarantinedRequest has it: the
 * breach's element, the RequestID and the event reference (the router's own, a text where DUIS
 * has a number). What else the JSON alert says (action, detail) DUIS has no element for.
 */
function quarantinedRequest(alert: Record<string, unknown>): string {
  const element = AD_BREACH_ELEMENTS[String(alert.breach)] ?? AD_BREACH_ELEMENTS.user;
  return `<sr:QuarantinedRequest><sr:${element}><sr:RequestID>${escapeText(String(alert.requestId ?? ''))}</sr:RequestID>`
    + `<sr:QuarantineEventRef>${escapeText(String(alert.ref))}</sr:QuarantineEventRef></sr:${element}></sr:QuarantinedRequest>`;
}

/** A refusal's reason and message after a signed document: a comment, outside what is signed. */
function refusalComment(reason: string, message: string): string {
  return `<!-- ${reason}: ${message.replace(/-{2,}/g, '-')} -->`;
}
