/**
 * Step-time model of one replica: how long a continuous-batching step takes, so that
 * throughput, time per output token and time to first token follow from one place.
 *
 * A decode step reads the weights once and each running sequence's live KV cache, and is
 * bounded below by its compute; a prefill costs compute per prompt token. The planner fills
 * a `StepTimeProfile` per plan; the replay and the scaling signal read the same profile.
 *
 * The constants below are the model's only calibration: one memory-bandwidth efficiency per
 * interconnect class, one compute efficiency, one fixed per-step cost per device family. They
 * are physical (what share of the datasheet peak a serving stack reaches), named and cited, and
 * `npm run calibrate` checks them against published measurements
 * (test/fixtures/benchmarks/published-decode-throughput.json).
 */
import type { AcceleratorClass, Interconnect } from './accelerators.js';

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
  /** Compute of one prompt token in prefill (the replica's throughput cost: all stages busy). */
  readonly prefillSecondsPerToken: number;
  /**
   * Pipeline stages one prompt passes through in turn (nodes of a pipeline-parallel replica).
   * Prefill work of different prompts overlaps across the stages, so `prefillSecondsPerToken`
   * is the per-token throughput cost; one prompt's own prefill latency is that times the stages.
   * @default 1
   */
  readonly pipelineStages?: number;
}

/** Seconds of one decode step for `batch` sequences whose mean live context is `liveContextTokens`. */
export function decodeStepSeconds(profile: StepTimeProfile, batch: number, liveContextTokens: number): number {
  const memory = profile.weightSecondsPerStep + batch * liveContextTokens * profile.kvSecondsPerToken;
  const compute = batch * profile.computeSecondsPerDecodeToken;
  return profile.fixedSecondsPerStep + Math.max(memory, compute);
}

/**
 * Seconds of one engine step that decodes `decoding` sequences (mean live context
 * `liveContextTokens`) and prefills a chunk of `chunkTokens` prompt tokens in the same forward
 * pass, as vLLM's chunked prefill batches them. The pass reads the weights and the decoding
 * sequences' KV cache once, and the chunk's matrix work runs beside the decode tokens', so the
 * step takes the larger of its memory time and its summed compute time (the roofline of the
 * step): decode tokens ride on a compute-bound prefill chunk almost free, and a small chunk
 * still pays a whole weight read. With no chunk it is {@link decodeStepSeconds}.
 *
 * The planner's closed forms ({@link timePerOutputTokenSeconds}, {@link timeToFirstTokenSeconds})
 * add the prefill to the decode step instead, which never undercounts a step; the replay engine
 * schedules step by step and takes this roofline.
 * @see https://docs.vllm.ai/en/v0.11.0/configuration/optimization.html (chunked prefill: "better balancing compute-bound (prefill) and memory-bound (decode) operations")
 * @see https://www.usenix.org/conference/osdi24/presentation/agrawal (Sarathi-Serve, OSDI 2024: decodes piggybacked on prefill chunks)
 */
export function mixedStepSeconds(profile: StepTimeProfile, decoding: number, liveContextTokens: number, chunkTokens: number): number {
  const memory = profile.weightSecondsPerStep + decoding * liveContextTokens * profile.kvSecondsPerToken;
  const compute = decoding * profile.computeSecondsPerDecodeToken + prefillSeconds(profile, chunkTokens);
  return profile.fixedSecondsPerStep + Math.max(memory, compute);
}

/** Seconds to prefill `promptTokens` prompt tokens. */
export function prefillSeconds(profile: StepTimeProfile, promptTokens: number): number {
  return promptTokens * profile.prefillSecondsPerToken;
}

/**
 * Mean live context of a running sequence: its prompt plus half its output (a sequence grows
 * from `inputTokens` to `inputTokens + outputTokens` while it decodes).
 */
export function liveContextTokens(inputTokens: number, outputTokens: number): number {
  return inputTokens + outputTokens / 2;
}

/**
 * Mean time between two output tokens of one sequence at `batch` concurrent sequences: one
 * decode step plus the prefill work interleaved with it (each finished sequence is replaced by
 * a new one whose prompt is prefilled: `batch / outputTokens` prefills of `inputTokens` per step).
 */
export function timePerOutputTokenSeconds(profile: StepTimeProfile, batch: number, inputTokens: number, outputTokens: number): number {
  const step = decodeStepSeconds(profile, batch, liveContextTokens(inputTokens, outputTokens));
  return step + (batch / outputTokens) * prefillSeconds(profile, inputTokens);
}

/** Output tokens/s of one replica at `batch` concurrent sequences (batch / time per output token). */
export function outputTokensPerSecond(profile: StepTimeProfile, batch: number, inputTokens: number, outputTokens: number): number {
  return batch / timePerOutputTokenSeconds(profile, batch, inputTokens, outputTokens);
}

/**
 * Median time to first token with no queueing: the prompt's prefill (through every pipeline
 * stage in turn) plus the decode step it joins. Queueing under load adds to it; the scaling target keeps replicas below saturation.
 */
export function timeToFirstTokenSeconds(profile: StepTimeProfile, batch: number, inputTokens: number, outputTokens: number): number {
  return (profile.pipelineStages ?? 1) * prefillSeconds(profile, inputTokens) + decodeStepSeconds(profile, batch, liveContextTokens(inputTokens, outputTokens));
}

