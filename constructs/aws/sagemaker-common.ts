/**
 * Pieces shared by the SageMaker endpoint constructs: model weights, names, startup timeouts,
 * storage sizing, the execution role and the endpoint's log group.
 */
import { Annotations, ArnFormat, Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { TokenMetricSource } from './sagemaker-token-metric.js';
import { InferenceConstructsError } from '../../lib/errors.js';
import { SAGEMAKER_MAX_STARTUP_TIMEOUT_SECONDS, SAGEMAKER_MIN_STARTUP_TIMEOUT_SECONDS, sagemakerStartupTimeouts, type ModelServer, type ModelServerProfile, type SageMakerStartupTimeouts } from '../../lib/servers.js';
import { type CapacityPlan, type PlanningOptions } from '../../lib/planner.js';
import { type ModelSpec } from '../../lib/models.js';
import { type TokenScalingPolicyOptions } from '../../lib/scaling.js';
import { sortedByKey } from '../../lib/private/compare.js';

/**
 * Longest SageMaker endpoint, model and inference-component name, and its pattern.
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpoint.html#sagemaker-CreateEndpoint-request-EndpointName
 */
export const SAGEMAKER_NAME_MAX_LENGTH = 63;
const SAGEMAKER_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * Bounds of `VolumeSizeInGB` on a production variant.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-sagemaker-endpointconfig-productionvariant.html
 */
export const VOLUME_SIZE_MIN_GB = 1;
export const VOLUME_SIZE_MAX_GB = 512;

/** 1 GiB in GB (10^9 bytes): SageMaker sizes volumes in GB. */
const GB_PER_GIB = 1.073741824;
/** Headroom on the EBS volume beyond two copies of the weights (download + compiled artifacts), GB. */
const VOLUME_HEADROOM_GB = 30;

/**
 * Instance families whose SageMaker instances have local NVMe instance storage. On these,
 * `VolumeSizeInGB` and the endpoint configuration's `KmsKeyId` are rejected: the instance store is
 * used instead of an EBS volume and is encrypted by a hardware module on the instance.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/host-instance-storage.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html#sagemaker-CreateEndpointConfig-request-KmsKeyId
 */
export const INSTANCE_STORE_FAMILIES: ReadonlySet<string> = new Set([
  'g4dn', 'g5', 'g6', 'g6e', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'trn1', 'trn1n',
  // The 2025-2026 generations, each with local NVMe SSD instance store (EC2 Instance Types guide,
  // accelerated computing, "Instance store volumes"): g7e up to 15.2 TB (g7e.48xlarge),
  // p6-b200.48xlarge 8 x 3.84 TB, trn2.48xlarge 4 x 1.9 TB. p6-b300.48xlarge: a running instance
  // reports 28 TiB of NVMe in RAID 0 (= 8 x 3.84 TB); one third-party table says "EBS Only" next
  // to a wrong GPU memory figure, so the EC2 table is the one to confirm against. p6-b300 has no
  // ml. hosting name yet (ProductionVariantInstanceType, botocore service-2.json); it is listed so
  // that its classification is ready when it does.
  // https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html#ac_instance-store
  'g7e', 'p6-b200', 'p6-b300', 'trn2',
]);
/** Families that use an EBS volume (no instance store) and accept `VolumeSizeInGB` and `KmsKeyId`. */
export const EBS_ONLY_FAMILIES: ReadonlySet<string> = new Set(['inf2', 'inf1', 'g4ad', 'p3', 'c5', 'm5', 'r5', 'c6i', 'm6i']);

/** The production-variant name every endpoint of this library uses. */
export const VARIANT_NAME = 'AllTraffic';

/** Weights location, in the words of `CreateModel`. */
export interface ModelWeightsConfig {
  readonly kind: 'huggingface' | 's3';
  /** Hugging Face model id downloaded by the container at start (kind `huggingface`). */
  readonly huggingFaceId?: string;
  /** Secret holding the Hugging Face access token (kind `huggingface`). */
  readonly tokenSecret?: secretsmanager.ISecret;
  /** JSON field of the secret that holds the token; the whole secret string when unset. */
  readonly tokenSecretField?: string;
  /** The bucket (kind `s3`). */
  readonly bucket?: s3.IBucket;
  /** Key prefix ending in `/` (kind `s3`). */
  readonly prefix?: string;
}

/** Options for weights downloaded from the Hugging Face Hub. */
export interface HuggingFaceWeightsOptions {
  /**
   * Secret holding a Hugging Face access token, required for gated models (`model.gated`).
   * The token reaches the container as the `HF_TOKEN` environment variable through a
   * CloudFormation dynamic reference: the template holds no literal, but SageMaker stores the
   * resolved value in the model's environment, readable by anyone allowed `sagemaker:DescribeModel`.
   * @default - no token (public models only)
   */
  readonly tokenSecret?: secretsmanager.ISecret;
  /**
   * JSON key inside the secret that holds the token.
   * @default - the whole secret string is the token
   */
  readonly tokenSecretField?: string;
  /**
   * Hugging Face model id.
   * @default - the model description's `huggingFaceId`
   */
  readonly modelId?: string;
}

/**
 * Where the model weights come from.
 *
 * `fromS3Prefix` is the production choice: uncompressed weights under an S3 prefix are copied to
 * `/opt/ml/model` by SageMaker before the container starts (`ModelDataSource.S3DataSource`,
 * `S3DataType: S3Prefix`, `CompressionType: None`), work with network isolation and need no token.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/large-model-inference-uncompressed.html
 */
export class ModelWeights {
  /** Weights downloaded by the container from the Hugging Face Hub (`HF_MODEL_ID`). */
  public static fromHuggingFace(options: HuggingFaceWeightsOptions = {}): ModelWeights {
    return new ModelWeights({
      kind: 'huggingface',
      huggingFaceId: options.modelId,
      tokenSecret: options.tokenSecret,
      tokenSecretField: options.tokenSecretField,
    });
  }

  /** Uncompressed weights (safetensors, config, tokenizer) under `s3://<bucket>/<prefix>`. */
  public static fromS3Prefix(bucket: s3.IBucket, prefix: string): ModelWeights {
    if (!Token.isUnresolved(prefix) && (prefix.length === 0 || prefix.startsWith('/'))) {
      throw new InferenceConstructsError('S3PrefixInvalid', {
        prop: 'modelWeights.prefix',
        problem: 'the S3 prefix is empty or starts with a slash',
        received: prefix,
        allowed: 'a key prefix such as "models/llama-3-1-8b/"',
        fix: 'pass the key prefix of the model folder without a leading slash',
      });
    }
    const normalised = Token.isUnresolved(prefix) || prefix.endsWith('/') ? prefix : `${prefix}/`;
    return new ModelWeights({ kind: 's3', bucket, prefix: normalised });
  }

  private constructor(public readonly config: ModelWeightsConfig) {}
}

/** Options every SageMaker endpoint construct of this library shares. */
export interface SageMakerPlacementOptions {
  /**
   * VPC to place the model containers in (`VpcConfig`).
   * @default - SageMaker-managed network
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets within `vpc`.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups for the containers' network interfaces.
   * @default - one security group with no inbound rules and all outbound traffic allowed
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Run the containers without network access (`EnableNetworkIsolation`). Needs weights from S3.
   * @default false
   */
  readonly networkIsolation?: boolean;
}

/** Hosting props both SageMaker endpoint constructs take: the instance type, its storage, encryption, logs and dashboard. */
export interface SageMakerHostingOptions extends SageMakerPlacementOptions {
  /**
   * SageMaker hosting instance type (shared by every component of an inference-component
   * endpoint), e.g. `ml.inf2.xlarge`, `ml.g6e.12xlarge`.
   */
  readonly instanceType: string;
  /**
   * Key for the storage volume (EBS-only instances) and the container log groups.
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Retention of the container log groups.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Size of the EBS storage volume. Ignored on instances with local NVMe storage.
   * @default - twice the weights (of every model on the endpoint) plus 30 GB
   */
  readonly volumeSizeInGB?: number;
  /**
   * Create a CloudWatch dashboard for the endpoint.
   * @default true
   */
  readonly dashboard?: boolean;
}

/**
 * Scaling options: the token policy's options (TypeScript alias of {@link TokenScalingPolicyOptions},
 * which the props name directly).
 */
export type SageMakerScalingOptions = TokenScalingPolicyOptions;

/** What one served model needs, on a single-model endpoint or as an inference component. */
export interface SageMakerModelOptions {
  /** The model to serve (a preset from `modelPreset()` or `defineModel()`). */
  readonly model: ModelSpec;
  /** Where the weights come from. */
  readonly modelWeights: ModelWeights;
  /**
   * Capacity-planning inputs (precision, context, batch, measured throughput, peak tokens/s).
   * @default - the planner's defaults
   */
  readonly planning?: PlanningOptions;
  /**
   * The model server.
   * @default - `ModelServer.defaultFor(accelerator, ServerPlatform.SAGEMAKER)`: LMI vLLM (`ModelServer.VLLM`) on
   * NVIDIA GPUs, LMI neuronx (`ModelServer.DJL_LMI_NEURONX`) on Inferentia2
   */
  readonly modelServer?: ModelServer;
  /**
   * Where the tokens/s signal comes from.
   * @default TokenMetricSource.logs()
   */
  readonly tokenMetricSource?: TokenMetricSource;
  /** @default - sized by the server profile from the weights (`sagemakerStartupTimeouts`) */
  readonly modelDataDownloadTimeoutInSeconds?: number;
  /** @default - sized by the server profile: overhead, compilation (Inferentia2) and weight loading */
  readonly containerStartupHealthCheckTimeoutInSeconds?: number;
  /**
   * Extra container environment, applied after the server's settings.
   * @default - none
   */
  readonly environment?: { [key: string]: string };
}

/** Resolve a deterministic SageMaker name for `construct`, or validate the one given. */
export function sagemakerName(construct: Construct, given: string | undefined, prop: string): string {
  if (given !== undefined) {
    if (!Token.isUnresolved(given) && !SAGEMAKER_NAME_PATTERN.test(given)) {
      throw new InferenceConstructsError('SageMakerNameInvalid', {
        prop,
        problem: 'the name is not a valid SageMaker name',
        received: given,
        allowed: `1 to ${SAGEMAKER_NAME_MAX_LENGTH} letters, digits and hyphens, starting and ending with a letter or digit`,
        fix: 'shorten the name or remove the other characters',
      });
    }
    return given;
  }
  return uniqueSageMakerName(construct);
}

function uniqueSageMakerName(construct: Construct, maxLength: number = SAGEMAKER_NAME_MAX_LENGTH): string {
  // Names.uniqueResourceName is a pure function of the construct path (human-readable part plus
  // a hash), so the name is deterministic, unique per stack and survives truncation.
  const raw = Names.uniqueResourceName(construct, { maxLength, separator: '-' });
  return raw.replace(/[^a-zA-Z0-9-]/g, '').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * A deterministic SageMaker name for `construct` that ends in the instance type
 * (`...-inf2-xlarge` for `ml.inf2.xlarge`), or the given name unchanged.
 *
 * SageMaker's UpdateEndpoint fails when it would change the instance type of a variant that is
 * an Application Auto Scaling target: "If the update would change the instance type for any model
 * that is a target for automatic scaling, the update fails ... delete any scaling policies
 * configured for it and deregister the variant as a scalable target" (SageMaker Developer Guide,
 * Update endpoints that use automatic scaling). With the instance type in the endpoint name, a
 * new instance type is a new `EndpointName`, which CloudFormation handles by replacement: it
 * creates the new endpoint and its scalable target, then deletes the old target and endpoint,
 * and never calls UpdateEndpoint across instance types.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-delete.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-endpoint.html (EndpointName: replacement)
 */
export function sagemakerNameForInstanceType(construct: Construct, given: string | undefined, prop: string, instanceType: string): string {
  if (given !== undefined) return sagemakerName(construct, given, prop);
  const suffix = instanceType.replace(/^ml\./, '').replace(/[^a-zA-Z0-9]+/g, '-');
  const base = uniqueSageMakerName(construct, SAGEMAKER_NAME_MAX_LENGTH - suffix.length - 1);
  return `${base}-${suffix}`;
}

/** Validate an optional integer timeout in seconds against the SageMaker bounds. */
export function checkTimeout(value: number | undefined, prop: string): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < SAGEMAKER_MIN_STARTUP_TIMEOUT_SECONDS || value > SAGEMAKER_MAX_STARTUP_TIMEOUT_SECONDS) {
    throw new InferenceConstructsError('StartupTimeoutOutOfRange', {
      prop,
      problem: 'the timeout is outside the range SageMaker accepts',
      received: value,
      allowed: `an integer from ${SAGEMAKER_MIN_STARTUP_TIMEOUT_SECONDS} to ${SAGEMAKER_MAX_STARTUP_TIMEOUT_SECONDS} seconds`,
      fix: `set ${prop} within the range, or leave it unset to size it from the model`,
    });
  }
}

