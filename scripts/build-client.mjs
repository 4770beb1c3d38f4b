// The client SDK's build: its entry points bundled for Node (one ESM file each, the workspace
// packages they import bundled in, @grpc/grpc-js left to the application) and its typings, whose
// relative imports name the built files. `node scripts/build-client.mjs DIR [--cli]` (the
// package's "build" writes packages/client/dist; pack-client.mjs adds the CLI, for Node).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const client = join(root, 'packages/client');

export function buildClient(outdir, { cli = false } = {}) {
  const run = (command, args) => execFileSync(command, args, { cwd: client, stdio: ['ignore', 'inherit', 'inherit'] });
  const rewrite = (file, change) => writeFileSync(file, change(readFileSync(file, 'utf8')));
  const entries = cli ? ['src/index.ts', 'src/cli.ts'] : ['src/index.ts'];
  run(join(root, 'node_modules/.bin/bun'), ['build', ...entries, '--target=node', '--format=esm', '--outdir', outdir, '--external', '@grpc/grpc-js']);
  run(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--outDir', outdir]);
  for (const name of readdirSync(outdir).filter((file) => file.endsWith('.d.ts'))) {
    rewrite(join(outdir, name), (text) => text.replace(/from '\.\/([a-z-]+)\.ts'/g, "from './$1.js'"));
  }
  // In the workspace the CLI runs from its source under Bun; built, it runs on Node.
  if (cli) rewrite(join(outdir, 'cli.js'), (text) => text.replace(/^#!.*\n/, '#!/usr/bin/env node\n'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [outdir, flag] = process.argv.slice(2);
  if (!outdir) throw new Error('usage: node scripts/build-client.mjs DIR [--cli]');
  buildClient(resolve(outdir), { cli: flag === '--cli' });
}
