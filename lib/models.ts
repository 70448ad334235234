/**
 * Model descriptions and presets for well-known open models.
 *
 * Presets are filled from the models' published config.json files (cited per preset):
 * `num_hidden_layers` -> layers, `num_attention_heads` -> attentionHeads,
 * `num_key_value_heads` -> kvHeads, `head_dim` (or hidden_size / num_attention_heads) -> headDim,
 * `max_position_embeddings` -> maxContextTokens, `torch_dtype` -> nativePrecision.
 * Multimodal checkpoints (Llama 4, Gemma 3, Mistral Small 3.1) carry these under `text_config`.
 * Newer fields: `num_local_experts` / `num_experts` / `n_routed_experts` -> experts,
 * `num_experts_per_tok` / `experts_per_token` -> expertsPerToken, `kv_lora_rank` +
 * `qk_rope_head_dim` -> kvLatentDim, `sliding_window` (or `attention_chunk_size`) ->
 * slidingWindowTokens, and the count of windowed entries in `layer_types` (or the
 * `sliding_window_pattern`) -> slidingWindowLayers.
 */
import { InferenceConstructsError } from './errors.js';

/** Weight (and KV-cache) number formats. */
/** fp4 covers NVFP4 and MXFP4 (4-bit floating point with block scales). */
export type Precision = 'bf16' | 'fp16' | 'fp8' | 'int8' | 'int4' | 'fp4';

/** Bytes per weight for each precision. */
export const BYTES_PER_WEIGHT: Readonly<Record<Precision, number>> = Object.freeze({
  bf16: 2,
  fp16: 2,
  fp8: 1,
  int8: 1,
  int4: 0.5,
  fp4: 0.5,
});

/** Every supported precision, in BYTES_PER_WEIGHT order. */
export const PRECISIONS: readonly Precision[] = Object.freeze(Object.keys(BYTES_PER_WEIGHT) as Precision[]);

/** What the planner needs to know about a model. */
export interface ModelSpec {
  /** Short stable name used in resource names and labels, e.g. "llama-3-1-8b" (DNS-1123). */
  readonly name: string;
  /** Hugging Face model id, e.g. "meta-llama/Llama-3.1-8B-Instruct". */
  readonly huggingFaceId: string;
  /** Total parameters, in billions. */
  readonly parametersBillion: number;
  /** Parameters read per generated token, in billions (mixture-of-experts); defaults to parametersBillion. */
  readonly activeParametersBillion?: number;
  readonly layers: number;
  readonly attentionHeads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** Longest context the model supports, tokens. */
  readonly maxContextTokens: number;
  /** Precision the published weights are in. */
  readonly nativePrecision: Precision;
  /** Mixture of experts: routed experts per MoE layer. */
  readonly experts?: number;
  /** Mixture of experts: routed experts each token uses. */
  readonly expertsPerToken?: number;
  /** Mixture of experts: parameters every token reads (attention, embeddings, shared experts), billions. */
  readonly sharedParametersBillion?: number;
  /**
   * Multi-head latent attention (DeepSeek MLA): the cached width per layer per token,
   * kv_lora_rank + qk_rope_head_dim (512 + 64 for DeepSeek-V3). Replaces 2 x kvHeads x headDim.
   */
  readonly kvLatentDim?: number;
  /**
   * Sliding-window (local) attention: the window, tokens. A layer attending to at most this many
   * recent tokens caches at most this many. Llama 4's chunked attention (`attention_chunk_size`)
   * is described the same way: a chunked layer never caches more than one chunk.
   */
  readonly slidingWindowTokens?: number;
  /** Sliding-window (local) attention: how many of `layers` use the window (the rest attend to the full context). */
  readonly slidingWindowLayers?: number;
  /** Precision of the published expert weights when it differs from nativePrecision (gpt-oss: MXFP4 experts, bf16 attention). */
  readonly expertPrecision?: Precision;
  /** True when the Hugging Face repo is gated (needs an access token). */
  readonly gated: boolean;
  /** URL of the config the figures come from. */
  readonly source?: string;
}

/** DNS-1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, at most 63 characters. */
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Longest DNS-1123 label. @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names */
const DNS_1123_LABEL_MAX_LENGTH = 63;
/** Hugging Face repo id: "owner/name" of letters, digits, '-', '_', '.'. @see https://huggingface.co/docs/hub/repositories */
const HUGGING_FACE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

function hf(id: string): string {
  return `https://huggingface.co/${id}/blob/main/config.json`;
}

