/**
 * Shared defaults of accelerator NodePools (Karpenter v1 `karpenter.sh/v1` NodePool, also the
 * kind EKS Auto Mode uses), and the node-lifetime rule EKS Auto Mode enforces. Pure data and
 * arithmetic: the cdk8s pools and the CDK cluster construct read the same table.
 *
 * @see https://karpenter.sh/docs/concepts/disruption/
 * @see https://docs.aws.amazon.com/eks/latest/userguide/create-node-pool.html
 */
import { InferenceConstructsError } from './errors.js';

/**
 * EKS Auto Mode caps a node's lifetime at 21 days: a NodePool whose `expireAfter` plus
 * `terminationGracePeriod` exceeds 504 h is rejected by the API server ("the sum of
 * expireAfter and terminationGracePeriod (defaulted to 24h) may not exceed 21 days",
 * aws-controllers-k8s/test-infra PR #1000 on an Auto Mode cluster; EKS user guide
 * `create-node-pool.adoc`, and awsdocs/amazon-eks-user-guide issue #986: "Auto Mode has
 * 21-day maximum lifetime").
 * @see https://docs.aws.amazon.com/eks/latest/userguide/create-node-pool.html
 */
export const AUTO_MODE_MAX_NODE_LIFETIME_HOURS = 21 * 24;
/**
 * Default node lifetime: 14 days, inside Auto Mode's 21-day cap with the grace period below,
 * and often enough that nodes pick up AMI and kernel fixes. The same value the CDK cluster
 * construct's Auto Mode pools use.
 * @see https://karpenter.sh/docs/concepts/disruption/#expiration
 */
export const DEFAULT_NODE_EXPIRE_AFTER = '336h';
/**
 * Upper bound on draining a node, long enough for a model server's own grace period.
 * @see https://karpenter.sh/docs/concepts/disruption/#terminationgraceperiod
 */
export const DEFAULT_NODE_TERMINATION_GRACE_PERIOD = '1h';
/**
 * Wait this long after a node empties before removing it: accelerator nodes take minutes to
 * boot and load a model, so brief lulls should not cost a cold start.
 */
export const DEFAULT_NODE_CONSOLIDATE_AFTER = '10m';
/**
 * Nodes a pool may disrupt at once (voluntary disruption: drift, expiry, emptiness). One at a
 * time, so a drift wave (Auto Mode ships a new AMI about weekly) replaces one node, waits for
 * its pods to be rescheduled, and only then moves on.
 * @see https://karpenter.sh/docs/concepts/disruption/#nodepool-disruption-budgets
 */
export const DEFAULT_NODE_DISRUPTION_BUDGET_NODES = '1';
/** Label every node of a pool carries with the pool's name (set by this library). */
export const NODE_POOL_NAME_LABEL = 'inference-constructs.io/node-pool';
/** Karpenter label with the NodePool a node belongs to. */
export const KARPENTER_NODEPOOL_LABEL = 'karpenter.sh/nodepool';
/** Karpenter capacity-type label. */
export const KARPENTER_CAPACITY_TYPE_LABEL = 'karpenter.sh/capacity-type';

/** The shared defaults of an accelerator NodePool, as one record. */
export interface NodePoolDefaultsSpec {
  /** `spec.template.spec.expireAfter`. */
  readonly expireAfter: string;
  /** `spec.template.spec.terminationGracePeriod`. */
  readonly terminationGracePeriod: string;
  /** `spec.disruption.consolidateAfter`. */
  readonly consolidateAfter: string;
  /** `spec.disruption.budgets[0].nodes`. */
  readonly disruptionBudgetNodes: string;
  /** Label key with the pool name. */
  readonly poolNameLabel: string;
  /** Karpenter's NodePool label key. */
  readonly karpenterNodePoolLabel: string;
  /** Karpenter's capacity-type label key. */
  readonly capacityTypeLabel: string;
}

/** The defaults every accelerator NodePool of this library starts from. */
export const NODE_POOL_DEFAULTS: NodePoolDefaultsSpec = Object.freeze({
  expireAfter: DEFAULT_NODE_EXPIRE_AFTER,
  terminationGracePeriod: DEFAULT_NODE_TERMINATION_GRACE_PERIOD,
  consolidateAfter: DEFAULT_NODE_CONSOLIDATE_AFTER,
  disruptionBudgetNodes: DEFAULT_NODE_DISRUPTION_BUDGET_NODES,
  poolNameLabel: NODE_POOL_NAME_LABEL,
  karpenterNodePoolLabel: KARPENTER_NODEPOOL_LABEL,
  capacityTypeLabel: KARPENTER_CAPACITY_TYPE_LABEL,
});

/** A Karpenter duration: Go `time.ParseDuration` units h, m, s (the NodePool CRD pattern). */
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Hours of a Karpenter duration such as `336h`, `90m` or `1h30m`; undefined for `Never` or a
 * string that is not a duration.
 */
export function durationHours(value: string): number | undefined {
  const m = DURATION.exec(value);
  if (!m || value.length === 0) return undefined;
  const [, h, min, s] = m;
  return Number(h ?? 0) + Number(min ?? 0) / 60 + Number(s ?? 0) / 3600;
}

/**
 * Throws NodeLifetimeTooLong when an EKS Auto Mode pool's `expireAfter` plus
 * `terminationGracePeriod` exceeds {@link AUTO_MODE_MAX_NODE_LIFETIME_HOURS}, or when either is
 * not a duration (Auto Mode also rejects `Never`, which has no bound).
 */
export function assertAutoModeNodeLifetime(expireAfter: string, terminationGracePeriod: string, prop = 'expireAfter'): void {
  const expire = durationHours(expireAfter);
  const grace = durationHours(terminationGracePeriod);
  if (expire === undefined || grace === undefined || expire + grace > AUTO_MODE_MAX_NODE_LIFETIME_HOURS) {
    throw new InferenceConstructsError('NodeLifetimeTooLong', {
      prop,
      problem:
        `EKS Auto Mode rejects a NodePool whose expireAfter plus terminationGracePeriod exceeds ${AUTO_MODE_MAX_NODE_LIFETIME_HOURS}h (21 days)` +
        (expire !== undefined && grace !== undefined ? `: ${expireAfter} + ${terminationGracePeriod} = ${expire + grace}h` : ''),
      received: { expireAfter, terminationGracePeriod },
      allowed: `durations (h/m/s) whose sum is at most ${AUTO_MODE_MAX_NODE_LIFETIME_HOURS}h`,
      fix: `use expireAfter ${DEFAULT_NODE_EXPIRE_AFTER} with terminationGracePeriod ${DEFAULT_NODE_TERMINATION_GRACE_PERIOD}`,
    });
  }
}

/** The same rules as static methods (for languages that see classes only). */
export class NodePoolDefaults {
  /** The defaults table. */
  public static readonly DEFAULTS: NodePoolDefaultsSpec = NODE_POOL_DEFAULTS;
  /** See {@link durationHours}. */
  public static durationHours(value: string): number | undefined {
    return durationHours(value);
  }
  /** See {@link assertAutoModeNodeLifetime}. */
  public static assertAutoModeNodeLifetime(expireAfter: string, terminationGracePeriod: string, prop?: string): void {
    assertAutoModeNodeLifetime(expireAfter, terminationGracePeriod, prop);
  }
  private constructor() {}
}
