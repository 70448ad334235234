/**
 * Accelerator node pools on EKS: a Karpenter `NodePool` (karpenter.sh/v1) with its
 * `EC2NodeClass` (karpenter.k8s.aws/v1), or an EKS Auto Mode `NodePool` that uses the built-in
 * `NodeClass` (eks.amazonaws.com). Requirements and taints come from the accelerator catalogue,
 * so pools and workloads ({@link ModelDeployment}) agree by construction.
 *
 * @see https://karpenter.sh/docs/concepts/nodepools/
 * @see https://karpenter.sh/docs/concepts/nodeclasses/
 * @see https://docs.aws.amazon.com/eks/latest/userguide/create-node-pool.html
 */
import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { DEFAULT_NODE_TERMINATION_GRACE_PERIOD, KARPENTER_CAPACITY_TYPE_LABEL, KARPENTER_NODEPOOL_LABEL, NODE_POOL_DEFAULTS, NODE_POOL_NAME_LABEL, assertAutoModeNodeLifetime, durationHours } from '../../lib/node-pool-defaults.js';
import { type ErrorCode, InferenceConstructsError } from '../../lib/errors.js';
import { InstanceTypeSpec, NodeRequirement, Taint, instanceType } from '../../lib/accelerators.js';
import { type PoolCapacity, type PoolNodeType, type WorkloadDemand, selectorMatches, toleratesTaints, workloadDemandsFromManifests } from '../../lib/placement.js';
import type { CapacityPlan } from '../../lib/planner.js';
import { type NodeShape, type PodGroup, devicesForPods, podGroupsOf, podsFitNodes } from '../../lib/private/node-packing.js';
import { ephemeralStorageByWorkload } from '../../lib/private/workload-storage.js';
import {
  Ec2NodeClass,
  Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType,
  Ec2NodeClassSpecMetadataOptionsHttpEndpoint,
  Ec2NodeClassSpecMetadataOptionsHttpTokens,
} from '../../imports/karpenter-ec2nodeclasses-karpenter.k8s.aws.js';
import {
  NodePool,
  NodePoolSpecDisruptionConsolidationPolicy,
  NodePoolSpecLimits,
  NodePoolSpecTemplateSpecRequirementsOperator,
  NodePoolSpecTemplateSpecTaintsEffect,
} from '../../imports/karpenter-nodepools-karpenter.sh.js';
import { AcceleratorDevicePlugin, type DevicePluginPool, type IDevicePluginConsumer } from './device-plugins.js';
import { renderedObjects } from './private/rendered-json.js';
import { SynthPass } from './synth-pass.js';
import type { IScalableModelWorkload } from './model-deployment.js';
import { KubernetesPlatform } from '../../lib/platforms.js';

export {
  AUTO_MODE_MAX_NODE_LIFETIME_HOURS,
  DEFAULT_NODE_TERMINATION_GRACE_PERIOD,
  KARPENTER_CAPACITY_TYPE_LABEL,
  KARPENTER_NODEPOOL_LABEL,
} from '../../lib/node-pool-defaults.js';
import { compareStrings } from '../../lib/private/compare.js';

/**
 * Pinned EKS-optimized AL2023 AMI release for the EC2NodeClass alias. The AL2023 alias resolves
 * the NVIDIA or Neuron variant per instance type. Release v20251103 ships NVIDIA driver 580;
 * the EKS user guide recommends it or later for GPU nodes. Pin, never `@latest`: a new release
 * would otherwise drift every node.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-optimized-ami.html
 * @see https://github.com/awslabs/amazon-eks-ami/releases
 * @see https://karpenter.sh/docs/tasks/managing-amis/
 */
export const DEFAULT_AL2023_AMI_ALIAS = 'al2023@v20251103';
/**
 * IMDSv2 hop limit 1: only processes on the node itself reach the instance metadata service;
 * pods (one extra network hop) cannot borrow the node role and use IRSA / EKS Pod Identity
 * instead (the Pod Identity agent runs on the host network and is unaffected). Raise it to 2
 * only for pods that must read IMDS themselves.
 * @see https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#_restrict_access_to_the_instance_profile_assigned_to_the_worker_node
 */
export const DEFAULT_IMDS_HOP_LIMIT = 1;
/** Root volume floor, GiB: container images of model servers are 10-20 GiB compressed. */
export const MIN_ROOT_VOLUME_GIB = 200;
/** gp3 baseline is 3000 IOPS / 125 MiB/s; weights load faster with more. @see https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html#gp3-ebs-volume-type */
export const ROOT_VOLUME_THROUGHPUT_MIBPS = 500;
/** Matching IOPS for the throughput above (gp3 allows up to 500 IOPS per GiB). */
export const ROOT_VOLUME_IOPS = 6000;
/**
 * Wait this long after a node empties before removing it (the shared NodePool default).
 * @see NODE_POOL_DEFAULTS
 */
export const DEFAULT_CONSOLIDATE_AFTER = NODE_POOL_DEFAULTS.consolidateAfter;
/**
 * Node lifetime of every pool, Karpenter and Auto Mode alike: 336h, so that with the 1h grace
 * period it stays inside EKS Auto Mode's 21-day cap ({@link AUTO_MODE_MAX_NODE_LIFETIME_HOURS}).
 * @see https://docs.aws.amazon.com/eks/latest/userguide/create-node-pool.html
 */
