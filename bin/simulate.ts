/**
 * `npm run simulate -- --trace <file|synthetic[:seed]>[@<from>-<to>] [--fit-trace <same form>[,<another>...]] [--plan-shape trace|bursts|mean|rendered] [--deployment <name>] [--rate-scale <factor>] [--scale-out-minutes <n>] [--json] [--out <dir>]`
 *
 * Replays a request trace (Azure LLM inference CSV format) against every deployment of the
 * reference fleet (or the one named), under the library's default scaling policy and its peers,
 * and prints the table, each peer's fleet line, the goals line ({@link replayGoalsText}; the
 * goals are lib/replay/goals.ts) and, last, `replay: <trace> <policy> efficiency <e> attainment
 * <a>` for the default policy.
 * `--rate-scale` multiplies the arrival rate (requests are duplicated or thinned, seeded,
 * keeping the trace's duration); without it each deployment gets the trace fitted to it.
 * `@<from>-<to>` replays only the minutes from..to of a trace (lib/replay/trace.ts sliceTrace).
 * By default every deployment is planned at the target utilisation fitted on the replayed trace
 * (lib/replay/fit.ts); `--fit-trace` fits it on another trace instead, e.g. the first half hour
 * of the same traffic, to replay the second on targets it was not fitted on.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { App as K8sApp } from 'cdk8s';
import { InferenceConstructsError } from '../lib/errors.js';
import { MAX_SCALE_OUT_MINUTES, MAX_STABILIZATION_WINDOW_SECONDS, TARGET_TRACKING_SCALE_OUT_MINUTES } from '../lib/scaling.js';
import { type PlannedDeployment } from '../lib/report.js';
import { ATTAINMENT_GOAL, type ReplayDeployment, type ReplayResult, type ReplayWarmStart, checkWarmStart, replayDeployment } from '../lib/replay/replay.js';
import { parseAzureTrace, sliceTrace, syntheticTrace } from '../lib/replay/trace.js';
import { renderReplayReport, renderReplayTable } from '../lib/replay/report.js';
import { toReplayDeployment } from '../lib/replay/deployments.js';
import { plannedForTrace } from '../lib/replay/fit.js';
import { EFFICIENCY_GOAL, aggregateReplay, replayGoals } from '../lib/replay/goals.js';
import { plannedForBursts, plannedForShape, policyForPlan, traceRequestShape } from '../lib/replay/shape.js';
import type { RequestTrace } from '../lib/replay/trace.js';
import { type TextSink, reportingErrors } from './cli-errors.js';
import { plannedDeployments } from './plan-report.js';
import { addKubernetesReference } from './reference/k8s.js';
import { addSageMakerReference } from './reference/sagemaker.js';
import { compareStrings } from '../lib/private/compare.js';

/** How the replay plans each deployment for a trace (`--plan-shape`). */
export type ReplayPlanShape = 'trace' | 'bursts' | 'mean' | 'rendered';
/** Every `--plan-shape`. */
export const REPLAY_PLAN_SHAPES: ReplayPlanShape[] = ['trace', 'bursts', 'mean', 'rendered'];

/**
 * The reference fleet's deployments as the replay models them, each planned for `trace` as
 * `shape` says (see lib/replay/shape.ts and lib/replay/fit.ts): `trace`, its mean request shape
 * at the target utilisation fitted on it; `bursts`, its mean shape at the target its bursts leave;
 * `mean`, its mean shape at the rendered target; `rendered` (or no trace), the fleet's own plans.
 */
export function referenceReplayDeployments(trace?: RequestTrace, shape: ReplayPlanShape = 'trace', only?: string, alsoOn: RequestTrace[] = [], warmStart?: ReplayWarmStart, scaleOutMinutes?: number): ReplayDeployment[] {
  const app = new App();
  addSageMakerReference(app);
  const k8s = new K8sApp({ outdir: 'dist' });
  addKubernetesReference(k8s, {});
  const all: PlannedDeployment[] = [...plannedDeployments(app), ...plannedDeployments(k8s)];
  const found = only === undefined ? all : all.filter((d) => d.name === only);
  if (found.length === 0) {
    throw new InferenceConstructsError('ReplayDeploymentUnknown', { prop: '--deployment', problem: 'no reference deployment has that name', received: only, allowed: all.map((d) => d.name).sort(), fix: 'pass one of the names listed' });
  }
  const replanned = (rendered: PlannedDeployment): PlannedDeployment => {
    // `scaleOutMinutes` (--scale-out-minutes): the SageMaker endpoints' policy with it, before the fit.
    const d = scaleOutMinutes === undefined || rendered.platform !== 'SageMaker' ? rendered : { ...rendered, scalingPolicy: policyForPlan(rendered.plan, rendered.scalingPolicy, { scaleOutMinutes }) };
    if (trace === undefined || shape === 'rendered') return d;
    if (shape === 'trace') return plannedForTrace(d, trace, { alsoOn, warmStart });
    if (shape === 'bursts') return plannedForBursts(d, trace);
    return plannedForShape(d, traceRequestShape(trace));
  };
  return found.map((d) => toReplayDeployment(replanned(d))).sort((a, b) => compareStrings(a.name, b.name));
}

