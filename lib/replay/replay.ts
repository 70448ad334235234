/**
 * The replay: run a deployment's scaling policy, and its peers, against a request trace, and
 * compare each with the oracle.
 */
import { InferenceConstructsError } from '../errors.js';
import { firstHolding } from '../private/bisect.js';
import type { CapacityPlan } from '../planner.js';
import type { TokenScalingPolicy } from '../scaling.js';
import { TARGET_TRACKING_SCALE_OUT_MINUTES, VLLM_DEFAULT_MAX_NUM_BATCHED_TOKENS, stepScalingRules } from '../scaling.js';
import { type StepTimeProfile, prefillSeconds } from '../step-time.js';
import { type EngineResult, type IReplayScaler, type ReplayObservations, runEngine } from './engine.js';
import { type ReplayLatencyTargets, decodeSecondsPerToken, latencyTargetsForPlan, profileForPlan } from './profile.js';
import { HPA_SYNC_PERIOD_SECONDS, HpaModel, KedaActivationModel, HpaSelectPolicy, type HpaMetricReading, StepScalingModel, TargetTrackingModel, type TargetTrackingReading } from './scalers.js';
import { type RequestTrace, type TraceRequest, scaleTraceRate } from './trace.js';

/** Which scaler a deployment renders. */
export enum ReplayScalerKind {
  /** KEDA ScaledObject (Prometheus triggers) feeding an HPA. */
  KEDA = 'keda',
  /** A plain HPA on an adapter's metric. */
  HPA = 'hpa',
  /** Application Auto Scaling target tracking (SageMaker endpoint variant or inference component). */
  SAGEMAKER = 'sagemaker',
}

/** The signal a policy scales on. */
export enum ReplayPolicyKind {
  /** Accelerator busy-seconds per second from prompt and generated tokens (the library's token-work signal). */
  TOKEN_WORK = 'token-work',
  /** Generated tokens/s (the signal the library renders by default). */
  OUTPUT_TOKENS = 'output-tokens',
  /** Requests in flight per replica (SageMaker ConcurrentRequestsPerModel, KubeAI target requests). */
  REQUEST_CONCURRENCY = 'request-concurrency',
  /** Requests waiting (`vllm:num_requests_waiting`, vLLM production-stack). */
  QUEUE_DEPTH = 'queue-depth',
  /** KV-cache utilisation (AIBrix). */
  KV_CACHE = 'kv-cache',
  /** A fixed replica count sized for the trace's peak minute. */
  STATIC_PEAK = 'static-peak',
}

/** Every policy the replay compares, the default first. */
export const REPLAY_POLICIES: ReplayPolicyKind[] = [
  ReplayPolicyKind.OUTPUT_TOKENS,
  ReplayPolicyKind.TOKEN_WORK,
  ReplayPolicyKind.REQUEST_CONCURRENCY,
  ReplayPolicyKind.QUEUE_DEPTH,
  ReplayPolicyKind.KV_CACHE,
  ReplayPolicyKind.STATIC_PEAK,
];

/** One deployment to replay, as the reference fleet renders it. */
export interface ReplayDeployment {
  readonly name: string;
  readonly plan: CapacityPlan;
  readonly scalingPolicy: TokenScalingPolicy;
  readonly scaler: ReplayScalerKind;
  /** Scrape interval of the metrics backend (Prometheus / Managed Service for Prometheus / GMP), seconds. @default 15 */
  readonly scrapeIntervalSeconds?: number;
  /** The queue-depth guard trigger's waiting requests per replica (KEDA), when rendered. */
  readonly queueDepthPerReplica?: number;
  /** The SageMaker concurrency guard's target, in-flight requests per instance, when rendered. */
  readonly concurrencyGuardPerReplica?: number;
  /** Expected seconds from a scale-out decision to a ready replica (node + image + server start + weights). */
  readonly startupSeconds: number;
  /** The startup probes' budget (node + image + `startupProbeSeconds`): the upper bound, for the report. @default - not reported */
  readonly startupBudgetSeconds?: number;
  /** Seconds a node stays billed after its last replica leaves (consolidation delay). */
  readonly releaseSeconds: number;
  /**
   * The server batches prompt chunks into the decode pass (`ModelServerProfile.mixesPrefillIntoDecode`),
   * so the engine times a mixed step by its roofline.
   * @default false
   */
  readonly mixedSteps?: boolean;
  /**
   * The policy the deployment renders by default. The replay kept output tokens (see the
   * figures in the README): token work was cheaper at equal attainment on some deployments and
   * dearer or lower-attaining on others, and its largest win (GKE) is on an HPA, which cannot
   * carry it without an adapter.
   * @default OUTPUT_TOKENS
   */
  readonly defaultPolicy?: ReplayPolicyKind;
}

