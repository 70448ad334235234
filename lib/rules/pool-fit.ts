/**
 * IC-K8S-012: every accelerator workload has a node pool that it selects, that it tolerates, and
 * whose limits hold it at its maximum replicas plus the surge pods of a rolling update.
 *
 * A pod whose node selector or tolerations match no pool stays Pending; a pool whose limit is
 * reached launches no node, so a rollout at `maxReplicas` (the Deployment's `maxSurge`, 25% by
 * default, rounded up; LeaderWorkerSet's `maxSurge`, 0 by default) waits forever for its surge pod.
 * Pools are read from the checked objects (Karpenter / EKS Auto Mode `NodePool`: template labels,
 * `In` requirements, taints, `spec.limits`; GKE `ComputeClass`) and from managed node groups in the
 * same template. When no pool is in sight the rule does not run: the pools live elsewhere.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/#DeploymentSpec (maxSurge)
 * @see https://karpenter.sh/docs/concepts/nodepools/#speclimits
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { asArray, asRecord, extendedResourcesOf, get, isObject, isWorkload, kindOf, locate, maxReplicasOf, nameOf, podTemplates, type LocatedObject } from './k8s-objects.js';
import type { Taint } from '../accelerators.js';
import type { Toleration } from '../placement.js';
import { tolerates } from '../placement.js';
import type { ExternalPool, KubernetesRule, KubernetesRuleInput } from './rule.js';

/** Deployment `rollingUpdate.maxSurge` default (apps/v1). */
export const DEPLOYMENT_DEFAULT_MAX_SURGE = '25%';
/** Label GKE puts on the nodes of a custom compute class (and pods select). */
export const GKE_COMPUTE_CLASS_LABEL = 'cloud.google.com/compute-class';

/** Label prefixes a Karpenter NodePool can satisfy without pinning them (well-known labels). */
const WELL_KNOWN_LABEL = /^(karpenter\.sh\/|karpenter\.k8s\.aws\/|eks\.amazonaws\.com\/|node\.kubernetes\.io\/instance-type$|topology\.kubernetes\.io\/|kubernetes\.io\/(arch|os)$)/;

interface Pool {
  readonly name: string;
  readonly satisfies: (key: string, value: string) => boolean;
  readonly taints: { key: string; value?: string; effect: string }[];
  readonly limits: Record<string, number>;
}

function nodePool(o: LocatedObject): Pool {
  const labels = asRecord(get(o.object, 'spec', 'template', 'metadata', 'labels'));
  const reqs = asArray(get(o.object, 'spec', 'template', 'spec', 'requirements')).filter(isObject);
  const limits: Record<string, number> = {};
  for (const [k, v] of Object.entries(asRecord(get(o.object, 'spec', 'limits')))) {
    const n = typeof v === 'number' ? v : Number(v);
    if (Number.isFinite(n)) limits[k] = n;
  }
  return {
    name: `NodePool ${nameOf(o)}`,
    satisfies: (key, value) => {
      if (labels[key] !== undefined) return labels[key] === value;
      const rs = reqs.filter((r) => r.key === key);
      if (rs.length === 0) return WELL_KNOWN_LABEL.test(key);
      return rs.every((r) => {
        const values = asArray(r.values).map(String);
        if (r.operator === 'In') return values.includes(value);
        if (r.operator === 'NotIn') return !values.includes(value);
        if (r.operator === 'Exists') return true;
        return false;
      });
    },
    taints: asArray(get(o.object, 'spec', 'template', 'spec', 'taints')).filter(isObject).map((t) => ({ key: String(t.key), ...(t.value !== undefined ? { value: String(t.value) } : {}), effect: String(t.effect) })),
    limits,
  };
}

function computeClass(o: LocatedObject): Pool {
  // GKE adds the compute-class toleration to pods that select the class, and the TPU/GPU
  // tolerations to pods that request the device (GKE docs, custom compute classes).
  return { name: `ComputeClass ${nameOf(o)}`, satisfies: (k, v) => (k === GKE_COMPUTE_CLASS_LABEL ? v === nameOf(o) : k.startsWith('cloud.google.com/')), taints: [], limits: {} };
}

function external(p: ExternalPool): Pool {
  return { name: p.name, satisfies: (k, v) => p.labels[k] === v, taints: p.taints, limits: p.limits };
}

function poolsOf(input: KubernetesRuleInput): Pool[] {
  const pools: Pool[] = [];
  for (const o of input.objects) {
    if (kindOf(o) === 'NodePool' && String(o.object.apiVersion ?? '').startsWith('karpenter.sh/')) pools.push(nodePool(o));
    if (kindOf(o) === 'ComputeClass' && String(o.object.apiVersion ?? '').startsWith('cloud.google.com/')) pools.push(computeClass(o));
  }
  pools.push(...input.externalPools.map(external));
  return pools;
}

/** Surge pods a rollout adds at the given replica count. */
export function surgePods(w: LocatedObject, replicas: number): number {
  if (kindOf(w) === 'LeaderWorkerSet') {
    const v = get(w.object, 'spec', 'rolloutStrategy', 'rollingUpdateConfiguration', 'maxSurge');
    return resolveSurge(v ?? 0, replicas);
  }
  if (kindOf(w) !== 'Deployment') return 0;
  if (get(w.object, 'spec', 'strategy', 'type') === 'Recreate') return 0;
  return resolveSurge(get(w.object, 'spec', 'strategy', 'rollingUpdate', 'maxSurge') ?? DEPLOYMENT_DEFAULT_MAX_SURGE, replicas);
}

