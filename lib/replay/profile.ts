/**
 * The step-time profile and latency targets the replay runs a plan with: the plan's own
 * (`plan.stepTime`, `plan.latency.targets`), so the replay and the planner share one step-time
 * model. They differ in one place: a step that decodes and prefills at once takes its roofline
 * in the engine (`mixedStepSeconds`), while the planner's closed forms add the prefill to the
 * decode step, which never undercounts it: plans are conservative for mixed load.
 */
import type { CapacityPlan } from '../planner.js';
import { type StepTimeProfile, decodeStepSeconds, liveContextTokens, prefillSeconds } from '../step-time.js';

/** Latency targets a request must meet to count as served well. */
export interface ReplayLatencyTargets {
  /** Time to first token, seconds. */
  readonly ttftSeconds: number;
  /** Mean time per output token after the first, seconds. */
  readonly tpotSeconds: number;
}

/**
 * Default time-to-first-token target when the plan states none: 2 s (MLPerf Inference v5.0's
 * Llama 2 70B server scenario; its interactive scenario uses 450 ms).
 * @see https://mlcommons.org/2025/04/llm-inference-v5/
 */
export const DEFAULT_TTFT_TARGET_SECONDS = 2;
/**
 * Default time-per-output-token target when the plan states none: the slower of 100 ms
 * (MLPerf's server-scenario TPOT for Llama 2 70B; about 10 tokens/s, faster than people read)
 * and 1.5x the plan's own time per output token at its operating point, so a plan whose design
 * point is already slower is judged against headroom over it, not an unreachable figure.
 */
export const DEFAULT_TPOT_TARGET_SECONDS = 0.1;
/** Headroom over the plan's time per output token in the default TPOT target. */
export const TPOT_TARGET_HEADROOM = 1.5;

/** The step-time profile of one replica of `plan` (the planner's, measured or estimated). */
export function profileForPlan(plan: CapacityPlan): StepTimeProfile {
  return plan.stepTime;
}

/** Mean live context of a running sequence at the plan's request shape, tokens. */
export function plannedLiveContextTokens(plan: CapacityPlan): number {
  return liveContextTokens(plan.inputTokens, plan.outputTokens);
}

/** Decode seconds per generated token at the plan's batch and mean live context (prefill excluded). */
export function decodeSecondsPerToken(plan: CapacityPlan, profile: StepTimeProfile = profileForPlan(plan)): number {
  return decodeStepSeconds(profile, plan.concurrentSequences, plannedLiveContextTokens(plan)) / plan.concurrentSequences;
}

/** Prefill seconds per prompt token. */
export function prefillSecondsPerToken(plan: CapacityPlan, profile: StepTimeProfile = profileForPlan(plan)): number {
  return prefillSeconds(profile, 1);
}

/** The latency targets a request of `plan` is judged against: the plan's, else the defaults above. */
export function latencyTargetsForPlan(plan: CapacityPlan): ReplayLatencyTargets {
  const t = plan.latency.targets;
  return {
    ttftSeconds: t?.timeToFirstTokenSeconds ?? DEFAULT_TTFT_TARGET_SECONDS,
    tpotSeconds: t?.timePerOutputTokenSeconds ?? Math.max(DEFAULT_TPOT_TARGET_SECONDS, TPOT_TARGET_HEADROOM * plan.latency.timePerOutputTokenSeconds),
  };
}
