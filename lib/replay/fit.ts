/**
 * Fit a deployment's target utilisation to the traffic it serves, by replaying that traffic.
 *
 * The planner's per-replica throughput is the batch that meets the latency targets at the
 * planned concurrency, and its default target (70 % of it) leaves headroom for any traffic. On
 * a given trace the replay can say how much headroom the rendered policy really needs: the
 * highest target at which the default policy, replayed through the same engine, scalers and
 * start-up delays, still keeps the attainment goal with a margin ({@link FIT_ATTAINMENT}). Conversation traffic on NVIDIA GPUs keeps
 * it up to 0.95 of the planned throughput; the coding trace, whose prompt work in its busiest
 * 5 seconds is 21.6x its mean, needs 0.2 or less (both measured by `npm run simulate`).
 *
 * The attainment falls as the target rises (fewer replicas per token, or, with the trace fitted
 * to the deployment, more traffic per replica), so the fit bisects over
 * {@link FIT_TARGET_UTILIZATIONS}: about six replays of one policy per deployment. A fit on a
 * trace holds for that trace; how it carries over to other traffic is measured by replaying
 * one trace with the fit of another (`npm run simulate -- --fit-trace`).
 */
import { InferenceConstructsError } from '../errors.js';
import { firstHolding } from '../private/bisect.js';
import type { PlannedDeployment } from '../report.js';
import { type ReplayDeploymentOptions, toReplayDeployment } from './deployments.js';
import { ReplayPolicyKind, type ReplayWarmStart, replayDeployment } from './replay.js';
import { plannedAtTarget, plannedForShape, traceRequestShape } from './shape.js';
import type { RequestTrace } from './trace.js';

/** Step of the fitted target utilisation. */
export const FIT_TARGET_STEP = 0.025;
/** Lowest target the fit tries; at or below the lowest a trace's bursts ask for (`MIN_BURST_TARGET_UTILIZATION`). */
export const FIT_TARGET_MIN = 0.05;
/** Highest target the fit tries: the HPA's 10 % tolerance and one scrape of lag above it would reach the planned throughput. */
export const FIT_TARGET_MAX = 0.95;
/**
 * Share of servable requests the fitted target must keep within both latency targets on the
 * trace it is fitted on: the goal (0.99) plus half its allowance of misses, as margin. Against
 * fitting at the goal itself, the reference fleet's efficiency is the same on all four traces
 * (conversation 0.972 against 0.970, coding 1.000, synthetic seeds 7 and 11 0.982 both) and its
 * attainment higher (99.79-99.93 % against 99.49-99.82 %).
 */
export const FIT_ATTAINMENT = 0.995;
/** The targets the fit chooses from, low to high. */
export const FIT_TARGET_UTILIZATIONS: number[] = Array.from(
  { length: Math.round((FIT_TARGET_MAX - FIT_TARGET_MIN) / FIT_TARGET_STEP) + 1 },
  (_, i) => Math.round((FIT_TARGET_MIN + i * FIT_TARGET_STEP) * 1000) / 1000,
);

/** Options of {@link fitTargetUtilization}. */
export interface TargetFitOptions {
  /**
   * Share of servable requests the replayed default policy must keep within both latency targets.
   * @default FIT_ATTAINMENT (0.995)
   */
  readonly attainment?: number;
  /** How the planned deployment is replayed (start-up, scrape interval). @default - as toReplayDeployment */
  readonly deployment?: ReplayDeploymentOptions;
  /**
   * Arrival-rate factor of every replay of the fit (`ReplayOptions.rateScale`).
   * @default - each trace fitted to the deployment at each target (`fitRateScale`)
   */
  readonly rateScale?: number;
  /**
   * Further traces the target must keep the attainment on, each replayed like the first (the
   * request shape stays the first trace's): a target for several weeks or services at once.
   * @default - the first trace only
   */
  readonly alsoOn?: RequestTrace[];
  /**
   * How every replay of the fit starts the trace (`ReplayOptions.warmStart`).
   * @default ReplayWarmStart.PRIOR_PASS
   */
  readonly warmStart?: ReplayWarmStart;
}

/** The fitted target of one deployment on one trace. */
export interface TargetFit {
  /** The highest target of {@link FIT_TARGET_UTILIZATIONS} that keeps the attainment (the lowest when none does). */
  readonly targetUtilization: number;
  /** The default policy's attainment at that target (0-1; the lowest over the traces with `alsoOn`). */
  readonly attainment: number;
  /** Whether that target keeps the required attainment. */
  readonly met: boolean;
  /** Targets the fit replayed (each on every trace). */
  readonly replays: number;
  /** The deployment planned for the trace's mean request shape at that target. */
  readonly deployment: PlannedDeployment;
}

/**
 * The highest target utilisation at which `d`, planned for `trace`'s mean request shape, keeps
 * the attainment goal when the trace is replayed against its default policy. Bisects over
 * {@link FIT_TARGET_UTILIZATIONS}, taking the attainment to fall as the target rises.
 */
export function fitTargetUtilization(d: PlannedDeployment, trace: RequestTrace, options: TargetFitOptions = {}): TargetFit {
  const goal = options.attainment ?? FIT_ATTAINMENT;
  if (!(Number.isFinite(goal) && goal > 0 && goal <= 1)) {
    throw new InferenceConstructsError('FitAttainmentInvalid', { prop: 'attainment', problem: 'the share of requests the fitted target must keep within both latency targets is not in (0, 1]', received: goal, allowed: `a fraction in (0, 1], e.g. ${FIT_ATTAINMENT}`, fix: `pass a fraction such as ${FIT_ATTAINMENT} (99.5 %), not a percentage` });
  }
  const shaped = plannedForShape(d, traceRequestShape(trace));
  const memo = new Map<number, number>();
  const attainmentAt = (i: number): number => {
    const known = memo.get(i);
    if (known !== undefined) return known;
    const rd = toReplayDeployment(plannedAtTarget(shaped, FIT_TARGET_UTILIZATIONS[i]!), options.deployment);
    const policies = [rd.defaultPolicy ?? ReplayPolicyKind.OUTPUT_TOKENS];
    const replay = { policies, oracle: false, rateScale: options.rateScale, warmStart: options.warmStart };
    const worst = Math.min(...[trace, ...(options.alsoOn ?? [])].map((t) => replayDeployment(rd, t, replay)[0]!.sloAttainment));
    memo.set(i, worst);
    return worst;
  };
  const top = FIT_TARGET_UTILIZATIONS.length - 1;
  // The top target if it keeps the goal, the lowest if even that misses it, else the highest
  // just below the first that misses it.
  const best = attainmentAt(top) >= goal ? top : attainmentAt(0) < goal ? 0 : firstHolding(0, top, (i) => attainmentAt(i) < goal) - 1;
  const attainment = attainmentAt(best);
  const targetUtilization = FIT_TARGET_UTILIZATIONS[best]!;
  return { targetUtilization, attainment, met: attainment >= goal, replays: memo.size, deployment: plannedAtTarget(shaped, targetUtilization) };
}

/**
 * A planned deployment replanned for the traffic of `trace`, as a platform engineer who has
 * recorded that traffic plans it: for its mean request shape, at the target utilisation fitted
 * on it ({@link fitTargetUtilization}).
 */
export function plannedForTrace(d: PlannedDeployment, trace: RequestTrace, options: TargetFitOptions = {}): PlannedDeployment {
  return fitTargetUtilization(d, trace, options).deployment;
}
