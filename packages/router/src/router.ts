import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ALL_DESTINATIONS } from '@dccrouter/domain';
import { createStore, RedisStore, type StateStore } from '@dccrouter/state';
import type { SimulatedNetwork } from '@dccrouter/simulators';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Counter, Histogram } from 'prom-client';
import { SignatureVerifier } from './auth/verifier.ts';
import { LOOK_AGAIN_GAPS_MS, Periodic, pollUntil, untilDeadline } from './background/index.ts';
import { ConfigError, type RouterConfig } from './config/index.ts';
import { OutboxWatch } from './delivery/outbox-watch.ts';
import { RouterSigningKey } from './delivery/signing.ts';
import { WebhookDeliverer } from './delivery/webhook.ts';
import { routerCertificate, type RouterCertificate } from './duis-xml/certificate.ts';
import { duisSchema } from './duis-xml/schema/index.ts';
import { seedDemo } from './demo/index.ts';
import { Directory } from './directory/index.ts';
import { StoreClock } from './store-clock/index.ts';
import { StoreWatch } from './store-watch/index.ts';
import { createApp } from './edge/app.ts';
import { startNetworks } from './egress/networks.ts';
import { HeldReleaser } from './egress/held-release.ts';
import { countingTaskFailures, createLogger, type Logger } from './log/index.ts';
import { childrenOf, lifecycleMetrics, RouterMetrics, storeWatchMetrics } from './metrics/index.ts';
import { sampleBacklogs } from './metrics/backlogs.ts';
import { dspScheduler } from './schedules/index.ts';
import { CplTable } from './products/cpl.ts';
import { ProductRegisters } from './products/registers.ts';
import { PolicyTable } from './products/policy.ts';
import { noticeCplChange } from './products/notices.ts';
import { ServiceRequestPipeline } from './pipeline/index.ts';
import { ThresholdAnomalyDetection, ThresholdRules } from './tad/index.ts';
import { ReconciledCounter } from './tad/reconciled.ts';
import { QuarantineDesk } from './tad/quarantine.ts';
import { StatsAggregator } from './stats/index.ts';
import { BreachScanner } from './trt/breach-scan.ts';
import { TrtBudgetTable } from './trt/budgets.ts';
import { startTracing, stopTracing } from './tracing/index.ts';

export interface Router {
  app: OpenAPIHono;
  store: StateStore;
  pipeline: ServiceRequestPipeline;
  log: Logger;
  metrics: RouterMetrics;
  /** Checks Users' signatures (requests and signed calls). */
  verifier: SignatureVerifier;
  /** Users and devices cached in-process (signed calls find their User here too). */
  directory: Directory;
  /** True once shutdown began: new work is refused. */
  draining: () => boolean;
  /** True once the router left the load balancers' rotation (readiness off), draining or not yet. */
  leaving: () => boolean;
  /** Readiness off (/readyz 503, gRPC health NOT_SERVING) while requests are still served: the pre-stop delay. */
  leaveRotation(): void;
  /** The router's own key: it signs webhooks and DUIS XML answers. */
  signingKey: RouterSigningKey;
  /** The certificate of that key, named by the router's DUIS XML signatures (GET /v1/router-certificate.pem). */
  certificate: RouterCertificate;
  /** The in-process simulated networks, by destination (empty with NETWORKS=external). */
  simulators: Map<string, SimulatedNetwork>;
  /** Wakes pulls and gRPC feeds waiting for their User's outbox to grow. */
  outboxWatch: OutboxWatch;
  /** Stops taking new work, answers what is in flight (up to the grace period), then releases everything. */
  shutdown(): Promise<void>;
}

