import { describe, expect, test } from 'vitest';
import {
  BYTES_PER_WEIGHT,
  KvCache,
  MODEL_PRESETS,
  type ModelSpec,
  defineModel,
  kvBytesPerToken,
  kvCacheBytesForSequence,
  modelPreset,
} from '../../lib/index.js';
import { expectError } from './expect-error.js';

/**
 * The figures each preset must carry, copied from the published config.json files
 * (num_hidden_layers, num_attention_heads, num_key_value_heads, head_dim, max_position_embeddings).
 */
const CONFIG: Record<string, [hfId: string, layers: number, heads: number, kvHeads: number, headDim: number, maxContext: number]> = {
  'llama-3-1-8b': ['meta-llama/Llama-3.1-8B-Instruct', 32, 32, 8, 128, 131072],
  'llama-3-1-70b': ['meta-llama/Llama-3.1-70B-Instruct', 80, 64, 8, 128, 131072],
  'mistral-7b': ['mistralai/Mistral-7B-Instruct-v0.3', 32, 32, 8, 128, 32768],
  'mixtral-8x7b': ['mistralai/Mixtral-8x7B-Instruct-v0.1', 32, 32, 8, 128, 32768],
  'qwen2-5-7b': ['Qwen/Qwen2.5-7B-Instruct', 28, 28, 4, 128, 32768],
  'qwen2-5-72b': ['Qwen/Qwen2.5-72B-Instruct', 80, 64, 8, 128, 32768],
  'gemma-2-9b': ['google/gemma-2-9b-it', 42, 16, 8, 256, 8192],
  'gemma-2-27b': ['google/gemma-2-27b-it', 46, 32, 16, 128, 8192],
};

/**
 * The 2026 presets, from their published config.json (text_config for multimodal checkpoints):
 * hf id, num_hidden_layers, num_attention_heads, num_key_value_heads, head_dim, max_position_embeddings,
 * weight precision, experts (num_local_experts / num_experts / n_routed_experts), num_experts_per_tok,
 * window (sliding_window / attention_chunk_size), windowed layers, MLA width (kv_lora_rank + qk_rope_head_dim).
 */
type Config2026 = [
  hfId: string, layers: number, heads: number, kvHeads: number, headDim: number, maxContext: number, precision: string,
  experts: number | undefined, topK: number | undefined, window: number | undefined, windowed: number | undefined, latent: number | undefined,
];
const CONFIG_2026: Record<string, Config2026> = {
  'gpt-oss-20b': ['openai/gpt-oss-20b', 24, 64, 8, 64, 131072, 'bf16', 32, 4, 128, 12, undefined],
  'gpt-oss-120b': ['openai/gpt-oss-120b', 36, 64, 8, 64, 131072, 'bf16', 128, 4, 128, 18, undefined],
  'llama-4-scout': ['meta-llama/Llama-4-Scout-17B-16E-Instruct', 48, 40, 8, 128, 10485760, 'bf16', 16, 1, 8192, 36, undefined],
  'llama-4-maverick': ['meta-llama/Llama-4-Maverick-17B-128E-Instruct', 48, 40, 8, 128, 1048576, 'bf16', 128, 1, 8192, 36, undefined],
  'qwen3-8b': ['Qwen/Qwen3-8B', 36, 32, 8, 128, 40960, 'bf16', undefined, undefined, undefined, undefined, undefined],
  'qwen3-32b': ['Qwen/Qwen3-32B', 64, 64, 8, 128, 40960, 'bf16', undefined, undefined, undefined, undefined, undefined],
  'qwen3-30b-a3b': ['Qwen/Qwen3-30B-A3B', 48, 32, 4, 128, 40960, 'bf16', 128, 8, undefined, undefined, undefined],
  'qwen3-235b-a22b': ['Qwen/Qwen3-235B-A22B', 94, 64, 4, 128, 40960, 'bf16', 128, 8, undefined, undefined, undefined],
  'deepseek-v3': ['deepseek-ai/DeepSeek-V3', 61, 128, 128, 192, 163840, 'fp8', 256, 8, undefined, undefined, 576],
  'deepseek-r1': ['deepseek-ai/DeepSeek-R1', 61, 128, 128, 192, 163840, 'fp8', 256, 8, undefined, undefined, 576],
  'gemma-3-27b': ['google/gemma-3-27b-it', 62, 32, 16, 128, 131072, 'bf16', undefined, undefined, 1024, 52, undefined],
  'mistral-small-3-1-24b': ['mistralai/Mistral-Small-3.1-24B-Instruct-2503', 40, 32, 8, 128, 131072, 'bf16', undefined, undefined, undefined, undefined, undefined],
};

