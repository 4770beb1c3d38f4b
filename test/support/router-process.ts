import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUN = `${ROOT}node_modules/.bin/bun`;

export interface RouterProcess {
  url: string;
  /** host:port of the gRPC ingress, when the process runs one. */
  grpcAddress?: string;
  adminToken: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the real router under Bun, as `npm start` does (or another entry point), on a free port (PORT=0). */
export async function startRouterProcess(env: Record<string, string> = {}, script = 'packages/router/src/main.ts'): Promise<RouterProcess> {
  const adminToken = env.ROUTER_ADMIN_TOKEN ?? 'test-admin-token';
  const child = spawn(BUN, [script], {
    cwd: ROOT,
    // One router process unless the test asks for more (on Redis the default is one per core).
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ROUTER_ADMIN_TOKEN: adminToken, ROUTER_PROCESSES: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`router did not start:\n${output}`)), 15_000);
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`router exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    grpcAddress: /gRPC on (\S+)/.exec(output)?.[1],
    adminToken,
    child,
    output: () => output,
    stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
      return new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      });
    },
  };
}
