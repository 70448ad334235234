/**
 * Token-throughput scaling policy: the one value object every renderer (SageMaker target
 * tracking, KEDA ScaledObject, HPA v2) uses.
 *
 * CONTRACT (implementation pending).
 */
import type { CapacityPlan } from './planner.js';

/** How fast to add or remove replicas (HPA v2 behaviour vocabulary). */
export interface ScalingBehaviour {
  /** Seconds of consistent signal before acting (HPA stabilizationWindowSeconds; SageMaker cooldown). */
  readonly stabilizationWindowSeconds: number;
  /** At most this percent of current replicas per period. */
  readonly maxPercentPerPeriod: number;
  /** At most this many replicas per period. */
  readonly maxReplicasPerPeriod: number;
  readonly periodSeconds: number;
}

export interface TokenScalingPolicyOptions {
  /** @default 1 (0 only with scaleToZero) */
  readonly minReplicas?: number;
  /** @default max(minReplicas, plan.replicasForPeak) */
  readonly maxReplicas?: number;
  /** Overrides the plan's target tokens/s per replica. */
  readonly targetTokensPerSecondPerReplica?: number;
  /** Allow 0 replicas when idle. @default false */
  readonly scaleToZero?: boolean;
  /** Aggregate tokens/s above which a scaled-to-zero workload wakes. @default 1 */
  readonly activationTokensPerSecond?: number;
  /** @default fast: 0 s window, 100 % or 4 replicas per 15 s */
  readonly scaleUp?: Partial<ScalingBehaviour>;
  /** @default slow: 300 s window, 50 % or 1 replica per 60 s */
  readonly scaleDown?: Partial<ScalingBehaviour>;
  /** Rate window for the token counter, seconds. @default 60 */
  readonly metricWindowSeconds?: number;
  /** Replicas to hold when the metric source fails. @default minReplicas (at least 1) */
  readonly fallbackReplicas?: number;
}

/** Validated, immutable scaling policy. */
export interface TokenScalingPolicy {
  readonly targetTokensPerSecondPerReplica: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly scaleToZero: boolean;
  readonly activationTokensPerSecond: number;
  readonly scaleUp: ScalingBehaviour;
  readonly scaleDown: ScalingBehaviour;
  readonly metricWindowSeconds: number;
  readonly fallbackReplicas: number;
  /** Devices per replica and hosts per replica, copied from the plan for pool sizing. */
  readonly devicesPerReplica: number;
  readonly hostsPerReplica: number;
}

/** Build a policy from a plan; throws MinAboveMax, ReplicasInvalid, ThroughputInvalid, ScalingBehaviourInvalid. */
export declare function tokenScalingPolicy(plan: CapacityPlan, options?: TokenScalingPolicyOptions): TokenScalingPolicy;
