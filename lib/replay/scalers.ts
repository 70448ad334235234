/**
 * Models of the scalers the library renders, one per renderer, each rule taken from the
 * upstream documentation of the version the project pins.
 *
 * - {@link HpaModel}: the Kubernetes HPA v2 algorithm, which both a plain `TokenThroughputHpa`
 *   and a KEDA `ScaledObject` (KEDA 2.x creates and feeds an HPA) run.
 * - {@link TargetTrackingModel}: Application Auto Scaling target tracking, which the SageMaker
 *   endpoint and inference components render (token policy + concurrency guard).
 */

import type { LoadRatioStep, StepScalingRule } from '../scaling.js';

/** One metric an HPA scales on: the deployment-wide total and the per-replica target (`AverageValue`). */
export interface HpaMetricReading {
  /** Sum over the pods (what `sum(...)` in the query returns). */
  readonly total: number;
  /** Target per replica (`threshold` of the KEDA trigger, `averageValue` of the HPA metric). */
  readonly targetPerReplica: number;
}

/** A scale-up or scale-down rule as `hpaBehavior` renders it: two policies (Percent, Pods) and a window. */
export interface HpaRules {
  readonly stabilizationWindowSeconds: number;
  readonly percent: number;
  readonly pods: number;
  readonly periodSeconds: number;
  /** `Max` (the policy allowing the larger change) or `Min`. */
  readonly selectPolicy: HpaSelectPolicy;
}

/** `selectPolicy` of an HPA scaling rule. */
export enum HpaSelectPolicy {
  MAX = 'Max',
  MIN = 'Min',
}

/**
 * The HPA's default tolerance: no change while the usage ratio is within 10 % of 1.
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details
 */
export const HPA_TOLERANCE = 0.1;
/**
 * The HPA controller's sync period (`--horizontal-pod-autoscaler-sync-period`, default 15 s).
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#how-does-a-horizontalpodautoscaler-work
 */
export const HPA_SYNC_PERIOD_SECONDS = 15;

/**
 * Replicas one metric asks for (Kubernetes HPA algorithm details):
 * `desiredReplicas = ceil[currentReplicas * (currentMetricValue / desiredMetricValue)]`, with no
 * change while the ratio is within the tolerance. For `AverageValue` targets the current value is
 * the total divided by the current replicas, so the result is `ceil(total / target)`.
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details
 * @see https://github.com/kubernetes/kubernetes/blob/v1.33.0/pkg/controller/podautoscaler/replica_calculator.go (GetExternalMetricReplicas)
 */
export function hpaReplicasForMetric(current: number, reading: HpaMetricReading, tolerance = HPA_TOLERANCE): number {
  if (current === 0) return Math.ceil(reading.total / reading.targetPerReplica);
  const ratio = reading.total / (reading.targetPerReplica * current);
  if (Math.abs(ratio - 1) <= tolerance) return current;
  return Math.ceil(reading.total / reading.targetPerReplica);
}

/** The classic utilisation form, for the documentation's examples: `ceil(current * value / target)`. */
export function hpaReplicasForUtilization(current: number, currentValue: number, desiredValue: number, tolerance = HPA_TOLERANCE): number {
  const ratio = currentValue / desiredValue;
  if (Math.abs(ratio - 1) <= tolerance) return current;
  return Math.ceil(current * ratio);
}

/**
 * The HPA controller's state machine over one target: stabilisation windows (the highest
 * recommendation of the scale-down window, the lowest of the scale-up window), then the rate
 * limits of the policies over their periods, chosen by `selectPolicy`, then min / max.
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior
 * @see https://github.com/kubernetes/kubernetes/blob/v1.33.0/pkg/controller/podautoscaler/horizontal.go (stabilizeRecommendationWithBehaviors, calculateScaleUpLimitWithScalingRules)
 */
export class HpaModel {
  private readonly recommendations: { t: number; r: number }[] = [];
  private readonly events: { t: number; delta: number }[] = [];

  constructor(
    private readonly minReplicas: number,
    private readonly maxReplicas: number,
    private readonly up: HpaRules,
    private readonly down: HpaRules,
    private readonly tolerance = HPA_TOLERANCE,
  ) {}

