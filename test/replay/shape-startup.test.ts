/**
 * The replay's request shape (lib/replay/shape.ts) and expected start-up (lib/replay/deployments.ts).
 * Sources: hf_transfer README (the Python client tops out near 500 MB/s), aws-neuron-sdk #1368
 * (the NEFF cache is not reused across pods), vllm-project/vllm PR #7533 (TPU XLA: 10-30 min cold).
 */
import { describe, expect, it } from 'vitest';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { type PlannedDeployment } from '../../lib/report.js';
import { tokenScalingPolicy } from '../../lib/scaling.js';
import { MODEL_SERVERS, ModelServer, checkpointGiB, startupProbeSeconds } from '../../lib/servers.js';
import { EXPECTED_WEIGHT_FETCH_GIB_PER_SECOND, IMAGE_PULL_SECONDS, NODE_LAUNCH_SECONDS, expectedStartupSeconds, toReplayDeployment } from '../../lib/replay/deployments.js';
import { plannedForBursts, plannedForShape, replanForShape, traceRequestShape } from '../../lib/replay/shape.js';
import { type RequestTrace } from '../../lib/replay/trace.js';
import { BURST_WINDOWS_SECONDS, MIN_BURST_TARGET_UTILIZATION, burstTargetUtilization, PREDICT_RANGE_SECONDS, PREDICT_STEP_SECONDS, burstDemandSeries, burstShare, demandSeries, predictLinearOfRate, prometheusRate, replayDeployment } from '../../lib/replay/replay.js';
import { decodeSecondsPerToken, latencyTargetsForPlan, prefillSecondsPerToken } from '../../lib/replay/profile.js';

const llama70b = planCapacity({ model: modelPreset('llama-3-1-70b'), instanceType: 'g6e.12xlarge' });
const neuron8b = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'inf2.8xlarge', modelServer: ModelServer.VLLM_NEURON });

function planned(plan = llama70b): PlannedDeployment {
  return { name: 'eks/inference/x', platform: 'EKS', server: 'vLLM', plan, scalingPolicy: tokenScalingPolicy(plan, { maxReplicas: 4, scaleDown: { stabilizationWindowSeconds: 600 } }) };
}

describe('expected start-up (not the probe budget)', () => {
  it('is node launch + image pull + the server fixed start + the checkpoint at ~500 MB/s (hf_transfer README), rounded up to 30 s', () => {
    const s = expectedStartupSeconds(MODEL_SERVERS.vllm, llama70b);
    const raw = NODE_LAUNCH_SECONDS + IMAGE_PULL_SECONDS + MODEL_SERVERS.vllm.startupOverheadSeconds + checkpointGiB(llama70b) / EXPECTED_WEIGHT_FETCH_GIB_PER_SECOND;
    expect(s).toBeGreaterThanOrEqual(raw);
    expect(s - raw).toBeLessThan(30);
    expect(EXPECTED_WEIGHT_FETCH_GIB_PER_SECOND).toBeCloseTo(0.4657, 4);
  });

  it('is below the startup-probe budget, which stays the upper bound the replay reports beside it', () => {
    const r = toReplayDeployment(planned());
    expect(r.startupSeconds).toBeLessThan(r.startupBudgetSeconds as number);
    expect(r.startupBudgetSeconds).toBe(NODE_LAUNCH_SECONDS + IMAGE_PULL_SECONDS + startupProbeSeconds(MODEL_SERVERS.vllm, llama70b));
  });

  it('keeps the Neuron compile on every fresh pod (aws-neuron-sdk #1368: the NEFF cache is not reused across pods)', () => {
    const s = expectedStartupSeconds(MODEL_SERVERS['vllm-neuron'], neuron8b);
    expect(s).toBeGreaterThanOrEqual(NODE_LAUNCH_SECONDS + IMAGE_PULL_SECONDS + MODEL_SERVERS['vllm-neuron'].startupOverheadSeconds);
  });
});

describe('mixed steps per server', () => {
  it('vLLM on GPU batches prompt chunks into the decode pass (v0.11 optimization guide: chunked prefill on by default in V1); the Neuron server adds them', () => {
    expect(MODEL_SERVERS.vllm.mixesPrefillIntoDecode).toBe(true);
    expect(toReplayDeployment(planned()).mixedSteps).toBe(true);
    expect(MODEL_SERVERS['vllm-neuron'].mixesPrefillIntoDecode).toBeUndefined();
    expect(toReplayDeployment({ ...planned(neuron8b), server: 'vllm-neuron' }).mixedSteps).toBe(false);
  });
});

