/**
 * The capacity planner, for every language: `planCapacity` / `planCheapest` and the pool-sizing
 * helpers of `../planner.ts` as static methods (jsii drops free functions).
 */
import type { ModelSpec } from '../models.js';
import { type CapacityPlan, type PlanInput, type PlanningOptions, devicesForReplicas, nodesForReplicas, planCapacity, planCheapest } from '../planner.js';
import type { ModelServer } from '../servers.js';

/**
 * What to plan on the cheapest of several candidates: the model, the candidates and the
 * {@link PlanningOptions} of {@link PlanInput}.
 */
export interface CheapestPlanInput extends PlanningOptions {
  /**
   * Instance names (`g6e.12xlarge`, `ml.inf2.48xlarge`, `ct6e-standard-8t`) or TPU slices written
   * `accelerator/topology` (`tpu-v5-lite-podslice/4x4`). Ties keep this order.
   */
  readonly candidates: string[];
  /** The model to serve. */
  readonly model: ModelSpec;
  /** The model server; checks its precisions and whether it loads weights through host memory. @default - not checked */
  readonly modelServer?: ModelServer;
}

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
