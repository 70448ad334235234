/**
 * The EKS cluster pools size their limits in whole nodes per workload, with the function the cdk8s
 * node pools use (lib/private/node-packing.ts):
 * - a container's devices all come from the node its pod runs on (Kubernetes device plugins:
 *   https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/device-plugins/), so an
 *   8-device pod takes a whole 12-device inf2.48xlarge;
 * - Karpenter (EKS Auto Mode) launches no node past the NodePool's limits ("If the NodePool's limits
 *   have been exceeded, Karpenter will not launch new nodes", https://karpenter.sh/v1.0/concepts/nodepools/#speclimits),
 *   and a managed node group never grows past its maxSize, so a limit of 3 x 8 = 24 devices (2 nodes)
 *   would leave the third replica Pending.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, test } from 'vitest';
import { NodeCapacityMode } from '../../constructs/aws/eks-accelerator-pools.js';
import { EksInferenceCluster, type EksInferenceClusterProps } from '../../constructs/aws/eks-inference-cluster.js';
import { AcceleratorClass } from '../../lib/accelerators.js';
import { NEURON_TOLERATION, appliedManifests, testApp, workloadChart } from './eks-fixtures.js';

const NEURON = 'aws.amazon.com/neuron';
// Recreate runs no surge pods, so maxReplicas is the pod count.
const RECREATE = { type: 'Recreate' };

function newCluster(props: EksInferenceClusterProps = {}): { stack: Stack; cluster: EksInferenceCluster } {
  const stack = new Stack(testApp(), 'Stack');
  return { stack, cluster: new EksInferenceCluster(stack, 'Inference', props) };
}

type Extra = { minReplicas?: number; strategy?: Record<string, unknown> };

/** A Neuron workload chart selecting its pool by `nodeSelector`. */
const neuronWorkload = (nodeSelector: Record<string, string>) => (name: string, devices: number, maxReplicas: number, extra: Extra = { strategy: RECREATE }) =>
  workloadChart({ name, nodeSelector, tolerations: [NEURON_TOLERATION], limits: { [NEURON]: devices }, maxReplicas, ...extra });

// Auto Mode selects by instance family; managed node groups by the pool label.
const inf2 = neuronWorkload({ 'eks.amazonaws.com/instance-family': 'inf2' });
const mngInf2 = neuronWorkload({ 'inference-constructs.io/pool': 'inf2' });

function nodePoolLimits(stack: Stack): unknown[] {
  return appliedManifests(Template.fromStack(stack).toJSON() as never)
    .flatMap((m) => m.objects)
    .filter((o) => o.kind === 'NodePool')
    .map((o) => (o.spec as { limits: unknown }).limits);
}

