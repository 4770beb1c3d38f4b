import type { EgressItem, NetworkResponse, ResponseOutcome, StateStore } from '@dccrouter/state';
import type { Logger } from '../log/index.ts';

/** A downstream network as the router sees it: it takes requests; responses come back separately. */
export interface NetworkAdapter {
  readonly destination: string;
  send(item: EgressItem): Promise<void>;
}

export interface EgressOptions {
  consumer: string;
  batch: number;
  /** A request taken but not answered for this long is sent again (its router may have died). */
  redeliverAfterMs: number;
  idlePollMs: number;
}

/**
 * Moves acknowledged requests from their destination's durable queue to its network. Each entry
 * stays pending until its response is recorded, so a crash anywhere between acknowledgement and
 * response loses nothing: another router (or this one, restarted) sends it again.
 */
export class EgressDispatcher {
  private running = false;
  private loops: Promise<void>[] = [];
  forwarded = 0;

  constructor(
    private readonly store: StateStore,
    private readonly adapters: readonly NetworkAdapter[],
    private readonly options: EgressOptions,
    private readonly log: Logger,
    private readonly onForwarded: (count: number, destination: string) => void = () => {},
  ) {}

  start(): void {
    this.running = true;
    this.loops = this.adapters.map((adapter) => this.run(adapter));
  }

  private async run(adapter: NetworkAdapter): Promise<void> {
    let idle = this.options.idlePollMs;
    while (this.running) {
      let items: EgressItem[] = [];
      try {
        items = await this.store.claimEgress(adapter.destination, this.options.consumer, this.options.batch, this.options.redeliverAfterMs);
        if (items.length > 0) {
          await Promise.all(items.map((item) => adapter.send(item)));
          await this.store.markForwarded(items, Date.now());
          this.forwarded += items.length;
          this.onForwarded(items.length, adapter.destination);
        }
      } catch (error) {
        // Unsent items stay pending in the store and come back after the redelivery delay.
        this.log.warn({ err: error, destination: adapter.destination }, 'egress cycle failed');
      }
      // Poll fast while there is traffic, back off gently while idle.
      idle = items.length >= this.options.batch ? 0 : items.length > 0 ? 1 : Math.min(idle * 2 || 1, this.options.idlePollMs);
      if (idle > 0 && this.running) await new Promise((resolve) => setTimeout(resolve, idle));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

/** Records network responses in the store; a failure is thrown back so the network retries. */
export function responseRecorder(store: StateStore, onRecorded: (response: NetworkResponse, outcome: Extract<ResponseOutcome, { outcome: 'recorded' }>) => void) {
  return async (response: NetworkResponse): Promise<void> => {
    const outcome = await store.recordResponse(response);
    if (outcome.outcome === 'recorded') onRecorded(response, outcome);
  };
}
