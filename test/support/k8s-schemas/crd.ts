/**
 * Custom resources, checked against the upstream CRDs in `imports/crds/`.
 *
 * Every `*.yaml` CustomResourceDefinition in that folder is loaded (provenance in
 * imports/crds/README.md); an object is validated with ajv against
 * `spec.versions[name = version of its apiVersion].schema.openAPIV3Schema`, made strict the way
 * kubeconform's `-strict` does it (https://github.com/yannh/kubeconform#strict-mode): every
 * object schema that lists `properties` and has neither `additionalProperties` nor
 * `x-kubernetes-preserve-unknown-fields: true` gets `additionalProperties: false`, so a
 * misspelled field is an error instead of being pruned silently by the API server.
 *
 * Kubernetes structural-schema extensions
 * (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema):
 * `x-kubernetes-int-or-string` becomes `anyOf: [integer, string]` where the CRD does not spell
 * it out, `x-kubernetes-embedded-resource` objects also accept `apiVersion`, `kind` and
 * `metadata`, `x-kubernetes-preserve-unknown-fields` keeps an object open; list/map-type
 * markers are annotations. CEL rules (`x-kubernetes-validations`) are not evaluated: there is
 * no CEL interpreter offline, so they remain the API server's job.
 *
 * Schemas are compiled once per group/version/kind and cached for the process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import type { AjvLikeError } from './issues.js';

/** Folder with the upstream CRD YAMLs, relative to this file. */
export const CRD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'imports', 'crds');

interface CrdVersion {
  readonly file: string;
  readonly schema: AnySchemaObject;
}

const loadedFiles = new Set<string>();
/** `group/version/kind` -> schema of that version. */
const versions = new Map<string, CrdVersion>();
const compiled = new Map<string, ValidateFunction>();

/** Largest int32, for `format: int32` (OpenAPI 3.0 data types). */
const INT32_MAX = 2 ** 31 - 1;
/** RFC 3339 date-time as Kubernetes serialises `metav1.Time` (https://www.rfc-editor.org/rfc/rfc3339#section-5.6). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
/** Go `time.ParseDuration` syntax, the `duration` format of apiextensions (https://pkg.go.dev/time#ParseDuration). */
const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$|^0$/;

/**
 * CRD `pattern`s are Go RE2 expressions (https://github.com/google/re2/wiki/Syntax); the few RE2
 * spellings JavaScript lacks are translated: the `(?i)` flag group (Prometheus Operator CRDs,
 * e.g. `^(?i)(abort|warn)?$`) becomes the `i` flag for the whole pattern (JavaScript has no
 * inline flags; the patterns in use put it before everything that matters), and named groups
 * `(?P<name>` become `(?<name>`.
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string): RegExp => {
    const source = pattern.replace(/\(\?P</g, '(?<');
    return source.includes('(?i)') ? new RegExp(source.split('(?i)').join(''), `${flags}i`) : new RegExp(source, flags);
  },
  { code: 'new RegExp' },
);

const unknownFormats: string[] = [];
const ajv = new Ajv({
  strict: false,
  allErrors: true,
  // Code optimisation doubles compile time of large CRDs (LeaderWorkerSet) for no gain on small inputs.
  code: { optimize: false, regExp: goRegExp },
  logger: {
    log: () => undefined,
    warn: (...args: unknown[]) => {
      const text = args.map(String).join(' ');
      if (/unknown format/.test(text)) {
        unknownFormats.push(text);
      }
    },
    error: (...args: unknown[]) => {
      throw new Error(args.map(String).join(' '));
    },
  },
  formats: {
    int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -INT32_MAX - 1 && n <= INT32_MAX },
    int64: { type: 'number', validate: (n: number) => Number.isInteger(n) },
    float: { type: 'number', validate: () => true },
    double: { type: 'number', validate: () => true },
    'date-time': DATE_TIME,
    date: /^\d{4}-\d{2}-\d{2}$/,
    duration: GO_DURATION,
    byte: /^[A-Za-z0-9+/]*={0,2}$/,
    password: /.*/,
    uri: /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/,
    hostname: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i,
    ipv4: /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/,
    ipv6: /^[0-9A-Fa-f:.]+$/,
    cidr: /^[0-9A-Fa-f:.]+\/\d{1,3}$/,
    uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    email: /^[^\s@]+@[^\s@]+$/,
  },
});

/** CRD files seen, by file name, with the group and kind found by a cheap scan (parsed on first use). */
const indexedFiles = new Map<string, { readonly group: string; readonly kind: string } | undefined>();

/** Top-level `spec.group` and `spec.names.kind` of a CRD file as `controller-gen` and kubebuilder lay it out. */
const GROUP_LINE = /^ {2}group: ["']?([^\s"']+)["']?\s*$/m;
const NAMES_BLOCK = /^ {2}names:\n((?: {4,}.*\n)+)/m;
const KIND_LINE = /^ {4}kind: ["']?([^\s"']+)["']?\s*$/m;

/**
 * Indexes CRD files of the folder not seen yet (a CRD added later is picked up by the next
 * call) and parses those that may define `group`/`kind` (all of them when no kind is given, or
 * when a file's layout does not allow the cheap scan). Parsing the 1.3 MB LeaderWorkerSet CRD
 * takes about 0.3 s, so it is parsed only when an object needs it.
 */
