/**
 * EKS scenarios: (1) Llama 3.1 8B on Inferentia2 with EKS Auto Mode and KEDA on Amazon Managed
 * Service for Prometheus; (2) Llama 3.1 70B (FP8) on g6e.12xlarge (4x L40S) with a Karpenter
 * NodePool and EC2NodeClass and in-cluster Prometheus. Plus AcceleratorNodePool input checks.
 */
import { Chart, Testing } from 'cdk8s';
import { beforeAll, describe, expect, test } from 'vitest';
import { AcceleratorNodePool, DEFAULT_AL2023_AMI_ALIAS } from '../../constructs/k8s/node-pools.js';
import { ModelDeployment } from '../../constructs/k8s/model-deployment.js';
import { PlacementCheck } from '../../constructs/k8s/placement-check.js';
import { PrometheusSource, TokenThroughputScaler } from '../../constructs/k8s/token-scaler.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { tokenScalingPolicy } from '../../lib/scaling.js';
import { Manifest, expectValid, one } from './support.js';
import { Precision } from '../../lib/models.js';
import { CapacityType } from '../../constructs/k8s/node-pools.js';
import { KubernetesPlatform, ScrapeBackend } from '../../lib/platforms.js';

const WORKSPACE = 'ws-0123abcd-4567-89ef-0123-456789abcdef';

function inferentiaScenario(): Manifest[] {
  const chart = new Chart(Testing.app(), 'llama', { namespace: 'inference' });
  const plan = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'inf2.8xlarge' });
  // The AWS managed collector scrapes every 30 s: the rate window spans four scrapes.
  const policy = tokenScalingPolicy(plan, { minReplicas: 2, maxReplicas: 4, metricWindowSeconds: 120 });
  const model = new ModelDeployment(chart, 'Model', {
    plan,
    platform: KubernetesPlatform.EKS_AUTO_MODE,
    huggingFaceTokenSecret: { name: 'hf-token' },
  });
  new TokenThroughputScaler(chart, 'Scaler', {
    target: model,
    policy,
    prometheus: PrometheusSource.amazonManagedPrometheus({ region: 'us-east-1', workspaceId: WORKSPACE }),
    queueDepthPerReplica: 8,
    scrapeIntervalSeconds: 30,
  });
  const pool = new AcceleratorNodePool(chart, 'Pool', {
    mode: KubernetesPlatform.EKS_AUTO_MODE,
    name: 'inferentia2',
    instanceTypes: ['inf2.8xlarge'],
  });
  pool.addWorkload(model);
  new PlacementCheck(chart, 'Placement');
  return Testing.synth(chart);
}

