import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The consumer apps have their own runners (jest, ts-node, node, cdk8s): npm run test:consumers.
    exclude: ['test/consumers/**', 'node_modules/**', 'build/**'],
    // Synthesizing CDK stacks takes seconds; templates are compared whole in snapshots.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    snapshotSerializers: ['test/support/asset-hash-serializer.ts'],
    // Templates are linted by cfn-lint in the suites; skip aws-cdk-lib's slower built-in validation.
    env: { CDK_VALIDATION: 'false' },
    // Two cores on CI machines: one fork per core.
    pool: 'forks',
    isolate: false,
    maxWorkers: 2,
  },
});