const PRESETS: ModelSpec[] = [
  {
    // num_hidden_layers 32, num_attention_heads 32, num_key_value_heads 8, hidden_size 4096, max_position_embeddings 131072
    name: 'llama-3-1-8b',
    huggingFaceId: 'meta-llama/Llama-3.1-8B-Instruct',
    parametersBillion: 8.03,
    layers: 32,
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 128,
    maxContextTokens: 131072,
    nativePrecision: 'bf16',
    gated: true,
    source: hf('meta-llama/Llama-3.1-8B-Instruct'),
  },
  {
    // num_hidden_layers 80, num_attention_heads 64, num_key_value_heads 8, hidden_size 8192, max_position_embeddings 131072
    name: 'llama-3-1-70b',
    huggingFaceId: 'meta-llama/Llama-3.1-70B-Instruct',
    parametersBillion: 70.6,
    layers: 80,
    attentionHeads: 64,
    kvHeads: 8,
    headDim: 128,
    maxContextTokens: 131072,
    nativePrecision: 'bf16',
    gated: true,
    source: hf('meta-llama/Llama-3.1-70B-Instruct'),
  },
  {
    // num_hidden_layers 32, num_attention_heads 32, num_key_value_heads 8, head_dim 128, max_position_embeddings 32768
    name: 'mistral-7b',
    huggingFaceId: 'mistralai/Mistral-7B-Instruct-v0.3',
    parametersBillion: 7.25,
    layers: 32,
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 128,
    maxContextTokens: 32768,
    nativePrecision: 'bf16',
    gated: true,
    source: hf('mistralai/Mistral-7B-Instruct-v0.3'),
  },
  {
    // 8 experts, 2 per token: 46.7B total, 12.9B active (https://mistral.ai/news/mixtral-of-experts/);
    // num_hidden_layers 32, num_attention_heads 32, num_key_value_heads 8, hidden_size 4096, max_position_embeddings 32768
    name: 'mixtral-8x7b',
    huggingFaceId: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
    parametersBillion: 46.7,
    activeParametersBillion: 12.9,
    // num_local_experts 8, num_experts_per_tok 2
    experts: 8,
    expertsPerToken: 2,
    layers: 32,
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 128,
    maxContextTokens: 32768,
    nativePrecision: 'bf16',
    gated: true,
    source: hf('mistralai/Mixtral-8x7B-Instruct-v0.1'),
  },
  {
    // num_hidden_layers 28, num_attention_heads 28, num_key_value_heads 4, hidden_size 3584, max_position_embeddings 32768
    name: 'qwen2-5-7b',
    huggingFaceId: 'Qwen/Qwen2.5-7B-Instruct',
    parametersBillion: 7.61,
    layers: 28,
    attentionHeads: 28,
    kvHeads: 4,
    headDim: 128,
    maxContextTokens: 32768,
    nativePrecision: 'bf16',
    gated: false,
    source: hf('Qwen/Qwen2.5-7B-Instruct'),
  },
  {
    // num_hidden_layers 80, num_attention_heads 64, num_key_value_heads 8, hidden_size 8192, max_position_embeddings 32768
    name: 'qwen2-5-72b',
    huggingFaceId: 'Qwen/Qwen2.5-72B-Instruct',
    parametersBillion: 72.7,
    layers: 80,
    attentionHeads: 64,
    kvHeads: 8,
    headDim: 128,
    maxContextTokens: 32768,
    nativePrecision: 'bf16',
    gated: false,
    source: hf('Qwen/Qwen2.5-72B-Instruct'),
  },
  {
    // num_hidden_layers 42, num_attention_heads 16, num_key_value_heads 8, head_dim 256 (hidden_size 3584), max_position_embeddings 8192
    name: 'gemma-2-9b',
    huggingFaceId: 'google/gemma-2-9b-it',
    parametersBillion: 9.24,
    layers: 42,
    attentionHeads: 16,
    kvHeads: 8,
    headDim: 256,
    maxContextTokens: 8192,
    nativePrecision: 'bf16',
    // sliding_window 4096 on every other layer (21 of 42)
    slidingWindowTokens: 4096,
    slidingWindowLayers: 21,
    gated: true,
    source: hf('google/gemma-2-9b-it'),
  },
  {
    // num_hidden_layers 46, num_attention_heads 32, num_key_value_heads 16, head_dim 128 (hidden_size 4608), max_position_embeddings 8192
    name: 'gemma-2-27b',
    huggingFaceId: 'google/gemma-2-27b-it',
    parametersBillion: 27.2,
    layers: 46,
    attentionHeads: 32,
    kvHeads: 16,
    headDim: 128,
    maxContextTokens: 8192,
    nativePrecision: 'bf16',
    // sliding_window 4096 on every other layer (23 of 46)
    slidingWindowTokens: 4096,
    slidingWindowLayers: 23,
    gated: true,
    source: hf('google/gemma-2-27b-it'),
  },
  {
    // num_hidden_layers 24, num_attention_heads 64, num_key_value_heads 8, head_dim 64 (hidden_size 2880),
    // max_position_embeddings 131072, num_local_experts 32, experts_per_token 4, sliding_window 128,
    // layer_types alternating sliding_attention / full_attention (12 of 24), torch_dtype bfloat16,
    // quantization_config mxfp4 on the MoE expert weights only. 20.9B total / 3.6B active (model card).
    name: 'gpt-oss-20b',
    huggingFaceId: 'openai/gpt-oss-20b',
    parametersBillion: 20.9,
    activeParametersBillion: 3.6,
    layers: 24,
    attentionHeads: 64,
    kvHeads: 8,
    headDim: 64,
    maxContextTokens: 131072,
    nativePrecision: 'bf16',
    experts: 32,
    expertsPerToken: 4,
    expertPrecision: 'fp4',
    slidingWindowTokens: 128,
    slidingWindowLayers: 12,
    gated: false,
    source: hf('openai/gpt-oss-20b'),
  },
  {
    // num_hidden_layers 36, num_attention_heads 64, num_key_value_heads 8, head_dim 64 (hidden_size 2880),
    // max_position_embeddings 131072, num_local_experts 128, experts_per_token 4, sliding_window 128 on
    // 18 of 36 layers, MXFP4 experts. 116.8B total / 5.1B active (model card).
    name: 'gpt-oss-120b',
    huggingFaceId: 'openai/gpt-oss-120b',
    parametersBillion: 116.8,
    activeParametersBillion: 5.1,
    layers: 36,
    attentionHeads: 64,
    kvHeads: 8,
    headDim: 64,
    maxContextTokens: 131072,
    nativePrecision: 'bf16',
    experts: 128,
    expertsPerToken: 4,
    expertPrecision: 'fp4',
    slidingWindowTokens: 128,
    slidingWindowLayers: 18,
    gated: false,
    source: hf('openai/gpt-oss-120b'),
  },
  {
    // text_config: num_hidden_layers 48, num_attention_heads 40, num_key_value_heads 8, head_dim 128
    // (hidden_size 5120), max_position_embeddings 10485760, num_local_experts 16, num_experts_per_tok 1
    // (plus a shared expert), attention_chunk_size 8192 on the RoPE layers (3 of every 4: 36 of 48;
    // every 4th layer is global NoPE). 109B total / 17B active (model card).
    name: 'llama-4-scout',
    huggingFaceId: 'meta-llama/Llama-4-Scout-17B-16E-Instruct',
    parametersBillion: 109,
    activeParametersBillion: 17,
    layers: 48,
    attentionHeads: 40,
    kvHeads: 8,
    headDim: 128,
    maxContextTokens: 10485760,
    nativePrecision: 'bf16',
    experts: 16,
    expertsPerToken: 1,
    slidingWindowTokens: 8192,
    slidingWindowLayers: 36,
    gated: true,
    source: hf('meta-llama/Llama-4-Scout-17B-16E-Instruct'),
  },
  {
    // text_config: num_hidden_layers 48, num_attention_heads 40, num_key_value_heads 8, head_dim 128,
    // max_position_embeddings 1048576, num_local_experts 128, num_experts_per_tok 1,
    // interleave_moe_layer_step 2, attention_chunk_size 8192 (36 of 48 layers chunked).
    // 400B total / 17B active (model card).
    name: 'llama-4-maverick',
    huggingFaceId: 'meta-llama/Llama-4-Maverick-17B-128E-Instruct',
    parametersBillion: 400,
    activeParametersBillion: 17,
    layers: 48,
    attentionHeads: 40,
    kvHeads: 8,
    headDim: 128,
    maxContextTokens: 1048576,
    nativePrecision: 'bf16',
    experts: 128,
    expertsPerToken: 1,
    slidingWindowTokens: 8192,
    slidingWindowLayers: 36,
    gated: true,
    source: hf('meta-llama/Llama-4-Maverick-17B-128E-Instruct'),
  },
  {
    // num_hidden_layers 36, num_attention_heads 32, num_key_value_heads 8, head_dim 128 (hidden_size 4096),
    // max_position_embeddings 40960, torch_dtype bfloat16. 8.2B parameters (model card).
    name: 'qwen3-8b',
    huggingFaceId: 'Qwen/Qwen3-8B',
    parametersBillion: 8.2,
    layers: 36,
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 128,
    maxContextTokens: 40960,
    nativePrecision: 'bf16',
    gated: false,
    source: hf('Qwen/Qwen3-8B'),
  },
  {
    // num_hidden_layers 64, num_attention_heads 64, num_key_value_heads 8, head_dim 128 (hidden_size 5120),
    // max_position_embeddings 40960. 32.8B parameters (model card).
    name: 'qwen3-32b',
    huggingFaceId: 'Qwen/Qwen3-32B',
    parametersBillion: 32.8,
    layers: 64,
    attentionHeads: 64,
    kvHeads: 8,
    headDim: 128,
    maxContextTokens: 40960,
    nativePrecision: 'bf16',
    gated: false,
    source: hf('Qwen/Qwen3-32B'),
  },
  {
    // num_hidden_layers 48, num_attention_heads 32, num_key_value_heads 4, head_dim 128 (hidden_size 2048,
    // so not hidden / heads), max_position_embeddings 40960, num_experts 128, num_experts_per_tok 8.
    // 30.5B total / 3.3B active (model card).
    name: 'qwen3-30b-a3b',
    huggingFaceId: 'Qwen/Qwen3-30B-A3B',
    parametersBillion: 30.5,
    activeParametersBillion: 3.3,
    layers: 48,
    attentionHeads: 32,
    kvHeads: 4,
    headDim: 128,
    maxContextTokens: 40960,
    nativePrecision: 'bf16',
    experts: 128,
    expertsPerToken: 8,
    gated: false,
    source: hf('Qwen/Qwen3-30B-A3B'),
  },
  {
    // num_hidden_layers 94, num_attention_heads 64, num_key_value_heads 4, head_dim 128 (hidden_size 4096),
    // max_position_embeddings 40960, num_experts 128, num_experts_per_tok 8. 235B total / 22B active.
    name: 'qwen3-235b-a22b',
    huggingFaceId: 'Qwen/Qwen3-235B-A22B',
    parametersBillion: 235,
    activeParametersBillion: 22,
    layers: 94,
    attentionHeads: 64,
    kvHeads: 4,
    headDim: 128,
    maxContextTokens: 40960,
    nativePrecision: 'bf16',
    experts: 128,
    expertsPerToken: 8,
    gated: false,
    source: hf('Qwen/Qwen3-235B-A22B'),
  },
  {
    // num_hidden_layers 61, num_attention_heads 128, num_key_value_heads 128, qk_nope_head_dim 128 +
    // qk_rope_head_dim 64 (query/key head 192), kv_lora_rank 512 (MLA caches 512 + 64 = 576 values per
    // layer per token), n_routed_experts 256, num_experts_per_tok 8, n_shared_experts 1,
    // max_position_embeddings 163840, quantization_config fp8 (e4m3, 128x128 blocks): the weights ship
    // in FP8. 671B total / 37B active (model card).
    name: 'deepseek-v3',
    huggingFaceId: 'deepseek-ai/DeepSeek-V3',
    parametersBillion: 671,
    activeParametersBillion: 37,
    layers: 61,
    attentionHeads: 128,
    kvHeads: 128,
    headDim: 192,
    maxContextTokens: 163840,
    nativePrecision: 'fp8',
    experts: 256,
    expertsPerToken: 8,
    kvLatentDim: 576,
    gated: false,
    source: hf('deepseek-ai/DeepSeek-V3'),
  },
  {
    // Same architecture and config.json figures as DeepSeek-V3 (DeepseekV3ForCausalLM).
    name: 'deepseek-r1',
    huggingFaceId: 'deepseek-ai/DeepSeek-R1',
    parametersBillion: 671,
    activeParametersBillion: 37,
    layers: 61,
    attentionHeads: 128,
    kvHeads: 128,
    headDim: 192,
    maxContextTokens: 163840,
    nativePrecision: 'fp8',
    experts: 256,
    expertsPerToken: 8,
    kvLatentDim: 576,
    gated: false,
    source: hf('deepseek-ai/DeepSeek-R1'),
  },
  {
    // text_config: num_hidden_layers 62, num_attention_heads 32, num_key_value_heads 16, head_dim 128
    // (hidden_size 5376), max_position_embeddings 131072, sliding_window 1024, sliding_window_pattern 6
    // (five local layers then one global: 52 of 62 local).
    name: 'gemma-3-27b',
    huggingFaceId: 'google/gemma-3-27b-it',
    parametersBillion: 27.4,
    layers: 62,
    attentionHeads: 32,
    kvHeads: 16,
    headDim: 128,
    maxContextTokens: 131072,
    nativePrecision: 'bf16',
    slidingWindowTokens: 1024,
    slidingWindowLayers: 52,
    gated: true,
    source: hf('google/gemma-3-27b-it'),
  },
  {
    // text_config: num_hidden_layers 40, num_attention_heads 32, num_key_value_heads 8, head_dim 128
    // (hidden_size 5120), max_position_embeddings 131072, torch_dtype bfloat16. 24B parameters.
    name: 'mistral-small-3-1-24b',
    huggingFaceId: 'mistralai/Mistral-Small-3.1-24B-Instruct-2503',
    parametersBillion: 24,
    layers: 40,
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 128,
    maxContextTokens: 131072,
    nativePrecision: 'bf16',
    gated: true,
    source: hf('mistralai/Mistral-Small-3.1-24B-Instruct-2503'),
  },
];

