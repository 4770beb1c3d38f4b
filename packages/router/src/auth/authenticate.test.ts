import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { User } from '@dccrouter/domain';
import { selfSignedCertificate } from '../duis-xml/certificate.ts';
import { checkBodySignature, checkXmlSignature } from './authenticate.ts';
import { SignatureVerifier } from './verifier.ts';

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const user: User = { userId: '90-B3-D5-1F-30-01-00-00', roles: ['IS'], status: 'active', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string };
const body = Buffer.from('{"header":{}}');
const verifier = new SignatureVerifier({ threads: 0, batchMax: 64, lingerMs: 0 });
afterAll(() => verifier.close());

const check = (header: string | undefined) => checkBodySignature(verifier, user, body, header, 'X-DCC-Signature');

describe('checkBodySignature (row 5)', () => {
  it('passes a DER signature of the exact bytes by the originator\'s key', async () => {
    expect(await check(sign('sha256', body, privateKey).toString('base64'))).toBeUndefined();
  });

  it('says what is wrong: missing, not base64, not a signature of these bytes, or raw r‖s rather than DER', async () => {
    expect(await check(undefined)).toEqual({ reason: 'signature_invalid', message: 'X-DCC-Signature is missing' });
    expect((await check('not base64!'))?.message).toBe('X-DCC-Signature is not base64');
    const other = sign('sha256', Buffer.from('other bytes'), privateKey).toString('base64');
    expect((await check(other))?.message).toBe("X-DCC-Signature is not a valid signature of the body by the originator's key");
    // One raw pair in 256 opens with 0x30, as DER does, and is told apart no further: drawn again (ECDSA signs at random).
    let raw: Buffer;
    do raw = sign('sha256', body, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    while (raw[0] === 0x30);
    expect((await check(raw.toString('base64')))?.message).toContain('raw r‖s pair (IEEE P1363, as WebCrypto signs)');
  });
});

describe('checkXmlSignature (row 5)', () => {
  it('refuses a document without a usable ds:Signature, or a User without a certificate, saying which', async () => {
    expect((await checkXmlSignature(verifier, user, undefined))?.message).toBe('the request carries no ds:Signature');
    expect((await checkXmlSignature(verifier, user, 'two ds:Reference elements'))?.message).toBe('ds:Signature is not in the accepted form: two ds:Reference elements');
    const signature = { issuerName: 'CN=x', serialNumber: '1', digestMatches: () => true, signedInfo: body, signatureDer: body } as never;
    expect((await checkXmlSignature(verifier, user, signature))?.message).toBe(`User ${user.userId} has no usable certificate registered (certificatePem) to check XML signatures against`);
  });

  it('refuses a certificate outside its validity, saying when it ends or starts, and checks the value within it', async () => {
    const pem = selfSignedCertificate(privateKey, 'x', 5n, { from: new Date('2030-01-01T00:00:00Z'), until: new Date('2031-01-01T00:00:00Z') });
    const holder: User = { ...user, certificatePem: pem };
    const signature = { issuerName: 'CN=x', serialNumber: '5', digestMatches: () => true, signedInfo: body, signatureDer: Buffer.from('30', 'hex') } as never;
    expect((await checkXmlSignature(verifier, holder, signature, Date.parse('2031-01-01T00:00:01Z')))?.message)
      .toBe(`the certificate registered for User ${user.userId} expired at 2031-01-01T00:00:00.000Z`);
    expect((await checkXmlSignature(verifier, holder, signature, Date.parse('2029-12-31T23:59:59Z')))?.message)
      .toBe(`the certificate registered for User ${user.userId} is not valid until 2030-01-01T00:00:00.000Z`);
    expect((await checkXmlSignature(verifier, holder, signature, Date.parse('2030-06-01T00:00:00Z')))?.message)
      .toBe("ds:SignatureValue is not a valid signature of ds:SignedInfo by the registered certificate's key");
  });
});
