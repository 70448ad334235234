/**
 * Model-server container images for SageMaker: the AWS Deep Learning Containers (DLC) registry
 * account per region, from aws-cdk-lib's region facts and the DLC image list.
 */
import { Aws, CfnMapping, Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { IConstruct } from 'constructs';
import { InferenceConstructsError } from '../../lib/errors.js';
import type { ModelServerProfile } from '../../lib/servers.js';
import { sortedByKey } from '../../lib/private/compare.js';

/** A model-server image in the AWS Deep Learning Containers registry, rendered for one stack. */
export interface SageMakerImage {
  /** Full image reference `<account>.dkr.ecr.<region>.<suffix>/<repository>:<tag>` (tokens when the stack is environment-agnostic). */
  readonly imageUri: string;
  /** The DLC registry account for the stack's region (a `Fn::FindInMap` token when the region is unknown at synth time). */
  readonly registryAccount: string;
  /** The ECR repository, e.g. `djl-inference`. */
  readonly repository: string;
  /** The pinned tag, never `latest`. */
  readonly tag: string;
  /** ARN of the ECR repository, for pull permissions. */
  readonly repositoryArn: string;
}

/**
 * DLC registry accounts that aws-cdk-lib 2.276's region facts lack
 * (`RegionInfo.get(region).dlcRepositoryAccount` is undefined), read from the Region
 * Availability table of the DLC `available_images.md`. Regions where that table and aws-cdk-lib
 * disagree keep aws-cdk-lib's value.
 * @see https://github.com/aws/deep-learning-containers/blob/master/available_images.md
 */
export const DLC_REGISTRY_ACCOUNTS_NOT_IN_CDK: { readonly [region: string]: string } = {
  'af-south-1': '626614931356',
  'ap-northeast-3': '364406365360',
  'ap-southeast-5': '550225433462',
  'ap-southeast-7': '590183813437',
  'ca-west-1': '204538143572',
  'il-central-1': '780543022126',
  'mx-central-1': '637423239942',
};

/**
 * aws-cdk-lib 2.276's region fact `FactName.DLC_REPOSITORY_ACCOUNT`, every region it knows, as
 * `RegionInfo.regionMap` gives it. Held here because the first read of any region fact loads
 * aws-cdk-lib's whole fact table (1.3 MB, about 120 ms of every synth); the test suite checks this
 * table against the installed aws-cdk-lib's facts, so an upgrade that changes one fails there. A
 * concrete region this table lacks is still looked up in the facts of the aws-cdk-lib installed.
 * @see https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/region-info/build-tools/fact-tables.ts
 */
export const DLC_REGISTRY_ACCOUNTS_IN_CDK: { readonly [region: string]: string } = {
  'ap-east-1': '871362719292',
  'ap-east-2': '975050140332',
  'ap-northeast-1': '763104351884',
  'ap-northeast-2': '763104351884',
  'ap-south-1': '763104351884',
  'ap-south-2': '772153158452',
  'ap-southeast-1': '763104351884',
  'ap-southeast-2': '763104351884',
  'ap-southeast-3': '907027046896',
  'ap-southeast-4': '457447274322',
  'ap-southeast-6': '633930458069',
  'ca-central-1': '763104351884',
  'cn-north-1': '727897471807',
  'cn-northwest-1': '727897471807',
  'eu-central-1': '763104351884',
  'eu-central-2': '380420809688',
  'eu-north-1': '763104351884',
  'eu-south-1': '692866216735',
  'eu-south-2': '503227376785',
  'eu-west-1': '763104351884',
  'eu-west-2': '763104351884',
  'eu-west-3': '763104351884',
  'eusc-de-east-1': '204133271717',
  'me-central-1': '914824155844',
  'me-south-1': '217643126080',
  'me-west-1': '124382933778',
  'sa-east-1': '763104351884',
  'us-east-1': '763104351884',
  'us-east-2': '763104351884',
  'us-isof-east-1': '303241398832',
  'us-isof-south-1': '454834333376',
  'us-west-1': '763104351884',
  'us-west-2': '763104351884',
};

/** Id of the stack-level mapping from region to DLC registry account. */
const DLC_MAPPING_ID = 'DlcRegistryAccounts';
/** Second-level key of that mapping. */
const DLC_MAPPING_KEY = 'account';

/** Every region with a known DLC registry account, sorted: aws-cdk-lib's region facts plus the regions they lack. */
export function dlcRegistryAccounts(): { [region: string]: string } {
  const merged: { [region: string]: string } = { ...DLC_REGISTRY_ACCOUNTS_NOT_IN_CDK, ...DLC_REGISTRY_ACCOUNTS_IN_CDK };
  return sortedByKey(merged);
}

/**
 * The DLC registry account of a concrete region: the tables above, else the region fact of the
 * aws-cdk-lib installed (a newer one may know a region these tables do not); undefined when
 * neither knows it.
 */
export function dlcRegistryAccountOf(region: string): string | undefined {
  return dlcRegistryAccounts()[region] ?? RegionInfo.get(region).dlcRepositoryAccount;
}

/**
 * The DLC registry account of the stack's region: a literal for a concrete region, otherwise a
 * `Fn::FindInMap` on a mapping of every known region (one per stack).
 */
function dlcRegistryAccount(stack: Stack): string {
  const accounts = dlcRegistryAccounts();
  if (!Token.isUnresolved(stack.region)) return dlcRegistryAccountOf(stack.region)!;
  const existing = stack.node.tryFindChild(DLC_MAPPING_ID) as CfnMapping | undefined;
  const mapping =
    existing ??
    new CfnMapping(stack, DLC_MAPPING_ID, {
      mapping: Object.fromEntries(Object.entries(accounts).map(([region, account]) => [region, { [DLC_MAPPING_KEY]: account }])),
    });
  return mapping.findInMap(Aws.REGION, DLC_MAPPING_KEY);
}

/**
 * Resolve a model-server profile's SageMaker image for the stack that holds `scope`.
 *
 * The registry account is aws-cdk-lib's region fact `FactName.DLC_REPOSITORY_ACCOUNT`
 * ({@link DLC_REGISTRY_ACCOUNTS_IN_CDK}), completed with {@link DLC_REGISTRY_ACCOUNTS_NOT_IN_CDK}: with a concrete region it is a literal; in an
 * environment-agnostic stack a CloudFormation mapping keyed by region and a `Fn::FindInMap` on
 * `AWS::Region` are emitted, so one
 * template deploys to every region that publishes the DLC images (a region without DLC
 * images fails at deploy time with a missing-mapping-key error, not silently).
 *
 * @see https://github.com/aws/deep-learning-containers/blob/master/available_images.md
 * @see https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/region-info/build-tools/fact-tables.ts
 */
export function sagemakerImage(scope: IConstruct, server: ModelServerProfile): SageMakerImage {
  const image = server.sagemakerImage;
  if (image === undefined) {
    throw new InferenceConstructsError('ModelServerUnsupported', {
      prop: 'modelServer',
      problem: 'the model server has no SageMaker image',
      received: server.name,
      allowed: 'a server with a SageMaker image (ModelServer.defaultFor(accelerator, ServerPlatform.SAGEMAKER))',
      fix: 'pick a model-server profile that SageMaker can host, or leave modelServer unset for the default',
    });
  }
  const stack = Stack.of(scope);
  if (!Token.isUnresolved(stack.region) && dlcRegistryAccountOf(stack.region) === undefined) {
    throw new InferenceConstructsError('RegionUnsupported', {
      prop: 'stack.region',
      problem: 'no Deep Learning Containers registry is published in the region',
      received: stack.region,
      allowed: Object.keys(dlcRegistryAccounts()),
      fix: 'deploy the stack to a region with DLC images',
    });
  }
  const registryAccount = dlcRegistryAccount(stack);
  return {
    imageUri: `${registryAccount}.dkr.ecr.${stack.region}.${stack.urlSuffix}/${image.repository}:${image.tag}`,
    registryAccount,
    repository: image.repository,
    tag: image.tag,
    repositoryArn: `arn:${stack.partition}:ecr:${stack.region}:${registryAccount}:repository/${image.repository}`,
  };
}
