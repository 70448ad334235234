/**
 * IC-K8S-005: a Deployment or LeaderWorkerSet that a ScaledObject or HPA scales does not set
 * `spec.replicas`.
 *
 * Kubernetes docs, "Migrating Deployments and StatefulSets to horizontal autoscaling": "When an
 * HPA is enabled, it is recommended that the value of spec.replicas of the Deployment and / or
 * StatefulSet be removed from their manifest(s). If this isn't done, any time a change to that
 * object is applied ... this will instruct Kubernetes to scale the current number of Pods to the
 * value of the spec.replicas key." KEDA drives an HPA, so the same holds for a ScaledObject. For a
 * model server every replica dropped costs a full model load when the scaler adds it back.
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { get, isWorkload, kindOf, locate, nameOf, scalersOf } from './k8s-objects.js';
import type { KubernetesRule, KubernetesRuleInput } from './rule.js';

export const noReplicasWhenScaled: KubernetesRule = {
  description: {
    id: 'IC-K8S-005',
    title: 'no spec.replicas on a workload a ScaledObject or HPA scales',
    severity: RuleSeverity.ERROR,
    scope: RuleScope.KUBERNETES,
    source: 'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling',
  },
  check(input: KubernetesRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    for (const w of input.objects.filter(isWorkload)) {
      const replicas = get(w.object, 'spec', 'replicas');
      if (replicas === undefined || replicas === null) continue;
      const scalers = scalersOf(w, input.objects);
      if (scalers.length === 0) continue;
      const s = scalers[0]!;
      out.push({
        message: `${kindOf(w)} sets spec.replicas ${JSON.stringify(replicas)} although ${s.kind} ${nameOf(s.scaler)} owns its replica count, so every apply resets it to ${JSON.stringify(replicas)} replicas`,
        location: locate(w, 'spec.replicas'),
        fix: 'remove spec.replicas from the manifest (cdk8s-plus: mark the workload as autoscaled, or JSON-patch remove /spec/replicas)',
      });
    }
    return out;
  },
};
