import { readFileSync } from 'node:fs';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** How a request came in: HTTP by its format, a batch item, or gRPC. */
export type Transport = 'http-json' | 'http-protobuf' | 'http-xml' | 'http' | 'http-batch' | 'grpc';

/** The router's Prometheus metrics, one registry per router instance (tests run several). */
export class RouterMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'dccrouter_service_requests_total',
    help: 'Service Requests answered, by outcome (I99, I0, replayed, or the refusal reason) and transport (http-json, http-protobuf, http: a Content-Type neither names, http-xml, http-batch, grpc)',
    labelNames: ['outcome', 'transport'] as const,
    registers: [this.registry],
  });

  readonly latency = new Histogram({
    name: 'dccrouter_service_request_duration_seconds',
    help: 'Time from the request\'s arrival at its route (HTTP: before its body is read; a batch item: once its batch is read and authenticated; gRPC: the message) to its answer',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly directoryLookups = new Counter({
    name: 'dccrouter_directory_lookups_total',
    help: 'User and device lookups on the request path, by kind and whether the in-process cache had them (a miss reads the store)',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });

  readonly backgroundFailures = backgroundFailuresCounter(this.registry);

  readonly adminUnauthorized = new Counter({
    name: 'dccrouter_admin_unauthorized_total',
    help: "Operators' API calls refused for a missing or wrong bearer token",
    registers: [this.registry],
  });

  readonly devicesImported = new Counter({
    name: 'dccrouter_devices_imported_total',
    help: 'Devices written by the NDJSON import',
    registers: [this.registry],
  });

  constructor(sources: { verifyQueueDepth: () => number; verifyHandoffs: () => { tasks: number; signatures: number; inline: number }; pipelineStages: () => { stage: string; seconds: number; requests: number }[]; inflight: () => number; verifyThreads: number }) {
    // Process CPU, memory, file descriptors, GC and event-loop lag (perf_hooks, which Bun has too).
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    // The outcomes the deploy kit alerts on, exported at 0 from the start: a series that first
    // appears at 1 has no increase() in Prometheus, so the first internal error would never alert.
    seeded(this.requests, (['http-json', 'http-protobuf', 'http-xml', 'http-batch', 'grpc'] satisfies Transport[])
      .flatMap((transport) => ['internal_error', 'state_unavailable', 'outcome_unknown', 'overloaded'].map((outcome) => [outcome, transport])));
    // Under Bun, v8.getHeapSpaceStatistics() walks the whole heap: about 150 ms with 2M objects,
    // a stall of every request in flight at each scrape. The heap's size stays (nodejs_heap_size_*).
    if (typeof Bun !== 'undefined') for (const name of HEAP_SPACE_METRICS) this.registry.removeSingleMetric(name);
    new Gauge({
      name: 'dccrouter_build_info',
      help: 'Always 1: the router version, runtime and the commit it was built from (GIT_COMMIT when set)',
      labelNames: ['version', 'runtime', 'commit'] as const,
      registers: [this.registry],
      aggregator: 'first',
    }).labels(VERSION, typeof Bun !== 'undefined' ? `bun ${Bun.version}` : `node ${process.version}`, process.env.GIT_COMMIT ?? 'unknown').set(1);
    new Gauge({
      name: 'dccrouter_verify_queue_depth',
      help: 'Signatures waiting for or under verification in the worker pool',
      registers: [this.registry],
      collect() {
        this.set(sources.verifyQueueDepth());
      },
    });
    // Totals kept by the verifier and the pipeline as plain numbers (no metric call per request), read when scraped.
    // A value with a label is the sample of that stage (the only label these counters have).
    const readCounter = (name: string, help: string, read: () => { label?: string; value: number }[]) => new Counter({
      name, help, labelNames: ['stage'], registers: [this.registry],
      collect() {
        this.reset();
        for (const { label, value } of read()) (label === undefined ? this : this.labels(label)).inc(value);
      },
    });
    readCounter('dccrouter_verify_handoffs_total', 'Tasks handed to the signature workers (signatures / hand-offs = the batch size)', () => [{ value: sources.verifyHandoffs().tasks }]);
    readCounter('dccrouter_verify_handed_off_signatures_total', 'Signatures handed to the signature workers', () => [{ value: sources.verifyHandoffs().signatures }]);
    readCounter('dccrouter_verify_inline_signatures_total', 'Lone signatures checked on the main thread while the signature workers were idle (a hand-off would cost more)', () => [{ value: sources.verifyHandoffs().inline }]);
    readCounter('dccrouter_pipeline_stage_seconds_total', 'Wall time requests spent in each pipeline step (user, authenticate, lookups, decide, record): where they wait',
      () => sources.pipelineStages().map(({ stage, seconds }) => ({ label: stage, value: seconds })));
    readCounter('dccrouter_pipeline_stage_requests_total', 'Requests through each pipeline step (the divisor of dccrouter_pipeline_stage_seconds_total)',
      () => sources.pipelineStages().map(({ stage, requests }) => ({ label: stage, value: requests })));
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

  private readonly byOutcome = childrenOf(this.requests);
  private exposeAll?: () => Promise<string>;

  /** This process's own metrics, to be summed with its siblings' (several processes on one port). */
  async ownMetrics(): Promise<ProcessMetrics> {
    return this.registry.getMetricsAsJSON();
  }

  /**
   * With several processes on one port, a scrape reaches any of them: each then shows every
   * process's metrics summed (gauges of shared state by their maximum), so counters never seem to
   * reset as scrapes land on one process, then another.
   */
  exposeWith(all: () => Promise<string>): void {
    this.exposeAll = all;
  }

  /** The Prometheus text `/metrics` serves. */
  exposition(): Promise<string> {
    return this.exposeAll ? this.exposeAll() : this.registry.metrics();
  }

  observe(outcome: string, startedAt: number, transport: Transport): void {
    this.byOutcome(outcome, transport).inc();
    this.latency.observe((performance.now() - startedAt) / 1000);
  }

  /** A request answered where its latency is not known (a fault ended its handler). */
  count(outcome: string, transport: Transport, requests = 1): void {
    this.byOutcome(outcome, transport).inc(requests);
  }
}

const HEAP_SPACE_METRICS = ['total', 'used', 'available'].map((kind) => `nodejs_heap_space_size_${kind}_bytes`);

/**
 * A labelled metric's children, each made once: prom-client hashes the label set on every
 * `inc({ ... })`, a cost paid per request on the hot path. Only for small, bounded label sets.
 * A counter's children count in a plain number, added to the counter when it is read (scraped):
 * prom-client hashes and validates the labels on every `inc`, even a child's.
 */
export function childrenOf<Child>(metric: { labels(...values: string[]): Child }): (...values: string[]) => Child {
  const make = metric instanceof Counter ? bufferedChildren(metric) : (values: string[]) => metric.labels(...values);
  return madeOnce((...values) => make(values) as Child);
}

/**
 * `make` for each list of values, made once and remembered (a small, bounded set of them). A map
 * per value, not one keyed by the values joined: a joined key is a new string to hash every time.
 */
export function madeOnce<T>(make: (...values: string[]) => T): (...values: string[]) => T {
  const root = new Map<string, unknown>();
  return (...values) => {
    let level = root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = level.get(values[i]) as Map<string, unknown> | undefined;
      if (!next) level.set(values[i], (next = new Map()));
      level = next;
    }
    let made = level.get(values[last]) as T | undefined;
    if (made === undefined) level.set(values[last], (made = make(...values)));
    return made;
  };
}

function bufferedChildren(counter: Counter<string>): (values: string[]) => { inc(value?: number): void } {
  const children: { values: string[]; pending: number }[] = [];
  onCollect(counter, () => {
    for (const child of children) {
      if (child.pending === 0) continue;
      counter.labels(...child.values).inc(child.pending);
      child.pending = 0;
    }
  });
  return (values) => {
    const child = { values: [...values], pending: 0 };
    children.push(child);
    return {
      inc(value = 1) {
        child.pending += value;
      },
    };
  };
}

/** Runs `apply` whenever prom-client reads the metric (it calls the metric's `collect` then), before the metric's own. */
function onCollect(metric: Counter<string>, apply: () => void): void {
  const readable = metric as unknown as { collect?: () => unknown };
  const collect = readable.collect;
  readable.collect = function (this: unknown) {
    apply();
    return collect?.call(this);
  };
}

/** Observations made in one event-loop turn when many are recorded at once (about 1.4 ms). */
const OBSERVATIONS_PER_TURN = 10_000;

/** A threshold's usage peak is shown for this period and the next: a scrape a minute apart sees it. */
const USAGE_PEAK_PERIOD_MS = 60_000;

/** Upper bounds of the breach detection-lag buckets, in seconds. */
const BREACH_LAG_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 60, 120, 300];

