/**
 * Capacity planner: from a model, a precision and an instance / TPU slice to a device group,
 * an operating point (concurrency), a step-time profile, latency and throughput figures,
 * replica counts and cost.
 *
 * Memory: weights + KV cache at the expected live context of `concurrentSequences` sequences +
 * a runtime overhead fraction must fit the group's usable memory; one full-length sequence
 * (`contextTokens`) must fit too (the server refuses to start otherwise).
 *
 * Throughput: a step-time model (lib/step-time.ts): decode reads the weights (or the expected
 * distinct experts) and the live KV cache at a per-interconnect bandwidth efficiency, bounded
 * below by compute at the device's dense peak, plus a fixed per-step cost per device family;
 * prefill costs compute per prompt token. Labelled `source: 'estimate'`, or the caller's
 * measured figure or measured step times (`source: 'measured'`). Every reported number is
 * rounded to a fixed precision so synthesized output built from a plan is byte-stable.
 */
import {
  type InstanceTypeSpec,
  Interconnect,
  type TpuSliceSpec,
  INSTANCE_TYPES,
  Pricing,
  instanceType as lookUpInstanceType,
  singleHostSlice,
  tpuSlice as lookUpTpuSlice,
} from './accelerators.js';
import { InferenceConstructsError } from './errors.js';
import { type ModelSpec, Precision, BYTES_PER_WEIGHT, PRECISIONS, defineModel } from './models.js';
import { PrecisionSupport, PrecisionSupportKind, type PrecisionSupportEntry } from './precision-support.js';
import { type ModelServer, serverEngine } from './servers.js';
import {
  type StepTimeProfile,
  COMPUTE_EFFICIENCY,
  bandwidthEfficiency,
  decodeStepSeconds,
  fixedStepSeconds,
  liveContextTokens,
  outputTokensPerSecond,
  timePerOutputTokenSeconds,
  timeToFirstTokenSeconds,
} from './step-time.js';
import { AcceleratorClass } from './accelerators.js';

/** What the planner optimises the operating point for when no latency targets are given. */
export enum OperatingPriority {
  /** Meet {@link DEFAULT_LATENCY_TARGETS} (a chat / API deployment), then the largest batch. */
  INTERACTIVE = 'interactive',
  /** The largest batch that fits memory (at most 256), whatever the latency: offline / batch jobs. */
  THROUGHPUT = 'throughput',
}

/** Median latency targets of one request; the planner picks the largest concurrency that meets both. */
export interface LatencyTargets {
  /** Median time per output token (inter-token latency), seconds. @default - no target */
  readonly timePerOutputTokenSeconds?: number;
  /** Median time to first token without queueing, seconds. @default - no target */
  readonly timeToFirstTokenSeconds?: number;
}

/** A TPU slice named by accelerator and topology, looked up in the catalogue. */
export interface TpuSliceReference {
  /** GKE accelerator label value, e.g. "tpu-v5-lite-podslice". */
  readonly accelerator: string;
  /** Slice topology, e.g. "2x4". */
  readonly topology: string;
}

/**
 * How to plan, whatever the model and the hardware: precision, context, request shape, latency
 * targets or operating priority, target utilisation, measured figures and prices. Shared by
 * {@link PlanInput}, `CheapestPlanInput` and the SageMaker constructs' `planning` prop.
 */
export interface PlanningOptions {
  /** Weight precision. @default the model's native precision */
  readonly precision?: Precision;
  /** KV-cache precision; fp8 is passed to the server (`--kv-cache-dtype fp8`). @default the weight precision when 16-bit, else bf16 */
  readonly kvCachePrecision?: Precision;
  /** Longest sequence the server accepts (prompt + output, `--max-model-len`). @default min(model max, 8192) */
  readonly contextTokens?: number;
  /**
   * Mean prompt tokens per request.
   * @default 1155 (mean of the Azure LLM inference trace 2023, conversation)
   */
  readonly inputTokens?: number;
  /**
   * Mean output tokens per request.
   * @default 211 (mean of the Azure LLM inference trace 2023, conversation)
   */
  readonly outputTokens?: number;
  /**
   * Sequences decoded at once per replica (the batch, `--max-num-seqs`).
   * @default the largest that fits memory at the expected live context and meets `latencyTargets`,
   * at most 256 (vLLM's default `--max-num-seqs`)
   */
  readonly concurrentSequences?: number;
  /**
   * Median latency targets the operating point must meet.
   * @default DEFAULT_LATENCY_TARGETS when operatingPriority is INTERACTIVE and the concurrency is not given
   */
  readonly latencyTargets?: LatencyTargets;
  /**
   * What the operating point favours when `latencyTargets` is unset: INTERACTIVE applies
   * {@link DEFAULT_LATENCY_TARGETS}; THROUGHPUT takes the largest batch that fits.
   * @default OperatingPriority.INTERACTIVE
   */
  readonly operatingPriority?: OperatingPriority;
  /**
   * Most nodes one NVIDIA GPU replica may span (vLLM pipeline parallel across nodes, tensor
   * parallel within each). A replica spans several nodes only when no single node holds it.
   * 1 refuses multi-node replicas.
   * @default MAX_PIPELINE_PARALLEL_NODES (4)
   */
  readonly maxNodesPerReplica?: number;
  /**
   * Spread the routed experts of a mixture-of-experts model over the tensor-parallel ranks
   * (vLLM `--enable-expert-parallel`) instead of slicing every expert. The experts must divide
   * evenly over the group (ExpertParallelInvalid).
   * @default false
   */
  readonly expertParallel?: boolean;
  /** Force a tensor-parallel degree. @default the degree with the lowest cost per output token (ties: the smallest) */
  readonly tensorParallelDegree?: number;
  /** Fraction of device memory reserved for runtime, activations and fragmentation. @default 0.10 */
  readonly runtimeOverheadFraction?: number;
  /** Measured decode tokens/s per replica; replaces the step-time estimate of throughput. @default - estimated from the step-time model */
  readonly measuredTokensPerSecondPerReplica?: number;
  /** Measured step times of one replica (e.g. fitted from a benchmark); replace the estimated profile. @default - estimated from the catalogue */
  readonly measuredStepTime?: StepTimeProfile;
  /** Peak aggregate output tokens/s to plan maxReplicas for. @default - no peak: one replica */
  readonly peakTokensPerSecond?: number;
  /** Target utilisation of each replica's throughput, (0, 1]. @default 0.7 */
  readonly targetUtilization?: number;
  /** Overrides the catalogue's price per node (or per TPU host) hour. @default the catalogue's list price */
  readonly pricePerNodeHourUsd?: number;
  /** Price the node at its SageMaker hosting rate (`sagemakerPrice`). @default true when the instance type is an `ml.` name */
  readonly sagemakerPricing?: boolean;
  /**
   * The server reads the weights into host RAM before the devices (vLLM on Neuron from a Hugging
   * Face id, SageMaker LMI neuronx): the checkpoint must fit the node's allocatable memory.
   * @default true for the vllm-neuron and djl-lmi-neuronx servers (and profiles based on them), else false
   */
  readonly loadsThroughHostMemory?: boolean;
}

/** What to plan: a model on an instance type (EC2 / SageMaker / single-host GKE machine) or a TPU slice. */
export interface PlanInput extends PlanningOptions {
  /** The model to serve. */
  readonly model: ModelSpec;
  /** Instance name (inf2.xlarge, ml.g5.12xlarge, ct5lp-hightpu-8t) or catalogue row. @default - tpuSlice must be given */
  readonly instanceType?: string | InstanceTypeSpec;
  /** TPU slice; when given, the device group is the whole slice (may span several hosts). @default - instanceType must be given */
  readonly tpuSlice?: TpuSliceSpec | TpuSliceReference;
  /** The model server; checks its precisions and whether it loads weights through host memory. @default - not checked */
  readonly modelServer?: ModelServer;
}

export interface MemoryBudget {
  readonly weightsGiB: number;
  /** KV cache of `concurrentSequences` sequences at the mean live context. */
  readonly kvCacheGiB: number;
  readonly overheadGiB: number;
  readonly totalGiB: number;
  /** Usable memory of the device group (below the marketed figure). */
  readonly availableGiB: number;
  /** totalGiB / availableGiB. */
  readonly fraction: number;
  /** KV-cache bytes per token over the group (all full-attention layers, K and V, replicated heads counted). */
  readonly kvBytesPerToken: number;
  /** Weights + one full-length sequence (`contextTokens`) + overhead: the start-up safety check. */
  readonly fullSequenceTotalGiB: number;
}

export interface ThroughputEstimate {
  /** Output tokens/s one replica sustains at the planned batch. */
  readonly tokensPerSecondPerReplica: number;
  readonly source: 'estimate' | 'measured';
  /** One line on how the figure was obtained (step-time inputs, or "measured"). */
  readonly basis: string;
}

/** Latency figures of the operating point (medians, no queueing). */
export interface LatencyEstimate {
  /** Mean time between output tokens of one sequence, seconds. */
  readonly timePerOutputTokenSeconds: number;
  /** Time to first token: prefill of a mean prompt + one decode step, seconds. */
  readonly timeToFirstTokenSeconds: number;
  /** One decode step at the planned batch, seconds. */
  readonly decodeStepSeconds: number;
  /** The targets the operating point was chosen for, when given. */
  readonly targets?: LatencyTargets;
  /** MEASURED when the step times were given (measuredStepTime), else ESTIMATE. */
  readonly source: LatencySource;
}

