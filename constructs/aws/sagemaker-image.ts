/**
 * Model-server container images for SageMaker: the AWS Deep Learning Containers (DLC) registry
 * account per region, resolved from aws-cdk-lib's region facts.
 */
import { Stack, Token } from 'aws-cdk-lib';
import { FactName, RegionInfo } from 'aws-cdk-lib/region-info';
import type { IConstruct } from 'constructs';
import { InferenceConstructsError, type ModelServerProfile } from '../../lib/index.js';

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
 * Resolve a model-server profile's SageMaker image for the stack that holds `scope`.
 *
 * The registry account is the region fact `FactName.DLC_REPOSITORY_ACCOUNT`: with a concrete
 * region it is a literal; in an environment-agnostic stack `Stack.regionalFact` emits a
 * CloudFormation mapping keyed by region and a `Fn::FindInMap` on `AWS::Region`, so one
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
      allowed: 'a profile with a sagemakerImage (defaultModelServer(accelerator, "sagemaker"))',
      fix: 'pick a model-server profile that SageMaker can host, or leave modelServer unset for the default',
    });
  }
  if (image.tag === 'latest' || image.tag.length === 0) {
    throw new InferenceConstructsError('PropInvalid', {
      prop: 'modelServer.sagemakerImage.tag',
      problem: 'the image tag is not pinned',
      received: image.tag,
      allowed: 'a pinned DLC tag such as "0.33.0-neuronx-sdk2.24.1"',
      fix: 'use a profile whose SageMaker image carries a pinned tag',
    });
  }
  const stack = Stack.of(scope);
  if (!Token.isUnresolved(stack.region) && RegionInfo.get(stack.region).dlcRepositoryAccount === undefined) {
    throw new InferenceConstructsError('RegionUnsupported', {
      prop: 'stack.region',
      problem: 'no Deep Learning Containers registry is published in the region',
      received: stack.region,
      allowed: 'a region listed in the DLC available_images.md',
      fix: 'deploy the stack to a region with DLC images',
    });
  }
  const registryAccount = stack.regionalFact(FactName.DLC_REPOSITORY_ACCOUNT);
  return {
    imageUri: `${registryAccount}.dkr.ecr.${stack.region}.${stack.urlSuffix}/${image.repository}:${image.tag}`,
    registryAccount,
    repository: image.repository,
    tag: image.tag,
    repositoryArn: `arn:${stack.partition}:ecr:${stack.region}:${registryAccount}:repository/${image.repository}`,
  };
}
