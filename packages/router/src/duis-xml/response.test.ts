import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { XmlDocument, XmlValidateError } from 'libxml2-wasm';
import { describe, expect, it } from 'vitest';
import { canonicalise } from './c14n.ts';
import { xmlAnswer, xmlOutboxItem } from './response.ts';
import { duisSchema } from './schema/index.ts';
import { signEnveloped } from './sign.ts';
import { readSignature } from './signature.ts';
import { parseXmlText } from './tree.ts';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signer = { key: privateKey, issuerName: 'CN=dcc-router', serialNumber: '42' };
const at = '2026-12-01T10:00:00.123Z';
const srv = { serviceReference: '4.1', serviceReferenceVariant: '4.1.1' };

/** The document checks as the router checks a request: digest of its C14N form, ECDSA over SignedInfo. */
function verified(text: string): boolean {
  const root = parseXmlText(text.replace(/\n<!--[\s\S]*-->$/, ''));
  const signature = root.children.filter((c) => typeof c !== 'string').at(-1) as any;
  const read = readSignature(root, signature);
  if (typeof read === 'string') throw new Error(read);
  return read.digestMatches() && read.issuerName === 'CN=dcc-router' && verify('sha256', read.signedInfo, { key: publicKey, dsaEncoding: 'der' }, read.signatureDer);
}

/** What it digests: written in canonical form, so parsing and canonicalising it changes nothing. */
function canonicalAsWritten(text: string): boolean {
  const unsigned = text.replace(/<ds:Signature>[\s\S]*<\/ds:Signature>/, '').replace(/\n<!--[\s\S]*-->$/, '');
  return canonicalise(parseXmlText(unsigned), { exclusive: false }) === unsigned.slice(unsigned.indexOf('?>') + 3);
}

const answers = {
  acknowledgement: { header: { requestId: 'A:B:1', responseCode: 'I99', responseDateTime: at }, route: { generation: 'SMETS2+', destination: 'smets2/north' }, trt: { budgetMs: 30000, deadline: at } },
  preCommand: { header: { requestId: 'A:B:2', responseCode: 'I0', responseDateTime: at }, body: { PreCommand: { GBCSPayload: 'QUJD+/==' } } },
  nonDevice: { header: { requestId: 'A:B:3', responseCode: 'I0', responseDateTime: at }, body: { DSPInventory: { Device: [{ '@_z': '1', '@_a': '<&">', DeviceID: 'x & y' }, { DeviceID: 'z' }] } } },
  // A User's own JSON echoed back (a schedule's read body): values XML has no attribute or text form for.
  oddValues: { header: { requestId: 'A:B:6', responseCode: 'I0', responseDateTime: at }, body: { DSPScheduleDetails: { Read: { '@_a': { toString: 1 }, '@_b': null, '#text': [1, 2] } } } },
  refusal: { header: { responseDateTime: at }, error: { reason: 'malformed_request', message: 'bad -- xml' } },
  quarantined: { header: { requestId: 'A:B:4', responseCode: 'I99', responseDateTime: at }, quarantine: { ref: 'q1', breach: 'user' } },
};

/** A RequestID as DUIS writes one, for an alert the schema checks. */
const QUARANTINED = '90-B3-D5-1F-30-00-00-01:00-DB-12-34-56-78-90-A0:1';

