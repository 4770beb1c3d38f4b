import type { EgressItem, NetworkResponse } from '@dccrouter/state';
import { deviceAnswer, DeviceStates, seededRandom } from './devices/index.ts';

export { CREDIT_ALERTS, deviceAnswer, DeviceStates, PENCE_PER_KWH, seededRandom, type DeviceCommand, type DeviceState } from './devices/index.ts';

/** How a simulated network behaves; every field can be changed at run time. */
export interface SimulatorSettings {
  latencyMs: { p50: number; p99: number };
  /** SMETS1: the share of the latency spent on the SMETS1 WAN (reported, excluded from TRT). */
  wanShare: number;
  /** Share of requests answered with a network error (E20 no communications, E21 no response). */
  failureRate: number;
  /** A stalled network holds every request and answers them all when un-stalled (those in flight when it stalled included). */
  stalled: boolean;
  /** Device alerts each of this network's devices raises per hour, on average (random codes). */
  alertsPerDevicePerHour: number;
  /** SMETS1: how long an 11.3 Activate Firmware takes beyond the latency (distribution over the slow WAN). */
  firmwareActivationMs: number;
  /**
   * Seeds every random draw (latency, failures, alert codes; which devices alert, when the network
   * has no population to draw them from) and the devices' starting state: the same seed and
   * requests, the same answers. A new seed is a new estate.
   */
  seed: number;
}

export function defaultSimulatorSettings(): SimulatorSettings {
  return { latencyMs: { p50: 100, p99: 500 }, wanShare: 0.5, failureRate: 0, stalled: false, alertsPerDevicePerHour: 0, firmwareActivationMs: 2 * 3_600_000, seed: 1 };
}

/** Where a simulator hands the device alerts it raises: routed to each device's responsible Users. */
export type AlertSink = (alertCode: string, deviceIds: readonly string[], raisedAt: number) => Promise<void>;

/** The devices behind a network as the inventory has them (routed to it): the ones its alerts come from. */
export interface DevicePopulation {
  count(): Promise<number>;
  /** Up to `count` distinct ones, at random. */
  sample(count: number): Promise<string[]>;
  /** Whether this simulator raises the rate alerts now: one of the processes simulating the network does. */
  leads(): Promise<boolean>;
}

/**
 * What devices raise at random, at the configured rate (outages come in storms, raised on demand;
 * credit alerts when the credit falls below their thresholds; FIRMWARE_ACTIVATED by an 11.3).
 */
export const RANDOM_ALERT_CODES = ['TAMPER'] as const;
const ALERT_TICK_MS = 1_000;
/** Devices a network remembers having served (the ones whose alerts it raises without a population). */
const REMEMBERED_DEVICES = 1_000_000;

/** 2.326 is the standard normal's 99th percentile: a log-normal with these p50 and p99. */
const Z99 = 2.3263478740408408;

function standardNormal(random: () => number): number {
  // Box-Muller; 1 - random() keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export function sampleLatency(latency: { p50: number; p99: number }, random: () => number): number {
  if (latency.p50 === 0) return 0;
  const sigma = Math.log(latency.p99 / latency.p50) / Z99;
  return latency.p50 * Math.exp(sigma * standardNormal(random));
}

/** Where a simulator hands its responses; it retries until they are taken. */
export type ResponseSink = (response: NetworkResponse) => Promise<void>;

const SINK_RETRY_MS = 500;
/** The longest delay a timer takes (2^31 - 1 ms, about 24.8 days): the bound of the simulator's delays. */
export const TIMER_MAX_MS = 2_147_483_647;
const REMEMBERED_REQUESTS = 200_000;

/**
 * One simulated network (a CSP region, or an S1SP cohort behind the DCO). Like a device with its
 * GBCS anti-replay counter, it answers each RequestID once: a redelivered request is dropped.
 */
export class SimulatedNetwork {
  private settings: SimulatorSettings;
  private random!: () => number;
  /** The devices behind this network, keeping state between requests. */
  private devices!: DeviceStates;
  /** The RequestIDs answered or being answered, the last `rememberedRequests` of them. */
  private readonly seen = new Set<string>();
  /**
   * The same, in arrival order (a ring): the oldest is forgotten first, found in O(1). A Set's own
   * first entry is not: after deletions at its front the runtime walks the holes left there each time.
   */
  private readonly seenOrder: string[] = [];
  private seenNext = 0;
  /** Devices served, in the order first seen: where alerts come from without a population. */
  private readonly served: string[] = [];
  private readonly knownDevices = new Set<string>();
  private alertCarry = 0;
  private alerting = false;
  /** Requests that arrived while stalled: the devices act on them when un-stalled. */
  private held: EgressItem[] = [];
  /** Answers that fell due while stalled (requests in flight when it stalled): sent first when un-stalled. */
  private heldAnswers: (() => void)[] = [];
  /** Requests received and not answered yet, by RequestID: their senders renew them (holding()). */
  private readonly unanswered = new Map<string, EgressItem>();
  /** What is due in each millisecond, with one timer per millisecond that has something due. */
  private readonly due = new Map<number, { timer: ReturnType<typeof setTimeout>; runs: (() => void)[] }>();
  private closed = false;
  received = 0;
  answered = 0;

