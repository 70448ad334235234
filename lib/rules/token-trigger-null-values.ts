/**
 * IC-K8S-007: a KEDA Prometheus trigger that carries the token metric sets
 * `ignoreNullValues: "false"`.
 *
 * KEDA `pkg/scalers/prometheus_scaler.go`: `IgnoreNullValues bool ... default=true`; KEDA docs:
 * "Default is true, which means ignoring the empty value list from Prometheus. Set to false the
 * scaler will return error when Prometheus target is lost". With the default a broken scrape (no
 * series) reads as 0 tokens/s and the fleet scales in, and the fallback never engages.
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { get, kindOf, locate, tokenTriggers } from './k8s-objects.js';
import type { KubernetesRule, KubernetesRuleInput } from './rule.js';

export const tokenTriggerNullValues: KubernetesRule = {
  description: {
    id: 'IC-K8S-007',
    title: 'the token trigger does not ignore null values (ignoreNullValues: "false")',
    severity: RuleSeverity.ERROR,
    scope: RuleScope.KUBERNETES,
    source: 'https://keda.sh/docs/2.18/scalers/prometheus/',
  },
  check(input: KubernetesRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    for (const s of input.objects) {
      if (kindOf(s) !== 'ScaledObject') continue;
      for (const { trigger, path } of tokenTriggers(s)) {
        const v = get(trigger, 'metadata', 'ignoreNullValues');
        if (String(v).toLowerCase() === 'false') continue;
        out.push({
          message: `trigger ${JSON.stringify(trigger.name ?? path)} carries the token metric but ignoreNullValues is ${v === undefined ? 'unset (true)' : JSON.stringify(v)}, so a lost scrape reads as 0 tokens/s and scales the fleet in`,
          location: locate(s, `${path}.metadata.ignoreNullValues`),
          fix: 'set metadata.ignoreNullValues: "false" on the token trigger (keep a scale-from-zero wake trigger tolerant)',
        });
      }
    }
    return out;
  },
};
