import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The header every webhook POST carries: `t=<unix ms>,sig=<base64 DER over "<t>.<body bytes>">`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-dcc-router-signature';

/**
 * The router's own P-256 key: it signs webhooks, so a User's endpoint can tell the router from
 * anyone else. From ROUTER_SIGNING_KEY (a PEM, or the path of a PEM file), or generated at start.
 */
export class RouterSigningKey {
  readonly publicKeyPem: string;

  private constructor(private readonly key: KeyObject, readonly generated: boolean) {
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error('ROUTER_SIGNING_KEY must be the private key of a P-256 (prime256v1) EC key pair');
    }
    this.publicKeyPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }) as string;
  }

  /** The key a setting names; a new one when the setting is empty. */
  static from(setting: string | undefined): RouterSigningKey {
    if (!setting) return new RouterSigningKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, true);
    let key: KeyObject;
    try {
      key = createPrivateKey(setting.includes('-----BEGIN') ? setting : readFileSync(setting, 'utf8'));
    } catch (cause) {
      // The reason only (an errno code, or why the PEM did not parse), never the setting: it may be a key itself.
      const why = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message.replaceAll(setting, '<the setting>');
      throw new Error(`ROUTER_SIGNING_KEY is neither a PEM private key nor the path of a readable one (${why})`);
    }
    return new RouterSigningKey(key, false);
  }

  /** The private key itself, for the DUIS XML signer (duis-xml/sign.ts). */
  get privateKey(): KeyObject {
    return this.key;
  }

  /** The private key as PKCS#8 PEM, to hand a generated key to the router's other processes. */
  exportPem(): string {
    return this.key.export({ type: 'pkcs8', format: 'pem' }) as string;
  }

  /** The signature header's value for a webhook body sent at `at` (unix ms). */
  signWebhook(body: Uint8Array, at = Date.now()): string {
    const signed = Buffer.concat([Buffer.from(`${at}.`), body]);
    return `t=${at},sig=${sign('sha256', signed, { key: this.key, dsaEncoding: 'der' }).toString('base64')}`;
  }
}

/**
 * Equal jitter: half the exponential step, plus a random share of the other half. Users whose
 * endpoints failed together do not all come back at the same moment, and a wait is never next to
 * nothing, so the attempts span the backoff they are given (a receiver's restart is ridden out,
 * not answered by a dead letter within seconds).
 */
export function backoffDelay(attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const step = Math.min(baseMs * 2 ** (attempts - 1), maxMs);
  return Math.floor(step / 2 + random() * (step / 2));
}
