/**
 * Scenarios and small cdk8s charts for the EKS inference cluster tests: a model-server Deployment that requests
 * accelerators, selects a pool and tolerates its taints, plus the KEDA ScaledObject that scales it.
 */
import { App, Stack } from 'aws-cdk-lib';
import { ApiObject, App as K8sApp, Chart } from 'cdk8s';
import { NodeCapacityMode, PoolCapacityType } from '../../constructs/aws/eks-accelerator-pools.js';
import { EksInferenceCluster } from '../../constructs/aws/eks-inference-cluster.js';
import { MetricsBackend } from '../../constructs/aws/eks-metrics.js';
import { AcceleratorClass } from '../../lib/accelerators.js';

/** What the fixture workload looks like. */
export interface FixtureWorkload {
  readonly name: string;
  readonly namespace?: string;
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: Record<string, string>[];
  /** Extended resource limits per pod, e.g. `{ 'aws.amazon.com/neuron': 1 }`. */
  readonly limits: Record<string, number>;
  readonly maxReplicas: number;
  /** KEDA `serverAddress` (may be a CDK token string). */
  readonly serverAddress?: string;
  /** KEDA `awsRegion` (may be a CDK token string). */
  readonly awsRegion?: string;
  /** Secret the server reads `HF_TOKEN` from (`secretKeyRef`), as the model-server workloads do. */
  readonly tokenSecret?: { readonly name: string; readonly key: string };
  /** ScaledObject `minReplicaCount` (default 1). */
  readonly minReplicas?: number;
  /** Deployment `spec.strategy` (default: none, so the 25 % rolling-update surge). */
  readonly strategy?: Record<string, unknown>;
}

export const NEURON_TOLERATION = { key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' };
export const GPU_TOLERATION = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };

/** A cdk8s chart with one model-server Deployment and its ScaledObject. */
export function workloadChart(w: FixtureWorkload): Chart {
  const app = new K8sApp();
  const chart = new Chart(app, w.name, { namespace: w.namespace ?? 'llm' });
  new ApiObject(chart, 'Deployment', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: w.name },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': w.name } },
      ...(w.strategy ? { strategy: w.strategy } : {}),
      template: {
        metadata: {
          labels: { 'app.kubernetes.io/name': w.name },
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8000', 'prometheus.io/path': '/metrics' },
        },
        spec: {
          nodeSelector: w.nodeSelector,
          tolerations: w.tolerations,
          containers: [
            {
              name: 'server',
              image: 'vllm/vllm-openai:v0.9.2',
              ports: [{ containerPort: 8000 }],
              resources: { limits: w.limits, requests: w.limits },
              ...(w.tokenSecret ? { env: [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: w.tokenSecret } }] } : {}),
            },
          ],
        },
      },
    },
  });
  new ApiObject(chart, 'ScaledObject', {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: w.name },
    spec: {
      scaleTargetRef: { name: w.name },
      minReplicaCount: w.minReplicas ?? 1,
      maxReplicaCount: w.maxReplicas,
      triggers: [
        {
          type: 'prometheus',
          metadata: {
            serverAddress: w.serverAddress ?? 'http://prometheus-server.monitoring.svc.cluster.local',
            query: `sum(rate(vllm:generation_tokens_total{namespace="llm",app_kubernetes_io_name="${w.name}"}[2m]))`,
            threshold: '400',
            ...(w.awsRegion ? { awsRegion: w.awsRegion, identityOwner: 'operator' } : {}),
          },
          ...(w.awsRegion ? { authenticationRef: { name: 'aws-managed-prometheus', kind: 'ClusterTriggerAuthentication' } } : {}),
        },
      ],
    },
  });
  return chart;
}

