/**
 * Token-throughput scalers (KEDA ScaledObject and HPA v2), the placement check across
 * workloads and pools, ModelDeployment input checks, and the reference charts of
 * bin/reference/k8s.ts.
 */
import { Chart, JsonPatch, Testing } from 'cdk8s';
import { beforeAll, describe, expect, test } from 'vitest';
import { addKubernetesReference } from '../../bin/reference/k8s.js';
import { AcceleratorNodePool } from '../../constructs/k8s/node-pools.js';
import { extendedResourceQuantity } from '../../constructs/k8s/extended-resources.js';
import { ModelDeployment } from '../../constructs/k8s/model-deployment.js';
import { PlacementCheck, checkChartPlacement } from '../../constructs/k8s/placement-check.js';
import { PrometheusSource, TokenThroughputHpa, TokenThroughputScaler, tokenRateQuery } from '../../constructs/k8s/token-scaler.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { ModelServer } from '../../lib/servers.js';
import { tokenScalingPolicy } from '../../lib/scaling.js';
import { Manifest, expectValid, one } from './support.js';
import { TriggerAuthenticationKind } from '../../constructs/k8s/token-scaler.js';
import { KubernetesPlatform, ScrapeBackend } from '../../lib/platforms.js';
import { HpaMetricSource } from '../../constructs/k8s/token-scaler.js';
import { expectError } from '../lib/expect-error.js';

const gpuPlan = () => planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'g6e.xlarge' });
const inCluster = () => PrometheusSource.inCluster({ serverAddress: 'http://prometheus.monitoring.svc:9090' });

function setup(namespace = 'models') {
  const app = Testing.app();
  const chart = new Chart(app, 'c', { namespace });
  const plan = gpuPlan();
  const model = new ModelDeployment(chart, 'Model', { plan, huggingFaceTokenSecret: { name: 'hf' }, scrapeBackend: ScrapeBackend.PROMETHEUS_OPERATOR });
  return { app, chart, plan, model };
}

/** Charts rendered once for the whole file; validated together with the reference charts. */
let scaleToZero: { objects: Manifest[]; fallbackReplicas: number };
let podsHpa: { objects: Manifest[]; metricName: string; policy: ReturnType<typeof tokenScalingPolicy> };
beforeAll(() => {
  {
    const { chart, plan, model } = setup();
    const policy = tokenScalingPolicy(plan, { minReplicas: 0, maxReplicas: 3, scaleToZero: true, activationTokensPerSecond: 5 });
    new TokenThroughputScaler(chart, 'Scaler', {
      target: model,
      policy,
      prometheus: inCluster(),
      scaleFromZero: { query: 'sum(envoy_cluster_upstream_rq_pending_active{envoy_cluster_name="llama"})', requestsPerReplica: 4 },
    });
    scaleToZero = { objects: Testing.synth(chart), fallbackReplicas: policy.fallbackReplicas };
  }
  {
    const { chart, plan, model } = setup();
    const policy = tokenScalingPolicy(plan, { minReplicas: 2, maxReplicas: 6 });
    const hpa = new TokenThroughputHpa(chart, 'Hpa', { target: model, policy, metricSource: HpaMetricSource.PROMETHEUS_ADAPTER });
    podsHpa = { objects: Testing.synth(chart), metricName: hpa.metricName, policy };
  }
});

