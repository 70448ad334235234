/**
 * The floor for the synth benchmark: the aws-cdk-lib L2s and the cdk8s core the reference app
 * builds on, with default props and none of this library's code. Its time above the empty app
 * is what aws-cdk-lib and cdk8s cost by themselves (module load, construction, synthesis, the
 * kubectl and awscli layer assets copied into cdk.out); the reference app's time above the floor
 * is this library's.
 *
 * - EKS stack: a VPC (3 AZs, public and private subnets, flow logs), a KMS key, an eks-v2 cluster
 *   (Kubernetes 1.33, auto mode, every log type, private endpoint) with the kubectl v33 layer, a
 *   managed Prometheus workspace, two Helm charts (KEDA, the Prometheus Agent) and as many
 *   Kubernetes manifests as the reference EKS stack applies (KUBERNETES_MANIFESTS);
 * - SageMaker stack: a KMS key, an execution role, model, endpoint configuration and endpoint, a
 *   log group, a target-tracking scaling policy, two alarms and a dashboard;
 * - a cdk8s app of six charts, each a Deployment, a Service and a PodDisruptionBudget as plain
 *   `ApiObject`s, written as YAML.
 *
 * Like the other bench apps, aws-cdk-lib's built-in template validation is on only with
 * CDK_VALIDATION=true.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as aps from 'aws-cdk-lib/aws-aps';
import * as applicationautoscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { KubectlV33Layer } from '@aws-cdk/lambda-layer-kubectl-v33';
import { ApiObject, App as K8sApp, Chart, YamlOutputType } from 'cdk8s';

/** Kubernetes manifests the reference EKS stack applies (pools, workloads, namespaces, metrics RBAC and auth), counted in its template. */
const KUBERNETES_MANIFESTS = 13;
/** Standalone charts the reference app writes to dist/. */
const CHARTS = 6;

const app = new App({ builtinCloudFormationValidation: process.env.CDK_VALIDATION === 'true' });

/** The EKS stack: VPC, cluster with the kubectl layer, workspace, Helm charts, manifests. */
function eksFloor(): void {
  const eksStack = new Stack(app, 'FloorEks');
  const vpc = new ec2.Vpc(eksStack, 'Vpc', {
    maxAzs: 3,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ],
    flowLogs: { FlowLogs: { trafficType: ec2.FlowLogTrafficType.ALL } },
  });
  const secretsKey = new kms.Key(eksStack, 'SecretsKey', { enableKeyRotation: true });
  const cluster = new eks.Cluster(eksStack, 'Cluster', {
    version: eks.KubernetesVersion.V1_33,
    kubectlProviderOptions: { kubectlLayer: new KubectlV33Layer(eksStack, 'KubectlLayer') },
    vpc,
    vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
    endpointAccess: eks.EndpointAccess.PRIVATE,
    secretsEncryptionKey: secretsKey,
    clusterLogging: [
      eks.ClusterLoggingTypes.API,
      eks.ClusterLoggingTypes.AUDIT,
      eks.ClusterLoggingTypes.AUTHENTICATOR,
      eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
      eks.ClusterLoggingTypes.SCHEDULER,
    ],
    defaultCapacityType: eks.DefaultCapacityType.AUTOMODE,
    compute: { nodePools: ['system', 'general-purpose'] },
  });
  const workspace = new aps.CfnWorkspace(eksStack, 'Workspace', {});
  const kedaRole = new iam.Role(eksStack, 'KedaRole', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags() });
  kedaRole.addToPolicy(new iam.PolicyStatement({ actions: ['aps:QueryMetrics'], resources: [workspace.attrArn] }));
  cluster.addHelmChart('Keda', { chart: 'keda', repository: 'https://kedacore.github.io/charts', version: '2.17.2', namespace: 'keda', createNamespace: true });
  cluster.addHelmChart('Prometheus', {
    chart: 'prometheus',
    repository: 'https://prometheus-community.github.io/helm-charts',
    version: '27.28.1',
    namespace: 'monitoring',
    createNamespace: true,
  });
  for (let i = 0; i < KUBERNETES_MANIFESTS; i++) {
    cluster.addManifest(`Manifest${i}`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `floor-${i}`, namespace: 'inference' },
      data: { index: String(i) },
    });
  }
}

