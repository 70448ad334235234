/**
 * ModelServer: the pinned servers as statics, `of()` by name, `custom()` with one stable code per
 * profile check, the default per accelerator / platform / device, and the static renderers,
 * each equal to the function it wraps.
 */
import { describe, expect, test } from 'vitest';
import { AcceleratorClass } from '../../lib/accelerators.js';
import { Precision, modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import {
  MODEL_SERVERS,
  MODEL_SERVER_NAMES,
  checkpointGiB,
  hostLoadGiB,
  ModelServer,
  ServerPlatform,
  defaultModelServer,
  defaultModelServerForDevice,
  sagemakerStartupTimeouts,
  serverArgs,
  serverEnvironment,
  startupProbeSeconds,
  type ModelServerProfile,
} from '../../lib/servers.js';
import { expectError } from './expect-error.js';

const gpu = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'g6e.xlarge' });
const inf2 = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'ml.inf2.8xlarge' });

describe('ModelServer', () => {
  test('one static per pinned profile, in MODEL_SERVERS order, each wrapping that profile', () => {
    const statics = [
      ModelServer.VLLM, ModelServer.VLLM_NEURON, ModelServer.VLLM_NEURON_PLUGIN, ModelServer.DJL_LMI_NEURONX,
      ModelServer.VLLM_TPU, ModelServer.JETSTREAM, ModelServer.TGI,
    ];
    expect(statics.map((s) => s.name)).toEqual([...MODEL_SERVER_NAMES]);
    for (const s of statics) expect(s.profile).toBe(MODEL_SERVERS[s.name as keyof typeof MODEL_SERVERS]);
    expect(ModelServer.names()).toEqual([...MODEL_SERVER_NAMES]);
  });

  test('of() returns the pinned instance; an unknown name is ModelServerUnknown listing every name', () => {
    for (const n of MODEL_SERVER_NAMES) expect(ModelServer.of(n).name).toBe(n);
    expect(ModelServer.of('tgi')).toBe(ModelServer.TGI);
    const err = expectError(() => ModelServer.of('triton'), 'ModelServerUnknown', 'modelServer', 'triton');
    for (const n of MODEL_SERVER_NAMES) expect(err.allowed).toContain(n);
    expect(() => ModelServer.of('toString')).toThrow(/\[ModelServerUnknown\]/);
  });

  test('defaultFor() is the default of the accelerator class, or of the device when given', () => {
    for (const [a, p] of [
      [AcceleratorClass.NVIDIA_GPU, ServerPlatform.KUBERNETES],
      [AcceleratorClass.NVIDIA_GPU, ServerPlatform.SAGEMAKER],
      [AcceleratorClass.INFERENTIA2, ServerPlatform.KUBERNETES],
      [AcceleratorClass.INFERENTIA2, ServerPlatform.SAGEMAKER],
      [AcceleratorClass.TPU, ServerPlatform.KUBERNETES],
    ] as const) {
      expect(ModelServer.defaultFor(a, p).profile).toBe(defaultModelServer(a, p));
    }
    expect(ModelServer.defaultFor(AcceleratorClass.INFERENTIA2, ServerPlatform.KUBERNETES, 'trainium2')).toBe(ModelServer.VLLM_NEURON_PLUGIN);
    expect(ModelServer.defaultFor(AcceleratorClass.INFERENTIA2, ServerPlatform.KUBERNETES, 'inferentia2').profile)
      .toBe(defaultModelServerForDevice(AcceleratorClass.INFERENTIA2, 'inferentia2', ServerPlatform.KUBERNETES));
    expectError(() => ModelServer.defaultFor(AcceleratorClass.TPU, ServerPlatform.SAGEMAKER), 'ModelServerUnsupported', 'platform', 'sagemaker');
  });

  test('flags, environment, startup probe and SageMaker timeouts of a plan', () => {
    const vllm = ModelServer.defaultFor(AcceleratorClass.NVIDIA_GPU, ServerPlatform.KUBERNETES);
    const lmi = ModelServer.defaultFor(AcceleratorClass.INFERENTIA2, ServerPlatform.SAGEMAKER);
    expect(ModelServer.args(vllm, gpu)).toEqual(serverArgs(vllm.profile, gpu));
    expect(ModelServer.environment(lmi, inf2)).toEqual(serverEnvironment(lmi.profile, inf2));
    expect(ModelServer.startupProbeSeconds(vllm, gpu)).toBe(startupProbeSeconds(vllm.profile, gpu));
    expect(ModelServer.sagemakerStartupTimeouts(lmi, inf2)).toEqual(sagemakerStartupTimeouts(lmi.profile, inf2));
  });
});

