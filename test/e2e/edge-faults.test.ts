// Faults at the HTTP edge, against the real server under Bun.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJsonRequest, signBytes } from '@dccrouter/client';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';
import { DEMO_PRIVATE_KEY_PEM, ESME, nextCounter, SUPPLIER } from '../support/fixtures.ts';

let router: RouterProcess;

beforeAll(async () => {
  router = await startRouterProcess({ LOG_LEVEL: 'info', GRPC_PORT: 'off', BODY_TIMEOUT_MS: '1500' });
});

afterAll(async () => {
  await router?.stop();
});

/** Sends the head of a POST promising `declared` bytes, then `sent` of them, and hangs up. */
async function hangUpMidBody(path: string, declared: number, sent: number, headers = 'Content-Type: application/json\r\n'): Promise<void> {
  const { hostname, port } = new URL(router.url);
  await new Promise<void>((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\n${headers}Content-Length: ${declared}\r\n\r\n${'{'.repeat(sent)}`);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 100);
    });
    socket.on('error', reject);
  });
}

describe('a client that hangs up mid-body', () => {
  it('is logged as what it is, not as a router failure, and frees its place', async () => {
    for (const path of ['/v1/service-requests', '/v1/service-requests:batch']) await hangUpMidBody(path, 2_000, 10);
    // A device import, read line by line as it streams in.
    await hangUpMidBody('/v1/admin/devices:import', 2_000, 10, `Authorization: Bearer ${router.adminToken}\r\nContent-Type: application/x-ndjson\r\n`);
    await expect.poll(() => router.output().match(/client closed the connection before its body was read/g)?.length ?? 0, { timeout: 5_000 }).toBe(3);
    expect(router.output()).not.toMatch(/unhandled error/);
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toMatch(/^dccrouter_inflight_requests 0$/m);
    // Counted by what they were answered, under the transport their route counts them by (the single one's by its Content-Type).
    expect(metrics).toMatch(/^dccrouter_service_requests_total\{outcome="malformed_request",transport="http-json"\} 1$/m);
    expect(metrics).toMatch(/^dccrouter_service_requests_total\{outcome="malformed_request",transport="http-batch"\} 1$/m);
    expect((await fetch(`${router.url}/healthz`)).status).toBe(200);
  });
});

/** Sends raw bytes on a connection of their own and reads until the router closes it: the status line and body. */
async function raw(request: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(router.url);
  const text = await new Promise<string>((resolve, reject) => {
    let data = '';
    const socket = connect(Number(port), hostname, () => socket.write(request));
    socket.on('data', (chunk) => (data += chunk));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
  return { status: Number(/^HTTP\/1\.\d (\d{3})/.exec(text)?.[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) };
}

describe('a client that trickles its body', () => {
  it('is answered once BODY_TIMEOUT_MS has passed, and its place in flight freed, however slowly it goes on', async () => {
    const { hostname, port } = new URL(router.url);
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      let data = '';
      const socket = connect(Number(port), hostname, () => {
        socket.write(`POST /v1/service-requests HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n{`);
        // A byte every 200 ms: never idle, never done.
        const timer = setInterval(() => socket.write(' '), 200);
        socket.on('close', () => clearInterval(timer));
        socket.on('data', (chunk) => (data += chunk));
        // Closed by the router with its answer: the rest of the body is not read on.
        socket.on('close', () => resolve(data));
      });
      socket.on('error', reject);
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(answer.slice(answer.indexOf('{')))).toMatchObject({
      error: { reason: 'malformed_request', message: 'the request body did not all arrive within 1500 ms (BODY_TIMEOUT_MS, and a second per MiB declared)' },
    });
    expect(router.output()).toMatch(/request body given up: too slow to arrive/);
    await expect.poll(async () => (await (await fetch(`${router.url}/metrics`)).text()).match(/^dccrouter_inflight_requests (\d+)$/m)?.[1]).toBe('0');
  });
});

describe('a request that names no host (an HTTP/1.0 health probe)', () => {
  it('is routed by its path as any other', async () => {
    expect(await raw('GET /healthz HTTP/1.0\r\n\r\n')).toMatchObject({ status: 200 });
    expect((await raw('GET /v1/healthz HTTP/1.0\r\n\r\n')).status).toBe(404);
    const body = buildJsonRequest({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });
    const head = (path: string) => `POST ${path} HTTP/1.0\r\nContent-Type: application/json\r\nX-DCC-Signature: ${signBytes(DEMO_PRIVATE_KEY_PEM, body)}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    expect((await raw(head('/v1/v1/service-requests'))).status).toBe(404);
    const accepted = await raw(head('/v1/service-requests'));
    expect(accepted.status, accepted.body).toBe(202);
    expect(JSON.parse(accepted.body).header.responseCode).toBe('I99');
  });
});

