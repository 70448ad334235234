/**
 * Rules AWS services enforce at deploy or run time that a template can break without cfn-lint or
 * a schema noticing. Each test names the document that states the rule; the constructs either
 * render what the service accepts or fail at synthesis with a stable code.
 */
import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, test } from 'vitest';
import {
  AUTO_MODE_EXPIRE_AFTER,
  AUTO_MODE_MAX_NODE_LIFETIME_HOURS,
  AUTO_MODE_TERMINATION_GRACE_PERIOD,
  NodeCapacityMode,
} from '../../constructs/aws/eks-accelerator-pools.js';
import { EksInferenceCluster, type EksInferenceClusterProps } from '../../constructs/aws/eks-inference-cluster.js';
import { MetricsBackend } from '../../constructs/aws/eks-metrics.js';
import { EXTERNAL_SECRETS_CHART } from '../../constructs/aws/eks-versions.js';
import { ModelWeights } from '../../constructs/aws/sagemaker-common.js';
import { SageMakerInferenceComponentEndpoint } from '../../constructs/aws/sagemaker-inference-components.js';
import { SageMakerInferenceEndpoint } from '../../constructs/aws/sagemaker-endpoint.js';
import { modelPreset } from '../../lib/models.js';
import { synthWithNag } from '../support/nag.js';
import { appliedManifests, GPU_TOLERATION, testApp, workloadChart } from './eks-fixtures.js';
import { AcceleratorClass } from '../../lib/accelerators.js';

const GIB = 2 ** 30;

function newCluster(props: EksInferenceClusterProps = {}, app: App = testApp()): EksInferenceCluster {
  return new EksInferenceCluster(new Stack(app, 'Stack'), 'Inference', props);
}

const mng = { capacityMode: NodeCapacityMode.MANAGED_NODE_GROUPS, metricsBackend: MetricsBackend.inClusterPrometheus() };

const gpuWorkload = (extra: { minReplicas?: number; ephemeralGiB?: number; tokenSecret?: { name: string; key: string }; nodeSelector?: Record<string, string> } = {}) =>
  workloadChart({
    name: 'qwen',
    nodeSelector: extra.nodeSelector ?? { 'inference-constructs.io/accelerator-class': 'nvidia-gpu' },
    tolerations: [GPU_TOLERATION],
    limits: { 'nvidia.com/gpu': 1, ...(extra.ephemeralGiB !== undefined ? { 'ephemeral-storage': extra.ephemeralGiB * GIB } : {}) },
    maxReplicas: 2,
    ...(extra.minReplicas !== undefined ? { minReplicas: extra.minReplicas } : {}),
    ...(extra.tokenSecret ? { tokenSecret: extra.tokenSecret } : {}),
  });

describe('Amazon Managed Service for Prometheus collector', () => {
  // AMP User Guide, Scraper configuration, limitations: "The scraper config can't specify a scrape
  // interval of less than 30 seconds."
  // https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector-how-to.html#AMP-collector-configuration
  test('rejects a managed-collector scrape interval under 30 s with ScrapeIntervalTooShort', () => {
    expect(() => MetricsBackend.managedPrometheus({ scrapeIntervalSeconds: 15 })).toThrow(
      /\[ScrapeIntervalTooShort\] scrapeIntervalSeconds: .*30 s.*received 15; allowed: an integer from 30 to 300/,
    );
    expect(MetricsBackend.managedPrometheus({ scrapeIntervalSeconds: 30 }).scrapeIntervalSeconds).toBe(30);
    // The in-cluster Prometheus has no such limit.
    expect(MetricsBackend.inClusterPrometheus({ scrapeIntervalSeconds: 15 }).scrapeIntervalSeconds).toBe(15);
  });

  test('says the scrape interval cannot be a token', () => {
    expect(() => MetricsBackend.managedPrometheus({ scrapeIntervalSeconds: Token.asNumber({ Ref: 'Interval' }) })).toThrow(
      /\[TokenNotSupported\] scrapeIntervalSeconds: scrapeIntervalSeconds cannot be a token/,
    );
  });
});

