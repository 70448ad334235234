import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

/**
 * The two construct folders never import each other: constructs/aws (AWS CDK) must not pull in
 * cdk8s, and constructs/k8s (cdk8s) must not pull in the AWS CDK, so each loads without the
 * other's framework. Relative specifiers are resolved from the importing file.
 */
const CONSTRUCT_LAYERS = [
  {
    folder: 'constructs/aws',
    packages: [/^cdk8s(\/|$)/, /^cdk8s-plus-28(\/|$)/],
    folders: ['constructs/k8s', 'imports'],
    says: 'cdk8s, cdk8s-plus-28, constructs/k8s or the cdk8s CRD bindings',
  },
  {
    folder: 'constructs/k8s',
    packages: [/^aws-cdk-lib(\/|$)/],
    folders: ['constructs/aws'],
    says: 'aws-cdk-lib or constructs/aws',
  },
];

/** The repository-relative path a relative specifier points at, or undefined for a package. */
function resolvedPath(file: string, specifier: string): string | undefined {
  return specifier.startsWith('.') ? relative(ROOT, resolve(dirname(file), specifier)) : undefined;
}

describe.each(CONSTRUCT_LAYERS)('layering of $folder', ({ folder, packages, folders, says }) => {
  const files = filesUnder(join(ROOT, folder)).filter((f) => /\.(ts|js|mts|cts)$/.test(f));

  test(`${folder} has source files to check`, () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test('the resolver sees a sibling folder through ../', () => {
    expect(resolvedPath(join(ROOT, folder, 'x.ts'), '../k8s/model-deployment.js')).toBe(join('constructs', 'k8s', 'model-deployment.js'));
  });

  test.each(files.map((f) => [relative(ROOT, f), f]))(`%s imports no ${says}`, (_, file) => {
    const offending = importsOf(readFileSync(file, 'utf8')).filter((s) => {
      if (packages.some((re) => re.test(s))) return true;
      const target = resolvedPath(file, s);
      return target !== undefined && folders.some((f) => target === f || target.startsWith(`${f}/`));
    });
    expect(offending).toEqual([]);
  });
});
