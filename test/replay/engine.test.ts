import { describe, expect, it } from 'vitest';
import { CLAIRVOYANT_HEADROOMS, clairvoyantScaler, type ReplayDeployment, ReplayPolicyKind, ReplayScalerKind, ReplayWarmStart, oracleCost, replayDeployment, warmUpPass } from '../../lib/replay/replay.js';
import { VLLM_DEFAULT_MAX_NUM_BATCHED_TOKENS, tokenScalingPolicy } from '../../lib/scaling.js';
import { type RequestTrace, syntheticTrace } from '../../lib/replay/trace.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { profileForPlan, latencyTargetsForPlan } from '../../lib/replay/profile.js';
import { decodeStepSeconds, mixedStepSeconds, prefillSeconds } from '../../lib/step-time.js';
import { renderReplayReport } from '../../lib/replay/report.js';
import { runEngine } from '../../lib/replay/engine.js';

const plan = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'g6e.xlarge', measuredTokensPerSecondPerReplica: 1000 });
const deployment: ReplayDeployment = {
  name: 'test/llama',
  plan,
  scalingPolicy: tokenScalingPolicy(plan, { minReplicas: 1, maxReplicas: 6, metricWindowSeconds: 120 }),
  scaler: ReplayScalerKind.KEDA,
  scrapeIntervalSeconds: 30,
  queueDepthPerReplica: plan.concurrentSequences,
  startupSeconds: 300,
  releaseSeconds: 600,
};
// Ten minutes of the synthetic trace keeps the suite fast.
const full = syntheticTrace({ seed: 3, durationSeconds: 600, meanRequestsPerSecond: 1 });
const trace: RequestTrace = full;

describe('profileForPlan', () => {
  it("is the plan's own step-time profile, so the replay and the planner agree", () => {
    expect(profileForPlan(plan)).toBe(plan.stepTime);
  });
});

describe('a step that decodes and prefills in one pass (vLLM chunked prefill; Sarathi-Serve, OSDI 2024)', () => {
  // vLLM v0.11 optimization guide: chunked prefill batches prefill chunks with decode requests,
  // "better balancing compute-bound (prefill) and memory-bound (decode) operations": one pass
  // reads the weights once and runs both tokens' matrix work, so it takes its roofline.
  const profile = profileForPlan(plan);
  it('is the decode step without a chunk', () => {
    expect(mixedStepSeconds(profile, 8, 1200, 0)).toBe(decodeStepSeconds(profile, 8, 1200));
  });
  it('is compute-bound for a full 2048-token chunk: the decode tokens ride on it, the weight read is not paid twice', () => {
    const mixed = mixedStepSeconds(profile, 8, 1200, 2048);
    expect(mixed).toBeCloseTo(profile.fixedSecondsPerStep + 8 * profile.computeSecondsPerDecodeToken + prefillSeconds(profile, 2048), 12);
    expect(mixed).toBeLessThan(decodeStepSeconds(profile, 8, 1200) + prefillSeconds(profile, 2048));
  });
  it('still pays a whole weight read for a chunk too small to hide it', () => {
    expect(mixedStepSeconds(profile, 0, 0, 1)).toBeCloseTo(profile.fixedSecondsPerStep + profile.weightSecondsPerStep, 12);
  });
});

