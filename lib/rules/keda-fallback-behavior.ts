/**
 * IC-K8S-006: a KEDA ScaledObject with `fallback` sets a `fallback.behavior` that holds the
 * current replicas.
 *
 * KEDA v2.18 `pkg/fallback/fallback.go`: with the default behavior `static`, a failing scaler sets
 * the workload to exactly `fallback.replicas` (`case FallbackBehaviorStatic: replicas =
 * float64(fallbackReplicas)`), so a metrics outage at peak shrinks a model fleet to its fallback
 * count; `currentReplicasIfLower` does the same when the fleet is larger. `currentReplicas` and
 * `currentReplicasIfHigher` keep what is running.
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { get, kindOf, locate } from './k8s-objects.js';
import type { KubernetesRule, KubernetesRuleInput } from './rule.js';

/** Fallback behaviors that never drop below the replicas running (KEDA 2.18 `FallbackBehavior*`). */
export const HOLDING_FALLBACK_BEHAVIORS = ['currentReplicas', 'currentReplicasIfHigher'];

export const kedaFallbackBehavior: KubernetesRule = {
  description: {
    id: 'IC-K8S-006',
    title: 'KEDA fallback.behavior holds the current replicas (not static)',
    severity: RuleSeverity.ERROR,
    scope: RuleScope.KUBERNETES,
    source: 'https://github.com/kedacore/keda/blob/v2.18.2/pkg/fallback/fallback.go',
  },
  check(input: KubernetesRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    for (const s of input.objects) {
      if (kindOf(s) !== 'ScaledObject') continue;
      const fallback = get(s.object, 'spec', 'fallback');
      if (fallback === undefined) continue;
      const behavior = get(fallback, 'behavior');
      if (typeof behavior === 'string' && HOLDING_FALLBACK_BEHAVIORS.includes(behavior)) continue;
      out.push({
        message: `fallback.behavior is ${behavior === undefined ? 'unset (static)' : JSON.stringify(behavior)}, so when the metric source fails KEDA sets the workload to fallback.replicas (${JSON.stringify(get(fallback, 'replicas'))}) even at peak`,
        location: locate(s, 'spec.fallback.behavior'),
        fix: 'set spec.fallback.behavior: currentReplicasIfHigher (or currentReplicas)',
      });
    }
    return out;
  },
};
