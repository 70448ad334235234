import { describe, expect, test } from 'vitest';
import {
  AVERAGE_KV_FILL,
  ROOFLINE_BANDWIDTH_EFFICIENCY,
  devicesForReplicas,
  instanceType,
  modelPreset,
  nodesForReplicas,
  planCapacity,
  planCheapest,
  tpuSlice,
} from '../../lib/index.js';
import { expectError } from './expect-error.js';

const llama8b = modelPreset('llama-3-1-8b');
const llama70b = modelPreset('llama-3-1-70b');

describe('planCapacity on Inferentia2', () => {
  // GIVEN the reference deployment: Llama 3.1 8B bf16 on inf2.xlarge with defaults
  const plan = planCapacity({ model: llama8b, instanceType: 'inf2.xlarge' });

  test('fits at TP 2 (both NeuronCores of the one chip) with context 8192 and batch 8', () => {
    expect(plan.tensorParallelDegree).toBe(2);
    expect(plan.neuronCoresPerReplica).toBe(2);
    expect(plan.devicesPerReplica).toBe(1);
    expect(plan.hostsPerReplica).toBe(1);
    expect(plan.replicasPerNode).toBe(1);
    expect(plan.contextTokens).toBe(8192);
    // the default batch of 16 needs 34.16 GiB; halved to 8 it fits
    expect(plan.concurrentSequences).toBe(8);
    expect(plan.precision).toBe('bf16');
    expect(plan.kvCachePrecision).toBe('bf16');
  });

  test('adds weights, KV cache and overhead in GiB to 2 decimals', () => {
    expect(plan.memory).toEqual({
      weightsGiB: 14.96, // 8.03e9 x 2 B
      kvCacheGiB: 8, // 8 x 8192 x 128 KiB
      overheadGiB: 3.2, // 10 % of 32 GiB
      totalGiB: 26.16,
      availableGiB: 32,
      fraction: 0.8174,
      kvBytesPerToken: 131072,
    });
  });

  test('estimates throughput from the bandwidth roofline and says so', () => {
    const bytesPerStep = 8.03e9 * 2 + 8 * 131072 * 8192 * AVERAGE_KV_FILL;
    const expected = Math.round(8 / (bytesPerStep / (820e9 * ROOFLINE_BANDWIDTH_EFFICIENCY)));
    expect(plan.throughput.source).toBe('estimate');
    expect(plan.throughput.tokensPerSecondPerReplica).toBe(expected);
    expect(plan.throughput.tokensPerSecondPerReplica).toBe(161);
    expect(plan.throughput.basis).toContain('roofline');
    expect(plan.throughput.basis).toContain('820.00 GB/s');
    expect(plan.targetUtilization).toBe(0.7);
    expect(plan.targetTokensPerSecondPerReplica).toBe(113);
    expect(plan.replicasForPeak).toBe(1);
  });

  test('costs the node share per replica and per million tokens', () => {
    expect(plan.cost.perNodeHourUsd).toBe(0.7582);
    expect(plan.cost.perReplicaHourUsd).toBe(0.7582);
    expect(plan.cost.perMillionTokensUsd).toBe(Math.round((0.7582 / (113 * 3600)) * 1e6 * 1e4) / 1e4);
    expect(plan.cost.priceSource).toContain('https://aws.amazon.com/ec2/pricing/on-demand/');
  });

  test('is deterministic', () => {
    expect(planCapacity({ model: llama8b, instanceType: 'inf2.xlarge' })).toEqual(plan);
    expect({ ...plan, instance: plan.instance.name, model: plan.model.name }).toMatchSnapshot();
  });

  test('uses the whole-node 24-core degree on inf2.48xlarge when the heads divide it', () => {
    const custom = { ...llama8b, name: 'heads-48', attentionHeads: 48, kvHeads: 8 };
    const p = planCapacity({ model: custom, instanceType: 'inf2.48xlarge', tensorParallelDegree: 24 });
    expect(p.tensorParallelDegree).toBe(24);
    expect(p.devicesPerReplica).toBe(12);
    expect(p.memory.availableGiB).toBe(384);
  });

  test('puts several small replicas on one big node', () => {
    const p = planCapacity({ model: llama8b, instanceType: 'inf2.48xlarge', concurrentSequences: 4 });
    expect(p.tensorParallelDegree).toBe(2);
    expect(p.replicasPerNode).toBe(12);
    expect(p.cost.perReplicaHourUsd).toBe(Math.round((12.9813 / 12) * 1e4) / 1e4);
  });
});

