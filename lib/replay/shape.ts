/**
 * Plan a deployment for the request shape of the trace it serves.
 *
 * A platform engineer serving coding traffic (prompts of 2k-8k tokens, ~28 output tokens) plans
 * for that shape (`PlanInput.inputTokens` / `outputTokens`), not for the planner's default
 * conversation shape (1155 / 211): the batch that meets the latency targets, and with it the
 * per-replica token target the scaler renders, depend on it (Llama 3.1 70B on g6e.12xlarge:
 * 117 sequences and 411 tokens/s for the conversation shape, 15 and 53 for the coding shape).
 * The replay replans every deployment for its trace's shape by default, through the planner
 * and the policy builder the constructs use, so what it replays is what the stacks would render
 * for that plan.
 */
import { InferenceConstructsError } from '../errors.js';
import { type CapacityPlan, planCapacity } from '../planner.js';
import type { PlannedDeployment } from '../report.js';
import { type TokenScalingPolicy, type TokenScalingPolicyOptions, tokenScalingPolicy } from '../scaling.js';
import { burstTargetUtilization } from './replay.js';
import type { RequestTrace } from './trace.js';

/** Mean prompt and output tokens of a request stream. */
export interface RequestShape {
  /** Mean prompt tokens per request. */
  readonly inputTokens: number;
  /** Mean output tokens per request. */
  readonly outputTokens: number;
}

/** The trace's mean prompt and output tokens, rounded to whole tokens (at least 1). */
export function traceRequestShape(trace: RequestTrace): RequestShape {
  const n = trace.requests.length;
  if (n === 0) {
    throw new InferenceConstructsError('TraceInvalid', { prop: 'trace', problem: 'the trace has no requests', received: trace.name, allowed: 'a trace with at least one request', fix: 'pass a non-empty trace' });
  }
  let input = 0;
  let output = 0;
  for (const r of trace.requests) {
    input += r.promptTokens;
    output += r.outputTokens;
  }
  return { inputTokens: Math.max(1, Math.round(input / n)), outputTokens: Math.max(1, Math.round(output / n)) };
}

/**
 * The same plan for another request shape: the model, instance or TPU slice, precisions,
 * context, tensor-parallel degree, expert parallelism, target utilisation, latency targets and
 * node price of `plan`, with `shape`'s mean prompt and output tokens. The concurrency and the
 * scaling target follow from the planner as for any plan.
 */
export function replanForShape(plan: CapacityPlan, shape: RequestShape, targetUtilization: number = plan.targetUtilization): CapacityPlan {
  return planCapacity({
    model: plan.model,
    ...(plan.tpuSlice !== undefined ? { tpuSlice: plan.tpuSlice } : { instanceType: plan.instance }),
    precision: plan.precision,
    kvCachePrecision: plan.kvCachePrecision,
    contextTokens: plan.contextTokens,
    inputTokens: shape.inputTokens,
    outputTokens: shape.outputTokens,
    tensorParallelDegree: plan.tensorParallelDegree,
    expertParallel: plan.expertParallel,
    targetUtilization,
    ...(plan.latency.targets !== undefined ? { latencyTargets: plan.latency.targets } : {}),
    pricePerNodeHourUsd: plan.cost.perNodeHourUsd,
  });
}

/**
 * The rendered policy's options applied to another plan (the per-replica target follows the
 * plan), with `overrides` in place of the policy's own (the replay's studies of another option).
 */
export function policyForPlan(plan: CapacityPlan, policy: TokenScalingPolicy, overrides: Pick<TokenScalingPolicyOptions, 'scaleOutMinutes'> = {}): TokenScalingPolicy {
  return tokenScalingPolicy(plan, {
    signal: policy.signal,
    minReplicas: policy.minReplicas,
    maxReplicas: policy.maxReplicas,
    scaleToZero: policy.scaleToZero,
    activationTokensPerSecond: policy.activationTokensPerSecond,
    scaleUp: policy.scaleUp,
    scaleDown: policy.scaleDown,
    metricWindowSeconds: policy.metricWindowSeconds,
    fallbackReplicas: policy.fallbackReplicas,
    scaleOutMinutes: policy.scaleOutMinutes,
    ...overrides,
  });
}

/** A planned deployment replanned for `shape` (plan and policy; name, platform and server kept). */
export function plannedForShape(d: PlannedDeployment, shape: RequestShape): PlannedDeployment {
  if (d.plan.inputTokens === shape.inputTokens && d.plan.outputTokens === shape.outputTokens) return d;
  if (shape.inputTokens + shape.outputTokens > d.plan.contextTokens) {
    throw new InferenceConstructsError('TraceLongerThanContext', {
      prop: 'trace',
      problem: `the trace's mean request (${shape.inputTokens} prompt + ${shape.outputTokens} output tokens) is longer than ${d.name}'s context (${d.plan.contextTokens} tokens), so no plan serves its mean request`,
      received: shape,
      allowed: `a trace whose mean request fits ${d.plan.contextTokens} tokens`,
      fix: "replay the deployment as rendered (--plan-shape rendered: each request longer than the context counts as failed), or plan it with a longer contextTokens",
    });
  }
  const plan = replanForShape(d.plan, shape);
  return { ...d, plan, scalingPolicy: policyForPlan(plan, d.scalingPolicy) };
}

/**
 * `d` at target utilisation `u`: the same plan (request shape included) and policy options, the
 * per-replica target following the new utilisation.
 */
export function plannedAtTarget(d: PlannedDeployment, u: number): PlannedDeployment {
  if (u === d.plan.targetUtilization) return d;
  const plan = replanForShape(d.plan, { inputTokens: d.plan.inputTokens, outputTokens: d.plan.outputTokens }, u);
  return { ...d, plan, scalingPolicy: policyForPlan(plan, d.scalingPolicy) };
}

/**
 * A planned deployment replanned for the bursts of `trace`, without replaying it: for its mean
 * request shape ({@link plannedForShape}), and at the target utilisation its bursts leave
 * ({@link burstTargetUtilization}: the target x the trace's burst share, `burstShare`). A
 * trace whose bursts within a minute stay within what the minute's mean leaves keeps its target.
 *
 * The share is measured on the trace as recorded. Measured instead on the trace thinned to fit
 * the deployment, and again after the fit follows the lowered target, it fell further each round
 * (sparser traces look burstier), and the replay was dearer at equal attainment than with one
 * measurement on the recorded trace.
 */
export function plannedForBursts(d: PlannedDeployment, trace: RequestTrace): PlannedDeployment {
  const shaped = plannedForShape(d, traceRequestShape(trace));
  const u = burstTargetUtilization(shaped.plan, trace);
  return u >= shaped.plan.targetUtilization ? shaped : plannedAtTarget(shaped, u);
}
