/**
 * A SageMaker endpoint that hosts several models as inference components, each scaled on its
 * own generated tokens per second, optionally down to zero copies.
 */
import { Duration, Lazy, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { InferenceConstructsError } from '../../lib/errors.js';
import type { TokenScalingPolicyOptions } from '../../lib/scaling.js';
import { ModelServer, assertServerSupports, serverEnvironment, type ModelServerProfile } from '../../lib/servers.js';
import { planCapacity, type CapacityPlan } from '../../lib/planner.js';
import { sagemakerInstanceType, type InstanceTypeSpec } from '../../lib/accelerators.js';
import { TARGET_TRACKING_SCALE_OUT_MINUTES, tokenScalingPolicy, type TokenScalingPolicy } from '../../lib/scaling.js';
import {
  VARIANT_NAME,
  addContainerPermissions,
  checkTimeout,
  checkVolumeHoldsWeights,
  checkWeights,
  containerEnvironment,
  createExecutionRole,
  createKey,
  createLogGroup,
  modelDataSource,
  placementSecurityGroups,
  sagemakerName,
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
  type SageMakerPlacementOptions,
} from './sagemaker-common.js';
import { SageMakerEndpointBase, endpointArn } from './sagemaker-endpoint.js';
import { sagemakerImage, type SageMakerImage } from './sagemaker-image.js';
import { type SustainedStepScaling, TokenMetricSource, createSustainedStepScaling, createTokenTrackingPolicy, tokenMetric, type BoundTokenMetric } from './sagemaker-token-metric.js';
import { guardStackResourceBudget } from './stack-budget.js';
import { PICKS_THE_CATALOGUE_ROW, SIZES_THE_PLAN, rejectToken, rejectTokensIn } from './token-guards.js';
import { AcceleratorClass } from '../../lib/accelerators.js';
import { ServerPlatform } from '../../lib/servers.js';

/**
 * Share of an instance's host memory an inference component may reserve in proportion to its
 * accelerators; the rest stays with the operating system and the SageMaker agents.
 */
const HOST_MEMORY_RESERVABLE_FRACTION = 0.8;
/** MiB per GiB. */
const MIB_PER_GIB = 1024;
/**
 * Predefined high-resolution (10 s) metric: concurrent requests per copy.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html
 */
const CONCURRENCY_METRIC = appscaling.PredefinedMetric.SAGEMAKER_INFERENCE_COMPONENT_CONCURRENT_REQUESTS_PER_COPY_HIGH_RESOLUTION;
/**
 * Wake-up alarm period. `NoCapacityInvocationFailures` counts requests that found no copy; 60 s
 * is valid whatever the metric's resolution.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html
 */
const WAKE_UP_PERIOD = Duration.minutes(1);

/** Properties of a {@link SageMakerInferenceComponentEndpoint}. */
export interface SageMakerInferenceComponentEndpointProps extends SageMakerHostingOptions {
  /**
   * Fewest instances managed instance scaling keeps.
   * @default - enough for every component's minimum copies (0 when all scale to zero)
   */
  readonly minInstanceCount?: number;
  /**
   * Most instances managed instance scaling provisions.
   * @default - enough for every component's maximum copies, each rounded up to whole instances
   */
  readonly maxInstanceCount?: number;
  /**
   * Endpoint name.
   * @default - derived from the construct path, deterministic
   */
  readonly endpointName?: string;
}

/** Options for one model on a {@link SageMakerInferenceComponentEndpoint}. */
export interface SageMakerInferenceComponentOptions extends SageMakerModelOptions {
  /**
   * Copy bounds and token target; `scaleToZero: true` allows 0 copies when idle.
   * @default - minReplicas 1, maxReplicas from the plan's peak, target from the plan
   */
  readonly scaling?: TokenScalingPolicyOptions;
  /**
   * Concurrent requests per copy that the high-resolution guard policy holds.
   * @default - the plan's concurrent sequences times its target utilisation
   */
  readonly concurrentRequestsPerCopyTarget?: number;
  /**
   * Inference component name.
   * @default - derived from the construct path, deterministic
   */
  readonly inferenceComponentName?: string;
  /**
   * p90 model latency that raises the component's latency alarm.
   * @default Duration.seconds(60)
   */
  readonly modelLatencyP90Threshold?: Duration;
}

/** Properties of a {@link SageMakerInferenceComponent}. */
export interface SageMakerInferenceComponentProps extends SageMakerInferenceComponentOptions {
  /** The endpoint that hosts the component. */
  readonly endpoint: SageMakerInferenceComponentEndpoint;
}

/**
 * A SageMaker endpoint whose capacity is shared by inference components.
 *
 * The endpoint configuration carries the execution role, managed instance scaling (SageMaker
 * adds and removes instances as component copies need them) and least-outstanding-requests
 * routing; its variant names no model. Each {@link addModel} call adds a component with its own
 * model, accelerators, memory, copy count and scaling.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-deploy-models.html
 */
export class SageMakerInferenceComponentEndpoint extends SageMakerEndpointBase {
  public readonly endpointName: string;
  public readonly endpointArn: string;
  public readonly variantName = VARIANT_NAME;
  /** The shared instance type. */
  public readonly instance: InstanceTypeSpec;
  /** The execution role shared by the endpoint and its components. */
  public readonly role: iam.Role;
  /** The key encrypting the volume (EBS-only instances) and the log groups. */
  public readonly encryptionKey: kms.IKey;
  /** Escape hatch: the endpoint configuration. */
  public readonly cfnEndpointConfig: sagemaker.CfnEndpointConfig;
  /** Escape hatch: the endpoint. */
  public readonly cfnEndpoint: sagemaker.CfnEndpoint;
  /** Security groups of the containers, when placed in a VPC. */
  public readonly securityGroups?: ec2.ISecurityGroup[];
  /** The dashboard, unless disabled. */
  public readonly dashboard?: cloudwatch.Dashboard;
  /** @internal */
  public readonly _placement: SageMakerPlacementOptions;
  /** @internal */
  public readonly _logRetention: logs.RetentionDays;
  private readonly components: SageMakerInferenceComponent[] = [];
  private readonly props: SageMakerInferenceComponentEndpointProps;

  constructor(scope: Construct, id: string, props: SageMakerInferenceComponentEndpointProps) {
    super(scope, id);
    guardStackResourceBudget(this, 'endpoint');
    this.props = props;
    rejectToken(props.instanceType, 'instanceType', PICKS_THE_CATALOGUE_ROW, '"ml.g6e.12xlarge"');
    for (const prop of ['minInstanceCount', 'maxInstanceCount'] as const) {
      rejectToken(props[prop], prop, 'it is checked against the accelerators the components need at synthesis', '2');
    }
    this.instance = sagemakerInstanceType(props.instanceType);
    for (const prop of ['minInstanceCount', 'maxInstanceCount'] as const) {
      const v = props[prop];
      if (v !== undefined && !Token.isUnresolved(v) && !(Number.isInteger(v) && v >= 0)) {
        throw new InferenceConstructsError('ReplicasInvalid', {
          prop, problem: 'the instance count is not a non-negative integer', received: v,
          allowed: 'an integer of 0 or more', fix: `set ${prop} to a whole number, or leave it unset`,
        });
      }
    }
    if (props.minInstanceCount !== undefined && props.maxInstanceCount !== undefined && props.minInstanceCount > props.maxInstanceCount) {
      throw new InferenceConstructsError('MinAboveMax', {
        prop: 'minInstanceCount', problem: 'minInstanceCount is greater than maxInstanceCount', received: props.minInstanceCount,
        allowed: `an integer from 0 to maxInstanceCount (${props.maxInstanceCount})`, fix: 'lower minInstanceCount or raise maxInstanceCount',
      });
    }
    if (props.maxInstanceCount === 0) {
      throw new InferenceConstructsError('ReplicasInvalid', {
        prop: 'maxInstanceCount', problem: 'an endpoint needs at least one instance at its maximum', received: 0,
        allowed: 'an integer of 1 or more', fix: 'set maxInstanceCount to 1 or more, or leave it unset',
      });
    }
    const instanceStore = usesInstanceStore(this, { instance: this.instance } as CapacityPlan);
    const givenVolume = props.volumeSizeInGB === undefined || instanceStore
      ? undefined
      : volumeSizeInGB(this, { instance: this.instance } as CapacityPlan, props.volumeSizeInGB);
    this._placement = props;
    this._logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.endpointName = sagemakerName(this, props.endpointName, 'endpointName');
    this.endpointArn = endpointArn(this, this.endpointName);
    this.encryptionKey = props.encryptionKey ?? createKey(this);
    this.securityGroups = placementSecurityGroups(this, props);
    this.role = createExecutionRole(this, this.encryptionKey, props.vpc !== undefined);

    this.cfnEndpointConfig = new sagemaker.CfnEndpointConfig(this, 'EndpointConfig', {
      executionRoleArn: this.role.roleArn,
      kmsKeyId: instanceStore ? undefined : this.encryptionKey.keyArn,
      // With inference components the endpoint owns the instances: VPC placement and network
      // isolation are set here (CreateEndpointConfig VpcConfig / EnableNetworkIsolation).
      vpcConfig: vpcConfig(props, this.securityGroups),
      enableNetworkIsolation: props.networkIsolation,
      productionVariants: [{
        variantName: VARIANT_NAME,
        instanceType: this.instance.sagemakerInstanceType as string,
        initialInstanceCount: Lazy.number({ produce: () => Math.max(1, this.minInstances()) }),
        managedInstanceScaling: {
          status: 'ENABLED',
          minInstanceCount: Lazy.number({ produce: () => this.minInstances() }),
          maxInstanceCount: Lazy.number({ produce: () => this.maxInstances() }),
        },
        routingConfig: { routingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
        volumeSizeInGb: instanceStore ? undefined : (givenVolume ?? Lazy.number({ produce: () => this.volumeSize() })),
      }],
    });
    this.cfnEndpointConfig.node.addDependency(this.role);
    this.cfnEndpoint = new sagemaker.CfnEndpoint(this, 'Resource', {
      endpointName: this.endpointName,
      endpointConfigName: this.cfnEndpointConfig.attrEndpointConfigName,
      // Keep the instance count autoscaling reached when a deployment switches to a new endpoint
      // configuration, instead of dropping back to InitialInstanceCount under load.
      // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpoint.html#sagemaker-UpdateEndpoint-request-RetainAllVariantProperties
      retainAllVariantProperties: true,
    });
    this.cfnEndpoint.node.addDependency(this.role);
    if (props.dashboard !== false) this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });

    this.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        if (this.components.length === 0) errors.push(new InferenceConstructsError('InferenceComponentMissing', { prop: 'addModel', problem: 'the endpoint hosts no inference component', received: 0, allowed: 'one or more inference components', fix: 'call addModel() at least once' }).message);
        if (this.minInstances() > this.maxInstances()) {
          errors.push(`[MinAboveMax] minInstanceCount (${this.minInstances()}) is greater than maxInstanceCount (${this.maxInstances()})`);
        }
        const needed = this.instancesForMaxCopies();
        if (this.props.maxInstanceCount !== undefined && this.components.length > 0 && this.props.maxInstanceCount < needed) {
          errors.push(new InferenceConstructsError('InstanceCountTooSmall', {
            prop: 'maxInstanceCount',
            problem:
              `${this.props.maxInstanceCount} ${this.instance.sagemakerInstanceType} instances cannot hold the copies the components need ` +
              `at their maxReplicas (${this.components.map((c) => `${c.inferenceComponentName}: ${c.scalingPolicy.maxReplicas} x ${c.acceleratorDevicesPerCopy} accelerators`).join(', ')}; ` +
              `${this.devicesPerInstance()} per instance): SageMaker cannot place the extra copies`,
            received: this.props.maxInstanceCount,
            allowed: `an integer >= ${needed}`,
            fix: `raise maxInstanceCount to ${needed} or leave it unset, or lower the components' scaling.maxReplicas`,
          }).message);
        }
        const givenVolume = this.props.volumeSizeInGB;
        if (givenVolume !== undefined && !Token.isUnresolved(givenVolume) && !instanceStore && this.components.length > 0) {
          try {
            checkVolumeHoldsWeights(givenVolume, this.components.reduce((sum, c) => sum + c.plan.memory.weightsGiB, 0),
              `the endpoint's components (${this.components.map((c) => c.plan.model.name).join(', ')})`);
          } catch (e) {
            if (e instanceof InferenceConstructsError) errors.push(e.message);
            else throw e;
          }
        }
        return errors;
      },
    });
  }

  /** Add a model as an inference component. */
  public addModel(id: string, options: SageMakerInferenceComponentOptions): SageMakerInferenceComponent {
    const component = new SageMakerInferenceComponent(this, id, { ...options, endpoint: this });
    this.components.push(component);
    this.addToDashboard(component);
    return component;
  }

  /** The components added so far. */
  public get inferenceComponents(): SageMakerInferenceComponent[] {
    return [...this.components];
  }

  private devicesPerInstance(): number {
    return acceleratorUnits(this.instance);
  }

  private minInstances(): number {
    if (this.props.minInstanceCount !== undefined) return this.props.minInstanceCount;
    const units = this.components.reduce((sum, c) => sum + c.scalingPolicy.minReplicas * c.acceleratorDevicesPerCopy, 0);
    return Math.ceil(units / this.devicesPerInstance());
  }

  private maxInstances(): number {
    if (this.props.maxInstanceCount !== undefined) return this.props.maxInstanceCount;
    return this.instancesForMaxCopies();
  }

  /** Instances that hold every component at its maxReplicas (copies of a model packed per instance). */
  private instancesForMaxCopies(): number {
    const perInstance = this.devicesPerInstance();
    const total = this.components.reduce(
      (sum, c) => sum + Math.ceil(c.scalingPolicy.maxReplicas / Math.max(1, Math.floor(perInstance / c.acceleratorDevicesPerCopy))),
      0,
    );
    return Math.max(1, total);
  }

  private volumeSize(): number {
    // Two copies of every component's weights plus headroom, capped at the API maximum.
    const combined = this.components.reduce((sum, c) => sum + c.plan.memory.weightsGiB, 0);
    return volumeSizeInGB(this, { memory: { weightsGiB: combined } } as CapacityPlan, undefined);
  }

  private addToDashboard(component: SageMakerInferenceComponent): void {
    if (this.dashboard === undefined) return;
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: `### ${component.inferenceComponentName}`, width: 24, height: 1 }),
      new cloudwatch.GraphWidget({
        title: 'Output tokens/s per copy',
        left: [component.metricTokensPerSecond()],
        leftAnnotations: [{ value: component.scalingPolicy.targetTokensPerSecondPerReplica, label: 'scaling target' }],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'Invocations', left: [component.metricInvocations({ period: Duration.minutes(1) })], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Model latency p90 (microseconds) and 5xx',
        left: [component.metricModelLatency({ statistic: 'p90', period: Duration.minutes(1) })],
        right: [component.metricInvocation5XXErrors({ period: Duration.minutes(1) })],
        width: 8,
      }),
    );
  }
}