const VALID: ModelSpec = {
  name: 'my-model',
  huggingFaceId: 'acme/my-model-7b',
  parametersBillion: 7,
  layers: 32,
  attentionHeads: 32,
  kvHeads: 8,
  headDim: 128,
  maxContextTokens: 8192,
  nativePrecision: 'bf16',
  gated: false,
};

describe('MODEL_PRESETS', () => {
  test('holds exactly the documented presets', () => {
    expect(Object.keys(MODEL_PRESETS).sort()).toEqual([...Object.keys(CONFIG), ...Object.keys(CONFIG_2026)].sort());
  });

  test.each(Object.entries(CONFIG_2026))('preset %s matches its config.json', (name, [hfId, layers, heads, kvHeads, headDim, maxContext, precision, experts, topK, window, windowed, latent]) => {
    const m = modelPreset(name);
    expect(m).toMatchObject({ name, huggingFaceId: hfId, layers, attentionHeads: heads, kvHeads, headDim, maxContextTokens: maxContext, nativePrecision: precision });
    expect(m.experts).toBe(experts);
    expect(m.expertsPerToken).toBe(topK);
    expect(m.slidingWindowTokens).toBe(window);
    expect(m.slidingWindowLayers).toBe(windowed);
    expect(m.kvLatentDim).toBe(latent);
    expect(m.source).toBe(`https://huggingface.co/${hfId}/blob/main/config.json`);
    expect(Object.isFrozen(m)).toBe(true);
  });

  test.each(Object.values(MODEL_PRESETS).map((m) => [m.name, m] as const))('preset %s is consistent', (_, m) => {
    expect(defineModel(m)).toBe(m);
    expect(m.source).toMatch(/^https:\/\/huggingface\.co\/.+\/config\.json$/);
    // MoE presets read fewer parameters per token than they hold
    if (m.experts !== undefined) {
      expect(m.activeParametersBillion).toBeLessThan(m.parametersBillion);
      expect(m.expertsPerToken).toBeLessThanOrEqual(m.experts);
    }
    if (m.slidingWindowTokens !== undefined) {
      expect(m.slidingWindowLayers).toBeLessThanOrEqual(m.layers);
      expect(m.slidingWindowTokens).toBeLessThan(m.maxContextTokens);
    }
  });

  test('gpt-oss ships MXFP4 experts with BF16 attention; DeepSeek ships FP8 weights', () => {
    expect(MODEL_PRESETS['gpt-oss-120b']).toMatchObject({ nativePrecision: 'bf16', expertPrecision: 'fp4', parametersBillion: 116.8, activeParametersBillion: 5.1 });
    expect(MODEL_PRESETS['gpt-oss-20b']).toMatchObject({ expertPrecision: 'fp4', parametersBillion: 20.9, activeParametersBillion: 3.6 });
    expect(MODEL_PRESETS['deepseek-v3']).toMatchObject({ nativePrecision: 'fp8', parametersBillion: 671, activeParametersBillion: 37 });
  });

  test('Qwen3-30B-A3B has a head dimension independent of hidden_size / heads (128, not 2048 / 32)', () => {
    expect(MODEL_PRESETS['qwen3-30b-a3b'].headDim).toBe(128);
  });

  test.each(Object.entries(CONFIG))('preset %s matches its config.json', (name, [hfId, layers, heads, kvHeads, headDim, maxContext]) => {
    const m = modelPreset(name);
    expect(m).toMatchObject({ name, huggingFaceId: hfId, layers, attentionHeads: heads, kvHeads, headDim, maxContextTokens: maxContext, nativePrecision: 'bf16' });
    expect(m.source).toBe(`https://huggingface.co/${hfId}/blob/main/config.json`);
    expect(defineModel(m)).toBe(m);
    expect(Object.isFrozen(m)).toBe(true);
  });

  test('mixtral-8x7b reads 12.9B of its 46.7B parameters per token', () => {
    expect(MODEL_PRESETS['mixtral-8x7b']).toMatchObject({ parametersBillion: 46.7, activeParametersBillion: 12.9 });
  });

  test('gated flags follow the Hugging Face repos', () => {
    expect(MODEL_PRESETS['qwen2-5-7b'].gated).toBe(false);
    expect(MODEL_PRESETS['llama-3-1-8b'].gated).toBe(true);
    expect(MODEL_PRESETS['gemma-2-9b'].gated).toBe(true);
  });
});

