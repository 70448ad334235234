import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { crdErrors, crdKinds } from '../support/k8s-schemas/crd.js';
import { formatManifestIssues, validateManifestFiles, validateManifests } from '../support/k8s-validate.js';

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'llama', namespace: 'inference', labels: { 'app.kubernetes.io/name': 'llama' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { 'app.kubernetes.io/name': 'llama' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { 'app.kubernetes.io/name': 'llama' } },
      spec: {
        containers: [
          {
            name: 'server',
            image: 'vllm/vllm-openai:v0.11.0',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
            resources: { limits: { cpu: '8', memory: '64Gi', 'nvidia.com/gpu': 1 }, requests: { cpu: '7500m', memory: '60Gi' } },
          },
        ],
        nodeSelector: { 'karpenter.sh/nodepool': 'gpu' },
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      },
    },
  },
});

const scaledObject = () => ({
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObject',
  metadata: { name: 'llama', namespace: 'inference' },
  spec: {
    scaleTargetRef: { name: 'llama' },
    minReplicaCount: 1,
    maxReplicaCount: 8,
    triggers: [
      {
        type: 'prometheus',
        metricType: 'AverageValue',
        metadata: {
          serverAddress: 'http://prometheus.monitoring:9090',
          query: 'sum(rate(vllm:generation_tokens_total[1m]))',
          threshold: '1500',
        },
      },
    ],
  },
});

const nodePool = () => ({
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'gpu' },
  spec: {
    disruption: { consolidationPolicy: 'WhenEmpty', consolidateAfter: '5m' },
    limits: { 'nvidia.com/gpu': 16 },
    template: {
      spec: {
        nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'gpu' },
        requirements: [{ key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: ['g6e'] }],
        taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
      },
    },
  },
});

const leaderWorkerSet = () => ({
  apiVersion: 'leaderworkerset.x-k8s.io/v1',
  kind: 'LeaderWorkerSet',
  metadata: { name: 'llama-405b', namespace: 'inference' },
  spec: {
    replicas: 1,
    leaderWorkerTemplate: {
      size: 2,
      workerTemplate: {
        spec: {
          containers: [{ name: 'worker', image: 'vllm/vllm-openai:v0.11.0', resources: { limits: { 'nvidia.com/gpu': '8' } } }],
        },
      },
    },
  },
});

function issuesAt(objects: unknown[]): Record<string, string[]> {
  const byPath: Record<string, string[]> = {};
  for (const issue of validateManifests(objects)) {
    (byPath[`${issue.object}${issue.path}`] ??= []).push(issue.message);
  }
  return byPath;
}