describe('Llama 3.1 8B on Inferentia2 with EKS Auto Mode and KEDA on AMP', () => {
  let objects: Manifest[];
  let deployment: Manifest;
  let container: Manifest;
  let pod: Manifest;
  beforeAll(() => {
    objects = inferentiaScenario();
    deployment = one(objects, 'Deployment', 'llama-3-1-8b');
    pod = deployment.spec.template.spec;
    container = pod.containers[0];
  });

  test('every object passes strict validation', () => {
    expectValid(objects);
  });

  test('renders a Deployment, Service, PDB, TriggerAuthentication, ScaledObject and NodePool', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ['Deployment', 'NodePool', 'PodDisruptionBudget', 'ScaledObject', 'Service', 'TriggerAuthentication'].sort(),
    );
  });

  test('requests one Neuron device with requests equal to limits', () => {
    expect(container.resources.limits['aws.amazon.com/neuron']).toBe(1);
    expect(container.resources.requests['aws.amazon.com/neuron']).toBe(1);
  });

  test('selects Auto Mode inf2 nodes and tolerates the Neuron taint', () => {
    expect(pod.nodeSelector).toEqual({ 'eks.amazonaws.com/instance-family': 'inf2' });
    expect(pod.tolerations).toEqual([{ key: 'aws.amazon.com/neuron', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
  });

  test('passes the planned tensor parallelism and served model name to vLLM on Neuron', () => {
    const args: string[] = container.args;
    expect(args[args.indexOf('--tensor-parallel-size') + 1]).toBe('2');
    expect(args[args.indexOf('--served-model-name') + 1]).toBe('llama-3-1-8b');
    expect(args[args.indexOf('--device') + 1]).toBe('neuron');
    expect(container.image).toMatch(/^public\.ecr\.aws\/neuron\/pytorch-inference-vllm-neuronx:[\w.-]+$/);
  });

  test('reads the Hugging Face token from the Secret, never as a literal', () => {
    const hf = container.env.find((e: Manifest) => e.name === 'HF_TOKEN');
    expect(hf).toEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } });
  });

  test('runs with a restricted security context and writable emptyDirs only', () => {
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    const mounts = container.volumeMounts.map((m: Manifest) => m.mountPath).sort();
    expect(mounts).toEqual(['/dev/shm', '/home/server', '/models', '/tmp', '/var/tmp']);
    const shm = pod.volumes.find((v: Manifest) => v.name === 'dshm');
    expect(shm.emptyDir.medium).toBe('Memory');
    expect(shm.emptyDir.sizeLimit).toMatch(/^\d+Gi$/);
  });

  test('sizes the model cache for the weights', () => {
    const cache = pod.volumes.find((v: Manifest) => v.name === 'model-cache');
    // 8B bf16 weights ~15 GiB x 1.5 + 10 GiB
    expect(cache.emptyDir.sizeLimit).toBe('33Gi');
  });

  test('probes the health endpoint, with a startup budget for Neuron compilation', () => {
    expect(container.startupProbe.httpGet).toEqual({ path: '/health', port: 8000, scheme: 'HTTP' });
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThanOrEqual(1800);
    expect(container.readinessProbe.httpGet.path).toBe('/health');
    expect(container.livenessProbe.httpGet.path).toBe('/health');
  });

  // vLLM v0.11.0 cancels its HTTP server on SIGTERM (vllm/entrypoints/launcher.py
  // signal_handler: server_task.cancel()), so the preStop hook must outlast in-flight requests.
  test('drains for real: preStop waits for no running or waiting requests within the grace period', () => {
    const [py, flag, script, port, pause, budget, ...gauges] = container.lifecycle.preStop.exec.command;
    expect([py, flag]).toEqual(['python3', '-c']);
    expect(script).toContain("urllib.request.urlopen('http://127.0.0.1:%s/metrics' % port");
    expect([port, pause]).toEqual(['8000', '30']);
    expect(gauges).toEqual(['vllm:num_requests_running', 'vllm:num_requests_waiting']);
    // The drain ends SHUTDOWN_MARGIN_SECONDS (20) before the kubelet's SIGKILL.
    expect(Number(budget)).toBe(pod.terminationGracePeriodSeconds - 20);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30 + 120 + 20);
    expect(pod.terminationGracePeriodSeconds).toBeLessThanOrEqual(30 + 900 + 20);
    expect(deployment.spec.template.metadata.annotations?.['karpenter.sh/do-not-disrupt']).toBeUndefined();
    const pdb = one(objects, 'PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'llama-3-1-8b',
      'app.kubernetes.io/component': 'model-server',
    });
  });

  test('spreads replicas across zones without blocking scheduling', () => {
    expect(pod.topologySpreadConstraints).toEqual([
      expect.objectContaining({ topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 1 }),
    ]);
  });

  test('annotates pods for the Amazon Managed Prometheus scraper', () => {
    expect(deployment.spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8000',
      'prometheus.io/path': '/metrics',
    });
  });

  test('scales on the pool-wide generated-token rate with AverageValue and the per-replica target', () => {
    const so = one(objects, 'ScaledObject');
    const [tokens, queue] = so.spec.triggers;
    expect(tokens).toMatchObject({ type: 'prometheus', name: 'generated-tokens', metricType: 'AverageValue' });
    expect(tokens.metadata.query).toBe(
      'sum(rate(vllm:generation_tokens_total{namespace="inference",model_name="llama-3-1-8b"}[120s]))',
    );
    const plan = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'inf2.8xlarge' });
    const target = tokenScalingPolicy(plan, { maxReplicas: 4 }).targetTokensPerSecondPerReplica;
    expect(tokens.metadata.threshold).toBe(Number.isInteger(target) ? String(target) : `${Math.round(target * 1000)}m`);
    expect(tokens.metadata.activationThreshold).toBe('0');
    expect(tokens.metadata.serverAddress).toBe(`https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${WORKSPACE}`);
    expect(tokens.metadata.awsRegion).toBe('us-east-1');
    expect(queue.metadata.query).toBe('sum(vllm:num_requests_waiting{namespace="inference",model_name="llama-3-1-8b"})');
    expect(queue.metadata.threshold).toBe('8');
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-3-1-8b' });
    expect(so.spec.minReplicaCount).toBe(2);
    expect(so.spec.maxReplicaCount).toBe(4);
  });

  // KEDA pkg/fallback/fallback.go: `static` (the default) feeds the HPA fallback.replicas, so a
  // metrics outage at peak would scale in; currentReplicasIfHigher holds the current count.
  test('holds at least the current replicas when the metric source fails', () => {
    const so = one(objects, 'ScaledObject');
    expect(so.spec.fallback).toEqual({ failureThreshold: 3, replicas: 2, behavior: 'currentReplicasIfHigher' });
  });

  // KEDA prometheus scaler: ignoreNullValues defaults to true ("Set to false the scaler will
  // return error when Prometheus target is lost"), so an empty result would read as 0.
  test('treats an empty token or queue result as a metric failure, not as zero', () => {
    const [tokens, queue] = one(objects, 'ScaledObject').spec.triggers;
    expect(tokens.metadata.ignoreNullValues).toBe('false');
    expect(queue.metadata.ignoreNullValues).toBe('false');
  });

  // Kubernetes HPA guide: with an autoscaler, spec.replicas "be removed from their manifest(s)",
  // or every apply scales the fleet back to that value.
  test('leaves the replica count to the scaler', () => {
    expect(deployment.spec).not.toHaveProperty('replicas');
  });

  test('scales up on load that lasts three minutes and down slowly through the HPA behaviour', () => {
    const behavior = one(objects, 'ScaledObject').spec.advanced.horizontalPodAutoscalerConfig.behavior;
    expect(behavior.scaleUp).toMatchObject({ stabilizationWindowSeconds: 180, selectPolicy: 'Max' });
    expect(behavior.scaleDown).toMatchObject({ stabilizationWindowSeconds: 600, selectPolicy: 'Min' });
  });

  test("authenticates to AMP with the KEDA operator's AWS identity", () => {
    const auth = one(objects, 'TriggerAuthentication');
    expect(auth.spec).toEqual({ podIdentity: { provider: 'aws', identityOwner: 'keda' } });
    expect(one(objects, 'ScaledObject').spec.triggers[0].authenticationRef).toEqual({ name: auth.metadata.name });
  });

  // Karpenter launches no node past the pool's limits, so the limit counts whole nodes at
  // maxReplicas plus the Deployment's rollout surge (maxSurge 1): (4 + 1) x 1 chip.
  test('renders an Auto Mode NodePool on the built-in NodeClass, limited to (maxReplicas + surge) x devices', () => {
    const pool = one(objects, 'NodePool');
    expect(pool.metadata.namespace).toBeUndefined();
    expect(pool.spec.template.spec.nodeClassRef).toEqual({ group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' });
    expect(pool.spec.limits).toEqual({ 'aws.amazon.com/neuron': 5 });
    expect(pool.spec.template.spec.requirements).toContainEqual({
      key: 'eks.amazonaws.com/instance-family',
      operator: 'In',
      values: ['inf2'],
    });
    expect(pool.spec.template.spec.taints).toEqual([{ key: 'aws.amazon.com/neuron', value: 'true', effect: 'NoSchedule' }]);
    expect(pool.spec.disruption).toEqual({ consolidationPolicy: 'WhenEmpty', consolidateAfter: '10m', budgets: [{ nodes: '1' }] });
  });

  test('matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
  });
});

