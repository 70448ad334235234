/**
 * Placement consistency: do workloads land on a node pool that exists, tolerate its taints,
 * and fit its limits?
 *
 * It reads plain Kubernetes manifests (JSON), so the cdk8s charts and the EKS construct that
 * deploys them share one check. A pod whose selector or tolerations do not match any pool stays
 * Pending forever, the most common failure reported for accelerator workloads; this turns it into
 * a synth-time error.
 *
 * What it reads: `Deployment` (apps/v1) and `LeaderWorkerSet` (leaderworkerset.x-k8s.io/v1)
 * pod templates (`nodeSelector`, `tolerations`, extended-resource limits), and the KEDA
 * `ScaledObject` (`maxReplicaCount`, KEDA's default 100) or `HorizontalPodAutoscaler`
 * (`maxReplicas`) that scales each one. Node affinity is not evaluated: the library's own
 * workloads select pools with `nodeSelector` only.
 *
 * @see https://keda.sh/docs/2.17/reference/scaledobject-spec/ (maxReplicaCount default 100)
 * @see https://lws.sigs.k8s.io/docs/reference/leaderworkerset.v1/ (size: pods per group)
 */
import type { Taint } from './accelerators.js';
import { InferenceConstructsError } from './errors.js';
import { type Json, get, isObject, objectName } from './private/manifest-json.js';
import { type NodeShape, type PodPacking, packPods, podGroupsOf, podsFitNodes } from './private/node-packing.js';
import { podExtendedResources } from './private/pod-resources.js';
import { compareStrings, sortedByKey } from './private/compare.js';

/** A pod toleration (core/v1 Toleration). */
export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: string;
}

/** One instance type a node pool may launch, as the placement check sees it. */
export interface PoolNodeType {
  /** Instance (or machine) type name, e.g. "inf2.48xlarge". */
  readonly instanceType: string;
  /** Extended resources one node of the type advertises, by resource name (e.g. "aws.amazon.com/neuron": 12). */
  readonly devices: { [key: string]: number };
}

/** A node pool as the check sees it. */
export interface PoolCapacity {
  readonly name: string;
  /** Labels every node of the pool carries (including well-known ones the pool pins, e.g. instance family). */
  readonly labels: { [key: string]: string };
  readonly taints: Taint[];
  /** Pool-wide limits by resource name (e.g. "nvidia.com/gpu": 32); absent = unlimited. */
  readonly limits: { [key: string]: number };
  /**
   * The instance types the pool may launch and the devices of one node of each. With them, a
   * limit is checked in whole nodes: a pod's devices all come from one node (Kubernetes device
   * plugins), and Karpenter launches no node past a NodePool's `limits`, so the idle devices of
   * the nodes the pods occupy count (e.g. 3 pods of 8 devices on 12-device nodes take 3 nodes,
   * 36 devices, not 24). Of several types, the one that packs a workload's pods worst counts.
   * @see https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/device-plugins/
   * @see https://karpenter.sh/v1.0/concepts/nodepools/#speclimits
   * @default - none: a limit is compared with the devices the pods request, summed
   */
  readonly nodeTypes?: PoolNodeType[];
}

/** Pods of one shape in one replica of a workload. */
export interface ReplicaPods {
  /** Pods of this shape per replica. */
  readonly pods: number;
  /** Extended resources one pod of this shape requests (all its containers), by resource name. */
  readonly resourcesPerPod: { [key: string]: number };
}

