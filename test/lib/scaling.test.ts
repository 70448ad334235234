import { describe, expect, test } from 'vitest';
import { DEFAULT_SCALE_DOWN, DEFAULT_SCALE_UP, ScalingSignal, stepTokenBudget, tokenScalingPolicy, tokenWorkWeights } from '../../lib/scaling.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { expectError } from './expect-error.js';

const plan = planCapacity({
  model: modelPreset('llama-3-1-8b'),
  instanceType: 'g6e.xlarge',
  measuredTokensPerSecondPerReplica: 1000,
  peakTokensPerSecond: 3000,
});
const tpuPlan = planCapacity({ model: modelPreset('llama-3-1-70b'), tpuSlice: { accelerator: 'tpu-v6e-slice', topology: '4x4' } });

describe('tokenScalingPolicy', () => {
  test('takes the target and replica ceiling from the plan', () => {
    const policy = tokenScalingPolicy(plan);
    expect(policy).toEqual({
      signal: ScalingSignal.GENERATED_TOKENS,
      tokenWork: tokenWorkWeights(plan),
      targetTokensPerSecondPerReplica: 700,
      minReplicas: 1,
      maxReplicas: 5, // ceil(3000 / 700)
      scaleToZero: false,
      activationTokensPerSecond: 1,
      scaleUp: { stabilizationWindowSeconds: 180, maxPercentPerPeriod: 100, maxReplicasPerPeriod: 4, periodSeconds: 15 },
      scaleDown: { stabilizationWindowSeconds: 600, maxPercentPerPeriod: 50, maxReplicasPerPeriod: 1, periodSeconds: 60 },
      metricWindowSeconds: 60,
      fallbackReplicas: 1,
      scaleOutMinutes: 3, // target tracking
      planFingerprint: `llama-3-1-8b@g6e.xlarge/tp1/700`,
      devicesPerReplica: 1,
      hostsPerReplica: 1,
    });
    expect(Object.isFrozen(policy)).toBe(true);
  });

  test('scales up faster than it scales down by default', () => {
    expect(DEFAULT_SCALE_UP.stabilizationWindowSeconds).toBeLessThan(DEFAULT_SCALE_DOWN.stabilizationWindowSeconds);
    expect(DEFAULT_SCALE_UP.maxReplicasPerPeriod).toBeGreaterThan(DEFAULT_SCALE_DOWN.maxReplicasPerPeriod);
    expect(DEFAULT_SCALE_UP.periodSeconds).toBeLessThan(DEFAULT_SCALE_DOWN.periodSeconds);
  });

  test('merges partial behaviour overrides over the defaults', () => {
    const policy = tokenScalingPolicy(plan, { scaleDown: { stabilizationWindowSeconds: 600 }, scaleUp: { maxReplicasPerPeriod: 2 } });
    expect(policy.scaleDown).toEqual({ ...DEFAULT_SCALE_DOWN, stabilizationWindowSeconds: 600 });
    expect(policy.scaleUp).toEqual({ ...DEFAULT_SCALE_UP, maxReplicasPerPeriod: 2 });
  });

  test('scales to zero with an activation threshold and keeps one fallback replica', () => {
    const policy = tokenScalingPolicy(plan, { scaleToZero: true, activationTokensPerSecond: 5, maxReplicas: 8 });
    expect(policy).toMatchObject({ scaleToZero: true, minReplicas: 0, maxReplicas: 8, activationTokensPerSecond: 5, fallbackReplicas: 1 });
  });

  test('accepts explicit replicas, target, window and fallback', () => {
    const policy = tokenScalingPolicy(plan, { minReplicas: 2, maxReplicas: 10, targetTokensPerSecondPerReplica: 450, metricWindowSeconds: 120, fallbackReplicas: 4 });
    expect(policy).toMatchObject({ minReplicas: 2, maxReplicas: 10, targetTokensPerSecondPerReplica: 450, metricWindowSeconds: 120, fallbackReplicas: 4 });
  });

  test('defaults maxReplicas to minReplicas when that is higher than the plan needs', () => {
    expect(tokenScalingPolicy(plan, { minReplicas: 7 }).maxReplicas).toBe(7);
  });

  test('copies devices and hosts per replica from a multi-host plan', () => {
    const policy = tokenScalingPolicy(tpuPlan);
    expect(policy).toMatchObject({ devicesPerReplica: 4, hostsPerReplica: 4, maxReplicas: 1 });
  });

  test('snapshot of the default policy', () => {
    expect(tokenScalingPolicy(tpuPlan, { maxReplicas: 3 })).toMatchSnapshot();
  });
});

