/** Small manifests for the rule tests: a planned vLLM workload, its scaler, PDB and pool. */
export function deployment(overrides: { annotations?: Record<string, string>; container?: Record<string, unknown>; spec?: Record<string, unknown>; podSpec?: Record<string, unknown>; labels?: Record<string, string> } = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'llm', namespace: 'inference', annotations: overrides.annotations ?? {} },
    spec: {
      selector: { matchLabels: { app: 'llm' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      ...overrides.spec,
      template: {
        metadata: { labels: { app: 'llm', ...overrides.labels } },
        spec: {
          nodeSelector: { 'inference-constructs.io/node-pool': 'gpu' },
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
          containers: [
            {
              name: 'server',
              image: 'vllm/vllm-openai:v0.11.0',
              args: ['--model', 'org/model'],
              env: [{ name: 'HF_HUB_CACHE', value: '/models/hub' }],
              volumeMounts: [{ name: 'model-cache', mountPath: '/models' }],
              resources: { limits: { 'nvidia.com/gpu': 1, memory: '64Gi' }, requests: { 'nvidia.com/gpu': 1, memory: '64Gi', 'ephemeral-storage': '60Gi' } },
              startupProbe: { httpGet: { path: '/health', port: 8000 }, periodSeconds: 10, failureThreshold: 60 },
              ...overrides.container,
            },
          ],
          volumes: [{ name: 'model-cache', emptyDir: { sizeLimit: '50Gi' } }],
          ...overrides.podSpec,
        },
      },
    },
  };
}

export function scaledObject(overrides: { spec?: Record<string, unknown>; trigger?: Record<string, unknown>; metadata?: Record<string, unknown> } = {}): any {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'llm', namespace: 'inference' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llm' },
      minReplicaCount: 2,
      maxReplicaCount: 3,
      fallback: { failureThreshold: 3, replicas: 2, behavior: 'currentReplicasIfHigher' },
      ...overrides.spec,
      triggers: [
        {
          type: 'prometheus',
          name: 'generated-tokens',
          metricType: 'AverageValue',
          metadata: { serverAddress: 'http://prometheus', query: 'sum(rate(vllm:generation_tokens_total{model_name="llm"}[120s]))', threshold: '200', ignoreNullValues: 'false', ...overrides.metadata },
          ...overrides.trigger,
        },
      ],
    },
  };
}

export function nodePool(overrides: { spec?: Record<string, unknown>; limits?: Record<string, unknown>; templateSpec?: Record<string, unknown> } = {}): any {
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: 'gpu' },
    spec: {
      limits: { 'nvidia.com/gpu': 8, ...overrides.limits },
      template: {
        metadata: { labels: { 'inference-constructs.io/node-pool': 'gpu' } },
        spec: {
          nodeClassRef: { group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' },
          expireAfter: '336h',
          terminationGracePeriod: '1h',
          requirements: [{ key: 'eks.amazonaws.com/instance-family', operator: 'In', values: ['g6e'] }],
          taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
          ...overrides.templateSpec,
        },
      },
      ...overrides.spec,
    },
  };
}

export function podMonitor(interval: string): any {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: 'llm', namespace: 'inference' },
    spec: { selector: { matchLabels: { app: 'llm' } }, podMetricsEndpoints: [{ port: 'http', interval }] },
  };
}

export function pdb(spec: Record<string, unknown>): any {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'llm', namespace: 'inference' }, spec: { selector: { matchLabels: { app: 'llm' } }, ...spec } };
}
