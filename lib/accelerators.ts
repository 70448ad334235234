/**
 * Accelerator catalogue: one table of every instance / machine type the library plans for.
 *
 * Every row carries the facts the planner needs (devices, memory, bandwidth), the facts the
 * renderers need (extended resource, node selectors, taints, AMI type, SageMaker name) and a
 * reference on-demand price. Figures are cited next to the data; `test/lib/accelerators.test.ts`
 * checks every row for internal consistency.
 */
import { InferenceConstructsError } from './errors.js';
import { Precision } from './models.js';


/**
 * The three accelerator classes the library serves: the software stack and the scheduling a
 * device needs (device plugin, extended resource, taint, AMI, model servers).
 *
 * `inferentia2` is the AWS Neuron class: Inferentia2 and Trainium2 share the Neuron SDK and
 * runtime, the Neuron device plugin and its `aws.amazon.com/neuron` / `aws.amazon.com/neuroncore`
 * resources, the `AL2023_x86_64_NEURON` AMI and the Neuron model servers (NxD Inference under
 * vLLM / DJL LMI), so Trainium2 rows carry this class and differ by device (`trainium2`) and
 * architecture. The value keeps its name so existing pools, plans and labels stay valid.
 * @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/containers/kubernetes-getting-started.html
 */
export enum AcceleratorClass {
  INFERENTIA2 = 'inferentia2',
  NVIDIA_GPU = 'nvidia-gpu',
  TPU = 'tpu',
}

/** The AWS Neuron accelerator class (Inferentia2 and Trainium2); see {@link AcceleratorClass}. */
export const NEURON_ACCELERATOR_CLASS: AcceleratorClass = AcceleratorClass.INFERENTIA2;

/** A single accelerator chip / GPU model. */
export enum DeviceKind {
  INFERENTIA2 = 'inferentia2',
  NVIDIA_A10G = 'nvidia-a10g',
  NVIDIA_L4 = 'nvidia-l4',
  NVIDIA_L40S = 'nvidia-l40s',
  NVIDIA_A100_40GB = 'nvidia-a100-40gb',
  NVIDIA_A100_80GB = 'nvidia-a100-80gb',
  NVIDIA_H100 = 'nvidia-h100',
  NVIDIA_H200 = 'nvidia-h200',
  NVIDIA_B200 = 'nvidia-b200',
  NVIDIA_B300 = 'nvidia-b300',
  NVIDIA_RTX_PRO_6000 = 'nvidia-rtx-pro-6000',
  TRAINIUM2 = 'trainium2',
  TPU_V5E = 'tpu-v5e',
  TPU_V6E = 'tpu-v6e',
  TPU_V5P = 'tpu-v5p',
  TPU7X = 'tpu7x',
}

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
  /** Values the label is compared with. @default - none (`Exists` / `DoesNotExist`) */
  readonly values?: string[];
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
  /**
   * NeuronCores the Neuron runtime exposes per device at the default logical NeuronCore
   * configuration (Neuron devices only): Inferentia2 2; Trainium2 4 (8 physical NeuronCore-v3
   * grouped in pairs at LNC=2). Tensor-parallel ranks and `aws.amazon.com/neuroncore` count these.
   */
  readonly neuronCoresPerDevice?: number;
  /** Physical NeuronCores per device (Trainium2: 8 NeuronCore-v3). @default neuronCoresPerDevice */
  readonly physicalNeuronCoresPerDevice?: number;
  /**
   * Default logical NeuronCore configuration (LNC): physical cores per logical core the runtime
   * exposes (`NEURON_LOGICAL_NC_CONFIG`, compiler `--lnc`). Trainium2: 2; LNC does not apply to Inferentia2.
   * @default 1
   */
  readonly logicalNeuronCoreConfig?: number;
  /**
   * Memory a serving process can actually allocate, GiB (below the marketed figure: e.g. the
   * A10G's 24 GB shows as 22.49 GiB in nvidia-smi). Cite the source next to the row.
   * @default memoryGiB
   */
  readonly usableMemoryGiB?: number;
  /** Dense (non-sparse) peak TFLOPS per precision from the vendor's datasheet. */
  readonly peakDenseTflops?: PeakTflops;
  /** Device generation; the precision support matrix is keyed on it. */
  readonly architecture?: DeviceArchitecture;
  /** Source of the figures (URL). */
  readonly source: string;
}

/** Dense peak TFLOPS per number format (no structured sparsity). Unset: the device has no native unit for it. */
export interface PeakTflops {
  readonly bf16?: number;
  readonly fp16?: number;
  readonly fp8?: number;
  readonly int8?: number;
  readonly fp4?: number;
}

/** Device generations, for the precision support matrix. */
export enum DeviceArchitecture {
  AMPERE = 'ampere',
  ADA = 'ada',
  HOPPER = 'hopper',
  BLACKWELL = 'blackwell',
  INFERENTIA2 = 'inferentia2',
  TRAINIUM2 = 'trainium2',
  TPU_V5E = 'tpu-v5e',
  TPU_V5P = 'tpu-v5p',
  TPU_V6E = 'tpu-v6e',
  TPU7X = 'tpu7x',
}

/**
 * Number formats each device generation computes natively (has a tensor / matrix unit for),
 * the support matrix's hardware column. A format outside the list can still be served where a
 * server dequantizes weights on the fly (weight-only), which the server profile decides.
 * - ampere: BF16/FP16/INT8 tensor cores, no FP8 (needs SM 8.9) and no FP4.
 * - ada, hopper: adds FP8 (SM 8.9 / 9.0).
 * - blackwell: adds FP4 (NVFP4 / MXFP4; SM 10.0 B200/B300, SM 12.0 RTX PRO 6000).
 * - inferentia2: "190 FP16/BF16/cFP8/TF32 TFLOPS, 380 INT8 TOPS" (Inferentia2 architecture page).
 * - trainium2: cFP8, FP16, BF16 (NeuronCore-v3 tensor engine); no INT8 figure.
 * - tpu-v5e, tpu-v6e, tpu-v5p: BF16 and INT8 MXU; TPU7x: BF16 and FP8 (TPU7x page).
 * @see https://docs.vllm.ai/en/latest/features/quantization/fp8.html (FP8 W8A8 needs SM >= 8.9)
 */
export const NATIVE_PRECISIONS: { [architecture: string]: Precision[] } = {
  ampere: [Precision.BF16, Precision.FP16, Precision.INT8],
  ada: [Precision.BF16, Precision.FP16, Precision.FP8, Precision.INT8],
  hopper: [Precision.BF16, Precision.FP16, Precision.FP8, Precision.INT8],
  blackwell: [Precision.BF16, Precision.FP16, Precision.FP8, Precision.INT8, Precision.FP4],
  inferentia2: [Precision.BF16, Precision.FP16, Precision.FP8, Precision.INT8],
  trainium2: [Precision.BF16, Precision.FP16, Precision.FP8],
  'tpu-v5e': [Precision.BF16, Precision.INT8],
  'tpu-v5p': [Precision.BF16, Precision.INT8],
  'tpu-v6e': [Precision.BF16, Precision.INT8],
  tpu7x: [Precision.BF16, Precision.FP8],
};

/** Look-ups of what a device computes natively (for the planner's and servers' support matrix). */
export class DeviceSupport {
  /** The number formats a device generation computes natively; empty for an unknown generation. */
  public static nativePrecisions(architecture: DeviceArchitecture): Precision[] {
    return [...(NATIVE_PRECISIONS[architecture] ?? [])];
  }

  /** True when the device has a native unit for `precision` (false for a device without a generation). */
  public static runsNatively(device: DeviceSpec, precision: Precision): boolean {
    return device.architecture !== undefined && DeviceSupport.nativePrecisions(device.architecture).includes(precision);
  }

  private constructor() {}
}

/** How the devices of one node talk to each other (tensor-parallel efficiency is keyed on it). */
export enum Interconnect {
  NONE = 'none',
  PCIE = 'pcie',
  NVLINK = 'nvlink',
  NEURONLINK = 'neuronlink',
  ICI = 'ici',
}

/**
 * On-demand reference price; always overridable by the caller.
 *
 * A row whose vendor publishes no list price (TPU7x: "To get access to TPU7x, contact your
 * account team") carries `published: false` and `usdPerHour: NaN`
 * ({@link UNPUBLISHED_USD_PER_HOUR}): there is no figure to compute with, and
 * {@link Pricing.perNodeHourUsd} refuses to plan such a row without the caller's
 * `pricePerNodeHourUsd` (error `PriceUnknown`).
 */
export interface ReferencePrice {
  /** USD per node (or TPU host) hour; NaN when `published` is false. */
  readonly usdPerHour: number;
  /**
   * False when the catalogue holds no on-demand list price for the row: the vendor publishes
   * none (TPU7x), or none could be confirmed from the vendor's price pages (p6-b300.48xlarge);
   * `source` is then the page that was checked and `asOf` the date it was read.
   * @default true
   */
  readonly published?: boolean;
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
  readonly nodeSelector: PlatformNodeSelectors;
  /** Taints the library puts on (or the platform puts on) such nodes; workloads tolerate them. */
  readonly taints: Taint[];
  /** Karpenter NodePool requirements selecting this instance family / device. */
  readonly karpenterRequirements?: NodeRequirement[];
}

/** The node labels a workload selects on, per platform flavour (a row's `kubernetes.nodeSelector`). */
export interface PlatformNodeSelectors {
  /** Self-managed Karpenter on EKS (karpenter.k8s.aws/* keys). @default - the row is not scheduled through Karpenter */
  readonly karpenter?: { [key: string]: string };
  /** EKS Auto Mode (eks.amazonaws.com/* keys). @default - the row is not offered by EKS Auto Mode */
  readonly eksAutoMode?: { [key: string]: string };
  /** EKS managed node groups (labels the library puts on the group). @default - the row is not served by managed node groups */
  readonly managedNodeGroup?: { [key: string]: string };
  /** GKE (cloud.google.com/* keys; TPU topology added per slice). @default - the row is not a GKE machine type */
  readonly gke?: { [key: string]: string };
}

