import { describe, expect, test } from 'vitest';
import { BANDWIDTH_EFFICIENCY, COMPUTE_EFFICIENCY, FIXED_STEP_SECONDS, decodeStepSeconds, outputTokensPerSecond, timePerOutputTokenSeconds } from '../../lib/step-time.js';
import { DEFAULT_INPUT_TOKENS, DEFAULT_OUTPUT_TOKENS, PriceKind, devicesForReplicas, nodesForReplicas, planCapacity, planCheapest } from '../../lib/planner.js';
import { MODEL_SERVERS, ModelServer, serverArgs, serverEnvironment } from '../../lib/servers.js';
import { NATIVE_PRECISIONS, instanceType, tpuSlice } from '../../lib/accelerators.js';
import { PRECISION_SUPPORT, PrecisionSupportKind } from '../../lib/precision-support.js';
import { modelPreset } from '../../lib/models.js';
import { expectError } from './expect-error.js';
import { Precision } from '../../lib/models.js';

const llama8b = modelPreset('llama-3-1-8b');
const llama70b = modelPreset('llama-3-1-70b');

describe('planCapacity on Inferentia2', () => {
  // GIVEN the reference deployment: Llama 3.1 8B bf16 on inf2.xlarge with defaults
  const plan = planCapacity({ model: llama8b, instanceType: 'inf2.xlarge' });
  const live = DEFAULT_INPUT_TOKENS + DEFAULT_OUTPUT_TOKENS / 2;

  test('fits at TP 2 (both NeuronCores of the one chip) with the largest batch that fits at the mean live context', () => {
    expect(plan.tensorParallelDegree).toBe(2);
    expect(plan.neuronCoresPerReplica).toBe(2);
    expect(plan.devicesPerReplica).toBe(1);
    expect(plan.hostsPerReplica).toBe(1);
    expect(plan.replicasPerNode).toBe(1);
    expect(plan.contextTokens).toBe(8192);
    expect(plan.inputTokens).toBe(1155);
    expect(plan.outputTokens).toBe(211);
    // (32 GiB usable - 14.96 weights - 3.2 overhead) / (1260.5 tokens x 128 KiB) = 89.8
    expect(plan.concurrentSequences).toBe(89);
    expect(plan.operatingPoint).toContain('the most that fit memory at a live context of 1260.5 tokens');
    expect(plan.precision).toBe('bf16');
    expect(plan.precisionSupport).toBe(PrecisionSupportKind.NATIVE);
    expect(plan.kvCachePrecision).toBe('bf16');
    expect(plan.interconnect).toBe('none');
  });

  test('adds weights, KV cache at the live context and overhead; checks one full-length sequence', () => {
    expect(plan.memory).toEqual({
      weightsGiB: 14.96, // 8.03e9 x 2 B
      kvCacheGiB: 13.69, // 89 x 1260.5 x 128 KiB
      overheadGiB: 3.2, // 10 % of 32 GiB
      totalGiB: 31.85,
      availableGiB: 32,
      fraction: 0.9954,
      kvBytesPerToken: 131072,
      fullSequenceTotalGiB: 19.16, // weights + one 8192-token sequence + overhead
    });
  });

  test('derives the step time from bandwidth, compute and the Neuron per-step cost', () => {
    const bw = 820e9 * BANDWIDTH_EFFICIENCY.none;
    expect(plan.stepTime.fixedSecondsPerStep).toBe(FIXED_STEP_SECONDS.inferentia2);
    expect(plan.stepTime.weightSecondsPerStep).toBeCloseTo((8.03e9 * 2) / bw, 9);
    expect(plan.stepTime.kvSecondsPerToken).toBeCloseTo(131072 / bw, 12);
    expect(plan.stepTime.computeSecondsPerDecodeToken).toBeCloseTo((2 * 8.03e9) / (190e12 * COMPUTE_EFFICIENCY), 12);
    expect(plan.stepTime.prefillSecondsPerToken).toBe(plan.stepTime.computeSecondsPerDecodeToken);
  });

  test('derives throughput and latency from the step time and says so', () => {
    const tps = outputTokensPerSecond(plan.stepTime, 89, 1155, 211);
    expect(plan.throughput.source).toBe('estimate');
    expect(plan.throughput.tokensPerSecondPerReplica).toBe(Math.round(tps));
    expect(plan.throughput.basis).toContain('step-time model');
    expect(plan.throughput.basis).toContain('820.00 GB/s x 0.7 none');
    expect(plan.latency.decodeStepSeconds).toBeCloseTo(decodeStepSeconds(plan.stepTime, 89, live), 8);
    expect(plan.latency.timePerOutputTokenSeconds).toBeCloseTo(timePerOutputTokenSeconds(plan.stepTime, 89, 1155, 211), 8);
    expect(plan.latency.timeToFirstTokenSeconds).toBeCloseTo(1155 * plan.stepTime.prefillSecondsPerToken + plan.latency.decodeStepSeconds, 8);
    expect(plan.targetUtilization).toBe(0.7);
    expect(plan.targetTokensPerSecondPerReplica).toBe(Math.round(plan.throughput.tokensPerSecondPerReplica * 0.7));
    expect(plan.replicasForPeak).toBe(1);
  });

  test('costs the node per replica and per million tokens at the EC2 rate', () => {
    expect(plan.cost.perNodeHourUsd).toBe(0.7582);
    expect(plan.cost.perReplicaHourUsd).toBe(0.7582);
    expect(plan.cost.perMillionTokensUsd).toBe(Math.round((0.7582 / (plan.targetTokensPerSecondPerReplica * 3600)) * 1e6 * 1e4) / 1e4);
    expect(plan.cost.priceKind).toBe(PriceKind.EC2_ON_DEMAND);
    expect(plan.cost.priceSource).toContain('https://aws.amazon.com/ec2/pricing/on-demand/');
  });

  test('is deterministic', () => {
    expect(planCapacity({ model: llama8b, instanceType: 'inf2.xlarge' })).toEqual(plan);
    expect({ ...plan, instance: plan.instance.name, model: plan.model.name }).toMatchSnapshot();
  });

  // Neuron pads attention heads (and replicates KV heads) at whole-node degrees; AWS publishes
  // Llama 3 8B and 70B at TP 24 (Inf2 performance page).
  test.each([['llama-3-1-8b'], ['llama-3-1-70b']])('allows the whole-node TP 24 for %s on inf2.48xlarge (head padding)', (name) => {
    const p = planCapacity({ model: modelPreset(name), instanceType: 'inf2.48xlarge', tensorParallelDegree: 24 });
    expect(p.tensorParallelDegree).toBe(24);
    expect(p.devicesPerReplica).toBe(12);
    expect(p.memory.availableGiB).toBe(384);
    expect(p.interconnect).toBe('neuronlink');
    // 8 KV heads replicated to 24: three times the KV bytes of TP 8
    expect(p.memory.kvBytesPerToken).toBe(2 * modelPreset(name).layers * 24 * 128 * 2);
  });

  test('puts several small replicas on one big node and charges each its share', () => {
    const p = planCapacity({ model: llama8b, instanceType: 'inf2.48xlarge', concurrentSequences: 4, tensorParallelDegree: 2 });
    expect(p.tensorParallelDegree).toBe(2);
    expect(p.replicasPerNode).toBe(12);
    expect(p.cost.perReplicaHourUsd).toBe(Math.round((12.9813 / 12) * 1e4) / 1e4);
  });

  test('charges the idle chips: 70B at TP 16 on inf2.48xlarge uses 8 of 12 chips, one replica per node, the whole node price', () => {
    const p = planCapacity({ model: llama70b, instanceType: 'inf2.48xlarge', tensorParallelDegree: 16 });
    expect(p.devicesPerReplica).toBe(8);
    expect(p.replicasPerNode).toBe(1);
    expect(p.cost.perReplicaHourUsd).toBe(12.9813);
  });

  test('picks the degree with the lowest cost per token: 70B on inf2.48xlarge takes the whole node at TP 24', () => {
    const p = planCapacity({ model: llama70b, instanceType: 'inf2.48xlarge' });
    expect(p.tensorParallelDegree).toBe(24);
  });
});

