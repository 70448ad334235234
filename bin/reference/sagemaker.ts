/**
 * Reference SageMaker stack: Llama 3.1 8B Instruct on the cheapest Inferentia2 instance the
 * planner finds, autoscaled on generated tokens per second.
 */
import { Stack, type App, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ModelWeights, SageMakerInferenceEndpoint } from '../../constructs/aws/index.js';
import { INSTANCE_TYPES, modelPreset, planCapacity, planCheapest } from '../../lib/index.js';

/** Name of the Secrets Manager secret holding the Hugging Face read token (created outside the stack). */
export const HUGGING_FACE_TOKEN_SECRET_NAME = 'inference-constructs/hugging-face-token';
/** Peak output tokens per second the reference endpoint is sized for. */
export const REFERENCE_PEAK_TOKENS_PER_SECOND = 1000;
/**
 * Host memory an Inferentia2 instance needs per GiB of weights: LMI neuronx loads the weights
 * into host memory and compiles the model there before it moves to the NeuronCores, so a model
 * needs roughly twice its weights in RAM (SageMaker JumpStart hosts Llama 3.1 8B on Neuron from
 * ml.inf2.8xlarge up, not on the 16 GiB ml.inf2.xlarge).
 * @see https://docs.djl.ai/docs/serving/serving/docs/lmi/user_guides/tnx_user_guide.html
 */
export const NEURON_HOST_MEMORY_PER_WEIGHT_GIB = 2;

/** Add the reference SageMaker stack to `app` and return it. */
export function addSageMakerReference(app: App, props: StackProps = {}): Stack {
  const stack = new Stack(app, 'InferenceConstructsSageMaker', {
    description: 'Llama 3.1 8B on SageMaker Inferentia2, autoscaled on generated tokens/s (inference-constructs reference)',
    ...props,
  });
  const model = modelPreset('llama-3-1-8b');
  const planning = { peakTokensPerSecond: REFERENCE_PEAK_TOKENS_PER_SECOND };
  // A single-model endpoint runs one model server per instance: plan over the SageMaker
  // Inferentia2 types where one replica uses the whole instance and the host can compile it.
  const candidates = INSTANCE_TYPES
    .filter((row) => row.acceleratorClass === 'inferentia2' && row.sagemakerInstanceType !== undefined)
    .filter((row) => {
      const plan = planCapacity({ model, instanceType: row, ...planning });
      return plan.replicasPerNode === 1 && row.hostMemoryGiB >= NEURON_HOST_MEMORY_PER_WEIGHT_GIB * plan.memory.weightsGiB;
    })
    .map((row) => row.sagemakerInstanceType as string);
  const cheapest = planCheapest({ model, candidates, ...planning });
  const tokenSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'HuggingFaceToken', HUGGING_FACE_TOKEN_SECRET_NAME);
  new SageMakerInferenceEndpoint(stack, 'Llama31', {
    model,
    instanceType: cheapest.instance.sagemakerInstanceType as string,
    modelWeights: ModelWeights.fromHuggingFace({ tokenSecret }),
    planning,
  });
  return stack;
}