  /**
   * Start warm: record `replicas` as the recommendation at `now`, as an HPA that had been
   * running at that count would have it in its stabilisation history, so the scale-down window
   * holds it for its length instead of acting on the first sync's reading (which, at the start
   * of a replay, sees a rate window with no traffic before the trace).
   */
  public seed(now: number, replicas: number): void {
    this.recommendations.push({ t: now, r: replicas });
  }

  /** One sync: the replicas the HPA sets given the current replicas and every metric's reading. */
  public sync(now: number, current: number, readings: HpaMetricReading[]): number {
    let desired = 0;
    for (const m of readings) desired = Math.max(desired, hpaReplicasForMetric(current, m, this.tolerance));
    if (readings.length === 0) desired = current;
    // Stabilisation: record, then take the max over the down window / min over the up window.
    this.recommendations.push({ t: now, r: desired });
    const keep = Math.max(this.up.stabilizationWindowSeconds, this.down.stabilizationWindowSeconds);
    while (this.recommendations.length > 0 && this.recommendations[0].t < now - keep) this.recommendations.shift();
    let upRec = desired;
    let downRec = desired;
    for (const rec of this.recommendations) {
      if (rec.t >= now - this.up.stabilizationWindowSeconds) upRec = Math.min(upRec, rec.r);
      if (rec.t >= now - this.down.stabilizationWindowSeconds) downRec = Math.max(downRec, rec.r);
    }
    let stabilized = current;
    if (upRec > current) stabilized = upRec;
    if (downRec < current) stabilized = downRec;
    // Rate limits relative to the replicas at the start of each policy's period.
    let next = stabilized;
    if (stabilized > current) {
      const startUp = current - this.changeSince(now - this.up.periodSeconds, +1);
      const byPercent = Math.ceil(startUp * (1 + this.up.percent / 100));
      const byPods = startUp + this.up.pods;
      const limit = this.up.selectPolicy === HpaSelectPolicy.MAX ? Math.max(byPercent, byPods) : Math.min(byPercent, byPods);
      next = Math.min(stabilized, Math.max(limit, current));
    } else if (stabilized < current) {
      const startDown = current + this.changeSince(now - this.down.periodSeconds, -1);
      const byPercent = Math.ceil(startDown * (1 - this.down.percent / 100));
      const byPods = startDown - this.down.pods;
      // Max selects the policy allowing the most change (the lowest count), Min the least.
      const limit = this.down.selectPolicy === HpaSelectPolicy.MAX ? Math.min(byPercent, byPods) : Math.max(byPercent, byPods);
      next = Math.max(stabilized, Math.min(limit, current));
    }
    next = Math.min(this.maxReplicas, Math.max(this.minReplicas, next));
    if (next !== current) this.events.push({ t: now, delta: next - current });
    while (this.events.length > 0 && this.events[0].t < now - Math.max(this.up.periodSeconds, this.down.periodSeconds)) this.events.shift();
    return next;
  }

  private changeSince(since: number, sign: 1 | -1): number {
    let n = 0;
    for (const e of this.events) if (e.t > since && Math.sign(e.delta) === sign) n += Math.abs(e.delta);
    return n;
  }
}

/**
 * Datapoints a target-tracking policy's alarms need: the scale-out alarm fires on 3 consecutive
 * one-minute datapoints above the target, the scale-in alarm on 15 consecutive datapoints below
 * 90 % of it.
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
 */
export const TARGET_TRACKING_SCALE_OUT_DATAPOINTS = 3;
/** Consecutive datapoints below the scale-in threshold before the scale-in alarm fires. */
export const TARGET_TRACKING_SCALE_IN_DATAPOINTS = 15;
/** The scale-in alarm's threshold as a fraction of the target. */
export const TARGET_TRACKING_SCALE_IN_THRESHOLD = 0.9;

/** One target-tracking policy: its datapoints (oldest first) and target. */
export interface TargetTrackingReading {
  /** Per-replica metric values, one per period, the latest last. */
  readonly datapoints: number[];
  readonly target: number;
}

