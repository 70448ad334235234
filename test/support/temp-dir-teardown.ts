/**
 * Vitest global setup: removes the run's temporary directory (see vitest.config.ts) when the run
 * ends, so the `cdk.out*` directories aws-cdk-lib's `App` creates under the OS temp dir for every
 * synthesis without an `outdir` do not pile up across runs.
 */
import { rmSync } from 'node:fs';

export default function setup(): () => void {
  return () => {
    const dir = process.env.IC_TEST_TMPDIR;
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