function loadCrds(group?: string, kind?: string): void {
  for (const file of readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort()) {
    if (!indexedFiles.has(file)) {
      const text = readFileSync(join(CRD_DIR, file), 'utf8');
      const groupLine = GROUP_LINE.exec(text);
      const names = NAMES_BLOCK.exec(text);
      const kindLine = names ? KIND_LINE.exec(names[1]!) : null;
      indexedFiles.set(file, groupLine && kindLine ? { group: groupLine[1]!, kind: kindLine[1]! } : undefined);
    }
    const scanned = indexedFiles.get(file);
    if (loadedFiles.has(file) || (scanned && kind !== undefined && (scanned.group !== group || scanned.kind !== kind))) {
      continue;
    }
    loadedFiles.add(file);
    parseCrdFile(file);
  }
}

function parseCrdFile(file: string): void {
  // uniqueKeys: false halves parse time; upstream CRDs are generated and have no duplicate keys.
  const documents = parseAllDocuments(readFileSync(join(CRD_DIR, file), 'utf8'), { uniqueKeys: false, keepSourceTokens: false });
  for (const document of documents) {
    if (document.errors.length > 0) {
      throw new Error(`imports/crds/${file} is not valid YAML: ${document.errors[0]!.message}`);
    }
    const crd = document.toJS({ maxAliasCount: -1 }) as CustomResourceDefinition | null;
    if (!crd || crd.kind !== 'CustomResourceDefinition') {
      continue;
    }
    for (const version of crd.spec.versions ?? []) {
      const schema = version.schema?.openAPIV3Schema;
      if (!schema) {
        continue;
      }
      const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
      if (versions.has(key)) {
        throw new Error(`${key} is defined twice (imports/crds/${versions.get(key)!.file} and imports/crds/${file})`);
      }
      versions.set(key, { file, schema });
    }
  }
}

interface CustomResourceDefinition {
  readonly kind: string;
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string };
    readonly versions?: readonly { readonly name: string; readonly schema?: { readonly openAPIV3Schema?: AnySchemaObject } }[];
  };
}

/** Whether a CRD in imports/crds defines this apiVersion and kind. */
export function hasCrd(apiVersion: string, kind: string): boolean {
  loadCrds(groupOf(apiVersion), kind);
  return versions.has(`${apiVersion}/${kind}`);
}

/** Every `group/version/kind` defined by the CRDs in imports/crds, sorted. */
export function crdKinds(): string[] {
  loadCrds();
  return [...versions.keys()].sort();
}

/** The CRD files defining a kind in any version, for error messages. */
export function crdVersionsOf(kind: string): string[] {
  loadCrds();
  return [...versions.keys()].filter((k) => k.endsWith(`/${kind}`)).map((k) => k.slice(0, -kind.length - 1)).sort();
}

/** Validates an object against the strict schema of its CRD version; the CRD must exist ({@link hasCrd}). */
export function crdErrors(apiVersion: string, kind: string, object: unknown): AjvLikeError[] {
  const key = `${apiVersion}/${kind}`;
  let validate = compiled.get(key);
  if (!validate) {
    loadCrds(groupOf(apiVersion), kind);
    const version = versions.get(key);
    if (!version) {
      throw new Error(`no CRD for ${key} in imports/crds`);
    }
    unknownFormats.length = 0;
    validate = ajv.compile(strictSchema(version.schema));
    if (unknownFormats.length > 0) {
      throw new Error(`imports/crds/${version.file} uses formats this validator does not know: ${unknownFormats.join('; ')}`);
    }
    compiled.set(key, validate);
  }
  return validate(object) ? [] : [...(validate.errors ?? [])];
}

/** API group of an apiVersion (`keda.sh/v1alpha1` -> `keda.sh`; the core group is ''). */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Copy of a structural schema with kubeconform `-strict` semantics (see file comment). */
export function strictSchema(schema: AnySchemaObject, branch = false): AnySchemaObject {
  const out: AnySchemaObject = { ...schema };
  if (out['x-kubernetes-int-or-string'] === true && out.anyOf === undefined && out.oneOf === undefined && out.type === undefined) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (out.properties !== undefined) {
    const properties: Record<string, AnySchemaObject> = {};
    for (const [name, child] of Object.entries(out.properties as Record<string, AnySchemaObject>)) {
      properties[name] = strictSchema(child);
    }
    if (out['x-kubernetes-embedded-resource'] === true) {
      properties.apiVersion ??= { type: 'string' };
      properties.kind ??= { type: 'string' };
      properties.metadata ??= { type: 'object' };
    }
    out.properties = properties;
    // A branch of allOf/anyOf/oneOf only adds value checks to fields its parent declares:
    // closing it would reject the parent's other fields.
    if (!branch && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
      out.additionalProperties = false;
    }
  }
  if (typeof out.additionalProperties === 'object' && out.additionalProperties !== null) {
    out.additionalProperties = strictSchema(out.additionalProperties as AnySchemaObject);
  }
  if (Array.isArray(out.items)) {
    out.items = (out.items as AnySchemaObject[]).map((i) => strictSchema(i));
  } else if (typeof out.items === 'object' && out.items !== null) {
    out.items = strictSchema(out.items as AnySchemaObject);
  }
  for (const combinator of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(out[combinator])) {
      out[combinator] = (out[combinator] as AnySchemaObject[]).map((b) => strictSchema(b, true));
    }
  }
  if (typeof out.not === 'object' && out.not !== null) {
    out.not = strictSchema(out.not as AnySchemaObject, true);
  }
  return out;
}
