import { describe, expect, it } from 'vitest';
import { createStore, MemoryStore } from '../src/index.ts';
import { describeStoreContract, newRequestId, plainAcceptance } from './store-contract.ts';

describeStoreContract('MemoryStore', async (options) => new MemoryStore(options));

describe('createStore without a Redis URL', () => {
  it('gives a MemoryStore', async () => {
    const store = await createStore({});
    expect(store).toBeInstanceOf(MemoryStore);
    expect(store.kind).toBe('memory');
  });
});

describe('MemoryStore over months', () => {
  it('forgets a quarantine reference with its request at the end of the retention', async () => {
    const store = new MemoryStore({ requestRetentionSeconds: 1 });
    const refs = () => (store as unknown as { state: { quarantineRefs: Map<string, string> } }).state.quarantineRefs.size;
    for (let i = 0; i < 50; i++) {
      const requestId = newRequestId();
      const ref = `ref-${i}`;
      await store.recordAcceptance(requestId, { ...plainAcceptance(requestId), quarantine: { ref, expiresAt: Date.now(), breach: 'user' } });
    }
    expect(refs()).toBe(50);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    // Any write sweeps what has expired.
    const later = newRequestId();
    await store.recordAcceptance(later, plainAcceptance(later));
    expect(refs()).toBe(0);
    expect(await store.findQuarantine('ref-0')).toBeUndefined();
  });
});