/**
 * What the store watch and clock see. Every process of a host measures the same store the same
 * way, so across processes the offset is their average and a loss counted once (the most any
 * process counted), not N times.
 */
export function storeWatchMetrics(registry: Registry) {
  return {
    clockOffset: clockOffsetGauge(registry),
    storeDataLost: new Counter({
      name: 'dccrouter_store_data_lost_total', help: 'Times this process found the state store emptied under it (a Redis restarted without persistence, flushed, or evicting keys): what it held before is gone',
      aggregator: 'max', registers: [registry],
    }),
  };
}

/** This process's clock less the store's: a router's, and the networks process's, which times responses by it. */
export function clockOffsetGauge(registry: Registry): Gauge {
  return new Gauge({
    name: 'dccrouter_clock_offset_seconds', help: 'This process\'s clock less the state store\'s (Redis TIME), measured every DIRECTORY_SYNC_MS (the networks process: every second): deadlines are judged by the earlier of the two',
    aggregator: 'average', registers: [registry],
  });
}

/** Failed runs of background tasks, by task: a router's, and the networks process's (npm run networks). */
export function backgroundFailuresCounter(registry: Registry) {
  return new Counter({
    name: 'dccrouter_background_task_failures_total',
    help: 'Runs of a background task that failed (each is logged, at most once per 10 s per task), by task: trt-breach-scan, future-dated-release, webhook-delivery, directory-sync, egress, store-clock, ...',
    labelNames: ['task'] as const,
    registers: [registry],
  });
}

