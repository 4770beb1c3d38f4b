import { STATS_FLUSH_MARK_MS } from '../store/index.ts';
import { RedisPart } from './base.ts';
import { parse } from './records.ts';

/** Operators' settings and the shared statistics counters. */
export class RedisSettings extends RedisPart {
  async incrementStats(set: string, increments: Record<string, number>, flushId: string): Promise<void> {
    const stats = `${this.prefix}stats:${set}`;
    // Tagged with the statistics key's own name (or the prefix's tag, which comes first): one slot on a Redis Cluster.
    const mark = `${this.prefix}stats-flushed:{${stats}}:${flushId}`;
    const pairs = Object.entries(increments).flat();
    await this.call('increment stats', () => this.redis.incrementStats(stats, mark, STATS_FLUSH_MARK_MS, ...pairs));
  }

  async readStats(set: string): Promise<Record<string, number>> {
    const fields = await this.call('HGETALL stats', () => this.redis.hgetall(`${this.prefix}stats:${set}`));
    return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, Number(value)]));
  }

  async getSetting<T>(name: string): Promise<T | undefined> {
    return parse<T>(await this.call('GET setting', () => this.redis.get(this.settingKey(name))));
  }

  async getSettings(names: readonly string[]): Promise<unknown[]> {
    if (names.length === 0) return [];
    const found = await this.getMany(names.map((name) => this.settingKey(name)), 'settings');
    return found.map((json) => parse(json));
  }

  async putSetting<T>(name: string, value: T): Promise<void> {
    await this.call('SET setting', () => this.redis.set(this.settingKey(name), JSON.stringify(value)));
  }

  async updateSetting<T>(name: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    return (await this.updateJson(this.settingKey(name), 'setting', `setting ${name}`, change))?.after;
  }
}
