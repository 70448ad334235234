import { describe, expect, it } from 'vitest';
import { HpaModel, HpaSelectPolicy, StepScalingModel, TargetTrackingModel, hpaReplicasForMetric, hpaReplicasForUtilization, percentChangeInCapacity } from '../../lib/replay/scalers.js';
import { parseAzureTrace, scaleTraceRate } from '../../lib/replay/trace.js';

// Kubernetes HPA algorithm details, worked examples:
// https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details
describe('HPA algorithm (kubernetes.io horizontal-pod-autoscale, algorithm details)', () => {
  it('doubles replicas when the metric is 200m against a 100m target', () => {
    expect(hpaReplicasForUtilization(3, 200, 100)).toBe(6);
  });
  it('halves replicas when the metric is 50m against a 100m target', () => {
    expect(hpaReplicasForUtilization(4, 50, 100)).toBe(2);
  });
  it('skips scaling within the 10 % tolerance (ratio 1.067: 50 replicas at 80 against 75)', () => {
    expect(hpaReplicasForUtilization(50, 80, 75)).toBe(50);
  });
  it('scales 50 replicas at 90 % against 75 % to 60 (KEP-4951 blog example)', () => {
    expect(hpaReplicasForUtilization(50, 90, 75)).toBe(60);
  });
  it('AverageValue: ceil(total / target) outside the tolerance', () => {
    expect(hpaReplicasForMetric(2, { total: 350, targetPerReplica: 100 })).toBe(4);
    expect(hpaReplicasForMetric(2, { total: 210, targetPerReplica: 100 })).toBe(2);
  });
  it('scale-down stabilisation keeps the highest recommendation of the window; Min policy limits to 1 pod per 60 s', () => {
    const hpa = new HpaModel(1, 10, { stabilizationWindowSeconds: 0, percent: 100, pods: 4, periodSeconds: 15, selectPolicy: HpaSelectPolicy.MAX },
      { stabilizationWindowSeconds: 300, percent: 50, pods: 1, periodSeconds: 60, selectPolicy: HpaSelectPolicy.MIN });
    expect(hpa.sync(0, 4, [{ total: 400, targetPerReplica: 100 }])).toBe(4);
    expect(hpa.sync(15, 4, [{ total: 100, targetPerReplica: 100 }])).toBe(4); // window holds 4
    expect(hpa.sync(315, 4, [{ total: 100, targetPerReplica: 100 }])).toBe(3); // one pod per minute
    expect(hpa.sync(330, 3, [{ total: 100, targetPerReplica: 100 }])).toBe(3);
  });
  it('a warm start (seeded recommendation) holds the replicas through the scale-down window (horizontal.go stabilizeRecommendationWithBehaviors)', () => {
    const down = { stabilizationWindowSeconds: 600, percent: 50, pods: 1, periodSeconds: 60, selectPolicy: HpaSelectPolicy.MIN };
    const up = { stabilizationWindowSeconds: 0, percent: 100, pods: 4, periodSeconds: 15, selectPolicy: HpaSelectPolicy.MAX };
    const cold = new HpaModel(2, 10, up, down);
    expect(cold.sync(15, 3, [{ total: 10, targetPerReplica: 100 }])).toBe(2); // no history: acts on the first reading
    const warm = new HpaModel(2, 10, up, down);
    warm.seed(0, 3);
    expect(warm.sync(15, 3, [{ total: 10, targetPerReplica: 100 }])).toBe(3);
    expect(warm.sync(600, 3, [{ total: 10, targetPerReplica: 100 }])).toBe(3);
    expect(warm.sync(615, 3, [{ total: 10, targetPerReplica: 100 }])).toBe(2);
  });
  it('scale-up Max of 100 % and 4 pods per 15 s: from 2 at most to 6', () => {
    const hpa = new HpaModel(1, 20, { stabilizationWindowSeconds: 0, percent: 100, pods: 4, periodSeconds: 15, selectPolicy: HpaSelectPolicy.MAX },
      { stabilizationWindowSeconds: 300, percent: 50, pods: 1, periodSeconds: 60, selectPolicy: HpaSelectPolicy.MIN });
    expect(hpa.sync(0, 2, [{ total: 2000, targetPerReplica: 100 }])).toBe(6);
  });
});

// Application Auto Scaling target tracking: scale out on 3 datapoints above target, scale in on 15 below 90 %.
// https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
describe('target tracking alarms (Application Auto Scaling)', () => {
  it('does not scale out on 2 datapoints above the target, does on 3', () => {
    const tt = new TargetTrackingModel(1, 10, 0, 300);
    expect(tt.evaluate(120, 2, [{ datapoints: [50, 150, 150], target: 100 }])).toBe(2);
    expect(tt.evaluate(180, 2, [{ datapoints: [150, 150, 150], target: 100 }])).toBe(3);
  });
  it('scales in only after 15 datapoints below 90 % of the target, and only when every policy agrees', () => {
    const tt = new TargetTrackingModel(1, 10, 0, 0);
    const low = new Array(15).fill(40);
    expect(tt.evaluate(900, 4, [{ datapoints: low.slice(1), target: 100 }])).toBe(4);
    expect(tt.evaluate(960, 4, [{ datapoints: low, target: 100 }])).toBe(2);
    expect(tt.evaluate(1020, 4, [{ datapoints: low, target: 100 }, { datapoints: new Array(15).fill(95), target: 100 }])).toBe(4);
  });
  it('a refused scale-in starts no cooldown: asked again a minute later, it is proposed again', () => {
    const low = [{ datapoints: new Array(15).fill(40), target: 100 }];
    const kept = new TargetTrackingModel(1, 10, 0, 300);
    expect(kept.evaluate(960, 4, low)).toBe(2);
    // Applied, the 300 s scale-in cooldown holds the next one back.
    expect(kept.evaluate(1020, 2, low)).toBe(2);
    const refused = new TargetTrackingModel(1, 10, 0, 300);
    expect(refused.evaluate(960, 4, low)).toBe(2);
    refused.refused();
    expect(refused.evaluate(1020, 4, low)).toBe(2);
  });
});

