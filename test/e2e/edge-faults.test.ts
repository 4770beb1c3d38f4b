// Faults at the HTTP edge, against the real server under Bun.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouterProcess, type RouterProcess } from '../support/router-process.ts';

let router: RouterProcess;

beforeAll(async () => {
  router = await startRouterProcess({ LOG_LEVEL: 'info', GRPC_PORT: 'off' });
});

afterAll(async () => {
  await router?.stop();
});

/** Sends the head of a POST promising `declared` bytes, then `sent` of them, and hangs up. */
async function hangUpMidBody(path: string, declared: number, sent: number): Promise<void> {
  const { hostname, port } = new URL(router.url);
  await new Promise<void>((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n${'{'.repeat(sent)}`);
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
    await expect.poll(() => /client closed the connection before its body was read/.test(router.output()), { timeout: 5_000 }).toBe(true);
    expect(router.output()).not.toMatch(/unhandled error/);
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toMatch(/^dccrouter_inflight_requests 0$/m);
    // Counted by what they were answered, under the transport their route counts them by (the single one's by its Content-Type).
    expect(metrics).toMatch(/^dccrouter_service_requests_total\{outcome="malformed_request",transport="http-json"\} 1$/m);
    expect(metrics).toMatch(/^dccrouter_service_requests_total\{outcome="malformed_request",transport="http-batch"\} 1$/m);
    expect((await fetch(`${router.url}/healthz`)).status).toBe(200);
  });
});
