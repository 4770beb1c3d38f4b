// The client SDK as Node 20 users get it: its build (dist/, made by `npm test` before the run),
// imported by plain Node by package name, against the real router under Bun.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { DEMO_PRIVATE_KEY_PEM, ESME, SUPPLIER } from '../support/fixtures.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let router: RouterProcess;
let busy: RouterProcess;

beforeAll(async () => {
  [router, busy] = await Promise.all([
    startRouterProcess({ VERIFY_THREADS: '1' }),
    // One request in flight at a time: concurrent ones are refused 503 overloaded with Retry-After.
    startRouterProcess({ VERIFY_THREADS: '1', MAX_INFLIGHT: '1' }),
  ]);
});
afterAll(async () => {
  await Promise.all([router?.stop(), busy?.stop()]);
});

describe('the client SDK on Node', () => {
  it('imports from its build by package name and sends, reads back, refuses typed, runs the two legs, batches and retries 503s', () => {
    const run = spawnSync('node', [`${ROOT}test/sdk/on-node.mjs`, router.url, DEMO_PRIVATE_KEY_PEM, SUPPLIER, ESME, busy.url], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const seen = JSON.parse(run.stdout);
    expect(seen.runtime).toMatch(/^node v2\d\./);
    expect(seen).toMatchObject({
      ack: { code: 'I99', destination: 'smets2/north', budgetMs: 30_000 },
      refusal: { name: 'RouterRefusal', status: 404, reason: 'device_not_found', responseCode: 'E19' },
      critical: ['I0', 'I99'],
      batch: [202, 202],
      pulled: true,
    });
    expect(['accepted', 'forwarded', 'responded', 'delivered']).toContain(seen.status);
    expect(seen.crowd).toEqual(Array(20).fill(202));
  });

  it('types its build with nothing but published packages: its typings name none of the router\'s private ones', () => {
    const dist = `${ROOT}packages/client/dist/`;
    const typings = readdirSync(dist).filter((name) => name.endsWith('.d.ts'));
    expect(typings).toContain('index.d.ts');
    const imported = typings.flatMap((name) => [...readFileSync(dist + name, 'utf8').matchAll(/from '([^']+)'/g)].map((match) => match[1]));
    expect(imported.filter((specifier) => !specifier.startsWith('./') && !specifier.startsWith('node:') && specifier !== '@grpc/grpc-js')).toEqual([]);
    // Relative imports name the built files.
    expect(imported.filter((specifier) => specifier.startsWith('./') && !specifier.endsWith('.js'))).toEqual([]);
  });
});
