/**
 * GKE scenarios: (3) Gemma 2 9B on a TPU v5e 2x4 slice with a ComputeClass, KEDA on Google
 * Managed Prometheus and a PodMonitoring; (4) Llama 3.1 70B on a multi-host TPU v5e 4x4 slice
 * as a LeaderWorkerSet with an HPA on the GKE External metric. Plus the ComputeClass CRD schema
 * and TPU input checks.
 */
import { Chart, Testing } from 'cdk8s';
import { beforeAll, describe, expect, test } from 'vitest';
import { GkeAcceleratorComputeClass } from '../../constructs/k8s/compute-class.js';
import { ModelDeployment } from '../../constructs/k8s/model-deployment.js';
import { PlacementCheck } from '../../constructs/k8s/placement-check.js';
import { PrometheusSource, TokenThroughputHpa, TokenThroughputScaler } from '../../constructs/k8s/token-scaler.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { ModelServer } from '../../lib/servers.js';
import { tokenScalingPolicy } from '../../lib/scaling.js';
import { validateManifests } from '../support/k8s-validate.js';
import { Manifest, expectValid, one } from './support.js';
import { HpaMetricSource } from '../../constructs/k8s/token-scaler.js';

const tpuPlan = () =>
  planCapacity({ model: modelPreset('gemma-2-9b'), tpuSlice: { accelerator: 'tpu-v5-lite-podslice', topology: '2x4' } });

function singleHostScenario(): Manifest[] {
  const chart = new Chart(Testing.app(), 'gemma', { namespace: 'inference' });
  const plan = tpuPlan();
  const policy = tokenScalingPolicy(plan, { minReplicas: 1, maxReplicas: 4 });
  const cc = new GkeAcceleratorComputeClass(chart, 'ComputeClass', { name: 'tpu-v5e-2x4', tpuSlice: plan.tpuSlice! });
  const model = new ModelDeployment(chart, 'Model', {
    plan,
    huggingFaceTokenSecret: { name: 'hf-token' },
    computeClassName: cc.name,
  });
  new TokenThroughputScaler(chart, 'Scaler', {
    target: model,
    policy,
    prometheus: PrometheusSource.googleManagedPrometheus({ projectId: 'inference-prod-123' }),
  });
  new PlacementCheck(chart, 'Placement');
  return Testing.synth(chart);
}

describe('Gemma 2 9B on TPU v5e 2x4 with a ComputeClass, KEDA on GMP and PodMonitoring', () => {
  let objects: Manifest[];
  let pod: Manifest;
  let container: Manifest;
  beforeAll(() => {
    objects = singleHostScenario();
    pod = one(objects, 'Deployment').spec.template.spec;
    container = pod.containers[0];
  });

  test('every object passes strict validation, the ComputeClass against its CRD', () => {
    expectValid(objects);
  });

  test('requests all eight chips of the host', () => {
    expect(container.resources.limits['google.com/tpu']).toBe(8);
    expect(container.resources.requests['google.com/tpu']).toBe(8);
    const args: string[] = container.args;
    expect(args[args.indexOf('--tensor-parallel-size') + 1]).toBe('8');
    expect(container.image).toMatch(/^vllm\/vllm-tpu:v\d+\.\d+\.\d+$/);
  });

  test('selects the TPU accelerator, topology and ComputeClass and tolerates their taints', () => {
    expect(pod.nodeSelector).toEqual({
      'cloud.google.com/compute-class': 'tpu-v5e-2x4',
      'cloud.google.com/gke-tpu-accelerator': 'tpu-v5-lite-podslice',
      'cloud.google.com/gke-tpu-topology': '2x4',
    });
    expect(pod.tolerations).toEqual([
      { key: 'google.com/tpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
      { key: 'cloud.google.com/compute-class', operator: 'Equal', value: 'tpu-v5e-2x4', effect: 'NoSchedule' },
    ]);
  });

  test('renders a cluster-scoped ComputeClass: Spot first, on-demand fallback, auto-created pools', () => {
    const cc = one(objects, 'ComputeClass');
    expect(cc.apiVersion).toBe('cloud.google.com/v1');
    expect(cc.metadata).toEqual({ name: 'tpu-v5e-2x4' });
    expect(cc.spec.priorities).toEqual([
      { tpu: { type: 'tpu-v5-lite-podslice', count: 8, topology: '2x4' }, spot: true },
      { tpu: { type: 'tpu-v5-lite-podslice', count: 8, topology: '2x4' }, spot: false },
    ]);
    expect(cc.spec.nodePoolAutoCreation).toEqual({ enabled: true });
    expect(cc.spec.whenUnsatisfiable).toBe('DoNotScaleUp');
  });

  test('scrapes the server with a PodMonitoring', () => {
    const pm = one(objects, 'PodMonitoring');
    expect(pm.apiVersion).toBe('monitoring.googleapis.com/v1');
    expect(pm.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '15s' }]);
    expect(one(objects, 'Deployment').spec.template.metadata.annotations).toBeUndefined();
  });

  test('queries Google Managed Prometheus with the GCP pod identity of KEDA', () => {
    const trigger = one(objects, 'ScaledObject').spec.triggers[0];
    expect(trigger.metadata.serverAddress).toBe(
      'https://monitoring.googleapis.com/v1/projects/inference-prod-123/location/global/prometheus',
    );
    expect(trigger.metadata.awsRegion).toBeUndefined();
    expect(trigger.metadata.query).toBe(
      'sum(rate(vllm:generation_tokens_total{namespace="inference",model_name="gemma-2-9b"}[60s]))',
    );
    expect(one(objects, 'TriggerAuthentication').spec).toEqual({ podIdentity: { provider: 'gcp' } });
  });

  test('matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
  });
});

