/** How often each instance re-reads a table shared through the store. */
export const REFRESH_MS = 1000;

/**
 * A table every instance shares through the store and re-reads each second (the CPL, the policy
 * tables, the product registers): a change made on any instance is in force everywhere within
 * about a second, and the request path reads the table in memory.
 */
export abstract class RefreshedTable {
  private timer?: ReturnType<typeof setInterval>;

  /** Reads the table from the store into memory. */
  abstract refresh(): Promise<void>;

  async start(): Promise<void> {
    await this.refresh();
    // A failed read keeps the last table; the next second tries again.
    this.timer = setInterval(() => this.refresh().catch(() => undefined), REFRESH_MS);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
