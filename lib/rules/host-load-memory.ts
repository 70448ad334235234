/**
 * IC-K8S-003: a server that loads its model through host memory has a memory limit of at
 * least the host RAM the plan says the load needs (`inference-constructs.io/host-load-gib`).
 *
 * vLLM-Neuron's NxD Inference loader materialises the whole checkpoint in host RAM before it
 * compiles and shards it (`AutoModelForCausalLM.from_pretrained(...)` then `save_pretrained`,
 * aws-neuron `upstreaming-to-vllm` `neuronx_distributed.py`); a container over its memory limit is
 * OOM-killed (https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#how-pods-with-resource-limits-are-run).
 * Workloads without the annotation (not planned by this library) are not checked.
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { GIB, containersOf, extendedResourcesOf, get, gib, isWorkload, locate, parseQuantity, planFigure, podTemplates } from './k8s-objects.js';
import { HOST_LOAD_GIB_ANNOTATION } from '../plan-annotations.js';
import type { KubernetesRule, KubernetesRuleInput } from './rule.js';

export const hostLoadMemory: KubernetesRule = {
  description: {
    id: 'IC-K8S-003',
    title: `memory limit >= the host RAM the model loads through (${HOST_LOAD_GIB_ANNOTATION})`,
    severity: RuleSeverity.ERROR,
    scope: RuleScope.KUBERNETES,
    source: 'https://github.com/aws-neuron/aws-neuron-sdk/blob/master/libraries/nxd-inference/developer_guides/vllm-user-guide.rst',
  },
  check(input: KubernetesRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    for (const w of input.objects.filter(isWorkload)) {
      const need = planFigure(w, HOST_LOAD_GIB_ANNOTATION);
      if (need === undefined || need <= 0) continue;
      for (const t of podTemplates(w)) {
        if (Object.keys(extendedResourcesOf(t)).length === 0) continue;
        // The container that holds the accelerator is the one that loads the model.
        const server = containersOf(t).find((c) => Object.keys({ ...((get(c.container, 'resources', 'limits') as object) ?? {}) }).some((r) => r.includes('/'))) ?? containersOf(t)[0];
        if (!server) continue;
        const limit = parseQuantity(get(server.container, 'resources', 'limits', 'memory'));
        const request = parseQuantity(get(server.container, 'resources', 'requests', 'memory'));
        const have = Number.isFinite(limit) ? limit : request;
        const field = Number.isFinite(limit) ? 'limits' : 'requests';
        if (Number.isFinite(have) && have >= need * GIB) continue;
        out.push({
          message: Number.isFinite(have)
            ? `the memory ${field === 'limits' ? 'limit' : 'request'} ${gib(have)} is below the ${need} GiB of host RAM the model load needs, so the container is OOM-killed (or placed on a node too small) while loading`
            : `the container sets no memory request or limit although the model load needs ${need} GiB of host RAM`,
          location: locate(w, `${server.path}.resources.${field}.memory`),
          fix: `set the memory limit (and request) to at least ${Math.ceil(need)}Gi and plan an instance whose allocatable memory holds it, or load from pre-compiled artifacts`,
        });
      }
    }
    return out;
  },
};
