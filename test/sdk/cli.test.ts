// The `send` CLI (npm run send): a mistake or an unreachable router is one line on stderr with a
// non-zero exit, never a stack trace; XML is refused rather than silently sent as JSON.
import { spawnSync } from 'node:child_process';
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
    [['--format', 'xml'], 2, 'send: --format xml: DUIS XML ingress is not available yet; use json or protobuf\n'],
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
