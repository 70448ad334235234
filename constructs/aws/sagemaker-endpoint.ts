/**
 * A SageMaker real-time endpoint serving one language model, autoscaled on generated tokens per
 * second.
 */
import { Annotations, Duration, Resource, Stack, Token, type IResource } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import type { Construct } from 'constructs';
import { InferenceConstructsError } from '../../lib/errors.js';
import type { TokenScalingPolicyOptions } from '../../lib/scaling.js';
import { ModelServer, assertServerSupports, serverEnvironment, type ModelServerProfile } from '../../lib/servers.js';
import { planCapacity, type CapacityPlan } from '../../lib/planner.js';
import { sagemakerInstanceType } from '../../lib/accelerators.js';
import { TARGET_TRACKING_SCALE_OUT_MINUTES, tokenScalingPolicy, type TokenScalingPolicy } from '../../lib/scaling.js';
import {
  VARIANT_NAME,
  addContainerPermissions,
  checkTimeout,
  checkWeights,
  containerEnvironment,
  createExecutionRole,
  createKey,
  createLogGroup,
  modelDataSource,
  placementSecurityGroups,
  sagemakerNameForInstanceType,
  sagemakerScalingRole,
  startupTimeouts,
  usesInstanceStore,
  volumeSizeInGB,
  vpcConfig,
  DEFAULT_5XX_THRESHOLD,
  DEFAULT_MODEL_LATENCY_THRESHOLD,
  createErrorAndLatencyAlarms,
  type SageMakerHostingOptions,
  type SageMakerModelOptions,
} from './sagemaker-common.js';
import { sagemakerImage, type SageMakerImage } from './sagemaker-image.js';
import { guardStackResourceBudget } from './stack-budget.js';
import { PICKS_THE_CATALOGUE_ROW, SIZES_THE_PLAN, rejectToken, rejectTokensIn } from './token-guards.js';
import {
  type SustainedStepScaling,
  TokenMetricSource,
  createSustainedStepScaling,
  createTokenTrackingPolicy,
  tokenMetric,
  type BoundTokenMetric,
} from './sagemaker-token-metric.js';
import { ServerPlatform } from '../../lib/servers.js';

/**
 * Predefined high-resolution (10 s) metric: concurrent requests per model, where a streamed
 * request counts until its last token.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html
 */
const CONCURRENCY_METRIC = appscaling.PredefinedMetric.SAGEMAKER_VARIANT_CONCURRENT_REQUESTS_PER_MODEL_HIGH_RESOLUTION;
/** Default minutes at maximum capacity before the capacity alarm fires. */
const DEFAULT_MAX_CAPACITY_ALARM_MINUTES = 15;

/** Options of {@link SageMakerEndpointBase.metricInstanceCount}. */
export interface InstanceCountMetricOptions {
  /**
   * Period of the Sum statistics the ratio is computed from.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

/** An endpoint that can be invoked and observed: a construct of this library or an imported one. */
export interface ISageMakerInferenceEndpoint extends IResource {
  /** The endpoint name. @attribute */
  readonly endpointName: string;
  /** The endpoint ARN. @attribute */
  readonly endpointArn: string;
  /** The production variant name. */
  readonly variantName: string;
  /** Allow `grantee` to call InvokeEndpoint and InvokeEndpointWithResponseStream on this endpoint. */
  grantInvoke(grantee: iam.IGrantable): iam.Grant;
  /** Any `AWS/SageMaker` metric of this endpoint's variant. */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests sent to the variant. Statistic: Sum over 5 minutes. */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Time the model took to respond, microseconds. Statistic: Average over 5 minutes. */
  metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests answered with HTTP 5xx. Statistic: Sum over 5 minutes. */
  metricInvocation5XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests answered with HTTP 4xx. Statistic: Sum over 5 minutes. */
  metricInvocation4XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** Attributes of an existing endpoint. */
export interface SageMakerInferenceEndpointAttributes {
  readonly endpointName: string;
  /** @default 'AllTraffic' */
  readonly variantName?: string;
}

/** Shared behaviour of the endpoint constructs and imports: invoke grants and `AWS/SageMaker` metrics. */
export abstract class SageMakerEndpointBase extends Resource implements ISageMakerInferenceEndpoint {
  public abstract readonly endpointName: string;
  public abstract readonly endpointArn: string;
  public abstract readonly variantName: string;

  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'],
      resourceArns: [this.endpointArn],
    });
  }

  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: this.variantName },
      ...props,
    });
  }

  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  public metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ModelLatency', { statistic: cloudwatch.Stats.AVERAGE, unit: cloudwatch.Unit.MICROSECONDS, ...props });
  }

  public metricInvocation5XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocation5XXErrors', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  public metricInvocation4XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocation4XXErrors', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Instances in service: `Sum(Invocations) / Sum(InvocationsPerInstance)`. SageMaker records
   * `1/instances` in InvocationsPerInstance for each request, so the ratio is the instance count
   * (empty while there is no traffic). Statistic of the inputs: Sum over 5 minutes.
   * @see https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html
   */
  public metricInstanceCount(props: InstanceCountMetricOptions = {}): cloudwatch.MathExpression {
    const period = props.period ?? Duration.minutes(5);
    return new cloudwatch.MathExpression({
      expression: 'IF(ipi > 0, inv / ipi)',
      usingMetrics: {
        inv: this.metricInvocations({ period }),
        ipi: this.metric('InvocationsPerInstance', { statistic: cloudwatch.Stats.SUM, period }),
      },
      label: 'Instances in service',
      period,
    });
  }
}