describe('BYTES_PER_WEIGHT and kvBytesPerToken', () => {
  test('bytes per weight per precision', () => {
    expect(BYTES_PER_WEIGHT).toEqual({ bf16: 2, fp16: 2, fp8: 1, int8: 1, int4: 0.5, fp4: 0.5 });
  });

  test('KV bytes per token = 2 x layers x kvHeads x headDim x bytes', () => {
    expect(kvBytesPerToken(MODEL_PRESETS['llama-3-1-8b'], 'bf16')).toBe(131072);
    expect(kvBytesPerToken(MODEL_PRESETS['llama-3-1-70b'], 'bf16')).toBe(327680);
    expect(kvBytesPerToken(MODEL_PRESETS['gemma-2-9b'], 'bf16')).toBe(2 * 42 * 8 * 256 * 2);
    expect(kvBytesPerToken(MODEL_PRESETS['llama-3-1-8b'], 'fp8')).toBe(65536);
  });

  test('MLA caches the latent, not K and V per head: DeepSeek-V3 61 x (512 + 64) x 2 = 70,272 bytes', () => {
    expect(kvBytesPerToken(MODEL_PRESETS['deepseek-v3'], 'bf16')).toBe(61 * 576 * 2);
    expect(kvBytesPerToken(MODEL_PRESETS['deepseek-v3'], 'bf16')).toBe(70272);
    expect(kvBytesPerToken(MODEL_PRESETS['deepseek-r1'], 'fp8')).toBe(35136);
    // the per-head formula (2 x 128 heads x 192 x 61 layers x 2 bytes) would overstate it 85x
    expect((2 * 128 * 192 * 61 * 2) / kvBytesPerToken(MODEL_PRESETS['deepseek-v3'], 'bf16')).toBeCloseTo(85.33, 2);
  });

  test('KV bytes per token of the 2026 presets (all layers, BF16), from config.json', () => {
    expect(kvBytesPerToken(MODEL_PRESETS['gpt-oss-120b'], 'bf16')).toBe(36 * 2 * 8 * 64 * 2); // 73,728
    expect(kvBytesPerToken(MODEL_PRESETS['qwen3-30b-a3b'], 'bf16')).toBe(98304);
    expect(kvBytesPerToken(MODEL_PRESETS['qwen3-235b-a22b'], 'bf16')).toBe(192512);
    expect(kvBytesPerToken(MODEL_PRESETS['llama-4-scout'], 'bf16')).toBe(196608);
    expect(kvBytesPerToken(MODEL_PRESETS['gemma-3-27b'], 'bf16')).toBe(507904);
    expect(kvBytesPerToken(MODEL_PRESETS['mistral-small-3-1-24b'], 'bf16')).toBe(163840);
  });
});

