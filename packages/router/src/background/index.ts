import { taskFailureReporter, type Logger } from '../log/index.ts';
import { traced } from '../tracing/index.ts';

/**
 * A periodic task that never overlaps itself and survives its own failures (a store outage
 * must not stop the breach scan for good).
 */
export class Periodic {
  private timer?: ReturnType<typeof setTimeout>;
  private running?: Promise<void>;
  private stopped = false;
  /** A store outage fails every tick: counted each time, logged once per 10 s. */
  private readonly failed: ReturnType<typeof taskFailureReporter>;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
    log: Logger,
  ) {
    this.failed = taskFailureReporter(log, name);
  }

  start(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = traced(`background ${this.name}`, {}, () => this.task())
        .catch((error) => this.failed({ err: error, task: this.name }, 'background task failed'))
        .finally(() => this.schedule());
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}

/** Gaps between lookups of a write whose answer was lost: at 0.25, 1.25, 3.25, 7.25 and 15.25 s, within a 30 s lease. */
export const LOOK_AGAIN_GAPS_MS: readonly number[] = [250, 1_000, 2_000, 4_000, 8_000];

/**
 * Runs `attempt` after each gap in turn (each counted from the attempt before) until one answers
 * true or the gaps run out; an attempt that throws counts as false. Its timers keep no process alive.
 */
export function retryAfterGaps(gapsMs: readonly number[], attempt: () => Promise<boolean>): void {
  const after = (index: number) => setTimeout(async () => {
    let done = false;
    try {
      done = await attempt();
    } catch {
      // Tried again after the next gap.
    }
    if (!done && index + 1 < gapsMs.length) after(index + 1);
  }, gapsMs[index]).unref();
  if (gapsMs.length > 0) after(0);
}

/** Waits, checking every 10 ms, until `done()` or the deadline (epoch ms): a shutdown's grace. */
export async function pollUntil(done: () => boolean, deadline: number): Promise<void> {
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** The promise, or nothing more to wait for once the deadline (epoch ms) has passed. */
export async function untilDeadline(promise: Promise<unknown>, deadline: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.max(0, deadline - Date.now())); });
  try {
    await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
