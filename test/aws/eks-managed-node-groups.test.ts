import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { EksInferenceCluster } from '../../constructs/aws/eks-inference-cluster.js';
import { NEURON_HELM_CHART, NVIDIA_DEVICE_PLUGIN_CHART, PROMETHEUS_CHART } from '../../constructs/aws/eks-versions.js';
import { synthWithNag, type NagViolation } from '../support/nag.js';
import { managedNodeGroupScenario, testApp } from './eks-fixtures.js';

// GIVEN the "managed node groups" scenario (test/aws/eks-fixtures.ts), synthesized once with
// cdk-nag. cfn-lint runs over it in eks-reference.test.ts.
let template: Template;
let json: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }> };
let violations: NagViolation[];
let cluster: EksInferenceCluster;

beforeAll(() => {
  const app = testApp();
  ({ cluster } = managedNodeGroupScenario(app));
  const result = synthWithNag(app);
  violations = result.violations;
  template = Template.fromJSON(result.assembly.getStackByName('ManagedNodeGroups').template);
  json = template.toJSON() as typeof json;
});

function logicalIdOf(path: string): string {
  const pattern = new RegExp(`^${path}[0-9A-F]{8}$`);
  const ids = Object.keys(json.Resources).filter((id) => pattern.test(id));
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

function nodegroupProps(path: string): Record<string, any> {
  return json.Resources[logicalIdOf(path)]!.Properties as Record<string, any>;
}

describe('EksInferenceCluster with managed node groups', () => {
  test('matches the snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('passes cdk-nag AwsSolutions with only aws-cdk-lib internals and node policies acknowledged', () => {
    expect(violations).toEqual([]);
  });

  test('opens the public endpoint only to the given CIDRs, keeping private access', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: { EndpointPublicAccess: true, EndpointPrivateAccess: true, PublicAccessCidrs: ['203.0.113.0/24'] },
    });
  });

  test('creates an Inferentia2 node group with the Neuron AMI, labels and taint workloads select and tolerate', () => {
    const ng = nodegroupProps('InferencePoolsInferentia2');
    expect(ng.AmiType).toBe('AL2023_x86_64_NEURON');
    expect(ng.InstanceTypes).toEqual(['inf2.24xlarge']);
    expect(ng.CapacityType).toBe('ON_DEMAND');
    expect(ng.Labels).toEqual({
      'inference-constructs.io/accelerator-class': 'inferentia2',
      'inference-constructs.io/instance-family': 'inf2',
      'inference-constructs.io/pool': 'inferentia2',
    });
    expect(ng.Taints).toEqual([{ Key: 'aws.amazon.com/neuron', Value: 'true', Effect: 'NO_SCHEDULE' }]);
    expect(ng.DiskSize).toBe(200);
  });

  // A pod's devices all come from one node (Kubernetes device plugins,
  // https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/device-plugins/), so one
  // 4-device pod per 6-device inf2.24xlarge: 5 pods are 5 nodes, not ceil(5 x 4 / 6) = 4.
  test('sizes the node group from its workload: (4 replicas + 1 rollout surge) pods of 4 devices on 6-device nodes are 5 nodes, one pod per node', () => {
    expect(nodegroupProps('InferencePoolsInferentia2').ScalingConfig).toEqual({ MinSize: 1, DesiredSize: 1, MaxSize: 5 });
  });

  test('accepts p5 with the NVIDIA AMI and sizes it from maxDevices', () => {
    const ng = nodegroupProps('InferencePoolsH100');
    expect(ng.AmiType).toBe('AL2023_x86_64_NVIDIA');
    expect(ng.InstanceTypes).toEqual(['p5.48xlarge']);
    expect(ng.Labels).toEqual({
      'inference-constructs.io/accelerator-class': 'nvidia-gpu',
      'inference-constructs.io/instance-family': 'p5',
      'inference-constructs.io/pool': 'h100',
      'nvidia.com/gpu.present': 'true',
    });
    expect(ng.Taints).toEqual([{ Key: 'nvidia.com/gpu', Effect: 'NO_SCHEDULE' }]);
    expect(ng.ScalingConfig).toEqual({ MinSize: 1, DesiredSize: 1, MaxSize: 2 });
  });

  test('adds a system node group for KEDA and the cluster add-ons', () => {
    expect(nodegroupProps('InferenceSystemNodes').AmiType).toBe('AL2023_x86_64_STANDARD');
    expect(nodegroupProps('InferenceSystemNodes').InstanceTypes).toEqual(['m6i.large']);
    expect(nodegroupProps('InferenceSystemNodes').ScalingConfig).toEqual({ MinSize: 2, DesiredSize: 2, MaxSize: 2 });
  });

  test('installs the pinned Neuron and NVIDIA device plugin charts, never a downloaded manifest', () => {
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', {
      Chart: 'neuron-helm-chart',
      Repository: 'oci://public.ecr.aws/neuron/neuron-helm-chart',
      Version: NEURON_HELM_CHART.version,
      Namespace: 'kube-system',
      Values: '{"npd":{"enabled":false}}',
    });
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', {
      Chart: 'nvidia-device-plugin',
      Repository: 'https://nvidia.github.io/k8s-device-plugin',
      Version: NVIDIA_DEVICE_PLUGIN_CHART.version,
      Namespace: 'kube-system',
    });
    // aws-cdk-lib's addNodegroupCapacity would also apply its bundled Neuron plugin manifest.
    const daemonSets = Object.values(json.Resources).filter(
      (r) => r.Type === 'Custom::AWSCDK-EKS-KubernetesResource' && String(r.Properties?.Manifest).includes('DaemonSet'),
    );
    expect(daemonSets).toEqual([]);
  });

  test('installs the in-cluster Prometheus from its pinned chart, and no workspace or collector', () => {
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', {
      Chart: 'prometheus',
      Repository: 'https://prometheus-community.github.io/helm-charts',
      Version: PROMETHEUS_CHART.version,
      Namespace: 'monitoring',
    });
    const values = JSON.parse(
      Object.values(json.Resources).find((r) => r.Properties?.Chart === 'prometheus')!.Properties!.Values as string,
    ) as Record<string, any>;
    expect(values.server).toEqual({ retention: '24h', persistentVolume: { enabled: false }, global: { scrape_interval: '30s' } });
    template.resourceCountIs('AWS::APS::Workspace', 0);
    template.resourceCountIs('AWS::APS::Scraper', 0);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    expect(cluster.prometheusQueryEndpoint).toBe('http://prometheus-server.monitoring.svc.cluster.local');
    expect(cluster.metrics.awsRegion).toBeUndefined();
  });

  test('starts KEDA and Prometheus after the system nodes exist', () => {
    for (const chart of ['InferenceMetricsKeda', 'InferenceMetricsPrometheus']) {
      expect(json.Resources[logicalIdOf(chart)]!.DependsOn).toEqual(expect.arrayContaining([logicalIdOf('InferenceSystemNodes')]));
    }
  });

  test('deploys workloads after the node groups, KEDA and Prometheus, and node groups after their device plugin', () => {
    expect(json.Resources[logicalIdOf('InferenceWorkloadsLlama70b')]!.DependsOn).toEqual(
      expect.arrayContaining([
        logicalIdOf('InferencePoolsInferentia2'),
        logicalIdOf('InferencePoolsH100'),
        logicalIdOf('InferenceMetricsKeda'),
        logicalIdOf('InferenceMetricsPrometheus'),
      ]),
    );
    expect(json.Resources[logicalIdOf('InferencePoolsInferentia2')]!.DependsOn).toEqual(
      expect.arrayContaining([logicalIdOf('InferenceNeuronDevicePlugin')]),
    );
    expect(json.Resources[logicalIdOf('InferencePoolsH100')]!.DependsOn).toEqual(
      expect.arrayContaining([logicalIdOf('InferenceNvidiaDevicePlugin')]),
    );
  });
});
