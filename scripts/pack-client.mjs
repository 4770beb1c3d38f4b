// `npm run pack:client`: the client SDK as a tarball to install outside this repository, on Node 20
// or Bun. In the workspace the package resolves to its TypeScript sources (the "source" and "bun"
// conditions) and names the workspace packages it is built from; the tarball holds only its build
// (dist/: the SDK and the dccrouter CLI, one ESM file each, those packages bundled in; the SDK's
// typings) and depends on @grpc/grpc-js alone. Built apart from packages/client/dist, which the
// workspace's own tests read. Writes dccrouter-client-<version>.tgz where it was called from.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildClient } from './build-client.mjs';

const client = fileURLToPath(new URL('../packages/client', import.meta.url));
const stage = mkdtempSync(join(tmpdir(), 'dccrouter-client-'));
try {
  buildClient(join(stage, 'dist'), { cli: true });
  cpSync(join(client, 'demo'), join(stage, 'demo'), { recursive: true });

  const manifest = JSON.parse(readFileSync(join(client, 'package.json'), 'utf8'));
  const { private: _private, scripts: _scripts, devDependencies: _dev, ...published } = manifest;
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify({
    ...published,
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    dependencies: { '@grpc/grpc-js': manifest.dependencies['@grpc/grpc-js'] },
    files: ['dist', 'demo'],
    bin: { dccrouter: 'dist/cli.js' },
  }, null, 2)}\n`);
  // Beside the caller: npm run starts in the project's root, and says where it was called in
  // INIT_CWD (inherited by every process under npm: counted only for a script npm started here).
  const { INIT_CWD: calledFrom, npm_package_json: manifestPath } = process.env;
  const destination = calledFrom !== undefined && manifestPath !== undefined && dirname(manifestPath) === process.cwd() ? calledFrom : process.cwd();
  execFileSync('npm', ['pack', '--pack-destination', destination], { cwd: stage, stdio: ['ignore', 'inherit', 'inherit'] });
} finally {
  rmSync(stage, { recursive: true, force: true });
}