/** Where latency figures come from. */
export enum LatencySource {
  /** The step-time model of the device group. */
  ESTIMATE = 'estimate',
  /** Step times the caller measured (measuredStepTime). */
  MEASURED = 'measured',
}

/** Which price a cost figure uses. */
export enum PriceKind {
  /** EC2 on-demand rate of the instance. */
  EC2_ON_DEMAND = 'ec2-on-demand',
  /** SageMaker real-time hosting rate of the `ml.` instance. */
  SAGEMAKER_HOSTING = 'sagemaker-hosting',
  /** Google Cloud on-demand rate of the machine type / TPU chips. */
  GCP_ON_DEMAND = 'gcp-on-demand',
  /** The caller's `pricePerNodeHourUsd`. */
  OVERRIDE = 'override',
}

/** Host memory of a node that the server loads weights through. */
export interface HostMemoryBudget {
  /** Checkpoint GiB each replica reads into host RAM. */
  readonly loadGiB: number;
  /** Host memory pods may use: the node's memory minus the kubelet / system reservation. */
  readonly allocatableGiB: number;
}

export interface CapacityPlan {
  readonly model: ModelSpec;
  readonly precision: Precision;
  /** Native on the device, or weight-only (dequantized to 16-bit for compute). */
  readonly precisionSupport: PrecisionSupportKind;
  /** How the device serves the experts' own format (gpt-oss MXFP4 experts), when it differs from `precision` and is kept. */
  readonly expertPrecisionSupport?: PrecisionSupportKind;
  /** Format the routed experts are held in: their checkpoint format, or `precision` when the device has no path for it. Undefined for dense models. */
  readonly expertPrecision?: Precision;
  readonly kvCachePrecision: Precision;
  readonly instance: InstanceTypeSpec;
  /** TPU slice, when planned on one. */
  readonly tpuSlice?: TpuSliceSpec;
  readonly contextTokens: number;
  /** Mean prompt tokens per request the plan assumes. */
  readonly inputTokens: number;
  /** Mean output tokens per request the plan assumes. */
  readonly outputTokens: number;
  readonly concurrentSequences: number;
  /** How the concurrency was chosen. */
  readonly operatingPoint: string;
  /** Tensor-parallel degree passed to the server (NeuronCores on Inferentia2, GPUs, TPU chips). */
  readonly tensorParallelDegree: number;
  /** Devices (chips / GPUs) one replica requests per pod (per host for multi-host TPU). */
  readonly devicesPerReplica: number;
  /** NeuronCores one replica uses (Inferentia2 only). */
  readonly neuronCoresPerReplica?: number;
  /** Hosts (nodes) one replica spans: 1 except multi-host TPU slices and pipelined GPU replicas. */
  readonly hostsPerReplica: number;
  /**
   * Pipeline-parallel degree (`--pipeline-parallel-size`): nodes of an NVIDIA GPU replica, each
   * holding a contiguous share of the layers; 1 for every other plan.
   */
  readonly pipelineParallelDegree: number;
  /** True when the routed experts are spread over the ranks (`--enable-expert-parallel`). */
  readonly expertParallel: boolean;
  /** Replicas that fit on one node (1 for multi-host). */
  readonly replicasPerNode: number;
  /** The link between the devices of one replica ('none' for one device). */
  readonly interconnect: Interconnect;
  readonly memory: MemoryBudget;
  /** Host memory, where the server loads weights through it. */
  readonly hostMemory?: HostMemoryBudget;
  /** Step times of one replica; throughput and latency derive from it. */
  readonly stepTime: StepTimeProfile;
  readonly latency: LatencyEstimate;
  readonly throughput: ThroughputEstimate;
  readonly targetUtilization: number;
  /** tokensPerSecondPerReplica x targetUtilization: the scaling target. */
  readonly targetTokensPerSecondPerReplica: number;
  /** Replicas needed for peakTokensPerSecond at the target utilisation (1 when no peak given). */
  readonly replicasForPeak: number;
  /** What the plan costs. */
  readonly cost: PlanCost;
}

/** What a plan costs, at the catalogue (or given) price. */
export interface PlanCost {
  readonly perNodeHourUsd: number;
  /** Cost of one replica per hour: node price / replicas per node (idle devices are charged). */
  readonly perReplicaHourUsd: number;
  /** Cost per million output tokens at the target utilisation. */
  readonly perMillionTokensUsd: number;
  readonly priceKind: PriceKind;
  readonly priceSource: string;
}

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

/** Default longest sequence: 8192 tokens, a common serving limit (vLLM `--max-model-len`), capped at the model's maximum. */
export const DEFAULT_CONTEXT_TOKENS = 8192;
/**
 * Default mean prompt and output tokens per request: the means of the Azure LLM inference trace
 * 2023, conversation (19,366 requests: 1,154.7 prompt, 211.1 output tokens).
 * @see https://github.com/Azure/AzurePublicDataset/blob/master/AzureLLMInferenceDataset2023.md
 */
export const DEFAULT_INPUT_TOKENS = 1155;
/** @see DEFAULT_INPUT_TOKENS */
export const DEFAULT_OUTPUT_TOKENS = 211;
/**
 * Largest default concurrency: vLLM's default `max_num_seqs` (256).
 * @see https://docs.vllm.ai/en/v0.11.0/configuration/engine_args.html
 */
export const DEFAULT_MAX_CONCURRENT_SEQUENCES = 256;
/**
 * Default share of the group's memory kept free for the runtime, activations, CUDA graphs /
 * Neuron buffers and fragmentation. vLLM's default `--gpu-memory-utilization` is 0.9, i.e. 10 %
 * held back. @see https://docs.vllm.ai/en/latest/configuration/engine_args.html
 */
export const DEFAULT_RUNTIME_OVERHEAD_FRACTION = 0.1;
/**
 * Default median latency targets of an interactive (chat / API) deployment: time to first
 * token 2 s and time per output token 200 ms, the server-scenario latency constraints of MLPerf
 * Inference's Llama 2 70B benchmark (`loadgen/mlperf.conf`: `llama2-70b.Server.ttft_latency =
 * 2000`, `llama2-70b.Server.tpot_latency = 200`, in ms; the later interactive scenario is
 * stricter, 450 ms / 40 ms). 200 ms per token is 5 tokens/s, about 225 words a minute, at or
 * above the reading speed of most readers, so a streamed answer does not wait on the model.
 * Stricter products set `latencyTargets`.
 * @see https://github.com/mlcommons/inference/blob/master/loadgen/mlperf.conf
 * @see https://mlcommons.org/2024/03/mlperf-llama2-70b/
 */
export const DEFAULT_LATENCY_TARGETS: LatencyTargets = Object.freeze({ timePerOutputTokenSeconds: 0.2, timeToFirstTokenSeconds: 2 });
/**
 * Most nodes a pipelined NVIDIA GPU replica spans by default. vLLM documents tensor parallel
 * within a node and pipeline parallel across nodes ("the tensor parallel size is the number of
 * GPUs in each node, and the pipeline parallel size is the number of nodes"); four 8-GPU nodes
 * hold 2.5 TB of H100 memory, more than any catalogued model needs.
 * @see https://docs.vllm.ai/en/v0.11.0/serving/parallelism_scaling.html
 */
export const MAX_PIPELINE_PARALLEL_NODES = 4;
/** Default target utilisation of a replica's throughput: headroom for bursts while scaling out. */
export const DEFAULT_TARGET_UTILIZATION = 0.7;
/**
 * Whole-node tensor-parallel degrees Neuron uses besides powers of two: 12 NeuronCores on
 * inf2.24xlarge, 24 on inf2.48xlarge. At these degrees Neuron pads the attention heads (and
 * replicates the KV heads) to a multiple of the degree, so they need not divide the heads; AWS
 * publishes Llama 3 8B and 70B at TP 24.
 * @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/libraries/nxd-inference/developer_guides/feature-guide.html
 * @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/benchmarks/inf2/inf2-performance.html
 */
export const NEURON_WHOLE_NODE_TP_DEGREES: readonly number[] = [12, 24];
/**
 * Kubelet memory reservation of the EKS-optimized AMIs (AL2023 nodeadm, Bottlerocket):
 * `11 MiB x maxPods + 255 MiB`, plus the `memory.available` hard-eviction threshold of 100 MiB.
 * maxPods is taken at the EKS max-pods calculator's cap (110 below 30 vCPUs, else 250), the
 * largest reservation a node can get. SageMaker publishes no reservation for its hosts; the
 * same figure is used there.
 * @see https://github.com/awslabs/amazon-eks-ami/blob/main/nodeadm/internal/kubelet/config.go
 * @see https://github.com/awslabs/amazon-eks-ami/blob/main/templates/al2/runtime/max-pods-calculator.sh
 */
export const KUBELET_RESERVED_MIB_PER_POD = 11;
/** @see KUBELET_RESERVED_MIB_PER_POD */
export const KUBELET_RESERVED_BASE_MIB = 255;
/** @see KUBELET_RESERVED_MIB_PER_POD */
export const EVICTION_HARD_MEMORY_MIB = 100;
/** @see KUBELET_RESERVED_MIB_PER_POD */
function maxPodsForReservation(vcpu: number): number {
  return vcpu < 30 ? 110 : 250;
}
/**
 * Model servers that can run a replica pipelined across nodes: vLLM on CUDA with
 * `--pipeline-parallel-size` over a Ray cluster. TGI shards over one node's GPUs only
 * (`--num-shard`); the Neuron and TPU profiles have no cross-node pipeline here.
 * @see https://docs.vllm.ai/en/v0.11.0/serving/parallelism_scaling.html
 */
