import { randomUUID } from 'node:crypto';
import { StateUnavailableError, type StateStore } from '@dccrouter/state';
import { Periodic } from '../background/index.ts';
import type { Logger } from '../log/index.ts';
import type { StoreClock } from '../store-clock/index.ts';

export interface StoreWatchEvents {
  /** The store was found emptied: what this process cached from it must go (and what it seeds be put again). */
  lost(): Promise<void>;
}

/**
 * Watches the state store from a router's side, every `intervalMs`: says once when it stops
 * answering and once when it answers again (with how long it was away), and notices when it comes
 * back empty (a Redis restarted without persistence, flushed, or evicting keys), which would
 * otherwise show only as every User refused `unknown_user`: by the store's identity (see
 * StateStore.storeIdentity) changing under it. Each look also measures this process's clock
 * against the store's (`clock`, see StoreClock).
 */
export class StoreWatch {
  private identity?: string;
  private awaySince?: number;
  /** A loss whose handling (`events.lost`) has not succeeded yet: tried again with the next look. */
  private unhandledLoss = false;
  private readonly loop: Periodic;

  constructor(
    private readonly store: StateStore,
    intervalMs: number,
    private readonly log: Logger,
    private readonly events: StoreWatchEvents,
    private readonly counted: { lost(): void },
    readonly clock: StoreClock,
  ) {
    this.loop = new Periodic('store-watch', intervalMs, () => this.check(), log);
  }

  async start(): Promise<void> {
    this.identity = await this.store.storeIdentity(randomUUID());
    await this.clock.measure();
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
        // Reachable but refusing writes (out of memory) is not "away": said as it is.
        const refused = error instanceof StateUnavailableError ? error.refused : undefined;
        this.log.warn({ err: error }, refused
          ? `the state store is refusing writes (${refused}): requests are refused state_unavailable until it takes them again`
          : 'the state store does not answer: requests are refused state_unavailable (outcome_unknown for one whose write was sent) until it does');
      }
      return;
    }
    if (this.awaySince !== undefined) {
      this.log.info({ awayMs: Date.now() - this.awaySince }, 'the state store answers again');
      this.awaySince = undefined;
    }
    if (identity !== this.identity) {
      this.log.error({ before: this.identity, now: identity },
        'the state store lost its data (a Redis restarted without persistence, flushed, or evicting keys): the Users, devices, open requests and responses it held are gone, and the operators\' settings are back to their defaults (TRT budgets, thresholds, the CPL, policy tables, product registers, simulator settings); put them again, and have Users resend what was not answered under new RequestIDs (the networks may have run the old ones, and would not run them again)');
      this.identity = identity;
      this.counted.lost();
      this.unhandledLoss = true;
    }
    if (this.unhandledLoss) {
      // Told and counted once; what it asks of this process (a cache dropped, the demo put back) until done.
      await this.events.lost();
      this.unhandledLoss = false;
    }
    await this.clock.measure();
  }
}
