/**
 * The replay's goals over a fleet: one policy's figures summed over the deployments of one trace,
 * and whether the default policy meets the two goals the replay measures it by (efficiency
 * against the oracle at the attainment goal, and no peer cheaper at equal or better attainment).
 */
import { ATTAINMENT_GOAL, type ReplayResult } from './replay.js';

/** One policy's sums over the fleet's deployments on one trace, unrounded. */
export interface FleetTotals {
  readonly oracleCostUsd: number;
  readonly costUsd: number;
  /** Requests meeting both targets / servable requests, over all deployments. */
  readonly attainment: number;
  /** Deployments whose own attainment misses {@link ATTAINMENT_GOAL}. */
  readonly belowGoal: number;
  readonly deployments: number;
}

export function fleetTotals(rows: ReplayResult[]): FleetTotals {
  let oracleCostUsd = 0;
  let costUsd = 0;
  let met = 0;
  let servable = 0;
  for (const r of rows) {
    oracleCostUsd += r.oracleCostUsd;
    costUsd += r.costUsd;
    const n = r.requests - r.failedRequests;
    met += r.sloAttainment * n;
    servable += n;
  }
  const belowGoal = rows.filter((r) => r.sloAttainment < ATTAINMENT_GOAL).length;
  return { oracleCostUsd, costUsd, attainment: servable > 0 ? met / servable : 0, belowGoal, deployments: rows.length };
}

/**
 * The fleet-level figures of one policy on one trace: efficiency = sum of the oracle costs /
 * sum of the policy's costs over the deployments (cost-weighted, as a fleet bill reads);
 * attainment = requests meeting both targets / servable requests, summed over the deployments;
 * belowGoal = the deployments whose own attainment misses {@link ATTAINMENT_GOAL}, which the
 * fleet's sum can hide (a peer at the default's fleet attainment may miss the goal on one).
 */
export function aggregateReplay(rows: ReplayResult[]): { efficiency: number; attainment: number; belowGoal: number; deployments: number } {
  const t = fleetTotals(rows);
  const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
  return { efficiency: round(t.costUsd > 0 ? t.oracleCostUsd / t.costUsd : 0, 3), attainment: round(t.attainment, 4), belowGoal: t.belowGoal, deployments: t.deployments };
}

/** Fleet efficiency the default policy must reach on a trace (oracle cost / its cost). */
export const EFFICIENCY_GOAL = 0.9;

/**
 * The replay's two goals for the default policy on one trace, over the fleet:
 * - `efficient`: efficiency at least {@link EFFICIENCY_GOAL} with at least {@link ATTAINMENT_GOAL}
 *   of the servable requests within both latency targets;
 * - `cheaperPeers`: the peers that cost less at equal or better attainment, which the goal wants
 *   empty. A peer's attainment is equal or better when its fleet attainment is at least the
 *   default's and it misses the goal on no more deployments than the default does. The oracle of
 *   a deployment is the same for every policy, so the cheaper policy is the more efficient one.
 */
export function replayGoals(results: ReplayResult[]): { efficient: boolean; cheaperPeers: string[] } {
  const defaults = fleetTotals(results.filter((r) => r.default));
  const efficient = defaults.costUsd > 0 && defaults.oracleCostUsd / defaults.costUsd >= EFFICIENCY_GOAL && defaults.attainment >= ATTAINMENT_GOAL;
  const peers = [...new Set(results.filter((r) => !r.default).map((r) => r.policy))];
  const cheaperPeers = peers.filter((policy) => {
    const peer = fleetTotals(results.filter((r) => r.policy === policy && !r.default));
    return peer.costUsd < defaults.costUsd && peer.attainment >= defaults.attainment && peer.belowGoal <= defaults.belowGoal;
  });
  return { efficient, cheaperPeers };
}