describe('TokenThroughputScaler', () => {
  test('scales to zero with minReplicaCount 0, a wake trigger and activation thresholds', () => {
    const so = one(scaleToZero.objects, 'ScaledObject');
    expect(so.spec.minReplicaCount).toBe(0);
    expect(so.spec.cooldownPeriod).toBe(300);
    const [tokens, wake] = so.spec.triggers;
    expect(tokens.metadata.activationThreshold).toBe('5');
    expect(wake).toMatchObject({ name: 'wake', metricType: 'AverageValue' });
    expect(wake.metadata).toMatchObject({ threshold: '4', activationThreshold: '0' });
    // KEDA prometheus scaler ignoreNullValues: the wake series is absent while nothing waits, and
    // the token series vanishes with the last pod, so both stay tolerant when scaling to zero.
    expect(wake.metadata.ignoreNullValues).toBe('true');
    expect(tokens.metadata.ignoreNullValues).toBe('true');
    expect(so.spec.fallback.replicas).toBe(scaleToZero.fallbackReplicas);
  });

  test('throws when the policy scales to zero without a wake signal', () => {
    const { chart, plan, model } = setup();
    const policy = tokenScalingPolicy(plan, { minReplicas: 0, maxReplicas: 3, scaleToZero: true });
    expect(() => new TokenThroughputScaler(chart, 'Scaler', { target: model, policy, prometheus: inCluster() })).toThrow(
      /\[ScaleToZeroUnsupported\] scaleFromZero/,
    );
  });

  test('throws ScalerTargetMissing at synth when the target is not in the chart', () => {
    const { app, plan, model } = setup();
    const other = new Chart(app, 'other', { namespace: 'models' });
    new TokenThroughputScaler(other, 'Scaler', { target: model, policy: tokenScalingPolicy(plan), prometheus: inCluster() });
    expect(() => Testing.synth(other)).toThrow(/\[ScalerTargetMissing\] target: the scaler targets Deployment models\/llama-3-1-8b/);
  });

  test('throws ScalerTargetMissing at synth when a hand-written target names no workload', () => {
    const { chart, plan, model } = setup();
    new TokenThroughputScaler(chart, 'Scaler', {
      target: { ...model, scaleTargetRef: { ...model.scaleTargetRef, name: 'llama-typo' }, namespace: 'models', servedModelName: 'x', server: model.server },
      policy: tokenScalingPolicy(plan),
      prometheus: inCluster(),
    });
    expect(() => Testing.synth(chart)).toThrow(/\[ScalerTargetMissing\]/);
  });

  test('builds the pool-wide sum of the rate, never an average', () => {
    const { model } = setup();
    expect(tokenRateQuery(model, 120)).toBe('sum(rate(vllm:generation_tokens_total{namespace="models",model_name="llama-3-1-8b"}[120s]))');
  });

  test('refuses a server whose token signal cannot drive scaling', () => {
    const { chart, plan, model } = setup();
    const jet = { ...model, server: { ...model.server, tokenMetric: { ...model.server.tokenMetric, tokenScalable: false } } };
    expect(
      () => new TokenThroughputScaler(chart, 'Scaler', { target: jet, policy: tokenScalingPolicy(plan), prometheus: inCluster() }),
    ).toThrow(/\[ModelServerUnsupported\]/);
  });

  // A 60 s window at 30 s scrapes holds two samples: one missed scrape empties rate().
  // @see https://www.robustperception.io/what-range-should-i-use-with-rate/
  test('throws when the rate window spans fewer than four scrapes', () => {
    const { chart, plan, model } = setup();
    expect(
      () =>
        new TokenThroughputScaler(chart, 'Scaler', {
          target: model,
          policy: tokenScalingPolicy(plan, { metricWindowSeconds: 60 }),
          prometheus: inCluster(),
          scrapeIntervalSeconds: 30,
        }),
    ).toThrow(/\[RateWindowTooShort\] policy\.metricWindowSeconds.*metricWindowSeconds: 120/);
  });

  test('accepts CDK tokens for the AMP region and workspace', () => {
    const source = PrometheusSource.amazonManagedPrometheus({ region: '${Token[AWS.Region.9]}', workspaceId: '${Token[TOKEN.42]}' });
    expect(source.serverAddress).toBe('https://aps-workspaces.${Token[AWS.Region.9]}.amazonaws.com/workspaces/${Token[TOKEN.42]}');
  });

  test('validates managed Prometheus sources', () => {
    expect(() => PrometheusSource.amazonManagedPrometheus({ region: 'useast1', workspaceId: 'ws-1234' })).toThrow(/\[AwsRegionInvalid\] region/);
    expect(() => PrometheusSource.amazonManagedPrometheus({ region: 'us-east-1', workspaceId: 'abc' })).toThrow(/\[PrometheusWorkspaceIdInvalid\] workspaceId/);
    expect(() => PrometheusSource.googleManagedPrometheus({ projectId: 'Bad_Project' })).toThrow(/\[GcpProjectIdInvalid\] projectId/);
    expect(() => PrometheusSource.inCluster({ serverAddress: 'prometheus:9090' })).toThrow(/\[PrometheusAddressInvalid\] serverAddress/);
  });

  test('throws when the queue-depth target is not positive', () => {
    const { chart, plan, model } = setup();
    expect(
      () =>
        new TokenThroughputScaler(chart, 'Scaler', { target: model, policy: tokenScalingPolicy(plan), prometheus: inCluster(), queueDepthPerReplica: 0 }),
    ).toThrow(/\[QueueDepthTargetInvalid\] queueDepthPerReplica/);
  });
});

