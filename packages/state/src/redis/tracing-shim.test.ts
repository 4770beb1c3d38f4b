import diagnostics from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { install } from './tracing-shim.ts';

describe('TracingChannel.hasSubscribers (what ioredis asks before tracing a command)', () => {
  // Node 20 already has the property, so the shim is tested on a bare prototype, as Bun's lacks it.
  it('gives a prototype without it a getter that is false without subscribers and true once something subscribes', () => {
    const prototype = {};
    install(prototype);
    const getter = Object.getOwnPropertyDescriptor(prototype, 'hasSubscribers')?.get;
    expect(getter).toBeTypeOf('function');

    const real = diagnostics.tracingChannel(`dccrouter:test:${Math.random()}`);
    const { start, end, asyncStart, asyncEnd, error } = real;
    const channel = Object.assign(Object.create(prototype) as { hasSubscribers: boolean }, { start, end, asyncStart, asyncEnd, error });
    expect(channel.hasSubscribers).toBe(false);
    // Any one of the five channels counts, not only the first.
    const onError = () => {};
    diagnostics.subscribe(error.name, onError);
    expect(channel.hasSubscribers).toBe(true);
    diagnostics.unsubscribe(error.name, onError);
    expect(channel.hasSubscribers).toBe(false);
    const handlers = { start() {}, end() {}, asyncStart() {}, asyncEnd() {}, error() {} };
    real.subscribe(handlers);
    expect(channel.hasSubscribers).toBe(true);
    real.unsubscribe(handlers);
    expect(channel.hasSubscribers).toBe(false);
  });

  it('leaves a prototype that already has it alone', () => {
    const own = () => true;
    const prototype = Object.defineProperty({}, 'hasSubscribers', { configurable: true, get: own });
    install(prototype);
    expect(Object.getOwnPropertyDescriptor(prototype, 'hasSubscribers')?.get).toBe(own);
  });
});
