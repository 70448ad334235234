/**
 * Capacity planner: from a model, a precision and an instance / TPU slice to a device group,
 * a memory budget, an estimated throughput, replica counts and cost.
 *
 * Memory: weights + KV cache (contextTokens x concurrentSequences x kvBytesPerToken) + a runtime
 * overhead fraction of the group's memory must fit the device group. The group is the smallest
 * valid tensor-parallel degree that fits; on TPU it is the whole slice.
 *
 * Throughput: a memory-bandwidth roofline for decode, labelled `source: 'estimate'`, or the
 * caller's measured figure (`source: 'measured'`). Every reported number is rounded to a fixed
 * precision (GiB to 2 decimals, tokens/s to whole numbers, USD to 4 decimals) so synthesized
 * output built from a plan is byte-stable.
 */
import {
  type InstanceTypeSpec,
  type TpuSliceSpec,
  INSTANCE_TYPES,
  instanceType as lookUpInstanceType,
  singleHostSlice,
  tpuSlice as lookUpTpuSlice,
} from './accelerators.js';
import { InferenceConstructsError } from './errors.js';
import { type ModelSpec, type Precision, BYTES_PER_WEIGHT, PRECISIONS, defineModel, kvBytesPerToken } from './models.js';

/** What to plan. Either `instanceType` (EC2 / SageMaker / single-host GKE machine) or `tpuSlice`. */
export interface PlanInput {
  readonly model: ModelSpec;
  /** Instance name (inf2.xlarge, ml.g5.12xlarge, ct5lp-hightpu-8t) or catalogue row. */
  readonly instanceType?: string | InstanceTypeSpec;
  /** TPU slice; when given, the device group is the whole slice (may span several hosts). */
  readonly tpuSlice?: TpuSliceSpec | { readonly accelerator: string; readonly topology: string };
  /** @default the model's native precision */
  readonly precision?: Precision;
  /** KV-cache precision. @default the weight precision when 16-bit, else bf16 */
  readonly kvCachePrecision?: Precision;
  /** Tokens of context each sequence may hold (prompt + output). @default min(model max, 8192) */
  readonly contextTokens?: number;
  /**
   * Sequences decoded at once per replica (the batch).
   * @default 16, halved (8, 4, 2, 1) until the model fits some device group of the instance;
   * so Llama 3.1 8B bf16 on inf2.xlarge (2 NeuronCores, 32 GiB) plans 8 sequences of 8192 tokens
   */
  readonly concurrentSequences?: number;
  /** Force a tensor-parallel degree instead of the smallest that fits. */
  readonly tensorParallelDegree?: number;
  /** Fraction of device memory reserved for runtime, activations and fragmentation. @default 0.10 */
  readonly runtimeOverheadFraction?: number;
  /** Measured decode tokens/s per replica; replaces the roofline estimate. */
  readonly measuredTokensPerSecondPerReplica?: number;
  /** Peak aggregate output tokens/s to plan maxReplicas for. */
  readonly peakTokensPerSecond?: number;
  /** Target utilisation of each replica's throughput, (0, 1]. @default 0.7 */
  readonly targetUtilization?: number;
  /** Overrides the catalogue's on-demand price per node (or per TPU host) hour. */
  readonly pricePerNodeHourUsd?: number;
}

export interface MemoryBudget {
  readonly weightsGiB: number;
  readonly kvCacheGiB: number;
  readonly overheadGiB: number;
  readonly totalGiB: number;
  /** Memory of the device group. */
  readonly availableGiB: number;
  /** totalGiB / availableGiB. */
  readonly fraction: number;
  /** KV-cache bytes per token (all layers, K and V). */
  readonly kvBytesPerToken: number;
}

export interface ThroughputEstimate {
  /** Output tokens/s one replica sustains at the planned batch. */
  readonly tokensPerSecondPerReplica: number;
  readonly source: 'estimate' | 'measured';
  /** One line on how the figure was obtained (roofline formula inputs, or "measured"). */
  readonly basis: string;
}

