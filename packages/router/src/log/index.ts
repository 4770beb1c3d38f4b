import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; one line per event, never per accepted request. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'dcc-router' } });
}
