/**
 * IC-K8S-011: the startup budget (startup probe, else liveness probe) is at least the planned
 * start-up time, load + compile (`inference-constructs.io/planned-startup-seconds`).
 *
 * The kubelet restarts a container whose startup probe fails `failureThreshold` times
 * `periodSeconds` apart after `initialDelaySeconds`; without a startup probe the liveness probe
 * does the same from container start (defaults: failureThreshold 3, periodSeconds 10,
 * initialDelaySeconds 0). A budget shorter than the model load restarts the server forever.
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { containersOf, extendedResourcesOf, get, isObject, isWorkload, locate, planFigure, podTemplates } from './k8s-objects.js';
import { PLANNED_STARTUP_SECONDS_ANNOTATION } from '../plan-annotations.js';
import type { KubernetesRule, KubernetesRuleInput } from './rule.js';

/** Probe defaults (core/v1 Probe). */
export const PROBE_DEFAULT_FAILURE_THRESHOLD = 3;
export const PROBE_DEFAULT_PERIOD_SECONDS = 10;

function budget(probe: unknown): number {
  const n = (k: string, d: number) => { const v = get(probe, k); return typeof v === 'number' ? v : d; };
  return n('initialDelaySeconds', 0) + n('failureThreshold', PROBE_DEFAULT_FAILURE_THRESHOLD) * n('periodSeconds', PROBE_DEFAULT_PERIOD_SECONDS);
}

export const startupBudget: KubernetesRule = {
  description: {
    id: 'IC-K8S-011',
    title: `startup budget >= the planned start-up, load + compile (${PLANNED_STARTUP_SECONDS_ANNOTATION})`,
    severity: RuleSeverity.ERROR,
    scope: RuleScope.KUBERNETES,
    source: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
  },
  check(input: KubernetesRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    for (const w of input.objects.filter(isWorkload)) {
      const planned = planFigure(w, PLANNED_STARTUP_SECONDS_ANNOTATION);
      if (planned === undefined) continue;
      for (const t of podTemplates(w)) {
        const accel = Object.keys(extendedResourcesOf(t)).length > 0;
        for (const c of containersOf(t)) {
          const limits = get(c.container, 'resources', 'limits');
          if (accel && !(isObject(limits) && Object.keys(limits).some((r) => r.includes('/')))) continue;
          const probeField = isObject(c.container.startupProbe) ? 'startupProbe' : isObject(c.container.livenessProbe) ? 'livenessProbe' : undefined;
          if (!probeField) continue;
          const have = budget(c.container[probeField]);
          if (have >= planned) continue;
          const period = (get(c.container, probeField, 'periodSeconds') as number | undefined) ?? PROBE_DEFAULT_PERIOD_SECONDS;
          out.push({
            message: `the ${probeField} gives the server ${have}s to start, less than the planned ${planned}s load and start-up, so the kubelet restarts it before it is ready`,
            location: locate(w, `${c.path}.${probeField}.failureThreshold`),
            fix: `raise ${probeField}.failureThreshold to at least ${Math.ceil(planned / period)} (at periodSeconds ${period})`,
          });
        }
      }
    }
    return out;
  },
};