/**
 * Largest parametersBillion accepted: 10,000 billion (10 trillion). The largest open-weight models
 * of 2026 have about 1-2 trillion parameters (field survey: DeepSeek-V3 671B, Kimi K2 1T), so a
 * larger figure is a raw count given by mistake.
 */
export const MAX_PARAMETERS_BILLION = 10_000;

function invalid(prop: string, problem: string, received: unknown, allowed: string, fix: string): InferenceConstructsError {
  return new InferenceConstructsError('ModelFieldInvalid', { prop: `model.${prop}`, problem, received, allowed, fix });
}

function isPositiveInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0;
}

function isPositiveFinite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}

function expertsInvalid(prop: string, problem: string, received: unknown, allowed: string, fix: string): InferenceConstructsError {
  return new InferenceConstructsError('ModelExpertsInvalid', { prop: `model.${prop}`, problem, received, allowed, fix });
}

/** Mixture of experts: experts and expertsPerToken come together, with the active parameters. */
function checkExperts(spec: ModelSpec): void {
  const moe = spec.experts !== undefined || spec.expertsPerToken !== undefined;
  if (!moe) {
    for (const field of ['sharedParametersBillion', 'expertPrecision'] as const) {
      if (spec[field] !== undefined) {
        throw expertsInvalid(field, `${field} is set on a model without experts`, spec[field], 'unset for dense models', 'set experts and expertsPerToken too (num_local_experts, num_experts_per_tok), or drop the field');
      }
    }
    return;
  }
  if (!isPositiveInteger(spec.experts) || spec.experts < 2) {
    throw expertsInvalid('experts', 'experts is not an integer of at least 2', spec.experts, 'the routed experts per MoE layer, at least 2', "copy num_local_experts / num_experts / n_routed_experts from the model's config.json");
  }
  if (!isPositiveInteger(spec.expertsPerToken) || spec.expertsPerToken > spec.experts) {
    throw expertsInvalid('expertsPerToken', `expertsPerToken is not a positive integer at most experts (${spec.experts})`, spec.expertsPerToken, `an integer from 1 to ${spec.experts}`, "copy num_experts_per_tok from the model's config.json");
  }
  if (spec.activeParametersBillion === undefined || spec.activeParametersBillion >= spec.parametersBillion) {
    throw expertsInvalid(
      'activeParametersBillion',
      'a mixture-of-experts model reads fewer parameters per token than it holds, but activeParametersBillion is unset or not below parametersBillion',
      spec.activeParametersBillion,
      `a positive number below parametersBillion (${spec.parametersBillion})`,
      'give the active parameters from the model card (e.g. 37 of 671 for DeepSeek-V3)',
    );
  }
  if (spec.sharedParametersBillion !== undefined && (!isPositiveFinite(spec.sharedParametersBillion) || spec.sharedParametersBillion >= spec.activeParametersBillion)) {
    throw expertsInvalid(
      'sharedParametersBillion',
      'sharedParametersBillion is not a positive number below activeParametersBillion',
      spec.sharedParametersBillion,
      `a positive number below activeParametersBillion (${spec.activeParametersBillion})`,
      'give the parameters every token reads besides its routed experts (attention, embeddings, shared experts), or leave it unset',
    );
  }
  if (spec.expertPrecision !== undefined && !(PRECISIONS as readonly string[]).includes(spec.expertPrecision)) {
    throw new InferenceConstructsError('PrecisionUnsupported', {
      prop: 'model.expertPrecision',
      problem: 'the expert precision is not a supported weight format',
      received: spec.expertPrecision,
      allowed: PRECISIONS,
      fix: 'use the format of the published expert weights (MXFP4 / NVFP4 -> fp4), or leave it unset when the experts share nativePrecision',
    });
  }
}

