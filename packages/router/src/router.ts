import { compilePolicy } from '@dccrouter/domain';
import { createStore, type StateStore } from '@dccrouter/state';
import type { Hono } from 'hono';
import { SignatureVerifier } from './auth/verifier.ts';
import type { RouterConfig } from './config/index.ts';
import { seedDemo } from './demo/index.ts';
import { createApp } from './edge/app.ts';
import { createLogger, type Logger } from './log/index.ts';
import { RouterMetrics } from './metrics/index.ts';
import { ServiceRequestPipeline } from './pipeline/index.ts';
import { TrtBudgetTable } from './trt/budgets.ts';

export interface Router {
  app: Hono;
  store: StateStore;
  pipeline: ServiceRequestPipeline;
  log: Logger;
  /** Stops taking new work, answers what is in flight (up to the grace period), then releases everything. */
  shutdown(): Promise<void>;
}

/** Assembles a router from its configuration; `main.ts` puts it behind a server. */
export async function createRouter(config: RouterConfig, log: Logger = createLogger(config.logLevel)): Promise<Router> {
  const store = await createStore({ redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix, requestRetentionSeconds: config.requestRetentionSeconds });
  if (config.seedDemo) await seedDemo(store);
  const budgets = new TrtBudgetTable(store);
  await budgets.start();
  const verifier = new SignatureVerifier({ threads: config.verifyThreads, batchMax: config.verifyBatchMax });
  const pipeline = new ServiceRequestPipeline({
    store, verifier, budgets, policy: compilePolicy(), verifySignatures: config.verifySignatures, maxInflight: config.maxInflight,
  });
  const metrics = new RouterMetrics({ verifyQueueDepth: () => verifier.depth, inflight: () => pipeline.inflightCount, verifyThreads: verifier.threads });
  let draining = false;
  const app = createApp({
    pipeline, store, metrics, log, budgets,
    adminToken: config.adminToken,
    maxBodyBytes: config.maxBodyBytes,
    batchMaxItems: config.batchMaxItems,
    batchMaxBytes: config.batchMaxBytes,
    importMaxBytes: config.importMaxBytes,
    draining: () => draining,
  });
  return {
    app, store, pipeline, log,
    async shutdown() {
      draining = true;
      const deadline = Date.now() + config.shutdownGraceMs;
      while (pipeline.inflightCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      if (pipeline.inflightCount > 0) log.warn({ inflight: pipeline.inflightCount }, 'shutdown grace period over with requests in flight');
      budgets.stop();
      await verifier.close();
      await store.close();
    },
  };
}