/**
 * A trace named on the command line: a CSV path or `synthetic[:seed[:hours]]`, optionally
 * followed by `@<from>-<to>`, the minutes of it to keep.
 */
export function traceFromSpec(spec: string, flag = '--trace'): RequestTrace {
  const at = spec.lastIndexOf('@');
  const source = at >= 0 ? spec.slice(0, at) : spec;
  const window = at >= 0 ? spec.slice(at + 1) : undefined;
  // `synthetic[:seed[:hours]]` is the seeded diurnal + bursts trace instead of a file (one hour,
  // or `hours` long: its one diurnal period spans the whole trace).
  const synthetic = /^synthetic(?::([^:]*)(?::(.*))?)?$/.exec(source);
  if (synthetic === null && !(existsSync(source) && statSync(source).isFile())) {
    const problem = existsSync(source) ? 'the trace path is not a file' : 'the trace file does not exist';
    throw new InferenceConstructsError('TraceInvalid', { prop: flag, problem, received: source, allowed: 'a path to an Azure LLM inference trace CSV, or synthetic[:seed[:hours]], optionally with @<from>-<to> minutes', fix: 'pass e.g. test/fixtures/traces/AzureLLMInferenceTrace_conv.csv or ...conv.csv@0-30' });
  }
  const seed = synthetic?.[1];
  const hours = synthetic?.[2];
  if (hours !== undefined && !(/^\d+(\.\d+)?$/.test(hours) && Number(hours) > 0)) {
    throw new InferenceConstructsError('TraceInvalid', { prop: flag, problem: 'the synthetic trace\'s length is not a positive number of hours', received: hours, allowed: 'synthetic:<seed>:<hours>, hours a number > 0', fix: 'pass e.g. synthetic:7:6 for six hours' });
  }
  const trace = synthetic !== null
    ? syntheticTrace({ seed: seed === undefined ? 7 : seed.trim() === '' ? Number.NaN : Number(seed), ...(hours === undefined ? {} : { durationSeconds: Math.round(Number(hours) * 3600) }) })
    : parseAzureTrace(readFileSync(source, 'utf8'), basename(source).replace(/\.csv$/, ''));
  if (window === undefined) return trace;
  const m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(window);
  if (m === null) {
    throw new InferenceConstructsError('TraceWindowInvalid', { prop: flag, problem: 'the window after @ is not <from>-<to> in minutes', received: window, allowed: 'two non-negative numbers of minutes, e.g. @0-30', fix: `pass ${source}@0-30 for the first half hour` });
  }
  return sliceTrace(trace, Number(m[1]) * 60, Number(m[2]) * 60);
}

/** `goals: efficiency >= 0.9 at >= 99 % attainment met; no peer cheaper at equal or better attainment missed (queue-depth)`. */
export function replayGoalsText(results: ReplayResult[]): string {
  const g = replayGoals(results);
  const peers = g.cheaperPeers.length === 0 ? 'met' : `missed (${g.cheaperPeers.join(', ')})`;
  return `goals: efficiency >= ${EFFICIENCY_GOAL} at >= ${ATTAINMENT_GOAL * 100} % attainment ${g.efficient ? 'met' : 'missed'}; no peer cheaper at equal or better attainment ${peers}`;
}

