/**
 * What the workload manifests deployed on the EKS inference cluster need from their nodes beyond
 * accelerators (which `lib/placement.ts` reads): the replicas they keep at their minimum, and the
 * ephemeral storage each pod requests (`lib/private/workload-storage.ts`).
 *
 * Workload names are `kind/namespace/name`, as in `WorkloadDemand.name`.
 */

import { type Json, get, objectName as nameOf } from '../../lib/private/manifest-json.js';

/**
 * KEDA's default `minReplicaCount` when a ScaledObject leaves it out.
 * @see https://keda.sh/docs/latest/reference/scaledobject-spec/#minreplicacount
 */
const KEDA_DEFAULT_MIN_REPLICAS = 0;
/**
 * The HorizontalPodAutoscaler's default `minReplicas`, and a Deployment's default `replicas`.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/
 */
const KUBERNETES_DEFAULT_REPLICAS = 1;

const WORKLOAD_KINDS = new Set(['Deployment', 'LeaderWorkerSet']);

/** Replicas each Deployment / LeaderWorkerSet keeps at its minimum (its scaler's floor, else spec.replicas). */
export function minReplicasByWorkload(manifests: readonly Json[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const obj of manifests) {
    if (!WORKLOAD_KINDS.has(String(obj.kind))) continue;
    const { kind, namespace, name } = nameOf(obj);
    let min: number | undefined;
    for (const other of manifests) {
      if (nameOf(other).namespace !== namespace) continue;
      const ref = get(other, 'spec', 'scaleTargetRef');
      if (get(ref, 'name') !== name || String(get(ref, 'kind') ?? 'Deployment') !== kind) continue;
      if (other.kind === 'ScaledObject') {
        const v = get(other, 'spec', 'minReplicaCount');
        min = typeof v === 'number' ? v : KEDA_DEFAULT_MIN_REPLICAS;
      } else if (other.kind === 'HorizontalPodAutoscaler') {
        const v = get(other, 'spec', 'minReplicas');
        min = typeof v === 'number' ? v : KUBERNETES_DEFAULT_REPLICAS;
      }
    }
    if (min === undefined) {
      const replicas = get(obj, 'spec', 'replicas');
      min = typeof replicas === 'number' ? replicas : KUBERNETES_DEFAULT_REPLICAS;
    }
    out.set(`${kind}/${namespace}/${name}`, min);
  }
  return out;
}

// The ephemeral-storage reader is shared with the cdk8s node pools, which size their root volume from it.
export { ephemeralStorageByWorkload, quantityGiB } from '../../lib/private/workload-storage.js';
