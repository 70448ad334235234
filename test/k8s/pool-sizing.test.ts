/**
 * Node pools size themselves late, from the workloads placed on them: the NodePool limit (and the
 * EC2NodeClass root volume) is rendered at synthesis from the manifests of the workloads added
 * with `addWorkload`, or else found in the chart by node selector and tolerations (the semantics
 * of lib/placement.ts). The replica ceiling is the scaler's (KEDA ScaledObject
 * `maxReplicaCount`, HPA `maxReplicas`) and the surge the rendered rollout strategy's
 * (Deployment `maxSurge`), read by the same function the EKS cluster pools use
 * (`workloadDemandsFromManifests`).
 *
 * Karpenter launches no node past a NodePool's limits ("If the NodePool's limits have been
 * exceeded, Karpenter will not launch new nodes"): https://karpenter.sh/v1.0/concepts/nodepools/#speclimits
 * Deployment maxSurge: https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/#DeploymentSpec
 */
import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { GkeAcceleratorComputeClass } from '../../constructs/k8s/compute-class.js';
import { type IScalableModelWorkload, ModelDeployment } from '../../constructs/k8s/model-deployment.js';
import { AcceleratorNodePool } from '../../constructs/k8s/node-pools.js';
import { PlacementCheck } from '../../constructs/k8s/placement-check.js';
import { PrometheusSource } from '../../constructs/k8s/token-scaler.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { KubernetesPlatform, ScrapeBackend } from '../../lib/platforms.js';
import { expectValid, one } from './support.js';

const prometheus = () => PrometheusSource.inCluster({ serverAddress: 'http://prometheus-operated.monitoring.svc:9090' });
// One L40S per g6e.xlarge node and one replica per node: a replica's whole node is one GPU.
const llama = () => planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'g6e.xlarge' });
const mistral = () => planCapacity({ model: modelPreset('mistral-7b'), instanceType: 'g6e.xlarge' });
const GPU = 'nvidia.com/gpu';
const NEURON = 'aws.amazon.com/neuron';

function model(chart: Chart, id: string, plan = llama(), platform = KubernetesPlatform.EKS_AUTO_MODE): ModelDeployment {
  return new ModelDeployment(chart, id, { plan, platform, name: id.toLowerCase(), huggingFaceTokenSecret: { name: 'hf' }, scrapeBackend: ScrapeBackend.PROMETHEUS_OPERATOR });
}

function nodePoolLimit(chart: Chart): unknown {
  return one(Testing.synth(chart), 'NodePool').spec.limits[GPU];
}

