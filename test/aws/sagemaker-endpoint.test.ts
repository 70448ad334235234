import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { FactName, RegionInfo } from 'aws-cdk-lib/region-info';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { EBS_ONLY_FAMILIES, INSTANCE_STORE_FAMILIES, ModelWeights } from '../../constructs/aws/sagemaker-common.js';
import { SageMakerInferenceEndpoint } from '../../constructs/aws/sagemaker-endpoint.js';
import { DLC_REGISTRY_ACCOUNTS_IN_CDK, DLC_REGISTRY_ACCOUNTS_NOT_IN_CDK, dlcRegistryAccountOf } from '../../constructs/aws/sagemaker-image.js';
import { TOKEN_METRIC_NAME, TokenMetricSource } from '../../constructs/aws/sagemaker-token-metric.js';
import { INSTANCE_TYPES } from '../../lib/accelerators.js';
import { modelPreset } from '../../lib/models.js';
import { ModelServer, sagemakerStartupTimeouts } from '../../lib/servers.js';
import { addSageMakerReference } from '../../bin/reference/sagemaker.js';
import { cfnLintAssembly, formatCfnLintFindings } from '../support/cfn-lint.js';
import { addNagChecks, formatNagViolations, synthWithNag } from '../support/nag.js';

const TOKEN_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:hugging-face-token-AbCdEf';
const INF2_ENDPOINT_NAME = 'llama-inf2';

