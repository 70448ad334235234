/**
 * Device plugins of Karpenter accelerator pools: the NVIDIA k8s-device-plugin DaemonSet and the
 * Neuron device plugin DaemonSet with its RBAC, field by field against the upstream manifests
 * (NVIDIA `deployments/static/nvidia-device-plugin.yml` at v0.18.0; aws-neuron-sdk
 * `src/k8/k8s-neuron-device-plugin.yml` and `-rbac.yml`, Neuron Helm chart values), one per chart
 * and resource, scheduled only onto their pools' nodes, strictly valid, and the placement check
 * that fails when a pool's plugin is missing (EKS user guide `ml-eks-k8s-device-plugin`: on the
 * AL2023 accelerated AMIs "you must install" the plugin).
 */
import { Chart, Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import {
  AcceleratorDevicePlugin,
  type DevicePluginPool,
  checkDevicePlugins,
  daemonSetServesPool,
  devicePluginTolerations,
} from '../../constructs/k8s/device-plugins.js';
import { AcceleratorNodePool } from '../../constructs/k8s/node-pools.js';
import { InferenceRules } from '../../constructs/k8s/rule-pack.js';
import { ModelDeployment } from '../../constructs/k8s/model-deployment.js';
import { PlacementCheck } from '../../constructs/k8s/placement-check.js';
import { DEVICE_PLUGINS, DevicePlugins, NEURON_DEVICE_PLUGIN, NVIDIA_DEVICE_PLUGIN, devicePluginFor } from '../../lib/device-plugins.js';
import { NEURON_RESOURCE, NVIDIA_GPU_RESOURCE, instanceType } from '../../lib/accelerators.js';
import { RuleSeverity } from '../../lib/rules/engine.js';
import { type WorkloadDemand } from '../../lib/placement.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { NVIDIA_DEVICE_PLUGIN_CHART } from '../../constructs/aws/eks-versions.js';
import { Manifest, all, expectValid, one } from './support.js';
import { KubernetesPlatform } from '../../lib/platforms.js';

function poolOf(name: string, instance: string): DevicePluginPool {
  const row = instanceType(instance);
  return { name, resourceName: row.kubernetes.resourceName, taints: [...row.kubernetes.taints] };
}

function chartWith(pools: DevicePluginPool[], namespace?: string): { chart: Chart; plugins: (AcceleratorDevicePlugin | undefined)[] } {
  const chart = new Chart(Testing.app(), 'plugins', namespace ? { namespace } : {});
  const plugins = pools.map((p) => AcceleratorDevicePlugin.forPool(chart, p));
  return { chart, plugins };
}

describe('the pinned table', () => {
  test('the NVIDIA plugin runs the release the CDK cluster installs on managed node groups (nvidia-device-plugin chart 0.18.0)', () => {
    expect(NVIDIA_DEVICE_PLUGIN.imageTag).toBe(`v${NVIDIA_DEVICE_PLUGIN_CHART.version}`);
    expect(DevicePlugins.image(NVIDIA_DEVICE_PLUGIN)).toBe('nvcr.io/nvidia/k8s-device-plugin:v0.18.0');
  });

  test('every image is pinned to an exact tag, and every plugin names its upstream source', () => {
    for (const spec of Object.values(DEVICE_PLUGINS)) {
      expect(spec.imageTag).toMatch(/^v?\d+(\.\d+){2,3}$/);
      expect(spec.source).toMatch(/^https:\/\/github\.com\//);
      expect(DEVICE_PLUGINS[spec.resourceName]).toBe(spec);
    }
  });

  test('there is a plugin for nvidia.com/gpu and aws.amazon.com/neuron, none for google.com/tpu (GKE runs its own)', () => {
    expect(devicePluginFor(NVIDIA_GPU_RESOURCE)).toBe(NVIDIA_DEVICE_PLUGIN);
    expect(DevicePlugins.forResource(NEURON_RESOURCE)).toBe(NEURON_DEVICE_PLUGIN);
    expect(devicePluginFor('google.com/tpu')).toBeUndefined();
    expect(devicePluginFor('constructor')).toBeUndefined();
    expect(DevicePlugins.ALL).toBe(DEVICE_PLUGINS);
  });
});

describe('NVIDIA k8s-device-plugin (upstream deployments/static/nvidia-device-plugin.yml, v0.18.0)', () => {
  const { chart } = chartWith([poolOf('nvidia-l40s', 'g6e.12xlarge')]);
  const objects: Manifest[] = Testing.synth(chart);

  test('renders one DaemonSet and no RBAC (the static manifest has none)', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['DaemonSet/nvidia-device-plugin-daemonset']);
  });

  test('the DaemonSet, field by field', () => {
    expect(one(objects, 'DaemonSet')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'nvidia-device-plugin-daemonset', namespace: 'kube-system' },
      spec: {
        selector: { matchLabels: { name: 'nvidia-device-plugin-ds' } },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels: { name: 'nvidia-device-plugin-ds' } },
          spec: {
            priorityClassName: 'system-node-critical',
            // upstream: `- key: nvidia.com/gpu, operator: Exists, effect: NoSchedule`; it covers the pool's taint
            tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'In', values: ['nvidia-l40s'] }] }],
                },
              },
            },
            containers: [
              {
                name: 'nvidia-device-plugin-ctr',
                image: 'nvcr.io/nvidia/k8s-device-plugin:v0.18.0',
                imagePullPolicy: 'IfNotPresent',
                // upstream: allowPrivilegeEscalation: false, capabilities.drop: ["ALL"]
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
                volumeMounts: [{ name: 'device-plugin', mountPath: '/var/lib/kubelet/device-plugins' }],
              },
            ],
            volumes: [{ name: 'device-plugin', hostPath: { path: '/var/lib/kubelet/device-plugins' } }],
          },
        },
      },
    });
  });

  test('sets no FAIL_ON_INIT_ERROR=false (removed from the static examples, NVIDIA/k8s-device-plugin PR #1201)', () => {
    expect(one(objects, 'DaemonSet').spec.template.spec.containers[0].env).toBeUndefined();
  });

  test('passes strict validation', () => {
    expectValid(objects);
  });
});

