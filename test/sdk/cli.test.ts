// The `send` CLI (npm run send): a mistake or an unreachable router is one line on stderr with a
// non-zero exit, never a stack trace; XML is a signed DUIS document posted to its DUIS web service,
// never silently sent as JSON. The
// `dccrouter` CLI's commands against the real router, dead letters and quarantined requests made
// by its own webhook delivery and Threshold Anomaly Detection.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterClient } from '@dccrouter/client';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';
import { Admin, newKeyPair, nextCounter } from '../support/fixtures.ts';
import { responseHeader, sampleTemplates, signDuis, withHeader, withoutSignature, xmlIdentity } from '../support/duis-xml.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const send = (...args: string[]) => spawnSync(`${ROOT}node_modules/.bin/bun`, [`${ROOT}packages/client/src/send.ts`, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });

let router: RouterProcess;
beforeAll(async () => {
  router = await startRouterProcess({
    VERIFY_THREADS: '1', SIMULATOR_LATENCY_P50_MS: '5', SIMULATOR_LATENCY_P99_MS: '20',
    // A failing webhook is dead-lettered within a fraction of a second.
    WEBHOOK_MAX_ATTEMPTS: '2', WEBHOOK_BACKOFF_MS: '20', WEBHOOK_BACKOFF_MAX_MS: '50', WEBHOOK_INTERVAL_MS: '20',
  });
});
afterAll(async () => { await router?.stop(); });