/** One row of the catalogue: an EC2 instance type or a GKE machine type. */
export interface InstanceTypeSpec {
  /** EC2 instance type (inf2.xlarge, g5.12xlarge) or GKE machine type (ct5lp-hightpu-4t). */
  readonly name: string;
  readonly cloud: 'aws' | 'gcp';
  /** Instance family: inf2, g5, g6, g6e, p4d, p4de, p5, p5e, p5en, ct5lp, ct6e, ct5p, g2, a3. */
  readonly family: string;
  readonly acceleratorClass: AcceleratorClass;
  readonly device: DeviceSpec;
  /** Devices (chips / GPUs) per node or TPU host. */
  readonly devicesPerNode: number;
  /** NeuronCores per node (Inferentia2 only). */
  readonly neuronCoresPerNode?: number;
  readonly vcpu: number;
  readonly hostMemoryGiB: number;
  /**
   * Accelerator memory of the whole node as the vendor's instance page states it, GiB
   * (devicesPerNode x device.memoryGiB; the catalogue test checks the two agree).
   */
  readonly acceleratorMemoryGiB?: number;
  readonly kubernetes: KubernetesSchedulingSpec;
  /** EKS managed node group AMI type (aws only). */
  readonly eksAmiType?: 'AL2023_x86_64_NEURON' | 'AL2023_x86_64_NVIDIA';
  /** SageMaker hosting instance type, where SageMaker offers it (ml.inf2.xlarge ...). */
  readonly sagemakerInstanceType?: string;
  /** SageMaker real-time hosting price of the `ml.` instance, where offered (differs from the EC2 rate). */
  readonly sagemakerPrice?: ReferencePrice;
  /** Device-to-device link inside the node. @default 'none' for one device, else per family */
  readonly interconnect?: Interconnect;
  /** TPU only: the GKE accelerator label value (tpu-v5-lite-podslice ...). */
  readonly tpuAccelerator?: TpuAccelerator;
  readonly price: ReferencePrice;
}

/** GKE TPU accelerator label values (cloud.google.com/gke-tpu-accelerator). */
export enum TpuAccelerator {
  TPU_V5_LITE_PODSLICE = 'tpu-v5-lite-podslice',
  TPU_V6E_SLICE = 'tpu-v6e-slice',
  TPU_V5P_SLICE = 'tpu-v5p-slice',
  TPU7X = 'tpu7x',
}

/** A valid TPU slice shape: accelerator + topology, with the machine type and hosts it needs. */
export interface TpuSliceSpec {
  readonly accelerator: TpuAccelerator;
  /** e.g. "2x4", "2x2x1". */
  readonly topology: string;
  readonly machineType: string;
  readonly chips: number;
  readonly chipsPerHost: number;
  /** GKE nodes (TPU VMs) the slice spans: chips / chipsPerHost. One pod per host serves it. */
  readonly hosts: number;
  /**
   * True when a multi-host node pool of this slice is placed by a workload policy applied with
   * `--placement-policy` (its `--accelerator-topology` is the slice topology) instead of
   * `--tpu-topology` (TPU7x). @see https://docs.cloud.google.com/kubernetes-engine/docs/concepts/tpu-ironwood
   * @default false
   */
  readonly requiresWorkloadPolicy?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes keys
// ---------------------------------------------------------------------------------------------

/** Extended resource for Inferentia2 chips (Neuron device plugin). @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/containers/kubernetes-getting-started.html */
export const NEURON_RESOURCE = 'aws.amazon.com/neuron';
/** Extended resource for NVIDIA GPUs (NVIDIA device plugin). @see https://github.com/NVIDIA/k8s-device-plugin */
export const NVIDIA_GPU_RESOURCE = 'nvidia.com/gpu';
/** Extended resource for TPU chips on GKE. @see https://cloud.google.com/kubernetes-engine/docs/how-to/tpus */
export const TPU_RESOURCE = 'google.com/tpu';

/** Karpenter well-known label: instance family. @see https://karpenter.sh/docs/reference/instance-types/ */
export const KARPENTER_INSTANCE_FAMILY_LABEL = 'karpenter.k8s.aws/instance-family';
/** Karpenter well-known label: GPU name (a10g, l4, l40s, a100, h100, h200). @see https://karpenter.sh/docs/reference/instance-types/ */
export const KARPENTER_GPU_NAME_LABEL = 'karpenter.k8s.aws/instance-gpu-name';
/** Kubernetes well-known label set by the cloud provider on every node. @see https://kubernetes.io/docs/reference/labels-annotations-taints/#nodekubernetesioinstance-type */
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';
/** EKS Auto Mode label: instance family. @see https://docs.aws.amazon.com/eks/latest/userguide/create-node-pool.html */
export const EKS_AUTO_INSTANCE_FAMILY_LABEL = 'eks.amazonaws.com/instance-family';
/** EKS Auto Mode label: GPU name. @see https://docs.aws.amazon.com/eks/latest/userguide/create-node-pool.html */
export const EKS_AUTO_GPU_NAME_LABEL = 'eks.amazonaws.com/instance-gpu-name';
/**
 * Label the library puts on EKS managed node groups it creates: the accelerator class
 * (`inferentia2` | `nvidia-gpu`). Managed node groups carry no Karpenter labels, so the
 * library brings its own; a workload selects on both this and {@link MANAGED_NODE_GROUP_FAMILY_LABEL}.
 */
export const MANAGED_NODE_GROUP_ACCELERATOR_LABEL = 'inference-constructs.io/accelerator-class';
/** Label the library puts on EKS managed node groups it creates: the instance family (inf2, g6e, p5 ...). */
export const MANAGED_NODE_GROUP_FAMILY_LABEL = 'inference-constructs.io/instance-family';
/** GKE TPU node label: accelerator. @see https://cloud.google.com/kubernetes-engine/docs/how-to/tpus */
export const GKE_TPU_ACCELERATOR_LABEL = 'cloud.google.com/gke-tpu-accelerator';
/** GKE TPU node label: slice topology. @see https://cloud.google.com/kubernetes-engine/docs/how-to/tpus */
export const GKE_TPU_TOPOLOGY_LABEL = 'cloud.google.com/gke-tpu-topology';
/** GKE GPU node label (nvidia-l4, nvidia-h100-80gb). @see https://cloud.google.com/kubernetes-engine/docs/how-to/gpus */
export const GKE_ACCELERATOR_LABEL = 'cloud.google.com/gke-accelerator';

/**
 * Neuron nodes: the taint ai-on-eks and the Neuron docs put on Inferentia pools.
 * @see https://github.com/awslabs/ai-on-eks (Karpenter inferentia NodePool)
 */
export const NEURON_TAINT: Taint = { key: 'aws.amazon.com/neuron', value: 'true', effect: 'NoSchedule' };
/**
 * NVIDIA nodes on EKS: key-only taint as the field uses it (`nvidia.com/gpu:NoSchedule`);
 * workloads tolerate it with `operator: Exists`.
 * @see https://github.com/awslabs/ai-on-eks (Karpenter GPU NodePools)
 */
export const NVIDIA_EKS_TAINT: Taint = { key: 'nvidia.com/gpu', effect: 'NoSchedule' };
/** NVIDIA nodes on GKE: GKE adds this taint to GPU node pools. @see https://cloud.google.com/kubernetes-engine/docs/how-to/gpus#create */
export const NVIDIA_GKE_TAINT: Taint = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };
/** TPU nodes on GKE: GKE adds this taint to TPU node pools. @see https://cloud.google.com/kubernetes-engine/docs/concepts/tpus */
export const TPU_TAINT: Taint = { key: 'google.com/tpu', value: 'present', effect: 'NoSchedule' };

// ---------------------------------------------------------------------------------------------
// Devices
// ---------------------------------------------------------------------------------------------

/** MiB per GiB. */
const MIB_PER_GIB = 1024;

/**
 * Memory a CUDA process can allocate, from the `memory.total` nvidia-smi reports on each GPU
 * (MiB), rounded to 0.01 GiB: A10G 23028 MiB and L4 23034 MiB (22.49 GiB, the figure users quote
 * for g5 / g6), L40S 46068 MiB, A100 40GB 40960 MiB, A100 80GB 81920 MiB, H100 SXM 81559 MiB,
 * H200 143771 MiB. Neuron and TPU rows expose their whole HBM to the runtime (the vendors' pages
 * state the per-chip HBM in GiB), so they carry memoryGiB.
 * @see https://docs.nvidia.com/deploy/nvidia-smi/index.html (memory.total)
 */
const USABLE_GIB = {
  a10g: round(23028 / MIB_PER_GIB, 2),
  l4: round(23034 / MIB_PER_GIB, 2),
  l40s: round(46068 / MIB_PER_GIB, 2),
  a100_40: round(40960 / MIB_PER_GIB, 2),
  a100_80: round(81920 / MIB_PER_GIB, 2),
  h100: round(81559 / MIB_PER_GIB, 2),
  h200: round(143771 / MIB_PER_GIB, 2),
} as const;

/** Trainium2: physical NeuronCore-v3 per chip (Trainium2 architecture page). */
const TRN2_PHYSICAL_CORES_PER_CHIP = 8;
/** Trainium2: default logical NeuronCore configuration (LNC=2). */
const TRN2_DEFAULT_LNC = 2;
/** Trainium2: logical NeuronCores the runtime exposes per chip at the default LNC. */
const TRN2_LOGICAL_CORES_PER_CHIP = TRN2_PHYSICAL_CORES_PER_CHIP / TRN2_DEFAULT_LNC;

/** B300 memory per GPU as EC2 states it: 2,148 GiB on p6-b300.48xlarge / 8 GPUs (EC2 accelerated computing specifications). */
const B300_GIB = 2148 / 8;