/**
 * Startup timeouts sized from the model by the server profile (`sagemakerStartupTimeouts`:
 * fixed server overhead, Neuron compilation on Inferentia2, weights at 0.1 GiB/s). Estimates
 * above the SageMaker maximum are set to it with a warning.
 */
export function startupTimeouts(scope: Construct, server: ModelServerProfile, plan: CapacityPlan): SageMakerStartupTimeouts {
  const timeouts = sagemakerStartupTimeouts(server, plan);
  if (timeouts.atLimit) {
    Annotations.of(scope).addWarningV2(
      'inference-constructs:StartupTimeoutAtLimit',
      `the startup estimate for ${plan.model.name} on ${plan.instance.name} exceeds the SageMaker maximum of ` +
        `${SAGEMAKER_MAX_STARTUP_TIMEOUT_SECONDS} s; the timeouts are set to the maximum. Stage pre-compiled ` +
        'artifacts or the weights in S3 if the container does not become healthy in time',
    );
  }
  return timeouts;
}

/** True when the instance uses local NVMe storage (no `VolumeSizeInGB`, no `KmsKeyId`). */
export function usesInstanceStore(scope: Construct, plan: CapacityPlan): boolean {
  const family = plan.instance.family;
  if (INSTANCE_STORE_FAMILIES.has(family)) return true;
  if (EBS_ONLY_FAMILIES.has(family)) return false;
  Annotations.of(scope).addWarningV2(
    'inference-constructs:InstanceStorageUnknown',
    `instance family "${family}" is not in the storage table; treating it as instance-store backed ` +
      '(no VolumeSizeInGB, no KmsKeyId), which SageMaker always accepts',
  );
  return true;
}

