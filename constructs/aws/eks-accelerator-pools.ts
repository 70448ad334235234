/**
 * Accelerator node pools for the EKS inference cluster: one pool per accelerator, rendered
 * either as an EKS Auto Mode `NodePool` (karpenter.sh/v1) or as an EKS managed node group.
 *
 * Both renderings read the same catalogue row (`lib/accelerators.ts`): the extended resource,
 * the node labels workloads select, the taints workloads tolerate, and the AMI type. The
 * placement check (`lib/placement.ts`) sees a pool through {@link AcceleratorPool.capacity}.
 */
import { Duration, Lazy } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { AUTO_MODE_MAX_NODE_LIFETIME_HOURS, NODE_POOL_DEFAULTS, assertAutoModeNodeLifetime, durationHours } from '../../lib/node-pool-defaults.js';
import { InferenceConstructsError } from '../../lib/errors.js';
import { instanceType as catalogueInstanceType, AcceleratorClass, type InstanceTypeSpec, type Taint } from '../../lib/accelerators.js';
import { type PoolCapacity, type WorkloadDemand, selectorMatches, workloadDemandsFromManifests } from '../../lib/placement.js';
import { type NodeShape, devicesForPods, podGroupsOf, podsFitNodes } from '../../lib/private/node-packing.js';
import { PICKS_THE_CATALOGUE_ROW, rejectToken } from './token-guards.js';

/** The cluster matches workloads to pools with the placement check's selector rule. */
export { selectorMatches };

/**
 * Node label every pool puts on its nodes, with the pool name as value, so a workload can pin
 * itself to one pool when several serve the same accelerator.
 */
export const POOL_LABEL = 'inference-constructs.io/pool';

/**
 * Label that lets the NVIDIA device plugin chart's default node affinity select a node
 * without Node Feature Discovery ("We allow a GPU deployment to be forced by setting the
 * following label to true").
 *
 * @see https://github.com/NVIDIA/k8s-device-plugin/blob/main/deployments/helm/nvidia-device-plugin/values.yaml
 */
export const NVIDIA_GPU_PRESENT_LABEL = 'nvidia.com/gpu.present';

/**
 * Node label EKS puts on managed node group nodes with the group's capacity type.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html#managed-node-group-capacity-types
 */
export const EKS_MNG_CAPACITY_TYPE_LABEL = 'eks.amazonaws.com/capacityType';

/**
 * Node label Karpenter (and EKS Auto Mode) puts on every node with the name of its NodePool.
 * The value of the shared NodePool table (`NODE_POOL_DEFAULTS` in lib/node-pool-defaults.ts).
 *
 * @see https://karpenter.sh/docs/reference/well-known-labels/
 */
export const KARPENTER_NODEPOOL_LABEL = NODE_POOL_DEFAULTS.karpenterNodePoolLabel;

/**
 * Karpenter capacity-type label and requirement key (`NODE_POOL_DEFAULTS`).
 *
 * @see https://karpenter.sh/docs/concepts/nodepools/#capacity-type
 */
export const KARPENTER_CAPACITY_TYPE_LABEL = NODE_POOL_DEFAULTS.capacityTypeLabel;

// The longest node lifetime EKS Auto Mode accepts (21 days) is defined once, in
// lib/node-pool-defaults.ts with its sources; it is re-exported here (the same binding, so the
// package's flat namespace holds one AUTO_MODE_MAX_NODE_LIFETIME_HOURS).
// https://docs.aws.amazon.com/eks/latest/userguide/automode.html (21-day maximum lifetime)
export { AUTO_MODE_MAX_NODE_LIFETIME_HOURS };

/** Auto Mode node lifetime `expireAfter` (the shared NodePool table, 336 h = 14 days). */
export const AUTO_MODE_EXPIRE_AFTER = NODE_POOL_DEFAULTS.expireAfter;
/** {@link AUTO_MODE_EXPIRE_AFTER} in hours. */
export const AUTO_MODE_EXPIRE_AFTER_HOURS = durationHours(AUTO_MODE_EXPIRE_AFTER) as number;

/**
 * How long an expiring or drifted node waits for its pods (model servers finishing their
 * in-flight streams) before it is forcibly drained (the shared NodePool table, 1 h).
 *
 * @see https://karpenter.sh/docs/concepts/disruption/#terminationgraceperiod
 */
export const AUTO_MODE_TERMINATION_GRACE_PERIOD = NODE_POOL_DEFAULTS.terminationGracePeriod;
/** {@link AUTO_MODE_TERMINATION_GRACE_PERIOD} in hours. */
export const AUTO_MODE_TERMINATION_GRACE_PERIOD_HOURS = durationHours(AUTO_MODE_TERMINATION_GRACE_PERIOD) as number;