/** Facts per device model. */
export const DEVICES: Readonly<Record<DeviceKind, DeviceSpec>> = {
  // 32 GiB HBM and 820 GB/s per chip, 2 NeuronCore-v2 per chip.
  inferentia2: {
    kind: DeviceKind.INFERENTIA2,
    acceleratorClass: AcceleratorClass.INFERENTIA2,
    displayName: 'AWS Inferentia2',
    memoryGiB: 32,
    memoryBandwidthGBps: 820,
    neuronCoresPerDevice: 2,
    // The Neuron runtime exposes the whole 32 GiB HBM of the chip to the two NeuronCores.
    usableMemoryGiB: 32,
    // "380 INT8 TOPS, 190 FP16/BF16/cFP8/TF32 TFLOPS" per chip (Inferentia2 architecture page).
    peakDenseTflops: { bf16: 190, fp16: 190, fp8: 190, int8: 380 },
    architecture: DeviceArchitecture.INFERENTIA2,
    source: 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/arch/neuron-hardware/inferentia2.html',
  },
  'nvidia-a10g': {
    kind: DeviceKind.NVIDIA_A10G,
    acceleratorClass: AcceleratorClass.NVIDIA_GPU,
    displayName: 'NVIDIA A10G',
    memoryGiB: 24,
    memoryBandwidthGBps: 600,
    usableMemoryGiB: USABLE_GIB.a10g,
    // The AWS A10G variant: 70 dense FP16/BF16 tensor TFLOPS, 140 INT8 TOPS (NVIDIA publishes no
    // A10G datasheet; figures from https://www.baseten.co/blog/nvidia-a10-vs-a10g-for-ml-model-inference/).
    peakDenseTflops: { bf16: 70, fp16: 70, int8: 140 },
    architecture: DeviceArchitecture.AMPERE,
    source: 'https://aws.amazon.com/ec2/instance-types/g5/',
  },
  'nvidia-l4': {
    kind: DeviceKind.NVIDIA_L4,
    acceleratorClass: AcceleratorClass.NVIDIA_GPU,
    displayName: 'NVIDIA L4',
    memoryGiB: 24,
    memoryBandwidthGBps: 300,
    usableMemoryGiB: USABLE_GIB.l4,
    // Datasheet (with sparsity): FP8 485, BF16/FP16 242, INT8 485; dense is half.
    peakDenseTflops: { bf16: 121, fp16: 121, fp8: 242, int8: 242 },
    architecture: DeviceArchitecture.ADA,
    source: 'https://www.nvidia.com/en-us/data-center/l4/',
  },
  'nvidia-l40s': {
    kind: DeviceKind.NVIDIA_L40S,
    acceleratorClass: AcceleratorClass.NVIDIA_GPU,
    displayName: 'NVIDIA L40S',
    memoryGiB: 48,
    memoryBandwidthGBps: 864,
    usableMemoryGiB: USABLE_GIB.l40s,
    // Datasheet: BF16/FP16 362.05 dense (733 sparse), FP8 733 dense (1,466 sparse), INT8 733 dense.
    peakDenseTflops: { bf16: 362, fp16: 362, fp8: 733, int8: 733 },
    architecture: DeviceArchitecture.ADA,
    source: 'https://www.nvidia.com/en-us/data-center/l40s/',
  },
  'nvidia-a100-40gb': {
    kind: DeviceKind.NVIDIA_A100_40GB,
    acceleratorClass: AcceleratorClass.NVIDIA_GPU,
    displayName: 'NVIDIA A100 40GB',
    memoryGiB: 40,
    memoryBandwidthGBps: 1555,
    usableMemoryGiB: USABLE_GIB.a100_40,
    // Datasheet: BF16/FP16 312 dense (624 sparse), INT8 624 dense; no FP8 unit.
    peakDenseTflops: { bf16: 312, fp16: 312, int8: 624 },
    architecture: DeviceArchitecture.AMPERE,
    source: 'https://www.nvidia.com/en-us/data-center/a100/',
  },
  'nvidia-a100-80gb': {
    kind: DeviceKind.NVIDIA_A100_80GB,
    acceleratorClass: AcceleratorClass.NVIDIA_GPU,
    displayName: 'NVIDIA A100 80GB',
    memoryGiB: 80,
    memoryBandwidthGBps: 2039,
    usableMemoryGiB: USABLE_GIB.a100_80,
    peakDenseTflops: { bf16: 312, fp16: 312, int8: 624 },
    architecture: DeviceArchitecture.AMPERE,
    source: 'https://www.nvidia.com/en-us/data-center/a100/',
  },
  'nvidia-h100': {
    kind: DeviceKind.NVIDIA_H100,
    acceleratorClass: AcceleratorClass.NVIDIA_GPU,
    displayName: 'NVIDIA H100 SXM 80GB',
    memoryGiB: 80,
    memoryBandwidthGBps: 3350,
    usableMemoryGiB: USABLE_GIB.h100,
    // Datasheet (SXM): BF16/FP16 1,979 and FP8/INT8 3,958 with sparsity; dense is half.
    peakDenseTflops: { bf16: 989, fp16: 989, fp8: 1979, int8: 1979 },
    architecture: DeviceArchitecture.HOPPER,
    source: 'https://www.nvidia.com/en-us/data-center/h100/',
  },
  'nvidia-h200': {
    kind: DeviceKind.NVIDIA_H200,
    acceleratorClass: AcceleratorClass.NVIDIA_GPU,
    displayName: 'NVIDIA H200 141GB',
    memoryGiB: 141,
    memoryBandwidthGBps: 4800,
    usableMemoryGiB: USABLE_GIB.h200,
    // Datasheet (SXM): same tensor cores as H100 SXM.
    peakDenseTflops: { bf16: 989, fp16: 989, fp8: 1979, int8: 1979 },
    architecture: DeviceArchitecture.HOPPER,
    source: 'https://www.nvidia.com/en-us/data-center/h200/',
  },
  'tpu-v5e': {
    kind: DeviceKind.TPU_V5E,
    acceleratorClass: AcceleratorClass.TPU,
    displayName: 'TPU v5e',
    memoryGiB: 16,
    memoryBandwidthGBps: 819,
    usableMemoryGiB: 16,
    // v5e page: 197 BF16 TFLOPS, 394 INT8 TOPS per chip.
    peakDenseTflops: { bf16: 197, int8: 394 },
    architecture: DeviceArchitecture.TPU_V5E,
    source: 'https://cloud.google.com/tpu/docs/v5e',
  },
  // The v6e page lists 1600 GBps HBM bandwidth per chip (announcements rounded to 1640).
  'tpu-v6e': {
    kind: DeviceKind.TPU_V6E,
    acceleratorClass: AcceleratorClass.TPU,
    displayName: 'TPU v6e (Trillium)',
    memoryGiB: 32,
    memoryBandwidthGBps: 1600,
    usableMemoryGiB: 32,
    // v6e page: 918 BF16 TFLOPS, 1,836 INT8 TOPS per chip.
    peakDenseTflops: { bf16: 918, int8: 1836 },
    architecture: DeviceArchitecture.TPU_V6E,
    source: 'https://cloud.google.com/tpu/docs/v6e',
  },
  'tpu-v5p': {
    kind: DeviceKind.TPU_V5P,
    acceleratorClass: AcceleratorClass.TPU,
    displayName: 'TPU v5p',
    memoryGiB: 95,
    memoryBandwidthGBps: 2765,
    usableMemoryGiB: 95,
    // v5p page: 459 BF16 TFLOPS, 918 INT8 TOPS per chip.
    peakDenseTflops: { bf16: 459, int8: 918 },
    architecture: DeviceArchitecture.TPU_V5P,
    source: 'https://cloud.google.com/tpu/docs/v5p',
  },
  // HGX B200 datasheet, per GPU: 180 GB HBM3E at 7.7 TB/s; FP4 18 PF, FP8 9 PF, INT8 9 POPS,
  // FP16/BF16 4.5 PF with sparsity (dense is half; the board line "NVFP4 144 | 72 PF" / 8 agrees).
  // EC2 lists 179 GiB per GPU (1,432 GiB on p6-b200.48xlarge); nvidia-smi shows 183359 MiB
  // (179.06 GiB), so the usable figure is the EC2 one.
  'nvidia-b200': {
    kind: DeviceKind.NVIDIA_B200,
    acceleratorClass: AcceleratorClass.NVIDIA_GPU,
    displayName: 'NVIDIA B200',
    memoryGiB: 179,
    memoryBandwidthGBps: 7700,
    usableMemoryGiB: 179,
    peakDenseTflops: { bf16: 2250, fp16: 2250, fp8: 4500, int8: 4500, fp4: 9000 },
    architecture: DeviceArchitecture.BLACKWELL,
    source: 'https://www.nvidia.com/en-us/data-center/hgx/',
  },
  // HGX B300 (Blackwell Ultra), per GPU: HBM3e at up to 8 TB/s; the 8-GPU board is rated "FP4
  // 144 | 108 PF" (sparse | dense), FP8 72 PF and FP16/BF16 36 PF with sparsity, so dense per GPU
  // is FP4 13,500, FP8 4,500, BF16 2,250. INT8 is cut to a few POPS per board on Blackwell Ultra,
  // so no INT8 figure is carried. EC2 lists 2,148 GiB of GPU memory on p6-b300.48xlarge
  // (268.5 GiB per GPU; "8 x 268 GiB" rounded), held as the usable figure like B200's.
  'nvidia-b300': {
    kind: DeviceKind.NVIDIA_B300,
    acceleratorClass: AcceleratorClass.NVIDIA_GPU,
    displayName: 'NVIDIA B300',
    memoryGiB: B300_GIB,
    memoryBandwidthGBps: 8000,
    usableMemoryGiB: B300_GIB,
    peakDenseTflops: { bf16: 2250, fp16: 2250, fp8: 4500, fp4: 13500 },
    architecture: DeviceArchitecture.BLACKWELL,
    source: 'https://www.nvidia.com/en-us/data-center/hgx/',
  },
  // RTX PRO 6000 Blackwell Server Edition: 96 GB GDDR7 at 1,597 GB/s (datasheet; AWS g7e page:
  // 96 GiB per GPU), nvidia-smi 97887 MiB. NVIDIA states "FP16/BF16 1 PFLOP, FP8 2 PFLOPS, FP4
  // 4 PFLOPS" without saying dense or sparse; the Blackwell line quotes such peaks with 2:4
  // sparsity, so the catalogue halves them (the conservative reading for a roofline).
  'nvidia-rtx-pro-6000': {
    kind: DeviceKind.NVIDIA_RTX_PRO_6000,
    acceleratorClass: AcceleratorClass.NVIDIA_GPU,
    displayName: 'NVIDIA RTX PRO 6000 Blackwell Server Edition',
    memoryGiB: 96,
    memoryBandwidthGBps: 1597,
    usableMemoryGiB: round(97887 / MIB_PER_GIB, 2),
    peakDenseTflops: { bf16: 500, fp16: 500, fp8: 1000, fp4: 2000 },
    architecture: DeviceArchitecture.BLACKWELL,
    source: 'https://www.nvidia.com/en-us/data-center/rtx-pro-6000-blackwell-server-edition/',
  },
  // Trainium2 architecture page: eight NeuronCore-v3 delivering 1,299 FP8 and 667 BF16/FP16/TF32
  // dense TFLOPS; 96 GiB HBM at 2.9 TB/s (NKI Trainium2 guide). LNC=2 is the default: the
  // runtime exposes 4 logical NeuronCores per chip (64 on trn2.48xlarge), each with 24 GiB.
  // @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/about-neuron/arch/neuron-features/logical-neuroncore-config.html
  trainium2: {
    kind: DeviceKind.TRAINIUM2,
    acceleratorClass: AcceleratorClass.INFERENTIA2,
    displayName: 'AWS Trainium2',
    memoryGiB: 96,
    memoryBandwidthGBps: 2900,
    neuronCoresPerDevice: TRN2_LOGICAL_CORES_PER_CHIP,
    physicalNeuronCoresPerDevice: TRN2_PHYSICAL_CORES_PER_CHIP,
    logicalNeuronCoreConfig: TRN2_DEFAULT_LNC,
    usableMemoryGiB: 96,
    peakDenseTflops: { bf16: 667, fp16: 667, fp8: 1299 },
    architecture: DeviceArchitecture.TRAINIUM2,
    source: 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/about-neuron/arch/neuron-hardware/trainium2.html',
  },
  // TPU7x page: 192 GiB HBM at 7,380 GBps, 2,307 BF16 and 4,614 FP8 TFLOPS per chip. Its row,
  // tpu7x-standard-4t, carries an unpublished price (see TPU7X_PRICE).
  tpu7x: {
    kind: DeviceKind.TPU7X,
    acceleratorClass: AcceleratorClass.TPU,
    displayName: 'TPU7x (Ironwood)',
    memoryGiB: 192,
    memoryBandwidthGBps: 7380,
    usableMemoryGiB: 192,
    peakDenseTflops: { bf16: 2307, fp8: 4614 },
    architecture: DeviceArchitecture.TPU7X,
    source: 'https://docs.cloud.google.com/tpu/docs/tpu7x',
  },
};

