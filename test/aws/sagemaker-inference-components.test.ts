import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, test } from 'vitest';
import { ModelWeights } from '../../constructs/aws/sagemaker-common.js';
import { SageMakerInferenceComponentEndpoint, type SageMakerInferenceComponent } from '../../constructs/aws/sagemaker-inference-components.js';
import { modelPreset } from '../../lib/models.js';
import { cfnLintAssembly, formatCfnLintFindings } from '../support/cfn-lint.js';
import { addNagChecks, formatNagViolations, synthWithNag } from '../support/nag.js';

const ENDPOINT_NAME = 'shared-g6e';

/** GIVEN two models sharing one ml.g6e.12xlarge endpoint, one of them allowed to scale to zero. */
function buildApp() {
  const app = new App();
  addNagChecks(app);
  const stack = new Stack(app, 'Components');
  const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'model-weights-bucket');
  const endpoint = new SageMakerInferenceComponentEndpoint(stack, 'Shared', {
    instanceType: 'ml.g6e.12xlarge',
    endpointName: ENDPOINT_NAME,
  });
  const qwen = endpoint.addModel('Qwen', {
    model: modelPreset('qwen2-5-7b'),
    modelWeights: ModelWeights.fromS3Prefix(bucket, 'models/qwen2-5-7b/'),
    scaling: { minReplicas: 1, maxReplicas: 4 },
    inferenceComponentName: 'qwen-chat',
  });
  const mistral = endpoint.addModel('Mistral', {
    model: modelPreset('mistral-7b'),
    modelWeights: ModelWeights.fromS3Prefix(bucket, 'models/mistral-7b/'),
    scaling: { scaleToZero: true, minReplicas: 0, maxReplicas: 2 },
    inferenceComponentName: 'mistral-batch',
  });
  // Step scaling (scaling.scaleOutMinutes above 3) on a component that scales to zero.
  const stepStack = new Stack(app, 'Step');
  const stepBucket = s3.Bucket.fromBucketName(stepStack, 'Weights', 'model-weights-bucket');
  const stepEndpoint = new SageMakerInferenceComponentEndpoint(stepStack, 'Shared', { instanceType: 'ml.g6e.12xlarge', endpointName: 'step-components' });
  const stepped = stepEndpoint.addModel('Qwen', {
    model: modelPreset('qwen2-5-7b'),
    modelWeights: ModelWeights.fromS3Prefix(stepBucket, 'models/qwen2-5-7b/'),
    scaling: { scaleToZero: true, minReplicas: 0, maxReplicas: 4, scaleOutMinutes: 5 },
    inferenceComponentName: 'qwen-step',
  });
  const { assembly, violations } = synthWithNag(app);
  return { assembly, violations, endpoint, qwen, mistral, stepped };
}

