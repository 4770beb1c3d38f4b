import type { EgressItem, NetworkResponse, ReleaseHandOver, ResponseOutcome, StateStore } from '@dccrouter/state';
import { taskFailureReporter, throttledWarn, type Logger } from '../log/index.ts';

/** A downstream network as the router sees it: it takes requests; responses come back separately. */
export interface NetworkAdapter {
  readonly destination: string;
  send(item: EgressItem): Promise<void>;
  /** What it was sent and has not answered yet: renewed, so not sent again elsewhere meanwhile. */
  holding?(): EgressItem[];
}

/** Held requests renewed per store call: a stalled network may hold many thousands. */
const RENEW_CHUNK = 2_000;

/**
 * How often, and after how long idle, this consumer's own entries that no network of its holds
 * are sent (a claim's lost answer took them): well within a SMETS2+ request's 30 s TRT, and long
 * after an answered entry's response is recorded (which removes it).
 */
const RECOVER_OWN_MS = 3_000;

/**
 * What the request path needs of egress: a request whose network runs in this process goes to it
 * as soon as it is recorded (Acceptance.egress.forwardedAt), not through its queue.
 */
export interface DirectEgress {
  /** Whether a request for `destination` is handed over at acknowledgement now. */
  takesNow(destination: string): boolean;
  /** Sends a request recorded as handed over; a send that fails leaves it leased, sent again after the redelivery delay. */
  handOver(item: EgressItem): void;
  /** What a release of held requests may lease to this process to send now (StateStore.settleHeld); undefined: none. */
  releaseHandOver(): ReleaseHandOver | undefined;
}

/**
 * Hand-overs whose send has not finished: past this many (a slow network), requests go through
 * their queue again, where the claim's batch size paces them.
 */
const MAX_HAND_OVERS_IN_FLIGHT = 10_000;

export interface EgressOptions {
  consumer: string;
  /** Requests taken per partition and poll. */
  batch: number;
  /** A request taken but not answered for this long is sent again (its router may have died). */
  redeliverAfterMs: number;
  /** How long one claim waits for new requests when there are none (a blocking read on Redis). */
  idlePollMs: number;
  /**
   * After a claim that found requests, how long to let more gather before the next: a few ms of
   * latency buys claims of many requests at a time instead of one each.
   */
  lingerMs: number;
  /** Hand requests for these networks over at acknowledgement (DirectEgress); otherwise every one is queued. */
  handOver: boolean;
  /** Hand-overs whose send may be unfinished at once; MAX_HAND_OVERS_IN_FLIGHT unless told. */
  maxHandOversInFlight?: number;
}

/**
 * Moves acknowledged requests from their destination's durable queue to its network. Each entry
 * stays pending until its response is recorded, so a crash anywhere between acknowledgement and
 * response loses nothing: another router (or this one, restarted) sends it again.
 */
export class EgressDispatcher implements DirectEgress {
  private running = false;
  private handOversInFlight = 0;
  private loop?: Promise<void>;
  private readonly adapters: Map<string, NetworkAdapter>;
  /** A store outage fails every cycle: counted, and logged once per 10 s with how many failed meanwhile. */
  private readonly cycleFailed: ReturnType<typeof taskFailureReporter>;
  /** Some of a cycle's sends failed (not the cycle): logged once per 10 s, not counted as the task's failure. */
  private readonly sendsFailed: ReturnType<typeof throttledWarn>;
  // Intervals on the monotonic clock: a wall clock stepped back (an NTP correction) would stop the
  // renewals, and other routers would take over what the networks still hold.
  private lastReclaim = -Infinity;
  private lastRecovery = performance.now();
  private lastRenewal = performance.now();
  forwarded = 0;

  constructor(
    private readonly store: StateStore,
    adapters: readonly NetworkAdapter[],
    private readonly options: EgressOptions,
    private readonly log: Logger,
    private readonly onForwarded: (count: number, destination: string) => void = () => {},
    /** Sent again: `recovered` (this consumer's, taken by a claim whose answer was lost) or `reclaimed` (another's, unanswered past the redelivery delay). */
    private readonly onRedelivered: (how: 'recovered' | 'reclaimed', count: number) => void = () => {},
  ) {
    this.adapters = new Map(adapters.map((adapter) => [adapter.destination, adapter]));
    this.cycleFailed = taskFailureReporter(log, 'egress');
    this.sendsFailed = throttledWarn(log);
  }

  start(): void {
    if (this.adapters.size === 0) return;
    this.running = true;
    this.loop = this.run();
  }