/** EBS volume size for EBS-only instances: two copies of the weights plus headroom, in GB. */
export function volumeSizeInGB(scope: Construct, plan: CapacityPlan, given: number | undefined): number {
  if (given !== undefined) {
    if (!Token.isUnresolved(given) && (!Number.isInteger(given) || given < VOLUME_SIZE_MIN_GB || given > VOLUME_SIZE_MAX_GB)) {
      throw new InferenceConstructsError('VolumeSizeOutOfRange', {
        prop: 'volumeSizeInGB',
        problem: 'the volume size is outside the range SageMaker accepts',
        received: given,
        allowed: `an integer from ${VOLUME_SIZE_MIN_GB} to ${VOLUME_SIZE_MAX_GB}`,
        fix: 'set volumeSizeInGB within the range, or leave it unset to size it from the model',
      });
    }
    if (!Token.isUnresolved(given) && plan.memory !== undefined) checkVolumeHoldsWeights(given, plan.memory.weightsGiB, plan.model?.name ?? 'the model');
    return given;
  }
  const sized = Math.ceil(2 * plan.memory.weightsGiB * GB_PER_GIB + VOLUME_HEADROOM_GB);
  if (sized > VOLUME_SIZE_MAX_GB) {
    Annotations.of(scope).addWarningV2(
      'inference-constructs:VolumeSizeCapped',
      `volume sized from the model is ${sized} GB, above the SageMaker maximum of ${VOLUME_SIZE_MAX_GB} GB; using ${VOLUME_SIZE_MAX_GB} GB`,
    );
    return VOLUME_SIZE_MAX_GB;
  }
  return sized;
}