function resolveSurge(v: unknown, replicas: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+%$/.test(v)) return Math.ceil((Number(v.slice(0, -1)) / 100) * replicas);
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return 0;
}

export const poolFit: KubernetesRule = {
  description: {
    id: 'IC-K8S-012',
    title: 'every accelerator workload has a pool that it selects and tolerates and that fits maxReplicas plus the rollout surge',
    severity: RuleSeverity.ERROR,
    scope: RuleScope.KUBERNETES,
    source: 'https://karpenter.sh/docs/concepts/nodepools/#speclimits',
  },
  check(input: KubernetesRuleInput): RuleViolation[] {
    const pools = poolsOf(input);
    if (pools.length === 0) return [];
    const out: RuleViolation[] = [];
    const byPool = new Map<Pool, { need: Record<string, number>; surge: Record<string, number>; by: string[] }>();
    for (const w of input.objects.filter(isWorkload)) {
      const templates = podTemplates(w);
      const perReplica: Record<string, number> = {};
      for (const t of templates) for (const [r, n] of Object.entries(extendedResourcesOf(t))) perReplica[r] = (perReplica[r] ?? 0) + n * t.podsPerReplica;
      if (Object.keys(perReplica).length === 0) continue;
      const t0 = templates[0]!;
      const selector = asRecord(t0.spec.nodeSelector) as Record<string, string>;
      const tolerations = asArray(t0.spec.tolerations).filter(isObject) as Toleration[];
      const matching = pools.filter((p) => Object.entries(selector).every(([k, v]) => p.satisfies(k, String(v))));
      if (matching.length === 0) {
        out.push({
          message: `the workload requests ${Object.keys(perReplica).join(', ')} but its nodeSelector ${JSON.stringify(selector)} matches none of the pools (${pools.map((p) => p.name).join(', ')}), so its pods stay Pending`,
          location: locate(w, `${t0.path}.spec.nodeSelector`),
          fix: "select the labels of the pool for this accelerator, or add a pool that carries them",
        });
        continue;
      }
      const tolerable = matching.filter((p) => p.taints.filter((x) => x.effect !== 'PreferNoSchedule').every((taint) => tolerations.some((tol) => tolerates(tol, taint as Taint))));
      if (tolerable.length === 0) {
        const p = matching[0]!;
        const missing = p.taints.filter((taint) => taint.effect !== 'PreferNoSchedule' && !tolerations.some((tol) => tolerates(tol, taint as Taint)));
        out.push({
          message: `the workload selects ${p.name} but does not tolerate its taint(s) ${missing.map((t) => `${t.key}${t.value !== undefined ? `=${t.value}` : ''}:${t.effect}`).join(', ')}, so its pods stay Pending`,
          location: locate(w, `${t0.path}.spec.tolerations`),
          fix: `add a toleration for each taint of ${p.name}`,
        });
        continue;
      }
      const max = maxReplicasOf(w, input.objects);
      const surge = surgePods(w, max);
      for (const [res, n] of Object.entries(perReplica)) {
        const limits = tolerable.map((p) => p.limits[res]);
        if (limits.some((l) => l === undefined)) continue;
        const capacity = (limits as number[]).reduce((a, b) => a + b, 0);
        const need = n * (max + surge);
        if (need <= capacity) continue;
        out.push({
          message: `at ${max} replicas plus ${surge} surge pod(s) during a rollout the workload needs ${need} ${res} (${n} per replica), more than the ${capacity} that ${tolerable.map((p) => p.name).join(' + ')} allows`,
          location: locate(w, `${t0.path}.spec.nodeSelector`),
          fix: `raise the pool's ${res} limit to at least ${need}, or lower maxReplicas to ${Math.max(0, Math.floor(capacity / n) - surge)}`,
        });
      }
      if (tolerable.length === 1) {
        const entry = byPool.get(tolerable[0]!) ?? { need: {}, surge: {}, by: [] };
        for (const [res, n] of Object.entries(perReplica)) {
          entry.need[res] = (entry.need[res] ?? 0) + n * max;
          entry.surge[res] = Math.max(entry.surge[res] ?? 0, n * surge);
        }
        entry.by.push(`${kindOf(w)} ${nameOf(w)}`);
        byPool.set(tolerable[0]!, entry);
      }
    }
    for (const [pool, entry] of byPool) {
      if (entry.by.length < 2) continue; // a single workload was checked above
      for (const [res, need] of Object.entries(entry.need)) {
        const limit = pool.limits[res];
        const total = need + (entry.surge[res] ?? 0);
        if (limit === undefined || total <= limit) continue;
        const o = input.objects.find((x) => `${kindOf(x)} ${nameOf(x)}` === pool.name);
        out.push({
          message: `${entry.by.join(', ')} together need ${total} ${res} at their maximum replicas plus one rollout's surge, more than the ${limit} ${pool.name} allows`,
          location: o ? locate(o, `spec.limits["${res}"]`) : { origin: pool.name, path: `limits["${res}"]` },
          fix: `raise the pool's ${res} limit to ${total} or lower the workloads' maxReplicas`,
        });
      }
    }
    return out;
  },
};