/**
 * Accelerator units SageMaker counts for an instance: NeuronCores on Inferentia2 (each core
 * runs its own tensor-parallel rank), GPUs on NVIDIA instances.
 */
function acceleratorUnits(instance: InstanceTypeSpec): number {
  return instance.acceleratorClass === AcceleratorClass.INFERENTIA2 ? (instance.neuronCoresPerNode ?? instance.devicesPerNode * 2) : instance.devicesPerNode;
}

/**
 * One model on a {@link SageMakerInferenceComponentEndpoint}: a `CfnModel`, a
 * `CfnInferenceComponent` with the plan's accelerators and memory, and its copy-count scaling.
 *
 * Copies scale on output tokens/s per copy (the server's log lines, `FILL(..., 0)` when idle) and
 * on the high-resolution concurrent-requests-per-copy guard: scale-out when either asks,
 * scale-in when both agree. With `scaleToZero`, idle copies go to 0 and a step-scaling policy,
 * driven by an alarm on `NoCapacityInvocationFailures`, adds the first copy back when a request
 * finds none (target tracking cannot scale out from zero).
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html
 */
export class SageMakerInferenceComponent extends Construct {
  /** The component name. */
  public readonly inferenceComponentName: string;
  /** The endpoint hosting the component. */
  public readonly endpoint: SageMakerInferenceComponentEndpoint;
  /** The capacity plan of one copy. */
  public readonly plan: CapacityPlan;
  /** The validated scaling policy (replicas are copies). */
  public readonly scalingPolicy: TokenScalingPolicy;
  /** The model-server profile. */
  public readonly modelServer: ModelServerProfile;
  /** The container image. */
  public readonly image: SageMakerImage;
  /** Accelerator devices one copy reserves (NeuronCores on Inferentia2, GPUs otherwise). */
  public readonly acceleratorDevicesPerCopy: number;
  /** Host memory one copy reserves, MiB. */
  public readonly memoryPerCopyMiB: number;
  /** Escape hatch: the model. */
  public readonly cfnModel: sagemaker.CfnModel;
  /** Escape hatch: the inference component. */
  public readonly cfnInferenceComponent: sagemaker.CfnInferenceComponent;
  /** The log group `/aws/sagemaker/InferenceComponents/<name>`. */
  public readonly logGroup: logs.LogGroup;
  /** The scalable target (desired copy count). */
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
  /** The step-scaling policy that wakes a component scaled to zero. */
  public readonly wakeUpPolicy?: appscaling.StepScalingAction;
  /** The alarm that triggers {@link wakeUpPolicy}. */
  public readonly wakeUpAlarm?: cloudwatch.Alarm;
  /** The component's alarms (5xx, latency). */
  public readonly alarms: cloudwatch.Alarm[] = [];
  private readonly boundTokenMetric: BoundTokenMetric;

