/**
 * Snapshot serializer that removes CDK asset hashes, so snapshots survive aws-cdk-lib and
 * kubectl-layer upgrades (the hashes change with every release of the bundled assets).
 *
 * After cdk-monitoring-constructs `test/setup/setup.ts`.
 */
import type { SnapshotSerializer } from 'vitest';

const ASSET_HASH = /[0-9a-f]{64}/g;

function hasHash(value: string): boolean {
  ASSET_HASH.lastIndex = 0;
  return ASSET_HASH.test(value);
}

const serializer: SnapshotSerializer = {
  test: (value: unknown) => typeof value === 'string' && hasHash(value),
  serialize: (value: string, config, indentation, depth, refs, printer) =>
    printer(value.replace(ASSET_HASH, '[ASSET HASH]'), config, indentation, depth, refs),
};

export default serializer;