/** Karpenter / EKS Auto Mode `instance-gpu-name` values per NVIDIA device (FACTS: Karpenter instance-types reference). */
const GPU_NAME: Partial<Record<DeviceKind, string>> = {
  'nvidia-a10g': 'a10g',
  'nvidia-l4': 'l4',
  'nvidia-l40s': 'l40s',
  'nvidia-a100-40gb': 'a100',
  'nvidia-a100-80gb': 'a100',
  'nvidia-h100': 'h100',
  'nvidia-h200': 'h200',
  // EKS best-practices aiml-compute page lists b200 among the instance-gpu-name values. The
  // RTX PRO 6000 value is not published, so g7e rows select on the instance family only.
  'nvidia-b200': 'b200',
};

/** GKE `cloud.google.com/gke-accelerator` values. @see https://cloud.google.com/compute/docs/gpus */
const GKE_GPU_NAME: Partial<Record<DeviceKind, string>> = {
  'nvidia-l4': 'nvidia-l4',
  'nvidia-h100': 'nvidia-h100-80gb',
  // @see https://cloud.google.com/kubernetes-engine/docs/how-to/gpus (A4: nvidia-b200; G4: nvidia-rtx-pro-6000)
  'nvidia-b200': 'nvidia-b200',
  'nvidia-rtx-pro-6000': 'nvidia-rtx-pro-6000',
};

// ---------------------------------------------------------------------------------------------
// Prices
// ---------------------------------------------------------------------------------------------

/** Date the reference prices were recorded. */
export const PRICES_AS_OF = '2025-06-05';
const EC2_PRICE_SOURCE = 'https://aws.amazon.com/ec2/pricing/on-demand/';
/** Cloud TPU list price is per chip-hour; a GKE TPU node costs chips x that. */
const TPU_PRICE_SOURCE = 'https://cloud.google.com/tpu/pricing';
const GCE_GPU_PRICE_SOURCE = 'https://cloud.google.com/compute/vm-instance-pricing#accelerator-optimized';
/** Date the A4 and G4 list prices were read. */
const GCE_NEW_PRICES_AS_OF = '2026-07-22';

/** Date the SageMaker hosting prices were read. */
export const SAGEMAKER_PRICES_AS_OF = '2026-09-27';
/** SageMaker AI pricing page, "Real-Time Inference" tab, us-east-1. */
const SAGEMAKER_PRICE_SOURCE = 'https://aws.amazon.com/sagemaker-ai/pricing/';

/**
 * SageMaker real-time inference on-demand price per `ml.` instance-hour, us-east-1, USD, read
 * from the AWS Price List (service AmazonSageMaker) on {@link SAGEMAKER_PRICES_AS_OF}. They are
 * above the EC2 rate of the same instance (ml.g5.12xlarge 7.09 vs 5.672; ml.inf2.48xlarge 15.58
 * vs 12.9813). Rows offered on SageMaker but left without a sagemakerPrice, re-checked on
 * 2026-12-01 against stored copies of the pricing page and of the Price List (AmazonSageMaker):
 * - ml.p5e.48xlarge, ml.p5en.48xlarge, ml.p6-b200.48xlarge, ml.trn2.48xlarge: no hosting rate in
 *   any copy found (they appear only in instance-type enums and HyperPod / training tables).
 * - ml.g7e.*: third-party copies disagree (ml.g7e.2xlarge 4.20 in one, 4.37 in another, with
 *   4xl 5.19 / 8xl 6.85 / 12xl 10.75 from a single source), so none is taken as confirmed.
 * The caller's price (pricePerNodeHourUsd) covers these until the page is read again.
 */
const SAGEMAKER_USD_PER_HOUR: { [name: string]: number } = {
  'inf2.xlarge': 0.99,
  'inf2.8xlarge': 2.36,
  'inf2.24xlarge': 7.79,
  'inf2.48xlarge': 15.58,
  'g5.xlarge': 1.41,
  'g5.2xlarge': 1.52,
  'g5.4xlarge': 2.03,
  'g5.8xlarge': 3.06,
  'g5.12xlarge': 7.09,
  'g5.16xlarge': 5.12,
  'g5.24xlarge': 10.18,
  'g5.48xlarge': 20.36,
  'g6.xlarge': 1.127,
  'g6.2xlarge': 1.222,
  'g6.4xlarge': 1.654,
  'g6.8xlarge': 2.518,
  'g6.12xlarge': 5.752,
  'g6.16xlarge': 4.246,
  'g6.24xlarge': 8.344,
  'g6.48xlarge': 16.688,
  'g6e.xlarge': 2.61,
  'g6e.2xlarge': 2.8,
  'g6e.4xlarge': 3.76,
  'g6e.8xlarge': 5.66,
  'g6e.12xlarge': 13.12,
  'g6e.16xlarge': 9.47,
  'g6e.24xlarge': 18.83,
  'g6e.48xlarge': 37.66,
  'p4d.24xlarge': 25.2513,
  'p4de.24xlarge': 31.5641,
  'p5.48xlarge': 63.296,
  'p5.4xlarge': 7.912,
};

/** `usdPerHour` of a row whose vendor publishes no list price: not a number, so nothing computes with it. */
export const UNPUBLISHED_USD_PER_HOUR = Number.NaN;

/** Date the EC2 on-demand page was checked for p6-b300.48xlarge. */
const P6_B300_PRICE_AS_OF = '2026-12-01';

/** Date the TPU7x pricing pages were read. */
const TPU7X_PRICE_AS_OF = '2026-12-01';

/**
 * TPU7x has no public on-demand list price: the Cloud TPU pricing page lists none, and the
 * TPU7x page says "To get access to TPU7x, contact your account team" (access through
 * reservations). The row carries this unpublished price; plan it with `pricePerNodeHourUsd`.
 * @see https://cloud.google.com/tpu/pricing
 * @see https://docs.cloud.google.com/tpu/docs/tpu7x
 */
const TPU7X_PRICE: ReferencePrice = Object.freeze({
  usdPerHour: UNPUBLISHED_USD_PER_HOUR,
  published: false,
  region: 'us-central1',
  asOf: TPU7X_PRICE_AS_OF,
  source: 'https://docs.cloud.google.com/tpu/docs/tpu7x',
});

function sagemakerPrice(usdPerHour: number): ReferencePrice {
  return { usdPerHour, region: 'us-east-1', asOf: SAGEMAKER_PRICES_AS_OF, source: SAGEMAKER_PRICE_SOURCE };
}

function ec2Price(usdPerHour: number): ReferencePrice {
  return { usdPerHour, region: 'us-east-1', asOf: PRICES_AS_OF, source: EC2_PRICE_SOURCE };
}

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

interface AwsRow {
  readonly name: string;
  readonly device: DeviceKind;
  readonly devices: number;
  readonly vcpu: number;
  readonly hostMemoryGiB: number;
  readonly usdPerHour: number;
  readonly sagemaker: boolean;
  readonly price?: ReferencePrice;
}

/** Device-to-device link per family when a node has more than one device. */
const MULTI_DEVICE_INTERCONNECT: { [family: string]: Interconnect } = {
  // inf2.24xlarge / 48xlarge: NeuronLink-v2 between chips (Inferentia2 architecture page).
  inf2: Interconnect.NEURONLINK,
  // g5 / g6 / g6e / GCE G2: GPUs on PCIe, no NVLink (EC2 accelerated-computing specifications).
  g5: Interconnect.PCIE,
  g6: Interconnect.PCIE,
  g6e: Interconnect.PCIE,
  g2: Interconnect.PCIE,
  // p4d / p4de / p5 / p5e / p5en and GCE A3: NVLink + NVSwitch inside the node.
  p4d: Interconnect.NVLINK,
  p4de: Interconnect.NVLINK,
  p5: Interconnect.NVLINK,
  p5e: Interconnect.NVLINK,
  p5en: Interconnect.NVLINK,
  a3: Interconnect.NVLINK,
  // trn2.48xlarge: 16 Trainium2 in a 4x4 2-D torus over NeuronLink-v3 (Trn2 architecture page).
  trn2: Interconnect.NEURONLINK,
  // p6-b200: NVLink 5 + NVSwitch; GCE A4 likewise (HGX B200).
  'p6-b200': Interconnect.NVLINK,
  'p6-b300': Interconnect.NVLINK,
  a4: Interconnect.NVLINK,
  // g7e / GCE G4: RTX PRO 6000 Server Edition has no NVLink; GPUs talk over PCIe.
  g7e: Interconnect.PCIE,
  g4: Interconnect.PCIE,
  // TPU chips of one host are joined by ICI.
  ct5lp: Interconnect.ICI,
  ct6e: Interconnect.ICI,
  ct5p: Interconnect.ICI,
  tpu7x: Interconnect.ICI,
};