/** What one workload needs at its maximum scale. */
export interface WorkloadDemand {
  /** kind/namespace/name of the workload. */
  readonly name: string;
  readonly nodeSelector: { [key: string]: string };
  readonly tolerations: Toleration[];
  /** Extended resources requested per replica, summed over all pods of a replica (all hosts). */
  readonly resourcesPerReplica: { [key: string]: number };
  /**
   * The pods of one replica by shape, when a replica is more than one pod (a LeaderWorkerSet's
   * leader and its `size - 1` workers). Pools with `nodeTypes` pack them per pod.
   * @default - one pod per replica, requesting `resourcesPerReplica`
   */
  readonly podShapes?: ReplicaPods[];
  readonly maxReplicas: number;
  /**
   * Extra replicas a rolling update runs beside `maxReplicas`: a Deployment's
   * `strategy.rollingUpdate.maxSurge` (25 % by default, rounded up; 0 for `Recreate`), a
   * LeaderWorkerSet's `rolloutStrategy.rollingUpdateConfiguration.maxSurge` (0 by default).
   * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/#DeploymentSpec
   * @see https://lws.sigs.k8s.io/docs/reference/leaderworkerset.v1/#leaderworkerset-x-k8s-io-v1-RollingUpdateConfiguration
   * @default 0
   */
  readonly surgeReplicas?: number;
}

/** KEDA's default `maxReplicaCount` when a ScaledObject leaves it out. */
const KEDA_DEFAULT_MAX_REPLICAS = 100;

function addInto(target: Record<string, number>, add: Record<string, number>, times = 1): void {
  for (const [k, v] of Object.entries(add)) target[k] = (target[k] ?? 0) + v * times;
}

/** Find the replica ceiling: a ScaledObject or HPA targeting the workload, else spec.replicas. */
function maxReplicasFor(obj: Json, all: readonly Json[]): number {
  const { kind, namespace, name } = objectName(obj);
  const apiVersion = String(obj.apiVersion);
  for (const other of all) {
    const o = objectName(other);
    if (o.namespace !== namespace) continue;
    if (other.kind === 'ScaledObject') {
      const ref = get(other, 'spec', 'scaleTargetRef');
      const refKind = String(get(ref, 'kind') ?? 'Deployment');
      const refApi = get(ref, 'apiVersion');
      if (get(ref, 'name') === name && refKind === kind && (refApi === undefined || refApi === apiVersion)) {
        const max = get(other, 'spec', 'maxReplicaCount');
        return typeof max === 'number' ? max : KEDA_DEFAULT_MAX_REPLICAS;
      }
    }
    if (other.kind === 'HorizontalPodAutoscaler') {
      const ref = get(other, 'spec', 'scaleTargetRef');
      if (get(ref, 'name') === name && get(ref, 'kind') === kind) {
        const max = get(other, 'spec', 'maxReplicas');
        if (typeof max === 'number') return max;
      }
    }
  }
  const replicas = get(obj, 'spec', 'replicas');
  return typeof replicas === 'number' ? replicas : 1;
}

/**
 * Read Deployments / LeaderWorkerSets and the KEDA ScaledObjects / HPAs that scale them.
 * Objects of other kinds are ignored. The result is sorted by workload name.
 */
export function workloadDemandsFromManifests(manifests: readonly unknown[]): WorkloadDemand[] {
  const objects = manifests.filter(isObject);
  const demands: WorkloadDemand[] = [];
  for (const obj of objects) {
    let podSpec: unknown;
    let podShapes: ReplicaPods[] | undefined;
    const perReplica: Record<string, number> = {};
    if (obj.kind === 'Deployment' && obj.apiVersion === 'apps/v1') {
      podSpec = get(obj, 'spec', 'template', 'spec');
      addInto(perReplica, podExtendedResources(podSpec));
    } else if (obj.kind === 'LeaderWorkerSet' && String(obj.apiVersion).startsWith('leaderworkerset.x-k8s.io/')) {
      const lwt = get(obj, 'spec', 'leaderWorkerTemplate');
      const sizeRaw = get(lwt, 'size');
      const size = typeof sizeRaw === 'number' ? sizeRaw : 1;
      const worker = get(lwt, 'workerTemplate', 'spec');
      const leader = get(lwt, 'leaderTemplate', 'spec') ?? worker;
      podSpec = worker;
      addInto(perReplica, podExtendedResources(leader));
      addInto(perReplica, podExtendedResources(worker), size - 1);
      podShapes = [
        { pods: 1, resourcesPerPod: sortedByKey(podExtendedResources(leader)) },
        ...(size > 1 ? [{ pods: size - 1, resourcesPerPod: sortedByKey(podExtendedResources(worker)) }] : []),
      ];
    } else {
      continue;
    }
    const { kind, namespace, name } = objectName(obj);
    const maxReplicas = maxReplicasFor(obj, objects);
    const nodeSelector = get(podSpec, 'nodeSelector');
    const tolerations = get(podSpec, 'tolerations');
    demands.push({
      name: `${kind}/${namespace}/${name}`,
      nodeSelector: isObject(nodeSelector) ? (nodeSelector as Record<string, string>) : {},
      tolerations: Array.isArray(tolerations) ? (tolerations as Toleration[]) : [],
      resourcesPerReplica: sortedByKey(perReplica),
      ...(podShapes ? { podShapes } : {}),
      maxReplicas,
      surgeReplicas: surgeReplicasFor(obj, maxReplicas),
    });
  }
  return demands.sort((a, b) => compareStrings(a.name, b.name));
}