/** MLA: the cached latent width per layer per token. */
function checkLatentAttention(spec: ModelSpec): void {
  if (spec.kvLatentDim !== undefined && !isPositiveInteger(spec.kvLatentDim)) {
    throw new InferenceConstructsError('ModelLatentAttentionInvalid', {
      prop: 'model.kvLatentDim',
      problem: 'kvLatentDim is not a positive integer',
      received: spec.kvLatentDim,
      allowed: 'kv_lora_rank + qk_rope_head_dim, a positive integer (576 for DeepSeek-V3)',
      fix: "add kv_lora_rank and qk_rope_head_dim from the model's config.json, or leave it unset for multi-head / grouped-query attention",
    });
  }
}

/** Sliding-window layers: window and count come together; the count is at most the layers. */
function checkSlidingWindow(spec: ModelSpec): void {
  const tokens = spec.slidingWindowTokens;
  const windowed = spec.slidingWindowLayers;
  if (tokens === undefined && windowed === undefined) return;
  const fail = (prop: string, problem: string, received: unknown, allowed: string, fix: string) =>
    new InferenceConstructsError('ModelSlidingWindowInvalid', { prop: `model.${prop}`, problem, received, allowed, fix });
  if (!isPositiveInteger(tokens)) {
    throw fail('slidingWindowTokens', 'slidingWindowTokens is not a positive integer', tokens, 'the window in tokens (sliding_window / attention_chunk_size)', "copy sliding_window from the model's config.json, or unset both sliding-window fields");
  }
  if (!isPositiveInteger(windowed) || windowed > spec.layers) {
    throw fail(
      'slidingWindowLayers',
      `slidingWindowLayers is not an integer from 1 to layers (${spec.layers})`,
      windowed,
      `an integer from 1 to ${spec.layers}`,
      'count the sliding_attention entries of layer_types (or derive them from sliding_window_pattern)',
    );
  }
}

