/**
 * IC-K8S-001: an EKS Auto Mode NodePool keeps `expireAfter + terminationGracePeriod` within
 * 21 days.
 *
 * Auto Mode caps a node's lifetime at 21 days and its NodePool validation rejects longer ones:
 * "the sum of expireAfter and terminationGracePeriod (defaulted to 24h) may not exceed 21 days"
 * (the API server's message quoted in aws-controllers-k8s/test-infra PR #1000; awsdocs
 * amazon-eks-user-guide issue #986: "Auto Mode has 21-day maximum lifetime"). The open-source
 * Karpenter CRD accepts such a pool, so schema validation cannot see it.
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { get, kindOf, locate, parseDurationSeconds } from './k8s-objects.js';
import type { KubernetesRule, KubernetesRuleInput } from './rule.js';
import { AUTO_MODE_MAX_NODE_LIFETIME_HOURS } from '../node-pool-defaults.js';

/** Auto Mode's maximum node lifetime, seconds (21 days). */
export const AUTO_MODE_MAX_NODE_LIFETIME_SECONDS = AUTO_MODE_MAX_NODE_LIFETIME_HOURS * 3600;
/** terminationGracePeriod Auto Mode assumes when the pool leaves it out, seconds (24h, from the same message). */
export const AUTO_MODE_DEFAULT_TERMINATION_GRACE_SECONDS = 24 * 3600;
/** The NodeClass API group of EKS Auto Mode pools. */
export const AUTO_MODE_NODE_CLASS_GROUP = 'eks.amazonaws.com';

export const autoModeNodeExpiry: KubernetesRule = {
  description: {
    id: 'IC-K8S-001',
    title: 'EKS Auto Mode NodePool: expireAfter + terminationGracePeriod <= 21 days',
    severity: RuleSeverity.ERROR,
    scope: RuleScope.KUBERNETES,
    source: 'https://github.com/aws-controllers-k8s/test-infra/pull/1000',
  },
  check(input: KubernetesRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    for (const o of input.objects) {
      if (kindOf(o) !== 'NodePool' || !String(o.object.apiVersion ?? '').startsWith('karpenter.sh/')) continue;
      const spec = get(o.object, 'spec', 'template', 'spec');
      if (get(spec, 'nodeClassRef', 'group') !== AUTO_MODE_NODE_CLASS_GROUP) continue;
      const expireRaw = get(spec, 'expireAfter');
      if (expireRaw === undefined) continue; // Auto Mode applies its own default
      const expire = parseDurationSeconds(expireRaw);
      const graceRaw = get(spec, 'terminationGracePeriod');
      const grace = graceRaw === undefined ? AUTO_MODE_DEFAULT_TERMINATION_GRACE_SECONDS : parseDurationSeconds(graceRaw);
      if (!(expire + grace > AUTO_MODE_MAX_NODE_LIFETIME_SECONDS)) continue;
      const maxExpireHours = Math.floor((AUTO_MODE_MAX_NODE_LIFETIME_SECONDS - (Number.isFinite(grace) ? grace : 0)) / 3600);
      out.push({
        message: `expireAfter ${JSON.stringify(expireRaw)} plus terminationGracePeriod ${graceRaw === undefined ? '24h (the default)' : JSON.stringify(graceRaw)} exceeds the 21-day (504h) node lifetime EKS Auto Mode allows, so the API server rejects the NodePool`,
        location: locate(o, 'spec.template.spec.expireAfter'),
        fix: `set expireAfter to at most ${maxExpireHours}h (e.g. 336h) or shorten terminationGracePeriod`,
      });
    }
    return out;
  },
};