/** Assembles a router from its configuration; `main.ts` puts it behind a server. */
export async function createRouter(config: RouterConfig, log: Logger = createLogger(config.logLevel)): Promise<Router> {
  startTracing(config.tracingEndpoint, { 'service.instance.id': `${hostname()}:${process.pid}`, 'dcc.router_process': config.processIndex });
  // Created before the registry it joins, so the store counts its calls from the first one.
  const redisCalls = new Counter({
    name: 'dccrouter_redis_round_trips_total',
    help: 'Calls the router made to Redis (a command, a pipeline or a batched script), by the stage they serve; calls made in the same event-loop turn share one network round trip',
    labelNames: ['stage'], registers: [],
  });
  const callsBy = childrenOf(redisCalls);
  const redisLatency = new Histogram({
    name: 'dccrouter_redis_call_duration_seconds',
    help: 'Time from a call to Redis to its answer, by the stage it serves',
    labelNames: ['stage'], buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2], registers: [],
  });
  const redisErrors = new Counter({ name: 'dccrouter_redis_errors_total', help: 'Calls to Redis that failed or timed out, by stage', labelNames: ['stage'], registers: [] });
  const latencyBy = childrenOf(redisLatency);
  const errorsBy = childrenOf(redisErrors);
  const store = await createStore({
    onCall: (stage) => callsBy(stage).inc(),
    onCallDone: (stage, seconds, failed) => {
      latencyBy(stage).observe(seconds);
      if (failed) errorsBy(stage).inc();
    },
    redisUrl: config.redisUrl,
    redisClusterNodes: config.redisClusterNodes,
    redisSentinels: config.redisSentinels,
    redisSentinelName: config.redisSentinelName,
    credentials: config.redisCredentials, connectDeadlineMs: config.redisConnectTimeoutMs,
    keyPrefix: config.redisKeyPrefix,
    requestRetentionSeconds: config.requestRetentionSeconds,
    outboxRetentionSeconds: config.outboxRetentionSeconds,
    deadLetterRetentionSeconds: config.deadLetterRetentionSeconds,
    responseGatherMs: config.responseGatherMs,
    trtAlertGraceMs: config.trtAlertGraceMs,
    waitReplicas: config.redisWaitReplicas,
    waitTimeoutMs: config.redisWaitTimeoutMs,
  });
  if (config.redisWaitReplicas > 0 && store instanceof RedisStore) {
    const fewest = await store.fewestReplicas();
    if (fewest < config.redisWaitReplicas) {
      log.warn({ redisWaitReplicas: config.redisWaitReplicas, fewestReplicas: fewest },
        'REDIS_WAIT_REPLICAS asks for more replicas than a Redis master has connected: its Users\' requests are answered outcome_unknown until they connect');
    }
  }
  if (store instanceof RedisStore) await warnOfDurability(store, config, log);
  if (config.seedDemo) await seedDemo(store);
  if (config.networks === 'external' && store.kind === 'memory') {
    log.warn('NETWORKS=external on the embedded store: no other process can read its egress queues, so acknowledged requests are never forwarded (set REDIS_URL)');
  }
  if (config.shutdownGraceMs >= config.egressRedeliverMs) {
    log.warn({ shutdownGraceMs: config.shutdownGraceMs, egressRedeliverMs: config.egressRedeliverMs },
      'SHUTDOWN_GRACE_MS is not below EGRESS_REDELIVER_MS: what a stopping router\'s networks still hold may be sent again by another instance before the grace period ends');
  }
  // Gauges read the verifier and pipeline when scraped, after they exist.
  const metrics = new RouterMetrics({ verifyQueueDepth: () => verifier.depth, verifyHandoffs: () => ({ tasks: verifier.handoffs, signatures: verifier.handedOff, inline: verifier.verifiedInline }), pipelineStages: () => pipeline.stages.totals(), inflight: () => pipeline.inflightCount, verifyThreads: config.verifyThreads });
  // Every background task made from here on counts its failures in the metrics (see countingTaskFailures).
  log = countingTaskFailures(log, (task) => metrics.backgroundFailures.labels(task).inc());
  const lookups = childrenOf(metrics.directoryLookups);
  const directory = new Directory(store, { syncIntervalMs: config.directorySyncMs, maxEntries: config.directoryCacheMax }, log, {
    hit: (kind) => lookups(kind, 'hit').inc(),
    miss: (kind) => lookups(kind, 'miss').inc(),
  });
  await directory.start();
  const { clockOffset, storeDataLost } = storeWatchMetrics(metrics.registry);
  // Every time a router takes or judges (see StoreClock), measured with each look of the store watch.
  const storeClock = new StoreClock(store, log, (ms) => clockOffset.set(ms / 1000));
  // As often as the directory follows its change log: its cache is what an emptied store leaves wrong.
  const storeWatch = new StoreWatch(store, config.directorySyncMs, log, {
    async lost() {
      await directory.restart();
      if (config.seedDemo) {
        await seedDemo(store);
        log.warn('SEED_DEMO: the demo inventory put again into the emptied store');
      }
    },
  }, { lost: () => storeDataLost.inc() }, storeClock);
  await storeWatch.start();
  const budgets = new TrtBudgetTable(store);
  await budgets.start(log);
  const verifier = new SignatureVerifier({ threads: config.verifyThreads, batchMax: config.verifyBatchMax, lingerMs: config.verifyLingerMs, queueMax: config.maxInflight });
  const lifecycle = lifecycleMetrics(metrics.registry);
  metrics.registry.registerMetric(redisCalls);
  metrics.registry.registerMetric(redisLatency);
  metrics.registry.registerMetric(redisErrors);
  const thresholds = new ThresholdRules(store);
  // Counted by the same clock as the pipeline's: a fast one would move a window's floor on for every instance.
  const dccCounts = new ReconciledCounter(store.counters, 'dcc', config.tadSyncMs, log, () => lifecycle.tadReconciliations.inc(), storeClock.now);
  const tad = config.tad
    ? new ThresholdAnomalyDetection(thresholds, dccCounts, config.tadMode, {
      breach: (kind, action) => lifecycle.tadBreaches.inc({ kind, action }),
      usage: (scope, srv, windowSeconds, ratio) => lifecycle.tadUsageSeen(scope, srv, windowSeconds, ratio),
    })
    : undefined;
  const cpl = new CplTable(store, (before, after, entry) => {
    void noticeCplChange(store, log, before, after, entry).catch((error) => log.warn({ err: error, entry }, 'CPL change not told to every responsible User'));
  });
  await cpl.start(log);
  const policy = new PolicyTable(store);
  await policy.start(log);
  const quarantine = new QuarantineDesk(store, budgets, config.trackTrt, { directory, policy, cpl }, storeClock.now);
  const registers = new ProductRegisters(store);
  await registers.start(log);
  const instance = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  // After acknowledgement: egress to the networks, their responses back, deadlines, delivery.
  const stats = new StatsAggregator(store, config.statsFlushMs, log);
  stats.start();
  const outboxWatch = new OutboxWatch(store, log);
  const networks = await startNetworks(store, config, log, lifecycle, instance, stats, (userId) => outboxWatch.notify(userId), storeClock.now);
  const pipeline = new ServiceRequestPipeline({
    store, directory, verifier, budgets, cpl, policy, verifySignatures: config.verifySignatures, trackTrt: config.trackTrt,
    maxInflight: config.maxInflight, tad, quarantineTtlMs: config.quarantineTtlSeconds * 1000, log, egress: networks.egress,
    // Acceptance times (TRT starts, TAD windows, row 12's "in the future") by a clock never ahead of the store's.
    now: storeClock.now,
  });
  // Deadlines judged by a clock never ahead of the store's: one fast router would judge them early for all.
  const breaches = new BreachScanner(store, lifecycle, stats, config.scanIntervalMs, storeClock.now);
  const breachScan = new Periodic('trt-breach-scan', config.scanIntervalMs, () => breaches.scan(), log);
  const breachMark = new Periodic('trt-breach-mark', config.scanIntervalMs, () => breaches.mark(), log);
  const heldReleaser = new HeldReleaser(store, networks.egress, { directory, policy, cpl }, networks.recordResponse, LOOK_AGAIN_GAPS_MS, storeClock.now);
  const heldRelease = new Periodic('future-dated-release', config.scanIntervalMs, () => heldReleaser.releaseDue(), log);
  // A bad key or certificate setting stops the start with one clean message (exit 2), as any bad setting.
  const asSetting = <T>(make: () => T): T => {
    try {
      return make();
    } catch (error) {
      throw new ConfigError([(error as Error).message]);
    }
  };
  const signingKey = asSetting(() => RouterSigningKey.from(config.signingKey));
  const certificate = asSetting(() => routerCertificate(signingKey.privateKey, config.signingCertificate));
  duisSchema(); // compiled now, so the first DUIS XML request does not wait for it
  const webhook = new WebhookDeliverer(store, {
    owner: instance, maxAttempts: config.webhookMaxAttempts, backoffBaseMs: config.webhookBackoffMs,
    backoffMaxMs: config.webhookBackoffMaxMs, timeoutMs: config.webhookTimeoutMs, batch: 100, outboxRetentionMs: config.outboxRetentionSeconds * 1000,
  }, log, signingKey, certificate.signer, {
    delivered: (n) => lifecycle.webhookDelivered.inc(n),
    failed: () => lifecycle.webhookFailed.inc(),
    deadLettered: () => lifecycle.webhookDeadLettered.inc(),
  });
  const webhookLoop = new Periodic('webhook-delivery', config.webhookIntervalMs, () => webhook.startAll(), log);
  const quarantineExpiry = new Periodic('quarantine-expiry', config.scanIntervalMs * 5, async () => {
    // A backlog (a User flooding past its thresholds) is worked off now, not a thousand a tick.
    for (let round = 0; round < 100; round++) {
      const expired = (await store.expireQuarantined(storeClock.now(), 1000)).length;
      lifecycle.quarantineExpired.inc(expired);
      if (expired < 1000) return;
    }
  }, log);
  const backlogs = sampleBacklogs(store, metrics.registry, ALL_DESTINATIONS, log);
  const scheduleRuns = new Counter({ name: 'dccrouter_dsp_schedule_runs_total', help: 'DSP schedule occurrence runs, by outcome (I99, replayed, or the refusal reason); an unsettled one (state_unavailable, outcome_unknown, overloaded) is run again at its lease\'s end, counted again', labelNames: ['outcome'], registers: [metrics.registry] });
  const scheduler = dspScheduler(store, pipeline, { intervalMs: config.scanIntervalMs * 5, leaseMs: config.scheduleLeaseMs }, log, { run: (outcome) => scheduleRuns.labels(outcome).inc() }, storeClock.now);
  // The rule sets in use read again in the background, so requests do not wait for them.
  const ruleRefresh = new Periodic('tad-rules-refresh', ThresholdRules.REFRESH_MS, () => thresholds.refresh(), log);
  const background = [breachScan, breachMark, heldRelease, webhookLoop, quarantineExpiry, backlogs, scheduler, ruleRefresh];

  let draining = false;
  let leaving = false;
  const app = createApp({
    pipeline, store, directory, metrics, log, budgets, cpl, policyTable: policy, registers, verifier, simulators: networks.control, thresholds, quarantine,
    adminToken: config.adminToken,
    metricsToken: config.metricsToken,
    maxBodyBytes: config.maxBodyBytes,
    bodyTimeoutMs: config.bodyTimeoutMs,
    batchMaxItems: config.batchMaxItems,
    batchMaxBytes: config.batchMaxBytes,
    importMaxBytes: config.importMaxBytes,
    migrationGating: config.migrationGating,
    draining: () => draining,
    leaving: () => leaving || draining,
    processIndex: config.processIndex,
    routerPublicKeyPem: signingKey.publicKeyPem,
    routerCertificate: certificate,
    outboxWatch,
  });
  for (const task of background) task.start();
  dccCounts.start();
  return {
    app, store, pipeline, log, metrics, verifier, directory, signingKey, certificate, simulators: networks.simulators, outboxWatch,
    draining: () => draining,
    leaving: () => leaving || draining,
    leaveRotation() {
      leaving = true;
    },
    async shutdown() {
      draining = true;
      // Pulls and feeds waiting for items answer what they have now.
      outboxWatch.close();
      const deadline = Date.now() + config.shutdownGraceMs;
      await pollUntil(() => pipeline.inflightCount === 0, deadline);
      if (pipeline.inflightCount > 0) log.warn({ inflight: pipeline.inflightCount }, 'shutdown grace period over with requests in flight');
      // The loops first: a release under way hands what it took to the networks. Each waits for
      // its pass, within the grace period: a pass cut off there (a webhook POST) is done again
      // by another instance, as after a crash.
      await untilDeadline(Promise.all(background.map((task) => task.stop())), deadline);
      // Each User's webhook delivery runs apart from the loop's passes; their leases are given up
      // for whoever comes next.
      await untilDeadline(webhook.idle(), deadline);
      await untilDeadline(webhook.releaseLeases().catch((error) => log.warn({ err: error }, 'webhook leases not given up: another instance takes them when they expire')), deadline);
      await networks.stop(deadline);
      await stats.stop();
      await dccCounts.stop();
      budgets.stop();
      lifecycle.stop();
      cpl.stop();
      policy.stop();
      registers.stop();
      await storeWatch.stop();
      await directory.stop();
      await verifier.close();
      await store.close();
      await stopTracing();
    },
  };
}

