// Piscina worker: verifies a micro-batch of ECDSA P-256 / SHA-256 signatures.
// Plain JavaScript so it loads in Bun (production) and Node (tests) alike.
import { createPublicKey, verify } from 'node:crypto';

const MAX_CACHED_KEYS = 50_000;
const keys = new Map();

function keyFor(pem) {
  let key = keys.get(pem);
  if (key === undefined) {
    // A bounded cache: parsing a PEM costs more than the verification itself.
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    key = createPublicKey(pem);
    keys.set(pem, key);
  }
  return key;
}

/** @param {{ pem: string, data: Uint8Array, signature: Uint8Array }[]} batch */
export default function verifyBatch(batch) {
  const results = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const { pem, data, signature } = batch[i];
    try {
      results[i] = verify('sha256', data, { key: keyFor(pem), dsaEncoding: 'der' }, signature);
    } catch {
      // Undecodable DER or an unusable key: the signature is simply not valid.
      results[i] = false;
    }
  }
  return results;
}
