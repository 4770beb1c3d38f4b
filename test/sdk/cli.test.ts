// The `send` CLI (npm run send): a mistake or an unreachable router is one line on stderr with a
// non-zero exit, never a stack trace; XML is refused rather than silently sent as JSON.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const send = (...args: string[]) => spawnSync(`${ROOT}node_modules/.bin/bun`, [`${ROOT}packages/client/src/send.ts`, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });

let router: RouterProcess;
beforeAll(async () => { router = await startRouterProcess({ VERIFY_THREADS: '1' }); });
afterAll(async () => { await router?.stop(); });

describe('the send CLI', () => {
  it.each([
    [['--bogus'], 2, "send: Unknown option '--bogus' (see --help)\n"],
    [['--format', 'xml'], 2, 'send: --format xml: this CLI sends json or protobuf; DUIS XML goes to /api/v1/service{S,D,T} with an XML signature (README: DUIS XML)\n'],
    [['--cv', '9'], 2, 'send: --cv must be a command variant from 1 to 8, not "9"\n'],
    [['--body', '{nope'], 2, expect.stringMatching(/^send: --body is not JSON: .+\n$/)],
    [['--key', '/nonexistent.pem'], 2, 'send: --key /nonexistent.pem: no such file\n'],
    [['--url', 'http://127.0.0.1:1'], 1, expect.stringMatching(/^send: cannot reach the router at http:\/\/127\.0\.0\.1:1: .+\n$/)],
  ])('%j: exit %i with one line', (args, status, stderr) => {
    const run = send(...(args as string[]));
    expect(run.stderr).toEqual(stderr);
    expect(run.status).toBe(status);
  });

  it('sends a signed request as the demo supplier and prints the answer', () => {
    const run = send('--url', router.url, '--format', 'protobuf');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^HTTP 202\n/);
    expect(JSON.parse(run.stdout.slice(run.stdout.indexOf('\n') + 1)).header.responseCode).toBe('I99');
  });
});

describe('the dccrouter CLI', () => {
  const cli = (...args: string[]) => spawnSync(`${ROOT}node_modules/.bin/bun`, [`${ROOT}packages/client/src/cli.ts`, ...args],
    { cwd: ROOT, encoding: 'utf8', timeout: 20_000, env: { ...process.env, ROUTER_URL: router.url, ROUTER_ADMIN_TOKEN: router.adminToken } });
  const DEMO_KEY = `${ROOT}packages/client/demo/demo-user.key.pem`;
  const SUPPLIER = '90-B3-D5-1F-30-01-00-00';

  it('refuses what it cannot do in one line, with exit 2 for usage and 1 for the router', () => {
    expect([cli('nope').stderr, cli('nope').status]).toEqual(['dccrouter: unknown command "nope" (see dccrouter help)\n', 2]);
    expect(cli('thresholds', 'set').stderr).toBe('dccrouter: thresholds set needs --dcc, --values or --user EUI\n');
    const refused = cli('quarantine', 'release', 'q1-nope');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^dccrouter: POST \/v1\/quarantine\/q1-nope\/release: 404 .+\n$/);
    expect(cli('help').stdout).toContain('import-devices FILE.ndjson');
  });

  it('imports devices with progress, sets and reads thresholds, reads the TRT report, drives simulators, lists dead letters', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dccrouter-cli-'));
    try {
      const file = join(dir, 'devices.ndjson');
      writeFileSync(file, Array.from({ length: 3_000 }, (_, i) => JSON.stringify({
        deviceId: `00-DB-12-34-00-${((i >> 8) & 0xff).toString(16).padStart(2, '0')}-${(i & 0xff).toString(16).padStart(2, '0')}-77`,
        deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: SUPPLIER,
      })).join('\n') + '\n');
      const imported = cli('import-devices', file);
      expect(imported.status, imported.stderr).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ imported: 3_000 });
      expect(imported.stderr).toContain('dccrouter: sent 100%');

      expect(cli('thresholds', 'set', '--dcc', '--rules', '[{"srv":"*","limit":1000000,"windowSeconds":3600}]').status).toBe(0);
      expect(JSON.parse(cli('thresholds', 'get', '--dcc').stdout).rules[0].limit).toBe(1_000_000);
      expect(cli('trt-report', '--markdown').stdout).toContain('# Monthly service report');
      expect(JSON.parse(cli('simulators', 'set', 'smets2/north', '--json', '{"failureRate":0}').stdout).failureRate).toBe(0);
      expect(JSON.parse(cli('simulators', 'raise-alerts', 'smets2/north', '--code', 'TAMPER', '--devices', '00-DB-12-34-00-00-01-77').stdout)).toMatchObject({ devices: 1 });
      expect(cli('dead-letters', 'list').status).toBe(0);
      // The supplier reads its alert back, signed.
      const tail = cli('tail', '--user', SUPPLIER, '--key', DEMO_KEY);
      expect(tail.status, tail.stderr).toBe(0);
      expect(tail.stdout.trim().split('\n').map((line) => JSON.parse(line)).some((item) => item.alertCode === 'TAMPER')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
