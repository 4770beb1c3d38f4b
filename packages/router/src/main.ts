// Entry point of `npm start`: the router on Bun (or Node, through @hono/node-server).
import { loadConfig } from './config/index.ts';
import { DEMO_SUPPLIER } from './demo/index.ts';
import { createLogger } from './log/index.ts';
import { startGrpcServer, type GrpcServer } from './grpc/index.ts';
import { createRouter } from './router.ts';

const config = loadConfig();
const log = createLogger(config.logLevel);
const router = await createRouter(config, log);

interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

async function listen(): Promise<RunningServer> {
  if (typeof Bun !== 'undefined') {
    const server = Bun.serve({
      port: config.port,
      hostname: config.host,
      fetch: router.app.fetch,
      // Bun's own cap is 128 MiB; the router enforces its per-route limits itself.
      maxRequestBodySize: Math.max(config.importMaxBytes, config.batchMaxBytes, config.maxBodyBytes),
    });
    return { port: server.port!, stop: () => server.stop() };
  }
  const { serve } = await import('@hono/node-server');
  return new Promise((resolve) => {
    const server = serve({ fetch: router.app.fetch, port: config.port, hostname: config.host }, (info) => {
      resolve({ port: info.port, stop: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

let server: RunningServer | undefined;
let grpc: GrpcServer | undefined;
let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal, inflight: router.pipeline.inflightCount }, 'shutting down: answering in-flight requests');
  await router.shutdown();
  await grpc?.stop();
  await server?.stop();
  log.info('stopped');
  process.exit(0);
}
// Registered before listening, so a signal that arrives at any moment after start is handled.
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

server = await listen();
if (config.grpcPort !== undefined) {
  grpc = await startGrpcServer({ ...router, metrics: router.metrics, maxBodyBytes: config.maxBodyBytes, draining: router.draining }, config.host, config.grpcPort);
}
log.info({
  port: server.port,
  runtime: typeof Bun !== 'undefined' ? `bun ${Bun.version}` : `node ${process.version}`,
  store: router.store.kind,
  verifyThreads: config.verifyThreads,
  demo: config.seedDemo,
  grpcPort: grpc?.port,
}, 'router listening');
// Machine-readable lines for scripts and tests that start the router on port 0.
if (grpc) console.log(`dcc-router gRPC on 127.0.0.1:${grpc.port}`);
console.log(`dcc-router listening on http://127.0.0.1:${server.port}`);
if (config.adminTokenGenerated) {
  console.log(`ROUTER_ADMIN_TOKEN was not set; operators' token for this run: ${config.adminToken}`);
}
if (config.seedDemo) {
  console.log(`demo inventory loaded: try  npm run send -- --url http://127.0.0.1:${server.port}  (signs as ${DEMO_SUPPLIER})`);
}