describe('kvCacheBytesForSequence (sliding-window layers capped at the window)', () => {
  test('gpt-oss-120b at 131,072 tokens: 18 full layers x 131,072 + 18 windowed x 128, 2,048 bytes each', () => {
    expect(kvCacheBytesForSequence(MODEL_PRESETS['gpt-oss-120b'], 131072, 'bf16')).toBe(2048 * (18 * 131072 + 18 * 128));
    expect(kvCacheBytesForSequence(MODEL_PRESETS['gpt-oss-120b'], 131072, 'bf16')).toBe(4836556800);
  });

  test('gpt-oss-20b at 8,192 tokens: 2,048 x (12 x 8,192 + 12 x 128)', () => {
    expect(kvCacheBytesForSequence(MODEL_PRESETS['gpt-oss-20b'], 8192, 'bf16')).toBe(204472320);
  });

  test('Gemma 3 27B at 32,768 tokens: 8,192 bytes/layer x (10 global x 32,768 + 52 local x 1,024)', () => {
    expect(kvCacheBytesForSequence(MODEL_PRESETS['gemma-3-27b'], 32768, 'bf16')).toBe(8192 * (10 * 32768 + 52 * 1024));
    expect(kvCacheBytesForSequence(MODEL_PRESETS['gemma-3-27b'], 32768, 'bf16')).toBe(3120562176);
  });

  test('Llama 4 Scout at 1M tokens: 12 global layers hold all, 36 chunked layers one 8,192-token chunk', () => {
    expect(kvCacheBytesForSequence(MODEL_PRESETS['llama-4-scout'], 1048576, 'bf16')).toBe(4096 * (12 * 1048576 + 36 * 8192));
  });

  test('Gemma 2 9B at 8,192 tokens: 21 local layers capped at 4,096', () => {
    expect(kvCacheBytesForSequence(MODEL_PRESETS['gemma-2-9b'], 8192, 'bf16')).toBe(8192 * (21 * 8192 + 21 * 4096));
  });

  test('below the window, and without windowed layers, it is tokens x kvBytesPerToken', () => {
    const gemma = MODEL_PRESETS['gemma-3-27b'];
    expect(kvCacheBytesForSequence(gemma, 1000, 'bf16')).toBe(1000 * kvBytesPerToken(gemma, 'bf16'));
    const llama = MODEL_PRESETS['llama-3-1-8b'];
    expect(kvCacheBytesForSequence(llama, 4096, 'fp8')).toBe(4096 * kvBytesPerToken(llama, 'fp8'));
    expect(KvCache.bytesForSequence(llama, 0, 'bf16')).toBe(0);
    expect(KvCache.bytesPerToken(MODEL_PRESETS['deepseek-v3'], 'bf16')).toBe(70272);
  });

  test('throws SequenceLengthInvalid for a negative or fractional length', () => {
    expectError(() => kvCacheBytesForSequence(MODEL_PRESETS['gemma-3-27b'], -1, 'bf16'), 'SequenceLengthInvalid', 'tokens', -1);
    expectError(() => kvCacheBytesForSequence(MODEL_PRESETS['gemma-3-27b'], 1.5, 'bf16'), 'SequenceLengthInvalid', 'tokens', 1.5);
  });
});

describe('defineModel: experts, MLA and sliding windows', () => {
  const MOE: ModelSpec = { ...VALID, parametersBillion: 47, activeParametersBillion: 13, experts: 8, expertsPerToken: 2 };

  test('accepts a consistent MoE / MLA / sliding-window description', () => {
    const m = { ...MOE, sharedParametersBillion: 2, expertPrecision: 'fp4' as const, kvLatentDim: 576, slidingWindowTokens: 1024, slidingWindowLayers: 16 };
    expect(defineModel(m)).toBe(m);
  });

  test('throws ModelExpertsInvalid when experts comes without expertsPerToken', () => {
    expectError(() => defineModel({ ...MOE, expertsPerToken: undefined }), 'ModelExpertsInvalid', 'model.expertsPerToken', undefined);
  });

  test('throws ModelExpertsInvalid when expertsPerToken exceeds experts', () => {
    const err = expectError(() => defineModel({ ...MOE, expertsPerToken: 9 }), 'ModelExpertsInvalid', 'model.expertsPerToken', 9);
    expect(err.allowed).toBe('an integer from 1 to 8');
  });

  test('throws ModelExpertsInvalid for a single expert', () => {
    expectError(() => defineModel({ ...MOE, experts: 1, expertsPerToken: 1 }), 'ModelExpertsInvalid', 'model.experts', 1);
  });

  test('throws ModelExpertsInvalid when an MoE model gives no active parameters', () => {
    expectError(() => defineModel({ ...MOE, activeParametersBillion: undefined }), 'ModelExpertsInvalid', 'model.activeParametersBillion', undefined);
  });

  test('throws ModelExpertsInvalid when shared parameters reach the active parameters', () => {
    expectError(() => defineModel({ ...MOE, sharedParametersBillion: 13 }), 'ModelExpertsInvalid', 'model.sharedParametersBillion', 13);
  });

  test('throws ModelExpertsInvalid for an expert precision on a dense model', () => {
    expectError(() => defineModel({ ...VALID, expertPrecision: 'fp4' }), 'ModelExpertsInvalid', 'model.expertPrecision', 'fp4');
  });

  test('throws PrecisionUnsupported for an unknown expert precision', () => {
    expectError(() => defineModel({ ...MOE, expertPrecision: 'mxfp4' as never }), 'PrecisionUnsupported', 'model.expertPrecision', 'mxfp4');
  });

  test('throws ModelLatentAttentionInvalid for a fractional latent width', () => {
    expectError(() => defineModel({ ...VALID, kvLatentDim: 57.6 }), 'ModelLatentAttentionInvalid', 'model.kvLatentDim', 57.6);
  });

  test('throws ModelSlidingWindowInvalid when the window comes without its layer count', () => {
    expectError(() => defineModel({ ...VALID, slidingWindowTokens: 4096 }), 'ModelSlidingWindowInvalid', 'model.slidingWindowLayers', undefined);
  });

  test('throws ModelSlidingWindowInvalid when more layers are windowed than the model has', () => {
    const err = expectError(() => defineModel({ ...VALID, slidingWindowTokens: 4096, slidingWindowLayers: 33 }), 'ModelSlidingWindowInvalid', 'model.slidingWindowLayers', 33);
    expect(err.allowed).toBe('an integer from 1 to 32');
  });

  test('throws ModelSlidingWindowInvalid for a zero window', () => {
    expectError(() => defineModel({ ...VALID, slidingWindowTokens: 0, slidingWindowLayers: 4 }), 'ModelSlidingWindowInvalid', 'model.slidingWindowTokens', 0);
  });
});

