/**
 * Object name, namespace, label and annotation syntax, as the API server checks them
 * (k8s.io/apimachinery `pkg/api/validation/objectmeta.go` and `pkg/util/validation/validation.go`,
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/names/ and
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set).
 * The OpenAPI schemas do not carry these rules, so neither kubernetes-models nor CRD schemas check them.
 */
import type { ManifestIssue } from './issues.js';
import { pointerSegment } from './issues.js';

/** DNS-1123 subdomain: at most 253 characters (validation.go `DNS1123SubdomainMaxLength`). */
const DNS1123_SUBDOMAIN_MAX = 253;
/** DNS-1123 / DNS-1035 label and label-value length limit: 63 characters (validation.go `DNS1123LabelMaxLength`, `LabelValueMaxLength`). */
const LABEL_MAX = 63;
/** Total size of all annotations: 256 KiB (objectmeta.go `TotalAnnotationSizeLimitB`). */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Kinds whose names must be DNS-1035 labels (apis/core/validation `ValidateServiceName`). */
const DNS1035_NAMED_KINDS = new Set(['Service']);
/** Kinds whose names must be DNS-1123 labels (`ValidateNamespaceName`). */
const DNS1123_LABEL_NAMED_KINDS = new Set(['Namespace']);

/** Checks name, namespace, labels and annotations of one object. */
export function metadataIssues(object: string, kind: string, metadata: unknown): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ object, path, message });
  };
  if (metadata === undefined || metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    add('/metadata', 'metadata is required and must be an object with at least a name');
    return issues;
  }
  const meta = metadata as Record<string, unknown>;
  if (meta.name === undefined && meta.generateName === undefined) {
    add('/metadata/name', 'missing required field "name"');
  }
  if (typeof meta.name === 'string') {
    const error = nameError(kind, meta.name);
    if (error) {
      add('/metadata/name', error);
    }
  }
  if (typeof meta.namespace === 'string' && !isDns1123Label(meta.namespace)) {
    add('/metadata/namespace', `"${meta.namespace}" is not a valid namespace: must be a DNS-1123 label (lower-case alphanumerics and "-", at most ${LABEL_MAX} characters)`);
  }
  if (isRecord(meta.labels)) {
    for (const [key, value] of Object.entries(meta.labels)) {
      const path = `/metadata/labels/${pointerSegment(key)}`;
      const keyError = qualifiedNameError(key);
      if (keyError) {
        add(path, `label key ${keyError}`);
      }
      if (typeof value === 'string' && (value.length > LABEL_MAX || !LABEL_VALUE.test(value))) {
        add(path, `label value "${value}" is invalid: at most ${LABEL_MAX} characters, alphanumerics, "-", "_" or "." and must start and end with an alphanumeric`);
      }
    }
  }
  if (isRecord(meta.annotations)) {
    let size = 0;
    for (const [key, value] of Object.entries(meta.annotations)) {
      const keyError = qualifiedNameError(key.toLowerCase());
      if (keyError) {
        add(`/metadata/annotations/${pointerSegment(key)}`, `annotation key ${keyError}`);
      }
      size += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
    }
    if (size > ANNOTATIONS_MAX_BYTES) {
      add('/metadata/annotations', `annotations total ${size} bytes, more than the ${ANNOTATIONS_MAX_BYTES} allowed`);
    }
  }
  return issues;
}

function nameError(kind: string, name: string): string | undefined {
  if (DNS1035_NAMED_KINDS.has(kind)) {
    return name.length <= LABEL_MAX && DNS1035_LABEL.test(name)
      ? undefined
      : `"${name}" is not a valid ${kind} name: must be a DNS-1035 label (start with a lower-case letter, lower-case alphanumerics and "-", at most ${LABEL_MAX} characters)`;
  }
  if (DNS1123_LABEL_NAMED_KINDS.has(kind)) {
    return isDns1123Label(name)
      ? undefined
      : `"${name}" is not a valid ${kind} name: must be a DNS-1123 label (lower-case alphanumerics and "-", at most ${LABEL_MAX} characters)`;
  }
  return isDns1123Subdomain(name)
    ? undefined
    : `"${name}" is not a valid name: must be a DNS-1123 subdomain (lower-case alphanumerics, "-" and ".", at most ${DNS1123_SUBDOMAIN_MAX} characters)`;
}

function isDns1123Label(value: string): boolean {
  return value.length <= LABEL_MAX && DNS1123_LABEL.test(value);
}

function isDns1123Subdomain(value: string): boolean {
  return value.length <= DNS1123_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.test(value);
}

/** Label and annotation keys: optional DNS-1123 subdomain prefix, "/", and a name of at most 63 characters. */
function qualifiedNameError(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) {
    return `"${key}" is invalid: at most one "/" separating a prefix from the name`;
  }
  const name = parts[parts.length - 1]!;
  if (parts.length === 2 && !isDns1123Subdomain(parts[0]!)) {
    return `"${key}" is invalid: the prefix must be a DNS-1123 subdomain`;
  }
  if (name.length === 0 || name.length > LABEL_MAX || !QUALIFIED_NAME_PART.test(name)) {
    return `"${key}" is invalid: the name part must be 1-${LABEL_MAX} characters, alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric`;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
