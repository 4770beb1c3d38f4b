// ioredis traces every command through node:diagnostics_channel unless its TracingChannel says it
// has no subscribers. Bun's TracingChannel has no `hasSubscribers` (Node added it in 22), so under
// Bun every command paid for tracing nobody listens to: sanitised copies of all its arguments and a
// wrapper promise. This gives Bun's TracingChannel the property as Node defines it.
import diagnostics from 'node:diagnostics_channel';

type Channels = Record<'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error', { hasSubscribers: boolean } | undefined>;

if (typeof diagnostics.tracingChannel === 'function') {
  const prototype = Object.getPrototypeOf(diagnostics.tracingChannel('dccrouter:probe'));
  if (!('hasSubscribers' in prototype)) {
    Object.defineProperty(prototype, 'hasSubscribers', {
      configurable: true,
      get(this: Channels) {
        return [this.start, this.end, this.asyncStart, this.asyncEnd, this.error].some((channel) => channel?.hasSubscribers === true);
      },
    });
  }
}
