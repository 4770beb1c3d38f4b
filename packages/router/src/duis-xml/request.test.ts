import { describe, expect, it } from 'vitest';
import { decodeJsonRequest } from '@dccrouter/domain';
import { jsonEquivalent, sampleTemplates, withoutSignature } from '../../../../test/support/duis-xml.ts';
import { decodeXmlRequest, xsDateTimeAsRfc3339 } from './request.ts';

const request = (header: string, body: string, extra = '') => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4">
  <sr:Header>${header}</sr:Header>
  <sr:Body>${body}</sr:Body>${extra}
</sr:Request>`);
/** A body element the schema declares empty. */
const EMPTY = '<sr:ReadTariffPrimaryElement/>';
const HEADER = `<sr:RequestID>90-b3-d5-1f-30-01-00-00:00-DB-12-34-56-78-90-A0:18446744073709551615</sr:RequestID>
    <sr:CommandVariant>1</sr:CommandVariant><sr:ServiceReference>1.1</sr:ServiceReference><sr:ServiceReferenceVariant>1.1.1</sr:ServiceReferenceVariant>`;

function decoded(bytes: Buffer, service: 'S' | 'D' | 'T' = 'S') {
  const result = decodeXmlRequest(bytes, service);
  if (!result.ok) throw new Error(result.refusal.message);
  return result.value;
}

function refused(bytes: Buffer): string {
  const result = decodeXmlRequest(bytes, 'S');
  if (result.ok) throw new Error('decoded');
  expect(result.refusal.reason).toBe('malformed_request');
  return result.refusal.message;
}

/** ` xmlns:p0="urn:p0" xmlns:p1=...`: n namespace declarations. */
const declaring = (n: number) => Array.from({ length: n }, (_, i) => ` xmlns:p${i}="urn:p${i}"`).join('');

describe('decodeXmlRequest', () => {
  it('maps the header and body to the request the JSON format carries, as an independent converter does', () => {
    const template = sampleTemplates().find(({ name }) => name.startsWith('ECS01a_1.1.1'))!.text;
    const { request: r, signature } = decoded(Buffer.from(withoutSignature(template)));
    expect(signature).toBeUndefined();
    expect(r).toMatchObject({
      requestIdText: '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1009',
      commandVariant: 4, serviceReference: '1.1', serviceReferenceVariant: '1.1.1', webService: 'S',
      bodyElement: 'UpdateImportTariffPrimaryElement', executionDateTime: Date.parse('3000-12-31T00:00:00Z'),
    });
    // Repeated elements as arrays, attributes as "@_name", text beside attributes as "#text".
    const weekProfiles = (r.bodyValue as any).ElecTariffElements.SwitchingTable.WeekProfiles.WeekProfile;
    expect(weekProfiles[0].ReferencedDayName[0]).toEqual({ '@_index': '1', '#text': '1' });
    const json = decodeJsonRequest(Buffer.from(jsonEquivalent(withoutSignature(template))));
    if (!json.ok) throw new Error(json.refusal.message);
    expect(r.bodyValue).toEqual(json.value.bodyValue);
  });

  it('reads an ExecutionDateTime without a zone (as xs:dateTime allows) as UTC, as DUIS times are', () => {
    const template = sampleTemplates().find(({ name }) => name.startsWith('ECS01a_1.1.1'))!.text;
    const zoneless = withoutSignature(template).replace('<sr:ExecutionDateTime>3000-12-31T00:00:00.00Z<', '<sr:ExecutionDateTime>3000-12-31T00:00:00.00<');
    expect(zoneless).not.toBe(withoutSignature(template));
    expect(decoded(Buffer.from(zoneless)).request.executionDateTime).toBe(Date.parse('3000-12-31T00:00:00Z'));
  });

  it('reads an ExecutionDateTime of 24:00:00 (XSD 1.0\'s end of a day) as the next day\'s midnight', () => {
    const template = sampleTemplates().find(({ name }) => name.startsWith('ECS01a_1.1.1'))!.text;
    const endOfDay = withoutSignature(template).replace('<sr:ExecutionDateTime>3000-12-31T00:00:00.00Z<', '<sr:ExecutionDateTime>3000-12-31T24:00:00<');
    expect(endOfDay).not.toBe(withoutSignature(template));
    expect(decoded(Buffer.from(endOfDay)).request.executionDateTime).toBe(Date.parse('3001-01-01T00:00:00Z'));
    // 24:00 with anything after it is no time at all: refused as the JSON format refuses it.
    const pastEnd = withoutSignature(template).replace('<sr:ExecutionDateTime>3000-12-31T00:00:00.00Z<', '<sr:ExecutionDateTime>3000-12-31T24:00:01Z<');
    expect(refused(Buffer.from(pastEnd))).toMatch(/ExecutionDateTime/);
  });

  it('turns an xs:dateTime into RFC 3339: UTC without a zone, 24:00:00 as the next day from its own zone', () => {
    expect(xsDateTimeAsRfc3339('2026-12-07T10:00:00')).toBe('2026-12-07T10:00:00Z');
    expect(xsDateTimeAsRfc3339('2026-12-07T10:00:00+01:00')).toBe('2026-12-07T10:00:00+01:00');
    expect(xsDateTimeAsRfc3339('2028-02-28T24:00:00')).toBe('2028-02-29T00:00:00Z');
    expect(xsDateTimeAsRfc3339('2027-02-28T24:00:00.000Z')).toBe('2027-03-01T00:00:00Z');
    expect(xsDateTimeAsRfc3339('2026-12-31T24:00:00-05:00')).toBe('2027-01-01T00:00:00-05:00');
    // Not the end of a day, or no such day: left for row 3 to refuse by name.
    expect(xsDateTimeAsRfc3339('2026-12-07T24:00:00.5Z')).toBe('2026-12-07T24:00:00.5Z');
    expect(xsDateTimeAsRfc3339('2026-02-30T24:00:00Z')).toBe('2026-02-30T24:00:00Z');
  });

  it('takes an empty body element as "" and the sequencing fields', () => {
    const header = HEADER.replace('</sr:RequestID>', `</sr:RequestID><sr:FirstInSequence>1</sr:FirstInSequence><sr:PrecedingServiceRequestID>90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:7</sr:PrecedingServiceRequestID>`);
    const { request: r } = decoded(request(header, EMPTY), 'D');
    expect(r.bodyValue).toBe('');
    expect(r.webService).toBe('D');
    expect(r.sequence).toEqual({ firstInSequence: true, precedingRequestId: '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:7' });
  });

  it('leaves the SRV to the catalogue rows, as for JSON (the schema\'s enumerations would make it row 3)', () => {
    const header = HEADER.replace('<sr:ServiceReference>1.1<', '<sr:ServiceReference>99<').replaceAll('1.1.1<', '99.9<');
    expect(decoded(request(header, EMPTY)).request).toMatchObject({ serviceReference: '99', serviceReferenceVariant: '99.9' });
  });

  it('refuses elements the schema lacks, named like Object.prototype\'s properties too, the prototype untouched', () => {
    const xml = request(HEADER, `<sr:UpdateMeterBalance>
      <sr:__proto__><sr:polluted>yes</sr:polluted></sr:__proto__><sr:toString>1</sr:toString>
    </sr:UpdateMeterBalance>`);
    expect(refused(xml)).toContain("line 6: Element 'sr:__proto__': This element is not expected. Expected is one of ( sr:PrepaymentMode, sr:CreditMode )");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads a ds:Signature, or says what is wrong with it', () => {
    const { signature } = decoded(request(HEADER, EMPTY, '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>'));
    expect(signature).toBe('ds:Signature has no ds:SignedInfo');
  });

  it('takes up to 32 namespace declarations in a document, wherever they are', () => {
    const body = `<sr:UpdateMeterBalance${declaring(16)}><sr:CreditMode${declaring(15)}><sr:AdjustMeterBalance>-1</sr:AdjustMeterBalance></sr:CreditMode></sr:UpdateMeterBalance>`;
    expect(decoded(request(HEADER, body)).request.bodyValue).toEqual({ CreditMode: { AdjustMeterBalance: '-1' } });
    expect(refused(request(HEADER, body.replace('<sr:CreditMode ', `<sr:CreditMode xmlns:q="urn:q" `)))).toContain('more than 32 namespaces');
  });

  it('refuses at once, as malformed, thousands of declarations over thousands of elements (canonicalising them was a CPU sink)', () => {
    // What once cost about 770 ms of CPU per 64 KB request, before its sender was even looked up:
    // 2,000 declarations on sr:Request, 12,000 empty elements, SignedInfo in inclusive C14N.
    const signature = `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>
      <ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/></ds:SignedInfo></ds:Signature>`;
    const attack = request(HEADER, `<sr:UpdateImportTariffPrimaryElement>${'<sr:E/>'.repeat(12_000)}</sr:UpdateImportTariffPrimaryElement>`, signature)
      .toString().replace('<sr:Request ', `<sr:Request${declaring(2_000)} `);
    expect(refused(Buffer.from(attack))).toBe('the document declares more than 32 namespaces (xmlns attributes)');
  });

  it('refuses at once, as malformed, thousands of attributes (the schema check described each it refused: 20 times a request\'s cost)', () => {
    const attributes = Array.from({ length: 6_000 }, (_, i) => ` a${i}="x"`).join('');
    const attack = request(HEADER, EMPTY).toString().replace('<sr:Request ', `<sr:Request${attributes} `);
    expect(refused(Buffer.from(attack))).toBe('the document has more than 256 attributes');
  });

  it.each([
    ['a header field missing', request(HEADER.replace(/<sr:CommandVariant>1<\/sr:CommandVariant>/, ''), EMPTY), "Element 'sr:ServiceReference': This element is not expected. Expected is one of ( sr:FirstInSequence, sr:PrecedingServiceRequestID, sr:CommandVariant )"],
    ['an unknown header field', request(`${HEADER}<sr:Extra/>`, EMPTY), "Element 'sr:Extra': This element is not expected"],
    ['no schemaVersion', Buffer.from(request(HEADER, EMPTY).toString().replace(' schemaVersion="5.4"', '')), "The attribute 'schemaVersion' is required but missing"],
    ['another global element of the schema as the document', Buffer.from('<sr:RequestID xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway">90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1</sr:RequestID>'), 'the document element must be sr:Request'],
    ['an sr:Response as the document', Buffer.from(request(HEADER, EMPTY).toString().replaceAll('sr:Request', 'sr:Response')), 'the document element must be sr:Request in http://www.dccinterface.co.uk/ServiceUserGateway, got Response in http://www.dccinterface.co.uk/ServiceUserGateway'],
    ['sr:Request in another namespace', Buffer.from(request(HEADER, EMPTY).toString().replace('xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"', 'xmlns:sr="http://example.com/x"')), 'the document element must be sr:Request in http://www.dccinterface.co.uk/ServiceUserGateway, got Request in http://example.com/x'],
    ['a body element outside the schema', request(HEADER, '<sr:Nonsense/>'), "Element 'sr:Nonsense': This element is not expected. Expected is one of ( sr:UpdateImportTariffPrimaryElement, "],
    ['a body element in another namespace', request(HEADER, '<ReadTariffPrimaryElement/>'), "Element 'ReadTariffPrimaryElement': This element is not expected"],
    ['two body elements', request(HEADER, EMPTY + EMPTY), "Element 'sr:ReadTariffPrimaryElement': This element is not expected"],
    ['a required child missing', request(HEADER, '<sr:UpdateMeterBalance/>'), "Element 'sr:UpdateMeterBalance': Missing child element(s). Expected is one of ( sr:PrepaymentMode, sr:CreditMode )"],
    ['a value of the wrong type', request(HEADER, '<sr:UpdateMeterBalance><sr:CreditMode><sr:AdjustMeterBalance>lots</sr:AdjustMeterBalance></sr:CreditMode></sr:UpdateMeterBalance>'), "Element 'sr:AdjustMeterBalance': 'lots' is not a valid value of the atomic type 'xs:int'"],
    ['an attribute the schema lacks', request(HEADER, '<sr:ReadTariffPrimaryElement mode="x"/>'), "attribute 'mode': The attribute 'mode' is not allowed"],
    ['mixed content', request(HEADER, '<sr:UpdateMeterBalance>x<sr:CreditMode><sr:ResetMeterBalance/></sr:CreditMode></sr:UpdateMeterBalance>'), 'Character content other than whitespace is not allowed'],
    ['a ds:Signature before the body', Buffer.from(request(HEADER, EMPTY).toString().replace('<sr:Body>', '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/><sr:Body>')), "Element 'ds:Signature': This element is not expected. Expected is ( sr:Body )"],
    ['a command variant that is not a number', request(HEADER.replace('<sr:CommandVariant>1', '<sr:CommandVariant>one'), EMPTY), "Element 'sr:CommandVariant': 'one' is not a valid value of the atomic type 'sr:CommandVariant'"],
    ['a counter past uint64', request(HEADER.replace('18446744073709551615', '18446744073709551616'), EMPTY), "Element 'sr:RequestID': [facet 'pattern'] The value '90-b3-d5-1f-30-01-00-00:00-DB-12-34-56-78-90-A0:18446744073709551616' is not accepted by the schema's pattern"],
    ['FirstInSequence not a boolean', request(HEADER.replace('</sr:RequestID>', '</sr:RequestID><sr:FirstInSequence>maybe</sr:FirstInSequence>'), EMPTY), "Element 'sr:FirstInSequence': 'maybe' is not a valid value of the atomic type 'xs:boolean'"],
    ['another encoding', Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a/>'), 'UTF-8'],
    ['XML 1.1', Buffer.from(request(HEADER, EMPTY).toString().replace('version="1.0"', 'version="1.1"')), 'XML version 1.1 is not accepted: DUIS documents are XML 1.0'],
    ['invalid UTF-8', Buffer.from([0x3c, 0x61, 0xff, 0x3e]), 'UTF-8'],
    ['a processing instruction', Buffer.from('<?pi x?><a/>'), 'processing instructions'],
    ['a processing instruction after the document element', Buffer.from('<a/><?pi x?>'), 'processing instructions'],
    ['a processing instruction in an element', Buffer.from(request(HEADER, EMPTY).toString().replace('<sr:Body>', '<sr:Body><?pi x?>')), 'processing instructions'],
    ['the bytes of a DOCTYPE even in a comment (no DTD reaches the parser)', Buffer.from(`<!-- <!DOCTYPE -->${request(HEADER, EMPTY).toString().replace(/^<\?xml[^>]*>/, '')}`), 'DOCTYPE'],
    ['an internal entity', Buffer.from('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'), 'DOCTYPE'],
    ['an undeclared entity', Buffer.from('<a>&x;</a>'), 'not well-formed'],
    // ASCII in UTF-16 is valid UTF-8 byte for byte, and its DOCTYPE not the bytes looked for: libxml2 would read the DTD.
    ['a UTF-16 document with a DTD whose entity an attribute names', Buffer.from(request(HEADER, EMPTY).toString()
      .replace(/^<\?xml[^>]*\?>/, '<?xml version="1.0"?><!DOCTYPE sr:Request [<!ENTITY v "5.4">]>').replace(/schemaVersion="[^"]*"/, 'schemaVersion="&v;"'), 'utf16le'), 'NUL byte'],
    ['a UTF-16 document', Buffer.from(request(HEADER, EMPTY).toString().replace(/^<\?xml[^>]*\?>/, '<?xml version="1.0"?>'), 'utf16le'), 'UTF-16'],
    ['nesting past the limit', Buffer.from(`${'<a>'.repeat(65)}${'</a>'.repeat(65)}`), 'deeper than 64'],
    ['nothing', Buffer.from(''), 'not well-formed'],
    ['33 namespace declarations', Buffer.from(request(HEADER, EMPTY).toString().replace('<sr:Request ', `<sr:Request${declaring(32)} `)), 'more than 32 namespaces'],
  ])('refuses %s (row 3)', (_name, bytes, why) => {
    expect(refused(bytes)).toContain(why);
  });
});

describe('the DUIS V5.4 schema (row 3)', () => {
  it.each(sampleTemplates().map(({ name, text }) => [name, text]))('accepts the DCC test suite\'s %s', (_name, text) => {
    expect(decodeXmlRequest(Buffer.from(text), 'S').ok).toBe(true);
  });
});
