import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { describe, expect, test } from 'vitest';
import { guardStackResourceBudget } from '../../constructs/aws/stack-budget.js';

/** Stands in for an inference construct that brings `n` resources. */
class Unit extends Construct {
  constructor(scope: Construct, id: string, n: number) {
    super(scope, id);
    for (let i = 0; i < n; i++) new CfnResource(this, `R${i}`, { type: 'AWS::SNS::Topic' });
    guardStackResourceBudget(this, 'endpoint');
  }
}

function stackWith(units: number, perUnit: number, context?: Record<string, unknown>): Stack {
  const app = new App({ context });
  const stack = new Stack(app, 'Fleet');
  for (let i = 0; i < units; i++) new Unit(stack, `Unit${i}`, perUnit);
  return stack;
}

describe('guardStackResourceBudget', () => {
  test('passes quietly well below the limit', () => {
    const stack = stackWith(10, 20);
    expect(() => app(stack).synth()).not.toThrow();
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('CloudFormation resources'));
  });

  test('warns from 80 % of the limit on', () => {
    const stack = stackWith(21, 20);
    Annotations.fromStack(stack).hasWarning('/Fleet', Match.stringLikeRegexp('the stack holds 420 of at most 500 CloudFormation resources'));
  });

  test('throws StackTooLarge with the number of units per stack that fits', () => {
    const stack = stackWith(26, 20);
    expect(() => app(stack).synth()).toThrow(
      /\[StackTooLarge\] Fleet \(26 endpoints\): the stack would hold 520 CloudFormation resources, about 20 per endpoint; received 520; allowed: at most 500 resources per stack; fix: spread the endpoints over several stacks, at most 25 per stack/,
    );
  });

  test('follows the aws-cdk-lib stackResourceLimit context', () => {
    const stack = stackWith(3, 20, { '@aws-cdk/core:stackResourceLimit': 50 });
    expect(() => app(stack).synth()).toThrow(/at most 50 resources per stack; fix: .* at most 2 per stack/);
  });
});

function app(stack: Stack): App {
  return stack.node.root as App;
}

describe('a fleet of SageMaker endpoints in one stack', () => {
  test('fails with StackTooLarge before CloudFormation would, saying how many endpoints fit', async () => {
    const { ModelWeights } = await import('../../constructs/aws/sagemaker-common.js');
    const { SageMakerInferenceEndpoint } = await import('../../constructs/aws/sagemaker-endpoint.js');
    const { modelPreset } = await import('../../lib/models.js');
    const s3 = await import('aws-cdk-lib/aws-s3');
    const app = new App();
    const stack = new Stack(app, 'Fleet');
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'model-weights');
    // 15 resources per endpoint: 34 endpoints need 510, over the 500 a stack may hold.
    for (let i = 1; i <= 34; i++) {
      new SageMakerInferenceEndpoint(stack, `Endpoint${i}`, {
        model: modelPreset('llama-3-1-8b'),
        instanceType: 'ml.inf2.8xlarge',
        modelWeights: ModelWeights.fromS3Prefix(bucket, `models/${i}/`),
      });
    }
    expect(() => app.synth()).toThrow(/\[StackTooLarge\] Fleet \(34 endpoints\): the stack would hold 510 CloudFormation resources, about 15 per endpoint;.*fix: spread the endpoints over several stacks, at most 33 per stack/);
  });
});