/** Weights of `weightsGiB` GiB in whole GB, the unit of `VolumeSizeInGB`. */
export function weightsInGB(weightsGiB: number): number {
  return Math.ceil(weightsGiB * GB_PER_GIB);
}

/**
 * Throw VolumeTooSmall when a given EBS volume cannot hold the weights SageMaker downloads to it
 * (the model data, `/opt/ml/model`, lives on the ML storage volume).
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/host-instance-storage.html
 */
export function checkVolumeHoldsWeights(given: number, weightsGiB: number, what: string): void {
  const needed = weightsInGB(weightsGiB);
  if (given < needed) {
    throw new InferenceConstructsError('VolumeTooSmall', {
      prop: 'volumeSizeInGB',
      problem: `the ${given} GB volume cannot hold the ${needed} GB of weights of ${what}`,
      received: given,
      allowed: `an integer from ${needed} to ${VOLUME_SIZE_MAX_GB} (the sized default is twice the weights plus ${VOLUME_HEADROOM_GB} GB)`,
      fix: `raise volumeSizeInGB to at least ${needed}, or leave it unset to size it from the model`,
    });
  }
}

/** Throw when a gated model would be downloaded from the Hub without a token, or isolation blocks the download. */
export function checkWeights(model: ModelSpec, weights: ModelWeightsConfig, networkIsolation: boolean, prop: string): void {
  if (weights.kind === 'huggingface' && model.gated && weights.tokenSecret === undefined) {
    throw new InferenceConstructsError('HuggingFaceTokenMissing', {
      prop: `${prop}.tokenSecret`,
      problem: `model "${model.name}" is gated on the Hugging Face Hub and no token secret was given`,
      received: undefined,
      allowed: 'a Secrets Manager secret holding a Hugging Face read token, or weights staged in S3',
      fix: 'pass ModelWeights.fromHuggingFace({ tokenSecret }) or ModelWeights.fromS3Prefix(bucket, prefix)',
    });
  }
  if (weights.kind === 'huggingface' && networkIsolation) {
    throw new InferenceConstructsError('NetworkIsolationConflict', {
      prop: 'networkIsolation',
      problem: 'network isolation blocks the container from downloading weights from the Hugging Face Hub',
      received: true,
      allowed: 'networkIsolation with ModelWeights.fromS3Prefix, or no isolation with Hub downloads',
      fix: 'stage the weights in S3 and use ModelWeights.fromS3Prefix, or set networkIsolation to false',
    });
  }
}