/** Validate a custom model description; throws ModelFieldInvalid. Returns it unchanged. */
export function defineModel(spec: ModelSpec): ModelSpec {
  if (spec === null || typeof spec !== 'object') {
    throw invalid('', 'the model description is not an object', spec, 'a ModelSpec object', 'pass a ModelSpec or use modelPreset(name)');
  }
  const name = spec.name;
  if (typeof name !== 'string' || name.length > DNS_1123_LABEL_MAX_LENGTH || !DNS_1123_LABEL.test(name)) {
    throw invalid(
      'name',
      'the name is not a DNS-1123 label',
      name,
      `lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${DNS_1123_LABEL_MAX_LENGTH} characters`,
      'use a short name such as "llama-3-1-8b"',
    );
  }
  if (typeof spec.huggingFaceId !== 'string' || !HUGGING_FACE_ID.test(spec.huggingFaceId)) {
    throw invalid('huggingFaceId', 'the Hugging Face id is not "owner/name"', spec.huggingFaceId, '"owner/name", e.g. "meta-llama/Llama-3.1-8B-Instruct"', 'copy the repo id from the model page');
  }
  for (const field of ['layers', 'attentionHeads', 'kvHeads', 'headDim', 'maxContextTokens'] as const) {
    if (!isPositiveInteger(spec[field])) {
      throw invalid(field, `${field} is not a positive integer`, spec[field], 'a positive integer', `copy ${field} from the model's config.json`);
    }
  }
  if (!isPositiveFinite(spec.parametersBillion)) {
    throw invalid('parametersBillion', 'parametersBillion is not a positive number', spec.parametersBillion, 'a positive number of billions', 'use the parameter count from the model card, e.g. 8.03');
  }
  if (spec.parametersBillion > MAX_PARAMETERS_BILLION) {
    // 14000000000 is a raw count: without this check the planner blames the instance type.
    throw new InferenceConstructsError('ParametersNotInBillions', {
      prop: 'model.parametersBillion',
      problem: `parametersBillion looks like a raw parameter count, not billions (no open model has more than ${MAX_PARAMETERS_BILLION} billion parameters)`,
      received: spec.parametersBillion,
      allowed: `a number of billions from just above 0 to ${MAX_PARAMETERS_BILLION}`,
      fix: `divide by 10^9: parametersBillion: ${Number((spec.parametersBillion / 1e9).toPrecision(4))}`,
    });
  }
  if (spec.activeParametersBillion !== undefined) {
    if (!isPositiveFinite(spec.activeParametersBillion) || spec.activeParametersBillion > spec.parametersBillion) {
      throw invalid(
        'activeParametersBillion',
        'activeParametersBillion is not a positive number at most parametersBillion',
        spec.activeParametersBillion,
        `a positive number up to parametersBillion (${spec.parametersBillion})`,
        'give the parameters read per token (mixture-of-experts) or leave it unset for dense models',
      );
    }
  }
  if (spec.kvHeads > spec.attentionHeads || spec.attentionHeads % spec.kvHeads !== 0) {
    throw invalid(
      'kvHeads',
      `kvHeads does not divide attentionHeads (${spec.attentionHeads})`,
      spec.kvHeads,
      `a divisor of ${spec.attentionHeads}`,
      "copy num_key_value_heads from the model's config.json",
    );
  }
  if (!(PRECISIONS as readonly string[]).includes(spec.nativePrecision)) {
    throw new InferenceConstructsError('PrecisionUnsupported', {
      prop: 'model.nativePrecision',
      problem: 'the precision is not a supported weight format',
      received: spec.nativePrecision,
      allowed: PRECISIONS,
      fix: 'use the torch_dtype of the published weights (bfloat16 -> bf16)',
    });
  }
  checkExperts(spec);
  checkLatentAttention(spec);
  checkSlidingWindow(spec);
  if (typeof spec.gated !== 'boolean') {
    throw invalid('gated', 'gated is not a boolean', spec.gated, 'true or false', 'set gated: true when the Hugging Face repo needs an access token');
  }
  return spec;
}