describe('ComputeClass CRD schema', () => {
  let valid: Manifest;
  beforeAll(() => {
    const chart = new Chart(Testing.app(), 'cc');
    new GkeAcceleratorComputeClass(chart, 'ComputeClass', { name: 'l4x2', gpuMachineType: 'g2-standard-24', spotFirst: false });
    valid = Testing.synth(chart)[0]!;
  });

  test('accepts a GPU ComputeClass with machine type and GPU type', () => {
    expect(valid.spec.priorities).toEqual([
      { machineType: 'g2-standard-24', gpu: { type: 'nvidia-l4', count: 2, driverVersion: 'default' }, spot: false },
    ]);
    expect(validateManifests([valid])).toEqual([]);
  });

  test('rejects a misspelt field, a wrong enum, an out-of-range value and a missing required field', () => {
    const bad = structuredClone(valid);
    bad.spec.priorities[0].tpuu = { type: 'tpu-v5-lite-podslice' };
    bad.spec.whenUnsatisfiable = 'Sometimes';
    bad.spec.autoscalingPolicy.consolidationDelayMinutes = 0;
    delete bad.spec.nodePoolAutoCreation.enabled;
    const issues = validateManifests([bad]);
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/spec/priorities/0'),
        expect.stringContaining('/spec/whenUnsatisfiable'),
        expect.stringContaining('/spec/autoscalingPolicy/consolidationDelayMinutes'),
        expect.stringContaining('/spec/nodePoolAutoCreation'),
      ]),
    );
  });
});

describe('GkeAcceleratorComputeClass', () => {
  test('throws when both a TPU slice and a GPU machine type are given', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(
      () =>
        new GkeAcceleratorComputeClass(chart, 'C', {
          name: 'x',
          tpuSlice: { accelerator: 'tpu-v5-lite-podslice', topology: '2x4' },
          gpuMachineType: 'g2-standard-24',
        }),
    ).toThrow(/\[ComputeClassShapeInvalid\] tpuSlice \| gpuMachineType/);
    expect(() => new GkeAcceleratorComputeClass(new Chart(Testing.app(), 'd'), 'C', { name: 'x' })).toThrow(/\[ComputeClassShapeInvalid\]/);
  });

  test('throws PoolNameInvalid for a name that is not a DNS-1123 label', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new GkeAcceleratorComputeClass(chart, 'C', { name: 'TPU_v5e', gpuMachineType: 'g2-standard-24' })).toThrow(/\[PoolNameInvalid\] name/);
  });

  test('throws when the TPU topology is not valid for the accelerator', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(
      () => new GkeAcceleratorComputeClass(chart, 'C', { name: 'x', tpuSlice: { accelerator: 'tpu-v5-lite-podslice', topology: '3x3' } }),
    ).toThrow(/\[TpuTopologyInvalid\]/);
  });

  test('throws when the GPU machine type is an EC2 instance', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new GkeAcceleratorComputeClass(chart, 'C', { name: 'x', gpuMachineType: 'g6e.12xlarge' })).toThrow(
      /\[AcceleratorMismatch\]/,
    );
  });

  test('throws when the consolidation delay is out of range', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(
      () => new GkeAcceleratorComputeClass(chart, 'C', { name: 'x', gpuMachineType: 'g2-standard-24', consolidationDelayMinutes: 2000 }),
    ).toThrow(/\[ConsolidationDelayInvalid\] consolidationDelayMinutes/);
  });
});