/** Alarm settings. */
export interface SageMakerEndpointAlarmOptions {
  /**
   * Number of 5xx responses within 5 minutes that raises the error alarm.
   * @default 5
   */
  readonly invocation5XXErrorsThreshold?: number;
  /**
   * p90 model latency that raises the latency alarm.
   * @default Duration.seconds(60)
   */
  readonly modelLatencyP90Threshold?: Duration;
  /**
   * Minutes at maximum capacity that raise the capacity alarm.
   * @default 15
   */
  readonly atMaxCapacityMinutes?: number;
}

/** Properties of a {@link SageMakerInferenceEndpoint}. */
export interface SageMakerInferenceEndpointProps extends SageMakerModelOptions, SageMakerHostingOptions {
  /**
   * Replica bounds and token target. One replica is one instance on a single-model endpoint.
   * @default - minReplicas 1, maxReplicas from the plan's peak, target from the plan
   */
  readonly scaling?: TokenScalingPolicyOptions;
  /**
   * Concurrent requests per instance that the high-resolution guard policy holds.
   * @default - the plan's concurrent sequences times its target utilisation
   */
  readonly concurrentRequestsPerInstanceTarget?: number;
  /**
   * Endpoint name (also names the log group and the scalable target).
   *
   * SageMaker cannot update an autoscaled endpoint to another instance type in place
   * (UpdateEndpoint fails), so the generated name ends in the instance type and a change of
   * instance type replaces the endpoint. A name given here must change too when `instanceType`
   * changes (e.g. include the instance type in it), or the update fails.
   * @see https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-delete.html
   * @default - derived from the construct path and the instance type, deterministic
   */
  readonly endpointName?: string;
  /**
   * Alarms to create.
   * @default - 5xx, p90 model latency and at-max-capacity alarms with the defaults above
   */
  readonly alarms?: SageMakerEndpointAlarmOptions;
}

/**
 * A SageMaker real-time endpoint for one language model, scaled on output tokens per second.
 *
 * Renders `CfnModel`, `CfnEndpointConfig` and `CfnEndpoint` (aws-cdk-lib has no stable
 * SageMaker L2) from a capacity plan and a model-server profile, with:
 * - a least-privilege execution role, a rotating KMS key, the container log group created
 *   ahead of the endpoint with retention and encryption;
 * - two target-tracking policies on one scalable target: tokens/s per instance (the plan's
 *   target) and the high-resolution concurrent-requests-per-model guard. Application Auto
 *   Scaling scales out when any policy asks and scales in only when all agree, so the guard
 *   keeps the endpoint scaling out if the token metric goes missing, while a missing token
 *   metric (filled as 0) never blocks scale-in that the guard allows;
 * - metrics, alarms and a dashboard.
 *
 * @example
 * new SageMakerInferenceEndpoint(this, 'Llama', {
 *   model: modelPreset('llama-3-1-8b'),
 *   instanceType: 'ml.inf2.xlarge',
 *   modelWeights: ModelWeights.fromHuggingFace({ tokenSecret }),
 * });
 */
