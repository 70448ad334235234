/**
 * Placement consistency: do workloads land on a node pool that exists, tolerates its taints,
 * and fits its limits? Works on plain Kubernetes manifests (JSON), so both the cdk8s charts
 * and the EKS construct that deploys them use the same check.
 *
 * CONTRACT (implementation pending).
 */
import type { Taint } from './accelerators.js';

export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: string;
}

/** A node pool as the check sees it. */
export interface PoolCapacity {
  readonly name: string;
  /** Labels every node of the pool carries (including well-known ones the pool pins, e.g. instance family). */
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  /** Pool-wide limits by resource name (e.g. "nvidia.com/gpu": 32); absent = unlimited. */
  readonly limits: Readonly<Record<string, number>>;
}

/** What one workload needs at its maximum scale. */
export interface WorkloadDemand {
  /** kind/namespace/name of the workload. */
  readonly name: string;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  /** Extended resources requested per replica, summed over all pods of a replica (all hosts). */
  readonly resourcesPerReplica: Readonly<Record<string, number>>;
  readonly maxReplicas: number;
}

/** Read Deployments / LeaderWorkerSets and the KEDA ScaledObjects / HPAs that scale them. */
export declare function workloadDemandsFromManifests(manifests: readonly unknown[]): WorkloadDemand[];

/** Throws PoolNotFound, SelectorMismatch or PoolLimitExceeded with a fix hint. */
export declare function checkPlacement(workloads: readonly WorkloadDemand[], pools: readonly PoolCapacity[]): void;
