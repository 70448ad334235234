/**
 * Built-in Kubernetes kinds, checked against kubernetes-models (Kubernetes v1.36 OpenAPI).
 *
 * kubernetes-models ships, per kind, a TypeScript interface generated from the Kubernetes
 * OpenAPI document and an ajv-compiled validator (`_schemas/<Definition>.js`) that checks
 * types, enums, formats (quantities, int-or-string) and required fields, but lets unknown
 * fields through and ships no raw JSON schema. Unknown fields are caught here with
 * TypeScript's excess-property check against the same published interfaces: one in-memory
 * source file assigns every object literal to its interface (`const o0: IDeployment = {...}`)
 * and is type-checked once; "Object literal may only specify known properties" diagnostics
 * are mapped back to the object and JSON pointer.
 *
 * The precompiled validators are ES modules without a `require` export condition; they are
 * loaded synchronously by file path with Node's `require(esm)` (Node >= 20.19).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { type AjvLikeError, type ManifestIssue, toPointer } from './issues.js';

/** A built-in kind known to kubernetes-models. */
export interface CoreKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** Module specifier of the model, e.g. `kubernetes-models/apps/v1/Deployment`. */
  readonly module: string;
  /** Name of the exported interface, e.g. `IDeployment`. */
  readonly interfaceName: string;
  /** Absolute path of the precompiled validator. */
  readonly validatorFile: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const requireHere = createRequire(import.meta.url);

/** Finds an installed package directory by walking up from this file. */
export function packageDir(name: string): string {
  let dir = here;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    try {
      if (statSync(join(candidate, 'package.json')).isFile()) {
        return candidate;
      }
    } catch {
      // not in this node_modules, keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`package ${name} is not installed (looked in node_modules above ${here})`);
    }
    dir = parent;
  }
}

let registry: Map<string, CoreKind> | undefined;

/** All top-level kinds of kubernetes-models, keyed by `apiVersion/kind`. */
export function coreKinds(): ReadonlyMap<string, CoreKind> {
  if (registry) {
    return registry;
  }
  const root = packageDir('kubernetes-models');
  const found = new Map<string, CoreKind>();
  const versionDirs: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('_')) {
      continue;
    }
    if (/^v\d/.test(entry.name)) {
      versionDirs.push(entry.name); // core group: kubernetes-models/v1/Pod
    } else {
      for (const version of readdirSync(join(root, entry.name), { withFileTypes: true })) {
        if (version.isDirectory()) {
          versionDirs.push(`${entry.name}/${version.name}`);
        }
      }
    }
  }
  for (const versionDir of versionDirs.sort()) {
    for (const file of readdirSync(join(root, versionDir)).sort()) {
      if (!file.endsWith('.d.ts') || file === 'index.d.ts') {
        continue;
      }
      const dts = readFileSync(join(root, versionDir, file), 'utf8');
      const iface = /export interface (I\w+) extends TypeMeta \{/.exec(dts);
      const apiVersion = /"apiVersion": "([^"]+)";/.exec(dts);
      const kind = /"kind": "([^"]+)";/.exec(dts);
      if (!iface || !apiVersion || !kind) {
        continue;
      }
      const js = readFileSync(join(root, versionDir, file.replace(/\.d\.ts$/, '.js')), 'utf8');
      const schema = /from\s*"((?:\.\.\/)+_schemas\/\w+\.js)"/.exec(js);
      if (!schema) {
        continue;
      }
      found.set(`${apiVersion[1]}/${kind[1]}`, {
        apiVersion: apiVersion[1]!,
        kind: kind[1]!,
        module: `kubernetes-models/${versionDir}/${file.replace(/\.d\.ts$/, '')}`,
        interfaceName: iface[1]!,
        validatorFile: join(root, versionDir, schema[1]!),
      });
    }
  }
  registry = found;
  return found;
}

type ValidateFunction = ((data: unknown) => boolean) & { errors?: AjvLikeError[] | null };
const validators = new Map<string, ValidateFunction>();

/** Runs kubernetes-models' precompiled validator of the kind (types, enums, formats, required fields). */
export function runtimeErrors(kind: CoreKind, object: unknown): AjvLikeError[] {
  return runValidator(kind.validatorFile, object);
}

/** Runs the precompiled ObjectMeta validator of @kubernetes-models/apimachinery. */
export function objectMetaErrors(metadata: unknown): AjvLikeError[] {
  const file = join(packageDir('@kubernetes-models/apimachinery'), '_schemas', 'IoK8sApimachineryPkgApisMetaV1ObjectMeta.js');
  return runValidator(file, metadata).map((e) => ({ ...e, instancePath: `/metadata${e.instancePath}` }));
}

function runValidator(file: string, data: unknown): AjvLikeError[] {
  let validate = validators.get(file);
  if (!validate) {
    validate = (requireHere(file) as { validate: ValidateFunction }).validate;
    validators.set(file, validate);
  }
  return validate(data) ? [] : [...(validate.errors ?? [])];
}

/** One literal to type-check against an interface. */
export interface TypedLiteral {
  /** Object label used in issues. */
  readonly object: string;
  /** Module specifier that exports the interface. */
  readonly module: string;
  readonly interfaceName: string;
  /** The value (plain JSON data). */
  readonly value: unknown;
  /** JSON pointer of `value` inside the object (`''` for the whole object, `/metadata` for metadata). */
  readonly basePath: string;
}