/** The container environment: the server's settings from the plan, the weights location, the token. */
export function containerEnvironment(
  plan: CapacityPlan,
  weights: ModelWeightsConfig,
  serverEnv: Record<string, string>,
  extra: Record<string, string> | undefined,
): Record<string, string> {
  const env: Record<string, string> = { ...serverEnv };
  if (weights.kind === 'huggingface') {
    env.HF_MODEL_ID = weights.huggingFaceId ?? plan.model.huggingFaceId;
    if (weights.tokenSecret !== undefined) {
      // A CloudFormation dynamic reference ({{resolve:secretsmanager:...}}): resolved at deploy
      // time, never a literal in the template.
      env.HF_TOKEN = (weights.tokenSecretField !== undefined
        ? weights.tokenSecret.secretValueFromJson(weights.tokenSecretField)
        : weights.tokenSecret.secretValue
      ).unsafeUnwrap();
    }
  } else {
    // LMI serves the weights SageMaker staged in /opt/ml/model when HF_MODEL_ID is unset.
    // https://docs.djl.ai/docs/serving/serving/docs/lmi/deployment_guide/deploying-your-endpoint.html
    delete env.HF_MODEL_ID;
  }
  for (const [k, v] of Object.entries(extra ?? {})) env[k] = v;
  return sortedByKey(env);
}

/** `ModelDataSource` for S3 weights, or undefined for Hub downloads. */
export function modelDataSource(weights: ModelWeightsConfig): { s3DataSource: { s3Uri: string; s3DataType: string; compressionType: string } } | undefined {
  if (weights.kind !== 's3' || weights.bucket === undefined || weights.prefix === undefined) return undefined;
  return {
    s3DataSource: {
      s3Uri: `s3://${weights.bucket.bucketName}/${weights.prefix}`,
      s3DataType: 'S3Prefix',
      compressionType: 'None',
    },
  };
}

