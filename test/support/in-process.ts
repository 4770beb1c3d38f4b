import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { inject } from 'vitest';
import type { Logger } from 'pino';
import { createRouter, loadConfig, type Router } from '@dccrouter/router';

/** Both stores, as settings for startInProcess: `describe.each(everyStore())(..., (name, storeEnv) => ...)`. */
export function everyStore(): [name: string, storeEnv: Record<string, string>][] {
  return [['the embedded store', {}], ['Redis', { REDIS_URL: inject('redisUrl') }]];
}

export interface InProcessRouter {
  url: string;
  adminToken: string;
  router: Router;
  close(): Promise<void>;
}

/**
 * The router assembled in the test process and served on a real socket (Node adapter), with the
 * demo inventory, on either store. Each instance gets its own Redis key prefix. Logs go to `log`
 * when given (a test reading what the router logged), else nowhere.
 */
export async function startInProcess(env: Record<string, string> = {}, log?: Logger): Promise<InProcessRouter> {
  const adminToken = 'in-process-token';
  const config = loadConfig({
    ROUTER_ADMIN_TOKEN: adminToken,
    SEED_DEMO: 'true',
    VERIFY_THREADS: '0',
    LOG_LEVEL: 'silent',
    REDIS_KEY_PREFIX: `test:${randomUUID()}:`,
    ...env,
  });
  const router = await createRouter(config, log);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: router.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    adminToken,
    router,
    async close() {
      await router.shutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