describe('EKS Auto Mode pools: whole nodes per workload', () => {
  test('3 replicas of 8 Neuron devices on 12-device inf2.48xlarge: limit 36 (3 nodes, one pod each), not 24 (a pod\'s devices come from one node)', () => {
    const { stack, cluster } = newCluster();
    const pool = cluster.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.48xlarge'] });
    cluster.addInferenceWorkload('Llama', inf2('llama', 8, 3));
    expect(pool.maxDevices()).toBe(36);
    expect(cluster.node.validate()).toEqual([]);
    expect(nodePoolLimits(stack)).toEqual([{ [NEURON]: 36 }]);
  });

  test('the rollout surge is pods too: 3 replicas + the 25 % default surge (1) of 8 devices are 4 nodes = 48', () => {
    const { cluster } = newCluster();
    const pool = cluster.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.48xlarge'] });
    cluster.addInferenceWorkload('Llama', inf2('llama', 8, 3, {}));
    expect(pool.maxDevices()).toBe(48);
  });

  test('2-device replicas pack six to a 12-device node: 7 replicas are 2 nodes = 24, 6 replicas 1 node = 12', () => {
    const seven = newCluster().cluster;
    const a = seven.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.48xlarge'] });
    seven.addInferenceWorkload('Small', inf2('small', 2, 7));
    expect(a.maxDevices()).toBe(24);
    const six = newCluster().cluster;
    const b = six.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.48xlarge'] });
    six.addInferenceWorkload('Small', inf2('small', 2, 6));
    expect(b.maxDevices()).toBe(12);
  });

  test('workloads round separately: 8-device and 2-device pods do not share a node in the count (36 + 12 = 48)', () => {
    const { cluster } = newCluster();
    const pool = cluster.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.48xlarge'] });
    cluster.addInferenceWorkload('Llama', inf2('llama', 8, 3));
    cluster.addInferenceWorkload('Small', inf2('small', 2, 2));
    expect(pool.maxDevices()).toBe(48);
  });

  test('a mixed pool counts the instance type that packs worst: 3 pods of 4 devices take 3 inf2.24xlarge (6 devices) = 18, though one inf2.48xlarge holds them', () => {
    const { cluster } = newCluster();
    const pool = cluster.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.24xlarge', 'inf2.48xlarge'] });
    cluster.addInferenceWorkload('Mid', inf2('mid', 4, 3));
    expect(pool.maxDevices()).toBe(18);
  });

  test('a mixed pool counts only the types a pod fits: 8-device pods fit inf2.48xlarge only, so 3 of them are 36', () => {
    const { cluster } = newCluster();
    const pool = cluster.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.24xlarge', 'inf2.48xlarge'] });
    cluster.addInferenceWorkload('Llama', inf2('llama', 8, 3));
    expect(pool.maxDevices()).toBe(36);
  });

  test('fails PodDevicesAboveNode at synthesis when a pod requests more devices than any node of the pools it selects has', () => {
    const { cluster } = newCluster();
    const pool = cluster.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.24xlarge'] });
    cluster.addInferenceWorkload('Llama', inf2('llama', 8, 1));
    // The pod cannot land on the pool, so the pool does not count it (one node, its floor).
    expect(pool.maxDevices()).toBe(6);
    const errors = cluster.node.validate();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\[PodDevicesAboveNode\] Deployment\/llm\/llama resources\.limits\["aws\.amazon\.com\/neuron"\]: a pod requests 8 .*allowed: at most 6 \(inf2\.24xlarge: 6\)/);
  });

  test('a pod larger than the nodes of one pool its selector matches runs on another: the small pool does not count it, and nothing fails', () => {
    const { cluster } = newCluster();
    // Both pools carry the inf2 instance-family label the workload selects.
    const small = cluster.addAcceleratorPool('Small', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.24xlarge'], maxDevices: 6 });
    const large = cluster.addAcceleratorPool('Large', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.48xlarge'] });
    cluster.addInferenceWorkload('Llama', inf2('llama', 8, 2));
    expect(small.demandedDevices()).toBe(0);
    expect(large.maxDevices()).toBe(24);
    expect(cluster.node.validate()).toEqual([]);
  });
});

describe('EKS managed node groups: maxSize and minNodes in whole nodes per workload', () => {
  const mng = { capacityMode: NodeCapacityMode.MANAGED_NODE_GROUPS };

  test('3 replicas of 8 devices on inf2.48xlarge: maxSize 3, not 2 (a node group never grows past maxSize)', () => {
    const { cluster } = newCluster(mng);
    const pool = cluster.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.48xlarge'], minNodes: 3 });
    cluster.addInferenceWorkload('Llama', mngInf2('llama', 8, 3, { minReplicas: 3, strategy: RECREATE }));
    expect(pool.maxNodes()).toBe(3);
    expect(cluster.node.validate()).toEqual([]);
  });

  test('fails NodeGroupCannotGrow when minNodes 2 hold 24 devices but 3 minimum replicas of 8 need 3 nodes (a pod\'s devices come from one node)', () => {
    const { cluster } = newCluster(mng);
    cluster.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.48xlarge'], minNodes: 2 });
    cluster.addInferenceWorkload('Llama', mngInf2('llama', 8, 3, { minReplicas: 3, strategy: RECREATE }));
    const errors = cluster.node.validate();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/\[NodeGroupCannotGrow\] inf2\.minNodes: the workloads' minimum replicas need 3 node\(s\) \(36 aws\.amazon\.com\/neuron; .*allowed: an integer >= 3/);
  });
});

describe('EKS pools with an explicit maxDevices', () => {
  test('fails PoolLimitExceeded when maxDevices 24 holds 3 x 8 devices but not the 3 whole 12-device nodes those pods occupy (a pod\'s devices come from one node; Karpenter stops at the limit)', () => {
    const { cluster } = newCluster();
    cluster.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.48xlarge'], maxDevices: 24 });
    cluster.addInferenceWorkload('Llama', inf2('llama', 8, 3));
    const errors = cluster.node.validate();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/\[PoolLimitExceeded\] inf2\.limits\["aws\.amazon\.com\/neuron"\]: workloads Deployment\/llm\/llama at their maximum replicas occupy whole nodes with 36 .*received 24; allowed: at least 36/);
  });

  test('accepts maxDevices 36 for the same workload', () => {
    const { cluster } = newCluster();
    cluster.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.48xlarge'], maxDevices: 36 });
    cluster.addInferenceWorkload('Llama', inf2('llama', 8, 3));
    expect(cluster.node.validate()).toEqual([]);
  });

  test('a managed node group reports PodDevicesAboveNode from its validation too', () => {
    const { cluster } = newCluster({ capacityMode: NodeCapacityMode.MANAGED_NODE_GROUPS });
    cluster.addAcceleratorPool('Inf2', { accelerator: AcceleratorClass.INFERENTIA2, instanceTypes: ['inf2.24xlarge'], minNodes: 1 });
    cluster.addInferenceWorkload('Llama', mngInf2('llama', 8, 1));
    const errors = cluster.node.validate();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\[PodDevicesAboveNode\] Deployment\/llm\/llama/);
  });
});