describe('TokenThroughputHpa', () => {
  test('renders a Pods metric for prometheus-adapter with the per-replica target', () => {
    const { policy, metricName, objects } = podsHpa;
    expect(metricName).toBe('vllm:generation_tokens');
    const h = one(objects, 'HorizontalPodAutoscaler');
    expect(h.spec.metrics).toEqual([
      { type: 'Pods', pods: { metric: { name: 'vllm:generation_tokens' }, target: { type: 'AverageValue', averageValue: expect.any(String) } } },
    ]);
    expect(h.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-3-1-8b' });
    expect(h.spec.minReplicas).toBe(2);
    expect(h.spec.maxReplicas).toBe(6);
    expect(h.spec.behavior.scaleUp.policies).toEqual([
      { type: 'Percent', value: policy.scaleUp.maxPercentPerPeriod, periodSeconds: policy.scaleUp.periodSeconds },
      { type: 'Pods', value: policy.scaleUp.maxReplicasPerPeriod, periodSeconds: policy.scaleUp.periodSeconds },
    ]);
  });

  test('throws when the policy scales to zero', () => {
    const { chart, plan, model } = setup();
    const policy = tokenScalingPolicy(plan, { minReplicas: 0, maxReplicas: 3, scaleToZero: true });
    expect(() => new TokenThroughputHpa(chart, 'Hpa', { target: model, policy, metricSource: HpaMetricSource.PROMETHEUS_ADAPTER })).toThrow(
      /\[ScaleToZeroUnsupported\]/,
    );
  });

  test('throws when the served model name cannot be matched by an External-metric selector', () => {
    const chart = new Chart(Testing.app(), 'c');
    const plan = gpuPlan();
    const model = new ModelDeployment(chart, 'Model', { plan, huggingFaceTokenSecret: { name: 'hf' }, servedModelName: 'meta-llama/Llama-3.1-8B-Instruct' });
    expect(
      () => new TokenThroughputHpa(chart, 'Hpa', { target: model, policy: tokenScalingPolicy(plan), metricSource: HpaMetricSource.GKE_STACKDRIVER_ADAPTER }),
    ).toThrow(/\[LabelValueInvalid\] target\.servedModelName/);
  });
});

const inf2Plan = () => planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'inf2.8xlarge' });
const placementPrometheus = () => PrometheusSource.inCluster({ serverAddress: 'http://prometheus.monitoring.svc:9090' });

