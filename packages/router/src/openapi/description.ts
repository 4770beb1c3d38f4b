// The document's introduction (Markdown): how to sign, how to check a webhook.
export const DESCRIPTION = `
The router of DCC smart-metering service requests: Users (suppliers, network operators) send signed
DUIS service requests; operators manage Users, devices, thresholds and budgets. The external
contract is the project's CONTRACT.md; this document is generated from the schemas the router
validates operators' input with. Every refusal is JSON \`{ "error": { "reason", "message" } }\`
whose \`reason\` is the contract's.

## Signing a service request (\`X-DCC-Signature\`)

ECDSA P-256 with SHA-256, made with the originator's private key over **the exact bytes of the
request body** (sign the bytes you send; never re-serialise after signing), DER-encoded, then
base64. The router checks it against the \`publicKeyPem\` registered for the originator.

Node.js:

\`\`\`js
import { createPrivateKey, sign } from 'node:crypto';
const body = Buffer.from(JSON.stringify(request));           // these bytes, exactly, are sent
const key = createPrivateKey(privateKeyPem);                 // PKCS#8 or SEC1 PEM of a P-256 key
const signature = sign('sha256', body, { key, dsaEncoding: 'der' }).toString('base64');
await fetch(url + '/v1/service-requests', {
  method: 'POST', body,
  headers: { 'content-type': 'application/json', 'x-dcc-signature': signature },
});
\`\`\`

Shell (OpenSSL's ECDSA signatures are DER already):

\`\`\`sh
openssl dgst -sha256 -sign user.key.pem request.json | base64 -w0 > request.sig
curl -X POST "$ROUTER/v1/service-requests" -H 'content-type: application/json' \\
  -H "x-dcc-signature: $(cat request.sig)" --data-binary @request.json
\`\`\`

Python (\`cryptography\`): \`base64.b64encode(key.sign(body, ec.ECDSA(hashes.SHA256())))\`
(its ECDSA signatures are DER too).

A batch (\`POST /v1/service-requests:batch\`) carries each item's own signature, or is signed
once: \`X-DCC-User\` and \`X-DCC-Batch-Signature\` over the whole batch body's bytes, the same way.

## A User's signed call (reading back)

Headers \`X-DCC-User: <User EUI>\`, \`X-DCC-Timestamp: <RFC 3339 time within 5 minutes of the
router's clock>\`, \`X-DCC-Signature\`: the same signature over the bytes
\`<METHOD>\\n<request-target>\\n<timestamp>\`, the request-target being the path and query exactly
as sent (percent-encoding untouched; a character the router's HTTP parsing re-encodes, such as a
raw \`'\` in a query or \`{\` in a path, is checked as sent too; dot segments such as \`/./\` are
resolved before it sees them, so do not send them):

\`\`\`js
const timestamp = new Date().toISOString();
const target = '/v1/responses?after=0-0&limit=100';
const signature = sign('sha256', Buffer.from(\`GET\\n\${target}\\n\${timestamp}\`), { key, dsaEncoding: 'der' }).toString('base64');
await fetch(url + target, { headers: { 'x-dcc-user': userId, 'x-dcc-timestamp': timestamp, 'x-dcc-signature': signature } });
\`\`\`

## Webhook signatures (checking that a POST to your receiveEndpoint is the router's)

Each webhook POST carries \`X-DCC-Router-Signature: t=<unix ms>,sig=<base64 DER>\`: an ECDSA P-256 /
SHA-256 signature by the router's key over the bytes \`<t>.<body bytes>\`. The router's public key
is served at \`GET /v1/router-public-key.pem\` (fetch it once, over a channel you trust, and pin
it). To check a delivery: split the header, refuse it if \`t\` is more than 5 minutes from your
clock (the replay window; a retried delivery is signed afresh), then verify:

\`\`\`js
import { createPublicKey, verify } from 'node:crypto';
function isFromRouter(header, rawBody, routerKey, now = Date.now()) {
  const fields = Object.fromEntries(header.split(',').map((part) => part.split(/=(.*)/s, 2)));
  const t = Number(fields.t);
  if (!Number.isSafeInteger(t) || Math.abs(now - t) > 5 * 60_000) return false;
  const signed = Buffer.concat([Buffer.from(\`\${fields.t}.\`), rawBody]);
  return verify('sha256', signed, { key: routerKey, dsaEncoding: 'der' }, Buffer.from(fields.sig ?? '', 'base64'));
}
\`\`\`

Verify the raw body bytes before parsing them. Deliveries are at least once: deduplicate on the
item's \`cursor\`.
`.trim();