describe('host memory where the server loads weights through it', () => {
  // EKS AMI reservation: 11 MiB x maxPods + 255 MiB (+100 MiB eviction), maxPods 110 below 30 vCPUs.
  test('throws HostMemoryInsufficient for Llama 3.1 8B via vLLM Neuron on inf2.xlarge (16 GiB host)', () => {
    const err = expectError(
      () => planCapacity({ model: llama8b, instanceType: 'inf2.xlarge', modelServer: ModelServer.VLLM_NEURON }),
      'HostMemoryInsufficient',
      'instanceType',
      'inf2.xlarge',
    );
    expect(err.message).toContain('14.96 GiB checkpoint exceeds the 14.47 GiB allocatable');
    expect(err.fix).toContain('inf2.8xlarge');
  });

  test('the flag works without naming a server, and inf2.8xlarge (128 GiB host) passes', () => {
    expectError(() => planCapacity({ model: llama8b, instanceType: 'inf2.xlarge', loadsThroughHostMemory: true }), 'HostMemoryInsufficient', 'instanceType', 'inf2.xlarge');
    const p = planCapacity({ model: llama8b, instanceType: 'inf2.8xlarge', loadsThroughHostMemory: true });
    expect(p.hostMemory).toEqual({ loadGiB: 14.96, allocatableGiB: 124.97 });
  });

  test('GPU servers that load straight to the device are not limited', () => {
    expect(planCapacity({ model: llama8b, instanceType: 'g6.xlarge', modelServer: ModelServer.VLLM }).hostMemory).toBeUndefined();
  });
});

