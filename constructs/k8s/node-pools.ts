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
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import {
  DEFAULT_NODE_TERMINATION_GRACE_PERIOD,
  InferenceConstructsError,
  InstanceTypeSpec,
  KARPENTER_CAPACITY_TYPE_LABEL,
  KARPENTER_NODEPOOL_LABEL,
  NODE_POOL_DEFAULTS,
  NODE_POOL_NAME_LABEL,
  assertAutoModeNodeLifetime,
  durationHours,
  NodeRequirement,
  PoolCapacity,
  Taint,
  instanceType,
  nodesForReplicas,
} from '../../lib/index.js';
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
import type { ModelDeployment } from './model-deployment.js';

export {
  AUTO_MODE_MAX_NODE_LIFETIME_HOURS,
  DEFAULT_NODE_TERMINATION_GRACE_PERIOD,
  KARPENTER_CAPACITY_TYPE_LABEL,
  KARPENTER_NODEPOOL_LABEL,
} from '../../lib/node-pool-defaults.js';

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

/** One workload at its maximum scale, for pool limits. */
export interface WorkloadAtScale {
  readonly workload: ModelDeployment;
  readonly maxReplicas: number;
}

/** Karpenter capacity type. */
export type CapacityType = 'on-demand' | 'spot' | 'reserved';

