// Several router processes on one port (ROUTER_PROCESSES=2) against the real redis-server: both
// answer on the one port, a signed request is accepted, SIGTERM stops them all, and the spawned
// process does not outlive a primary killed with SIGKILL, and scrapes go on while one dies.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildJsonRequest, GrpcRouterClient, RouterClient } from '@dccrouter/client';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { Admin, ESME, newKeyPair, nextCounter, SUPPLIER } from '../support/fixtures.ts';

const env = () => ({
  REDIS_URL: inject('redisUrl'),
  // Its own keys in the shared test Redis.
  REDIS_KEY_PREFIX: `test:${randomUUID()}:`,
  ROUTER_PROCESSES: '2',
  VERIFY_THREADS: '1',
});

/** The pids the primary prints, itself first. */
function pids(router: RouterProcess): number[] {
  const match = /router processes: (\d+) \(pids ([\d, ]+)\)/.exec(router.output());
  if (!match) throw new Error(`no pids line:\n${router.output()}`);
  return match[2].split(', ').map(Number);
}

/** Running (an exited process not yet reaped, a zombie, counts as gone). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitGone(pidList: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (pidList.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return pidList.filter(alive);
}

/** One HTTP call over a connection of its own (no keep-alive pool), so the kernel picks a process for each. */
function call(url: string, method = 'GET', body?: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let router: RouterProcess;
const keys = newKeyPair();
let client: RouterClient;

beforeAll(async () => {
  router = await startRouterProcess(env());
  const admin = new Admin(router.url, router.adminToken);
  expect((await admin.put(`/v1/admin/users/${SUPPLIER}`, { roles: ['IS', 'GS'], status: 'active', publicKeyPem: keys.publicKeyPem })).status).toBe(200);
  client = new RouterClient(router.url, keys.privateKeyPem);
  await admin.device(ESME, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'Central', importSupplier: SUPPLIER });
});

afterAll(async () => {
  await router?.stop('SIGKILL');
});

