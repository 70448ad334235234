/**
 * Reference SageMaker stack: Llama 3.1 8B Instruct on the cheapest Inferentia2 instance the
 * planner finds, autoscaled on generated tokens per second.
 */
import { Stack, type App, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ModelWeights } from '../../constructs/aws/sagemaker-common.js';
import { SageMakerInferenceEndpoint } from '../../constructs/aws/sagemaker-endpoint.js';
import { INSTANCE_TYPES } from '../../lib/accelerators.js';
import { InferenceConstructsError } from '../../lib/errors.js';
import { ModelServer } from '../../lib/servers.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity, planCheapest } from '../../lib/planner.js';
import { AcceleratorClass } from '../../lib/accelerators.js';

/** Name of the Secrets Manager secret holding the Hugging Face read token (created outside the stack). */
export const HUGGING_FACE_TOKEN_SECRET_NAME = 'inference-constructs/hugging-face-token';
/** Peak output tokens per second the reference endpoint is sized for. */
export const REFERENCE_PEAK_TOKENS_PER_SECOND = 1000;
/** Add the reference SageMaker stack to `app` and return it. */
export function addSageMakerReference(app: App, props: StackProps = {}): Stack {
  const stack = new Stack(app, 'InferenceConstructsSageMaker', {
    description: 'Llama 3.1 8B on SageMaker Inferentia2, autoscaled on generated tokens/s (inference-constructs reference)',
    ...props,
  });
  const model = modelPreset('llama-3-1-8b');
  const planning = { peakTokensPerSecond: REFERENCE_PEAK_TOKENS_PER_SECOND };
  // The endpoint serves with LMI neuronx, which loads the checkpoint through host memory: the
  // planner refuses instances whose RAM cannot hold it (HostMemoryInsufficient, ml.inf2.xlarge for
  // 8B), prices the ml. hosting rate, and planCheapest skips what it refuses.
  const server = ModelServer.DJL_LMI_NEURONX;
  // A single-model endpoint runs one model server per instance: plan over the SageMaker Neuron
  // types with a catalogued hosting rate (the plan prices it) where one replica uses the whole
  // instance.
  const candidates = INSTANCE_TYPES
    .filter((row) => row.acceleratorClass === AcceleratorClass.INFERENTIA2 && row.sagemakerInstanceType !== undefined && row.sagemakerPrice !== undefined)
    .filter((row) => {
      try {
        return planCapacity({ model, instanceType: row, ...planning, sagemakerPricing: true, modelServer: server }).replicasPerNode === 1;
      } catch (e) {
        if (e instanceof InferenceConstructsError && e.code === 'HostMemoryInsufficient') return false;
        throw e;
      }
    })
    .map((row) => row.sagemakerInstanceType as string);
  const cheapest = planCheapest({ model, candidates, ...planning, sagemakerPricing: true, modelServer: server });
  const tokenSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'HuggingFaceToken', HUGGING_FACE_TOKEN_SECRET_NAME);
  new SageMakerInferenceEndpoint(stack, 'Llama31', {
    model,
    instanceType: cheapest.instance.sagemakerInstanceType as string,
    modelWeights: ModelWeights.fromHuggingFace({ tokenSecret }),
    modelServer: server,
    planning,
  });
  return stack;
}
