/**
 * The extended resources (accelerators) each pod of a Deployment / LeaderWorkerSet requests, read
 * from synthesized manifests as plain JSON (`workloadDemandsFromManifests` in lib/placement.ts reads
 * every pod through it). Internal: not exported from `lib/index.ts`.
 */
import { get, isObject } from './manifest-json.js';

/** Resource names that are not accelerators (the rest, `vendor/name`, are extended resources). */
const CORE_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage']);

/** Parse a Kubernetes quantity for a countable extended resource ("4", 4). */
function parseCount(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return NaN;
}

/** Extended resources one pod requests (limits, else requests), summed over its containers. */
export function podExtendedResources(podSpec: unknown): Record<string, number> {
  const total: Record<string, number> = {};
  const containers = get(podSpec, 'containers');
  if (!Array.isArray(containers)) return total;
  for (const c of containers) {
    const limits = (get(c, 'resources', 'limits') ?? get(c, 'resources', 'requests')) as unknown;
    if (!isObject(limits)) continue;
    for (const [res, q] of Object.entries(limits)) {
      if (CORE_RESOURCES.has(res) || !res.includes('/')) continue;
      const n = parseCount(q);
      if (Number.isFinite(n)) total[res] = (total[res] ?? 0) + n;
    }
  }
  return total;
}