/** Deployment `rollingUpdate.maxSurge` default (apps/v1). */
const DEPLOYMENT_DEFAULT_MAX_SURGE = '25%';
/** LeaderWorkerSet `rollingUpdateConfiguration.maxSurge` default (leaderworkerset.x-k8s.io/v1). */
const LEADER_WORKER_SET_DEFAULT_MAX_SURGE = 0;

/** An int-or-percent surge at `replicas`, percentages rounded up as the controllers do. */
function resolveSurge(value: unknown, replicas: number): number {
  if (typeof value === 'number') return Math.max(0, Math.floor(value));
  const m = typeof value === 'string' ? /^([0-9]+)%$/.exec(value.trim()) : null;
  return m ? Math.ceil((Number(m[1]) / 100) * replicas) : 0;
}

function surgeReplicasFor(obj: Record<string, unknown>, replicas: number): number {
  if (obj.kind === 'LeaderWorkerSet') {
    return resolveSurge(get(obj, 'spec', 'rolloutStrategy', 'rollingUpdateConfiguration', 'maxSurge') ?? LEADER_WORKER_SET_DEFAULT_MAX_SURGE, replicas);
  }
  if (get(obj, 'spec', 'strategy', 'type') === 'Recreate') return 0;
  return resolveSurge(get(obj, 'spec', 'strategy', 'rollingUpdate', 'maxSurge') ?? DEPLOYMENT_DEFAULT_MAX_SURGE, replicas);
}

/** True when the toleration tolerates the taint (core/v1 semantics). */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/**
 * True when every entry of the node selector is a label of the nodes (core/v1 `nodeSelector`).
 * Internal: not exported from `lib/index.ts`.
 */
export function selectorMatches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * True when the tolerations let a pod schedule onto nodes with the taints: each `NoSchedule` and
 * `NoExecute` taint is tolerated; `PreferNoSchedule` only steers the scheduler away, it never
 * keeps a pod off a node. Internal: not exported from `lib/index.ts`.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 */
export function toleratesTaints(tolerations: readonly Toleration[], taints: readonly Taint[]): boolean {
  return taints.filter((t) => t.effect !== 'PreferNoSchedule').every((taint) => tolerations.some((tol) => tolerates(tol, taint)));
}

/** The pool's instance types that carry `res`, as the packing rule sees them; undefined when the pool names none. */
function nodeShapesOf(pool: PoolCapacity, res: string): NodeShape[] | undefined {
  const shapes = (pool.nodeTypes ?? [])
    .filter((t) => (t.devices[res] ?? 0) > 0)
    .map((t) => ({ name: t.instanceType, devices: t.devices[res]! }));
  return shapes.length > 0 ? shapes : undefined;
}