/** Options of {@link replayDeployment}. */
export interface ReplayOptions {
  /**
   * Multiply the trace's arrival rate by this factor (see `scaleTraceRate`).
   * @default - fit: the factor that makes the trace's busiest minute need
   *   {@link FIT_PEAK_SHARE} of maxReplicas at the plan's target utilisation
   */
  readonly rateScale?: number;
  /** Policies to run. @default REPLAY_POLICIES */
  readonly policies?: ReplayPolicyKind[];
  /** Seed of the rate scaling. @default 1 */
  readonly seed?: number;
  /**
   * Tokens per engine step (vLLM `--max-num-batched-tokens`).
   * @default VLLM_DEFAULT_MAX_NUM_BATCHED_TOKENS (2048), what the rendered servers run
   */
  readonly maxBatchedTokens?: number;
  /**
   * Run the clairvoyant oracle (the floor, then a bisection over {@link CLAIRVOYANT_HEADROOMS}: at most six engine runs).
   * Without it oracleCostUsd, oracleAttainment and efficiency are NaN.
   * @default true
   */
  readonly oracle?: boolean;
  /**
   * Study of a predictive term on KEDA (not rendered): the output-tokens trigger reads
   * `max(sum(rate(x[w])), predict_linear(sum(rate(x[w]))[15m:1m], f x start-up))`, f this
   * fraction. GKE's Stackdriver adapter serves a counter's rate, not a PromQL expression, and
   * CloudWatch metric math has no regression over past datapoints, so only KEDA could render it.
   * @default 0 (off: the rendered policy)
   */
  readonly predictAheadStartupFraction?: number;
  /**
   * Study of SageMaker (not rendered, not the default model): a SageMaker endpoint's replica
   * count does not change while instances it asked for are still starting
   * (`EngineInput.holdWhileStarting`), for every policy and the oracle. SageMaker's API reference
   * says `UpdateEndpointWeightsAndCapacities` sets the endpoint `Updating` until the update is
   * done, and its auto scaling guide that auto scaling is blocked while an `UpdateEndpoint` is in
   * progress; whether a scale-in is refused while a scale-out is starting is not documented.
   * A refused change starts no cooldown. Targets fitted by `fitTargetUtilization` are fitted
   * without it.
   * @default false
   */
  readonly sageMakerHoldsWhileUpdating?: boolean;
  /**
   * How the policies and the oracle start the measured trace (see {@link ReplayWarmStart}).
   * @default ReplayWarmStart.PRIOR_PASS
   */
  readonly warmStart?: ReplayWarmStart;
}

/**
 * How a replay's policies and its oracle start the measured trace.
 *
 * A deployed service is already running when an hour of its traffic begins: its replicas and
 * its scaler's history are what the previous hour left. The replay has no previous hour, so it
 * either replays the trace once before the measured pass or imposes a start.
 */
export enum ReplayWarmStart {
  /**
   * The trace is replayed twice back to back (the second copy starts at the first whole minute
   * after the first copy's last arrival) and only the second pass is measured: cost, attainment,
   * latencies, scale events and the timeline. Every policy and the oracle enter the measured
   * hour in the state their own scaling reached on the same traffic, as in a periodic steady
   * state. The first pass starts as {@link OPENING_DEMAND} does. Twice the replay's work.
   */
  PRIOR_PASS = 'prior-pass',
  /**
   * Every policy starts at the replicas the trace's first five minutes need at the plan's target
   * utilisation, its scaler's history holding that count; the oracle at its own schedule's first
   * count. One pass, measured from the first arrival.
   */
  OPENING_DEMAND = 'opening-demand',
}

/** Range of the predictive study term's subquery, seconds (`[15m:1m]`). */
export const PREDICT_RANGE_SECONDS = 900;
/** Resolution of the predictive study term's subquery, seconds. */
export const PREDICT_STEP_SECONDS = 60;

/** Share of maxReplicas x target utilisation the busiest minute needs after fitting the trace. */
export const FIT_PEAK_SHARE = 0.75;
/** Required share of requests meeting both latency targets. */
export const ATTAINMENT_GOAL = 0.99;
/**
 * Length of the oracle's buckets, seconds: longer than any request's latency budget, short
 * enough to follow the trace's swings.
 */
export const ORACLE_BUCKET_SECONDS = 300;
/**
 * KEDA's `cooldownPeriod` as the library renders it (`KEDA_COOLDOWN_PERIOD_SECONDS` in
 * constructs/k8s/token-scaler.ts, KEDA's default 300 s).
 * @see https://keda.sh/docs/2.17/reference/scaledobject-spec/#cooldownperiod
 */
export const KEDA_COOLDOWN_PERIOD_SECONDS = 300;
/** Waiting requests per replica the queue-depth peer targets (vLLM production-stack KEDA tutorial). */
export const QUEUE_DEPTH_PEER_TARGET = 5;

/** One policy's outcome on one deployment. */
export interface ReplayResult {
  readonly deployment: string;
  readonly trace: string;
  readonly policy: ReplayPolicyKind;
  readonly default: boolean;
  readonly rateScale: number;
  /** How the policies and the oracle started the measured trace. */
  readonly warmStart: ReplayWarmStart;
  /** Requests of the measured pass. */
  readonly requests: number;
  readonly costUsd: number;
  readonly replicaHours: number;
  /** Cost of the clairvoyant schedule (see {@link clairvoyantScaler}), replayed through the same engine. */
  readonly oracleCostUsd: number;
  /** Attainment of the clairvoyant schedule in the same engine. */
  readonly oracleAttainment: number;
  /** Headroom over the operating point the cheapest clairvoyant schedule meeting the goal needed. */
  readonly oracleHeadroom: number;
  /** The strict lower bound of {@link oracleCost} (no schedule can cost less). */
  readonly boundCostUsd: number;
  /** Tokens per step the replay schedules (vLLM `--max-num-batched-tokens`, {@link stepTokenBudget}). */
  readonly stepTokenBudget: number;
  /** oracleCostUsd / costUsd. */
  readonly efficiency: number;
  /**
   * The trace's burst share at this plan ({@link burstShare}, on the trace as given, before
   * rate scaling): target utilisation x this share leaves a reactive scaler room for the
   * trace's bursts within a minute.
   */
  readonly burstShare: number;
  /** {@link burstTargetUtilization}: the target utilisation this plan would take for the trace's bursts. */
  readonly burstTargetUtilization: number;
  /** The plan's own target utilisation. */
  readonly targetUtilization: number;
  readonly sloAttainment: number;
  readonly failedRequests: number;
  readonly ttftP50Seconds: number;
  readonly ttftP99Seconds: number;
  readonly tpotP50Seconds: number;
  readonly tpotP99Seconds: number;
  readonly scaleEvents: number;
  /** Replicas charged per minute (for the picture). */
  readonly replicasPerMinute: number[];
  /** Demand per minute in replicas at full efficiency (busy-seconds per second). */
  readonly demandPerMinute: number[];
  readonly ttftTargetSeconds: number;
  readonly tpotTargetSeconds: number;
}