export interface CapacityPlan {
  readonly model: ModelSpec;
  readonly precision: Precision;
  readonly kvCachePrecision: Precision;
  readonly instance: InstanceTypeSpec;
  /** TPU slice, when planned on one. */
  readonly tpuSlice?: TpuSliceSpec;
  readonly contextTokens: number;
  readonly concurrentSequences: number;
  /** Tensor-parallel degree passed to the server (NeuronCores on Inferentia2, GPUs, TPU chips). */
  readonly tensorParallelDegree: number;
  /** Devices (chips / GPUs) one replica requests per pod (per host for multi-host TPU). */
  readonly devicesPerReplica: number;
  /** NeuronCores one replica uses (Inferentia2 only). */
  readonly neuronCoresPerReplica?: number;
  /** Hosts (nodes) one replica spans: 1 except multi-host TPU slices. */
  readonly hostsPerReplica: number;
  /** Replicas that fit on one node (1 for multi-host). */
  readonly replicasPerNode: number;
  readonly memory: MemoryBudget;
  readonly throughput: ThroughputEstimate;
  readonly targetUtilization: number;
  /** tokensPerSecondPerReplica x targetUtilization: the scaling target. */
  readonly targetTokensPerSecondPerReplica: number;
  /** Replicas needed for peakTokensPerSecond at the target utilisation (1 when no peak given). */
  readonly replicasForPeak: number;
  readonly cost: {
    readonly perNodeHourUsd: number;
    /** Cost of one replica per hour (its share of the node(s)). */
    readonly perReplicaHourUsd: number;
    /** Cost per million output tokens at the target utilisation. */
    readonly perMillionTokensUsd: number;
    readonly priceSource: string;
  };
}

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

/** Default context per sequence: 8192 tokens, a common serving limit (vLLM `--max-model-len`), capped at the model's maximum. */
export const DEFAULT_CONTEXT_TOKENS = 8192;
/** Default batch per replica; halved down to 1 until the model fits (see PlanInput.concurrentSequences). */
export const DEFAULT_CONCURRENT_SEQUENCES = 16;
/**
 * Default share of the group's memory kept free for the runtime, activations, CUDA graphs /
 * Neuron buffers and fragmentation. vLLM's default `--gpu-memory-utilization` is 0.9, i.e. 10 %
 * held back. @see https://docs.vllm.ai/en/latest/configuration/engine_args.html
 */
export const DEFAULT_RUNTIME_OVERHEAD_FRACTION = 0.1;
/** Default target utilisation of a replica's throughput: headroom for bursts while scaling out. */
export const DEFAULT_TARGET_UTILIZATION = 0.7;
/**
 * Share of peak memory bandwidth a decode step achieves in practice. Memory-bound decode in
 * vLLM / TensorRT-LLM / Neuron reaches roughly 50-70 % of HBM bandwidth at moderate batch; the
 * planner takes the low end so estimates err towards more replicas. Tensor-parallel
 * communication is not modelled separately; it is part of this discount. Replace the estimate
 * with `measuredTokensPerSecondPerReplica` after a benchmark.
 * @see https://docs.nvidia.com/deeplearning/performance/dl-performance-gpu-background/index.html#understand-perf
 */
export const ROOFLINE_BANDWIDTH_EFFICIENCY = 0.5;
/**
 * Average fill of a sequence's KV cache over its life: a sequence grows from empty to
 * contextTokens, so a decode step reads half the context on average.
 */
export const AVERAGE_KV_FILL = 0.5;
/**
 * Whole-node tensor-parallel degrees Neuron uses besides powers of two: 12 NeuronCores on
 * inf2.24xlarge, 24 on inf2.48xlarge.
 * @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/libraries/nxd-inference/developer_guides/feature-guide.html
 * @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/arch/neuron-hardware/inf2-arch.html
 */
export const NEURON_WHOLE_NODE_TP_DEGREES: readonly number[] = [12, 24];

const GIB = 1024 ** 3;
const SECONDS_PER_HOUR = 3600;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
const gib = (bytes: number): number => round(bytes / GIB, 2);

function isPositiveInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0;
}
function isPositiveFinite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}

/** One way to split the model over the instance. */
interface DeviceGroup {
  /** Tensor-parallel degree: NeuronCores, GPUs or TPU chips. */
  readonly tp: number;
  /** Memory of the group, bytes. */
  readonly memoryBytes: number;
  /** Peak bandwidth of the group, bytes/s. */
  readonly bandwidthBytesPerSecond: number;
  readonly devicesPerReplica: number;
  readonly hostsPerReplica: number;
  readonly neuronCores?: number;
  /** Words for messages, e.g. "TP 2 (2 NeuronCores on 1 AWS Inferentia2)". */
  readonly describe: string;
}

function neuronGroups(instance: InstanceTypeSpec): DeviceGroup[] {
  const coresPerDevice = instance.device.neuronCoresPerDevice ?? 2;
  const cores = instance.neuronCoresPerNode ?? instance.devicesPerNode * coresPerDevice;
  const perCoreBytes = (instance.device.memoryGiB * GIB) / coresPerDevice;
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
      devicesPerReplica: devices,
      hostsPerReplica: 1,
      neuronCores: tp,
      describe: `TP ${tp} (${tp} NeuronCores on ${devices} x ${instance.device.displayName})`,
    };
  });
}

function gpuGroups(instance: InstanceTypeSpec): DeviceGroup[] {
  const groups: DeviceGroup[] = [];
  for (let tp = 1; tp <= instance.devicesPerNode; tp *= 2) {
    groups.push({
      tp,
      memoryBytes: tp * instance.device.memoryGiB * GIB,
      bandwidthBytesPerSecond: tp * instance.device.memoryBandwidthGBps * 1e9,
      devicesPerReplica: tp,
      hostsPerReplica: 1,
      describe: `TP ${tp} (${tp} x ${instance.device.displayName})`,
    });
  }
  return groups;
}

