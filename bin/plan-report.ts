/**
 * Collects what the reference app planned, from its construct trees, for the plan report, and
 * replays the deployments that name a request trace.
 *
 * Duck-typed on purpose: SageMaker endpoints and inference components carry `plan` and
 * `scalingPolicy`; Kubernetes token scalers carry `policy` and a `target` with its `plan`.
 */
import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { IConstruct } from 'constructs';
import { parseAzureTrace, type RequestTrace } from '../lib/replay/trace.js';
import { renderReplayReport } from '../lib/replay/report.js';
import { replayDeployment, type ReplayOptions, type ReplayResult } from '../lib/replay/replay.js';
import { toReplayDeployment } from '../lib/replay/deployments.js';
import { type TargetFit, fitTargetUtilization } from '../lib/replay/fit.js';
import { type CapacityPlan } from '../lib/planner.js';
import { type PlannedDeployment } from '../lib/report.js';
import { type TokenScalingPolicy } from '../lib/scaling.js';

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

/** Options of {@link replaySection}: the replay's, and whether to fit each deployment's target on its trace. */
export interface ReplaySectionOptions extends ReplayOptions {
  /**
   * Fit each deployment's target utilisation on its trace (lib/replay/fit.ts, about seven more
   * replays of one policy) and print it beside the plan's own.
   * @default false
   */
  readonly fit?: boolean;
}

/** The replay section of the plan report and the SVG files it links to. */
export interface ReplaySection {
  /** Markdown to append to the plan report ('' when no deployment names a trace). */
  readonly markdown: string;
  /** SVG files to write beside the report: file name to content. */
  readonly svgs: { [fileName: string]: string };
}

/** A trace's name in the report: its file's base name, never its path. */
function traceName(path: string): string {
  return basename(path, extname(path));
}

/**
 * The replay section when the replay is off: what {@link replaySection} would replay (deployment
 * and trace name) and the CDK context key that turns it on.
 */
export function replayNotRunSection(deployments: readonly PlannedDeployment[], contextKey: string): string {
  const named = deployments
    .filter((d) => d.replayTrace !== undefined)
    .map((d) => `${d.name} on ${traceName(d.replayTrace!)}`)
    .sort();
  if (named.length === 0) return '';
  return [
    '## Replay',
    '',
    `Not run by this synth: \`cdk synth -c ${contextKey}=true\` replays the synthesized scaling policy of ${named.join(', ')} against the oracle and the peer policies, here and as SVG charts beside this report.`,
    '',
  ].join('\n');
}

/**
 * Replay the synthesized scaling policy of every deployment that names a trace
 * (`replayTrace`), against the oracle and the peer policies (lib/replay). The trace is read
 * relative to `baseDir` and named by its file's base name, never its path, so the section is the
 * same bytes on any checkout path. Each trace file is parsed once.
 */
export function replaySection(deployments: PlannedDeployment[], baseDir: string, options: ReplaySectionOptions = {}): ReplaySection {
  const traces = new Map<string, RequestTrace>();
  const results: ReplayResult[] = [];
  const fits: { [deployment: string]: TargetFit } = {};
  for (const d of [...deployments].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (d.replayTrace === undefined) continue;
    let trace = traces.get(d.replayTrace);
    if (trace === undefined) {
      trace = parseAzureTrace(readFileSync(join(baseDir, d.replayTrace), 'utf8'), traceName(d.replayTrace));
      traces.set(d.replayTrace, trace);
    }
    results.push(...replayDeployment(toReplayDeployment(d), trace, options));
    if (options.fit === true) fits[d.name] = fitTargetUtilization(d, trace, { rateScale: options.rateScale });
  }
  if (results.length === 0) return { markdown: '', svgs: {} };
  const { markdown, svgs } = renderReplayReport(results, fits);
  return { markdown, svgs };
}
