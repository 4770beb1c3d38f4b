import { createHash, createPublicKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { XmlSigner } from './sign.ts';

/** The router's certificate and what its DUIS XML signatures name it by. */
export interface RouterCertificate {
  pem: string;
  signer: XmlSigner;
}

/**
 * The certificate of the router's signing key (ROUTER_SIGNING_KEY): ROUTER_SIGNING_CERTIFICATE
 * (a PEM, or the path of one) when set, which must be of that key; otherwise a self-signed one,
 * CN=dcc-router, whose serial number is derived from the key, so every process and instance
 * sharing the key names it by the same issuer and serial in ds:X509IssuerSerial.
 */
export function routerCertificate(key: KeyObject, setting?: string): RouterCertificate {
  const publicDer = createPublicKey(key).export({ type: 'spki', format: 'der' });
  let pem: string;
  if (setting) {
    try {
      pem = setting.includes('-----BEGIN') ? setting : readFileSync(setting, 'utf8');
    } catch (cause) {
      throw new Error(`ROUTER_SIGNING_CERTIFICATE is neither a PEM certificate nor the path of one: ${(cause as Error).message}`, { cause });
    }
  } else {
    const serial = createHash('sha256').update(publicDer).digest().subarray(0, 8);
    serial[0] &= 0x7f;
    pem = selfSignedCertificate(key, 'dcc-router', BigInt(`0x${serial.toString('hex')}`));
  }
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(pem);
  } catch (cause) {
    throw new Error(`ROUTER_SIGNING_CERTIFICATE is not a PEM X.509 certificate: ${(cause as Error).message}`, { cause });
  }
  if (!parsed.publicKey.export({ type: 'spki', format: 'der' }).equals(publicDer)) {
    throw new Error("ROUTER_SIGNING_CERTIFICATE is not a certificate of ROUTER_SIGNING_KEY's public key");
  }
  return { pem, signer: { key, issuerName: rfc4514(parsed.issuer), serialNumber: BigInt(`0x${parsed.serialNumber}`).toString() } };
}

/** node:crypto's one-attribute-a-line issuer (its values already escaped) as an RFC 4514 string, most specific first. */
export function rfc4514(issuer: string): string {
  return issuer.split('\n').filter(Boolean).reverse().join(', ');
}

// A minimal DER writer: enough for a self-signed X.509 v1 certificate of a P-256 key.
function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}
const sequence = (...contents: Buffer[]) => der(0x30, ...contents);
const ECDSA_WITH_SHA256 = sequence(Buffer.from('06082a8648ce3d040302', 'hex'));
const COMMON_NAME = Buffer.from('0603550403', 'hex');

function integer(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return der(0x02, bytes);
}

/** A validity time as X.509 writes it: UTCTime (two-digit year) up to 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
function validityTime(date: Date): Buffer {
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999) throw new RangeError(`a certificate's validity is written for years 1950 to 9999, not ${year}`);
  const digits = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return year < 2050 ? der(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii')) : der(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}

/** 2026 to 2046: the router's own certificate's validity, and test Users' unless they say otherwise. */
const LONG_VALIDITY = { from: new Date('2026-01-01T00:00:00Z'), until: new Date('2046-01-01T00:00:00Z') };

/** A self-signed X.509 (v1) certificate, CN=<commonName>, of a P-256 key: for the router's own key, and for test Users. */
export function selfSignedCertificate(key: KeyObject, commonName: string, serialNumber: bigint, validity = LONG_VALIDITY): string {
  const name = sequence(der(0x31, sequence(COMMON_NAME, der(0x0c, Buffer.from(commonName, 'utf8')))));
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const tbs = sequence(
    integer(serialNumber), ECDSA_WITH_SHA256, name,
    sequence(validityTime(validity.from), validityTime(validity.until)),
    name, spki,
  );
  const signature = sign('sha256', tbs, { key, dsaEncoding: 'der' });
  const certificate = sequence(tbs, ECDSA_WITH_SHA256, der(0x03, Buffer.from([0]), signature));
  return `-----BEGIN CERTIFICATE-----\n${certificate.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}
