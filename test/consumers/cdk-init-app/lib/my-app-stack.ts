// Consumer app 1: written against the public API of /work/notes/api-design.md (jsii-shaped names).
import * as cdk from 'aws-cdk-lib/core';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { App as K8sApp, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AcceleratorClass,
  CapacityPlanner,
  EksInferenceCluster,
  KubernetesPlatform,
  Model,
  ModelDeployment,
  ModelWeights,
  PrometheusSource,
  SageMakerInferenceEndpoint,
  ScrapeBackend,
  TriggerAuthenticationKind,
} from 'inference-constructs';

export class MyAppStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);

    // `npm run bench` times this app against itself with the stack emptied (same imports).
    if (process.env.IC_BENCH_EMPTY_STACK === 'true') {
      new cdk.CfnWaitConditionHandle(this, 'Handle');
      return;
    }

    // Llama 3.1 8B on a SageMaker real-time endpoint (Inferentia2), weights from S3.
    const weights = s3.Bucket.fromBucketName(this, 'Weights', 'my-model-weights');
    new SageMakerInferenceEndpoint(this, 'Llama', {
      model: Model.LLAMA_3_1_8B,
      instanceType: 'ml.inf2.8xlarge',
      modelWeights: ModelWeights.fromS3Prefix(weights, 'models/llama-3-1-8b/'),
    });

    // The same model on an EKS inference cluster, scaled by KEDA on generated tokens per second.
    const cluster = new EksInferenceCluster(this, 'Cluster');
    cluster.addAcceleratorPool('Inferentia2', {
      accelerator: AcceleratorClass.INFERENTIA2,
      instanceTypes: ['inf2.8xlarge'],
      poolName: 'inferentia2',
    });
    const chart = new Chart(new K8sApp(), 'llama', { namespace: 'inference' });
    // inf2.8xlarge: vLLM on Neuron loads the checkpoint through host RAM, which an inf2.xlarge
    // pod cannot hold for an 8B model (HostMemoryInsufficient).
    const llama = new ModelDeployment(chart, 'Model', {
      plan: CapacityPlanner.plan({ model: Model.LLAMA_3_1_8B, instanceType: 'inf2.8xlarge' }),
      platform: KubernetesPlatform.EKS_AUTO_MODE,
      scrapeBackend: ScrapeBackend.ANNOTATIONS,
      huggingFaceTokenSecret: { name: 'hf-token', key: 'token' },
    });
    llama.scaleOnTokenThroughput({
      minReplicas: 1,
      maxReplicas: 2,
      metricWindowSeconds: 120,
      scrapeIntervalSeconds: 30,
      prometheus: PrometheusSource.amazonManagedPrometheus({
        region: cluster.metrics.awsRegion!,
        workspaceId: cluster.metrics.workspace!.attrWorkspaceId,
        triggerAuthentication: {
          kind: TriggerAuthenticationKind.CLUSTER_TRIGGER_AUTHENTICATION,
          name: cluster.metrics.kedaAuthentication!.name,
        },
      }),
    });
    // The pods read their Hugging Face token from Secret hf-token (key token): deliver it from
    // Secrets Manager, or the cluster refuses the workload (SecretNotDelivered).
    cluster.addSecretFromSecretsManager('HfToken', {
      secret: secretsmanager.Secret.fromSecretNameV2(this, 'HfTokenSecret', 'hf-token'),
    });
    cluster.addInferenceWorkload('Llama', chart);
  }
}
