import { sign, type KeyObject } from 'node:crypto';
import { canonicalise, C14N_EXCLUSIVE } from './c14n.ts';
import { ECDSA_SHA256, ENVELOPED_SIGNATURE, SHA256, sha256 } from './signature.ts';
import { escapeText } from './c14n.ts';
import { parseXmlText } from './tree.ts';
import { DS_NS } from './namespaces.ts';


/** Who signs: the key and the certificate its ds:X509IssuerSerial names. */
export interface XmlSigner {
  key: KeyObject;
  issuerName: string;
  /** Decimal. */
  serialNumber: string;
}

/**
 * Signs a document the router wrote (its document element must declare xmlns:ds) with an
 * enveloped signature in the DCC signing tool's form: the ds:Signature is appended as the
 * document element's last child; its Reference (URI="", enveloped-signature) digests the
 * document's inclusive C14N form with SHA-256; SignedInfo is written in its exclusive C14N form
 * (no whitespace, so what is signed is exactly what is sent); the value is ECDSA-SHA256 as r||s.
 */
export function signEnveloped(unsigned: string, signer: XmlSigner, options: { canonical?: boolean } = {}): string {
  let canonical: string;
  if (options.canonical) {
    // The caller wrote the document element in its C14N form (response.ts): only the XML declaration goes.
    canonical = unsigned.startsWith('<?xml') ? unsigned.slice(unsigned.indexOf('?>') + 2).replace(/^\n/, '') : unsigned;
  } else {
    const root = parseXmlText(unsigned);
    if (!root.declarations.some(([prefix, uri]) => prefix === 'ds' && uri === DS_NS)) throw new Error('the document element must declare xmlns:ds');
    canonical = canonicalise(root, { exclusive: false });
  }
  const digest = sha256(canonical).toString('base64');
  const inner = `<ds:CanonicalizationMethod Algorithm="${C14N_EXCLUSIVE}"></ds:CanonicalizationMethod>`
    + `<ds:SignatureMethod Algorithm="${ECDSA_SHA256}"></ds:SignatureMethod>`
    + `<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="${ENVELOPED_SIGNATURE}"></ds:Transform></ds:Transforms>`
    + `<ds:DigestMethod Algorithm="${SHA256}"></ds:DigestMethod><ds:DigestValue>${digest}</ds:DigestValue></ds:Reference>`;
  // Its exclusive C14N form as the apex: ds is visibly utilised, so declared on it.
  const signedInfo = `<ds:SignedInfo xmlns:ds="${DS_NS}">${inner}</ds:SignedInfo>`;
  const value = sign('sha256', Buffer.from(signedInfo), { key: signer.key, dsaEncoding: 'ieee-p1363' }).toString('base64');
  const signature = `<ds:Signature><ds:SignedInfo>${inner}</ds:SignedInfo><ds:SignatureValue>${value}</ds:SignatureValue>`
    + `<ds:KeyInfo><ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>${escapeText(signer.issuerName)}</ds:X509IssuerName>`
    + `<ds:X509SerialNumber>${signer.serialNumber}</ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data></ds:KeyInfo></ds:Signature>`;
  const end = unsigned.lastIndexOf('</');
  return unsigned.slice(0, end) + signature + unsigned.slice(end);
}