/**
 * How long a node must stay empty before Auto Mode removes it (the shared NodePool table, 10 m):
 * longer than KEDA's default 300 s cooldown, so a short lull between bursts does not throw away
 * a warm accelerator node (and its cached model weights).
 *
 * @see https://keda.sh/docs/latest/reference/scaledobject-spec/#cooldownperiod
 */
export const AUTO_MODE_CONSOLIDATE_AFTER = NODE_POOL_DEFAULTS.consolidateAfter;

/**
 * Nodes of a pool Auto Mode may disrupt at once (the shared NodePool table: one, so a drift
 * wave replaces one accelerator node and waits for its pods before the next).
 *
 * @see https://karpenter.sh/docs/concepts/disruption/#nodepool-disruption-budgets
 */
export const AUTO_MODE_DISRUPTION_BUDGET = NODE_POOL_DEFAULTS.disruptionBudgetNodes;

/**
 * Root volume of managed node group nodes. Model-server images for Neuron and CUDA are 10-20 GB
 * compressed, and weights are often cached on the node; the EKS default of 20 GiB does not hold
 * one image.
 *
 * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html (diskSize default 20)
 */
export const DEFAULT_NODE_DISK_SIZE_GIB = 200;

/** The accelerator classes an EKS pool can serve (TPUs exist only on GKE). */
const EKS_ACCELERATOR_CLASSES: readonly AcceleratorClass[] = [AcceleratorClass.INFERENTIA2, AcceleratorClass.NVIDIA_GPU];

/** EC2 purchasing option for a pool's nodes (the values are Karpenter's `karpenter.sh/capacity-type`). */
export enum PoolCapacityType {
  /** On-Demand instances. */
  ON_DEMAND = 'on-demand',
  /** Spot instances (may be reclaimed with a two-minute notice). */
  SPOT = 'spot',
}

const CAPACITY_TYPES: readonly PoolCapacityType[] = [PoolCapacityType.ON_DEMAND, PoolCapacityType.SPOT];

/**
 * How the cluster provides accelerator nodes.
 */
export class NodeCapacityMode {
  /**
   * EKS Auto Mode: one `NodePool` (karpenter.sh/v1) per accelerator pool on Auto Mode's
   * `default` NodeClass. Auto Mode picks the accelerated AMI and runs the device plugins.
   *
   * @see https://docs.aws.amazon.com/eks/latest/userguide/automode.html
   */
  public static readonly AUTO_MODE = new NodeCapacityMode('auto-mode');

  /**
   * EKS managed node groups with the AL2023 Neuron / NVIDIA AMI types, plus the pinned device
   * plugin Helm chart each accelerator needs, and a small system node group for cluster add-ons.
   *
   * @see https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html
   */
  public static readonly MANAGED_NODE_GROUPS = new NodeCapacityMode('managed-node-groups');

  private constructor(
    /** The mode's name, for messages. */
    public readonly name: 'auto-mode' | 'managed-node-groups',
  ) {}
}

/**
 * One accelerator pool, as given to `EksInferenceCluster.addAcceleratorPool`.
 */
export interface AcceleratorPoolOptions {
  /**
   * The accelerator the pool serves; every instance type must carry it.
   */
  readonly accelerator: AcceleratorClass;

  /**
   * EC2 instance types from the accelerator catalogue, e.g. `['inf2.xlarge', 'inf2.8xlarge']`.
   * Managed node groups need instance types with the same number of devices per node.
   */
  readonly instanceTypes: string[];

  /**
   * Name of the pool: the NodePool name (Auto Mode), and the value of the
   * `inference-constructs.io/pool` node label in both modes. A DNS-1123 label.
   *
   * @default - the construct id, lower-cased
   */
  readonly poolName?: string;

  /**
   * EC2 purchasing option.
   *
   * @default PoolCapacityType.ON_DEMAND
   */
  readonly capacityType?: PoolCapacityType;

  /**
   * Pool-wide cap on accelerator devices (the pool's `aws.amazon.com/neuron` or
   * `nvidia.com/gpu`): the Auto Mode NodePool `limits`, and for managed node groups
   * `maxSize = ceil(maxDevices / devicesPerNode)`. Workloads whose maximum replicas need more
   * devices, or more than the whole nodes their pods occupy (a pod's devices come from one node),
   * fail synthesis with `PoolLimitExceeded`.
   *
   * @default - rendered at synthesis from the workloads deployed on the pool
   * (`EksInferenceCluster.addInferenceWorkload`, or {@link AcceleratorPool.addWorkloadManifests}):
   * for each workload, the whole nodes its (max replicas + rollout surge) pods occupy (a pod's
   * devices come from one node: pods per node = floor(node devices / devices per pod)) times the
   * devices of a node, for the instance type that packs it worst; summed over the workloads, at
   * least one node of the largest instance type
   */
  readonly maxDevices?: number;