/**
 * Presets, keyed by name: llama-3-1-8b, llama-3-1-70b, mistral-7b, mixtral-8x7b, qwen2-5-7b,
 * qwen2-5-72b, gemma-2-9b, gemma-2-27b, gpt-oss-20b, gpt-oss-120b, llama-4-scout,
 * llama-4-maverick, qwen3-8b, qwen3-32b, qwen3-30b-a3b, qwen3-235b-a22b, deepseek-v3,
 * deepseek-r1, gemma-3-27b, mistral-small-3-1-24b.
 */
export const MODEL_PRESETS: Readonly<Record<string, ModelSpec>> = Object.freeze(
  Object.fromEntries(PRESETS.map((p) => [p.name, Object.freeze(defineModel(p))])),
);

/** Look up a preset by name; throws ModelPresetUnknown. */
export function modelPreset(name: string): ModelSpec {
  const preset = Object.prototype.hasOwnProperty.call(MODEL_PRESETS, name) ? MODEL_PRESETS[name] : undefined;
  if (preset) return preset;
  const names = Object.keys(MODEL_PRESETS).sort();
  throw new InferenceConstructsError('ModelPresetUnknown', {
    prop: 'model',
    problem: 'no model preset has that name',
    received: name,
    allowed: names,
    fix: 'use a preset name, or describe the model with defineModel({...})',
  });
}

/** Bytes one layer caches per token: the MLA latent (kvLatentDim values) or K and V (2 x kvHeads x headDim). */
function kvBytesPerLayerToken(model: ModelSpec, kvCachePrecision: Precision): number {
  const values = model.kvLatentDim !== undefined ? model.kvLatentDim : 2 * model.kvHeads * model.headDim;
  return values * BYTES_PER_WEIGHT[kvCachePrecision];
}

/**
 * Bytes of KV cache per token across all layers, while the sequence is no longer than any
 * sliding window: layers x (2 x kvHeads x headDim, or kvLatentDim for MLA) x bytes per element.
 * For sliding-window models this is the upper bound; use {@link kvCacheBytesForSequence} for a
 * given sequence length.
 */
