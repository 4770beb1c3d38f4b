import { defaultTrtBudgets, parseTrtBudgetsUpdate, type Parsed, type TrtBudgets } from '@dccrouter/domain';
import type { StateStore } from '@dccrouter/state';
import { RefreshedTable } from '../products/refreshed.ts';

const SETTING = 'trt-budgets';

/**
 * The TRT budget table, shared by every router instance through the store (a RefreshedTable): the
 * request path never waits for it; a change applies at once on the instance that made it, and on
 * the others within a second (while the store answers).
 */
export class TrtBudgetTable extends RefreshedTable {
  private budgets: TrtBudgets = defaultTrtBudgets();
  // Its background task is 'trt-budgets-refresh'.
  protected readonly tableName = 'TRT budgets';

  constructor(private readonly store: StateStore) {
    super();
  }

  current(): TrtBudgets {
    return this.budgets;
  }

  async refresh(): Promise<void> {
    await this.readStored(() => this.store.getSetting<Partial<TrtBudgets>>(SETTING), (stored) => {
      this.budgets = { ...defaultTrtBudgets(), ...stored };
    });
  }

  /** Partial update; applies to requests accepted afterwards. */
  async update(input: unknown): Promise<Parsed<TrtBudgets>> {
    const update = parseTrtBudgetsUpdate(input);
    if (!update.ok) return update;
    let refused: Parsed<TrtBudgets> | undefined;
    // From the table as stored, never overwriting another instance's change made meanwhile.
    const stored = await this.changeStored(() => this.store.updateSetting<Partial<TrtBudgets>>(SETTING, (current) => {
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
    }));
    if (!stored) return refused!;
    this.budgets = { ...defaultTrtBudgets(), ...stored };
    return { ok: true, value: this.budgets };
  }
}