describe('Neuron device plugin (aws-neuron-sdk src/k8/k8s-neuron-device-plugin.yml and -rbac.yml)', () => {
  const { chart } = chartWith([poolOf('inf2', 'inf2.xlarge')], 'inference');
  const objects: Manifest[] = Testing.synth(chart);

  test('renders the ServiceAccount, ClusterRole, ClusterRoleBinding and DaemonSet', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/neuron-device-plugin',
      'ClusterRoleBinding/neuron-device-plugin',
      'DaemonSet/neuron-device-plugin-daemonset',
      'ServiceAccount/neuron-device-plugin',
    ]);
  });

  test('the RBAC objects, field by field (k8s-neuron-device-plugin-rbac.yml); cluster-scoped ones carry no namespace in a namespaced chart', () => {
    expect(one(objects, 'ServiceAccount')).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'neuron-device-plugin', namespace: 'kube-system' },
    });
    expect(one(objects, 'ClusterRole')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'neuron-device-plugin' },
      rules: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['update', 'patch', 'get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch', 'update'] },
      ],
    });
    expect(one(objects, 'ClusterRoleBinding')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'neuron-device-plugin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'neuron-device-plugin' },
      subjects: [{ kind: 'ServiceAccount', name: 'neuron-device-plugin', namespace: 'kube-system' }],
    });
  });

  test('the DaemonSet, field by field (k8s-neuron-device-plugin.yml; image tag of the Neuron Helm chart values)', () => {
    expect(one(objects, 'DaemonSet')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'neuron-device-plugin-daemonset', namespace: 'kube-system' },
      spec: {
        selector: { matchLabels: { name: 'neuron-device-plugin-ds' } },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels: { name: 'neuron-device-plugin-ds' } },
          spec: {
            serviceAccountName: 'neuron-device-plugin',
            priorityClassName: 'system-node-critical',
            // upstream: CriticalAddonsOnly Exists; aws.amazon.com/neuron Exists NoSchedule (covers the pool's neuron=true taint)
            tolerations: [
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' },
            ],
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'In', values: ['inf2'] }] }],
                },
              },
            },
            containers: [
              {
                name: 'neuron-device-plugin',
                image: 'public.ecr.aws/neuron/neuron-device-plugin:2.28.27.0',
                imagePullPolicy: 'IfNotPresent',
                env: [
                  { name: 'KUBECONFIG', value: '/etc/kubernetes/kubelet.conf' },
                  { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                ],
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
                volumeMounts: [
                  { name: 'device-plugin', mountPath: '/var/lib/kubelet/device-plugins' },
                  { name: 'infa-map', mountPath: '/run' },
                  // Neuron Helm chart values at this tag: aws-config, /opt/aws, readOnly
                  { name: 'aws-config', mountPath: '/opt/aws', readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'device-plugin', hostPath: { path: '/var/lib/kubelet/device-plugins' } },
              { name: 'infa-map', hostPath: { path: '/run' } },
              { name: 'aws-config', hostPath: { path: '/opt/aws' } },
            ],
          },
        },
      },
    });
  });

  test('passes strict validation', () => {
    expectValid(objects);
  });
});