/**
 * CloudWatch namespaces SageMaker's hosting agent publishes instance and inference-component
 * utilisation metrics to.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html
 */
export const SAGEMAKER_METRIC_NAMESPACES: readonly string[] = ['/aws/sagemaker/Endpoints', '/aws/sagemaker/InferenceComponents'];

/** What one model container needs from the execution role. */
export interface ContainerNeeds {
  readonly imageRepositoryArn: string;
  readonly weights: ModelWeightsConfig;
  /** Log group the container writes to. */
  readonly logGroupName: string;
  readonly key: kms.IKey;
  /** CloudWatch namespace the container may publish its token metric to. */
  readonly putMetricNamespace?: string;
}

/**
 * The execution role. It starts with what every endpoint needs; {@link addContainerPermissions}
 * adds exactly what each model container needs.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createmodel-perms
 */
export function createExecutionRole(scope: Construct, key: kms.IKey, inVpc: boolean): iam.Role {
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    description: 'Execution role of a SageMaker model endpoint (inference-constructs)',
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'EcrAuthorizationToken',
    actions: ['ecr:GetAuthorizationToken'],
    // GetAuthorizationToken supports no resource-level permissions.
    resources: ['*'],
  }));
  acknowledgeWildcard(role, '*',
    'ecr:GetAuthorizationToken, cloudwatch:PutMetricData (namespace condition) and the EC2 network-interface actions for VPC ' +
    'placement support no resource-level permissions (Service Authorization Reference); every other statement is scoped');
  // The endpoint's storage volume and log groups are encrypted with this key; SageMaker attaches
  // the volume through a grant.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'UseVolumeKey',
    actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
    resources: [key.keyArn],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'GrantVolumeKeyToSageMaker',
    actions: ['kms:CreateGrant'],
    resources: [key.keyArn],
    conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
  }));
  // SageMaker's documented minimum for CreateModel includes cloudwatch:PutMetricData: the hosting
  // agent publishes the per-instance utilisation metrics (CPU, memory, disk, GPU) into these
  // namespaces. PutMetricData supports no resource-level permissions; the namespace condition
  // scopes it to SageMaker's own namespaces.
  // https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createmodel-perms
  // https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html (namespaces)
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'SageMakerInstanceMetrics',
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': [...SAGEMAKER_METRIC_NAMESPACES] } },
  }));
  if (inVpc) {
    // Network interfaces in the customer VPC. Describe* and the interface actions SageMaker calls
    // support no resource-level scoping it can satisfy.
    // https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'VpcNetworkInterfaces',
      actions: [
        'ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface',
        'ec2:DeleteNetworkInterfacePermission', 'ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs',
      ],
      resources: ['*'],
    }));
  }
  return role;
}

