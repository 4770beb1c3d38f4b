import { randomUUID } from 'node:crypto';
import type { StateStore } from '@dccrouter/state';
import { Periodic } from '../background/index.ts';
import type { Logger } from '../log/index.ts';

export interface StoreWatchEvents {
  /** The store was found emptied: what this process cached from it must go (and what it seeds be put again). */
  lost(): Promise<void>;
}

/** A clock further than this from the store's is logged: deadlines are then judged differently by each instance. */
const CLOCK_WARN_MS = 1_000;
/** A measurement whose round trip took longer than this says too little about the offset. */
const CLOCK_RTT_MAX_MS = 250;

/**
 * Watches the state store from a router's side, every `intervalMs`: says once when it stops
 * answering and once when it answers again (with how long it was away), and notices when it comes
 * back empty (a Redis restarted without persistence, flushed, or evicting keys), which would
 * otherwise show only as every User refused `unknown_user`: by the store's identity (see
 * StateStore.storeIdentity) changing under it. It also measures this process's clock against the
 * store's, the one clock all instances share: `clock()` is never ahead of it, so a router whose
 * clock runs fast does not judge deadlines early for every instance (a breach marked before its
 * TRT is over, a future-dated request released before its time).
 */
export class StoreWatch {
  private identity?: string;
  private awaySince?: number;
  /** How far this clock ran ahead of the store's at the last good measurement (ms; 0 when behind). */
  private aheadMs = 0;
  private clockWarned = false;
  private readonly loop: Periodic;
  /** Epoch ms, never ahead of the store's clock: for judging what is due. */
  readonly clock = (): number => Date.now() - this.aheadMs;

  constructor(
    private readonly store: StateStore,
    intervalMs: number,
    private readonly log: Logger,
    private readonly events: StoreWatchEvents,
    private readonly counted: { lost(): void; clockOffset(ms: number): void },
  ) {
    this.loop = new Periodic('store-watch', intervalMs, () => this.check(), log);
  }

  async start(): Promise<void> {
    this.identity = await this.store.storeIdentity(randomUUID());
    await this.measureClock();
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One look (exposed for tests; runs by itself every intervalMs). */
  async check(): Promise<void> {
    let identity: string;
    try {
      identity = await this.store.storeIdentity(randomUUID());
    } catch (error) {
      if (this.awaySince === undefined) {
        this.awaySince = Date.now();
        this.log.warn({ err: error }, 'the state store does not answer: requests are refused state_unavailable until it does');
      }
      return;
    }
    if (this.awaySince !== undefined) {
      this.log.info({ awayMs: Date.now() - this.awaySince }, 'the state store answers again');
      this.awaySince = undefined;
    }
    await this.measureClock();
    if (identity === this.identity) return;
    this.log.error({ before: this.identity, now: identity },
      'the state store lost its data (a Redis restarted without persistence, flushed, or evicting keys): the Users, devices, open requests and responses it held are gone; put the Users and devices again, and resubmit what was not answered');
    this.identity = identity;
    this.counted.lost();
    await this.events.lost();
  }

  /** This clock against the store's, from the middle of one TIME call's round trip. */
  private async measureClock(): Promise<void> {
    const sentAt = Date.now();
    const storeAt = await this.store.storeTime();
    const answeredAt = Date.now();
    if (answeredAt - sentAt > CLOCK_RTT_MAX_MS) return;
    const offsetMs = Math.round((sentAt + answeredAt) / 2 - storeAt);
    this.aheadMs = Math.max(0, offsetMs);
    this.counted.clockOffset(offsetMs);
    if (Math.abs(offsetMs) > CLOCK_WARN_MS && !this.clockWarned) {
      this.clockWarned = true;
      this.log.warn({ offsetMs },
        `this process's clock is ${Math.abs(offsetMs)} ms ${offsetMs > 0 ? 'ahead of' : 'behind'} the state store's: ${offsetMs > 0 ? 'deadlines are judged by the store\'s clock meanwhile' : 'it judges deadlines late'}, and TRT start times differ between instances; keep the clocks in step (NTP)`);
    } else if (Math.abs(offsetMs) <= CLOCK_WARN_MS / 2 && this.clockWarned) {
      this.clockWarned = false;
      this.log.info({ offsetMs }, 'this process\'s clock is in step with the state store\'s again');
    }
  }
}