describe('a path the router serves, asked with another method', () => {
  it('is answered 405 with the methods it takes (Allow), and an unknown path 404', async () => {
    const asked = async (method: string, path: string) => {
      const answer = await fetch(`${router.url}${path}`, { method, headers: { authorization: `Bearer ${router.adminToken}` } });
      return { status: answer.status, allow: answer.headers.get('allow'), reason: ((await answer.json()) as any).error?.reason };
    };
    expect(await asked('GET', '/v1/service-requests')).toEqual({ status: 405, allow: 'POST', reason: 'method_not_allowed' });
    expect(await asked('GET', '/v1/service-requests:batch')).toEqual({ status: 405, allow: 'POST', reason: 'method_not_allowed' });
    expect(await asked('DELETE', '/healthz')).toEqual({ status: 405, allow: 'GET', reason: 'method_not_allowed' });
    const user = await asked('POST', '/v1/admin/users/90-B3-D5-1F-30-01-00-00');
    expect([user.status, user.reason]).toEqual([405, 'method_not_allowed']);
    expect(user.allow!.split(', ').sort()).toContain('PUT');
    expect(await asked('GET', '/v1/no-such-thing')).toEqual({ status: 404, allow: null, reason: 'not_found' });
  });

  it('says how to write a simulated network\'s destination in a path when its "/" was sent as it is', async () => {
    const answer = await fetch(`${router.url}/v1/admin/simulators/smets2/south`, { headers: { authorization: `Bearer ${router.adminToken}` } });
    expect([answer.status, ((await answer.json()) as any).error.message])
      .toEqual([404, 'no route GET /v1/admin/simulators/smets2/south: percent-encode the destination\'s "/", /v1/admin/simulators/smets2%2Fsouth']);
  });
});

describe('a device import whose body takes longer than 10 s to arrive, steadily', () => {
  it('is read to its end and answered (the Bun default closed such a request after 10 to 12 s, without an answer)', async () => {
    const { hostname, port } = new URL(router.url);
    const lines = Array.from({ length: 64 }, (_, i) => `${JSON.stringify({ deviceId: `00-DB-12-34-56-78-EE-${i.toString(16).padStart(2, '0').toUpperCase()}`, deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North' })}\n`);
    const answer = await new Promise<string>((resolve, reject) => {
      let data = '';
      const socket = connect(Number(port), hostname, () => {
        socket.write(`POST /v1/admin/devices:import HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${router.adminToken}\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`);
        let sent = 0;
        // A line every 250 ms: 16 s in all.
        const timer = setInterval(() => {
          if (sent === lines.length) {
            clearInterval(timer);
            socket.write('0\r\n\r\n');
            return;
          }
          const line = lines[sent++];
          socket.write(`${Buffer.byteLength(line).toString(16)}\r\n${line}\r\n`);
        }, 250);
        socket.on('close', () => clearInterval(timer));
      });
      socket.on('data', (chunk) => (data += chunk));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(JSON.parse(answer.slice(answer.indexOf('{'), answer.lastIndexOf('}') + 1))).toEqual({ imported: 64, rejected: [], rejectedCount: 0 });
  }, 30_000);
});