const VIRTUAL_FILE = join(here, '__manifest_types__.ts');
const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  lib: ['lib.es5.d.ts'],
};
/** Parsed declaration files, shared by every program of the process. */
const sourceFileCache = new Map<string, ts.SourceFile>();
/** The current program and the interface types it resolved, keyed by `module#interface`. */
let current: { readonly program: ts.Program; readonly types: ReadonlyMap<string, ts.Type> } | undefined;

/**
 * Resolves kubernetes-models interfaces with the TypeScript checker. One program imports every
 * interface needed so far; it is rebuilt (re-using parsed files) only when a call needs a new one.
 */
function interfaceTypes(keys: readonly string[]): { checker: ts.TypeChecker; types: ReadonlyMap<string, ts.Type> } {
  if (current && keys.every((k) => current!.types.has(k))) {
    return { checker: current.program.getTypeChecker(), types: current.types };
  }
  const all = [...new Set([...(current?.types.keys() ?? []), ...keys])].sort();
  const lines = all.map((key, index) => {
    const [module, interfaceName] = key.split('#') as [string, string];
    return `import type { ${interfaceName} as T${index} } from ${JSON.stringify(module)};\nexport declare const v${index}: T${index};`;
  });
  const text = lines.join('\n') + '\n';
  const virtual = ts.createSourceFile(VIRTUAL_FILE, text, ts.ScriptTarget.ES2022, true);
  const host = ts.createCompilerHost(COMPILER_OPTIONS, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (fileName === VIRTUAL_FILE) {
      return virtual;
    }
    let file = sourceFileCache.get(fileName);
    if (!file) {
      file = getSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (file) {
        sourceFileCache.set(fileName, file);
      }
    }
    return file;
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === VIRTUAL_FILE || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => (fileName === VIRTUAL_FILE ? text : readFile(fileName));

  const program = ts.createProgram({ rootNames: [VIRTUAL_FILE], options: COMPILER_OPTIONS, host, oldProgram: current?.program });
  const problems = program.getSemanticDiagnostics(virtual);
  if (problems.length > 0) {
    // A model module or interface did not resolve: the field check itself is broken.
    throw new Error(`kubernetes-models types did not resolve: ${problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('; ')}`);
  }
  const checker = program.getTypeChecker();
  const types = new Map<string, ts.Type>();
  const declarations = virtual.statements.filter(ts.isVariableStatement).map((s) => s.declarationList.declarations[0]!);
  all.forEach((key, index) => {
    types.set(key, checker.getTypeAtLocation(declarations[index]!.name));
  });
  current = { program, types };
  return { checker, types };
}

/**
 * Reports fields that the interface of each literal does not declare, at any depth: the value
 * is walked together with the interface's type (properties, arrays, string index signatures
 * such as `labels`, unions such as int-or-string), so every unknown field is reported, not only
 * the first one TypeScript's assignability check would stop at. Type, enum and required-field
 * errors are left to the runtime validators.
 */
export function unknownFieldIssues(literals: readonly TypedLiteral[]): { readonly literal: number; readonly issue: ManifestIssue }[] {
  if (literals.length === 0) {
    return [];
  }
  const { checker, types } = interfaceTypes(literals.map((l) => `${l.module}#${l.interfaceName}`));
  const issues: { literal: number; issue: ManifestIssue }[] = [];
  literals.forEach((literal, index) => {
    const type = types.get(`${literal.module}#${literal.interfaceName}`)!;
    walk(checker, literal.value, [type], [], (segments, message) => {
      issues.push({ literal: index, issue: { object: literal.object, path: literal.basePath + toPointer(segments), message } });
    });
  });
  return issues;
}

function walk(
  checker: ts.TypeChecker,
  value: unknown,
  types: readonly ts.Type[],
  segments: (string | number)[],
  report: (segments: (string | number)[], message: string) => void,
): void {
  const members = types.flatMap((type) => (type.isUnion() ? type.types : [type])).filter((t) => (t.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) !== 0);
  if (Array.isArray(value)) {
    const arrays = members.filter((t) => checker.isArrayType(t) || checker.isTupleType(t));
    const elementTypes = arrays.flatMap((t) => checker.getTypeArguments(t as ts.TypeReference).slice(0, 1));
    if (elementTypes.length === 0) {
      return; // not an array in the schema: a type error the runtime validator reports
    }
    value.forEach((item, i) => walk(checker, item, elementTypes, [...segments, i], report));
    return;
  }
  if (typeof value !== 'object' || value === null) {
    return;
  }
  const objects = members.filter((t) => !checker.isArrayType(t) && !checker.isTupleType(t));
  if (objects.length === 0) {
    return; // not an object in the schema: a type error the runtime validator reports
  }
  for (const [key, child] of Object.entries(value)) {
    const childTypes: ts.Type[] = [];
    for (const objectType of objects) {
      const property = checker.getPropertyOfType(objectType, key);
      if (property) {
        childTypes.push(checker.getNonNullableType(checker.getTypeOfSymbol(property)));
        continue;
      }
      const index = checker.getIndexInfoOfType(objectType, ts.IndexKind.String);
      if (index) {
        childTypes.push(checker.getNonNullableType(index.type));
      }
    }
    if (childTypes.length === 0) {
      const known = objects.flatMap((t) => checker.getPropertiesOfType(t).map((p) => p.name));
      const suggestion = closest(key, known);
      report([...segments, key], `unknown field "${key}"` + (suggestion ? `; did you mean "${suggestion}"?` : ''));
      continue;
    }
    walk(checker, child, childTypes, [...segments, key], report);
  }
}

/** The known name closest to `name` by edit distance, if close enough to be a typo (at most a third of the letters). */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of [...new Set(known)].sort()) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