describe('planCapacity on NVIDIA GPUs', () => {
  test('Llama 3.1 8B on g5.xlarge / g6.xlarge plans batches in the tens, not 4', () => {
    for (const name of ['g5.xlarge', 'g6.xlarge']) {
      const p = planCapacity({ model: llama8b, instanceType: name });
      expect(p.concurrentSequences).toBeGreaterThanOrEqual(32);
      expect(p.memory.availableGiB).toBe(22.49); // usable, not the marketed 24 GB
    }
  });

  test('Llama 3.1 70B bf16 on g6e.12xlarge is budgeted on the usable 4 x 44.99 GiB', () => {
    const p = planCapacity({ model: llama70b, instanceType: 'g6e.12xlarge' });
    expect(p.tensorParallelDegree).toBe(4);
    expect(p.devicesPerReplica).toBe(4);
    expect(p.neuronCoresPerReplica).toBeUndefined();
    expect(p.memory.weightsGiB).toBe(131.5);
    expect(p.memory.availableGiB).toBe(179.96);
    expect(p.memory.totalGiB).toBeLessThanOrEqual(p.memory.availableGiB);
    expect(p.interconnect).toBe('pcie');
  });

  test('Llama 3.1 70B bf16 fits p4d.24xlarge at TP 8 over NVLink', () => {
    const p = planCapacity({ model: llama70b, instanceType: 'p4d.24xlarge' });
    expect(p.tensorParallelDegree).toBe(8);
    expect(p.interconnect).toBe('nvlink');
    expect(p).toMatchObject({ hostsPerReplica: 1, replicasPerNode: 1 });
  });

  test('accepts a SageMaker ml. name and prices it at the SageMaker hosting rate', () => {
    const p = planCapacity({ model: llama8b, instanceType: 'ml.g5.12xlarge', concurrentSequences: 4 });
    expect(p.instance.name).toBe('g5.12xlarge');
    expect(p.cost.priceKind).toBe(PriceKind.SAGEMAKER_HOSTING);
    expect(p.cost.perNodeHourUsd).toBe(7.09);
    expect(p.cost.priceSource).toContain('SageMaker real-time hosting ml.g5.12xlarge');
    const ec2 = planCapacity({ model: llama8b, instanceType: 'g5.12xlarge', concurrentSequences: 4 });
    expect(ec2.cost.perNodeHourUsd).toBe(5.672);
  });

  test('a mixture-of-experts step reads the expected distinct experts (8 experts, top 2)', () => {
    const mixtral = { ...modelPreset('mixtral-8x7b'), experts: 8, expertsPerToken: 2 };
    const at = (b: number) => planCapacity({ model: mixtral, instanceType: 'p4de.24xlarge', concurrentSequences: b, tensorParallelDegree: 2 });
    // batch 2: 8 x (1 - (6/8)^2) = 3.5 experts per layer
    expect(at(2).throughput.basis).toContain('3.50 of 8 experts');
    const perExpert = (46.7e9 - 12.9e9) / 6;
    const shared = 46.7e9 - 8 * perExpert;
    expect(at(2).stepTime.weightSecondsPerStep).toBeCloseTo(((shared + 3.5 * perExpert) * 2) / (2 * 2039e9 * BANDWIDTH_EFFICIENCY.nvlink), 6);
    expect(at(128).throughput.basis).toContain('8.00 of 8 experts');
  });

  test('compute bounds the decode step: throughput flattens at large batch', () => {
    const at = (b: number) => planCapacity({ model: llama8b, instanceType: 'p5.48xlarge', precision: Precision.FP8, concurrentSequences: b, inputTokens: 128, outputTokens: 128, contextTokens: 512 });
    const big = at(1024);
    expect(big.stepTime.computeSecondsPerDecodeToken * 1024).toBeGreaterThan(big.stepTime.weightSecondsPerStep + 1024 * 192 * big.stepTime.kvSecondsPerToken);
    expect(big.throughput.tokensPerSecondPerReplica / at(512).throughput.tokensPerSecondPerReplica).toBeLessThan(1.1);
  });

  test('prefill costs compute: longer prompts lower the output tokens/s', () => {
    const at = (inputTokens: number) => planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', concurrentSequences: 16, inputTokens, outputTokens: 128 });
    expect(at(4096).throughput.tokensPerSecondPerReplica).toBeLessThan(0.7 * at(128).throughput.tokensPerSecondPerReplica);
  });

  test('fp8 weights keep a bf16 KV cache and halve the weight memory', () => {
    const p = planCapacity({ model: llama8b, instanceType: 'g6.xlarge', precision: Precision.FP8 });
    expect(p.kvCachePrecision).toBe('bf16');
    expect(p.memory.weightsGiB).toBe(7.48);
    expect(p.precisionSupport).toBe(PrecisionSupportKind.NATIVE);
  });

  // vLLM: --kv-cache-dtype fp8 (docs.vllm.ai v0.11.0 quantized_kvcache); LMI: option.kv_cache_dtype.
  test('an fp8 KV cache is passed to the server', () => {
    const p = planCapacity({ model: llama70b, instanceType: 'g6e.12xlarge', precision: Precision.FP8, kvCachePrecision: Precision.FP8 });
    const args = serverArgs(MODEL_SERVERS.vllm, p);
    expect(args.slice(args.indexOf('--kv-cache-dtype'), args.indexOf('--kv-cache-dtype') + 2)).toEqual(['--kv-cache-dtype', 'fp8']);
    expect(args.slice(args.indexOf('--max-num-seqs'), args.indexOf('--max-num-seqs') + 2)).toEqual(['--max-num-seqs', String(p.concurrentSequences)]);
    expect(serverEnvironment(MODEL_SERVERS.vllm, p).OPTION_KV_CACHE_DTYPE).toBe('fp8');
    expect(serverArgs(MODEL_SERVERS.vllm, planCapacity({ model: llama8b, instanceType: 'g6e.xlarge' }))).not.toContain('--kv-cache-dtype');
  });

  test('a measured figure replaces the estimate', () => {
    const p = planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', measuredTokensPerSecondPerReplica: 1000, targetUtilization: 0.5, peakTokensPerSecond: 4200 });
    expect(p.throughput).toEqual({ tokensPerSecondPerReplica: 1000, source: 'measured', basis: 'measured: 1000 output tokens/s per replica, given by the caller' });
    expect(p.targetTokensPerSecondPerReplica).toBe(500);
    expect(p.replicasForPeak).toBe(9);
  });

  test('measured step times replace the estimated profile', () => {
    const measuredStepTime = { fixedSecondsPerStep: 0.002, weightSecondsPerStep: 0.02, kvSecondsPerToken: 1e-7, computeSecondsPerDecodeToken: 1e-4, prefillSecondsPerToken: 1e-4 };
    const p = planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', measuredStepTime, concurrentSequences: 8 });
    expect(p.stepTime).toEqual(measuredStepTime);
    expect(p.throughput.source).toBe('measured');
    expect(p.throughput.tokensPerSecondPerReplica).toBe(Math.round(outputTokensPerSecond(measuredStepTime, 8, p.inputTokens, p.outputTokens)));
  });

  test('a price override replaces the catalogue price', () => {
    const p = planCapacity({ model: llama8b, instanceType: 'g5.12xlarge', pricePerNodeHourUsd: 4, concurrentSequences: 4 });
    expect(p.tensorParallelDegree).toBe(1);
    expect(p.replicasPerNode).toBe(4);
    expect(p.cost).toMatchObject({ perNodeHourUsd: 4, perReplicaHourUsd: 1, priceKind: PriceKind.OVERRIDE, priceSource: 'override: pricePerNodeHourUsd' });
  });
});

