import { dirname, resolve } from 'node:path';

/**
 * A path as its caller wrote it. `npm run` starts its script in the package's folder and says in
 * INIT_CWD where it was run from, so `npm run send -- --key my.pem` means the file beside the
 * caller. INIT_CWD is inherited by every process under npm, so it counts only for a script npm
 * started in its package's folder; anything else resolves from its own working directory.
 */
export function callerPath(path: string): string {
  const { INIT_CWD: calledFrom, npm_package_json: manifest } = process.env;
  const npmScript = calledFrom !== undefined && manifest !== undefined && dirname(manifest) === process.cwd();
  return resolve(npmScript ? calledFrom : process.cwd(), path);
}