  /**
   * Auto Mode only: node lifetime (`expireAfter`) before a node is replaced. With
   * `nodeTerminationGracePeriod` it must stay within Auto Mode's 21-day maximum.
   *
   * @default Duration.hours(336)
   */
  readonly nodeExpireAfter?: Duration;

  /**
   * Auto Mode only: how long a disrupted node waits for its pods before it is drained by force
   * (`terminationGracePeriod`).
   *
   * @default Duration.hours(1)
   */
  readonly nodeTerminationGracePeriod?: Duration;

  /**
   * Managed node groups only: nodes kept running (`minSize`, also the initial `desiredSize`).
   * Scaling between `minSize` and `maxSize` needs a node autoscaler, which managed node groups
   * do not include.
   *
   * @default 1
   */
  readonly minNodes?: number;

  /**
   * Managed node groups only: the AMI type. Must be the catalogue's type for the instances
   * (`AL2023_x86_64_NEURON` for Inferentia2, `AL2023_x86_64_NVIDIA` for NVIDIA GPUs).
   *
   * @default - the catalogue's AMI type for the instance types
   */
  readonly amiType?: string;

  /**
   * Managed node groups only: root volume size of each node, GiB.
   *
   * @default 200
   */
  readonly diskSizeGiB?: number;
}

/** Props of {@link AcceleratorPool}. */
export interface AcceleratorPoolProps extends AcceleratorPoolOptions {
  /** The cluster the pool belongs to (created in this stack or imported). */
  readonly cluster: eks.ICluster;
  /** How the pool is provided. */
  readonly mode: NodeCapacityMode;
}

/** A pool's inputs after validation. */
interface PoolSpec {
  readonly poolName: string;
  readonly accelerator: AcceleratorClass;
  readonly rows: InstanceTypeSpec[];
  readonly resourceName: string;
  readonly taints: Taint[];
  readonly capacityType: PoolCapacityType;
  readonly minDevicesPerNode: number;
  readonly maxDevicesPerNode: number;
  /** Auto Mode `expireAfter` and `terminationGracePeriod`, Karpenter durations. */
  readonly expireAfter: string;
  readonly terminationGracePeriod: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL_MAX = 63;

function isPositiveInteger(n: number): boolean {
  return Number.isInteger(n) && n > 0;
}

function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && (a.value ?? '') === (b.value ?? '') && a.effect === b.effect;
}

/** The labels all rows agree on (key and value), sorted by key. */
function commonLabels(maps: readonly (Readonly<Record<string, string>> | undefined)[]): Record<string, string> {
  const [first, ...rest] = maps;
  if (!first) return {};
  const out: Record<string, string> = {};
  for (const key of Object.keys(first).sort()) {
    if (rest.every((m) => m?.[key] === first[key])) out[key] = first[key]!;
  }
  return out;
}

