import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { EksInferenceCluster } from '../../constructs/aws/eks-inference-cluster.js';
import { KEDA_CHART } from '../../constructs/aws/eks-versions.js';
import { podScrapeConfiguration } from '../../constructs/aws/eks-metrics.js';
import { formatManifestIssues, validateManifests } from '../support/k8s-validate.js';
import { synthWithNag, type NagViolation } from '../support/nag.js';
import { appliedManifests, autoModeScenario, testApp } from './eks-fixtures.js';
import { NODE_POOL_DEFAULTS } from '../../lib/node-pool-defaults.js';

// GIVEN the "Auto Mode" scenario (test/aws/eks-fixtures.ts), synthesized once with cdk-nag.
// cfn-lint runs over it in eks-reference.test.ts.
let template: Template;
let json: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }> };
let violations: NagViolation[];
let cluster: EksInferenceCluster;
let stack: Stack;

beforeAll(() => {
  const app = testApp();
  ({ stack, cluster } = autoModeScenario(app));
  const result = synthWithNag(app);
  violations = result.violations;
  template = Template.fromJSON(result.assembly.getStackByName('AutoMode').template);
  json = template.toJSON() as typeof json;
});

/** The logical id of the resource whose construct path (without `/Resource`) is `path`. */
function logicalIdOf(path: string): string {
  const pattern = new RegExp(`^${path}[0-9A-F]{8}$`);
  const ids = Object.keys(template.toJSON().Resources as object).filter((id) => pattern.test(id));
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

function nodePool(name: string): Record<string, any> {
  const found = appliedManifests(json)
    .flatMap((m) => m.objects)
    .find((o) => o.kind === 'NodePool' && (o.metadata as { name: string }).name === name);
  expect(found, `NodePool ${name}`).toBeDefined();
  return found as Record<string, any>;
}

describe('EksInferenceCluster in EKS Auto Mode', () => {
  test('matches the snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('passes cdk-nag AwsSolutions with only aws-cdk-lib internals acknowledged', () => {
    expect(violations).toEqual([]);
  });

  test('renders NodePools, collector RBAC and the trigger authentication that pass the strict manifest validator', () => {
    const own = appliedManifests(json)
      .filter((m) => !m.logicalId.startsWith('InferenceWorkloads'))
      .flatMap((m) => m.objects)
      // ClusterTriggerAuthentication shares TriggerAuthentication's spec schema
      // (kedacore/keda apis/keda/v1alpha1/triggerauthentication_types.go); imports/crds/ holds the
      // namespaced CRD only, so it is validated as one.
      .map((o) => (o.kind === 'ClusterTriggerAuthentication' ? { ...o, kind: 'TriggerAuthentication', metadata: { ...(o.metadata as object), namespace: 'keda' } } : o));
    expect(own.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'NodePool', 'NodePool', 'TriggerAuthentication']);
    expect(formatManifestIssues(validateManifests(own))).toBe('');
  });

  test('creates a Kubernetes 1.33 cluster in Auto Mode with a private endpoint, all logs and KMS secrets encryption', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      Version: '1.33',
      ComputeConfig: { Enabled: true, NodePools: ['system', 'general-purpose'] },
      ResourcesVpcConfig: { EndpointPublicAccess: false, EndpointPrivateAccess: true },
      Logging: {
        ClusterLogging: {
          EnabledTypes: [{ Type: 'api' }, { Type: 'audit' }, { Type: 'authenticator' }, { Type: 'controllerManager' }, { Type: 'scheduler' }],
        },
      },
      EncryptionConfig: [{ Provider: { KeyArn: { 'Fn::GetAtt': [logicalIdOf('InferenceSecretsKey'), 'Arn'] } }, Resources: ['secrets'] }],
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('puts the control plane in private subnets of a VPC with flow logs', () => {
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', ResourceType: 'VPC' });
    const subnetIds = (json.Resources[logicalIdOf('Inference') ]!.Properties!.ResourcesVpcConfig as { SubnetIds: { Ref: string }[] }).SubnetIds;
    expect(subnetIds.map((s) => s.Ref).every((ref) => ref.includes('Private'))).toBe(true);
  });

  test('renders one NodePool per accelerator pool on the Auto Mode default NodeClass', () => {
    const inf2 = nodePool('inferentia2');
    expect(inf2.apiVersion).toBe('karpenter.sh/v1');
    expect(inf2.spec.template.spec.nodeClassRef).toEqual({ group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' });
    expect(inf2.spec.template.spec.requirements).toEqual([
      { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['inf2.8xlarge', 'inf2.xlarge'] },
      { key: 'eks.amazonaws.com/instance-family', operator: 'In', values: ['inf2'] },
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
    ]);
    expect(inf2.spec.template.spec.taints).toEqual([{ key: 'aws.amazon.com/neuron', value: 'true', effect: 'NoSchedule' }]);
    expect(inf2.spec.template.metadata.labels).toEqual({ 'inference-constructs.io/pool': 'inferentia2' });
  });

  test('sizes a NodePool limit from its workloads (max replicas x devices, whole nodes)', () => {
    // llama: (5 replicas + 2 surge, the Deployment default 25 % rounded up) x 1 neuron device;
    // the largest instance type has 1 device per node.
    expect(nodePool('inferentia2').spec.limits).toEqual({ 'aws.amazon.com/neuron': 7 });
    expect(nodePool('gpu').spec.limits).toEqual({ 'nvidia.com/gpu': 8 });
  });

  test('uses the GPU name and capacity type from the catalogue and the props', () => {
    expect(nodePool('gpu').spec.template.spec.requirements).toEqual([
      { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g6.2xlarge', 'g6.xlarge'] },
      { key: 'eks.amazonaws.com/instance-family', operator: 'In', values: ['g6'] },
      { key: 'eks.amazonaws.com/instance-gpu-name', operator: 'In', values: ['l4'] },
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] },
    ]);
    expect(nodePool('gpu').spec.template.spec.taints).toEqual([{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }]);
  });

  // Karpenter v1 disruption (karpenter.sh/docs/concepts/disruption): WhenEmpty never removes a
  // node with a pod; the budget is the shared NodePool table's one node at a time, as the cdk8s pools.
  test('never consolidates a node that still runs a pod, and disrupts one node at a time', () => {
    expect(nodePool('inferentia2').spec.disruption).toEqual({
      consolidationPolicy: 'WhenEmpty',
      consolidateAfter: NODE_POOL_DEFAULTS.consolidateAfter,
      budgets: [{ nodes: NODE_POOL_DEFAULTS.disruptionBudgetNodes }],
    });
    expect(NODE_POOL_DEFAULTS.disruptionBudgetNodes).toBe('1');
    expect(nodePool('inferentia2').spec.template.spec.expireAfter).toBe('336h');
    expect(nodePool('inferentia2').spec.template.spec.terminationGracePeriod).toBe('1h');
  });

  test('installs KEDA from its pinned chart and no device plugin (Auto Mode runs them)', () => {
    template.resourceCountIs('Custom::AWSCDK-EKS-HelmChart', 1);
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', {
      Chart: 'keda',
      Repository: 'https://kedacore.github.io/charts',
      Version: KEDA_CHART.version,
      Namespace: 'keda',
      Release: 'keda',
      CreateNamespace: true,
      Wait: true,
    });
  });

  test('creates a Prometheus workspace and a managed collector scraping annotated pods of the cluster', () => {
    template.resourceCountIs('AWS::APS::Workspace', 1);
    template.hasResourceProperties('AWS::APS::Scraper', {
      Source: {
        EksConfiguration: {
          ClusterArn: { 'Fn::GetAtt': [logicalIdOf('Inference'), 'Arn'] },
          SecurityGroupIds: [{ 'Fn::GetAtt': [logicalIdOf('Inference'), 'ClusterSecurityGroupId'] }],
          SubnetIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('Private') }]),
        },
      },
      Destination: { AmpConfiguration: { WorkspaceArn: { 'Fn::GetAtt': [logicalIdOf('InferenceMetricsWorkspace'), 'Arn'] } } },
      ScrapeConfiguration: { ConfigurationBlob: { 'Fn::Base64': podScrapeConfiguration(30) } },
    });
    expect(podScrapeConfiguration(30)).toContain('__meta_kubernetes_pod_annotation_prometheus_io_scrape');
    expect(podScrapeConfiguration(30)).toContain('scrape_interval: 30s');
  });

  // AMP User Guide, Using an AWS managed collector, Configuring your Amazon EKS cluster: on an API
  // (or API_AND_CONFIG_MAP) cluster "any scrapers you create through the Amazon Managed Service for
  // Prometheus API or CLI ... will automatically have the correct access entry policy created for
  // you"; a second AWS::EKS::AccessEntry for the same principal fails with ResourceInUseException.
  // https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector-how-to.html#AMP-collector-eks-setup
  test('leaves the collector access entry to AMP on the API-mode cluster and binds the documented ClusterRole', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', { AccessConfig: Match.objectLike({ AuthenticationMode: 'API' }) });
    const scraperRole = JSON.stringify({ 'Fn::GetAtt': [logicalIdOf('InferenceMetricsScraper'), 'RoleArn'] });
    const entries = Object.values(template.findResources('AWS::EKS::AccessEntry'));
    expect(entries.filter((e) => JSON.stringify(e).includes(scraperRole) || JSON.stringify(e).includes('aps-collector-user'))).toEqual([]);
    const rbac = appliedManifests(json).flatMap((m) => m.objects).filter((o) => String(o.kind).startsWith('ClusterRole'));
    expect(rbac.map((o) => [o.kind, (o.metadata as { name: string }).name])).toEqual([
      ['ClusterRole', 'aps-collector-role'],
      ['ClusterRoleBinding', 'aps-collector-user-role-binding'],
    ]);
  });

  test('gives the KEDA operator read-only query access to the workspace through EKS Pod Identity', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['aps:GetLabels', 'aps:GetMetricMetadata', 'aps:GetSeries', 'aps:QueryMetrics'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [logicalIdOf('InferenceMetricsWorkspace'), 'Arn'] },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { Service: 'pods.eks.amazonaws.com' } }],
      },
    });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'keda', ServiceAccount: 'keda-operator' });
    // Auto Mode runs the Pod Identity agent itself.
    template.resourceCountIs('AWS::EKS::Addon', 0);
  });

  test('installs a ClusterTriggerAuthentication for SigV4 queries', () => {
    const auth = appliedManifests(json).flatMap((m) => m.objects).find((o) => o.kind === 'ClusterTriggerAuthentication');
    expect(auth).toMatchObject({ apiVersion: 'keda.sh/v1alpha1', metadata: { name: 'aws-managed-prometheus' }, spec: { podIdentity: { provider: 'aws' } } });
  });

  test('resolves the workspace query endpoint into the workloads ScaledObject', () => {
    const llama = json.Resources[logicalIdOf('InferenceWorkloadsLlama')]!.Properties!.Manifest as { 'Fn::Join': [string, unknown[]] };
    const parts = llama['Fn::Join'][1];
    const text = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
    expect(text).toContain('"serverAddress":"https://aps-workspaces.{"Ref":"AWS::Region"}.{"Ref":"AWS::URLSuffix"}/workspaces/');
    expect(text).toContain(`{"Fn::GetAtt":["${logicalIdOf('InferenceMetricsWorkspace')}","WorkspaceId"]}`);
    expect(text).toContain('"awsRegion":"{"Ref":"AWS::Region"}"');
  });

  test('deploys each workload after KEDA, the trigger authentication and every node pool', () => {
    for (const workload of ['InferenceWorkloadsLlama', 'InferenceWorkloadsMistral']) {
      const dependsOn = json.Resources[logicalIdOf(workload)]!.DependsOn ?? [];
      expect(dependsOn).toEqual(
        expect.arrayContaining([
          logicalIdOf('InferenceMetricsKeda'),
          logicalIdOf('InferenceMetricsTriggerAuthentication'),
          logicalIdOf('InferencePoolsInferentia2'),
          logicalIdOf('InferencePoolsGpu'),
        ]),
      );
    }
  });

  test('creates the workloads namespace once, before the first workload that uses it', () => {
    const namespaces = appliedManifests(json).flatMap((m) => m.objects).filter((o) => o.kind === 'Namespace');
    expect(namespaces.map((o) => (o.metadata as { name: string }).name)).toEqual(['llm']);
    const creator = logicalIdOf('InferenceWorkloadsLlamaNamespaces');
    expect(json.Resources[logicalIdOf('InferenceWorkloadsLlama')]!.DependsOn).toContain(creator);
    expect(json.Resources[logicalIdOf('InferenceWorkloadsMistral')]!.DependsOn).toContain(creator);
  });

  test('exposes the pools as the placement check sees them', () => {
    const [inf2, gpu] = cluster.acceleratorPools;
    expect(inf2!.capacity()).toEqual({
      name: 'inferentia2',
      labels: {
        'eks.amazonaws.com/instance-family': 'inf2',
        'karpenter.sh/capacity-type': 'on-demand',
        'karpenter.sh/nodepool': 'inferentia2',
        'inference-constructs.io/pool': 'inferentia2',
      },
      taints: [{ key: 'aws.amazon.com/neuron', value: 'true', effect: 'NoSchedule' }],
      limits: { 'aws.amazon.com/neuron': 7 },
      // The pool's instance types and their devices per node: the placement check counts whole
      // nodes (a pod's devices come from one node; Karpenter stops at the NodePool's limits).
      nodeTypes: [
        { instanceType: 'inf2.8xlarge', devices: { 'aws.amazon.com/neuron': 1 } },
        { instanceType: 'inf2.xlarge', devices: { 'aws.amazon.com/neuron': 1 } },
      ],
    });
    expect(gpu!.capacity().limits).toEqual({ 'nvidia.com/gpu': 8 });
    expect(stack.resolve(cluster.prometheusQueryEndpoint)).toEqual({
      'Fn::Join': [
        '',
        ['https://aps-workspaces.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/workspaces/', { 'Fn::GetAtt': [logicalIdOf('InferenceMetricsWorkspace'), 'WorkspaceId'] }],
      ],
    });
  });
});