describe('AcceleratorNodePool sized from the workloads added to it', () => {
  test('two ModelDeployments on one pool: the limit is the sum of their maxReplicas plus surge, read after scalers attached later', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'inference' });
    // The pool exists before the workloads and their scalers.
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, name: 'l40s', instanceTypes: ['g6e.xlarge'] });
    const a = model(chart, 'Llama');
    const b = model(chart, 'Mistral', mistral());
    pool.addWorkload(a);
    pool.addWorkload(b);
    a.scaleOnTokenThroughput({ minReplicas: 1, maxReplicas: 4, prometheus: prometheus() });
    b.scaleOnTokenThroughput({ minReplicas: 1, maxReplicas: 3, prometheus: prometheus() });
    new PlacementCheck(chart, 'Placement');
    // (4 + 1 surge) x 1 GPU + (3 + 1 surge) x 1 GPU: ModelDeployment rolls out with maxSurge 1.
    expect(nodePoolLimit(chart)).toBe(9);
    expect(pool.maxDevices()).toBe(9);
    expect(pool.toPoolCapacity().limits).toEqual({ [GPU]: 9 });
  });

  test('a scaler attached after addWorkload changes the pool: the limit follows the workload', () => {
    const chart = new Chart(Testing.app(), 'c');
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['g6e.xlarge'] });
    const m = model(chart, 'Llama');
    pool.addWorkload(m);
    // Without a scaler the workload keeps spec.replicas (1): one replica plus the surge one.
    expect(pool.maxDevices()).toBe(2);
    m.scaleOnTokenThroughput({ minReplicas: 1, maxReplicas: 6, prometheus: prometheus() });
    expect(pool.maxDevices()).toBe(7);
    expect(nodePoolLimit(chart)).toBe(7);
  });

  test('the surge is the rendered rollout strategy, as the EKS cluster pools read it', () => {
    const chart = new Chart(Testing.app(), 'c');
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['g6e.xlarge'] });
    const m = model(chart, 'Llama');
    m.scaleOnTokenThroughput({ minReplicas: 1, maxReplicas: 4, prometheus: prometheus() });
    pool.addWorkload(m);
    m.workload.addJsonPatch(JsonPatch.replace('/spec/strategy/rollingUpdate/maxSurge', 2));
    expect(nodePoolLimit(chart)).toBe(6);
  });

  test('an explicit maxDevices wins over the workloads', () => {
    const chart = new Chart(Testing.app(), 'c');
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['g6e.xlarge'], maxDevices: 3 });
    const m = model(chart, 'Llama');
    pool.addWorkload(m);
    m.scaleOnTokenThroughput({ minReplicas: 1, maxReplicas: 2, prometheus: prometheus() });
    expect(nodePoolLimit(chart)).toBe(3);
  });

  test('renders objects that pass strict validation', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'inference' });
    const pool = new AcceleratorNodePool(chart, 'Pool', {
      mode: KubernetesPlatform.EKS_KARPENTER,
      instanceTypes: ['g6e.xlarge'],
      clusterName: 'inference',
      nodeRoleName: 'KarpenterNodeRole-inference',
    });
    const m = model(chart, 'Llama', llama(), KubernetesPlatform.EKS_KARPENTER);
    pool.addWorkload(m);
    m.scaleOnTokenThroughput({ minReplicas: 1, maxReplicas: 4, prometheus: prometheus() });
    new PlacementCheck(chart, 'Placement');
    const objects = Testing.synth(chart);
    expectValid(objects);
    expect(one(objects, 'NodePool').spec.limits).toEqual({ [GPU]: 5 });
    // The root volume holds the pod's ephemeral storage (weights cache) and the images.
    const volume = Number(String(one(objects, 'EC2NodeClass').spec.blockDeviceMappings[0].ebs.volumeSize).replace(/Gi$/, ''));
    expect(volume).toBeGreaterThanOrEqual(m.ephemeralStorageGiB + 100);
    expect(volume % 50).toBe(0);
  });
});

describe('AcceleratorNodePool sized from the workloads of its chart', () => {
  test('without addWorkload it finds the workloads whose node selector and tolerations match, and only those', () => {
    const chart = new Chart(Testing.app(), 'c');
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['g6e.xlarge'] });
    model(chart, 'Llama').scaleOnTokenThroughput({ minReplicas: 1, maxReplicas: 4, prometheus: prometheus() });
    model(chart, 'Mistral', mistral()).scaleOnTokenThroughput({ minReplicas: 1, maxReplicas: 2, prometheus: prometheus() });
    // Another accelerator (Inferentia2) and another instance family (g6e.12xlarge selects the same
    // family, but 4 GPUs) are not this pool's: the first requests another resource, the second is
    // on a pool of its own.
    const inf2 = model(chart, 'Neuron', planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'inf2.8xlarge' }));
    new AcceleratorNodePool(chart, 'Inf2', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['inf2.8xlarge'] });
    new PlacementCheck(chart, 'Placement');
    expect(inf2.plan.instance.kubernetes.resourceName).toBe('aws.amazon.com/neuron');
    // (4 + 1) + (2 + 1) GPUs.
    expect(pool.maxDevices()).toBe(8);
    const objects = Testing.synth(chart);
    expect(one(objects, 'NodePool', 'g6e').spec.limits).toEqual({ [GPU]: 8 });
    expect(one(objects, 'NodePool', 'inf2').spec.limits).toEqual({ 'aws.amazon.com/neuron': 2 });
  });

  test('a workload rendered for another platform does not land on the pool', () => {
    const chart = new Chart(Testing.app(), 'c');
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['g6e.xlarge'] });
    model(chart, 'Llama', llama(), KubernetesPlatform.EKS_KARPENTER);
    expect(() => pool.maxDevices()).toThrow(/\[PoolSizeUnknown\]/);
  });
});

