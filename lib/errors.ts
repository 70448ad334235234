/**
 * The project's own error type.
 *
 * Every bad input is reported with a stable code, the property that was wrong, the value
 * received, what is allowed and how to fix it. Codes are a public contract: tests and users
 * match on them, so a code is never renamed or reused for another meaning.
 *
 * Message style (one style everywhere, after aws-cdk's error guidelines): lower case, no
 * trailing period, "what went wrong, what you gave, what is allowed, how to fix it".
 *
 * @see https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/core/lib/errors.ts
 */

/** Every stable error code the library can throw, with a one-line meaning. */
export const ERROR_CODES = {
  // catalogue look-ups
  InstanceTypeUnknown: 'the instance or machine type is not in the accelerator catalogue',
  InstanceTypeNotOnSageMaker: 'the instance type has no SageMaker ml.* equivalent',
  AcceleratorMismatch: 'the instance type belongs to another accelerator class than required',
  TpuTopologyInvalid: 'the TPU topology is not valid for the chip or machine type',
  TpuAcceleratorUnknown: 'the TPU accelerator (node label value) is not in the catalogue',
  ModelPresetUnknown: 'no model preset has that name',
  ModelServerUnknown: 'no model-server profile has that name',
  ModelServerUnsupported: 'the model server does not run on that accelerator',
  RegionUnsupported: 'the model-server image is not published in that region',
  // model description
  ModelFieldInvalid: 'a model description field is missing, not a positive integer or inconsistent',
  PrecisionUnsupported: 'the precision is not one of the supported weight formats',
  // capacity planning
  ModelDoesNotFit: 'the model does not fit any valid device group of the instance',
  TensorParallelInvalid: 'the tensor-parallel degree is not valid for the model and instance',
  ContextTooLong: 'the planned context is longer than the model supports',
  ConcurrencyInvalid: 'the planned number of concurrent sequences is not a positive integer',
  UtilizationOutOfRange: 'the target utilisation is not in (0, 1]',
  ThroughputInvalid: 'a tokens-per-second figure is not a positive finite number',
  PriceInvalid: 'a price is not a non-negative finite number',
  // scaling
  ReplicasInvalid: 'a replica count is not a non-negative integer',
  MinAboveMax: 'minReplicas is greater than maxReplicas',
  ScaleToZeroUnsupported: 'scale to zero was asked for where the platform cannot do it',
  ScalingBehaviourInvalid: 'a scale-up or scale-down behaviour value is out of range',
  // consistency across constructs
  PoolLimitExceeded: 'the workloads need more devices than the node pool allows',
  PoolNotFound: 'a workload selects a node pool that does not exist',
  SelectorMismatch: "a workload's selectors or tolerations do not match its pool",
  AmiTypeMismatch: 'the AMI type does not match the instance types',
  ScalerTargetMissing: 'a scaler targets a workload that does not exist',
  StackTooLarge: 'a stack would exceed the CloudFormation resource limit',
  HuggingFaceTokenMissing: 'a gated Hugging Face model is downloaded without an access-token secret',
  TokenMetricUnavailable: 'the model server publishes no token-throughput signal the platform can read',
  // step-time model and operating point
  CatalogueDataMissing: 'the accelerator catalogue lacks a figure the planner needs for this row',
  PrecisionNotServable: 'the device generation or model server cannot serve the precision',
  LatencyTargetUnreachable: 'no concurrency meets the latency targets on this device group',
  LatencyTargetInvalid: 'a latency target is not a positive finite number of seconds',
  RequestShapeInvalid: 'the mean input / output tokens per request are not positive or exceed the context',
  HostMemoryInsufficient: 'the weights do not fit the host memory the server loads them through',
  StepTimeInvalid: 'a measured step-time profile has a field that is not a non-negative finite number',
  CalibrationRecordInvalid: 'a benchmark record for calibration is missing a field or has a wrong type',
  // model description: mixture of experts, latent attention, sliding windows
  ModelExpertsInvalid: 'the mixture-of-experts fields (experts, experts per token, active / shared parameters, expert precision) are missing or inconsistent',
  ModelLatentAttentionInvalid: 'the latent-attention (MLA) cache width is not a positive integer',
  ModelSlidingWindowInvalid: 'the sliding-window fields (window, windowed layers) are missing or inconsistent',
  SequenceLengthInvalid: 'a sequence length is not a non-negative integer',
  // catalogue prices
  PriceUnknown: 'the row has no published list price and the caller gave none',
  // Kubernetes rendering (model workloads, node pools)
  NodeLifetimeTooLong: 'an EKS Auto Mode NodePool expireAfter plus terminationGracePeriod exceeds 21 days',
  SecretReferenceInvalid: 'a Secret name or key is not one Kubernetes accepts',
  ObjectNameConflict: 'two constructs render objects of the same kind, namespace and name',
  NodeDiskTooSmall: 'a node disk is smaller than the ephemeral storage its pods request',
  RateWindowTooShort: 'a rate window spans fewer scrapes of the metrics backend than rate() needs',
  MultiHostLaunchUnsupported: 'the server has no multi-host launcher for a replica that spans hosts',
  // multi-node replicas and parallelism
  PipelineParallelUnsupported: 'the model server cannot run a replica pipelined across nodes',
  NodesPerReplicaInvalid: 'the most nodes a replica may span is not a positive integer',
  ExpertParallelInvalid: 'the routed experts do not divide evenly over the expert-parallel group',
  // AWS constructs (constructs/aws)
  ScrapeIntervalTooShort: 'the scrape interval is shorter than the metrics collector allows',
  CidrInvalid: 'a CIDR block is not a valid IPv4 CIDR',
  VolumeTooSmall: 'a storage volume is smaller than the model weights it must hold',
  InstanceCountTooSmall: 'the instance count cannot hold the model copies the scaling bounds need',
  TokenNotSupported: 'a CDK token was given where the value must be known at synthesis',
  NodeGroupCannotGrow: 'a managed node group has fewer nodes than the workloads need and nothing grows it',
  SecretNotDelivered: 'a workload reads a Kubernetes Secret that nothing in the stack creates',
  KubernetesPlatformMismatch: 'a workload was rendered for another Kubernetes platform than the cluster provides',
  // token work
  ScalingSignalInvalid: 'the scaling signal is not one of the ScalingSignal values',
  TokenWorkUnsupported: 'the token-work signal cannot be rendered for this server or scaler',
  // replay
  TraceInvalid: 'a request trace or its rate scale cannot be read',
  ReplayDeploymentUnknown: 'no deployment of the replayed fleet has that name',
  ReplayPlanShapeInvalid: 'the replay plan shape is none of the fitted target, the bursts rule, the mean shape, or the rendered one',
  TraceWindowInvalid: 'a window of a request trace is not a range of minutes within it',
  TraceLongerThanContext: "a trace's mean request is longer than the replayed deployment's context",
  StepBudgetInvalid: "the replay's tokens per engine step (vLLM --max-num-batched-tokens) are not a whole number of at least 1",
  PredictAheadInvalid: "the replay's predictive study term looks a negative or non-numeric share of the start-up ahead",
  WarmStartInvalid: 'the replay was asked for a warm start it does not know',
  FitAttainmentInvalid: 'the attainment a target fit must keep is not a fraction in (0, 1]',
  // platforms and scrape backends (lib/platforms.ts)
  KubernetesPlatformUnknown: 'the Kubernetes platform is not one the library renders for',
  ScrapeBackendUnknown: 'the scrape backend is not one the library renders for',
  ScrapeIntervalUnknown: 'no scrape interval applies: the scrape backend scrapes nothing',
  ScrapeIntervalInvalid: 'a scrape interval is not a positive finite number of seconds, or not a whole number in the range the scraper accepts',
  // device plugins
  DevicePluginMissing: 'accelerator pods land on Karpenter nodes that no device plugin advertises the resource on',
  // model description: units
  ParametersNotInBillions: 'parametersBillion is a raw parameter count, not a number of billions',
  // scalers bound to their workload's plan
  ScalingPolicyPlanMismatch: 'the scaling policy was built from a different capacity plan than the workload it scales',
  // one code per check: model workloads and scalers (constructs/k8s), SageMaker and EKS metrics
  // (constructs/aws), plan report, rule pack and the reference apps (lib, bin)
  ServedModelNameInvalid: 'the served model name has characters that metric queries cannot match',
  WorkloadNameInvalid: 'a model workload name is not a valid Kubernetes Service name (DNS-1035 label)',
  ImageNotPinned: 'a container image has no pinned tag or digest (none, or latest)',
  PlatformCloudMismatch: "the Kubernetes platform does not run on the cloud of the plan's instance type",
  InstanceNotOnPlatform: 'the catalogue has no node labels for the instance type on that Kubernetes platform',
  StartupTimeoutInvalid: 'the start-up timeout is not a whole number of seconds of at least one probe period',
  PreStopSleepInvalid: 'the preStop sleep is not a whole number of seconds >= 0',
  TerminationGracePeriodInvalid: 'the termination grace period is not a whole number of seconds >= 1',
  GracePeriodTooShort: 'the termination grace period does not outlast the preStop sleep',
  DeviceCountInvalid: 'an accelerator (extended resource) request is not a whole positive number of devices',
  AwsRegionInvalid: 'an AWS region name is malformed',
  PrometheusWorkspaceIdInvalid: 'an Amazon Managed Service for Prometheus workspace id is malformed',
  GcpProjectIdInvalid: 'a Google Cloud project id is malformed',
  PrometheusAddressInvalid: 'a Prometheus server address is not an http(s) URL',
  QueueDepthTargetInvalid: 'the queue-depth scaling target is not a positive number',
  LabelValueInvalid: 'a value matched by a Kubernetes label selector is not a valid label value',
  MetricsRetentionInvalid: 'the in-cluster Prometheus retention is not a whole number of hours >= 1',
  CollectorSubnetsTooFew: 'the AWS managed collector needs private subnets in at least two Availability Zones',
  ConcurrencyTargetInvalid: 'a SageMaker concurrent-requests scaling target is not a positive number',
  AlarmThresholdInvalid: 'an alarm threshold is not a positive number',
  InferenceComponentMissing: 'an inference-component endpoint hosts no inference component',
  MetricNamespaceInvalid: 'a CloudWatch metric namespace is empty or reserved for AWS services',
  ScaleToZeroInvalid: 'scaleToZero is not a boolean',
  DeploymentNameDuplicate: 'two deployments in a plan report share one name',
  GeneratedSectionMissing: 'a document has no markers for a generated section',
  RuleIdUnknown: 'no rule of the rule pack has that id',
  ManifestsInvalid: 'the manifests to check are not a list of Kubernetes objects',
  TemplateInvalid: 'the template to check has no Resources section',
  FleetStackUnknown: "a stack named in the reference fleet's stacks context is not one the fleet builds",
  TargetScaleOutOfRange: "the replay's per-replica target scale is not in (0, 1]",
  // model servers, planner and SageMaker common props (lib/servers.ts, lib/planner.ts, constructs/aws/sagemaker-common.ts)
  ModelServerNameInvalid: 'a model-server profile name is not a lower-case DNS label',
  ModelServerDisplayNameEmpty: 'a model-server profile has an empty display name',
  ModelServerBasedOnConflict: 'a model-server profile with a pinned name also names a server it is based on',
  ModelServerAcceleratorsInvalid: 'a model-server profile lists no accelerator class or an unknown one',
  ModelServerPrecisionsInvalid: 'a model-server profile lists no precision or an unknown one',
  ModelServerImageMissing: 'a model-server profile has neither a Kubernetes nor a SageMaker image',
  ModelServerPortInvalid: 'a model-server port is not an integer from 1 to 65535',
  ModelServerPathInvalid: 'a model-server health, metrics or writable path is not absolute',
  ModelServerSageMakerContractInvalid: 'a model-server profile with a SageMaker image does not answer /ping on port 8080',
  ModelServerStartupOverheadInvalid: 'a model-server start-up overhead is not a non-negative finite number of seconds',
  ModelServerHostLoadInvalid: 'a model-server host memory per checkpoint GiB is not a positive finite number',
  ModelServerTokenCounterMissing: 'a model-server profile names no generated-token counter',
  ServedModelNameEmpty: 'the served model name is empty',
  JetStreamOptionMissing: 'a JetStream argument (checkpoint path, MaxText model name, tokenizer) is missing',
  StartupTimeoutOutOfRange: 'a container start-up or model-loading timeout is outside the 60 to 3600 s SageMaker accepts',
  PlanTargetAmbiguous: 'not exactly one of instanceType and tpuSlice was given to plan on',
  OperatingPriorityUnknown: 'the operating priority is not one of the OperatingPriority values',
  ContextTokensInvalid: 'the planned context is not a positive integer',
  RuntimeOverheadInvalid: 'the runtime overhead fraction is not in [0, 1)',
  CandidatesEmpty: 'no candidate instance types or TPU slices were given to plan on',
  S3PrefixInvalid: 'an S3 key prefix is empty or starts with a slash',
  SageMakerNameInvalid: 'a SageMaker resource name has characters or a length SageMaker rejects',
  VolumeSizeOutOfRange: 'a storage volume size is outside the range SageMaker accepts',
  NetworkIsolationConflict: 'network isolation is on while the weights come from the Hugging Face Hub',
  VpcMissing: 'subnets or security groups were given without a VPC',
  // node pools and the EKS inference cluster (constructs/k8s/node-pools.ts, compute-class.ts,
  // constructs/aws/eks-accelerator-pools.ts, eks-inference-cluster.ts)
  PoolNameInvalid: 'a node pool or ComputeClass name is not a DNS-1123 label',
  PoolNameConflict: 'two node pools of one cluster have the same name',
  PoolInstanceTypesEmpty: 'a node pool lists no instance types',
  PoolInstanceTypeDuplicate: 'a node pool lists an instance type twice',
  PoolInstanceTypeNotEc2: 'a Karpenter or EKS Auto Mode pool lists an instance type that is not an EC2 instance type',
  PoolAcceleratorUnsupported: 'the accelerator is not one an EKS node pool serves',
  PoolCapacityTypeInvalid: 'a node pool has no capacity type or an unknown one',
  PoolMaxDevicesInvalid: 'a node pool maxDevices is not a positive integer',
  PoolMaxDevicesBelowNode: 'a node pool maxDevices is below the devices of one node of its largest instance type',
  PoolSizeUnknown: 'a node pool has neither maxDevices nor a workload placed on it to size it from',
  PoolWorkloadNotFound: 'a workload added to a node pool renders no Deployment or LeaderWorkerSet in its chart',
  PoolWorkloadNotPlaced: "a workload added to a node pool does not select or tolerate that pool's nodes",
  NodeDurationInvalid: 'a node lifetime or termination grace period is not a duration the NodePool accepts',
  CapacityModePropUnsupported: 'a property applies to another capacity mode than the one in use',
  KarpenterPoolPropMissing: 'a Karpenter-mode node pool lacks its node role or cluster name',
  AmiAliasNotPinned: 'the EC2NodeClass AMI alias is not pinned to a release',
  MetadataHopLimitInvalid: 'the instance metadata hop limit is not 1 or 2',
  NodeDiskSizeInvalid: 'a node disk size is not a whole number of GiB in the range the volume accepts',
  NodeGroupDeviceCountsMixed: 'a managed node group mixes instance types with different devices per node',
  MinNodesInvalid: 'a managed node group minNodes is not a non-negative integer',
  ComputeClassShapeInvalid: 'a ComputeClass is given both or neither of tpuSlice and gpuMachineType',
  ConsolidationDelayInvalid: 'a ComputeClass consolidation delay is outside the 1-1440 minutes GKE accepts',
  WorkloadNotChart: 'the workload deployed on the cluster is not a cdk8s chart',
  ManifestKindMissing: 'a workload chart holds an object without a Kubernetes kind',
  SecretNameConflict: 'two secrets are delivered under one Kubernetes Secret name',
  EndpointCidrsEmpty: 'the list of CIDR blocks allowed to reach the cluster endpoint is empty',
  EndpointOpenToInternet: 'the cluster endpoint would be reachable from the whole internet',
  SystemNodeCountInvalid: 'the system node group has fewer than one node or a count that is not an integer',
  // reference app context (bin/fleet.ts)
  ReplayTraceFlagInvalid: 'the reference app\'s trace-replay context switch is neither true nor false',
  // node packing of pool limits (lib/private/node-packing.ts)
  PodDevicesAboveNode: 'a pod requests more accelerator devices than one node of any instance type of its pool has',
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** What an error says, field by field. */
export interface InferenceErrorDetails {
  /** The property (dotted path) that was wrong, e.g. `scaling.maxReplicas`. */
  readonly prop: string;
  /** What went wrong, in a short lower-case phrase. */
  readonly problem: string;
  /** The value received, shown as given. */
  readonly received: unknown;
  /** What is allowed, in words or as a list. */
  readonly allowed: string | readonly (string | number)[];
  /** How to fix it. */
  readonly fix: string;
}

/** Render a received value for a message: strings quoted, objects as compact JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 200 ? `${json.slice(0, 197)}...` : json;
  } catch {
    return String(value);
  }
}

function describeAllowed(allowed: InferenceErrorDetails['allowed']): string {
  if (typeof allowed === 'string') return allowed;
  const shown = allowed.slice(0, 25).map((a) => (typeof a === 'string' ? a : String(a)));
  return allowed.length > shown.length ? `${shown.join(', ')}, ... (${allowed.length} in all)` : shown.join(', ');
}

/**
 * The error every bad input raises, before anything is synthesized.
 *
 * @example
 * throw new InferenceConstructsError('MinAboveMax', {
 *   prop: 'minReplicas', problem: 'minReplicas is greater than maxReplicas',
 *   received: 5, allowed: 'an integer from 0 to maxReplicas (2)', fix: 'lower minReplicas or raise maxReplicas',
 * });
 */
export class InferenceConstructsError extends Error {
  /** The stable code; see {@link ERROR_CODES}. */
  public readonly code: ErrorCode;
  public readonly prop: string;
  public readonly received: unknown;
  public readonly allowed: string;
  public readonly fix: string;

  constructor(code: ErrorCode, details: InferenceErrorDetails) {
    const allowed = describeAllowed(details.allowed);
    super(
      `[${code}] ${details.prop}: ${details.problem}; received ${describeValue(details.received)}; ` +
        `allowed: ${allowed}; fix: ${details.fix}`,
    );
    this.name = 'InferenceConstructsError';
    this.code = code;
    this.prop = details.prop;
    this.received = details.received;
    this.allowed = allowed;
    this.fix = details.fix;
  }
}

/** True when `e` is this library's error, optionally with the given code. */
export function isInferenceConstructsError(e: unknown, code?: ErrorCode): e is InferenceConstructsError {
  return e instanceof InferenceConstructsError && (code === undefined || e.code === code);
}

/** The `[Code]` prefix every message of {@link InferenceConstructsError} starts with, after an optional `Name: `. */
const CODE_PREFIX = /^(?:[A-Za-z]+: )?\[([A-Za-z0-9]+)\] /;

/**
 * Recognise this library's errors and read their stable code, in every language.
 *
 * `InferenceConstructsError` is not part of the jsii surface (jsii cannot export a subclass of
 * `Error`), the way aws-cdk-lib keeps `ValidationError` private and exposes
 * `Errors.isValidationError`. In Python, Java or .NET a JavaScript error reaches the caller as the
 * host language's exception carrying the message only, so {@link InferenceErrors.codeOf} also
 * accepts that message (`InferenceErrors.code_of(str(e))` in Python).
 *
 * Recognition does not rely on `instanceof` alone: an app can load two copies of the library.
 *
 * @see https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/core/lib/errors.ts
 */
export class InferenceErrors {
  /**
   * True when `x` is an error thrown by this library, optionally with the given code.
   *
   * @param x any value, typically what a `catch` received
   * @param code a code from {@link InferenceErrors.codes}
   * @default - any code
   */
  public static isInferenceError(x: any, code?: string): boolean {
    const found = InferenceErrors.codeOfError(x);
    return found !== undefined && (code === undefined || found === code);
  }

  /**
   * The stable code of an error of this library, or of its message; undefined for anything else.
   *
   * @param x an error, or the message of one (`str(e)` in Python)
   */
  public static codeOf(x: any): string | undefined {
    if (typeof x === 'string') {
      // As the host language prints it: "[Code] ...", or "Error: [Code] ..." / "RuntimeError: [Code] ...".
      const m = CODE_PREFIX.exec(x);
      return m && Object.prototype.hasOwnProperty.call(ERROR_CODES, m[1]!) ? m[1] : undefined;
    }
    return InferenceErrors.codeOfError(x);
  }

  /** Every stable error code, sorted. */
  public static codes(): string[] {
    return Object.keys(ERROR_CODES).sort();
  }

  /**
   * The one-line meaning of a code; throws for a code this library does not have.
   *
   * @param code a code from {@link InferenceErrors.codes}
   */
  public static describe(code: string): string {
    if (!Object.prototype.hasOwnProperty.call(ERROR_CODES, code)) {
      throw new Error(`unknown error code ${JSON.stringify(code)}; known codes: ${InferenceErrors.codes().join(', ')}`);
    }
    return ERROR_CODES[code as ErrorCode];
  }

  private static codeOfError(x: any): string | undefined {
    if (x instanceof InferenceConstructsError) return x.code;
    // Another copy of the library: same name, a known code and the message format.
    if (x instanceof Error && x.name === 'InferenceConstructsError') {
      const code = (x as { code?: unknown }).code;
      if (typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, code)) return code;
    }
    return undefined;
  }

  private constructor() {}
}