describe('SageMakerInferenceComponentEndpoint', () => {
  let built: ReturnType<typeof buildApp>;
  let template: Template;

  beforeAll(() => {
    built = buildApp();
    template = Template.fromJSON(built.assembly.getStackByName('Components').template);
  });

  test('configures the endpoint with an execution role, managed instance scaling and no model in the variant', () => {
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ExecutionRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SharedRole'), 'Arn'] },
      KmsKeyId: Match.absent(),
      ProductionVariants: [{
        VariantName: 'AllTraffic',
        InstanceType: 'ml.g6e.12xlarge',
        InitialInstanceCount: 1,
        ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 1, MaxInstanceCount: 2 },
        RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
      }],
    });
    const [config] = Object.values(template.findResources('AWS::SageMaker::EndpointConfig'));
    expect(config.Properties.ProductionVariants[0].ModelName).toBeUndefined();
  });

  test('derives the instance bounds from the components: minimum copies packed, maximum copies per instance', () => {
    // 4 GPUs per instance and 1 GPU per copy: qwen's 1 minimum copy needs 1 instance; its 4
    // maximum copies fill 1 instance and mistral's 2 need another.
    expect(built.qwen.acceleratorDevicesPerCopy).toBe(1);
    expect(built.mistral.acceleratorDevicesPerCopy).toBe(1);
    expect(built.endpoint.cfnEndpointConfig.productionVariants).toBeDefined();
    const [config] = Object.values(template.findResources('AWS::SageMaker::EndpointConfig'));
    expect(config.Properties.ProductionVariants[0].ManagedInstanceScaling).toEqual({ Status: 'ENABLED', MinInstanceCount: 1, MaxInstanceCount: 2 });
  });

  test('counts NeuronCores on Inferentia2 and lets the instances go to zero when every component can', () => {
    const stack = new Stack(new App(), 'Neuron');
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights-bucket');
    const ep = new SageMakerInferenceComponentEndpoint(stack, 'Shared', { instanceType: 'ml.inf2.48xlarge', dashboard: false });
    const llama = ep.addModel('Llama', {
      model: modelPreset('llama-3-1-8b'),
      modelWeights: ModelWeights.fromS3Prefix(bucket, 'llama/'),
      scaling: { scaleToZero: true, minReplicas: 0, maxReplicas: 12 },
    });
    const neuron = Template.fromStack(stack);
    expect(llama.acceleratorDevicesPerCopy).toBe(llama.plan.neuronCoresPerReplica);
    neuron.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      Specification: { ComputeResourceRequirements: { NumberOfAcceleratorDevicesRequired: llama.plan.neuronCoresPerReplica } },
    });
    const perInstance = Math.floor(24 / (llama.plan.neuronCoresPerReplica as number));
    neuron.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SharedKey'), 'Arn'] },
      ProductionVariants: [Match.objectLike({
        InitialInstanceCount: 1,
        ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: Math.ceil(12 / perInstance) },
        VolumeSizeInGB: Math.ceil(2 * llama.plan.memory.weightsGiB * 1.073741824 + 30),
      })],
    });
  });

  test('places a VPC endpoint and its network isolation on the endpoint configuration', () => {
    const stack = new Stack(new App(), 'Private');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights-bucket');
    const ep = new SageMakerInferenceComponentEndpoint(stack, 'Shared', {
      instanceType: 'ml.g6e.12xlarge', vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, networkIsolation: true, dashboard: false,
    });
    ep.addModel('Qwen', { model: modelPreset('qwen2-5-7b'), modelWeights: ModelWeights.fromS3Prefix(bucket, 'qwen/') });
    const isolated = Template.fromStack(stack);
    isolated.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      EnableNetworkIsolation: true,
      VpcConfig: {
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^SharedSecurityGroup'), 'GroupId'] }],
        Subnets: [{ Ref: Match.stringLikeRegexp('^VpcisolatedSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcisolatedSubnet2') }],
      },
    });
    isolated.hasResourceProperties('AWS::SageMaker::Model', { EnableNetworkIsolation: true, VpcConfig: Match.absent() });
    isolated.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent() });
  });

  test('reserves the planned accelerators and a share of host memory per copy', () => {
    template.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      InferenceComponentName: 'qwen-chat',
      EndpointName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Shared'), 'EndpointName'] },
      VariantName: 'AllTraffic',
      Specification: {
        ModelName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SharedQwenModel'), 'ModelName'] },
        ComputeResourceRequirements: {
          NumberOfAcceleratorDevicesRequired: built.qwen.plan.devicesPerReplica,
          MinMemoryRequiredInMb: built.qwen.memoryPerCopyMiB,
        },
        StartupParameters: {
          ModelDataDownloadTimeoutInSeconds: Match.anyValue(),
          ContainerStartupHealthCheckTimeoutInSeconds: Match.anyValue(),
        },
      },
      RuntimeConfig: { CopyCount: 1 },
    });
    // ml.g6e.12xlarge: 384 GiB host memory over 4 GPUs, 80 % reservable.
    expect(built.qwen.memoryPerCopyMiB).toBe(Math.floor((built.qwen.plan.instance.hostMemoryGiB * 1024 * 0.8) / 4));
  });

  test('starts a scale-to-zero component with one copy so the deployment proves the model loads', () => {
    template.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      InferenceComponentName: 'mistral-batch',
      RuntimeConfig: { CopyCount: 1 },
    });
  });

  test('gives each component its own model with S3 weights', () => {
    template.resourceCountIs('AWS::SageMaker::Model', 2);
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: {
        ModelDataSource: { S3DataSource: { S3Uri: 's3://model-weights-bucket/models/mistral-7b/', S3DataType: 'S3Prefix', CompressionType: 'None' } },
      },
    });
  });

  test('scales each component copy count on its own target', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ResourceId: 'inference-component/qwen-chat',
      ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
      RoleARN: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' },
          ':role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint']],
      },
      MinCapacity: 1,
      MaxCapacity: 4,
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ResourceId: 'inference-component/mistral-batch',
      MinCapacity: 0,
      MaxCapacity: 2,
    });
  });

  test('tracks tokens per second per copy from each component log group', () => {
    for (const [name, component] of [['qwen-chat', built.qwen], ['mistral-batch', built.mistral]] as [string, SageMakerInferenceComponent][]) {
      template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `/aws/sagemaker/InferenceComponents/${name}` });
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        MetricTransformations: [Match.objectLike({ MetricNamespace: `InferenceConstructs/InferenceComponents/${name}`, MetricName: 'GeneratedTokensPerSecond' })],
      });
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: component.plan.targetTokensPerSecondPerReplica,
          CustomizedMetricSpecification: {
            Metrics: Match.arrayWith([
              Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: `InferenceConstructs/InferenceComponents/${name}` }) }) }),
              Match.objectLike({ Expression: 'FILL(tokens, 0)', Label: 'Output tokens/s per copy' }),
            ]),
          },
        },
      });
    }
  });

  test('guards each component with the high-resolution concurrency-per-copy policy', () => {
    const guards = template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
      Properties: {
        TargetTrackingScalingPolicyConfiguration: {
          PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution' },
        },
      },
    });
    expect(Object.keys(guards)).toHaveLength(2);
  });

  test('wakes a component scaled to zero with step scaling on NoCapacityInvocationFailures', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      ScalingTargetId: { Ref: Match.stringLikeRegexp('^SharedMistralScalableTarget') },
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'ChangeInCapacity',
        MetricAggregationType: 'Maximum',
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SageMaker',
      MetricName: 'NoCapacityInvocationFailures',
      Dimensions: [{ Name: 'InferenceComponentName', Value: 'mistral-batch' }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^SharedMistralWakeUpScaling') }],
    });
    const stepPolicies = template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', { Properties: { PolicyType: 'StepScaling' } });
    expect(Object.keys(stepPolicies)).toHaveLength(1);
    expect(built.qwen.wakeUpPolicy).toBeUndefined();
  });

  test('alarms on each component 5xx errors and latency, with InferenceComponentName', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Invocation5XXErrors',
      Dimensions: [{ Name: 'InferenceComponentName', Value: 'qwen-chat' }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ModelLatency',
      ExtendedStatistic: 'p90',
      Dimensions: [{ Name: 'InferenceComponentName', Value: 'mistral-batch' }],
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  test('shares one execution role that reads both model prefixes', () => {
    template.resourceCountIs('AWS::IAM::Role', 1);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Condition?: unknown }[]);
    const prefixes = statements.filter((s) => s.Action === 's3:ListBucket').map((s) => s.Condition);
    expect(prefixes).toEqual([
      { StringLike: { 's3:prefix': ['models/qwen2-5-7b/*'] } },
      { StringLike: { 's3:prefix': ['models/mistral-7b/*'] } },
    ]);
  });

  test('synthesizes a template cfn-lint accepts', async () => {
    const findings = await cfnLintAssembly(built.assembly);
    expect(findings, formatCfnLintFindings(findings)).toEqual([]);
  });

  test('passes the cdk-nag AwsSolutions checks', () => {
    expect(built.violations, formatNagViolations(built.violations)).toEqual([]);
  });

  test('matches the snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('SageMakerInferenceComponentEndpoint validation', () => {
  function endpoint(props: Partial<ConstructorParameters<typeof SageMakerInferenceComponentEndpoint>[2]> = {}) {
    const stack = new Stack(new App(), 'Bad');
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights-bucket');
    const ep = new SageMakerInferenceComponentEndpoint(stack, 'Shared', { instanceType: 'ml.g6e.12xlarge', ...props });
    return { stack, ep, weights: ModelWeights.fromS3Prefix(bucket, 'm/') };
  }

  test('throws when minInstanceCount is above maxInstanceCount', () => {
    expect(() => endpoint({ minInstanceCount: 3, maxInstanceCount: 2 })).toThrow(/\[MinAboveMax\]/);
  });

  test('throws when an instance count is not a whole number', () => {
    expect(() => endpoint({ maxInstanceCount: 1.5 })).toThrow(/\[ReplicasInvalid\]/);
  });

  test('throws when the instance type is not offered by SageMaker', () => {
    expect(() => endpoint({ instanceType: 'g6e.12xlarge.bogus' })).toThrow(/\[InstanceType(Unknown|NotOnSageMaker)\]/);
  });

  test('throws when a component does not fit on the instance', () => {
    const { ep, weights } = endpoint({ instanceType: 'ml.g6e.xlarge' });
    expect(() => ep.addModel('Big', { model: modelPreset('llama-3-1-70b'), modelWeights: weights })).toThrow(/\[ModelDoesNotFit\]/);
  });

  test('throws when a component copy range is inverted', () => {
    const { ep, weights } = endpoint();
    expect(() => ep.addModel('Qwen', { model: modelPreset('qwen2-5-7b'), modelWeights: weights, scaling: { minReplicas: 3, maxReplicas: 1 } }))
      .toThrow(/\[MinAboveMax\]/);
  });

  test('throws when a copy\'s concurrency target or latency alarm threshold is not positive', () => {
    const { ep, weights } = endpoint();
    const qwen = { model: modelPreset('qwen2-5-7b'), modelWeights: weights };
    expect(() => ep.addModel('Qwen', { ...qwen, concurrentRequestsPerCopyTarget: -1 })).toThrow(/\[ConcurrencyTargetInvalid\] concurrentRequestsPerCopyTarget/);
    expect(() => ep.addModel('Qwen2', { ...qwen, modelLatencyP90Threshold: Duration.seconds(0) })).toThrow(/\[AlarmThresholdInvalid\] modelLatencyP90Threshold/);
  });

  test('fails synthesis when the endpoint hosts no component', () => {
    const { stack } = endpoint();
    expect(() => Template.fromStack(stack)).toThrow(/\[InferenceComponentMissing\] addModel: the endpoint hosts no inference component/);
  });
});

describe('SageMaker inference component step scaling (scaling.scaleOutMinutes above 3)', () => {
  test('scales copies by step scaling on MAX(tokens / target, concurrency per copy / guard), beside the wake-up alarm', () => {
    const built = buildApp();
    const step = Template.fromJSON(built.assembly.getStackByName('Step').template);
    expect(built.stepped.tokenScalingPolicy).toBeUndefined();
    expect(built.stepped.stepScaling).toBeDefined();
    const policies = Object.values(step.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')).map((r) => r.Properties.PolicyType);
    expect(policies.sort()).toEqual(['StepScaling', 'StepScaling', 'StepScaling']); // out, in, wake-up
    const alarms = Object.values(step.findResources('AWS::CloudWatch::Alarm')).filter((a) => JSON.stringify(a).includes('MAX([signal, guard])'));
    expect(alarms.map((a) => a.Properties.EvaluationPeriods).sort((a, b) => a - b)).toEqual([5, 15]);
    expect(JSON.stringify(alarms)).toContain('ConcurrentRequestsPerCopy');
  });
});
