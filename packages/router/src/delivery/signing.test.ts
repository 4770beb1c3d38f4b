import { generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backoffDelay, RouterSigningKey } from './signing.ts';

/** The receiver's check, as docs/delivery.md and the OpenAPI document describe it. */
function verifyWebhook(header: string, body: Buffer, publicKeyPem: string, now: number): boolean {
  const fields = Object.fromEntries(header.split(',').map((part) => part.split(/=(.*)/s, 2)));
  const t = Number(fields.t);
  if (!Number.isSafeInteger(t) || Math.abs(now - t) > 5 * 60_000) return false;
  return verify('sha256', Buffer.concat([Buffer.from(`${fields.t}.`), body]), { key: publicKeyPem, dsaEncoding: 'der' }, Buffer.from(fields.sig ?? '', 'base64'));
}

describe('RouterSigningKey', () => {
  const body = Buffer.from('{"cursor":"1-0","kind":"response","body":{}}');

  it('signs "<t>.<body>" so that the public key it serves verifies it, and nothing else', () => {
    const key = RouterSigningKey.from(undefined);
    expect(key.generated).toBe(true);
    const at = Date.now();
    const header = key.signWebhook(body, at);
    expect(header).toMatch(/^t=\d+,sig=[A-Za-z0-9+/]+=*$/);
    expect(verifyWebhook(header, body, key.publicKeyPem, at)).toBe(true);
    expect(verifyWebhook(header, Buffer.from(body.toString().replace('1-0', '2-0')), key.publicKeyPem, at)).toBe(false);
    expect(verifyWebhook(header.replace(`t=${at}`, `t=${at + 1}`), body, key.publicKeyPem, at)).toBe(false);
    expect(verifyWebhook(header, body, RouterSigningKey.from(undefined).publicKeyPem, at)).toBe(false);
    // Outside the replay window, a genuine signature is refused.
    expect(verifyWebhook(header, body, key.publicKeyPem, at + 5 * 60_000 + 1)).toBe(false);
  });

  it('takes ROUTER_SIGNING_KEY as a PEM or as the path of one, and keeps it', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const fromText = RouterSigningKey.from(pem);
    expect(fromText.generated).toBe(false);
    const path = join(mkdtempSync(join(tmpdir(), 'router-key-')), 'key.pem');
    writeFileSync(path, pem);
    expect(RouterSigningKey.from(path).publicKeyPem).toBe(fromText.publicKeyPem);
    expect(RouterSigningKey.from(fromText.exportPem()).publicKeyPem).toBe(fromText.publicKeyPem);
  });

  it('refuses a key that is not P-256, and one it cannot read', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(() => RouterSigningKey.from(rsa)).toThrow(/P-256/);
    expect(() => RouterSigningKey.from('-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----')).toThrow(/ROUTER_SIGNING_KEY is neither a PEM private key nor the path of a readable one/);
    expect(() => RouterSigningKey.from('/nowhere/key.pem')).toThrow('ROUTER_SIGNING_KEY is neither a PEM private key nor the path of a readable one (ENOENT)');
  });

  it('never repeats the setting in its refusal: a key given without its PEM armour is a secret', () => {
    const bare = (generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' }) as Buffer).toString('base64');
    let message = '';
    try {
      RouterSigningKey.from(bare);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^ROUTER_SIGNING_KEY is neither a PEM private key nor the path of a readable one/);
    expect(message).not.toContain(bare.slice(0, 16));
  });
});

describe('backoffDelay (equal jitter)', () => {
  it('waits between half the exponential step and the step, never over the maximum', () => {
    expect(backoffDelay(1, 1_000, 300_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1_000, 300_000, () => 0.999999)).toBe(999);
    expect(backoffDelay(3, 1_000, 300_000, () => 0.5)).toBe(3_000);
    expect(backoffDelay(20, 1_000, 300_000, () => 0.999999)).toBe(299_999);
    const delays = Array.from({ length: 1000 }, () => backoffDelay(4, 100, 60_000));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(400);
    expect(Math.max(...delays)).toBeLessThan(800);
    // Spread, not a fixed step: jitter is what keeps failed receivers from being hit all at once.
    expect(new Set(delays).size).toBeGreaterThan(100);
  });

  it('spans about half an hour over the default attempts, so a receiver\'s restart or short outage is ridden out', () => {
    const waits = (random: () => number) => Array.from({ length: 14 }, (_, k) => backoffDelay(k + 1, 1_000, 300_000, random)).reduce((a, b) => a + b, 0);
    expect(waits(() => 0)).toBe(1_005_500);
    expect(waits(() => 0.999999)).toBeGreaterThan(2_000_000);
  });
});
