/**
 * The capacity planner, for every language: `planCapacity` / `planCheapest` and the pool-sizing
 * helpers of `../planner.ts` as static methods (jsii drops free functions).
 */
import type { ModelSpec, Precision } from '../models.js';
import { type CapacityPlan, type LatencyTargets, type OperatingPriority, type PlanInput, devicesForReplicas, nodesForReplicas, planCapacity, planCheapest } from '../planner.js';
import type { ModelServer } from '../servers.js';
import type { StepTimeProfile } from '../step-time.js';

/**
 * What to plan on the cheapest of several candidates: every {@link PlanInput} field but
 * `instanceType` and `tpuSlice`, plus the candidates. The defaults are those of `PlanInput`.
 */
export interface CheapestPlanInput {
  /**
   * Instance names (`g6e.12xlarge`, `ml.inf2.48xlarge`, `ct6e-standard-8t`) or TPU slices written
   * `accelerator/topology` (`tpu-v5-lite-podslice/4x4`). Ties keep this order.
   */
  readonly candidates: string[];
  /** The model to serve. */
  readonly model: ModelSpec;
  /** Weight precision. @default the model's native precision */
  readonly precision?: Precision;
  /** KV-cache precision. @default the weight precision when 16-bit, else bf16 */
  readonly kvCachePrecision?: Precision;
  /** Longest sequence the server accepts (prompt + output). @default min(model max, 8192) */
  readonly contextTokens?: number;
  /** Mean prompt tokens per request. @default 1155 (mean of the Azure LLM inference trace 2023, conversation) */
  readonly inputTokens?: number;
  /** Mean output tokens per request. @default 211 (mean of the Azure LLM inference trace 2023, conversation) */
  readonly outputTokens?: number;
  /** Sequences decoded at once per replica. @default the largest that fits memory and meets `latencyTargets`, at most 256 */
  readonly concurrentSequences?: number;
  /** Median latency targets the operating point must meet. @default DEFAULT_LATENCY_TARGETS when operatingPriority is INTERACTIVE and the concurrency is not given */
  readonly latencyTargets?: LatencyTargets;
  /** What the operating point favours when `latencyTargets` is unset. @default OperatingPriority.INTERACTIVE */
  readonly operatingPriority?: OperatingPriority;
  /** Most nodes one NVIDIA GPU replica may span (pipeline parallel across nodes). @default 4 */
  readonly maxNodesPerReplica?: number;
  /** Spread routed experts over the tensor-parallel ranks (vLLM `--enable-expert-parallel`). @default false */
  readonly expertParallel?: boolean;
  /** Force a tensor-parallel degree. @default the degree with the lowest cost per output token (ties: the smallest) */
  readonly tensorParallelDegree?: number;
  /** Fraction of device memory reserved for runtime, activations and fragmentation. @default 0.10 */
  readonly runtimeOverheadFraction?: number;
  /** Measured decode tokens/s per replica; replaces the step-time estimate of throughput. @default - estimated */
  readonly measuredTokensPerSecondPerReplica?: number;
  /** Measured step times of one replica; replace the estimated profile. @default - estimated from the catalogue */
  readonly measuredStepTime?: StepTimeProfile;
  /** Peak aggregate output tokens/s to plan maxReplicas for. @default - no peak: one replica */
  readonly peakTokensPerSecond?: number;
  /** Target utilisation of each replica's throughput, (0, 1]. @default 0.7 */
  readonly targetUtilization?: number;
  /** Overrides the catalogue's price per node (or per TPU host) hour. @default the catalogue's list price */
  readonly pricePerNodeHourUsd?: number;
  /** Price the node at its SageMaker hosting rate. @default true when a candidate is an `ml.` name */
  readonly sagemakerPricing?: boolean;
  /** The model server; checks its precisions and whether it loads weights through host memory. @default - not checked */
  readonly modelServer?: ModelServer;
  /** The server reads the weights into host RAM before the devices. @default true for the vllm-neuron and djl-lmi-neuronx servers, else false */
  readonly loadsThroughHostMemory?: boolean;
}

/** Compile-time check that CheapestPlanInput lists exactly PlanInput's fields (less the two it replaces) plus `candidates`. */
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false;
const CHEAPEST_INPUT_MATCHES_PLAN_INPUT: SameKeys<CheapestPlanInput, Omit<PlanInput, 'instanceType' | 'tpuSlice'> & { candidates: string[] }> = true;
void CHEAPEST_INPUT_MATCHES_PLAN_INPUT;

/**
 * Plans how a model runs on an instance type or TPU slice: tensor-parallel degree, memory
 * budget, throughput, replicas per node, replicas for the peak and cost.
 *
 * @example
 * const plan = CapacityPlanner.plan({ model: Model.LLAMA_3_1_8B, instanceType: 'inf2.xlarge' });
 */
export class CapacityPlanner {
  /**
   * Plan one model on one instance type or TPU slice; throws `ModelDoesNotFit`,
   * `TensorParallelInvalid`, `ContextTooLong`, ... naming the field to change.
   *
   * @param input what to plan
   */
  public static plan(input: PlanInput): CapacityPlan {
    return planCapacity(input);
  }

  /**
   * Plan on each candidate and return the plan with the lowest cost per million tokens; throws
   * `ModelDoesNotFit` when no candidate holds the model.
   *
   * @param input the model, the candidates and the planning options
   */
  public static cheapest(input: CheapestPlanInput): CapacityPlan {
    return planCheapest(input);
  }

  /**
   * Devices a pool must allow for `replicas` of this plan (devices per replica x hosts per replica x replicas).
   *
   * @param plan a plan from {@link CapacityPlanner.plan}
   * @param replicas a non-negative whole number, typically the policy's maxReplicas
   */
  public static devicesForReplicas(plan: CapacityPlan, replicas: number): number {
    return devicesForReplicas(plan, replicas);
  }

  /**
   * Nodes (or TPU hosts) a pool needs for `replicas` of this plan.
   *
   * @param plan a plan from {@link CapacityPlanner.plan}
   * @param replicas a non-negative whole number
   */
  public static nodesForReplicas(plan: CapacityPlan, replicas: number): number {
    return nodesForReplicas(plan, replicas);
  }

  private constructor() {}
}
