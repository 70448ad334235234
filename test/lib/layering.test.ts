import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LIB = join(ROOT, 'lib');

/** Packages and folders lib/ must never import: lib/ is the pure domain every layer builds on. */
const FORBIDDEN = [/^aws-cdk-lib(\/|$)/, /^cdk8s(\/|$)/, /^cdk8s-plus-28(\/|$)/, /^constructs(\/|$)/, /(^|\/)constructs\//, /(^|\/)bin\//];

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

/** Module specifiers of static imports, re-exports, dynamic imports and require() calls. */
function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) specifiers.push(m[1]);
  return specifiers;
}

describe('layering', () => {
  const files = filesUnder(LIB).filter((f) => /\.(ts|js|mts|cts)$/.test(f));

  test('lib/ has source files to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test('the import scanner sees every import form', () => {
    expect(importsOf("import { App } from 'aws-cdk-lib';\nimport type { Chart } from 'cdk8s';\nexport * from '../constructs/k8s/x.js';\nimport 'constructs';\nconst m = await import('cdk8s-plus-28');")).toEqual([
      'aws-cdk-lib',
      'cdk8s',
      '../constructs/k8s/x.js',
      'constructs',
      'cdk8s-plus-28',
    ]);
  });

  test.each(files.map((f) => [relative(ROOT, f), f]))('%s imports no CDK, cdk8s, constructs or bin code', (_, file) => {
    const offending = importsOf(readFileSync(file, 'utf8')).filter((s) => FORBIDDEN.some((re) => re.test(s)));
    expect(offending).toEqual([]);
  });
});
