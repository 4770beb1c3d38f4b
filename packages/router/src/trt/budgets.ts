import { defaultTrtBudgets, type TrtBudgets } from '@dccrouter/domain';
import type { StateStore } from '@dccrouter/state';

const SETTING = 'trt-budgets';
const REFRESH_MS = 1000;

export type BudgetUpdate = { ok: true; budgets: TrtBudgets } | { ok: false; field: string; message: string };

/**
 * The TRT budget table, shared by every router instance through the store. Each instance reads
 * it on a one-second refresh so the request path never waits for it.
 */
export class TrtBudgetTable {
  private budgets: TrtBudgets = defaultTrtBudgets();
  private timer?: ReturnType<typeof setInterval>;

  constructor(private readonly store: StateStore) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => this.refresh().catch(() => undefined), REFRESH_MS);
    this.timer.unref?.();
  }

  current(): TrtBudgets {
    return this.budgets;
  }

  private async refresh(): Promise<void> {
    const stored = await this.store.getSetting<Partial<TrtBudgets>>(SETTING);
    this.budgets = { ...defaultTrtBudgets(), ...stored };
  }

  /** Partial update; applies to requests accepted afterwards. */
  async update(input: unknown): Promise<BudgetUpdate> {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return { ok: false, field: 'body', message: 'must be a JSON object of budgets in milliseconds' };
    }
    const known = defaultTrtBudgets();
    for (const [field, value] of Object.entries(input)) {
      if (!(field in known)) return { ok: false, field, message: `is not a TRT class (known: ${Object.keys(known).join(', ')})` };
      if (!Number.isSafeInteger(value) || (value as number) <= 0) return { ok: false, field, message: 'must be a positive integer of milliseconds' };
    }
    await this.refresh();
    const budgets = { ...this.budgets, ...(input as Partial<TrtBudgets>) };
    await this.store.putSetting(SETTING, budgets);
    this.budgets = budgets;
    return { ok: true, budgets };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
