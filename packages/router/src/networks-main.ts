// Entry point of `npm run networks`: the simulated CSPs and S1SPs as a process of their own,
// taking requests from the shared Redis queues and recording their responses there. Run the
// routers with NETWORKS=external beside it. Serves /healthz, /readyz and /metrics on PORT (default 9464).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Hono } from 'hono';
import { Registry } from 'prom-client';
import { createStore } from '@dccrouter/state';
import { scraperGate } from './admin/index.ts';
import { Periodic } from './background/index.ts';
import { loadConfig } from './config/index.ts';
import { portTaken, startOrExit } from './config/start.ts';
import { startNetworks } from './egress/networks.ts';
import { countingTaskFailures, createLogger, throttledWarn } from './log/index.ts';
import { backgroundFailuresCounter, clockOffsetGauge, lifecycleMetrics } from './metrics/index.ts';
import { StatsAggregator } from './stats/index.ts';
import { StoreClock } from './store-clock/index.ts';

const config = { ...startOrExit(() => loadConfig({ PORT: '9464', ...process.env }, 'networks')), networks: 'simulated' as const };
const registry = new Registry();
// Its egress, statistics and clock loops' failures counted as a router's are (alertable, not only logged).
const backgroundFailures = backgroundFailuresCounter(registry);
const log = countingTaskFailures(createLogger(config.logLevel), (task) => backgroundFailures.labels(task).inc());
const store = await startOrExit(() => createStore({
  redisUrl: config.redisUrl, redisClusterNodes: config.redisClusterNodes, redisSentinels: config.redisSentinels, redisSentinelName: config.redisSentinelName,
  credentials: config.redisCredentials, connectDeadlineMs: config.redisConnectTimeoutMs,
  keyPrefix: config.redisKeyPrefix, requestRetentionSeconds: config.requestRetentionSeconds, responseGatherMs: config.responseGatherMs,
  // Responses are queued (and the outbox trimmed) here too: by the routers' retention, not the default.
  outboxRetentionSeconds: config.outboxRetentionSeconds,
  // Responses are recorded here: held to the routers' REDIS_WAIT_REPLICAS as theirs would be.
  waitReplicas: config.redisWaitReplicas, waitTimeoutMs: config.redisWaitTimeoutMs,
}));
const stats = new StatsAggregator(store, config.statsFlushMs, log);
stats.start();
// Responses timed as the routers time requests (see StoreClock): a TRT is measured on one footing.
// Its offset exported as a router's, so the kit's DccRouterClockSkew alert sees a skewed networks host too.
const clockOffset = clockOffsetGauge(registry);
const storeClock = new StoreClock(store, log, (ms) => clockOffset.set(ms / 1000));
await storeClock.measure().catch((error) => log.warn({ err: error }, 'clock not measured against the state store\'s yet'));
const clockCheck = new Periodic('store-clock', 1_000, () => storeClock.measure(), log);
clockCheck.start();
const networks = await startNetworks(store, config, log, lifecycleMetrics(registry), `networks:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, stats, undefined, storeClock.now);

const app = new Hono();
app.get('/healthz', (c) => c.json({ status: 'ok', destinations: [...networks.simulators.keys()] }));
// Ready as a router is: its state store answers (the image's HEALTHCHECK asks this of either
// process), and not while stopping. A probe every few seconds during an outage is told once per 10 s.
const readinessWarn = throttledWarn(log);
let stopping = false;
app.get('/readyz', async (c) => {
  if (stopping) return c.json({ status: 'stopping', store: store.kind }, 503);
  try {
    await store.ping();
    return c.json({ status: 'ready', store: store.kind });
  } catch (cause) {
    readinessWarn('readiness', { err: cause }, 'readiness: the state store did not answer');
    return c.json({ status: 'unavailable', store: store.kind, message: 'the state store did not answer' }, 503);
  }
});
// As a router's: with METRICS_TOKEN set, only its scraper reads them.
const scraperRefusal = scraperGate(config.metricsToken);
app.get('/metrics', async (c) => scraperRefusal(c) ?? c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }));
const server = startOrExit(() => {
  try {
    return Bun.serve({ port: config.port, hostname: config.host, fetch: app.fetch });
  } catch (error) {
    return portTaken('PORT', config.port, config.host)(error);
  }
});
console.log(`dcc-networks listening on http://127.0.0.1:${server.port}`);

async function stop(): Promise<void> {
  // A second signal while stopping changes nothing.
  if (stopping) return;
  stopping = true;
  await clockCheck.stop();
  await networks.stop(Date.now() + config.shutdownGraceMs);
  await stats.stop();
  await store.close();
  await server.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