describe('tensor-parallel rules of the servers', () => {
  // vLLM QKVParallelLinear: divide(total_num_kv_heads, tp_size) -> "10 is not divisible by 4".
  const heads40kv10 = { ...llama8b, name: 'heads-40-kv-10', attentionHeads: 40, kvHeads: 10 };

  test('a model with 40 heads and 10 KV heads never gets TP 4', () => {
    const p = planCapacity({ model: { ...heads40kv10, parametersBillion: 14 }, instanceType: 'ml.g6.12xlarge' });
    expect(p.tensorParallelDegree).not.toBe(4);
    const err = expectError(() => planCapacity({ model: heads40kv10, instanceType: 'g6.12xlarge', tensorParallelDegree: 4 }), 'TensorParallelInvalid', 'tensorParallelDegree', 4);
    expect(err.allowed).toBe('1, 2');
  });

  test('TP above the KV heads replicates them and the KV cache grows accordingly', () => {
    const kv2 = { ...llama8b, name: 'kv-2', kvHeads: 2 };
    const p = planCapacity({ model: kv2, instanceType: 'g6.12xlarge', tensorParallelDegree: 4 });
    expect(p.memory.kvBytesPerToken).toBe(2 * 32 * 4 * 128 * 2);
  });

  test('sliding-window layers hold at most the window', () => {
    const windowed = { ...modelPreset('gemma-2-9b'), slidingWindowTokens: 4096, slidingWindowLayers: 21 };
    const full = planCapacity({ model: { ...windowed, slidingWindowTokens: undefined, slidingWindowLayers: undefined }, instanceType: 'g6e.xlarge', concurrentSequences: 1 });
    const win = planCapacity({ model: windowed, instanceType: 'g6e.xlarge', concurrentSequences: 1 });
    // 8192-token sequence: 21 full layers x 8192 + 21 window layers x 4096 = 3/4 of the all-full figure
    const perLayerToken = 2 * 8 * 256 * 2;
    expect(win.memory.fullSequenceTotalGiB).toBeCloseTo(win.memory.weightsGiB + win.memory.overheadGiB + (perLayerToken * (21 * 8192 + 21 * 4096)) / 1024 ** 3, 1);
    expect(win.memory.fullSequenceTotalGiB).toBeLessThan(full.memory.fullSequenceTotalGiB);
  });
});