function interconnectOf(family: string, devices: number): Interconnect {
  if (devices === 1) return Interconnect.NONE;
  const link = MULTI_DEVICE_INTERCONNECT[family];
  if (link === undefined) throw new Error(`catalogue row of family ${family} has no interconnect`);
  return link;
}

function awsRow(r: AwsRow): InstanceTypeSpec {
  const device = DEVICES[r.device];
  const family = r.name.split('.')[0];
  const neuron = device.acceleratorClass === AcceleratorClass.INFERENTIA2;
  const gpuName = GPU_NAME[r.device];
  const karpenter: Record<string, string> = { [KARPENTER_INSTANCE_FAMILY_LABEL]: family };
  const eksAutoMode: Record<string, string> = { [EKS_AUTO_INSTANCE_FAMILY_LABEL]: family };
  const requirements: NodeRequirement[] = [
    { key: KARPENTER_INSTANCE_FAMILY_LABEL, operator: 'In', values: [family] },
    { key: INSTANCE_TYPE_LABEL, operator: 'In', values: [r.name] },
  ];
  if (gpuName) {
    karpenter[KARPENTER_GPU_NAME_LABEL] = gpuName;
    eksAutoMode[EKS_AUTO_GPU_NAME_LABEL] = gpuName;
    requirements.splice(1, 0, { key: KARPENTER_GPU_NAME_LABEL, operator: 'In', values: [gpuName] });
  }
  return {
    name: r.name,
    cloud: 'aws',
    family,
    acceleratorClass: device.acceleratorClass,
    device,
    devicesPerNode: r.devices,
    ...(neuron ? { neuronCoresPerNode: r.devices * (device.neuronCoresPerDevice ?? 0) } : {}),
    vcpu: r.vcpu,
    hostMemoryGiB: r.hostMemoryGiB,
    acceleratorMemoryGiB: r.devices * device.memoryGiB,
    kubernetes: {
      resourceName: neuron ? NEURON_RESOURCE : NVIDIA_GPU_RESOURCE,
      nodeSelector: {
        karpenter,
        eksAutoMode,
        managedNodeGroup: {
          [MANAGED_NODE_GROUP_ACCELERATOR_LABEL]: device.acceleratorClass,
          [MANAGED_NODE_GROUP_FAMILY_LABEL]: family,
        },
      },
      taints: [neuron ? NEURON_TAINT : NVIDIA_EKS_TAINT],
      karpenterRequirements: requirements,
    },
    // EKS optimized accelerated AMIs. @see https://docs.aws.amazon.com/eks/latest/APIReference/API_Nodegroup.html#AmazonEKS-Type-Nodegroup-amiType
    eksAmiType: neuron ? 'AL2023_x86_64_NEURON' : 'AL2023_x86_64_NVIDIA',
    ...(r.sagemaker ? { sagemakerInstanceType: `ml.${r.name}` } : {}),
    ...(SAGEMAKER_USD_PER_HOUR[r.name] !== undefined ? { sagemakerPrice: sagemakerPrice(SAGEMAKER_USD_PER_HOUR[r.name]) } : {}),
    interconnect: interconnectOf(family, r.devices),
    price: r.price ?? ec2Price(r.usdPerHour),
  };
}

// Trn2: https://aws.amazon.com/ec2/instance-types/trn2/ and the Neuron Trn2 architecture page
// (16 Trainium2, 192 vCPU, 2,048 GiB host memory, 1,536 GiB device memory). On-demand us-east-1
// rate 35.7608 per hour (the EC2 price list as read in February 2026). SageMaker hosting offers
// ml.trn2.48xlarge (ProductionVariantInstanceType in aws-sdk-js-v3 clients/client-sagemaker).
const TRN2: AwsRow[] = [
  { name: 'trn2.48xlarge', device: DeviceKind.TRAINIUM2, devices: 16, vcpu: 192, hostMemoryGiB: 2048, usdPerHour: 35.7608, sagemaker: true },
];

// P6-B200: https://aws.amazon.com/ec2/instance-types/p6/ (8 B200, 1,432 GiB GPU memory, 192 vCPU,
// 2,048 GiB). P5.4xlarge: one H100 with 16 vCPU / 256 GiB (https://aws.amazon.com/ec2/instance-types/p5/).
// Both are in ProductionVariantInstanceType (ml.p6-b200.48xlarge, ml.p5.4xlarge).
const P6: AwsRow[] = [
  { name: 'p6-b200.48xlarge', device: DeviceKind.NVIDIA_B200, devices: 8, vcpu: 192, hostMemoryGiB: 2048, usdPerHour: 113.93, sagemaker: true },
  { name: 'p5.4xlarge', device: DeviceKind.NVIDIA_H100, devices: 1, vcpu: 16, hostMemoryGiB: 256, usdPerHour: 6.88, sagemaker: true },
  // P6-B300: 8 B300 (2,148 GiB GPU memory), 192 vCPU, 4 TiB host memory (EC2 accelerated
  // computing specifications). SageMaker lists ml.p6-b300.48xlarge for HyperPod clusters and
  // training plans but not in ProductionVariantInstanceType, so no hosting name. No on-demand
  // rate could be confirmed from an AWS price page (one third-party table quotes a us-west-2 rate
  // next to a wrong GPU memory figure): the price is unpublished, like TPU7x's.
  {
    name: 'p6-b300.48xlarge',
    device: DeviceKind.NVIDIA_B300,
    devices: 8,
    vcpu: 192,
    hostMemoryGiB: 4096,
    usdPerHour: UNPUBLISHED_USD_PER_HOUR,
    sagemaker: false,
    price: Object.freeze({ usdPerHour: UNPUBLISHED_USD_PER_HOUR, published: false, region: 'us-east-1', asOf: P6_B300_PRICE_AS_OF, source: EC2_PRICE_SOURCE }),
  },
];

// G7e (RTX PRO 6000 Blackwell Server Edition, 96 GiB each): https://aws.amazon.com/ec2/instance-types/g7e/
// 2xl/4xl/8xl one GPU with 8/16/32 vCPU and 64/128/256 GiB; 12xl/24xl/48xl 2/4/8 GPUs with 24 vCPU
// and 256 GiB per GPU. us-east-1 on-demand rates per the EC2 price list (2026). SageMaker hosting
// offers ml.g7e.* since April 2026 (AWS Machine Learning blog, "Accelerate Generative AI Inference
// on Amazon SageMaker AI with G7e Instances").
const G7E: AwsRow[] = [
  { name: 'g7e.2xlarge', device: DeviceKind.NVIDIA_RTX_PRO_6000, devices: 1, vcpu: 8, hostMemoryGiB: 64, usdPerHour: 3.36312, sagemaker: true },
  { name: 'g7e.4xlarge', device: DeviceKind.NVIDIA_RTX_PRO_6000, devices: 1, vcpu: 16, hostMemoryGiB: 128, usdPerHour: 3.99816, sagemaker: true },
  { name: 'g7e.8xlarge', device: DeviceKind.NVIDIA_RTX_PRO_6000, devices: 1, vcpu: 32, hostMemoryGiB: 256, usdPerHour: 5.2682, sagemaker: true },
  { name: 'g7e.12xlarge', device: DeviceKind.NVIDIA_RTX_PRO_6000, devices: 2, vcpu: 48, hostMemoryGiB: 512, usdPerHour: 8.28608, sagemaker: true },
  { name: 'g7e.24xlarge', device: DeviceKind.NVIDIA_RTX_PRO_6000, devices: 4, vcpu: 96, hostMemoryGiB: 1024, usdPerHour: 16.5722, sagemaker: true },
  { name: 'g7e.48xlarge', device: DeviceKind.NVIDIA_RTX_PRO_6000, devices: 8, vcpu: 192, hostMemoryGiB: 2048, usdPerHour: 33.14432, sagemaker: true },
];

// Inferentia2: chips, vCPU and memory from https://aws.amazon.com/ec2/instance-types/inf2/ (FACTS §2).
// SageMaker hosting offers all four sizes: https://aws.amazon.com/sagemaker/pricing/
const INF2: AwsRow[] = [
  { name: 'inf2.xlarge', device: DeviceKind.INFERENTIA2, devices: 1, vcpu: 4, hostMemoryGiB: 16, usdPerHour: 0.7582, sagemaker: true },
  { name: 'inf2.8xlarge', device: DeviceKind.INFERENTIA2, devices: 1, vcpu: 32, hostMemoryGiB: 128, usdPerHour: 1.9679, sagemaker: true },
  { name: 'inf2.24xlarge', device: DeviceKind.INFERENTIA2, devices: 6, vcpu: 96, hostMemoryGiB: 384, usdPerHour: 6.4906, sagemaker: true },
  { name: 'inf2.48xlarge', device: DeviceKind.INFERENTIA2, devices: 12, vcpu: 192, hostMemoryGiB: 768, usdPerHour: 12.9813, sagemaker: true },
];