function main(argv: string[]): void {
  const arg = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const tracePath = arg('--trace');
  if (tracePath === undefined) {
    throw new InferenceConstructsError('TraceInvalid', { prop: '--trace', problem: 'no trace file given', received: argv.join(' '), allowed: 'a path to an Azure LLM inference trace CSV', fix: 'npm run simulate -- --trace test/fixtures/traces/AzureLLMInferenceTrace_conv.csv' });
  }
  const trace = traceFromSpec(tracePath);
  const scale = arg('--rate-scale');
  const rateScale = scale === undefined ? undefined : Number(scale);
  // `--plan-shape trace` (default): every deployment planned for the trace as a platform
  // engineer who recorded that traffic plans it: its mean prompt and output tokens, at the target
  // utilisation fitted on it (lib/replay/fit.ts), on the `--fit-trace` when one is given;
  // `bursts`: the mean shape at the target its bursts leave, without replaying it
  // (lib/replay/shape.ts plannedForBursts); `mean`: the mean shape only, at the rendered target
  // utilisation; `rendered`: the reference fleet's own plans (the planner's default shape).
  const planShape = (arg('--plan-shape') ?? 'trace') as ReplayPlanShape;
  if (!REPLAY_PLAN_SHAPES.includes(planShape)) {
    throw new InferenceConstructsError('ReplayPlanShapeInvalid', { prop: '--plan-shape', problem: `the plan shape is none of ${REPLAY_PLAN_SHAPES.join(', ')}`, received: planShape, allowed: REPLAY_PLAN_SHAPES, fix: 'pass --plan-shape trace (fit the target on the trace), bursts (the target its bursts leave), mean (its mean request shape) or rendered (the fleet as rendered)' });
  }
  // `--fit-trace a[,b...]`: the target keeps the goal on every one of them (the first gives the request shape).
  const fitSpec = arg('--fit-trace');
  const fitTraces = fitSpec === undefined ? [trace] : fitSpec.split(',').map((spec) => traceFromSpec(spec, '--fit-trace'));
  const planTrace = planShape === 'trace' ? fitTraces[0]! : trace;
  const shape = planShape === 'rendered' ? undefined : traceRequestShape(planTrace);
  // `--warm-start opening-demand`: every policy starts at the replicas the first five minutes
  // need, in one pass, instead of entering the measured pass after a first pass of the trace
  // (ReplayOptions.warmStart); the fit follows it.
  const warmSpec = arg('--warm-start');
  const warmStart = warmSpec === undefined ? undefined : checkWarmStart(warmSpec, '--warm-start', 'pass --warm-start prior-pass (the default) or opening-demand');
  // `--scale-out-minutes n`: every SageMaker endpoint replayed (and fitted) with
  // `scaling.scaleOutMinutes` n (step scaling above 3), to study it without changing the stacks.
  const scaleOut = arg('--scale-out-minutes');
  if (scaleOut !== undefined && !(/^\d+$/.test(scaleOut) && Number(scaleOut) >= TARGET_TRACKING_SCALE_OUT_MINUTES && Number(scaleOut) <= MAX_SCALE_OUT_MINUTES)) {
    throw new InferenceConstructsError('ScalingBehaviourInvalid', { prop: '--scale-out-minutes', problem: `the scale-out minutes are not a whole number from ${TARGET_TRACKING_SCALE_OUT_MINUTES} to ${MAX_SCALE_OUT_MINUTES}`, received: scaleOut, allowed: `an integer from ${TARGET_TRACKING_SCALE_OUT_MINUTES} (target tracking) to ${MAX_SCALE_OUT_MINUTES} (step scaling above ${TARGET_TRACKING_SCALE_OUT_MINUTES})`, fix: 'pass e.g. --scale-out-minutes 5' });
  }
  let deployments = referenceReplayDeployments(planShape === 'rendered' ? undefined : planTrace, planShape, arg('--deployment'), fitTraces.slice(1), warmStart, scaleOut === undefined ? undefined : Number(scaleOut));
  // `--target-scale f` replays every policy with its per-replica target x f (headroom for
  // start-up lag), to study the default's tuning without changing what the stacks render.
  const targetScale = arg('--target-scale');
  if (targetScale !== undefined) {
    const f = Number(targetScale);
    if (!(f > 0 && f <= 1)) {
      throw new InferenceConstructsError('TargetScaleOutOfRange', { prop: '--target-scale', problem: 'the target scale is not in (0, 1]', received: targetScale, allowed: 'a number in (0, 1]', fix: 'pass e.g. 0.8' });
    }
    deployments = deployments.map((d) => ({
      ...d,
      scalingPolicy: {
        ...d.scalingPolicy,
        targetTokensPerSecondPerReplica: d.scalingPolicy.targetTokensPerSecondPerReplica * f,
        tokenWork: { ...d.scalingPolicy.tokenWork, targetBusyFraction: d.scalingPolicy.tokenWork.targetBusyFraction * f },
      },
    }));
  }
  // `--scale-down-window s` replays every policy with that scale-down stabilisation (KEDA / HPA
  // window, SageMaker scale-in cooldown), to study holding capacity across lulls.
  const downWindow = arg('--scale-down-window');
  if (downWindow !== undefined) {
    const w = Number(downWindow);
    if (!(Number.isInteger(w) && w >= 0 && w <= MAX_STABILIZATION_WINDOW_SECONDS)) {
      throw new InferenceConstructsError('ScalingBehaviourInvalid', { prop: '--scale-down-window', problem: `the scale-down window is not a whole number of seconds from 0 to ${MAX_STABILIZATION_WINDOW_SECONDS}`, received: downWindow, allowed: `an integer from 0 to ${MAX_STABILIZATION_WINDOW_SECONDS} (the HPA limit)`, fix: 'pass e.g. 900' });
    }
    deployments = deployments.map((d) => ({ ...d, scalingPolicy: { ...d.scalingPolicy, scaleDown: { ...d.scalingPolicy.scaleDown, stabilizationWindowSeconds: w } } }));
  }
  const results: ReplayResult[] = [];
  // `--max-batched-tokens <n>` replays every step at vLLM's flag value instead of the TPOT budget.
  const batched = arg('--max-batched-tokens');
  const maxBatchedTokens = batched === undefined ? undefined : Number(batched);
  // `--predict-ahead f`: the KEDA predictive study term (ReplayOptions.predictAheadStartupFraction).
  const predict = arg('--predict-ahead');
  const predictAheadStartupFraction = predict === undefined ? undefined : Number(predict);
  // `--sagemaker-holds-while-updating`: the SageMaker study (ReplayOptions.sageMakerHoldsWhileUpdating).
  const sageMakerHoldsWhileUpdating = argv.includes('--sagemaker-holds-while-updating');
  for (const d of deployments) results.push(...replayDeployment(d, trace, { rateScale, maxBatchedTokens, predictAheadStartupFraction, sageMakerHoldsWhileUpdating, warmStart }));
  const outDir = arg('--out');
  if (outDir !== undefined) {
    // The report section and its pictures, as the plan report embeds them.
    const report = renderReplayReport(results);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, `replay-${trace.name}.md`), `${report.markdown}\n`);
    for (const [file, svg] of Object.entries(report.svgs)) writeFileSync(join(outDir, file), svg);
  }
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(results.map(({ replicasPerMinute: _r, demandPerMinute: _d, ...rest }) => rest), null, 2)}\n`);
    return;
  }
  for (const d of deployments) {
    const rs = results.filter((r) => r.deployment === d.name);
    process.stdout.write(`${d.name}: rate x${rs[0].rateScale}, ${rs[0].requests} requests, targets TTFT ${rs[0].ttftTargetSeconds} s TPOT ${rs[0].tpotTargetSeconds} s, target utilisation ${d.plan.targetUtilization}, start-up ${d.startupSeconds} s expected (probe budget ${d.startupBudgetSeconds ?? d.startupSeconds} s), step budget ${rs[0].stepTokenBudget} tokens\n`);
  }
  if (sageMakerHoldsWhileUpdating) process.stdout.write('study: SageMaker endpoints change no replica count while instances they asked for are starting (--sagemaker-holds-while-updating)\n');
  process.stdout.write(`${renderReplayTable(results)}\n`);
  const defaults = results.filter((x) => x.default);
  for (const r of defaults) {
    process.stdout.write(`replay: ${trace.name} ${r.policy} efficiency ${r.efficiency} attainment ${r.sloAttainment} deployment ${r.deployment}\n`);
  }
  // Every peer's fleet aggregate (to compare at equal attainment), then, last, the default's.
  for (const policy of [...new Set(results.map((x) => x.policy))]) {
    if (policy === defaults[0].policy) continue;
    const peer = aggregateReplay(results.filter((x) => x.policy === policy));
    process.stdout.write(`replay: ${trace.name} ${policy} (peer) efficiency ${peer.efficiency} attainment ${peer.attainment} ${belowGoalText(peer)}\n`);
  }
  process.stdout.write(`${replayGoalsText(results)}\n`);
  // Last line: the trace-level aggregate of the default policy over the fleet.
  const total = aggregateReplay(defaults);
  const how = planShape === 'trace' ? ` at targets fitted on ${fitTraces.map((t) => t.name).join(' and ')}` : planShape === 'bursts' ? ' and its bursts' : '';
  const planned = shape === undefined ? 'as rendered' : `for ${shape.inputTokens} in / ${shape.outputTokens} out tokens${how}`;
  process.stdout.write(`replay: ${trace.name} ${defaults[0].policy} efficiency ${total.efficiency} attainment ${total.attainment} ${belowGoalText(total)}, planned ${planned}\n`);
}

/** `below the 99 % goal on 1 of 7 deployments`. */
function belowGoalText(a: { belowGoal: number; deployments: number }): string {
  return `below the ${ATTAINMENT_GOAL * 100} % goal on ${a.belowGoal} of ${a.deployments} deployment${a.deployments === 1 ? '' : 's'}`;
}

/**
 * The command line: runs the replay and returns the exit status. A bad flag or trace (an error
 * of this library) is one line on stderr, `simulate: [Code] ...`, and status 1, not a stack.
 */
export function cli(argv: string[], stderr: TextSink = process.stderr): number {
  return reportingErrors('simulate', stderr, () => main(argv));
}

// Run only as the CLI, not when imported (the plan report and tests import the deployments).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = cli(process.argv.slice(2));
