import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { User } from '@dccrouter/domain';
import { authenticateSigned, rawRequestTarget, requestTarget } from './user-call.ts';
import { SignatureVerifier } from './verifier.ts';

describe('the request-target of a signed call', () => {
  it('is the URL\'s path and query', () => {
    expect(requestTarget('http://127.0.0.1:8080/v1/responses?after=1-0')).toBe('/v1/responses?after=1-0');
    expect(requestTarget('http://127.0.0.1:8080')).toBe('/');
  });

  it('has a raw form where the runtime re-encoded what a client may send as is, and none otherwise', () => {
    // Bun (WHATWG) encodes " < > ` { } in a path, " < > \' in a query.
    expect(rawRequestTarget('/v1/%7Bx%7D%22?after=%27x%27&q=%22%3C%3E')).toBe('/v1/{x}"?after=\'x\'&q="<>');
    // %27 in a path and %7B in a query are not the runtime's: the client sent them.
    expect(rawRequestTarget('/v1/%27?q=%7B')).toBeUndefined();
    expect(rawRequestTarget('/v1/responses?after=1-0')).toBeUndefined();
  });
});

describe('a signed call', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const USER_ID = '90-B3-D5-1F-30-01-00-00';
  const user: User = { userId: USER_ID, roles: ['IS'], status: 'active', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string };
  const timestamp = new Date().toISOString();
  const text = `GET\n/v1/responses\n${timestamp}`;
  const call = (signature: string) => ({ user: USER_ID, timestamp, signature, signedText: () => text });
  const signed = sign('sha256', Buffer.from(text), privateKey).toString('base64');
  const forged = sign('sha256', Buffer.from('another text'), privateKey).toString('base64');
  const verifiers: SignatureVerifier[] = [];
  afterAll(async () => { await Promise.all(verifiers.map((verifier) => verifier.close())); });
  const verifier = (queueMax?: number) => {
    const made = new SignatureVerifier({ threads: 0, batchMax: 64, lingerMs: 0, queueMax });
    verifiers.push(made);
    return made;
  };
  const as = (holder: User) => ({ user: async () => holder });

  it('is refused to a User not active, once its signature is checked: to anyone else it is a bad signature', async () => {
    const suspended = { ...user, status: 'suspended' as const };
    expect(await authenticateSigned(call(signed), as(user), verifier())).toEqual({ ok: true, userId: USER_ID });
    expect(await authenticateSigned(call(signed), as(suspended), verifier())).toEqual({
      ok: false, status: 403, reason: 'user_not_active', message: `User ${USER_ID} is suspended: its signed calls are refused until an operator makes it active again`,
    });
    expect(await authenticateSigned(call(forged), as(suspended), verifier())).toMatchObject({ ok: false, status: 401, reason: 'signature_invalid' });
  });

  it('is refused overloaded, unchecked, while as many signatures wait as requests may hold', async () => {
    const busy = verifier(1);
    // One signature waiting (checked at the end of this turn): the queue is full.
    const waiting = busy.verify(user.publicKeyPem, Buffer.from(text), Buffer.from(signed, 'base64'));
    expect(busy.saturated).toBe(true);
    expect(await authenticateSigned(call(signed), as(user), busy)).toMatchObject({ ok: false, status: 503, reason: 'overloaded' });
    expect(await waiting).toBe(true);
    expect(busy.saturated).toBe(false);
    expect(await authenticateSigned(call(signed), as(user), busy)).toEqual({ ok: true, userId: USER_ID });
  });
});
