/**
 * The step-time profile and latency targets the replay runs a plan with.
 *
 * A plan that carries `stepTime` (and `latencyTargets`) is used as is. A plan without them gets
 * a profile derived from its own throughput figure, so the replay reproduces the plan's output
 * tokens/s exactly at the planned batch and mean context.
 */
import type { CapacityPlan } from '../planner.js';
import { AVERAGE_KV_FILL } from '../planner.js';
import { type StepTimeProfile, decodeStepSeconds, prefillSeconds } from '../step-time.js';

/**
 * Compute a replica achieves per byte/s of the memory bandwidth its decode achieves, FLOP per
 * byte, when the plan carries no step-time profile. Datasheet ratios of dense BF16 FLOPS to HBM
 * bandwidth are 200-420 (Inferentia2 190 TFLOPS / 820 GB/s = 232, TPU v5e 197 / 819 = 240,
 * L40S 362 / 864 = 419, H100 SXM 989 / 3350 = 295); prefill reaches a similar share of peak
 * compute as decode of peak bandwidth, so the low end, 200, is used.
 * @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/arch/neuron-hardware/inferentia2.html
 * @see https://cloud.google.com/tpu/docs/v5e
 */
export const FALLBACK_FLOPS_PER_BANDWIDTH_BYTE = 200;
/**
 * Share of the devices' dense peak FLOPS a prefill achieves when the plan carries no step-time
 * profile: large-batch prefill reaches 40-60 % model FLOPS utilisation on GPUs and TPUs; the low
 * end keeps the estimate on the side of more replicas.
 * @see https://arxiv.org/abs/2204.02311 (PaLM, model FLOPS utilisation)
 */
export const FALLBACK_PREFILL_FLOPS_UTILIZATION = 0.4;
/** FLOPs per parameter per token of a dense transformer forward pass (multiply + add). */
export const FLOPS_PER_PARAMETER_PER_TOKEN = 2;

/** Latency targets a request must meet to count as served well. */
export interface LatencyTargets {
  /** Time to first token, seconds. */
  readonly ttftSeconds: number;
  /** Mean time per output token after the first, seconds. */
  readonly tpotSeconds: number;
}

/**
 * Default time-to-first-token target for interactive traffic when the plan states none: 2 s
 * (chat services target 0.5-2 s; MLPerf Inference v5.0's Llama 2 70B interactive scenario uses
 * 450 ms TTFT, its server scenario 2 s).
 * @see https://mlcommons.org/2025/04/llm-inference-v5/
 */
export const DEFAULT_TTFT_TARGET_SECONDS = 2;
/**
 * Default time-per-output-token target when the plan states none: the slower of 100 ms
 * (MLPerf's server-scenario TPOT for Llama 2 70B; ~10 tokens/s, faster than people read) and
 * 1.5x the plan's own decode step at full batch, so a plan whose step is already slower is
 * judged against headroom over its own design point, not an unreachable figure.
 */
export const DEFAULT_TPOT_TARGET_SECONDS = 0.1;
/** Headroom over the planned full-batch decode step in the default TPOT target. */
export const TPOT_TARGET_HEADROOM = 1.5;

interface WithStepTime {
  readonly stepTime?: StepTimeProfile;
  readonly latencyTargets?: { readonly ttftSeconds?: number; readonly tpotSeconds?: number; readonly timeToFirstTokenSeconds?: number; readonly timePerOutputTokenSeconds?: number };
}

/** Mean live context of a running sequence at the plan's design point, tokens. */
export function plannedLiveContextTokens(plan: CapacityPlan): number {
  return plan.contextTokens * AVERAGE_KV_FILL;
}