function tpuGroup(instance: InstanceTypeSpec, slice: TpuSliceSpec): DeviceGroup {
  return {
    tp: slice.chips,
    memoryBytes: slice.chips * instance.device.memoryGiB * GIB,
    bandwidthBytesPerSecond: slice.chips * instance.device.memoryBandwidthGBps * 1e9,
    devicesPerReplica: slice.chipsPerHost,
    hostsPerReplica: slice.hosts,
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

function resolveTarget(input: PlanInput): Target {
  if ((input.instanceType === undefined) === (input.tpuSlice === undefined)) {
    throw new InferenceConstructsError('PropInvalid', {
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
  if (instance.acceleratorClass === 'tpu') {
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
  const groups = instance.acceleratorClass === 'inferentia2' ? neuronGroups(instance) : gpuGroups(instance);
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

interface Need {
  readonly weightsBytes: number;
  readonly kvBytes: number;
  readonly overheadBytes: number;
  readonly totalBytes: number;
}

function need(weightsBytes: number, kvPerToken: number, context: number, batch: number, group: DeviceGroup, overheadFraction: number): Need {
  const kvBytes = kvPerToken * context * batch;
  const overheadBytes = group.memoryBytes * overheadFraction;
  return { weightsBytes, kvBytes, overheadBytes, totalBytes: weightsBytes + kvBytes + overheadBytes };
}

// ---------------------------------------------------------------------------------------------
// planCapacity
// ---------------------------------------------------------------------------------------------

/** Plan one deployment; throws ModelDoesNotFit, TensorParallelInvalid, ContextTooLong, ... */
export function planCapacity(input: PlanInput): CapacityPlan {
  const model = defineModel(input.model);
  const target = resolveTarget(input);
  const { instance } = target;

  const precision = input.precision ?? model.nativePrecision;
  checkPrecision('precision', precision);
  if (precision === 'fp4' && instance.device.peakDenseTflops?.fp4 === undefined) {
    // fp4 (NVFP4 / MXFP4) runs natively on Blackwell only; the support matrix refines this per server.
    throw new InferenceConstructsError('PrecisionUnsupported', {
      prop: 'precision',
      problem: `${instance.device.displayName} has no native fp4 support`,
      received: precision,
      allowed: PRECISIONS.filter((p) => p !== 'fp4'),
      fix: 'plan fp4 on a Blackwell GPU, or use fp8 / int4 here',
    });
  }
  const kvCachePrecision = input.kvCachePrecision ?? (BYTES_PER_WEIGHT[precision] === 2 ? precision : 'bf16');
  checkPrecision('kvCachePrecision', kvCachePrecision);

  const contextTokens = input.contextTokens ?? Math.min(model.maxContextTokens, DEFAULT_CONTEXT_TOKENS);
  if (!isPositiveInteger(contextTokens)) {
    throw new InferenceConstructsError('PropInvalid', {
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
  if (input.concurrentSequences !== undefined && !isPositiveInteger(input.concurrentSequences)) {
    throw new InferenceConstructsError('ConcurrencyInvalid', {
      prop: 'concurrentSequences',
      problem: 'concurrentSequences is not a positive integer',
      received: input.concurrentSequences,
      allowed: 'a positive integer (sequences decoded at once per replica)',
      fix: `use e.g. ${DEFAULT_CONCURRENT_SEQUENCES}, or leave it unset to pick the largest batch that fits`,
    });
  }
  const overheadFraction = input.runtimeOverheadFraction ?? DEFAULT_RUNTIME_OVERHEAD_FRACTION;
  if (typeof overheadFraction !== 'number' || !Number.isFinite(overheadFraction) || overheadFraction < 0 || overheadFraction >= 1) {
    throw new InferenceConstructsError('PropInvalid', {
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
      fix: `give the hourly price you pay for ${instance.name}, or leave it unset for the catalogue price (${instance.price.usdPerHour})`,
    });
  }

  // Valid groups: tensor parallelism splits attention heads evenly.
  const validGroups = target.groups.filter((g) => model.attentionHeads % g.tp === 0);
  const weightsBytes = model.parametersBillion * 1e9 * BYTES_PER_WEIGHT[precision];
  const kvPerToken = kvBytesPerToken(model, kvCachePrecision);

  let candidates = validGroups;
  if (input.tensorParallelDegree !== undefined) {
    const forced = validGroups.find((g) => g.tp === input.tensorParallelDegree);
    if (forced === undefined) {
      const allowed = validGroups.map((g) => g.tp);
      throw new InferenceConstructsError('TensorParallelInvalid', {
        prop: 'tensorParallelDegree',
        problem:
          target.slice !== undefined
            ? `on a TPU slice the degree is the slice's chip count (${target.slice.chips})`
            : `the degree must fit one ${instance.name} node, be a power of two (or the whole-node NeuronCore count) and divide the ${model.attentionHeads} attention heads`,
        received: input.tensorParallelDegree,
        allowed: allowed.length > 0 ? allowed : 'none for this model and instance',
        fix: allowed.length > 0 ? `use one of ${allowed.join(', ')}, or leave it unset to pick the smallest that fits` : 'pick another instance type or slice',
      });
    }
    candidates = [forced];
  }
  if (candidates.length === 0) {
    const tried = target.groups.map((g) => g.tp);
    throw new InferenceConstructsError('TensorParallelInvalid', {
      prop: target.prop,
      problem: `no device group of ${target.label} divides the ${model.attentionHeads} attention heads of ${model.name}`,
      received: target.prop === 'tpuSlice' ? target.label : instance.name,
      allowed: `a group size dividing ${model.attentionHeads}; tried ${tried.join(', ')}`,
      fix: 'pick a slice or instance whose chip / GPU count divides the attention heads',
    });
  }

  // Batches to try: the caller's, or the default halved until something fits.
  const batches: number[] = [];
  if (input.concurrentSequences !== undefined) batches.push(input.concurrentSequences);
  else for (let b = DEFAULT_CONCURRENT_SEQUENCES; b >= 1; b = Math.floor(b / 2)) batches.push(b);

  let chosen: { group: DeviceGroup; batch: number; need: Need } | undefined;
  for (const batch of batches) {
    for (const group of candidates) {
      const n = need(weightsBytes, kvPerToken, contextTokens, batch, group, overheadFraction);
      if (n.totalBytes <= group.memoryBytes) {
        chosen = { group, batch, need: n };
        break;
      }
    }
    if (chosen) break;
  }
  if (chosen === undefined) {
    const largest = candidates[candidates.length - 1];
    const batch = batches[batches.length - 1];
    const n = need(weightsBytes, kvPerToken, contextTokens, batch, largest, overheadFraction);
    throw doesNotFit(model, precision, target, largest, batch, contextTokens, n, weightsBytes, kvPerToken, overheadFraction);
  }

  const { group, batch } = chosen;
  const n = chosen.need;

  // Throughput
  let throughput: ThroughputEstimate;
  if (input.measuredTokensPerSecondPerReplica !== undefined) {
    throughput = {
      tokensPerSecondPerReplica: Math.max(1, Math.round(input.measuredTokensPerSecondPerReplica)),
      source: 'measured',
      basis: `measured: ${input.measuredTokensPerSecondPerReplica} output tokens/s per replica, given by the caller`,
    };
  } else {
    throughput = rooflineEstimate(model, precision, group, batch, kvPerToken, contextTokens);
  }
  const targetTokensPerSecondPerReplica = Math.max(1, Math.round(throughput.tokensPerSecondPerReplica * targetUtilization));
  const replicasForPeak = input.peakTokensPerSecond === undefined ? 1 : Math.ceil(input.peakTokensPerSecond / targetTokensPerSecondPerReplica);

  // Cost
  const perNodeHourUsd = priceOverride ?? instance.price.usdPerHour;
  const perReplicaHourUsd =
    group.hostsPerReplica > 1 ? perNodeHourUsd * group.hostsPerReplica : (perNodeHourUsd * group.devicesPerReplica) / instance.devicesPerNode;
  const perMillionTokensUsd = (perReplicaHourUsd / (targetTokensPerSecondPerReplica * SECONDS_PER_HOUR)) * 1e6;
  const priceSource =
    priceOverride !== undefined ? 'override: pricePerNodeHourUsd' : `${instance.price.source} (${instance.price.region}, on-demand, ${instance.price.asOf})`;

  const replicasPerNode = group.hostsPerReplica > 1 ? 1 : Math.floor(instance.devicesPerNode / group.devicesPerReplica);

  return {
    model,
    precision,
    kvCachePrecision,
    instance,
    ...(target.slice !== undefined ? { tpuSlice: target.slice } : {}),
    contextTokens,
    concurrentSequences: batch,
    tensorParallelDegree: group.tp,
    devicesPerReplica: group.devicesPerReplica,
    ...(group.neuronCores !== undefined ? { neuronCoresPerReplica: group.neuronCores } : {}),
    hostsPerReplica: group.hostsPerReplica,
    replicasPerNode,
    memory: {
      weightsGiB: gib(n.weightsBytes),
      kvCacheGiB: gib(n.kvBytes),
      overheadGiB: gib(n.overheadBytes),
      totalGiB: gib(n.totalBytes),
      availableGiB: gib(group.memoryBytes),
      fraction: round(n.totalBytes / group.memoryBytes, 4),
      kvBytesPerToken: kvPerToken,
    },
    throughput,
    targetUtilization,
    targetTokensPerSecondPerReplica,
    replicasForPeak,
    cost: {
      perNodeHourUsd: round(perNodeHourUsd, 4),
      perReplicaHourUsd: round(perReplicaHourUsd, 4),
      perMillionTokensUsd: round(perMillionTokensUsd, 4),
      priceSource,
    },
  };
}

/**
 * Decode roofline: one step reads the weights once (for mixture-of-experts, at most active
 * parameters per sequence and never more than all weights) plus each sequence's KV cache.
 */
function rooflineEstimate(
  model: ModelSpec,
  precision: Precision,
  group: DeviceGroup,
  batch: number,
  kvPerToken: number,
  contextTokens: number,
): ThroughputEstimate {
  const bytesPerWeight = BYTES_PER_WEIGHT[precision];
  const active = model.activeParametersBillion ?? model.parametersBillion;
  const weightsReadBytes = Math.min(model.parametersBillion, active * batch) * 1e9 * bytesPerWeight;
  const kvReadPerSequence = kvPerToken * contextTokens * AVERAGE_KV_FILL;
  const bytesPerStep = weightsReadBytes + batch * kvReadPerSequence;
  const effectiveBandwidth = group.bandwidthBytesPerSecond * ROOFLINE_BANDWIDTH_EFFICIENCY;
  const stepSeconds = bytesPerStep / effectiveBandwidth;
  const tokensPerSecond = Math.max(1, Math.round(batch / stepSeconds));
  const gb = (b: number): string => (b / 1e9).toFixed(2);
  return {
    tokensPerSecondPerReplica: tokensPerSecond,
    source: 'estimate',
    basis:
      `memory-bandwidth roofline: ${batch} sequences / ((${gb(weightsReadBytes)} GB weights + ${batch} x ${gb(kvReadPerSequence)} GB KV) / ` +
      `(${gb(group.bandwidthBytesPerSecond)} GB/s x ${ROOFLINE_BANDWIDTH_EFFICIENCY} efficiency)); replace with measuredTokensPerSecondPerReplica`,
  };
}

function doesNotFit(
  model: ModelSpec,
  precision: Precision,
  target: Target,
  largest: DeviceGroup,
  batch: number,
  contextTokens: number,
  n: Need,
  weightsBytes: number,
  kvPerToken: number,
  overheadFraction: number,
): InferenceConstructsError {
  // Bigger rows of the same class whose largest valid group holds the model at the same context and batch.
  const bigger = INSTANCE_TYPES.filter((row) => row.acceleratorClass === target.instance.acceleratorClass && row.cloud === target.instance.cloud)
    .filter((row) => {
      try {
        const groups =
          row.acceleratorClass === 'tpu'
            ? ((s) => (s ? [tpuGroup(row, s)] : []))(singleHostSlice(row.name))
            : row.acceleratorClass === 'inferentia2'
              ? neuronGroups(row)
              : gpuGroups(row);
        return groups.some(
          (g) => model.attentionHeads % g.tp === 0 && need(weightsBytes, kvPerToken, contextTokens, batch, g, overheadFraction).totalBytes <= g.memoryBytes,
        );
      } catch {
        return false;
      }
    })
    .sort((a, b) => a.price.usdPerHour - b.price.usdPerHour || (a.name < b.name ? -1 : 1))
    .slice(0, 3)
    .map((row) => row.name);
  const lower = PRECISIONS.filter((p) => p !== 'fp4' && BYTES_PER_WEIGHT[p] < BYTES_PER_WEIGHT[precision]);
  const fixes = [
    lower.length > 0 ? `a lower precision (${lower.join(' / ')})` : undefined,
    bigger.length > 0 ? `a bigger instance (${bigger.join(', ')})` : target.instance.acceleratorClass === 'tpu' ? 'a bigger TPU slice' : 'a bigger instance',
    `a shorter contextTokens (now ${contextTokens})`,
    batch > 1 ? `fewer concurrentSequences (now ${batch})` : undefined,
  ].filter((s): s is string => s !== undefined);
  return new InferenceConstructsError('ModelDoesNotFit', {
    prop: target.prop,
    problem:
      `${model.name} (${precision}) needs ${gib(n.totalBytes)} GiB (weights ${gib(n.weightsBytes)} + KV cache ${gib(n.kvBytes)} for ` +
      `${batch} x ${contextTokens} tokens + overhead ${gib(n.overheadBytes)}) but the largest valid device group, ${largest.describe}, has ${gib(largest.memoryBytes)} GiB`,
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
    throw new InferenceConstructsError('PropInvalid', {
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
      if (e instanceof InferenceConstructsError && (e.code === 'ModelDoesNotFit' || e.code === 'TensorParallelInvalid')) {
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