/** Properties of {@link AcceleratorNodePool}. */
export interface AcceleratorNodePoolProps {
  /** `karpenter` (NodePool + EC2NodeClass) or `eks-auto-mode` (NodePool on the built-in NodeClass). */
  readonly mode: 'karpenter' | 'eks-auto-mode';
  /** Catalogue instance types the pool may launch (one accelerator kind), e.g. `['inf2.xlarge']`. */
  readonly instanceTypes: readonly string[];
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
  readonly capacityTypes?: readonly CapacityType[];
  /**
   * Pool-wide limit on the accelerator resource (chips / GPUs). Give this or `sizedFor`.
   * @default - the sum over `sizedFor` of maxReplicas x devices per replica
   */
  readonly maxDevices?: number;
  /** Workloads at their maximum scale; sizes the limit and the root volume. @default - none */
  readonly sizedFor?: readonly WorkloadAtScale[];
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
   * @default - image space plus the weights cache of the largest workload per node, at least 200
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

function invalid(prop: string, problem: string, received: unknown, allowed: string | readonly (string | number)[], fix: string): never {
  throw new InferenceConstructsError('PropInvalid', { prop, problem, received, allowed, fix });
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

/**
 * Devices the workloads need at their maximum scale plus a rollout's surge, in whole nodes: the nodes their replicas
 * occupy (`nodesForReplicas`: several replicas per node, or several nodes per replica for a
 * pipelined or multi-host group) times the devices of a node. Karpenter launches a node only
 * when all its devices fit under the pool's limit ("If the NodePool's limits have been
 * exceeded, Karpenter will not launch new nodes"), so a limit below a whole node strands a
 * replica in Pending.
 * @see https://karpenter.sh/v1.0/concepts/nodepools/#speclimits
 */
export function devicesAtScale(workloads: readonly WorkloadAtScale[]): number {
  // A Deployment rolls out with maxSurge 1 (ModelDeployment's strategy): one more replica at
  // the maximum. A LeaderWorkerSet's default rollout replaces groups without surge (maxSurge 0).
  // @see https://lws.sigs.k8s.io/docs/reference/leaderworkerset.v1/
  const surge = (w: WorkloadAtScale): number => (w.workload.podsPerReplica === 1 ? 1 : 0);
  return workloads.reduce((sum, w) => sum + nodesForReplicas(w.workload.plan, w.maxReplicas + surge(w)) * w.workload.plan.instance.devicesPerNode, 0);
}

/**
 * A Karpenter / EKS Auto Mode NodePool for one accelerator kind, with its EC2NodeClass in
 * Karpenter mode.
 *
 * - requirements: the catalogue's instance family / GPU name / instance types, plus the
 *   capacity types (spot and on-demand when both are given: Karpenter prefers spot)
 * - taints: the catalogue's (`aws.amazon.com/neuron=true:NoSchedule`, `nvidia.com/gpu:NoSchedule`)
 * - limits: the accelerator resource, sized from the workloads' maximum replicas
 * - disruption: `WhenEmpty` after `consolidateAfter`, at most one node at a time; running
 *   servers are never consolidated away mid-generation, and empty nodes are returned
 * - EC2NodeClass: pinned AL2023 alias, encrypted gp3 root volume sized for image + weights,
 *   IMDSv2 required with hop limit 1
 */
export class AcceleratorNodePool extends Construct implements IAcceleratorPool, IDevicePluginConsumer {
  /** The NodePool: escape hatch for patches. */
  public readonly nodePool: NodePool;
  /** The EC2NodeClass (karpenter mode only). */
  public readonly nodeClass?: Ec2NodeClass;
  /** Kubernetes name of the pool. */
  public readonly name: string;
  /** The accelerator resource the pool limits. */
  public readonly resourceName: string;
  /** The pool's limit on that resource. */
  public readonly maxDevices: number;
  /** Labels every node carries that workloads may select on. */
  public readonly labels: Readonly<Record<string, string>>;
  /** Taints every node carries. */
  public readonly taints: readonly Taint[];
  /** The chart's device plugin for this pool's accelerator (karpenter mode, unless opted out). */
  public readonly devicePlugin?: AcceleratorDevicePlugin;
  private readonly devicePluginOptOut: boolean;

  constructor(scope: Construct, id: string, props: AcceleratorNodePoolProps) {
    super(scope, id);
    if (props.instanceTypes.length === 0) {
      invalid('instanceTypes', 'a pool needs at least one instance type', props.instanceTypes, 'catalogue names such as inf2.xlarge', 'list the instance types the pool may launch');
    }
    const rows = props.instanceTypes.map((n) => instanceType(n));
    const first = rows[0]!;
    for (const row of rows) {
      if (row.cloud !== 'aws') {
        invalid('instanceTypes', 'Karpenter and EKS Auto Mode pools launch EC2 instances only', row.name, 'EC2 instance types', 'use GkeAcceleratorComputeClass for GKE machine types');
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
      invalid('name', 'not a valid Kubernetes name', this.name, 'a DNS-1123 label', 'pass a lower-case name');
    }
    this.resourceName = first.kubernetes.resourceName;
    const capacityTypes = [...new Set(props.capacityTypes ?? ['on-demand'])].sort();
    if (capacityTypes.length === 0) {
      invalid('capacityTypes', 'at least one capacity type is needed', props.capacityTypes, ['on-demand', 'spot', 'reserved'], 'pass e.g. ["spot", "on-demand"]');
    }

    const sized = props.sizedFor ?? [];
    for (const w of sized) {
      if (w.workload.plan.instance.kubernetes.resourceName !== this.resourceName) {
        throw new InferenceConstructsError('AcceleratorMismatch', {
          prop: 'sizedFor',
          problem: `workload ${w.workload.name} requests ${w.workload.plan.instance.kubernetes.resourceName}, this pool offers ${this.resourceName}`,
          received: w.workload.name,
          allowed: `workloads on ${first.device.displayName}`,
          fix: 'size each pool for the workloads that run on it',
        });
      }
      if (!Number.isInteger(w.maxReplicas) || w.maxReplicas < 1) {
        throw new InferenceConstructsError('ReplicasInvalid', {
          prop: 'sizedFor.maxReplicas',
          problem: 'maxReplicas must be a positive integer',
          received: w.maxReplicas,
          allowed: 'an integer >= 1',
          fix: 'pass the policy maxReplicas',
        });
      }
    }
    const maxDevices = props.maxDevices ?? (sized.length ? devicesAtScale(sized) : undefined);
    if (maxDevices === undefined || !Number.isInteger(maxDevices) || maxDevices < 1) {
      invalid(
        'maxDevices',
        'an accelerator pool needs a limit, or a burst of pending pods could launch nodes without bound',
        maxDevices,
        'a positive integer, or sizedFor workloads',
        'pass maxDevices or sizedFor: [{ workload, maxReplicas }]',
      );
    }
    this.maxDevices = maxDevices;
    const largestNode = Math.max(...rows.map((r) => r.devicesPerNode));
    if (maxDevices < largestNode && props.maxDevices !== undefined) {
      invalid('maxDevices', `the limit is below one node's ${largestNode} devices, so no node could launch`, maxDevices, `at least ${largestNode}`, 'raise maxDevices or pick smaller instance types');
    }

    const autoMode = props.mode === 'eks-auto-mode';
    const expireAfter = props.expireAfter ?? NODE_POOL_DEFAULTS.expireAfter;
    const nodeGrace = props.terminationGracePeriod ?? NODE_POOL_DEFAULTS.terminationGracePeriod;
    for (const [prop, value] of [['expireAfter', expireAfter], ['terminationGracePeriod', nodeGrace]] as const) {
      if (durationHours(value) === undefined && !(prop === 'expireAfter' && value === 'Never' && !autoMode)) {
        invalid(prop, 'not a Karpenter duration', value, 'hours, minutes and seconds such as 336h or 1h30m (expireAfter also Never, outside Auto Mode)', `use e.g. ${prop === 'expireAfter' ? DEFAULT_EXPIRE_AFTER : DEFAULT_NODE_TERMINATION_GRACE_PERIOD}`);
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

    let nodeClassRef: { group: string; kind: string; name: string };
    if (autoMode) {
      nodeClassRef = { ...EKS_AUTO_MODE_NODE_CLASS };
      if (props.nodeRoleName || props.amiAlias || props.rootVolumeSizeGiB || props.kmsKeyId) {
        invalid(
          'mode',
          'EKS Auto Mode pools use the built-in NodeClass: node role, AMI and volumes are managed by EKS',
          { nodeRoleName: props.nodeRoleName, amiAlias: props.amiAlias, rootVolumeSizeGiB: props.rootVolumeSizeGiB, kmsKeyId: props.kmsKeyId },
          'none of nodeRoleName, amiAlias, rootVolumeSizeGiB, kmsKeyId',
          'drop those props, or use mode "karpenter"',
        );
      }
    } else {
      if (!props.nodeRoleName) invalid('nodeRoleName', 'Karpenter needs the IAM role its nodes run with', undefined, 'an IAM role name', 'pass the Karpenter node role name');
      if (!props.clusterName) invalid('clusterName', 'subnets and security groups are discovered by the cluster tag', undefined, 'the EKS cluster name', 'pass clusterName');
      const alias = props.amiAlias ?? DEFAULT_AL2023_AMI_ALIAS;
      if (!/^(al2023|bottlerocket)@v\d[\w.]*$/.test(alias)) {
        invalid('amiAlias', 'the AMI alias must be pinned to a release', alias, 'al2023@vYYYYMMDD or bottlerocket@vX.Y.Z', `use e.g. ${DEFAULT_AL2023_AMI_ALIAS}`);
      }
      const hopLimit = props.metadataHopLimit ?? DEFAULT_IMDS_HOP_LIMIT;
      if (hopLimit !== 1 && hopLimit !== 2) invalid('metadataHopLimit', 'IMDS hop limit out of range', hopLimit, [1, 2], 'use 1 (pods cannot reach IMDS) or 2');
      // The pods' ephemeral storage (model cache, scratch) lives on the root volume, next to
      // the images: the volume holds every pod a node runs plus the image space.
      const podsGiB = Math.max(0, ...sized.map((w) => w.workload.ephemeralStorageGiB * w.workload.plan.replicasPerNode));
      const neededGiB = podsGiB + NODE_IMAGE_SPACE_GIB;
      const rootGiB = props.rootVolumeSizeGiB ?? Math.max(MIN_ROOT_VOLUME_GIB, Math.ceil(neededGiB / 50) * 50);
      if (!Number.isInteger(rootGiB) || rootGiB < 20 || rootGiB > 16384) {
        invalid('rootVolumeSizeGiB', 'gp3 volume size out of range', rootGiB, 'an integer from 20 to 16384', 'pass a size in GiB');
      }
      if (rootGiB < neededGiB) {
        const largest = sized.reduce((a, w) => (w.workload.ephemeralStorageGiB > a.workload.ephemeralStorageGiB ? w : a));
        throw new InferenceConstructsError('NodeDiskTooSmall', {
          prop: 'rootVolumeSizeGiB',
          problem:
            `the root volume holds the pods' ephemeral storage and the images: workload ${largest.workload.name} requests ` +
            `${largest.workload.ephemeralStorageGiB} GiB per pod (${podsGiB} GiB per node) plus ${NODE_IMAGE_SPACE_GIB} GiB for images, ` +
            'so its pods would never schedule (or be evicted)',
          received: rootGiB,
          allowed: `at least ${neededGiB} GiB`,
          fix: `raise rootVolumeSizeGiB to ${Math.ceil(neededGiB / 50) * 50} or leave it unset, or give the workload a modelCacheClaimName`,
        });
      }
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
                volumeSize: `${rootGiB}Gi`,
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
        limits: { [this.resourceName]: NodePoolSpecLimits.fromNumber(maxDevices) },
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
  }

  /** The pool as its device plugin sees it; undefined in Auto Mode or when opted out (`devicePlugin: false`). */
  public devicePluginPool(): DevicePluginPool | undefined {
    if (this.nodeClass === undefined || this.devicePluginOptOut) return undefined;
    return { name: this.name, resourceName: this.resourceName, taints: [...this.taints], labels: { ...this.labels } };
  }

  /** The pool as the placement check sees it: single-valued requirements as labels, taints, limit. */
  public toPoolCapacity(): PoolCapacity {
    return {
      name: this.name,
      labels: { ...this.labels, [NODE_POOL_NAME_LABEL]: this.name },
      taints: this.taints,
      limits: { [this.resourceName]: this.maxDevices },
    };
  }
}
