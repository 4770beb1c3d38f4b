import type { StateStore } from '@dccrouter/state';
import type { Logger } from '../log/index.ts';

/** A clock further than this from the store's is logged: deadlines are then judged differently by each instance. */
const CLOCK_WARN_MS = 1_000;
/** A measurement whose round trip took longer than this says too little about the offset. */
const CLOCK_RTT_MAX_MS = 250;
/**
 * How long a slow clock's forward correction stands without a good measurement: a clock stepped
 * forward since (NTP) would otherwise run ahead of the store's by the old gap.
 */
const FORWARD_FRESH_MS = 5_000;

/**
 * This process's clock against the state store's (Redis TIME), the one clock every instance
 * shares, measured when asked (StoreWatch every DIRECTORY_SYNC_MS in a router; the networks
 * process on its own). `now()` follows the store's, and is never ahead of it: a process whose
 * clock runs fast neither times requests late nor judges deadlines early for every instance (a
 * breach marked before its TRT is over, a future-dated request released before its time, a TAD
 * window moved on); one whose clock runs slow does not start TRT clocks early (its requests'
 * responses, timed by processes in step, would look late by the difference: false breaches).
 */
export class StoreClock {
  /** What this clock is taken back by (ms): how far it ran ahead at the last good measurement, or brought forward (negative) by how far it was certainly behind. */
  private correctionMs = 0;
  /** When the correction was measured (this clock, epoch ms). */
  private measuredAt = 0;
  private warned = false;
  /** Epoch ms, never ahead of the store's clock. */
  readonly now = (): number => {
    const wallclock = Date.now();
    return wallclock - (this.correctionMs < 0 && wallclock - this.measuredAt > FORWARD_FRESH_MS ? 0 : this.correctionMs);
  };

  constructor(
    private readonly store: StateStore,
    private readonly log: Logger,
    /** Told each measured offset (ms, this clock less the store's): a gauge. */
    private readonly measured: (offsetMs: number) => void = () => {},
  ) {}

  /** One measurement, from the middle of one TIME call's round trip. */
  async measure(): Promise<void> {
    const sentAt = Date.now();
    const storeAt = await this.store.storeTime();
    const answeredAt = Date.now();
    if (answeredAt - sentAt > CLOCK_RTT_MAX_MS) return;
    const offsetMs = Math.round((sentAt + answeredAt) / 2 - storeAt);
    // The store read its clock somewhere in the round trip: behind, only what is certain (the gap
    // less half the round trip) is made up, so the correction never puts this clock ahead.
    this.correctionMs = offsetMs > 0 ? offsetMs : Math.min(0, offsetMs + Math.ceil((answeredAt - sentAt) / 2));
    this.measuredAt = answeredAt;
    this.measured(offsetMs);
    if (Math.abs(offsetMs) > CLOCK_WARN_MS && !this.warned) {
      this.warned = true;
      this.log.warn({ offsetMs },
        `this process's clock is ${Math.abs(offsetMs)} ms ${offsetMs > 0 ? 'ahead of' : 'behind'} the state store's: times and deadlines are taken from the store's clock meanwhile; keep the clocks in step (NTP)`);
    } else if (Math.abs(offsetMs) <= CLOCK_WARN_MS / 2 && this.warned) {
      this.warned = false;
      this.log.info({ offsetMs }, 'this process\'s clock is in step with the state store\'s again');
    }
  }
}
