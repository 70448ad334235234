/**
 * The plan report a reviewer reads: per deployment what the model holds and reads per token
 * (total vs active parameters, from the model's config.json fields in lib/models.ts) and how its
 * attention caches (full / GQA / MLA / sliding-window share), and prices that say "unpublished"
 * rather than NaN where the vendor publishes none (lib/accelerators.ts `Pricing`).
 */
import { describe, expect, test } from 'vitest';
import { INSTANCE_TYPES, Pricing } from '../../lib/accelerators.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity, type CapacityPlan } from '../../lib/planner.js';
import { renderAcceleratorTable, renderPlanReport } from '../../lib/report.js';
import { tokenScalingPolicy } from '../../lib/scaling.js';
import { Precision } from '../../lib/models.js';

function report(plan: CapacityPlan): string {
  return renderPlanReport([{ name: 'eks/x', platform: 'EKS', plan, scalingPolicy: tokenScalingPolicy(plan) }]);
}

describe('plan report: parameters and attention per deployment', () => {
  test('a dense GQA model: total = active, query and KV heads (Llama 3.1 8B config.json: 32 heads, 8 KV heads)', () => {
    const text = report(planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'g6e.xlarge' }));
    expect(text).toContain('| Parameters | 8.03 B total = active (dense) |');
    expect(text).toContain('| Attention | GQA (32 query heads, 8 KV heads) |');
  });

  test('a mixture of experts: active of total and experts per token (Mixtral 8x7B config.json: 8 experts, 2 per token)', () => {
    const model = modelPreset('mixtral-8x7b');
    const text = report(planCapacity({ model, instanceType: 'p5.48xlarge' }));
    expect(text).toMatch(/\| Parameters \| 12\.9 B active of 46\.\d B total, mixture of experts: 2 of 8 experts per token/);
  });

  test('multi-head latent attention names the cached latent width (DeepSeek-V3 config.json: kv_lora_rank 512 + qk_rope_head_dim 64)', () => {
    const text = report(planCapacity({ model: modelPreset('deepseek-v3'), instanceType: 'p5en.48xlarge', precision: Precision.FP8 }));
    expect(text).toMatch(/\| Attention \| MLA \(latent attention, 576 cached values per layer per token/);
    expect(text).toMatch(/\| Parameters \| \d+\.\d B active of \d+\.\d B total, mixture of experts: 8 of 256 experts per token/);
  });

  test('sliding-window layers are reported as a share of the layers (Gemma 2 9B config.json: 21 of 42 layers at 4096)', () => {
    const text = report(planCapacity({ model: modelPreset('gemma-2-9b'), instanceType: 'g6e.xlarge' }));
    expect(text).toMatch(/\| Attention \| GQA \(16 query heads, 8 KV heads\); sliding window of 4096 tokens on 21 of 42 layers \(50 %\) \|/);
  });
});

describe('plan report: unpublished prices', () => {
  test('the catalogue table prints "unpublished", never NaN, for rows without a list price (TPU7x, p6-b300)', () => {
    const unpublished = INSTANCE_TYPES.filter((r) => !Pricing.isPublished(r.price));
    expect(unpublished.map((r) => r.name)).toEqual(expect.arrayContaining(['tpu7x-standard-4t', 'p6-b300.48xlarge']));
    const table = renderAcceleratorTable(INSTANCE_TYPES);
    expect(table).not.toContain('NaN');
    for (const r of unpublished) {
      expect(table.split('\n').find((l) => l.includes(`\`${r.name}\``))).toMatch(/\| unpublished \([a-z0-9-]+\) \|$/);
    }
  });

  test('a plan on an unpublished row needs the caller price, and the report shows it as an override', () => {
    expect(() => planCapacity({ model: modelPreset('llama-3-1-70b'), tpuSlice: { accelerator: 'tpu7x', topology: '2x2x2' } })).toThrow(/\[PriceUnknown\]/);
    const plan = planCapacity({ model: modelPreset('llama-3-1-70b'), tpuSlice: { accelerator: 'tpu7x', topology: '2x2x2' }, pricePerNodeHourUsd: 40 });
    const text = report(plan);
    expect(text).not.toContain('NaN');
    expect(text).toContain('| Price | caller override: $40.00 per node hour, override: pricePerNodeHourUsd |');
  });
});