describe('DUIS XML answers', () => {
  it.each(Object.entries(answers))('%s: a signed sr:Response written in canonical form, verifying', (_name, answer) => {
    const { body, headers } = xmlAnswer(JSON.stringify(answer), 'error' in answer ? undefined : srv, signer, true);
    expect(headers['content-type']).toBe('application/xml');
    expect(canonicalAsWritten(body)).toBe(true);
    expect(verified(body)).toBe(true);
    expect(verified(body.replace('2026-12-01T10', '2026-12-02T10'))).toBe(false);
  });

  it('writes a JSON value with no text of its own (an object as attribute or text) as its JSON, not failing', () => {
    const { body } = xmlAnswer(JSON.stringify(answers.oddValues), srv, signer, true);
    expect(body).toContain('<sr:Read a="{&quot;toString&quot;:1}" b="null">[1,2]</sr:Read>');
  });

  it('names the SRV, the code and what DUIS has no element for in headers', () => {
    const { body, headers } = xmlAnswer(JSON.stringify(answers.acknowledgement), srv, signer, true);
    expect(body).toContain('<sr:ResponseCode>I99</sr:ResponseCode>');
    expect(body).toContain('<sr:ServiceReferenceVariant>4.1.1</sr:ServiceReferenceVariant>');
    expect(headers).toMatchObject({ 'x-dcc-route': 'smets2/north; generation=SMETS2+', 'x-dcc-trt': `budgetMs=30000; deadline=${at}` });
    const refusal = xmlAnswer(JSON.stringify(answers.refusal), undefined, signer, true);
    expect(refusal.headers['x-dcc-reason']).toBe('malformed_request');
    expect(refusal.body).not.toContain('ResponseCode');
    expect(refusal.body).toMatch(/<!-- malformed_request: bad - xml -->$/);
    // A sender not authenticated: the RequestID and SRV it claims are not signed by the router.
    const forged = xmlAnswer(JSON.stringify({ header: { requestId: 'A:B:9', responseDateTime: at }, error: { reason: 'signature_invalid', message: 'not valid' } }), srv, signer, false);
    expect(verified(forged.body)).toBe(true);
    expect(forged.body).not.toContain('A:B:9');
    expect(forged.body).not.toContain('4.1.1');
    expect(forged.headers['x-dcc-reason']).toBe('signature_invalid');
    // Nor in a 503 before the sender was checked (its User being looked up when the store failed).
    const unavailable = xmlAnswer(JSON.stringify({ header: { requestId: 'A:B:10', responseDateTime: at }, error: { reason: 'state_unavailable', message: 'unreachable' } }), srv, signer, false);
    expect([unavailable.body.includes('A:B:10'), unavailable.body.includes('4.1.1'), unavailable.headers['x-dcc-reason']]).toEqual([false, false, 'state_unavailable']);
    // Threshold Anomaly Detection's outcomes, which a plain I99 body does not show: the XML User's only sign of them.
    expect(xmlAnswer(JSON.stringify(answers.quarantined), srv, signer, true).headers['x-dcc-quarantine']).toBe('ref=q1; breach=user');
    const deleted = { header: { requestId: 'A:B:5', responseCode: 'I99', responseDateTime: at }, deleted: { breach: 'value' } };
    expect(xmlAnswer(JSON.stringify(deleted), srv, signer, true).headers['x-dcc-deleted']).toBe('breach=value');
    expect(xmlAnswer(JSON.stringify(answers.preCommand), srv, signer, true).body).toContain('<sr:PreCommand><sr:GBCSVersion>4.3</sr:GBCSVersion><sr:GBCSPayload>QUJD+/==</sr:GBCSPayload></sr:PreCommand>');
  });

  it.each([
    ['response', { cursor: '1-0', kind: 'response', requestId: 'A:B:1', responseId: 'A:B:1', responseCode: 'I0', body: { GBCSPayload: 'AAA=', LocalCommand: 'BBB=' } }, 'ResponseMessage'],
    ['device alert', { cursor: '2-0', kind: 'deviceAlert', alertCode: '8F3E', deviceId: 'D', raisedAt: at, body: { alertCode: '8F3E', deviceId: 'D' } }, 'DeviceAlertMessage'],
    ['DCC alert', { cursor: '3-0', kind: 'dccAlert', alertCode: 'AD1', requestId: QUARANTINED, body: { alert: 'AD1', requestId: QUARANTINED, breach: 'user', action: 'quarantined', ref: 'q', detail: 'x > 1' } }, 'DCCAlertMessage'],
  ] as const)('an outbound %s as signed DUIS XML', (_name, item, element) => {
    const text = xmlOutboxItem(item as any, signer, Date.now(), srv);
    expect(text).toContain(`<sr:${element}>`);
    if (element === 'DCCAlertMessage') {
      expect(text).toContain(`<sr:DCCAlert><sr:QuarantinedRequest><sr:ADUserThresholdBreach><sr:RequestID>${QUARANTINED}</sr:RequestID><sr:QuarantineEventRef>q</sr:QuarantineEventRef></sr:ADUserThresholdBreach></sr:QuarantinedRequest></sr:DCCAlert>`);
      // DUIS's shape: only the reference's type (a number there, the router's own text here) is not the schema's.
      expect(schemaViolations(text).every((violation) => violation.includes('QuarantineEventRef')), schemaViolations(text).join('; ')).toBe(true);
    }
    if (element === 'ResponseMessage') {
      expect(text).toContain('<sr:ResponseMessage><sr:ServiceReference>4.1</sr:ServiceReference><sr:ServiceReferenceVariant>4.1.1</sr:ServiceReferenceVariant><sr:GBCSPayload>AAA=</sr:GBCSPayload><sr:LocalCommand><sr:GBCSPayload>BBB=</sr:GBCSPayload></sr:LocalCommand>');
    }
    expect(canonicalAsWritten(text)).toBe(true);
    expect(verified(text)).toBe(true);
  });

  it('signs any document of its own (parsed and canonicalised when not written canonically)', () => {
    const text = signEnveloped('<?xml version="1.0"?>\n<r:a xmlns:r="urn:r" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" z="1" b="2"><r:b/></r:a>', signer);
    expect(verified(text)).toBe(true);
    expect(() => signEnveloped('<a/>', signer)).toThrow(/xmlns:ds/);
    void sign;
  });
});