  /** One loop for all destinations: one claim covers them all, and an idle router blocks on it. */
  private async run(): Promise<void> {
    const destinations = [...this.adapters.keys()];
    while (this.running) {
      let claimed = 0;
      let failed = false;
      try {
        const items = await this.store.claimEgress(destinations, this.options.consumer, this.options.batch, this.options.idlePollMs);
        // Now and then, take over what a dead consumer left unanswered.
        if (performance.now() - this.lastReclaim >= this.options.redeliverAfterMs / 2) {
          this.lastReclaim = performance.now();
          const reclaimed = await this.store.reclaimEgress(destinations, this.options.consumer, this.options.batch, this.options.redeliverAfterMs);
          if (reclaimed.length > 0) {
            this.onRedelivered('reclaimed', reclaimed.length);
            this.log.warn({ reclaimed: reclaimed.length }, 'requests left unanswered past the redelivery delay (their router gone, or their network lost them): sent again');
          }
          items.push(...reclaimed);
        }
        items.push(...(await this.recoverOwn(destinations)));
        claimed = items.length;
        if (items.length > 0) await this.forward(items);
        // What the networks still hold is renewed well within the delay after which it would be taken over.
        if (performance.now() - this.lastRenewal >= this.options.redeliverAfterMs / 3) {
          this.lastRenewal = performance.now();
          await this.renewHeld();
        }
      } catch (error) {
        // Unsent items stay pending in the store and come back after the redelivery delay.
        this.cycleFailed({ err: error }, 'egress cycle failed');
        failed = true;
      }
      const pause = failed ? this.options.idlePollMs : claimed > 0 ? this.options.lingerMs : 0;
      if (pause > 0 && this.running) await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  takesNow(destination: string): boolean {
    return this.handOverRoom() > 0 && this.adapters.has(destination);
  }

  releaseHandOver(): ReleaseHandOver | undefined {
    const room = this.handOverRoom();
    return room > 0 ? { destinations: [...this.adapters.keys()], max: room } : undefined;
  }

  /** Hand-overs this process may start now: none while hand-over is off or egress stopped. */
  private handOverRoom(): number {
    if (!this.options.handOver || !this.running) return 0;
    return (this.options.maxHandOversInFlight ?? MAX_HAND_OVERS_IN_FLIGHT) - this.handOversInFlight;
  }

  handOver(item: EgressItem): void {
    this.handOversInFlight++;
    const failed = (error: unknown) => {
      this.handOversInFlight--;
      this.log.warn({ err: error, requestId: item.record.requestId }, 'hand-over to the network failed: sent again after the redelivery delay');
    };
    let sent: Promise<void>;
    try {
      sent = this.adapters.get(item.destination)!.send(item);
    } catch (error) {
      // Recorded and acknowledged already: a network that throws at once fails like one that rejects.
      return failed(error);
    }
    sent.then(() => {
      this.handOversInFlight--;
      this.forwarded++;
      this.onForwarded(1, item.destination);
    }, failed);
  }

  /**
   * Every RECOVER_OWN_MS, this consumer's own entries idle that long that no network of its holds:
   * a claim whose answer was lost took them (see StateStore.recoverOwnEgress). Only when every
   * network says what it holds, so that nothing it holds is sent again.
   */
  private async recoverOwn(destinations: readonly string[]): Promise<EgressItem[]> {
    if (!this.store.recoverOwnEgress || performance.now() - this.lastRecovery < RECOVER_OWN_MS) return [];
    const adapters = [...this.adapters.values()];
    if (!adapters.every((adapter) => adapter.holding)) return [];
    this.lastRecovery = performance.now();
    const recovered = await this.store.recoverOwnEgress(destinations, this.options.consumer, this.options.batch, RECOVER_OWN_MS, adapters.flatMap((adapter) => adapter.holding!()));
    if (recovered.length > 0) {
      this.onRedelivered('recovered', recovered.length);
      this.log.warn({ recovered: recovered.length }, 'egress entries claimed by a call whose answer was lost: sent now');
    }
    return recovered;
  }

  private async renewHeld(): Promise<void> {
    const held = [...this.adapters.values()].flatMap((adapter) => adapter.holding?.() ?? []);
    for (let i = 0; i < held.length; i += RENEW_CHUNK) await this.store.renewEgress(held.slice(i, i + RENEW_CHUNK), this.options.consumer);
  }

  private async forward(items: EgressItem[]): Promise<void> {
    // The claim marked them forwarded: a send that fails leaves them pending, sent again after the redelivery delay.
    const sent = await Promise.allSettled(items.map((item) => this.adapters.get(item.destination)!.send(item)));
    const byDestination = new Map<string, number>();
    let failed: unknown;
    let failures = 0;
    sent.forEach((outcome, i) => {
      if (outcome.status === 'rejected') {
        failed ??= outcome.reason;
        failures++;
        return;
      }
      this.forwarded++;
      byDestination.set(items[i].destination, (byDestination.get(items[i].destination) ?? 0) + 1);
    });
    for (const [destination, count] of byDestination) this.onForwarded(count, destination);
    // None taken (a network down): the cycle fails, so the loop waits its idle poll before the next.
    if (failures === items.length) throw failed;
    if (failures > 0) this.sendsFailed('send', { err: failed, failures, of: items.length }, 'sends to the networks failed: sent again after the redelivery delay');
  }

  /**
   * Renews what the networks still hold once more: they may answer it within the shutdown's grace
   * period, and its lease then runs the full redelivery delay from now, so no other instance takes
   * it over meanwhile (while SHUTDOWN_GRACE_MS is below EGRESS_REDELIVER_MS; config warns otherwise).
   */
  async stop(): Promise<void> {
    const wasRunning = this.running;
    this.running = false;
    await this.loop;
    if (!wasRunning) return;
    try {
      await this.renewHeld();
    } catch (error) {
      this.log.warn({ err: error }, 'renewing what the networks hold at shutdown failed: another instance may send it again after the redelivery delay');
    }
  }
}

/** Records network responses in the store; a failure is thrown back so the network retries. */
export function responseRecorder(store: StateStore, onRecorded: (response: NetworkResponse, outcome: Extract<ResponseOutcome, { outcome: 'recorded' }>) => void) {
  return async (response: NetworkResponse): Promise<void> => {
    const outcome = await store.recordResponse(response);
    if (outcome.outcome === 'recorded') onRecorded(response, outcome);
  };
}