/**
 * The step-time profile of one replica of `plan`: `plan.stepTime` when the plan carries one;
 * otherwise derived from the plan's throughput (measured or estimated) so that
 * `concurrentSequences / decodeStepSeconds(profile, concurrentSequences, contextTokens / 2)`
 * equals `plan.throughput.tokensPerSecondPerReplica`: the step splits into a weight read and a
 * per-token KV read in the proportion of their bytes, and compute per token is
 * {@link FLOPS_PER_PARAMETER_PER_TOKEN} x active parameters at
 * {@link FALLBACK_PREFILL_FLOPS_UTILIZATION} of the devices' dense peak FLOPS at the plan's
 * precision (or, for a device without datasheet FLOPS, {@link FALLBACK_FLOPS_PER_BANDWIDTH_BYTE}
 * x the achieved bandwidth).
 */
export function profileForPlan(plan: CapacityPlan): StepTimeProfile {
  const given = (plan as CapacityPlan & WithStepTime).stepTime;
  if (given !== undefined) return given;
  const batch = plan.concurrentSequences;
  const stepSeconds = batch / plan.throughput.tokensPerSecondPerReplica;
  const active = plan.model.activeParametersBillion ?? plan.model.parametersBillion;
  const bytesPerWeight = (plan.memory.weightsGiB * 1024 ** 3) / (plan.model.parametersBillion * 1e9);
  const weightBytes = Math.min(plan.model.parametersBillion, active * batch) * 1e9 * bytesPerWeight;
  const kvBytes = batch * plannedLiveContextTokens(plan) * plan.memory.kvBytesPerToken;
  const bandwidth = (weightBytes + kvBytes) / stepSeconds; // achieved bytes/s
  const flopsPerToken = FLOPS_PER_PARAMETER_PER_TOKEN * active * 1e9;
  // Datasheet compute of the replica's devices at the plan's weight precision (fp8 / int8 / fp4
  // units where the device has them, else bf16), or the bandwidth ratio above.
  const peak = plan.instance.device.peakDenseTflops;
  const precisionKey = plan.precision === 'int4' ? 'bf16' : plan.precision;
  const tflops = peak === undefined ? undefined : ((peak as Record<string, number | undefined>)[precisionKey] ?? peak.bf16);
  const devices = plan.devicesPerReplica * plan.hostsPerReplica;
  const achievedFlops = tflops !== undefined ? tflops * 1e12 * devices * FALLBACK_PREFILL_FLOPS_UTILIZATION : FALLBACK_FLOPS_PER_BANDWIDTH_BYTE * bandwidth;
  const computePerToken = flopsPerToken / achievedFlops;
  return {
    fixedSecondsPerStep: 0,
    weightSecondsPerStep: weightBytes / bandwidth,
    kvSecondsPerToken: plan.memory.kvBytesPerToken / bandwidth,
    computeSecondsPerDecodeToken: computePerToken,
    prefillSecondsPerToken: computePerToken,
  };
}

/** Decode seconds per generated token at the plan's batch and mean live context. */
export function decodeSecondsPerToken(plan: CapacityPlan, profile: StepTimeProfile = profileForPlan(plan)): number {
  return decodeStepSeconds(profile, plan.concurrentSequences, plannedLiveContextTokens(plan)) / plan.concurrentSequences;
}

/** Prefill seconds per prompt token. */
export function prefillSecondsPerToken(plan: CapacityPlan, profile: StepTimeProfile = profileForPlan(plan)): number {
  return prefillSeconds(profile, 1);
}

/** The latency targets a request of `plan` is judged against: the plan's, else the defaults above. */
export function latencyTargetsForPlan(plan: CapacityPlan, profile: StepTimeProfile = profileForPlan(plan)): LatencyTargets {
  const t = (plan as CapacityPlan & WithStepTime).latencyTargets;
  const ttft = t?.ttftSeconds ?? t?.timeToFirstTokenSeconds;
  const tpot = t?.tpotSeconds ?? t?.timePerOutputTokenSeconds;
  const step = decodeStepSeconds(profile, plan.concurrentSequences, plannedLiveContextTokens(plan));
  return {
    ttftSeconds: ttft ?? DEFAULT_TTFT_TARGET_SECONDS,
    tpotSeconds: tpot ?? Math.max(DEFAULT_TPOT_TARGET_SECONDS, TPOT_TARGET_HEADROOM * step),
  };
}
