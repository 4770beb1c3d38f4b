// Graceful shutdown of the real router under Bun: readiness goes off first while requests are
// still served for the pre-stop delay, then in-flight work drains, and every listener (HTTP and
// gRPC, a SubmitStream, an idle keep-alive connection or a body that never ends included) is
// closed by the end of the grace period, and the process exits.
import { credentials, loadPackageDefinition, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createStore } from '@dccrouter/state';
import { GrpcRouterClient, RouterClient } from '@dccrouter/client';
import { startOwnRedis } from '../support/redis-server.ts';
import { startRouterProcess } from '../support/router-process.ts';
import { Admin, DEMO_PRIVATE_KEY_PEM, ESME, nextCounter, SUPPLIER } from '../support/fixtures.ts';

const require = createRequire(import.meta.url);
const read = () => ({ originatorId: SUPPLIER, targetId: ESME, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' });

describe('graceful shutdown', () => {
  it('lets the simulated networks answer what they hold within the grace period, rather than leave it for redelivery after the TRT', async () => {
    const keyPrefix = `test:${randomUUID()}:`;
    const redisUrl = inject('redisUrl');
    // Redelivery far beyond the test: only an answer before the exit brings the responses in.
    const router = await startRouterProcess({
      REDIS_URL: redisUrl, REDIS_KEY_PREFIX: keyPrefix, VERIFY_THREADS: '1', GRPC_PORT: 'off', SHUTDOWN_GRACE_MS: '5000',
      SIMULATOR_LATENCY_P50_MS: '600', SIMULATOR_LATENCY_P99_MS: '900', EGRESS_REDELIVER_MS: '600000',
    });
    const store = await createStore({ redisUrl, keyPrefix });
    try {
      const admin = new Admin(router.url, router.adminToken);
      const user = '90-B3-D5-1F-30-13-00-01';
      const meter = '00-DB-12-34-56-78-13-01';
      const client = await admin.user(user, ['IS']);
      await admin.device(meter, { deviceType: 'ESME', status: 'Commissioned', generation: 'SMETS2+', cspRegion: 'North', importSupplier: user });
      const answers = await Promise.all([0, 1, 2].map(() => client.submit({ originatorId: user, targetId: meter, counter: nextCounter(), commandVariant: 1, srv: '4.1.1' })));
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
      expect(await router.stop('SIGTERM')).toBe(0);
      const states = await Promise.all(answers.map(async (a) => (await store.getRequest(a.answer.header.requestId))?.state));
      expect(states).toEqual(['responded', 'responded', 'responded']);
    } finally {
      await store.close();
      await router.stop('SIGKILL');
    }
  }, 30_000);

  it('turns readiness off, serves through the pre-stop delay, then closes every listener within the grace period', async () => {
    const router = await startRouterProcess({ VERIFY_THREADS: '1', PRE_STOP_DELAY_MS: '1500', SHUTDOWN_GRACE_MS: '1000' });
    const client = new RouterClient(router.url, DEMO_PRIVATE_KEY_PEM);
    const grpc = new GrpcRouterClient(router.grpcAddress!, DEMO_PRIVATE_KEY_PEM);
    const health = loadPackageDefinition(loadSync(require.resolve('grpc-health-check/proto/health/v1/health.proto'), { enums: String })) as any;
    const healthClient = new health.grpc.health.v1.Health(router.grpcAddress, credentials.createInsecure());
    const check = () => new Promise<string>((resolve, reject) =>
      healthClient.check({ service: '' }, (error: ServiceError | null, reply: { status: string }) => (error ? reject(error) : resolve(reply.status))));
    try {
      expect((await client.submit(read())).status).toBe(202);
      expect(await check()).toBe('SERVING');
      // A client that opens a stream and never ends it.
      const stream = (grpc as unknown as { stub: { submitStream(): NodeJS.EventEmitter & { write(m: unknown): void } } }).stub.submitStream();
      const streamClosed = new Promise<void>((resolve) => { stream.on('error', () => resolve()); stream.on('end', () => resolve()); });
      stream.write(grpc.signed(read()));

      const started = Date.now();
      const exited = router.stop('SIGTERM');
      await expect.poll(async () => (await fetch(`${router.url}/readyz`)).status, { timeout: 1000, interval: 20 }).toBe(503);
      expect(await check()).toBe('NOT_SERVING');
      // Still serving during the pre-stop delay: load balancers may not have caught up yet.
      expect((await client.submit(read())).status).toBe(202);
      expect(Date.now() - started).toBeLessThan(1500);
      // Then, while it drains (the open stream holds it up to the grace period): refused as the
      // contract's overloaded, counted apart, so a deploy does not read as saturation.
      const once = new RouterClient(router.url, DEMO_PRIVATE_KEY_PEM, { retries: 0 });
      let refused: Awaited<ReturnType<RouterClient['submit']>> | undefined;
      for (let tries = 0; tries < 100 && !refused; tries++) {
        const answer = await once.submit(read());
        if (answer.status !== 202) refused = answer;
        else await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect([refused?.status, refused?.answer.error.reason, refused?.answer.error.message]).toEqual([503, 'overloaded', 'the router is shutting down']);
      const metrics = await (await fetch(`${router.url}/metrics`)).text();
      expect(metrics).toMatch(/^dccrouter_service_requests_total\{[^}]*outcome="shutting_down"[^}]*\} [1-9]/m);
      expect(metrics).not.toMatch(/^dccrouter_service_requests_total\{[^}]*outcome="overloaded"[^}]*\} [1-9]/m);

      // Gone within pre-stop + grace (+ margin), the open stream cut off rather than waited for.
      expect(await exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(1500 + 1000 + 2000);
      await streamClosed;
      expect(router.output()).toContain('gRPC calls still open after the grace period');
    } finally {
      healthClient.close();
      grpc.close();
      await router.stop('SIGKILL');
    }
  }, 30_000);

  it('closes its port by the end of the grace period and exits though Redis has stalled (SIGSTOP) under what shutdown asks of it', async () => {
    const redis = await startOwnRedis('stalled');
    const router = await startRouterProcess({ VERIFY_THREADS: '1', GRPC_PORT: 'off', SHUTDOWN_GRACE_MS: '1500', REDIS_URL: redis.url });
    try {
      expect((await fetch(`${router.url}/healthz`)).status).toBe(200);
      redis.child.kill('SIGSTOP');
      const started = Date.now();
      const exited = router.stop('SIGTERM');
      // Its listener gone by the end of the grace period and its half second of slack (a second in all), the process soon after.
      await expect.poll(async () => fetch(`${router.url}/healthz`).then(() => 'serving', () => 'closed'), { timeout: 5_000, interval: 100 }).toBe('closed');
      expect(Date.now() - started).toBeLessThan(1500 + 1000);
      expect(await exited).not.toBeNull();
      expect(Date.now() - started).toBeLessThan(1500 + 5000);
      expect(router.output()).toContain('shutdown grace period over: listeners closed');
    } finally {
      redis.child.kill('SIGCONT');
      await router.stop('SIGKILL');
      await redis.dispose();
    }
  }, 30_000);

  it('force-closes HTTP connections still open after the grace period, an idle keep-alive one and a body trickling in, and exits', async () => {
    const router = await startRouterProcess({ VERIFY_THREADS: '1', GRPC_PORT: 'off', SHUTDOWN_GRACE_MS: '1000' });
    const { hostname, port } = new URL(router.url);
    const sockets: Socket[] = [];
    let trickle: NodeJS.Timeout | undefined;
    /** A raw connection to the router, and when (Date.now()) the router closed it. */
    const open = async () => {
      const socket = connect(Number(port), hostname);
      sockets.push(socket);
      let received = '';
      socket.on('data', (chunk) => (received += chunk));
      socket.on('error', () => {});
      await new Promise((resolve) => socket.once('connect', resolve));
      const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
      return { socket, received: () => received, closed };
    };
    try {
      // Answered, and left open for the next request that never comes.
      const idle = await open();
      idle.socket.write(`GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`);
      await expect.poll(idle.received, { timeout: 5_000 }).toMatch(/^HTTP\/1\.1 200/);
      // A request whose body arrives a byte at a time and never ends (a slow client, or slowloris).
      const slow = await open();
      slow.socket.write(`POST /v1/service-requests HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n{`);
      trickle = setInterval(() => slow.socket.writable && slow.socket.write(' '), 50);

      await expect.poll(async () => (await (await fetch(`${router.url}/metrics`)).text()).match(/^dccrouter_inflight_requests (\d+)/m)?.[1], { timeout: 5_000 }).toBe('1');
      const started = Date.now();
      const exited = router.stop('SIGTERM');
      const [idleClosed, slowClosed] = await Promise.all([idle.closed, slow.closed]);
      expect(await exited).toBe(0);
      // Both held on until the grace period was over, then cut off, and the process gone soon after.
      expect(Math.min(idleClosed, slowClosed) - started).toBeGreaterThanOrEqual(900);
      expect(Date.now() - started).toBeLessThan(1000 + 2000);
      expect(router.output()).toContain('shutdown grace period over with requests in flight');
    } finally {
      clearInterval(trickle);
      for (const socket of sockets) socket.destroy();
      await router.stop('SIGKILL');
    }
  }, 30_000);
});
