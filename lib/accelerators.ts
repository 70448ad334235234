/**
 * Accelerator catalogue: one table of every instance / machine type the library plans for.
 *
 * CONTRACT (implementation pending): the shapes below are fixed; the data and look-ups are
 * filled in by the catalogue work.
 */

/** The three accelerator classes the library serves. */
export type AcceleratorClass = 'inferentia2' | 'nvidia-gpu' | 'tpu';

/** A single accelerator chip / GPU model. */
export type DeviceKind =
  | 'inferentia2'
  | 'nvidia-a10g'
  | 'nvidia-l4'
  | 'nvidia-l40s'
  | 'nvidia-a100-40gb'
  | 'nvidia-a100-80gb'
  | 'nvidia-h100'
  | 'nvidia-h200'
  | 'tpu-v5e'
  | 'tpu-v6e'
  | 'tpu-v5p';

/** A Kubernetes taint, as both Karpenter and EKS managed node groups spell it. */
export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** A Karpenter NodePool requirement (karpenter.sh/v1). */
export interface NodeRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  readonly values?: readonly string[];
}

/** Facts about one accelerator device model. */
export interface DeviceSpec {
  readonly kind: DeviceKind;
  readonly acceleratorClass: AcceleratorClass;
  /** Human name, e.g. "NVIDIA A10G", "AWS Inferentia2", "TPU v5e". */
  readonly displayName: string;
  /** High-bandwidth memory per device, GiB. */
  readonly memoryGiB: number;
  /** Peak memory bandwidth per device, GB/s (10^9 bytes). */
  readonly memoryBandwidthGBps: number;
  /** NeuronCores per device (Inferentia2 only: 2). */
  readonly neuronCoresPerDevice?: number;
  /** Source of the figures (URL). */
  readonly source: string;
}

/** On-demand reference price; always overridable by the caller. */
export interface ReferencePrice {
  readonly usdPerHour: number;
  /** The region the price was read for, e.g. us-east-1 / us-central1. */
  readonly region: string;
  /** ISO date the price was read. */
  readonly asOf: string;
  /** URL of the price page. */
  readonly source: string;
}

/** Scheduling facts for Kubernetes: what a pod requests and selects, what the node carries. */
export interface KubernetesSchedulingSpec {
  /** Extended resource the pod requests (requests = limits): aws.amazon.com/neuron, nvidia.com/gpu, google.com/tpu. */
  readonly resourceName: 'aws.amazon.com/neuron' | 'nvidia.com/gpu' | 'google.com/tpu';
  /** Node labels a workload selects on (nodeSelector), per platform flavour. */
  readonly nodeSelector: {
    /** Self-managed Karpenter on EKS (karpenter.k8s.aws/* keys). */
    readonly karpenter?: Readonly<Record<string, string>>;
    /** EKS Auto Mode (eks.amazonaws.com/* keys). */
    readonly eksAutoMode?: Readonly<Record<string, string>>;
    /** EKS managed node groups (labels the library puts on the group). */
    readonly managedNodeGroup?: Readonly<Record<string, string>>;
    /** GKE (cloud.google.com/* keys; TPU topology added per slice). */
    readonly gke?: Readonly<Record<string, string>>;
  };
  /** Taints the library puts on (or the platform puts on) such nodes; workloads tolerate them. */
  readonly taints: readonly Taint[];
  /** Karpenter NodePool requirements selecting this instance family / device. */
  readonly karpenterRequirements?: readonly NodeRequirement[];
}

/** One row of the catalogue: an EC2 instance type or a GKE machine type. */
export interface InstanceTypeSpec {
  /** EC2 instance type (inf2.xlarge, g5.12xlarge) or GKE machine type (ct5lp-hightpu-4t). */
  readonly name: string;
  readonly cloud: 'aws' | 'gcp';
  /** Instance family: inf2, g5, g6, g6e, p4d, p4de, p5, p5e, p5en, ct5lp, ct6e, ct5p. */
  readonly family: string;
  readonly acceleratorClass: AcceleratorClass;
  readonly device: DeviceSpec;
  /** Devices (chips / GPUs) per node or TPU host. */
  readonly devicesPerNode: number;
  /** NeuronCores per node (Inferentia2 only). */
  readonly neuronCoresPerNode?: number;
  readonly vcpu: number;
  readonly hostMemoryGiB: number;
  readonly kubernetes: KubernetesSchedulingSpec;
  /** EKS managed node group AMI type (aws only). */
  readonly eksAmiType?: 'AL2023_x86_64_NEURON' | 'AL2023_x86_64_NVIDIA';
  /** SageMaker hosting instance type, where SageMaker offers it (ml.inf2.xlarge ...). */
  readonly sagemakerInstanceType?: string;
  /** TPU only: the GKE accelerator label value (tpu-v5-lite-podslice ...). */
  readonly tpuAccelerator?: TpuAccelerator;
  readonly price: ReferencePrice;
}

/** GKE TPU accelerator label values (cloud.google.com/gke-tpu-accelerator). */
export type TpuAccelerator = 'tpu-v5-lite-podslice' | 'tpu-v6e-slice' | 'tpu-v5p-slice';

/** A valid TPU slice shape: accelerator + topology, with the machine type and hosts it needs. */
export interface TpuSliceSpec {
  readonly accelerator: TpuAccelerator;
  /** e.g. "2x4", "2x2x1". */
  readonly topology: string;
  readonly machineType: string;
  readonly chips: number;
  readonly chipsPerHost: number;
  readonly hosts: number;
}

/** Every catalogue row, sorted by name. */
export declare const INSTANCE_TYPES: readonly InstanceTypeSpec[];
/** Every valid TPU slice shape. */
export declare const TPU_SLICES: readonly TpuSliceSpec[];
/** Look up a row by EC2 / GKE name or by SageMaker `ml.` name; throws InstanceTypeUnknown. */
export declare function instanceType(name: string): InstanceTypeSpec;
/** Same as instanceType(), but the row must be offered by SageMaker; throws InstanceTypeNotOnSageMaker. */
export declare function sagemakerInstanceType(name: string): InstanceTypeSpec;
/** Look up a TPU slice; throws TpuAcceleratorUnknown / TpuTopologyInvalid. */
export declare function tpuSlice(accelerator: string, topology: string): TpuSliceSpec;
