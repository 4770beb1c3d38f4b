import type { Context } from 'hono';
import { parseEui, parseRfc3339, type User } from '@dccrouter/domain';
import { decodeSignatureHeader, type SignatureVerifier } from './verifier.ts';
import { RETRY_AFTER_SECONDS } from '../pipeline/answers.ts';

/**
 * Where a signed call's User is found: the router's directory (Users cached in-process, an
 * operator's change seen within its sync interval, as on the request path), so checking a call
 * costs no store round trip.
 */
export interface UserLookup {
  user(userId: string): Promise<User | undefined>;
}

const MAX_SKEW_MS = 5 * 60 * 1000;

/** Why a signed call is refused, with the answer's status and contract reason. */
export interface CallRefusal {
  ok: false;
  status: 401 | 403 | 503;
  reason: 'signature_invalid' | 'user_not_active' | 'overloaded';
  message: string;
}

export type CallAuth = { ok: true; userId: string } | CallRefusal;

const invalid = (message: string): CallRefusal => ({ ok: false, status: 401, reason: 'signature_invalid', message });

/** Why a User that is not active is refused its signed calls (and its feed ended). */
export const userNotActive = (user: User) => `User ${user.userId} is ${user.status}: its signed calls are refused until an operator makes it active again`;

/** A refused signed call's HTTP answer; an overloaded one says when to call again, as a request's 503 does. */
export function callRefusal(c: Context, refusal: CallRefusal): Response {
  if (refusal.status === 503) c.header('retry-after', RETRY_AFTER_SECONDS);
  return c.json({ error: { reason: refusal.reason, message: refusal.message } }, refusal.status);
}

/** The path and query of a request's URL as the runtime gives it. */
export function requestTarget(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  return start < 0 ? '/' : url.slice(start);
}

// What the runtime's URL parsing (WHATWG) percent-encodes that a client may send raw on the
// request line: in the path " < > ` { }, in the query " < > ' (it leaves an encoding sent as is).
const PATH_ADDED = /%(22|3C|3E|60|7B|7D)/g;
const QUERY_ADDED = /%(22|3C|3E|27)/g;

/**
 * The request-target as a client sent it raw, when the runtime's parsing percent-encoded some of
 * it (undefined when it did not): the contract's signed text is the request line's, untouched,
 * and Bun gives only the parsed URL. Both name the same resource.
 */
export function rawRequestTarget(target: string): string | undefined {
  const query = target.indexOf('?');
  const [path, search] = query < 0 ? [target, ''] : [target.slice(0, query), target.slice(query)];
  const decode = (_: string, hex: string) => String.fromCharCode(parseInt(hex, 16));
  const raw = path.replace(PATH_ADDED, decode) + search.replace(QUERY_ADDED, decode);
  return raw === target ? undefined : raw;
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
    rawSignedText: (timestamp) => {
      const raw = rawRequestTarget(requestTarget(c.req.url));
      return raw === undefined ? undefined : `${c.req.method}\n${raw}\n${timestamp}`;
    },
  }, users, verifier, now);
}

export interface SignedCall {
  user: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  /** The text the User signed, given the timestamp as sent. */
  signedText: (timestamp: string) => string;
  /** The same over the request line as sent raw, where the runtime's parsing changed it (see rawRequestTarget). */
  rawSignedText?: (timestamp: string) => string | undefined;
}

/** A User's signed call over any transport (HTTP headers, gRPC metadata), checked the same way. */
export async function authenticateSigned(call: SignedCall, users: UserLookup, verifier: SignatureVerifier, now = Date.now()): Promise<CallAuth> {
  const userId = parseEui(call.user);
  if (!userId) return invalid('X-DCC-User is missing or not an EUI-64');
  const timestamp = call.timestamp ?? '';
  // RFC 3339 allows a lower-case "t" and "z"; the signature still covers the text as sent.
  const at = parseRfc3339(timestamp.toUpperCase());
  if (Number.isNaN(at)) return invalid('X-DCC-Timestamp is missing or not an RFC 3339 time');
  if (Math.abs(now - at) > MAX_SKEW_MS) return invalid("X-DCC-Timestamp is more than 5 minutes from the router's clock");
  const signature = decodeSignatureHeader(call.signature);
  if (!signature) return invalid('X-DCC-Signature is missing or not base64');
  const user = await users.user(userId);
  if (!user) return invalid(`User ${userId} is not registered`);
  if (verifier.saturated) return { ok: false, status: 503, reason: 'overloaded', message: 'too many signatures are waiting to be checked: call again shortly' };
  let valid = await verifier.verify(user.publicKeyPem, Buffer.from(call.signedText(timestamp)), signature);
  // A second check only where the runtime re-encoded the request line.
  const raw = valid ? undefined : call.rawSignedText?.(timestamp);
  if (raw !== undefined) valid = await verifier.verify(user.publicKeyPem, Buffer.from(raw), signature);
  if (!valid) return invalid("X-DCC-Signature is not a valid signature of the call by the User's key");
  // Told only to the key's holder: suspended, a User reads and changes nothing (contract row 6's reason).
  if (user.status !== 'active') return { ok: false, status: 403, reason: 'user_not_active', message: userNotActive(user) };
  return { ok: true, userId };
}
