import { describe, expect, test } from 'vitest';
import {
  checkPlacement,
  tolerates,
  workloadDemandsFromManifests,
  type PoolCapacity,
  type WorkloadDemand,
} from '../../lib/placement.js';
import { Placement } from '../../lib/api/placement.js';
import { expectError } from './expect-error.js';

const NEURON_TAINT = { key: 'aws.amazon.com/neuron', value: 'true', effect: 'NoSchedule' } as const;

const neuronPool: PoolCapacity = {
  name: 'inferentia2',
  labels: { 'karpenter.k8s.aws/instance-family': 'inf2' },
  taints: [NEURON_TAINT],
  limits: { 'aws.amazon.com/neuron': 8 },
};

function deployment(name: string, opts: { neuron?: number; selector?: Record<string, string>; tolerate?: boolean; replicas?: number }) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'models' },
    spec: {
      replicas: opts.replicas,
      template: {
        spec: {
          nodeSelector: opts.selector,
          tolerations: opts.tolerate ? [{ key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' }] : undefined,
          containers: [
            { name: 'server', resources: { limits: { cpu: '4', ...(opts.neuron ? { 'aws.amazon.com/neuron': opts.neuron } : {}) } } },
          ],
        },
      },
    },
  };
}

function scaledObject(target: string, max?: number, kind = 'Deployment') {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: `${target}-tokens`, namespace: 'models' },
    spec: { scaleTargetRef: { kind, name: target }, ...(max === undefined ? {} : { maxReplicaCount: max }) },
  };
}

describe('workloadDemandsFromManifests', () => {
  test('reads selectors, tolerations, extended resources and the ScaledObject ceiling', () => {
    const [d] = workloadDemandsFromManifests([
      deployment('llama', { neuron: 1, selector: neuronPool.labels as Record<string, string>, tolerate: true }),
      scaledObject('llama', 6),
    ]);
    expect(d).toEqual({
      name: 'Deployment/models/llama',
      nodeSelector: { 'karpenter.k8s.aws/instance-family': 'inf2' },
      tolerations: [{ key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' }],
      resourcesPerReplica: { 'aws.amazon.com/neuron': 1 },
      maxReplicas: 6,
      // No strategy: the Deployment default maxSurge 25 % of 6, rounded up.
      surgeReplicas: 2,
    });
  });

  test.each([
    ['a ScaledObject without maxReplicaCount uses KEDA default 100', [scaledObject('m')], 100],
    ['an HPA uses its maxReplicas', [{ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'models' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'm' }, maxReplicas: 7 } }], 7],
    ['an unscaled Deployment uses spec.replicas', [], 3],
    ['a scaler in another namespace is ignored', [{ ...scaledObject('m', 9), metadata: { name: 'x', namespace: 'other' } }], 3],
    ['a scaler for a LeaderWorkerSet of the same name is ignored', [scaledObject('m', 9, 'LeaderWorkerSet')], 3],
  ])('%s', (_name, scalers, expected) => {
    const [d] = workloadDemandsFromManifests([deployment('m', { neuron: 1, replicas: 3 }), ...scalers]);
    expect(d!.maxReplicas).toBe(expected);
  });

  test('sums a LeaderWorkerSet replica over the leader and size-1 workers', () => {
    const pod = (chips: number) => ({ spec: { containers: [{ name: 's', resources: { limits: { 'google.com/tpu': String(chips) } } }] } });
    const [d] = workloadDemandsFromManifests([
      {
        apiVersion: 'leaderworkerset.x-k8s.io/v1',
        kind: 'LeaderWorkerSet',
        metadata: { name: 'big', namespace: 'models' },
        spec: { replicas: 2, leaderWorkerTemplate: { size: 4, workerTemplate: pod(4) } },
      },
    ]);
    expect(d).toMatchObject({ name: 'LeaderWorkerSet/models/big', resourcesPerReplica: { 'google.com/tpu': 16 }, maxReplicas: 2 });
  });

  test('ignores kinds that are not workloads', () => {
    expect(workloadDemandsFromManifests([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }, 'junk', null])).toEqual([]);
  });
});

describe('tolerates', () => {
  test.each([
    [{ key: 'aws.amazon.com/neuron', operator: 'Exists' as const }, true],
    [{ key: 'aws.amazon.com/neuron', operator: 'Equal' as const, value: 'true', effect: 'NoSchedule' }, true],
    [{ key: 'aws.amazon.com/neuron', value: 'false' }, false],
    [{ key: 'aws.amazon.com/neuron', operator: 'Exists' as const, effect: 'NoExecute' }, false],
    [{ operator: 'Exists' as const }, true],
    [{ key: 'nvidia.com/gpu', operator: 'Exists' as const }, false],
  ])('toleration %j tolerates the Neuron taint: %s', (tol, expected) => {
    expect(tolerates(tol, NEURON_TAINT)).toBe(expected);
  });
});