describe('ROUTER_PROCESSES=2', () => {
  it('serves one port from both processes', async () => {
    expect(router.output()).toContain('router processes: 2');
    expect(pids(router)).toHaveLength(2);
    const seen = new Set<unknown>();
    for (let i = 0; i < 60 && seen.size < 2; i++) {
      const answer = await call(`${router.url}/healthz`);
      expect(answer.status).toBe(200);
      seen.add(answer.headers['x-router-process']);
    }
    expect([...seen].sort()).toEqual(['0', '1']);
  });

  it('gives every process the key generated at start, so webhooks verify whichever process sends them', async () => {
    const served = new Set<string>();
    for (let i = 0; i < 40; i++) served.add((await call(`${router.url}/v1/router-public-key.pem`)).text);
    expect(served.size).toBe(1);
    expect(router.output()).toContain([...served][0].trim());
  });

  it('gives every process the certificate made at start, so DUIS XML answers name one certificate', async () => {
    const served = new Set<string>();
    for (let i = 0; i < 40; i++) served.add((await call(`${router.url}/v1/router-certificate.pem`)).text);
    expect(served.size).toBe(1);
    expect([...served][0]).toContain('-----BEGIN CERTIFICATE-----');
    expect(router.output()).toContain([...served][0].trim());
  });

  it('accepts signed requests whichever process takes them, and gRPC on the primary', async () => {
    for (let i = 0; i < 10; i++) {
      const body = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
      const answer = await call(`${router.url}/v1/service-requests`, 'POST', body, { 'content-type': 'application/json', 'x-dcc-signature': client.sign(body) });
      expect(answer.status, answer.text).toBe(202);
      expect(JSON.parse(answer.text).route.destination).toBe('smets2/central');
    }
    // gRPC stays on the primary alone (@grpc/grpc-js cannot share a port between processes).
    const grpc = new GrpcRouterClient(router.grpcAddress!, keys.privateKeyPem);
    try {
      const result = await grpc.submit(grpc.signed({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' }));
      expect(result.status).toBe(202);
    } finally {
      grpc.close();
    }
  });

  it('serves gRPC over TLS on the primary when given a certificate and key, HTTP on every process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'processes-tls-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
      '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    // The children have no gRPC server: the TLS files are the primary's alone, or they refuse to start.
    const tls = await startRouterProcess({ ...env(), GRPC_TLS_CERT_FILE: cert, GRPC_TLS_KEY_FILE: key });
    try {
      expect(pids(tls)).toHaveLength(2);
      await new Admin(tls.url, tls.adminToken).put(`/v1/admin/users/${SUPPLIER}`, { roles: ['IS', 'GS'], status: 'active', publicKeyPem: keys.publicKeyPem });
      await new Admin(tls.url, tls.adminToken).device(ESME, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'Central', importSupplier: SUPPLIER });
      const secure = new GrpcRouterClient(tls.grpcAddress!, keys.privateKeyPem, credentials.createSsl(readFileSync(cert)));
      try {
        expect((await secure.submit(secure.signed({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' }))).status).toBe(202);
      } finally {
        secure.close();
      }
    } finally {
      await tls.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows every process\'s metrics summed whichever process a scrape reaches, so no counter seems to reset', async () => {
    const acknowledged = (text: string) => Number(/dccrouter_service_requests_total\{outcome="I99",transport="http-json"\} (\d+)/.exec(text)?.[1] ?? 0);
    // Twenty requests, each on a connection of its own: the kernel spreads them over both processes.
    const before = acknowledged((await call(`${router.url}/metrics`)).text);
    for (let i = 0; i < 20; i++) {
      const body = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
      expect((await call(`${router.url}/v1/service-requests`, 'POST', body, { 'content-type': 'application/json', 'x-dcc-signature': client.sign(body) })).status).toBe(202);
    }
    const served = new Map<string, number[]>();
    for (let i = 0; i < 60 && served.size < 2; i++) {
      const answer = await call(`${router.url}/metrics`);
      expect(answer.status).toBe(200);
      const process = String(answer.headers['x-router-process'] ?? '');
      served.set(process, [...(served.get(process) ?? []), acknowledged(answer.text)]);
      // Summed across processes, the build's one line is not: still 1.
      expect(answer.text).toMatch(/^dccrouter_build_info\{[^}]*\} 1$/m);
    }
    // Every scrape, from either process, counts all of them.
    expect([...served.keys()].sort()).toEqual(['0', '1']);
    expect(new Set([...served.values()].flat())).toEqual(new Set([before + 20]));
  });

  it('counts a process that answered a scrape and then died once, not twice: no counter goes up and back', async () => {
    const scraped = await startRouterProcess({ ...env(), ROUTER_PROCESSES: '3', LOG_LEVEL: 'info' });
    try {
      const [, dying, slow] = pids(scraped);
      const answered = (text: string) => [...text.matchAll(/^dccrouter_service_requests_total\{[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
      for (let i = 0; i < 60; i++) {
        const body = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
        await call(`${scraped.url}/v1/service-requests`, 'POST', body, { 'content-type': 'application/json', 'x-dcc-signature': client.sign(body) });
      }
      const total = answered((await call(`${scraped.url}/metrics`)).text);
      // One process held, so that scrapes wait for it while another answers them and then dies.
      process.kill(slow, 'SIGSTOP');
      const scrapes = Array.from({ length: 10 }, () => call(`${scraped.url}/metrics`).then((answer) => (answer.status === 200 ? answered(answer.text) : -1), () => -1));
      await new Promise((resolve) => setTimeout(resolve, 150));
      process.kill(dying, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 250));
      process.kill(slow, 'SIGCONT');
      const sums = (await Promise.all(scrapes)).filter((sum) => sum >= 0);
      expect(sums.length).toBeGreaterThan(0);
      for (const sum of sums) expect(sum).toBeLessThanOrEqual(total);
      await expect.poll(() => /router process replaced/.test(scraped.output()), { timeout: 10_000, interval: 100 }).toBe(true);
      expect(answered((await call(`${scraped.url}/metrics`)).text)).toBe(total);
    } finally {
      await scraped.stop('SIGKILL');
    }
  });

  it('keeps answering scrapes while a process dies in the middle of them, and again from its replacement, its counts kept in the sums', async () => {
    // At info, the primary says when a replacement listens.
    const scraped = await startRouterProcess({ ...env(), LOG_LEVEL: 'info' });
    try {
      const [primary, child] = pids(scraped);
      // Requests answered, each on a connection of its own (the kernel spreads them over the processes), summed by a scrape.
      // Every answer counts, whatever its outcome (this router's store has other Users than the suite's).
      const acknowledged = (text: string) => [...text.matchAll(/^dccrouter_service_requests_total\{[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
      for (let i = 0; i < 40; i++) {
        const body = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
        await call(`${scraped.url}/v1/service-requests`, 'POST', body, { 'content-type': 'application/json', 'x-dcc-signature': client.sign(body) });
      }
      const before = acknowledged((await call(`${scraped.url}/metrics`)).text);
      expect(before).toBeGreaterThanOrEqual(40);
      const outcomes: string[] = [];
      let scraping = true;
      // Scrapes without pause, each on a connection of its own, a few at a time.
      const scrapers = Array.from({ length: 4 }, async () => {
        while (scraping) {
          outcomes.push(await call(`${scraped.url}/metrics`).then(
            (answer) => (answer.status === 200 && /^dccrouter_build_info\{/m.test(answer.text) ? 'summed' : `answered ${answer.status}`),
            // A connection the dying process had taken.
            () => 'connection lost'));
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      process.kill(child, 'SIGKILL');
      await expect.poll(() => /router process replaced/.test(scraped.output()), { timeout: 10_000, interval: 100 }).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      scraping = false;
      await Promise.all(scrapers);
      expect(alive(primary)).toBe(true);
      // Every scrape was summed or failed as a whole; none crashed the primary or hung.
      expect(new Set(outcomes.filter((outcome) => outcome !== 'summed' && outcome !== 'connection lost')), outcomes.join()).toEqual(new Set());
      expect(outcomes.filter((outcome) => outcome === 'summed').length).toBeGreaterThan(10);
      // Both processes serve summed scrapes again: the replacement among them.
      const served = new Set<string>();
      for (let i = 0; i < 60 && served.size < 2; i++) {
        const answer = await call(`${scraped.url}/metrics`);
        expect(answer.status).toBe(200);
        served.add(String(answer.headers['x-router-process'] ?? ''));
      }
      expect([...served].sort()).toEqual(['0', '1']);
      // What the process that died had counted is still in the sum: no counter went back.
      expect(acknowledged((await call(`${scraped.url}/metrics`)).text)).toBeGreaterThanOrEqual(before);
    } finally {
      await scraped.stop('SIGKILL');
    }
  });

  it('raises a network\'s rate alerts once, whichever process leads, not once per process', async () => {
    const admin = new Admin(router.url, router.adminToken);
    const tampers = async () => {
      let count = 0;
      for (let after: string | undefined; ;) {
        const page = await client.pull(SUPPLIER, after, 1000);
        count += page.items.filter((item) => item.kind === 'deviceAlert' && item.alertCode === 'TAMPER').length;
        if (page.items.length < 1000) return count;
        after = page.next;
      }
    };
    // The network's one device (ESME) at one alert a second: two processes each raising would give two.
    expect((await admin.put('/v1/admin/simulators/smets2%2Fcentral', { alertsPerDevicePerHour: 3600 })).status).toBe(200);
    try {
      // Every process has the setting (each reads it within a second) and has raised its first.
      await expect.poll(tampers, { timeout: 10_000, interval: 200 }).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const before = await tampers();
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const raised = await tampers() - before;
      expect(raised).toBeGreaterThanOrEqual(3);
      expect(raised).toBeLessThanOrEqual(7);
    } finally {
      await admin.put('/v1/admin/simulators/smets2%2Fcentral', { alertsPerDevicePerHour: 0 });
    }
  }, 30_000);

  it('stops every process on SIGTERM', async () => {
    const all = pids(router);
    expect(all.every(alive)).toBe(true);
    expect(await router.stop('SIGTERM')).toBe(0);
    // The primary exits after its children: none is left by then.
    expect(all.filter(alive)).toEqual([]);
    expect(router.output()).not.toMatch(/did not stop in time/);
  });

  it('does not leave the spawned process running when the primary is SIGKILLed', async () => {
    const killed = await startRouterProcess(env());
    const [primary, ...children] = pids(killed);
    expect(children).toHaveLength(1);
    expect((await call(`${killed.url}/healthz`)).status).toBe(200);
    await killed.stop('SIGKILL');
    expect(alive(primary)).toBe(false);
    expect(await waitGone(children, 5_000)).toEqual([]);
  });
});