/**
 * Application Auto Scaling target tracking over several policies on one scalable target: a
 * policy asks to scale out when its last 3 datapoints are above the target, to scale in when its
 * last 15 are below 90 % of it; it asks for `ceil(current * value / target)`. The target scales
 * out when any policy asks (to the largest ask) and in only when every policy asks (to the largest
 * of their asks). Scale-out cooldown: a further scale-out within it must exceed the capacity the
 * last one set; scale-in cooldown: no scale-in within it after any scaling activity.
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html#target-tracking-multiple-scaling-policies
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html#target-tracking-cooldown
 */
export class TargetTrackingModel {
  private lastScaleOut = -Infinity;
  private lastActivity = -Infinity;
  /** The times before the last evaluation that changed the capacity (see {@link refused}). */
  private before: { readonly lastScaleOut: number; readonly lastActivity: number } | undefined;

  constructor(
    private readonly minCapacity: number,
    private readonly maxCapacity: number,
    private readonly scaleOutCooldownSeconds: number,
    private readonly scaleInCooldownSeconds: number,
  ) {}

  /** Evaluate the alarms at `now`; returns the new desired capacity. */
  public evaluate(now: number, current: number, readings: TargetTrackingReading[]): number {
    this.before = { lastScaleOut: this.lastScaleOut, lastActivity: this.lastActivity };
    let out = 0;
    let inAll = readings.length > 0;
    let inTo = 0;
    for (const r of readings) {
      const last = r.datapoints[r.datapoints.length - 1] ?? 0;
      const ask = Math.ceil((current * last) / r.target);
      const outTail = r.datapoints.slice(-TARGET_TRACKING_SCALE_OUT_DATAPOINTS);
      if (outTail.length === TARGET_TRACKING_SCALE_OUT_DATAPOINTS && outTail.every((v) => v > r.target)) out = Math.max(out, ask);
      const inTail = r.datapoints.slice(-TARGET_TRACKING_SCALE_IN_DATAPOINTS);
      const wantsIn = inTail.length === TARGET_TRACKING_SCALE_IN_DATAPOINTS && inTail.every((v) => v < TARGET_TRACKING_SCALE_IN_THRESHOLD * r.target);
      if (!wantsIn) inAll = false;
      inTo = Math.max(inTo, ask);
    }
    let next = current;
    if (out > current && (now - this.lastScaleOut >= this.scaleOutCooldownSeconds || out > current)) {
      next = out;
      this.lastScaleOut = now;
      this.lastActivity = now;
    } else if (inAll && inTo < current && now - this.lastActivity >= this.scaleInCooldownSeconds) {
      next = inTo;
      this.lastActivity = now;
    }
    return Math.min(this.maxCapacity, Math.max(this.minCapacity, next));
  }

  /**
   * The capacity the last evaluation asked for was not set (the endpoint was still updating):
   * a scaling activity that fails starts no cooldown, so the last evaluation's times are undone.
   */
  public refused(): void {
    if (this.before === undefined) return;
    this.lastScaleOut = this.before.lastScaleOut;
    this.lastActivity = this.before.lastActivity;
  }
}

/**
 * KEDA's activation phase in front of the HPA, for `minReplicaCount: 0`: KEDA itself scales
 * 0 -> 1 when any trigger's value exceeds its `activationThreshold`, and 1 -> 0 once no trigger
 * has been active for `cooldownPeriod` seconds; between 1 and N the HPA it creates decides (with
 * `minReplicas: 1`).
 * @see https://keda.sh/docs/2.17/concepts/scaling-deployments/#activating-and-scaling-thresholds
 * @see https://keda.sh/docs/2.17/reference/scaledobject-spec/#cooldownperiod
 */
export class KedaActivationModel {
  private lastActive = -Infinity;

  constructor(private readonly cooldownPeriodSeconds: number) {}

  /**
   * Replicas after KEDA's activation rules, given the replicas set last, whether any trigger is
   * active now, and the HPA's answer for 1..N (called only when the workload runs).
   */
  public apply(now: number, current: number, active: boolean, hpa: () => number): number {
    if (active) this.lastActive = now;
    if (current === 0) return active ? 1 : 0;
    if (!active && now - this.lastActive >= this.cooldownPeriodSeconds) return 0;
    return Math.max(1, hpa());
  }
}

