import { resolve } from 'node:path';

/**
 * A path as its caller wrote it: `npm run` starts its script in the project's root, and says in
 * INIT_CWD where it was run from, so `--key my.pem` means the file beside the caller.
 */
export function callerPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}