  constructor(scope: Construct, id: string, props: SageMakerInferenceComponentProps) {
    super(scope, id);
    const endpoint = props.endpoint;
    this.endpoint = endpoint;
    const instance = endpoint.instance;
    const weights = props.modelWeights.config;
    const placement = endpoint._placement;
    const networkIsolation = placement.networkIsolation ?? false;

    // ---- validate and plan
    rejectTokensIn(props.planning, 'planning', SIZES_THE_PLAN);
    rejectTokensIn(props.scaling, 'scaling', SIZES_THE_PLAN);
    checkWeights(props.model, weights, networkIsolation, 'modelWeights');
    checkTimeout(props.modelDataDownloadTimeoutInSeconds, 'modelDataDownloadTimeoutInSeconds');
    checkTimeout(props.containerStartupHealthCheckTimeoutInSeconds, 'containerStartupHealthCheckTimeoutInSeconds');
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
    const guardTarget = props.concurrentRequestsPerCopyTarget ?? Math.max(1, Math.round(this.plan.concurrentSequences * this.plan.targetUtilization));
    if (!Token.isUnresolved(guardTarget) && !(Number.isFinite(guardTarget) && guardTarget > 0)) {
      throw new InferenceConstructsError('ConcurrencyTargetInvalid', {
        prop: 'concurrentRequestsPerCopyTarget', problem: 'the concurrency target is not a positive number', received: guardTarget,
        allowed: 'a positive number of concurrent requests per copy', fix: 'pass a positive target, or leave it unset to derive it from the plan',
      });
    }
    this.inferenceComponentName = sagemakerName(this, props.inferenceComponentName, 'inferenceComponentName');
    this.image = sagemakerImage(this, this.modelServer);
    // NumberOfAcceleratorDevicesRequired is given in the unit the server's tensor-parallel degree
    // and the Neuron runtime's core assignment use: NeuronCores on Inferentia2, GPUs on NVIDIA.
    this.acceleratorDevicesPerCopy = instance.acceleratorClass === AcceleratorClass.INFERENTIA2
      ? (this.plan.neuronCoresPerReplica ?? this.plan.tensorParallelDegree)
      : this.plan.devicesPerReplica;
    const share = this.acceleratorDevicesPerCopy / acceleratorUnits(instance);
    this.memoryPerCopyMiB = Math.floor(instance.hostMemoryGiB * MIB_PER_GIB * share * HOST_MEMORY_RESERVABLE_FRACTION);

    // ---- logs, metric, permissions
    const logGroupName = `/aws/sagemaker/InferenceComponents/${this.inferenceComponentName}`;
    this.logGroup = createLogGroup(this, 'LogGroup', logGroupName, endpoint.encryptionKey, endpoint._logRetention);
    this.boundTokenMetric = (props.tokenMetricSource ?? TokenMetricSource.logs())._bind(this, {
      kind: 'InferenceComponents', resourceName: this.inferenceComponentName, logGroup: this.logGroup, server: this.modelServer,
    });
    addContainerPermissions(endpoint.role, {
      imageRepositoryArn: this.image.repositoryArn,
      weights,
      logGroupName,
      key: endpoint.encryptionKey,
      putMetricNamespace: this.boundTokenMetric.containerPublishes ? this.boundTokenMetric.namespace : undefined,
    });

    // ---- model and component
    const timeouts = startupTimeouts(this, this.modelServer, this.plan);
    this.cfnModel = new sagemaker.CfnModel(this, 'Model', {
      executionRoleArn: endpoint.role.roleArn,
      enableNetworkIsolation: networkIsolation,
      primaryContainer: {
        image: this.image.imageUri,
        environment: containerEnvironment(this.plan, weights, serverEnvironment(this.modelServer, this.plan, {
      // DJL's model-loading timeout follows the start-up health check the endpoint is given (a
      // token cannot be checked at synth: the timeout then follows the computed figure).
      modelLoadingTimeoutSeconds: Token.isUnresolved(props.containerStartupHealthCheckTimeoutInSeconds)
        ? undefined : props.containerStartupHealthCheckTimeoutInSeconds,
    }), props.environment),
        modelDataSource: modelDataSource(weights),
      },
    });
    this.cfnModel.node.addDependency(endpoint.role);
    this.cfnInferenceComponent = new sagemaker.CfnInferenceComponent(this, 'Resource', {
      inferenceComponentName: this.inferenceComponentName,
      endpointName: endpoint.cfnEndpoint.attrEndpointName,
      variantName: VARIANT_NAME,
      specification: {
        modelName: this.cfnModel.attrModelName,
        computeResourceRequirements: {
          numberOfAcceleratorDevicesRequired: this.acceleratorDevicesPerCopy,
          minMemoryRequiredInMb: this.memoryPerCopyMiB,
        },
        startupParameters: {
          modelDataDownloadTimeoutInSeconds: props.modelDataDownloadTimeoutInSeconds ?? timeouts.modelDataDownloadTimeoutInSeconds,
          containerStartupHealthCheckTimeoutInSeconds:
            props.containerStartupHealthCheckTimeoutInSeconds ?? timeouts.containerStartupHealthCheckTimeoutInSeconds,
        },
      },
      // Start with at least one copy even when the component may scale to zero: the deployment
      // then proves the model loads, and the scaling policy removes the idle copy afterwards.
      runtimeConfig: { copyCount: Math.max(1, this.scalingPolicy.minReplicas) },
    });
    this.cfnInferenceComponent.node.addDependency(this.logGroup);

    // ---- scaling
    this.scalableTarget = new appscaling.ScalableTarget(this, 'ScalableTarget', {
      serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
      role: sagemakerScalingRole(this),
      resourceId: `inference-component/${this.inferenceComponentName}`,
      scalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
      minCapacity: this.scalingPolicy.minReplicas,
      maxCapacity: this.scalingPolicy.maxReplicas,
    });
    this.scalableTarget.node.addDependency(this.cfnInferenceComponent);
    const scaleOut = Duration.seconds(this.scalingPolicy.scaleUp.stabilizationWindowSeconds);
    const scaleIn = Duration.seconds(this.scalingPolicy.scaleDown.stabilizationWindowSeconds);
    if (this.scalingPolicy.scaleOutMinutes > TARGET_TRACKING_SCALE_OUT_MINUTES) {
      this.stepScaling = createSustainedStepScaling(this, {
        scalingTarget: this.scalableTarget,
        metric: this.boundTokenMetric,
        policy: this.scalingPolicy,
        concurrency: this.metric('ConcurrentRequestsPerCopy'),
        concurrencyTarget: guardTarget,
        subject: `Inference component ${this.inferenceComponentName}`,
        unit: 'copies',
      });
    } else {
      this.tokenScalingPolicy = createTokenTrackingPolicy(this, 'TokenScaling', {
        scalingTarget: this.scalableTarget,
        metric: this.boundTokenMetric,
        targetValue: this.scalingPolicy.targetTokensPerSecondPerReplica,
        scaleOutCooldown: scaleOut,
        scaleInCooldown: scaleIn,
        label: 'Output tokens/s per copy',
        policy: this.scalingPolicy,
      });
      this.concurrencyScalingPolicy = new appscaling.TargetTrackingScalingPolicy(this, 'ConcurrencyScaling', {
        scalingTarget: this.scalableTarget,
        predefinedMetric: CONCURRENCY_METRIC,
        targetValue: guardTarget,
        scaleOutCooldown: scaleOut,
        scaleInCooldown: scaleIn,
      });
    }
    if (this.scalingPolicy.minReplicas === 0) {
      this.wakeUpPolicy = new appscaling.StepScalingAction(this, 'WakeUpScaling', {
        scalingTarget: this.scalableTarget,
        adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
        cooldown: scaleOut,
      });
      this.wakeUpPolicy.addAdjustment({ adjustment: 1, lowerBound: 0 });
      this.wakeUpAlarm = new cloudwatch.Alarm(this, 'WakeUpAlarm', {
        alarmDescription: `Inference component ${this.inferenceComponentName} has no copy and received a request: add one copy`,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/SageMaker',
          metricName: 'NoCapacityInvocationFailures',
          dimensionsMap: { InferenceComponentName: this.inferenceComponentName },
          statistic: cloudwatch.Stats.MAXIMUM,
          period: WAKE_UP_PERIOD,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.MISSING,
      });
      this.wakeUpAlarm.addAlarmAction(new cloudwatchActions.ApplicationScalingAction(this.wakeUpPolicy));
    }

    // ---- alarms
    const latency = props.modelLatencyP90Threshold ?? DEFAULT_MODEL_LATENCY_THRESHOLD;
    if (!Token.isUnresolved(latency.toSeconds()) && !(latency.toSeconds() > 0)) {
      throw new InferenceConstructsError('AlarmThresholdInvalid', {
        prop: 'modelLatencyP90Threshold', problem: 'the alarm threshold is not positive', received: latency.toSeconds(),
        allowed: 'a positive duration', fix: 'set a positive modelLatencyP90Threshold, or leave it unset',
      });
    }
    this.alarms.push(...createErrorAndLatencyAlarms(this, { subject: `Inference component ${this.inferenceComponentName}`, metricInvocation5XXErrors: (p) => this.metricInvocation5XXErrors(p), metricModelLatency: (p) => this.metricModelLatency(p) }, DEFAULT_5XX_THRESHOLD, latency));
  }

  /** Output tokens/s of one copy (mean over copies). Statistic: Average over 1 minute. */
  public metricTokensPerSecond(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return tokenMetric(this.boundTokenMetric, props);
  }

  /** Any `AWS/SageMaker` metric of this component. */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName,
      dimensionsMap: { InferenceComponentName: this.inferenceComponentName },
      ...props,
    });
  }

  /** Requests sent to the component. Statistic: Sum over 5 minutes. */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /** Time the model took to respond, microseconds. Statistic: Average over 5 minutes. */
  public metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ModelLatency', { statistic: cloudwatch.Stats.AVERAGE, unit: cloudwatch.Unit.MICROSECONDS, ...props });
  }

  /** Requests answered with HTTP 5xx. Statistic: Sum over 5 minutes. */
  public metricInvocation5XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocation5XXErrors', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /** Requests that found no copy to serve them (scale-to-zero wake-ups). Statistic: Sum over 5 minutes. */
  public metricNoCapacityInvocationFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('NoCapacityInvocationFailures', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /** Allow `grantee` to invoke this component (InvokeEndpoint with `InferenceComponentName`). */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.endpoint.grantInvoke(grantee);
  }
}