const PIPELINE_PARALLEL_SERVERS: string[] = ['vllm'];
/** Model servers that read the weights into host memory before the devices. */
const HOST_LOADING_SERVERS: readonly string[] = ['vllm-neuron', 'djl-lmi-neuronx'];

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const SECONDS_PER_HOUR = 3600;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
const gib = (bytes: number): number => round(bytes / GIB, 2);
/** Seconds to a stable precision (nanoseconds). */
const seconds = (s: number): number => round(s, 9);

function isPositiveInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0;
}
function isPositiveFinite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}

function catalogueMissing(instance: InstanceTypeSpec, field: string, fix: string): InferenceConstructsError {
  return new InferenceConstructsError('CatalogueDataMissing', {
    prop: 'instanceType',
    problem: `the catalogue row ${instance.name} (${instance.device.displayName}) has no ${field}`,
    received: instance.name,
    allowed: `a row with ${field}`,
    fix,
  });
}

/** One way to split the model over the instance. */
interface DeviceGroup {
  /** Tensor-parallel degree: NeuronCores, GPUs or TPU chips. */
  readonly tp: number;
  /** Usable memory of the group, bytes. */
  readonly memoryBytes: number;
  /** Peak bandwidth of the group, bytes/s. */
  readonly bandwidthBytesPerSecond: number;
  /** Share of one device this group's rank is (Neuron: 1/2 per core). */
  readonly devicesPerRank: number;
  readonly devicesPerReplica: number;
  readonly hostsPerReplica: number;
  /** Pipeline stages (nodes) of a GPU replica; 1 otherwise. */
  readonly pp: number;
  readonly neuronCores?: number;
  /** True at Neuron whole-node degrees, where heads are padded to a multiple of the degree. */
  readonly padsHeads: boolean;
  /** Words for messages, e.g. "TP 2 (2 NeuronCores on 1 AWS Inferentia2)". */
  readonly describe: string;
}

function usableDeviceBytes(instance: InstanceTypeSpec): number {
  // usableMemoryGiB defaults to memoryGiB by the catalogue's contract (lib/accelerators.ts).
  return (instance.device.usableMemoryGiB ?? instance.device.memoryGiB) * GIB;
}

function neuronGroups(instance: InstanceTypeSpec): DeviceGroup[] {
  const coresPerDevice = instance.device.neuronCoresPerDevice ?? 2;
  const cores = instance.neuronCoresPerNode ?? instance.devicesPerNode * coresPerDevice;
  const perCoreBytes = usableDeviceBytes(instance) / coresPerDevice;
  const perCoreBandwidth = (instance.device.memoryBandwidthGBps * 1e9) / coresPerDevice;
  const degrees: number[] = [];
  for (let tp = 1; tp <= cores; tp *= 2) degrees.push(tp);
  if (NEURON_WHOLE_NODE_TP_DEGREES.includes(cores) && !degrees.includes(cores)) degrees.push(cores);
  return degrees.map((tp) => {
    const devices = Math.ceil(tp / coresPerDevice);
    return {
      tp,
      memoryBytes: tp * perCoreBytes,
      bandwidthBytesPerSecond: tp * perCoreBandwidth,
      devicesPerRank: 1 / coresPerDevice,
      devicesPerReplica: devices,
      hostsPerReplica: 1,
      pp: 1,
      neuronCores: tp,
      padsHeads: NEURON_WHOLE_NODE_TP_DEGREES.includes(tp),
      describe: `TP ${tp} (${tp} NeuronCores on ${devices} x ${instance.device.displayName})`,
    };
  });
}

function gpuGroups(instance: InstanceTypeSpec, maxNodes = 1): DeviceGroup[] {
  const groups: DeviceGroup[] = [];
  for (let tp = 1; tp <= instance.devicesPerNode; tp *= 2) {
    groups.push({
      tp,
      memoryBytes: tp * usableDeviceBytes(instance),
      bandwidthBytesPerSecond: tp * instance.device.memoryBandwidthGBps * 1e9,
      devicesPerRank: 1,
      devicesPerReplica: tp,
      hostsPerReplica: 1,
      pp: 1,
      padsHeads: false,
      describe: `TP ${tp} (${tp} x ${instance.device.displayName})`,
    });
  }
  // Pipelined replicas: every GPU of each node (one pod per node requests the whole node), the
  // layers split over the nodes. Only for rows with more than one GPU per node.
  const tp = instance.devicesPerNode;
  if (tp > 1 && (tp & (tp - 1)) === 0) {
    for (let pp = 2; pp <= maxNodes; pp++) {
      groups.push({
        tp,
        memoryBytes: pp * tp * usableDeviceBytes(instance),
        // Bandwidth of one stage (node): the stages run one after another for a micro-batch.
        bandwidthBytesPerSecond: tp * instance.device.memoryBandwidthGBps * 1e9,
        devicesPerRank: 1,
        devicesPerReplica: tp,
        hostsPerReplica: pp,
        pp,
        padsHeads: false,
        describe: `TP ${tp} x PP ${pp} (${pp} nodes of ${tp} x ${instance.device.displayName})`,
      });
    }
  }
  return groups;
}

function tpuGroup(instance: InstanceTypeSpec, slice: TpuSliceSpec): DeviceGroup {
  return {
    tp: slice.chips,
    memoryBytes: slice.chips * usableDeviceBytes(instance),
    bandwidthBytesPerSecond: slice.chips * instance.device.memoryBandwidthGBps * 1e9,
    devicesPerRank: 1,
    devicesPerReplica: slice.chipsPerHost,
    hostsPerReplica: slice.hosts,
    pp: 1,
    padsHeads: false,
    describe: `TP ${slice.chips} (${slice.accelerator} ${slice.topology}: ${slice.chips} chips on ${slice.hosts} host${slice.hosts === 1 ? '' : 's'})`,
  };
}

function resolveInstance(value: string | InstanceTypeSpec): InstanceTypeSpec {
  return typeof value === 'string' ? lookUpInstanceType(value) : value;
}

function resolveSlice(value: NonNullable<PlanInput['tpuSlice']>): TpuSliceSpec {
  return lookUpTpuSlice(value.accelerator, value.topology);
}

interface Target {
  readonly instance: InstanceTypeSpec;
  readonly slice?: TpuSliceSpec;
  /** Valid groups, ascending by TP, before the head-divisibility filter. */
  readonly groups: readonly DeviceGroup[];
  /** Name for messages and the prop that named it. */
  readonly label: string;
  readonly prop: 'instanceType' | 'tpuSlice';
}

function resolveTarget(input: PlanInput, maxNodes: number): Target {
  if ((input.instanceType === undefined) === (input.tpuSlice === undefined)) {
    throw new InferenceConstructsError('PlanTargetAmbiguous', {
      prop: 'instanceType',
      problem: 'exactly one of instanceType and tpuSlice must be given',
      received: { instanceType: input.instanceType === undefined ? undefined : '(set)', tpuSlice: input.tpuSlice },
      allowed: 'either instanceType or tpuSlice',
      fix: 'pass instanceType for EC2 / SageMaker / single-host TPU machines, or tpuSlice for a TPU slice',
    });
  }
  if (input.tpuSlice !== undefined) {
    const slice = resolveSlice(input.tpuSlice);
    const instance = lookUpInstanceType(slice.machineType);
    return { instance, slice, groups: [tpuGroup(instance, slice)], label: `${slice.accelerator} ${slice.topology}`, prop: 'tpuSlice' };
  }
  const instance = resolveInstance(input.instanceType as string | InstanceTypeSpec);
  if (instance.acceleratorClass === AcceleratorClass.TPU) {
    const slice = singleHostSlice(instance.name);
    if (slice === undefined) {
      // Every TPU machine type in the catalogue forms a single-host slice; a hand-made row may not.
      throw new InferenceConstructsError('TpuTopologyInvalid', {
        prop: 'instanceType',
        problem: 'the TPU machine type forms no single-host slice',
        received: instance.name,
        allowed: 'a catalogued TPU machine type',
        fix: 'pass tpuSlice: { accelerator, topology } instead',
      });
    }
    return { instance, slice, groups: [tpuGroup(instance, slice)], label: instance.name, prop: 'instanceType' };
  }
  const groups = instance.acceleratorClass === AcceleratorClass.INFERENTIA2 ? neuronGroups(instance) : gpuGroups(instance, maxNodes);
  return { instance, groups, label: instance.name, prop: 'instanceType' };
}

function checkPrecision(prop: string, value: unknown): void {
  if (!(PRECISIONS as readonly unknown[]).includes(value)) {
    throw new InferenceConstructsError('PrecisionUnsupported', {
      prop,
      problem: 'the precision is not a supported weight format',
      received: value,
      allowed: PRECISIONS,
      fix: 'use bf16 (or fp8 / int8 / int4 for quantized weights)',
    });
  }
}

/**
 * Tensor-parallel rules of the servers, before memory:
 * - the attention heads divide over the ranks, and the KV heads either divide over the ranks
 *   (TP <= KV heads) or the ranks are a multiple of them (each KV head replicated TP / KV heads
 *   times). vLLM: ModelConfig.verify_with_parallel_config ("Total number of attention heads (..)
 *   must be divisible by tensor parallel size (..)") and QKVParallelLinear (`divide(total_num_kv_heads,
 *   tp_size)` / `divide(tp_size, total_num_kv_heads)`, "10 is not divisible by 4").
 *   @see https://github.com/vllm-project/vllm/blob/v0.11.0/vllm/model_executor/layers/linear.py
 * - Neuron at whole-node degrees pads heads to a multiple of the degree (no divisibility rule).
 */
