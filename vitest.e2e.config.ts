import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/setup/dynamodb-local.ts'],
    // Ceilings only (see vitest.config.ts): generous enough for a machine with both cores busy.
    testTimeout: 450_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