describe('planCapacity on NVIDIA GPUs', () => {
  test('Llama 3.1 70B bf16 fits g6e.12xlarge at TP 4', () => {
    const p = planCapacity({ model: llama70b, instanceType: 'g6e.12xlarge' });
    expect(p.tensorParallelDegree).toBe(4);
    expect(p.devicesPerReplica).toBe(4);
    expect(p.neuronCoresPerReplica).toBeUndefined();
    expect(p.memory.weightsGiB).toBe(131.5);
    expect(p.memory.totalGiB).toBeLessThanOrEqual(p.memory.availableGiB);
  });

  test('Llama 3.1 70B bf16 fits p4d.24xlarge at TP 8', () => {
    const p = planCapacity({ model: llama70b, instanceType: 'p4d.24xlarge' });
    expect(p.tensorParallelDegree).toBe(8);
    expect(p.memory.availableGiB).toBe(320);
    expect(p).toMatchObject({ concurrentSequences: 16, hostsPerReplica: 1, replicasPerNode: 1 });
  });

  test('accepts a SageMaker ml. name', () => {
    const p = planCapacity({ model: llama8b, instanceType: 'ml.g6e.xlarge' });
    expect(p.instance.name).toBe('g6e.xlarge');
    expect(p.tensorParallelDegree).toBe(1);
  });

  test('a mixture-of-experts model reads all experts at batch 16', () => {
    const p = planCapacity({ model: modelPreset('mixtral-8x7b'), instanceType: 'p4de.24xlarge' });
    expect(p.throughput.basis).toContain('93.40 GB weights');
    const single = planCapacity({ model: modelPreset('mixtral-8x7b'), instanceType: 'p4de.24xlarge', concurrentSequences: 1 });
    expect(single.throughput.basis).toContain('25.80 GB weights');
  });

  test('fp8 weights keep a bf16 KV cache and halve the weight memory', () => {
    const p = planCapacity({ model: llama8b, instanceType: 'g6.xlarge', precision: 'fp8' });
    expect(p.kvCachePrecision).toBe('bf16');
    expect(p.memory.weightsGiB).toBe(7.48);
  });

  test('a measured figure replaces the estimate', () => {
    const p = planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', measuredTokensPerSecondPerReplica: 1000, targetUtilization: 0.5, peakTokensPerSecond: 4200 });
    expect(p.throughput).toEqual({ tokensPerSecondPerReplica: 1000, source: 'measured', basis: 'measured: 1000 output tokens/s per replica, given by the caller' });
    expect(p.targetTokensPerSecondPerReplica).toBe(500);
    expect(p.replicasForPeak).toBe(9);
  });

  test('a price override replaces the catalogue price', () => {
    const p = planCapacity({ model: llama8b, instanceType: 'g5.12xlarge', pricePerNodeHourUsd: 4, concurrentSequences: 4 });
    expect(p.tensorParallelDegree).toBe(1);
    expect(p.replicasPerNode).toBe(4);
    expect(p.cost).toMatchObject({ perNodeHourUsd: 4, perReplicaHourUsd: 1, priceSource: 'override: pricePerNodeHourUsd' });
  });
});

describe('planCapacity on TPU', () => {
  test('Gemma 2 9B on a v5e 2x4 slice uses all 8 chips of one host', () => {
    const p = planCapacity({ model: modelPreset('gemma-2-9b'), tpuSlice: { accelerator: 'tpu-v5-lite-podslice', topology: '2x4' } });
    expect(p.tpuSlice).toEqual(tpuSlice('tpu-v5-lite-podslice', '2x4'));
    expect(p.instance.name).toBe('ct5lp-hightpu-8t');
    expect(p).toMatchObject({ tensorParallelDegree: 8, devicesPerReplica: 8, hostsPerReplica: 1, replicasPerNode: 1 });
    expect(p.memory.availableGiB).toBe(128);
    expect(p.cost.perReplicaHourUsd).toBe(9.6);
  });

  test('a multi-host v6e 4x4 slice spans 4 hosts of 4 chips', () => {
    const p = planCapacity({ model: llama70b, tpuSlice: tpuSlice('tpu-v6e-slice', '4x4') });
    expect(p).toMatchObject({ tensorParallelDegree: 16, devicesPerReplica: 4, hostsPerReplica: 4, replicasPerNode: 1 });
    expect(p.cost.perReplicaHourUsd).toBe(43.2);
    expect(devicesForReplicas(p, 3)).toBe(48);
    expect(nodesForReplicas(p, 3)).toBe(12);
    expect({ ...p, instance: p.instance.name, model: p.model.name }).toMatchSnapshot();
  });

  test('a TPU machine type plans its single-host slice', () => {
    const p = planCapacity({ model: llama8b, instanceType: 'ct6e-standard-4t' });
    expect(p.tpuSlice?.topology).toBe('2x2');
    expect(p.tensorParallelDegree).toBe(4);
  });
});