function tpValid(model: ModelSpec, group: DeviceGroup): boolean {
  if (group.padsHeads) return true;
  const { tp } = group;
  if (model.attentionHeads % tp !== 0) return false;
  if (model.kvLatentDim !== undefined) return true; // MLA: one latent per layer, replicated on every rank
  return tp <= model.kvHeads ? model.kvHeads % tp === 0 : tp % model.kvHeads === 0;
}

/** KV heads the group stores in all: replicated or padded up to a multiple of the degree. */
function storedKvHeads(model: ModelSpec, tp: number): number {
  return model.kvHeads % tp === 0 ? model.kvHeads : Math.ceil(model.kvHeads / tp) * tp;
}

/** KV-cache layout over the group. */
interface KvLayout {
  /** Bytes per token of one layer (all ranks). */
  readonly bytesPerTokenPerLayer: number;
  readonly fullLayers: number;
  readonly windowLayers: number;
  readonly window: number;
}

function kvLayout(model: ModelSpec, kvPrecision: Precision, tp: number): KvLayout {
  const bytes = BYTES_PER_WEIGHT[kvPrecision];
  // MLA caches one latent vector per token per layer, and every TP rank holds all of it.
  const perLayer = model.kvLatentDim !== undefined ? model.kvLatentDim * bytes * tp : 2 * storedKvHeads(model, tp) * model.headDim * bytes;
  const windowLayers = model.slidingWindowTokens !== undefined ? (model.slidingWindowLayers ?? 0) : 0;
  return { bytesPerTokenPerLayer: perLayer, fullLayers: model.layers - windowLayers, windowLayers, window: model.slidingWindowTokens ?? 0 };
}

/** KV bytes of one sequence holding `tokens` tokens (sliding-window layers keep at most the window). */
function kvSequenceBytes(kv: KvLayout, tokens: number): number {
  return kv.bytesPerTokenPerLayer * (kv.fullLayers * tokens + kv.windowLayers * Math.min(tokens, kv.window));
}

/**
 * Parameters of the routed experts and of the rest (attention, router, embeddings, shared
 * experts): from active = shared + k x perExpert and total = shared + E x perExpert, or the
 * given `sharedParametersBillion`. Undefined for dense models or without expert counts.
 */
function expertSplit(model: ModelSpec): { shared: number; experts: number; perExpert: number } | undefined {
  const total = model.parametersBillion * 1e9;
  const active = (model.activeParametersBillion ?? model.parametersBillion) * 1e9;
  const E = model.experts;
  const k = model.expertsPerToken;
  if (active >= total || E === undefined || k === undefined || E <= k) return undefined;
  const perExpert = (total - active) / (E - k);
  const shared = model.sharedParametersBillion !== undefined ? model.sharedParametersBillion * 1e9 : total - E * perExpert;
  return { shared, experts: total - shared, perExpert };
}

/**
 * Bytes of the expert weights: served in the checkpoint's `expertPrecision` (gpt-oss: MXFP4
 * experts, BF16 elsewhere) when the plan serves the native checkpoint, else in the planned precision.
 */
function expertBytesPerWeight(model: ModelSpec, precision: Precision): number {
  return model.expertPrecision !== undefined && precision === model.nativePrecision ? BYTES_PER_WEIGHT[model.expertPrecision] : BYTES_PER_WEIGHT[precision];
}

/** Bytes of all weights at `precision` (experts in their own format, see {@link expertBytesPerWeight}). */
function modelWeightBytes(model: ModelSpec, precision: Precision): number {
  const split = expertSplit(model);
  if (split === undefined) return model.parametersBillion * 1e9 * BYTES_PER_WEIGHT[precision];
  return split.shared * BYTES_PER_WEIGHT[precision] + split.experts * expertBytesPerWeight(model, precision);
}

/**
 * Weight bytes one decode step reads for `batch` sequences. Mixture of experts: the shared
 * parameters plus the expected distinct experts, E x (1 - (1 - k/E)^batch) per layer for E
 * routed experts and k per token (uniform routing). Without the expert counts, at most the active
 * parameters per sequence and never more than all weights.
 */
function weightBytesPerStep(model: ModelSpec, precision: Precision, batch: number): { bytes: number; words: string } {
  const bytes = BYTES_PER_WEIGHT[precision];
  const total = model.parametersBillion * 1e9;
  const active = (model.activeParametersBillion ?? model.parametersBillion) * 1e9;
  if (active >= total) return { bytes: total * bytes, words: 'all weights' };
  const E = model.experts;
  const k = model.expertsPerToken;
  const split = expertSplit(model);
  if (E !== undefined && k !== undefined && split !== undefined) {
    const { perExpert, shared } = split;
    const distinct = E * (1 - (1 - k / E) ** batch);
    const expertBytes = expertBytesPerWeight(model, precision);
    return {
      bytes: shared * bytes + distinct * perExpert * expertBytes,
      words: `shared weights + ${distinct.toFixed(2)} of ${E} experts expected per layer`,
    };
  }
  return { bytes: Math.min(total, active * batch) * bytes, words: 'active weights per sequence, capped at all weights' };
}

interface Evaluated {
  readonly group: DeviceGroup;
  readonly batch: number;
  readonly interconnect: Interconnect;
  readonly profile: StepTimeProfile;
  readonly tokensPerSecond: number;
  readonly perReplicaHourUsd: number;
  readonly replicasPerNode: number;
  readonly weightWords: string;
  readonly weightBytes: number;
  readonly kvReadBytes: number;
  readonly operatingPoint: string;
}

// ---------------------------------------------------------------------------------------------
// planCapacity
// ---------------------------------------------------------------------------------------------

/**
 * Plan one deployment; throws ModelDoesNotFit, TensorParallelInvalid, ContextTooLong,
 * PrecisionNotServable, LatencyTargetUnreachable, HostMemoryInsufficient, CatalogueDataMissing, ...
 */
