import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; one line per event, never per accepted request. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'dcc-router' } });
}

/**
 * A warning that may recur many times a second (every request or tick during a store outage):
 * logged at most once per `intervalMs` for each key, the next line counting how many were
 * `suppressed` meanwhile, so an outage shows in the logs without flooding them.
 */
export function throttledWarn(log: Logger, intervalMs = 10_000, now: () => number = Date.now) {
  const seen = new Map<string, { at: number; suppressed: number }>();
  return (key: string, fields: Record<string, unknown>, message: string): void => {
    const last = seen.get(key);
    const at = now();
    if (last && at - last.at < intervalMs) {
      last.suppressed++;
      return;
    }
    const suppressed = last?.suppressed ?? 0;
    seen.set(key, { at, suppressed: 0 });
    log.warn(suppressed > 0 ? { ...fields, suppressed } : fields, message);
  };
}
