import { STATS_FLUSH_MARK_MS } from '../store/index.ts';
import { copy } from './state.ts';

/** Operators' settings, statistics counters, and what the store says of itself (its clock and identity). */
export class MemorySettings {
  private readonly settings = new Map<string, unknown>();
  private readonly stats = new Map<string, Map<string, number>>();
  /** Set by the first storeIdentity call: this store is never emptied while its process lives. */
  private identity?: string;

  /** The flushes added, by name, with when each is forgotten (in the order added). */
  private readonly flushed = new Map<string, number>();

  async incrementStats(set: string, increments: Record<string, number>, flushId: string): Promise<void> {
    const now = Date.now();
    for (const [name, forgetAt] of this.flushed) {
      if (forgetAt > now) break;
      this.flushed.delete(name);
    }
    if (this.flushed.has(flushId)) return;
    this.flushed.set(flushId, now + STATS_FLUSH_MARK_MS);
    let counters = this.stats.get(set);
    if (!counters) this.stats.set(set, (counters = new Map()));
    for (const [name, by] of Object.entries(increments)) counters.set(name, (counters.get(name) ?? 0) + by);
  }

  async readStats(set: string): Promise<Record<string, number>> {
    return Object.fromEntries(this.stats.get(set) ?? []);
  }

  async getSetting<T>(name: string): Promise<T | undefined> {
    const value = this.settings.get(name);
    return value === undefined ? undefined : copy(value as T);
  }

  async getSettings(names: readonly string[]): Promise<unknown[]> {
    return names.map((name) => {
      const value = this.settings.get(name);
      return value === undefined ? undefined : copy(value);
    });
  }

  async putSetting<T>(name: string, value: T): Promise<void> {
    this.settings.set(name, copy(value));
  }

  async updateSetting<T>(name: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    // Read, changed and written in one turn: nothing else runs in between.
    const stored = this.settings.get(name);
    const next = change(stored === undefined ? undefined : copy(stored as T));
    if (next !== undefined) this.settings.set(name, copy(next));
    return next;
  }

  async storeTime(): Promise<number> {
    return Date.now();
  }

  async storeIdentity(candidate: string): Promise<string> {
    this.identity ??= candidate;
    return this.identity;
  }
}