describe('PlacementCheck', () => {
  test('throws PoolNotFound when the workload selects labels no pool carries', () => {
    const chart = new Chart(Testing.app(), 'c');
    new ModelDeployment(chart, 'Model', { plan: inf2Plan(), platform: KubernetesPlatform.EKS_KARPENTER, huggingFaceTokenSecret: { name: 'hf' } });
    new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['inf2.8xlarge'], maxDevices: 4 });
    new PlacementCheck(chart, 'Placement');
    expect(() => Testing.synth(chart)).toThrow(/\[PoolNotFound\].*karpenter\.k8s\.aws\/instance-family/);
  });

  test('throws SelectorMismatch when the workload does not tolerate the pool taint', () => {
    const chart = new Chart(Testing.app(), 'c');
    const model = new ModelDeployment(chart, 'Model', { plan: inf2Plan(), platform: KubernetesPlatform.EKS_AUTO_MODE, huggingFaceTokenSecret: { name: 'hf' } });
    model.workload.addJsonPatch(JsonPatch.remove('/spec/template/spec/tolerations'));
    new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['inf2.8xlarge'], maxDevices: 4 });
    new PlacementCheck(chart, 'Placement');
    expect(() => Testing.synth(chart)).toThrow(/\[SelectorMismatch\].*aws\.amazon\.com\/neuron=true:NoSchedule/);
  });

  test('throws PoolLimitExceeded when maxReplicas x devices exceed the pool limit', () => {
    const chart = new Chart(Testing.app(), 'c');
    const plan = inf2Plan();
    const model = new ModelDeployment(chart, 'Model', { plan, platform: KubernetesPlatform.EKS_AUTO_MODE, huggingFaceTokenSecret: { name: 'hf' } });
    new TokenThroughputScaler(chart, 'Scaler', { target: model, policy: tokenScalingPolicy(plan, { maxReplicas: 6 }), prometheus: placementPrometheus(), scrapeIntervalSeconds: 15 });
    new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['inf2.8xlarge'], maxDevices: 4 });
    new PlacementCheck(chart, 'Placement');
    expect(() => Testing.synth(chart)).toThrow(/\[PoolLimitExceeded\].*at most 4 replicas/);
  });

  test('passes when the pool is sized from the same policy', () => {
    const chart = new Chart(Testing.app(), 'c');
    const plan = inf2Plan();
    const policy = tokenScalingPolicy(plan, { maxReplicas: 6 });
    const model = new ModelDeployment(chart, 'Model', { plan, platform: KubernetesPlatform.EKS_AUTO_MODE, huggingFaceTokenSecret: { name: 'hf' } });
    new TokenThroughputScaler(chart, 'Scaler', { target: model, policy, prometheus: placementPrometheus(), scrapeIntervalSeconds: 15 });
    const pool = new AcceleratorNodePool(chart, 'Pool', {
      mode: KubernetesPlatform.EKS_AUTO_MODE,
      instanceTypes: ['inf2.8xlarge'],
    });
    pool.addWorkload(model);
    new PlacementCheck(chart, 'Placement');
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('checks against pools owned outside the chart', () => {
    const chart = new Chart(Testing.app(), 'c');
    new ModelDeployment(chart, 'Model', { plan: inf2Plan(), platform: KubernetesPlatform.EKS_MANAGED_NODE_GROUPS, huggingFaceTokenSecret: { name: 'hf' } });
    expect(() => checkChartPlacement(chart, [])).toThrow(/\[PoolNotFound\]/);
    expect(() =>
      checkChartPlacement(chart, [
        {
          name: 'inf2-group',
          labels: { 'inference-constructs.io/accelerator-class': 'inferentia2', 'inference-constructs.io/instance-family': 'inf2' },
          taints: [{ key: 'aws.amazon.com/neuron', value: 'true', effect: 'NoSchedule' }],
          limits: {},
        },
      ]),
    ).not.toThrow();
  });
});