describe('defineModel', () => {
  test('returns a valid description unchanged', () => {
    expect(defineModel(VALID)).toBe(VALID);
    const moe = { ...VALID, parametersBillion: 47, activeParametersBillion: 13 };
    expect(defineModel(moe)).toBe(moe);
  });

  test('throws ModelFieldInvalid when the name is not DNS-1123', () => {
    expectError(() => defineModel({ ...VALID, name: 'Llama_3.1' }), 'ModelFieldInvalid', 'model.name', 'Llama_3.1');
    expectError(() => defineModel({ ...VALID, name: 'a'.repeat(64) }), 'ModelFieldInvalid', 'model.name', 'a'.repeat(64));
  });

  test('throws ModelFieldInvalid when kvHeads does not divide attentionHeads', () => {
    const err = expectError(() => defineModel({ ...VALID, kvHeads: 6 }), 'ModelFieldInvalid', 'model.kvHeads', 6);
    expect(err.allowed).toBe('a divisor of 32');
  });

  test.each([
    ['layers', 0],
    ['attentionHeads', -4],
    ['headDim', 64.5],
    ['maxContextTokens', Number.NaN],
  ] as const)('throws ModelFieldInvalid when %s is %s', (field, value) => {
    expectError(() => defineModel({ ...VALID, [field]: value }), 'ModelFieldInvalid', `model.${field}`, value);
  });

  test('throws ModelFieldInvalid when parametersBillion is not positive', () => {
    expectError(() => defineModel({ ...VALID, parametersBillion: 0 }), 'ModelFieldInvalid', 'model.parametersBillion', 0);
  });

  test('throws ModelFieldInvalid when active parameters exceed total parameters', () => {
    expectError(() => defineModel({ ...VALID, activeParametersBillion: 8 }), 'ModelFieldInvalid', 'model.activeParametersBillion', 8);
  });

  test('throws ModelFieldInvalid when the Hugging Face id is not owner/name', () => {
    expectError(() => defineModel({ ...VALID, huggingFaceId: 'llama' }), 'ModelFieldInvalid', 'model.huggingFaceId', 'llama');
  });

  test('throws PrecisionUnsupported for an unknown native precision', () => {
    expectError(() => defineModel({ ...VALID, nativePrecision: 'fp32' as never }), 'PrecisionUnsupported', 'model.nativePrecision', 'fp32');
  });
});

describe('modelPreset', () => {
  test('throws ModelPresetUnknown and lists the presets', () => {
    const err = expectError(() => modelPreset('llama-3.1-8b'), 'ModelPresetUnknown', 'model', 'llama-3.1-8b');
    expect(err.allowed).toContain('llama-3-1-8b');
  });

  test('does not treat Object.prototype names as presets', () => {
    expectError(() => modelPreset('toString'), 'ModelPresetUnknown', 'model', 'toString');
  });
});

describe('parametersBillion given as a raw count', () => {
  test('throws ParametersNotInBillions naming the prop and the figure in billions', () => {
    const raw = { ...MODEL_PRESETS['llama-3-1-8b']!, name: 'raw-count', parametersBillion: 14_000_000_000 };
    expect(() => defineModel(raw)).toThrow(/\[ParametersNotInBillions\].*model\.parametersBillion.*14000000000.*parametersBillion: 14\b/s);
  });
  test('accepts the largest published models', () => {
    expect(() => defineModel({ ...MODEL_PRESETS['deepseek-v3']!, name: 'big' })).not.toThrow();
  });
});
