import { describe, expect, it } from 'vitest';
import { createStore, MemoryStore } from '../src/index.ts';
import { acceptance, describeStoreContract, newRequestId, plainAcceptance } from './store-contract.ts';

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

  it("forgets a released transform leg's reference too, once its request (now its signed leg's) is gone", async () => {
    const store = new MemoryStore({ requestRetentionSeconds: 1 });
    const refs = () => (store as unknown as { state: { quarantineRefs: Map<string, string> } }).state.quarantineRefs.size;
    const requestId = newRequestId();
    const transform = acceptance('transform', { requestId, bodyHash: 't'.padEnd(64, '0') });
    const quarantine = { ref: 'ref-transform', breach: 'value' as const, expiresAt: Date.now() + 100 };
    await store.recordAcceptance(requestId, { ...transform, record: { ...transform.record, state: 'quarantined', quarantine }, quarantine });
    expect(await store.releaseQuarantine(requestId, { at: Date.now(), state: 'transformed', egress: false })).toBe(true);
    expect((await store.recordAcceptance(requestId, acceptance('signed', { requestId, bodyHash: 's'.padEnd(64, '0') }))).outcome).toBe('recorded');
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const later = newRequestId();
    await store.recordAcceptance(later, plainAcceptance(later));
    expect(await store.getRequest(requestId)).toBeUndefined();
    expect(refs()).toBe(0);
  });

  it("lets an outbox go whose items are all past the retention, its User gone quiet, and lists no dead letter past its own", async () => {
    const store = new MemoryStore({ outboxRetentionSeconds: 1, deadLetterRetentionSeconds: 1 });
    const outboxes = () => (store as unknown as { state: { outboxes: Map<string, unknown> } }).state.outboxes.size;
    const userId = '90-B3-D5-1F-30-00-00-09';
    const item = await store.enqueueOutbox(userId, { kind: 'dccAlert', alertCode: 'N1', body: {} });
    await store.deadLetter(userId, item, 'endpoint gone');
    // Any write sweeps, the outboxes at most once a minute: this first one finds the item still readable.
    const first = newRequestId();
    await store.recordAcceptance(first, plainAcceptance(first));
    expect(outboxes()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await store.listDeadLetters(userId, undefined, 10)).items).toEqual([]);
    const minuteLater = Date.now() + 61_000;
    const now = Date.now;
    Date.now = () => minuteLater;
    try {
      const later = newRequestId();
      await store.recordAcceptance(later, plainAcceptance(later));
    } finally {
      Date.now = now;
    }
    expect(outboxes()).toBe(0);
    expect(await store.readOutbox(userId, undefined, 10)).toEqual([]);
  });
});
