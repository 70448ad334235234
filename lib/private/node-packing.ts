/**
 * How many accelerator devices a node pool must allow so that every pod of a workload at a given
 * replica count gets a node: the one rule the cdk8s node pools (constructs/k8s/node-pools.ts,
 * compute-class.ts) and the EKS cluster pools (constructs/aws/eks-accelerator-pools.ts,
 * eks-inference-cluster.ts) size their limits with. Internal: not exported from `lib/index.ts`.
 *
 * Two upstream rules make it whole nodes per pod shape rather than a sum of devices:
 * - A container's devices all come from the node its pod runs on: the kubelet's device manager
 *   allocates a container's extended resources from the devices the node's device plugin
 *   advertises, and the scheduler places a pod only on a node whose allocatable extended resources
 *   cover its request. So 8-device pods on 12-device nodes run one per node; 4 devices stay idle.
 *   @see https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/device-plugins/
 *   @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#extended-resources
 * - Karpenter (and EKS Auto Mode, which runs it) launches no node whose resources would take the
 *   NodePool past its `spec.limits` ("If the NodePool's limits have been exceeded, Karpenter will
 *   not launch new nodes"). A limit that counts only the devices the pods request, and not the
 *   idle rest of their nodes, leaves the last replicas Pending.
 *   @see https://karpenter.sh/v1.0/concepts/nodepools/#speclimits
 *
 * Example: 3 replicas of 8 Neuron devices on inf2.48xlarge (12 devices): 3 nodes, 36 devices;
 * summing first (3 x 8 = 24, rounded to 2 nodes = 24 devices) strands the third replica.
 */
import { InferenceConstructsError } from '../errors.js';
import type { WorkloadDemand } from '../placement.js';

/** Pods of one shape in one replica of a workload. */
export interface PodGroup {
  /** Pods of this shape per replica (1 for a Deployment; a LeaderWorkerSet's leader and workers). */
  readonly pods: number;
  /** Devices of the pool's resource one pod requests (all its containers). */
  readonly devicesPerPod: number;
}

/** One instance type a pool may launch. */
export interface NodeShape {
  /** Instance type name (error messages). */
  readonly name: string;
  /** Devices of the pool's resource on one node. */
  readonly devices: number;
  /**
   * Pods of the workload one node runs, when something besides devices bounds it (a capacity
   * plan's replicas per node, which also counts host memory); never more than the devices hold.
   * @default floor(devices / devicesPerPod)
   */
  readonly podsPerNode?: number;
}

/**
 * Nodes of one shape that hold `pods` pods of `devicesPerPod` devices each: pods per node =
 * `floor(node devices / devices per pod)` (or the shape's `podsPerNode` when lower), nodes =
 * `ceil(pods / pods per node)`. A pod needs all its devices on one node.
 * @returns undefined when one pod needs more devices than the node has (it never schedules there)
 */
export function nodesForPods(pods: number, devicesPerPod: number, node: NodeShape): number | undefined {
  if (pods <= 0 || devicesPerPod <= 0) return 0;
  if (devicesPerPod > node.devices) return undefined;
  // A plan's bound (host memory) can only lower what the devices allow.
  const byDevices = Math.floor(node.devices / devicesPerPod);
  const perNode = Math.min(node.podsPerNode ?? byDevices, byDevices);
  return Math.ceil(pods / Math.max(1, perNode));
}

/**
 * True when every pod of the groups fits one node of some shape. A pod that fits no instance type
 * of a pool never lands there (Karpenter offers a pending pod only the instance types that hold
 * it), so a pool does not count it; it may run on another pool its node selector matches.
 */
export function podsFitNodes(groups: readonly PodGroup[], nodes: readonly NodeShape[]): boolean {
  return groups.every((g) => g.pods <= 0 || g.devicesPerPod <= 0 || nodes.some((n) => g.devicesPerPod <= n.devices));
}

/**
 * Devices a pool must allow for `replicas` of a workload whose replica is `groups` of pods: for
 * each pod shape, the whole nodes its pods occupy times the devices of a node, summed over the
 * shapes. A pool of several instance types counts, per shape, the type that needs the most
 * devices among those a pod fits on (the type that packs worst): Karpenter may launch any of them,
 * the limit is one number for all, and a limit that holds only for the best-packing type strands
 * replicas when Karpenter picks another (e.g. 4-device pods: 3 fit one 12-device inf2.48xlarge,
 * but take 3 inf2.24xlarge of 6 devices = 18).
 *
 * @throws InferenceConstructsError PodDevicesAboveNode when a pod needs more devices than any
 * instance type of the pool has
 */
export function devicesForPods(workload: string, replicas: number, groups: readonly PodGroup[], nodes: readonly NodeShape[], resourceName: string): number {
  return packPods(workload, replicas, groups, nodes, resourceName).devices;
}

/** What {@link packPods} counts: the devices a pool must allow and the whole nodes they are. */
export interface PodPacking {
  /** Devices of the whole nodes (what {@link devicesForPods} returns). */
  readonly devices: number;
  /** Whole nodes the pods occupy, of the instance type counted for each pod shape. */
  readonly nodes: number;
}

/**
 * {@link devicesForPods} with the whole nodes it counts, for messages that name both.
 * @throws InferenceConstructsError PodDevicesAboveNode as {@link devicesForPods}
 */
export function packPods(workload: string, replicas: number, groups: readonly PodGroup[], nodes: readonly NodeShape[], resourceName: string): PodPacking {
  let total = 0;
  let nodeCount = 0;
  for (const g of groups) {
    const pods = g.pods * replicas;
    if (pods <= 0 || g.devicesPerPod <= 0) continue;
    let worst: number | undefined;
    let worstNodes = 0;
    for (const node of nodes) {
      const n = nodesForPods(pods, g.devicesPerPod, node);
      if (n !== undefined && n * node.devices > (worst ?? -1)) {
        worst = n * node.devices;
        worstNodes = n;
      }
    }
    if (worst === undefined) {
      throw new InferenceConstructsError('PodDevicesAboveNode', {
        prop: `${workload} resources.limits["${resourceName}"]`,
        problem: `a pod requests ${g.devicesPerPod} ${resourceName} but no instance type of its pool has that many on one node, and a pod's devices all come from one node, so it would stay Pending`,
        received: g.devicesPerPod,
        allowed: `at most ${Math.max(0, ...nodes.map((n) => n.devices))} (${nodes.map((n) => `${n.name}: ${n.devices}`).join(', ')})`,
        fix: 'request at most one node of devices per pod (spread a larger replica over a LeaderWorkerSet), or add a larger instance type to the pool',
      });
    }
    total += worst;
    nodeCount += worstNodes;
  }
  return { devices: total, nodes: nodeCount };
}

/**
 * The pods of one replica of the workload that request `resourceName`, by devices per pod (pods
 * shaped alike are one group, so they pack together: a leader shaped like its workers).
 */
export function podGroupsOf(demand: WorkloadDemand, resourceName: string): PodGroup[] {
  const groups: PodGroup[] = [];
  for (const shape of demand.podShapes ?? [{ pods: 1, resourcesPerPod: demand.resourcesPerReplica }]) {
    const devicesPerPod = shape.resourcesPerPod[resourceName] ?? 0;
    if (shape.pods <= 0 || devicesPerPod <= 0) continue;
    const i = groups.findIndex((g) => g.devicesPerPod === devicesPerPod);
    if (i >= 0) groups[i] = { pods: groups[i]!.pods + shape.pods, devicesPerPod };
    else groups.push({ pods: shape.pods, devicesPerPod });
  }
  return groups;
}
