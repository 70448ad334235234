/**
 * IC-K8S-010: requests equal limits for extended resources (`nvidia.com/gpu`,
 * `aws.amazon.com/neuron`, `google.com/tpu`).
 *
 * Kubernetes docs, "Managing Resources for Containers" / extended resources: "Extended resources
 * cannot be overcommitted, so request and limit must be equal if both are present in a container
 * spec." A request without a limit is rejected as well (a limit defaults the request, not the
 * other way round).
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { asRecord, containersOf, get, isExtendedResource, isWorkload, locate, parseQuantity, podTemplates } from './k8s-objects.js';
import type { KubernetesRule, KubernetesRuleInput } from './rule.js';

export const extendedResourceRequests: KubernetesRule = {
  description: {
    id: 'IC-K8S-010',
    title: 'requests = limits for extended resources',
    severity: RuleSeverity.ERROR,
    scope: RuleScope.KUBERNETES,
    source: 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#extended-resources',
  },
  check(input: KubernetesRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    for (const w of input.objects.filter(isWorkload)) {
      for (const t of podTemplates(w)) {
        for (const c of containersOf(t, true)) {
          const requests = asRecord(get(c.container, 'resources', 'requests'));
          const limits = asRecord(get(c.container, 'resources', 'limits'));
          for (const res of Object.keys(requests).filter(isExtendedResource).sort()) {
            if (res in limits && parseQuantity(limits[res]) === parseQuantity(requests[res])) continue;
            out.push({
              message: res in limits
                ? `${res} request ${JSON.stringify(requests[res])} differs from its limit ${JSON.stringify(limits[res])}; extended resources cannot be overcommitted, so the API server rejects the pod`
                : `${res} is requested (${JSON.stringify(requests[res])}) without a limit; extended resources need a limit equal to the request`,
              location: locate(w, `${c.path}.resources.requests["${res}"]`),
              fix: `set resources.limits["${res}"] to ${JSON.stringify(requests[res])} (or drop the request: the limit defaults it)`,
            });
          }
        }
      }
    }
    return out;
  },
};
