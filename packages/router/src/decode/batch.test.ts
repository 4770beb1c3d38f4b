import { describe, expect, it } from 'vitest';
import { ServiceRequestBatch } from '@dccrouter/protocol';
import { batchShapeProblem, parseJsonBatch, parseProtobufBatch } from './batch.ts';

const tooMany = (format: 'json' | 'protobuf', bytes: Uint8Array, max: number) => batchShapeProblem(format, bytes, max)?.reason === 'body_too_large';

const json = (text: string) => new TextEncoder().encode(text);
const protobuf = (count: number) => ServiceRequestBatch.encode({ requests: Array.from({ length: count }, () => ({ body: new Uint8Array([1]) })) }).finish();

describe('a batch over its item limit, judged before any parse', () => {
  it('counts JSON items at their depth, not commas inside them or inside their strings', () => {
    const item = (i: number) => `{"body":"{\\"a\\":[1,2,3],\\"b\\":\\",,,\\"}","signature":"x,y"}`.replace('x', String(i));
    const batch = (count: number) => `{"requests":[${Array.from({ length: count }, (_, i) => item(i)).join(',')}]}`;
    expect(tooMany('json', json(batch(3)), 3)).toBe(false);
    expect(tooMany('json', json(batch(4)), 3)).toBe(true);
    expect(parseJsonBatch(json(batch(3)))).toHaveLength(3);
    // Millions of empty items: refused by the scan, no object built for each.
    expect(tooMany('json', json(`{"requests":[${'{},'.repeat(2_000_000)}{}]}`), 1000)).toBe(true);
  });

  it('refuses a JSON document with more members or nesting than a batch has, before parsing it (a 16 MiB key flood)', () => {
    const keys = (count: number) => Array.from({ length: count }, (_, i) => `"k${i}":0`).join(',');
    expect(batchShapeProblem('json', json(`{"requests":[],${keys(1_600_000)}}`), 1000)).toEqual({
      reason: 'malformed_request', message: 'the batch object has more members than "requests": at most 8',
    });
    expect(batchShapeProblem('json', json(`{"requests":[{"body":"","signature":"","a":0},{"body":"",${keys(100_000)}}]}`), 1000)).toEqual({
      reason: 'malformed_request', message: 'requests[1] has more members than a batch item\'s ("body" or "bodyBase64", "signature", "contentType"): at most 8',
    });
    expect(batchShapeProblem('json', json(`{"requests":[{"body":{"x":{}}}]}`), 1000)).toEqual({
      reason: 'malformed_request', message: 'requests[0] nests values: a batch item is an object of text fields (its "body" the request\'s JSON as a string: the bytes its signature covers)',
    });
    // A batch as clients send it passes: a few members each, whatever its bodies hold.
    expect(batchShapeProblem('json', json(`{"requests":[{"body":"{\\"a\\":{\\"b\\":[1,2]}}","signature":"s","contentType":"application/json"}]}`), 1000)).toBeUndefined();
  });

  it('counts protobuf requests by their field tags', () => {
    expect(tooMany('protobuf', protobuf(3), 3)).toBe(false);
    expect(tooMany('protobuf', protobuf(4), 3)).toBe(true);
    expect(tooMany('protobuf', new Uint8Array([0xff, 0xff]), 3)).toBe(false);
    // Field 1 sent as a varint: the decoder still makes an item of each, so each counts.
    const varints = new Uint8Array(Array.from({ length: 5_000 }, () => [0x08, 0x00]).flat());
    expect(parseProtobufBatch(varints)).toHaveLength(5_000);
    expect(tooMany('protobuf', varints, 10)).toBe(true);
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