describe('ModelDeployment', () => {
  test('throws when a gated model has no Hugging Face token secret', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new ModelDeployment(chart, 'Model', { plan: inf2Plan() })).toThrow(/\[HuggingFaceTokenMissing\] huggingFaceTokenSecret/);
  });

  test('throws when the platform belongs to another cloud', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new ModelDeployment(chart, 'Model', { plan: inf2Plan(), platform: KubernetesPlatform.GKE, huggingFaceTokenSecret: { name: 'hf' } })).toThrow(
      /\[PlatformCloudMismatch\] platform/,
    );
  });

  test('throws when the grace period does not outlast the preStop sleep', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(
      () =>
        new ModelDeployment(chart, 'Model', {
          plan: inf2Plan(),
          huggingFaceTokenSecret: { name: 'hf' },
          preStopSleepSeconds: 60,
          terminationGracePeriodSeconds: 60,
        }),
    ).toThrow(/\[GracePeriodTooShort\] terminationGracePeriodSeconds/);
  });

  test.each([
    ['ReplicasInvalid', 'replicas', { replicas: -1 }, -1],
    ['ReplicasInvalid', 'maxUnavailableReplicas', { maxUnavailableReplicas: 0 }, 0],
    ['StartupTimeoutInvalid', 'startupTimeoutSeconds', { startupTimeoutSeconds: 5 }, 5],
    ['PreStopSleepInvalid', 'preStopSleepSeconds', { preStopSleepSeconds: 1.5 }, 1.5],
    ['TerminationGracePeriodInvalid', 'terminationGracePeriodSeconds', { terminationGracePeriodSeconds: 0 }, 0],
  ] as const)('throws %s when %s is not a whole number in range', (code, prop, bad, received) => {
    const chart = new Chart(Testing.app(), 'c');
    expectError(() => new ModelDeployment(chart, 'Model', { plan: inf2Plan(), huggingFaceTokenSecret: { name: 'hf' }, ...bad }), code, prop, received);
  });

  test('throws when the catalogue has no node labels for the platform', () => {
    const chart = new Chart(Testing.app(), 'c');
    const plan = inf2Plan();
    const { eksAutoMode: _, ...others } = plan.instance.kubernetes.nodeSelector;
    const unlabelled = { ...plan, instance: { ...plan.instance, kubernetes: { ...plan.instance.kubernetes, nodeSelector: others } } };
    expect(() => new ModelDeployment(chart, 'Model', { plan: unlabelled, platform: KubernetesPlatform.EKS_AUTO_MODE, huggingFaceTokenSecret: { name: 'hf' } })).toThrow(
      /\[InstanceNotOnPlatform\] platform: the catalogue has no eks-auto-mode node labels for inf2\.8xlarge/,
    );
  });

  test('throws when the image is not pinned', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(
      () => new ModelDeployment(chart, 'Model', { plan: inf2Plan(), huggingFaceTokenSecret: { name: 'hf' }, image: 'vllm/vllm-openai:latest' }),
    ).toThrow(/\[ImageNotPinned\] image/);
    expect(
      () => new ModelDeployment(chart, 'Model2', { plan: inf2Plan(), huggingFaceTokenSecret: { name: 'hf' }, image: 'vllm/vllm-openai' }),
    ).toThrow(/\[ImageNotPinned\] image/);
  });

  test('throws when the served model name cannot be quoted into a metric query', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(
      () => new ModelDeployment(chart, 'Model', { plan: inf2Plan(), huggingFaceTokenSecret: { name: 'hf' }, servedModelName: 'llama"}' }),
    ).toThrow(/\[ServedModelNameInvalid\] servedModelName/);
  });

  test('throws when an extended resource is not a whole number of devices', () => {
    expect(() => extendedResourceQuantity('aws.amazon.com/neuroncore', 1.5)).toThrow(
      /\[DeviceCountInvalid\] resources\.limits\["aws\.amazon\.com\/neuroncore"\]/,
    );
  });

  test('throws when the name is not a valid Service name', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new ModelDeployment(chart, 'Model', { plan: inf2Plan(), huggingFaceTokenSecret: { name: 'hf' }, name: 'Llama_8B' })).toThrow(
      /\[WorkloadNameInvalid\] name/,
    );
  });

  test('throws when a replica needs more devices than the node has', () => {
    const chart = new Chart(Testing.app(), 'c');
    const plan = inf2Plan();
    expect(
      () => new ModelDeployment(chart, 'Model', { plan: { ...plan, devicesPerReplica: 2 }, huggingFaceTokenSecret: { name: 'hf' } }),
    ).toThrow(/\[ModelDoesNotFit\] plan\.devicesPerReplica/);
  });

  test('throws when the server does not run on the accelerator', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new ModelDeployment(chart, 'Model', { plan: inf2Plan(), server: ModelServer.VLLM, huggingFaceTokenSecret: { name: 'hf' } })).toThrow(
      /\[ModelServerUnsupported\]/,
    );
  });

  test('mounts a PersistentVolumeClaim as model cache when given', () => {
    const chart = new Chart(Testing.app(), 'c');
    new ModelDeployment(chart, 'Model', { plan: inf2Plan(), huggingFaceTokenSecret: { name: 'hf' }, modelCacheClaimName: 'llama-weights' });
    const pod = Testing.synth(chart).find((o) => o.kind === 'Deployment').spec.template.spec;
    expect(pod.volumes.find((v: { name: string }) => v.name === 'model-cache')).toEqual({
      name: 'model-cache',
      persistentVolumeClaim: { claimName: 'llama-weights' },
    });
  });
});

