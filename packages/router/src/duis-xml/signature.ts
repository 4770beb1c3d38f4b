import * as nodeCrypto from 'node:crypto';
import { createHash, timingSafeEqual, X509Certificate } from 'node:crypto';
import { canonicalise, C14N_EXCLUSIVE, C14N_INCLUSIVE } from './c14n.ts';
import { DS_NS } from './namespaces.ts';
import { elementChildren, textOf, type XmlElement } from './tree.ts';

export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

/**
 * An enveloped XML signature in the form the DCC's signing tool makes: what the authenticate step
 * needs to finish the check against the User's certificate. The digest is compared when asked
 * (pure CPU on the decoded tree); the ECDSA check of the SignedInfo goes through the verifier pool.
 */
export interface XmlSignature {
  /** The exclusive-C14N octets of ds:SignedInfo: what the signature signs. */
  signedInfo: Uint8Array;
  /** The signature as DER (converted from XMLDSig's raw r||s), for the verifier pool. */
  signatureDer: Uint8Array;
  /**
   * Does the Reference's digest match the document's canonical form without the signature? That
   * canonicalisation is the costliest step of reading a request, so it is done only when asked:
   * once its sender is known and names its own certificate.
   */
  digestMatches(): boolean;
  /** ds:X509IssuerSerial: the certificate the signer names. */
  issuerName: string;
  serialNumber: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

// One-shot hashing where the runtime has it (Bun; Node from 21.7): several times cheaper than a Hash object.
const oneShot = (nodeCrypto as unknown as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;
/** SHA-256 of a text's UTF-8 octets. */
export function sha256(text: string): Buffer {
  return oneShot ? oneShot('sha256', text, 'buffer') : createHash('sha256').update(text).digest();
}

/** The first ds: child element of that name (no array built: this runs a dozen times a request). */
function child(element: XmlElement | undefined, local: string): XmlElement | undefined {
  if (!element) return undefined;
  for (const c of element.children) if (typeof c !== 'string' && c.uri === DS_NS && c.local === local) return c;
  return undefined;
}

const utf8 = new TextEncoder();

function algorithm(element: XmlElement | undefined): string | undefined {
  return element?.attributes.find((a) => a.uri === '' && a.local === 'Algorithm')?.value;
}

function base64(element: XmlElement | undefined): Buffer | undefined {
  const text = element && textOf(element)?.replace(/[ \t\r\n]/g, '');
  if (text === undefined || text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

/** The InclusiveNamespaces PrefixList under a canonicalisation method or transform, if any. */
function prefixList(method: XmlElement): string[] | undefined {
  const list = elementChildren(method)?.find((c) => c.local === 'InclusiveNamespaces' && c.uri === C14N_EXCLUSIVE);
  return list?.attributes.find((a) => a.local === 'PrefixList')?.value.trim().split(/\s+/).filter(Boolean);
}

/**
 * Reads ds:Signature (a child of the document element): one Reference to the whole document
 * (URI="") with the enveloped-signature transform, optionally followed by a C14N transform (the
 * digested octets are the document's inclusive C14N 1.0 form unless it names exclusive C14N),
 * a SHA-256 digest, an ECDSA-SHA256 SignatureMethod, SignedInfo canonicalised with exclusive C14N
 * (only), a 64-octet r||s value and ds:X509IssuerSerial. A string says what is
 * not that form (row 5).
 */
export function readSignature(root: XmlElement, signature: XmlElement): XmlSignature | string {
  const signedInfo = child(signature, 'SignedInfo');
  if (!signedInfo) return 'ds:Signature has no ds:SignedInfo';
  const c14nMethod = child(signedInfo, 'CanonicalizationMethod');
  const c14n = algorithm(c14nMethod);
  // Exclusive only: SignedInfo's inclusive form would carry its ancestors' xml:* attributes, which this canonicaliser does not import.
  if (c14n !== C14N_EXCLUSIVE) return `CanonicalizationMethod ${c14n} is not exclusive C14N (${C14N_EXCLUSIVE})`;
  const method = algorithm(child(signedInfo, 'SignatureMethod'));
  if (method !== ECDSA_SHA256) return `SignatureMethod ${method} is not ECDSA-SHA256 (${ECDSA_SHA256})`;
  const references = elementChildren(signedInfo)?.filter((c) => c.uri === DS_NS && c.local === 'Reference') ?? [];
  if (references.length !== 1) return `ds:SignedInfo must hold exactly one ds:Reference, found ${references.length}`;
  const reference = references[0];
  const uri = reference.attributes.find((a) => a.uri === '' && a.local === 'URI')?.value;
  if (uri !== '') return 'the ds:Reference must be to the whole document (URI="")';
  const transforms = elementChildren(child(reference, 'Transforms') ?? reference)?.filter((c) => c.uri === DS_NS && c.local === 'Transform') ?? [];
  if (transforms.length === 0 || algorithm(transforms[0]) !== ENVELOPED_SIGNATURE) return 'the ds:Reference must begin with the enveloped-signature transform';
  if (transforms.length > 2) return 'the ds:Reference takes the enveloped-signature transform and at most one C14N transform';
  const documentC14n = transforms.length === 2 ? algorithm(transforms[1]) : C14N_INCLUSIVE;
  if (documentC14n !== C14N_EXCLUSIVE && documentC14n !== C14N_INCLUSIVE) return `transform ${documentC14n} is not C14N`;
  if (algorithm(child(reference, 'DigestMethod')) !== SHA256) return `DigestMethod must be SHA-256 (${SHA256})`;
  const digest = base64(child(reference, 'DigestValue'));
  if (!digest || digest.length !== 32) return 'DigestValue is not the base64 of a SHA-256 digest';
  const value = base64(child(signature, 'SignatureValue'));
  if (!value || value.length !== 64) return 'SignatureValue is not the base64 of a 64-octet ECDSA P-256 r||s value';
  const issuerSerial = child(child(child(signature, 'KeyInfo'), 'X509Data'), 'X509IssuerSerial');
  const issuerName = textOf(child(issuerSerial, 'X509IssuerName') ?? signature)?.trim();
  const serialNumber = textOf(child(issuerSerial, 'X509SerialNumber') ?? signature)?.trim();
  if (!issuerSerial || !issuerName || !serialNumber || !/^[0-9]+$/.test(serialNumber)) return 'ds:KeyInfo must name the certificate with ds:X509IssuerSerial';

  const documentOptions = {
    exclusive: documentC14n === C14N_EXCLUSIVE,
    omit: signature,
    inclusivePrefixes: transforms.length === 2 ? prefixList(transforms[1]) : undefined,
  };
  return {
    signedInfo: utf8.encode(canonicalise(signedInfo, { exclusive: true, inclusivePrefixes: prefixList(c14nMethod!) })),
    signatureDer: rawToDer(value),
    digestMatches: () => timingSafeEqual(sha256(canonicalise(root, documentOptions)), digest),
    issuerName,
    serialNumber,
  };
}

/** XMLDSig's ECDSA value (r||s, each 32 octets for P-256) as the DER SEQUENCE node:crypto's pool takes. */
export function rawToDer(raw: Uint8Array): Buffer {
  const half = raw.length / 2;
  // Each half as a minimal positive INTEGER: leading zeros dropped, a zero put back before a high bit.
  const bounds = (from: number) => {
    let start = from;
    while (start < from + half - 1 && raw[start] === 0) start++;
    return { start, pad: raw[start] & 0x80 ? 1 : 0, length: from + half - start };
  };
  const r = bounds(0);
  const s = bounds(half);
  const rLength = r.length + r.pad;
  const sLength = s.length + s.pad;
  const out = Buffer.alloc(6 + rLength + sLength);
  out[0] = 0x30;
  out[1] = 4 + rLength + sLength;
  out[2] = 0x02;
  out[3] = rLength;
  out.set(raw.subarray(r.start, half), 4 + r.pad);
  out[4 + rLength] = 0x02;
  out[5 + rLength] = sLength;
  out.set(raw.subarray(s.start), 6 + rLength + s.pad);
  return out;
}

/** What the router keeps of a registered certificate: its key (SPKI PEM), issuer, serial and validity (ms since the epoch). */
export interface CertificateIdentity {
  publicKeyPem: string;
  issuer: string;
  serialNumber: bigint;
  validFrom: number;
  validTo: number;
}

const identities = new Map<string, CertificateIdentity | undefined>();
const MAX_CACHED = 50_000;

/** A certificate's identity, parsed once per PEM (parsing costs more than a signature check); undefined when unusable. */
export function certificateIdentity(pem: string): CertificateIdentity | undefined {
  if (identities.has(pem)) return identities.get(pem);
  let identity: CertificateIdentity | undefined;
  try {
    const certificate = new X509Certificate(pem);
    identity = {
      publicKeyPem: certificate.publicKey.export({ type: 'spki', format: 'pem' }) as string,
      issuer: normaliseName(certificate.issuer, '\n'),
      serialNumber: BigInt(`0x${certificate.serialNumber}`),
      validFrom: Date.parse(certificate.validFrom),
      validTo: Date.parse(certificate.validTo),
    };
    // A validity that cannot be read would pass every comparison with now: unusable instead.
    if (Number.isNaN(identity.validFrom) || Number.isNaN(identity.validTo)) identity = undefined;
  } catch {
    identity = undefined;
  }
  if (identities.size >= MAX_CACHED) identities.clear();
  identities.set(pem, identity);
  return identity;
}

/**
 * A distinguished name as a comparable text: its attribute=value pairs, types upper-cased,
 * values trimmed, sorted (an X509IssuerName is written RFC 4514 style, most specific first,
 * node:crypto lists the certificate's issuer one per line in the other order).
 */
export function normaliseName(name: string, separator: string | RegExp = /(?<!\\),/): string {
  return name.split(separator).map((part) => part.trim()).filter(Boolean).map((part) => {
    const at = part.indexOf('=');
    return `${part.slice(0, at).trim().toUpperCase()}=${part.slice(at + 1).trim()}`;
  }).sort().join(',');
}

/** Does the signature's X509IssuerSerial name this certificate? */
export function namesCertificate(signature: XmlSignature, identity: CertificateIdentity): boolean {
  return normaliseName(signature.issuerName) === identity.issuer && BigInt(signature.serialNumber) === identity.serialNumber;
}
