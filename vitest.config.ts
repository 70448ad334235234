import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// One temporary directory per run, handed to the workers as TMPDIR and removed at the end
// (test/support/temp-dir-teardown.ts): every App synthesized without an outdir writes a cdk.out*
// directory under the OS temp dir, thousands per run.
process.env.IC_TEST_TMPDIR ??= mkdtempSync(join(tmpdir(), 'ic-test-'));

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
    env: { CDK_VALIDATION: 'false', TMPDIR: process.env.IC_TEST_TMPDIR },
    globalSetup: ['test/support/temp-dir-teardown.ts'],
    // Two cores on CI machines: one fork per core.
    pool: 'forks',
    isolate: false,
    maxWorkers: 2,
  },
});