describe('EKS Auto Mode node lifetime', () => {
  // EKS User Guide, Auto Mode: "nodes launched by EKS Auto Mode have a maximum lifetime of 21 days";
  // Auto Mode's NodePool validation: "the sum of expireAfter and terminationGracePeriod ... may not
  // exceed 21 days" (aws-controllers-k8s/test-infra#1000). The sample NodePool of create-node-pool
  // uses expireAfter 336h.
  test('renders expireAfter 336h and terminationGracePeriod 1h, within the 21-day maximum', () => {
    const cluster = newCluster();
    const pool = cluster.addAcceleratorPool('Gpu', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['g6.xlarge'] });
    const spec = (pool.renderNodePool().spec as { template: { spec: Record<string, unknown> } }).template.spec;
    expect([spec.expireAfter, spec.terminationGracePeriod]).toEqual([AUTO_MODE_EXPIRE_AFTER, AUTO_MODE_TERMINATION_GRACE_PERIOD]);
    expect([AUTO_MODE_EXPIRE_AFTER, AUTO_MODE_TERMINATION_GRACE_PERIOD]).toEqual(['336h', '1h']);
    expect(336 + 1).toBeLessThanOrEqual(AUTO_MODE_MAX_NODE_LIFETIME_HOURS);
  });

  test('throws NodeLifetimeTooLong for expireAfter 720h + terminationGracePeriod 1h', () => {
    expect(() =>
      newCluster().addAcceleratorPool('Gpu', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['g6.xlarge'], nodeExpireAfter: Duration.hours(720) }),
    ).toThrow(/\[NodeLifetimeTooLong\] nodeExpireAfter: EKS Auto Mode rejects a NodePool whose expireAfter plus terminationGracePeriod exceeds 504h \(21 days\): 720h \+ 1h = 721h.*fix: use expireAfter 336h with terminationGracePeriod 1h/);
  });

  test('accepts a lifetime of exactly 21 days and renders it', () => {
    const pool = newCluster().addAcceleratorPool('Gpu', {
      accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['g6.xlarge'], nodeExpireAfter: Duration.hours(480), nodeTerminationGracePeriod: Duration.hours(24),
    });
    const spec = (pool.renderNodePool().spec as { template: { spec: Record<string, unknown> } }).template.spec;
    expect([spec.expireAfter, spec.terminationGracePeriod]).toEqual(['480h', '24h']);
  });

  test('rejects node lifetime props on managed node groups', () => {
    expect(() =>
      newCluster(mng).addAcceleratorPool('Gpu', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['g6.xlarge'], nodeExpireAfter: Duration.hours(100) }),
    ).toThrow(/\[CapacityModePropUnsupported\] nodeExpireAfter: .*Auto Mode pools only/);
  });
});

