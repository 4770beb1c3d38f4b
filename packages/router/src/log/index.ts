import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; one line per event, never per accepted request. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'dcc-router' } });
}

const TASK_FAILED = Symbol('dccrouter.taskFailed');

/**
 * The router's logger, carrying where its background tasks' failures are counted (a metric, so a
 * task failing tick after tick can be alerted on, not only read in the throttled log). Made as
 * pino makes its children (an object whose prototype is the logger), so it logs as `log` does and
 * every module handed it, and their own children, carry the count without being told of it.
 */
export function countingTaskFailures(log: Logger, failed: (task: string) => void): Logger {
  return Object.assign(Object.create(log) as Logger, { [TASK_FAILED]: failed });
}

/** Counts a background task's failure where the logger says (countingTaskFailures); nothing otherwise. */
export function countTaskFailure(log: Logger, task: string): void {
  (log as Logger & { [TASK_FAILED]?: (task: string) => void })[TASK_FAILED]?.(task);
}

/**
 * How a background loop reports a failed run: counted for the deploy kit's alert
 * (countTaskFailure) and logged at most once per 10 s (throttledWarn), with how many failed meanwhile.
 */
export function taskFailureReporter(log: Logger, task: string): (fields: Record<string, unknown>, message: string) => void {
  const warn = throttledWarn(log);
  return (fields, message) => {
    countTaskFailure(log, task);
    warn(task, fields, message);
  };
}

/**
 * A warning that may recur many times a second (every request or tick during a store outage):
 * logged at most once per `intervalMs` for each key. What recurred meanwhile is told at the end of
 * that interval, in one line with the latest fields and how many were `suppressed`, so an outage
 * shows in the logs without flooding them, and its last occurrences are not lost when it ends.
 */
export function throttledWarn(log: Logger, intervalMs = 10_000) {
  const open = new Map<string, { fields: Record<string, unknown>; message: string; suppressed: number; lastAt: number }>();
  return (key: string, fields: Record<string, unknown>, message: string): void => {
    const held = open.get(key);
    if (held) {
      Object.assign(held, { fields, message, lastAt: Date.now() });
      held.suppressed++;
      return;
    }
    log.warn(fields, message);
    const interval = { fields, message, suppressed: 0, lastAt: 0 };
    open.set(key, interval);
    const close = () => {
      if (interval.suppressed === 0) {
        open.delete(key);
        return;
      }
      // Written up to an interval late: when the last of them happened, so it does not read as a new failure.
      log.warn({ ...interval.fields, suppressed: interval.suppressed, lastAt: new Date(interval.lastAt).toISOString() }, `${interval.message} (${interval.suppressed} more, the last at ${new Date(interval.lastAt).toISOString()})`);
      interval.suppressed = 0;
      // The line just written opens the next interval.
      setTimeout(close, intervalMs).unref();
    };
    // Not a reason to keep the process alive: a stopping process's last count is its shutdown's business.
    setTimeout(close, intervalMs).unref();
  };
}