export function kvBytesPerToken(model: ModelSpec, kvCachePrecision: Precision): number {
  return model.layers * kvBytesPerLayerToken(model, kvCachePrecision);
}

/**
 * Bytes of KV cache one sequence of `tokens` tokens holds: full-attention layers cache every
 * token, sliding-window (or chunked) layers at most `slidingWindowTokens`.
 * kvBytesPerLayerToken x (fullLayers x tokens + windowedLayers x min(tokens, window)).
 * Equals tokens x kvBytesPerToken() for models without windowed layers.
 */
export function kvCacheBytesForSequence(model: ModelSpec, tokens: number, kvCachePrecision: Precision): number {
  if (!(typeof tokens === 'number' && Number.isInteger(tokens) && tokens >= 0)) {
    throw new InferenceConstructsError('SequenceLengthInvalid', {
      prop: 'tokens',
      problem: 'the sequence length is not a non-negative integer',
      received: tokens,
      allowed: 'an integer of 0 or more',
      fix: 'pass the number of tokens of the sequence (prompt + generated)',
    });
  }
  const windowed = model.slidingWindowLayers ?? 0;
  const window = model.slidingWindowTokens ?? tokens;
  const full = model.layers - windowed;
  return kvBytesPerLayerToken(model, kvCachePrecision) * (full * tokens + windowed * Math.min(tokens, window));
}

/** KV-cache sizing, as static methods (the same functions as kvBytesPerToken / kvCacheBytesForSequence). */
export class KvCache {
  /** See {@link kvBytesPerToken}. */
  public static bytesPerToken(model: ModelSpec, kvCachePrecision: Precision): number {
    return kvBytesPerToken(model, kvCachePrecision);
  }

  /** See {@link kvCacheBytesForSequence}. */
  public static bytesForSequence(model: ModelSpec, tokens: number, kvCachePrecision: Precision): number {
    return kvCacheBytesForSequence(model, tokens, kvCachePrecision);
  }

  private constructor() {}
}

/**
 * Models, for every language: the presets as constants, look-up by name, validation of a custom
 * description and the per-token sizes the planner uses.
 *
 * A model stays a plain {@link ModelSpec} struct (constructs read its fields); this class only
 * groups the functions. The constants are the same frozen objects `modelPreset(name)` returns.
 *
 * @example
 * const llama = Model.LLAMA_3_1_8B;
 * const mine = Model.custom({ ...Model.LLAMA_3_1_8B, name: 'llama-3-1-8b-ft', huggingFaceId: 'acme/llama-ft', gated: false });
 */
export class Model {
  /** Llama 3.1 8B Instruct: preset `llama-3-1-8b`; the figures and their config.json source are in the preset table. */
  public static readonly LLAMA_3_1_8B: ModelSpec = modelPreset('llama-3-1-8b');
  /** Llama 3.1 70B Instruct: preset `llama-3-1-70b`; the figures and their config.json source are in the preset table. */
  public static readonly LLAMA_3_1_70B: ModelSpec = modelPreset('llama-3-1-70b');
  /** Mistral 7B Instruct v0.3: preset `mistral-7b`; the figures and their config.json source are in the preset table. */
  public static readonly MISTRAL_7B: ModelSpec = modelPreset('mistral-7b');
  /** Mixtral 8x7B Instruct v0.1 (mixture of experts): preset `mixtral-8x7b`; the figures and their config.json source are in the preset table. */
  public static readonly MIXTRAL_8X7B: ModelSpec = modelPreset('mixtral-8x7b');
  /** Qwen2.5 7B Instruct: preset `qwen2-5-7b`; the figures and their config.json source are in the preset table. */
  public static readonly QWEN2_5_7B: ModelSpec = modelPreset('qwen2-5-7b');
  /** Qwen2.5 72B Instruct: preset `qwen2-5-72b`; the figures and their config.json source are in the preset table. */
  public static readonly QWEN2_5_72B: ModelSpec = modelPreset('qwen2-5-72b');
  /** Gemma 2 9B it (sliding-window layers): preset `gemma-2-9b`; the figures and their config.json source are in the preset table. */
  public static readonly GEMMA_2_9B: ModelSpec = modelPreset('gemma-2-9b');
  /** Gemma 2 27B it (sliding-window layers): preset `gemma-2-27b`; the figures and their config.json source are in the preset table. */
  public static readonly GEMMA_2_27B: ModelSpec = modelPreset('gemma-2-27b');
  /** gpt-oss-20b (mixture of experts, MXFP4 experts): preset `gpt-oss-20b`; the figures and their config.json source are in the preset table. */
  public static readonly GPT_OSS_20B: ModelSpec = modelPreset('gpt-oss-20b');
  /** gpt-oss-120b (mixture of experts, MXFP4 experts): preset `gpt-oss-120b`; the figures and their config.json source are in the preset table. */
  public static readonly GPT_OSS_120B: ModelSpec = modelPreset('gpt-oss-120b');
  /** Llama 4 Scout 17B-16E Instruct (mixture of experts, chunked attention): preset `llama-4-scout`; the figures and their config.json source are in the preset table. */
  public static readonly LLAMA_4_SCOUT: ModelSpec = modelPreset('llama-4-scout');
  /** Llama 4 Maverick 17B-128E Instruct (mixture of experts, chunked attention): preset `llama-4-maverick`; the figures and their config.json source are in the preset table. */
  public static readonly LLAMA_4_MAVERICK: ModelSpec = modelPreset('llama-4-maverick');
  /** Qwen3 8B: preset `qwen3-8b`; the figures and their config.json source are in the preset table. */
  public static readonly QWEN3_8B: ModelSpec = modelPreset('qwen3-8b');
  /** Qwen3 32B: preset `qwen3-32b`; the figures and their config.json source are in the preset table. */
  public static readonly QWEN3_32B: ModelSpec = modelPreset('qwen3-32b');
  /** Qwen3 30B-A3B (mixture of experts): preset `qwen3-30b-a3b`; the figures and their config.json source are in the preset table. */
  public static readonly QWEN3_30B_A3B: ModelSpec = modelPreset('qwen3-30b-a3b');
  /** Qwen3 235B-A22B (mixture of experts): preset `qwen3-235b-a22b`; the figures and their config.json source are in the preset table. */
  public static readonly QWEN3_235B_A22B: ModelSpec = modelPreset('qwen3-235b-a22b');
  /** DeepSeek-V3 (mixture of experts, latent attention, FP8 weights): preset `deepseek-v3`; the figures and their config.json source are in the preset table. */
  public static readonly DEEPSEEK_V3: ModelSpec = modelPreset('deepseek-v3');
  /** DeepSeek-R1 (same architecture as DeepSeek-V3): preset `deepseek-r1`; the figures and their config.json source are in the preset table. */
  public static readonly DEEPSEEK_R1: ModelSpec = modelPreset('deepseek-r1');
  /** Gemma 3 27B it (sliding-window layers): preset `gemma-3-27b`; the figures and their config.json source are in the preset table. */
  public static readonly GEMMA_3_27B: ModelSpec = modelPreset('gemma-3-27b');
  /** Mistral Small 3.1 24B Instruct 2503: preset `mistral-small-3-1-24b`; the figures and their config.json source are in the preset table. */
  public static readonly MISTRAL_SMALL_3_1_24B: ModelSpec = modelPreset('mistral-small-3-1-24b');