// G5 (A10G): https://aws.amazon.com/ec2/instance-types/g5/ ; SageMaker offers every size.
const G5: AwsRow[] = [
  { name: 'g5.xlarge', device: DeviceKind.NVIDIA_A10G, devices: 1, vcpu: 4, hostMemoryGiB: 16, usdPerHour: 1.006, sagemaker: true },
  { name: 'g5.2xlarge', device: DeviceKind.NVIDIA_A10G, devices: 1, vcpu: 8, hostMemoryGiB: 32, usdPerHour: 1.212, sagemaker: true },
  { name: 'g5.4xlarge', device: DeviceKind.NVIDIA_A10G, devices: 1, vcpu: 16, hostMemoryGiB: 64, usdPerHour: 1.624, sagemaker: true },
  { name: 'g5.8xlarge', device: DeviceKind.NVIDIA_A10G, devices: 1, vcpu: 32, hostMemoryGiB: 128, usdPerHour: 2.448, sagemaker: true },
  { name: 'g5.12xlarge', device: DeviceKind.NVIDIA_A10G, devices: 4, vcpu: 48, hostMemoryGiB: 192, usdPerHour: 5.672, sagemaker: true },
  { name: 'g5.16xlarge', device: DeviceKind.NVIDIA_A10G, devices: 1, vcpu: 64, hostMemoryGiB: 256, usdPerHour: 4.096, sagemaker: true },
  { name: 'g5.24xlarge', device: DeviceKind.NVIDIA_A10G, devices: 4, vcpu: 96, hostMemoryGiB: 384, usdPerHour: 8.144, sagemaker: true },
  { name: 'g5.48xlarge', device: DeviceKind.NVIDIA_A10G, devices: 8, vcpu: 192, hostMemoryGiB: 768, usdPerHour: 16.288, sagemaker: true },
];

// G6 (L4): https://aws.amazon.com/ec2/instance-types/g6/ ; SageMaker offers every size.
const G6: AwsRow[] = [
  { name: 'g6.xlarge', device: DeviceKind.NVIDIA_L4, devices: 1, vcpu: 4, hostMemoryGiB: 16, usdPerHour: 0.8048, sagemaker: true },
  { name: 'g6.2xlarge', device: DeviceKind.NVIDIA_L4, devices: 1, vcpu: 8, hostMemoryGiB: 32, usdPerHour: 0.9776, sagemaker: true },
  { name: 'g6.4xlarge', device: DeviceKind.NVIDIA_L4, devices: 1, vcpu: 16, hostMemoryGiB: 64, usdPerHour: 1.3232, sagemaker: true },
  { name: 'g6.8xlarge', device: DeviceKind.NVIDIA_L4, devices: 1, vcpu: 32, hostMemoryGiB: 128, usdPerHour: 2.0144, sagemaker: true },
  { name: 'g6.12xlarge', device: DeviceKind.NVIDIA_L4, devices: 4, vcpu: 48, hostMemoryGiB: 192, usdPerHour: 4.6016, sagemaker: true },
  { name: 'g6.16xlarge', device: DeviceKind.NVIDIA_L4, devices: 1, vcpu: 64, hostMemoryGiB: 256, usdPerHour: 3.3968, sagemaker: true },
  { name: 'g6.24xlarge', device: DeviceKind.NVIDIA_L4, devices: 4, vcpu: 96, hostMemoryGiB: 384, usdPerHour: 6.6752, sagemaker: true },
  { name: 'g6.48xlarge', device: DeviceKind.NVIDIA_L4, devices: 8, vcpu: 192, hostMemoryGiB: 768, usdPerHour: 13.3504, sagemaker: true },
];

// G6e (L40S): https://aws.amazon.com/ec2/instance-types/g6e/ ; SageMaker offers every size.
const G6E: AwsRow[] = [
  { name: 'g6e.xlarge', device: DeviceKind.NVIDIA_L40S, devices: 1, vcpu: 4, hostMemoryGiB: 32, usdPerHour: 1.861, sagemaker: true },
  { name: 'g6e.2xlarge', device: DeviceKind.NVIDIA_L40S, devices: 1, vcpu: 8, hostMemoryGiB: 64, usdPerHour: 2.24208, sagemaker: true },
  { name: 'g6e.4xlarge', device: DeviceKind.NVIDIA_L40S, devices: 1, vcpu: 16, hostMemoryGiB: 128, usdPerHour: 3.00424, sagemaker: true },
  { name: 'g6e.8xlarge', device: DeviceKind.NVIDIA_L40S, devices: 1, vcpu: 32, hostMemoryGiB: 256, usdPerHour: 4.52856, sagemaker: true },
  { name: 'g6e.12xlarge', device: DeviceKind.NVIDIA_L40S, devices: 4, vcpu: 48, hostMemoryGiB: 384, usdPerHour: 10.49264, sagemaker: true },
  { name: 'g6e.16xlarge', device: DeviceKind.NVIDIA_L40S, devices: 1, vcpu: 64, hostMemoryGiB: 512, usdPerHour: 7.57719, sagemaker: true },
  { name: 'g6e.24xlarge', device: DeviceKind.NVIDIA_L40S, devices: 4, vcpu: 96, hostMemoryGiB: 768, usdPerHour: 15.06559, sagemaker: true },
  { name: 'g6e.48xlarge', device: DeviceKind.NVIDIA_L40S, devices: 8, vcpu: 192, hostMemoryGiB: 1536, usdPerHour: 30.13118, sagemaker: true },
];

// P4/P5: https://aws.amazon.com/ec2/instance-types/p4/ and /p5/. Prices after the June 2025
// reduction for P4d/P4de/P5/P5en (https://aws.amazon.com/about-aws/whats-new/2025/06/pricing-usage-model-ec2-instances-nvidia-gpus/).
// P5e is sold through EC2 Capacity Blocks (us-east-2): the effective hourly rate from
// https://aws.amazon.com/ec2/capacityblocks/pricing/ is used as its reference.
const P: AwsRow[] = [
  { name: 'p4d.24xlarge', device: DeviceKind.NVIDIA_A100_40GB, devices: 8, vcpu: 96, hostMemoryGiB: 1152, usdPerHour: 21.96, sagemaker: true },
  { name: 'p4de.24xlarge', device: DeviceKind.NVIDIA_A100_80GB, devices: 8, vcpu: 96, hostMemoryGiB: 1152, usdPerHour: 27.447, sagemaker: true },
  { name: 'p5.48xlarge', device: DeviceKind.NVIDIA_H100, devices: 8, vcpu: 192, hostMemoryGiB: 2048, usdPerHour: 55.04, sagemaker: true },
  {
    name: 'p5e.48xlarge',
    device: DeviceKind.NVIDIA_H200,
    devices: 8,
    vcpu: 192,
    hostMemoryGiB: 2048,
    usdPerHour: 43.26,
    sagemaker: true,
    price: { usdPerHour: 43.26, region: 'us-east-2', asOf: PRICES_AS_OF, source: 'https://aws.amazon.com/ec2/capacityblocks/pricing/' },
  },
  { name: 'p5en.48xlarge', device: DeviceKind.NVIDIA_H200, devices: 8, vcpu: 192, hostMemoryGiB: 2048, usdPerHour: 63.296, sagemaker: true },
];

interface TpuRow {
  readonly name: string;
  readonly device: 'tpu-v5e' | 'tpu-v6e' | 'tpu-v5p' | 'tpu7x';
  readonly accelerator: TpuAccelerator;
  readonly chips: number;
  readonly vcpu: number;
  readonly hostMemoryGiB: number;
  /** List price per chip-hour, us-central1; unset where none is published (then `price`). */
  readonly usdPerChipHour?: number;
  /** The row's price when no per-chip list price exists. */
  readonly price?: ReferencePrice;
}

function tpuRow(r: TpuRow): InstanceTypeSpec {
  const device = DEVICES[r.device];
  return {
    name: r.name,
    cloud: 'gcp',
    family: r.name.split('-')[0],
    acceleratorClass: AcceleratorClass.TPU,
    device,
    devicesPerNode: r.chips,
    vcpu: r.vcpu,
    hostMemoryGiB: r.hostMemoryGiB,
    acceleratorMemoryGiB: r.chips * device.memoryGiB,
    kubernetes: {
      resourceName: TPU_RESOURCE,
      nodeSelector: { gke: { [GKE_TPU_ACCELERATOR_LABEL]: r.accelerator } },
      taints: [TPU_TAINT],
    },
    tpuAccelerator: r.accelerator,
    interconnect: interconnectOf(r.name.split('-')[0], r.chips),
    price:
      r.usdPerChipHour !== undefined
        ? { usdPerHour: round(r.chips * r.usdPerChipHour, 4), region: 'us-central1', asOf: PRICES_AS_OF, source: TPU_PRICE_SOURCE }
        : (r.price as ReferencePrice),
  };
}

// TPU machine types: https://cloud.google.com/kubernetes-engine/docs/concepts/plan-tpus
// (v5e: ct5lp-hightpu-1t 24 vCPU / 48 GiB, -4t 112 / 192, -8t 224 / 384;
//  v6e: ct6e-standard-1t 44 / 176, -4t 180 / 720, -8t 180 / 1440;
//  v5p: ct5p-hightpu-4t 208 / 448). Per chip-hour list prices: https://cloud.google.com/tpu/pricing
const TPU: TpuRow[] = [
  { name: 'ct5lp-hightpu-1t', device: 'tpu-v5e', accelerator: TpuAccelerator.TPU_V5_LITE_PODSLICE, chips: 1, vcpu: 24, hostMemoryGiB: 48, usdPerChipHour: 1.2 },
  { name: 'ct5lp-hightpu-4t', device: 'tpu-v5e', accelerator: TpuAccelerator.TPU_V5_LITE_PODSLICE, chips: 4, vcpu: 112, hostMemoryGiB: 192, usdPerChipHour: 1.2 },
  { name: 'ct5lp-hightpu-8t', device: 'tpu-v5e', accelerator: TpuAccelerator.TPU_V5_LITE_PODSLICE, chips: 8, vcpu: 224, hostMemoryGiB: 384, usdPerChipHour: 1.2 },
  { name: 'ct6e-standard-1t', device: 'tpu-v6e', accelerator: TpuAccelerator.TPU_V6E_SLICE, chips: 1, vcpu: 44, hostMemoryGiB: 176, usdPerChipHour: 2.7 },
  { name: 'ct6e-standard-4t', device: 'tpu-v6e', accelerator: TpuAccelerator.TPU_V6E_SLICE, chips: 4, vcpu: 180, hostMemoryGiB: 720, usdPerChipHour: 2.7 },
  { name: 'ct6e-standard-8t', device: 'tpu-v6e', accelerator: TpuAccelerator.TPU_V6E_SLICE, chips: 8, vcpu: 180, hostMemoryGiB: 1440, usdPerChipHour: 2.7 },
  { name: 'ct5p-hightpu-4t', device: 'tpu-v5p', accelerator: TpuAccelerator.TPU_V5P_SLICE, chips: 4, vcpu: 208, hostMemoryGiB: 448, usdPerChipHour: 4.2 },
  // TPU7x (Ironwood): 4 chips, 224 vCPU and 960 GB RAM per VM (TPU7x page, "4-chip VM"; the
  // figure is carried as GiB like the v6e rows). No public list price: TPU7X_PRICE.
  { name: 'tpu7x-standard-4t', device: 'tpu7x', accelerator: TpuAccelerator.TPU7X, chips: 4, vcpu: 224, hostMemoryGiB: 960, price: TPU7X_PRICE },
];

