/**
 * Bad input and consistency errors of the EKS inference cluster. Nothing here synthesizes: input
 * errors throw while the construct is built, and the placement check is read with
 * `node.validate()` (the same validation `app.synth()` runs).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ApiObject, App as K8sApp, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { beforeAll, describe, expect, test } from 'vitest';
import { NodeCapacityMode } from '../../constructs/aws/eks-accelerator-pools.js';
import { EksInferenceCluster, type EksInferenceClusterProps } from '../../constructs/aws/eks-inference-cluster.js';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EksTokenMetrics, MetricsBackend } from '../../constructs/aws/eks-metrics.js';
import { GPU_TOLERATION, NEURON_TOLERATION, testApp, workloadChart } from './eks-fixtures.js';
import { AcceleratorClass } from '../../lib/accelerators.js';

function newCluster(props: EksInferenceClusterProps = {}): EksInferenceCluster {
  return new EksInferenceCluster(new Stack(testApp(), 'Stack'), 'Inference', props);
}

const mng = { capacityMode: NodeCapacityMode.MANAGED_NODE_GROUPS };

const inf2Workload = (maxReplicas: number, devices = 1, nodeSelector = { 'eks.amazonaws.com/instance-family': 'inf2' }) =>
  workloadChart({
    name: 'llama',
    nodeSelector,
    tolerations: [NEURON_TOLERATION],
    limits: { 'aws.amazon.com/neuron': devices },
    maxReplicas,
  });

// Input errors throw before a pool adds anything to the tree, so the throw tests share one cluster
// per capacity mode.
let auto: EksInferenceCluster;
let managed: EksInferenceCluster;
beforeAll(() => {
  auto = newCluster();
  managed = newCluster(mng);
});

describe('EksInferenceCluster accelerator pools', () => {
  test('throws AcceleratorMismatch when a GPU instance type is put in an Inferentia2 pool', () => {
    const cluster = auto;
    expect(() =>
      cluster.addAcceleratorPool('Inferentia2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge', 'g5.xlarge'] }),
    ).toThrow(/\[AcceleratorMismatch\] instanceTypes: g5\.xlarge carries nvidia-gpu/);
  });

  test('throws AcceleratorMismatch when a TPU machine type is put in an EKS pool', () => {
    expect(() => auto.addAcceleratorPool('Gpu', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['ct5lp-hightpu-4t'] })).toThrow(
      /\[AcceleratorMismatch\]/,
    );
  });

  test('throws InstanceTypeUnknown for an instance type outside the catalogue', () => {
    expect(() => auto.addAcceleratorPool('Gpu', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['g9.xlarge'] })).toThrow(
      /\[InstanceTypeUnknown\]/,
    );
  });

  test('throws PoolAcceleratorUnsupported for a TPU pool on EKS', () => {
    expect(() =>
      auto.addAcceleratorPool('Tpu', { accelerator: 'tpu' as never, instanceTypes: ['ct5lp-hightpu-4t'] }),
    ).toThrow(/\[PoolAcceleratorUnsupported\] accelerator: EKS pools serve Inferentia2 or NVIDIA GPUs only/);
  });

  test('throws AmiTypeMismatch when the AMI type does not carry the instances drivers', () => {
    const cluster = managed;
    expect(() =>
      cluster.addAcceleratorPool('Gpu', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['p5.48xlarge'], amiType: 'AL2023_x86_64_NEURON' }),
    ).toThrow(/\[AmiTypeMismatch\] amiType: the AMI type does not carry the drivers for p5\.48xlarge; received "AL2023_x86_64_NEURON"; allowed: AL2023_x86_64_NVIDIA/);
    expect(() =>
      cluster.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge'], amiType: 'AL2023_x86_64_STANDARD' }),
    ).toThrow(/\[AmiTypeMismatch\]/);
  });

  test('throws PoolMaxDevicesBelowNode when maxDevices cannot hold one node of the largest instance type', () => {
    expect(() =>
      auto.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge', 'inf2.24xlarge'], maxDevices: 4 }),
    ).toThrow(/\[PoolMaxDevicesBelowNode\] maxDevices: .*received 4; allowed: an integer >= 6/);
  });

  test('throws CapacityModePropUnsupported for managed-node-group props in Auto Mode', () => {
    for (const extra of [{ minNodes: 1 }, { amiType: 'AL2023_x86_64_NEURON' }, { diskSizeGiB: 100 }]) {
      expect(() =>
        auto.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge'], ...extra }),
      ).toThrow(/\[CapacityModePropUnsupported\] (minNodes|amiType|diskSizeGiB): .* applies to managed node groups only/);
    }
  });

  test('throws NodeGroupDeviceCountsMixed when a managed node group mixes device counts', () => {
    expect(() =>
      managed.addAcceleratorPool('Gpu', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['g5.xlarge', 'g5.12xlarge'] }),
    ).toThrow(/\[NodeGroupDeviceCountsMixed\] instanceTypes: a managed node group scales by node count/);
  });

  test('throws MinAboveMax when minNodes exceeds the nodes maxDevices allows', () => {
    expect(() =>
      managed.addAcceleratorPool('Gpu', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['g5.12xlarge'], maxDevices: 8, minNodes: 3 }),
    ).toThrow(/\[MinAboveMax\] minNodes/);
  });

  test('throws PoolNameInvalid for a pool name that is not a DNS label, PoolNameConflict for one used twice', () => {
    const cluster = auto;
    expect(() => cluster.addAcceleratorPool('Pool', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge'], poolName: 'Inf_2' })).toThrow(
      /\[PoolNameInvalid\] poolName: the pool name is not a DNS-1123 label/,
    );
    cluster.addAcceleratorPool('A', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge'], poolName: 'inf2' });
    expect(() => cluster.addAcceleratorPool('B', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.8xlarge'], poolName: 'inf2' })).toThrow(
      /\[PoolNameConflict\] poolName: two pools of the cluster have the same name/,
    );
  });

  // The pool's limit is read from every workload deployed on the cluster at synthesis, whichever
  // came first: (3 replicas + 1 surge, the Deployment default 25 % rounded up) x 1 device.
  test('sizes a pool from the workloads deployed before and after it alike', () => {
    const before = newCluster();
    before.addInferenceWorkload('Llama', inf2Workload(3));
    const early = before.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge'] });
    const after = newCluster();
    const late = after.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge'] });
    expect(late.maxDevices()).toBe(1);
    after.addInferenceWorkload('Llama', inf2Workload(3));
    expect(early.maxDevices()).toBe(4);
    expect(late.maxDevices()).toBe(4);
    expect(late.capacity().limits).toEqual({ 'aws.amazon.com/neuron': 4 });
  });

  test('gives each bad pool input its own code', () => {
    const inf2 = { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge'] };
    expect(() => auto.addAcceleratorPool('Empty', { ...inf2, instanceTypes: [] })).toThrow(/\[PoolInstanceTypesEmpty\] instanceTypes/);
    expect(() => auto.addAcceleratorPool('Twice', { ...inf2, instanceTypes: ['inf2.xlarge', 'inf2.xlarge'] })).toThrow(
      /\[PoolInstanceTypeDuplicate\] instanceTypes: an instance type is listed twice/,
    );
    expect(() => auto.addAcceleratorPool('Cap', { ...inf2, capacityType: 'reserved' as never })).toThrow(/\[PoolCapacityTypeInvalid\] capacityType/);
    expect(() => auto.addAcceleratorPool('Frac', { ...inf2, maxDevices: 1.5 })).toThrow(/\[PoolMaxDevicesInvalid\] maxDevices/);
    expect(() => managed.addAcceleratorPool('Min', { ...inf2, minNodes: -1 })).toThrow(/\[MinNodesInvalid\] minNodes/);
    expect(() => managed.addAcceleratorPool('Disk', { ...inf2, diskSizeGiB: 0 })).toThrow(/\[NodeDiskSizeInvalid\] diskSizeGiB/);
    expect(() => auto.addAcceleratorPool('Expire', { ...inf2, nodeExpireAfter: Duration.seconds(0) })).toThrow(
      /\[NodeDurationInvalid\] nodeExpireAfter: nodeExpireAfter is not a positive whole number of seconds/,
    );
  });
});

describe('EksInferenceCluster with managed node groups and managed Prometheus', () => {
  test('installs the Pod Identity agent add-on before the KEDA identity association', () => {
    const cluster = newCluster(mng);
    const template = Template.fromStack(Stack.of(cluster));
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent' });
    const association = Object.values(template.findResources('AWS::EKS::PodIdentityAssociation'))[0]!;
    expect(association.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^InferenceEksPodIdentityAgentAddon/)]));
  });
});

describe('EksInferenceCluster props', () => {
  test('throws EndpointOpenToInternet when the public endpoint would be open to the internet, EndpointCidrsEmpty for an empty list', () => {
    expect(() => newCluster({ publicEndpointCidrs: ['0.0.0.0/0'] })).toThrow(/\[EndpointOpenToInternet\] publicEndpointCidrs: the API endpoint would be open/);
    expect(() => newCluster({ publicEndpointCidrs: [] })).toThrow(/\[EndpointCidrsEmpty\] publicEndpointCidrs/);
    expect(() => newCluster({ publicEndpointCidrs: ['10.0.0.0'] })).toThrow(/not an IPv4 CIDR block/);
  });

  test('throws CapacityModePropUnsupported for system node props in Auto Mode, SystemNodeCountInvalid for an empty system node group', () => {
    expect(() => newCluster({ systemNodeCount: 3 })).toThrow(/\[CapacityModePropUnsupported\] systemNodeCount: .* managed node groups only/);
    expect(() => newCluster({ ...mng, systemNodeCount: 0 })).toThrow(/\[SystemNodeCountInvalid\] systemNodeCount: the system node group needs at least one node/);
  });

  test('throws ScrapeIntervalInvalid or MetricsRetentionInvalid for a scrape interval or retention out of range', () => {
    expect(() => MetricsBackend.managedPrometheus({ scrapeIntervalSeconds: 0 })).toThrow(/\[ScrapeIntervalInvalid\] scrapeIntervalSeconds/);
    expect(() => MetricsBackend.inClusterPrometheus({ retentionHours: 0.5 })).toThrow(/\[MetricsRetentionInvalid\] retentionHours/);
  });

  // The managed collector's scraper is given the cluster's private subnets (one network interface
  // per Availability Zone, AMP API Reference, CreateScraper); EksTokenMetrics asks for two or more.
  test('throws CollectorSubnetsTooFew when the AWS managed collector gets private subnets in one Availability Zone', () => {
    const stack = new Stack(testApp(), 'OneAz');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'imported', vpc, clusterSecurityGroupId: 'sg-0123456789abcdef0' });
    expect(() => new EksTokenMetrics(stack, 'Metrics', { cluster })).toThrow(/\[CollectorSubnetsTooFew\] vpc: .*received 1; allowed: a VPC with 2 or more private subnets/);
    expect(stack.node.tryFindChild('Metrics')?.node.children ?? []).toHaveLength(0);
  });

  test('throws WorkloadNotChart when the workload is not a cdk8s chart', () => {
    const cluster = auto;
    expect(() => cluster.addInferenceWorkload('Bad', new Construct(new Stack(testApp(), 'Other'), 'NotAChart'))).toThrow(
      /\[WorkloadNotChart\] chart: the workload is not a cdk8s chart/,
    );
  });

  test('throws ManifestKindMissing when the chart holds an object without kind', () => {
    const chart = new Chart(new K8sApp(), 'odd');
    new ApiObject(chart, 'x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    const notAnObject = { toJson: () => ['not an object'], node: chart.node } as unknown as Construct;
    expect(() => auto.addInferenceWorkload('Odd', notAnObject)).toThrow(/\[ManifestKindMissing\] chart: the chart holds an object that is not a Kubernetes object/);
  });
});

describe('EksInferenceCluster placement check', () => {
  test('passes when every workload fits a pool it selects and tolerates', () => {
    const cluster = newCluster();
    cluster.addAcceleratorPool('Inferentia2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge'], maxDevices: 4 });
    cluster.addInferenceWorkload('Llama', inf2Workload(4));
    expect(cluster.node.validate()).toEqual([]);
  });

  test('reports PoolLimitExceeded when max replicas x devices exceed the pool limit', () => {
    const cluster = newCluster();
    cluster.addAcceleratorPool('Inferentia2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge'], maxDevices: 4 });
    cluster.addInferenceWorkload('Llama', inf2Workload(5));
    const errors = cluster.node.validate();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/\[PoolLimitExceeded\]/);
    expect(errors[0]).toMatch(/needs 5 aws\.amazon\.com\/neuron, more than the 4 that pool inferentia2 allows/);
  });

  test('reports PoolNotFound when a workload selects a pool that does not exist, even if pools come later', () => {
    const cluster = newCluster();
    cluster.addInferenceWorkload('Llama', inf2Workload(2, 1, { 'eks.amazonaws.com/instance-family': 'trn1' } as never));
    cluster.addAcceleratorPool('Inferentia2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge'] });
    expect(cluster.node.validate()).toEqual([expect.stringMatching(/^\[PoolNotFound\] Deployment\/llm\/llama\.spec\.nodeSelector/)]);
  });

  test('reports PoolNotFound when an accelerator workload runs on a cluster without pools', () => {
    const cluster = newCluster();
    cluster.addInferenceWorkload('Llama', inf2Workload(1));
    expect(cluster.node.validate()).toEqual([expect.stringMatching(/\[PoolNotFound\].*no node pools are defined/)]);
  });

  test('reports SelectorMismatch when a workload does not tolerate its pool taints', () => {
    const cluster = newCluster();
    cluster.addAcceleratorPool('Inferentia2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge'] });
    cluster.addInferenceWorkload(
      'Llama',
      workloadChart({
        name: 'llama',
        nodeSelector: { 'eks.amazonaws.com/instance-family': 'inf2' },
        tolerations: [GPU_TOLERATION],
        limits: { 'aws.amazon.com/neuron': 1 },
        maxReplicas: 1,
      }),
    );
    expect(cluster.node.validate()).toEqual([expect.stringMatching(/\[SelectorMismatch\].*aws\.amazon\.com\/neuron=true:NoSchedule/)]);
  });

  test('reads managed-node-group selectors in managed-node-group mode, not Auto Mode ones', () => {
    const cluster = newCluster(mng);
    cluster.addAcceleratorPool('Inferentia2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge'] });
    cluster.addInferenceWorkload('Auto', inf2Workload(1));
    expect(cluster.node.validate()).toEqual([expect.stringMatching(/\[PoolNotFound\]/)]);
  });

  test('reports PoolNameConflict when a workload chart renders a NodePool the cluster already applies', () => {
    const cluster = newCluster();
    cluster.addAcceleratorPool('Inferentia2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge'] });
    const chart = inf2Workload(1);
    new ApiObject(chart, 'Pool', { apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: 'inferentia2' }, spec: {} });
    cluster.addInferenceWorkload('Llama', chart);
    expect(cluster.node.validate()).toEqual([expect.stringMatching(/^\[PoolNameConflict\] Llama\.NodePool\/inferentia2: the workload chart renders a NodePool/)]);
  });

  test('fails synthesis with the placement error', () => {
    const cluster = newCluster();
    cluster.addAcceleratorPool('Inferentia2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.xlarge'], maxDevices: 2 });
    cluster.addInferenceWorkload('Llama', inf2Workload(3));
    expect(() => (cluster.node.root as import('aws-cdk-lib').App).synth()).toThrow(/\[PoolLimitExceeded\]/);
  });
});
