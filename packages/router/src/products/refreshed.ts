import { taskFailureReporter, type Logger } from '../log/index.ts';

/** How often each instance re-reads a table shared through the store. */
export const REFRESH_MS = 1000;

/**
 * A table every instance shares through the store and re-reads each second (the CPL, the policy
 * tables, the product registers, the TRT budgets): a change made on any instance is in force
 * everywhere within about a second, and the request path reads the table in memory.
 */
export abstract class RefreshedTable {
  private timer?: ReturnType<typeof setInterval>;

  /** Reads the table from the store into memory. */
  abstract refresh(): Promise<void>;

  /** What the logs and the background-failure count call it. */
  protected abstract readonly tableName: string;

  /** Reads the table, then again each second; a failed read is logged (at most every 10 s) and counted. */
  async start(log?: Logger): Promise<void> {
    await this.refresh();
    const failed = log && taskFailureReporter(log, `${this.tableName.toLowerCase().replaceAll(' ', '-')}-refresh`);
    // A failed read keeps the last table; the next second tries again.
    this.timer = setInterval(() => this.refresh().catch((error) => {
      failed?.({ err: error, table: this.tableName }, `${this.tableName} not read from the store: the last one read stays in force`);
    }), REFRESH_MS);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