interface GceGpuRow {
  readonly name: string;
  readonly device: 'nvidia-l4' | 'nvidia-h100' | 'nvidia-b200' | 'nvidia-rtx-pro-6000';
  readonly devices: number;
  readonly vcpu: number;
  readonly hostMemoryGiB: number;
  readonly usdPerHour: number;
  /** Date the price was read. @default PRICES_AS_OF */
  readonly priceAsOf?: string;
}

function gceGpuRow(r: GceGpuRow): InstanceTypeSpec {
  const device = DEVICES[r.device];
  return {
    name: r.name,
    cloud: 'gcp',
    family: r.name.split('-')[0],
    acceleratorClass: AcceleratorClass.NVIDIA_GPU,
    device,
    devicesPerNode: r.devices,
    vcpu: r.vcpu,
    hostMemoryGiB: r.hostMemoryGiB,
    acceleratorMemoryGiB: r.devices * device.memoryGiB,
    kubernetes: {
      resourceName: NVIDIA_GPU_RESOURCE,
      nodeSelector: { gke: { [GKE_ACCELERATOR_LABEL]: GKE_GPU_NAME[r.device] as string } },
      taints: [NVIDIA_GKE_TAINT],
    },
    interconnect: interconnectOf(r.name.split('-')[0], r.devices),
    price: { usdPerHour: r.usdPerHour, region: 'us-central1', asOf: r.priceAsOf ?? PRICES_AS_OF, source: GCE_GPU_PRICE_SOURCE },
  };
}

// GKE GPU machine types (G2 with L4, A3 High with H100):
// https://cloud.google.com/compute/docs/accelerator-optimized-machines
const GCE_GPU: GceGpuRow[] = [
  { name: 'g2-standard-4', device: 'nvidia-l4', devices: 1, vcpu: 4, hostMemoryGiB: 16, usdPerHour: 0.7068 },
  { name: 'g2-standard-8', device: 'nvidia-l4', devices: 1, vcpu: 8, hostMemoryGiB: 32, usdPerHour: 0.8536 },
  { name: 'g2-standard-24', device: 'nvidia-l4', devices: 2, vcpu: 24, hostMemoryGiB: 96, usdPerHour: 2.0 },
  { name: 'g2-standard-48', device: 'nvidia-l4', devices: 4, vcpu: 48, hostMemoryGiB: 192, usdPerHour: 4.0 },
  { name: 'g2-standard-96', device: 'nvidia-l4', devices: 8, vcpu: 96, hostMemoryGiB: 384, usdPerHour: 8.0003 },
  { name: 'a3-highgpu-8g', device: 'nvidia-h100', devices: 8, vcpu: 208, hostMemoryGiB: 1872, usdPerHour: 88.2522 },
  // A4 (8 B200, 224 vCPU, 3,968 GB) and G4 (RTX PRO 6000: -48/-96/-192/-384 with 1/2/4/8 GPUs,
  // 180 GB host memory and 48 vCPU per GPU): the accelerator-optimized machine family page. Rates
  // are the us-central1 on-demand list prices as read on GCE_NEW_PRICES_AS_OF.
  { name: 'a4-highgpu-8g', device: 'nvidia-b200', devices: 8, vcpu: 224, hostMemoryGiB: 3968, usdPerHour: 90.22, priceAsOf: GCE_NEW_PRICES_AS_OF },
  { name: 'g4-standard-48', device: 'nvidia-rtx-pro-6000', devices: 1, vcpu: 48, hostMemoryGiB: 180, usdPerHour: 4.5, priceAsOf: GCE_NEW_PRICES_AS_OF },
  { name: 'g4-standard-96', device: 'nvidia-rtx-pro-6000', devices: 2, vcpu: 96, hostMemoryGiB: 360, usdPerHour: 9, priceAsOf: GCE_NEW_PRICES_AS_OF },
  { name: 'g4-standard-192', device: 'nvidia-rtx-pro-6000', devices: 4, vcpu: 192, hostMemoryGiB: 720, usdPerHour: 18, priceAsOf: GCE_NEW_PRICES_AS_OF },
  { name: 'g4-standard-384', device: 'nvidia-rtx-pro-6000', devices: 8, vcpu: 384, hostMemoryGiB: 1440, usdPerHour: 36, priceAsOf: GCE_NEW_PRICES_AS_OF },
];

/** Every catalogue row, sorted by name. */
export const INSTANCE_TYPES: readonly InstanceTypeSpec[] = Object.freeze(
  [...[...INF2, ...TRN2, ...G5, ...G6, ...G6E, ...G7E, ...P, ...P6].map(awsRow), ...TPU.map(tpuRow), ...GCE_GPU.map(gceGpuRow)].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  ),
);

// ---------------------------------------------------------------------------------------------
// TPU slices
// ---------------------------------------------------------------------------------------------

/**
 * Multi-host 2-D shapes of v5e and v6e, served on the 4-chip machine type (one GKE node per 4
 * chips). @see https://cloud.google.com/kubernetes-engine/docs/concepts/plan-tpus
 * @see https://cloud.google.com/tpu/docs/v6e (table "Supported configurations")
 */
const MULTI_HOST_2D = ['4x4', '4x8', '8x8', '8x16', '16x16'];
/** v5p 3-D shapes on ct5p-hightpu-4t (4 chips per host). @see https://cloud.google.com/tpu/docs/v5p */
const V5P_TOPOLOGIES = ['2x2x1', '2x2x2', '2x2x4', '2x4x4', '4x4x4'];

function chipsOf(topology: string): number {
  return topology.split('x').reduce((n, d) => n * Number(d), 1);
}

/**
 * TPU7x 3-D shapes on tpu7x-standard-4t (4 chips per VM): 2x2x1 is the single-host slice, every
 * larger shape is multi-host and needs a workload policy. The GKE Ironwood page and its samples
 * use 2x2x1, 2x2x2, 2x2x4, 4x4x4 and 4x8x8; the list here is the serving-sized prefix (up to 512
 * chips) of the supported topologies Google's XPK tool declares for tpu7x-standard-4t.
 * @see https://docs.cloud.google.com/kubernetes-engine/docs/concepts/tpu-ironwood
 * @see https://docs.cloud.google.com/tpu/docs/tpu7x (section "Configurations")
 * @see https://github.com/AI-Hypercomputer/xpk/blob/main/src/xpk/core/system_characteristics.py (tpu7x, tpu7x-standard-4t)
 */
const TPU7X_TOPOLOGIES = ['2x2x1', '2x2x2', '2x2x4', '2x4x4', '4x4x4', '4x4x8', '4x8x8', '8x8x8'];
/** Chips per TPU7x VM (tpu7x-standard-4t). */
const TPU7X_CHIPS_PER_HOST = 4;

function slice(accelerator: TpuAccelerator, topology: string, machineType: string, chipsPerHost: number): TpuSliceSpec {
  const chips = chipsOf(topology);
  const hosts = chips / chipsPerHost;
  return {
    accelerator,
    topology,
    machineType,
    chips,
    chipsPerHost,
    hosts,
    ...(accelerator === TpuAccelerator.TPU7X && hosts > 1 ? { requiresWorkloadPolicy: true } : {}),
  };
}

/** Every valid TPU slice shape. */
export const TPU_SLICES: readonly TpuSliceSpec[] = Object.freeze([
  slice(TpuAccelerator.TPU_V5_LITE_PODSLICE, '1x1', 'ct5lp-hightpu-1t', 1),
  slice(TpuAccelerator.TPU_V5_LITE_PODSLICE, '2x2', 'ct5lp-hightpu-4t', 4),
  slice(TpuAccelerator.TPU_V5_LITE_PODSLICE, '2x4', 'ct5lp-hightpu-8t', 8),
  ...MULTI_HOST_2D.map((t) => slice(TpuAccelerator.TPU_V5_LITE_PODSLICE, t, 'ct5lp-hightpu-4t', 4)),
  slice(TpuAccelerator.TPU_V6E_SLICE, '1x1', 'ct6e-standard-1t', 1),
  slice(TpuAccelerator.TPU_V6E_SLICE, '2x2', 'ct6e-standard-4t', 4),
  slice(TpuAccelerator.TPU_V6E_SLICE, '2x4', 'ct6e-standard-8t', 8),
  ...MULTI_HOST_2D.map((t) => slice(TpuAccelerator.TPU_V6E_SLICE, t, 'ct6e-standard-4t', 4)),
  ...V5P_TOPOLOGIES.map((t) => slice(TpuAccelerator.TPU_V5P_SLICE, t, 'ct5p-hightpu-4t', 4)),
  ...TPU7X_TOPOLOGIES.map((t) => slice(TpuAccelerator.TPU7X, t, 'tpu7x-standard-4t', TPU7X_CHIPS_PER_HOST)),
]);

/** What GKE needs to run TPU7x (Ironwood) node pools. */
export interface TpuGkeFacts {
  /** `cloud.google.com/gke-tpu-accelerator` value. */
  readonly acceleratorLabel: string;
  readonly machineType: string;
  readonly chipsPerHost: number;
  readonly vcpuPerHost: number;
  /** Host memory per VM as the TPU7x page states it, GB. */
  readonly hostMemoryGB: number;
  /** Lowest GKE Standard version with the accelerator. */
  readonly minGkeStandardVersion: string;
  /** Lowest GKE Autopilot version with the accelerator. */
  readonly minGkeAutopilotVersion: string;
  /** 3-D topologies the catalogue plans (2x2x1 is the single-host slice); each is a TPU_SLICES entry. */
  readonly topologies: string[];
  /** How a multi-host node pool is requested: a workload policy passed as `--placement-policy` (replaces `--tpu-topology`). */
  readonly multiHostPlacement: string;
  readonly source: string;
}

