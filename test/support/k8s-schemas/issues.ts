/**
 * Shared shapes of the Kubernetes manifest validator: the issue type and helpers that turn
 * ajv errors (kubernetes-models' precompiled validators and the CRD validators use the same
 * error objects) into readable issues.
 */

/** One problem found in one Kubernetes object. */
export interface ManifestIssue {
  /** `kind/namespace/name` of the object (`kind/name` without a namespace, `#<index>` when unnamed). */
  readonly object: string;
  /** JSON pointer into the object, e.g. `/spec/template/spec/containers/0/image`; empty for the whole object. */
  readonly path: string;
  /** What is wrong, in words. */
  readonly message: string;
}

/** The subset of an ajv `ErrorObject` this validator reads. */
export interface AjvLikeError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins segments into a JSON pointer. */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + pointerSegment(s)).join('');
}

/**
 * Converts ajv errors to issues. Errors of the combinators `oneOf`/`anyOf` and the branch
 * errors they summarise are merged into one issue per path, so a bad quantity reads
 * "must be a quantity" instead of three lines.
 */
export function ajvErrorsToIssues(object: string, errors: readonly AjvLikeError[] | null | undefined): ManifestIssue[] {
  if (!errors || errors.length === 0) {
    return [];
  }
  const byPath = new Map<string, AjvLikeError[]>();
  for (const error of errors) {
    const path = error.keyword === 'additionalProperties'
      ? `${error.instancePath}/${pointerSegment(String(error.params.additionalProperty))}`
      : error.keyword === 'required'
        ? `${error.instancePath}/${pointerSegment(String(error.params.missingProperty))}`
        : error.instancePath;
    const list = byPath.get(path) ?? [];
    list.push(error);
    byPath.set(path, list);
  }
  const issues: ManifestIssue[] = [];
  for (const [path, list] of byPath) {
    const combinator = list.some((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
    if (combinator) {
      const formats = list.filter((e) => e.keyword === 'format').map((e) => String(e.params.format));
      const types = list.filter((e) => e.keyword === 'type').map((e) => String(e.params.type));
      const alternatives = [...new Set([...formats.map((f) => `a ${f}`), ...types.map((t) => `a ${t}`)])];
      issues.push({ object, path, message: `must be ${alternatives.length > 0 ? alternatives.join(' or ') : 'one of the allowed shapes'}` });
      continue;
    }
    for (const error of list) {
      issues.push({ object, path, message: describe(error) });
    }
  }
  return issues;
}

function describe(error: AjvLikeError): string {
  const p = error.params;
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown field "${String(p.additionalProperty)}"`;
    case 'required':
      return `missing required field "${String(p.missingProperty)}"`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'type':
      return `must be of type ${String(p.type)}`;
    case 'format':
      return `must match format "${String(p.format)}"`;
    default:
      return `${error.message ?? 'fails ' + error.keyword} (${error.keyword} ${JSON.stringify(p)})`;
  }
}
