/**
 * Model descriptions and presets for well-known open models.
 *
 * Presets are filled from the models' published config.json files (cited per preset):
 * `num_hidden_layers` -> layers, `num_attention_heads` -> attentionHeads,
 * `num_key_value_heads` -> kvHeads, `head_dim` (or hidden_size / num_attention_heads) -> headDim,
 * `max_position_embeddings` -> maxContextTokens, `torch_dtype` -> nativePrecision.
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
  /** Sliding-window (local) attention: the window, tokens. */
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
    gated: true,
    source: hf('google/gemma-2-27b-it'),
  },
];

function invalid(prop: string, problem: string, received: unknown, allowed: string, fix: string): InferenceConstructsError {
  return new InferenceConstructsError('ModelFieldInvalid', { prop: `model.${prop}`, problem, received, allowed, fix });
}

function isPositiveInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0;
}

function isPositiveFinite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
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
  if (typeof spec.gated !== 'boolean') {
    throw invalid('gated', 'gated is not a boolean', spec.gated, 'true or false', 'set gated: true when the Hugging Face repo needs an access token');
  }
  return spec;
}

/** Presets, keyed by name. At least: llama-3-1-8b, llama-3-1-70b, mistral-7b, mixtral-8x7b, qwen2-5-7b, qwen2-5-72b, gemma-2-9b, gemma-2-27b. */
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

/** Bytes of KV cache per token for a model: 2 (K and V) x layers x kvHeads x headDim x bytes per element. */
export function kvBytesPerToken(model: ModelSpec, kvCachePrecision: Precision): number {
  return 2 * model.layers * model.kvHeads * model.headDim * BYTES_PER_WEIGHT[kvCachePrecision];
}