describe('EKS inputs that used to synthesize silently', () => {
  test('throws CidrInvalid for 10.0.0.0/33 and for an octet above 255', () => {
    expect(() => newCluster({ publicEndpointCidrs: ['10.0.0.0/33'] })).toThrow(
      /\[CidrInvalid\] publicEndpointCidrs: not an IPv4 CIDR block .*received "10\.0\.0\.0\/33"/,
    );
    expect(() => newCluster({ publicEndpointCidrs: ['256.1.1.0/24'] })).toThrow(/\[CidrInvalid\]/);
    expect(() => newCluster({ publicEndpointCidrs: ['0.0.0.0/0'] })).toThrow(/\[EndpointOpenToInternet\] publicEndpointCidrs: the API endpoint would be open/);
    expect(() => newCluster({ publicEndpointCidrs: ['198.51.100.7/32'] })).not.toThrow();
  });

  test('says which pool prop cannot be a token, instead of showing the token placeholder', () => {
    const cluster = newCluster();
    expect(() => cluster.addAcceleratorPool('A', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: [Token.asString({ Ref: 'Type' })] })).toThrow(
      /\[TokenNotSupported\] instanceTypes\[0\]: instanceTypes\[0\] cannot be a token because the instance type selects the accelerator catalogue row/,
    );
    expect(() =>
      cluster.addAcceleratorPool('B', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['g6.xlarge'], maxDevices: Token.asNumber({ Ref: 'Max' }) }),
    ).toThrow(/\[TokenNotSupported\] maxDevices: maxDevices cannot be a token because it sizes the pool/);
  });

  // A managed node group without a node autoscaler keeps minSize nodes; Application of a workload
  // whose minimum replicas need more devices leaves its pods Pending.
  // https://docs.aws.amazon.com/eks/latest/userguide/autoscaling.html ("Amazon EKS supports two
  // autoscaling products": Karpenter and the Cluster Autoscaler, neither included in a node group)
  test('fails NodeGroupCannotGrow when minNodes 0 cannot hold a workload with minReplicas 1', () => {
    const cluster = newCluster(mng);
    cluster.addAcceleratorPool('Gpu', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['g6.xlarge'], minNodes: 0 });
    cluster.addInferenceWorkload('Qwen', gpuWorkload({ minReplicas: 1 }));
    const errors = cluster.node.validate();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /\[NodeGroupCannotGrow\] gpu\.minNodes: the workloads' minimum replicas need 1 node\(s\) \(1 nvidia\.com\/gpu; a pod's devices come from one node\) but the node group keeps 0 node\(s\).*allowed: an integer >= 1; fix: set minNodes to 1 or more/,
    );
  });

  test('accepts minNodes 0 when the workload may scale to zero', () => {
    const cluster = newCluster(mng);
    cluster.addAcceleratorPool('Gpu', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['g6.xlarge'], minNodes: 0 });
    cluster.addInferenceWorkload('Qwen', gpuWorkload({ minReplicas: 0 }));
    expect(cluster.node.validate()).toEqual([]);
  });

  // Kubelet's default hard eviction threshold nodefs.available<10%: a pod asking for more ephemeral
  // storage than the node disk leaves never schedules.
  // https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/#hard-eviction-thresholds
  test('fails NodeDiskTooSmall when a pod requests more ephemeral storage than the node disk holds', () => {
    const cluster = newCluster(mng);
    cluster.addAcceleratorPool('Gpu', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['g6.xlarge'], diskSizeGiB: 100 });
    cluster.addInferenceWorkload('Qwen', gpuWorkload({ ephemeralGiB: 150 }));
    const errors = cluster.node.validate();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/\[NodeDiskTooSmall\] gpu\.diskSizeGiB: a pod of Deployment\/llm\/qwen requests 150 GiB .*received 100; allowed: an integer >= 217/);
  });
});

describe('EKS workloads and the platform the cluster provides', () => {
  test('fails KubernetesPlatformMismatch with the fix when a chart was rendered for self-managed Karpenter', () => {
    const cluster = newCluster();
    expect(cluster.kubernetesPlatform).toBe('eks-auto-mode');
    cluster.addAcceleratorPool('Gpu', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['g6.xlarge'] });
    cluster.addInferenceWorkload('Qwen', gpuWorkload({ nodeSelector: { 'karpenter.k8s.aws/instance-family': 'g6' } }));
    const errors = cluster.node.validate();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/\[KubernetesPlatformMismatch\] Deployment\/llm\/qwen\.nodeSelector: .*fix: render the ModelDeployment with platform: cluster\.kubernetesPlatform \("eks-auto-mode"\)/);
    expect(newCluster(mng).kubernetesPlatform).toBe('managed-node-group');
  });
});

