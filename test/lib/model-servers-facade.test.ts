/** ModelServers: each static method returns what the function it wraps returns. */
import { describe, expect, test } from 'vitest';
import { AcceleratorClass } from '../../lib/accelerators.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import {
  MODEL_SERVER_NAMES,
  ModelServers,
  ServerPlatform,
  defaultModelServer,
  modelServer,
  sagemakerStartupTimeouts,
  serverArgs,
  serverEnvironment,
  startupProbeSeconds,
} from '../../lib/servers.js';
import { expectError } from './expect-error.js';

const gpu = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'g6e.xlarge' });
const inf2 = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'ml.inf2.8xlarge' });

describe('ModelServers', () => {
  test('profiles by name, every name, and the default per accelerator and platform', () => {
    expect(ModelServers.byName('vllm')).toBe(modelServer('vllm'));
    expect(ModelServers.names()).toEqual([...MODEL_SERVER_NAMES]);
    expect(ModelServers.defaultFor(AcceleratorClass.INFERENTIA2, ServerPlatform.SAGEMAKER)).toBe(defaultModelServer(AcceleratorClass.INFERENTIA2, ServerPlatform.SAGEMAKER));
    expectError(() => ModelServers.byName('triton'), 'ModelServerUnknown', 'modelServer', 'triton');
  });

  test('flags, environment, startup probe and SageMaker timeouts of a plan', () => {
    const vllm = ModelServers.defaultFor(AcceleratorClass.NVIDIA_GPU, ServerPlatform.KUBERNETES);
    const lmi = ModelServers.defaultFor(AcceleratorClass.INFERENTIA2, ServerPlatform.SAGEMAKER);
    expect(ModelServers.args(vllm, gpu)).toEqual(serverArgs(vllm, gpu));
    expect(ModelServers.environment(lmi, inf2)).toEqual(serverEnvironment(lmi, inf2));
    expect(ModelServers.startupProbeSeconds(vllm, gpu)).toBe(startupProbeSeconds(vllm, gpu));
    expect(ModelServers.sagemakerStartupTimeouts(lmi, inf2)).toEqual(sagemakerStartupTimeouts(lmi, inf2));
  });
});