export function planCapacity(input: PlanInput): CapacityPlan {
  const model = defineModel(input.model);
  const maxNodes = input.maxNodesPerReplica ?? MAX_PIPELINE_PARALLEL_NODES;
  if (!isPositiveInteger(maxNodes)) {
    throw new InferenceConstructsError('NodesPerReplicaInvalid', {
      prop: 'maxNodesPerReplica',
      problem: 'maxNodesPerReplica is not a positive integer',
      received: input.maxNodesPerReplica,
      allowed: 'an integer from 1 (single-node replicas only) up',
      fix: `use 1 to refuse multi-node replicas, or leave it unset for up to ${MAX_PIPELINE_PARALLEL_NODES} nodes`,
    });
  }
  const priority = input.operatingPriority ?? OperatingPriority.INTERACTIVE;
  if (!Object.values(OperatingPriority).includes(priority)) {
    throw new InferenceConstructsError('OperatingPriorityUnknown', {
      prop: 'operatingPriority',
      problem: 'operatingPriority is not a known priority',
      received: input.operatingPriority,
      allowed: Object.values(OperatingPriority),
      fix: 'use OperatingPriority.INTERACTIVE (default latency targets) or OperatingPriority.THROUGHPUT (largest batch)',
    });
  }
  const target = resolveTarget(input, maxNodes);
  const { instance } = target;

  const precision = input.precision ?? model.nativePrecision;
  checkPrecision('precision', precision);
  const moe = model.activeParametersBillion !== undefined && model.activeParametersBillion < model.parametersBillion;
  const support = PrecisionSupport.check(instance.device, precision, moe);
  // Experts kept in their own format (gpt-oss MXFP4) need a path for it in MoE layers. Where the
  // device has none (Inferentia2, Trainium2, TPU: MX formats are Trn3-only in the vLLM Neuron
  // plugin's matrix, which serves GPT-OSS in BF16 on Trn2), the experts are dequantized at load
  // to the planned precision and sized so.
  let expertSupport: PrecisionSupportEntry | undefined;
  if (model.expertPrecision !== undefined && precision === model.nativePrecision && model.expertPrecision !== precision) {
    try {
      expertSupport = PrecisionSupport.check(instance.device, model.expertPrecision, true);
    } catch (e) {
      if (!(e instanceof InferenceConstructsError && e.code === 'PrecisionNotServable')) throw e;
    }
  }
  const expertsDequantized = model.expertPrecision !== undefined && precision === model.nativePrecision && model.expertPrecision !== precision && expertSupport === undefined;
  const sizingModel: ModelSpec = expertsDequantized ? { ...model, expertPrecision: undefined } : model;
  if (expertSupport !== undefined && input.modelServer !== undefined && !input.modelServer.profile.precisions.includes(model.expertPrecision as Precision)) {
    throw new InferenceConstructsError('PrecisionNotServable', {
      prop: 'modelServer',
      problem: `the experts of ${model.name} are ${model.expertPrecision} and model server "${input.modelServer.name}" cannot serve ${model.expertPrecision} weights`,
      received: input.modelServer.name,
      allowed: input.modelServer.profile.precisions,
      fix: `serve ${model.name} with vllm on NVIDIA GPUs, or plan a dequantized checkpoint (precision other than the native one)`,
    });
  }
  if (input.modelServer !== undefined && !input.modelServer.profile.precisions.includes(precision)) {
    throw new InferenceConstructsError('PrecisionNotServable', {
      prop: 'precision',
      problem: `model server "${input.modelServer.name}" cannot serve ${precision} weights`,
      received: precision,
      allowed: input.modelServer.profile.precisions,
      fix: `plan one of ${input.modelServer.profile.precisions.join(', ')}, or pick a server that serves ${precision}`,
    });
  }
  const kvCachePrecision = input.kvCachePrecision ?? (BYTES_PER_WEIGHT[precision] === 2 ? precision : Precision.BF16);
  checkPrecision('kvCachePrecision', kvCachePrecision);

  const contextTokens = input.contextTokens ?? Math.min(model.maxContextTokens, DEFAULT_CONTEXT_TOKENS);
  if (!isPositiveInteger(contextTokens)) {
    throw new InferenceConstructsError('ContextTokensInvalid', {
      prop: 'contextTokens',
      problem: 'contextTokens is not a positive integer',
      received: input.contextTokens,
      allowed: `an integer from 1 to ${model.maxContextTokens}`,
      fix: 'give the longest prompt + output a request may use, e.g. 8192',
    });
  }
  if (contextTokens > model.maxContextTokens) {
    throw new InferenceConstructsError('ContextTooLong', {
      prop: 'contextTokens',
      problem: `the context is longer than ${model.name} supports`,
      received: contextTokens,
      allowed: `an integer from 1 to ${model.maxContextTokens}`,
      fix: `lower contextTokens to at most ${model.maxContextTokens}`,
    });
  }
  const inputTokens = input.inputTokens ?? Math.min(DEFAULT_INPUT_TOKENS, Math.floor((contextTokens * DEFAULT_INPUT_TOKENS) / (DEFAULT_INPUT_TOKENS + DEFAULT_OUTPUT_TOKENS)));
  const outputTokens = input.outputTokens ?? Math.max(1, Math.min(DEFAULT_OUTPUT_TOKENS, contextTokens - inputTokens));
  for (const [prop, v] of [['inputTokens', inputTokens], ['outputTokens', outputTokens]] as const) {
    if (!isPositiveFinite(v)) {
      throw new InferenceConstructsError('RequestShapeInvalid', {
        prop,
        problem: `${prop} is not a positive number`,
        received: v,
        allowed: 'a positive mean number of tokens per request',
        fix: `give the mean ${prop === 'inputTokens' ? 'prompt' : 'output'} tokens of your requests, or leave it unset for the default`,
      });
    }
  }
  if (inputTokens + outputTokens > contextTokens) {
    throw new InferenceConstructsError('RequestShapeInvalid', {
      prop: 'inputTokens',
      problem: `a mean request (${inputTokens} in + ${outputTokens} out) is longer than contextTokens (${contextTokens})`,
      received: { inputTokens, outputTokens },
      allowed: `inputTokens + outputTokens <= contextTokens (${contextTokens})`,
      fix: 'raise contextTokens or check the mean request lengths',
    });
  }
  if (input.concurrentSequences !== undefined && !isPositiveInteger(input.concurrentSequences)) {
    throw new InferenceConstructsError('ConcurrencyInvalid', {
      prop: 'concurrentSequences',
      problem: 'concurrentSequences is not a positive integer',
      received: input.concurrentSequences,
      allowed: 'a positive integer (sequences decoded at once per replica)',
      fix: 'use e.g. 32, or leave it unset to pick the largest batch that fits and meets the latency targets',
    });
  }
  // Default targets choose the concurrency; a caller-given concurrency is planned as given.
  const defaultTargets = input.latencyTargets === undefined && priority === OperatingPriority.INTERACTIVE && input.concurrentSequences === undefined;
  const targets = input.latencyTargets ?? (defaultTargets ? DEFAULT_LATENCY_TARGETS : undefined);
  for (const prop of ['timePerOutputTokenSeconds', 'timeToFirstTokenSeconds'] as const) {
    const v = targets?.[prop];
    if (v !== undefined && !isPositiveFinite(v)) {
      throw new InferenceConstructsError('LatencyTargetInvalid', {
        prop: `latencyTargets.${prop}`,
        problem: 'the latency target is not a positive finite number of seconds',
        received: v,
        allowed: 'a positive number of seconds, e.g. 0.05',
        fix: 'give the median target in seconds (50 ms = 0.05), or leave it unset',
      });
    }
  }
  if (input.measuredStepTime !== undefined) {
    for (const [k, v] of Object.entries(input.measuredStepTime)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new InferenceConstructsError('StepTimeInvalid', {
          prop: `measuredStepTime.${k}`,
          problem: 'a step-time field is not a non-negative finite number of seconds',
          received: v,
          allowed: 'a non-negative finite number of seconds',
          fix: 'fit the profile from a benchmark at two batch sizes, or leave measuredStepTime unset',
        });
      }
    }
  }
  const overheadFraction = input.runtimeOverheadFraction ?? DEFAULT_RUNTIME_OVERHEAD_FRACTION;
  if (typeof overheadFraction !== 'number' || !Number.isFinite(overheadFraction) || overheadFraction < 0 || overheadFraction >= 1) {
    throw new InferenceConstructsError('RuntimeOverheadInvalid', {
      prop: 'runtimeOverheadFraction',
      problem: 'runtimeOverheadFraction is not in [0, 1)',
      received: input.runtimeOverheadFraction,
      allowed: 'a number from 0 (inclusive) to 1 (exclusive)',
      fix: `use ${DEFAULT_RUNTIME_OVERHEAD_FRACTION} (the vLLM default headroom) unless you have measured the runtime's footprint`,
    });
  }
  const targetUtilization = input.targetUtilization ?? DEFAULT_TARGET_UTILIZATION;
  if (typeof targetUtilization !== 'number' || !Number.isFinite(targetUtilization) || targetUtilization <= 0 || targetUtilization > 1) {
    throw new InferenceConstructsError('UtilizationOutOfRange', {
      prop: 'targetUtilization',
      problem: 'the target utilisation is not in (0, 1]',
      received: input.targetUtilization,
      allowed: 'a number greater than 0 and at most 1',
      fix: `use a fraction such as ${DEFAULT_TARGET_UTILIZATION} (70 % of a replica's throughput), not a percentage`,
    });
  }
  for (const prop of ['measuredTokensPerSecondPerReplica', 'peakTokensPerSecond'] as const) {
    const v = input[prop];
    if (v !== undefined && !isPositiveFinite(v)) {
      throw new InferenceConstructsError('ThroughputInvalid', {
        prop,
        problem: `${prop} is not a positive finite number`,
        received: v,
        allowed: 'a positive finite number of output tokens per second',
        fix: prop === 'peakTokensPerSecond' ? 'give the busiest hour\'s aggregate output tokens/s, or leave it unset' : 'give the benchmarked decode tokens/s of one replica, or leave it unset for the estimate',
      });
    }
  }
  const priceOverride = input.pricePerNodeHourUsd;
  if (priceOverride !== undefined && (typeof priceOverride !== 'number' || !Number.isFinite(priceOverride) || priceOverride < 0)) {
    throw new InferenceConstructsError('PriceInvalid', {
      prop: 'pricePerNodeHourUsd',
      problem: 'the price is not a non-negative finite number',
      received: priceOverride,
      allowed: 'a non-negative finite number of USD per node hour',
      fix: `give the hourly price you pay for ${instance.name}, or leave it unset for the catalogue price (${Pricing.isPublished(instance.price) ? instance.price.usdPerHour : 'unpublished'})`,
    });
  }

  // Price: which rate the node is charged at.
  const sagemakerPricing = input.sagemakerPricing ?? (typeof input.instanceType === 'string' && input.instanceType.startsWith('ml.'));
  let perNodeHourUsd: number;
  let priceKind: PriceKind;
  let priceSource: string;
  if (priceOverride !== undefined) {
    perNodeHourUsd = priceOverride;
    priceKind = PriceKind.OVERRIDE;
    priceSource = 'override: pricePerNodeHourUsd';
  } else if (sagemakerPricing) {
    const sm = instance.sagemakerPrice;
    if (sm === undefined) throw catalogueMissing(instance, 'sagemakerPrice', 'add the ml. hosting price to the row in lib/accelerators.ts, or pass pricePerNodeHourUsd');
    perNodeHourUsd = sm.usdPerHour;
    priceKind = PriceKind.SAGEMAKER_HOSTING;
    priceSource = `${sm.source} (${sm.region}, SageMaker real-time hosting ${instance.sagemakerInstanceType ?? instance.name}, ${sm.asOf})`;
  } else {
    perNodeHourUsd = Pricing.perNodeHourUsd(instance, priceOverride);
    priceKind = instance.cloud === 'gcp' ? PriceKind.GCP_ON_DEMAND : PriceKind.EC2_ON_DEMAND;
    priceSource = `${instance.price.source} (${instance.price.region}, on-demand, ${instance.price.asOf})`;
  }

  // Host memory, where the server loads the checkpoint through it.
  const loadsThroughHost = input.loadsThroughHostMemory ?? (input.modelServer !== undefined && HOST_LOADING_SERVERS.includes(serverEngine(input.modelServer.profile)));
  const checkpointBytes = modelWeightBytes(model, model.nativePrecision);
  const reservedBytes = (KUBELET_RESERVED_BASE_MIB + KUBELET_RESERVED_MIB_PER_POD * maxPodsForReservation(instance.vcpu) + EVICTION_HARD_MEMORY_MIB) * MIB;
  const allocatableHostBytes = instance.hostMemoryGiB * GIB - reservedBytes;
  if (loadsThroughHost && checkpointBytes > allocatableHostBytes) {
    throw new InferenceConstructsError('HostMemoryInsufficient', {
      prop: target.prop,
      problem:
        `the server loads ${model.name} through host memory: its ${gib(checkpointBytes)} GiB checkpoint exceeds the ${gib(allocatableHostBytes)} GiB ` +
        `allocatable on ${instance.name} (${instance.hostMemoryGiB} GiB minus the kubelet reservation)`,
      received: instance.name,
      allowed: `an instance with at least ${gib(checkpointBytes + reservedBytes)} GiB of host memory`,
      fix: 'use a larger instance of the family (e.g. inf2.8xlarge instead of inf2.xlarge), or load pre-compiled / pre-sharded weights from S3',
    });
  }

  // Valid groups: the servers' tensor-parallel rules.
  const validGroups = target.groups.filter((g) => tpValid(model, g));
  const weightsBytes = modelWeightBytes(sizingModel, precision);

  let candidates = validGroups;
  if (input.tensorParallelDegree !== undefined) {
    const forcedGroups = validGroups.filter((g) => g.tp === input.tensorParallelDegree);
    if (forcedGroups.length === 0) {
      const allowed = [...new Set(validGroups.map((g) => g.tp))];
      throw new InferenceConstructsError('TensorParallelInvalid', {
        prop: 'tensorParallelDegree',
        problem:
          target.slice !== undefined
            ? `on a TPU slice the degree is the slice's chip count (${target.slice.chips})`
            : `the degree must fit one ${instance.name} node, be a power of two (or the whole-node NeuronCore count), divide the ${model.attentionHeads} attention heads ` +
              `and divide or be a multiple of the ${model.kvHeads} KV heads`,
        received: input.tensorParallelDegree,
        allowed: allowed.length > 0 ? allowed : 'none for this model and instance',
        fix: allowed.length > 0 ? `use one of ${allowed.join(', ')}, or leave it unset to pick the cheapest that fits` : 'pick another instance type or slice',
      });
    }
    candidates = forcedGroups;
  }
  if (input.expertParallel === true) {
    // vLLM v0.11 places E // ranks experts on each rank and the remainder on the first ranks
    // (vllm/model_executor/layers/fused_moe/layer.py determine_expert_map), so uneven groups hold
    // unequal expert bytes per rank and the fullest rank binds memory. The planner's memory
    // model assumes equal ranks, so it refuses uneven groups rather than over-promise.
    // @see https://github.com/vllm-project/vllm/blob/v0.11.0/vllm/model_executor/layers/fused_moe/layer.py
    const E = model.experts;
    const divides = candidates.filter((g) => E !== undefined && E % g.tp === 0);
    if (divides.length === 0) {
      throw new InferenceConstructsError('ExpertParallelInvalid', {
        prop: input.tensorParallelDegree !== undefined ? 'tensorParallelDegree' : 'expertParallel',
        problem:
          E === undefined
            ? `${model.name} is not a mixture-of-experts model: there are no experts to spread`
            : `the ${E} routed experts of ${model.name} do not divide evenly over any expert-parallel group of ${target.label} (tried ${[...new Set(candidates.map((g) => g.tp))].join(', ')} ranks)`,
        received: { experts: E, ranks: [...new Set(candidates.map((g) => g.tp))] },
        allowed: E === undefined ? 'expertParallel only on models with experts' : `a group size that divides ${E}`,
        fix:
          E === undefined
            ? 'leave expertParallel unset for dense models'
            : `use a tensorParallelDegree that divides ${E} (e.g. ${[1, 2, 4, 8, 16, 32, 64].filter((n) => E % n === 0).slice(-3).join(', ')}), another instance, or leave expertParallel unset (experts sliced over the ranks)`,
      });
    }
    candidates = divides;
  }
  if (candidates.length === 0) {
    const tried = [...new Set(target.groups.map((g) => g.tp))];
    throw new InferenceConstructsError('TensorParallelInvalid', {
      prop: target.prop,
      problem: `no device group of ${target.label} divides the ${model.attentionHeads} attention heads and ${model.kvHeads} KV heads of ${model.name}`,
      received: target.prop === 'tpuSlice' ? target.label : instance.name,
      allowed: `a group size dividing ${model.attentionHeads} whose KV heads divide or replicate evenly; tried ${tried.join(', ')}`,
      fix: 'pick a slice or instance whose chip / GPU count divides the attention heads',
    });
  }

  const live = liveContextTokens(inputTokens, outputTokens);
  const computeSupport = support.computePrecision ?? Precision.BF16;
  const peakPerDevice = instance.device.peakDenseTflops?.[computeSupport as 'bf16' | 'fp16' | 'fp8' | 'int8' | 'fp4'];
  if (peakPerDevice === undefined) {
    throw catalogueMissing(instance, `peakDenseTflops.${computeSupport}`, 'add the dense peak TFLOPS from the vendor datasheet to the device row in lib/accelerators.ts');
  }

  const interconnectOf = (g: DeviceGroup): Interconnect => {
    if (g.devicesPerReplica * g.hostsPerReplica <= 1) return Interconnect.NONE;
    if (g.hostsPerReplica > 1 && instance.acceleratorClass === AcceleratorClass.TPU) return Interconnect.ICI;
    // A pipelined GPU replica: tensor parallel over the node's own link within each stage.
    const link = instance.interconnect;
    if (link === undefined) throw catalogueMissing(instance, 'interconnect', 'add the device-to-device link (pcie / nvlink / neuronlink / ici) to the row in lib/accelerators.ts');
    return link;
  };

  const fits: { group: DeviceGroup; maxBatch: number; kv: KvLayout }[] = [];
  let shortest: { group: DeviceGroup; batch: number; kv: KvLayout } | undefined;
  for (const group of candidates) {
    const kv = kvLayout(model, kvCachePrecision, group.tp);
    const overhead = group.memoryBytes * overheadFraction;
    const free = group.memoryBytes - weightsBytes - overhead;
    const perSequence = kvSequenceBytes(kv, live);
    const fullSequenceFits = kvSequenceBytes(kv, contextTokens) <= free;
    const maxBatch = fullSequenceFits ? Math.floor(free / perSequence) : 0;
    const wanted = input.concurrentSequences ?? 1;
    if (maxBatch >= wanted) fits.push({ group, maxBatch, kv });
    shortest = { group, batch: wanted, kv };
  }
  if (fits.length === 0) {
    const largest = shortest as { group: DeviceGroup; batch: number; kv: KvLayout };
    throw doesNotFit(model, precision, kvCachePrecision, target, largest.group, largest.batch, contextTokens, live, weightsBytes, overheadFraction, maxNodes);
  }
  // A replica spans several nodes only when no single node holds it.
  if (fits.some((f) => f.group.pp === 1)) {
    for (let i = fits.length - 1; i >= 0; i--) if (fits[i].group.pp > 1) fits.splice(i, 1);
  } else if (input.modelServer !== undefined && input.modelServer.profile.pipelineParallel !== true) {
    const f = fits[0];
    throw new InferenceConstructsError('PipelineParallelUnsupported', {
      prop: 'modelServer',
      problem:
        `${model.name} fits no single ${instance.name} node, only ${f.group.describe}, and model server "${input.modelServer.name}" ` +
        'cannot pipeline a replica across nodes',
      received: input.modelServer.name,
      allowed: PIPELINE_PARALLEL_SERVERS,
      fix: `serve it with vllm (--pipeline-parallel-size over a Ray cluster), or use a larger node (e.g. 8 x H200 / B200) or a lower precision`,
    });
  }

  const evaluate = (group: DeviceGroup, kv: KvLayout, batch: number): Evaluated => {
    const interconnect = interconnectOf(group);
    const eff = bandwidthEfficiency(interconnect);
    if (eff === undefined) throw catalogueMissing(instance, `a bandwidth efficiency for interconnect "${interconnect}"`, 'use one of none, pcie, nvlink, neuronlink, ici');
    const bandwidth = group.bandwidthBytesPerSecond * eff;
    const flops = group.tp * group.devicesPerRank * peakPerDevice * 1e12 * COMPUTE_EFFICIENCY;
    const w = weightBytesPerStep(sizingModel, precision, batch);
    const activeParams = (model.activeParametersBillion ?? model.parametersBillion) * 1e9;
    const kvRead = kvSequenceBytes(kv, live);
    // Pipeline parallel (pp stages, one node each): vLLM keeps pp micro-batches in flight
    // (V1 EngineCore batch queue of RayDistributedExecutor.max_concurrent_batches, which is
    // pipeline_parallel_size without async scheduling, the v0.11 default), each of batch / pp sequences. A decode round (every sequence
    // advances one token) runs every micro-batch through every stage: each stage reads its 1/pp
    // of the weights once per micro-batch, i.e. all weights once per round at one node's
    // bandwidth, while the KV cache and the matrix work split over the pp nodes. So
    // round = W / node bandwidth + batch x live KV / (pp x node bandwidth), compute divides by
    // pp, and a prompt's prefill latency is pp stages in turn (its throughput cost divides by
    // pp). Activations sent between stages (hidden size x 2 bytes per sequence, kilobytes) are
    // neglected against the gigabytes of weights read per round. pp = 1 is the plain TP step.
    // @see https://github.com/vllm-project/vllm/blob/v0.11.0/vllm/v1/engine/core.py
    // @see https://github.com/vllm-project/vllm/blob/v0.11.0/vllm/v1/executor/ray_distributed_executor.py
    const pp = group.pp;
    const wPp = pp > 1 ? weightBytesPerStep(sizingModel, precision, Math.ceil(batch / pp)) : w;
    const profile: StepTimeProfile = input.measuredStepTime ?? {
      fixedSecondsPerStep: seconds(fixedStepSeconds(instance.acceleratorClass)),
      weightSecondsPerStep: seconds(wPp.bytes / bandwidth),
      kvSecondsPerToken: round(kvRead / live / (bandwidth * pp), 15),
      computeSecondsPerDecodeToken: round((2 * activeParams) / (flops * pp), 15),
      prefillSecondsPerToken: round((2 * activeParams) / (flops * pp), 15),
      ...(pp > 1 ? { pipelineStages: pp } : {}),
    };
    const tokensPerSecond = outputTokensPerSecond(profile, batch, inputTokens, outputTokens);
    const replicasPerNode =
      group.hostsPerReplica > 1
        ? 1
        : Math.max(
            1,
            Math.min(
              Math.floor((group.neuronCores !== undefined ? (instance.neuronCoresPerNode ?? instance.devicesPerNode * 2) : instance.devicesPerNode) / group.tp),
              loadsThroughHost ? Math.floor(allocatableHostBytes / checkpointBytes) : Number.POSITIVE_INFINITY,
            ),
          );
    const perReplicaHourUsd = group.hostsPerReplica > 1 ? perNodeHourUsd * group.hostsPerReplica : perNodeHourUsd / replicasPerNode;
    return { group, batch, interconnect, profile, tokensPerSecond, perReplicaHourUsd, replicasPerNode, weightWords: wPp.words, weightBytes: wPp.bytes, kvReadBytes: kvRead, operatingPoint: '' };
  };

  const meets = (e: Evaluated): boolean =>
    (targets?.timePerOutputTokenSeconds === undefined || timePerOutputTokenSeconds(e.profile, e.batch, inputTokens, outputTokens) <= targets.timePerOutputTokenSeconds) &&
    (targets?.timeToFirstTokenSeconds === undefined || timeToFirstTokenSeconds(e.profile, e.batch, inputTokens, outputTokens) <= targets.timeToFirstTokenSeconds);

  const options: Evaluated[] = [];
  let best1: Evaluated | undefined;
  for (const f of fits) {
    if (input.concurrentSequences !== undefined) {
      const e = evaluate(f.group, f.kv, input.concurrentSequences);
      if (best1 === undefined || e.tokensPerSecond > best1.tokensPerSecond) best1 = e;
      if (meets(e)) options.push({ ...e, operatingPoint: `${e.batch} sequences, given by the caller` });
      continue;
    }
    let cap = Math.min(f.maxBatch, DEFAULT_MAX_CONCURRENT_SEQUENCES);
    // JetStream batches per device: keep TPU batches a multiple of the slice's chips.
    // @see https://github.com/AI-Hypercomputer/maxtext/blob/main/MaxText/configs/base.yml (per_device_batch_size)
    if (target.slice !== undefined && cap >= target.slice.chips) cap -= cap % target.slice.chips;
    const step = target.slice !== undefined && cap >= target.slice.chips ? target.slice.chips : 1;
    const one = evaluate(f.group, f.kv, step <= cap ? step : 1);
    if (best1 === undefined || one.tokensPerSecond > best1.tokensPerSecond) best1 = one;
    // Time per output token and time to first token grow with the batch: take the largest that meets both.
    let chosen: Evaluated | undefined;
    for (let b = cap; b >= 1; b -= step) {
      const e = evaluate(f.group, f.kv, b);
      if (meets(e)) {
        chosen = e;
        break;
      }
      if (b - step < 1 && step > 1) break;
    }
    if (chosen !== undefined) {
      const bound =
        chosen.batch === DEFAULT_MAX_CONCURRENT_SEQUENCES
          ? `${chosen.batch} sequences: the default cap (vLLM max_num_seqs)`
          : `${chosen.batch} sequences: the most that fit memory at a live context of ${live} tokens`;
      const defaults = `the default interactive targets (${DEFAULT_LATENCY_TARGETS.timePerOutputTokenSeconds} s per output token, ${DEFAULT_LATENCY_TARGETS.timeToFirstTokenSeconds} s to first token)`;
      const why =
        targets === undefined
          ? bound
          : chosen.batch === cap
            ? `${bound}, within ${defaultTargets ? defaults : 'the latency targets'}`
            : `${chosen.batch} sequences: the most that fit memory and meet ${defaultTargets ? defaults : 'the latency targets'}`;
      options.push({ ...chosen, operatingPoint: why });
    }
  }
  if (options.length === 0) {
    const b = best1 as Evaluated;
    throw new InferenceConstructsError('LatencyTargetUnreachable', {
      prop: 'latencyTargets',
      problem:
        `no concurrency on ${target.label} meets the targets: at ${b.batch} sequence(s) the best group (${b.group.describe}) gives ` +
        `${(timePerOutputTokenSeconds(b.profile, b.batch, inputTokens, outputTokens) * 1000).toFixed(1)} ms per output token and ` +
        `${(timeToFirstTokenSeconds(b.profile, b.batch, inputTokens, outputTokens) * 1000).toFixed(1)} ms to first token`,
      received: targets,
      allowed: 'targets at or above what one sequence achieves on the device group',
      fix: defaultTargets
        ? `these are the default interactive targets: set operatingPriority: OperatingPriority.THROUGHPUT for batch work, give latencyTargets, or use a faster instance`
        : 'relax the targets, shorten the prompts, or use a faster instance or a larger tensor-parallel degree',
    });
  }
  // The cheapest per output token; ties keep the smaller degree.
  const perToken = (e: Evaluated): number => e.perReplicaHourUsd / e.tokensPerSecond;
  const chosen = options.reduce((a, e) => (perToken(e) < perToken(a) - 1e-12 ? e : a));
  const { group, batch, profile } = chosen;
  const kv = kvLayout(model, kvCachePrecision, group.tp);
  const overheadBytes = group.memoryBytes * overheadFraction;
  const kvBytes = batch * kvSequenceBytes(kv, live);
  const totalBytes = weightsBytes + kvBytes + overheadBytes;
  const fullSequenceBytes = weightsBytes + kvSequenceBytes(kv, contextTokens) + overheadBytes;

  // Throughput
  const step = decodeStepSeconds(profile, batch, live);
  const tpot = timePerOutputTokenSeconds(profile, batch, inputTokens, outputTokens);
  const ttft = timeToFirstTokenSeconds(profile, batch, inputTokens, outputTokens);
  const ms = (s: number): string => (s * 1000).toFixed(2);
  const gb = (b: number): string => (b / 1e9).toFixed(2);
  let throughput: ThroughputEstimate;
  if (input.measuredTokensPerSecondPerReplica !== undefined) {
    throughput = {
      tokensPerSecondPerReplica: Math.max(1, Math.round(input.measuredTokensPerSecondPerReplica)),
      source: 'measured',
      basis: `measured: ${input.measuredTokensPerSecondPerReplica} output tokens/s per replica, given by the caller`,
    };
  } else if (input.measuredStepTime !== undefined) {
    throughput = {
      tokensPerSecondPerReplica: Math.max(1, Math.round(chosen.tokensPerSecond)),
      source: 'measured',
      basis: `measured step times given by the caller: ${batch} sequences / (${ms(step)} ms decode step + prefill of ${inputTokens} prompt tokens per ${outputTokens} output tokens)`,
    };
  } else {
    const eff = bandwidthEfficiency(chosen.interconnect);
    throughput = {
      tokensPerSecondPerReplica: Math.max(1, Math.round(chosen.tokensPerSecond)),
      source: 'estimate',
      basis:
        `step-time model: ${batch} sequences per ${ms(tpot)} ms (decode step ${ms(step)} ms = ${ms(profile.fixedSecondsPerStep)} ms fixed + max(memory: ` +
        `(${gb(chosen.weightBytes)} GB ${chosen.weightWords} + ${batch} x ${gb(chosen.kvReadBytes)} GB live KV) / (${gb(group.bandwidthBytesPerSecond)} GB/s x ${eff} ${chosen.interconnect}), ` +
        `compute at ${COMPUTE_EFFICIENCY} of ${round(group.tp * group.devicesPerRank * peakPerDevice, 1)} ${computeSupport} TFLOPS); plus prefill of ${inputTokens} prompt tokens per ${outputTokens} output tokens); ` +
        'replace with measuredTokensPerSecondPerReplica or measuredStepTime',
    };
  }
  const targetTokensPerSecondPerReplica = Math.max(1, Math.round(throughput.tokensPerSecondPerReplica * targetUtilization));
  const replicasForPeak = input.peakTokensPerSecond === undefined ? 1 : Math.ceil(input.peakTokensPerSecond / targetTokensPerSecondPerReplica);
  const perMillionTokensUsd = (chosen.perReplicaHourUsd / (targetTokensPerSecondPerReplica * SECONDS_PER_HOUR)) * 1e6;

  return {
    model,
    precision,
    precisionSupport: support.kind,
    ...(expertSupport !== undefined ? { expertPrecisionSupport: expertSupport.kind } : {}),
    ...(model.experts !== undefined ? { expertPrecision: expertSupport !== undefined ? (model.expertPrecision as Precision) : model.expertPrecision !== undefined && !expertsDequantized && precision === model.nativePrecision ? model.expertPrecision : precision } : {}),
    kvCachePrecision,
    instance,
    ...(target.slice !== undefined ? { tpuSlice: target.slice } : {}),
    contextTokens,
    inputTokens,
    outputTokens,
    concurrentSequences: batch,
    operatingPoint: chosen.operatingPoint,
    tensorParallelDegree: group.tp,
    devicesPerReplica: group.devicesPerReplica,
    ...(group.neuronCores !== undefined ? { neuronCoresPerReplica: group.neuronCores } : {}),
    hostsPerReplica: group.hostsPerReplica,
    pipelineParallelDegree: group.pp,
    expertParallel: input.expertParallel === true,
    replicasPerNode: chosen.replicasPerNode,
    interconnect: chosen.interconnect,
    memory: {
      weightsGiB: gib(weightsBytes),
      kvCacheGiB: gib(kvBytes),
      overheadGiB: gib(overheadBytes),
      totalGiB: gib(totalBytes),
      availableGiB: gib(group.memoryBytes),
      fraction: round(totalBytes / group.memoryBytes, 4),
      kvBytesPerToken: kv.bytesPerTokenPerLayer * model.layers,
      fullSequenceTotalGiB: gib(fullSequenceBytes),
    },
    ...(loadsThroughHost ? { hostMemory: { loadGiB: gib(checkpointBytes), allocatableGiB: gib(allocatableHostBytes) } } : {}),
    stepTime: profile,
    latency: {
      timePerOutputTokenSeconds: seconds(tpot),
      timeToFirstTokenSeconds: seconds(ttft),
      decodeStepSeconds: seconds(step),
      ...(targets !== undefined ? { targets } : {}),
      source: input.measuredStepTime !== undefined ? LatencySource.MEASURED : LatencySource.ESTIMATE,
    },
    throughput,
    targetUtilization,
    targetTokensPerSecondPerReplica,
    replicasForPeak,
    cost: {
      perNodeHourUsd: round(perNodeHourUsd, 4),
      perReplicaHourUsd: round(chosen.perReplicaHourUsd, 4),
      perMillionTokensUsd: round(perMillionTokensUsd, 4),
      priceKind,
      priceSource,
    },
  };
}

