// Piscina worker: verifies a batch of ECDSA P-256 / SHA-256 signatures.
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

/**
 * A batch packed for a cheap hand-off (see packBatch in verifier.ts): every item's data and
 * signature back to back in one transferred buffer, `ends` marking where each piece ends, and each
 * item's key as an index into the batch's distinct PEMs. Answers one byte per item: 1 valid, 0 not.
 * @param {{ pems: string[], keyIndex: Uint32Array, ends: Uint32Array, bytes: Uint8Array }} batch
 */
export default function verifyBatch({ pems, keyIndex, ends, bytes }) {
  const results = new Uint8Array(keyIndex.length);
  let start = 0;
  for (let i = 0; i < keyIndex.length; i++) {
    const dataEnd = ends[2 * i];
    const signatureEnd = ends[2 * i + 1];
    try {
      const key = keyFor(pems[keyIndex[i]]);
      results[i] = verify('sha256', bytes.subarray(start, dataEnd), { key, dsaEncoding: 'der' }, bytes.subarray(dataEnd, signatureEnd)) ? 1 : 0;
    } catch {
      // Undecodable DER or an unusable key: the signature is simply not valid.
      results[i] = 0;
    }
    start = signatureEnd;
  }
  return results;
}
