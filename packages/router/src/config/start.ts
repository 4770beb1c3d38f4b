import { StateUnavailableError } from '@dccrouter/state';
import { ConfigError } from './index.ts';

/**
 * A listener's bind failing because its port is taken, as the setting that chose the port: the
 * usual cause is a second router started with only PORT changed, meeting the first's GRPC_PORT.
 */
export function portTaken(setting: string, port: number, host: string): (error: unknown) => never {
  return (error) => {
    const code = (error as { code?: unknown }).code;
    if (code !== 'EADDRINUSE' && !/EADDRINUSE/.test(String((error as Error).message))) throw error;
    throw new ConfigError([`${setting} ${port} is already in use on ${host} (another router, or another program): choose a free port${setting === 'GRPC_PORT' ? ', or GRPC_PORT=off' : ''}`]);
  };
}

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