// ---------------------------------------------------------------------------------------------
// Work and the oracle
// ---------------------------------------------------------------------------------------------

/** Lower bound of the accelerator seconds one request costs (see {@link oracleCost}). */
function requestWork(profile: StepTimeProfile, conc: number, prompt: number, output: number): { pre: number; mem: number; comp: number } {
  const decodeTokens = Math.max(0, Math.max(1, output) - 1);
  const memPerStep = (profile.fixedSecondsPerStep + profile.weightSecondsPerStep) / conc;
  const mem = decodeTokens * memPerStep + profile.kvSecondsPerToken * decodeTokens * (prompt + Math.max(1, output) / 2);
  return { pre: prefillSeconds(profile, prompt), mem, comp: decodeTokens * profile.computeSecondsPerDecodeToken };
}

/** Busy-seconds per second per minute at the planned design point (what the picture calls demand). */
export function demandSeries(plan: CapacityPlan, profile: StepTimeProfile, trace: RequestTrace, minutes: number): number[] {
  const d = new Array<number>(minutes).fill(0);
  const work = arrivalWork(plan, profile);
  for (const r of trace.requests) {
    const m = Math.min(minutes - 1, Math.floor(r.arrivalSeconds / 60));
    d[m] += work(r) / 60;
  }
  return d;
}

/**
 * Accelerator seconds a request brings at the planned design point, counted at its arrival: its
 * prefill plus its output tokens x the decode seconds per token at the planned concurrency.
 */
function arrivalWork(plan: CapacityPlan, profile: StepTimeProfile): (r: TraceRequest) => number {
  const perDecode = decodeSecondsPerToken(plan, profile);
  return (r) => prefillSeconds(profile, r.promptTokens) + r.outputTokens * perDecode;
}

/**
 * Window lengths, seconds, over which {@link burstDemandSeries} looks for bursts: from one
 * second up to the minute the scalers' metrics resolve.
 */
export const BURST_WINDOWS_SECONDS = [1, 2, 5, 10, 20, 30, 60];

/**
 * Per minute, the busy replicas the minute's bursts need so that no request waits behind a
 * backlog longer than the time-to-first-token target: max(busy(m), max over windows of length
 * w in {@link BURST_WINDOWS_SECONDS} starting within minute m of work(window) / (w + ttft)).
 *
 * A server of constant capacity C delays no arrival by more than h = sup_w (A(w) / C - w),
 * A(w) the work arriving in any window of length w (the horizontal deviation between the
 * arrival curve and the service curve C t), so the delay stays within the target T exactly
 * when C >= sup_w A(w) / (w + T). Work is counted at arrival (prefill + output tokens x the
 * decode seconds per token at the planned operating point), as in {@link demandSeries}.
 * @see J.-Y. Le Boudec, P. Thiran, Network Calculus, LNCS 2050 (Springer, 2001), Theorem 1.4.2 (delay bound)
 */
export function burstDemandSeries(plan: CapacityPlan, profile: StepTimeProfile, trace: RequestTrace, minutes: number, ttftSeconds: number): number[] {
  const work = arrivalWork(plan, profile);
  const seconds = minutes * 60;
  const longest = BURST_WINDOWS_SECONDS[BURST_WINDOWS_SECONDS.length - 1];
  const prefix = new Float64Array(seconds + longest + 1);
  for (const r of trace.requests) {
    const s = Math.min(seconds - 1, Math.floor(r.arrivalSeconds));
    prefix[s + 1] += work(r);
  }
  for (let i = 1; i < prefix.length; i++) prefix[i] += prefix[i - 1];
  const busy = demandSeries(plan, profile, trace, minutes);
  const out = new Array<number>(minutes).fill(0);
  for (let m = 0; m < minutes; m++) {
    let need = busy[m];
    for (let s = m * 60; s < (m + 1) * 60; s++) {
      for (const w of BURST_WINDOWS_SECONDS) {
        const a = prefix[Math.min(prefix.length - 1, s + w)] - prefix[s];
        const c = a / (w + ttftSeconds);
        if (c > need) need = c;
      }
    }
    out[m] = need;
  }
  return out;
}

/**
 * The share of the target utilisation a reactive scaler can run at on `trace` and still meet
 * the time-to-first-token target in its bursts: the busiest minute's busy replicas over the
 * busiest minute's burst need ({@link burstDemandSeries}), at most 1. A scaler reads per-minute
 * rates and a new replica takes minutes to start, so the headroom for bursts shorter than a
 * minute has to be held all along: scaling to target x this share leaves room for them.
 */
export function burstShare(plan: CapacityPlan, trace: RequestTrace): number {
  const profile = profileForPlan(plan);
  const minutes = Math.max(1, Math.ceil(trace.durationSeconds / 60));
  const busy = Math.max(...demandSeries(plan, profile, trace, minutes));
  const burst = Math.max(...burstDemandSeries(plan, profile, trace, minutes, latencyTargetsForPlan(plan).ttftSeconds));
  return burst > 0 ? Math.min(1, busy / burst) : 1;
}

/** Lowest target utilisation a trace's bursts may leave (the planner's own lower bound is 0 exclusive). */
export const MIN_BURST_TARGET_UTILIZATION = 0.05;

/**
 * The target utilisation to plan `plan` at for the traffic of `trace`: the plan's target x
 * {@link burstShare}, rounded down to a hundredth, at least {@link MIN_BURST_TARGET_UTILIZATION}
 * and at most the plan's target.
 */
export function burstTargetUtilization(plan: CapacityPlan, trace: RequestTrace): number {
  const u = plan.targetUtilization;
  return Math.min(u, Math.max(MIN_BURST_TARGET_UTILIZATION, Math.floor(u * burstShare(plan, trace) * 100 + 1e-9) / 100));
}

