/**
 * IC-K8S-009: a PodDisruptionBudget does not allow evicting every replica a workload runs at
 * its minimum (e.g. `maxUnavailable: 1` over `minReplicas: 1`).
 *
 * Such a budget lets a node drain evict the only replica, and EKS Auto Mode replaces nodes "due to
 * drift when a new Auto Mode AMI is released, which occurs roughly once per week" (EKS user guide,
 * create-node-pool); each replacement is then an outage for a full model load. PDB semantics:
 * https://kubernetes.io/docs/tasks/run-application/configure-pdb/ (percentages round up).
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { asRecord, get, isWorkload, kindOf, locate, nameOf, namespaceOf, podTemplates, scalersOf, selectorMatches, type LocatedObject } from './k8s-objects.js';
import type { KubernetesRule, KubernetesRuleInput } from './rule.js';

function resolve(v: unknown, total: number): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+%$/.test(v)) return Math.ceil((Number(v.slice(0, -1)) / 100) * total);
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

function minimumReplicas(w: LocatedObject, all: LocatedObject[]): number {
  const scalers = scalersOf(w, all);
  // A fleet that scales to zero serves from one replica when it serves at all.
  if (scalers.length > 0) return Math.max(1, Math.min(...scalers.map((s) => s.minReplicas)));
  const r = get(w.object, 'spec', 'replicas');
  return typeof r === 'number' ? r : 1;
}

export const pdbSingleReplica: KubernetesRule = {
  description: {
    id: 'IC-K8S-009',
    title: 'a PodDisruptionBudget keeps at least one replica at the minimum replica count',
    severity: RuleSeverity.WARNING,
    scope: RuleScope.KUBERNETES,
    source: 'https://docs.aws.amazon.com/eks/latest/userguide/create-node-pool.html',
  },
  check(input: KubernetesRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    for (const pdb of input.objects) {
      if (kindOf(pdb) !== 'PodDisruptionBudget') continue;
      const selector = get(pdb.object, 'spec', 'selector');
      for (const w of input.objects.filter(isWorkload)) {
        if ((namespaceOf(w) ?? 'default') !== (namespaceOf(pdb) ?? 'default')) continue;
        if (!podTemplates(w).some((t) => selectorMatches(selector, asRecord(t.metadata.labels)))) continue;
        const min = minimumReplicas(w, input.objects);
        const maxUnavailable = resolve(get(pdb.object, 'spec', 'maxUnavailable'), min);
        const minAvailable = resolve(get(pdb.object, 'spec', 'minAvailable'), min);
        const evictable = maxUnavailable !== undefined ? maxUnavailable : minAvailable !== undefined ? min - minAvailable : undefined;
        if (evictable === undefined || evictable < min) continue;
        const field = maxUnavailable !== undefined ? 'maxUnavailable' : 'minAvailable';
        out.push({
          message: `${field} ${JSON.stringify(get(pdb.object, 'spec', field))} lets a drain evict all ${min} replica(s) ${kindOf(w)} ${nameOf(w)} runs at its minimum, a full outage for a model load on every node replacement`,
          location: locate(pdb, `spec.${field}`),
          fix: `run at least ${min + 1} replicas at the minimum (minReplicas) or use minAvailable: 1 with a disruption budget that holds drift outside a maintenance window`,
        });
      }
    }
    return out;
  },
};
