/**
 * Reading synthesized Kubernetes manifests as plain JSON: the three helpers the placement check
 * and the EKS cluster's workload-needs reader share. Internal: not exported from `lib/index.ts`.
 */

/** A JSON object (not an array, not null). */
export type Json = Record<string, unknown>;

/** True for a JSON object. */
export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at `path` inside `obj`, or undefined where a step is not an object. */
export function get(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** An object's kind, namespace (`default` when unset) and name. */
export function objectName(obj: Json): { kind: string; namespace: string; name: string } {
  return {
    kind: String(obj.kind),
    namespace: String(get(obj, 'metadata', 'namespace') ?? 'default'),
    name: String(get(obj, 'metadata', 'name') ?? ''),
  };
}
