// The second baseline, "echo + verify": a bare Hono app on Bun that does the one piece of work no
// router may skip, checking X-DCC-Signature, and nothing else (no store, no decode beyond finding
// the originator, no worker thread). The router's distance from it is the cost of everything the
// router does beyond HTTP and the signature: the issue #9 targets are ratios to this process.
//
// Users are registered as on the router, by PUT /v1/admin/users/:userId with publicKeyPem behind
// the bearer token, so bench/lib/targets.ts provisions both the same way. Each key is parsed into a
// KeyObject once, at registration: parsing a PEM costs more than a verification.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { Hono } from 'hono';

const ADMIN_TOKEN = process.env.ROUTER_ADMIN_TOKEN ?? '';
const keys = new Map<string, KeyObject>();
const decoder = new TextDecoder();

/**
 * The originator whose key must have signed the body: header.requestId.originatorId of a JSON
 * body. A protobuf body is not decoded here (the bench traffic is JSON): X-DCC-User names it.
 */
function originatorOf(body: Uint8Array, contentType: string | undefined, userHeader: string | undefined): string | undefined {
  if (contentType?.includes('protobuf')) return userHeader;
  try {
    const id = JSON.parse(decoder.decode(body))?.header?.requestId?.originatorId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

const app = new Hono();

app.put('/v1/admin/users/:userId', async (c) => {
  if (c.req.header('authorization') !== `Bearer ${ADMIN_TOKEN}`) return c.json({ error: { reason: 'unauthorized' } }, 401);
  const { publicKeyPem } = (await c.req.json().catch(() => ({}))) as { publicKeyPem?: string };
  try {
    keys.set(c.req.param('userId'), createPublicKey(publicKeyPem ?? ''));
  } catch {
    return c.json({ error: { reason: 'invalid_request', message: 'publicKeyPem is not a public key' } }, 400);
  }
  return c.json({ userId: c.req.param('userId') });
});

app.post('/v1/service-requests', async (c) => {
  const body = new Uint8Array(await c.req.arrayBuffer());
  const signature = c.req.header('x-dcc-signature');
  const originator = originatorOf(body, c.req.header('content-type'), c.req.header('x-dcc-user'));
  const key = originator === undefined ? undefined : keys.get(originator);
  let valid = false;
  if (key && signature) {
    try {
      valid = verify('sha256', body, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
    } catch {
      // Undecodable DER: simply not a valid signature.
    }
  }
  return valid
    ? c.json({ header: { responseCode: 'I99' }, bytes: body.byteLength }, 202)
    : c.json({ error: { reason: 'signature_invalid' } }, 401);
});

const server = Bun.serve({ port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1', fetch: app.fetch });
console.log(`echo+verify listening on http://127.0.0.1:${server.port}`);
process.on('SIGTERM', () => {
  server.stop();
  process.exit(0);
});