/** True when every pod of the workload fits one node of some instance type of the pool (a pool without node types: always). */
function fitsNodes(w: WorkloadDemand, pool: PoolCapacity): boolean {
  return Object.keys(w.resourcesPerReplica).every((res) => {
    const shapes = nodeShapesOf(pool, res);
    return shapes === undefined || podsFitNodes(podGroupsOf(w, res), shapes);
  });
}

function describeTaint(t: Taint): string {
  return `${t.key}${t.value !== undefined ? `=${t.value}` : ''}:${t.effect}`;
}

/**
 * Check that every accelerator workload selects an existing pool, tolerates its taints and fits
 * its limits at maximum scale.
 *
 * Workloads that request no extended resource and select no pool are not checked. When several
 * pools match one workload, the workload may use their combined limits; demand is summed per pool
 * for workloads that match exactly one pool.
 *
 * A pool with `nodeTypes` is checked in whole nodes per workload, with the rule the node pools
 * size their limits by (`lib/private/node-packing.ts`): a pod's devices all come from one node
 * (Kubernetes device plugins), so a workload takes ceil(pods / pods per node) nodes, and
 * Karpenter launches no node past a NodePool's `limits`, so those nodes' idle devices count. A
 * pod larger than every node of such a pool does not land there; it may on another pool.
 * @see https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/device-plugins/
 * @see https://karpenter.sh/v1.0/concepts/nodepools/#speclimits
 *
 * @throws InferenceConstructsError PoolNotFound, SelectorMismatch, PodDevicesAboveNode or PoolLimitExceeded
 */
