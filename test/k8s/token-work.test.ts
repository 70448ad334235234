/**
 * The token-work signal on Kubernetes: the KEDA trigger rendered field by field (one PromQL over
 * vLLM v0.11's `vllm:prompt_tokens_total` and `vllm:generation_tokens_total`,
 * https://docs.vllm.ai/en/v0.11.0/usage/metrics.html), the queue-depth guard beside it, the
 * strict validator and the rule pack; the clear refusals for non-vLLM servers and for a plain
 * HPA, which takes the max over its metrics and cannot sum two rates
 * (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#support-for-multiple-metrics).
 */
import { Chart, Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { ModelDeployment } from '../../constructs/k8s/model-deployment.js';
import { PrometheusSource, TokenThroughputHpa, TokenThroughputScaler } from '../../constructs/k8s/token-scaler.js';
import { InferenceRulePack } from '../../lib/rules/rule-pack.js';
import { ScalingSignal, tokenScalingPolicy, tokenWorkPromQl, tokenWorkThreshold } from '../../lib/scaling.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { ModelServer } from '../../lib/servers.js';
import { expectValid, one } from './support.js';
import { ScrapeBackend } from '../../lib/platforms.js';
import { HpaMetricSource } from '../../constructs/k8s/token-scaler.js';

const plan = () => planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'g6e.xlarge' });
const inCluster = () => PrometheusSource.inCluster({ serverAddress: 'http://prometheus.monitoring.svc:9090' });

function chartWith(server?: ModelServer) {
  const app = Testing.app();
  const chart = new Chart(app, 'c', { namespace: 'models' });
  const p = plan();
  const model = new ModelDeployment(chart, 'Model', { plan: p, huggingFaceTokenSecret: { name: 'hf' }, scrapeBackend: ScrapeBackend.PROMETHEUS_OPERATOR, ...(server ? { server } : {}) });
  return { chart, plan: p, model };
}

describe('token work on KEDA (TokenThroughputScaler)', () => {
  const { chart, plan: p, model } = chartWith();
  const policy = tokenScalingPolicy(p, { signal: ScalingSignal.TOKEN_WORK, metricWindowSeconds: 60, minReplicas: 2, maxReplicas: 6 });
  const scaler = new TokenThroughputScaler(chart, 'Scaler', { target: model, policy, prometheus: inCluster(), queueDepthPerReplica: 8 });
  const objects = Testing.synth(chart);
  const so = one(objects, 'ScaledObject');

  test('renders one token-work trigger: the PromQL over both vLLM counters and the busy-ms threshold', () => {
    const [work, queue] = so.spec.triggers;
    const selector = `namespace="models",model_name="${model.servedModelName}"`;
    expect(work).toEqual({
      type: 'prometheus',
      name: 'token-work',
      metricType: 'AverageValue',
      metadata: {
        serverAddress: 'http://prometheus.monitoring.svc:9090',
        query: tokenWorkPromQl(policy.tokenWork, selector, 60),
        threshold: String(tokenWorkThreshold(policy.tokenWork)),
        activationThreshold: '0',
        ignoreNullValues: 'false',
      },
    });
    expect(work.metadata.query).toMatch(
      /^sum\(rate\(vllm:prompt_tokens_total\{namespace="models",model_name="[^"]+"\}\[60s\]\)\) \* [0-9.e-]+ \+ sum\(rate\(vllm:generation_tokens_total\{namespace="models",model_name="[^"]+"\}\[60s\]\)\) \* [0-9.e-]+$/,
    );
    expect(work.metadata.threshold).toBe(String(Math.round(p.targetUtilization * 1000)));
    expect(scaler.query).toBe(work.metadata.query);
    // The queue-depth guard stays beside it.
    expect(queue).toMatchObject({ name: 'queue-depth', metadata: { query: `sum(vllm:num_requests_waiting{${selector}})`, threshold: '8' } });
    expect(so.spec.triggers).toHaveLength(2);
  });

  test('keeps the replica bounds, fallback and behaviour of the policy', () => {
    expect(so.spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 6, fallback: { replicas: 2 } });
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleUp.stabilizationWindowSeconds).toBe(policy.scaleUp.stabilizationWindowSeconds);
  });

  test('passes the strict Kubernetes validator and the rule pack', () => {
    expectValid(objects);
    const findings = InferenceRulePack.checkManifests(objects, { origin: 'test' }).findings;
    // IC-K8S-014 compares only the metricType of a token-work trigger: its threshold is busy ms/s, not tokens/s.
    expect(findings.map(InferenceRulePack.formatFinding)).toEqual([]);
  });

  test('the default policy still renders the generated-tokens trigger', () => {
    const c = chartWith();
    const def = tokenScalingPolicy(c.plan);
    expect(def.signal).toBe(ScalingSignal.GENERATED_TOKENS);
    new TokenThroughputScaler(c.chart, 'Scaler', { target: c.model, policy: def, prometheus: inCluster() });
    expect(one(Testing.synth(c.chart), 'ScaledObject').spec.triggers.map((t: { name: string }) => t.name)).toEqual(['generated-tokens']);
  });

  test('converts the activation tokens/s into busy ms/s when scaling to zero', () => {
    const c = chartWith();
    const z = tokenScalingPolicy(c.plan, { signal: ScalingSignal.TOKEN_WORK, scaleToZero: true, activationTokensPerSecond: 10, maxReplicas: 2 });
    new TokenThroughputScaler(c.chart, 'Scaler', { target: c.model, policy: z, prometheus: inCluster(), scaleFromZero: { query: 'sum(gateway_waiting{model="m"})' } });
    const t = one(Testing.synth(c.chart), 'ScaledObject').spec.triggers[0];
    const expected = Math.round(10 * z.tokenWork.generatedSecondsPerToken * 1000 * 1000) / 1000;
    expect(t.metadata.activationThreshold).toBe(Number.isInteger(expected) ? String(expected) : `${Math.round(expected * 1000)}m`);
  });

  test('refuses a server without vLLM prompt counters, naming the server and the fix', () => {
    const c = chartWith(ModelServer.TGI);
    const policy2 = tokenScalingPolicy(c.plan, { signal: ScalingSignal.TOKEN_WORK });
    expect(() => new TokenThroughputScaler(c.chart, 'Scaler', { target: c.model, policy: policy2, prometheus: inCluster() })).toThrow(
      /\[TokenWorkUnsupported\].*"tgi".*GENERATED_TOKENS/s,
    );
  });
});

describe('token work on a plain HPA (TokenThroughputHpa)', () => {
  test('refuses with the reason (HPA takes the max over metrics) and the adapter fix, rendering nothing', () => {
    const c = chartWith();
    const policy = tokenScalingPolicy(c.plan, { signal: ScalingSignal.TOKEN_WORK, minReplicas: 2, maxReplicas: 4 });
    for (const metricSource of [HpaMetricSource.PROMETHEUS_ADAPTER, HpaMetricSource.GKE_STACKDRIVER_ADAPTER]) {
      expect(() => new TokenThroughputHpa(c.chart, `Hpa-${metricSource}`, { target: c.model, policy, metricSource })).toThrow(
        /\[TokenWorkUnsupported\].*largest of its metrics.*prometheus-adapter rule.*recording rule/s,
      );
    }
    expect(Testing.synth(c.chart).filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
  });
});

describe('ScalingSignal on the policy', () => {
  test('rejects an unknown signal', () => {
    expect(() => tokenScalingPolicy(plan(), { signal: 'prompt-tokens' as ScalingSignal })).toThrow(/\[ScalingSignalInvalid\] signal/);
  });
});