const plan = () => planCapacity({ model: modelPreset('llama-3-1-70b'), instanceType: 'g6e.12xlarge', precision: Precision.FP8 });

function gpuScenario(): Manifest[] {
  const chart = new Chart(Testing.app(), 'llama70b', { namespace: 'inference' });
  const p = plan();
  const policy = tokenScalingPolicy(p, { minReplicas: 1, maxReplicas: 3 });
  const model = new ModelDeployment(chart, 'Model', {
    plan: p,
    platform: KubernetesPlatform.EKS_KARPENTER,
    huggingFaceTokenSecret: { name: 'hf-token', key: 'hf_token' },
    scrapeBackend: ScrapeBackend.PROMETHEUS_OPERATOR,
  });
  new TokenThroughputScaler(chart, 'Scaler', {
    target: model,
    policy,
    prometheus: PrometheusSource.inCluster({ serverAddress: 'http://prometheus-operated.monitoring.svc:9090' }),
  });
  const pool = new AcceleratorNodePool(chart, 'Pool', {
    mode: KubernetesPlatform.EKS_KARPENTER,
    name: 'nvidia-l40s',
    instanceTypes: ['g6e.12xlarge'],
    capacityTypes: [CapacityType.SPOT, CapacityType.ON_DEMAND],
    clusterName: 'inference',
    nodeRoleName: 'KarpenterNodeRole-inference',
  });
  pool.addWorkload(model);
  new PlacementCheck(chart, 'Placement');
  return Testing.synth(chart);
}

