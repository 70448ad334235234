/**
 * Capacity planner: from a model, a precision and an instance / TPU slice to a device group,
 * a memory budget, an estimated throughput, replica counts and cost.
 *
 * CONTRACT (implementation pending).
 */
import type { InstanceTypeSpec, TpuSliceSpec } from './accelerators.js';
import type { ModelSpec, Precision } from './models.js';

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
  /** Sequences decoded at once per replica (the batch). @default 16 */
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

/** Plan one deployment; throws ModelDoesNotFit, TensorParallelInvalid, ContextTooLong, ... */
export declare function planCapacity(input: PlanInput): CapacityPlan;

/** Plan on each candidate and return the cheapest per million tokens that fits; throws ModelDoesNotFit when none does. */
export declare function planCheapest(input: Omit<PlanInput, 'instanceType' | 'tpuSlice'> & { readonly candidates: readonly string[] }): CapacityPlan;

/** Devices a pool must allow for `maxReplicas` of this plan (devicesPerReplica x hostsPerReplica x maxReplicas). */
export declare function devicesForReplicas(plan: CapacityPlan, replicas: number): number;
/** Nodes (or TPU hosts) a pool needs for `replicas` of this plan. */
export declare function nodesForReplicas(plan: CapacityPlan, replicas: number): number;