  constructor(
    readonly destination: string,
    private readonly sink: ResponseSink,
    settings: SimulatorSettings = defaultSimulatorSettings(),
    private readonly alertSink?: AlertSink,
    private readonly population?: DevicePopulation,
    /** When a response is given (epoch ms): the router's clock, on the same footing as the request's TRT start. */
    private readonly clock: () => number = Date.now,
    /** How many RequestIDs it remembers as seen (fewer in tests). */
    private readonly rememberedRequests = REMEMBERED_REQUESTS,
  ) {
    this.settings = settings;
    this.seedWith(settings.seed);
    this.scheduleAlerts();
    this.watchCredit();
  }

  /** Each destination its own sequence from the one seed. */
  private seedWith(seed: number): void {
    let mixed = seed >>> 0;
    for (let i = 0; i < this.destination.length; i++) mixed = Math.imul(mixed ^ this.destination.charCodeAt(i), 16777619);
    this.random = seededRandom(mixed);
    this.devices = new DeviceStates(seed);
  }

  get smets1(): boolean {
    return this.destination.startsWith('smets1/');
  }

  current(): SimulatorSettings {
    return { ...this.settings, latencyMs: { ...this.settings.latencyMs } };
  }

  configure(settings: SimulatorSettings): void {
    const wasStalled = this.settings.stalled;
    if (settings.seed !== this.settings.seed) this.seedWith(settings.seed);
    this.settings = settings;
    this.scheduleAlerts();
    if (wasStalled && !settings.stalled) {
      const [answers, held] = [this.heldAnswers, this.held];
      [this.heldAnswers, this.held] = [[], []];
      for (const send of answers) send();
      for (const item of held) this.answer(item, 0);
    }
  }

  async send(item: EgressItem): Promise<void> {
    const requestId = item.record.requestId;
    // One still unanswered is not new either, though forgotten by `seen` (held through a long stall).
    if (this.seen.has(requestId) || this.unanswered.has(requestId)) return;
    this.rememberSeen(requestId);
    this.remember(item.record.targetId);
    this.received++;
    this.unanswered.set(requestId, item);
    if (this.settings.stalled) this.held.push(item);
    else this.answer(item, sampleLatency(this.settings.latencyMs, this.random));
  }

  /**
   * The oldest forgotten first, one for each new one past the limit: forgetting them all at once let
   * a request just answered be redelivered and acted on twice.
   */
  private rememberSeen(requestId: string): void {
    const oldest = this.seenOrder[this.seenNext];
    if (oldest !== undefined) this.seen.delete(oldest);
    this.seenOrder[this.seenNext] = requestId;
    this.seenNext = (this.seenNext + 1) % this.rememberedRequests;
    this.seen.add(requestId);
  }

  private answer(item: EgressItem, latencyMs: number): void {
    const startedAt = Date.now();
    // The WAN share of a duration: on the monotonic clock, which a wall clock stepped back cannot make negative.
    const startedTick = performance.now();
    const record = item.record;
    // A device acts on a request when it arrives, in arrival order: what it changes applies now
    // (a read arriving later sees it, however the latencies fall); only its answer waits out the
    // latency. An 11.3's activation alone completes when it answers (`complete`).
    // A signed Pre-Command's device decodes it: what its transform leg asked (`command`).
    const { element, value } = record.command ?? { element: record.bodyElement, value: record.bodyValue };
    const device = deviceAnswer(this.devices, record.targetId, { srv: record.srv, element, value, firmwareVersion: record.firmwareVersion }, startedAt, this.smets1 ? this.settings.firmwareActivationMs ?? 0 : undefined);
    // Drawn now, in arrival order, so a seed gives the same outcomes whatever the timers do.
    const failed = this.random() < this.settings.failureRate;
    const failure = this.random() < 0.5 ? 'E20' : 'E21';
    // A failed request never reached the device: nothing changes.
    if (!failed) device.apply?.();
    this.later(latencyMs + (device.extraMs ?? 0), () => {
      // The WAN time is the latency's share (a stall after it counts against the TRT, as a held arrival's does).
      const wanMs = Math.round((performance.now() - startedTick) * this.settings.wanShare);
      if (!failed) device.complete?.();
      const send = () => {
        const response: NetworkResponse = {
          requestId: record.requestId,
          destination: this.destination,
          responseCode: failed ? failure : 'I0',
          srv: record.srv,
          at: this.clock(),
          body: failed ? {} : device.body,
        };
        if (this.smets1) response.wanMs = wanMs;
        this.deliver(response);
        if (!failed && device.alertCode) this.raise(device.alertCode, [record.targetId]);
      };
      // Stalled since it arrived: the network holds its answer (and the alert it carries) too.
      if (this.settings.stalled) this.heldAnswers.push(send);
      else send();
    });
  }

  private deliver(response: NetworkResponse): void {
    this.sink(response).then(
      () => {
        this.answered++;
        this.unanswered.delete(response.requestId);
      },
      () => this.later(SINK_RETRY_MS, () => this.deliver(response)),
    );
  }

