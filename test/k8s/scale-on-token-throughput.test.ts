/**
 * ModelDeployment.scaleOnTokenThroughput: the scaler takes its plan (and so its tokens/s target)
 * from the workload; a scaler given a policy from another plan refuses it
 * (ScalingPolicyPlanMismatch) instead of scaling on another model's or instance's target.
 * KEDA ScaledObject fields: https://keda.sh/docs/2.17/reference/scaledobject-spec/
 */
import { Chart, Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { ModelDeployment } from '../../constructs/k8s/model-deployment.js';
import { PrometheusSource, TokenThroughputHpa, TokenThroughputScaler, HpaMetricSource } from '../../constructs/k8s/token-scaler.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { ScrapeBackend } from '../../lib/platforms.js';
import { planFingerprint, tokenScalingPolicy } from '../../lib/scaling.js';
import { expectError } from '../lib/expect-error.js';
import { expectValid, one } from './support.js';

const inCluster = () => PrometheusSource.inCluster({ serverAddress: 'http://prometheus.monitoring.svc:9090' });
const llama = () => planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'g6e.xlarge' });
const mistral = () => planCapacity({ model: modelPreset('mistral-7b'), instanceType: 'g6e.xlarge' });

function workload(plan = llama()) {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'models' });
  const model = new ModelDeployment(chart, 'Model', { plan, huggingFaceTokenSecret: { name: 'hf' }, scrapeBackend: ScrapeBackend.PROMETHEUS_OPERATOR });
  return { chart, model };
}

describe('ModelDeployment.scaleOnTokenThroughput', () => {
  test('renders the same ScaledObject as a TokenThroughputScaler given the policy of the workload plan', () => {
    const a = workload();
    const scaler = a.model.scaleOnTokenThroughput({ minReplicas: 2, maxReplicas: 5, prometheus: inCluster(), queueDepthPerReplica: 8 });
    const b = workload();
    new TokenThroughputScaler(b.chart, 'Scaler', {
      target: b.model,
      policy: tokenScalingPolicy(b.model.plan, { minReplicas: 2, maxReplicas: 5 }),
      prometheus: inCluster(),
      queueDepthPerReplica: 8,
    });
    const soA = one(Testing.synth(a.chart), 'ScaledObject');
    const soB = one(Testing.synth(b.chart), 'ScaledObject');
    expect(soA).toEqual(soB);
    expect(scaler.policy.targetTokensPerSecondPerReplica).toBe(a.model.plan.targetTokensPerSecondPerReplica);
    expect(soA.spec.minReplicaCount).toBe(2);
    expect(soA.spec.maxReplicaCount).toBe(5);
    // The workload stops rendering spec.replicas once the scaler owns the count.
    expect(one(Testing.synth(a.chart), 'Deployment').spec.replicas).toBeUndefined();
    expectValid(Testing.synth(a.chart));
  });

  test('passes the policy options through (rate window, scale-up behaviour)', () => {
    const { model } = workload();
    const scaler = model.scaleOnTokenThroughput({ prometheus: inCluster(), metricWindowSeconds: 120, scaleUp: { maxReplicasPerPeriod: 2 } });
    expect(scaler.policy.metricWindowSeconds).toBe(120);
    expect(scaler.policy.scaleUp.maxReplicasPerPeriod).toBe(2);
    expect(scaler.policy.scaleUp.periodSeconds).toBe(15);
  });
});

describe('ScalingPolicyPlanMismatch', () => {
  test('the fingerprint names model, instance, tensor-parallel degree and target', () => {
    const p = llama();
    expect(planFingerprint(p)).toBe(`llama-3-1-8b@g6e.xlarge/tp${p.tensorParallelDegree}/${p.targetTokensPerSecondPerReplica}`);
    expect(tokenScalingPolicy(p).planFingerprint).toBe(planFingerprint(p));
    expect(planFingerprint(mistral())).not.toBe(planFingerprint(p));
  });

  test('a KEDA scaler refuses a policy built from another plan', () => {
    const { chart, model } = workload();
    const foreign = tokenScalingPolicy(mistral());
    expectError(() => new TokenThroughputScaler(chart, 'Scaler', { target: model, policy: foreign, prometheus: inCluster() }), 'ScalingPolicyPlanMismatch', 'policy', foreign.planFingerprint);
  });

  test('an HPA refuses a policy built from another plan', () => {
    const { chart, model } = workload();
    const foreign = tokenScalingPolicy(mistral());
    expectError(
      () => new TokenThroughputHpa(chart, 'Hpa', { target: model, policy: foreign, metricSource: HpaMetricSource.PROMETHEUS_ADAPTER }),
      'ScalingPolicyPlanMismatch',
      'policy',
      foreign.planFingerprint,
    );
  });

  test('a policy from an equal plan (same inputs, planned again) is accepted', () => {
    const { chart, model } = workload();
    expect(() => new TokenThroughputScaler(chart, 'Scaler', { target: model, policy: tokenScalingPolicy(llama()), prometheus: inCluster() })).not.toThrow();
  });
});
