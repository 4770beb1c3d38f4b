// Entry point of `npm start`: the router on Bun (or Node, through @hono/node-server).
import { OPERATOR_BODY_MAX_BYTES } from './admin/index.ts';
import { ChildProcesses, metricsThroughPrimary, onPrimaryGone, reportListening } from './cluster/index.ts';
import { untilDeadline } from './background/index.ts';
import { ConfigError, loadConfig } from './config/index.ts';
import { portTaken, startOrExit } from './config/start.ts';
import { DEMO_SUPPLIER } from './demo/index.ts';
import { createLogger } from './log/index.ts';
import { startGrpcServer, type GrpcServer } from './grpc/index.ts';
import { createRouter } from './router.ts';

const config = startOrExit(() => {
  const loaded = loadConfig();
  // Its default on Redis is one process per two cores: on Node, say what to set rather than crash.
  if (loaded.processes > 1 && typeof Bun === 'undefined') throw new ConfigError([`ROUTER_PROCESSES=${loaded.processes} needs Bun (several processes share the port through Bun.serve reusePort): under Node set ROUTER_PROCESSES=1`]);
  return loaded;
});
const primary = config.processIndex === 0;
const baseLog = createLogger(config.logLevel);
// With several processes sharing stdout, each log line names its process.
const log = config.processes > 1 ? baseLog.child({ process: config.processIndex }) : baseLog;
const router = await startOrExit(() => createRouter(config, log));

/**
 * Bun gives a request that names no host (an HTTP/1.0 health probe, an empty Host header) its path
 * alone as URL, which the router's routing misreads ("/healthz" as "z"): such a URL is made
 * absolute. The usual request, whose URL is absolute, is passed through as it is.
 */
function withAbsoluteUrl(request: Request): Request {
  return request.url.charCodeAt(0) === 0x2f ? new Request(`http://localhost${request.url}`, request) : request;
}

interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

async function listen(): Promise<RunningServer> {
  if (typeof Bun !== 'undefined') {
    const server = Bun.serve({
      port: config.port,
      hostname: config.host,
      fetch: (request) => router.app.fetch(withAbsoluteUrl(request)),
      // Several processes bind the same port; the kernel spreads connections over them. Only then:
      // with one process, a second router started on the same port by mistake must fail to bind.
      reusePort: config.processes > 1,
      // Bun's own cap is 128 MiB; the router enforces its per-route limits itself, and Bun's 413
      // (no body to say why) must not come first: an operator's body is read a chunk past its limit.
      maxRequestBodySize: Math.max(config.importMaxBytes, config.batchMaxBytes, config.maxBodyBytes, 2 * OPERATOR_BODY_MAX_BYTES),
      // Bun's default, 10 s, closes without an answer a request whose body takes longer to arrive,
      // however steadily it comes: a device import of a few hundred MB over an ordinary link.
      idleTimeout: config.httpIdleTimeoutSeconds,
    });
    // Connections still open (keep-alive, slow clients) are closed: the drain has answered what it could.
    return { port: server.port!, stop: () => server.stop(true) };
  }
  const { serve } = await import('@hono/node-server');
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: router.app.fetch, port: config.port, hostname: config.host }, (info) => {
      server.off('error', reject);
      resolve({
        port: info.port,
        stop: () => new Promise((done) => {
          server.close(() => done());
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        }),
      });
    });
    server.once('error', reject);
  });
}

/** Past the grace period, how long shutdown's steps at its deadline (its last logs, the networks' renewal) may take before the listeners close regardless. */
const SHUTDOWN_SLACK_MS = 500;

/** HOST values that listen on loopback too, where the router is reached at 127.0.0.1. */
const EVERY_INTERFACE = new Set(['0.0.0.0', '::', '127.0.0.1', 'localhost']);

