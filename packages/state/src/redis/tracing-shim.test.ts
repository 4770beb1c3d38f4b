import diagnostics from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import './tracing-shim.ts';

describe('TracingChannel.hasSubscribers (what ioredis asks before tracing a command)', () => {
  it('is false without subscribers and true once something subscribes', () => {
    const channel = diagnostics.tracingChannel(`dccrouter:test:${Math.random()}`);
    expect(channel.hasSubscribers).toBe(false);
    const handlers = { start() {}, end() {}, asyncStart() {}, asyncEnd() {}, error() {} };
    channel.subscribe(handlers);
    expect(channel.hasSubscribers).toBe(true);
    channel.unsubscribe(handlers);
    expect(channel.hasSubscribers).toBe(false);
  });
});