describe('validateManifests', () => {
  test('accepts clean Deployment, ScaledObject, NodePool and LeaderWorkerSet objects', () => {
    const issues = validateManifests([deployment(), scaledObject(), nodePool(), leaderWorkerSet()]);
    expect(formatManifestIssues(issues)).toBe('');
  });

  test('accepts the other built-in kinds the constructs render', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'inference' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'llama', namespace: 'inference' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'llama', namespace: 'inference' }, data: { 'model.json': '{}' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hf-token', namespace: 'inference' }, type: 'Opaque', stringData: { token: 'x' } },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'llama', namespace: 'inference' },
        spec: { selector: { app: 'llama' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      },
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'llama', namespace: 'inference' },
        spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'llama' } } },
      },
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'llama', namespace: 'inference' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama' },
          minReplicas: 1,
          maxReplicas: 4,
          metrics: [{ type: 'Pods', pods: { metric: { name: 'tokens_per_second' }, target: { type: 'AverageValue', averageValue: '1500' } } }],
        },
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'reader', namespace: 'inference' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'reader', namespace: 'inference' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'llama', namespace: 'inference' }],
      },
    ];
    expect(formatManifestIssues(validateManifests(objects))).toBe('');
  });

  test('reports a misspelled nested field of a Deployment with a suggestion', () => {
    const bad = deployment() as { spec: { template: { spec: Record<string, unknown> } } };
    bad.spec.template.spec.containres = bad.spec.template.spec.containers;
    expect(validateManifests([bad])).toEqual([
      {
        object: 'Deployment/inference/llama',
        path: '/spec/template/spec/containres',
        message: 'unknown field "containres"; did you mean "containers"?',
      },
    ]);
  });

  test('reports every unknown field, not only the first, even next to type errors', () => {
    const bad = deployment() as unknown as { spec: Record<string, unknown> & { template: { spec: { containers: Record<string, unknown>[] } } } };
    bad.spec.replicas = 'two';
    bad.spec.paused2 = true;
    bad.spec.template.spec.containers[0]!.resourcez = {};
    bad.spec.template.spec.containers[0]!.ports = [{ containerPort: 8000, portName: 'http' }];
    const issues = issuesAt([bad]);
    expect(issues['Deployment/inference/llama/spec/replicas']).toEqual(['must be of type integer']);
    expect(issues['Deployment/inference/llama/spec/paused2']).toEqual(['unknown field "paused2"; did you mean "paused"?']);
    expect(issues['Deployment/inference/llama/spec/template/spec/containers/0/resourcez']).toEqual([
      'unknown field "resourcez"; did you mean "resources"?',
    ]);
    expect(issues['Deployment/inference/llama/spec/template/spec/containers/0/ports/0/portName']).toEqual(['unknown field "portName"']);
  });

  test('reports a wrong type, an invalid enum and a malformed quantity in a Deployment', () => {
    const bad = deployment() as unknown as {
      spec: { replicas: unknown; strategy: { type: string }; template: { spec: { containers: { imagePullPolicy: string; resources: { limits: Record<string, unknown> } }[] } } };
    };
    bad.spec.replicas = '2';
    bad.spec.strategy.type = 'Rolling';
    bad.spec.template.spec.containers[0]!.imagePullPolicy = 'Sometimes';
    bad.spec.template.spec.containers[0]!.resources.limits.memory = '64 GiB';
    expect(issuesAt([bad])).toEqual({
      'Deployment/inference/llama/spec/replicas': ['must be of type integer'],
      'Deployment/inference/llama/spec/strategy/type': ['must be one of "Recreate", "RollingUpdate"'],
      'Deployment/inference/llama/spec/template/spec/containers/0/imagePullPolicy': ['must be one of "Always", "IfNotPresent", "Never"'],
      'Deployment/inference/llama/spec/template/spec/containers/0/resources/limits/memory': ['must be a quantity or a number'],
    });
  });

  test('reports a ScaledObject trigger with the misspelled field metdata', () => {
    const bad = scaledObject() as { spec: { triggers: Record<string, unknown>[] } };
    bad.spec.triggers[0]!.metdata = bad.spec.triggers[0]!.metadata;
    delete bad.spec.triggers[0]!.metadata;
    expect(issuesAt([bad])).toEqual({
      'ScaledObject/inference/llama/spec/triggers/0/metdata': ['unknown field "metdata"'],
      'ScaledObject/inference/llama/spec/triggers/0/metadata': ['missing required field "metadata"'],
    });
  });

  test('reports a NodePool with a consolidationPolicy Karpenter does not know', () => {
    const bad = nodePool() as { spec: { disruption: { consolidationPolicy: string } } };
    bad.spec.disruption.consolidationPolicy = 'WhenIdle';
    expect(issuesAt([bad])).toEqual({
      'NodePool/gpu/spec/disruption/consolidationPolicy': ['must be one of "WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"'],
    });
  });

  test('reports an unknown field deep inside a LeaderWorkerSet pod template', () => {
    const bad = leaderWorkerSet() as { spec: { leaderWorkerTemplate: { workerTemplate: { spec: { containers: Record<string, unknown>[] } } } } };
    bad.spec.leaderWorkerTemplate.workerTemplate.spec.containers[0]!.imagePullPolcy = 'Always';
    expect(issuesAt([bad])).toEqual({
      'LeaderWorkerSet/inference/llama-405b/spec/leaderWorkerTemplate/workerTemplate/spec/containers/0/imagePullPolcy': ['unknown field "imagePullPolcy"'],
    });
  });

  test('checks the metadata of custom resources: name present, known fields, label syntax', () => {
    const bad = scaledObject() as { metadata: Record<string, unknown> };
    delete bad.metadata.name;
    bad.metadata.labelz = {};
    bad.metadata.labels = { team: 'not a valid value!' };
    expect(issuesAt([bad])).toEqual({
      'ScaledObject/inference/#0/metadata/name': ['missing required field "name"'],
      'ScaledObject/inference/#0/metadata/labelz': ['unknown field "labelz"; did you mean "labels"?'],
      'ScaledObject/inference/#0/metadata/labels/team': [
        'label value "not a valid value!" is invalid: at most 63 characters, alphanumerics, "-", "_" or "." and must start and end with an alphanumeric',
      ],
    });
  });

  test('reports names that are not valid for the kind', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: '8080-llama' }, spec: { ports: [{ port: 80 }] } };
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Llama_Config' } };
    const issues = issuesAt([service, configMap]);
    expect(Object.keys(issues)).toEqual(['Service/8080-llama/metadata/name', 'ConfigMap/Llama_Config/metadata/name']);
    expect(issues['Service/8080-llama/metadata/name']![0]).toMatch(/DNS-1035 label/);
    expect(issues['ConfigMap/Llama_Config/metadata/name']![0]).toMatch(/DNS-1123 subdomain/);
  });

  test('rejects kinds and versions that have no schema instead of accepting them', () => {
    const issues = validateManifests([
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      { ...scaledObject(), apiVersion: 'keda.sh/v1beta1' },
      { apiVersion: 'autoscaling/v3', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' } },
    ]);
    expect(issues.map((i) => [i.object, i.path, i.message])).toEqual([
      ['Widget/w', '/apiVersion', 'no schema for kind Widget in example.com/v1: add its CRD to imports/crds'],
      ['ScaledObject/inference/llama', '/apiVersion', 'no schema for kind ScaledObject in keda.sh/v1beta1: known versions are keda.sh/v1alpha1'],
      ['HorizontalPodAutoscaler/h', '/apiVersion', 'no schema for kind HorizontalPodAutoscaler in autoscaling/v3: known versions are autoscaling/v1, autoscaling/v2'],
    ]);
  });

  test('rejects API versions the API server no longer serves', () => {
    const hpa = { apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { maxReplicas: 2 } };
    expect(validateManifests([hpa])).toEqual([
      { object: 'HorizontalPodAutoscaler/h', path: '/apiVersion', message: 'HorizontalPodAutoscaler autoscaling/v2beta2 is no longer served since Kubernetes 1.26: use autoscaling/v1 or autoscaling/v2' },
    ]);
  });

  test('rejects values that are not Kubernetes objects', () => {
    expect(validateManifests(['kind: Deployment', { kind: 'Deployment' }]).map((i) => i.message)).toEqual([
      'a Kubernetes object must be a JSON object',
      'apiVersion and kind must both be strings',
    ]);
  });
});