  /**
   * A preset by name (`llama-3-1-8b`, `gemma-2-9b`, ...); throws `ModelPresetUnknown` listing the names.
   *
   * @param name a name from {@link Model.presetNames}
   */
  public static preset(name: string): ModelSpec {
    return modelPreset(name);
  }

  /** Every preset name, sorted. */
  public static presetNames(): string[] {
    return Object.keys(MODEL_PRESETS).sort();
  }

  /**
   * Validate a custom model description and return it unchanged; throws `ModelFieldInvalid`,
   * `ModelExpertsInvalid`, `ModelLatentAttentionInvalid`, `ModelSlidingWindowInvalid` or
   * `PrecisionUnsupported` naming the field.
   *
   * @param spec the model, with figures copied from its config.json
   */
  public static custom(spec: ModelSpec): ModelSpec {
    return defineModel(spec);
  }

  /**
   * Bytes of KV cache per token across all layers (the upper bound for sliding-window models).
   *
   * @param model the model
   * @param kvCachePrecision the KV-cache number format (`bf16`, `fp8`, ...)
   */
  public static kvBytesPerToken(model: ModelSpec, kvCachePrecision: Precision): number {
    checkPrecision('kvCachePrecision', kvCachePrecision);
    return kvBytesPerToken(model, kvCachePrecision);
  }

  /**
   * Bytes one sequence of `tokens` tokens holds in the KV cache (sliding-window layers cache at
   * most their window).
   *
   * @param model the model
   * @param tokens prompt + generated tokens of the sequence
   * @param kvCachePrecision the KV-cache number format
   */
  public static kvCacheBytesForSequence(model: ModelSpec, tokens: number, kvCachePrecision: Precision): number {
    checkPrecision('kvCachePrecision', kvCachePrecision);
    return kvCacheBytesForSequence(model, tokens, kvCachePrecision);
  }

  /**
   * Bytes per weight of a number format (bf16 2, fp8 1, int4 0.5, ...); throws `PrecisionUnsupported`.
   *
   * @param precision the number format
   */
  public static bytesPerWeight(precision: Precision): number {
    checkPrecision('precision', precision);
    return BYTES_PER_WEIGHT[precision];
  }

  /** Every supported number format, in the order of the bytes-per-weight table. */
  public static precisions(): string[] {
    return [...PRECISIONS];
  }

  private constructor() {}
}

/** A precision from another language arrives as any string: refuse one the tables do not have. */
function checkPrecision(prop: string, precision: string): void {
  if (!(PRECISIONS as readonly string[]).includes(precision)) {
    throw new InferenceConstructsError('PrecisionUnsupported', {
      prop,
      problem: 'the precision is not one of the supported number formats',
      received: precision,
      allowed: PRECISIONS,
      fix: 'use one of the listed formats (bfloat16 -> bf16, MXFP4 / NVFP4 -> fp4)',
    });
  }
}
