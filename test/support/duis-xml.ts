// DUIS XML for tests, written independently of the router's own XML code: documents are parsed
// with @xmldom/xmldom and canonicalised with xml-crypto (the router uses libxml2 and its own C14N),
// so a test signing with this and the router verifying (or the reverse) checks one against the other.
import { createHash, createPublicKey, generateKeyPairSync, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { C14nCanonicalization, ExclusiveCanonicalization } from 'xml-crypto';
import { selfSignedCertificate } from '../../packages/router/src/duis-xml/certificate.ts';

export const SR = 'http://www.dccinterface.co.uk/ServiceUserGateway';
export const DS = 'http://www.w3.org/2000/09/xmldsig#';
/**
 * The DCC test suite's request templates: a copy of shared/reference/duis/rtds-sample kept in
 * test/fixtures (GPL-3.0 test data, copied unchanged with its NOTICE and COPYING), so a clone
 * runs them wherever it is checked out.
 */
export const SAMPLE_DIR = new URL('../fixtures/rtds-sample/', import.meta.url);

/** The DCC test suite's request templates (GPL-3.0 test data, test/fixtures/rtds-sample). */
export function sampleTemplates(): { name: string; text: string }[] {
  return readdirSync(SAMPLE_DIR).filter((name) => name.endsWith('.XML')).sort()
    .map((name) => ({ name, text: readFileSync(new URL(name, SAMPLE_DIR), 'utf8') }));
}

export interface XmlIdentity {
  privateKey: KeyObject;
  publicKeyPem: string;
  certificatePem: string;
  /** As ds:X509IssuerName names it (RFC 4514). */
  issuerName: string;
  serialNumber: string;
}

let serial = 1000n;
/** A User's P-256 key and a self-signed certificate of it (CN=<name>). */
export function xmlIdentity(name = 'test-user', validity?: { from: Date; until: Date }): XmlIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  serial += 1n;
  const certificatePem = selfSignedCertificate(privateKey, name, serial, validity);
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    certificatePem,
    issuerName: `CN=${name}`,
    serialNumber: BigInt(`0x${new X509Certificate(certificatePem).serialNumber}`).toString(),
  };
}

export function parseDom(text: string): Document {
  return new DOMParser({ onError: (level, message) => { if (level !== 'warning') throw new Error(message); } }).parseFromString(text, 'application/xml');
}

/** A template without its (placeholder) ds:Signature. */
export function withoutSignature(text: string): string {
  return text.replace(/\s*<ds:Signature[\s\S]*<\/ds:Signature>/, '');
}

/** Sets header fields by text substitution (the rest of the document is left byte for byte). */
export function withHeader(text: string, fields: { requestId?: string; commandVariant?: number; extraAfterRequestId?: string }): string {
  let out = text;
  if (fields.requestId) out = out.replace(/<sr:RequestID>[^<]*<\/sr:RequestID>/, `<sr:RequestID>${fields.requestId}</sr:RequestID>`);
  if (fields.commandVariant !== undefined) out = out.replace(/<sr:CommandVariant>[^<]*<\/sr:CommandVariant>/, `<sr:CommandVariant>${fields.commandVariant}</sr:CommandVariant>`);
  if (fields.extraAfterRequestId) out = out.replace(/(<\/sr:RequestID>)/, `$1${fields.extraAfterRequestId}`);
  return out;
}

/** Replaces the body element with a SignedPreCommand (the signed leg of a critical request). */
export function withSignedPreCommand(text: string, payload: string): string {
  return text.replace(/<sr:Body>[\s\S]*<\/sr:Body>/, `<sr:Body>\n    <sr:SignedPreCommand>\n      <sr:GBCSPayload>${payload}</sr:GBCSPayload>\n    </sr:SignedPreCommand>\n  </sr:Body>`);
}

/**
 * Signs an unsigned DUIS document as the DCC's signing tool does: an enveloped ds:Signature
 * appended to the document element (before its end tag, with the template's own indentation),
 * SignedInfo in exclusive C14N, ECDSA-SHA256 as raw r||s, one Reference URI="" with the
 * enveloped-signature transform and a SHA-256 digest of the document's inclusive C14N form,
 * ds:X509IssuerSerial naming the certificate.
 */
