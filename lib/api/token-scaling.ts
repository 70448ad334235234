/**
 * Token-throughput scaling policies, for every language: `tokenScalingPolicy` of `../scaling.ts`
 * as a static method.
 */
import type { CapacityPlan } from '../planner.js';
import { type TokenScalingPolicy, type TokenScalingPolicyOptions, tokenScalingPolicy } from '../scaling.js';

/**
 * Builds the one scaling policy every renderer (SageMaker target tracking, KEDA, HPA) takes from
 * a capacity plan: target tokens/s per replica, replica bounds, scale-up / scale-down behaviour.
 *
 * @example
 * const policy = TokenScaling.fromPlan(plan, { minReplicas: 1, maxReplicas: 4 });
 */
export class TokenScaling {
  /**
   * The validated policy for a plan; throws `ReplicasInvalid`, `MinAboveMax`,
   * `ScalingBehaviourInvalid`, ... naming the option.
   *
   * @param plan a plan from `CapacityPlanner.plan`
   * @param options bounds, behaviour and windows
   * @default - options: the plan's target, 1 to max(plan.replicasForPeak, 1) replicas, fast scale-up, slow scale-down
   */
  public static fromPlan(plan: CapacityPlan, options?: TokenScalingPolicyOptions): TokenScalingPolicy {
    return tokenScalingPolicy(plan, options);
  }

  private constructor() {}
}
