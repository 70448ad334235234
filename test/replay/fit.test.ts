/**
 * The target utilisation fitted on a trace (lib/replay/fit.ts) and the trace windows it is fitted
 * and replayed on (lib/replay/trace.ts sliceTrace).
 */
import { describe, expect, it } from 'vitest';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { type PlannedDeployment } from '../../lib/report.js';
import { tokenScalingPolicy } from '../../lib/scaling.js';
import { toReplayDeployment } from '../../lib/replay/deployments.js';
import { FIT_ATTAINMENT, FIT_TARGET_MAX, FIT_TARGET_MIN, FIT_TARGET_STEP, FIT_TARGET_UTILIZATIONS, fitTargetUtilization, plannedForTrace } from '../../lib/replay/fit.js';
import { ATTAINMENT_GOAL, ReplayPolicyKind, replayDeployment } from '../../lib/replay/replay.js';
import { replanForShape, policyForPlan, traceRequestShape } from '../../lib/replay/shape.js';
import { type RequestTrace, sliceTrace, syntheticTrace } from '../../lib/replay/trace.js';

const gemma = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'g6.xlarge' });
const d: PlannedDeployment = { name: 'gke/inference/x', platform: 'GKE', server: 'vLLM', plan: gemma, scalingPolicy: tokenScalingPolicy(gemma, { minReplicas: 1, maxReplicas: 4 }) };
// Twenty minutes of the diurnal + bursts generator: short enough for a test, bursty enough to fail at some target.
const trace = syntheticTrace({ seed: 3, durationSeconds: 1200, meanRequestsPerSecond: 1 });

/** The default policy's attainment with `d` planned at `u` for the trace's shape. */
function attainmentAt(u: number): number {
  const shape = traceRequestShape(trace);
  const plan = replanForShape(planCapacity({ model: gemma.model, instanceType: gemma.instance, inputTokens: shape.inputTokens, outputTokens: shape.outputTokens }), shape, u);
  const rd = toReplayDeployment({ ...d, plan, scalingPolicy: policyForPlan(plan, d.scalingPolicy) });
  return replayDeployment(rd, trace, { policies: [ReplayPolicyKind.OUTPUT_TOKENS], oracle: false })[0]!.sloAttainment;
}

describe('the fitted target utilisation', () => {
  it('chooses from 0.05 to 0.95 in steps of 0.025', () => {
    expect(FIT_TARGET_UTILIZATIONS[0]).toBe(FIT_TARGET_MIN);
    expect(FIT_TARGET_UTILIZATIONS.at(-1)).toBe(FIT_TARGET_MAX);
    expect(FIT_TARGET_UTILIZATIONS).toHaveLength(37);
    FIT_TARGET_UTILIZATIONS.slice(1).forEach((u, i) => expect(u - FIT_TARGET_UTILIZATIONS[i]!).toBeCloseTo(FIT_TARGET_STEP, 9));
  });

  const fit = fitTargetUtilization(d, trace);
  it('is the highest target that keeps the goal: the next one up misses it', () => {
    expect(fit.met).toBe(true);
    // The goal plus half its allowance of misses.
    expect(FIT_ATTAINMENT).toBe(ATTAINMENT_GOAL + (1 - ATTAINMENT_GOAL) / 2);
    expect(fit.attainment).toBeGreaterThanOrEqual(FIT_ATTAINMENT);
    expect(attainmentAt(fit.targetUtilization)).toBe(fit.attainment);
    const i = FIT_TARGET_UTILIZATIONS.indexOf(fit.targetUtilization);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(i).toBeLessThan(FIT_TARGET_UTILIZATIONS.length - 1);
    expect(attainmentAt(FIT_TARGET_UTILIZATIONS[i + 1]!)).toBeLessThan(FIT_ATTAINMENT);
    // A bisection, not a scan of all 37.
    expect(fit.replays).toBeLessThanOrEqual(8);
  });

  it('plans the deployment for the trace at that target, with the policy options it had', () => {
    const p = plannedForTrace(d, trace);
    expect(p.plan.targetUtilization).toBe(fit.targetUtilization);
    expect(p.plan.inputTokens).toBe(traceRequestShape(trace).inputTokens);
    expect(p.scalingPolicy.maxReplicas).toBe(4);
    expect(p.scalingPolicy.targetTokensPerSecondPerReplica).toBe(p.plan.targetTokensPerSecondPerReplica);
  });

  it('keeps every option of the policy when it replans it, the SageMaker scale-out minutes too', () => {
    const policy = tokenScalingPolicy(gemma, { minReplicas: 2, maxReplicas: 6, scaleOutMinutes: 5, scaleDown: { stabilizationWindowSeconds: 900 } });
    const replanned = policyForPlan(replanForShape(gemma, traceRequestShape(trace), 0.5), policy);
    expect(replanned.scaleOutMinutes).toBe(5);
    expect(replanned.scaleDown.stabilizationWindowSeconds).toBe(900);
    expect([replanned.minReplicas, replanned.maxReplicas]).toEqual([2, 6]);
  });

  it('keeps the goal on every trace it is fitted on', () => {
    const other = syntheticTrace({ seed: 5, durationSeconds: 1200, meanRequestsPerSecond: 1 });
    const both = fitTargetUtilization(d, trace, { alsoOn: [other] });
    expect(both.targetUtilization).toBeLessThanOrEqual(Math.min(fit.targetUtilization, fitTargetUtilization(d, other).targetUtilization));
    expect(both.attainment).toBeGreaterThanOrEqual(FIT_ATTAINMENT);
  });

  it('says when no target keeps the goal, and keeps the lowest', () => {
    // Fifty times the traffic: more than maxReplicas serve at any target.
    const never = fitTargetUtilization(d, trace, { rateScale: 50 });
    expect(never.met).toBe(false);
    expect(never.targetUtilization).toBe(FIT_TARGET_MIN);
  });
});

describe('a window of a trace', () => {
  const t: RequestTrace = {
    name: 'w',
    durationSeconds: 200,
    requests: [0, 50, 100, 150, 200].map((s) => ({ arrivalSeconds: s, promptTokens: 10, outputTokens: 5 })),
  };
  it('keeps the arrivals in [from, to), re-based to from, and names the minutes', () => {
    const w = sliceTrace(t, 60, 180);
    expect(w.requests.map((r) => r.arrivalSeconds)).toEqual([40, 90]);
    expect(w.durationSeconds).toBe(120);
    expect(w.name).toBe('w@1-3min');
    expect(sliceTrace(t, 100, 600).durationSeconds).toBe(100);
  });
  it.each([
    [120, 60, 'not an ascending range'],
    [-1, 60, 'not an ascending range'],
    [300, 400, 'starts after the last request'],
    [160, 190, 'no request arrives'],
  ])('throws TraceWindowInvalid for %s-%s s (%s)', (from, to, why) => {
    expect(() => sliceTrace(t, from, to)).toThrow(new RegExp(`\\[TraceWindowInvalid\\] window: .*${why}`));
  });
});

describe('a fit asked for an attainment that is not a fraction', () => {
  it.each([99.5, 0, Number.NaN])('rejects %s before replaying anything', (attainment) => {
    expect(() => fitTargetUtilization(d, trace, { attainment })).toThrow(/\[FitAttainmentInvalid\] attainment: .*not in \(0, 1\]; received .*fix: pass a fraction such as 0\.995/);
  });
});