describe('replay engine', () => {
  it('is deterministic: the same inputs give identical results', () => {
    const a = replayDeployment(deployment, trace, { rateScale: 1, policies: [ReplayPolicyKind.TOKEN_WORK] });
    const b = replayDeployment(deployment, trace, { rateScale: 1, policies: [ReplayPolicyKind.TOKEN_WORK] });
    expect(a).toEqual(b);
  });

  it('counts a request longer than the context as failed', () => {
    const t: RequestTrace = { name: 't', durationSeconds: 2, requests: [
      { arrivalSeconds: 0, promptTokens: 100, outputTokens: 10 },
      { arrivalSeconds: 2, promptTokens: plan.contextTokens, outputTokens: 10 },
    ] };
    const targets = latencyTargetsForPlan(plan);
    const r = runEngine({ plan, profile: profileForPlan(plan), targets, trace: t, scaler: { periodSeconds: 15, desired: (_n, c) => c }, delays: { startupSeconds: 0, releaseSeconds: 0 }, initialReplicas: 1, drainSeconds: 30 });
    expect(Array.from(r.failed)).toEqual([0, 1]);
    expect(r.ttft[0]).toBeGreaterThan(0);
    expect(Number.isFinite(r.tpot[0])).toBe(true);
  });

  it('counts an empty prompt as failed: vLLM rejects it ("The decoder prompt cannot be empty")', () => {
    const t: RequestTrace = { name: 't', durationSeconds: 1, requests: [
      { arrivalSeconds: 0, promptTokens: 0, outputTokens: 10 },
      { arrivalSeconds: 1, promptTokens: 10, outputTokens: 10 },
    ] };
    const r = runEngine({ plan, profile: profileForPlan(plan), targets: latencyTargetsForPlan(plan), trace: t, scaler: { periodSeconds: 15, desired: (_n, c) => c }, delays: { startupSeconds: 0, releaseSeconds: 0 }, initialReplicas: 1, drainSeconds: 30 });
    expect(Array.from(r.failed)).toEqual([1, 0]);
    expect(r.ttft[0]).toBe(Number.POSITIVE_INFINITY);
    expect(r.observations.generatedTokens.at(-1)).toBe(10);
  });

  it('gives a step its decode tokens first: a prompt waits while the decoding sequences take the whole token budget', () => {
    // A budget of 2 tokens per step: the first step prefills two of the three one-token prompts;
    // then the two decoding sequences leave none for the third, which is prefilled once the
    // shorter of them has finished, before the longer one does.
    const t: RequestTrace = { name: 't', durationSeconds: 1, requests: [
      { arrivalSeconds: 0, promptTokens: 1, outputTokens: 50 },
      { arrivalSeconds: 0, promptTokens: 1, outputTokens: 20 },
      { arrivalSeconds: 0, promptTokens: 1, outputTokens: 5 },
    ] };
    const r = runEngine({ plan, profile: profileForPlan(plan), targets: latencyTargetsForPlan(plan), trace: t, scaler: { periodSeconds: 15, desired: (_n, c) => c }, delays: { startupSeconds: 0, releaseSeconds: 0 }, initialReplicas: 1, drainSeconds: 30, maxBatchedTokens: 2 });
    // All arrive at 0 s, so a request's time to first token is also when its first token came.
    const secondDone = r.ttft[1]! + 19 * r.tpot[1]!;
    expect(Number.isFinite(r.ttft[2]!) && Number.isFinite(r.tpot[2]!)).toBe(true);
    expect(r.ttft[2]!).toBeGreaterThanOrEqual(secondDone - 1e-9);
    expect(r.ttft[2]!).toBeLessThan(r.ttft[0]! + 49 * r.tpot[0]!);
    // Every request generates exactly its output tokens, and every prompt token is prefilled once.
    expect(r.observations.generatedTokens.at(-1)).toBe(75);
    expect(r.observations.promptTokens.at(-1)).toBe(3);
  });

  it("charges replica-seconds within the trace's window when asked: the drain serves in-flight requests, unbilled", () => {
    const t: RequestTrace = { name: 't', durationSeconds: 100, requests: [{ arrivalSeconds: 99, promptTokens: 1000, outputTokens: 400 }] };
    const run = (chargeUntilSeconds?: number) => runEngine({ plan, profile: profileForPlan(plan), targets: latencyTargetsForPlan(plan), trace: t, scaler: { periodSeconds: 15, desired: () => 2 }, delays: { startupSeconds: 0, releaseSeconds: 0 }, initialReplicas: 2, drainSeconds: 600, ...(chargeUntilSeconds !== undefined ? { chargeUntilSeconds } : {}) });
    expect(run().replicaSeconds).toBeCloseTo(2 * 700, 6);
    const windowed = run(100);
    expect(windowed.replicaSeconds).toBeCloseTo(2 * 100, 6);
    // The request arriving at 99 s still finishes in the drain.
    expect(Number.isFinite(windowed.tpot[0])).toBe(true);
  });

  it('the strict bound claims no work for a bucket that may finish after the window it charges', () => {
    // One request at the very end of the window: its work may be done after the window closes.
    const t: RequestTrace = { name: 't', durationSeconds: 600, requests: [{ arrivalSeconds: 599, promptTokens: 4000, outputTokens: 2000 }] };
    const targets = latencyTargetsForPlan(plan);
    expect(oracleCost(plan, 0, t, targets, 600)).toBe(0);
    // Inside the window, its work is claimed.
    const early: RequestTrace = { ...t, requests: [{ arrivalSeconds: 1, promptTokens: 4000, outputTokens: 2000 }] };
    expect(oracleCost(plan, 0, { ...early, requests: [...early.requests, ...Array.from({ length: 200 }, (_, i) => ({ arrivalSeconds: 2 + i, promptTokens: 4000, outputTokens: 2000 }))] }, targets, 3600)).toBeGreaterThan(0);
  });

  it('a server that mixes prompt chunks into decode passes gives its decoding sequences the roofline step; one that does not adds the chunk', () => {
    // A decoding request, then a long prompt arriving while it decodes.
    const t: RequestTrace = { name: 't', durationSeconds: 1, requests: [
      { arrivalSeconds: 0, promptTokens: 100, outputTokens: 200 },
      { arrivalSeconds: 0.5, promptTokens: 8000, outputTokens: 2 },
    ] };
    const run = (mixedSteps: boolean) => runEngine({ plan, profile: profileForPlan(plan), targets: latencyTargetsForPlan(plan), trace: t, scaler: { periodSeconds: 15, desired: () => 1 }, delays: { startupSeconds: 0, releaseSeconds: 0 }, initialReplicas: 1, drainSeconds: 60, mixedSteps });
    const mixed = run(true);
    const added = run(false);
    expect(mixed.tpot[0]).toBeLessThan(added.tpot[0]);
    expect(mixed.ttft[1]).toBeLessThan(added.ttft[1]);
  });

  it('an idle replica serves one request at the step-time model: TTFT = prefill, TPOT = one decode step', () => {
    const t: RequestTrace = { name: 't', durationSeconds: 0, requests: [{ arrivalSeconds: 0, promptTokens: 1000, outputTokens: 11 }] };
    const profile = profileForPlan(plan);
    const r = runEngine({ plan, profile, targets: latencyTargetsForPlan(plan), trace: t, scaler: { periodSeconds: 15, desired: (_n, c) => c }, delays: { startupSeconds: 0, releaseSeconds: 0 }, initialReplicas: 1, drainSeconds: 10 });
    expect(r.ttft[0]).toBeCloseTo(1000 * profile.prefillSecondsPerToken, 6);
    expect(r.tpot[0]).toBeCloseTo(decodeStepSeconds(profile, 1, 1001 + 4.5), 4);
  });

  it('the strict bound is below every policy and the clairvoyant oracle, and static-peak never scales', () => {
    const results = replayDeployment(deployment, trace, { rateScale: 1 });
    for (const r of results) expect(r.boundCostUsd).toBeLessThanOrEqual(r.costUsd);
    for (const r of results) expect(r.boundCostUsd).toBeLessThanOrEqual(r.oracleCostUsd);
    // The oracle is the first clairvoyant headroom meeting the goal (or the largest tried).
    const o = results[0];
    expect(o.oracleAttainment >= 0.99 || o.oracleHeadroom === CLAIRVOYANT_HEADROOMS[CLAIRVOYANT_HEADROOMS.length - 1]).toBe(true);
    for (const r of results) expect(r.efficiency).toBeCloseTo(r.oracleCostUsd / r.costUsd, 2);
    expect(o.stepTokenBudget).toBe(VLLM_DEFAULT_MAX_NUM_BATCHED_TOKENS); // what the rendered vLLM servers run
    expect(results.find((r) => r.policy === ReplayPolicyKind.STATIC_PEAK)?.scaleEvents).toBe(0);
    expect(results.filter((r) => r.default).map((r) => r.policy)).toEqual([ReplayPolicyKind.OUTPUT_TOKENS]);
  });

  it('the clairvoyant schedule launches one start-up ahead and keeps replicas through gaps shorter than a relaunch', () => {
    // need per minute: 1, 1, 3, 1, 1, 1, 1, 1, 1, 1 (busy 2.5 at minute 2); start-up 60 s, release 60 s: horizon 2 minutes.
    const busy = [0.5, 0.5, 2.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    const s = clairvoyantScaler(busy, 1, 1, 8, 60, 60);
    const none = { promptTokens: [], generatedTokens: [], waiting: [], inFlight: [], kvUsage: [], ready: [] };
    expect(s.desired(0, 1, none)).toBe(3); // minute 2 is within start-up + release of t = 0
    expect(s.desired(59, 1, none)).toBe(3);
    expect(s.desired(180, 3, none)).toBe(1); // minute 2 has passed: released
    expect(clairvoyantScaler(busy, 2, 1, 4, 60, 60).desired(0, 1, none)).toBe(4); // headroom 2 -> 5, capped at maxReplicas
  });

  it('the oracle never drops below minReplicas for the whole span', () => {
    const targets = latencyTargetsForPlan(plan);
    expect(oracleCost(plan, 1, trace, targets, 1000)).toBeGreaterThanOrEqual((1000 * plan.cost.perReplicaHourUsd) / 3600 - 1e-9);
  });

  it('renders a byte-stable report section with its picture', () => {
    const results = replayDeployment(deployment, trace, { rateScale: 1, policies: [ReplayPolicyKind.TOKEN_WORK, ReplayPolicyKind.STATIC_PEAK] });
    const a = renderReplayReport(results);
    const b = renderReplayReport(replayDeployment(deployment, trace, { rateScale: 1, policies: [ReplayPolicyKind.TOKEN_WORK, ReplayPolicyKind.STATIC_PEAK] }));
    expect(a).toEqual(b);
    expect(a.markdown).toContain('| test/llama | token-work |');
    expect(Object.keys(a.svgs)).toEqual(['replay-test-llama-synthetic-diurnal-bursts-seed3-600s.svg']);
    expect(Object.values(a.svgs)[0]).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});

describe('scale to zero on KEDA', () => {
  it('idles at zero replicas after the cooldown and wakes when requests arrive again', () => {
    const zero: ReplayDeployment = { ...deployment, scalingPolicy: tokenScalingPolicy(plan, { scaleToZero: true, maxReplicas: 4, metricWindowSeconds: 120 }) };
    const gap: RequestTrace = { name: 'gap', durationSeconds: 1800, requests: [
      ...Array.from({ length: 20 }, (_, i) => ({ arrivalSeconds: i, promptTokens: 200, outputTokens: 50 })),
      ...Array.from({ length: 20 }, (_, i) => ({ arrivalSeconds: 1780 + i, promptTokens: 200, outputTokens: 50 })),
    ] };
    const [r] = replayDeployment(zero, gap, { rateScale: 1, policies: [ReplayPolicyKind.OUTPUT_TOKENS] });
    // Idle minutes in the middle are charged at zero replicas (plus the node release delay).
    expect(Math.min(...r.replicasPerMinute.slice(0, 29))).toBe(0);
    expect(r.scaleEvents).toBeGreaterThanOrEqual(2);
    expect(r.failedRequests).toBe(0);
  });
});

describe('replay inputs the replay rejects with a code (nothing replayed)', () => {
  it.each([0, 1.5, Number.NaN])('a step budget of %s tokens', (maxBatchedTokens) => {
    expect(() => replayDeployment(deployment, trace, { rateScale: 1, maxBatchedTokens })).toThrow(/\[StepBudgetInvalid\] maxBatchedTokens: .*not a whole number of at least 1/);
  });

  it('a step budget of 0 tokens given to the engine itself', () => {
    expect(() => runEngine({ plan, profile: profileForPlan(plan), targets: latencyTargetsForPlan(plan), trace, scaler: { periodSeconds: 15, desired: (_n, c) => c }, delays: { startupSeconds: 0, releaseSeconds: 0 }, initialReplicas: 1, maxBatchedTokens: 0 })).toThrow(/\[StepBudgetInvalid\]/);
  });

  it.each([-1, Number.NaN])('a predictive look-ahead of %s start-ups', (predictAheadStartupFraction) => {
    expect(() => replayDeployment(deployment, trace, { rateScale: 1, predictAheadStartupFraction })).toThrow(/\[PredictAheadInvalid\] predictAheadStartupFraction: /);
  });

  it('a synthetic trace with a seed that is not a whole number, no longer than its bursts, or with no arrivals', () => {
    expect(() => syntheticTrace({ seed: Number.NaN })).toThrow(/\[TraceInvalid\] seed: the synthetic trace's seed is not a whole number; received NaN/);
    expect(() => syntheticTrace({ durationSeconds: 60 })).toThrow(/\[TraceInvalid\] durationSeconds: the synthetic trace is not longer than its 120 s bursts/);
    expect(() => syntheticTrace({ meanRequestsPerSecond: 0 })).toThrow(/\[TraceInvalid\] meanRequestsPerSecond: the mean arrival rate is not a positive number/);
  });
});

describe('the SageMaker study: no change while capacity is starting (holdWhileStarting)', () => {
  // One request keeps the trace 600 s long; the scaler asks for 2 replicas at 15 s, then 1 from 30 s on.
  const t: RequestTrace = { name: 't', durationSeconds: 600, requests: [{ arrivalSeconds: 0, promptTokens: 100, outputTokens: 10 }, { arrivalSeconds: 600, promptTokens: 100, outputTokens: 10 }] };
  const run = (holdWhileStarting: boolean) => runEngine({
    plan, profile: profileForPlan(plan), targets: latencyTargetsForPlan(plan), trace: t,
    scaler: { periodSeconds: 15, desired: (now) => (now < 30 ? 2 : 1) },
    delays: { startupSeconds: 300, releaseSeconds: 0 }, initialReplicas: 1, drainSeconds: 0, chargeUntilSeconds: 600, holdWhileStarting,
  });

  it('by default a scale-in removes the replica still starting at once', () => {
    const r = run(false);
    expect(r.scaleEvents).toBe(2);
    expect(r.replicaSeconds).toBeCloseTo(600 + 15, 6);
  });

  it('held, the scale-in waits for the replica to be ready and is applied at that evaluation (315 s, launched at 15 s)', () => {
    const r = run(true);
    expect(r.scaleEvents).toBe(2);
    expect(r.replicaSeconds).toBeCloseTo(600 + (315 - 15), 6);
  });

  it('tells the scaler each time its change is refused, so a cooldown does not start', () => {
    let refusals = 0;
    runEngine({
      plan, profile: profileForPlan(plan), targets: latencyTargetsForPlan(plan), trace: t,
      scaler: { periodSeconds: 15, desired: (now) => (now < 30 ? 2 : 1), refused: () => void refusals++ },
      delays: { startupSeconds: 300, releaseSeconds: 0 }, initialReplicas: 1, drainSeconds: 0, chargeUntilSeconds: 600, holdWhileStarting: true,
    });
    // Asked every 15 s from 30 s while the replica started at 15 s is not ready (until 315 s): 30, 45, ..., 300.
    expect(refusals).toBe(19);
  });
});

describe('the warm-up pass (ReplayWarmStart.PRIOR_PASS)', () => {
  it('is the trace followed by a copy starting at the first whole minute after its last arrival, measured from there', () => {
    const t: RequestTrace = { name: 't', durationSeconds: 130.5, requests: [
      { arrivalSeconds: 0, promptTokens: 10, outputTokens: 2 },
      { arrivalSeconds: 130.5, promptTokens: 20, outputTokens: 3 },
    ] };
    const { run, measureFromSeconds } = warmUpPass(t, ReplayWarmStart.PRIOR_PASS);
    expect(measureFromSeconds).toBe(180);
    expect(run.durationSeconds).toBe(310.5);
    expect(run.requests).toEqual([
      { arrivalSeconds: 0, promptTokens: 10, outputTokens: 2 },
      { arrivalSeconds: 130.5, promptTokens: 20, outputTokens: 3 },
      { arrivalSeconds: 180, promptTokens: 10, outputTokens: 2 },
      { arrivalSeconds: 310.5, promptTokens: 20, outputTokens: 3 },
    ]);
    // A trace ending on a whole minute gets a whole minute of gap, so the copy never lands on its last arrival.
    expect(warmUpPass({ ...t, durationSeconds: 120, requests: [t.requests[0]!, { ...t.requests[1]!, arrivalSeconds: 120 }] }, ReplayWarmStart.PRIOR_PASS).measureFromSeconds).toBe(180);
  });

  it('is not run for OPENING_DEMAND: the trace itself, measured from its first arrival', () => {
    expect(warmUpPass(trace, ReplayWarmStart.OPENING_DEMAND)).toEqual({ run: trace, measureFromSeconds: 0 });
  });

  it('measures the second pass exactly: the same policy replayed over the doubled trace from the opening, seen from the copy on', () => {
    const policies = [ReplayPolicyKind.OUTPUT_TOKENS, ReplayPolicyKind.QUEUE_DEPTH];
    const warm = replayDeployment(deployment, trace, { rateScale: 1, policies, oracle: false });
    const { run, measureFromSeconds } = warmUpPass(trace, ReplayWarmStart.PRIOR_PASS);
    const cold = replayDeployment(deployment, run, { rateScale: 1, policies, oracle: false, warmStart: ReplayWarmStart.OPENING_DEMAND });
    const minutes = Math.ceil(trace.durationSeconds / 60);
    for (let i = 0; i < policies.length; i++) {
      expect(warm[i]!.requests).toBe(trace.requests.length);
      expect(warm[i]!.replicasPerMinute).toEqual(cold[i]!.replicasPerMinute.slice(measureFromSeconds / 60, measureFromSeconds / 60 + minutes));
      // Billed for the measured hour only: the replicas of its minutes, not the warm-up's.
      const billed = warm[i]!.replicasPerMinute.reduce((a, b) => a + b, 0) / 60;
      expect(warm[i]!.replicaHours).toBeCloseTo(billed, 2);
    }
  });

  it('decides where a policy enters the hour: at the opening burst, or where the end of the trace left it', () => {
    // A one-minute burst, then half an hour of trickle.
    const requests = [
      ...Array.from({ length: 400 }, (_, i) => ({ arrivalSeconds: i * 0.15, promptTokens: 1500, outputTokens: 300 })),
      ...Array.from({ length: 180 }, (_, i) => ({ arrivalSeconds: 60 + i * 10, promptTokens: 200, outputTokens: 50 })),
    ];
    const bursty: RequestTrace = { name: 'bursty', durationSeconds: requests.at(-1)!.arrivalSeconds, requests };
    const policies = [ReplayPolicyKind.OUTPUT_TOKENS];
    const opening = replayDeployment(deployment, bursty, { rateScale: 1, policies, oracle: false, warmStart: ReplayWarmStart.OPENING_DEMAND })[0]!;
    const prior = replayDeployment(deployment, bursty, { rateScale: 1, policies, oracle: false })[0]!;
    // Opening: three replicas for the burst, held by the scale-down window, then one.
    expect(opening.replicasPerMinute[0]).toBe(3);
    expect(opening.replicasPerMinute.at(-1)).toBe(1);
    expect(opening.sloAttainment).toBe(1);
    // Prior pass: the trickle left one replica, which meets the burst alone (and misses much of it).
    expect(prior.replicasPerMinute.every((r) => r === 1)).toBe(true);
    expect(prior.costUsd).toBeLessThan(opening.costUsd);
    expect(prior.sloAttainment).toBeLessThan(0.6);
  });

  it('rejects a warm start it does not know, with a code and nothing replayed', () => {
    expect(() => replayDeployment(deployment, trace, { rateScale: 1, warmStart: 'yesterday' as ReplayWarmStart })).toThrow(/\[WarmStartInvalid\] warmStart: the warm start is not one the replay knows; received "yesterday"; allowed: prior-pass, opening-demand/);
  });
});

describe('the engine measures from measureFromSeconds', () => {
  const t: RequestTrace = { name: 't', durationSeconds: 600, requests: [{ arrivalSeconds: 0, promptTokens: 100, outputTokens: 10 }, { arrivalSeconds: 600, promptTokens: 100, outputTokens: 10 }] };
  const run = (measureFromSeconds?: number) => runEngine({
    plan, profile: profileForPlan(plan), targets: latencyTargetsForPlan(plan), trace: t,
    // 2 replicas until 120 s, then 3 from 300 s on.
    scaler: { periodSeconds: 15, desired: (now) => (now < 120 ? 2 : now < 300 ? 1 : 3) },
    delays: { startupSeconds: 0, releaseSeconds: 0 }, initialReplicas: 2, drainSeconds: 0, chargeUntilSeconds: 600,
    ...(measureFromSeconds !== undefined ? { measureFromSeconds } : {}),
  });

  it('charges replica-seconds and counts scale events only from then on', () => {
    const all = run();
    expect(all.scaleEvents).toBe(2);
    expect(all.replicaSeconds).toBeCloseTo(2 * 120 + 180 + 3 * 300, 6);
    const late = run(200);
    expect(late.scaleEvents).toBe(1);
    expect(late.replicaSeconds).toBeCloseTo(100 + 3 * 300, 6);
  });
});
