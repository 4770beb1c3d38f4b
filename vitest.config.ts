import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // One real redis-server for the whole run, on a free port, stopped afterwards.
    globalSetup: ['test/support/redis-server.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The machine has 2 cores; end-to-end files start their own router processes.
    maxWorkers: 2,
  },
});