/** A counter with the label sets the deploy kit alerts on exported at 0 (see RouterMetrics's constructor). */
function seeded<T extends Counter<string>>(counter: T, labelSets: string[][]): T {
  for (const labels of labelSets) counter.labels(...labels).inc(0);
  return counter;
}

/** Metrics of what happens after acknowledgement: egress, responses, TRT, delivery. */
export function lifecycleMetrics(registry: Registry) {
  const registers = [registry];
  // Each threshold's highest count over limit in this period and the last: with many Users
  // counting against the same rule, the last one seen would hide one close to quarantining. By
  // period, not since the last scrape, so that every scraper (a Prometheus pair) sees the same
  // peak. Each rule's peak is made once (no key built per request); -1 while nothing counted.
  const usagePeaks: { labels: [string, string, string]; ratio: number; previous: number }[] = [];
  const usagePeakOf = madeOnce((scope, srv, window) => {
    const peak = { labels: [scope, srv, window] as [string, string, string], ratio: -1, previous: -1 };
    usagePeaks.push(peak);
    return peak;
  });
  const rotation = setInterval(() => {
    for (const peak of usagePeaks) [peak.previous, peak.ratio] = [peak.ratio, -1];
  }, USAGE_PEAK_PERIOD_MS);
  rotation.unref();
  const breachLag = new Histogram({
    name: 'dccrouter_trt_breach_detection_lag_seconds',
    help: 'From a request\'s breach check time to its breach being marked',
    buckets: BREACH_LAG_BUCKETS,
    registers,
  });
  return {
    breachLag,
    /** The detection-lag bounds (ms) a claim counts marked breaches by (StateStore.claimBreaches). */
    breachLagBoundsMs: BREACH_LAG_BUCKETS.map((seconds) => seconds * 1000),
    /**
     * Breaches marked in bulk, known by how many had a lag up to each bound (cumulative, as
     * breachLagBoundsMs): each is observed at its bucket's upper bound (past the last, at twice
     * it), so the buckets and count are exact and the sum is an upper bound.
     */
    async observeBreachLags(lagCounts: readonly number[], count: number): Promise<void> {
      let below = 0;
      let observed = 0;
      for (let i = 0; i <= lagCounts.length; i++) {
        const upTo = i < lagCounts.length ? lagCounts[i] : count;
        const seconds = i < BREACH_LAG_BUCKETS.length ? BREACH_LAG_BUCKETS[i] : 2 * BREACH_LAG_BUCKETS.at(-1)!;
        for (let n = below; n < upTo; n++) {
          breachLag.observe(seconds);
          // prom-client has no weighted observe, and a million take 0.14 s: requests go on in between.
          if (++observed % OBSERVATIONS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        below = Math.max(below, upTo);
      }
    },
    alertLag: new Histogram({
      name: 'dccrouter_trt_alert_lag_seconds',
      help: 'From a breached request\'s check time to its TRT alert queued (with the mark, or after it when marked in bulk)',
      buckets: BREACH_LAG_BUCKETS,
      registers,
    }),
    redelivered: new Counter({
      name: 'dccrouter_egress_redelivered_total',
      help: 'Requests sent again: recovered (this process\'s, taken by a claim whose answer was lost) or reclaimed (another\'s, unanswered past EGRESS_REDELIVER_MS)',
      labelNames: ['how'] as const,
      registers,
    }),
    forwarded: new Counter({
      name: 'dccrouter_egress_forwarded_total',
      help: 'Requests handed to their network, by destination',
      labelNames: ['destination'] as const,
      registers,
    }),
    responses: new Counter({
      name: 'dccrouter_network_responses_total',
      help: 'Network responses recorded (duplicates dropped), by destination and response code',
      labelNames: ['destination', 'code'] as const,
      registers,
    }),
    heldRefused: new Counter({
      name: 'dccrouter_held_refused_total',
      help: 'DSP-held future-dated requests refused when their time came (judged again: a meter lost, a User suspended, ...), by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    trtJudged: new Counter({
      name: 'dccrouter_trt_responses_total',
      help: 'Responses judged against their TRT, by class, destination and whether within it (in-TRT share = within="true" / all)',
      labelNames: ['class', 'destination', 'within'] as const,
      registers,
    }),
    trtElapsed: new Histogram({
      name: 'dccrouter_trt_elapsed_seconds',
      help: 'TRT-measured time of responded requests (SMETS1 without the WAN share), by class and destination',
      labelNames: ['class', 'destination'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 30, 60, 300, 3600, 86400],
      registers,
    }),
    breaches: new Counter({
      name: 'dccrouter_trt_breaches_total',
      help: 'Requests marked breached at their deadline without a response (SMETS1: at the WAN limit), by TRT class and destination',
      labelNames: ['class', 'destination'] as const,
      registers,
    }),
    breachesRetracted: new Counter({
      name: 'dccrouter_trt_breaches_retracted_total',
      help: 'Breaches the deadline scan marked whose response had come in time, recorded after the scan: taken back (not breaches), by TRT class and destination',
      labelNames: ['class', 'destination'] as const,
      registers,
    }),
    overdue: new Counter({
      name: 'dccrouter_trt_overdue_total',
      help: 'SMETS1 requests without a response past their deadline plus the WAN allowance: provisional, their response decides',
      registers,
    }),
    tadBreaches: seeded(new Counter({
      name: 'dccrouter_tad_breaches_total',
      help: 'Threshold Anomaly Detection breaches, by kind (user, dcc, value) and action (quarantined, detected, deleted, shadow)',
      labelNames: ['kind', 'action'] as const,
      registers,
    }), ['user', 'dcc', 'value'].map((kind) => [kind, 'quarantined'])),
    tadUsage: new Gauge({
      name: 'dccrouter_tad_threshold_usage_ratio',
      aggregator: 'max',
      help: 'Highest count over limit of each threshold in the last one to two minutes, of any User for scope user (near 1: close to quarantining), by scope, SRV and window; absent when nothing counted',
      labelNames: ['scope', 'srv', 'window_seconds'] as const,
      registers,
      collect() {
        this.reset();
        for (const peak of usagePeaks) {
          const ratio = Math.max(peak.ratio, peak.previous);
          if (ratio >= 0) this.labels(...peak.labels).set(ratio);
        }
      },
    }),
    /** Stops the usage peaks' rotation (the router's shutdown). */
    stop(): void {
      clearInterval(rotation);
    },
    /** A count against a threshold: kept if it is the highest of its period. */
    tadUsageSeen(scope: string, srv: string, windowSeconds: number, ratio: number): void {
      const peak = usagePeakOf(scope, srv, String(windowSeconds));
      if (ratio > peak.ratio) peak.ratio = ratio;
    },
    tadReconciliations: new Counter({
      name: 'dccrouter_tad_reconciliations_total',
      help: 'Reconciliations of the in-process DCC-wide threshold counts with the shared counters that completed (every TAD_SYNC_MS)',
      registers,
    }),
    quarantineExpired: new Counter({ name: 'dccrouter_quarantine_expired_total', help: 'Quarantined requests deleted unreleased at their expiry', registers }),
    webhookDelivered: new Counter({ name: 'dccrouter_webhook_delivered_total', help: 'Outbound items acknowledged (2xx) by Users\' endpoints', registers }),
    webhookFailed: new Counter({ name: 'dccrouter_webhook_failures_total', help: 'Webhook attempts that failed (retried with backoff)', registers }),
    webhookDeadLettered: new Counter({ name: 'dccrouter_webhook_dead_lettered_total', help: 'Outbound items given up after the last retry', registers }),
  };
}

export type LifecycleMetrics = ReturnType<typeof lifecycleMetrics>;

/** One process's metrics as prom-client gives them (JSON), for summing across processes. */
export type ProcessMetrics = MetricObjectWithValues<MetricValue<string>>[];

/** Several processes' metrics as one registry: counters and histograms summed, gauges by their `aggregator`. */
export function aggregatedRegistry(processes: readonly ProcessMetrics[]): Registry {
  return AggregatorRegistry.aggregate(processes as ProcessMetrics[]);
}

/** The same as Prometheus text. */
export function aggregatedText(processes: readonly ProcessMetrics[]): Promise<string> {
  return aggregatedRegistry(processes).metrics();
}

/** Metrics that only count up (counters, histograms): what a process that has gone still adds to the sums; its gauges go with it. */
export function isCounted(metric: ProcessMetrics[number]): boolean {
  // Typed as an enum, given as its name (prom-client's JSON).
  const type = String(metric.type);
  return type === 'counter' || type === 'histogram';
}