/** The SageMaker stack: key, role, model, endpoint, scaling, alarms, dashboard. */
function sageMakerFloor(): void {
  const smStack = new Stack(app, 'FloorSageMaker');
  const smKey = new kms.Key(smStack, 'Key', { enableKeyRotation: true });
  const role = new iam.Role(smStack, 'ExecutionRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  smKey.grantEncryptDecrypt(role);
  const logGroup = new logs.LogGroup(smStack, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, encryptionKey: smKey });
  logGroup.grantWrite(role);
  const model = new sagemaker.CfnModel(smStack, 'Model', {
    executionRoleArn: role.roleArn,
    primaryContainer: { image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.33.0-neuronx-sdk2.24.1', environment: { OPTION_TENSOR_PARALLEL_DEGREE: '2' } },
  });
  const config = new sagemaker.CfnEndpointConfig(smStack, 'Config', {
    kmsKeyId: smKey.keyArn,
    productionVariants: [{ variantName: 'AllTraffic', modelName: model.attrModelName, instanceType: 'ml.inf2.8xlarge', initialInstanceCount: 1 }],
  });
  const endpoint = new sagemaker.CfnEndpoint(smStack, 'Endpoint', { endpointConfigName: config.attrEndpointConfigName });
  const target = new applicationautoscaling.ScalableTarget(smStack, 'Scaling', {
    serviceNamespace: applicationautoscaling.ServiceNamespace.SAGEMAKER,
    scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    resourceId: `endpoint/${endpoint.attrEndpointName}/variant/AllTraffic`,
    minCapacity: 1,
    maxCapacity: 3,
  });
  const tokens = new cloudwatch.Metric({ namespace: 'Floor', metricName: 'GeneratedTokens', dimensionsMap: { EndpointName: endpoint.attrEndpointName }, period: Duration.minutes(1) });
  target.scaleToTrackMetric('Tokens', { targetValue: 436, customMetric: tokens });
  const errors = new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'Invocation5XXErrors', dimensionsMap: { EndpointName: endpoint.attrEndpointName } });
  const latency = new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'ModelLatency', dimensionsMap: { EndpointName: endpoint.attrEndpointName } });
  new cloudwatch.Alarm(smStack, 'Errors', { metric: errors, threshold: 1, evaluationPeriods: 3 });
  new cloudwatch.Alarm(smStack, 'Latency', { metric: latency, threshold: 2_000_000, evaluationPeriods: 3 });
  new cloudwatch.Dashboard(smStack, 'Dashboard', { widgets: [[new cloudwatch.GraphWidget({ left: [tokens, errors, latency] })]] });
}

/** The standalone charts. */
function chartsFloor(k8s: K8sApp): void {
  for (let i = 0; i < CHARTS; i++) {
    const chart = new Chart(k8s, `floor-${i}`, { namespace: 'inference' });
    const labels = { app: `floor-${i}` };
    new ApiObject(chart, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `floor-${i}` },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'server', image: 'vllm/vllm-openai:v0.11.0', ports: [{ containerPort: 8000 }], resources: { limits: { 'nvidia.com/gpu': 1 } } }] },
        },
      },
    });
    new ApiObject(chart, 'Service', { apiVersion: 'v1', kind: 'Service', metadata: { name: `floor-${i}` }, spec: { selector: labels, ports: [{ port: 8000 }] } });
    new ApiObject(chart, 'Budget', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: `floor-${i}` }, spec: { selector: { matchLabels: labels }, maxUnavailable: 1 } });
  }
}

/**
 * Which parts to build, as the reference app's `-c stacks=` selects them:
 * BENCH_FLOOR_PARTS=sagemaker,eks,manifests (the default) or a subset.
 */
const parts = (process.env.BENCH_FLOOR_PARTS ?? 'sagemaker,eks,manifests').split(',');
const k8s = new K8sApp({ outdir: process.env.K8S_OUTDIR ?? 'dist', outputFileExtension: '.k8s.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
if (parts.includes('eks')) eksFloor();
if (parts.includes('sagemaker')) sageMakerFloor();
if (parts.includes('manifests')) chartsFloor(k8s);

app.synth();
k8s.synth();