describe('Llama 3.1 70B on g6e.12xlarge with a Karpenter NodePool and EC2NodeClass', () => {
  let objects: Manifest[];
  let pod: Manifest;
  let container: Manifest;
  beforeAll(() => {
    objects = gpuScenario();
    pod = one(objects, 'Deployment').spec.template.spec;
    container = pod.containers[0];
  });

  test('every object passes strict validation', () => {
    expectValid(objects);
  });

  test('requests all four GPUs of the node and tensor-parallelises over them', () => {
    expect(container.resources.limits['nvidia.com/gpu']).toBe(4);
    expect(container.resources.requests['nvidia.com/gpu']).toBe(4);
    const args: string[] = container.args;
    expect(args[args.indexOf('--tensor-parallel-size') + 1]).toBe('4');
    expect(container.image).toMatch(/^vllm\/vllm-openai:v\d+\.\d+\.\d+$/);
  });

  test('selects Karpenter L40S g6e nodes and tolerates the GPU taint', () => {
    expect(pod.nodeSelector).toEqual({
      'karpenter.k8s.aws/instance-family': 'g6e',
      'karpenter.k8s.aws/instance-gpu-name': 'l40s',
    });
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  test('reads the token from the given Secret key', () => {
    expect(container.env).toContainEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'hf_token' } } });
  });

  test('scrapes the server through a PodMonitor', () => {
    const pm = one(objects, 'PodMonitor');
    expect(pm.spec.podMetricsEndpoints).toEqual([{ port: 'http', path: '/metrics', interval: '15s' }]);
    expect(pm.spec.selector.matchLabels['app.kubernetes.io/name']).toBe('llama-3-1-70b');
  });

  test('queries in-cluster Prometheus without authentication', () => {
    const so = one(objects, 'ScaledObject');
    expect(so.spec.triggers).toHaveLength(1);
    expect(so.spec.triggers[0].authenticationRef).toBeUndefined();
    expect(so.spec.triggers[0].metadata.serverAddress).toBe('http://prometheus-operated.monitoring.svc:9090');
    expect(objects.some((o) => o.kind === 'TriggerAuthentication')).toBe(false);
  });

  // Whole g6e.12xlarge nodes at maxReplicas plus the rollout's surge replica: (3 + 1) x 4 GPUs.
  test('limits the NodePool to (maxReplicas + surge) x GPUs per replica, spot first', () => {
    const pool = one(objects, 'NodePool');
    expect(pool.spec.limits).toEqual({ 'nvidia.com/gpu': 16 });
    expect(pool.spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'nvidia-l40s' });
    expect(pool.spec.template.spec.requirements).toEqual([
      { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: ['g6e'] },
      { key: 'karpenter.k8s.aws/instance-gpu-name', operator: 'In', values: ['l40s'] },
      { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g6e.12xlarge'] },
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand', 'spot'] },
    ]);
    expect(pool.spec.template.spec.taints).toEqual([{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }]);
  });

  test('pins the AL2023 AMI, requires IMDSv2 with hop limit 1, and encrypts a gp3 root sized for the weights', () => {
    const nc = one(objects, 'EC2NodeClass');
    expect(nc.metadata.namespace).toBeUndefined();
    expect(nc.spec.amiSelectorTerms).toEqual([{ alias: DEFAULT_AL2023_AMI_ALIAS }]);
    expect(DEFAULT_AL2023_AMI_ALIAS).toMatch(/^al2023@v\d{8}$/);
    expect(nc.spec.metadataOptions).toEqual({ httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 });
    const ebs = nc.spec.blockDeviceMappings[0].ebs;
    expect(ebs).toMatchObject({ volumeType: 'gp3', encrypted: true, deleteOnTermination: true });
    const gib = Number.parseInt(ebs.volumeSize, 10);
    expect(gib).toBeGreaterThanOrEqual(plan().memory.weightsGiB * 1.5 + 100);
    expect(nc.spec.role).toBe('KarpenterNodeRole-inference');
    expect(nc.spec.subnetSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'inference' } }]);
  });

  test('matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
  });
});

