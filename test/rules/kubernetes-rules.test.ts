/**
 * Every Kubernetes rule of the pack rejects a bad object and accepts a good one. The upstream
 * source of each rule is named in the test title and in the rule's file under lib/rules/.
 */
import { describe, expect, test } from 'vitest';
import { InferenceRulePack } from '../../lib/rules/rule-pack.js';
import { deployment, nodePool, pdb, podMonitor, scaledObject } from './fixtures.js';

function ids(objects: unknown[], options = {}): string[] {
  return InferenceRulePack.checkManifests(objects, { origin: 'test', ...options }).findings.map((f) => f.ruleId);
}

/** The good baseline: a planned workload with every rule satisfied. */
const planned = { 'inference-constructs.io/target-tokens-per-second': '200', 'inference-constructs.io/planned-startup-seconds': '600', 'inference-constructs.io/checkpoint-gib': '40', 'inference-constructs.io/host-load-gib': '0' };
const good = () => [deployment({ annotations: planned }), scaledObject(), nodePool(), podMonitor('30s'), pdb({ maxUnavailable: 1 })];

describe('Kubernetes rules', () => {
  test('the good baseline has no finding', () => {
    expect(InferenceRulePack.checkManifests(good()).findings.map(InferenceRulePack.formatFinding)).toEqual([]);
  });

  test('IC-K8S-001 rejects an Auto Mode NodePool past 21 days and accepts 336h (aws-controllers-k8s/test-infra PR #1000)', () => {
    expect(ids([nodePool({ templateSpec: { expireAfter: '720h', terminationGracePeriod: '1h' } })])).toEqual(['IC-K8S-001']);
    expect(ids([nodePool({ templateSpec: { expireAfter: '504h', terminationGracePeriod: undefined } })])).toEqual(['IC-K8S-001']); // + 24h default grace
    expect(ids([nodePool({ templateSpec: { nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'x' }, expireAfter: '720h' } })])).toEqual([]);
    expect(ids([nodePool()])).toEqual([]);
  });

  test('IC-K8S-002 rejects vLLM-Neuron from a hub id on a read-only root without NEURON_COMPILED_ARTIFACTS (Neuron vllm-user-guide)', () => {
    const neuron = (container: Record<string, unknown>) =>
      deployment({ container: { image: 'public.ecr.aws/neuron/pytorch-inference-vllm-neuronx:0.9.1-neuronx-py311-sdk2.26.0-ubuntu22.04', args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct', '--device', 'neuron'], resources: { limits: { 'aws.amazon.com/neuron': 1 } }, securityContext: { readOnlyRootFilesystem: true }, ...container } });
    expect(ids([neuron({})])).toEqual(['IC-K8S-002', 'IC-K8S-002']);
    expect(ids([neuron({ env: [{ name: 'NEURON_COMPILED_ARTIFACTS', value: '/models/neuron' }], workingDir: '/models' })])).toEqual([]);
    expect(ids([neuron({ env: [{ name: 'NEURON_COMPILED_ARTIFACTS', value: '/opt/artifacts' }], workingDir: '/models' })])).toEqual(['IC-K8S-002']);
  });

  test('IC-K8S-003 rejects a memory limit below host-load-gib (NxDI loads through host RAM)', () => {
    expect(ids([deployment({ annotations: { 'inference-constructs.io/host-load-gib': '100' } })])).toEqual(['IC-K8S-003']);
    expect(ids([deployment({ annotations: { 'inference-constructs.io/host-load-gib': '60' } })])).toEqual([]);
    expect(ids([deployment()])).toEqual([]); // not planned: nothing to compare
  });

  test('IC-K8S-004 rejects a model cache smaller than the checkpoint (kubelet eviction, kubernetes PR #45686)', () => {
    expect(ids([deployment({ annotations: { 'inference-constructs.io/checkpoint-gib': '131.5' } })])).toEqual(['IC-K8S-004', 'IC-K8S-004']);
    expect(ids([deployment({ annotations: { 'inference-constructs.io/checkpoint-gib': '45' } })])).toEqual([]);
  });

  test('IC-K8S-005 rejects spec.replicas on a scaled Deployment (Kubernetes HPA docs)', () => {
    expect(ids([deployment({ spec: { replicas: 1 } }), scaledObject()])).toEqual(['IC-K8S-005']);
    expect(ids([deployment({ spec: { replicas: 1 } })])).toEqual([]);
  });

  test('IC-K8S-006 rejects a static fallback (KEDA pkg/fallback/fallback.go)', () => {
    expect(ids([deployment(), scaledObject({ spec: { fallback: { failureThreshold: 3, replicas: 1 } } })])).toEqual(['IC-K8S-006']);
    expect(ids([deployment(), scaledObject({ spec: { fallback: { failureThreshold: 3, replicas: 1, behavior: 'currentReplicasIfLower' } } })])).toEqual(['IC-K8S-006']);
    expect(ids([deployment(), scaledObject()])).toEqual([]);
  });

  test('IC-K8S-007 rejects a token trigger that ignores null values (KEDA prometheus scaler, default true)', () => {
    expect(ids([deployment(), scaledObject({ metadata: { ignoreNullValues: undefined } })])).toEqual(['IC-K8S-007']);
    expect(ids([deployment(), scaledObject({ metadata: { ignoreNullValues: 'true' } })])).toEqual(['IC-K8S-007']);
  });

  test('IC-K8S-008 rejects a rate window under four scrape intervals (Robust Perception, rate ranges)', () => {
    expect(ids([deployment(), scaledObject(), podMonitor('60s')])).toEqual(['IC-K8S-008']);
    expect(ids([deployment(), scaledObject(), podMonitor('30s')])).toEqual([]);
    // annotation scraping: the declared interval
    const annotated = deployment();
    annotated.spec.template.metadata.annotations = { 'prometheus.io/scrape': 'true' };
    expect(ids([annotated, scaledObject()], { annotationScrapeIntervalSeconds: 60 })).toEqual(['IC-K8S-008']);
    expect(ids([annotated, scaledObject()])).toEqual([]); // interval not known: not guessed
  });

  test('IC-K8S-009 warns on a PDB that evicts the only replica at minReplicas 1 (EKS Auto Mode weekly drift)', () => {
    expect(ids([deployment(), scaledObject({ spec: { minReplicaCount: 1 } }), pdb({ maxUnavailable: 1 })])).toEqual(['IC-K8S-009']);
    expect(ids([deployment(), scaledObject({ spec: { minReplicaCount: 1 } }), pdb({ minAvailable: 1 })])).toEqual([]);
    expect(ids([deployment(), scaledObject(), pdb({ maxUnavailable: 1 })])).toEqual([]);
  });

  test('IC-K8S-010 rejects an extended-resource request that differs from its limit (Kubernetes extended resources)', () => {
    expect(ids([deployment({ container: { resources: { limits: { 'nvidia.com/gpu': 2 }, requests: { 'nvidia.com/gpu': 1 } } } })])).toEqual(['IC-K8S-010']);
    expect(ids([deployment({ container: { resources: { requests: { 'nvidia.com/gpu': 1 } } } })])).toEqual(['IC-K8S-010']);
    expect(ids([deployment({ container: { resources: { limits: { 'nvidia.com/gpu': 1 } } } })])).toEqual([]);
  });

  test('IC-K8S-011 rejects a startup probe shorter than the planned startup (Kubernetes probes)', () => {
    expect(ids([deployment({ annotations: { 'inference-constructs.io/planned-startup-seconds': '1315' } })])).toEqual(['IC-K8S-011']);
    expect(ids([deployment({ annotations: { 'inference-constructs.io/planned-startup-seconds': '600' } })])).toEqual([]);
  });

  test('IC-K8S-012 rejects a workload with no pool, an untolerated taint, or no room for the surge pod (Karpenter limits)', () => {
    expect(ids([deployment(), scaledObject({ spec: { maxReplicaCount: 8 } }), nodePool()])).toEqual(['IC-K8S-012']); // 8 + 1 surge > 8
    expect(ids([deployment(), scaledObject({ spec: { maxReplicaCount: 7 } }), nodePool()])).toEqual([]);
    expect(ids([deployment({ podSpec: { tolerations: [] } }), nodePool()])).toEqual(['IC-K8S-012']);
    expect(ids([deployment({ podSpec: { nodeSelector: { 'inference-constructs.io/node-pool': 'tpu' } } }), nodePool()])).toEqual(['IC-K8S-012']);
    expect(ids([deployment({ podSpec: { nodeSelector: { 'inference-constructs.io/node-pool': 'tpu' } } })])).toEqual([]); // no pool in sight
  });

  test('IC-K8S-013 rejects latest and untagged images (Kubernetes images)', () => {
    expect(ids([deployment({ container: { image: 'vllm/vllm-openai:latest' } })])).toEqual(['IC-K8S-013']);
    expect(ids([deployment({ container: { image: 'registry:5000/vllm' } })])).toEqual(['IC-K8S-013']);
    expect(ids([deployment({ container: { image: 'vllm/vllm-openai@sha256:abc' } })])).toEqual([]);
  });

  test("IC-K8S-014 rejects a scaler target that differs from the workload's plan (HPA algorithm)", () => {
    expect(ids([deployment({ annotations: { 'inference-constructs.io/target-tokens-per-second': '300' } }), scaledObject()])).toEqual(['IC-K8S-014']);
    expect(ids([deployment({ annotations: { 'inference-constructs.io/target-tokens-per-second': '200' } }), scaledObject({ trigger: { metricType: 'Value' } })])).toEqual(['IC-K8S-014']);
    expect(ids([deployment({ annotations: { 'inference-constructs.io/target-tokens-per-second': '199.6' } }), scaledObject()])).toEqual([]);
  });
});

describe('acknowledgements', () => {
  test('an annotation with a reason acknowledges the finding', () => {
    const d = deployment({ spec: { replicas: 1 }, annotations: { 'inference-constructs.io/acknowledge': 'IC-K8S-005: replicas pinned while the scaler is paused' } });
    const r = InferenceRulePack.checkManifests([d, scaledObject()]);
    expect(r.findings).toEqual([]);
    expect(r.acknowledged.map((a) => [a.finding.ruleId, a.reason])).toEqual([['IC-K8S-005', 'replicas pinned while the scaler is paused']]);
  });

  test('an acknowledgement without a reason is not applied and is reported as IC-ACK-001', () => {
    const d = deployment({ spec: { replicas: 1 }, annotations: { 'inference-constructs.io/acknowledge': 'IC-K8S-005:' } });
    expect(ids([d, scaledObject()])).toEqual(['IC-ACK-001', 'IC-K8S-005']);
  });

  test('a finding message says where, what, how to fix and the source', () => {
    const [f] = InferenceRulePack.checkManifests([deployment({ spec: { replicas: 1 } }), scaledObject()], { origin: 'chart llm' }).findings;
    expect(InferenceRulePack.formatFinding(f!)).toBe(
      '[error] IC-K8S-005 chart llm: Deployment inference/llm at spec.replicas: Deployment sets spec.replicas 1 although ScaledObject llm owns its replica count, so every apply resets it to 1 replicas; fix: remove spec.replicas from the manifest (cdk8s-plus: mark the workload as autoscaled, or JSON-patch remove /spec/replicas) (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling)',
    );
  });

  test('manifests that are not a list of objects are refused', () => {
    expect(() => InferenceRulePack.checkManifestSets([{ origin: 'chart', objects: 'kind: Deployment' as unknown as unknown[] }])).toThrow(/\[ManifestsInvalid\] objects: /);
  });

  test('unknown ids in disabledRules are refused', () => {
    expect(() => InferenceRulePack.checkManifests([], { disabledRules: ['IC-K8S-999'] })).toThrow(/\[RuleIdUnknown\] disabledRules/);
    expect(ids([deployment({ spec: { replicas: 1 } }), scaledObject()], { disabledRules: ['IC-K8S-005'] })).toEqual([]);
  });

  test('rule ids are unique and stable', () => {
    expect(InferenceRulePack.ruleIds()).toEqual([
      'IC-ACK-001', 'IC-AWS-001', 'IC-AWS-002', 'IC-AWS-003',
      'IC-K8S-001', 'IC-K8S-002', 'IC-K8S-003', 'IC-K8S-004', 'IC-K8S-005', 'IC-K8S-006', 'IC-K8S-007',
      'IC-K8S-008', 'IC-K8S-009', 'IC-K8S-010', 'IC-K8S-011', 'IC-K8S-012', 'IC-K8S-013', 'IC-K8S-014',
    ]);
    for (const r of InferenceRulePack.rules()) expect(r.source).toMatch(/^https:\/\//);
  });
});
