// The documentation's code examples (README.md and docs/), run as written against the real router (under Bun), so they cannot
// drift from the code: the SDK example on plain Node from the SDK's build, and the webhook
// signature check as the receiver of real deliveries. Each block is found by the HTML comment
// `<!-- readme-example: NAME ... -->` just above it; only inputs the README leaves to the reader
// are given, and what its comments promise is checked.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, DEMO_PRIVATE_KEY_PEM, ESME, newKeyPair, nextCounter, SUPPLIER } from './support/fixtures.ts';
import { startRouterProcess, type RouterProcess } from './support/router-process.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(`${ROOT}README.md`, 'utf8');
/** The README and every page of docs/, where the examples' blocks are looked for. */
const DOCUMENTATION = [README, ...readdirSync(`${ROOT}docs`).filter((name) => name.endsWith('.md')).map((name) => readFileSync(`${ROOT}docs/${name}`, 'utf8'))].join('\n');

/** The JavaScript block marked `<!-- readme-example: name ... -->`. */
function example(name: string): string {
  const match = new RegExp(`<!-- readme-example: ${name}\\b[^>]*-->\\n\`\`\`js\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(DOCUMENTATION);
  if (!match) throw new Error(`neither README.md nor docs/ has a block marked <!-- readme-example: ${name} -->`);
  return match[1];
}

let router: RouterProcess;
let dir: string;
beforeAll(async () => {
  router = await startRouterProcess({ VERIFY_THREADS: '1', SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20', WEBHOOK_INTERVAL_MS: '20' });
  dir = mkdtempSync(join(tmpdir(), 'dccrouter-readme-'));
});
afterAll(async () => {
  await router?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the README's examples", () => {
  it('the onboarding shell example registers a User and its meter and sends a request signed with its own key', () => {
    const match = /<!-- readme-example: onboarding -->\n```sh\n([\s\S]*?)\n```\n/.exec(README);
    expect(match, 'README.md has no block marked <!-- readme-example: onboarding -->').not.toBeNull();
    const [first, ...rest] = match![1].split('\n');
    // Only the first line is the reader's to fill in: the router's address and its token.
    expect(first).toBe('URL=http://127.0.0.1:8080 TOKEN=paste-the-token-npm-start-printed');
    const work = mkdtempSync(join(tmpdir(), 'dccrouter-onboarding-'));
    try {
      // `npm run send` as in the repository, from a folder of the reader's own (where the keys go).
      writeFileSync(join(work, 'package.json'), JSON.stringify({ private: true, scripts: { send: `${ROOT}node_modules/.bin/bun ${ROOT}packages/client/src/send.ts` } }));
      const script = [`URL=${router.url} TOKEN=${router.adminToken}`, ...rest].join('\n');
      const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: work, encoding: 'utf8', timeout: 60_000 });
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain('"userId":"90-B3-D5-1F-30-AA-00-01"');
      expect(run.stdout).toContain('HTTP 202');
      expect(run.stdout).toMatch(/response:\n\{[\s\S]*"responseCode": "I0"/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('the SDK example runs on Node against the router and answers what its comments say', () => {
    const code = example('sdk');
    // The README's address is the default port of `npm start`; the test's router is on a free one.
    expect(code).toContain("'http://127.0.0.1:8080'");
    const read = { originatorId: SUPPLIER, targetId: ESME, commandVariant: 1, srv: '4.1.1' };
    const inputs = [
      `const privateKeyPem = ${JSON.stringify(DEMO_PRIVATE_KEY_PEM)};`,
      `const originatorId = ${JSON.stringify(SUPPLIER)};`,
      `const targetId = ${JSON.stringify(ESME)};`,
      `const specs = ${JSON.stringify([{ ...read, counter: nextCounter() }, { ...read, counter: nextCounter() }])};`,
      `const spec = ${JSON.stringify({ ...read, counter: nextCounter(), targetId: '00-DB-12-34-56-78-00-FF' })};`,
    ].join('\n');
    const report = `console.log(JSON.stringify({
      destination: ack.route.destination, status, items, next,
      critical: [critical.transform.header.responseCode, critical.signed.header.responseCode],
      results: results.map((result) => result.status),
      refusal: refusal && { name: refusal.name, reason: refusal.reason, status: refusal.status, responseCode: refusal.responseCode },
    }));`;
    // Node reads a module from stdin resolving '@dccrouter/client' from the working directory,
    // as an installed package: its build.
    const run = spawnSync('node', ['--input-type=module'], {
      cwd: ROOT, encoding: 'utf8', timeout: 30_000,
      input: `${inputs}\n${code.replaceAll("'http://127.0.0.1:8080'", JSON.stringify(router.url))}\n${report}\n`,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const seen = JSON.parse(run.stdout);
    expect(seen.destination).toBe('smets2/north');
    expect(['accepted', 'forwarded', 'responded', 'delivered']).toContain(seen.status.state);
    expect(typeof seen.status.trt.breached).toBe('boolean');
    expect(Array.isArray(seen.items)).toBe(true);
    expect(typeof seen.next).toBe('string');
    expect(seen.critical).toEqual(['I0', 'I99']);
    expect(seen.results).toEqual([202, 202]);
    expect(seen.refusal).toEqual({ name: 'RouterRefusal', reason: 'device_not_found', status: 404, responseCode: 'E19' });
  });

  it("the webhook signature check takes the router's deliveries and refuses tampered, stale or unsigned ones", async () => {
    const file = join(dir, 'webhook-signature.mjs');
    writeFileSync(file, `const router = ${JSON.stringify(router.url)};\n${example('webhook-signature')}\nexport { isFromRouter };\n`);
    const { isFromRouter } = (await import(pathToFileURL(file).href)) as {
      isFromRouter: (header: string | undefined, rawBody: Buffer, now?: number) => boolean;
    };

    // A User's Receive Response endpoint that takes only what the README's check passes.
    const deliveries: { header: string; body: Buffer }[] = [];
    let refused = 0;
    const receiver: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const header = request.headers['x-dcc-router-signature'] as string | undefined;
        const body = Buffer.concat(chunks);
        if (!isFromRouter(header, body)) {
          refused++;
          return void response.writeHead(401).end();
        }
        deliveries.push({ header: header!, body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const user = '90-B3-D5-1F-30-0E-00-01';
      const device = '00-DB-12-34-56-78-9E-01';
      const admin = new Admin(router.url, router.adminToken);
      const keys = newKeyPair();
      const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/receive`;
      expect((await admin.put(`/v1/admin/users/${user}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem, receiveEndpoint: endpoint })).status).toBe(200);
      await admin.device(device, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'South', importSupplier: user });
      const { RouterClient } = await import('@dccrouter/client');
      const ack = await new RouterClient(router.url, keys.privateKeyPem).send({ originatorId: user, targetId: device, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });

      await expect.poll(() => deliveries.some((d) => JSON.parse(d.body.toString()).requestId === ack.header.requestId), { timeout: 10_000 }).toBe(true);
      expect(refused).toBe(0);
      const { header, body } = deliveries[0];
      const t = Number(/^t=(\d+),/.exec(header)![1]);
      const tampered = Buffer.from(body.toString().replace(/"responseCode":"\w+"/, '"responseCode":"E20"'));
      expect(tampered.equals(body)).toBe(false);
      expect(isFromRouter(header, tampered)).toBe(false);
      expect(isFromRouter(header.replace(`t=${t}`, `t=${t + 1}`), body)).toBe(false);
      expect(isFromRouter(header, body, t + 5 * 60_000 + 1)).toBe(false);
      expect(isFromRouter(undefined, body)).toBe(false);
      expect(isFromRouter(`t=${t},sig=bm90IGEgc2lnbmF0dXJl`, body)).toBe(false);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
