import { generateKeyPairSync, sign, verify, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate, rfc4514 } from './certificate.ts';
import { certificateIdentity, namesCertificate, normaliseName, rawToDer, type XmlSignature } from './signature.ts';

describe('rawToDer', () => {
  it('turns an XMLDSig r||s value into the DER node:crypto verifies', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 50; i++) {
      const data = Buffer.from(`message ${i}`);
      const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      expect(raw.length).toBe(64);
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, rawToDer(raw))).toBe(true);
    }
  });

  it('writes minimal INTEGERs: leading zeros dropped, a zero before a high bit', () => {
    const raw = Buffer.alloc(64);
    raw[31] = 0x01; // r = 1
    raw[32] = 0x80; // s has its high bit set
    raw[63] = 0x02;
    const der = rawToDer(raw);
    expect(der.subarray(0, 5).toString('hex')).toBe('3026020101');
    expect(der.subarray(5, 8).toString('hex')).toBe('022100');
    expect(der.length).toBe(2 + 3 + 2 + 33);
  });
});

describe('certificate identity', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = selfSignedCertificate(privateKey, 'U1', 1234567890n);
  const identity = certificateIdentity(pem)!;
  const signature = (issuerName: string, serialNumber: string) => ({ issuerName, serialNumber }) as XmlSignature;

  it('reads the key, issuer and serial of a certificate once', () => {
    expect(identity.serialNumber).toBe(1234567890n);
    expect(certificateIdentity(pem)).toBe(identity);
    expect(rfc4514(new X509Certificate(pem).issuer)).toBe('CN=U1');
    expect(certificateIdentity('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toBeUndefined();
  });

  it('matches an X509IssuerSerial by distinguished name (order and spacing aside) and serial', () => {
    expect(namesCertificate(signature('CN=U1', '1234567890'), identity)).toBe(true);
    expect(namesCertificate(signature(' cn = U1 ', '1234567890'), identity)).toBe(true);
    expect(namesCertificate(signature('CN=U2', '1234567890'), identity)).toBe(false);
    expect(namesCertificate(signature('CN=U1', '1234567891'), identity)).toBe(false);
    expect(normaliseName('CN=U1, OU=07')).toBe(normaliseName('OU=07\nCN=U1', '\n'));
    expect(normaliseName('CN=a\\,b, OU=07')).toBe('CN=a\\,b,OU=07');
  });
});
