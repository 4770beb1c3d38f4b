import { describe, expect, it } from 'vitest';
import { decodeJsonRequest } from '@dccrouter/domain';
import { jsonEquivalent } from '../../../../test/support/duis-xml.ts';
import { decodeXmlRequest } from './request.ts';

const request = (header: string, body: string, extra = '') => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4">
  <sr:Header>${header}</sr:Header>
  <sr:Body>${body}</sr:Body>${extra}
</sr:Request>`);
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
  it('maps the header and body to the request the JSON format carries', () => {
    const { request: r, signature } = decoded(request(HEADER, `<sr:UpdateImportTariffPrimaryElement>
      <sr:ExecutionDateTime>3000-12-31T00:00:00.00Z</sr:ExecutionDateTime>
      <sr:BlockPrice index="2"><sr:Price> 12 </sr:Price></sr:BlockPrice>
      <sr:BlockPrice index="1"><sr:Price>11</sr:Price></sr:BlockPrice>
      <sr:Empty/>
      <sr:Flag kind="x">on</sr:Flag>
    </sr:UpdateImportTariffPrimaryElement>`));
    expect(signature).toBeUndefined();
    expect(r).toMatchObject({
      requestIdText: '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:18446744073709551615',
      commandVariant: 1, serviceReference: '1.1', serviceReferenceVariant: '1.1.1', webService: 'S',
      bodyElement: 'UpdateImportTariffPrimaryElement', executionDateTime: Date.parse('3000-12-31T00:00:00Z'),
    });
    expect(r.bodyValue).toEqual({
      ExecutionDateTime: '3000-12-31T00:00:00.00Z',
      BlockPrice: [{ '@_index': '2', Price: '12' }, { '@_index': '1', Price: '11' }],
      Empty: '',
      Flag: { '@_kind': 'x', '#text': 'on' },
    });
  });

  it('takes an empty body element as "" and the sequencing fields', () => {
    const header = HEADER.replace('</sr:RequestID>', `</sr:RequestID><sr:FirstInSequence>1</sr:FirstInSequence><sr:PrecedingServiceRequestID>90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:7</sr:PrecedingServiceRequestID>`);
    const { request: r } = decoded(request(header, '<sr:UpdateImportTariffPrimaryElement/>'), 'D');
    expect(r.bodyValue).toBe('');
    expect(r.webService).toBe('D');
    expect(r.sequence).toEqual({ firstInSequence: true, precedingRequestId: '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:7' });
  });

  it('reads elements named like Object.prototype\'s properties as their JSON twin does: own fields, the prototype untouched', () => {
    const xml = request(HEADER, `<sr:UpdateImportTariffPrimaryElement>
      <sr:__proto__><sr:polluted>yes</sr:polluted></sr:__proto__>
      <sr:toString>1</sr:toString><sr:constructor>a</sr:constructor><sr:constructor>b</sr:constructor>
      <sr:hasOwnProperty __proto__="x"/>
    </sr:UpdateImportTariffPrimaryElement>`);
    const value = decoded(xml).request.bodyValue as Record<string, unknown>;
    // The twin made independently (xmldom), then read by the JSON path.
    const json = decodeJsonRequest(Buffer.from(jsonEquivalent(xml.toString())));
    if (!json.ok) throw new Error(json.refusal.message);
    expect(JSON.stringify(json.value.bodyValue)).toBe('{"__proto__":{"polluted":"yes"},"toString":"1","constructor":["a","b"],"hasOwnProperty":{"@___proto__":"x"}}');
    expect(JSON.stringify(value)).toBe(JSON.stringify(json.value.bodyValue));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'toString', 'constructor', 'hasOwnProperty']);
    expect([Object.hasOwn(value, '__proto__'), value.toString, value.constructor]).toEqual([true, '1', ['a', 'b']]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads a ds:Signature, or says what is wrong with it', () => {
    const { signature } = decoded(request(HEADER, '<sr:UpdateImportTariffPrimaryElement/>', '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>'));
    expect(signature).toBe('ds:Signature has no ds:SignedInfo');
  });

  it('takes up to 32 namespace declarations in a document, wherever they are', () => {
    const body = `<sr:UpdateImportTariffPrimaryElement${declaring(16)}><sr:Price${declaring(15)}>1</sr:Price></sr:UpdateImportTariffPrimaryElement>`;
    expect(decoded(request(HEADER, body)).request.bodyValue).toEqual({ Price: '1' });
    expect(refused(request(HEADER, body.replace('<sr:Price ', `<sr:Price xmlns:q="urn:q" `)))).toContain('more than 32 namespaces');
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

  it.each([
    ['a header field missing', request(HEADER.replace(/<sr:CommandVariant>1<\/sr:CommandVariant>/, ''), '<sr:UpdateImportTariffPrimaryElement/>'), 'sr:CommandVariant'],
    ['an unknown header field', request(`${HEADER}<sr:Extra/>`, '<sr:UpdateImportTariffPrimaryElement/>'), 'unexpected'],
    ['a body element outside the schema', request(HEADER, '<sr:Nonsense/>'), 'not one of the DUIS V5.4'],
    ['a body element in another namespace', request(HEADER, '<UpdateImportTariffPrimaryElement/>'), 'not one of the DUIS V5.4'],
    ['mixed content', request(HEADER, '<sr:UpdateImportTariffPrimaryElement>x<sr:Price>1</sr:Price></sr:UpdateImportTariffPrimaryElement>'), 'mixes text'],
    ['a command variant that is not a number', request(HEADER.replace('<sr:CommandVariant>1', '<sr:CommandVariant>one'), '<sr:UpdateImportTariffPrimaryElement/>'), 'commandVariant'],
    ['a counter past uint64', request(HEADER.replace('18446744073709551615', '18446744073709551616'), '<sr:UpdateImportTariffPrimaryElement/>'), 'counter'],
    ['FirstInSequence not a boolean', request(HEADER.replace('</sr:RequestID>', '</sr:RequestID><sr:FirstInSequence>maybe</sr:FirstInSequence>'), '<sr:UpdateImportTariffPrimaryElement/>'), 'firstInSequence'],
    ['another encoding', Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a/>'), 'UTF-8'],
    ['XML 1.1', Buffer.from(request(HEADER, '<sr:UpdateImportTariffPrimaryElement/>').toString().replace('version="1.0"', 'version="1.1"')), 'XML version 1.1 is not accepted: DUIS documents are XML 1.0'],
    ['invalid UTF-8', Buffer.from([0x3c, 0x61, 0xff, 0x3e]), 'UTF-8'],
    ['a processing instruction', Buffer.from('<?pi x?><a/>'), 'processing instructions'],
    ['an internal entity', Buffer.from('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'), 'DOCTYPE'],
    ['an undeclared entity', Buffer.from('<a>&x;</a>'), 'not well-formed'],
    ['nesting past the limit', Buffer.from(`${'<a>'.repeat(65)}${'</a>'.repeat(65)}`), 'deeper than 64'],
    ['nothing', Buffer.from(''), 'not well-formed'],
    ['33 namespace declarations', Buffer.from(request(HEADER, '<sr:UpdateImportTariffPrimaryElement/>').toString().replace('<sr:Request ', `<sr:Request${declaring(32)} `)), 'more than 32 namespaces'],
  ])('refuses %s (row 3)', (_name, bytes, why) => {
    expect(refused(bytes)).toContain(why);
  });
});
