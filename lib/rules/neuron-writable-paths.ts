/**
 * IC-K8S-002: vLLM on Neuron started from a Hugging Face model id has a writable
 * `NEURON_COMPILED_ARTIFACTS` path and a writable working directory.
 *
 * Given a model id rather than a local path, the NxD Inference loader of vLLM-Neuron saves the
 * checkpoint and compiles it under `local-models/<id>/` relative to the working directory
 * (aws-neuron `upstreaming-to-vllm`, `vllm/model_executor/model_loader/neuronx_distributed.py`);
 * "If NEURON_COMPILED_ARTIFACTS is not set, we will compile the model and store it under a
 * neuron-compiled-artifacts subdirectory in the directory of your model checkpoint" (aws-neuron-sdk
 * `libraries/nxd-inference/developer_guides/vllm-user-guide.rst`). The DLC's working directory is
 * `/opt/vllm` (aws-neuron/deep-learning-containers `docker/vllm/inference/0.9.1/Dockerfile.neuronx`,
 * `WORKDIR /opt/vllm`), which a read-only root filesystem makes unwritable: the first start fails
 * with `OSError: [Errno 30] Read-only file system`.
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { commandLine, containersOf, envValue, flagValue, get, isWorkload, locate, podTemplates } from './k8s-objects.js';
import { readOnlyRoot, writablePath } from './mounts.js';
import type { KubernetesRule, KubernetesRuleInput } from './rule.js';

/** Environment variable naming where vLLM-Neuron writes (and reads) compiled artifacts. */
export const NEURON_COMPILED_ARTIFACTS_ENV = 'NEURON_COMPILED_ARTIFACTS';
/** Neuron device resources (chips and cores). */
export const NEURON_RESOURCES = ['aws.amazon.com/neuron', 'aws.amazon.com/neuroncore'];
/** The working directory of the vLLM-Neuron DLC image (its Dockerfile's WORKDIR). */
export const VLLM_NEURON_IMAGE_WORKDIR = '/opt/vllm';

function requestsNeuron(container: Record<string, unknown>): boolean {
  const res = { ...((get(container, 'resources', 'requests') as object) ?? {}), ...((get(container, 'resources', 'limits') as object) ?? {}) };
  return NEURON_RESOURCES.some((r) => r in res);
}

/** True for a vLLM container on Neuron whose `--model` is not a local path. */
export function isNeuronVllmFromHub(container: Record<string, unknown>): boolean {
  if (!requestsNeuron(container)) return false;
  const argv = commandLine(container);
  const image = String(container.image ?? '');
  const vllm = argv.some((a) => a.includes('vllm')) || image.includes('vllm');
  const model = flagValue(argv, '--model');
  return vllm && model !== undefined && !model.startsWith('/') && !model.startsWith('.');
}

export const neuronWritablePaths: KubernetesRule = {
  description: {
    id: 'IC-K8S-002',
    title: 'vLLM on Neuron from a Hugging Face id: writable NEURON_COMPILED_ARTIFACTS and working directory',
    severity: RuleSeverity.ERROR,
    scope: RuleScope.KUBERNETES,
    source: 'https://github.com/aws-neuron/aws-neuron-sdk/blob/master/libraries/nxd-inference/developer_guides/vllm-user-guide.rst',
  },
  check(input: KubernetesRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    for (const w of input.objects.filter(isWorkload)) {
      for (const t of podTemplates(w)) {
        for (const c of containersOf(t)) {
          if (!isNeuronVllmFromHub(c.container)) continue;
          const model = flagValue(commandLine(c.container), '--model');
          const artifacts = envValue(c.container, NEURON_COMPILED_ARTIFACTS_ENV);
          if (artifacts?.value === undefined) {
            out.push({
              message: `the server compiles ${model} on start but ${NEURON_COMPILED_ARTIFACTS_ENV} is not set, so it writes the artifacts under the working directory`,
              location: locate(w, `${c.path}.env`),
              fix: `set ${NEURON_COMPILED_ARTIFACTS_ENV} to a directory on a writable volume (ideally a persistent one, so a restart does not recompile)`,
            });
          } else if (!writablePath(t, c, artifacts.value)) {
            out.push({
              message: `${NEURON_COMPILED_ARTIFACTS_ENV}=${artifacts.value} is not on a writable volume, so compiling ${model} fails`,
              location: locate(w, `${c.path}.env[${artifacts.index}]`),
              fix: `mount a writable volume at ${artifacts.value} or point ${NEURON_COMPILED_ARTIFACTS_ENV} into one`,
            });
          }
          const workingDir = typeof c.container.workingDir === 'string' ? c.container.workingDir : undefined;
          if (workingDir === undefined ? readOnlyRoot(c) : !writablePath(t, c, workingDir)) {
            out.push({
              message: `the loader saves ${model} under local-models/ in the working directory (${workingDir ?? `${VLLM_NEURON_IMAGE_WORKDIR}, the image's`}), which is read-only in this container`,
              location: locate(w, `${c.path}.workingDir`),
              fix: 'set workingDir to a directory on a writable volume (e.g. the model cache)',
            });
          }
        }
      }
    }
    return out;
  },
};
