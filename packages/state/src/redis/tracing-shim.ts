// ioredis traces every command through node:diagnostics_channel unless its TracingChannel says it
// has no subscribers. Bun's TracingChannel has no `hasSubscribers` (Node added it in 22), so under
// Bun every command paid for tracing nobody listens to: sanitised copies of all its arguments and a
// wrapper promise. This gives Bun's TracingChannel the property as Node defines it.
import diagnostics from 'node:diagnostics_channel';

type Channels = Record<'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error', { hasSubscribers: boolean } | undefined>;

// Exported so the test can apply it to a prototype lacking the property (Node 20, where vitest runs, has it).
export function install(prototype: object): void {
  if ('hasSubscribers' in prototype) return;
  Object.defineProperty(prototype, 'hasSubscribers', {
    configurable: true,
    get(this: Channels) {
      return [this.start, this.end, this.asyncStart, this.asyncEnd, this.error].some((channel) => channel?.hasSubscribers === true);
    },
  });
}

if (typeof diagnostics.tracingChannel === 'function') {
  install(Object.getPrototypeOf(diagnostics.tracingChannel('dccrouter:probe')));
}
