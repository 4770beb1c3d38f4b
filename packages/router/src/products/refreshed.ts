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
  /** Changes this instance has written and applied (changeStored): a read begun before one is older than it. */
  private changes = 0;

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

  /**
   * A refresh's read of the store, applied unless this instance wrote a change meanwhile: a read
   * sent before that write landed holds the table before it, and would undo it here until the next
   * refresh (the change is in force from its write, on the instance that made it).
   */
  protected async readStored<T>(read: () => Promise<T>, apply: (stored: T) => void): Promise<void> {
    const changesBefore = this.changes;
    const stored = await read();
    if (this.changes === changesBefore) apply(stored);
  }

  /** A change written to the store by this instance (its caller applies what was written). */
  protected async changeStored<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      this.changes++;
    }
  }
}