describe('the send CLI', () => {
  it.each([
    [['--bogus'], 2, "send: Unknown option '--bogus' (see --help)\n"],
    [['--format', 'xml'], 2, 'send: --format xml needs --file REQUEST.xml: a DUIS sr:Request signed by your XML signing tool (this CLI does not sign XML)\n'],
    [['--format', 'xml', '--file', '/nonexistent.xml'], 2, 'send: --file /nonexistent.xml: no such file\n'],
    [['--format', 'xml', '--file', `${ROOT}package.json`], 2, `send: --file ${ROOT}package.json: not a DUIS sr:Request (no CommandVariant from 1 to 8)\n`],
    [['--file', `${ROOT}package.json`], 2, 'send: --file is the DUIS XML document of --format xml\n'],
    [['--cv', '9'], 2, 'send: --cv must be a command variant from 1 to 8, not "9"\n'],
    [['--wait', '--wait-seconds', '0'], 2, 'send: --wait-seconds must be a whole number of seconds from 1 to 86400, not "0"\n'],
    [['--body', '{nope'], 2, expect.stringMatching(/^send: --body is not JSON: .+\n$/)],
    [['--key', '/nonexistent.pem', '--originator', '90-B3-D5-1F-30-01-00-00'], 2, 'send: --key /nonexistent.pem: no such file\n'],
    [['--key', '/some.pem'], 2, 'send: --key /some.pem needs --originator EUI, the User whose key it is (without both, the demo User signs)\n'],
    [['--user', '90-B3-D5-1F-30-01-00-00'], 2, 'send: --originator 90-B3-D5-1F-30-01-00-00 needs --key PEM, that User\'s private key (without both, the demo User signs)\n'],
    [['--user', '90-B3-D5-1F-30-01-00-00', '--originator', '90-B3-D5-1F-30-02-00-00'], 2, 'send: --user and --originator are two names for one option: give one\n'],
    [['--format', 'protobuf', '--counter', '12abc'], 2, 'send: counter must be a decimal uint64 (0 to 18446744073709551615) to go as protobuf, got "12abc"\n'],
    [['--key', `${ROOT}package.json`, '--user', '90-B3-D5-1F-30-01-00-00'], 2, expect.stringMatching(new RegExp(`^send: --key ${ROOT}package.json is not a readable PEM private key: .+\n$`))],
    [['--body', 'null'], 2, 'send: --body must be a JSON object (or "" for an empty body element), not null\n'],
    [['--url', '127.0.0.1:8080'], 2, 'send: --url must be an http:// or https:// URL, not "127.0.0.1:8080"\n'],
    // Unanswered, it may be recorded: the one safe way to try again is the same RequestID.
    [['--url', 'http://127.0.0.1:1', '--counter', '42'], 1, expect.stringMatching(/^send: no answer from the router at http:\/\/127\.0\.0\.1:1 \(.+\); to try again, resubmit with the same --counter 42 \(request 90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:42\): the router answers it as first answered, or records it now; a new counter would be a second request\n$/)],
  ])('%j: exit %i with one line', (args, status, stderr) => {
    const run = send(...(args as string[]));
    expect(run.stderr).toEqual(stderr);
    expect(run.status).toBe(status);
  });

  it('prints a refusal\'s answer, and its reason in one line on stderr, with exit 1', () => {
    const run = send('--url', router.url, '--target', '00-DB-12-34-56-78-FF-FF');
    expect(run.stdout).toMatch(/^HTTP 404\n/);
    expect(run.stderr).toBe('send: refused, HTTP 404 device_not_found: device 00-DB-12-34-56-78-FF-FF is not in the inventory\n');
    expect(run.status).toBe(1);
  });

  it('reads a relative --key from where npm run was called (INIT_CWD), not the project root it runs in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'send-key-'));
    try {
      writeFileSync(join(dir, 'mine.pem'), readFileSync(`${ROOT}packages/client/demo/demo-user.key.pem`));
      const run = spawnSync(`${ROOT}node_modules/.bin/bun`, [`${ROOT}packages/client/src/send.ts`, '--url', router.url, '--key', 'mine.pem', '--user', '90-B3-D5-1F-30-01-00-00'],
        { cwd: ROOT, encoding: 'utf8', timeout: 20_000, env: { ...process.env, INIT_CWD: dir, npm_package_json: `${ROOT}package.json` } });
      expect([run.stderr, run.status]).toEqual(['', 0]);
      expect(run.stdout).toMatch(/^HTTP 202\n/);
      // An INIT_CWD inherited from an npm run further up, the CLI started elsewhere: its own directory counts.
      const elsewhere = spawnSync(`${ROOT}node_modules/.bin/bun`, [`${ROOT}packages/client/src/send.ts`, '--url', router.url, '--key', 'mine.pem', '--user', '90-B3-D5-1F-30-01-00-00'],
        { cwd: dir, encoding: 'utf8', timeout: 20_000, env: { ...process.env, INIT_CWD: ROOT, npm_package_json: `${ROOT}package.json` } });
      expect([elsewhere.stderr, elsewhere.status]).toEqual(['', 0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends a signed request as the demo supplier and prints the answer', () => {
    const run = send('--url', router.url, '--format', 'protobuf');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^HTTP 202\n/);
    expect(JSON.parse(run.stdout.slice(run.stdout.indexOf('\n') + 1)).header.responseCode).toBe('I99');
  });

  it('waits for a response no longer than --wait-seconds, then says so on stderr with exit 1', async () => {
    const admin = new Admin(router.url, router.adminToken);
    const meter = '00-DB-12-34-56-78-9E-C1';
    await admin.device(meter, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'Central', importSupplier: '90-B3-D5-1F-30-01-00-00' });
    expect((await admin.request('PUT', '/v1/admin/simulators/smets2%2Fcentral', { stalled: true })).status).toBe(200);
    try {
      const started = Date.now();
      const run = send('--url', router.url, '--target', meter, '--wait', '--wait-seconds', '1');
      expect(run.stdout).toMatch(/^HTTP 202\n/);
      expect(run.stderr).toBe('send: no response within 1 s (acknowledged; it may still come: read it later with dccrouter tail --user 90-B3-D5-1F-30-01-00-00)\n');
      expect(run.status).toBe(1);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      expect((await admin.request('PUT', '/v1/admin/simulators/smets2%2Fcentral', { stalled: false })).status).toBe(200);
    }
  });

  it('waits past the client\'s 10 s time limit for a slow response (one long poll after another)', async () => {
    const admin = new Admin(router.url, router.adminToken);
    const meter = '00-DB-12-34-56-78-9E-C2';
    await admin.device(meter, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: '4G Central', importSupplier: '90-B3-D5-1F-30-01-00-00' });
    const destination = '/v1/admin/simulators/smets2%2F4g-central';
    expect((await admin.request('PUT', destination, { stalled: true })).status).toBe(200);
    try {
      const started = Date.now();
      const run = spawn(`${ROOT}node_modules/.bin/bun`, [`${ROOT}packages/client/src/send.ts`, '--url', router.url, '--target', meter, '--wait', '--wait-seconds', '30'], { cwd: ROOT });
      let stdout = '';
      run.stdout.on('data', (chunk) => { stdout += chunk; });
      const exited = new Promise<number | null>((resolve) => run.on('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, 11_000));
      expect((await admin.request('PUT', destination, { stalled: false })).status).toBe(200);
      expect(await exited, stdout).toBe(0);
      expect(stdout).toMatch(/response:\n\{/);
      expect(Date.now() - started).toBeGreaterThan(11_000);
    } finally {
      await admin.request('PUT', destination, { stalled: false });
    }
  }, 40_000);

  /** The sr:Response printed after the status line. */
  const answerOf = (stdout: string) => stdout.slice(stdout.indexOf('\n') + 1);

  it('posts a signed DUIS XML document to the DUIS web service of its command variant and prints the signed answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dccrouter-send-xml-'));
    try {
      const user = '90-B3-D5-1F-30-0E-00-23';
      const device = '00-DB-12-34-56-78-9E-23';
      const identity = xmlIdentity('cli-xml-user');
      const admin = new Admin(router.url, router.adminToken);
      expect((await admin.put(`/v1/admin/users/${user}`, { roles: ['IS'], status: 'active', publicKeyPem: identity.publicKeyPem, certificatePem: identity.certificatePem })).status).toBe(200);
      await admin.device(device, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: user });
      // The DCC test suite's 4.16 read (CV 1: Send Command, /api/v1/serviceS), as this User to its device.
      const template = sampleTemplates().find(({ name }) => name.startsWith('ECS17c_4.16_'))!.text;
      const requestId = `${user}:${device}:${nextCounter()}`;
      const file = join(dir, 'request.xml');
      writeFileSync(file, signDuis(withHeader(withoutSignature(template), { requestId }), identity));

      const run = send('--url', router.url, '--format', 'xml', '--file', file);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^HTTP 202\n/);
      expect(responseHeader(answerOf(run.stdout))).toMatchObject({ requestId, responseCode: 'I99' });
      // A critical 1.1.1 as its Transform leg (CV 4) goes to /api/v1/serviceT: answered at once (on serviceS it would be row 10, E13).
      const critical = sampleTemplates().find(({ name }) => name.startsWith('ECS01a_1.1.1_'))!.text;
      const transformId = `${user}:${device}:${nextCounter()}`;
      writeFileSync(file, signDuis(withHeader(withoutSignature(critical), { requestId: transformId }), identity));
      const transform = send('--url', router.url, '--format', 'xml', '--file', file);
      expect(transform.stderr).toBe('');
      expect(transform.stdout).toMatch(/^HTTP 200\n/);
      expect(responseHeader(answerOf(transform.stdout))).toMatchObject({ requestId: transformId, responseCode: 'I0' });
      // A refusal's reason is on stderr, as for JSON (the sr:Response carries only the DUIS code).
      writeFileSync(file, signDuis(withHeader(withoutSignature(template), { requestId: `${user}:00-DB-12-34-56-78-9E-FF:${nextCounter()}` }), identity));
      const unknown = send('--url', router.url, '--format', 'xml', '--file', file);
      expect([unknown.status, unknown.stderr]).toEqual([1, 'send: refused, HTTP 404 device_not_found (the answer above)\n']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the dccrouter CLI', () => {
  const cli = (...args: string[]) => spawnSync(`${ROOT}node_modules/.bin/bun`, [`${ROOT}packages/client/src/cli.ts`, ...args],
    { cwd: ROOT, encoding: 'utf8', timeout: 20_000, env: { ...process.env, ROUTER_URL: router.url, ROUTER_ADMIN_TOKEN: router.adminToken } });
  const DEMO_KEY = `${ROOT}packages/client/demo/demo-user.key.pem`;
  const SUPPLIER = '90-B3-D5-1F-30-01-00-00';

  it('refuses what it cannot do in one line, with exit 2 for usage and 1 for the router', () => {
    expect([cli('nope').stderr, cli('nope').status]).toEqual(['dccrouter: unknown command "nope" (see dccrouter help)\n', 2]);
    expect(cli('thresholds', 'set').stderr).toBe('dccrouter: thresholds set needs one of --dcc, --values or --user EUI\n');
    expect(cli('thresholds', 'get', '--dcc', '--values').stderr).toBe('dccrouter: thresholds get needs one of --dcc, --values or --user EUI\n');
    const noDevices = cli('simulators', 'raise-alerts', 'smets2/north', '--code', '8F3E');
    expect([noDevices.stderr, noDevices.status]).toEqual(['dccrouter: raise-alerts needs --devices EUI,... or --fraction F (a number from 0 to 1)\n', 2]);
    const refused = cli('quarantine', 'release', 'q1-nope');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^dccrouter: POST \/v1\/quarantine\/q1-nope\/release: 404 .+\n$/);
    const anonymous = spawnSync(`${ROOT}node_modules/.bin/bun`, [`${ROOT}packages/client/src/cli.ts`, 'quarantine', 'release', 'q1-nope'],
      { cwd: ROOT, encoding: 'utf8', timeout: 20_000, env: { ...process.env, ROUTER_URL: router.url, ROUTER_ADMIN_TOKEN: '' } });
    expect([anonymous.stderr, anonymous.status]).toEqual(['dccrouter: quarantine release REF needs --user EUI --key PEM (its User) or --token (an operator; or ROUTER_ADMIN_TOKEN)\n', 2]);
    expect(cli('help').stdout).toContain('import-devices FILE.ndjson');
    expect([cli('import-devices', tmpdir()).stderr, cli('import-devices', tmpdir()).status]).toEqual([`dccrouter: ${tmpdir()}: not a file (an NDJSON file of devices, one per line)\n`, 2]);
  });

  it('gives up an operator\'s call the router does not answer within --timeout, in one line with exit 1', async () => {
    // A listener that takes the connection and never answers.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => {
      sockets.push(socket);
      // The CLI's process resets the connection when it gives up (or exits).
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const run = (...args: string[]) => new Promise<{ status: number | null; stderr: string; ms: number }>((resolve) => {
        const startedAt = Date.now();
        const child = spawn(`${ROOT}node_modules/.bin/bun`, [`${ROOT}packages/client/src/cli.ts`, ...args, '--url', url], { cwd: ROOT, env: { ...process.env, ROUTER_ADMIN_TOKEN: 't' } });
        let stderr = '';
        child.stderr.on('data', (chunk) => { stderr += chunk; });
        child.on('close', (status) => resolve({ status, stderr, ms: Date.now() - startedAt }));
      });
      const given = await run('thresholds', 'get', '--dcc', '--timeout', '0.5');
      expect([given.status, given.stderr]).toEqual([1, `dccrouter: GET /v1/admin/thresholds/dcc: no answer from the router at ${url} within 0.5 s (--timeout); what the call changes may have been done in part\n`]);
      expect(given.ms).toBeLessThan(10_000);
      expect((await run('trt-report', '--timeout', 'soon')).stderr).toBe('dccrouter: --timeout must be a number of seconds >= 0 (0: none), not "soon"\n');
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('imports devices with progress, sets and reads thresholds, reads the TRT report, drives simulators, lists dead letters', async () => {
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
      // The API's own body, as `get` prints it, is taken too.
      expect(cli('thresholds', 'set', '--dcc', '--rules', '{"rules":[{"srv":"*","limit":1000000,"windowSeconds":3600}]}').status).toBe(0);
      expect(JSON.parse(cli('thresholds', 'get', '--dcc').stdout).rules[0].limit).toBe(1_000_000);
      expect(cli('trt-report', '--markdown').stdout).toContain('# Monthly service report');
      expect(JSON.parse(cli('simulators', 'set', 'smets2/north', '--json', '{"failureRate":0}').stdout).failureRate).toBe(0);
      expect(JSON.parse(cli('simulators', 'raise-alerts', 'smets2/north', '--code', 'TAMPER', '--devices', '00-DB-12-34-00-00-01-77').stdout)).toMatchObject({ devices: 1 });
      expect(cli('dead-letters', 'list').status).toBe(0);
      // Paged from a cursor the router gives; a bad one is the router's 400, a flag of the other action one line.
      expect(cli('dead-letters', 'list', '--after', 'nonsense').stderr).toContain('400');
      expect(cli('dead-letters', 'list', '--id', '1-0').stderr).toBe('dccrouter: dead-letters list takes --user and --after (the next of the page before), not --id\n');
      expect(cli('dead-letters', 'redrive', '--user', SUPPLIER, '--after', '1-0').stderr).toBe('dccrouter: dead-letters redrive takes --user and --id, not --after\n');
      // The supplier reads its alert back, signed.
      const tail = cli('tail', '--user', SUPPLIER, '--key', DEMO_KEY);
      expect(tail.status, tail.stderr).toBe(0);
      expect(tail.stdout.trim().split('\n').map((line) => JSON.parse(line)).some((item) => item.alertCode === 'TAMPER')).toBe(true);
      // Its reader gone (`tail | head -1`), it ends quietly.
      const piped = spawn(`${ROOT}node_modules/.bin/bun`, [`${ROOT}packages/client/src/cli.ts`, 'tail', '--user', SUPPLIER, '--key', DEMO_KEY],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ROUTER_URL: router.url } });
      piped.stdout.destroy();
      let stderr = '';
      piped.stderr.on('data', (chunk) => { stderr += chunk; });
      expect(await new Promise((resolve) => piped.on('exit', (code) => resolve(code)))).toBe(0);
      expect(stderr).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Registers a User (roles IS) with a fresh key and a SMETS2+ ESME it supplies. */
  async function supplierWithDevice(userId: string, deviceId: string, extra: Record<string, unknown> = {}) {
    const admin = new Admin(router.url, router.adminToken);
    const keys = newKeyPair();
    expect((await admin.put(`/v1/admin/users/${userId}`, { roles: ['IS'], status: 'active', publicKeyPem: keys.publicKeyPem, ...extra })).status).toBe(200);
    await admin.device(deviceId, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: userId });
    const client = new RouterClient(router.url, keys.privateKeyPem);
    const read = () => client.send({ originatorId: userId, targetId: deviceId, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    return { client, keys, read };
  }

  it("redrives a dead letter: the User's failing endpoint dead-letters a response, and once it works the redriven item is delivered", async () => {
    const receiver = new WebhookReceiver();
    await receiver.start();
    try {
      receiver.trustRouter(await (await fetch(`${router.url}/v1/router-public-key.pem`)).text());
      receiver.failWith = 500;
      const user = '90-B3-D5-1F-30-0E-00-21';
      const { read } = await supplierWithDevice(user, '00-DB-12-34-56-78-9E-21', { receiveEndpoint: receiver.url });
      const { requestId } = (await read()).header;
      const deadLetters = () => {
        const listed = cli('dead-letters', 'list', '--user', user);
        expect(listed.status, listed.stderr).toBe(0);
        return JSON.parse(listed.stdout).items as { id: string; item: { cursor: string; requestId?: string } }[];
      };
      await expect.poll(() => deadLetters().some((letter) => letter.item.requestId === requestId), { timeout: 10_000 }).toBe(true);
      const letter = deadLetters().find((l) => l.item.requestId === requestId)!;
      expect(receiver.received).toEqual([]);

      receiver.failWith = undefined;
      const redriven = cli('dead-letters', 'redrive', '--user', user, '--id', letter.id);
      expect(redriven.stderr).toBe('');
      expect(redriven.status).toBe(0);
      expect(JSON.parse(redriven.stdout)).toEqual({ redriven: [{ id: letter.id, cursor: expect.any(String) }] });
      await expect.poll(() => receiver.received.find((item) => item.redrivenFrom === letter.item.cursor), { timeout: 10_000 })
        .toMatchObject({ kind: 'response', requestId });
      expect(deadLetters()).toEqual([]);
    } finally {
      await receiver.stop();
    }
  });

  it('releases a quarantined request as the operator and deletes one as its User, signed with the key file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dccrouter-cli-'));
    try {
      const user = '90-B3-D5-1F-30-0E-00-22';
      const { client, keys, read } = await supplierWithDevice(user, '00-DB-12-34-56-78-9E-22');
      const keyFile = join(dir, 'user.key.pem');
      writeFileSync(keyFile, keys.privateKeyPem);
      // One read an hour for this User: the second and third are in excess, so quarantined.
      const set = cli('thresholds', 'set', '--user', user, '--rules', '[{"srv":"4.1.1","limit":1,"windowSeconds":3600}]');
      expect(set.status, set.stderr).toBe(0);
      expect((await read()).quarantine).toBeUndefined();
      const [released, deleted] = [await read(), await read()];
      expect([released.quarantine?.breach, deleted.quarantine?.breach]).toEqual(['user', 'user']);
      const state = async (ack: typeof released) => (await client.status(user, ack.header.requestId)).state;
      expect(await state(released)).toBe('quarantined');

      const release = cli('quarantine', 'release', released.quarantine!.ref);
      expect(release.stderr).toBe('');
      expect(release.status).toBe(0);
      expect(JSON.parse(release.stdout)).toEqual({ ref: released.quarantine!.ref, requestId: released.header.requestId, state: 'accepted' });
      // Forwarded now: the simulated network answers it.
      await expect.poll(() => state(released), { timeout: 10_000 }).toMatch(/^(responded|delivered)$/);

      const remove = cli('quarantine', 'delete', deleted.quarantine!.ref, '--user', user, '--key', keyFile);
      expect(remove.stderr).toBe('');
      expect(remove.status).toBe(0);
      expect(JSON.parse(remove.stdout)).toEqual({ ref: deleted.quarantine!.ref, requestId: deleted.header.requestId, state: 'deleted' });
      expect(await state(deleted)).toBe('deleted');
      // Both are out of quarantine: neither can be released again.
      expect(cli('quarantine', 'release', deleted.quarantine!.ref).status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
