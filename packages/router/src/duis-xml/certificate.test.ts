import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rfc4514, routerCertificate, selfSignedCertificate } from './certificate.ts';
import { certificateIdentity, namesCertificate, type XmlSignature } from './signature.ts';

const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe('the router\'s certificate', () => {
  it('is self-signed from the key when none is set: CN=dcc-router, a serial derived from the key', () => {
    const { privateKey, publicKey } = keyPair();
    const first = routerCertificate(privateKey);
    const again = routerCertificate(privateKey);
    const parsed = new X509Certificate(first.pem);
    expect(parsed.verify(publicKey)).toBe(true);
    expect(parsed.subject).toBe('CN=dcc-router');
    expect(first.signer).toMatchObject({ issuerName: 'CN=dcc-router', serialNumber: again.signer.serialNumber });
    expect(BigInt(first.signer.serialNumber)).toBe(BigInt(`0x${parsed.serialNumber}`));
    // Another key, another serial.
    expect(routerCertificate(keyPair().privateKey).signer.serialNumber).not.toBe(first.signer.serialNumber);
  });

  it('takes ROUTER_SIGNING_CERTIFICATE as PEM text or a file, only when it is of the key', () => {
    const { privateKey } = keyPair();
    const pem = selfSignedCertificate(privateKey, 'Router, DCC', 99n);
    expect(routerCertificate(privateKey, pem)).toMatchObject({ pem, signer: { issuerName: 'CN=Router\\, DCC', serialNumber: '99' } });
    // What the router's signatures name it by is what a receiver's check of that certificate matches.
    const named = routerCertificate(privateKey, pem).signer;
    expect(namesCertificate({ issuerName: named.issuerName, serialNumber: named.serialNumber } as XmlSignature, certificateIdentity(pem)!)).toBe(true);
    const file = join(mkdtempSync(join(tmpdir(), 'router-cert-')), 'router.pem');
    writeFileSync(file, pem);
    expect(routerCertificate(privateKey, file).pem).toBe(pem);
    expect(() => routerCertificate(keyPair().privateKey, pem)).toThrow(/not a certificate of ROUTER_SIGNING_KEY/);
    expect(() => routerCertificate(privateKey, '/nonexistent/router.pem')).toThrow(/neither a PEM certificate nor the path/);
    expect(() => routerCertificate(privateKey, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toThrow(/not a PEM X.509 certificate/);
  });

  it('writes issuers RFC 4514 style, most specific first', () => {
    expect(rfc4514('C=GB\nO=DCC\nCN=U1')).toBe('CN=U1, O=DCC, C=GB');
  });
});

describe('selfSignedCertificate', () => {
  it('writes its validity as UTCTime up to 2049 and GeneralizedTime from 2050, read back the same', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const validity = { from: new Date('2049-12-31T23:59:59Z'), until: new Date('2051-06-01T12:00:00Z') };
    const certificate = new X509Certificate(selfSignedCertificate(privateKey, 'x', 1n, validity));
    expect([Date.parse(certificate.validFrom), Date.parse(certificate.validTo)]).toEqual([validity.from.getTime(), validity.until.getTime()]);
    expect(() => selfSignedCertificate(privateKey, 'x', 1n, { from: new Date('1949-01-01T00:00:00Z'), until: validity.until })).toThrow('years 1950 to 9999, not 1949');
  });
});