describe('AcceleratorNodePool', () => {
  const model = () => {
    const chart = new Chart(Testing.app(), 'c');
    return new ModelDeployment(chart, 'Model', { plan: plan(), huggingFaceTokenSecret: { name: 'hf' } });
  };

  // EKS Auto Mode rejects "the sum of expireAfter and terminationGracePeriod ... may not exceed
  // 21 days" (aws-controllers-k8s/test-infra PR #1000; EKS user guide create-node-pool.adoc).
  test('keeps Auto Mode nodes inside the 21-day lifetime by default', () => {
    const chart = new Chart(Testing.app(), 'c');
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['inf2.8xlarge'], maxDevices: 4 });
    expect(pool.nodePool.toJson().spec.template.spec).toMatchObject({ expireAfter: '336h', terminationGracePeriod: '1h' });
  });

  test('throws NodeLifetimeTooLong when an Auto Mode pool would outlive 21 days', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(
      () => new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['inf2.8xlarge'], maxDevices: 4, expireAfter: '720h' }),
    ).toThrow(/\[NodeLifetimeTooLong\] expireAfter: .*720h \+ 1h = 721h.*fix: use expireAfter 336h with terminationGracePeriod 1h/);
    expect(
      () =>
        new AcceleratorNodePool(chart, 'Pool2', {
          mode: KubernetesPlatform.EKS_KARPENTER,
          instanceTypes: ['inf2.8xlarge'],
          maxDevices: 4,
          expireAfter: '720h',
          nodeRoleName: 'r',
          clusterName: 'c',
        }),
    ).not.toThrow();
  });

  // Pod ephemeral storage (emptyDir model cache) lives on the node's root volume: a smaller disk
  // leaves the pod Pending or gets it evicted (Kubernetes node-pressure eviction).
  // The root volume is sized at synthesis from the workloads placed on the pool, so an explicit
  // size too small for them fails synthesis.
  test('fails synthesis with NodeDiskTooSmall when the root volume cannot hold the pods ephemeral storage', () => {
    const props = { mode: KubernetesPlatform.EKS_KARPENTER, instanceTypes: ['g6e.12xlarge'], nodeRoleName: 'r', clusterName: 'c' };
    const small = new Chart(Testing.app(), 'small');
    const workload = new ModelDeployment(small, 'Model', { plan: plan(), platform: KubernetesPlatform.EKS_KARPENTER, huggingFaceTokenSecret: { name: 'hf' } });
    new AcceleratorNodePool(small, 'Small', { ...props, rootVolumeSizeGiB: 200 }).addWorkload(workload);
    expect(() => Testing.synth(small)).toThrow(
      new RegExp(`\\[NodeDiskTooSmall\\] rootVolumeSizeGiB: .*requests ${workload.ephemeralStorageGiB} GiB per pod.*received 200`),
    );
    const chart = new Chart(Testing.app(), 'sized');
    const sizedWorkload = new ModelDeployment(chart, 'Model', { plan: plan(), platform: KubernetesPlatform.EKS_KARPENTER, huggingFaceTokenSecret: { name: 'hf' } });
    const sized = new AcceleratorNodePool(chart, 'Sized', props);
    sized.addWorkload(sizedWorkload);
    const ec2NodeClass = one(Testing.synth(chart), 'EC2NodeClass');
    const size = Number(String(ec2NodeClass.spec.blockDeviceMappings[0].ebs.volumeSize).replace(/Gi$/, ''));
    expect(size).toBeGreaterThanOrEqual(sizedWorkload.ephemeralStorageGiB + 100);
  });

  test('fails synthesis with PoolSizeUnknown when an accelerator pool has no limit and no workload', () => {
    const chart = new Chart(Testing.app(), 'c');
    new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['g6e.12xlarge'] });
    expect(() => Testing.synth(chart)).toThrow(/\[PoolSizeUnknown\] g6e\.maxDevices/);
  });

  test('throws PoolMaxDevicesInvalid for a limit that is not a whole number of devices', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(
      () => new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['g6e.12xlarge'], maxDevices: 8.5 }),
    ).toThrow(/\[PoolMaxDevicesInvalid\] maxDevices/);
  });

  test('throws when instance types mix accelerators', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(
      () =>
        new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['g6e.12xlarge', 'inf2.8xlarge'], maxDevices: 8 }),
    ).toThrow(/\[AcceleratorMismatch\]/);
  });

  test('throws when karpenter mode has no node role', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(
      () => new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_KARPENTER, instanceTypes: ['g6e.12xlarge'], maxDevices: 8, clusterName: 'x' }),
    ).toThrow(/\[KarpenterPoolPropMissing\] nodeRoleName/);
  });

  test('throws when the AMI alias is not pinned', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(
      () =>
        new AcceleratorNodePool(chart, 'Pool', {
          mode: KubernetesPlatform.EKS_KARPENTER,
          instanceTypes: ['g6e.12xlarge'],
          maxDevices: 8,
          clusterName: 'x',
          nodeRoleName: 'r',
          amiAlias: 'al2023@latest',
        }),
    ).toThrow(/\[AmiAliasNotPinned\] amiAlias.*al2023@latest/);
  });

  test('throws when Auto Mode is given EC2NodeClass settings', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(
      () =>
        new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['g6e.12xlarge'], maxDevices: 8, nodeRoleName: 'r' }),
    ).toThrow(/\[CapacityModePropUnsupported\] mode/);
  });

  test('throws when the limit is below one node', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(
      () => new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['g6e.12xlarge'], maxDevices: 2 }),
    ).toThrow(/\[PoolMaxDevicesBelowNode\] maxDevices.*4 devices/);
  });

  test('gives each bad input its own code', () => {
    const chart = new Chart(Testing.app(), 'codes');
    const karpenter = { mode: KubernetesPlatform.EKS_KARPENTER, instanceTypes: ['g6e.12xlarge'], maxDevices: 8, clusterName: 'x', nodeRoleName: 'r' };
    const pool = (id: string, props: Partial<typeof karpenter> & Record<string, unknown>) => () => new AcceleratorNodePool(chart, id, { ...karpenter, ...props });
    expect(pool('A', { instanceTypes: [] })).toThrow(/\[PoolInstanceTypesEmpty\] instanceTypes/);
    expect(pool('B', { instanceTypes: ['ct5lp-hightpu-4t'] })).toThrow(/\[PoolInstanceTypeNotEc2\] instanceTypes/);
    expect(pool('C', { name: 'GPU_Pool' })).toThrow(/\[PoolNameInvalid\] name/);
    expect(pool('D', { capacityTypes: [] })).toThrow(/\[PoolCapacityTypeInvalid\] capacityTypes/);
    expect(pool('E', { expireAfter: '14 days' })).toThrow(/\[NodeDurationInvalid\] expireAfter/);
    expect(pool('F', { metadataHopLimit: 3 })).toThrow(/\[MetadataHopLimitInvalid\] metadataHopLimit/);
    expect(pool('G', { rootVolumeSizeGiB: 10 })).toThrow(/\[NodeDiskSizeInvalid\] rootVolumeSizeGiB/);
    expect(pool('H', { clusterName: undefined })).toThrow(/\[KarpenterPoolPropMissing\] clusterName/);
  });

  test('throws AcceleratorMismatch when a workload added to the pool uses another accelerator', () => {
    const m = model();
    const chart = new Chart(Testing.app(), 'c2');
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['inf2.8xlarge'] });
    expect(() => pool.addWorkload(m)).toThrow(/\[AcceleratorMismatch\] addWorkload/);
  });
});