describe('AcceleratorNodePool sizing errors', () => {
  test('fails synthesis with PoolSizeUnknown when no workload lands on the pool and maxDevices is not given', () => {
    const chart = new Chart(Testing.app(), 'c');
    new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['g6e.xlarge'] });
    expect(() => Testing.synth(chart)).toThrow(/\[PoolSizeUnknown\] g6e\.maxDevices: no workload of the chart lands on the pool/);
  });

  test('fails synthesis with PoolWorkloadNotFound for a workload whose objects are not rendered in the chart', () => {
    const chart = new Chart(Testing.app(), 'c');
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['g6e.xlarge'] });
    const elsewhere = new Chart(Testing.app(), 'other');
    const m = model(elsewhere, 'Llama');
    const byValue: IScalableModelWorkload = {
      scaleTargetRef: { ...m.scaleTargetRef, name: 'not-rendered' },
      namespace: m.namespace,
      servedModelName: m.servedModelName,
      server: m.server,
      plan: m.plan,
    };
    pool.addWorkload(byValue);
    expect(() => Testing.synth(chart)).toThrow(/\[PoolWorkloadNotFound\] g6e\.addWorkload: no Deployment not-rendered in namespace default/);
  });

  test('fails synthesis with PoolWorkloadNotPlaced for a workload that selects another pool', () => {
    const chart = new Chart(Testing.app(), 'c');
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['g6e.xlarge'] });
    pool.addWorkload(model(chart, 'Llama', llama(), KubernetesPlatform.EKS_KARPENTER));
    expect(() => Testing.synth(chart)).toThrow(/\[PoolWorkloadNotPlaced\] g6e\.addWorkload: Deployment\/default\/llama does not select/);
  });

  test('throws AcceleratorMismatch when the workload requests another accelerator resource', () => {
    const chart = new Chart(Testing.app(), 'c');
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['inf2.8xlarge'] });
    expect(() => pool.addWorkload(model(chart, 'Llama'))).toThrow(/\[AcceleratorMismatch\] addWorkload: workload llama requests nvidia\.com\/gpu/);
  });
});

describe('GkeAcceleratorComputeClass sized from its workloads', () => {
  const tpuPlan = () => planCapacity({ model: modelPreset('gemma-2-9b'), tpuSlice: { accelerator: 'tpu-v5-lite-podslice', topology: '2x4' } });

  function gke(withWorkload: boolean, maxDevices?: number) {
    const chart = new Chart(Testing.app(), 'g');
    const plan = tpuPlan();
    const cc = new GkeAcceleratorComputeClass(chart, 'Class', { name: 'tpu-v5e-2x4', tpuSlice: plan.tpuSlice!, ...(maxDevices !== undefined ? { maxDevices } : {}) });
    if (withWorkload) {
      const m = new ModelDeployment(chart, 'Model', {
        plan,
        platform: KubernetesPlatform.GKE,
        huggingFaceTokenSecret: { name: 'hf' },
        scrapeBackend: ScrapeBackend.GOOGLE_MANAGED_PROMETHEUS,
        computeClassName: cc.name,
      });
      m.scaleOnTokenThroughput({ minReplicas: 1, maxReplicas: 3, prometheus: PrometheusSource.googleManagedPrometheus({ projectId: 'my-project' }) });
    }
    return { chart, cc, plan };
  }

  test('finds the workloads of its chart: 3 replicas plus the surge one, 8 chips each', () => {
    const { chart, cc, plan } = gke(true);
    expect(plan.instance.devicesPerNode).toBe(8);
    expect(cc.toPoolCapacity().limits).toEqual({ 'google.com/tpu': 32 });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('is unlimited without workloads or maxDevices, and an explicit maxDevices wins', () => {
    expect(gke(false).cc.toPoolCapacity().limits).toEqual({});
    expect(gke(true, 64).cc.toPoolCapacity().limits).toEqual({ 'google.com/tpu': 64 });
  });
});

// A container's devices all come from the node its pod runs on (Kubernetes device plugins,
// https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/device-plugins/), and
// Karpenter launches no node past the NodePool's limits (https://karpenter.sh/v1.0/concepts/nodepools/#speclimits):
// a workload rendered without a plan is counted in whole nodes per pod with the function the EKS
// cluster pools use (lib/private/node-packing.ts), not as devices summed then rounded.
describe('AcceleratorNodePool sized from a workload rendered without a plan', () => {
  function handWritten(chart: Chart, pool: AcceleratorNodePool, devices: number, replicas: number): void {
    new ApiObject(chart, `Server${devices}`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `server-${devices}` },
      spec: {
        replicas,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { app: `server-${devices}` } },
        template: {
          metadata: { labels: { app: `server-${devices}` } },
          spec: {
            nodeSelector: { ...pool.labels },
            tolerations: pool.taints.map((t) => ({ key: t.key, operator: 'Exists', effect: t.effect })),
            containers: [{ name: 'server', image: 'public.ecr.aws/docker/library/busybox:1.37.0', resources: { limits: { [NEURON]: devices } } }],
          },
        },
      },
    });
  }

  test('3 pods of 8 Neuron devices on 12-device inf2.48xlarge: limit 36 (3 nodes), not 24 (a pod\'s devices come from one node)', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'inference' });
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, name: 'inf2', instanceTypes: ['inf2.48xlarge'] });
    handWritten(chart, pool, 8, 3);
    expect(pool.maxDevices()).toBe(36);
    expect(one(Testing.synth(chart), 'NodePool').spec.limits[NEURON]).toBe(36);
  });

  test('a pod larger than every node of the pool does not count on it (it can only run on another pool): 8-device pods on inf2.24xlarge (6)', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'inference' });
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, name: 'inf2', instanceTypes: ['inf2.24xlarge'] });
    handWritten(chart, pool, 8, 3);
    handWritten(chart, pool, 2, 3);
    // Only the 2-device pods count: three to a 6-device node.
    expect(pool.maxDevices()).toBe(6);
  });

  test('a mixed pool counts the type that packs worst: 3 pods of 4 devices take 3 inf2.24xlarge = 18', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'inference' });
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, name: 'inf2', instanceTypes: ['inf2.24xlarge', 'inf2.48xlarge'] });
    handWritten(chart, pool, 4, 3);
    expect(pool.maxDevices()).toBe(18);
  });
});