export function checkPlacement(workloads: readonly WorkloadDemand[], pools: readonly PoolCapacity[]): void {
  const poolDemand = new Map<string, { resources: Record<string, number>; nodes: Record<string, number>; by: string[] }>();
  for (const w of workloads) {
    const needsAccelerator = Object.keys(w.resourcesPerReplica).length > 0;
    if (!needsAccelerator && Object.keys(w.nodeSelector).length === 0) continue;
    const matching = pools.filter((p) => selectorMatches(w.nodeSelector, p.labels));
    if (matching.length === 0) {
      if (!needsAccelerator) continue; // selects nodes outside the accelerator pools
      throw new InferenceConstructsError('PoolNotFound', {
        prop: `${w.name}.spec.nodeSelector`,
        problem: 'the workload selects no node pool that exists, so its pods would stay Pending',
        received: w.nodeSelector,
        allowed: pools.length
          ? pools.map((p) => `${p.name} ${JSON.stringify(p.labels)}`).join('; ')
          : 'no node pools are defined',
        fix: 'select the labels of one of the pools above, or add a node pool for this accelerator',
      });
    }
    const tolerating = matching.filter((p) => toleratesTaints(w.tolerations, p.taints));
    if (tolerating.length === 0) {
      const pool = matching[0]!;
      const missing = pool.taints.filter(
        (taint) => taint.effect !== 'PreferNoSchedule' && !w.tolerations.some((tol) => tolerates(tol, taint)),
      );
      throw new InferenceConstructsError('SelectorMismatch', {
        prop: `${w.name}.spec.tolerations`,
        problem: `the workload selects pool ${pool.name} but does not tolerate its taints, so its pods would stay Pending`,
        received: w.tolerations,
        allowed: `tolerations for ${missing.map(describeTaint).join(', ')}`,
        fix: `add a toleration for each taint of pool ${pool.name}`,
      });
    }
    // Karpenter offers a pending pod only the instance types that hold it: a pool whose nodes are
    // all smaller than a pod is not where it runs. None left: the pod stays Pending everywhere.
    const tolerable = tolerating.filter((p) => fitsNodes(w, p));
    if (tolerable.length === 0) {
      const pool = tolerating[0]!;
      for (const res of Object.keys(w.resourcesPerReplica)) {
        const shapes = nodeShapesOf(pool, res);
        // Throws PodDevicesAboveNode for the resource whose pod fits no node of the pool.
        if (shapes !== undefined && !podsFitNodes(podGroupsOf(w, res), shapes)) packPods(w.name, w.maxReplicas, podGroupsOf(w, res), shapes, res);
      }
    }
    // One pool with instance types: the workload's whole nodes, checked against the pool's limit
    // below with the other workloads on it.
    const wholeNodes = new Map<string, PodPacking>();
    if (tolerable.length === 1) {
      const pool = tolerable[0]!;
      for (const res of Object.keys(w.resourcesPerReplica)) {
        const shapes = nodeShapesOf(pool, res);
        if (shapes !== undefined) wholeNodes.set(res, packPods(w.name, w.maxReplicas, podGroupsOf(w, res), shapes, res));
      }
    }
    for (const [res, perReplica] of Object.entries(w.resourcesPerReplica)) {
      // Whole nodes that hold more than the pods request: the pool check below names the nodes.
      const packing = wholeNodes.get(res);
      if (packing !== undefined && packing.devices !== perReplica * w.maxReplicas) continue;
      const need = perReplica * w.maxReplicas;
      const limits = tolerable.map((p) => p.limits[res]);
      if (limits.some((l) => l === undefined)) continue; // one pool is unlimited for this resource
      const capacity = (limits as number[]).reduce((a, b) => a + b, 0);
      if (need > capacity) {
        throw new InferenceConstructsError('PoolLimitExceeded', {
          prop: `${w.name} maxReplicas`,
          problem: `at ${w.maxReplicas} replicas x ${perReplica} ${res} the workload needs ${need} ${res}, more than the ${capacity} that pool ${tolerable.map((p) => p.name).join(' + ')} allows`,
          received: w.maxReplicas,
          allowed: `at most ${Math.floor(capacity / perReplica)} replicas`,
          fix: `lower maxReplicas or raise the pool's ${res} limit to at least ${need}`,
        });
      }
    }
    if (tolerable.length === 1) {
      const pool = tolerable[0]!;
      const entry = poolDemand.get(pool.name) ?? { resources: {}, nodes: {}, by: [] };
      // Each workload's whole nodes (its own pods share them; two workloads' pods may not).
      for (const [res, perReplica] of Object.entries(w.resourcesPerReplica)) {
        const packing = wholeNodes.get(res);
        entry.resources[res] = (entry.resources[res] ?? 0) + (packing ? packing.devices : perReplica * w.maxReplicas);
        if (packing) entry.nodes[res] = (entry.nodes[res] ?? 0) + packing.nodes;
      }
      entry.by.push(w.name);
      poolDemand.set(pool.name, entry);
    }
  }
  for (const pool of pools) {
    const entry = poolDemand.get(pool.name);
    if (!entry) continue;
    for (const [res, need] of Object.entries(entry.resources)) {
      const limit = pool.limits[res];
      if (limit !== undefined && need > limit) {
        const nodes = entry.nodes[res];
        throw new InferenceConstructsError('PoolLimitExceeded', {
          prop: `${pool.name}.limits["${res}"]`,
          problem:
            nodes !== undefined
              ? `workloads ${entry.by.join(', ')} at their maximum replicas occupy whole nodes with ${need} ${res} (${nodes} node(s) of ` +
                `${nodeShapesOf(pool, res)!.map((n) => `${n.name}: ${n.devices}`).join(', ')}; a pod's devices come from one node, so a node's ` +
                `unrequested devices stay idle), more than the ${limit} that pool ${pool.name} allows; Karpenter launches no node past a ` +
                `NodePool's limits, so the last replicas would stay Pending`
              : `workloads ${entry.by.join(', ')} together need ${need} ${res} at their maximum replicas, more than pool ${pool.name} allows`,
          received: limit,
          allowed: `at least ${need}`,
          fix:
            nodes !== undefined
              ? `raise maxDevices to ${need}, or drop maxDevices to size the pool from its workloads, or lower the workloads' maxReplicas`
              : `raise the pool's ${res} limit to ${need} or lower the workloads' maxReplicas`,
        });
      }
    }
  }
}