/** GIVEN one app with the two single-model scenarios (synthesized once for the whole file). */
function buildApp() {
  const app = new App();
  addNagChecks(app);

  const inf2Stack = new Stack(app, 'Inf2');
  const tokenSecret = secretsmanager.Secret.fromSecretCompleteArn(inf2Stack, 'Token', TOKEN_SECRET_ARN);
  const inf2 = new SageMakerInferenceEndpoint(inf2Stack, 'Llama', {
    model: modelPreset('llama-3-1-8b'),
    // ml.inf2.xlarge's 16 GiB of host memory cannot hold the 8B checkpoint LMI neuronx loads
    // through it (see the validation test below), so the scenario runs on ml.inf2.8xlarge.
    instanceType: 'ml.inf2.8xlarge',
    modelWeights: ModelWeights.fromHuggingFace({ tokenSecret }),
    endpointName: INF2_ENDPOINT_NAME,
    scaling: { minReplicas: 1, maxReplicas: 4 },
  });
  const client = new iam.Role(inf2Stack, 'Client', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  inf2.grantInvoke(client);

  const gpuStack = new Stack(app, 'Gpu');
  const bucket = s3.Bucket.fromBucketName(gpuStack, 'Weights', 'model-weights-bucket');
  const vpc = new ec2.Vpc(gpuStack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  vpc.addFlowLog('FlowLog');
  const gpu = new SageMakerInferenceEndpoint(gpuStack, 'Qwen', {
    model: modelPreset('qwen2-5-7b'),
    instanceType: 'ml.g6e.xlarge',
    modelWeights: ModelWeights.fromS3Prefix(bucket, 'models/qwen2-5-7b'),
    vpc,
    networkIsolation: true,
    tokenMetricSource: TokenMetricSource.customMetric({
      namespace: 'InferenceConstructs',
      metricName: TOKEN_METRIC_NAME,
      dimensions: { EndpointName: 'qwen-gpu', VariantName: 'AllTraffic' },
    }),
    endpointName: 'qwen-gpu',
    volumeSizeInGB: 100,
    logRetention: logs.RetentionDays.ONE_WEEK,
    planning: { peakTokensPerSecond: 2000 },
  });

  const reference = addSageMakerReference(app);

  // Step scaling: scale out only on load that lasts 5 minutes (scaling.scaleOutMinutes).
  const stepStack = new Stack(app, 'Step');
  const stepSecret = secretsmanager.Secret.fromSecretCompleteArn(stepStack, 'Token', TOKEN_SECRET_ARN);
  const step = new SageMakerInferenceEndpoint(stepStack, 'Llama', {
    model: modelPreset('llama-3-1-8b'),
    instanceType: 'ml.inf2.8xlarge',
    modelWeights: ModelWeights.fromHuggingFace({ tokenSecret: stepSecret }),
    endpointName: 'llama-inf2-step',
    scaling: { minReplicas: 1, maxReplicas: 4, scaleOutMinutes: 5 },
  });

  const { assembly, violations } = synthWithNag(app);
  return { app, assembly, violations, inf2, gpu, inf2Stack, gpuStack, reference, step };
}

describe('SageMakerInferenceEndpoint', () => {
  let built: ReturnType<typeof buildApp>;
  let inf2: Template;
  let gpu: Template;

  beforeAll(() => {
    built = buildApp();
    inf2 = Template.fromJSON(built.assembly.getStackByName('Inf2').template);
    gpu = Template.fromJSON(built.assembly.getStackByName('Gpu').template);
  });

  describe('on Inferentia2 with Hub weights', () => {
    test('pulls the pinned LMI neuronx image from the regional DLC account mapping', () => {
      const image = ModelServer.of('djl-lmi-neuronx').profile.sagemakerImage!;
      inf2.hasResourceProperties('AWS::SageMaker::Model', {
        PrimaryContainer: {
          Image: {
            'Fn::Join': ['', [
              { 'Fn::FindInMap': ['DlcRegistryAccounts', { Ref: 'AWS::Region' }, 'account'] },
              '.dkr.ecr.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' },
              `/${image.repository}:${image.tag}`,
            ]],
          },
        },
      });
      const mapping = inf2.toJSON().Mappings.DlcRegistryAccounts;
      expect(mapping['us-east-1']).toEqual({ account: '763104351884' });
      expect(mapping['eu-west-1']).toEqual({ account: '763104351884' });
      // DLC available_images.md, Region Availability: Africa (Cape Town) 626614931356, Asia Pacific
      // (Osaka) 364406365360; aws-cdk-lib 2.276's region facts have neither.
      // https://github.com/aws/deep-learning-containers/blob/master/available_images.md
      expect(mapping['af-south-1']).toEqual({ account: '626614931356' });
      expect(mapping['ap-northeast-3']).toEqual({ account: '364406365360' });
      expect(image.tag).not.toBe('latest');
    });

    test('sets the server environment from the plan and downloads the model id from the Hub', () => {
      const plan = built.inf2.plan;
      inf2.hasResourceProperties('AWS::SageMaker::Model', {
        EnableNetworkIsolation: false,
        PrimaryContainer: {
          Environment: Match.objectLike({
            HF_MODEL_ID: 'meta-llama/Llama-3.1-8B-Instruct',
            OPTION_TENSOR_PARALLEL_DEGREE: String(plan.tensorParallelDegree),
            // LMI neuronx 0.30.0 overwrites max_model_len with n_positions (neuron_utils/utils.py).
            OPTION_N_POSITIONS: String(plan.contextTokens),
            OPTION_DTYPE: 'bf16',
            // djl-serving PyModel.java: option.model_loading_timeout overrides the image's 1200 s.
            OPTION_MODEL_LOADING_TIMEOUT: String(sagemakerStartupTimeouts(built.inf2.modelServer, plan).containerStartupHealthCheckTimeoutInSeconds),
          }),
          ModelDataSource: Match.absent(),
        },
      });
    });

    test('injects the Hugging Face token as a dynamic reference, never as a literal', () => {
      inf2.hasResourceProperties('AWS::SageMaker::Model', {
        PrimaryContainer: { Environment: Match.objectLike({ HF_TOKEN: `{{resolve:secretsmanager:${TOKEN_SECRET_ARN}:SecretString:::}}` }) },
      });
    });

    test('sizes the volume, timeouts and encryption for an EBS-backed instance', () => {
      const timeouts = sagemakerStartupTimeouts(built.inf2.modelServer, built.inf2.plan);
      const volume = Math.ceil(2 * built.inf2.plan.memory.weightsGiB * 1.073741824 + 30);
      inf2.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LlamaKey'), 'Arn'] },
        ProductionVariants: [{
          VariantName: 'AllTraffic',
          InstanceType: 'ml.inf2.8xlarge',
          InitialInstanceCount: 1,
          InitialVariantWeight: 1,
          VolumeSizeInGB: volume,
          ModelDataDownloadTimeoutInSeconds: timeouts.modelDataDownloadTimeoutInSeconds,
          ContainerStartupHealthCheckTimeoutInSeconds: timeouts.containerStartupHealthCheckTimeoutInSeconds,
          ModelName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LlamaModel'), 'ModelName'] },
          RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
        }],
      });
      expect(volume).toBeGreaterThan(2 * built.inf2.plan.memory.weightsGiB);
    });

    test('creates the endpoint after its log group, with the given name, keeping the scaled instance count on updates', () => {
      const endpoints = inf2.findResources('AWS::SageMaker::Endpoint');
      const [endpoint] = Object.values(endpoints);
      expect(endpoint.Properties.EndpointName).toBe(INF2_ENDPOINT_NAME);
      expect(endpoint.Properties.RetainAllVariantProperties).toBe(true);
      expect(endpoint.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^LlamaLogGroup/)]));
    });

    test('creates the container log group with retention and the rotating key', () => {
      inf2.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/sagemaker/Endpoints/${INF2_ENDPOINT_NAME}`,
        RetentionInDays: 30,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LlamaKey'), 'Arn'] },
      });
      inf2.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
            Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          })]),
        },
      });
    });

    test('extracts tokens/s from the server throughput line with a metric filter', () => {
      const metric = ModelServer.of('djl-lmi-neuronx').profile.tokenMetric;
      inf2.hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterPattern: metric.cloudWatchFilterPattern,
        LogGroupName: { Ref: Match.stringLikeRegexp('^LlamaLogGroup') },
        MetricTransformations: [{
          MetricName: 'GeneratedTokensPerSecond',
          MetricNamespace: `InferenceConstructs/Endpoints/${INF2_ENDPOINT_NAME}`,
          MetricValue: metric.cloudWatchValueField,
          Unit: 'Count/Second',
        }],
      });
    });

    test('scales the variant instance count between the policy bounds', () => {
      inf2.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        ServiceNamespace: 'sagemaker',
        ResourceId: `endpoint/${INF2_ENDPOINT_NAME}/variant/AllTraffic`,
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        MinCapacity: 1,
        MaxCapacity: 4,
      });
    });

    test('tracks tokens per second per instance at the plan target with metric math', () => {
      inf2.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: built.inf2.plan.targetTokensPerSecondPerReplica,
          ScaleOutCooldown: 180,
          ScaleInCooldown: 600,
          CustomizedMetricSpecification: {
            Metrics: [
              {
                Id: 'tokens',
                MetricStat: {
                  Metric: { MetricName: 'GeneratedTokensPerSecond', Namespace: `InferenceConstructs/Endpoints/${INF2_ENDPOINT_NAME}` },
                  Stat: 'Average',
                },
                ReturnData: false,
              },
              { Id: 'tokens_per_instance', Expression: 'FILL(tokens, 0)', Label: 'Output tokens/s per instance', ReturnData: true },
            ],
          },
        },
      });
      expect(built.inf2.plan.targetTokensPerSecondPerReplica).toBeCloseTo(
        built.inf2.plan.throughput.tokensPerSecondPerReplica * built.inf2.plan.targetUtilization, 0);
    });

    test('guards with the high-resolution concurrency policy on the same target', () => {
      const plan = built.inf2.plan;
      inf2.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        PolicyType: 'TargetTrackingScaling',
        ScalingTargetId: { Ref: Match.stringLikeRegexp('^LlamaScalableTarget') },
        TargetTrackingScalingPolicyConfiguration: {
          PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantConcurrentRequestsPerModelHighResolution' },
          TargetValue: Math.round(plan.concurrentSequences * plan.targetUtilization),
        },
      });
      inf2.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 2);
    });

    test('alarms on 5xx errors, p90 model latency and time at maximum capacity', () => {
      inf2.resourceCountIs('AWS::CloudWatch::Alarm', 3);
      inf2.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SageMaker', MetricName: 'Invocation5XXErrors', Statistic: 'Sum', Period: 300, Threshold: 5,
        Dimensions: [{ Name: 'EndpointName', Value: INF2_ENDPOINT_NAME }, { Name: 'VariantName', Value: 'AllTraffic' }],
      });
      inf2.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ModelLatency', ExtendedStatistic: 'p90', Threshold: 60_000_000, EvaluationPeriods: 3,
      });
      inf2.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: 4,
        EvaluationPeriods: 15,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'IF(ipi > 0, inv / ipi)' }),
          Match.objectLike({ Id: 'ipi', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'InvocationsPerInstance' }), Stat: 'Sum' }) }),
        ]),
      });
    });

    test('creates a dashboard for the endpoint', () => {
      inf2.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    });

    test('gives the execution role only the image, log and key permissions it needs', () => {
      const policies = Object.values(inf2.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^LlamaRole') }] },
      }));
      expect(policies).toHaveLength(1);
      const actions = (policies[0].Properties.PolicyDocument.Statement as { Action: string | string[] }[])
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
      expect(actions).toEqual([
        'ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetAuthorizationToken', 'ecr:GetDownloadUrlForLayer',
        'kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey',
        'cloudwatch:PutMetricData', 'logs:CreateLogGroup',
        'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents',
      ].sort());
      inf2.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] },
      });
    });

    test('grantInvoke allows both invoke actions on the endpoint ARN', () => {
      inf2.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^Client') }],
        PolicyDocument: {
          Statement: [{
            Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', Match.arrayWith([`:endpoint/${INF2_ENDPOINT_NAME}`])] },
          }],
        },
      });
    });

    test('matches the snapshot', () => {
      expect(inf2.toJSON()).toMatchSnapshot();
    });
  });

  describe('on an NVIDIA GPU with S3 weights in a VPC', () => {
    test('stages the weights from the S3 prefix uncompressed, under network isolation', () => {
      gpu.hasResourceProperties('AWS::SageMaker::Model', {
        EnableNetworkIsolation: true,
        PrimaryContainer: {
          ModelDataSource: {
            S3DataSource: { S3Uri: 's3://model-weights-bucket/models/qwen2-5-7b/', S3DataType: 'S3Prefix', CompressionType: 'None' },
          },
          Environment: Match.objectLike({ HF_MODEL_ID: Match.absent(), HF_TOKEN: Match.absent(), OPTION_ROLLING_BATCH: 'vllm' }),
          Image: { 'Fn::Join': ['', Match.arrayWith([`/${ModelServer.of('vllm').profile.sagemakerImage!.repository}:${ModelServer.of('vllm').profile.sagemakerImage!.tag}`])] },
        },
        VpcConfig: {
          SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^QwenSecurityGroup'), 'GroupId'] }],
          Subnets: [{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') }],
        },
      });
    });

    test('omits VolumeSizeInGB and KmsKeyId on an instance with local NVMe storage', () => {
      gpu.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
        KmsKeyId: Match.absent(),
        ProductionVariants: [Match.objectLike({ InstanceType: 'ml.g6e.xlarge', VolumeSizeInGB: Match.absent() })],
      });
      Annotations.fromStack(built.gpuStack).hasWarning('/Gpu/Qwen', Match.stringLikeRegexp('volumeSizeInGB is not supported'));
    });

    test('scales on the custom metric the container publishes, with its dimensions', () => {
      gpu.resourceCountIs('AWS::Logs::MetricFilter', 0);
      gpu.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        TargetTrackingScalingPolicyConfiguration: {
          CustomizedMetricSpecification: {
            Metrics: Match.arrayWith([Match.objectLike({
              MetricStat: {
                Metric: {
                  Namespace: 'InferenceConstructs',
                  MetricName: 'GeneratedTokensPerSecond',
                  Dimensions: [{ Name: 'EndpointName', Value: 'qwen-gpu' }, { Name: 'VariantName', Value: 'AllTraffic' }],
                },
                Stat: 'Average',
              },
            })]),
          },
        },
      });
    });

    test('sizes maxReplicas from the planned peak', () => {
      gpu.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        MinCapacity: 1,
        MaxCapacity: built.gpu.plan.replicasForPeak,
      });
      expect(built.gpu.plan.replicasForPeak).toBeGreaterThan(1);
    });

    test('lets the role read only the model prefix, put the token metric and manage VPC interfaces', () => {
      const statements = Object.values(gpu.findResources('AWS::IAM::Policy'))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
      expect(statements).toEqual(expect.arrayContaining([
        expect.objectContaining({ Action: 's3:GetObject' }),
        expect.objectContaining({
          Action: 's3:ListBucket',
          Condition: { StringLike: { 's3:prefix': ['models/qwen2-5-7b/*'] } },
        }),
        expect.objectContaining({
          Action: 'cloudwatch:PutMetricData',
          Resource: '*',
          Condition: { StringEquals: { 'cloudwatch:namespace': 'InferenceConstructs' } },
        }),
        expect.objectContaining({ Sid: 'VpcNetworkInterfaces' }),
      ]));
      gpu.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/sagemaker/Endpoints/qwen-gpu', RetentionInDays: 7 });
    });

    test('matches the snapshot', () => {
      expect(gpu.toJSON()).toMatchSnapshot();
    });
  });

  test('reference app serves Llama 3.1 8B on the planned Inferentia2 instance, scaled on tokens/s', () => {
    const reference = Template.fromJSON(built.assembly.getStackByName(built.reference.stackName).template);
    reference.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ InstanceType: Match.stringLikeRegexp('^ml\\.inf2\\.') })],
    });
    reference.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: { Environment: Match.objectLike({ HF_MODEL_ID: 'meta-llama/Llama-3.1-8B-Instruct', HF_TOKEN: Match.anyValue() }) },
    });
    reference.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        CustomizedMetricSpecification: Match.objectLike({ Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(tokens, 0)' })]) }),
      }),
    });
    expect(reference.toJSON()).toMatchSnapshot();
  });

  test('synthesizes templates cfn-lint accepts', async () => {
    const findings = await cfnLintAssembly(built.assembly);
    expect(findings, formatCfnLintFindings(findings)).toEqual([]);
  });

  test('passes the cdk-nag AwsSolutions checks', () => {
    expect(built.violations, formatNagViolations(built.violations)).toEqual([]);
  });

  test('imports an existing endpoint by name with its metrics and invoke grant', () => {
    const stack = new Stack(new App(), 'Import');
    const endpoint = SageMakerInferenceEndpoint.fromEndpointName(stack, 'Existing', 'Chat-Endpoint');
    expect(endpoint.endpointName).toBe('Chat-Endpoint');
    expect(stack.resolve(endpoint.endpointArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':endpoint/chat-endpoint']],
    });
    const latency = endpoint.metricModelLatency({ period: Duration.minutes(1) });
    expect(latency.namespace).toBe('AWS/SageMaker');
    expect(latency.statistic).toBe(cloudwatch.Stats.AVERAGE);
    expect(latency.dimensions).toEqual({ EndpointName: 'Chat-Endpoint', VariantName: 'AllTraffic' });
    expect(endpoint.metricInvocation5XXErrors().statistic).toBe('Sum');
  });
});

// Every SageMaker row is classified: SageMaker host instance storage (docs.aws.amazon.com/sagemaker/latest/dg/host-instance-storage.html)
// and the EC2 Instance Types guide's instance store table (g7e, p6-b200, trn2 have NVMe instance store).
describe('SageMakerInferenceEndpoint step scaling (scaling.scaleOutMinutes above 3)', () => {
  let built: ReturnType<typeof buildApp>;
  let step: Template;
  beforeAll(() => {
    built = buildApp();
    step = Template.fromJSON(built.assembly.getStackByName('Step').template);
  });

  test('renders step scaling, not target tracking: AAS fixes a target-tracking scale-out alarm at 3 datapoints', () => {
    expect(built.step.tokenScalingPolicy).toBeUndefined();
    expect(built.step.concurrencyScalingPolicy).toBeUndefined();
    expect(Object.keys(step.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', { Properties: { PolicyType: 'TargetTrackingScaling' } }))).toEqual([]);
    step.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 2);
  });

  test('scales out by percent of capacity, at least one instance, by breach of the load ratio', () => {
    step.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'PercentChangeInCapacity',
        MinAdjustmentMagnitude: 1,
        Cooldown: built.step.scalingPolicy.scaleUp.stabilizationWindowSeconds,
        MetricAggregationType: 'Average',
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 0.25, ScalingAdjustment: 25 },
          { MetricIntervalLowerBound: 0.25, MetricIntervalUpperBound: 0.5, ScalingAdjustment: 50 },
          { MetricIntervalLowerBound: 0.5, ScalingAdjustment: 100 },
        ],
      },
    });
    step.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      StepScalingPolicyConfiguration: Match.objectLike({
        Cooldown: built.step.scalingPolicy.scaleDown.stabilizationWindowSeconds,
        StepAdjustments: [
          { MetricIntervalUpperBound: -0.4, ScalingAdjustment: -50 },
          { MetricIntervalLowerBound: -0.4, MetricIntervalUpperBound: -0.15, ScalingAdjustment: -25 },
          { MetricIntervalLowerBound: -0.15, MetricIntervalUpperBound: 0, ScalingAdjustment: -10 },
        ],
      }),
    });
  });

  test('alarms on MAX(tokens / target, concurrency / guard): 5 datapoints above 1 to scale out, 15 below 0.9 to scale in', () => {
    const policy = built.step.scalingPolicy;
    const alarms = Object.values(step.findResources('AWS::CloudWatch::Alarm')).filter((a) => JSON.stringify(a).includes('MAX([signal, guard])'));
    const byThreshold = Object.fromEntries(alarms.map((a) => [a.Properties.Threshold, a.Properties]));
    expect(byThreshold[1]).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 5, DatapointsToAlarm: 5 });
    expect(byThreshold[0.9]).toMatchObject({ ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 15, DatapointsToAlarm: 15 });
    const queries = JSON.stringify(byThreshold[1].Metrics);
    expect(queries).toContain(`FILL(tokens, 0) / ${policy.targetTokensPerSecondPerReplica}`);
    expect(queries).toContain('ConcurrentRequestsPerModel');
    expect(byThreshold[1].AlarmActions).toEqual([expect.objectContaining({ Ref: expect.stringMatching(/^LlamaScaleOutScaling/) })]);
    expect(byThreshold[0.9].AlarmActions).toEqual([expect.objectContaining({ Ref: expect.stringMatching(/^LlamaScaleInScaling/) })]);
  });

  test('refuses scaleOutMinutes below target tracking\'s 3 or above an hour, naming the prop', () => {
    for (const scaleOutMinutes of [2, 61, 4.5]) {
      const stack = new Stack(new App(), 'Bad');
      const tokenSecret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Token', TOKEN_SECRET_ARN);
      expect(() => new SageMakerInferenceEndpoint(stack, 'Llama', {
        model: modelPreset('llama-3-1-8b'),
        instanceType: 'ml.inf2.8xlarge',
        modelWeights: ModelWeights.fromHuggingFace({ tokenSecret }),
        scaling: { scaleOutMinutes },
      })).toThrow(/ScalingBehaviourInvalid.*scaleOutMinutes/s);
    }
  });
});

describe('SageMaker instance storage table (SageMaker host instance storage; EC2 instance store volumes)', () => {
  test.each(INSTANCE_TYPES.filter((row) => row.sagemakerInstanceType !== undefined).map((row) => [row.sagemakerInstanceType, row.family]))(
    '%s (family %s) is classified as instance-store or EBS-only',
    (_name, family) => {
      expect(INSTANCE_STORE_FAMILIES.has(family as string) !== EBS_ONLY_FAMILIES.has(family as string)).toBe(true);
    },
  );
});

// djl-serving PyModel.java: OPTION_MODEL_LOADING_TIMEOUT (option.model_loading_timeout) is how
// long the worker may load; SageMaker kills a container that is not healthy after
// ContainerStartupHealthCheckTimeoutInSeconds (CreateEndpointConfig ProductionVariant). An explicit
// health-check timeout is the loading timeout too, so DJL neither gives up early nor outlives it.
describe('SageMaker LMI loading timeout (djl-serving PyModel.java option.model_loading_timeout)', () => {
  test.each([
    ['ml.inf2.8xlarge', 'llama-3-1-8b'],
    ['ml.g6e.xlarge', 'qwen2-5-7b'],
  ])('on %s an explicit ContainerStartupHealthCheckTimeoutInSeconds is passed to OPTION_MODEL_LOADING_TIMEOUT', (instanceType, model) => {
    const stack = new Stack(new App(), 'Timeout');
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights');
    new SageMakerInferenceEndpoint(stack, 'Endpoint', {
      model: modelPreset(model),
      instanceType,
      modelWeights: ModelWeights.fromS3Prefix(bucket, 'weights/'),
      containerStartupHealthCheckTimeoutInSeconds: 3000,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: { Environment: Match.objectLike({ OPTION_MODEL_LOADING_TIMEOUT: '3000' }) },
    });
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ ContainerStartupHealthCheckTimeoutInSeconds: 3000 })],
    });
  });
});

describe('SageMakerInferenceEndpoint validation', () => {
  function attempt(overrides: Partial<ConstructorParameters<typeof SageMakerInferenceEndpoint>[2]>) {
    const stack = new Stack(new App(), 'Bad');
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights');
    return () => new SageMakerInferenceEndpoint(stack, 'Endpoint', {
      model: modelPreset('qwen2-5-7b'),
      instanceType: 'ml.g6e.xlarge',
      modelWeights: ModelWeights.fromS3Prefix(bucket, 'qwen/'),
      ...overrides,
    });
  }

  test('throws when the instance type is unknown', () => {
    expect(attempt({ instanceType: 'ml.g9.huge' })).toThrow(/\[InstanceTypeUnknown\]/);
  });

  test('throws when the instance type is not offered by SageMaker', () => {
    expect(attempt({ instanceType: 'ct5lp-hightpu-4t' })).toThrow(/\[InstanceTypeNotOnSageMaker\]/);
  });

  test('throws when the model fits no tensor-parallel degree of the instance', () => {
    expect(attempt({ model: modelPreset('llama-3-1-70b'), instanceType: 'ml.g6e.xlarge' })).toThrow(/\[ModelDoesNotFit\]/);
  });

  // LMI neuronx loads and compiles the checkpoint in host memory before it moves to the
  // NeuronCores (djl-serving LMI neuronx user guide, docs.djl.ai .../lmi/user_guides/tnx_user_guide.html;
  // SageMaker JumpStart hosts Llama 3.1 8B on Neuron from ml.inf2.8xlarge up): the 16 GiB
  // ml.inf2.xlarge cannot hold the 8B bf16 checkpoint (14.96 GiB) beside the host's reservation.
  test('refuses ml.inf2.xlarge for an 8B model on LMI neuronx: its host memory cannot hold the checkpoint (LMI neuronx user guide)', () => {
    const stack = new Stack(new App(), 'Bad');
    const tokenSecret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Token', TOKEN_SECRET_ARN);
    const create = () => new SageMakerInferenceEndpoint(stack, 'Endpoint', {
      model: modelPreset('llama-3-1-8b'),
      instanceType: 'ml.inf2.xlarge',
      modelWeights: ModelWeights.fromHuggingFace({ tokenSecret }),
    });
    expect(create).toThrow(/\[HostMemoryInsufficient\].*inf2\.8xlarge/);
    // Nothing half-made: the refusal comes before any resource of the endpoint.
    expect(stack.node.tryFindChild('Endpoint')?.node.children ?? []).toHaveLength(0);
  });

  test('throws when minReplicas is above maxReplicas', () => {
    expect(attempt({ scaling: { minReplicas: 3, maxReplicas: 2 } })).toThrow(/\[MinAboveMax\]/);
  });

  test('throws when the token target is not positive', () => {
    expect(attempt({ scaling: { targetTokensPerSecondPerReplica: 0 } })).toThrow(/\[ThroughputInvalid\]/);
  });

  test('throws when scale to zero is asked of a single-model endpoint', () => {
    expect(attempt({ scaling: { scaleToZero: true } })).toThrow(/\[ScaleToZeroUnsupported\].*inference components/);
    expect(attempt({ scaling: { minReplicas: 0 } })).toThrow(/\[ScaleToZeroUnsupported\]/);
  });

  test('throws when a gated model is downloaded from the Hub without a token secret', () => {
    expect(attempt({ model: modelPreset('llama-3-1-8b'), modelWeights: ModelWeights.fromHuggingFace() }))
      .toThrow(/\[HuggingFaceTokenMissing\].*fromS3Prefix/);
  });

  test('throws when network isolation would block a Hub download', () => {
    expect(attempt({ modelWeights: ModelWeights.fromHuggingFace(), networkIsolation: true })).toThrow(/\[NetworkIsolationConflict\] networkIsolation/);
  });

  test('throws when the endpoint name is longer than 63 characters or malformed', () => {
    expect(attempt({ endpointName: 'a'.repeat(64) })).toThrow(/\[SageMakerNameInvalid\] endpointName/);
    expect(attempt({ endpointName: 'bad_name' })).toThrow(/\[SageMakerNameInvalid\] endpointName/);
  });

  test('throws when a startup timeout is outside 60 to 3600 seconds', () => {
    expect(attempt({ containerStartupHealthCheckTimeoutInSeconds: 7200 })).toThrow(/\[StartupTimeoutOutOfRange\] containerStartupHealthCheckTimeoutInSeconds/);
    expect(attempt({ modelDataDownloadTimeoutInSeconds: 30 })).toThrow(/\[StartupTimeoutOutOfRange\] modelDataDownloadTimeoutInSeconds/);
  });

  test('throws when the volume size is outside what SageMaker accepts', () => {
    expect(attempt({ instanceType: 'ml.inf2.8xlarge', model: modelPreset('llama-3-1-8b'), volumeSizeInGB: 1000 })).toThrow(/\[VolumeSizeOutOfRange\] volumeSizeInGB/);
  });

  test('throws when the server logs no throughput line and no custom metric is given', () => {
    const vllm = ModelServer.of('vllm').profile;
    const silent = { ...vllm, tokenMetric: { ...vllm.tokenMetric, cloudWatchFilterPattern: undefined } };
    expect(attempt({ modelServer: ModelServer.custom(silent) })).toThrow(/\[TokenMetricUnavailable\].*customMetric/);
  });

  test('throws when the concurrency target is not positive', () => {
    expect(attempt({ concurrentRequestsPerInstanceTarget: 0 })).toThrow(/\[ConcurrencyTargetInvalid\] concurrentRequestsPerInstanceTarget: .*received 0/);
  });

  test('throws when an alarm threshold is not positive', () => {
    expect(attempt({ alarms: { invocation5XXErrorsThreshold: 0 } })).toThrow(/\[AlarmThresholdInvalid\] alarms\.invocation5XXErrorsThreshold/);
    expect(attempt({ alarms: { atMaxCapacityMinutes: -5 } })).toThrow(/\[AlarmThresholdInvalid\] alarms\.atMaxCapacityMinutes/);
  });

  test('throws when the SageMaker image of the server is not pinned', () => {
    // A server reaches the construct only as a ModelServer, and ModelServer.custom checks the pin.
    const vllm = ModelServer.of('vllm').profile;
    const unpinned = { ...vllm, sagemakerImage: { ...vllm.sagemakerImage!, tag: 'latest' } };
    expect(() => ModelServer.custom(unpinned)).toThrow(/\[ImageNotPinned\] profile\.sagemakerImage/);
  });

  test('throws when a custom metric uses an AWS namespace', () => {
    expect(() => TokenMetricSource.customMetric({ namespace: 'AWS/SageMaker', metricName: 'x', dimensions: {} })).toThrow(/\[MetricNamespaceInvalid\] tokenMetricSource\.namespace/);
  });

  test('resolves the DLC account as a literal when the stack has a concrete region', () => {
    const stack = new Stack(new App(), 'Regional', { env: { account: '111122223333', region: 'eu-west-1' } });
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights-bucket');
    const endpoint = new SageMakerInferenceEndpoint(stack, 'Endpoint', {
      model: modelPreset('qwen2-5-7b'), instanceType: 'ml.g6e.xlarge', modelWeights: ModelWeights.fromS3Prefix(bucket, 'qwen/'),
    });
    const image = ModelServer.of('vllm').profile.sagemakerImage!;
    expect(stack.resolve(endpoint.image.imageUri)).toEqual({
      'Fn::Join': ['', ['763104351884.dkr.ecr.eu-west-1.', { Ref: 'AWS::URLSuffix' }, `/${image.repository}:${image.tag}`]],
    });
    expect(stack.resolve(endpoint.image.registryAccount)).toBe('763104351884');
  });

  // DLC available_images.md lists af-south-1 (626614931356); aws-cdk-lib's region facts do not.
  test('pulls from the DLC registry of af-south-1, which aws-cdk-lib does not list', () => {
    const stack = new Stack(new App(), 'CapeTown', { env: { account: '111122223333', region: 'af-south-1' } });
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights-bucket');
    const endpoint = new SageMakerInferenceEndpoint(stack, 'Endpoint', {
      model: modelPreset('qwen2-5-7b'), instanceType: 'ml.g6e.xlarge', modelWeights: ModelWeights.fromS3Prefix(bucket, 'qwen/'), dashboard: false,
    });
    expect(endpoint.image.imageUri).toMatch(/^626614931356\.dkr\.ecr\.af-south-1\./);
  });

  test('throws when the stack region publishes no Deep Learning Containers', () => {
    const stack = new Stack(new App(), 'NoDlc', { env: { account: '111122223333', region: 'us-gov-west-1' } });
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights-bucket');
    expect(() => new SageMakerInferenceEndpoint(stack, 'Endpoint', {
      model: modelPreset('qwen2-5-7b'), instanceType: 'ml.g6e.xlarge', modelWeights: ModelWeights.fromS3Prefix(bucket, 'qwen/'),
    })).toThrow(/\[RegionUnsupported\]/);
  });

  // The first read of a region fact loads aws-cdk-lib's whole fact table (about 120 ms of a
  // synth), so the DLC accounts are held in sagemaker-image.ts; they must stay the facts.
  test('holds exactly the DLC accounts of the installed aws-cdk-lib region facts, plus regions they lack', () => {
    expect(DLC_REGISTRY_ACCOUNTS_IN_CDK).toEqual(RegionInfo.regionMap(FactName.DLC_REPOSITORY_ACCOUNT));
    for (const region of Object.keys(DLC_REGISTRY_ACCOUNTS_NOT_IN_CDK)) expect(RegionInfo.get(region).dlcRepositoryAccount).toBeUndefined();
  });

  test('looks a concrete region these tables lack up in the installed aws-cdk-lib facts', () => {
    const get = vi.spyOn(RegionInfo, 'get').mockImplementation((region: string) => ({ dlcRepositoryAccount: region === 'xx-new-1' ? '123456789012' : undefined }) as RegionInfo);
    try {
      expect(dlcRegistryAccountOf('xx-new-1')).toBe('123456789012');
      expect(dlcRegistryAccountOf('us-east-1')).toBe('763104351884');
      expect(get).toHaveBeenCalledTimes(1);
    } finally {
      get.mockRestore();
    }
  });

  test('warns when more replicas fit on the instance than the one model server uses', () => {
    const stack = new Stack(new App(), 'Packed');
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights-bucket');
    new SageMakerInferenceEndpoint(stack, 'Endpoint', {
      model: modelPreset('llama-3-1-8b'), instanceType: 'ml.inf2.48xlarge', modelWeights: ModelWeights.fromS3Prefix(bucket, 'llama/'), dashboard: false,
    });
    Annotations.fromStack(stack).hasWarning('/Packed/Endpoint', Match.stringLikeRegexp('SageMakerInferenceComponentEndpoint'));
  });

  test('warns that an imported key needs a policy for the log group', () => {
    const stack = new Stack(new App(), 'ImportedKey');
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights-bucket');
    new SageMakerInferenceEndpoint(stack, 'Endpoint', {
      model: modelPreset('qwen2-5-7b'), instanceType: 'ml.g6e.xlarge', modelWeights: ModelWeights.fromS3Prefix(bucket, 'qwen/'), dashboard: false,
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    });
    Annotations.fromStack(stack).hasWarning('/ImportedKey/Endpoint', Match.stringLikeRegexp('logs.<region>.amazonaws.com'));
  });

  test('throws when an S3 prefix starts with a slash', () => {
    const stack = new Stack(new App(), 'Prefix');
    expect(() => ModelWeights.fromS3Prefix(s3.Bucket.fromBucketName(stack, 'B', 'weights-bucket'), '/models')).toThrow(/\[S3PrefixInvalid\] modelWeights.prefix/);
  });
});
