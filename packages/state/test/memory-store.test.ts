import { describe, expect, it } from 'vitest';
import { createStore, MemoryStore } from '../src/index.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('MemoryStore', async (options) => new MemoryStore(options));

describe('createStore without a Redis URL', () => {
  it('gives a MemoryStore', async () => {
    const store = await createStore({});
    expect(store).toBeInstanceOf(MemoryStore);
    expect(store.kind).toBe('memory');
  });
});