describe('Azure trace parsing', () => {
  it('parses the header and 100 ns timestamps relative to the first request', () => {
    const t = parseAzureTrace('TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50.9951690,396,109\n', 'x');
    expect(t.requests).toHaveLength(2);
    expect(t.requests[1].arrivalSeconds).toBeCloseTo(4.314579, 5);
  });
  it('rejects a file with another header with TraceInvalid', () => {
    expect(() => parseAzureTrace('a,b,c\n1,2,3', 'x')).toThrow(/TraceInvalid/);
  });
  it('rate scaling x2 doubles the requests deterministically', () => {
    const t = parseAzureTrace('TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50.9951690,396,109\n', 'x');
    expect(scaleTraceRate(t, 2).requests).toHaveLength(4);
    expect(scaleTraceRate(t, 1.5, 3)).toEqual(scaleTraceRate(t, 1.5, 3));
  });
});

// KEDA 2.x: activation 0 <-> 1 by KEDA on activationThreshold, back to 0 after cooldownPeriod
// without an active trigger (https://keda.sh/docs/2.17/concepts/scaling-deployments/#activating-and-scaling-thresholds,
// https://keda.sh/docs/2.17/reference/scaledobject-spec/#cooldownperiod).
describe('KEDA activation and cooldownPeriod', () => {
  it('wakes 0 -> 1 on an active trigger, leaves 1..N to the HPA, returns to 0 after 300 s inactive', async () => {
    const { KedaActivationModel } = await import('../../lib/replay/scalers.js');
    const keda = new KedaActivationModel(300);
    expect(keda.apply(0, 0, false, () => 5)).toBe(0);
    expect(keda.apply(15, 0, true, () => 5)).toBe(1);
    expect(keda.apply(30, 1, true, () => 3)).toBe(3);
    expect(keda.apply(45, 3, false, () => 2)).toBe(2);
    expect(keda.apply(300, 2, false, () => 1)).toBe(1); // 285 s since the last active trigger
    expect(keda.apply(330, 1, false, () => 1)).toBe(0);
  });
});

describe('step scaling (Application Auto Scaling step scaling policies)', () => {
  const out = { threshold: 1, breach: 'above' as const, datapoints: 5, steps: [{ lowerRatio: 1, upperRatio: 1.5, percent: 50 }, { lowerRatio: 1.5, percent: 100 }], cooldownSeconds: 300 };
  const scaleIn = { threshold: 0.9, breach: 'below' as const, datapoints: 15, steps: [{ upperRatio: 0.9, percent: -50 }], cooldownSeconds: 600 };

  it('MinAdjustmentMagnitude: 25 % of 4 is 1, and with a minimum of 2 the change is 2 (StepScalingPolicyConfiguration)', () => {
    expect(percentChangeInCapacity(4, 25)).toBe(1);
    expect(percentChangeInCapacity(4, 25, 2)).toBe(2);
    // Fractions round toward zero, never below the minimum magnitude.
    expect(percentChangeInCapacity(3, 50)).toBe(1);
    expect(percentChangeInCapacity(1, -50)).toBe(-1);
  });

  it('the scale-out alarm needs all its datapoints in breach', () => {
    const m = new StepScalingModel(1, 10, out, scaleIn);
    expect(m.evaluate(0, 2, [2, 2, 2, 2])).toBe(2);
    expect(m.evaluate(60, 2, [2, 2, 2, 0.5, 2])).toBe(2);
    expect(m.evaluate(120, 2, [2, 2, 2, 2, 2])).toBe(4);
  });

  it('during the scale-out cooldown the capacity the last scale-out added counts toward the next (the add-2-then-3 example)', () => {
    const m = new StepScalingModel(1, 20, out, scaleIn);
    // +50 % of 4 adds 2; a larger step within the cooldown asks +100 % of the same 4 (4), so it adds 2 more, not 4.
    expect(m.evaluate(0, 4, [1.2, 1.2, 1.2, 1.2, 1.2])).toBe(6);
    expect(m.evaluate(60, 6, [1.2, 1.2, 1.2, 1.2, 1.2])).toBe(6);
    expect(m.evaluate(120, 6, [1.2, 1.2, 1.2, 1.2, 2])).toBe(8);
    // After the cooldown the step applies to the current capacity again.
    expect(m.evaluate(480, 8, [2, 2, 2, 2, 2])).toBe(16);
  });

  it('the scale-in cooldown blocks further scale-ins, not scale-outs', () => {
    const m = new StepScalingModel(1, 20, out, scaleIn);
    const low = Array(15).fill(0.1);
    expect(m.evaluate(0, 8, low)).toBe(4);
    expect(m.evaluate(60, 4, low)).toBe(4);
    expect(m.evaluate(120, 4, [...low.slice(5), 2, 2, 2, 2, 2])).toBe(8);
    expect(m.evaluate(660, 8, low)).toBe(4);
  });
});