describe('checkPlacement', () => {
  const fits: WorkloadDemand = {
    name: 'Deployment/models/llama',
    nodeSelector: { 'karpenter.k8s.aws/instance-family': 'inf2' },
    tolerations: [{ key: 'aws.amazon.com/neuron', operator: 'Exists' }],
    resourcesPerReplica: { 'aws.amazon.com/neuron': 1 },
    maxReplicas: 8,
  };

  test('accepts a workload that selects, tolerates and fits its pool', () => {
    expect(() => checkPlacement([fits], [neuronPool])).not.toThrow();
  });

  test('skips workloads that need no accelerator and select nothing', () => {
    expect(() => checkPlacement([{ ...fits, nodeSelector: {}, resourcesPerReplica: {} }], [])).not.toThrow();
  });

  test('throws PoolNotFound when no pool carries the selected labels', () => {
    const w = { ...fits, nodeSelector: { 'karpenter.k8s.aws/instance-family': 'g6e' } };
    expect(() => checkPlacement([w], [neuronPool])).toThrow(/\[PoolNotFound\] Deployment\/models\/llama\.spec\.nodeSelector: .*received \{"karpenter.k8s.aws\/instance-family":"g6e"\}.*inferentia2.*fix: select the labels/);
  });

  test('throws SelectorMismatch when the pool taint is not tolerated', () => {
    expect(() => checkPlacement([{ ...fits, tolerations: [] }], [neuronPool])).toThrow(/\[SelectorMismatch\].*aws\.amazon\.com\/neuron=true:NoSchedule.*fix: add a toleration/);
  });

  test('throws PoolLimitExceeded when one workload alone outgrows the pool', () => {
    expect(() => checkPlacement([{ ...fits, maxReplicas: 9 }], [neuronPool])).toThrow(/\[PoolLimitExceeded\].*needs 9 aws\.amazon\.com\/neuron.*allowed: at most 8 replicas/);
  });

  test('throws PoolLimitExceeded when workloads together outgrow the pool', () => {
    const other = { ...fits, name: 'Deployment/models/mistral', maxReplicas: 4 };
    expect(() => checkPlacement([{ ...fits, maxReplicas: 5 }, other], [neuronPool])).toThrow(/\[PoolLimitExceeded\] inferentia2\.limits\["aws\.amazon\.com\/neuron"\]: workloads Deployment\/models\/llama, Deployment\/models\/mistral together need 9/);
  });

  test('lets a workload that matches two pools use their combined limits', () => {
    const second = { ...neuronPool, name: 'inferentia2-spot' };
    expect(() => checkPlacement([{ ...fits, maxReplicas: 16 }], [neuronPool, second])).not.toThrow();
    expect(() => checkPlacement([{ ...fits, maxReplicas: 17 }], [neuronPool, second])).toThrow(/PoolLimitExceeded/);
  });

  test('treats a resource without a limit as unlimited', () => {
    expect(() => checkPlacement([{ ...fits, maxReplicas: 1000 }], [{ ...neuronPool, limits: {} }])).not.toThrow();
  });
});

