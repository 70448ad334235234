/**
 * Step-time model of one replica: how long a continuous-batching step takes, so that
 * throughput, time per output token and time to first token follow from one place.
 *
 * A decode step reads the weights once and each running sequence's live KV cache, and is
 * bounded below by its compute; a prefill costs compute per prompt token. The planner fills
 * a `StepTimeProfile` per plan; the replay and the scaling signal read the same profile.
 */

/** The per-replica constants a step time is computed from (seconds). */
export interface StepTimeProfile {
  /** Fixed cost of every step (kernel launch, collective latency, Neuron step overhead). */
  readonly fixedSecondsPerStep: number;
  /** Reading the weights (or the expected distinct experts) once per decode step. */
  readonly weightSecondsPerStep: number;
  /** Reading one token of live KV cache, per token of live context per sequence. */
  readonly kvSecondsPerToken: number;
  /** Compute of one decoded token (one sequence), the lower bound of a large batch. */
  readonly computeSecondsPerDecodeToken: number;
  /** Compute of one prompt token in prefill. */
  readonly prefillSecondsPerToken: number;
}

/** Seconds of one decode step for `batch` sequences whose mean live context is `liveContextTokens`. */
export function decodeStepSeconds(profile: StepTimeProfile, batch: number, liveContextTokens: number): number {
  const memory = profile.weightSecondsPerStep + batch * liveContextTokens * profile.kvSecondsPerToken;
  const compute = batch * profile.computeSecondsPerDecodeToken;
  return profile.fixedSecondsPerStep + Math.max(memory, compute);
}

/** Seconds to prefill `promptTokens` prompt tokens. */
export function prefillSeconds(profile: StepTimeProfile, promptTokens: number): number {
  return promptTokens * profile.prefillSecondsPerToken;
}