function validatePool(id: string, options: AcceleratorPoolOptions, mode: NodeCapacityMode): PoolSpec {
  const poolName = options.poolName ?? id.toLowerCase();
  if (!DNS_LABEL.test(poolName) || poolName.length > DNS_LABEL_MAX) {
    throw new InferenceConstructsError('PoolNameInvalid', {
      prop: 'poolName',
      problem: 'the pool name is not a DNS-1123 label',
      received: poolName,
      allowed: 'lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
      fix: 'pass poolName, e.g. "inferentia2" or "gpu-l4"',
    });
  }
  if (!(EKS_ACCELERATOR_CLASSES as readonly string[]).includes(options.accelerator)) {
    throw new InferenceConstructsError('PoolAcceleratorUnsupported', {
      prop: 'accelerator',
      problem: 'EKS pools serve Inferentia2 or NVIDIA GPUs only',
      received: options.accelerator,
      allowed: EKS_ACCELERATOR_CLASSES,
      fix: 'serve TPU models from GKE, or pick inferentia2 / nvidia-gpu',
    });
  }
  if (options.instanceTypes.length === 0) {
    throw new InferenceConstructsError('PoolInstanceTypesEmpty', {
      prop: 'instanceTypes',
      problem: 'a pool needs at least one instance type',
      received: options.instanceTypes,
      allowed: 'one or more EC2 instance types from the accelerator catalogue',
      fix: options.accelerator === AcceleratorClass.INFERENTIA2 ? 'pass e.g. ["inf2.xlarge"]' : 'pass e.g. ["g6.xlarge"]',
    });
  }
  options.instanceTypes.forEach((t, i) => rejectToken(t, `instanceTypes[${i}]`, PICKS_THE_CATALOGUE_ROW, '"inf2.xlarge"'));
  rejectToken(options.maxDevices, 'maxDevices', 'it sizes the pool (NodePool limits, node group maxSize) and is checked against the workloads at synthesis', '8');
  rejectToken(options.minNodes, 'minNodes', 'it is checked against the workloads\' minimum replicas at synthesis', '1');
  rejectToken(options.diskSizeGiB, 'diskSizeGiB', 'it is checked against the ephemeral storage the pods request at synthesis', String(DEFAULT_NODE_DISK_SIZE_GIB));
  const duplicates = options.instanceTypes.filter((t, i) => options.instanceTypes.indexOf(t) !== i);
  if (duplicates.length > 0) {
    throw new InferenceConstructsError('PoolInstanceTypeDuplicate', {
      prop: 'instanceTypes',
      problem: 'an instance type is listed twice',
      received: options.instanceTypes,
      allowed: 'distinct instance types',
      fix: `remove the duplicate ${duplicates.join(', ')}`,
    });
  }
  const rows = [...options.instanceTypes].sort().map((name) => catalogueInstanceType(name));
  for (const row of rows) {
    if (row.cloud !== 'aws' || row.acceleratorClass !== options.accelerator) {
      throw new InferenceConstructsError('AcceleratorMismatch', {
        prop: 'instanceTypes',
        problem: `${row.name} carries ${row.acceleratorClass} (${row.device.displayName}), not the pool's ${options.accelerator}`,
        received: row.name,
        allowed: `EC2 instance types whose accelerator is ${options.accelerator}`,
        fix: `move ${row.name} to a ${row.acceleratorClass} pool, or pick ${options.accelerator} instance types`,
      });
    }
  }
  const resourceName = rows[0]!.kubernetes.resourceName;
  const taints = rows[0]!.kubernetes.taints;
  for (const row of rows) {
    const sameTaints =
      row.kubernetes.taints.length === taints.length && row.kubernetes.taints.every((t, i) => sameTaint(t, taints[i]!));
    if (row.kubernetes.resourceName !== resourceName || !sameTaints) {
      throw new InferenceConstructsError('AcceleratorMismatch', {
        prop: 'instanceTypes',
        problem: `${row.name} is scheduled differently (resource or taints) from ${rows[0]!.name}`,
        received: options.instanceTypes,
        allowed: 'instance types sharing one extended resource and one set of taints',
        fix: 'split the instance types into separate pools',
      });
    }
  }
  const capacityType = options.capacityType ?? PoolCapacityType.ON_DEMAND;
  if (!CAPACITY_TYPES.includes(capacityType)) {
    throw new InferenceConstructsError('PoolCapacityTypeInvalid', {
      prop: 'capacityType',
      problem: 'unknown capacity type',
      received: capacityType,
      allowed: CAPACITY_TYPES,
      fix: 'pick on-demand or spot',
    });
  }
  const devicesPerNode = rows.map((r) => r.devicesPerNode);
  const minDevicesPerNode = Math.min(...devicesPerNode);
  const maxDevicesPerNode = Math.max(...devicesPerNode);

  if (options.maxDevices !== undefined) {
    if (!isPositiveInteger(options.maxDevices) || options.maxDevices < maxDevicesPerNode) {
      throw new InferenceConstructsError(isPositiveInteger(options.maxDevices) ? 'PoolMaxDevicesBelowNode' : 'PoolMaxDevicesInvalid', {
        prop: 'maxDevices',
        problem: 'the device limit must allow at least one node of every instance type of the pool',
        received: options.maxDevices,
        allowed: `an integer >= ${maxDevicesPerNode} (devices of the largest instance type)`,
        fix: `raise maxDevices to at least ${maxDevicesPerNode}, or leave it out to size the pool from its workloads`,
      });
    }
  }

  const autoMode = mode === NodeCapacityMode.AUTO_MODE;
  for (const prop of ['nodeExpireAfter', 'nodeTerminationGracePeriod'] as const) {
    if (!autoMode && options[prop] !== undefined) {
      throw new InferenceConstructsError('CapacityModePropUnsupported', {
        prop,
        problem: `${prop} applies to EKS Auto Mode pools only; managed node groups do not expire nodes`,
        received: options[prop]!.toHumanString(),
        allowed: 'undefined with managed node groups',
        fix: `remove ${prop}, or use NodeCapacityMode.AUTO_MODE`,
      });
    }
  }
  const lifetime = nodeLifetime(options);
  for (const prop of ['minNodes', 'amiType', 'diskSizeGiB'] as const) {
    if (autoMode && options[prop] !== undefined) {
      throw new InferenceConstructsError('CapacityModePropUnsupported', {
        prop,
        problem: `${prop} applies to managed node groups only; EKS Auto Mode chooses nodes, AMIs and disks itself`,
        received: options[prop],
        allowed: 'undefined in Auto Mode',
        fix: `remove ${prop}, or use NodeCapacityMode.MANAGED_NODE_GROUPS`,
      });
    }
  }
  if (!autoMode) {
    if (minDevicesPerNode !== maxDevicesPerNode) {
      throw new InferenceConstructsError('NodeGroupDeviceCountsMixed', {
        prop: 'instanceTypes',
        problem: 'a managed node group scales by node count, so its instance types must have the same number of devices',
        received: rows.map((r) => `${r.name} (${r.devicesPerNode})`),
        allowed: 'instance types with equal devices per node',
        fix: 'split the instance types into separate pools by device count',
      });
    }
    const expectedAmi = rows[0]!.eksAmiType!;
    for (const row of rows) {
      if (row.eksAmiType !== expectedAmi || (options.amiType !== undefined && options.amiType !== row.eksAmiType)) {
        throw new InferenceConstructsError('AmiTypeMismatch', {
          prop: 'amiType',
          problem: `the AMI type does not carry the drivers for ${row.name}`,
          received: options.amiType ?? expectedAmi,
          allowed: [row.eksAmiType ?? 'none'],
          fix: `set amiType to ${row.eksAmiType} (or leave it out), or move ${row.name} to its own pool`,
        });
      }
    }
    if (options.minNodes !== undefined && (!Number.isInteger(options.minNodes) || options.minNodes < 0)) {
      throw new InferenceConstructsError('MinNodesInvalid', {
        prop: 'minNodes',
        problem: 'minNodes is not a non-negative integer',
        received: options.minNodes,
        allowed: 'an integer >= 0',
        fix: 'pass a whole number of nodes',
      });
    }
    if (options.minNodes !== undefined && options.maxDevices !== undefined) {
      const maxNodes = Math.ceil(options.maxDevices / maxDevicesPerNode);
      if (options.minNodes > maxNodes) {
        throw new InferenceConstructsError('MinAboveMax', {
          prop: 'minNodes',
          problem: `minNodes is more than the ${maxNodes} nodes maxDevices (${options.maxDevices}) allows`,
          received: options.minNodes,
          allowed: `an integer from 0 to ${maxNodes}`,
          fix: 'lower minNodes or raise maxDevices',
        });
      }
    }
    if (options.diskSizeGiB !== undefined && !isPositiveInteger(options.diskSizeGiB)) {
      throw new InferenceConstructsError('NodeDiskSizeInvalid', {
        prop: 'diskSizeGiB',
        problem: 'diskSizeGiB is not a positive integer',
        received: options.diskSizeGiB,
        allowed: 'an integer number of GiB > 0',
        fix: `pass e.g. ${DEFAULT_NODE_DISK_SIZE_GIB}`,
      });
    }
  }
  return {
    poolName,
    accelerator: options.accelerator,
    rows,
    resourceName,
    taints,
    capacityType,
    minDevicesPerNode,
    maxDevicesPerNode,
    ...lifetime,
  };
}

