import { describe, expect, test } from 'vitest';
import { BYTES_PER_WEIGHT, MODEL_PRESETS, type ModelSpec, defineModel, kvBytesPerToken, modelPreset } from '../../lib/index.js';
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
    expect(Object.keys(MODEL_PRESETS).sort()).toEqual(Object.keys(CONFIG).sort());
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
