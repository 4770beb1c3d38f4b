import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { breakingChanges, protoShape, unlockedAdditions, type ProtoShape } from './shape.ts';

const proto = readFileSync(new URL('../proto/router.proto', import.meta.url), 'utf8');
const released = JSON.parse(readFileSync(new URL('../proto/router.lock.json', import.meta.url), 'utf8')) as ProtoShape;

describe('router.proto', () => {
  it('only adds to the shape last released (proto/router.lock.json)', () => {
    expect(breakingChanges(released, protoShape(proto))).toEqual([]);
  });

  it('has nothing the lock does not hold, so that every released field is guarded (after adding one: npm run lock -w @dccrouter/protocol)', () => {
    expect(unlockedAdditions(released, protoShape(proto))).toEqual([]);
    expect(unlockedAdditions(released, protoShape(proto.replace('  string content_type = 3;', '  string content_type = 3;\n  string trace_id = 9;'))))
      .toEqual(['dccrouter.v1.SignedServiceRequest: field 9 (trace_id)']);
  });

  it('is told apart from a breaking change: a field renumbered, retyped or removed, a method changed', () => {
    const next = protoShape(proto
      .replace('uint32 command_variant = 2;', 'uint32 command_variant = 12;')
      .replace('string signature = 2;', 'bytes signature = 2;')
      .replace('  string content_type = 3;   // "application/json" or "application/x-protobuf"\n', '')
      .replace('rpc Submit(SignedServiceRequest) returns (SubmitResult);', 'rpc Submit(SignedServiceRequest) returns (stream SubmitResult);'));
    expect(breakingChanges(released, next)).toEqual([
      'dccrouter.v1.Header: field 2 (command_variant) removed',
      'dccrouter.v1.SignedServiceRequest: field 2 (signature) changed from {"id":2,"type":"string"} to {"name":"signature","id":2,"type":"bytes"}',
      'dccrouter.v1.SignedServiceRequest: field 3 (content_type) removed',
      expect.stringContaining('method dccrouter.v1.Router/Submit changed'),
    ]);
  });
});