/** The row's list price for ordering suggestions: an unpublished price sorts last, deterministically. */
function listPriceOrLast(row: InstanceTypeSpec): number {
  return Pricing.isPublished(row.price) ? row.price.usdPerHour : Number.POSITIVE_INFINITY;
}

function doesNotFit(
  model: ModelSpec,
  precision: Precision,
  kvPrecision: Precision,
  target: Target,
  largest: DeviceGroup,
  batch: number,
  contextTokens: number,
  live: number,
  weightsBytes: number,
  overheadFraction: number,
  maxNodes: number,
): InferenceConstructsError {
  const needFor = (g: DeviceGroup): { total: number; kv: number; overhead: number } => {
    const kv = kvLayout(model, kvPrecision, g.tp);
    const kvBytes = Math.max(batch * kvSequenceBytes(kv, live), kvSequenceBytes(kv, contextTokens));
    const overhead = g.memoryBytes * overheadFraction;
    return { total: weightsBytes + kvBytes + overhead, kv: kvBytes, overhead };
  };
  // Bigger rows of the same class whose largest valid group holds the model at the same context and batch.
  const bigger = INSTANCE_TYPES.filter((row) => row.acceleratorClass === target.instance.acceleratorClass && row.cloud === target.instance.cloud)
    .filter((row) => {
      try {
        const groups =
          row.acceleratorClass === AcceleratorClass.TPU
            ? ((s) => (s ? [tpuGroup(row, s)] : []))(singleHostSlice(row.name))
            : row.acceleratorClass === AcceleratorClass.INFERENTIA2
              ? neuronGroups(row)
              : gpuGroups(row);
        return groups.some((g) => tpValid(model, g) && needFor(g).total <= g.memoryBytes);
      } catch {
        return false;
      }
    })
    .sort((a, b) => listPriceOrLast(a) - listPriceOrLast(b) || (a.name < b.name ? -1 : 1))
    .slice(0, 3)
    .map((row) => row.name);
  const lower = PRECISIONS.filter((p) => p !== Precision.FP4 && BYTES_PER_WEIGHT[p] < BYTES_PER_WEIGHT[precision]);
  const fixes = [
    lower.length > 0 ? `a lower precision (${lower.join(' / ')})` : undefined,
    bigger.length > 0 ? `a bigger instance (${bigger.join(', ')})` : target.instance.acceleratorClass === AcceleratorClass.TPU ? 'a bigger TPU slice' : 'a bigger instance',
    `a shorter contextTokens (now ${contextTokens})`,
    batch > 1 ? `fewer concurrentSequences (now ${batch})` : undefined,
    target.instance.acceleratorClass === AcceleratorClass.NVIDIA_GPU && target.instance.devicesPerNode > 1 ? `more nodes per replica (maxNodesPerReplica, now ${maxNodes})` : undefined,
  ].filter((s): s is string => s !== undefined);
  const n = needFor(largest);
  return new InferenceConstructsError('ModelDoesNotFit', {
    prop: target.prop,
    problem:
      `${model.name} (${precision}) needs ${gib(n.total)} GiB (weights ${gib(weightsBytes)} + KV cache ${gib(n.kv)} for ` +
      `${batch} x ${live} live tokens, at least one ${contextTokens}-token sequence + overhead ${gib(n.overhead)}) but the largest valid device group, ` +
      `${largest.describe}, has ${gib(largest.memoryBytes)} GiB usable`,
    received: target.label,
    allowed: 'an instance or slice whose device group holds weights + KV cache + runtime overhead',
    fix: `use ${fixes.join(', or ')}`,
  });
}

