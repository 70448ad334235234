/**
 * The replay's functions as static methods, for languages that only see classes.
 */
import type { CapacityPlan } from '../planner.js';
import type { PlannedDeployment } from '../report.js';
import type { StepTimeProfile } from '../step-time.js';
import { type ReplayDeploymentOptions, toReplayDeployment } from './deployments.js';
import { type ReplayLatencyTargets, latencyTargetsForPlan, profileForPlan } from './profile.js';
import { type ReplayDeployment, type ReplayOptions, type ReplayResult, burstShare, burstTargetUtilization, fitRateScale, oracleCost, replayDeployment } from './replay.js';
import { type TargetFit, type TargetFitOptions, fitTargetUtilization, plannedForTrace } from './fit.js';
import { plannedForBursts } from './shape.js';
import { type ReplayReport, renderReplayReport, renderReplaySvg, renderReplayTable } from './report.js';
import { type RequestTrace, type SyntheticTraceOptions, parseAzureTrace, scaleTraceRate, sliceTrace, syntheticTrace } from './trace.js';

/** Entry points of the replay. */
export class Replay {
  /** @see parseAzureTrace */
  public static parseAzureTrace(csv: string, name: string): RequestTrace {
    return parseAzureTrace(csv, name);
  }
  /** @see syntheticTrace */
  public static syntheticTrace(options: SyntheticTraceOptions = {}): RequestTrace {
    return syntheticTrace(options);
  }
  /** @see sliceTrace */
  public static sliceTrace(trace: RequestTrace, fromSeconds: number, toSeconds: number): RequestTrace {
    return sliceTrace(trace, fromSeconds, toSeconds);
  }
  /** @see scaleTraceRate */
  public static scaleTraceRate(trace: RequestTrace, factor: number, seed = 1): RequestTrace {
    return scaleTraceRate(trace, factor, seed);
  }
  /** @see profileForPlan */
  public static profileForPlan(plan: CapacityPlan): StepTimeProfile {
    return profileForPlan(plan);
  }
  /** @see latencyTargetsForPlan */
  public static latencyTargetsForPlan(plan: CapacityPlan): ReplayLatencyTargets {
    return latencyTargetsForPlan(plan);
  }
  /** @see toReplayDeployment */
  public static fromPlannedDeployment(d: PlannedDeployment, options: ReplayDeploymentOptions = {}): ReplayDeployment {
    return toReplayDeployment(d, options);
  }
  /** @see replayDeployment */
  public static run(d: ReplayDeployment, trace: RequestTrace, options: ReplayOptions = {}): ReplayResult[] {
    return replayDeployment(d, trace, options);
  }
  /** @see fitRateScale */
  public static fitRateScale(d: ReplayDeployment, trace: RequestTrace): number {
    return fitRateScale(d, trace);
  }
  /** @see burstShare */
  public static burstShare(plan: CapacityPlan, trace: RequestTrace): number {
    return burstShare(plan, trace);
  }
  /** @see burstTargetUtilization */
  public static burstTargetUtilization(plan: CapacityPlan, trace: RequestTrace): number {
    return burstTargetUtilization(plan, trace);
  }
  /** @see plannedForTrace */
  public static plannedForTrace(d: PlannedDeployment, trace: RequestTrace, options: TargetFitOptions = {}): PlannedDeployment {
    return plannedForTrace(d, trace, options);
  }
  /** @see plannedForBursts */
  public static plannedForBursts(d: PlannedDeployment, trace: RequestTrace): PlannedDeployment {
    return plannedForBursts(d, trace);
  }
  /** @see fitTargetUtilization */
  public static fitTargetUtilization(d: PlannedDeployment, trace: RequestTrace, options: TargetFitOptions = {}): TargetFit {
    return fitTargetUtilization(d, trace, options);
  }
  /** @see oracleCost */
  public static oracleCost(plan: CapacityPlan, minReplicas: number, trace: RequestTrace, targets: ReplayLatencyTargets, endSeconds: number): number {
    return oracleCost(plan, minReplicas, trace, targets, endSeconds);
  }
  /** @see renderReplayReport */
  public static renderReport(results: ReplayResult[]): ReplayReport {
    return renderReplayReport(results);
  }
  /** @see renderReplayTable */
  public static renderTable(results: ReplayResult[]): string {
    return renderReplayTable(results);
  }
  /** @see renderReplaySvg */
  public static renderSvg(results: ReplayResult[]): string {
    return renderReplaySvg(results);
  }
  private constructor() {}
}