describe('surge replicas of a rolling update', () => {
  const withStrategy = (strategy: unknown) => ({ ...deployment('llama', { neuron: 1 }), spec: { ...(deployment('llama', { neuron: 1 }) as any).spec, strategy } });
  test('reads an integer maxSurge, a percentage of maxReplicas rounded up, and none for Recreate', () => {
    const surge = (strategy: unknown) => workloadDemandsFromManifests([withStrategy(strategy), scaledObject('llama', 4)])[0]!.surgeReplicas;
    expect(surge({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } })).toBe(1);
    expect(surge({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%' } })).toBe(2);
    expect(surge({ type: 'Recreate' })).toBe(0);
  });
});

// Pools that name their instance types are checked in whole nodes, with the rule the node pools
// size their limits by (lib/private/node-packing.ts):
// - a container's devices all come from the node its pod runs on (Kubernetes device plugins,
//   https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/device-plugins/), so
//   8-device pods on 12-device inf2.48xlarge nodes run one per node;
// - Karpenter launches no node past a NodePool's limits ("If the NodePool's limits have been
//   exceeded, Karpenter will not launch new nodes", https://karpenter.sh/v1.0/concepts/nodepools/#speclimits),
//   so the idle devices of those nodes count against the limit.
describe('Placement.check in whole nodes (device-plugin rule, Karpenter v1 limits)', () => {
  const inf2_48xl = { instanceType: 'inf2.48xlarge', devices: { 'aws.amazon.com/neuron': 12 } };
  const pool = (limit: number, nodeTypes = [inf2_48xl]): PoolCapacity => ({ ...neuronPool, name: 'inf2', limits: { 'aws.amazon.com/neuron': limit }, nodeTypes });
  const workload = (devices: number, maxReplicas: number, name = 'Deployment/models/llama'): WorkloadDemand => ({
    name,
    nodeSelector: { 'karpenter.k8s.aws/instance-family': 'inf2' },
    tolerations: [{ key: 'aws.amazon.com/neuron', operator: 'Exists' }],
    resourcesPerReplica: { 'aws.amazon.com/neuron': devices },
    maxReplicas,
  });

  test('3 replicas of 8 devices on 12-device inf2.48xlarge need 3 whole nodes = 36: a limit of 24 fails PoolLimitExceeded (a pod\'s devices come from one node; Karpenter stops at the limit)', () => {
    const err = expectError(() => Placement.check([workload(8, 3)], [pool(24)]), 'PoolLimitExceeded', 'inf2.limits["aws.amazon.com/neuron"]', 24);
    expect(err.message).toMatch(/occupy whole nodes with 36 aws\.amazon\.com\/neuron \(3 node\(s\) of inf2\.48xlarge: 12; a pod's devices come from one node/);
    expect(err.message).toMatch(/more than the 24 that pool inf2 allows/);
    expect(err.message).toMatch(/allowed: at least 36; fix: raise maxDevices to 36, or drop maxDevices to size the pool from its workloads/);
    expect(() => Placement.check([workload(8, 3)], [pool(36)])).not.toThrow();
  });

  test('without nodeTypes the limit is compared with the devices requested, summed (the documented default)', () => {
    expect(() => Placement.check([workload(8, 3)], [{ ...pool(24), nodeTypes: undefined }])).not.toThrow();
  });

  test('2-device replicas pack 6 to a 12-device node: 12 replicas pass at the tight limit of 24 (2 nodes)', () => {
    expect(() => Placement.check([workload(2, 12)], [pool(24)])).not.toThrow();
    // 13 replicas take a third node (36 devices), though they request only 26.
    expect(() => Placement.check([workload(2, 13)], [pool(26)])).toThrow(/\[PoolLimitExceeded\].*whole nodes with 36/);
  });

  test('7 replicas of 2 devices request 14 but take 2 nodes = 24: a limit of 16 fails, 24 passes', () => {
    expect(() => Placement.check([workload(2, 7)], [pool(16)])).toThrow(/\[PoolLimitExceeded\].*whole nodes with 24 .*received 16; allowed: at least 24/);
    expect(() => Placement.check([workload(2, 7)], [pool(24)])).not.toThrow();
  });

  test('workloads on one pool count their whole nodes each: 3 x 8 (36) + 1 x 8 (12) = 48 > 36, though 32 devices are requested', () => {
    const both = [workload(8, 3), workload(8, 1, 'Deployment/models/mistral')];
    expect(() => Placement.check(both, [pool(36)])).toThrow(/\[PoolLimitExceeded\] inf2\.limits\["aws\.amazon\.com\/neuron"\]: workloads Deployment\/models\/llama, Deployment\/models\/mistral at their maximum replicas occupy whole nodes with 48 .*\(4 node\(s\)/);
    expect(() => Placement.check(both, [pool(48)])).not.toThrow();
  });

  test('a LeaderWorkerSet replica packs per pod: 2 pods of 8 devices take 2 nodes, so 2 replicas need 48, not 32', () => {
    const pod = { spec: { tolerations: [{ key: 'aws.amazon.com/neuron', operator: 'Exists' }], nodeSelector: { 'karpenter.k8s.aws/instance-family': 'inf2' }, containers: [{ name: 's', resources: { limits: { 'aws.amazon.com/neuron': 8 } } }] } };
    const demands = workloadDemandsFromManifests([
      { apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet', metadata: { name: 'big', namespace: 'models' }, spec: { replicas: 2, leaderWorkerTemplate: { size: 2, workerTemplate: pod } } },
    ]);
    expect(demands[0]!.podShapes).toEqual([
      { pods: 1, resourcesPerPod: { 'aws.amazon.com/neuron': 8 } },
      { pods: 1, resourcesPerPod: { 'aws.amazon.com/neuron': 8 } },
    ]);
    expect(() => Placement.check(demands, [pool(36)])).toThrow(/\[PoolLimitExceeded\].*whole nodes with 48/);
    expect(() => Placement.check(demands, [pool(48)])).not.toThrow();
  });

  test('a pod larger than every node of its only pool fails PodDevicesAboveNode; one that fits another matching pool runs there', () => {
    const inf2_24xl = { instanceType: 'inf2.24xlarge', devices: { 'aws.amazon.com/neuron': 6 } };
    expectError(() => Placement.check([workload(8, 1)], [pool(48, [inf2_24xl])]), 'PodDevicesAboveNode', 'Deployment/models/llama resources.limits["aws.amazon.com/neuron"]', 8);
    const small = { ...pool(48, [inf2_24xl]), name: 'inf2-small' };
    // The small pool is left out: the 48xlarge pool alone holds the 3 nodes (36 devices).
    expect(() => Placement.check([workload(8, 3)], [small, pool(36)])).not.toThrow();
    expect(() => Placement.check([workload(8, 3)], [small, pool(24)])).toThrow(/\[PoolLimitExceeded\] inf2\.limits/);
  });
});
