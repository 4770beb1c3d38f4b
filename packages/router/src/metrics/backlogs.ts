import type { StateStore } from '@dccrouter/state';
import { Gauge, type Registry } from 'prom-client';
import { Periodic } from '../background/index.ts';
import type { Logger } from '../log/index.ts';

/** How often the shared backlogs are read: a few commands each time, never on the request path. */
const SAMPLE_MS = 5_000;
/** Users named in the outbox lag gauge: the most behind, so its label set stays bounded. */
const LAGGARDS = 10;

/**
 * Samples what waits in the shared store: requests queued for each destination and not yet
 * answered, and how far behind webhook delivery is for the Users most behind.
 */
export function sampleBacklogs(store: StateStore, registry: Registry, destinations: readonly string[], log: Logger): Periodic {
  return new Periodic('backlog-metrics', SAMPLE_MS, backlogSampler(store, registry, destinations), log);
}

/** One sample of the backlogs into their gauges (registered in `registry`). */
export function backlogSampler(store: StateStore, registry: Registry, destinations: readonly string[]): () => Promise<void> {
  const egress = new Gauge({
    name: 'dccrouter_egress_backlog', help: 'Requests queued for a destination and not yet answered (waiting, or with the network), by destination',
    labelNames: ['destination'] as const, registers: [registry], aggregator: 'max',
  });
  const lag = new Gauge({
    name: 'dccrouter_outbox_lag_seconds', help: `Age of the oldest item not yet delivered by webhook, for the ${LAGGARDS} Users most behind`,
    labelNames: ['user'] as const, registers: [registry], aggregator: 'max',
  });
  const behind = new Gauge({ name: 'dccrouter_outbox_backlog_users', help: 'Users with items waiting for webhook delivery', registers: [registry], aggregator: 'max' });
  return async () => {
    try {
      for (const [destination, count] of Object.entries(await store.egressBacklog(destinations))) egress.labels(destination).set(count);
      const users = await store.webhookBacklog();
      behind.set(users.length);
      const ages = Object.entries(await store.outboxLag(users, Date.now())).sort((a, b) => b[1] - a[1]).slice(0, LAGGARDS);
      lag.reset();
      for (const [user, ms] of ages) lag.labels(user).set(ms / 1000);
    } catch (error) {
      // Not sampled: no figures rather than the last ones, which would say all is well through an outage.
      egress.reset();
      lag.reset();
      // A gauge without labels is always shown: NaN, not a count.
      behind.set(Number.NaN);
      throw error;
    }
  };
}
