import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The router's Prometheus metrics, one registry per router instance (tests run several). */
export class RouterMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'dccrouter_service_requests_total',
    help: 'Service Requests answered, by outcome (I99, I0, replayed, or the refusal reason)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly latency = new Histogram({
    name: 'dccrouter_service_request_duration_seconds',
    help: 'Time from the body being read to the answer, per request',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly devicesImported = new Counter({
    name: 'dccrouter_devices_imported_total',
    help: 'Devices written by the NDJSON import',
    registers: [this.registry],
  });

  constructor(sources: { verifyQueueDepth: () => number; inflight: () => number; verifyThreads: number }) {
    new Gauge({
      name: 'dccrouter_verify_queue_depth',
      help: 'Signatures waiting for or under verification in the worker pool',
      registers: [this.registry],
      collect() {
        this.set(sources.verifyQueueDepth());
      },
    });
    new Gauge({
      name: 'dccrouter_inflight_requests',
      help: 'Service Requests inside the pipeline',
      registers: [this.registry],
      collect() {
        this.set(sources.inflight());
      },
    });
    new Gauge({
      name: 'dccrouter_verify_threads',
      help: 'Signature verification worker threads',
      registers: [this.registry],
    }).set(sources.verifyThreads);
  }

  observe(outcome: string, startedAt: number): void {
    this.requests.inc({ outcome });
    this.latency.observe((performance.now() - startedAt) / 1000);
  }
}
