/**
 * Model descriptions and presets for well-known open models.
 *
 * CONTRACT (implementation pending): shapes fixed; presets filled from the models' published
 * config.json files (cited per preset).
 */

/** Weight (and KV-cache) number formats. */
export type Precision = 'bf16' | 'fp16' | 'fp8' | 'int8' | 'int4';

/** Bytes per weight for each precision. */
export declare const BYTES_PER_WEIGHT: Readonly<Record<Precision, number>>;

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
  /** True when the Hugging Face repo is gated (needs an access token). */
  readonly gated: boolean;
  /** URL of the config the figures come from. */
  readonly source?: string;
}

/** Presets, keyed by name. At least: llama-3-1-8b, llama-3-1-70b, mistral-7b, mixtral-8x7b, qwen2-5-7b, qwen2-5-72b, gemma-2-9b, gemma-2-27b. */
export declare const MODEL_PRESETS: Readonly<Record<string, ModelSpec>>;

/** Look up a preset by name; throws ModelPresetUnknown. */
export declare function modelPreset(name: string): ModelSpec;

/** Validate a custom model description; throws ModelFieldInvalid. Returns it unchanged. */
export declare function defineModel(spec: ModelSpec): ModelSpec;