describe('CRD schemas', () => {
  test('loads and compiles every version of every CRD in imports/crds', () => {
    const kinds = crdKinds();
    expect(kinds).toEqual(
      expect.arrayContaining([
        'keda.sh/v1alpha1/ScaledObject',
        'keda.sh/v1alpha1/TriggerAuthentication',
        'karpenter.sh/v1/NodePool',
        'karpenter.k8s.aws/v1/EC2NodeClass',
        'monitoring.coreos.com/v1/PodMonitor',
        'monitoring.coreos.com/v1/ServiceMonitor',
        'monitoring.coreos.com/v1/PrometheusRule',
        'monitoring.googleapis.com/v1/PodMonitoring',
        'leaderworkerset.x-k8s.io/v1/LeaderWorkerSet',
        'cloud.google.com/v1/ComputeClass',
      ]),
    );
    for (const key of kinds) {
      const kind = key.slice(key.lastIndexOf('/') + 1);
      const apiVersion = key.slice(0, key.lastIndexOf('/'));
      // An object with only an unknown top-level field: compiling must work and the strict schema must reject it.
      const errors = crdErrors(apiVersion, kind, { apiVersion, kind, metadata: { name: 'x' }, unexpected: true });
      expect(errors.map((e) => `${e.keyword} ${String(e.params.additionalProperty)}`), key).toContain('additionalProperties unexpected');
    }
  });
});

describe('validateManifestFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-validate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('validates every document of multi-document YAML files', () => {
    const bad = nodePool() as { spec: { disruption: { consolidationPolicy: string } } };
    bad.spec.disruption.consolidationPolicy = 'Never';
    const first = join(dir, 'app.yaml');
    const second = join(dir, 'nodes.yaml');
    writeFileSync(first, [deployment(), scaledObject()].map((o) => stringify(o)).join('---\n'));
    writeFileSync(second, `---\n${stringify(bad)}---\n`);
    expect(validateManifestFiles([first, second]).map((i) => `${i.object}${i.path}`)).toEqual([
      'NodePool/gpu/spec/disruption/consolidationPolicy',
    ]);
  });
});