/** A Duration as a Karpenter duration string in whole hours, minutes or seconds. */
function karpenterDuration(d: Duration): string {
  const seconds = d.toSeconds();
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * The Auto Mode node lifetime, checked against {@link AUTO_MODE_MAX_NODE_LIFETIME_HOURS}:
 * Auto Mode rejects a NodePool whose expireAfter + terminationGracePeriod exceeds 21 days.
 */
function nodeLifetime(options: AcceleratorPoolOptions): { expireAfter: string; terminationGracePeriod: string } {
  const expire = options.nodeExpireAfter ?? Duration.hours(AUTO_MODE_EXPIRE_AFTER_HOURS);
  const grace = options.nodeTerminationGracePeriod ?? Duration.hours(AUTO_MODE_TERMINATION_GRACE_PERIOD_HOURS);
  for (const [prop, d] of [['nodeExpireAfter', expire], ['nodeTerminationGracePeriod', grace]] as const) {
    if (d.isUnresolved()) {
      throw new InferenceConstructsError('TokenNotSupported', {
        prop,
        problem: `${prop} cannot be a token: it is written into the NodePool manifest and checked against the 21-day limit at synthesis`,
        received: '(unresolved token)',
        allowed: 'a literal Duration',
        fix: `pass e.g. Duration.hours(${prop === 'nodeExpireAfter' ? AUTO_MODE_EXPIRE_AFTER_HOURS : AUTO_MODE_TERMINATION_GRACE_PERIOD_HOURS})`,
      });
    }
    if (d.toSeconds() <= 0 || !Number.isInteger(d.toSeconds())) {
      throw new InferenceConstructsError('NodeDurationInvalid', {
        prop,
        problem: `${prop} is not a positive whole number of seconds`,
        received: d.toHumanString(),
        allowed: 'a positive Duration',
        fix: `pass e.g. Duration.hours(${prop === 'nodeExpireAfter' ? AUTO_MODE_EXPIRE_AFTER_HOURS : AUTO_MODE_TERMINATION_GRACE_PERIOD_HOURS})`,
      });
    }
  }
  // The 21-day rule lives in one place, shared with the cdk8s pools.
  assertAutoModeNodeLifetime(karpenterDuration(expire), karpenterDuration(grace), 'nodeExpireAfter');
  return { expireAfter: karpenterDuration(expire), terminationGracePeriod: karpenterDuration(grace) };
}

/**
 * An accelerator node pool of the EKS inference cluster.
 *
 * In Auto Mode it applies a `NodePool` manifest; with managed node groups it creates a
 * `Nodegroup`. Either way its device limit is rendered late, from the workloads deployed on the
 * cluster at synthesis.
 */
export class AcceleratorPool extends Construct {
  /** The pool name (NodePool name, value of the `inference-constructs.io/pool` label). */
  public readonly poolName: string;
  /** The accelerator the pool serves. */
  public readonly accelerator: AcceleratorClass;
  /** The extended resource the pool's nodes advertise (`aws.amazon.com/neuron`, `nvidia.com/gpu`). */
  public readonly resourceName: string;
  /** Instance types of the pool, sorted. */
  public readonly instanceTypes: string[];
  /** The taints the pool's nodes carry; workloads must tolerate them. */
  public readonly taints: Taint[];
  /** The labels every node of the pool carries; workloads select a subset of them. */
  public readonly labels: { [key: string]: string };
  /** How the pool is provided. */
  public readonly mode: NodeCapacityMode;
  /**
   * Auto Mode only: the applied `NodePool` manifest (escape hatch: its `node.defaultChild`
   * is the custom resource).
   */
  public readonly nodePoolManifest?: eks.KubernetesManifest;
  /** Managed node groups only: the node group (escape hatch for the L1 via `node.defaultChild`). */
  public readonly nodegroup?: eks.Nodegroup;
  /** Managed node groups only: nodes kept running (the group's fixed size; nothing grows it). */
  public readonly minNodes?: number;
  /** Managed node groups only: root volume of each node, GiB. */
  public readonly diskSizeGiB?: number;
  /** Accelerator devices on one node of the largest instance type of the pool. */
  public readonly devicesPerNode: number;

  private readonly spec: PoolSpec;
  private readonly explicitMaxDevices?: number;
  /** The workload manifests the pool is sized for, in the order they were added. */
  private readonly workloadManifests: { [key: string]: unknown }[] = [];

  constructor(scope: Construct, id: string, props: AcceleratorPoolProps) {
    const spec = validatePool(id, props, props.mode);
    super(scope, id);
    this.spec = spec;
    this.mode = props.mode;
    this.poolName = spec.poolName;
    this.accelerator = spec.accelerator;
    this.resourceName = spec.resourceName;
    this.instanceTypes = spec.rows.map((r) => r.name);
    this.taints = spec.taints;
    this.explicitMaxDevices = props.maxDevices;
    this.devicesPerNode = spec.maxDevicesPerNode;

    if (props.mode === NodeCapacityMode.AUTO_MODE) {
      this.labels = {
        ...commonLabels(spec.rows.map((r) => r.kubernetes.nodeSelector.eksAutoMode)),
        [KARPENTER_CAPACITY_TYPE_LABEL]: spec.capacityType,
        [KARPENTER_NODEPOOL_LABEL]: spec.poolName,
        [POOL_LABEL]: spec.poolName,
      };
      this.nodePoolManifest = new eks.KubernetesManifest(this, 'Resource', {
        cluster: props.cluster,
        manifest: [this.renderNodePool()],
        overwrite: true,
      });
    } else {
      const nodeLabels: Record<string, string> = {
        ...commonLabels(spec.rows.map((r) => r.kubernetes.nodeSelector.managedNodeGroup)),
        [POOL_LABEL]: spec.poolName,
        ...(spec.accelerator === AcceleratorClass.NVIDIA_GPU ? { [NVIDIA_GPU_PRESENT_LABEL]: 'true' } : {}),
      };
      this.labels = {
        ...nodeLabels,
        [EKS_MNG_CAPACITY_TYPE_LABEL]: spec.capacityType === PoolCapacityType.SPOT ? 'SPOT' : 'ON_DEMAND',
      };
      const minNodes = props.minNodes ?? 1;
      this.minNodes = minNodes;
      this.diskSizeGiB = props.diskSizeGiB ?? DEFAULT_NODE_DISK_SIZE_GIB;
      // Instance types are set on the L1 below rather than passed to the L2: aws-cdk-lib checks
      // the AMI type against its own list of GPU instance classes, which lacks some families in
      // the catalogue (p5, p5e, p5en); validatePool has checked every row against the catalogue.
      this.nodegroup = new eks.Nodegroup(this, 'Resource', {
        cluster: props.cluster,
        amiType: spec.rows[0]!.eksAmiType as eks.NodegroupAmiType,
        capacityType: spec.capacityType === PoolCapacityType.SPOT ? eks.CapacityType.SPOT : eks.CapacityType.ON_DEMAND,
        labels: nodeLabels,
        taints: spec.taints.map((t) => ({
          key: t.key,
          value: t.value,
          effect: TAINT_EFFECTS[t.effect],
        })),
        minSize: minNodes,
        desiredSize: minNodes,
        // Replaced below by the size rendered from the workloads.
        maxSize: Math.max(minNodes, 1),
        diskSize: this.diskSizeGiB,
      });
      const cfn = this.nodegroup.node.defaultChild as eks.CfnNodegroup;
      cfn.instanceTypes = [...this.instanceTypes];
      cfn.addPropertyOverride(
        'ScalingConfig.MaxSize',
        Lazy.number({ produce: () => Math.max(minNodes, this.maxNodes(), 1) }),
      );
    }
  }

  /**
   * Size the pool for the workloads in these Kubernetes manifests (a cdk8s chart's `toJson()`):
   * their Deployments / LeaderWorkerSets, and the KEDA ScaledObjects or HPAs whose replica
   * ceiling bounds them. The pool's limit is rendered at synthesis from every manifest added, so
   * the order of pools and workloads does not matter. `EksInferenceCluster.addInferenceWorkload`
   * adds each chart it deploys to every pool of the cluster; only the workloads that select the
   * pool's labels and request its resource count.
   */
  public addWorkloadManifests(manifests: { [key: string]: any }[]): void {
    this.workloadManifests.push(...manifests);
  }

  /**
   * Devices the workloads on this pool need at their maximum replicas plus a rollout's surge
   * (workloads whose node selector the pool's labels satisfy and that request the pool's
   * resource), in whole nodes per workload and pod shape (`devicesForPods` of
   * lib/private/node-packing.ts, the rule the cdk8s node pools use): a pod's devices all come
   * from one node (Kubernetes device plugins), so pods per node = floor(node devices / devices per
   * pod) and nodes = ceil(pods / pods per node), times the node's devices. Karpenter launches no
   * node past the NodePool's `limits` (https://karpenter.sh/v1.0/concepts/nodepools/#speclimits),
   * so the idle devices of those nodes count. Of several instance types, the one that packs a
   * workload's pods worst counts. A workload whose pods fit no instance type of the pool does not
   * count: it cannot land on the pool.
   */
  public demandedDevices(): number {
    return this.demandedDevicesAt((w) => w.maxReplicas + (w.surgeReplicas ?? 0));
  }

  /**
   * Whole-node devices the pool's workloads need at the given replicas (see
   * {@link demandedDevices}). `replicaCounts` maps a workload name (`kind/namespace/name`) to its
   * replicas; a workload it leaves out counts its maximum replicas plus its rollout surge.
   */
  public demandedDevicesFor(replicaCounts: { [workload: string]: number }): number {
    return this.demandedDevicesAt((w) => replicaCounts[w.name] ?? w.maxReplicas + (w.surgeReplicas ?? 0));
  }

  /** The instance types of the pool as the node-packing rule sees them (name, devices per node). */
  private nodeShapes(): NodeShape[] {
    return this.spec.rows.map((r) => ({ name: r.name, devices: r.devicesPerNode }));
  }

  private demandedDevicesAt(replicasOf: (w: WorkloadDemand) => number): number {
    const shapes = this.nodeShapes();
    let total = 0;
    for (const w of workloadDemandsFromManifests(this.workloadManifests)) {
      const perReplica = w.resourcesPerReplica[this.resourceName];
      if (!perReplica || !selectorMatches(w.nodeSelector, this.labels)) continue;
      // A pod larger than every node of this pool never lands here (it may on another pool its
      // selector matches; the cluster reports one that fits no pool, PodDevicesAboveNode).
      const groups = podGroupsOf(w, this.resourceName);
      if (!podsFitNodes(groups, shapes)) continue;
      // A rolling update runs its surge pods beside maxReplicas; a pool without room for them stalls the rollout.
      total += devicesForPods(w.name, replicasOf(w), groups, shapes, this.resourceName);
    }
    return total;
  }

  /**
   * The pool's device limit: `maxDevices` when given, else {@link demandedDevices} (whole nodes
   * per workload), at least one node of the largest instance type.
   */
  public maxDevices(): number {
    if (this.explicitMaxDevices !== undefined) return this.explicitMaxDevices;
    return Math.max(this.demandedDevices(), this.spec.maxDevicesPerNode);
  }

  /** Nodes the pool may grow to: `ceil(maxDevices / devicesPerNode)` of the largest type. */
  public maxNodes(): number {
    return Math.ceil(this.maxDevices() / this.spec.maxDevicesPerNode);
  }

  /**
   * The pool as the placement check sees it, with the devices per node of its instance types.
   *
   * With those the check counts whole nodes: a pod's devices all come from one node, and
   * Karpenter launches no node past the NodePool's `limits`.
   */
  public capacity(): PoolCapacity {
    return {
      name: this.poolName,
      labels: this.labels,
      taints: this.taints,
      limits: { [this.resourceName]: this.maxDevices() },
      nodeTypes: this.nodeShapes().map((n) => ({ instanceType: n.name, devices: { [this.resourceName]: n.devices } })),
    };
  }

  /**
   * The Auto Mode `NodePool` (karpenter.sh/v1). Its `limits` are rendered late (at synthesis).
   *
   * Disruption: `WhenEmpty` consolidation never removes a node that still runs a pod, so a
   * model server is never evicted mid-stream to pack nodes tighter; empty nodes go after
   * {@link AUTO_MODE_CONSOLIDATE_AFTER}. Expiry and drift still replace nodes (at most
   * {@link AUTO_MODE_DISRUPTION_BUDGET} at once), draining them gracefully for up to
   * {@link AUTO_MODE_TERMINATION_GRACE_PERIOD}; pods annotated `karpenter.sh/do-not-disrupt`
   * block voluntary disruption of their node until they finish.
   */
  public renderNodePool(): Record<string, unknown> {
    const spec = this.spec;
    const selectorRequirements = Object.entries(
      commonLabels(spec.rows.map((r) => r.kubernetes.nodeSelector.eksAutoMode)),
    ).map(([key, value]) => ({ key, operator: 'In', values: [value] }));
    return {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: {
        name: spec.poolName,
        labels: { 'app.kubernetes.io/managed-by': 'inference-constructs' },
      },
      spec: {
        template: {
          metadata: { labels: { [POOL_LABEL]: spec.poolName } },
          spec: {
            nodeClassRef: { group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' },
            requirements: [
              { key: 'node.kubernetes.io/instance-type', operator: 'In', values: spec.rows.map((r) => r.name) },
              ...selectorRequirements,
              { key: KARPENTER_CAPACITY_TYPE_LABEL, operator: 'In', values: [spec.capacityType] },
            ],
            taints: spec.taints.map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect })),
            expireAfter: spec.expireAfter,
            terminationGracePeriod: spec.terminationGracePeriod,
          },
        },
        disruption: {
          consolidationPolicy: 'WhenEmpty',
          consolidateAfter: AUTO_MODE_CONSOLIDATE_AFTER,
          budgets: [{ nodes: AUTO_MODE_DISRUPTION_BUDGET }],
        },
        limits: Lazy.any({ produce: () => ({ [spec.resourceName]: this.maxDevices() }) }),
      },
    };
  }
}

const TAINT_EFFECTS: Record<Taint['effect'], eks.TaintEffect> = {
  NoSchedule: eks.TaintEffect.NO_SCHEDULE,
  PreferNoSchedule: eks.TaintEffect.PREFER_NO_SCHEDULE,
  NoExecute: eks.TaintEffect.NO_EXECUTE,
};
