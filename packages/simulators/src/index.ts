import type { EgressItem, NetworkResponse } from '@dccrouter/state';

/** How a simulated network behaves; every field can be changed at run time. */
export interface SimulatorSettings {
  latencyMs: { p50: number; p99: number };
  /** SMETS1: the share of the latency spent on the SMETS1 WAN (reported, excluded from TRT). */
  wanShare: number;
  /** Share of requests answered with a network error (E20 no communications, E21 no response). */
  failureRate: number;
  /** A stalled network holds every request and answers them all when un-stalled. */
  stalled: boolean;
}

export function defaultSimulatorSettings(): SimulatorSettings {
  return { latencyMs: { p50: 100, p99: 500 }, wanShare: 0.5, failureRate: 0, stalled: false };
}

/** 2.326 is the standard normal's 99th percentile: a log-normal with these p50 and p99. */
const Z99 = 2.3263478740408408;

function standardNormal(random: () => number): number {
  // Box-Muller; 1 - random() keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export function sampleLatency(latency: { p50: number; p99: number }, random: () => number = Math.random): number {
  if (latency.p50 === 0) return 0;
  const sigma = Math.log(latency.p99 / latency.p50) / Z99;
  return latency.p50 * Math.exp(sigma * standardNormal(random));
}

/** Where a simulator hands its responses; it retries until they are taken. */
export type ResponseSink = (response: NetworkResponse) => Promise<void>;

const SINK_RETRY_MS = 500;
const REMEMBERED_REQUESTS = 200_000;

/**
 * One simulated network (a CSP region, or an S1SP cohort behind the DCO). Like a device with its
 * GBCS anti-replay counter, it answers each RequestID once: a redelivered request is dropped.
 */
export class SimulatedNetwork {
  private settings: SimulatorSettings;
  private readonly seen = new Set<string>();
  private held: EgressItem[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;
  received = 0;
  answered = 0;

  constructor(
    readonly destination: string,
    private readonly sink: ResponseSink,
    settings: SimulatorSettings = defaultSimulatorSettings(),
    private readonly random: () => number = Math.random,
  ) {
    this.settings = settings;
  }

  get smets1(): boolean {
    return this.destination.startsWith('smets1/');
  }

  current(): SimulatorSettings {
    return { ...this.settings, latencyMs: { ...this.settings.latencyMs } };
  }

  configure(settings: SimulatorSettings): void {
    const wasStalled = this.settings.stalled;
    this.settings = settings;
    if (wasStalled && !settings.stalled) {
      const held = this.held;
      this.held = [];
      for (const item of held) this.answer(item, 0);
    }
  }

  async send(item: EgressItem): Promise<void> {
    const requestId = item.record.requestId;
    if (this.seen.has(requestId)) return;
    if (this.seen.size >= REMEMBERED_REQUESTS) this.seen.clear();
    this.seen.add(requestId);
    this.received++;
    if (this.settings.stalled) this.held.push(item);
    else this.answer(item, sampleLatency(this.settings.latencyMs, this.random));
  }

  private answer(item: EgressItem, latencyMs: number): void {
    const startedAt = Date.now();
    this.later(latencyMs, () => {
      const failed = this.random() < this.settings.failureRate;
      const record = item.record;
      const total = Date.now() - startedAt;
      const response: NetworkResponse = {
        requestId: record.requestId,
        destination: this.destination,
        responseCode: failed ? (this.random() < 0.5 ? 'E20' : 'E21') : 'I0',
        at: Date.now(),
        body: failed ? {} : { simulated: { destination: this.destination, srv: record.srv, element: record.bodyElement } },
      };
      if (this.smets1) response.wanMs = Math.round(total * this.settings.wanShare);
      this.deliver(response);
    });
  }

  private deliver(response: NetworkResponse): void {
    this.sink(response).then(
      () => void this.answered++,
      () => this.later(SINK_RETRY_MS, () => this.deliver(response)),
    );
  }

  private later(ms: number, run: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  /** Requests received and not answered yet (held while stalled, or waiting out their latency). */
  get pending(): number {
    return this.received - this.answered;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