/** Every Kubernetes object a synthesized template applies through the kubectl provider, parsed. */
export function appliedManifests(template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> }): {
  logicalId: string;
  objects: Record<string, unknown>[];
}[] {
  const out: { logicalId: string; objects: Record<string, unknown>[] }[] = [];
  for (const [logicalId, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'Custom::AWSCDK-EKS-KubernetesResource') continue;
    const manifest = r.Properties?.Manifest;
    if (typeof manifest === 'string') {
      out.push({ logicalId, objects: JSON.parse(manifest) as Record<string, unknown>[] });
    } else {
      // A manifest with unresolved CloudFormation values is an Fn::Join; join its literal parts
      // with placeholders to read it.
      const parts = (manifest as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      const text = parts.map((p) => (typeof p === 'string' ? p : '<cfn>')).join('');
      out.push({ logicalId, objects: JSON.parse(text) as Record<string, unknown>[] });
    }
  }
  return out;
}

/**
 * Test apps skip aws-cdk-lib's built-in template validation: cfn-lint checks every template of
 * these scenarios (test/aws/eks-reference.test.ts), and the built-in pass costs seconds per synth.
 */
export function testApp(): App {
  return new App({ builtinCloudFormationValidation: false });
}

/**
 * Scenario "Auto Mode": an Auto Mode cluster with an Inferentia2 pool sized from its workload, a
 * spot L4 pool with an explicit limit, the managed-Prometheus metrics path, and two workloads
 * (the GPU pool is added after the first workload).
 */
export function autoModeScenario(app: App): { stack: Stack; cluster: EksInferenceCluster } {
  const stack = new Stack(app, 'AutoMode');
  const cluster = new EksInferenceCluster(stack, 'Inference');
  cluster.addAcceleratorPool('Inferentia2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge', 'inf2.8xlarge'] });
  cluster.addInferenceWorkload(
    'Llama',
    workloadChart({
      name: 'llama',
      nodeSelector: { 'eks.amazonaws.com/instance-family': 'inf2' },
      tolerations: [NEURON_TOLERATION],
      limits: { 'aws.amazon.com/neuron': 1 },
      maxReplicas: 5,
      serverAddress: cluster.prometheusQueryEndpoint,
      awsRegion: cluster.metrics.awsRegion,
    }),
  );
  cluster.addAcceleratorPool('Gpu', {
    accelerator: AcceleratorClass.NVIDIA_GPU,
    instanceTypes: ['g6.xlarge', 'g6.2xlarge'],
    maxDevices: 8,
    capacityType: PoolCapacityType.SPOT,
  });
  cluster.addInferenceWorkload(
    'Mistral',
    workloadChart({
      name: 'mistral',
      nodeSelector: { 'eks.amazonaws.com/instance-gpu-name': 'l4' },
      tolerations: [GPU_TOLERATION],
      limits: { 'nvidia.com/gpu': 1 },
      maxReplicas: 8,
    }),
  );
  return { stack, cluster };
}

/**
 * Scenario "managed node groups": an Inferentia2 pool of 6-device nodes, an H100 pool (p5, a
 * family aws-cdk-lib's own GPU check does not list) with an explicit limit, the in-cluster
 * Prometheus, a public endpoint limited to one CIDR, and one workload per pool.
 */
export function managedNodeGroupScenario(app: App): { stack: Stack; cluster: EksInferenceCluster } {
  const stack = new Stack(app, 'ManagedNodeGroups');
  const cluster = new EksInferenceCluster(stack, 'Inference', {
    capacityMode: NodeCapacityMode.MANAGED_NODE_GROUPS,
    metricsBackend: MetricsBackend.inClusterPrometheus(),
    publicEndpointCidrs: ['203.0.113.0/24'],
  });
  cluster.addAcceleratorPool('Inferentia2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.24xlarge'], minNodes: 1 });
  cluster.addAcceleratorPool('H100', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['p5.48xlarge'], maxDevices: 16, poolName: 'h100' });
  cluster.addInferenceWorkload(
    'Llama70b',
    workloadChart({
      name: 'llama-70b',
      nodeSelector: { 'inference-constructs.io/instance-family': 'inf2' },
      tolerations: [NEURON_TOLERATION],
      limits: { 'aws.amazon.com/neuron': 4 },
      maxReplicas: 4,
      serverAddress: cluster.prometheusQueryEndpoint,
    }),
  );
  cluster.addInferenceWorkload(
    'Qwen',
    workloadChart({
      name: 'qwen',
      nodeSelector: { 'inference-constructs.io/accelerator-class': 'nvidia-gpu' },
      tolerations: [GPU_TOLERATION],
      limits: { 'nvidia.com/gpu': 8 },
      maxReplicas: 2,
      serverAddress: cluster.prometheusQueryEndpoint,
    }),
  );
  return { stack, cluster };
}
