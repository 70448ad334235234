/**
 * IC-K8S-014: the scaler's per-replica token target equals its workload's plan
 * (`inference-constructs.io/target-tokens-per-second`).
 *
 * With `metricType: AverageValue` the HPA computes `ceil(sum / target)` replicas (Kubernetes HPA
 * algorithm; KEDA passes the trigger's `threshold` as that target), so the threshold must be the
 * tokens/s one replica serves at the planned utilisation. A threshold edited by hand, or a
 * `Value` metric type (the target applies to the sum), under- or over-provisions the fleet.
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { TOKEN_METRIC_PATTERN, asArray, get, kindOf, locate, nameOf, parseQuantity, planFigure, targetOf, tokenTriggers } from './k8s-objects.js';
import { TARGET_TOKENS_PER_SECOND_ANNOTATION } from '../plan-annotations.js';
import type { KubernetesRule, KubernetesRuleInput } from './rule.js';

/** The prompt-token counter only the token-work signal reads (vLLM `vllm:prompt_tokens_total`). */
const TOKEN_WORK_QUERY = /prompt_tokens_total/;

/**
 * Relative difference allowed between the scaler's target and the plan: renderers write whole
 * tokens/s, so a plan of 209.6 renders as 210 (the library's own tolerance, not an upstream figure).
 */
export const TOKEN_TARGET_TOLERANCE = 0.01;

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(0.5, TOKEN_TARGET_TOLERANCE * b);
}

export const scalerTargetPlan: KubernetesRule = {
  description: {
    id: 'IC-K8S-014',
    title: `the scaler's per-replica token target equals the plan (${TARGET_TOKENS_PER_SECOND_ANNOTATION})`,
    severity: RuleSeverity.ERROR,
    scope: RuleScope.KUBERNETES,
    source: 'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details',
  },
  check(input: KubernetesRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    for (const s of input.objects) {
      const k = kindOf(s);
      if (k !== 'ScaledObject' && k !== 'HorizontalPodAutoscaler') continue;
      const w = targetOf(s, input.objects);
      if (!w) continue;
      const plan = planFigure(w, TARGET_TOKENS_PER_SECOND_ANNOTATION);
      if (plan === undefined) continue;
      const fix = `set the token target to the plan's ${plan} tokens/s per replica (metricType AverageValue), or re-plan`;
      if (k === 'ScaledObject') {
        for (const { trigger, path, query } of tokenTriggers(s)) {
          const type = trigger.metricType ?? 'AverageValue';
          const threshold = Number(get(trigger, 'metadata', 'threshold'));
          // A token-work trigger (prompt and generated tokens weighted by the plan's step times)
          // counts busy milliseconds per second, not tokens/s: only its metricType is comparable.
          const tokenWork = TOKEN_WORK_QUERY.test(query);
          if (type !== 'AverageValue') {
            out.push({ message: `token trigger metricType is ${JSON.stringify(type)}, so its threshold applies to the fleet's sum instead of one replica's ${plan} tokens/s`, location: locate(s, `${path}.metricType`), fix });
          } else if (!tokenWork && !close(threshold, plan)) {
            out.push({ message: `token trigger threshold ${JSON.stringify(get(trigger, 'metadata', 'threshold'))} differs from the ${plan} tokens/s per replica that ${kindOf(w)} ${nameOf(w)} was planned for`, location: locate(s, `${path}.metadata.threshold`), fix });
          }
        }
      } else {
        asArray(get(s.object, 'spec', 'metrics')).forEach((m, i) => {
          const type = String(get(m, 'type') ?? '');
          const key = type === 'External' ? 'external' : type === 'Pods' ? 'pods' : undefined;
          if (!key || !TOKEN_METRIC_PATTERN.test(String(get(m, key, 'metric', 'name') ?? ''))) return;
          const targetType = get(m, key, 'target', 'type');
          const value = parseQuantity(get(m, key, 'target', targetType === 'AverageValue' ? 'averageValue' : 'value'));
          if (targetType !== 'AverageValue') {
            out.push({ message: `token metric target type is ${JSON.stringify(targetType)}, so it applies to the fleet's sum instead of one replica's ${plan} tokens/s`, location: locate(s, `spec.metrics[${i}].${key}.target.type`), fix });
          } else if (!close(value, plan)) {
            out.push({ message: `token metric averageValue ${JSON.stringify(get(m, key, 'target', 'averageValue'))} differs from the ${plan} tokens/s per replica that ${kindOf(w)} ${nameOf(w)} was planned for`, location: locate(s, `spec.metrics[${i}].${key}.target.averageValue`), fix });
          }
        });
      }
    }
    return out;
  },
};