/**
 * The oracle: a lower bound on the replica-seconds of ANY replica schedule (with any knowledge
 * of the future and any start-up delays, which only add cost) under which the engine serves at
 * least {@link ATTAINMENT_GOAL} of the servable requests within both latency targets.
 *
 * 1. A request's work is a lower bound on the accelerator time its steps take: its prefill, plus
 *    for its decode steps the larger of the memory part (weights and fixed cost shared by at most
 *    `concurrentSequences` sequences, plus its own live KV) and the compute part, summed over a set
 *    of requests (a step's time is at least the max of its summed memory and compute parts plus
 *    its prefill).
 * 2. A request that meets its targets finishes within `ttft + tpot x (output - 1)` of arrival, so
 *    the work of requests arriving in bucket b (length {@link ORACLE_BUCKET_SECONDS}) is done in
 *    `[start_b, end_b + D]`, D the largest such budget. Taking every other bucket makes those
 *    intervals disjoint; on each, replica-seconds >= max(minReplicas x length, work), elsewhere
 *    >= minReplicas x length. The better of the two parities is the bound.
 * 3. Requests allowed to miss: the bound is lowered by the work of the heaviest
 *    (1 - ATTAINMENT_GOAL) x N requests, the most any admissible set of misses can remove.
 * Cost = replica-seconds x the plan's price per replica-second. It ignores queueing, batching
 * below the planned concurrency and start-up, so it is below what any real schedule achieves.
 */
export function oracleCost(plan: CapacityPlan, minReplicas: number, trace: RequestTrace, targets: ReplayLatencyTargets, endSeconds: number): number {
  const profile = profileForPlan(plan);
  const conc = plan.concurrentSequences;
  const L = ORACLE_BUCKET_SECONDS;
  const buckets = Math.ceil(endSeconds / L);
  const pre = new Array<number>(buckets).fill(0);
  const mem = new Array<number>(buckets).fill(0);
  const comp = new Array<number>(buckets).fill(0);
  const works: number[] = [];
  let budget = 0;
  for (const r of trace.requests) {
    if (r.promptTokens + Math.max(1, r.outputTokens) > plan.contextTokens) continue;
    const w = requestWork(profile, conc, r.promptTokens, r.outputTokens);
    const b = Math.min(buckets - 1, Math.floor(r.arrivalSeconds / L));
    pre[b] += w.pre;
    mem[b] += w.mem;
    comp[b] += w.comp;
    works.push(w.pre + w.mem + w.comp);
    budget = Math.max(budget, targets.ttftSeconds + targets.tpotSeconds * Math.max(0, r.outputTokens - 1));
  }
  const D = Math.min(budget, L);
  let best = minReplicas * endSeconds;
  for (const parity of [0, 1]) {
    let total = 0;
    let covered = 0;
    for (let b = parity; b < buckets; b += 2) {
      const len = Math.min(L + D, endSeconds - b * L);
      if (len <= 0) continue;
      // A bucket whose work may finish after endSeconds claims no work inside the window.
      const inside = b * L + L + D <= endSeconds;
      total += Math.max(minReplicas * len, inside ? pre[b] + Math.max(mem[b], comp[b]) : 0);
      covered += len;
    }
    total += minReplicas * Math.max(0, endSeconds - covered);
    best = Math.max(best, total);
  }
  works.sort((a, b) => b - a);
  const allowedMisses = Math.floor((1 - ATTAINMENT_GOAL) * works.length);
  let removable = 0;
  for (let i = 0; i < allowedMisses; i++) removable += works[i];
  const replicaSeconds = Math.max(minReplicas * endSeconds, best - removable);
  return (replicaSeconds * plan.cost.perReplicaHourUsd) / 3600;
}

// ---------------------------------------------------------------------------------------------
// Signals as each metrics pipeline shows them
// ---------------------------------------------------------------------------------------------

/** `rate(counter[window])` as Prometheus returns it at `now`, from samples every `scrape` seconds. */
export function prometheusRate(series: number[], now: number, scrape: number, window: number): number {
  const s1 = Math.floor(now / scrape) * scrape;
  const s0 = Math.max(0, s1 - window + scrape);
  if (s1 <= s0 || s1 >= series.length) return 0;
  return (series[s1] - series[s0]) / (s1 - s0);
}

/**
 * `predict_linear(sum(rate(counter[window]))[range:step], ahead)` as Prometheus evaluates it at
 * `now`: the subquery's samples at the multiples of `step` within `(now - range, now]`, a
 * least-squares line through them, its value `ahead` seconds after `now`.
 */
export function predictLinearOfRate(series: number[], now: number, scrape: number, window: number, range: number, step: number, ahead: number): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let t = Math.floor(now / step) * step; t > now - range; t -= step) {
    if (t < window) break;
    xs.push(t - now);
    ys.push(prometheusRate(series, t, scrape, window));
  }
  const n = xs.length;
  if (n < 2) return prometheusRate(series, now, scrape, window);
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) { sx += xs[i]; sy += ys[i]; sxx += xs[i] * xs[i]; sxy += xs[i] * ys[i]; }
  const cov = sxy - (sx * sy) / n;
  const varx = sxx - (sx * sx) / n;
  const slope = varx > 0 ? cov / varx : 0;
  const intercept = sy / n - slope * (sx / n);
  return intercept + slope * ahead;
}

/** A gauge's value at the last scrape before `now`. */
export function prometheusGauge(series: number[], now: number, scrape: number): number {
  const s1 = Math.min(series.length - 1, Math.floor(now / scrape) * scrape);
  return series[s1] ?? 0;
}

/** Per-instance datapoints of `period` seconds ending at or before `now` (CloudWatch). */
function cloudWatchDatapoints(now: number, period: number, count: number, value: (a: number, b: number) => number): number[] {
  const lastEnd = Math.floor(now / period) * period;
  const out: number[] = [];
  for (let e = lastEnd - (count - 1) * period; e <= lastEnd; e += period) {
    if (e - period < 0) continue;
    out.push(value(e - period, e));
  }
  return out;
}