describe('precision support per device generation and server', () => {
  const mixtral = modelPreset('mixtral-8x7b');

  test('fp8 mixture-of-experts on A100 cannot be served (weight-only FP8 is dense-only on Ampere)', () => {
    const err = expectError(() => planCapacity({ model: mixtral, instanceType: 'p4de.24xlarge', precision: Precision.FP8 }), 'PrecisionNotServable', 'precision', 'fp8');
    expect(err.message).toContain('mixture-of-experts');
  });

  test('fp8 dense on A100 plans weight-only at the bf16 compute rate', () => {
    const p = planCapacity({ model: llama8b, instanceType: 'p4de.24xlarge', precision: Precision.FP8, concurrentSequences: 1, tensorParallelDegree: 1 });
    expect(p.precisionSupport).toBe(PrecisionSupportKind.WEIGHT_ONLY);
    expect(p.stepTime.computeSecondsPerDecodeToken).toBeCloseTo((2 * 8.03e9) / (312e12 * COMPUTE_EFFICIENCY), 12);
  });

  test('int4 on Inferentia2 cannot be served', () => {
    expectError(() => planCapacity({ model: llama8b, instanceType: 'inf2.xlarge', precision: Precision.INT4 }), 'PrecisionNotServable', 'precision', 'int4');
  });

  test('a server that cannot serve the precision is rejected', () => {
    // TGI has no fp4 path (launcher --quantize lists none); vLLM serves pre-quantized fp4 weight-only on Ada.
    expectError(() => planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', precision: Precision.FP4, modelServer: ModelServer.TGI }), 'PrecisionNotServable', 'precision', 'fp4');
  });

  test('planCheapest skips undeployable candidates', () => {
    const best = planCheapest({ model: llama8b, precision: Precision.INT4, candidates: ['inf2.xlarge', 'g6.xlarge'] });
    expect(best.instance.name).toBe('g6.xlarge');
  });
});

describe('latency targets', () => {
  test('pick the largest concurrency that meets the time per output token', () => {
    const p = planCapacity({ model: llama8b, instanceType: 'inf2.xlarge', latencyTargets: { timePerOutputTokenSeconds: 0.05 } });
    expect(p.latency.timePerOutputTokenSeconds).toBeLessThanOrEqual(0.05);
    const more = planCapacity({ model: llama8b, instanceType: 'inf2.xlarge', concurrentSequences: p.concurrentSequences + 1 });
    expect(more.latency.timePerOutputTokenSeconds).toBeGreaterThan(0.05);
    expect(p.latency.targets).toEqual({ timePerOutputTokenSeconds: 0.05 });
    expect(p.operatingPoint).toContain('meet the latency targets');
  });

  test('a time-to-first-token target bounds the batch too', () => {
    const p = planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', latencyTargets: { timeToFirstTokenSeconds: 0.2 } });
    expect(p.latency.timeToFirstTokenSeconds).toBeLessThanOrEqual(0.2);
  });

  test('throws LatencyTargetUnreachable when one sequence misses the target', () => {
    const err = expectError(
      () => planCapacity({ model: llama8b, instanceType: 'inf2.xlarge', latencyTargets: { timePerOutputTokenSeconds: 0.01 } }),
      'LatencyTargetUnreachable',
      'latencyTargets',
      { timePerOutputTokenSeconds: 0.01 },
    );
    expect(err.message).toContain('ms per output token');
  });

  test('throws LatencyTargetInvalid for a negative target', () => {
    expectError(
      () => planCapacity({ model: llama8b, instanceType: 'inf2.xlarge', latencyTargets: { timeToFirstTokenSeconds: -1 } }),
      'LatencyTargetInvalid',
      'latencyTargets.timeToFirstTokenSeconds',
      -1,
    );
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

  test('throws CandidatesEmpty for an empty candidate list', () => {
    expectError(() => planCheapest({ model: llama8b, candidates: [] }), 'CandidatesEmpty', 'candidates', []);
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
    expect(err.message).toContain('needs 136.25 GiB');
    expect(err.message).toContain('TP 1 (1 x NVIDIA A10G), has 22.49 GiB usable');
    expect(err.fix).toContain('lower precision (fp8 / int8 / int4)');
    expect(err.fix).toMatch(/a bigger instance \([^)]*g6e\.12xlarge/);
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
    expectError(() => planCapacity({ model: llama8b, instanceType: 'inf2.xlarge', concurrentSequences: 128 }), 'ModelDoesNotFit', 'instanceType', 'inf2.xlarge');
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

  test('throws ContextTokensInvalid for a non-integer context', () => {
    expectError(() => planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', contextTokens: 0 }), 'ContextTokensInvalid', 'contextTokens', 0);
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
    expectError(() => planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', precision: 'fp6' as never }), 'PrecisionUnsupported', 'precision', 'fp6');
  });

  test('throws PlanTargetAmbiguous when both instanceType and tpuSlice are given', () => {
    let caught: unknown;
    try {
      planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', tpuSlice: { accelerator: 'tpu-v6e-slice', topology: '2x4' } });
    } catch (e) {
      caught = e;
    }
    expect(String(caught)).toMatch(/\[PlanTargetAmbiguous\] instanceType: exactly one of instanceType and tpuSlice/);
  });

  test('throws RuntimeOverheadInvalid for a runtime overhead of 1', () => {
    expectError(() => planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', runtimeOverheadFraction: 1 }), 'RuntimeOverheadInvalid', 'runtimeOverheadFraction', 1);
  });

  test('throws ModelFieldInvalid for a broken custom model', () => {
    expectError(() => planCapacity({ model: { ...llama8b, kvHeads: 0 }, instanceType: 'g6e.xlarge' }), 'ModelFieldInvalid', 'model.kvHeads', 0);
  });

  test('keeps catalogue rows untouched', () => {
    expect(instanceType('inf2.xlarge').price.usdPerHour).toBe(0.7582);
  });
});

describe('precision support matrix', () => {
  // A format is planned native only where the catalogue says the generation has a unit for it.
  test('every native entry is a format the device generation computes natively', () => {
    for (const [arch, row] of Object.entries(PRECISION_SUPPORT)) {
      for (const [precision, entry] of Object.entries(row)) {
        if (entry.kind === PrecisionSupportKind.NATIVE) expect(NATIVE_PRECISIONS[arch], `${arch} ${precision}`).toContain(precision);
      }
    }
  });

  test('covers every generation of the catalogue', () => {
    expect(Object.keys(PRECISION_SUPPORT).sort()).toEqual(Object.keys(NATIVE_PRECISIONS).sort());
  });
});
