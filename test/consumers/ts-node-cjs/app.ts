// Consumer app 2: a CommonJS TypeScript app run by ts-node (the older cdk init template's
// toolchain), against the public API of /work/notes/api-design.md.
import { strict as assert } from 'node:assert';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  CapacityPlanner,
  InferenceErrors,
  Model,
  ModelWeights,
  SageMakerInferenceEndpoint,
  TokenScaling,
} from 'inference-constructs';

// The model -> plan -> policy path, with no construct involved.
const plan = CapacityPlanner.plan({ model: Model.LLAMA_3_1_8B, instanceType: 'inf2.xlarge' });
const policy = TokenScaling.fromPlan(plan, { minReplicas: 1, maxReplicas: 4 });
assert.equal(policy.targetTokensPerSecondPerReplica, plan.targetTokensPerSecondPerReplica);
assert.equal(policy.maxReplicas, 4);

// Bad input: recognised as this library's error, with its stable code.
let caught: unknown;
try {
  CapacityPlanner.plan({ model: Model.LLAMA_3_1_70B, instanceType: 'inf2.xlarge' });
} catch (e) {
  caught = e;
}
assert.ok(InferenceErrors.isInferenceError(caught), `expected an inference-constructs error, got ${String(caught)}`);
assert.equal(InferenceErrors.codeOf(caught), 'ModelDoesNotFit');

const app = new App();
const stack = new Stack(app, 'Inference');
new SageMakerInferenceEndpoint(stack, 'Llama', {
  model: Model.LLAMA_3_1_8B,
  instanceType: 'ml.inf2.8xlarge',
  modelWeights: ModelWeights.fromS3Prefix(s3.Bucket.fromBucketName(stack, 'Weights', 'my-model-weights'), 'models/llama-3-1-8b/'),
});
Template.fromStack(stack).resourceCountIs('AWS::SageMaker::Endpoint', 1);
console.log(`ts-node consumer: plan ${plan.tensorParallelDegree}-way on ${plan.instance.name}, target ${plan.targetTokensPerSecondPerReplica} tokens/s per replica, endpoint synthesized`);