function meanReady(obs: ReplayObservations, a: number, b: number): number {
  let s = 0;
  for (let i = a; i < b; i++) s += obs.ready[i] ?? 0;
  return Math.max(1, s / Math.max(1, b - a));
}

/**
 * Headroom factors the clairvoyant schedule is tried at, cheapest first: replicas =
 * ceil(headroom x each minute's burst need), never below max(minReplicas, 1). The oracle is the
 * lowest that meets {@link ATTAINMENT_GOAL} in the engine (the last when none does): the floor,
 * else a bisection over the rest, taking the attainment to rise with the headroom. The burst
 * need is a sufficient capacity, not a necessary one (1 % of requests may miss, and the step
 * roofline serves decode tokens inside prefill passes), so the search starts well below 1, at
 * 0: the minReplicas floor alone, which no policy can undercut, whenever it suffices.
 */
export const CLAIRVOYANT_HEADROOMS = [0, 0.1, 0.15, 0.2, 0.25, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 2];
/** The clairvoyant schedule observes nothing: it knows the trace. */
const NO_OBSERVATIONS: ReplayObservations = Object.freeze({ promptTokens: [], generatedTokens: [], waiting: [], inFlight: [], kvUsage: [], ready: [] });
/** Evaluation period of the clairvoyant schedule, seconds (the HPA sync period). */
export const CLAIRVOYANT_PERIOD_SECONDS = 15;

/**
 * The clairvoyant replica schedule: the cheapest schedule of its family with perfect knowledge
 * of the trace and the same start-up and release delays as the policies.
 *
 * - need(m), per minute m of the trace: `ceil(headroom x busy(m))` replicas, busy(m) what the
 *   minute needs at the plan's latency-target operating point (the replay passes
 *   {@link burstDemandSeries}: the minute's mean accelerator-seconds per second, or more when its
 *   bursts need more to keep the wait within the TTFT target), within
 *   [max(minReplicas, 1), maxReplicas];
 * - at time t it asks for max need(m) over the minutes of [t, t + start-up + release]: a
 *   replica is launched one start-up delay before the minute that needs it, and kept through
 *   any gap shorter than a relaunch (start-up + node release), because relaunching would cost
 *   more than staying; it is released (by the engine's own rules: drain, then the node's
 *   release delay) once no minute within that horizon needs it.
 * It runs in the same engine as every policy, so its attainment is measured, not assumed.
 */
export function clairvoyantScaler(busyPerMinute: number[], headroom: number, minReplicas: number, maxReplicas: number, startupSeconds: number, releaseSeconds: number): IReplayScaler {
  const need = busyPerMinute.map((b) => Math.min(maxReplicas, Math.max(minReplicas, 1, Math.ceil(headroom * b - 1e-9))));
  const horizonMinutes = Math.ceil((startupSeconds + releaseSeconds) / 60);
  return {
    periodSeconds: CLAIRVOYANT_PERIOD_SECONDS,
    desired: (now) => {
      const m0 = Math.floor(now / 60);
      let best = Math.max(minReplicas, 1);
      for (let m = m0; m <= m0 + horizonMinutes && m < need.length; m++) if (need[m] > best) best = need[m];
      return best;
    },
  };
}

