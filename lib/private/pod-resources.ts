/**
 * The extended resources (accelerators) each pod of a Deployment / LeaderWorkerSet requests, read
 * from synthesized manifests as plain JSON. The placement check sums them per replica; the node
 * pools pack them per pod, because a pod's devices all come from one node (see
 * `lib/private/node-packing.ts`). Internal: not exported from `lib/index.ts`.
 *
 * @see https://lws.sigs.k8s.io/docs/reference/leaderworkerset.v1/ (size: pods per group, leader included)
 */
import { type Json, get, isObject, objectName } from './manifest-json.js';
import type { PodGroup } from './node-packing.js';

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

/**
 * The pods of one replica of each Deployment / LeaderWorkerSet that request `resourceName`, by
 * workload name (`kind/namespace/name`, as `WorkloadDemand.name`): a Deployment's one pod; a
 * LeaderWorkerSet's leader and its `size - 1` workers (the leader template defaults to the
 * worker's, as the LeaderWorkerSet controller does).
 */
export function podGroupsByWorkload(manifests: readonly unknown[], resourceName: string): Map<string, PodGroup[]> {
  const out = new Map<string, PodGroup[]>();
  for (const obj of manifests.filter(isObject) as Json[]) {
    let groups: { pods: number; podSpec: unknown }[];
    if (obj.kind === 'Deployment' && obj.apiVersion === 'apps/v1') {
      groups = [{ pods: 1, podSpec: get(obj, 'spec', 'template', 'spec') }];
    } else if (obj.kind === 'LeaderWorkerSet' && String(obj.apiVersion).startsWith('leaderworkerset.x-k8s.io/')) {
      const lwt = get(obj, 'spec', 'leaderWorkerTemplate');
      const sizeRaw = get(lwt, 'size');
      const size = typeof sizeRaw === 'number' ? sizeRaw : 1;
      const worker = get(lwt, 'workerTemplate', 'spec');
      groups = [
        { pods: 1, podSpec: get(lwt, 'leaderTemplate', 'spec') ?? worker },
        { pods: size - 1, podSpec: worker },
      ];
    } else {
      continue;
    }
    const { kind, namespace, name } = objectName(obj);
    const shapes = groups
      .map((g) => ({ pods: g.pods, devicesPerPod: podExtendedResources(g.podSpec)[resourceName] ?? 0 }))
      .filter((g) => g.pods > 0 && g.devicesPerPod > 0);
    // Pods of one shape are one group, so they pack together (a leader shaped like its workers).
    const merged: PodGroup[] = [];
    for (const g of shapes) {
      const same = merged.find((m) => m.devicesPerPod === g.devicesPerPod);
      if (same) merged[merged.indexOf(same)] = { pods: same.pods + g.pods, devicesPerPod: g.devicesPerPod };
      else merged.push(g);
    }
    out.set(`${kind}/${namespace}/${name}`, merged);
  }
  return out;
}
