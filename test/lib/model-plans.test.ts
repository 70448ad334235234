/**
 * Plans of the 2026 models: the device group, the memory fit and the precision decisions each
 * plan makes, plus the bad inputs around them with their errors and fixes.
 *
 * Model facts: lib/models.ts presets (config.json sources cited there). Precision rules:
 * lib/precision-support.ts (vLLM v0.11.0 quantization hardware table, GPT-OSS recipe; Neuron
 * plugin matrix). Multi-node rule: vLLM v0.11.0 parallelism guide (TP within a node, PP across).
 */
import { describe, expect, test } from 'vitest';
import { DEFAULT_LATENCY_TARGETS, OperatingPriority, planCapacity, planCheapest } from '../../lib/planner.js';
import { MODEL_SERVERS, ModelServer, serverArgs } from '../../lib/servers.js';
import { PrecisionSupportKind } from '../../lib/precision-support.js';
import { modelPreset } from '../../lib/models.js';
import { expectError } from './expect-error.js';

const plan = (model: string, extra: Record<string, unknown>) => planCapacity({ model: modelPreset(model), ...extra } as never);

describe('device group, memory fit and precision of the 2026 models', () => {
  test('gpt-oss-20b on one L4 (g6.xlarge): MXFP4 experts kept, weight-only on Ada (Marlin), ~11 GiB of 22.5', () => {
    const p = plan('gpt-oss-20b', { instanceType: 'g6.xlarge' });
    expect([p.tensorParallelDegree, p.pipelineParallelDegree, p.devicesPerReplica]).toEqual([1, 1, 1]);
    expect([p.precision, p.precisionSupport, p.expertPrecision, p.expertPrecisionSupport]).toEqual(['bf16', 'native', 'fp4', 'weight-only']);
    expect(p.memory.weightsGiB).toBeGreaterThan(10);
    expect(p.memory.weightsGiB).toBeLessThan(13);
    expect(p.memory.fraction).toBeLessThanOrEqual(1);
  });

  test('gpt-oss-120b fits one 80 GB H100 (p5.4xlarge) in MXFP4, and one B200 natively', () => {
    const h100 = plan('gpt-oss-120b', { instanceType: 'p5.4xlarge' });
    expect([h100.tensorParallelDegree, h100.expertPrecision, h100.expertPrecisionSupport]).toEqual([1, 'fp4', 'weight-only']);
    expect(h100.memory.weightsGiB).toBeGreaterThan(50);
    expect(h100.memory.weightsGiB).toBeLessThan(62);
    const b200 = plan('gpt-oss-120b', { instanceType: 'p6-b200.48xlarge', tensorParallelDegree: 1 });
    expect([b200.devicesPerReplica, b200.replicasPerNode, b200.expertPrecisionSupport]).toEqual([1, 8, PrecisionSupportKind.NATIVE]);
  });

  test('gpt-oss-20b on Trainium2: no MXFP4 path (Trn3 only in the plugin matrix), experts dequantized to BF16 and sized so', () => {
    const p = plan('gpt-oss-20b', { instanceType: 'trn2.48xlarge', modelServer: ModelServer.VLLM_NEURON_PLUGIN });
    expect([p.expertPrecision, p.expertPrecisionSupport]).toEqual(['bf16', undefined]);
    expect(p.memory.weightsGiB).toBeGreaterThan(38);
    expect(p.neuronCoresPerReplica).toBe(p.tensorParallelDegree);
  });

  test('Qwen3-30B-A3B in FP8 on one L40S: native FP8 on Ada, quantized at load', () => {
    const p = plan('qwen3-30b-a3b', { instanceType: 'g6e.xlarge', precision: 'fp8' });
    expect([p.tensorParallelDegree, p.precisionSupport, p.expertPrecision]).toEqual([1, 'native', 'fp8']);
    expect(serverArgs(MODEL_SERVERS.vllm, p)).toEqual(expect.arrayContaining(['--quantization', 'fp8']));
  });

  test('Qwen3-32B on TPU v6e 2x4 (8 chips on one host), BF16', () => {
    const p = plan('qwen3-32b', { tpuSlice: { accelerator: 'tpu-v6e-slice', topology: '2x4' }, modelServer: ModelServer.VLLM_TPU });
    expect([p.tensorParallelDegree, p.hostsPerReplica, p.precisionSupport]).toEqual([8, 1, 'native']);
  });

  test('Qwen3-8B on one L4 and Qwen3-235B-A22B on one 8 x H100 node (BF16, 438 GiB of 637)', () => {
    expect(plan('qwen3-8b', { instanceType: 'g6.xlarge' }).tensorParallelDegree).toBe(1);
    const big = plan('qwen3-235b-a22b', { instanceType: 'p5.48xlarge' });
    expect([big.tensorParallelDegree, big.pipelineParallelDegree]).toEqual([8, 1]);
    expect(big.memory.weightsGiB).toBeCloseTo(437.72, 1);
  });

  test('DeepSeek-V3 (FP8 native) spans two p5.48xlarge, fits one p5e.48xlarge (8 x H200)', () => {
    const h100 = plan('deepseek-v3', { instanceType: 'p5.48xlarge' });
    expect([h100.tensorParallelDegree, h100.pipelineParallelDegree, h100.hostsPerReplica, h100.precision, h100.precisionSupport]).toEqual([8, 2, 2, 'fp8', 'native']);
    const h200 = plan('deepseek-v3', { instanceType: 'p5e.48xlarge' });
    expect([h200.tensorParallelDegree, h200.pipelineParallelDegree]).toEqual([8, 1]);
  });

  test('Llama 4 Scout on 4 x H100; Maverick BF16 spans two p5.48xlarge, in FP8 fits one', () => {
    expect(plan('llama-4-scout', { instanceType: 'p5.48xlarge' }).tensorParallelDegree).toBe(4);
    const bf16 = plan('llama-4-maverick', { instanceType: 'p5.48xlarge' });
    expect([bf16.tensorParallelDegree, bf16.pipelineParallelDegree]).toEqual([8, 2]);
    const fp8 = plan('llama-4-maverick', { instanceType: 'p5.48xlarge', precision: 'fp8' });
    expect([fp8.tensorParallelDegree, fp8.pipelineParallelDegree, fp8.precisionSupport]).toEqual([8, 1, 'native']);
  });

  test('Gemma 3 27B on TPU v6e 2x2 (ct6e-standard-4t) and Mistral Small 3.1 in FP8 on one L40S', () => {
    const g = plan('gemma-3-27b', { instanceType: 'ct6e-standard-4t' });
    expect([g.tensorParallelDegree, g.precision]).toEqual([4, 'bf16']);
    const m = plan('mistral-small-3-1-24b', { instanceType: 'g6e.xlarge', precision: 'fp8' });
    expect([m.tensorParallelDegree, m.precisionSupport]).toEqual([1, 'native']);
  });
});