describe('Kubernetes Secrets the workloads read', () => {
  const hfToken = { name: 'hf-token', key: 'token' };

  test('fails SecretNotDelivered when a workload reads hf-token and nothing creates it', () => {
    const cluster = newCluster();
    cluster.addAcceleratorPool('Gpu', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['g6.xlarge'] });
    cluster.addInferenceWorkload('Qwen', gpuWorkload({ tokenSecret: hfToken }));
    const errors = cluster.node.validate();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/\[SecretNotDelivered\] Deployment\/llm\/qwen\.secret: the pods read Kubernetes Secret "hf-token" in namespace "llm".*fix: call cluster\.addSecretFromSecretsManager/);
  });

  // External Secrets Operator, AWS provider, Controller's Pod Identity: with no auth the store uses
  // the controller's credentials from the AWS SDK default chain (EKS Pod Identity here).
  // https://external-secrets.io/latest/provider/aws-access/ ; chart 2.0.0 (deploy/charts/external-secrets/Chart.yaml)
  test('syncs the token from Secrets Manager with External Secrets and a role that reads that secret only', () => {
    const app = testApp();
    const cluster = newCluster({}, app);
    const stack = Stack.of(cluster);
    cluster.addAcceleratorPool('Gpu', { accelerator: AcceleratorClass.NVIDIA_GPU, instanceTypes: ['g6.xlarge'] });
    cluster.addSecretFromSecretsManager('HuggingFace', {
      secret: secretsmanager.Secret.fromSecretNameV2(stack, 'Token', 'inference-constructs/hugging-face-token'),
    });
    // A second secret under the same Kubernetes Secret name would overwrite the first.
    expect(() =>
      cluster.addSecretFromSecretsManager('Again', {
        secret: secretsmanager.Secret.fromSecretNameV2(stack, 'Token2', 'inference-constructs/other-token'),
      }),
    ).toThrow(/\[SecretNameConflict\] kubernetesSecretName: a secret is already delivered under this Kubernetes Secret name; received "hf-token"/);
    const workload = cluster.addInferenceWorkload('Qwen', gpuWorkload({ tokenSecret: hfToken, nodeSelector: { 'eks.amazonaws.com/instance-family': 'g6' } }));
    expect(cluster.node.validate()).toEqual([]);
    const { violations, assembly } = synthWithNag(app);
    expect(violations).toEqual([]);
    const json = assembly.getStackByName(stack.stackName).template;
    const template = Template.fromJSON(json);

    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', {
      Chart: EXTERNAL_SECRETS_CHART.chart,
      Repository: 'https://charts.external-secrets.io',
      Version: '2.0.0',
      Namespace: 'external-secrets',
    });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'external-secrets', ServiceAccount: 'external-secrets' });
    const objects = appliedManifests(json).flatMap((m) => m.objects);
    const store = objects.find((o) => o.kind === 'ClusterSecretStore');
    expect(store).toMatchObject({ apiVersion: 'external-secrets.io/v1', spec: { provider: { aws: { service: 'SecretsManager' } } } });
    expect((store!.spec as { provider: { aws: Record<string, unknown> } }).provider.aws.auth).toBeUndefined();
    const externalSecret = objects.find((o) => o.kind === 'ExternalSecret');
    expect(externalSecret).toMatchObject({
      apiVersion: 'external-secrets.io/v1',
      metadata: { name: 'hf-token', namespace: 'llm' },
      spec: {
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' },
        target: { name: 'hf-token', creationPolicy: 'Owner' },
        data: [{ secretKey: 'token', remoteRef: { key: 'inference-constructs/hugging-face-token' } }],
      },
    });
    // Least privilege: read actions on the one secret.
    const policies = Object.values(template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^InferenceSecretsRole') }] },
    }));
    expect(policies).toHaveLength(1);
    const statements = policies[0]!.Properties.PolicyDocument.Statement as { Action: string[]; Resource: unknown }[];
    expect(statements.flatMap((s) => s.Action).sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    expect(JSON.stringify(statements[0]!.Resource)).toContain(':secret:inference-constructs/hugging-face-token-??????');
    // The workload is applied after its ExternalSecret.
    const workloadId = stack.getLogicalId(workload.node.defaultChild as never);
    const esId = Object.keys(json.Resources).find((id) => id.startsWith('InferenceSecretsHuggingFacellm'))!;
    expect(json.Resources[workloadId].DependsOn).toContain(esId);
  });
});