// The chart's PlacementCheck counts the same whole nodes as the pool's own sizing: a pod's
// devices all come from one node (Kubernetes device plugins,
// https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/device-plugins/) and
// Karpenter launches no node past the NodePool's limits (https://karpenter.sh/v1.0/concepts/nodepools/#speclimits).
describe('PlacementCheck against an explicit maxDevices, in whole nodes', () => {
  function chartWith(maxDevices: number | undefined, devices: number, replicas: number) {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'inference' });
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, name: 'inf2', instanceTypes: ['inf2.48xlarge'], maxDevices });
    new ApiObject(chart, 'Server', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'server' },
      spec: {
        replicas,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { app: 'server' } },
        template: {
          metadata: { labels: { app: 'server' } },
          spec: {
            nodeSelector: { ...pool.labels },
            tolerations: pool.taints.map((t) => ({ key: t.key, operator: 'Exists', effect: t.effect })),
            containers: [{ name: 'server', image: 'public.ecr.aws/docker/library/busybox:1.37.0', resources: { limits: { [NEURON]: devices } } }],
          },
        },
      },
    });
    new PlacementCheck(chart, 'Placement');
    return { chart, pool };
  }

  test('maxDevices 24 for 3 replicas of 8 devices on 12-device inf2.48xlarge fails PoolLimitExceeded: 3 whole nodes = 36 (the third replica would stay Pending)', () => {
    const { chart, pool } = chartWith(24, 8, 3);
    expect(pool.toPoolCapacity().nodeTypes).toEqual([{ instanceType: 'inf2.48xlarge', devices: { [NEURON]: 12 } }]);
    expect(() => Testing.synth(chart)).toThrow(
      /\[PoolLimitExceeded\] inf2\.limits\["aws\.amazon\.com\/neuron"\]: workloads Deployment\/inference\/server at their maximum replicas occupy whole nodes with 36 .*\(3 node\(s\) of inf2\.48xlarge: 12;.*received 24; allowed: at least 36; fix: raise maxDevices to 36, or drop maxDevices to size the pool from its workloads/,
    );
  });

  test('maxDevices 36, or none (sized from the workload), passes for the same 3 x 8', () => {
    expect(() => Testing.synth(chartWith(36, 8, 3).chart)).not.toThrow();
    expect(() => Testing.synth(chartWith(undefined, 8, 3).chart)).not.toThrow();
  });

  test('2-device replicas pack 6 to a node: 12 replicas pass at maxDevices 24, 13 fail (a third node)', () => {
    expect(() => Testing.synth(chartWith(24, 2, 12).chart)).not.toThrow();
    expect(() => Testing.synth(chartWith(26, 2, 13).chart)).toThrow(/\[PoolLimitExceeded\].*whole nodes with 36/);
  });
});