describe('pipeline step-time model (vLLM v0.11 V1: pp micro-batches in flight, RayDistributedExecutor.max_concurrent_batches)', () => {
  test('compute and prefill divide over the stages; one prompt passes every stage in turn (TTFT)', () => {
    const p = plan('deepseek-v3', { instanceType: 'p5.48xlarge' });
    // 2 x 37e9 active FLOPs per token over 2 nodes x 8 H100 x 1979 dense FP8 TFLOPS x 0.5 efficiency.
    expect(p.stepTime.computeSecondsPerDecodeToken).toBeCloseTo((2 * 37e9) / (2 * 8 * 1979e12 * 0.5), 12);
    expect(p.stepTime.prefillSecondsPerToken).toBeCloseTo(p.stepTime.computeSecondsPerDecodeToken, 15);
    expect(p.latency.timeToFirstTokenSeconds).toBeCloseTo(2 * p.inputTokens * p.stepTime.prefillSecondsPerToken + p.latency.decodeStepSeconds, 8);
  });

  test('weights are read at one node\'s bandwidth per round: no faster than one node would be, KV reads halve', () => {
    const pp = plan('llama-4-maverick', { instanceType: 'p5.48xlarge' });
    // Maverick BF16 reads >= its shared weights each round at 8 x 3350 GB/s x 0.55 (NVLink).
    expect(pp.stepTime.weightSecondsPerStep).toBeGreaterThan((2 * 1e9) / (8 * 3350e9 * 0.55));
    const one = plan('llama-4-maverick', { instanceType: 'p5.48xlarge', precision: 'fp8' });
    // Same per-token KV bytes (BF16 cache in both), the pipelined group splits its reads over 2 nodes.
    expect(pp.stepTime.kvSecondsPerToken).toBeCloseTo(one.stepTime.kvSecondsPerToken / 2, 14);
  });
});

describe('default operating point (MLPerf Llama 2 70B server constraint: TTFT 2 s, TPOT 200 ms)', () => {
  test('without targets the 70B chat plan meets 200 ms per token; THROUGHPUT keeps the largest batch', () => {
    const chat = plan('llama-3-1-70b', { instanceType: 'g6e.12xlarge', precision: 'fp8' });
    expect(chat.latency.targets).toEqual(DEFAULT_LATENCY_TARGETS);
    expect(chat.latency.timePerOutputTokenSeconds).toBeLessThanOrEqual(0.2);
    expect(chat.latency.timeToFirstTokenSeconds).toBeLessThanOrEqual(2);
    const batch = plan('llama-3-1-70b', { instanceType: 'g6e.12xlarge', precision: 'fp8', operatingPriority: OperatingPriority.THROUGHPUT });
    expect(batch.latency.targets).toBeUndefined();
    expect(batch.concurrentSequences).toBeGreaterThan(chat.concurrentSequences);
    expect(batch.latency.timePerOutputTokenSeconds).toBeGreaterThan(0.2);
  });

  test('a caller-given concurrency is planned as given (calibration records)', () => {
    const p = plan('llama-3-1-70b', { instanceType: 'g6e.12xlarge', precision: 'fp8', concurrentSequences: 250 });
    expect(p.concurrentSequences).toBe(250);
    expect(p.latency.targets).toBeUndefined();
  });
});

