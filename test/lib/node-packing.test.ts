/**
 * The one rule every node pool sizes its limit with (lib/private/node-packing.ts): whole nodes per
 * pod shape, because
 * - a container's devices all come from the node its pod runs on (Kubernetes device plugins:
 *   https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/device-plugins/), so
 *   pods per node = floor(node devices / devices per pod), nodes = ceil(pods / pods per node);
 * - Karpenter launches no node past a NodePool's limits ("If the NodePool's limits have been
 *   exceeded, Karpenter will not launch new nodes", https://karpenter.sh/v1.0/concepts/nodepools/#speclimits),
 *   so the limit must count the idle devices of those nodes too.
 */
import { describe, expect, test } from 'vitest';
import { devicesForPods, nodesForPods, podGroupsOf, podsFitNodes } from '../../lib/private/node-packing.js';
import { workloadDemandsFromManifests } from '../../lib/placement.js';
import { instanceType } from '../../lib/accelerators.js';

const NEURON = 'aws.amazon.com/neuron';
const inf2_48 = { name: 'inf2.48xlarge', devices: instanceType('inf2.48xlarge').devicesPerNode };
const inf2_24 = { name: 'inf2.24xlarge', devices: instanceType('inf2.24xlarge').devicesPerNode };

describe('devicesForPods: whole nodes per pod shape', () => {
  test('the catalogue rows the cases use: inf2.48xlarge has 12 Neuron devices, inf2.24xlarge 6', () => {
    expect([inf2_48.devices, inf2_24.devices]).toEqual([12, 6]);
  });

  test('3 replicas of 8 devices on 12-device nodes need 3 nodes = 36 devices, not 3 x 8 = 24 rounded to 2 nodes (a pod\'s devices come from one node; Karpenter stops at the limit)', () => {
    expect(nodesForPods(3, 8, inf2_48)).toBe(3);
    expect(devicesForPods('Deployment/llm/llama', 3, [{ pods: 1, devicesPerPod: 8 }], [inf2_48], NEURON)).toBe(36);
  });

  test('2-device replicas pack six to a 12-device node: 7 replicas are 2 nodes = 24 devices', () => {
    expect(nodesForPods(7, 2, inf2_48)).toBe(2);
    expect(devicesForPods('Deployment/llm/small', 7, [{ pods: 1, devicesPerPod: 2 }], [inf2_48], NEURON)).toBe(24);
    expect(devicesForPods('Deployment/llm/small', 6, [{ pods: 1, devicesPerPod: 2 }], [inf2_48], NEURON)).toBe(12);
  });

  test('a mixed pool counts the type that packs worst: 3 pods of 4 devices fit one inf2.48xlarge (12) but take 3 inf2.24xlarge (18), so 18', () => {
    expect(devicesForPods('Deployment/llm/mid', 3, [{ pods: 1, devicesPerPod: 4 }], [inf2_24, inf2_48], NEURON)).toBe(18);
  });

  test('a mixed pool skips the types a pod does not fit: 8-device pods only fit inf2.48xlarge, so 3 of them are 36', () => {
    expect(nodesForPods(3, 8, inf2_24)).toBeUndefined();
    expect(devicesForPods('Deployment/llm/llama', 3, [{ pods: 1, devicesPerPod: 8 }], [inf2_24, inf2_48], NEURON)).toBe(36);
  });

  test('a planned pods-per-node bound (host memory) wins over the device count', () => {
    expect(nodesForPods(4, 1, { name: 'inf2.48xlarge', devices: 12, podsPerNode: 2 })).toBe(2);
  });

  test('a planned pods-per-node bound above what the devices hold is capped by the devices: 24 one-device pods on 12 devices are 2 nodes', () => {
    expect(nodesForPods(24, 1, { name: 'inf2.48xlarge', devices: 12, podsPerNode: 24 })).toBe(2);
  });

  test('podsFitNodes: a pod fits when some instance type of the pool holds all its devices', () => {
    expect(podsFitNodes([{ pods: 1, devicesPerPod: 8 }], [inf2_24, inf2_48])).toBe(true);
    expect(podsFitNodes([{ pods: 1, devicesPerPod: 8 }], [inf2_24])).toBe(false);
  });

  test('no replicas need no devices', () => {
    expect(devicesForPods('Deployment/llm/idle', 0, [{ pods: 1, devicesPerPod: 8 }], [inf2_48], NEURON)).toBe(0);
  });

  test('fails PodDevicesAboveNode when a pod needs more devices than any node of the pool has (it would stay Pending)', () => {
    expect(() => devicesForPods('Deployment/llm/huge', 1, [{ pods: 1, devicesPerPod: 16 }], [inf2_24, inf2_48], NEURON)).toThrow(
      /\[PodDevicesAboveNode\] Deployment\/llm\/huge resources\.limits\["aws\.amazon\.com\/neuron"\]: a pod requests 16 aws\.amazon\.com\/neuron .*received 16; allowed: at most 12 \(inf2\.24xlarge: 6, inf2\.48xlarge: 12\)/,
    );
  });
});

describe('podGroupsOf: the pods of one replica', () => {
  test('a Deployment has one pod; a LeaderWorkerSet of size 2 has a leader and a worker shaped alike, so one group of 2 pods', () => {
    const container = (n: number) => ({ name: 's', image: 'x', resources: { limits: { [NEURON]: n } } });
    const demands = workloadDemandsFromManifests(
      [
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'llm' }, spec: { template: { spec: { containers: [container(8)] } } } },
        {
          apiVersion: 'leaderworkerset.x-k8s.io/v1',
          kind: 'LeaderWorkerSet',
          metadata: { name: 'l', namespace: 'llm' },
          spec: { leaderWorkerTemplate: { size: 2, workerTemplate: { spec: { containers: [container(12)] } } } },
        },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'd' } },
      ],
    );
    const groups = new Map(demands.map((d) => [d.name, podGroupsOf(d, NEURON)]));
    expect(Object.fromEntries(groups)).toEqual({
      'Deployment/llm/d': [{ pods: 1, devicesPerPod: 8 }],
      'LeaderWorkerSet/llm/l': [{ pods: 2, devicesPerPod: 12 }],
    });
    // 3 groups of 2 whole-node pods: 6 nodes.
    expect(devicesForPods('LeaderWorkerSet/llm/l', 3, groups.get('LeaderWorkerSet/llm/l')!, [inf2_48], NEURON)).toBe(72);
  });
});
