import { generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SignatureVerifier } from './verifier.ts';

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
const signed = (text: string) => ({ data: Buffer.from(text), signature: sign('sha256', Buffer.from(text), privateKey) });

describe('SignatureVerifier', () => {
  const verifiers: SignatureVerifier[] = [];
  const make = (threads: number) => {
    const verifier = new SignatureVerifier({ threads, batchMax: 64, lingerMs: 0 });
    verifiers.push(verifier);
    return verifier;
  };
  afterEach(async () => {
    await Promise.all(verifiers.splice(0).map((verifier) => verifier.close()));
  });

  it('checks a lone signature on the calling thread while the workers are idle', async () => {
    const verifier = make(1);
    const good = signed('one');
    expect(await verifier.verify(pem, good.data, good.signature)).toBe(true);
    expect(await verifier.verify(pem, Buffer.from('other'), good.signature)).toBe(false);
    expect([verifier.verifiedInline, verifier.handoffs]).toEqual([2, 0]);
  });

  it('hands signatures that arrive together to a worker in one batch, each judged on its own', async () => {
    const verifier = make(1);
    const items = ['a', 'b', 'c', 'd'].map(signed);
    // The third carries another item's signature.
    const verdicts = await Promise.all(items.map((item, i) => verifier.verify(pem, item.data, (i === 2 ? items[0] : item).signature)));
    expect(verdicts).toEqual([true, true, false, true]);
    expect([verifier.handoffs, verifier.handedOff, verifier.verifiedInline]).toEqual([1, 4, 0]);
  });

  it('hands a lone signature to a worker while another task is under way there', async () => {
    const verifier = make(1);
    const items = ['a', 'b', 'c', 'd', 'e'].map(signed);
    const first = Promise.all(items.slice(0, 4).map((item) => verifier.verify(pem, item.data, item.signature)));
    // The first four are with the worker by the next turn.
    await new Promise((resolve) => setImmediate(resolve));
    const lone = verifier.verify(pem, items[4].data, items[4].signature);
    expect([...(await first), await lone]).toEqual([true, true, true, true, true]);
    expect([verifier.handoffs, verifier.handedOff, verifier.verifiedInline]).toEqual([2, 5, 0]);
  });

  it('hands signatures over one at a time with batches of one, never checking them here', async () => {
    const verifier = new SignatureVerifier({ threads: 1, batchMax: 1, lingerMs: 0 });
    verifiers.push(verifier);
    const items = ['a', 'b', 'c'].map(signed);
    expect(await Promise.all(items.map((item) => verifier.verify(pem, item.data, item.signature)))).toEqual([true, true, true]);
    expect([verifier.handoffs, verifier.verifiedInline]).toEqual([3, 0]);
  });

  it('checks everything on the calling thread without workers', async () => {
    const verifier = make(0);
    const items = ['a', 'b'].map(signed);
    expect(await Promise.all(items.map((item) => verifier.verify(pem, item.data, item.signature)))).toEqual([true, true]);
    expect(await verifier.verify(pem, items[0].data, Buffer.from('not DER'))).toBe(false);
  });
});