describe('planning for the trace request shape', () => {
  const trace: RequestTrace = {
    name: 't',
    durationSeconds: 10,
    requests: [
      { arrivalSeconds: 0, promptTokens: 3000, outputTokens: 20 },
      { arrivalSeconds: 1, promptTokens: 5001, outputTokens: 37 },
    ],
  };

  it('takes the trace mean prompt and output tokens', () => {
    expect(traceRequestShape(trace)).toEqual({ inputTokens: 4001, outputTokens: 29 });
  });

  it('refuses an empty trace (TraceInvalid)', () => {
    expect(() => traceRequestShape({ name: 'e', durationSeconds: 1, requests: [] })).toThrow(/TraceInvalid/);
  });

  it('replans the same model, instance, precision, degree and price for the shape; the batch and the token target follow', () => {
    const re = replanForShape(llama70b, { inputTokens: 2048, outputTokens: 28 });
    expect(re.inputTokens).toBe(2048);
    expect(re.outputTokens).toBe(28);
    expect(re.instance.name).toBe(llama70b.instance.name);
    expect(re.tensorParallelDegree).toBe(llama70b.tensorParallelDegree);
    expect(re.cost.perNodeHourUsd).toBe(llama70b.cost.perNodeHourUsd);
    // Prompt-heavy traffic: fewer sequences meet the TPOT target, and fewer output tokens per replica.
    expect(re.concurrentSequences).toBeLessThan(llama70b.concurrentSequences);
    expect(re.targetTokensPerSecondPerReplica).toBeLessThan(llama70b.targetTokensPerSecondPerReplica);
  });

  it("keeps the rendered policy's options and takes the new plan's target", () => {
    const d = plannedForShape(planned(), { inputTokens: 2048, outputTokens: 28 });
    expect(d.scalingPolicy.maxReplicas).toBe(4);
    expect(d.scalingPolicy.scaleDown.stabilizationWindowSeconds).toBe(600);
    expect(d.scalingPolicy.targetTokensPerSecondPerReplica).toBe(d.plan.targetTokensPerSecondPerReplica);
    expect(d.scalingPolicy.planFingerprint).not.toBe(planned().scalingPolicy.planFingerprint);
  });

  it('returns the deployment unchanged when it is already planned for the shape', () => {
    const d = planned();
    expect(plannedForShape(d, { inputTokens: d.plan.inputTokens, outputTokens: d.plan.outputTokens })).toBe(d);
  });
});

