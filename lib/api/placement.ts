/**
 * The placement check, for every language: `checkPlacement` and `workloadDemandsFromManifests`
 * of `../placement.ts` as static methods.
 */
import { type PoolCapacity, type WorkloadDemand, checkPlacement, workloadDemandsFromManifests } from '../placement.js';

/**
 * Checks, before anything is deployed, that every workload's selectors and tolerations match a
 * node pool and that the pools' limits hold every workload at its maximum scale.
 */
export class Placement {
  /**
   * Throw `PoolNotFound`, `SelectorMismatch`, `PodDevicesAboveNode` or `PoolLimitExceeded` when
   * the workloads at their maximum scale do not fit the pools; return normally when they do.
   *
   * A pool with `nodeTypes` is checked in whole nodes: a pod's devices all come from one node
   * (Kubernetes device plugins) and Karpenter launches no node past a NodePool's `limits`.
   *
   * @param workloads what each workload needs at its maximum scale
   * @param pools the node pools and their limits
   */
  public static check(workloads: WorkloadDemand[], pools: PoolCapacity[]): void {
    checkPlacement(workloads, pools);
  }

  /**
   * Read the demands of the Deployments / LeaderWorkerSets in a list of Kubernetes objects, scaled
   * by the KEDA ScaledObjects / HPAs that target them; other kinds are ignored. Sorted by workload name.
   *
   * @param manifests Kubernetes objects as plain JSON (as `kubectl apply` takes them)
   */
  public static demandsFromManifests(manifests: any[]): WorkloadDemand[] {
    return workloadDemandsFromManifests(manifests);
  }

  private constructor() {}
}
