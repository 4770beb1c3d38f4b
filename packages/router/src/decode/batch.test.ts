import { describe, expect, it } from 'vitest';
import { ServiceRequestBatch } from '@dccrouter/protocol';
import { batchHoldsMoreItemsThan, parseJsonBatch } from './batch.ts';

const json = (text: string) => new TextEncoder().encode(text);
const protobuf = (count: number) => ServiceRequestBatch.encode({ requests: Array.from({ length: count }, () => ({ body: new Uint8Array([1]) })) }).finish();

describe('a batch over its item limit, judged before any parse', () => {
  it('counts JSON items at their depth, not commas inside them or inside their strings', () => {
    const item = (i: number) => `{"body":"{\\"a\\":[1,2,3],\\"b\\":\\",,,\\"}","signature":"x,y"}`.replace('x', String(i));
    const batch = (count: number) => `{"requests":[${Array.from({ length: count }, (_, i) => item(i)).join(',')}]}`;
    expect(batchHoldsMoreItemsThan('json', json(batch(3)), 3)).toBe(false);
    expect(batchHoldsMoreItemsThan('json', json(batch(4)), 3)).toBe(true);
    expect(parseJsonBatch(json(batch(3)))).toHaveLength(3);
    // Millions of empty items: refused by the scan, no object built for each.
    expect(batchHoldsMoreItemsThan('json', json(`{"requests":[${'{},'.repeat(2_000_000)}{}]}`), 1000)).toBe(true);
  });

  it('counts protobuf requests by their field tags', () => {
    expect(batchHoldsMoreItemsThan('protobuf', protobuf(3), 3)).toBe(false);
    expect(batchHoldsMoreItemsThan('protobuf', protobuf(4), 3)).toBe(true);
    expect(batchHoldsMoreItemsThan('protobuf', new Uint8Array([0xff, 0xff]), 3)).toBe(false);
  });
});