describe('bad inputs: clear errors and fixes', () => {
  test('fp4 on L40S with a server that has no fp4 path (TGI): PrecisionNotServable', () => {
    const e = expectError(() => plan('llama-3-1-8b', { instanceType: 'g6e.xlarge', precision: 'fp4', modelServer: ModelServer.TGI }), 'PrecisionNotServable', 'precision', 'fp4');
    expect(e.fix).toMatch(/pick a server that serves fp4/);
  });

  test('fp4 for a BF16 checkpoint on vLLM: only pre-quantized fp4 checkpoints (vLLM v0.11 quantization docs)', () => {
    const p = plan('llama-3-1-8b', { instanceType: 'g6e.xlarge', precision: 'fp4', modelServer: ModelServer.VLLM });
    expect(p.precisionSupport).toBe('weight-only');
    expect(() => serverArgs(MODEL_SERVERS.vllm, p)).toThrow(/\[PrecisionUnsupported\][\s\S]*pre-quantized/);
  });

  test('MoE experts that do not divide the expert-parallel group: ExpertParallelInvalid (128 experts over TP 24)', () => {
    const e = expectError(
      () => plan('qwen3-30b-a3b', { instanceType: 'inf2.48xlarge', tensorParallelDegree: 24, expertParallel: true }),
      'ExpertParallelInvalid',
      'tensorParallelDegree',
      { experts: 128, ranks: [24] },
    );
    expect(e.fix).toMatch(/divides 128/);
    expectError(() => plan('qwen3-32b', { instanceType: 'p5.48xlarge', expertParallel: true }), 'ExpertParallelInvalid', 'expertParallel', { ranks: [1, 2, 4, 8] });
  });

  test('expert parallel renders --enable-expert-parallel (vLLM v0.11 expert-parallel deployment guide)', () => {
    const p = plan('qwen3-30b-a3b', { instanceType: 'g6e.12xlarge', expertParallel: true, tensorParallelDegree: 4 });
    expect(serverArgs(MODEL_SERVERS.vllm, p)).toContain('--enable-expert-parallel');
  });

  test('a TPU7x topology that does not exist: TpuTopologyInvalid listing the catalogued ones', () => {
    expect(() => plan('qwen3-32b', { tpuSlice: { accelerator: 'tpu7x', topology: '2x2x3' } })).toThrow(
      /\[TpuTopologyInvalid\] tpuSlice.topology: .*received "2x2x3"; allowed: 2x2x1, 2x2x2, 2x2x4, 2x4x4, 4x4x4/,
    );
  });

  test('a model too large for every candidate: ModelDoesNotFit naming the candidates', () => {
    expect(() => planCheapest({ model: modelPreset('deepseek-v3'), candidates: ['g6e.xlarge', 'inf2.48xlarge', 'ct6e-standard-8t'] })).toThrow(
      /\[ModelDoesNotFit\] candidates: deepseek-v3 fits no valid device group of any candidate; received \["g6e.xlarge","inf2.48xlarge","ct6e-standard-8t"\]/,
    );
    expect(() => plan('llama-4-maverick', { tpuSlice: { accelerator: 'tpu-v6e-slice', topology: '2x4' } })).toThrow(/\[ModelDoesNotFit\][\s\S]*a bigger TPU slice/);
  });

  test('the Trainium2 plugin refuses a model without a recipe and another device (Neuron plugin recipes)', () => {
    const q = plan('qwen3-30b-a3b', { instanceType: 'trn2.48xlarge' });
    expect(() => serverArgs(MODEL_SERVERS['vllm-neuron-plugin'], q)).toThrow(/\[ModelServerUnsupported\] modelServer: .*no implementation of Qwen\/Qwen3-30B-A3B/);
    const inf2 = plan('llama-3-1-8b', { instanceType: 'inf2.8xlarge' });
    expect(() => serverArgs(MODEL_SERVERS['vllm-neuron-plugin'], inf2)).toThrow(/\[ModelServerUnsupported\] modelServer: .*runs on trainium2 only/);
  });

  test('maxNodesPerReplica must be a positive integer: NodesPerReplicaInvalid', () => {
    expectError(() => plan('deepseek-v3', { instanceType: 'p5.48xlarge', maxNodesPerReplica: 0 }), 'NodesPerReplicaInvalid', 'maxNodesPerReplica', 0);
  });
});