/**
 * The contract's "nothing acknowledged is lost" rests on Redis keeping what it was given: said at
 * start when it would not (deploy/redis.conf is set as it should be).
 */
async function warnOfDurability(store: RedisStore, config: RouterConfig, log: Logger): Promise<void> {
  let masters: Awaited<ReturnType<RedisStore['durability']>>;
  try {
    masters = await store.durability();
  } catch (error) {
    // INFO may be denied to the router's Redis user (ACL @dangerous): only a warning is lost.
    log.warn({ err: error }, 'Redis\'s persistence and eviction policy not checked (INFO refused)');
    return;
  }
  const evicting = [...new Set(masters.map((master) => master.maxmemoryPolicy).filter((policy) => policy !== 'noeviction'))];
  if (evicting.length > 0) {
    log.warn({ maxmemoryPolicy: evicting.join(',') },
      'Redis may evict keys when full (maxmemory-policy is not noeviction): it would drop acknowledged requests, Users and devices unseen; set maxmemory-policy noeviction, and a full Redis is refused state_unavailable instead');
  }
  if (masters.some((master) => !master.appendOnly)) {
    log.warn({ redisWaitReplicas: config.redisWaitReplicas },
      config.redisWaitReplicas > 0
        ? 'Redis keeps no append-only file (appendonly no): acknowledged requests survive a master\'s loss on its replicas, not a restart of them all'
        : 'Redis keeps no append-only file (appendonly no): a restart loses what was acknowledged since its last snapshot; set appendonly yes (deploy/redis.conf), or REDIS_WAIT_REPLICAS with replicas');
  }
}
