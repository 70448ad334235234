import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Synthesizing CDK stacks takes seconds; templates are compared whole in snapshots.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    snapshotSerializers: ['test/support/asset-hash-serializer.ts'],
    // Two cores on CI machines: one fork per core.
    pool: 'forks',
    maxWorkers: 2,
  },
});