  /**
   * Runs `run` in `ms` milliseconds. Answers due in the same millisecond share one timer: a network
   * answering thousands of requests a second would otherwise keep a timer for each.
   */
  private later(ms: number, run: () => void): void {
    if (this.closed) return;
    // Past 2^31 - 1 ms timers fire after 1 ms; a sampled latency can be far past its p99.
    const at = Math.ceil(Date.now() + Math.min(ms, TIMER_MAX_MS));
    const slot = this.due.get(at);
    if (slot) {
      slot.runs.push(run);
      return;
    }
    const timer = setTimeout(() => {
      const runs = this.due.get(at)!.runs;
      this.due.delete(at);
      for (const each of runs) each();
    }, Math.max(0, at - Date.now()));
    this.due.set(at, { timer, runs: [run] });
  }

  private remember(deviceId: string): void {
    if (this.knownDevices.has(deviceId) || this.knownDevices.size >= REMEMBERED_DEVICES) return;
    this.knownDevices.add(deviceId);
    this.served.push(deviceId);
  }

  /** Devices this network has served (alerts come from them). */
  get deviceCount(): number {
    return this.served.length;
  }

  /** `count` distinct devices, at random (a partial Fisher-Yates shuffle of their indexes, the moved ones in a map). */
  private sample(count: number): string[] {
    if (count >= this.served.length) return [...this.served];
    const picked = new Map<number, number>();
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(this.random() * (this.served.length - i));
      const atI = picked.get(i) ?? i;
      const atJ = picked.get(j) ?? j;
      picked.set(i, atJ);
      picked.set(j, atI);
      out.push(this.served[atJ]);
    }
    return out;
  }

  /** At the configured rate: each tick raises the expected number of alerts (fractions carried over). */
  private scheduleAlerts(): void {
    if (this.alerting || !this.alertSink || !(this.settings.alertsPerDevicePerHour > 0)) return;
    this.alerting = true;
    this.later(ALERT_TICK_MS, () => {
      // A tick whose population cannot be read (the store away) raises nothing: they are random, the next raises more.
      void this.raiseRandomAlerts().catch(() => undefined).finally(() => {
        this.alerting = false;
        this.scheduleAlerts();
      });
    });
  }

  /** One tick's share: from the inventory's devices of this network when it has a population, else from those it served. */
  private async raiseRandomAlerts(): Promise<void> {
    if (this.population && !(await this.population.leads())) return;
    const devices = this.population ? await this.population.count() : this.served.length;
    this.alertCarry += (devices * this.settings.alertsPerDevicePerHour * ALERT_TICK_MS) / 3_600_000;
    // One alert per device a tick at most (a sample is of distinct devices): 3,600 an hour, the schema's cap.
    const due = Math.min(Math.floor(this.alertCarry), devices);
    this.alertCarry -= due;
    // A rate past the cap (set in code) can make the carry Infinity or NaN, which would stop the alerts for good.
    if (!Number.isFinite(this.alertCarry) || this.alertCarry >= devices) this.alertCarry = 0;
    if (!(due > 0)) return;
    const raising = this.population ? await this.population.sample(due) : this.sample(due);
    // A failed hand-off loses those alerts, as above.
    this.raiseEach(raising.map((deviceId) => ({ deviceId, alertCode: RANDOM_ALERT_CODES[Math.floor(this.random() * RANDOM_ALERT_CODES.length)] })));
  }

  /** Every tick, the credit alerts of devices whose credit fell below a threshold since the last. */
  private watchCredit(): void {
    if (!this.alertSink) return;
    this.later(ALERT_TICK_MS, () => {
      this.raiseEach(this.devices.creditAlertsDue(Date.now()));
      this.watchCredit();
    });
  }

  /** Device alerts handed to the sink together by code, one hand-off each, in the order first raised. */
  private raiseEach(alerts: Iterable<{ deviceId: string; alertCode: string }>): void {
    const byCode = new Map<string, string[]>();
    for (const { deviceId, alertCode } of alerts) {
      const deviceIds = byCode.get(alertCode);
      if (deviceIds) deviceIds.push(deviceId);
      else byCode.set(alertCode, [deviceId]);
    }
    for (const [code, deviceIds] of byCode) this.raise(code, deviceIds);
  }

  /** A device alert handed to the sink; one it cannot take is lost, as an alert the WAN loses. */
  private raise(alertCode: string, deviceIds: string[]): void {
    void this.alertSink?.(alertCode, deviceIds, Date.now()).catch(() => undefined);
  }

  /** Requests received and not answered yet (held while stalled, or waiting out their latency). */
  get pending(): number {
    return this.unanswered.size;
  }

  /** Those requests themselves, as they were sent. */
  holding(): EgressItem[] {
    return [...this.unanswered.values()];
  }

  close(): void {
    this.closed = true;
    for (const { timer } of this.due.values()) clearTimeout(timer);
    this.due.clear();
    this.unanswered.clear();
    this.held = [];
    this.heldAnswers = [];
  }
}
