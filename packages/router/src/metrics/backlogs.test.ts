import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MemoryStore, StateUnavailableError } from '@dccrouter/state';
import { backlogSampler } from './backlogs.ts';

/** A store whose backlog reads fail while `down`. */
class FlakyStore extends MemoryStore {
  down = false;
  override async egressBacklog(destinations: readonly string[]): Promise<Record<string, number>> {
    if (this.down) throw new StateUnavailableError('egress backlog: unreachable');
    return super.egressBacklog(destinations);
  }
}

describe('backlogSampler', () => {
  it('shows no figures while the store cannot be read, not the last ones', async () => {
    const store = new FlakyStore();
    const registry = new Registry();
    const sample = backlogSampler(store, registry, ['smets2/north']);
    const shown = async () => (await registry.getMetricsAsJSON()).flatMap((metric) => metric.values.map(({ labels, value }) => `${metric.name}${JSON.stringify(labels)} ${value}`));
    await sample();
    expect(await shown()).toEqual(['dccrouter_egress_backlog{"destination":"smets2/north"} 0', 'dccrouter_outbox_backlog_users{} 0']);
    store.down = true;
    await expect(sample()).rejects.toThrow(StateUnavailableError);
    expect(await shown()).toEqual(['dccrouter_outbox_backlog_users{} NaN']);
  });
});
