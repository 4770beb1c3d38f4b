import type { Context } from 'hono';
import { parseEui, parseRfc3339, type User } from '@dccrouter/domain';
import { decodeSignatureHeader, type SignatureVerifier } from './verifier.ts';

/**
 * Where a signed call's User is found: the router's directory (Users cached in-process, an
 * operator's change seen within its sync interval, as on the request path), so checking a call
 * costs no store round trip.
 */
export interface UserLookup {
  user(userId: string): Promise<User | undefined>;
}

const MAX_SKEW_MS = 5 * 60 * 1000;

export type CallAuth = { ok: true; userId: string } | { ok: false; message: string };

/** The path and query exactly as sent on the request line, percent-encoding untouched. */
export function requestTarget(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  return start < 0 ? '/' : url.slice(start);
}

/**
 * A User's signed call (reading back its own data, releasing its quarantined requests):
 * X-DCC-User, X-DCC-Timestamp within five minutes, and X-DCC-Signature over
 * `<METHOD>\n<request-target>\n<timestamp>` by the User's registered key.
 */
export function authenticateUserCall(c: Context, users: UserLookup, verifier: SignatureVerifier, now = Date.now()): Promise<CallAuth> {
  return authenticateSigned({
    user: c.req.header('x-dcc-user'),
    timestamp: c.req.header('x-dcc-timestamp'),
    signature: c.req.header('x-dcc-signature'),
    signedText: (timestamp) => `${c.req.method}\n${requestTarget(c.req.url)}\n${timestamp}`,
  }, users, verifier, now);
}

export interface SignedCall {
  user: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  /** The text the User signed, given the timestamp as sent. */
  signedText: (timestamp: string) => string;
}

/** A User's signed call over any transport (HTTP headers, gRPC metadata), checked the same way. */
export async function authenticateSigned(call: SignedCall, users: UserLookup, verifier: SignatureVerifier, now = Date.now()): Promise<CallAuth> {
  const userId = parseEui(call.user);
  if (!userId) return { ok: false, message: 'X-DCC-User is missing or not an EUI-64' };
  const timestamp = call.timestamp ?? '';
  // RFC 3339 allows a lower-case "t" and "z"; the signature still covers the text as sent.
  const at = parseRfc3339(timestamp.toUpperCase());
  if (Number.isNaN(at)) return { ok: false, message: 'X-DCC-Timestamp is missing or not an RFC 3339 time' };
  if (Math.abs(now - at) > MAX_SKEW_MS) return { ok: false, message: "X-DCC-Timestamp is more than 5 minutes from the router's clock" };
  const signature = decodeSignatureHeader(call.signature);
  if (!signature) return { ok: false, message: 'X-DCC-Signature is missing or not base64' };
  const user = await users.user(userId);
  if (!user) return { ok: false, message: `User ${userId} is not registered` };
  if (!(await verifier.verify(user.publicKeyPem, Buffer.from(call.signedText(timestamp)), signature))) {
    return { ok: false, message: "X-DCC-Signature is not a valid signature of the call by the User's key" };
  }
  return { ok: true, userId };
}