/** What the DUIS V5.4 schema finds wrong with a document (its trailing comment left out). */
function schemaViolations(xml: string): string[] {
  const doc = XmlDocument.fromString(xml.replace(/\n<!--[\s\S]*-->$/, ''));
  try {
    duisSchema().validate(doc);
    return [];
  } catch (error) {
    if (error instanceof XmlValidateError) return error.details.map((detail) => detail.message.trim());
    throw error;
  } finally {
    doc.dispose();
  }
}

describe('DSP schedule answers as DUIS XML, valid against the schema', () => {
  const rid = '90-B3-D5-1F-30-01-00-00:90-B3-D5-1F-30-00-00-02:5';
  const details = {
    ScheduleFrequency: 'Daily', ScheduleStartDate: '2026-12-01', ScheduleExecutionStartTime: '02:30:00', DSPScheduledServiceReference: '4.6',
    DSPScheduledServiceReferenceVariant: '4.6.1', DeviceID: '00-DB-12-34-56-78-90-A0',
    DSPRetrieveImportDailyReadLog: { StartDateOffset: -1, StartTime: '00:00:00', EndDateOffset: 0, EndTime: '00:00:00' },
  };
  const answer = (srv: string, body: Record<string, unknown>) =>
    xmlAnswer(JSON.stringify({ header: { requestId: rid, responseCode: 'I0', responseDateTime: at }, body }), { serviceReference: srv, serviceReferenceVariant: srv }, signer, true).body;

  it('5.1: its DSPScheduleID', () => {
    expect(schemaViolations(answer('5.1', { DSPScheduleID: '7' }))).toEqual([]);
  });

  it('5.2: the schedule inside DSPSchedulesRead, as DUIS has it', () => {
    const xml = answer('5.2', { DSPScheduleID: '7', DSPScheduleDetails: details });
    expect(schemaViolations(xml)).toEqual([]);
    expect(xml).toContain('<sr:DSPSchedulesRead><sr:DSPSchedules><sr:DSPScheduleID>7</sr:DSPScheduleID><sr:DSPScheduleDetails>');
  });

  it('a held request refused at its ExecutionDateTime: its code, no body, and its reason in a comment outside what is signed', () => {
    const item = { cursor: '1-0', kind: 'response' as const, requestId: rid, responseCode: 'E4', body: { error: { reason: 'not_authorised_for_device', message: 'refused when its ExecutionDateTime came: not -- yours' } } };
    const xml = xmlOutboxItem(item, signer, Date.parse(at), { serviceReference: '4.1', serviceReferenceVariant: '4.1.1' });
    expect(schemaViolations(xml)).toEqual([]);
    expect(xml).toContain('<sr:ResponseCode>E4</sr:ResponseCode>');
    expect(xml).not.toContain('sr:error');
    expect(xml.endsWith('\n<!-- not_authorised_for_device: refused when its ExecutionDateTime came: not - yours -->')).toBe(true);
    expect(verified(xml)).toBe(true);
  });

  it("an occurrence's GBCS response to an XML User: a DSPScheduledMessage naming its schedule", () => {
    const item = { cursor: '1-0', kind: 'response' as const, requestId: '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:10000000000070000000', responseCode: 'I0', body: { GBCSPayload: 'AAEC', DSPScheduleID: '7' } };
    const xml = xmlOutboxItem(item, signer, Date.parse(at), { serviceReference: '4.6', serviceReferenceVariant: '4.6.1' });
    expect(schemaViolations(xml)).toEqual([]);
    expect(xml).toContain('<sr:DSPScheduledMessage><sr:GBCSPayload>AAEC</sr:GBCSPayload><sr:DSPScheduleID>7</sr:DSPScheduleID></sr:DSPScheduledMessage>');
  });
});