export class SageMakerInferenceEndpoint extends SageMakerEndpointBase {
  /** Import an existing endpoint by name. */
  public static fromEndpointName(scope: Construct, id: string, endpointName: string): ISageMakerInferenceEndpoint {
    return SageMakerInferenceEndpoint.fromEndpointAttributes(scope, id, { endpointName });
  }

  /** Import an existing endpoint by attributes. */
  public static fromEndpointAttributes(scope: Construct, id: string, attrs: SageMakerInferenceEndpointAttributes): ISageMakerInferenceEndpoint {
    class Import extends SageMakerEndpointBase {
      public readonly endpointName = attrs.endpointName;
      public readonly variantName = attrs.variantName ?? VARIANT_NAME;
      public readonly endpointArn = endpointArn(scope, attrs.endpointName);
    }
    return new Import(scope, id);
  }

  public readonly endpointName: string;
  public readonly endpointArn: string;
  public readonly variantName = VARIANT_NAME;
  /** The capacity plan the endpoint was rendered from. */
  public readonly plan: CapacityPlan;
  /** The validated scaling policy. */
  public readonly scalingPolicy: TokenScalingPolicy;
  /** The model-server profile. */
  public readonly modelServer: ModelServerProfile;
  /** The container image. */
  public readonly image: SageMakerImage;
  /** Escape hatch: the model. */
  public readonly cfnModel: sagemaker.CfnModel;
  /** Escape hatch: the endpoint configuration. */
  public readonly cfnEndpointConfig: sagemaker.CfnEndpointConfig;
  /** Escape hatch: the endpoint. */
  public readonly cfnEndpoint: sagemaker.CfnEndpoint;
  /** The execution role. */
  public readonly role: iam.Role;
  /** The key encrypting the volume (EBS-only instances) and the log group. */
  public readonly encryptionKey: kms.IKey;
  /** The container log group `/aws/sagemaker/Endpoints/<endpointName>`. */
  public readonly logGroup: logs.LogGroup;
  /** The scalable target (desired instance count of the variant). */
  public readonly scalableTarget: appscaling.ScalableTarget;
  /** Escape hatch: the token target-tracking policy (with `scaling.scaleOutMinutes` 3; see {@link stepScaling} otherwise). */
  public readonly tokenScalingPolicy?: appscaling.CfnScalingPolicy;
  /** The concurrency guard's target-tracking policy (with `scaling.scaleOutMinutes` 3). */
  public readonly concurrencyScalingPolicy?: appscaling.TargetTrackingScalingPolicy;
  /**
   * The step-scaling policies and their alarms on tokens and concurrency, when
   * `scaling.scaleOutMinutes` is above target tracking's 3 (the default).
   */
  public readonly stepScaling?: SustainedStepScaling;
  /** Security groups of the containers, when placed in a VPC. */
  public readonly securityGroups?: ec2.ISecurityGroup[];
  /** The alarms created. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The dashboard, unless disabled. */
  public readonly dashboard?: cloudwatch.Dashboard;
  private readonly boundTokenMetric: BoundTokenMetric;