/**
 * The capacity change of a `PercentChangeInCapacity` adjustment on `current`: the percentage,
 * rounded toward zero, at least `minAdjustmentMagnitude` (1) in size. The documentation's
 * example: 25 % of 4 is 1, and with a MinAdjustmentMagnitude of 2 the change is 2.
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html (MinAdjustmentMagnitude)
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html#as-scaling-adjustment (values above 1 are rounded down, between 0 and 1 to 1)
 */
export function percentChangeInCapacity(current: number, percent: number, minAdjustmentMagnitude = 1): number {
  const raw = Math.trunc((current * Math.abs(percent)) / 100 + 1e-9);
  return Math.sign(percent) * Math.max(minAdjustmentMagnitude, raw);
}

/** The step of `rule` whose interval holds `ratio`, if any. */
export function stepFor(rule: StepScalingRule, ratio: number): LoadRatioStep | undefined {
  return rule.steps.find((s) => (s.lowerRatio === undefined || ratio >= s.lowerRatio) && (s.upperRatio === undefined || ratio < s.upperRatio));
}

/**
 * Application Auto Scaling step scaling with one scale-out and one scale-in policy on the same
 * load ratio, each invoked by its own CloudWatch alarm:
 * - an alarm is in ALARM once its last `datapoints` one-minute datapoints all breach its
 *   threshold, and invokes its policy at every evaluation while it stays there ("the
 *   adjustments can continue for additional alarm breaches until the alarm state returns to
 *   OK"); the step is the one whose interval holds the latest datapoint;
 * - scale-out cooldown: while it runs, the capacity the last scale-out added counts toward the
 *   next, so a further scale-out adds only what a larger step asks beyond it;
 * - scale-in cooldown: no further scale-in until it expires; a scale-out is never held by it
 *   (and ends it).
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/step-scaling-policy-overview.html
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html (Cooldown)
 */
export class StepScalingModel {
  private outAt = -Infinity;
  private outBase = 0;
  private inAt = -Infinity;
  private before: { outAt: number; outBase: number; inAt: number } | undefined;

  constructor(
    private readonly minCapacity: number,
    private readonly maxCapacity: number,
    private readonly out: StepScalingRule,
    private readonly scaleIn: StepScalingRule,
  ) {}

  /** Evaluate both alarms on the load-ratio datapoints (oldest first) at `now`; returns the new desired capacity. */
  public evaluate(now: number, current: number, ratios: number[]): number {
    this.before = { outAt: this.outAt, outBase: this.outBase, inAt: this.inAt };
    const last = ratios[ratios.length - 1];
    const clamp = (n: number) => Math.min(this.maxCapacity, Math.max(this.minCapacity, n));
    if (last !== undefined && inAlarm(this.out, ratios)) {
      const step = stepFor(this.out, last);
      if (step !== undefined && step.percent > 0) {
        const inCooldown = now - this.outAt < this.out.cooldownSeconds;
        const base = inCooldown ? this.outBase : current;
        const add = percentChangeInCapacity(base, step.percent);
        const next = clamp(Math.max(current, base + add));
        if (next > current) {
          if (!inCooldown) this.outBase = current;
          this.outAt = now;
          this.inAt = -Infinity;
          return next;
        }
        return current;
      }
    }
    if (last !== undefined && inAlarm(this.scaleIn, ratios) && now - this.inAt >= this.scaleIn.cooldownSeconds) {
      const step = stepFor(this.scaleIn, last);
      if (step !== undefined && step.percent < 0) {
        const next = clamp(current + percentChangeInCapacity(current, step.percent));
        if (next < current) {
          this.inAt = now;
          return next;
        }
      }
    }
    return clamp(current);
  }

  /** The capacity the last evaluation asked for was not set: a failed activity starts no cooldown. */
  public refused(): void {
    if (this.before === undefined) return;
    ({ outAt: this.outAt, outBase: this.outBase, inAt: this.inAt } = this.before);
  }
}

function inAlarm(rule: StepScalingRule, ratios: number[]): boolean {
  const tail = ratios.slice(-rule.datapoints);
  return tail.length === rule.datapoints && tail.every((v) => (rule.breach === 'above' ? v > rule.threshold : v < rule.threshold));
}
