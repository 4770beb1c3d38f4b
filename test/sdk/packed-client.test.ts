// The client SDK as a tarball installed outside this repository (`npm run pack:client`): a
// package.json that depends on @grpc/grpc-js alone, a build that imports no workspace package,
// and the SDK and the dccrouter CLI run by plain Node from an application of their own, against
// the real router under Bun. @grpc/grpc-js is linked in from this repository's node_modules, as
// npm would install it; nothing else of the repository is in reach.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let router: RouterProcess;
let app: string;
let installed: string;

beforeAll(async () => {
  app = mkdtempSync(join(tmpdir(), 'packed-client-'));
  execFileSync('node', [`${ROOT}scripts/pack-client.mjs`], { cwd: app, stdio: 'ignore', timeout: 120_000 });
  const [tarball] = readdirSync(app).filter((name) => name.endsWith('.tgz'));
  execFileSync('tar', ['-xzf', tarball], { cwd: app });
  mkdirSync(join(app, 'node_modules/@dccrouter'), { recursive: true });
  mkdirSync(join(app, 'node_modules/@grpc'));
  installed = join(app, 'node_modules/@dccrouter/client');
  renameSync(join(app, 'package'), installed);
  symlinkSync(`${ROOT}node_modules/@grpc/grpc-js`, join(app, 'node_modules/@grpc/grpc-js'));
  // A TypeScript application has Node's types of its own.
  mkdirSync(join(app, 'node_modules/@types'));
  symlinkSync(`${ROOT}node_modules/@types/node`, join(app, 'node_modules/@types/node'));
  router = await startRouterProcess({ VERIFY_THREADS: '1' });
}, 180_000);
afterAll(async () => {
  await router?.stop();
  if (app) rmSync(app, { recursive: true, force: true });
});

describe('the client SDK packed for use outside the repository', () => {
  it('depends on @grpc/grpc-js alone and exports only its build, the CLI included', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).toEqual(['@grpc/grpc-js']);
    expect(manifest.private).toBeUndefined();
    expect(manifest.exports).toEqual({ '.': { types: './dist/index.d.ts', default: './dist/index.js' } });
    expect(manifest.bin).toEqual({ dccrouter: 'dist/cli.js' });
    for (const file of ['index.js', 'cli.js']) {
      const code = readFileSync(join(installed, 'dist', file), 'utf8');
      // Static imports (at a line's start in the bundle) and dynamic ones, by a package-like name.
      const imported = [...code.matchAll(/^import\s[^;]*?from\s*["']([\w@./:-]+)["']|\bimport\(\s*["']([\w@./:-]+)["']\s*\)/gm)].map((match) => match[1] ?? match[2]);
      expect(imported.length, file).toBeGreaterThan(0);
      const outside = imported.filter((specifier) => !specifier.startsWith('node:') && !builtinModules.includes(specifier) && !specifier.startsWith('@grpc/grpc-js') && !specifier.startsWith('./'));
      expect(outside, file).toEqual([]);
    }
    expect(readFileSync(join(installed, 'dist/cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('imports by package name on Node, and its CLI sends as the demo User and reads the response back', () => {
    writeFileSync(join(app, 'check.mjs'), "import { RouterClient, signBytes } from '@dccrouter/client';\nconsole.log(typeof RouterClient, typeof signBytes);\n");
    const imported = spawnSync('node', ['check.mjs'], { cwd: app, encoding: 'utf8', timeout: 30_000 });
    expect([imported.stderr, imported.stdout]).toEqual(['', 'function function\n']);
    const sent = spawnSync('node', [join(installed, 'dist/cli.js'), 'send', '--url', router.url, '--wait'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    expect([sent.stderr, sent.status]).toEqual(['', 0]);
    expect(sent.stdout).toMatch(/^HTTP 202\n/);
    expect(sent.stdout).toMatch(/\nresponse:\n/);
  });

  it('type-checks in a TypeScript application resolving packages as Node does (nodenext), its typings included', () => {
    writeFileSync(join(app, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false },
      files: ['app.ts'],
    }));
    writeFileSync(join(app, 'app.ts'), [
      "import { GrpcRouterClient, RouterClient, RouterRefusal, type Acknowledgement, type RequestSpec } from '@dccrouter/client';",
      "const spec: RequestSpec = { originatorId: '90-B3-D5-1F-30-01-00-00', targetId: '00-DB-12-34-56-78-90-A0', counter: 1n, commandVariant: 1, srv: '4.1.1' };",
      "const client = new RouterClient('http://127.0.0.1:8080', 'pem', { timeoutMs: 1000 });",
      "const grpc = new GrpcRouterClient('127.0.0.1:50051', 'pem', { timeoutMs: 1000 });",
      'export async function run(): Promise<string> {',
      '  const acknowledged: Acknowledgement = await client.send(spec);',
      '  const [result] = await grpc.submitMany([]);',
      '  return `${acknowledged.header.requestId} ${result?.status} ${new RouterRefusal(400, "x", "y").reason}`;',
      '}',
      // A wrong use must be an error, or the check proves nothing.
      '// @ts-expect-error: the options are not a number',
      "new RouterClient('http://127.0.0.1:8080', 'pem', 5);",
    ].join('\n'));
    const checked = spawnSync('node', [`${ROOT}node_modules/typescript/bin/tsc`, '-p', app], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.status).toBe(0);
  }, 130_000);
});