/** Build the scaler for one deployment and policy. */
function scalerFor(d: ReplayDeployment, kind: ReplayPolicyKind, staticReplicas: number, predictAhead = 0, initialReplicas = 0): IReplayScaler {
  const p = d.scalingPolicy;
  const plan = d.plan;
  // Token work as the policy renders it (weights and busy target carried by the policy).
  const w = p.tokenWork;
  const u = plan.targetUtilization;
  const conc = plan.concurrentSequences;
  if (kind === ReplayPolicyKind.STATIC_PEAK) return { periodSeconds: 60, desired: () => staticReplicas };
  if (d.scaler === ReplayScalerKind.SAGEMAKER) {
    const tt = new TargetTrackingModel(p.minReplicas, p.maxReplicas, p.scaleUp.stabilizationWindowSeconds, p.scaleDown.stabilizationWindowSeconds);
    const guard = d.concurrencyGuardPerReplica ?? Math.max(1, Math.round(conc * u));
    const rules = stepScalingRules(p);
    const step = p.scaleOutMinutes > TARGET_TRACKING_SCALE_OUT_MINUTES ? new StepScalingModel(p.minReplicas, p.maxReplicas, rules.out, rules.in) : undefined;
    const history = Math.max(15, p.scaleOutMinutes);
    return {
      periodSeconds: 60,
      desired: (now, current, obs) => {
        const perMinute = (f: (a: number, b: number) => number) => cloudWatchDatapoints(now, 60, history, (a, b) => f(a, b) / meanReady(obs, a, b));
        const rate = (s: number[]) => (a: number, b: number) => ((s[b] ?? 0) - (s[a] ?? 0)) / (b - a);
        const avgGauge = (s: number[]) => (a: number, b: number) => { let x = 0; for (let i = a; i < b; i++) x += s[i] ?? 0; return x / (b - a); };
        const guardReading: TargetTrackingReading = {
          datapoints: cloudWatchDatapoints(now, 10, 15, (a, b) => avgGauge(obs.inFlight)(a, b) / meanReady(obs, a, b)),
          target: guard,
        };
        let main: TargetTrackingReading;
        switch (kind) {
          case ReplayPolicyKind.TOKEN_WORK:
            main = { datapoints: perMinute((a, b) => rate(obs.promptTokens)(a, b) * w.promptSecondsPerToken + rate(obs.generatedTokens)(a, b) * w.generatedSecondsPerToken), target: w.targetBusyFraction };
            break;
          case ReplayPolicyKind.OUTPUT_TOKENS:
            main = { datapoints: perMinute(rate(obs.generatedTokens)), target: p.targetTokensPerSecondPerReplica };
            break;
          case ReplayPolicyKind.REQUEST_CONCURRENCY:
            return tt.evaluate(now, current, [guardReading]);
          case ReplayPolicyKind.QUEUE_DEPTH:
            main = { datapoints: perMinute(avgGauge(obs.waiting)), target: QUEUE_DEPTH_PEER_TARGET };
            break;
          default:
            main = { datapoints: perMinute(avgGauge(obs.kvUsage)), target: u };
        }
        const library = kind === ReplayPolicyKind.TOKEN_WORK || kind === ReplayPolicyKind.OUTPUT_TOKENS;
        if (library && step !== undefined) {
          // Step scaling (scaleOutMinutes above target tracking's 3): one alarm per direction on
          // the load ratio MAX(signal / target, concurrency / guard), both one-minute Averages.
          const guardPerMinute = perMinute(avgGauge(obs.inFlight));
          const ratios = main.datapoints.map((v, i) => Math.max(v / main.target, (guardPerMinute[i] ?? 0) / guard));
          return step.evaluate(now, current, ratios);
        }
        return tt.evaluate(now, current, library ? [main, guardReading] : [main]);
      },
      // The SageMaker study (ReplayOptions.sageMakerHoldsWhileUpdating): a refused change starts no cooldown.
      refused: () => { tt.refused(); step?.refused(); },
    };
  }
  // KEDA and HPA: the HPA algorithm over Prometheus-shaped signals.
  const scrape = d.scrapeIntervalSeconds ?? 15;
  const window = p.metricWindowSeconds;
  const hpa = new HpaModel(
    Math.max(1, p.minReplicas),
    p.maxReplicas,
    { stabilizationWindowSeconds: p.scaleUp.stabilizationWindowSeconds, percent: p.scaleUp.maxPercentPerPeriod, pods: p.scaleUp.maxReplicasPerPeriod, periodSeconds: p.scaleUp.periodSeconds, selectPolicy: HpaSelectPolicy.MAX },
    { stabilizationWindowSeconds: p.scaleDown.stabilizationWindowSeconds, percent: p.scaleDown.maxPercentPerPeriod, pods: p.scaleDown.maxReplicasPerPeriod, periodSeconds: p.scaleDown.periodSeconds, selectPolicy: HpaSelectPolicy.MIN },
  );
  // Every policy starts warm (see replayDeployment): its HPA has been recommending the initial
  // replicas, so the scale-down window holds them from t = 0.
  if (initialReplicas > 0) hpa.seed(0, initialReplicas);
  // KEDA with minReplicaCount 0: its activation phase in front of an HPA with minReplicas 1.
  const keda = d.scaler === ReplayScalerKind.KEDA && p.minReplicas === 0 ? new KedaActivationModel(KEDA_COOLDOWN_PERIOD_SECONDS) : undefined;
  return {
    periodSeconds: HPA_SYNC_PERIOD_SECONDS,
    desired: (now, current, obs) => {
      if (keda !== undefined) {
        const active = prometheusRate(obs.generatedTokens, now, scrape, window) > p.activationTokensPerSecond || prometheusGauge(obs.waiting, now, scrape) > 0;
        return keda.apply(now, current, active, () => hpaFor(now, Math.max(1, current), obs));
      }
      return hpaFor(now, current, obs);
    },
  };
  function hpaFor(now: number, current: number, obs: ReplayObservations): number {
    {
      const readings: HpaMetricReading[] = [];
      const queueGuard = (): void => {
        if (d.queueDepthPerReplica !== undefined) readings.push({ total: prometheusGauge(obs.waiting, now, scrape), targetPerReplica: d.queueDepthPerReplica });
      };
      switch (kind) {
        case ReplayPolicyKind.TOKEN_WORK:
          readings.push({
            total: prometheusRate(obs.promptTokens, now, scrape, window) * w.promptSecondsPerToken + prometheusRate(obs.generatedTokens, now, scrape, window) * w.generatedSecondsPerToken,
            targetPerReplica: w.targetBusyFraction,
          });
          queueGuard();
          break;
        case ReplayPolicyKind.OUTPUT_TOKENS: {
          const cur = prometheusRate(obs.generatedTokens, now, scrape, window);
          // The predictive study term (KEDA only, see ReplayOptions.predictAheadStartupFraction).
          const ahead = predictAhead * d.startupSeconds;
          const total = ahead > 0 && d.scaler === ReplayScalerKind.KEDA ? Math.max(cur, predictLinearOfRate(obs.generatedTokens, now, scrape, window, PREDICT_RANGE_SECONDS, PREDICT_STEP_SECONDS, ahead)) : cur;
          readings.push({ total, targetPerReplica: p.targetTokensPerSecondPerReplica });
          }
          queueGuard();
          break;
        case ReplayPolicyKind.REQUEST_CONCURRENCY:
          readings.push({ total: prometheusGauge(obs.inFlight, now, scrape), targetPerReplica: Math.max(1, Math.round(conc * u)) });
          break;
        case ReplayPolicyKind.QUEUE_DEPTH:
          readings.push({ total: prometheusGauge(obs.waiting, now, scrape), targetPerReplica: QUEUE_DEPTH_PEER_TARGET });
          break;
        default:
          readings.push({ total: prometheusGauge(obs.kvUsage, now, scrape), targetPerReplica: u });
      }
      return hpa.sync(now, current, readings);
    }
  }
}

