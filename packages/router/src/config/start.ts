import { StateUnavailableError } from '@dccrouter/state';
import { ConfigError } from './index.ts';

/**
 * Runs a start-up step; a bad setting or an unreachable store ends the process with one clean
 * message on stderr (no stack trace) and a non-zero exit: 2 for settings, 1 for the store.
 */
export function startOrExit<T>(step: () => T): T {
  const fail = (error: unknown): never => {
    if (error instanceof ConfigError) {
      process.stderr.write(`dcc-router: cannot start: ${error.message}\n`);
      process.exit(2);
    }
    if (error instanceof StateUnavailableError) {
      process.stderr.write(`dcc-router: cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  };
  try {
    const result = step();
    return (result instanceof Promise ? result.catch(fail) : result) as T;
  } catch (error) {
    return fail(error);
  }
}
