// One process of the raw ECDSA capacity measurement (bench/lib/verify-capacity.ts): verifies the
// suite's pre-signed requests round and round on one core, as echo+verify and the router's worker
// do (node:crypto, DER signatures, a KeyObject per User parsed once), during a window every process
// of the measurement shares, then prints how many it did.
//   bun bench/verify-loop.ts <requests.json> <start at, epoch ms> <seconds>
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [file, startAtText, secondsText] = process.argv.slice(2);
const input = JSON.parse(readFileSync(file, 'utf8')) as { pem: string; body: string; signature: string }[];
const keys = new Map<string, KeyObject>();
const items = input.map(({ pem, body, signature }) => {
  let key = keys.get(pem);
  if (!key) keys.set(pem, (key = createPublicKey(pem)));
  return { key, body: Buffer.from(body, 'base64'), signature: Buffer.from(signature, 'base64') };
});

// Every process starts at the same instant, so the windows overlap and the cores are all busy.
const startAt = Number(startAtText);
while (Date.now() < startAt - 20) await new Promise((resolve) => setTimeout(resolve, 10));
while (Date.now() < startAt);

const started = performance.now();
const end = started + Number(secondsText) * 1000;
let verifications = 0;
let valid = 0;
for (let i = 0; performance.now() < end; i = (i + 1) % items.length) {
  const item = items[i];
  if (verify('sha256', item.body, { key: item.key, dsaEncoding: 'der' }, item.signature)) valid++;
  verifications++;
}
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ verifications, valid, seconds }));
