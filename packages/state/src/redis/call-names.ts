import { randomBytes } from 'node:crypto';

/** Names for one instance's script calls, unique across instances: a call's mark key is named after it. */
export function callNames(): { next(): string } {
  const instance = randomBytes(6).toString('base64url');
  let count = 0;
  return { next: () => `${instance}.${(count++).toString(36)}` };
}