/**
 * TPU7x (Ironwood) on GKE: the facts a node pool or compute class needs beyond its catalogue row
 * (`tpu7x-standard-4t`) and slices. The row's price is unpublished (TPU7X_PRICE).
 * @see https://docs.cloud.google.com/kubernetes-engine/docs/concepts/tpu-ironwood
 * @see https://docs.cloud.google.com/tpu/docs/tpu7x (224 vCPU and 960 GB per 4-chip VM)
 */
export const TPU7X_GKE: TpuGkeFacts = Object.freeze({
  acceleratorLabel: 'tpu7x',
  machineType: 'tpu7x-standard-4t',
  chipsPerHost: 4,
  vcpuPerHost: 224,
  hostMemoryGB: 960,
  minGkeStandardVersion: '1.34.0-gke.2201000',
  minGkeAutopilotVersion: '1.34.1-gke.3084001',
  topologies: [...TPU7X_TOPOLOGIES],
  multiHostPlacement: 'workload policy (High throughput) applied with --placement-policy',
  source: 'https://docs.cloud.google.com/kubernetes-engine/docs/concepts/tpu-ironwood',
});

/** The GKE TPU accelerator label values. */
export const TPU_ACCELERATORS: readonly TpuAccelerator[] = [TpuAccelerator.TPU_V5_LITE_PODSLICE, TpuAccelerator.TPU_V5P_SLICE, TpuAccelerator.TPU_V6E_SLICE, TpuAccelerator.TPU7X];

// ---------------------------------------------------------------------------------------------
// Look-ups
// ---------------------------------------------------------------------------------------------

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** Up to `limit` names closest to `name` (edit distance, then alphabetical). */
export function closestNames(name: string, names: readonly string[], limit = 3): string[] {
  const lower = name.toLowerCase();
  return names
    .map((n) => ({ n, d: editDistance(lower, n.toLowerCase()) }))
    .sort((x, y) => x.d - y.d || (x.n < y.n ? -1 : 1))
    .slice(0, limit)
    .map((x) => x.n);
}

const BY_NAME = new Map(INSTANCE_TYPES.map((r) => [r.name, r]));

/** Look up a row by EC2 / GKE name or by SageMaker `ml.` name; throws InstanceTypeUnknown. */
export function instanceType(name: string): InstanceTypeSpec {
  const key = typeof name === 'string' && name.startsWith('ml.') ? name.slice(3) : name;
  const row = typeof key === 'string' ? BY_NAME.get(key) : undefined;
  if (row && (key === name || row.sagemakerInstanceType === name)) return row;
  const names = INSTANCE_TYPES.map((r) => r.name);
  const hint = typeof name === 'string' ? closestNames(name, names) : [];
  throw new InferenceConstructsError('InstanceTypeUnknown', {
    prop: 'instanceType',
    problem: 'the instance or machine type is not in the accelerator catalogue',
    received: name,
    allowed: names,
    fix: hint.length > 0 ? `use a catalogued type, e.g. ${hint.join(' or ')}` : 'use a catalogued instance type',
  });
}

/** Same as instanceType(), but the row must be offered by SageMaker; throws InstanceTypeNotOnSageMaker. */
export function sagemakerInstanceType(name: string): InstanceTypeSpec {
  const row = instanceType(name);
  if (row.sagemakerInstanceType === undefined) {
    const offered = INSTANCE_TYPES.filter((r) => r.sagemakerInstanceType !== undefined).map((r) => r.sagemakerInstanceType as string);
    throw new InferenceConstructsError('InstanceTypeNotOnSageMaker', {
      prop: 'instanceType',
      problem: 'SageMaker hosting does not offer this instance type',
      received: name,
      allowed: offered,
      fix: `pick a SageMaker hosting type such as ${closestNames(`ml.${name}`, offered).join(' or ')}, or deploy on EKS / GKE`,
    });
  }
  return row;
}

/** Look up a TPU slice; throws TpuAcceleratorUnknown / TpuTopologyInvalid. */
export function tpuSlice(accelerator: string, topology: string): TpuSliceSpec {
  if (!(TPU_ACCELERATORS as readonly string[]).includes(accelerator)) {
    throw new InferenceConstructsError('TpuAcceleratorUnknown', {
      prop: 'tpuSlice.accelerator',
      problem: 'the TPU accelerator is not in the catalogue',
      received: accelerator,
      allowed: TPU_ACCELERATORS,
      fix: `use one of the GKE label values, e.g. ${closestNames(String(accelerator), TPU_ACCELERATORS, 1)[0]}`,
    });
  }
  const found = TPU_SLICES.find((s) => s.accelerator === accelerator && s.topology === topology);
  if (found) return found;
  const valid = TPU_SLICES.filter((s) => s.accelerator === accelerator).map((s) => s.topology);
  throw new InferenceConstructsError('TpuTopologyInvalid', {
    prop: 'tpuSlice.topology',
    problem: `the topology is not valid for ${accelerator}`,
    received: topology,
    allowed: valid,
    fix: `pick one of the ${accelerator} topologies, e.g. ${closestNames(String(topology), valid, 1)[0]}`,
  });
}

/** The single-host slice a TPU machine type forms on its own (ct5lp-hightpu-8t: 2x4); undefined for other rows. */
export function singleHostSlice(machineType: string): TpuSliceSpec | undefined {
  return TPU_SLICES.find((s) => s.machineType === machineType && s.hosts === 1);
}

/** The GKE node selector of a TPU slice: accelerator and topology labels. */
export function tpuNodeSelector(sliceSpec: TpuSliceSpec): { [key: string]: string } {
  return { [GKE_TPU_ACCELERATOR_LABEL]: sliceSpec.accelerator, [GKE_TPU_TOPOLOGY_LABEL]: sliceSpec.topology };
}

/** Prices of catalogue rows, for the planner and reports. */
export class Pricing {
  /** True unless the row's vendor publishes no list price (`published: false`). */
  public static isPublished(price: ReferencePrice): boolean {
    return price.published !== false;
  }

  /**
   * The price per node (or TPU host) hour to plan with: `override` when given (the caller's
   * `pricePerNodeHourUsd`), else the row's published list price. Throws PriceUnknown for a row
   * whose price is unpublished (TPU7x) when no override is given, naming the prop to set.
   */
  public static perNodeHourUsd(row: InstanceTypeSpec, override?: number): number {
    if (override !== undefined) return override;
    if (Pricing.isPublished(row.price)) return row.price.usdPerHour;
    throw new InferenceConstructsError('PriceUnknown', {
      prop: 'pricePerNodeHourUsd',
      problem: `${row.name} has no published on-demand list price (${row.price.source}, read ${row.price.asOf})`,
      received: undefined,
      allowed: 'a non-negative finite number of USD per node hour: the rate of your reservation or contract',
      fix: `set pricePerNodeHourUsd to what one ${row.name} node costs you per hour`,
    });
  }

  private constructor() {}
}

/**
 * The accelerator catalogue, for every language: look-ups of instance / machine types and TPU
 * slices, and copies of the catalogue's tables.
 *
 * The same rows as the TypeScript functions `instanceType`, `sagemakerInstanceType`, `tpuSlice`
 * and `singleHostSlice` return (the rows are the catalogue's own objects; the lists are fresh
 * arrays, so a caller cannot reorder the catalogue).
 *
 * @example
 * const slice = AcceleratorCatalog.tpuSlice('tpu-v5-lite-podslice', '2x4');
 * const inf2 = AcceleratorCatalog.instanceType('inf2.xlarge');
 */
export class AcceleratorCatalog {
  /** ISO date the EC2 and GKE on-demand reference prices were read (rows may carry a later `price.asOf`). */
  public static readonly PRICES_AS_OF: string = PRICES_AS_OF;
  /** ISO date the SageMaker real-time hosting prices (`sagemakerPrice`) were read. */
  public static readonly SAGEMAKER_PRICES_AS_OF: string = SAGEMAKER_PRICES_AS_OF;

  /**
   * A catalogue row by EC2 / GKE name (`inf2.xlarge`, `ct5lp-hightpu-8t`) or SageMaker name
   * (`ml.inf2.xlarge`); throws `InstanceTypeUnknown` with the closest names.
   *
   * @param name the instance or machine type
   */
  public static instanceType(name: string): InstanceTypeSpec {
    return instanceType(name);
  }

  /**
   * Same as {@link AcceleratorCatalog.instanceType}, but the row must be offered by SageMaker
   * hosting; throws `InstanceTypeNotOnSageMaker`.
   *
   * @param name the instance type, with or without the `ml.` prefix
   */
  public static sagemakerInstanceType(name: string): InstanceTypeSpec {
    return sagemakerInstanceType(name);
  }

  /**
   * A valid TPU slice shape; throws `TpuAcceleratorUnknown` or `TpuTopologyInvalid`.
   *
   * @param accelerator the GKE accelerator label value (`tpu-v5-lite-podslice`, `tpu-v6e-slice`, `tpu-v5p-slice`, `tpu7x`)
   * @param topology the slice topology (`2x4`, `2x2x1`)
   */
  public static tpuSlice(accelerator: string, topology: string): TpuSliceSpec {
    return tpuSlice(accelerator, topology);
  }

  /**
   * The single-host slice a TPU machine type forms on its own (`ct5lp-hightpu-8t`: 2x4);
   * undefined for a machine type that is not a single-host TPU host.
   *
   * @param machineType a GKE TPU machine type
   */
  public static singleHostTpuSlice(machineType: string): TpuSliceSpec | undefined {
    return singleHostSlice(machineType);
  }

  /**
   * The GKE node selector of a TPU slice: the accelerator and topology labels.
   *
   * @param slice a slice from {@link AcceleratorCatalog.tpuSlice}
   */
  public static tpuNodeSelector(slice: TpuSliceSpec): { [key: string]: string } {
    return tpuNodeSelector(slice);
  }

  /** Every catalogue row, sorted by name. */
  public static instanceTypes(): InstanceTypeSpec[] {
    return [...INSTANCE_TYPES];
  }

  /** Every valid TPU slice shape, in catalogue order (by accelerator, then size). */
  public static tpuSlices(): TpuSliceSpec[] {
    return [...TPU_SLICES];
  }

  /** Every device model, in catalogue order. */
  public static devices(): DeviceSpec[] {
    return Object.values(DEVICES);
  }

  /** The GKE TPU accelerator label values the catalogue plans for. */
  public static tpuAccelerators(): string[] {
    return [...TPU_ACCELERATORS];
  }

  private constructor() {}
}
