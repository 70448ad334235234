/**
 * Benchmark app: BENCH_DEPLOYMENTS model deployments, each a SageMaker endpoint (CloudFormation)
 * plus the same model as a Kubernetes chart with its token scaler (manifests).
 *
 * Endpoints are spread over stacks of at most ENDPOINTS_PER_STACK, as a fleet must be to stay
 * under CloudFormation's 500-resource limit (each endpoint brings about 15 resources).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { App as K8sApp, Chart, YamlOutputType } from 'cdk8s';
import { ModelWeights } from '../../constructs/aws/sagemaker-common.js';
import { SageMakerInferenceEndpoint } from '../../constructs/aws/sagemaker-endpoint.js';
import { ModelDeployment } from '../../constructs/k8s/model-deployment.js';
import { PrometheusSource, TokenThroughputScaler } from '../../constructs/k8s/token-scaler.js';
// The model -> plan -> policy functions by file: they stay exported there when the package
// surface moves to classes (CapacityPlanner.plan, TokenScaling.fromPlan, Model presets).
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { tokenScalingPolicy } from '../../lib/scaling.js';
import { KubernetesPlatform } from '../../lib/platforms.js';

const ENDPOINTS_PER_STACK = 25;
const deployments = Number(process.env.BENCH_DEPLOYMENTS ?? 1);

// The same aws-cdk-lib validation setting as the reference and empty apps (CDK_VALIDATION=true turns it on).
const app = new App({ builtinCloudFormationValidation: process.env.CDK_VALIDATION === 'true' });
const k8s = new K8sApp({
  outdir: process.env.K8S_OUTDIR ?? 'dist',
  outputFileExtension: '.k8s.yaml',
  yamlOutputType: YamlOutputType.FILE_PER_CHART,
});
const model = modelPreset('llama-3-1-8b');
// inf2.8xlarge: the 8B checkpoint the Neuron server loads through host RAM does not fit inf2.xlarge (HostMemoryInsufficient).
const plan = planCapacity({ model, instanceType: 'inf2.8xlarge' });
// The community Prometheus chart scrapes annotated pods every 60 s: a 240 s window spans 4 scrapes.
const policy = tokenScalingPolicy(plan, { minReplicas: 1, maxReplicas: 4, metricWindowSeconds: 240 });
const prometheus = PrometheusSource.inCluster({ serverAddress: 'http://prometheus-server.monitoring.svc.cluster.local' });

let stack: Stack | undefined;
let weights: s3.IBucket | undefined;
for (let i = 0; i < deployments; i++) {
  if (i % ENDPOINTS_PER_STACK === 0) {
    stack = new Stack(app, `Fleet${i / ENDPOINTS_PER_STACK + 1}`);
    weights = s3.Bucket.fromBucketName(stack, 'Weights', 'model-weights');
  }
  new SageMakerInferenceEndpoint(stack!, `Endpoint${i + 1}`, {
    model,
    instanceType: 'ml.inf2.8xlarge',
    modelWeights: ModelWeights.fromS3Prefix(weights!, `models/llama-3-1-8b/${i + 1}/`),
  });
  const chart = new Chart(k8s, `model-${i + 1}`, { namespace: 'inference', disableResourceNameHashes: true });
  const server = new ModelDeployment(chart, 'Model', { plan, platform: KubernetesPlatform.EKS_AUTO_MODE, name: `llama-${i + 1}`, huggingFaceTokenSecret: { name: 'hf-token' } });
  new TokenThroughputScaler(chart, 'Scaler', { target: server, policy, prometheus, scrapeIntervalSeconds: 60 });
}

app.synth();
k8s.synth();