describe('ModelServer.custom', () => {
  const vllm = ModelServer.VLLM.profile;

  test('a pinned profile with another image keeps its name and renders its flags', () => {
    const newer = ModelServer.custom({ ...vllm, kubernetesImage: 'vllm/vllm-openai:v0.11.1' });
    expect(newer.name).toBe('vllm');
    expect(newer.profile.kubernetesImage).toBe('vllm/vllm-openai:v0.11.1');
    expect(ModelServer.args(newer, gpu)).toEqual(ModelServer.args(ModelServer.VLLM, gpu));
    expect(Object.isFrozen(newer.profile)).toBe(true);
  });

  test('a profile of another name renders the flags and environment of the server it is based on', () => {
    const mine = ModelServer.custom({ ...vllm, name: 'vllm-patched', displayName: 'vLLM, patched build', basedOn: ModelServer.VLLM });
    expect(ModelServer.args(mine, gpu)).toEqual(ModelServer.args(ModelServer.VLLM, gpu));
    expect(ModelServer.environment(mine, gpu)).toEqual(ModelServer.environment(ModelServer.VLLM, gpu));
    // Host-memory loading follows the base server too (the planner's rule for vllm-neuron).
    const neuron = ModelServer.custom({ ...ModelServer.VLLM_NEURON.profile, name: 'my-neuron', basedOn: ModelServer.VLLM_NEURON });
    expectError(() => planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'inf2.xlarge', modelServer: neuron }), 'HostMemoryInsufficient', 'instanceType', 'inf2.xlarge');
  });

  test('a profile of another name without basedOn renders no flags (ModelServerUnsupported)', () => {
    const bare = ModelServer.custom({ ...vllm, name: 'other-server', displayName: 'Other' });
    expectError(() => ModelServer.args(bare, gpu), 'ModelServerUnsupported', 'modelServer', 'other-server');
    expect(ModelServer.environment(bare, gpu)).toEqual({});
  });

  const bad: [string, Partial<ModelServerProfile>, string, string, unknown][] = [
    ['an upper-case name', { name: 'My-VLLM' }, 'ModelServerNameInvalid', 'profile.name', 'My-VLLM'],
    ['a 64-character name', { name: 'a'.repeat(64) }, 'ModelServerNameInvalid', 'profile.name', 'a'.repeat(64)],
    ['an empty display name', { displayName: '' }, 'ModelServerDisplayNameEmpty', 'profile.displayName', ''],
    ['basedOn with a pinned name', { basedOn: ModelServer.TGI }, 'ModelServerBasedOnConflict', 'profile.basedOn', 'tgi'],
    ['no accelerators', { accelerators: [] }, 'ModelServerAcceleratorsInvalid', 'profile.accelerators', []],
    ['an unknown accelerator', { accelerators: ['fpga' as AcceleratorClass] }, 'ModelServerAcceleratorsInvalid', 'profile.accelerators', ['fpga']],
    ['no precisions', { precisions: [] }, 'ModelServerPrecisionsInvalid', 'profile.precisions', []],
    ['an unknown precision', { precisions: ['fp2' as Precision] }, 'ModelServerPrecisionsInvalid', 'profile.precisions', ['fp2']],
    ['no image at all', { kubernetesImage: undefined, sagemakerImage: undefined }, 'ModelServerImageMissing', 'profile.kubernetesImage', undefined],
    ['a latest image', { kubernetesImage: 'vllm/vllm-openai:latest' }, 'ImageNotPinned', 'profile.kubernetesImage', 'vllm/vllm-openai:latest'],
    ['an untagged image', { kubernetesImage: 'registry:5000/vllm' }, 'ImageNotPinned', 'profile.kubernetesImage', 'registry:5000/vllm'],
    ['a latest SageMaker tag', { sagemakerImage: { repository: 'djl-inference', tag: 'latest' } }, 'ImageNotPinned', 'profile.sagemakerImage', { repository: 'djl-inference', tag: 'latest' }],
    ['port 0', { port: 0 }, 'ModelServerPortInvalid', 'profile.port', 0],
    ['port 65536', { metricsPort: 65536 }, 'ModelServerPortInvalid', 'profile.metricsPort', 65536],
    ['a relative health path', { healthPath: 'health' }, 'ModelServerPathInvalid', 'profile.healthPath', 'health'],
    ['a relative writable path', { writablePaths: ['/tmp', 'cache'] }, 'ModelServerPathInvalid', 'profile.writablePaths[1]', 'cache'],
    ['a SageMaker port other than 8080', { sagemakerPort: 8000 }, 'ModelServerSageMakerContractInvalid', 'profile.sagemakerPort', { sagemakerPort: 8000, sagemakerHealthPath: '/ping' }],
    ['a negative start-up overhead', { startupOverheadSeconds: -1 }, 'ModelServerStartupOverheadInvalid', 'profile.startupOverheadSeconds', -1],
    ['a zero host load', { hostLoadPerCheckpointGiB: 0 }, 'ModelServerHostLoadInvalid', 'profile.hostLoadPerCheckpointGiB', 0],
    ['no token counter', { tokenMetric: { ...vllm.tokenMetric, generatedTokensCounter: '' } }, 'ModelServerTokenCounterMissing', 'profile.tokenMetric.generatedTokensCounter', ''],
  ];
  test.each(bad)('rejects %s', (_what, change, code, prop, received) => {
    expectError(() => ModelServer.custom({ ...vllm, ...change } as ModelServerProfile), code, prop, received);
  });
});

describe('ModelServer estimates', () => {
  test('checkpoint, host load and run checks equal the functions they wrap', () => {
    expect(ModelServer.checkpointGiB(inf2)).toBe(checkpointGiB(inf2));
    expect(ModelServer.hostLoadGiB(ModelServer.DJL_LMI_NEURONX, inf2)).toBe(hostLoadGiB(ModelServer.DJL_LMI_NEURONX.profile, inf2));
    expect(ModelServer.hostLoadGiB(ModelServer.VLLM, gpu)).toBe(0);
    expect(() => ModelServer.assertRuns(ModelServer.VLLM, gpu)).not.toThrow();
    expectError(() => ModelServer.assertRuns(ModelServer.VLLM_NEURON, gpu), 'ModelServerUnsupported', 'modelServer', 'vllm-neuron');
  });
});
