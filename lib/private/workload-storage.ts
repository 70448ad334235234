/**
 * The ephemeral storage the pods of a Deployment / LeaderWorkerSet request, read from their
 * manifests: the EKS cluster checks node disks against it, the cdk8s node pools size their root
 * volume from it. Internal: not exported from `lib/index.ts`.
 *
 * Workload names are `kind/namespace/name`, as in `WorkloadDemand.name` (lib/placement.ts).
 */
import { type Json, get, objectName as nameOf } from './manifest-json.js';

const BINARY_SUFFIX: { [suffix: string]: number } = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
const DECIMAL_SUFFIX: { [suffix: string]: number } = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
const BYTES_PER_GIB = 2 ** 30;

/**
 * A Kubernetes storage quantity (`119Gi`, `500M`, `1e9`, 1073741824) in GiB, or undefined when it
 * cannot be read.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
export function quantityGiB(q: unknown): number | undefined {
  if (typeof q === 'number') return q / BYTES_PER_GIB;
  if (typeof q !== 'string') return undefined;
  const m = /^([0-9]+(?:\.[0-9]+)?(?:[eE][0-9]+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/.exec(q.trim());
  if (!m) return undefined;
  const factor = m[2] === undefined ? 1 : (BINARY_SUFFIX[m[2]] ?? DECIMAL_SUFFIX[m[2]]!);
  return (Number(m[1]) * factor) / BYTES_PER_GIB;
}

/** A container's ephemeral-storage request (its limit when no request is set, as the API server defaults it). */
function containerEphemeralGiB(c: unknown): number {
  const request = get(c, 'resources', 'requests', 'ephemeral-storage') ?? get(c, 'resources', 'limits', 'ephemeral-storage');
  return quantityGiB(request) ?? 0;
}

/** A pod's effective ephemeral-storage request: the larger of its containers' sum and its largest init container. */
function podEphemeralGiB(podSpec: unknown): number {
  const containers = (get(podSpec, 'containers') as unknown[] | undefined) ?? [];
  const inits = (get(podSpec, 'initContainers') as unknown[] | undefined) ?? [];
  const sum = containers.reduce<number>((total, c) => total + containerEphemeralGiB(c), 0);
  const init = Math.max(0, ...inits.map(containerEphemeralGiB));
  return Math.max(sum, init);
}

/** The largest ephemeral-storage request of one pod of each Deployment / LeaderWorkerSet, GiB. */
export function ephemeralStorageByWorkload(manifests: readonly Json[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const obj of manifests) {
    let specs: unknown[];
    if (obj.kind === 'Deployment') specs = [get(obj, 'spec', 'template', 'spec')];
    else if (obj.kind === 'LeaderWorkerSet') {
      specs = [get(obj, 'spec', 'leaderWorkerTemplate', 'leaderTemplate', 'spec'), get(obj, 'spec', 'leaderWorkerTemplate', 'workerTemplate', 'spec')];
    } else continue;
    const { kind, namespace, name } = nameOf(obj);
    out.set(`${kind}/${namespace}/${name}`, Math.max(0, ...specs.filter((s) => s !== undefined).map(podEphemeralGiB)));
  }
  return out;
}