describe('planCheapest', () => {
  test('returns the cheapest candidate per million tokens that fits', () => {
    const candidates = ['g5.xlarge', 'inf2.xlarge', 'g6e.xlarge', 'tpu-v5-lite-podslice/2x2'];
    const best = planCheapest({ model: llama8b, candidates });
    const costs = candidates.map((c) =>
      c.includes('/')
        ? planCapacity({ model: llama8b, tpuSlice: { accelerator: 'tpu-v5-lite-podslice', topology: '2x2' } }).cost.perMillionTokensUsd
        : planCapacity({ model: llama8b, instanceType: c }).cost.perMillionTokensUsd,
    );
    expect(best.cost.perMillionTokensUsd).toBe(Math.min(...costs));
  });

  test('skips candidates the model does not fit', () => {
    const best = planCheapest({ model: llama70b, candidates: ['g5.xlarge', 'g6e.12xlarge'] });
    expect(best.instance.name).toBe('g6e.12xlarge');
  });

  test('throws ModelDoesNotFit when no candidate fits', () => {
    expectError(() => planCheapest({ model: llama70b, candidates: ['g5.xlarge', 'inf2.xlarge'] }), 'ModelDoesNotFit', 'candidates', ['g5.xlarge', 'inf2.xlarge']);
  });

  test('throws PropInvalid for an empty candidate list', () => {
    expectError(() => planCheapest({ model: llama8b, candidates: [] }), 'PropInvalid', 'candidates', []);
  });
});

describe('devicesForReplicas and nodesForReplicas', () => {
  const plan = planCapacity({ model: llama8b, instanceType: 'g5.12xlarge', concurrentSequences: 4 });

  test('count devices and nodes for single-host replicas', () => {
    expect(devicesForReplicas(plan, 6)).toBe(6);
    expect(nodesForReplicas(plan, 6)).toBe(2);
    expect(nodesForReplicas(plan, 0)).toBe(0);
  });

  test('throw ReplicasInvalid for a fractional replica count', () => {
    expectError(() => devicesForReplicas(plan, 1.5), 'ReplicasInvalid', 'replicas', 1.5);
  });
});

