/**
 * Collects what the reference app planned, from its construct trees, for the plan report.
 *
 * Duck-typed on purpose: SageMaker endpoints and inference components carry `plan` and
 * `scalingPolicy`; Kubernetes token scalers carry `policy` and a `target` with its `plan`.
 */
import type { IConstruct } from 'constructs';
import type { CapacityPlan } from '../lib/planner.js';
import type { PlannedDeployment } from '../lib/report.js';
import type { TokenScalingPolicy } from '../lib/scaling.js';

interface WithPlan {
  readonly plan: CapacityPlan;
}

function isPlan(v: unknown): v is CapacityPlan {
  return typeof v === 'object' && v !== null && 'tensorParallelDegree' in v && 'memory' in v && 'cost' in v;
}

function isPolicy(v: unknown): v is TokenScalingPolicy {
  return typeof v === 'object' && v !== null && 'targetTokensPerSecondPerReplica' in v && 'maxReplicas' in v;
}

/** Every planned, token-scaled deployment under `root`. */
export function plannedDeployments(root: IConstruct): PlannedDeployment[] {
  const found: PlannedDeployment[] = [];
  for (const c of root.node.findAll()) {
    const o = c as unknown as Record<string, unknown>;
    if (isPlan(o.plan) && isPolicy(o.scalingPolicy)) {
      // SageMaker endpoint or inference component
      const server = (o.modelServer as { displayName?: string } | undefined)?.displayName;
      found.push({ name: `sagemaker/${c.node.path}`, platform: 'SageMaker', plan: o.plan, scalingPolicy: o.scalingPolicy, server });
    } else if (isPolicy(o.policy) && typeof o.target === 'object' && o.target !== null && isPlan((o.target as WithPlan).plan)) {
      // Kubernetes token scaler (KEDA ScaledObject or HPA)
      const target = o.target as WithPlan & { namespace: string; scaleTargetRef: { name: string }; server: { displayName: string } };
      const platform = target.plan.instance.cloud === 'gcp' ? 'GKE' : 'EKS';
      found.push({
        name: `${platform.toLowerCase()}/${target.namespace}/${target.scaleTargetRef.name}`,
        platform,
        plan: target.plan,
        scalingPolicy: o.policy,
        server: target.server.displayName,
      });
    }
  }
  return found;
}