describe('one plugin per chart and resource', () => {
  test('two NVIDIA pools share one DaemonSet that selects both (names sorted); a Neuron pool gets its own', () => {
    const { chart, plugins } = chartWith([poolOf('l40s', 'g6e.12xlarge'), poolOf('inf2', 'inf2.xlarge'), poolOf('a10g', 'g5.12xlarge')]);
    expect(plugins[0]).toBe(plugins[2]);
    expect(plugins[0]).not.toBe(plugins[1]);
    expect(plugins[0]!.poolNames).toEqual(['a10g', 'l40s']);
    const objects: Manifest[] = Testing.synth(chart);
    const nvidia = one(objects, 'DaemonSet', 'nvidia-device-plugin-daemonset');
    expect(nvidia.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'In', values: ['a10g', 'l40s'] }] },
    ]);
    expect(all(objects, 'DaemonSet')).toHaveLength(2);
    expectValid(objects);
  });

  test('no plugin for a resource the library has none for (TPU)', () => {
    const chart = new Chart(Testing.app(), 'tpu');
    expect(AcceleratorDevicePlugin.forPool(chart, { name: 'tpu', resourceName: 'google.com/tpu', taints: [] })).toBeUndefined();
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('output is the same whatever order the pools come in', () => {
    const a = Testing.synth(chartWith([poolOf('l40s', 'g6e.12xlarge'), poolOf('a10g', 'g5.12xlarge')]).chart);
    const b = Testing.synth(chartWith([poolOf('a10g', 'g5.12xlarge'), poolOf('l40s', 'g6e.12xlarge')]).chart);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('tolerations', () => {
  test('a pool taint the upstream tolerations do not cover is tolerated with Exists', () => {
    const pool: DevicePluginPool = {
      name: 'gpu',
      resourceName: NVIDIA_GPU_RESOURCE,
      taints: [
        { key: 'nvidia.com/gpu', effect: 'NoSchedule' },
        { key: 'team', value: 'ml', effect: 'NoExecute' },
      ],
    };
    expect(devicePluginTolerations(NVIDIA_DEVICE_PLUGIN, [pool])).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'team', operator: 'Exists', effect: 'NoExecute' },
    ]);
  });
});

const gpuPool: DevicePluginPool = { ...poolOf('nvidia-l40s', 'g6e.12xlarge'), labels: { 'karpenter.k8s.aws/instance-family': 'g6e' } };
const gpuDemand: WorkloadDemand = {
  name: 'Deployment/inference/llama',
  nodeSelector: { 'karpenter.k8s.aws/instance-family': 'g6e' },
  tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
  resourcesPerReplica: { 'nvidia.com/gpu': 4 },
  maxReplicas: 3,
};

describe('DevicePluginMissing: a workload on a Karpenter pool whose chart runs no device plugin for it', () => {
  const rendered = (): Manifest[] => Testing.synth(chartWith([gpuPool]).chart);

  test('passes when the chart renders the pool plugin', () => {
    expect(() => checkDevicePlugins(rendered(), [gpuDemand], [gpuPool])).not.toThrow();
  });

  test('fails with the code, the pool, the workload and both fixes when no DaemonSet runs the plugin', () => {
    let caught: any;
    try {
      checkDevicePlugins([], [gpuDemand], [gpuPool]);
    } catch (e) {
      caught = e;
    }
    expect(caught?.code).toBe('DevicePluginMissing');
    expect(caught.message).toContain('NodePool/nvidia-l40s');
    expect(caught.message).toContain('Deployment/inference/llama');
    expect(caught.message).toContain('nvcr.io/nvidia/k8s-device-plugin:v0.18.0');
    expect(caught.message).toContain('devicePlugin: false');
  });

  test('fails when the plugin DaemonSet selects other pools only', () => {
    const other = Testing.synth(chartWith([poolOf('a10g', 'g5.12xlarge')]).chart);
    expect(() => checkDevicePlugins(other, [gpuDemand], [gpuPool])).toThrow(/DevicePluginMissing/);
  });

  test('fails when the plugin DaemonSet does not tolerate the pool taint', () => {
    const objects = rendered();
    one(objects, 'DaemonSet').spec.template.spec.tolerations = [];
    expect(() => checkDevicePlugins(objects, [gpuDemand], [gpuPool])).toThrow(/DevicePluginMissing/);
  });

  test('a plugin the cluster operator renders without affinity (runs on every tolerating node) counts', () => {
    const objects = rendered();
    delete one(objects, 'DaemonSet').spec.template.spec.affinity;
    expect(daemonSetServesPool(one(objects, 'DaemonSet'), NVIDIA_DEVICE_PLUGIN, gpuPool)).toBe(true);
  });

  test('another image does not count as the plugin', () => {
    const objects = rendered();
    one(objects, 'DaemonSet').spec.template.spec.containers[0].image = 'example.com/k8s-device-plugin:v0.18.0';
    expect(daemonSetServesPool(one(objects, 'DaemonSet'), NVIDIA_DEVICE_PLUGIN, gpuPool)).toBe(false);
  });

  test('pools no workload requests the resource on, and workloads selecting other nodes, are not checked', () => {
    expect(() => checkDevicePlugins([], [], [gpuPool])).not.toThrow();
    expect(() => checkDevicePlugins([], [{ ...gpuDemand, nodeSelector: { 'karpenter.k8s.aws/instance-family': 'g5' } }], [gpuPool])).not.toThrow();
  });
});

describe('the rule pack accepts the plugin objects', () => {
  test('no error findings for either plugin', () => {
    const { chart } = chartWith([poolOf('l40s', 'g6e.12xlarge'), poolOf('inf2', 'inf2.xlarge')]);
    const result = InferenceRules.checkCharts([chart]);
    expect(result.findings.filter((f) => f.severity === RuleSeverity.ERROR)).toEqual([]);
  });
});

describe('AcceleratorNodePool in karpenter mode renders its device plugin', () => {
  const karpenterPool = (chart: Chart, id: string, name: string, instance: string, devicePlugin?: boolean) =>
    new AcceleratorNodePool(chart, id, {
      mode: KubernetesPlatform.EKS_KARPENTER,
      name,
      instanceTypes: [instance],
      maxDevices: 8,
      clusterName: 'inference',
      nodeRoleName: 'KarpenterNodeRole-inference',
      ...(devicePlugin !== undefined ? { devicePlugin } : {}),
    });

  test('a GPU pool and an Inferentia2 pool: one plugin each, on their own pools, all strictly valid', () => {
    const chart = new Chart(Testing.app(), 'pools', { namespace: 'inference' });
    const gpu = karpenterPool(chart, 'Gpu', 'nvidia-l40s', 'g6e.12xlarge');
    const gpu2 = karpenterPool(chart, 'Gpu2', 'nvidia-a10g', 'g5.12xlarge');
    const inf = karpenterPool(chart, 'Inf', 'inf2', 'inf2.xlarge');
    expect(gpu.devicePlugin).toBe(gpu2.devicePlugin);
    expect(inf.devicePlugin?.spec).toBe(NEURON_DEVICE_PLUGIN);
    const objects: Manifest[] = Testing.synth(chart);
    const terms = (name: string) =>
      one(objects, 'DaemonSet', name).spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms('nvidia-device-plugin-daemonset')).toEqual([{ matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'In', values: ['nvidia-a10g', 'nvidia-l40s'] }] }]);
    expect(terms('neuron-device-plugin-daemonset')).toEqual([{ matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'In', values: ['inf2'] }] }]);
    expectValid(objects);
  });

  test('devicePlugin: false renders exactly what the pool rendered without a plugin', () => {
    const optedOut = new Chart(Testing.app(), 'pools');
    karpenterPool(optedOut, 'Gpu', 'nvidia-l40s', 'g6e.12xlarge', false);
    const withPlugin = new Chart(Testing.app(), 'pools');
    karpenterPool(withPlugin, 'Gpu', 'nvidia-l40s', 'g6e.12xlarge');
    const a: Manifest[] = Testing.synth(optedOut);
    const b: Manifest[] = Testing.synth(withPlugin).filter((o: Manifest) => o.kind !== 'DaemonSet');
    expect(a.map((o) => o.kind).sort()).toEqual(['EC2NodeClass', 'NodePool']);
    expect(a).toEqual(b);
  });

  test('EKS Auto Mode pools render no plugin (Auto Mode runs its own)', () => {
    const chart = new Chart(Testing.app(), 'auto');
    const pool = new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['inf2.xlarge'], maxDevices: 4 });
    expect(pool.devicePlugin).toBeUndefined();
    expect(pool.devicePluginPool()).toBeUndefined();
    expect(all(Testing.synth(chart), 'DaemonSet')).toEqual([]);
  });

  const withWorkload = (devicePlugin?: boolean) => {
    const chart = new Chart(Testing.app(), 'llama', { namespace: 'inference' });
    const plan = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'inf2.8xlarge' });
    const model = new ModelDeployment(chart, 'Model', { plan, platform: KubernetesPlatform.EKS_KARPENTER, huggingFaceTokenSecret: { name: 'hf-token' } });
    const pool = new AcceleratorNodePool(chart, 'Pool', {
      mode: KubernetesPlatform.EKS_KARPENTER,
      instanceTypes: ['inf2.8xlarge'],
      clusterName: 'inference',
      nodeRoleName: 'KarpenterNodeRole-inference',
      ...(devicePlugin !== undefined ? { devicePlugin } : {}),
    });
    pool.addWorkload(model);
    new PlacementCheck(chart, 'Placement');
    return { chart, pool };
  };

  test('PlacementCheck passes with the rendered plugin and with the opt-out', () => {
    expect(() => Testing.synth(withWorkload().chart)).not.toThrow();
    expect(() => Testing.synth(withWorkload(false).chart)).not.toThrow();
  });

  test('PlacementCheck throws DevicePluginMissing when the rendered plugin is taken out of the chart', () => {
    const { chart, pool } = withWorkload();
    const plugin = pool.devicePlugin!;
    expect(plugin.node.scope!.node.tryRemoveChild(plugin.node.id)).toBe(true);
    expect(() => Testing.synth(chart)).toThrow(/DevicePluginMissing[\s\S]*NodePool\/inf2[\s\S]*devicePlugin: false/);
  });
});
