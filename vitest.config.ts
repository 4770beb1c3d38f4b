import { defineConfig } from 'vitest/config';

// Two projects: `unit` (the tests beside the code: no redis-server, no router process) and
// `integration` (store contracts on a real redis-server, end-to-end tests through real sockets,
// the bench smoke test). `npm test` runs both; `npm run test:unit` the first alone, in seconds.
export default defineConfig({
  // Workspace packages by their sources: the client SDK's "default" export is its build (dist/).
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The machine has 2 cores; end-to-end files start their own router processes.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['packages/*/src/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          // One real redis-server for the whole run, on a free port, stopped afterwards.
          globalSetup: ['test/support/redis-server.ts'],
        },
      },
    ],
  },
});