/** The p50 and p99 of the finite values, from one sort. */
function p50p99(values: Float64Array): [number, number] {
  // A typed array sorts numerically, without a comparator call per comparison.
  const finite = values.filter((v) => Number.isFinite(v)).sort();
  if (finite.length === 0) return [Number.NaN, Number.NaN];
  const at = (q: number): number => finite[Math.min(finite.length - 1, Math.floor(q * finite.length))]!;
  return [at(0.5), at(0.99)];
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * The replay's own numeric option, before anything is replayed: a non-negative prediction
 * fraction. The step budget is the engine's to check (`checkStepBudget`, in runEngine).
 */
function checkReplayOptions(options: ReplayOptions): void {
  const f = options.predictAheadStartupFraction;
  if (f !== undefined && !(Number.isFinite(f) && f >= 0)) {
    throw new InferenceConstructsError('PredictAheadInvalid', { prop: 'predictAheadStartupFraction', problem: 'the share of the start-up the predictive term looks ahead is not a non-negative number', received: f, allowed: 'a number >= 0 (0 turns the study term off; 1 looks one start-up ahead)', fix: 'pass e.g. --predict-ahead 0.5, or leave it out' });
  }
}

/** `value` as a {@link ReplayWarmStart}, or `WarmStartInvalid` naming `prop` (an option or a CLI flag). */
export function checkWarmStart(value: unknown, prop: string, fix: string): ReplayWarmStart {
  if ((Object.values(ReplayWarmStart) as unknown[]).includes(value)) return value as ReplayWarmStart;
  throw new InferenceConstructsError('WarmStartInvalid', { prop, problem: 'the warm start is not one the replay knows', received: String(value), allowed: Object.values(ReplayWarmStart).join(', '), fix });
}

/**
 * The engine's run for a warm start: the trace itself, measured from its first arrival, or
 * ({@link ReplayWarmStart.PRIOR_PASS}) the trace followed by a copy of it that starts at the
 * first whole minute after its last arrival, measured from that minute.
 */
export function warmUpPass(trace: RequestTrace, warmStart: ReplayWarmStart): { run: RequestTrace; measureFromSeconds: number } {
  if (checkWarmStart(warmStart, 'warmStart', 'pass ReplayWarmStart.PRIOR_PASS or ReplayWarmStart.OPENING_DEMAND, or leave it out') === ReplayWarmStart.OPENING_DEMAND) return { run: trace, measureFromSeconds: 0 };
  const shift = (Math.floor(trace.durationSeconds / 60) + 1) * 60;
  const requests: TraceRequest[] = trace.requests.slice();
  for (const r of trace.requests) requests.push({ arrivalSeconds: r.arrivalSeconds + shift, promptTokens: r.promptTokens, outputTokens: r.outputTokens });
  return { run: { name: trace.name, requests, durationSeconds: shift + trace.durationSeconds }, measureFromSeconds: shift };
}

/** The rate scale that fits a trace to a deployment (see {@link ReplayOptions.rateScale}). */
export function fitRateScale(d: ReplayDeployment, trace: RequestTrace): number {
  const profile = profileForPlan(d.plan);
  const demand = demandSeries(d.plan, profile, trace, Math.max(1, Math.ceil(trace.durationSeconds / 60)));
  const peak = Math.max(...demand);
  if (!(peak > 0)) return 1;
  return round((FIT_PEAK_SHARE * d.scalingPolicy.maxReplicas * d.plan.targetUtilization) / peak, 3);
}

/** Replay one deployment under every requested policy. */
export function replayDeployment(d: ReplayDeployment, rawTrace: RequestTrace, options: ReplayOptions = {}): ReplayResult[] {
  if (rawTrace.requests.length === 0) {
    throw new InferenceConstructsError('TraceInvalid', { prop: 'trace', problem: 'the trace has no requests', received: rawTrace.name, allowed: 'a trace with at least one request', fix: 'pass a non-empty trace' });
  }
  // Cost is charged over the trace's window (first to last arrival): a trace whose requests all
  // arrive at one instant has none, and would read as free for every policy.
  if (!(rawTrace.durationSeconds > 0)) {
    throw new InferenceConstructsError('TraceInvalid', {
      prop: 'trace',
      problem: `the trace spans no time: its ${rawTrace.requests.length} request(s) all arrive at the same instant, so there is no window to charge`,
      received: rawTrace.name,
      allowed: 'a trace whose last request arrives after its first (the Azure traces span an hour)',
      fix: 'replay a longer recording of the traffic',
    });
  }
  checkReplayOptions(options);
  const rateScale = options.rateScale ?? fitRateScale(d, rawTrace);
  const trace = rateScale === 1 ? rawTrace : scaleTraceRate(rawTrace, rateScale, options.seed ?? 1);
  const plan = d.plan;
  const profile = profileForPlan(plan);
  const targets = latencyTargetsForPlan(plan);
  const minutes = Math.max(1, Math.ceil(trace.durationSeconds / 60));
  // What the engine runs: the trace, or (PRIOR_PASS) the trace twice, measured on the second copy.
  const warmStart = options.warmStart ?? ReplayWarmStart.PRIOR_PASS;
  const pass = warmUpPass(trace, warmStart);
  const run = pass.run;
  const runMinutes = Math.max(1, Math.ceil(run.durationSeconds / 60));
  const fromMinute = pass.measureFromSeconds / 60;
  const demand = demandSeries(plan, profile, trace, minutes);
  const u = plan.targetUtilization;
  const staticReplicas = Math.max(d.scalingPolicy.minReplicas, 1, Math.ceil(Math.max(...demand) / u));
  // The run starts warm: every policy at the replicas the first five minutes need at the target
  // (under PRIOR_PASS that is the warm-up pass's start, not the measured hour's).
  const firstFive = demand.slice(0, 5);
  const initial = Math.min(d.scalingPolicy.maxReplicas, Math.max(d.scalingPolicy.minReplicas, 1, Math.ceil(Math.max(...firstFive) / u)));
  const def = d.defaultPolicy ?? ReplayPolicyKind.OUTPUT_TOKENS;
  // The servers run vLLM's default step size (lib/servers.ts renders no --max-num-batched-tokens):
  // on the conversation trace the TPOT-keeping budget (stepTokenBudget) lost more time to first
  // token than it saved per token (Llama 3.1 70B on g6e.12xlarge: 68 % of requests within both
  // targets at 764 tokens against 82 % at 2048), so it stays a replay option (--max-batched-tokens).
  const budget = options.maxBatchedTokens ?? VLLM_DEFAULT_MAX_NUM_BATCHED_TOKENS;
  const delays = { startupSeconds: d.startupSeconds, releaseSeconds: d.releaseSeconds };
  const holdWhileStarting = options.sageMakerHoldsWhileUpdating === true && d.scaler === ReplayScalerKind.SAGEMAKER;
  const n = trace.requests.length;
  // The measured requests are the run's last n.
  const first = run.requests.length - n;
  const attainmentOf = (r: EngineResult): { met: number; failed: number; attainment: number } => {
    let met = 0;
    let failed = 0;
    for (let i = first; i < first + n; i++) {
      if (r.failed[i]) { failed++; continue; }
      if (r.ttft[i] <= targets.ttftSeconds && r.tpot[i] <= targets.tpotSeconds) met++;
    }
    return { met, failed, attainment: met / Math.max(1, n - failed) };
  };
  const charge = { measureFromSeconds: pass.measureFromSeconds, chargeUntilSeconds: run.durationSeconds };
  const costOf = (r: EngineResult): number => (r.replicaSeconds * plan.cost.perReplicaHourUsd) / 3600;
  // The oracle: the cheapest clairvoyant schedule that meets the goal, replayed in the same engine.
  let oracle = { cost: Number.NaN, attainment: Number.NaN, headroom: 0 };
  // The oracle knows each minute's bursts, not only its mean.
  const burstDemand = options.oracle === false ? [] : burstDemandSeries(plan, profile, run, runMinutes, targets.ttftSeconds);
  const oracleAt = new Map<number, { cost: number; attainment: number; headroom: number }>();
  const tryHeadroom = (i: number): { cost: number; attainment: number; headroom: number } => {
    const known = oracleAt.get(i);
    if (known !== undefined) return known;
    const headroom = CLAIRVOYANT_HEADROOMS[i]!;
    const scaler = clairvoyantScaler(burstDemand, headroom, d.scalingPolicy.minReplicas, d.scalingPolicy.maxReplicas, d.startupSeconds, d.releaseSeconds);
    const r = runEngine({ plan, profile, targets, trace: run, scaler, delays, maxBatchedTokens: budget, initialReplicas: scaler.desired(0, 0, NO_OBSERVATIONS), ...charge, mixedSteps: d.mixedSteps === true, holdWhileStarting });
    const o = { cost: costOf(r), attainment: attainmentOf(r).attainment, headroom };
    oracleAt.set(i, o);
    return o;
  };
  if (options.oracle !== false) {
    // The floor first; else a bisection for the lowest headroom that meets the goal (attainment
    // rises with headroom), or the highest when none does.
    const last = CLAIRVOYANT_HEADROOMS.length - 1;
    const meets = (i: number): boolean => tryHeadroom(i).attainment >= ATTAINMENT_GOAL;
    const chosen = meets(0) ? 0 : !meets(last) ? last : firstHolding(0, last, meets);
    oracle = tryHeadroom(chosen);
  }
  const results: ReplayResult[] = [];
  const share = round(burstShare(plan, rawTrace), 3);
  const burstU = burstTargetUtilization(plan, rawTrace);
  let bound: number | undefined;
  for (const kind of options.policies ?? REPLAY_POLICIES) {
    const r = runEngine({
      plan, profile, targets, trace: run,
      scaler: scalerFor(d, kind, staticReplicas, options.predictAheadStartupFraction ?? 0, initial),
      delays,
      maxBatchedTokens: budget,
      initialReplicas: kind === ReplayPolicyKind.STATIC_PEAK ? staticReplicas : initial,
      ...charge, mixedSteps: d.mixedSteps === true, holdWhileStarting,
    });
    bound ??= oracleCost(plan, d.scalingPolicy.minReplicas, trace, targets, trace.durationSeconds);
    const { met: _met, failed, attainment } = attainmentOf(r);
    const [ttft50, ttft99] = p50p99(r.ttft.subarray(first, first + n));
    const [tpot50, tpot99] = p50p99(r.tpot.subarray(first, first + n));
    const cost = costOf(r);
    results.push({
      deployment: d.name,
      trace: trace.name,
      policy: kind,
      default: kind === def,
      rateScale,
      warmStart,
      requests: n,
      costUsd: round(cost, 4),
      replicaHours: round(r.replicaSeconds / 3600, 3),
      oracleCostUsd: round(oracle.cost, 4),
      oracleAttainment: round(oracle.attainment, 4),
      oracleHeadroom: oracle.headroom,
      boundCostUsd: round(bound, 4),
      stepTokenBudget: budget,
      efficiency: round(cost > 0 ? oracle.cost / cost : 0, 3),
      burstShare: share,
      burstTargetUtilization: burstU,
      targetUtilization: plan.targetUtilization,
      sloAttainment: round(attainment, 4),
      failedRequests: failed,
      ttftP50Seconds: round(ttft50, 3),
      ttftP99Seconds: round(ttft99, 3),
      tpotP50Seconds: round(tpot50, 4),
      tpotP99Seconds: round(tpot99, 4),
      scaleEvents: r.scaleEvents,
      replicasPerMinute: r.replicasPerMinute.slice(fromMinute, fromMinute + minutes).map((x) => round(x, 3)),
      demandPerMinute: demand.map((x) => round(x, 3)),
      ttftTargetSeconds: round(targets.ttftSeconds, 3),
      tpotTargetSeconds: round(targets.tpotSeconds, 4),
    });
  }
  return results;
}