describe('bursts within a minute (network calculus delay bound: Le Boudec & Thiran, Network Calculus, Theorem 1.4.2)', () => {
  // A constant-rate server C delays no arrival by more than sup_w (A(w) / C - w), so it keeps the
  // wait within the TTFT target T exactly when C >= sup_w A(w) / (w + T).
  const work = (prompt: number, output: number): number => prompt * prefillSecondsPerToken(llama70b) + output * decodeSecondsPerToken(llama70b);
  const T = latencyTargetsForPlan(llama70b).ttftSeconds;
  const steady: RequestTrace = { name: 'steady', durationSeconds: 120, requests: Array.from({ length: 120 }, (_, i) => ({ arrivalSeconds: i, promptTokens: 1000, outputTokens: 100 })) };
  // The same 120 requests, the first minute's 60 all in its first second.
  const bursty: RequestTrace = {
    name: 'bursty',
    durationSeconds: 120,
    requests: [...Array.from({ length: 60 }, () => ({ arrivalSeconds: 0.5, promptTokens: 1000, outputTokens: 100 })), ...steady.requests.slice(60)],
  };

  it('needs no more than the minute mean for a steady stream: w x a / (w + T) stays below a', () => {
    const busy = demandSeries(llama70b, llama70b.stepTime, steady, 2);
    expect(burstDemandSeries(llama70b, llama70b.stepTime, steady, 2, T)).toEqual(busy);
    expect(busy[0]).toBeCloseTo(work(1000, 100), 9);
    expect(burstShare(llama70b, steady)).toBe(1);
  });

  it("needs the burst's work over (1 s + T) when a minute's requests arrive in one second", () => {
    const need = burstDemandSeries(llama70b, llama70b.stepTime, bursty, 2, T);
    // Every window from 1 s to a minute holds the same 60 requests; the shortest divides by least.
    expect(BURST_WINDOWS_SECONDS[0]).toBe(1);
    expect(need[0]).toBeCloseTo((60 * work(1000, 100)) / (1 + T), 9);
    expect(need[1]).toBeCloseTo(work(1000, 100), 9);
    expect(burstShare(llama70b, bursty)).toBeCloseTo(work(1000, 100) / need[0], 9);
  });

  it('plans a steady trace at the rendered target, and a bursty one at target x burst share, rounded down to a hundredth', () => {
    const d = planned();
    expect(plannedForBursts(d, steady).plan.targetUtilization).toBe(d.plan.targetUtilization);
    const b = plannedForBursts(d, bursty);
    const shaped = plannedForShape(d, traceRequestShape(bursty));
    const share = burstShare(shaped.plan, bursty);
    expect(share).toBeLessThan(1);
    expect(b.plan.targetUtilization).toBe(Math.max(MIN_BURST_TARGET_UTILIZATION, Math.floor(d.plan.targetUtilization * share * 100) / 100));
    expect(b.plan.targetUtilization).toBe(burstTargetUtilization(shaped.plan, bursty));
    expect(b.plan.targetUtilization).toBeLessThan(d.plan.targetUtilization);
    // Same batch and throughput; only the target the scaler renders follows the lower utilisation.
    expect(b.plan.concurrentSequences).toBe(shaped.plan.concurrentSequences);
    expect(b.plan.throughput.tokensPerSecondPerReplica).toBe(shaped.plan.throughput.tokensPerSecondPerReplica);
    expect(b.scalingPolicy.targetTokensPerSecondPerReplica).toBe(Math.max(1, Math.round(shaped.plan.throughput.tokensPerSecondPerReplica * b.plan.targetUtilization)));
    expect(b.scalingPolicy.maxReplicas).toBe(4);
  });
});

describe('predict_linear over a rate subquery (the KEDA predictive study term)', () => {
  // Prometheus predict_linear: least-squares line through the range's samples, evaluated `ahead`
  // seconds after the evaluation time (https://prometheus.io/docs/prometheus/latest/querying/functions/#predict_linear).
  const seconds = 3600;
  it('predicts a constant rate as itself', () => {
    const counter = Array.from({ length: seconds }, (_, t) => 50 * t);
    expect(predictLinearOfRate(counter, 1800, 30, 120, PREDICT_RANGE_SECONDS, PREDICT_STEP_SECONDS, 600)).toBeCloseTo(50, 6);
  });

  it('extrapolates a ramp: rate 10 + 0.1 t tokens/s is predicted at now + ahead, lagged by half the rate window', () => {
    const counter = Array.from({ length: seconds }, (_, t) => 10 * t + 0.05 * t * t);
    const now = 1800;
    const got = predictLinearOfRate(counter, now, 30, 120, PREDICT_RANGE_SECONDS, PREDICT_STEP_SECONDS, 600);
    // rate(x[120s]) from 30 s scrapes spans 90 s ending at the last scrape: centred 45 s back.
    expect(got).toBeCloseTo(10 + 0.1 * (now + 600 - 45), 0);
    expect(got).toBeGreaterThan(prometheusRate(counter, now, 30, 120));
  });
});

describe('traces the replay cannot plan or charge', () => {
  it("names the trace and the context when the trace's mean request is longer than the deployment's context", () => {
    const d = planned();
    const long = { inputTokens: d.plan.contextTokens, outputTokens: 10 };
    expect(() => plannedForShape(d, long)).toThrow(/\[TraceLongerThanContext\] trace: the trace's mean request \(\d+ prompt \+ 10 output tokens\) is longer than eks\/inference\/x's context .*fix: replay the deployment as rendered/);
  });

  it('rejects a trace that spans no time: there is no window to charge', () => {
    const t: RequestTrace = { name: 'one', durationSeconds: 0, requests: [{ arrivalSeconds: 0, promptTokens: 100, outputTokens: 10 }] };
    expect(() => replayDeployment(toReplayDeployment(planned()), t)).toThrow(/\[TraceInvalid\] trace: the trace spans no time: its 1 request\(s\) all arrive at the same instant/);
  });
});
