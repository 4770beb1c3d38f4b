// `npm run pack:client`: the client SDK as a tarball to install outside this repository, on Node 20
// or Bun. In the workspace the package resolves to its TypeScript sources (the "source" and "bun"
// conditions) and names the workspace packages it is built from; the tarball holds only its build
// (dist/: the SDK and the dccrouter CLI, one ESM file each, those packages bundled in; the SDK's
// typings) and depends on @grpc/grpc-js alone. Built apart from packages/client/dist, which the
// workspace's own tests read. Writes dccrouter-client-<version>.tgz where it was called from.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const client = join(root, 'packages/client');
const run = (command, args, cwd = client) => execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
const rewrite = (file, change) => writeFileSync(file, change(readFileSync(file, 'utf8')));

const stage = mkdtempSync(join(tmpdir(), 'dccrouter-client-'));
const dist = join(stage, 'dist');
try {
  // As the package's "build" script, and the CLI too, for Node (in the workspace it runs from its source under Bun).
  run(join(root, 'node_modules/.bin/bun'), ['build', 'src/index.ts', 'src/cli.ts', '--target=node', '--format=esm', '--outdir', dist, '--external', '@grpc/grpc-js']);
  run(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--outDir', dist]);
  for (const name of readdirSync(dist).filter((file) => file.endsWith('.d.ts'))) {
    rewrite(join(dist, name), (text) => text.replace(/from '\.\/([a-z-]+)\.ts'/g, "from './$1.js'"));
  }
  rewrite(join(dist, 'cli.js'), (text) => text.replace(/^#!.*\n/, '#!/usr/bin/env node\n'));
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
  // Beside the caller (npm run starts in the project's root, and says where it was called in INIT_CWD).
  run('npm', ['pack', '--pack-destination', process.env.INIT_CWD ?? process.cwd()], stage);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
