import { describe, expect, it } from 'vitest';
import { ServiceRequestBatch } from '@dccrouter/protocol';
import { batchHoldsMoreItemsThan, parseJsonBatch, parseProtobufBatch } from './batch.ts';

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
    // Field 1 sent as a varint: the decoder still makes an item of each, so each counts.
    const varints = new Uint8Array(Array.from({ length: 5_000 }, () => [0x08, 0x00]).flat());
    expect(parseProtobufBatch(varints)).toHaveLength(5_000);
    expect(batchHoldsMoreItemsThan('protobuf', varints, 10)).toBe(true);
  });
});

describe('a JSON batch whose text is not what its User could have signed as read', () => {
  it('is refused whole when it is not valid UTF-8 or repeats a key, and an item whose body holds a lone surrogate is refused alone', () => {
    const good = '{"body":"{}","signature":"s"}';
    const invalid = new Uint8Array([...json(`{"requests":[{"body":"{\\"a\\":\\"`), 0xff, ...json(`\\"}"}]}`)]);
    expect(parseJsonBatch(invalid)).toBe('batch is not valid UTF-8');
    expect(parseJsonBatch(json(`{"requests":[{"body":"{}","body":"[]"}]}`))).toBe('batch repeats the key "body" within one object');
    expect(parseJsonBatch(json(`{"requests":[],"requests":[${good}]}`))).toBe('batch repeats the key "requests" within one object');
    expect(parseJsonBatch(json(`{"requests":[${good}],"x":${'['.repeat(70)}${']'.repeat(70)}}`))).toBe('batch nests deeper than 64 levels');
    const items = parseJsonBatch(json(`{"requests":[${good},{"body":"{\\"a\\":\\"\\ud800\\"}"},{"body":"{\\"a\\":\\"\\ud83d\\ude00\\"}"}]}`));
    expect(Array.isArray(items)).toBe(true);
    expect((items as { malformed?: string }[]).map((item) => item.malformed)).toEqual([undefined, 'requests[1].body is not valid text: it holds a lone surrogate', undefined]);
  });
});
