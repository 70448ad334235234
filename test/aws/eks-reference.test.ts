import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { addEksReference } from '../../bin/reference/eks.js';
import { cfnLintTemplates, formatCfnLintFindings } from '../support/cfn-lint.js';
import { synthWithNag, type NagViolation } from '../support/nag.js';
import { managedNodeGroupScenario, NEURON_TOLERATION, GPU_TOLERATION, testApp, workloadChart } from './eks-fixtures.js';

// GIVEN the reference EKS stack deploying two charts rendered against its cluster. Synthesized
// once with cdk-nag; cfn-lint then runs ONCE over it (an Auto Mode cluster) and the managed node
// group scenario of eks-managed-node-groups.test.ts (one linter start for both capacity modes).
let template: Template;
let violations: NagViolation[];
let lintFindings: string;

beforeAll(async () => {
  const app: App = testApp();
  const stack = addEksReference(app, (cluster) => [
    workloadChart({
      name: 'llama-3-1-8b',
      nodeSelector: { 'eks.amazonaws.com/instance-family': 'inf2' },
      tolerations: [NEURON_TOLERATION],
      limits: { 'aws.amazon.com/neuron': 1 },
      maxReplicas: 4,
      serverAddress: cluster.prometheusQueryEndpoint,
      awsRegion: cluster.metrics.awsRegion,
    }),
    workloadChart({
      name: 'llama-3-1-70b',
      nodeSelector: { 'eks.amazonaws.com/instance-family': 'g6e', 'eks.amazonaws.com/instance-gpu-name': 'l40s' },
      tolerations: [GPU_TOLERATION],
      limits: { 'nvidia.com/gpu': 4 },
      maxReplicas: 4,
      serverAddress: cluster.prometheusQueryEndpoint,
      awsRegion: cluster.metrics.awsRegion,
    }),
  ]);
  const result = synthWithNag(app);
  violations = result.violations;
  const reference = result.assembly.getStackByName(stack.stackName).template;
  template = Template.fromJSON(reference);

  const scenarios = testApp();
  managedNodeGroupScenario(scenarios);
  const assembly = scenarios.synth();
  lintFindings = formatCfnLintFindings(
    await cfnLintTemplates({
      InferenceEks: reference,
      ManagedNodeGroups: assembly.getStackByName('ManagedNodeGroups').template,
    }),
  );
});

describe('addEksReference', () => {
  test('passes cdk-nag AwsSolutions', () => {
    expect(violations).toEqual([]);
  });

  test('the reference stack (Auto Mode) and the managed-node-group scenario pass cfn-lint', () => {
    expect(lintFindings).toBe('');
  });

  test('creates an Auto Mode cluster with an Inferentia2 pool and three NVIDIA pools (L40S x4, H200, L40S x1)', () => {
    template.resourceCountIs('AWS::EKS::Cluster', 1);
    const manifests = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).map((r) =>
      JSON.stringify(r.Properties.Manifest),
    );
    expect(manifests.filter((m) => m.includes('\\"kind\\":\\"NodePool\\"'))).toHaveLength(4);
    // Explicit limits, whole nodes at maxReplicas plus a rollout's surge replica (maxSurge 1):
    // 8 chips; 20 GPUs = (4 + 1) g6e.12xlarge x 4 for the 70B; one p5en.48xlarge; 4 g6e.xlarge.
    const pool = (name: string, resource: string, n: number) =>
      manifests.some((m) => m.includes(`\\"name\\":\\"${name}\\"`) && m.includes(`\\"${resource}\\":${n}`));
    expect(pool('inferentia2', 'aws.amazon.com/neuron', 8)).toBe(true);
    expect(pool('nvidia-l40s', 'nvidia.com/gpu', 20)).toBe(true);
    expect(pool('nvidia-h200', 'nvidia.com/gpu', 8)).toBe(true);
    expect(pool('nvidia-l40s-1x', 'nvidia.com/gpu', 4)).toBe(true);
  });

  test('uses the managed Prometheus path with KEDA', () => {
    template.resourceCountIs('AWS::APS::Workspace', 1);
    template.resourceCountIs('AWS::APS::Scraper', 1);
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', { Chart: 'keda' });
  });

  test('deploys every given chart', () => {
    const ids = Object.keys(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'));
    expect(ids.filter((id) => /^InferenceWorkloadsWorkload\d[0-9A-F]{8}$/.test(id))).toHaveLength(2);
    expect(ids.filter((id) => /^InferenceWorkloadsWorkload\dNamespaces[0-9A-F]{8}$/.test(id))).toHaveLength(1);
  });
});