/** Add what one model container needs: its image, its log group, its weights, its metric namespace. */
export function addContainerPermissions(role: iam.Role, needs: ContainerNeeds): void {
  const stack = role.stack;
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
    resources: [needs.imageRepositoryArn],
  }));
  const logGroupArn = logGroupArnOf(stack, needs.logGroupName);
  // logs:CreateLogGroup is in SageMaker's documented minimum; the group is created by this stack
  // ahead of the endpoint, so the grant is scoped to that one group (a no-op when it exists).
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogGroup'],
    resources: [logGroupArn],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
    // Stream names are chosen by SageMaker per instance and container.
    resources: [logGroupArn, `${logGroupArn}:log-stream:*`],
  }));
  acknowledgeWildcard(role, `${logGroupArn}:log-stream:*`,
    'SageMaker names the log streams per instance and container at run time; the statement is scoped to the one log group');
  const weights = needs.weights;
  if (weights.kind === 's3' && weights.bucket !== undefined && weights.prefix !== undefined) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [weights.bucket.arnForObjects(`${weights.prefix}*`)],
    }));
    acknowledgeWildcard(role, weights.bucket.arnForObjects(`${weights.prefix}*`),
      'SageMaker copies every object under the model prefix (S3DataType S3Prefix); read access is limited to that prefix');
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [weights.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${weights.prefix}*`] } },
    }));
    weights.bucket.encryptionKey?.grantDecrypt(role);
  }
  if (needs.putMetricNamespace !== undefined) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      // PutMetricData supports no resource-level permissions; the namespace condition scopes it.
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': needs.putMetricNamespace } },
    }));
  }
  if (!allowLogGroupEncryption(needs.key, needs.logGroupName)) {
    Annotations.of(role.node.scope ?? role).addWarningV2(
      'inference-constructs:ImportedKeyPolicy',
      `the key policy of the imported encryption key cannot be changed here: allow the service principal ` +
        `logs.<region>.amazonaws.com to use it for log group ${needs.logGroupName}, or creating the log group fails`,
    );
  }
}

function logGroupArnOf(stack: Stack, name: string): string {
  return stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/**
 * Acknowledge the AwsSolutions-IAM5 finding for one wildcard resource on `role`, with a reason.
 * The finding id names the resource the way cdk-nag flattens CloudFormation references
 * (`<AWS::Region>` for a Ref, `<Logical.Attr>` for a GetAtt), so only that exact resource is
 * acknowledged and any other wildcard still fails the check.
 * @see https://github.com/cdklabs/cdk-nag/blob/main/src/utils/flatten-cfn-reference.ts
 */
function acknowledgeWildcard(role: iam.Role, resource: string, reason: string): void {
  const flat = flattenReference(Stack.of(role).resolve(resource));
  Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
}

function flattenReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  const o = node as Record<string, unknown>;
  if (Array.isArray(o['Fn::Join'])) {
    const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
    return items.map(flattenReference).join(delimiter);
  }
  if (o['Fn::Sub'] !== undefined) return flattenReference(o['Fn::Sub']);
  if (Array.isArray(o['Fn::GetAtt'])) {
    const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
  }
  if (o['Fn::ImportValue'] !== undefined) return flattenReference(o['Fn::ImportValue']);
  if (o.Ref !== undefined) return `<${flattenReference(o.Ref)}>`;
  return JSON.stringify(node);
}

/** A customer-managed key with rotation for the endpoint's volume and log groups. */
export function createKey(scope: Construct): kms.Key {
  return new kms.Key(scope, 'Key', {
    enableKeyRotation: true,
    description: 'Encrypts a SageMaker endpoint storage volume and its log groups (inference-constructs)',
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/**
 * CloudWatch Logs encrypts a log group only when the key policy lets the regional service
 * principal use the key for that log group's encryption context. An imported key's policy
 * cannot be changed here: its owner must allow it.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
function allowLogGroupEncryption(key: kms.IKey, logGroupName: string): boolean {
  const stack = Stack.of(key);
  return key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
    resources: ['*'],
    conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArnOf(stack, logGroupName) } },
  }), true).statementAdded;
}

/**
 * Removal policy of the endpoint and inference-component log groups: DESTROY. Their names are
 * fixed by SageMaker (`/aws/sagemaker/Endpoints/<endpoint>`,
 * `/aws/sagemaker/InferenceComponents/<component>`) and the endpoint names are deterministic, so
 * a group retained after `cdk destroy` makes the next deployment of the same stack fail with
 * `Resource of type 'AWS::Logs::LogGroup' with identifier ... already exists` (HandlerErrorCode
 * AlreadyExists): CloudFormation cannot create a named resource that already exists. A log group
 * must not outlive the stack that owns its name. The KMS key stays retained (its name is not
 * fixed, and data encrypted with it may be kept elsewhere).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/logging-cloudwatch.html (log group names)
 */
export const LOG_GROUP_REMOVAL_POLICY = RemovalPolicy.DESTROY;

/**
 * The log group SageMaker writes the container's output to, created ahead of the endpoint so it
 * carries retention and encryption (SageMaker would otherwise create it without either, never
 * expiring) and so a metric filter can attach to it in the same deployment. Deleted with the
 * stack ({@link LOG_GROUP_REMOVAL_POLICY}).
 */
export function createLogGroup(scope: Construct, id: string, name: string, key: kms.IKey, retention: logs.RetentionDays): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    logGroupName: name,
    encryptionKey: key,
    retention,
    removalPolicy: LOG_GROUP_REMOVAL_POLICY,
  });
}

/** Security groups for VPC placement: the given ones, or one created with no inbound rules. */
export function placementSecurityGroups(scope: Construct, options: SageMakerPlacementOptions): ec2.ISecurityGroup[] | undefined {
  if (options.vpc === undefined) {
    if (options.vpcSubnets !== undefined || options.securityGroups !== undefined) {
      throw new InferenceConstructsError('VpcMissing', {
        prop: 'vpcSubnets',
        problem: 'subnets or security groups were given without a VPC',
        received: 'vpcSubnets/securityGroups set, vpc unset',
        allowed: 'vpc together with vpcSubnets and securityGroups',
        fix: 'pass vpc as well, or drop vpcSubnets and securityGroups',
      });
    }
    return undefined;
  }
  return options.securityGroups ?? [new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: options.vpc,
    description: 'SageMaker model containers (inference-constructs)',
    allowAllOutbound: true,
  })];
}

/** Render `VpcConfig` for a model or endpoint configuration. */
export function vpcConfig(options: SageMakerPlacementOptions, securityGroups: ec2.ISecurityGroup[] | undefined): { subnets: string[]; securityGroupIds: string[] } | undefined {
  if (options.vpc === undefined || securityGroups === undefined) return undefined;
  const subnets = options.vpc.selectSubnets(options.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;
  return { subnets, securityGroupIds: securityGroups.map((sg) => sg.securityGroupId) };
}

/**
 * The service-linked role Application Auto Scaling uses for SageMaker variants and inference
 * components. It is created in the account on the first RegisterScalableTarget call for
 * SageMaker; naming it keeps aws-cdk-lib from creating an unused role per scalable target.
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-service-linked-roles.html#specify-service-linked-role
 */
export function sagemakerScalingRole(scope: Construct): iam.IRole {
  const stack = Stack.of(scope);
  return iam.Role.fromRoleArn(scope, 'ScalingRole', stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: 'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
  }), { mutable: false });
}

/** Seconds as a Duration, for policy cooldowns. */
export function seconds(value: number): Duration {
  return Duration.seconds(value);
}

/** Default model-latency alarm threshold: a full completion of a few hundred tokens well within a minute. */
export const DEFAULT_MODEL_LATENCY_THRESHOLD = Duration.seconds(60);
/** Default number of 5xx responses in 5 minutes that raise the error alarm. */
export const DEFAULT_5XX_THRESHOLD = 5;
/** Microseconds per second: SageMaker reports ModelLatency in microseconds. */
const MICROSECONDS_PER_SECOND = 1_000_000;

/** What {@link createErrorAndLatencyAlarms} alarms on. */
export interface ErrorAndLatencyAlarmSource {
  /** Names the endpoint or component in alarm descriptions, e.g. "SageMaker endpoint my-endpoint". */
  readonly subject: string;
  /** 5xx responses, summed per period. */
  metricInvocation5XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Model latency in microseconds. */
  metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/**
 * The 5xx alarm (`errors` or more in 5 minutes) and the p90 model-latency alarm (above
 * `latency` for 15 minutes) that endpoints and inference components share. Thresholds are
 * validated by the caller, which knows the prop names.
 */
export function createErrorAndLatencyAlarms(
  scope: Construct,
  source: ErrorAndLatencyAlarmSource,
  errors: number,
  latency: Duration,
): cloudwatch.Alarm[] {
  return [
    new cloudwatch.Alarm(scope, 'Invocation5XXErrorsAlarm', {
      alarmDescription: `${source.subject}: ${errors} or more 5xx responses in 5 minutes`,
      metric: source.metricInvocation5XXErrors({ period: Duration.minutes(5) }),
      threshold: errors,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'ModelLatencyAlarm', {
      alarmDescription: `${source.subject}: p90 model latency above ${latency.toSeconds()} s for 15 minutes`,
      metric: source.metricModelLatency({ statistic: 'p90', period: Duration.minutes(5) }),
      threshold: latency.toSeconds() * MICROSECONDS_PER_SECOND,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  ];
}
