import type { Logger } from '../log/index.ts';
import { traced } from '../tracing/index.ts';

/**
 * A periodic task that never overlaps itself and survives its own failures (a store outage
 * must not stop the breach scan for good).
 */
export class Periodic {
  private timer?: ReturnType<typeof setTimeout>;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = traced(`background ${this.name}`, {}, () => this.task())
        .catch((error) => this.log.warn({ err: error, task: this.name }, 'background task failed'))
        .finally(() => this.schedule());
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