describe('tokenScalingPolicy errors', () => {
  test('throws MinAboveMax when minReplicas is above maxReplicas', () => {
    const err = expectError(() => tokenScalingPolicy(plan, { minReplicas: 5, maxReplicas: 2 }), 'MinAboveMax', 'minReplicas', 5);
    expect(err.allowed).toBe('an integer from 1 to maxReplicas (2)');
  });

  test('throws ReplicasInvalid for minReplicas 0 without scaleToZero', () => {
    expectError(() => tokenScalingPolicy(plan, { minReplicas: 0 }), 'ReplicasInvalid', 'minReplicas', 0);
  });

  test('throws ReplicasInvalid for a floor of replicas with scaleToZero', () => {
    expectError(() => tokenScalingPolicy(plan, { minReplicas: 2, scaleToZero: true }), 'ReplicasInvalid', 'minReplicas', 2);
  });

  test('throws ReplicasInvalid for a fractional minReplicas', () => {
    expectError(() => tokenScalingPolicy(plan, { minReplicas: 1.5 }), 'ReplicasInvalid', 'minReplicas', 1.5);
  });

  test('throws ScaleToZeroInvalid when scaleToZero is not a boolean', () => {
    // A caller from an untyped language (or JSON context) can pass a string.
    expectError(() => tokenScalingPolicy(plan, { scaleToZero: 'yes' as unknown as boolean }), 'ScaleToZeroInvalid', 'scaleToZero', 'yes');
  });

  test('throws ReplicasInvalid for maxReplicas 0', () => {
    expectError(() => tokenScalingPolicy(plan, { maxReplicas: 0, scaleToZero: true }), 'ReplicasInvalid', 'maxReplicas', 0);
  });

  test('throws ReplicasInvalid when fallbackReplicas exceeds maxReplicas', () => {
    expectError(() => tokenScalingPolicy(plan, { maxReplicas: 3, fallbackReplicas: 4 }), 'ReplicasInvalid', 'fallbackReplicas', 4);
  });

  test.each([0, -10, Number.NaN])('throws ThroughputInvalid for a target of %s', (t) => {
    expectError(() => tokenScalingPolicy(plan, { targetTokensPerSecondPerReplica: t }), 'ThroughputInvalid', 'targetTokensPerSecondPerReplica', t);
  });

  test('throws ThroughputInvalid for a negative activation threshold', () => {
    expectError(() => tokenScalingPolicy(plan, { scaleToZero: true, activationTokensPerSecond: -1 }), 'ThroughputInvalid', 'activationTokensPerSecond', -1);
  });

  test('throws ScalingBehaviourInvalid for a zero scale-down period', () => {
    expectError(() => tokenScalingPolicy(plan, { scaleDown: { periodSeconds: 0 } }), 'ScalingBehaviourInvalid', 'scaleDown.periodSeconds', 0);
  });

  test('throws ScalingBehaviourInvalid for a stabilization window above the HPA limit', () => {
    expectError(() => tokenScalingPolicy(plan, { scaleUp: { stabilizationWindowSeconds: 3601 } }), 'ScalingBehaviourInvalid', 'scaleUp.stabilizationWindowSeconds', 3601);
  });

  test('throws ScalingBehaviourInvalid for a zero percent step', () => {
    expectError(() => tokenScalingPolicy(plan, { scaleUp: { maxPercentPerPeriod: 0 } }), 'ScalingBehaviourInvalid', 'scaleUp.maxPercentPerPeriod', 0);
  });

  test('throws ScalingBehaviourInvalid for a zero replica step', () => {
    expectError(() => tokenScalingPolicy(plan, { scaleDown: { maxReplicasPerPeriod: 0 } }), 'ScalingBehaviourInvalid', 'scaleDown.maxReplicasPerPeriod', 0);
  });

  test('throws ScalingBehaviourInvalid for a metric window shorter than two scrapes', () => {
    expectError(() => tokenScalingPolicy(plan, { metricWindowSeconds: 10 }), 'ScalingBehaviourInvalid', 'metricWindowSeconds', 10);
  });
});