export const DEFAULT_EXPIRE_AFTER = NODE_POOL_DEFAULTS.expireAfter;
/**
 * Disk space a node keeps for container images and the kubelet beside the pods' ephemeral
 * storage, GiB: model-server images are 10-20 GiB compressed and roughly twice that unpacked,
 * and the kubelet evicts pods when the image filesystem passes its `imagefs.available` 15 %
 * threshold. @see https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/#hard-eviction-thresholds
 */
export const NODE_IMAGE_SPACE_GIB = 100;
/** The Auto Mode built-in node class. @see https://docs.aws.amazon.com/eks/latest/userguide/create-node-class.html */
export const EKS_AUTO_MODE_NODE_CLASS = { group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' } as const;

const TAINT_EFFECT: Record<Taint['effect'], NodePoolSpecTemplateSpecTaintsEffect> = {
  NoSchedule: NodePoolSpecTemplateSpecTaintsEffect.NO_SCHEDULE,
  PreferNoSchedule: NodePoolSpecTemplateSpecTaintsEffect.PREFER_NO_SCHEDULE,
  NoExecute: NodePoolSpecTemplateSpecTaintsEffect.NO_EXECUTE,
};

/**
 * Drop the namespace a namespaced chart gives every object: NodePool, EC2NodeClass and
 * ComputeClass are cluster-scoped, and a namespace on them is rejected by strict validation.
 */
export function clusterScoped(obj: ApiObject): void {
  if (Chart.of(obj).namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
}

/** A pool that placement checks can read. */
export interface IAcceleratorPool {
  /** The pool as the placement check sees it (labels, taints, limits). */
  toPoolCapacity(): PoolCapacity;
}


/** Karpenter capacity type. */
export enum CapacityType {
  /** On-Demand instances. */
  ON_DEMAND = 'on-demand',
  /** Spot instances. */
  SPOT = 'spot',
  /** Capacity reservations (Karpenter v1 `reserved`). */
  RESERVED = 'reserved',
}


/** Properties of {@link AcceleratorNodePool}. */
export interface AcceleratorNodePoolProps {
  /** `karpenter` (NodePool + EC2NodeClass) or `eks-auto-mode` (NodePool on the built-in NodeClass). */
  readonly mode: KubernetesPlatform;
  /** Catalogue instance types the pool may launch (one accelerator kind), e.g. `['inf2.xlarge']`. */
  readonly instanceTypes: string[];
  /**
   * Kubernetes name of the NodePool (and EC2NodeClass).
   * @default - the instance family, e.g. `inf2`
   */
  readonly name?: string;
  /**
   * Capacity types, in Karpenter's order of preference (Karpenter launches spot when allowed
   * and available, else on-demand).
   * @default ['on-demand']
   */
  readonly capacityTypes?: CapacityType[];
  /**
   * Pool-wide limit on the accelerator resource (chips / GPUs). When given it wins over the
   * workloads placed on the pool.
   * @default - rendered at synthesis from the workloads placed on the pool (those given to
   * {@link AcceleratorNodePool.addWorkload}, else the chart's workloads whose node selector and
   * tolerations match the pool): the whole nodes each needs at its scaler's maxReplicas plus its
   * rollout's surge replicas, summed. A pool with no such workload fails synthesis with
   * `PoolSizeUnknown`: an accelerator pool without a limit could launch nodes without bound.
   */
  readonly maxDevices?: number;
  /**
   * IAM role name of the nodes (Karpenter mode; Auto Mode uses its own).
   * @default - required in karpenter mode
   */
  readonly nodeRoleName?: string;
  /**
   * Cluster name whose `karpenter.sh/discovery` tags select subnets and security groups.
   * @default - required in karpenter mode
   */
  readonly clusterName?: string;
  /**
   * EC2NodeClass AMI alias, pinned.
   * @default DEFAULT_AL2023_AMI_ALIAS
   */
  readonly amiAlias?: string;
  /**
   * Root volume size, GiB (gp3, encrypted).
   * @default - rendered at synthesis: image space plus the ephemeral storage of the pods one node
   * runs of the largest workload placed on the pool, rounded up to 50 GiB, at least 200
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * KMS key (ARN or id) for the root volume.
   * @default - the account's default EBS key
   */
  readonly kmsKeyId?: string;
  /**
   * IMDSv2 hop limit (1 or 2).
   * @default 1
   */
  readonly metadataHopLimit?: 1 | 2;
  /**
   * Delay after a node empties before Karpenter removes it.
   * @default '10m'
   */
  readonly consolidateAfter?: string;
  /**
   * Pool weight among pools matching the same pods (higher first).
   * @default - none
   */
  readonly weight?: number;
  /**
   * Node lifetime (`spec.template.spec.expireAfter`). In Auto Mode, expireAfter plus
   * terminationGracePeriod must not exceed 21 days (checked at synth).
   * @default '336h'
   */
  readonly expireAfter?: string;
  /**
   * Upper bound on draining a node (`spec.template.spec.terminationGracePeriod`).
   * @default '1h'
   */
  readonly terminationGracePeriod?: string;
  /**
   * Render the accelerator's device plugin (karpenter mode): the NVIDIA k8s-device-plugin or the
   * Neuron device plugin DaemonSet, one per chart and accelerator, on this pool's nodes only. The
   * EKS AL2023 NVIDIA / Neuron AMIs advertise no `nvidia.com/gpu` / `aws.amazon.com/neuron`
   * without one. Pass `false` when the cluster already runs the plugin; nothing else changes.
   * Ignored in eks-auto-mode, which runs its own plugins.
   * @default true
   */
  readonly devicePlugin?: boolean;
}

function invalid(code: ErrorCode, prop: string, problem: string, received: unknown, allowed: string | readonly (string | number)[], fix: string): never {
  throw new InferenceConstructsError(code, { prop, problem, received, allowed, fix });
}

/** Union of requirements over several catalogue rows: same key and operator `In` merge their values. */
export function mergeRequirements(rows: readonly InstanceTypeSpec[]): (NodeRequirement & { readonly values: readonly string[] })[] {
  const byKey = new Map<string, Set<string>>();
  for (const row of rows) {
    for (const r of row.kubernetes.karpenterRequirements ?? []) {
      if (r.operator !== 'In') continue;
      const set = byKey.get(r.key) ?? new Set<string>();
      (r.values ?? []).forEach((v) => set.add(v));
      byKey.set(r.key, set);
    }
  }
  return [...byKey.entries()].map(([key, values]) => ({ key, operator: 'In' as const, values: [...values].sort() }));
}

/** Kinds whose manifests say what a workload needs: the workloads and the scalers that bound them. */
const WORKLOAD_MANIFEST_KINDS = new Set(['Deployment', 'LeaderWorkerSet', 'ScaledObject', 'HorizontalPodAutoscaler']);

/**
 * The workload and scaler manifests of a chart, rendered once per synth for every reader
 * (private/rendered-json.ts). Only those kinds are rendered, so a pool reading them never renders
 * itself (its own limits are what is being computed).
 */
function workloadManifests(chart: Chart): unknown[] {
  return renderedObjects(chart, (o) => WORKLOAD_MANIFEST_KINDS.has(o.kind));
}

/** `kind/namespace/name` of a workload, as in `WorkloadDemand.name`. */
function demandName(w: IScalableModelWorkload): string {
  return `${w.scaleTargetRef.kind}/${w.namespace}/${w.scaleTargetRef.name}`;
}

function isScalableWorkload(c: IConstruct): c is IConstruct & IScalableModelWorkload {
  const w = c as Partial<IScalableModelWorkload>;
  return typeof w.scaleTargetRef?.kind === 'string' && typeof w.namespace === 'string' && typeof w.plan?.instance === 'object';
}

function isConstruct(w: unknown): w is IConstruct {
  return typeof (w as Partial<IConstruct>).node?.findAll === 'function';
}

/** The parts of a pool that decide which workloads land on it. */
interface PoolMatch {
  readonly name: string;
  readonly resourceName: string;
  readonly labels: { readonly [key: string]: string };
  readonly taints: readonly Taint[];
  /** Devices of one node of the largest instance type (pods per node of workloads rendered without a plan). */
  readonly largestNodeDevices: number;
  /** The instance types the pool may launch (sizes workloads rendered without a plan). */
  readonly nodeShapes: readonly NodeShape[];
}

/** A workload placed on a pool, read at synthesis. */
export interface PlacedWorkload {
  /** What the rendered manifests ask: devices per replica, the scaler's maxReplicas, the rollout's surge. */
  readonly demand: WorkloadDemand;
  /** The plan behind the workload, when it is a model workload of the library. */
  readonly plan?: CapacityPlan;
  /** Ephemeral storage of one pod, GiB. */
  readonly podEphemeralGiB: number;
  /** The pods of one replica that request the pool's resource, by shape. */
  readonly pods: PodGroup[];
}

/** True when the workload selects the pool's nodes, tolerates their taints and requests its resource (lib/placement.ts semantics). */
function landsOn(d: WorkloadDemand, pool: PoolMatch): boolean {
  if (!((d.resourcesPerReplica[pool.resourceName] ?? 0) > 0)) return false;
  return selectorMatches(d.nodeSelector, pool.labels) && toleratesTaints(d.tolerations, pool.taints);
}

/**
 * The workloads of a pool: the ones added with `addWorkload`, else the chart's workloads that
 * land on it. Read at synthesis (after every scaler is attached), from the rendered manifests
 * with the reader the placement check and the EKS cluster use (`workloadDemandsFromManifests`),
 * so the replica ceiling is the scaler's and the surge is the rollout strategy's.
 * Internal to the cdk8s pools; not exported from the package.
 */
export class PoolWorkloads {
  private readonly added: IScalableModelWorkload[] = [];

  constructor(
    private readonly scope: Construct,
    private readonly pool: PoolMatch,
    private readonly displayName: string,
  ) {}

  /** Place a workload on the pool; its resource is checked now, the rest at synthesis. */
  public add(workload: IScalableModelWorkload): void {
    const resource = workload.plan.instance.kubernetes.resourceName;
    if (resource !== this.pool.resourceName) {
      throw new InferenceConstructsError('AcceleratorMismatch', {
        prop: 'addWorkload',
        problem: `workload ${workload.scaleTargetRef.name} requests ${resource}, pool ${this.pool.name} offers ${this.pool.resourceName}`,
        received: workload.scaleTargetRef.name,
        allowed: `workloads on ${this.displayName}`,
        fix: 'add each workload to the pool it runs on',
      });
    }
    if (!this.added.some((w) => demandName(w) === demandName(workload))) this.added.push(workload);
  }

  /** True when no workload was added explicitly (the chart's workloads are found instead). */
  public get discovering(): boolean {
    return this.added.length === 0;
  }

  /**
   * The workloads placed on the pool, in name order, read from their manifests now: once per
   * synth (constructs/k8s/synth-pass.ts), where the pool's limit, its root volume and the
   * placement check each ask, in every validation pass.
   */
  public placed(): PlacedWorkload[] {
    return SynthPass.once(this, () => this.readPlaced());
  }

  private readPlaced(): PlacedWorkload[] {
    const poolChart = Chart.of(this.scope);
    const charts = new Set<Chart>([poolChart]);
    for (const w of this.added) if (isConstruct(w)) charts.add(Chart.of(w));
    // Each chart's workloads are rendered and read once per call.
    const read = new Map(
      [...charts].map((c) => {
        const objects = workloadManifests(c);
        const json = objects.filter((o): o is Record<string, unknown> => typeof o === 'object' && o !== null);
        return [c, { demands: workloadDemandsFromManifests(objects), ephemeral: ephemeralStorageByWorkload(json) }] as const;
      }),
    );
    const result: PlacedWorkload[] = [];
    const placedIn = (chart: Chart, demand: WorkloadDemand, plan: CapacityPlan | undefined): PlacedWorkload => ({
      demand,
      plan,
      podEphemeralGiB: read.get(chart)!.ephemeral.get(demand.name) ?? 0,
      pods: podGroupsOf(demand, this.pool.resourceName),
    });
    if (!this.discovering) {
      for (const w of this.added) {
        const chart = isConstruct(w) ? Chart.of(w) : poolChart;
        const demand = read.get(chart)!.demands.find((d) => d.name === demandName(w));
        if (!demand) {
          throw new InferenceConstructsError('PoolWorkloadNotFound', {
            prop: `${this.pool.name}.addWorkload`,
            problem: `no ${w.scaleTargetRef.kind} ${w.scaleTargetRef.name} in namespace ${w.namespace} is rendered in chart ${chart.node.path}, so the pool cannot read its replicas`,
            received: demandName(w),
            allowed: 'workloads rendered in the pool\'s chart or in the chart of the workload construct',
            fix: 'add the ModelDeployment itself, or render the workload in the pool\'s chart',
          });
        }
        const placed = placedIn(chart, demand, w.plan);
        if (!landsOn(placed.demand, this.pool)) {
          throw new InferenceConstructsError('PoolWorkloadNotPlaced', {
            prop: `${this.pool.name}.addWorkload`,
            problem: `${placed.demand.name} does not select the labels or tolerate the taints of pool ${this.pool.name}, so its pods never run there`,
            received: { nodeSelector: placed.demand.nodeSelector, tolerations: placed.demand.tolerations },
            allowed: `node selectors within ${JSON.stringify(this.pool.labels)} and tolerations of its taints`,
            fix: 'add the workload to the pool its node selector picks, or render it for this pool\'s platform',
          });
        }
        result.push(placed);
      }
    } else {
      const plans = new Map(poolChart.node.findAll().filter(isScalableWorkload).map((w) => [demandName(w), w.plan] as const));
      for (const d of read.get(poolChart)!.demands) {
        if (landsOn(d, this.pool)) result.push(placedIn(poolChart, d, plans.get(d.name)));
      }
    }
    return result.sort((a, b) => compareStrings(a.demand.name, b.demand.name));
  }

  /**
   * Devices the placed workloads need at their maximum replicas plus a rollout's surge, in whole
   * nodes per workload (`devicesForPods` of lib/private/node-packing.ts, the rule the EKS cluster
   * pools use): a pod's devices all come from one node (Kubernetes device plugins), so the nodes
   * a workload's pods occupy are ceil(pods / pods per node), times the devices of a node. Karpenter
   * launches a node only when all its devices fit under the pool's limit ("If the NodePool's limits
   * have been exceeded, Karpenter will not launch new nodes"), so a limit below a whole node
   * strands a replica in Pending. Pods per node: the plan's replicas per node (which also counts
   * host memory) on the plan's instance type; for a workload rendered without a plan,
   * floor(node devices / devices per pod) on the pool's instance type that packs it worst.
   * @see https://karpenter.sh/v1.0/concepts/nodepools/#speclimits
   * @see https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/device-plugins/
   * @returns undefined when no workload is placed on the pool
   */
  public devicesAtScale(): number | undefined {
    const placed = this.placed();
    if (placed.length === 0) return undefined;
    return placed.reduce((sum, p) => sum + devicesAtScale(p, this.pool), 0);
  }
}

/** Devices one placed workload needs at maxReplicas plus its surge, in whole nodes. */
function devicesAtScale(p: PlacedWorkload, pool: PoolMatch): number {
  // The surge is the rendered rollout strategy's (a Deployment's maxSurge, a LeaderWorkerSet's
  // rolloutStrategy maxSurge, 0 by default), read by the same function the EKS cluster pools use.
  const replicas = p.demand.maxReplicas + (p.demand.surgeReplicas ?? 0);
  if (replicas === 0) return 0;
  // A planned workload runs on its plan's instance type, replicasPerNode per node (1 for a
  // replica spread over several hosts, one pod per host).
  const nodes: readonly NodeShape[] = p.plan
    ? [{ name: p.plan.instance.name, devices: p.plan.instance.devicesPerNode, podsPerNode: p.plan.replicasPerNode }]
    : pool.nodeShapes;
  // A pod larger than every node of the pool never lands on it (Karpenter offers a pending pod
  // only the instance types that hold it); it may run on another pool its selector matches.
  if (!p.plan && !podsFitNodes(p.pods, nodes)) return 0;
  return devicesForPods(p.demand.name, replicas, p.pods, nodes, pool.resourceName);
}

/** Root volume sizes are rounded up to this step, GiB. */
const ROOT_VOLUME_STEP_GIB = 50;
/** Largest gp3 volume, GiB. @see https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html#gp3-ebs-volume-type */
const GP3_MAX_GIB = 16384;
/**
 * Smallest root volume the pool accepts, GiB: the disk EKS gives a node by default.
 * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html (diskSize default 20)
 */
const ROOT_VOLUME_FLOOR_GIB = 20;

function assertRootVolumeRange(gib: number): void {
  if (!Number.isInteger(gib) || gib < ROOT_VOLUME_FLOOR_GIB || gib > GP3_MAX_GIB) {
    invalid('NodeDiskSizeInvalid', 'rootVolumeSizeGiB', 'gp3 volume size out of range', gib, `an integer from ${ROOT_VOLUME_FLOOR_GIB} to ${GP3_MAX_GIB}`, 'pass a size in GiB');
  }
}

/** Pods of one workload a node runs: the plan's replicas per node, else as many as the largest node's devices hold. */
function podsPerNode(p: PlacedWorkload, resourceName: string, largestNodeDevices: number): number {
  if (p.plan) return p.plan.replicasPerNode;
  const perPod = p.demand.resourcesPerReplica[resourceName] ?? 0;
  return perPod > 0 ? Math.max(1, Math.floor(largestNodeDevices / perPod)) : 1;
}

/**
 * A Karpenter / EKS Auto Mode NodePool for one accelerator kind, with its EC2NodeClass in
 * Karpenter mode.
 *
 * - requirements: the catalogue's instance family / GPU name / instance types, plus the
 *   capacity types (spot and on-demand when both are given: Karpenter prefers spot)
 * - taints: the catalogue's (`aws.amazon.com/neuron=true:NoSchedule`, `nvidia.com/gpu:NoSchedule`)
 * - limits: the accelerator resource, rendered at synthesis from the workloads placed on the
 *   pool (their scalers' maximum replicas plus the rollout's surge), unless `maxDevices` is given
 * - disruption: `WhenEmpty` after `consolidateAfter`, at most one node at a time; running
 *   servers are never consolidated away mid-generation, and empty nodes are returned
 * - EC2NodeClass: pinned AL2023 alias, encrypted gp3 root volume sized for image + weights,
 *   IMDSv2 required with hop limit 1
 */
export class AcceleratorNodePool extends Construct implements IAcceleratorPool, IDevicePluginConsumer {
  /** The NodePool (karpenter.sh/v1): escape hatch for patches. */
  public readonly nodePool: ApiObject;
  /** The EC2NodeClass (karpenter.k8s.aws/v1; karpenter mode only). */
  public readonly nodeClass?: ApiObject;
  /** Kubernetes name of the pool. */
  public readonly name: string;
  /** The accelerator resource the pool limits. */
  public readonly resourceName: string;
  /** Labels every node carries that workloads may select on. */
  public readonly labels: { [key: string]: string };
  /** Taints every node carries. */
  public readonly taints: Taint[];
  /** The chart's device plugin for this pool's accelerator (karpenter mode, unless opted out). */
  public readonly devicePlugin?: AcceleratorDevicePlugin;
  private readonly devicePluginOptOut: boolean;
  private readonly explicitMaxDevices?: number;
  private readonly workloads: PoolWorkloads;
  private readonly largestNodeDevices: number;
  /** The instance types and their devices per node (the placement check counts whole nodes). */
  private readonly nodeTypes: PoolNodeType[];
  private rootVolumeCheck?: () => number;

  constructor(scope: Construct, id: string, props: AcceleratorNodePoolProps) {
    super(scope, id);
    if (props.instanceTypes.length === 0) {
      invalid('PoolInstanceTypesEmpty', 'instanceTypes', 'a pool needs at least one instance type', props.instanceTypes, 'catalogue names such as inf2.xlarge', 'list the instance types the pool may launch');
    }
    const rows = props.instanceTypes.map((n) => instanceType(n));
    const first = rows[0]!;
    this.nodeTypes = rows.map((r) => ({ instanceType: r.name, devices: { [r.kubernetes.resourceName]: r.devicesPerNode } }));
    for (const row of rows) {
      if (row.cloud !== 'aws') {
        invalid('PoolInstanceTypeNotEc2', 'instanceTypes', 'Karpenter and EKS Auto Mode pools launch EC2 instances only', row.name, 'EC2 instance types', 'use GkeAcceleratorComputeClass for GKE machine types');
      }
      if (row.device.kind !== first.device.kind) {
        throw new InferenceConstructsError('AcceleratorMismatch', {
          prop: 'instanceTypes',
          problem: 'a pool serves one accelerator kind, so one set of taints and selectors matches it',
          received: props.instanceTypes,
          allowed: `instance types with ${first.device.displayName}`,
          fix: 'create one pool per accelerator kind',
        });
      }
    }
    this.name = props.name ?? first.family;
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(this.name)) {
      invalid('PoolNameInvalid', 'name', 'not a valid Kubernetes name', this.name, 'a DNS-1123 label', 'pass a lower-case name');
    }
    this.resourceName = first.kubernetes.resourceName;
    const capacityTypes = [...new Set(props.capacityTypes ?? ['on-demand'])].sort();
    if (capacityTypes.length === 0) {
      invalid('PoolCapacityTypeInvalid', 'capacityTypes', 'at least one capacity type is needed', props.capacityTypes, ['on-demand', 'spot', 'reserved'], 'pass e.g. ["spot", "on-demand"]');
    }

    const largestNode = Math.max(...rows.map((r) => r.devicesPerNode));
    if (props.maxDevices !== undefined) {
      if (!Number.isInteger(props.maxDevices) || props.maxDevices < 1) {
        invalid('PoolMaxDevicesInvalid', 'maxDevices', 'the pool limit must be a whole number of devices', props.maxDevices, 'a positive integer', 'pass maxDevices as a whole number, or leave it out to size the pool from its workloads');
      }
      if (props.maxDevices < largestNode) {
        invalid('PoolMaxDevicesBelowNode', 'maxDevices', `the limit is below one node's ${largestNode} devices, so no node could launch`, props.maxDevices, `at least ${largestNode}`, 'raise maxDevices or pick smaller instance types');
      }
    }
    this.explicitMaxDevices = props.maxDevices;
    this.largestNodeDevices = largestNode;

    const autoMode = props.mode === KubernetesPlatform.EKS_AUTO_MODE;
    const expireAfter = props.expireAfter ?? NODE_POOL_DEFAULTS.expireAfter;
    const nodeGrace = props.terminationGracePeriod ?? NODE_POOL_DEFAULTS.terminationGracePeriod;
    for (const [prop, value] of [['expireAfter', expireAfter], ['terminationGracePeriod', nodeGrace]] as const) {
      if (durationHours(value) === undefined && !(prop === 'expireAfter' && value === 'Never' && !autoMode)) {
        invalid('NodeDurationInvalid', prop, 'not a Karpenter duration', value, 'hours, minutes and seconds such as 336h or 1h30m (expireAfter also Never, outside Auto Mode)', `use e.g. ${prop === 'expireAfter' ? DEFAULT_EXPIRE_AFTER : DEFAULT_NODE_TERMINATION_GRACE_PERIOD}`);
      }
    }
    // Auto Mode's own NodePool validation caps the node lifetime at 21 days.
    // @see https://docs.aws.amazon.com/eks/latest/userguide/create-node-pool.html
    if (autoMode) assertAutoModeNodeLifetime(expireAfter, nodeGrace, 'expireAfter');
    // Auto Mode spells the well-known instance labels with its own prefix.
    // @see https://docs.aws.amazon.com/eks/latest/userguide/create-node-pool.html#auto-supported-labels
    const translate = (key: string) => (autoMode ? key.replace(/^karpenter\.k8s\.aws\//, 'eks.amazonaws.com/') : key);
    const requirements = [
      ...mergeRequirements(rows).map((r) => ({ ...r, key: translate(r.key) })),
      { key: KARPENTER_CAPACITY_TYPE_LABEL, operator: 'In' as const, values: capacityTypes },
    ];
    const taints: Taint[] = [];
    for (const row of rows) {
      for (const t of row.kubernetes.taints) {
        if (!taints.some((x) => x.key === t.key && x.value === t.value && x.effect === t.effect)) taints.push(t);
      }
    }
    this.taints = taints;
    const labels: Record<string, string> = { [KARPENTER_NODEPOOL_LABEL]: this.name };
    for (const r of requirements) if (r.values.length === 1) labels[r.key] = r.values[0]!;
    this.labels = labels;
    this.workloads = new PoolWorkloads(
      this,
      { name: this.name, resourceName: this.resourceName, labels, taints, largestNodeDevices: largestNode, nodeShapes: rows.map((r) => ({ name: r.name, devices: r.devicesPerNode })) },
      first.device.displayName,
    );

    let nodeClassRef: { group: string; kind: string; name: string };
    if (autoMode) {
      nodeClassRef = { ...EKS_AUTO_MODE_NODE_CLASS };
      if (props.nodeRoleName || props.amiAlias || props.rootVolumeSizeGiB || props.kmsKeyId) {
        invalid(
          'CapacityModePropUnsupported',
          'mode',
          'EKS Auto Mode pools use the built-in NodeClass: node role, AMI and volumes are managed by EKS',
          { nodeRoleName: props.nodeRoleName, amiAlias: props.amiAlias, rootVolumeSizeGiB: props.rootVolumeSizeGiB, kmsKeyId: props.kmsKeyId },
          'none of nodeRoleName, amiAlias, rootVolumeSizeGiB, kmsKeyId',
          'drop those props, or use mode "karpenter"',
        );
      }
    } else {
      if (!props.nodeRoleName) invalid('KarpenterPoolPropMissing', 'nodeRoleName', 'Karpenter needs the IAM role its nodes run with', undefined, 'an IAM role name', 'pass the Karpenter node role name');
      if (!props.clusterName) invalid('KarpenterPoolPropMissing', 'clusterName', 'subnets and security groups are discovered by the cluster tag', undefined, 'the EKS cluster name', 'pass clusterName');
      const alias = props.amiAlias ?? DEFAULT_AL2023_AMI_ALIAS;
      if (!/^(al2023|bottlerocket)@v\d[\w.]*$/.test(alias)) {
        invalid('AmiAliasNotPinned', 'amiAlias', 'the AMI alias must be pinned to a release', alias, 'al2023@vYYYYMMDD or bottlerocket@vX.Y.Z', `use e.g. ${DEFAULT_AL2023_AMI_ALIAS}`);
      }
      const hopLimit = props.metadataHopLimit ?? DEFAULT_IMDS_HOP_LIMIT;
      if (hopLimit !== 1 && hopLimit !== 2) invalid('MetadataHopLimitInvalid', 'metadataHopLimit', 'IMDS hop limit out of range', hopLimit, [1, 2], 'use 1 (pods cannot reach IMDS) or 2');
      if (props.rootVolumeSizeGiB !== undefined) assertRootVolumeRange(props.rootVolumeSizeGiB);
      const explicitRootGiB = props.rootVolumeSizeGiB;
      // The root volume is sized late, from the workloads placed on the pool; an explicit size is
      // checked against them then.
      this.rootVolumeCheck = () => this.rootVolumeGiB(explicitRootGiB);
      const discovery = { 'karpenter.sh/discovery': props.clusterName! };
      this.nodeClass = new Ec2NodeClass(this, 'NodeClass', {
        metadata: { name: this.name },
        spec: {
          role: props.nodeRoleName,
          amiSelectorTerms: [{ alias }],
          subnetSelectorTerms: [{ tags: discovery }],
          securityGroupSelectorTerms: [{ tags: discovery }],
          metadataOptions: {
            httpEndpoint: Ec2NodeClassSpecMetadataOptionsHttpEndpoint.ENABLED,
            httpTokens: Ec2NodeClassSpecMetadataOptionsHttpTokens.REQUIRED,
            httpPutResponseHopLimit: hopLimit,
          },
          blockDeviceMappings: [
            {
              deviceName: '/dev/xvda',
              rootVolume: true,
              ebs: {
                volumeSize: Lazy.any({ produce: () => `${this.rootVolumeGiB(explicitRootGiB)}Gi` }),
                volumeType: Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType.GP3,
                encrypted: true,
                deleteOnTermination: true,
                iops: ROOT_VOLUME_IOPS,
                throughput: ROOT_VOLUME_THROUGHPUT_MIBPS,
                ...(props.kmsKeyId ? { kmsKeyId: props.kmsKeyId } : {}),
              },
            },
          ],
          tags: { 'inference-constructs.io/node-pool': this.name },
        },
      });
      clusterScoped(this.nodeClass);
      nodeClassRef = { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: this.name };
    }

    this.nodePool = new NodePool(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        ...(props.weight !== undefined ? { weight: props.weight } : {}),
        // Rendered at synthesis, after every workload and scaler of the chart exists.
        limits: Lazy.any({ produce: () => ({ [this.resourceName]: NodePoolSpecLimits.fromNumber(this.maxDevices()) }) }),
        disruption: {
          consolidationPolicy: NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY,
          consolidateAfter: props.consolidateAfter ?? DEFAULT_CONSOLIDATE_AFTER,
          budgets: [{ nodes: NODE_POOL_DEFAULTS.disruptionBudgetNodes }],
        },
        template: {
          metadata: { labels: { [NODE_POOL_NAME_LABEL]: this.name } },
          spec: {
            nodeClassRef,
            requirements: requirements.map((r) => ({
              key: r.key,
              operator: NodePoolSpecTemplateSpecRequirementsOperator.IN,
              values: [...r.values],
            })),
            taints: taints.map((t) => ({
              key: t.key,
              ...(t.value !== undefined ? { value: t.value } : {}),
              effect: TAINT_EFFECT[t.effect],
            })),
            expireAfter,
            terminationGracePeriod: nodeGrace,
          },
        },
      },
    });
    clusterScoped(this.nodePool);
    this.devicePluginOptOut = props.devicePlugin === false;
    if (!autoMode && !this.devicePluginOptOut) this.devicePlugin = AcceleratorDevicePlugin.forPool(this, this.devicePluginPool()!);
    // A pool without a limit, or with a root volume too small for its pods, fails synthesis here
    // rather than render an unbounded NodePool or nodes whose pods never schedule.
    this.node.addValidation({
      validate: () => {
        this.maxDevices();
        this.rootVolumeCheck?.();
        return [];
      },
    });
  }

  /**
   * Size the pool for this workload (a {@link ModelDeployment}, or any workload rendered in a
   * chart): its maximum replicas and rollout surge are read from its rendered manifests at
   * synthesis, so a scaler attached after this call still counts. Once a workload is added, only
   * added workloads size the pool; without any, the chart's workloads that land on the pool do.
   *
   * @throws InferenceConstructsError AcceleratorMismatch when the workload requests another
   * accelerator resource; at synthesis PoolWorkloadNotFound or PoolWorkloadNotPlaced
   */
  public addWorkload(workload: IScalableModelWorkload): void {
    this.workloads.add(workload);
  }

  /**
   * The pool's limit on its accelerator resource: `maxDevices` when given, else the devices the
   * placed workloads need now (the NodePool renders the value at synthesis).
   * @throws InferenceConstructsError PoolSizeUnknown when neither is there
   */
  public maxDevices(): number {
    if (this.explicitMaxDevices !== undefined) return this.explicitMaxDevices;
    const devices = this.workloads.devicesAtScale();
    if (devices === undefined || devices < 1) {
      throw new InferenceConstructsError('PoolSizeUnknown', {
        prop: `${this.name}.maxDevices`,
        problem: this.workloads.discovering
          ? 'no workload of the chart lands on the pool and maxDevices is not given; an accelerator pool needs a limit, or a burst of pending pods could launch nodes without bound'
          : 'the workloads added to the pool need no devices at their maximum replicas, and maxDevices is not given',
        received: undefined,
        allowed: 'maxDevices, or workloads placed on the pool',
        fix: 'call pool.addWorkload(model) for the workloads that run on the pool, or pass maxDevices',
      });
    }
    return devices;
  }

  /**
   * Root volume, GiB: the pods' ephemeral storage (model cache, scratch) lives on it next to the
   * images, so it holds every pod a node runs of the largest placed workload plus the image space.
   */
  private rootVolumeGiB(explicit: number | undefined): number {
    const perNode = this.workloads.placed().map((p) => ({
      name: p.demand.name,
      podGiB: p.podEphemeralGiB,
      nodeGiB: p.podEphemeralGiB * podsPerNode(p, this.resourceName, this.largestNodeDevices),
    }));
    const podsGiB = Math.max(0, ...perNode.map((p) => p.nodeGiB));
    const neededGiB = podsGiB + NODE_IMAGE_SPACE_GIB;
    const suggested = Math.ceil(neededGiB / ROOT_VOLUME_STEP_GIB) * ROOT_VOLUME_STEP_GIB;
    const rootGiB = explicit ?? Math.max(MIN_ROOT_VOLUME_GIB, suggested);
    assertRootVolumeRange(rootGiB);
    if (rootGiB < neededGiB) {
      const largest = perNode.reduce((a, p) => (p.nodeGiB > a.nodeGiB ? p : a));
      throw new InferenceConstructsError('NodeDiskTooSmall', {
        prop: 'rootVolumeSizeGiB',
        problem:
          `the root volume holds the pods' ephemeral storage and the images: workload ${largest.name} requests ` +
          `${largest.podGiB} GiB per pod (${podsGiB} GiB per node) plus ${NODE_IMAGE_SPACE_GIB} GiB for images, ` +
          'so its pods would never schedule (or be evicted)',
        received: rootGiB,
        allowed: `at least ${neededGiB} GiB`,
        fix: `raise rootVolumeSizeGiB to ${suggested} or leave it unset, or give the workload a modelCacheClaimName`,
      });
    }
    return rootGiB;
  }

  /** The pool as its device plugin sees it; undefined in Auto Mode or when opted out (`devicePlugin: false`). */
  public devicePluginPool(): DevicePluginPool | undefined {
    if (this.nodeClass === undefined || this.devicePluginOptOut) return undefined;
    return { name: this.name, resourceName: this.resourceName, taints: [...this.taints], labels: { ...this.labels } };
  }

  /**
   * The pool as the placement check sees it: single-valued requirements as labels, taints, limit,
   * and the devices per node of its instance types.
   *
   * With those the check counts whole nodes: a pod's devices all come from one node, and
   * Karpenter launches no node past the NodePool's `limits`.
   */
  public toPoolCapacity(): PoolCapacity {
    return {
      name: this.name,
      labels: { ...this.labels, [NODE_POOL_NAME_LABEL]: this.name },
      taints: this.taints,
      limits: { [this.resourceName]: this.maxDevices() },
      nodeTypes: this.nodeTypes.map((t) => ({ instanceType: t.instanceType, devices: { ...t.devices } })),
    };
  }
}
