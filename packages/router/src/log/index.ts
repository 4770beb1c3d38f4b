import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; one line per event, never per accepted request. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'dcc-router' } });
}

/**
 * A warning that may recur many times a second (every request or tick during a store outage):
 * logged at most once per `intervalMs` for each key. What recurred meanwhile is told at the end of
 * that interval, in one line with the latest fields and how many were `suppressed`, so an outage
 * shows in the logs without flooding them, and its last occurrences are not lost when it ends.
 */
export function throttledWarn(log: Logger, intervalMs = 10_000) {
  const open = new Map<string, { fields: Record<string, unknown>; message: string; suppressed: number }>();
  return (key: string, fields: Record<string, unknown>, message: string): void => {
    const held = open.get(key);
    if (held) {
      Object.assign(held, { fields, message });
      held.suppressed++;
      return;
    }
    log.warn(fields, message);
    const interval = { fields, message, suppressed: 0 };
    open.set(key, interval);
    const close = () => {
      if (interval.suppressed === 0) {
        open.delete(key);
        return;
      }
      log.warn({ ...interval.fields, suppressed: interval.suppressed }, interval.message);
      interval.suppressed = 0;
      // The line just written opens the next interval.
      setTimeout(close, intervalMs).unref();
    };
    // Not a reason to keep the process alive: a stopping process's last count is its shutdown's business.
    setTimeout(close, intervalMs).unref();
  };
}