let server: RunningServer | undefined;
let grpc: GrpcServer | undefined;
let children: ChildProcesses | undefined;
let stopping = false;
async function stop(signal: NodeJS.Signals | 'primary gone'): Promise<void> {
  if (stopping) return;
  stopping = true;
  // The children drain at the same time as this process, each its own in-flight requests.
  if (signal !== 'primary gone') children?.signal(signal);
  // Readiness off first; requests are still served while load balancers take the router out.
  router.leaveRotation();
  grpc?.leaveRotation();
  if (config.preStopDelayMs > 0 && signal !== 'primary gone') {
    log.info({ signal, preStopDelayMs: config.preStopDelayMs }, 'shutting down: readiness off, still serving for the pre-stop delay');
    await new Promise((resolve) => setTimeout(resolve, config.preStopDelayMs));
  }
  log.info({ signal, inflight: router.pipeline.inflightCount }, 'shutting down: answering in-flight requests');
  const drainStarted = Date.now();
  // Every listener is closed by the end of the grace period, whatever its clients hold open and,
  // past a moment's slack for shutdown's own steps at the deadline, whatever it still waits for (a
  // stalled Redis: each store call may take its time limit); what it had not finished is done by
  // another instance, as after a crash.
  let shutDown = false;
  const shutdown = router.shutdown().then(() => { shutDown = true; }, (error: unknown) => log.error({ err: error }, 'shutdown failed'));
  await untilDeadline(shutdown, drainStarted + config.shutdownGraceMs + SHUTDOWN_SLACK_MS);
  if (!shutDown) log.warn({ shutdownGraceMs: config.shutdownGraceMs }, 'shutdown grace period over: listeners closed with the store still answering what shutdown asked');
  const graceLeft = Math.max(0, config.shutdownGraceMs - (Date.now() - drainStarted));
  await grpc?.stop(graceLeft);
  await server?.stop();
  // Exit only after the children, so whoever supervises the primary sees every process gone.
  const clean = (await children?.exited(config.preStopDelayMs + config.shutdownGraceMs + 5_000)) ?? true;
  log.info('stopped');
  process.exit(clean ? 0 : 1);
}
// Registered before listening, so a signal that arrives at any moment after start is handled.
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
// A spawned process never outlives the primary, even one killed with SIGKILL.
if (!primary) onPrimaryGone(() => void stop('primary gone'));
// A scrape reaches any process through the shared port: each serves every process's metrics, summed.
if (!primary) router.metrics.exposeWith(metricsThroughPrimary(() => router.metrics.ownMetrics()));

server = await startOrExit(() => listen().catch(portTaken('PORT', config.port, config.host)));
if (primary) await startPrimary(server);
else {
  reportListening(server.port);
  log.info({ port: server.port, pid: process.pid }, 'router process listening');
}

/** The primary serves gRPC, starts the other processes and prints the lines scripts read. */
async function startPrimary(server: RunningServer): Promise<void> {
  if (config.grpcPort !== undefined) {
    const grpcPort = config.grpcPort;
    grpc = await startOrExit(() => startGrpcServer({ ...router, maxBodyBytes: config.maxBodyBytes }, config.host, grpcPort, config.grpcTls)
      .catch(portTaken('GRPC_PORT', grpcPort, config.host)));
  }
  if (config.processes > 1 && !stopping) {
    // Started once this process holds the port, so PORT=0 becomes one port for all. A generated
    // admin token and signing key are passed on, so every process accepts the token printed below
    // and signs webhooks with the key printed below; and the certificate, so every process serves
    // the same bytes at /v1/router-certificate.pem (a self-signed one is signed afresh each time).
    children = new ChildProcesses({
      processes: config.processes, port: server.port, log, ownMetrics: () => router.metrics.ownMetrics(),
      env: { ROUTER_ADMIN_TOKEN: config.adminToken, ROUTER_SIGNING_KEY: router.signingKey.exportPem(), ROUTER_SIGNING_CERTIFICATE: router.certificate.pem },
    });
    // `children` is a module variable TypeScript cannot keep narrowed inside the closure.
    const processes = children;
    router.metrics.exposeWith(() => processes.allMetrics());
    try {
      await children.ready;
    } catch (error) {
      if (stopping) return;
      log.error({ err: error }, 'router processes did not start');
      children.signal('SIGTERM');
      await children.exited(5_000);
      process.exit(1);
    }
  }
  if (stopping) return;
  log.info({
    host: config.host,
    port: server.port,
    runtime: typeof Bun !== 'undefined' ? `bun ${Bun.version}` : `node ${process.version}`,
    store: router.store.kind,
    verifyThreads: config.verifyThreads,
    demo: config.seedDemo,
    grpcPort: grpc?.port,
    processes: config.processes,
  }, 'router listening');
  // Machine-readable lines for scripts and tests that start the router on port 0.
  // An address to reach it at from this machine (loopback when bound to every interface), then what it is bound to (HOST).
  const reachAt = EVERY_INTERFACE.has(config.host) ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const bound = `(bound to ${config.host})`;
  if (grpc) console.log(`dcc-router gRPC on ${reachAt}:${grpc.port} ${bound}`);
  console.log(`router processes: ${config.processes} (pids ${[process.pid, ...(children?.pids ?? [])].join(', ')})`);
  console.log(`dcc-router listening on http://${reachAt}:${server.port} ${bound}`);
  if (config.adminTokenGenerated) {
    console.log(`ROUTER_ADMIN_TOKEN was not set; operators' token for this run: ${config.adminToken}`);
  }
  if (router.signingKey.generated) {
    console.log(`ROUTER_SIGNING_KEY was not set; the router's public key for this run (also at GET /v1/router-public-key.pem):\n${router.signingKey.publicKeyPem.trim()}`);
    console.log(`its certificate, named by the router's DUIS XML signatures (also at GET /v1/router-certificate.pem):\n${router.certificate.pem.trim()}`);
  }
  if (config.seedDemo) {
    console.log(`demo inventory loaded: try  npm run send -- --url http://127.0.0.1:${server.port}  (signs as ${DEMO_SUPPLIER})`);
  }
}