/** The step-time functions as static methods (for languages without free functions). */
export class StepTime {
  /** @see decodeStepSeconds */
  public static decodeStepSeconds(profile: StepTimeProfile, batch: number, liveContext: number): number {
    return decodeStepSeconds(profile, batch, liveContext);
  }
  /** @see mixedStepSeconds */
  public static mixedStepSeconds(profile: StepTimeProfile, decoding: number, liveContext: number, chunkTokens: number): number {
    return mixedStepSeconds(profile, decoding, liveContext, chunkTokens);
  }
  /** @see prefillSeconds */
  public static prefillSeconds(profile: StepTimeProfile, promptTokens: number): number {
    return prefillSeconds(profile, promptTokens);
  }
  /** @see timePerOutputTokenSeconds */
  public static timePerOutputTokenSeconds(profile: StepTimeProfile, batch: number, inputTokens: number, outputTokens: number): number {
    return timePerOutputTokenSeconds(profile, batch, inputTokens, outputTokens);
  }
  /** @see outputTokensPerSecond */
  public static outputTokensPerSecond(profile: StepTimeProfile, batch: number, inputTokens: number, outputTokens: number): number {
    return outputTokensPerSecond(profile, batch, inputTokens, outputTokens);
  }
  /** @see liveContextTokens */
  public static liveContextTokens(inputTokens: number, outputTokens: number): number {
    return liveContextTokens(inputTokens, outputTokens);
  }
  /** @see bandwidthEfficiency */
  public static bandwidthEfficiency(interconnect: Interconnect): number {
    return bandwidthEfficiency(interconnect);
  }
  /** @see fixedStepSeconds */
  public static fixedStepSeconds(acceleratorClass: AcceleratorClass): number {
    return fixedStepSeconds(acceleratorClass);
  }
  /** @see timeToFirstTokenSeconds */
  public static timeToFirstTokenSeconds(profile: StepTimeProfile, batch: number, inputTokens: number, outputTokens: number): number {
    return timeToFirstTokenSeconds(profile, batch, inputTokens, outputTokens);
  }
}

// ---------------------------------------------------------------------------------------------
// Calibration constants
// ---------------------------------------------------------------------------------------------

/**
 * Share of the group's peak memory bandwidth a decode step reaches, per interconnect class of
 * the devices one replica spans (`none`: one device).
 *
 * - none 0.70: one GPU / chip reaches 60-80 % of datasheet HBM bandwidth in memory-bound decode
 *   ("model bandwidth utilization", Databricks, LLM Inference Performance Engineering: Best
 *   Practices, https://www.databricks.com/blog/llm-inference-performance-engineering-best-practices;
 *   the TensorRT-LLM single-GPU tables imply 0.60-0.78).
 * - nvlink 0.55: tensor parallelism adds two all-reduces per layer; over NVLink the same source
 *   measures MBU falling to ~55 % at TP 2-8.
 * - pcie 0.25: the all-reduces cross PCIe (no NVLink on g5 / g6 / g6e multi-GPU sizes): the
 *   TensorRT-LLM L40S TP 4 table implies ~25 %.
 *   @see https://github.com/NVIDIA/TensorRT-LLM/blob/v0.9.0/docs/source/performance.md
 * - neuronlink 0.55: Inferentia2 chips ring-connected by NeuronLink-v2; with the fixed step
 *   cost below, the Neuron Inf2 tables (Llama 3 8B and 70B at TP 24) imply ~55 %.
 *   @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/benchmarks/inf2/inf2-performance.html
 * - ici 0.55: TPU chips over the inter-chip interconnect, like NVLink-class links.
 */
export const BANDWIDTH_EFFICIENCY: { readonly [interconnect: string]: number } = {
  none: 0.7,
  nvlink: 0.55,
  pcie: 0.25,
  neuronlink: 0.55,
  ici: 0.55,
};

/**
 * Share of the group's dense peak TFLOPS the matrix multiplies reach in prefill and in a
 * compute-bound decode step (model FLOPs utilisation). MLPerf Inference v4.1 Llama 2 70B
 * Offline on H100 (TensorRT-LLM, FP8, batch 896 per TP 2 pair) runs at ~45-50 % of the dense FP8
 * peak counting 2 FLOPs per parameter per token.
 * @see https://github.com/mlcommons/inference_results_v4.1/tree/main/closed/NVIDIA
 */
export const COMPUTE_EFFICIENCY = 0.5;

/**
 * Fixed cost of one decode step per accelerator class, seconds.
 *
 * - inferentia2 7 ms: the Neuron runtime's per-step cost (graph launch, collectives over all
 *   NeuronCores): the Inf2 latency table's time per output token for Llama 3 8B at TP 24 is
 *   10.45 ms where reading the weights takes ~1 ms at full bandwidth; the intercept of TPOT
 *   against bytes read over the 8B and 70B rows is ~7 ms.
 *   @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/benchmarks/inf2/inf2-performance.html
 * - nvidia-gpu 0: CUDA graphs remove the launch cost of a decode step (vLLM, TensorRT-LLM).
 * - tpu 0: one compiled XLA program per step.
 */
export const FIXED_STEP_SECONDS: { readonly [acceleratorClass: string]: number } = {
  inferentia2: 0.007,
  'nvidia-gpu': 0,
  tpu: 0,
};

/** Bandwidth efficiency of an interconnect class (see {@link BANDWIDTH_EFFICIENCY}). */
export function bandwidthEfficiency(interconnect: Interconnect): number {
  return BANDWIDTH_EFFICIENCY[interconnect];
}

/** Fixed step cost of an accelerator class (see {@link FIXED_STEP_SECONDS}). */
export function fixedStepSeconds(acceleratorClass: AcceleratorClass): number {
  return FIXED_STEP_SECONDS[acceleratorClass];
}