  constructor(scope: Construct, id: string, props: SageMakerInferenceEndpointProps) {
    super(scope, id);
    guardStackResourceBudget(this, 'endpoint');

    // ---- validate and plan, before any resource exists
    rejectToken(props.instanceType, 'instanceType', PICKS_THE_CATALOGUE_ROW, '"ml.inf2.xlarge"');
    rejectTokensIn(props.planning, 'planning', SIZES_THE_PLAN);
    rejectTokensIn(props.scaling, 'scaling', SIZES_THE_PLAN);
    const instance = sagemakerInstanceType(props.instanceType);
    const sagemakerType = instance.sagemakerInstanceType as string;
    const weights = props.modelWeights.config;
    const networkIsolation = props.networkIsolation ?? false;
    checkWeights(props.model, weights, networkIsolation, 'modelWeights');
    checkTimeout(props.modelDataDownloadTimeoutInSeconds, 'modelDataDownloadTimeoutInSeconds');
    checkTimeout(props.containerStartupHealthCheckTimeoutInSeconds, 'containerStartupHealthCheckTimeoutInSeconds');
    if (props.scaling?.scaleToZero === true || props.scaling?.minReplicas === 0) {
      throw new InferenceConstructsError('ScaleToZeroUnsupported', {
        prop: props.scaling?.scaleToZero === true ? 'scaling.scaleToZero' : 'scaling.minReplicas',
        problem: 'a single-model SageMaker endpoint cannot scale to zero instances',
        received: props.scaling?.scaleToZero === true ? true : 0,
        allowed: 'minReplicas of 1 or more; scale to zero only with inference components',
        fix: 'use SageMakerInferenceComponentEndpoint with scaleToZero, or set minReplicas to at least 1',
      });
    }
    const server = props.modelServer ?? ModelServer.defaultFor(instance.acceleratorClass, ServerPlatform.SAGEMAKER);
    this.modelServer = server.profile;
    assertServerSupports(this.modelServer, instance.acceleratorClass);
    // The plan prices the ml. hosting rate (the instance is a SageMaker one even though the row is
    // passed), and checks the server's precisions and, for the Neuron servers that load through
    // host memory (LMI neuronx compiles on the host), that the checkpoint fits the instance's RAM.
    this.plan = planCapacity({
      ...props.planning, model: props.model, instanceType: instance, sagemakerPricing: true, modelServer: server,
    });
    this.scalingPolicy = tokenScalingPolicy(this.plan, props.scaling);
    const guardTarget = props.concurrentRequestsPerInstanceTarget ?? Math.max(1, Math.round(this.plan.concurrentSequences * this.plan.targetUtilization));
    if (!Token.isUnresolved(guardTarget) && !(Number.isFinite(guardTarget) && guardTarget > 0)) {
      throw new InferenceConstructsError('ConcurrencyTargetInvalid', {
        prop: 'concurrentRequestsPerInstanceTarget',
        problem: 'the concurrency target is not a positive number',
        received: guardTarget,
        allowed: 'a positive number of concurrent requests per instance',
        fix: 'pass a positive target, or leave it unset to derive it from the plan',
      });
    }
    this.endpointName = sagemakerNameForInstanceType(this, props.endpointName, 'endpointName', sagemakerType);
    this.endpointArn = endpointArn(this, this.endpointName);
    this.image = sagemakerImage(this, this.modelServer);
    if (this.plan.replicasPerNode > 1) {
      Annotations.of(this).addWarningV2(
        'inference-constructs:ReplicasPerInstanceUnused',
        `one model server runs per ${sagemakerType} instance, but ${this.plan.replicasPerNode} replicas of ${props.model.name} ` +
          'fit on it: use SageMakerInferenceComponentEndpoint to pack several copies per instance',
      );
    }

    // ---- storage, keys, logs, role
    const logGroupName = `/aws/sagemaker/Endpoints/${this.endpointName}`;
    this.encryptionKey = props.encryptionKey ?? createKey(this);
    this.logGroup = createLogGroup(this, 'LogGroup', logGroupName, this.encryptionKey, props.logRetention ?? logs.RetentionDays.ONE_MONTH);
    const tokenSource = props.tokenMetricSource ?? TokenMetricSource.logs();
    this.boundTokenMetric = tokenSource._bind(this, {
      kind: 'Endpoints', resourceName: this.endpointName, logGroup: this.logGroup, server: this.modelServer,
    });
    this.securityGroups = placementSecurityGroups(this, props);
    this.role = createExecutionRole(this, this.encryptionKey, props.vpc !== undefined);
    addContainerPermissions(this.role, {
      imageRepositoryArn: this.image.repositoryArn,
      weights,
      logGroupName,
      key: this.encryptionKey,
      putMetricNamespace: this.boundTokenMetric.containerPublishes ? this.boundTokenMetric.namespace : undefined,
    });

    // ---- model, endpoint configuration, endpoint
    const timeouts = startupTimeouts(this, this.modelServer, this.plan);
    const instanceStore = usesInstanceStore(this, this.plan);
    const env = containerEnvironment(this.plan, weights, serverEnvironment(this.modelServer, this.plan, {
      // DJL's model-loading timeout follows the start-up health check the endpoint is given (a
      // token cannot be checked at synth: the timeout then follows the computed figure).
      modelLoadingTimeoutSeconds: Token.isUnresolved(props.containerStartupHealthCheckTimeoutInSeconds)
        ? undefined : props.containerStartupHealthCheckTimeoutInSeconds,
    }), props.environment);
    this.cfnModel = new sagemaker.CfnModel(this, 'Model', {
      executionRoleArn: this.role.roleArn,
      enableNetworkIsolation: networkIsolation,
      primaryContainer: {
        image: this.image.imageUri,
        environment: env,
        modelDataSource: modelDataSource(weights),
      },
      vpcConfig: vpcConfig(props, this.securityGroups),
    });
    // The model is validated against the role when it is created.
    this.cfnModel.node.addDependency(this.role);

    this.cfnEndpointConfig = new sagemaker.CfnEndpointConfig(this, 'EndpointConfig', {
      // SageMaker rejects KmsKeyId when any variant runs on instances with local NVMe storage.
      kmsKeyId: instanceStore ? undefined : this.encryptionKey.keyArn,
      productionVariants: [{
        variantName: VARIANT_NAME,
        modelName: this.cfnModel.attrModelName,
        instanceType: sagemakerType,
        initialInstanceCount: this.scalingPolicy.minReplicas,
        initialVariantWeight: 1,
        volumeSizeInGb: instanceStore ? undefined : volumeSizeInGB(this, this.plan, props.volumeSizeInGB),
        modelDataDownloadTimeoutInSeconds: props.modelDataDownloadTimeoutInSeconds ?? timeouts.modelDataDownloadTimeoutInSeconds,
        containerStartupHealthCheckTimeoutInSeconds:
          props.containerStartupHealthCheckTimeoutInSeconds ?? timeouts.containerStartupHealthCheckTimeoutInSeconds,
        routingConfig: { routingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
      }],
    });
    if (instanceStore && props.volumeSizeInGB !== undefined) {
      Annotations.of(this).addWarningV2(
        'inference-constructs:VolumeSizeIgnored',
        `${sagemakerType} uses local NVMe instance storage: volumeSizeInGB is not supported there and is ignored`,
      );
    }

    this.cfnEndpoint = new sagemaker.CfnEndpoint(this, 'Resource', {
      endpointName: this.endpointName,
      endpointConfigName: this.cfnEndpointConfig.attrEndpointConfigName,
      // Keep the instance count autoscaling reached when a deployment switches to a new endpoint
      // configuration, instead of dropping back to InitialInstanceCount under load.
      // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpoint.html#sagemaker-UpdateEndpoint-request-RetainAllVariantProperties
      retainAllVariantProperties: true,
    });
    // The log group, its metric filter and the role's policy exist before SageMaker starts the container.
    this.cfnEndpoint.node.addDependency(this.logGroup, this.role);

    // ---- scaling
    this.scalableTarget = new appscaling.ScalableTarget(this, 'ScalableTarget', {
      serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
      role: sagemakerScalingRole(this),
      resourceId: `endpoint/${this.endpointName}/variant/${VARIANT_NAME}`,
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      minCapacity: this.scalingPolicy.minReplicas,
      maxCapacity: this.scalingPolicy.maxReplicas,
    });
    this.scalableTarget.node.addDependency(this.cfnEndpoint);
    if (this.scalingPolicy.scaleOutMinutes > TARGET_TRACKING_SCALE_OUT_MINUTES) {
      this.stepScaling = createSustainedStepScaling(this, {
        scalingTarget: this.scalableTarget,
        metric: this.boundTokenMetric,
        policy: this.scalingPolicy,
        concurrency: this.metric('ConcurrentRequestsPerModel'),
        concurrencyTarget: guardTarget,
        subject: `SageMaker endpoint ${this.endpointName}`,
        unit: 'instances',
      });
    } else {
      this.tokenScalingPolicy = createTokenTrackingPolicy(this, 'TokenScaling', {
        scalingTarget: this.scalableTarget,
        metric: this.boundTokenMetric,
        targetValue: this.scalingPolicy.targetTokensPerSecondPerReplica,
        scaleOutCooldown: Duration.seconds(this.scalingPolicy.scaleUp.stabilizationWindowSeconds),
        scaleInCooldown: Duration.seconds(this.scalingPolicy.scaleDown.stabilizationWindowSeconds),
        label: 'Output tokens/s per instance',
        policy: this.scalingPolicy,
      });
      this.concurrencyScalingPolicy = new appscaling.TargetTrackingScalingPolicy(this, 'ConcurrencyScaling', {
        scalingTarget: this.scalableTarget,
        predefinedMetric: CONCURRENCY_METRIC,
        targetValue: guardTarget,
        scaleOutCooldown: Duration.seconds(this.scalingPolicy.scaleUp.stabilizationWindowSeconds),
        scaleInCooldown: Duration.seconds(this.scalingPolicy.scaleDown.stabilizationWindowSeconds),
      });
    }

    // ---- observability
    this.createAlarms(props.alarms ?? {});
    if (props.dashboard !== false) this.dashboard = this.createDashboard();
  }

  /**
   * Output tokens per second of one instance (mean over instances). Statistic: the source's
   * (Average for the log-derived metric) over 1 minute.
   */
  public metricTokensPerSecond(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return tokenMetric(this.boundTokenMetric, props);
  }

  /** Concurrent requests per model (high resolution). Statistic: Maximum over 1 minute. */
  public metricConcurrentRequestsPerModel(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ConcurrentRequestsPerModel', { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1), ...props });
  }

  private createAlarms(options: SageMakerEndpointAlarmOptions): void {
    const errors = options.invocation5XXErrorsThreshold ?? DEFAULT_5XX_THRESHOLD;
    const latency = options.modelLatencyP90Threshold ?? DEFAULT_MODEL_LATENCY_THRESHOLD;
    const minutes = options.atMaxCapacityMinutes ?? DEFAULT_MAX_CAPACITY_ALARM_MINUTES;
    positive(errors, 'alarms.invocation5XXErrorsThreshold');
    positive(latency.toSeconds(), 'alarms.modelLatencyP90Threshold');
    positive(minutes, 'alarms.atMaxCapacityMinutes');
    this.alarms.push(...createErrorAndLatencyAlarms(this, { subject: `SageMaker endpoint ${this.endpointName}`, metricInvocation5XXErrors: (p) => this.metricInvocation5XXErrors(p), metricModelLatency: (p) => this.metricModelLatency(p) }, errors, latency));
    this.alarms.push(new cloudwatch.Alarm(this, 'AtMaxCapacityAlarm', {
      alarmDescription:
        `SageMaker endpoint ${this.endpointName}: at its maximum of ${this.scalingPolicy.maxReplicas} instances ` +
        `for ${minutes} minutes; raise maxReplicas or plan more throughput per instance`,
      metric: this.metricInstanceCount({ period: Duration.minutes(1) }),
      threshold: this.scalingPolicy.maxReplicas,
      evaluationPeriods: minutes,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
  }

  private createDashboard(): cloudwatch.Dashboard {
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
    });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Output tokens/s per instance',
        left: [this.metricTokensPerSecond()],
        leftAnnotations: [{ value: this.scalingPolicy.targetTokensPerSecondPerReplica, label: 'scaling target' }],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Instances in service',
        left: [this.metricInstanceCount({ period: Duration.minutes(1) })],
        leftAnnotations: [{ value: this.scalingPolicy.maxReplicas, label: 'maximum' }],
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Invocations', left: [this.metricInvocations({ period: Duration.minutes(1) })], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Model latency (microseconds)',
        left: [this.metricModelLatency({ statistic: 'p50', period: Duration.minutes(1) }), this.metricModelLatency({ statistic: 'p90', period: Duration.minutes(1) })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Errors',
        left: [this.metricInvocation4XXErrors({ period: Duration.minutes(1) }), this.metricInvocation5XXErrors({ period: Duration.minutes(1) })],
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Concurrent requests per model', left: [this.metricConcurrentRequestsPerModel()], width: 12 }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12 }),
    );
    return dashboard;
  }
}

/**
 * The ARN of an endpoint: SageMaker lower-cases resource names in ARNs.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html#amazonsagemaker-resources-for-iam-policies
 */
export function endpointArn(scope: Construct, endpointName: string): string {
  return Stack.of(scope).formatArn({
    service: 'sagemaker',
    resource: 'endpoint',
    resourceName: Token.isUnresolved(endpointName) ? endpointName : endpointName.toLowerCase(),
  });
}

function positive(value: number, prop: string): void {
  if (Token.isUnresolved(value)) return;
  if (!(Number.isFinite(value) && value > 0)) {
    throw new InferenceConstructsError('AlarmThresholdInvalid', {
      prop,
      problem: 'the alarm threshold is not a positive number',
      received: value,
      allowed: 'a positive number',
      fix: `set ${prop} to a positive value, or leave it unset for the default`,
    });
  }
}