const slicePlan = () =>
  planCapacity({ model: modelPreset('llama-3-1-70b'), tpuSlice: { accelerator: 'tpu-v5-lite-podslice', topology: '4x4' } });

function multiHostScenario(): Manifest[] {
  const chart = new Chart(Testing.app(), 'llama-tpu', { namespace: 'inference' });
  const plan = slicePlan();
  const policy = tokenScalingPolicy(plan, { minReplicas: 1, maxReplicas: 2 });
  const cc = new GkeAcceleratorComputeClass(chart, 'ComputeClass', { name: 'tpu-v5e-4x4', tpuSlice: plan.tpuSlice!, maxDevices: 32 });
  const model = new ModelDeployment(chart, 'Model', {
    plan,
    huggingFaceTokenSecret: { name: 'hf-token' },
    computeClassName: cc.name,
  });
  new TokenThroughputHpa(chart, 'Scaler', { target: model, policy, metricSource: HpaMetricSource.GKE_STACKDRIVER_ADAPTER });
  new PlacementCheck(chart, 'Placement');
  return Testing.synth(chart);
}

describe('Llama 3.1 70B on a multi-host TPU v5e 4x4 slice with a LeaderWorkerSet', () => {
  let objects: Manifest[];
  let lws: Manifest;
  let leader: Manifest;
  let worker: Manifest;
  beforeAll(() => {
    objects = multiHostScenario();
    lws = one(objects, 'LeaderWorkerSet', 'llama-3-1-70b');
    leader = lws.spec.leaderWorkerTemplate.leaderTemplate.spec;
    worker = lws.spec.leaderWorkerTemplate.workerTemplate.spec;
  });

  test('every object passes strict validation, the LeaderWorkerSet against its CRD', () => {
    expectValid(objects);
  });

  test('renders a LeaderWorkerSet, not a Deployment', () => {
    expect(objects.some((o) => o.kind === 'Deployment')).toBe(false);
    expect(lws.apiVersion).toBe('leaderworkerset.x-k8s.io/v1');
  });

  test('sizes the group to the hosts of the topology and restarts it as a unit', () => {
    expect(lws.spec.leaderWorkerTemplate.size).toBe(4);
    expect(lws.spec.leaderWorkerTemplate.restartPolicy).toBe('RecreateGroupOnPodRestart');
    expect(lws.spec.startupPolicy).toBe('LeaderCreated');
    // A scaler owns the count: no spec.replicas, or every apply resets the fleet (Kubernetes HPA
    // guide, "Migrating Deployments and StatefulSets to horizontal autoscaling").
    expect(lws.spec).not.toHaveProperty('replicas');
  });

  test('requests every chip of each host on leader and workers', () => {
    for (const spec of [leader, worker]) {
      expect(spec.containers[0].resources.limits['google.com/tpu']).toBe(4);
      expect(spec.containers[0].resources.requests['google.com/tpu']).toBe(4);
      expect(spec.nodeSelector).toEqual({
        'cloud.google.com/compute-class': 'tpu-v5e-4x4',
        'cloud.google.com/gke-tpu-accelerator': 'tpu-v5-lite-podslice',
        'cloud.google.com/gke-tpu-topology': '4x4',
      });
      expect(spec.tolerations).toContainEqual({ key: 'google.com/tpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' });
      expect(spec.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
    }
  });

  test('starts a Ray head and the server on the leader, Ray workers that join it', () => {
    const lc = leader.containers[0];
    expect(lc.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(lc.command[2]).toMatch(/^ray start --head --port=6379 [\s\S]*&& exec python3 -m vllm\.entrypoints\.openai\.api_server "\$@" --distributed-executor-backend ray$/);
    // The head waits until the Ray cluster has every host of the group before the server starts.
    expect(lc.command[2]).toMatch(/&& python3 -c '[^']*ray\.nodes\(\)[^']*' "\$LWS_GROUP_SIZE" \d+ && exec /);
    expect(lc.args[lc.args.indexOf('--tensor-parallel-size') + 1]).toBe('16');
    expect(lc.startupProbe.httpGet.path).toBe('/health');
    const wc = worker.containers[0];
    expect(wc.command[2]).toContain('ray start --address="$LWS_LEADER_ADDRESS:6379" --block');
    // Workers wait for the head instead of failing (a failed worker restarts the whole group).
    expect(wc.command[2]).toMatch(/^until ray status --address="\$LWS_LEADER_ADDRESS:6379"/);
    expect(wc.args).toBeUndefined();
    expect(wc.startupProbe).toBeUndefined();
  });

  test('routes the Service and the scrape to leader pods only', () => {
    const selector = { 'app.kubernetes.io/name': 'llama-3-1-70b', 'app.kubernetes.io/component': 'model-server', 'leaderworkerset.sigs.k8s.io/worker-index': '0' };
    expect(one(objects, 'Service').spec.selector).toEqual(selector);
    expect(one(objects, 'PodMonitoring').spec.selector.matchLabels).toEqual(selector);
  });

  // maxUnavailable counts pods; with RecreateGroupOnPodRestart one evicted pod restarts its whole
  // group, so one pod is one replica (LeaderWorkerSet API, restartPolicy).
  test('lets one group (one pod of it breaks the group) be disrupted at once', () => {
    expect(one(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  test('scales the LeaderWorkerSet with an HPA on the GKE External metric, summed and averaged per replica', () => {
    const hpa = one(objects, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet', name: 'llama-3-1-70b' });
    expect(hpa.spec.metrics).toEqual([
      {
        type: 'External',
        external: {
          metric: {
            name: 'prometheus.googleapis.com|vllm:generation_tokens_total|counter',
            selector: { matchLabels: { 'resource.labels.namespace': 'inference', 'metric.labels.model_name': 'llama-3-1-70b' } },
          },
          target: { type: 'AverageValue', averageValue: expect.any(String) },
        },
      },
    ]);
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.spec.maxReplicas).toBe(2);
    expect(hpa.spec.behavior.scaleDown.selectPolicy).toBe('Min');
  });

  test('matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
  });
});

describe('ModelDeployment on TPU', () => {
  test('throws when a multi-host slice is served by a server without a multi-host launcher', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(
      () => new ModelDeployment(chart, 'M', { plan: slicePlan(), server: ModelServer.JETSTREAM, huggingFaceTokenSecret: { name: 'hf' } }),
    ).toThrow(/\[ModelServerUnsupported\] server/);
  });

  test('throws when the plan requests fewer chips than the TPU host has', () => {
    const chart = new Chart(Testing.app(), 'c');
    const plan = slicePlan();
    expect(
      () => new ModelDeployment(chart, 'M', { plan: { ...plan, devicesPerReplica: 2 }, huggingFaceTokenSecret: { name: 'hf' } }),
    ).toThrow(/\[TpuTopologyInvalid\] plan\.devicesPerReplica.*every chip of the host \(4/);
  });

  test('throws when the group size does not match the hosts of the topology', () => {
    const chart = new Chart(Testing.app(), 'c');
    const plan = slicePlan();
    expect(
      () => new ModelDeployment(chart, 'M', { plan: { ...plan, hostsPerReplica: 2 }, huggingFaceTokenSecret: { name: 'hf' } }),
    ).toThrow(/\[TpuTopologyInvalid\] plan\.hostsPerReplica/);
  });
});