describe('planCapacity errors', () => {
  test('throws ModelDoesNotFit naming the largest group, the shortfall and the fixes', () => {
    const err = expectError(() => planCapacity({ model: llama70b, instanceType: 'g5.xlarge' }), 'ModelDoesNotFit', 'instanceType', 'g5.xlarge');
    expect(err.message).toContain('needs 136.4 GiB');
    expect(err.message).toContain('TP 1 (1 x NVIDIA A10G), has 24 GiB');
    expect(err.fix).toContain('lower precision (fp8 / int8 / int4)');
    expect(err.fix).toContain('a bigger instance (g6e.12xlarge');
    expect(err.fix).toContain('shorter contextTokens');
  });

  test('throws ModelDoesNotFit for a TPU slice too small for the model', () => {
    const err = expectError(
      () => planCapacity({ model: llama70b, tpuSlice: { accelerator: 'tpu-v5-lite-podslice', topology: '2x2' } }),
      'ModelDoesNotFit',
      'tpuSlice',
      'tpu-v5-lite-podslice 2x2',
    );
    expect(err.fix).toContain('bigger');
  });

  test('throws ModelDoesNotFit when the caller’s batch does not fit', () => {
    expectError(() => planCapacity({ model: llama8b, instanceType: 'inf2.xlarge', concurrentSequences: 64 }), 'ModelDoesNotFit', 'instanceType', 'inf2.xlarge');
  });

  test('throws TensorParallelInvalid for a degree that is not a power of two', () => {
    const err = expectError(() => planCapacity({ model: llama8b, instanceType: 'g5.48xlarge', tensorParallelDegree: 3 }), 'TensorParallelInvalid', 'tensorParallelDegree', 3);
    expect(err.allowed).toBe('1, 2, 4, 8');
  });

  test('throws TensorParallelInvalid when the degree does not divide the attention heads', () => {
    const err = expectError(
      () => planCapacity({ model: modelPreset('qwen2-5-7b'), instanceType: 'g6.48xlarge', tensorParallelDegree: 8 }),
      'TensorParallelInvalid',
      'tensorParallelDegree',
      8,
    );
    expect(err.allowed).toBe('1, 2, 4');
  });

  test('throws TensorParallelInvalid when a TPU slice does not divide the attention heads', () => {
    expectError(
      () => planCapacity({ model: modelPreset('qwen2-5-7b'), tpuSlice: { accelerator: 'tpu-v5p-slice', topology: '2x2x2' } }),
      'TensorParallelInvalid',
      'tpuSlice',
      'tpu-v5p-slice 2x2x2',
    );
  });

  test('throws ContextTooLong beyond the model maximum', () => {
    const err = expectError(() => planCapacity({ model: modelPreset('gemma-2-9b'), instanceType: 'g6e.xlarge', contextTokens: 16384 }), 'ContextTooLong', 'contextTokens', 16384);
    expect(err.fix).toContain('8192');
  });

  test('throws PropInvalid for a non-integer context', () => {
    expectError(() => planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', contextTokens: 0 }), 'PropInvalid', 'contextTokens', 0);
  });

  test('throws ConcurrencyInvalid for zero sequences', () => {
    expectError(() => planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', concurrentSequences: 0 }), 'ConcurrencyInvalid', 'concurrentSequences', 0);
  });

  test.each([0, 1.2, -0.5])('throws UtilizationOutOfRange for %s', (u) => {
    expectError(() => planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', targetUtilization: u }), 'UtilizationOutOfRange', 'targetUtilization', u);
  });

  test('throws ThroughputInvalid for a non-positive measured figure', () => {
    expectError(
      () => planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', measuredTokensPerSecondPerReplica: 0 }),
      'ThroughputInvalid',
      'measuredTokensPerSecondPerReplica',
      0,
    );
  });

  test('throws ThroughputInvalid for an infinite peak', () => {
    expectError(
      () => planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', peakTokensPerSecond: Number.POSITIVE_INFINITY }),
      'ThroughputInvalid',
      'peakTokensPerSecond',
      Number.POSITIVE_INFINITY,
    );
  });

  test('throws PriceInvalid for a negative price', () => {
    expectError(() => planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', pricePerNodeHourUsd: -1 }), 'PriceInvalid', 'pricePerNodeHourUsd', -1);
  });

  test('throws InstanceTypeUnknown with close matches', () => {
    const err = expectError(() => planCapacity({ model: llama8b, instanceType: 'inf2.xlarg' }), 'InstanceTypeUnknown', 'instanceType', 'inf2.xlarg');
    expect(err.fix).toContain('inf2.xlarge');
  });

  test('throws TpuTopologyInvalid for a topology the chip does not offer', () => {
    expectError(() => planCapacity({ model: llama8b, tpuSlice: { accelerator: 'tpu-v6e-slice', topology: '2x2x2' } }), 'TpuTopologyInvalid', 'tpuSlice.topology', '2x2x2');
  });

  test('throws PrecisionUnsupported for an unknown precision', () => {
    expectError(() => planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', precision: 'fp4' as never }), 'PrecisionUnsupported', 'precision', 'fp4');
  });

  test('throws PropInvalid when both instanceType and tpuSlice are given', () => {
    let caught: unknown;
    try {
      planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', tpuSlice: { accelerator: 'tpu-v6e-slice', topology: '2x4' } });
    } catch (e) {
      caught = e;
    }
    expect(String(caught)).toMatch(/\[PropInvalid\] instanceType: exactly one of instanceType and tpuSlice/);
  });

  test('throws PropInvalid for a runtime overhead of 1', () => {
    expectError(() => planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', runtimeOverheadFraction: 1 }), 'PropInvalid', 'runtimeOverheadFraction', 1);
  });

  test('throws ModelFieldInvalid for a broken custom model', () => {
    expectError(() => planCapacity({ model: { ...llama8b, kvHeads: 0 }, instanceType: 'g6e.xlarge' }), 'ModelFieldInvalid', 'model.kvHeads', 0);
  });

  test('keeps catalogue rows untouched', () => {
    expect(instanceType('inf2.xlarge').price.usdPerHour).toBe(0.7582);
  });
});
