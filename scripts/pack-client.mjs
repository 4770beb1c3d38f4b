// `npm run pack:client`: the client SDK as a tarball to install outside this repository, on Node 20
// or Bun. In the workspace the package resolves to its TypeScript sources (the "source" and "bun"
// conditions) and names the workspace packages it is built from; the tarball holds only its build
// (dist/: the SDK and the dccrouter CLI, one ESM file each, those packages bundled in; the SDK's
// typings) and depends on @grpc/grpc-js alone. Built apart from packages/client/dist, which the
// workspace's own tests read. Writes dccrouter-client-<version>.tgz into the folder given.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
  // Into the folder named (npm run pack:client names the one it was called from), else the working one.
  execFileSync('npm', ['pack', '--pack-destination', resolve(process.argv[2] ?? '.')], { cwd: stage, stdio: ['ignore', 'inherit', 'inherit'] });
} finally {
  rmSync(stage, { recursive: true, force: true });
}