export function signDuis(
  unsigned: string, identity: XmlIdentity,
  /** documentC14n "exclusive": the Reference also lists exclusive C14N, which the digested octets then are. */
  options: { key?: KeyObject; issuerName?: string; serialNumber?: string; documentC14n?: 'inclusive' | 'exclusive' } = {},
): string {
  const exclusive = options.documentC14n === 'exclusive';
  const canonicaliser = exclusive ? new ExclusiveCanonicalization() : new C14nCanonicalization();
  const digest = createHash('sha256').update(canonicaliser.process(parseDom(unsigned).documentElement as any, {})).digest('base64');
  const signature = `<ds:Signature xmlns="${DS}">
    <ds:SignedInfo>
      <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
      <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>
      <ds:Reference URI="">
        <ds:Transforms>
          <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>${exclusive ? '\n          <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>' : ''}
        </ds:Transforms>
        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
        <ds:DigestValue>${digest}</ds:DigestValue>
      </ds:Reference>
    </ds:SignedInfo>
    <ds:SignatureValue>@VALUE@</ds:SignatureValue>
    <ds:KeyInfo>
      <ds:X509Data>
        <ds:X509IssuerSerial>
          <ds:X509IssuerName>${options.issuerName ?? identity.issuerName}</ds:X509IssuerName>
          <ds:X509SerialNumber>${options.serialNumber ?? identity.serialNumber}</ds:X509SerialNumber>
        </ds:X509IssuerSerial>
      </ds:X509Data>
    </ds:KeyInfo>
  </ds:Signature>`;
  const end = unsigned.lastIndexOf('</');
  // The enveloped transform removes the element, not the text around it: it goes in with no text of its own.
  const placed = unsigned.slice(0, end) + signature + unsigned.slice(end);
  const signedInfo = new ExclusiveCanonicalization().process(parseDom(placed).getElementsByTagNameNS(DS, 'SignedInfo')[0] as any, {});
  const value = sign('sha256', Buffer.from(signedInfo), { key: options.key ?? identity.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64');
  return placed.replace('@VALUE@', value);
}

/**
 * Checks a DUIS document the router signed, as a DCC User would: the Reference's digest of the
 * document without its signature (inclusive C14N), and the ECDSA r||s signature of the exclusive
 * C14N of SignedInfo by the certificate's key. Answers what is wrong, or undefined.
 */
export function checkRouterSignature(text: string, certificatePem: string): string | undefined {
  const doc = parseDom(text);
  const signature = doc.getElementsByTagNameNS(DS, 'Signature')[0] as Element | undefined;
  if (!signature) return 'no ds:Signature';
  const signedInfo = new ExclusiveCanonicalization().process(signature.getElementsByTagNameNS(DS, 'SignedInfo')[0] as any, {});
  const value = Buffer.from(signature.getElementsByTagNameNS(DS, 'SignatureValue')[0].textContent!, 'base64');
  const digestValue = signature.getElementsByTagNameNS(DS, 'DigestValue')[0].textContent!;
  const certificate = new X509Certificate(certificatePem);
  const serialText = signature.getElementsByTagNameNS(DS, 'X509SerialNumber')[0]?.textContent;
  if (serialText !== BigInt(`0x${certificate.serialNumber}`).toString()) return 'X509SerialNumber does not name the certificate';
  signature.parentNode!.removeChild(signature);
  const digest = createHash('sha256').update(new C14nCanonicalization().process(doc.documentElement as any, {})).digest('base64');
  if (digest !== digestValue) return 'digest does not match';
  const key = createPublicKey(certificate.publicKey.export({ type: 'spki', format: 'pem' }));
  return verify('sha256', Buffer.from(signedInfo), { key, dsaEncoding: 'ieee-p1363' }, value) ? undefined : 'bad signature';
}

type Simplified = string | { [key: string]: Simplified | Simplified[] };

function simplify(element: Element): Simplified {
  const children = Array.from(element.childNodes).filter((n) => n.nodeType === 1) as unknown as Element[];
  const attributes = Array.from(element.attributes).filter((a) => !a.name.startsWith('xmlns'));
  if (children.length === 0 && attributes.length === 0) return (element.textContent ?? '').trim();
  // Own properties only, as JSON.parse makes them (a plain object's `__proto__` or `toString` is not one).
  const out: { [key: string]: Simplified | Simplified[] } = {};
  const set = (key: string, value: Simplified | Simplified[]) => Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  for (const attribute of attributes) set(`@_${attribute.localName}`, attribute.value);
  if (children.length === 0) {
    const text = (element.textContent ?? '').trim();
    if (text) set('#text', text);
  }
  for (const child of children) {
    const value = simplify(child);
    const existing = Object.hasOwn(out, child.localName!) ? out[child.localName!] : undefined;
    if (existing === undefined) set(child.localName!, value);
    else if (Array.isArray(existing)) existing.push(value);
    else set(child.localName!, [existing as Simplified, value]);
  }
  return out;
}

/** The same request in the contract's JSON form (duis-parser's simplified JSON), read with xmldom. */
export function jsonEquivalent(text: string): string {
  const doc = parseDom(text);
  const header = (name: string) => doc.getElementsByTagNameNS(SR, name)[0]?.textContent?.trim();
  const [originatorId, targetId, counter] = header('RequestID')!.split(':');
  const body = Array.from(doc.getElementsByTagNameNS(SR, 'Body')[0].childNodes).find((n) => n.nodeType === 1) as unknown as Element;
  const json: Record<string, any> = {
    header: {
      requestId: { originatorId, targetId, counter },
      commandVariant: Number(header('CommandVariant')),
      serviceReference: header('ServiceReference'),
      serviceReferenceVariant: header('ServiceReferenceVariant'),
    },
    body: { [body.localName!]: simplify(body) },
  };
  const first = header('FirstInSequence');
  if (first !== undefined) json.header.firstInSequence = first === 'true' || first === '1';
  const preceding = header('PrecedingServiceRequestID');
  if (preceding !== undefined) json.header.precedingServiceRequestId = preceding;
  return JSON.stringify(json);
}

/** The header fields of a DUIS sr:Response (the router's answer or an XML webhook). */
export function responseHeader(text: string): { requestId?: string; responseCode?: string; responseDateTime?: string; body: string } {
  const doc = parseDom(text);
  const field = (name: string) => doc.getElementsByTagNameNS(SR, name)[0]?.textContent ?? undefined;
  const body = Array.from(doc.getElementsByTagNameNS(SR, 'Body')[0]?.childNodes ?? []).find((n) => n.nodeType === 1) as unknown as Element | undefined;
  return { requestId: field('RequestID'), responseCode: field('ResponseCode'), responseDateTime: field('ResponseDateTime'), body: body?.localName ?? '' };
}

/** A text field anywhere in a DUIS document, by local name. */
export function fieldOf(text: string, local: string): string | undefined {
  return parseDom(text).getElementsByTagNameNS(SR, local)[0]?.textContent ?? undefined;
}