describe('token-work signal', () => {
  test('weights reproduce the plan: a replica at its planned throughput and request shape is busy 100 % of the time', async () => {
    const { tokenWorkWeights } = await import('../../lib/scaling.js');
    const { decodeStepSeconds, liveContextTokens } = await import('../../lib/step-time.js');
    // An estimated plan: its throughput comes from its step-time profile.
    const plan = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'g6e.xlarge' });
    const w = tokenWorkWeights(plan);
    const b = plan.concurrentSequences;
    expect(w.generatedSecondsPerToken).toBeCloseTo(decodeStepSeconds(plan.stepTime, b, liveContextTokens(plan.inputTokens, plan.outputTokens)) / b, 12);
    expect(w.promptSecondsPerToken).toBe(plan.stepTime.prefillSecondsPerToken);
    // tokens/s = batch / (decode step + batch / output x prefill(input)), so the busy fraction is 1.
    const tps = plan.throughput.tokensPerSecondPerReplica;
    const busy = tps * w.generatedSecondsPerToken + tps * (plan.inputTokens / plan.outputTokens) * w.promptSecondsPerToken;
    expect(busy).toBeCloseTo(1, 2);
    expect(w.targetBusyFraction).toBe(0.7);
  });
  test('renders one PromQL over the prompt and generation counters (vLLM v0.11 metric names) and a KEDA threshold in busy ms/s', async () => {
    const { tokenWorkWeights, tokenWorkPromQl, tokenWorkThreshold } = await import('../../lib/scaling.js');
    const w = tokenWorkWeights(plan);
    const q = tokenWorkPromQl(w, 'namespace="inference",model="m"', 120);
    expect(q).toMatch(/^sum\(rate\(vllm:prompt_tokens_total\{namespace="inference",model="m"\}\[120s\]\)\) \* [0-9.e-]+ \+ sum\(rate\(vllm:generation_tokens_total\{namespace="inference",model="m"\}\[120s\]\)\) \* [0-9.e-]+$/);
    expect(tokenWorkThreshold(w)).toBe(700);
  });
  test('renders SageMaker metric math over the prompt and generation throughput queries', async () => {
    const { tokenWorkWeights, tokenWorkMetricMath } = await import('../../lib/scaling.js');
    expect(tokenWorkMetricMath(tokenWorkWeights(plan))).toMatch(/^FILL\(prompt, 0\) \* [0-9.e-]+ \+ FILL\(generation, 0\) \* [0-9.e-]+$/);
  });
});

describe('stepTokenBudget (vLLM --max-num-batched-tokens within the TPOT target)', () => {
  test('keeps a full decode batch plus the prefill chunk within the target', () => {
    const tpot = 0.1;
    const budget = stepTokenBudget(plan, tpot);
    const w = tokenWorkWeights(plan);
    const B = plan.concurrentSequences;
    const step = (tokens: number) => w.generatedSecondsPerToken * B + (tokens - B) * w.promptSecondsPerToken;
    expect(budget).toBeGreaterThan(B);
    expect(budget).toBeLessThanOrEqual(2048);
    if (budget < 2048 && budget > B + 16) {
      expect(step(budget)).toBeLessThanOrEqual(tpot + 1e-12);
      expect(step(budget + 1)).toBeGreaterThan(tpot);
    }
  });
  test('never exceeds vLLM\'s default and leaves at least one KV block for prompts', () => {
    expect(stepTokenBudget(plan, 100)).toBe(2048);
    expect(stepTokenBudget(plan, 1e-6)).toBe(plan.concurrentSequences + 16);
  });
  test('rejects a non-positive target', () => {
    expect(() => stepTokenBudget(plan, 0)).toThrow(/\[LatencyTargetInvalid\] tpotTargetSeconds/);
  });
});
