/**
 * Strict, offline validation of Kubernetes manifests, like `kubeconform -strict`.
 *
 * What it checks, for every object:
 * - built-in kinds (every kind of kubernetes-models 5.1.0, Kubernetes v1.36: Deployment,
 *   Service, PodDisruptionBudget, HorizontalPodAutoscaler autoscaling/v2, ServiceAccount,
 *   ConfigMap, Secret, Namespace, Role, RoleBinding, ...): types, enums, quantities, required
 *   fields with kubernetes-models' validators, and unknown or misspelled fields at any depth
 *   with TypeScript's excess-property check against kubernetes-models' interfaces
 *   (see `k8s-schemas/core.ts`);
 * - custom resources (KEDA, Karpenter, Prometheus Operator, Google Managed Prometheus,
 *   LeaderWorkerSet and any other CRD in `imports/crds/`): the CRD's OpenAPI v3 schema of the
 *   object's version with unknown fields rejected (see `k8s-schemas/crd.ts`), and `metadata`
 *   as ObjectMeta (types and unknown fields);
 * - for all objects: `metadata.name` present and valid for the kind, namespace, label and
 *   annotation syntax (see `k8s-schemas/metadata.ts`);
 * - an object whose apiVersion/kind has no schema is an error, never accepted silently, and so
 *   is one in an API version the API server no longer serves (`k8s-schemas/removed-apis.ts`).
 *
 * Why: there is no cluster in tests, and the API server prunes unknown fields of custom
 * resources without a word, so a misspelled `spec.triggers[0].metdata` would deploy and never
 * scale. Synthesized manifests are checked here before anyone applies them.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { coreKinds, objectMetaErrors, runtimeErrors, type TypedLiteral, unknownFieldIssues } from './k8s-schemas/core.js';
import { crdErrors, crdVersionsOf, hasCrd } from './k8s-schemas/crd.js';
import { ajvErrorsToIssues, type ManifestIssue } from './k8s-schemas/issues.js';
import { metadataIssues } from './k8s-schemas/metadata.js';
import { removedIn } from './k8s-schemas/removed-apis.js';

export type { ManifestIssue } from './k8s-schemas/issues.js';

/** Module and interface of ObjectMeta, for the unknown-field check of custom resources' metadata. */
const OBJECT_META = { module: '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta', interfaceName: 'IObjectMeta' } as const;

/**
 * Validates every object against the official schema of its kind; unknown fields are errors.
 * Issues are sorted by object order, then path.
 */
export function validateManifests(objects: readonly unknown[]): ManifestIssue[] {
  const issues: ManifestIssue[][] = objects.map(() => []);
  const literals: TypedLiteral[] = [];
  const literalOwner: number[] = [];
  const kinds = coreKinds();

  objects.forEach((value, index) => {
    const label = objectLabel(value, index);
    const own = issues[index]!;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      own.push({ object: label, path: '', message: 'a Kubernetes object must be a JSON object' });
      return;
    }
    const object = value as Record<string, unknown>;
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      own.push({ object: label, path: '', message: 'apiVersion and kind must both be strings' });
      return;
    }
    own.push(...metadataIssues(label, kind, object.metadata));
    const removed = removedIn(apiVersion, kind);
    if (removed) {
      const served = [...kinds.values()].filter((k) => k.kind === kind && !removedIn(k.apiVersion, k.kind)).map((k) => k.apiVersion);
      own.push({
        object: label,
        path: '/apiVersion',
        message: `${kind} ${apiVersion} is no longer served since Kubernetes ${removed}` + (served.length > 0 ? `: use ${served.join(' or ')}` : ''),
      });
      return;
    }
    const core = kinds.get(`${apiVersion}/${kind}`);
    if (core) {
      own.push(...ajvErrorsToIssues(label, runtimeErrors(core, object)));
      literals.push({ object: label, module: core.module, interfaceName: core.interfaceName, value: object, basePath: '' });
      literalOwner.push(index);
      return;
    }
    if (hasCrd(apiVersion, kind)) {
      own.push(...ajvErrorsToIssues(label, crdErrors(apiVersion, kind, object)));
      if (typeof object.metadata === 'object' && object.metadata !== null) {
        own.push(...ajvErrorsToIssues(label, objectMetaErrors(object.metadata)));
        literals.push({ object: label, ...OBJECT_META, value: object.metadata, basePath: '/metadata' });
        literalOwner.push(index);
      }
      return;
    }
    const known = [
      ...crdVersionsOf(kind),
      ...[...kinds.values()].filter((k) => k.kind === kind && !removedIn(k.apiVersion, k.kind)).map((k) => k.apiVersion),
    ];
    own.push({
      object: label,
      path: '/apiVersion',
      message: `no schema for kind ${kind} in ${apiVersion}` + (known.length > 0 ? `: known versions are ${known.join(', ')}` : ': add its CRD to imports/crds'),
    });
  });

  for (const { literal, issue } of unknownFieldIssues(literals)) {
    issues[literalOwner[literal]!]!.push(issue);
  }
  return issues.flatMap((list) => dedupe(list).sort((a, b) => compare(a.path, b.path) || compare(a.message, b.message)));
}

/** Reads multi-document YAML files and validates all objects (empty documents are skipped). */
export function validateManifestFiles(paths: readonly string[]): ManifestIssue[] {
  const objects: unknown[] = [];
  for (const path of paths) {
    for (const document of parseAllDocuments(readFileSync(path, 'utf8'))) {
      if (document.errors.length > 0) {
        throw new Error(`${path} is not valid YAML: ${document.errors[0]!.message}`);
      }
      const value: unknown = document.toJS();
      if (value !== null && value !== undefined) {
        objects.push(value);
      }
    }
  }
  return validateManifests(objects);
}

/** Formats issues one per line, for readable assertion failures. */
export function formatManifestIssues(issues: readonly ManifestIssue[]): string {
  return issues.map((i) => `${i.object}${i.path}: ${i.message}`).join('\n');
}

/** `kind/namespace/name`, `kind/name` without a namespace, `#index` parts where unknown. */
function objectLabel(value: unknown, index: number): string {
  const object = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const metadata = (typeof object.metadata === 'object' && object.metadata !== null ? object.metadata : {}) as Record<string, unknown>;
  const kind = typeof object.kind === 'string' ? object.kind : `#${index}`;
  const name = typeof metadata.name === 'string' ? metadata.name : `#${index}`;
  return typeof metadata.namespace === 'string' ? `${kind}/${metadata.namespace}/${name}` : `${kind}/${name}`;
}

function dedupe(list: ManifestIssue[]): ManifestIssue[] {
  const seen = new Set<string>();
  return list.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
