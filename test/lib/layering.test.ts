import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { LEADER_WORKER_SET_GVK } from '../../constructs/k8s/model-deployment.js';
import { LeaderWorkerSet } from '../../imports/leaderworkersets-leaderworkerset.x-k8s.io.js';

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

/**
 * What a synth loads: the generated bindings too large to load for what they give. cdk8s-plus-28's
 * `lib/imports/k8s.js` (2.6 MB, 50-100 ms to load) and the LeaderWorkerSet binding (736 KiB,
 * about 25 ms) are imported for their types only; the objects render through `ApiObject` with
 * the apiVersion and kind the bindings give, checked here. TYPES_ONLY: modules imported for their
 * types only.
 */
const TYPES_ONLY = [/^cdk8s-plus-28\/lib\/imports\/k8s(\.js)?$/, /(^|\/)imports\/leaderworkersets-leaderworkerset\.x-k8s\.io(\.js)?$/];

/** Specifiers of imports that load a module at run time: every import but `import type`. */
function valueImportsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/\b(import|export)\s+(type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g)) if (!m[2]) out.push(m[3]!);
  for (const m of source.matchAll(/\b(?:import\s*\(|require\s*\()\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  return out;
}

describe('the synth load path', () => {
  test('the scanner tells type imports from value imports', () => {
    expect(
      valueImportsOf("import type { A } from 'cdk8s-plus-28/lib/imports/k8s.js';\nimport { B } from 'cdk8s';\nexport { C } from './c.js';\nrequire('x');"),
    ).toEqual(['cdk8s', './c.js', 'x']);
  });

  const files = ['lib', 'constructs', 'bin']
    .flatMap((d) => filesUnder(join(ROOT, d)))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [relative(ROOT, f), f]);
  test.each(files)('%s imports the large generated bindings for their types only', (_, file) => {
    expect(valueImportsOf(readFileSync(file, 'utf8')).filter((s) => TYPES_ONLY.some((re) => re.test(s)))).toEqual([]);
  });

  test('the LeaderWorkerSet apiVersion and kind are those of the binding', () => {
    expect(LEADER_WORKER_SET_GVK).toEqual(LeaderWorkerSet.GVK);
  });
});