// ---------------------------------------------------------------------------------------------
// planCheapest and pool sizing
// ---------------------------------------------------------------------------------------------

/**
 * Plan on each candidate and return the cheapest per million tokens that fits; throws ModelDoesNotFit when none does.
 *
 * A candidate is an instance name (`g6e.12xlarge`, `ml.inf2.48xlarge`, `ct6e-standard-8t`) or a
 * TPU slice written `accelerator/topology` (`tpu-v5-lite-podslice/4x4`). Ties keep candidate order.
 */
export function planCheapest(input: Omit<PlanInput, 'instanceType' | 'tpuSlice'> & { readonly candidates: readonly string[] }): CapacityPlan {
  const { candidates, ...rest } = input;
  if (!Array.isArray(candidates) || candidates.length === 0) {
    throw new InferenceConstructsError('CandidatesEmpty', {
      prop: 'candidates',
      problem: 'no candidates to plan on',
      received: candidates,
      allowed: 'a non-empty list of instance names or accelerator/topology TPU slices',
      fix: 'list the instance types you can use, e.g. ["inf2.xlarge", "g6.xlarge", "g6e.xlarge"]',
    });
  }
  let best: CapacityPlan | undefined;
  const misses: string[] = [];
  for (const candidate of candidates) {
    const slash = candidate.indexOf('/');
    let plan: CapacityPlan;
    try {
      plan =
        slash > 0
          ? planCapacity({ ...rest, tpuSlice: { accelerator: candidate.slice(0, slash), topology: candidate.slice(slash + 1) } })
          : planCapacity({ ...rest, instanceType: candidate });
    } catch (e) {
      if (e instanceof InferenceConstructsError && ['ModelDoesNotFit', 'TensorParallelInvalid', 'PrecisionNotServable', 'LatencyTargetUnreachable', 'HostMemoryInsufficient'].includes(e.code)) {
        misses.push(candidate);
        continue;
      }
      throw e;
    }
    if (best === undefined || plan.cost.perMillionTokensUsd < best.cost.perMillionTokensUsd) best = plan;
  }
  if (best === undefined) {
    throw new InferenceConstructsError('ModelDoesNotFit', {
      prop: 'candidates',
      problem: `${rest.model.name} fits no valid device group of any candidate`,
      received: misses,
      allowed: 'at least one candidate whose device group holds weights + KV cache + runtime overhead',
      fix: `add bigger instances or slices, use a lower precision, or shorten contextTokens; plan one candidate with planCapacity() to see its memory shortfall`,
    });
  }
  return best;
}

function checkReplicas(replicas: number): void {
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new InferenceConstructsError('ReplicasInvalid', {
      prop: 'replicas',
      problem: 'the replica count is not a non-negative integer',
      received: replicas,
      allowed: 'an integer from 0 up',
      fix: 'pass the policy maxReplicas (a whole number)',
    });
  }
}

/** Devices a pool must allow for `maxReplicas` of this plan (devicesPerReplica x hostsPerReplica x maxReplicas). */
export function devicesForReplicas(plan: CapacityPlan, replicas: number): number {
  checkReplicas(replicas);
  return plan.devicesPerReplica * plan.hostsPerReplica * replicas;
}

/** Nodes (or TPU hosts) a pool needs for `replicas` of this plan. */
export function nodesForReplicas(plan: CapacityPlan, replicas: number): number {
  checkReplicas(replicas);
  if (plan.hostsPerReplica > 1) return plan.hostsPerReplica * replicas;
  return Math.ceil(replicas / plan.replicasPerNode);
}

