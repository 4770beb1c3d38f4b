import { defaultTrtBudgets, parseTrtBudgetsUpdate, type Parsed, type TrtBudgets } from '@dccrouter/domain';
import type { StateStore } from '@dccrouter/state';
import { taskFailureReporter, type Logger } from '../log/index.ts';

const SETTING = 'trt-budgets';
const REFRESH_MS = 1000;

/**
 * The TRT budget table, shared by every router instance through the store. Each instance reads
 * it on a one-second refresh so the request path never waits for it: a change applies at once on
 * the instance that made it, and on the others within a second (while the store answers).
 */
export class TrtBudgetTable {
  private budgets: TrtBudgets = defaultTrtBudgets();
  private timer?: ReturnType<typeof setInterval>;
  private readonly failed?: ReturnType<typeof taskFailureReporter>;

  constructor(private readonly store: StateStore, log?: Logger) {
    if (log) this.failed = taskFailureReporter(log, 'trt-budgets-refresh');
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => this.refresh().catch((error) => {
      this.failed?.({ err: error }, 'TRT budgets not read from the store: the last ones read stay in use');
    }), REFRESH_MS);
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
  async update(input: unknown): Promise<Parsed<TrtBudgets>> {
    const update = parseTrtBudgetsUpdate(input);
    if (!update.ok) return update;
    let refused: Parsed<TrtBudgets> | undefined;
    // From the table as stored, never overwriting another instance's change made meanwhile.
    const stored = await this.store.updateSetting<Partial<TrtBudgets>>(SETTING, (current) => {
      const budgets = { ...defaultTrtBudgets(), ...current, ...update.value };
      // Overdue at the allowance, breached at the limit: a limit before the allowance has no meaning.
      const { 'smets1.wanLimit': limit, 'smets1.wanAllowance': allowance } = budgets;
      if (limit < allowance) {
        refused = 'smets1.wanLimit' in update.value
          ? { ok: false, error: { field: 'smets1.wanLimit', message: `must be at least smets1.wanAllowance (${allowance} ms), got ${limit} ms` } }
          : { ok: false, error: { field: 'smets1.wanAllowance', message: `must be at most smets1.wanLimit (${limit} ms), got ${allowance} ms` } };
        return undefined;
      }
      return budgets;
    });
    if (!stored) return refused!;
    this.budgets = { ...defaultTrtBudgets(), ...stored };
    return { ok: true, value: this.budgets };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
