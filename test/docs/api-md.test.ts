/**
 * API.md is what jsii-docgen generates from the current jsii assembly (`.jsii`), so the API
 * reference cannot drift from the code. Regenerate it with `npm run build && npm run docgen`.
 *
 * The assembly exists only after `npm run build` (jsii). Without it this test is skipped, unless
 * IC_PACKAGE_CHECKS=1 (the package gate of .ci/run), where a missing assembly is a failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const ASSEMBLY = join(ROOT, '.jsii');
const REQUIRED = process.env.IC_PACKAGE_CHECKS === '1';

describe('API.md', () => {
  test.runIf(REQUIRED)('the package gate has an assembly to document', () => {
    expect(existsSync(ASSEMBLY), '.jsii is missing: run npm run build').toBe(true);
  });

  test.skipIf(!existsSync(ASSEMBLY))('is what jsii-docgen generates from the current .jsii', () => {
    const out = mkdtempSync(join(tmpdir(), 'ic-docgen-'));
    try {
      const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'jsii-docgen'), ['--output', join(out, 'API.md')], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status, `jsii-docgen failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
      const [generated] = readdirSync(out);
      expect(generated, 'jsii-docgen wrote nothing').toBeDefined();
      expect(existsSync(join(ROOT, 'API.md')), 'API.md is missing: run npm run docgen').toBe(true);
      const current = readFileSync(join(ROOT, 'API.md'), 'utf8');
      // Compare whole files; on a difference, say how to fix it rather than print 10k lines.
      expect(current === readFileSync(join(out, generated!), 'utf8'), 'API.md is stale: run npm run docgen and commit API.md').toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
