import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'test/e2e/**', 'cdk.out/**', '.data/**', 'site/**'],
    globalSetup: ['test/setup/dynamodb-local.ts'],
    // Ceilings only, never a measure of speed: with both cores busy (8 developers, load ~30) a test
    // may run many times slower than on an idle machine; a test that hangs still fails.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