describe('addKubernetesReference', () => {
  let defaults: { eks: Manifest[][]; gke: Manifest[][] };
  let managed: { eks: Manifest[][]; gke: Manifest[][] };
  beforeAll(() => {
    const synth = (charts: { eks: import('cdk8s').Chart[]; gke: import('cdk8s').Chart[] }) => ({
      eks: charts.eks.map((c) => Testing.synth(c)),
      gke: charts.gke.map((c) => Testing.synth(c)),
    });
    defaults = synth(addKubernetesReference(Testing.app()));
    managed = synth(
      addKubernetesReference(Testing.app(), {
        eksPrometheus: PrometheusSource.amazonManagedPrometheus({
          region: 'us-east-1',
          workspaceId: 'ws-0123abcd-4567-89ef-0123-456789abcdef',
          triggerAuthentication: { kind: TriggerAuthenticationKind.CLUSTER_TRIGGER_AUTHENTICATION, name: 'aws-managed-prometheus' },
        }),
        gcpProjectId: 'inference-prod-123',
        eksNodeProvisioning: KubernetesPlatform.EKS_KARPENTER,
      }),
    );
  });

  test('returns four EKS charts and two GKE charts', () => {
    expect(defaults.eks).toHaveLength(4);
    expect(defaults.gke).toHaveLength(2);
  });

  test('every object of every chart passes strict validation', () => {
    expectValid([...defaults.eks.flat(), ...defaults.gke.flat(), ...managed.eks.flat(), ...managed.gke.flat()]);
  });

  test('the scale-to-zero ScaledObject and the Pods-metric HPA pass strict validation', () => {
    expectValid([...scaleToZero.objects, ...podsHpa.objects]);
  });

  test('serves Llama 3.1 8B on Inferentia2 and Llama 3.1 70B on L40S GPUs on EKS', () => {
    const [inf2, gpu] = defaults.eks;
    expect(one(inf2!, 'Deployment').spec.template.spec.containers[0].resources.limits['aws.amazon.com/neuron']).toBe(1);
    expect(one(gpu!, 'Deployment').spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(4);
    expect(one(inf2!, 'NodePool').spec.template.spec.nodeClassRef.group).toBe('eks.amazonaws.com');
  });

  test('scrapes EKS pods through annotations and queries the community chart Prometheus by default', () => {
    const [inf2] = defaults.eks;
    expect(one(inf2!, 'Deployment').spec.template.metadata.annotations['prometheus.io/scrape']).toBe('true');
    const trigger = one(inf2!, 'ScaledObject').spec.triggers[0];
    expect(trigger.metadata.serverAddress).toBe('http://prometheus-server.monitoring.svc.cluster.local');
    // The Prometheus community chart scrapes every 1m (values.yaml `global.scrape_interval: 1m`):
    // the rate window spans four of its scrapes.
    expect(trigger.metadata.query).toMatch(/\[240s\]\)\)$/);
  });

  test('queries AMP through an existing ClusterTriggerAuthentication when given one', () => {
    const trigger = one(managed.eks[0]!, 'ScaledObject').spec.triggers[0];
    expect(trigger.metadata.serverAddress).toBe('https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-0123abcd-4567-89ef-0123-456789abcdef');
    expect(trigger.metadata.awsRegion).toBe('us-east-1');
    expect(trigger.authenticationRef).toEqual({ name: 'aws-managed-prometheus', kind: 'ClusterTriggerAuthentication' });
    expect(managed.eks[0]!.some((o) => o.kind === 'TriggerAuthentication')).toBe(false);
  });

  test('renders Karpenter NodePools with EC2NodeClasses in karpenter mode', () => {
    for (const chart of managed.eks) {
      expect(one(chart, 'NodePool').spec.template.spec.nodeClassRef.kind).toBe('EC2NodeClass');
      expect(one(chart, 'EC2NodeClass').spec.metadataOptions.httpTokens).toBe('required');
    }
  });

  test('serves Gemma 2 9B on a TPU v5e 2x4 ComputeClass with PodMonitoring, HPA or KEDA on GMP', () => {
    const [gke] = defaults.gke;
    expect(one(gke!, 'ComputeClass').spec.priorities[0].tpu).toEqual({ type: 'tpu-v5-lite-podslice', count: 8, topology: '2x4' });
    expect(one(gke!, 'PodMonitoring').spec.endpoints[0].port).toBe('http');
    expect(one(gke!, 'HorizontalPodAutoscaler').spec.metrics[0].external.metric.name).toBe(
      'prometheus.googleapis.com|vllm:generation_tokens_total|counter',
    );
    expect(one(managed.gke[0]!, 'ScaledObject').spec.triggers[0].metadata.serverAddress).toBe(
      'https://monitoring.googleapis.com/v1/projects/inference-prod-123/location/global/prometheus',
    );
  });

  test('leaves the EKS node pools to the cluster construct when asked, and checks against its pools', () => {
    const app = Testing.app();
    const charts = addKubernetesReference(app, {
      eksNodePools: false,
      eksExternalPools: [
        {
          name: 'auto-inf2',
          labels: { 'eks.amazonaws.com/instance-family': 'inf2' },
          taints: [{ key: 'aws.amazon.com/neuron', value: 'true', effect: 'NoSchedule' }],
          limits: {},
        },
        {
          name: 'auto-l40s',
          labels: { 'eks.amazonaws.com/instance-family': 'g6e', 'eks.amazonaws.com/instance-gpu-name': 'l40s' },
          taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
          limits: {},
        },
        {
          name: 'auto-h200',
          labels: { 'eks.amazonaws.com/instance-family': 'p5en', 'eks.amazonaws.com/instance-gpu-name': 'h200' },
          taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
          limits: {},
        },
      ],
    });
    const objects = charts.eks.flatMap((c) => Testing.synth(c));
    expect(objects.some((o) => o.kind === 'NodePool' || o.kind === 'EC2NodeClass')).toBe(false);
    const unchecked = addKubernetesReference(Testing.app(), { eksNodePools: false });
    expect(() => Testing.synth(unchecked.eks[0]!)).not.toThrow();
    const noPools = addKubernetesReference(Testing.app(), { eksNodePools: false, eksExternalPools: [] });
    expect(() => Testing.synth(noPools.eks[0]!)).toThrow(/\[PoolNotFound\]/);
  });

  test('is deterministic', () => {
    const again = addKubernetesReference(Testing.app());
    expect(again.eks.map((c) => Testing.synth(c))).toEqual(defaults.eks);
    expect(again.gke.map((c) => Testing.synth(c))).toEqual(defaults.gke);
  });
});