describe('SageMaker endpoints', () => {
  const build = (instanceType: string, extra: Record<string, unknown> = {}) => {
    const app = new App();
    const stack = new Stack(app, 'Ep');
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights-bucket');
    const endpoint = new SageMakerInferenceEndpoint(stack, 'Llama', {
      model: modelPreset('llama-3-1-8b'), instanceType, modelWeights: ModelWeights.fromS3Prefix(bucket, 'llama/'), dashboard: false, ...extra,
    });
    return { endpoint, template: Template.fromStack(stack) };
  };

  // SageMaker Developer Guide, Update endpoints that use automatic scaling: "If the update would
  // change the instance type for any model that is a target for automatic scaling, the update
  // fails." A new EndpointName makes CloudFormation replace the endpoint instead (EndpointName:
  // Update requires Replacement).
  // https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-delete.html
  test('derives the endpoint name from the instance type, so a new instance type replaces the endpoint', () => {
    const a = build('ml.inf2.8xlarge');
    const b = build('ml.inf2.24xlarge');
    expect(a.endpoint.endpointName).toMatch(/-inf2-8xlarge$/);
    expect(b.endpoint.endpointName).toMatch(/-inf2-24xlarge$/);
    expect(a.endpoint.endpointName.length).toBeLessThanOrEqual(63);
    a.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ResourceId: `endpoint/${a.endpoint.endpointName}/variant/AllTraffic`,
    });
    // A given name is kept as given.
    expect(build('ml.inf2.8xlarge', { endpointName: 'chat' }).endpoint.endpointName).toBe('chat');
  });

  // CloudFormation cannot create a named resource that already exists ("... already exists
  // (HandlerErrorCode: AlreadyExists)"): a log group retained after `cdk destroy` blocks the next
  // deploy of the same fixed name /aws/sagemaker/Endpoints/<endpoint>.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
  test('deletes its fixed-name log group with the stack and keeps the key', () => {
    const { template } = build('ml.inf2.8xlarge');
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  // SageMaker Developer Guide, CreateModel API: Execution Role Permissions (cloudwatch:PutMetricData,
  // logs:CreateLogGroup ...). https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createmodel-perms
  test('grants the documented PutMetricData (SageMaker namespaces) and CreateLogGroup (its own group)', () => {
    const { template } = build('ml.inf2.8xlarge');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'cloudwatch:PutMetricData',
            Condition: { StringEquals: { 'cloudwatch:namespace': ['/aws/sagemaker/Endpoints', '/aws/sagemaker/InferenceComponents'] } },
          }),
          Match.objectLike({
            Action: 'logs:CreateLogGroup',
            Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':log-group:/aws/sagemaker/Endpoints/Ep-Llama-')])] },
          }),
        ]),
      },
    });
  });

  test('throws VolumeTooSmall when volumeSizeInGB cannot hold the weights', () => {
    expect(() => build('ml.inf2.8xlarge', { volumeSizeInGB: 10 })).toThrow(
      /\[VolumeTooSmall\] volumeSizeInGB: the 10 GB volume cannot hold the 1[0-9] GB of weights of llama-3-1-8b/,
    );
  });

  test('says scaling and instance-type props cannot be tokens because they size the plan', () => {
    expect(() => build('ml.inf2.8xlarge', { scaling: { maxReplicas: Token.asNumber({ Ref: 'Max' }) } })).toThrow(
      /\[TokenNotSupported\] scaling\.maxReplicas: scaling\.maxReplicas cannot be a token because it sizes the capacity plan/,
    );
    expect(() => build(Token.asString({ Ref: 'Type' }))).toThrow(/\[TokenNotSupported\] instanceType: instanceType cannot be a token/);
  });

  test('throws InstanceCountTooSmall when maxInstanceCount cannot hold the copies at maxReplicas', () => {
    const stack = new Stack(new App(), 'Ic');
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights-bucket');
    const endpoint = new SageMakerInferenceComponentEndpoint(stack, 'Shared', { instanceType: 'ml.g6e.12xlarge', maxInstanceCount: 1, dashboard: false });
    const qwen = endpoint.addModel('Qwen', {
      model: modelPreset('qwen2-5-7b'), modelWeights: ModelWeights.fromS3Prefix(bucket, 'qwen/'), scaling: { minReplicas: 1, maxReplicas: 8 },
    });
    const errors = endpoint.node.validate();
    expect(errors.join('\n')).toMatch(/\[InstanceCountTooSmall\] maxInstanceCount: 1 ml\.g6e\.12xlarge instances cannot hold the copies/);
    expect(qwen.acceleratorDevicesPerCopy).toBeGreaterThan(0);
  });

  test('deletes inference-component log groups with the stack too', () => {
    const stack = new Stack(new App(), 'IcLogs');
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights-bucket');
    const endpoint = new SageMakerInferenceComponentEndpoint(stack, 'Shared', { instanceType: 'ml.g6e.12xlarge', dashboard: false });
    endpoint.addModel('Qwen', { model: modelPreset('qwen2-5-7b'), modelWeights: ModelWeights.fromS3Prefix(bucket, 'qwen/') });
    const groups = Template.fromStack(stack).findResources('AWS::Logs::LogGroup');
    expect(Object.values(groups).map((g) => g.DeletionPolicy)).toEqual(['Delete']);
  });
});



