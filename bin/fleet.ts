/**
 * The reference fleet that `bin/app.ts` synthesizes. `npm run synth` writes:
 * - cdk.out/: CloudFormation for the SageMaker Inferentia2 endpoint and the EKS cluster that runs
 *   the Kubernetes workloads (Inferentia2 and GPU pools, KEDA, managed Prometheus);
 * - dist/*.k8s.yaml: every chart as standalone manifests (the EKS workloads with their own
 *   NodePools and an in-cluster Prometheus, and the GKE TPU deployment);
 * - dist/inference-plan.md: the plan report reviewers read in pull requests.
 *
 * Platform choices come from CDK context (`cdk synth -c key=value` or cdk.json):
 * - `stacks`: comma-separated CDK stacks to include, from `sagemaker,eks` (default: both);
 * - `account` / `region`: pin the stacks to an environment (default: environment-agnostic, so
 *   synth needs no credentials);
 * - `gcpProjectId`: scale the GKE deployment with KEDA on Google Managed Prometheus in that
 *   project (default: an HPA on GKE's Custom Metrics Stackdriver Adapter);
 * - `inference-constructs:replay-trace`: `true` adds the trace replay to the plan report
 *   ({@link REPLAY_TRACE_CONTEXT}; default: off, the report says how to add it).
 */
import { join } from 'node:path';
import { App, type Environment } from 'aws-cdk-lib';
import { App as K8sApp } from 'cdk8s';
import { PrometheusSource } from '../constructs/k8s/token-scaler.js';
import { InferenceConstructsError } from '../lib/errors.js';
import { renderPlanReport, type PlannedDeployment } from '../lib/report.js';
import { plannedDeployments, replayNotRunSection, replaySection, type ReplaySection } from './plan-report.js';
import { addEksReference } from './reference/eks.js';
import { addKubernetesReference } from './reference/k8s.js';
import { addSageMakerReference } from './reference/sagemaker.js';
import { TriggerAuthenticationKind } from '../constructs/k8s/token-scaler.js';

/**
 * Deployments whose synthesized scaling policy the plan report replays against a request trace
 * (deployment name -> trace CSV, relative to the app's working directory): Llama 3.1 8B on
 * Inferentia2, whose mean request (1155 prompt + 211 output tokens) is the conversation trace's.
 * The full trace (19,365 requests at the fitted rate, six policies) adds about 1 s to a synth, so
 * it runs only with {@link REPLAY_TRACE_CONTEXT} set.
 */
export const REFERENCE_REPLAY_TRACES: { readonly [deployment: string]: string } = {
  'eks/inference/llama-3-1-8b': 'test/fixtures/traces/AzureLLMInferenceTrace_conv.csv',
};

/**
 * CDK context key that adds the trace replay to the plan report: `cdk synth -c
 * inference-constructs:replay-trace=true`. Without it the report's replay section names the
 * deployments and traces it would replay and this command, and no SVG is written.
 */
export const REPLAY_TRACE_CONTEXT = 'inference-constructs:replay-trace';

/** The reference fleet's plan report, with the replay section and the SVG files it links to. */
export interface FleetReport {
  /** The plan report's Markdown, the replay section last. */
  readonly markdown: string;
  /** SVG files to write beside the report: file name to content. */
  readonly svgs: { [fileName: string]: string };
}

/**
 * The parts of the reference fleet `-c stacks=` selects: the SageMaker stack, the EKS stack (with
 * the workloads it deploys) and the standalone manifests written to dist/. All by default.
 */
export const FLEET_STACKS = ['sagemaker', 'eks', 'manifests'] as const;

function context(app: App, key: string): string | undefined {
  const v: unknown = app.node.tryGetContext(key);
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

/** Whether {@link REPLAY_TRACE_CONTEXT} asks for the replay: `true` / `false` (a boolean or its string, as `-c` passes it). */
function replayRequested(app: App): boolean {
  const v = context(app, REPLAY_TRACE_CONTEXT);
  if (v === undefined || v === 'false') return false;
  if (v === 'true') return true;
  throw new InferenceConstructsError('ReplayTraceFlagInvalid', {
    prop: `context.${REPLAY_TRACE_CONTEXT}`,
    problem: 'the replay switch is neither true nor false',
    received: v,
    allowed: ['true', 'false'],
    fix: `pass -c ${REPLAY_TRACE_CONTEXT}=true to add the trace replay to the plan report, or leave it unset`,
  });
}

/**
 * Add the reference fleet to a CDK app (stacks) and a cdk8s app (standalone charts), reading the
 * platform choices from the CDK app's context.
 *
 * @param baseDir directory the replay traces ({@link REFERENCE_REPLAY_TRACES}) are read from
 * @returns the plan report (Markdown, and with `report` the replay's SVG files, none unless
 *   {@link REPLAY_TRACE_CONTEXT} is true); render it after both apps are built
 */
export function buildReferenceFleet(app: App, k8s: K8sApp, baseDir: string = process.cwd()): { planReport: () => string; report: () => FleetReport } {
  const wanted = (context(app, 'stacks') ?? FLEET_STACKS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of wanted) {
    if (!(FLEET_STACKS as readonly string[]).includes(s)) {
      throw new InferenceConstructsError('FleetStackUnknown', {
        prop: 'context.stacks',
        problem: 'unknown stack in the reference fleet',
        received: s,
        allowed: [...FLEET_STACKS],
        fix: 'pass -c stacks=sagemaker,eks,manifests or a subset',
      });
    }
  }
  const account = context(app, 'account');
  const region = context(app, 'region');
  const env: Environment | undefined = account || region ? { account, region } : undefined;
  const gcpProjectId = context(app, 'gcpProjectId');
  const replay = replayRequested(app);

  // Standalone manifests for any cluster, each EKS chart with its own pools.
  if (wanted.includes('manifests')) addKubernetesReference(k8s, { gcpProjectId });

  if (wanted.includes('sagemaker')) addSageMakerReference(app, { env });
  if (wanted.includes('eks')) {
    // The same EKS workloads, deployed by the cluster: its pools, its managed Prometheus workspace.
    // They live in their own cdk8s app, rendered into the CloudFormation template only.
    const deployed = new K8sApp({ outdir: join(k8s.outdir, '.eks-deployed') });
    addEksReference(
      app,
      (cluster) =>
        addKubernetesReference(deployed, {
          eksNodePools: false,
          eksExternalPools: cluster.acceleratorPools.map((p) => p.capacity()),
          eksPrometheus: PrometheusSource.amazonManagedPrometheus({
            region: cluster.metrics.awsRegion!,
            workspaceId: cluster.metrics.workspace!.attrWorkspaceId,
            triggerAuthentication: { kind: TriggerAuthenticationKind.CLUSTER_TRIGGER_AUTHENTICATION, name: cluster.metrics.kedaAuthentication!.name },
          }),
          eksScrapeIntervalSeconds: cluster.metrics.backend.scrapeIntervalSeconds,
          gcpProjectId,
        }).eks,
      { env },
    );
  }
  let built: FleetReport | undefined;
  const report = (): FleetReport => {
    if (built === undefined) {
      const deployments: PlannedDeployment[] = [...plannedDeployments(app), ...plannedDeployments(k8s)].map((d) =>
        REFERENCE_REPLAY_TRACES[d.name] === undefined ? d : { ...d, replayTrace: REFERENCE_REPLAY_TRACES[d.name] },
      );
      const plan = renderPlanReport(deployments, { title: 'Inference capacity plan: reference fleet' });
      const section: ReplaySection = replay ? replaySection(deployments, baseDir, { fit: true }) : { markdown: replayNotRunSection(deployments, REPLAY_TRACE_CONTEXT), svgs: {} };
      built = { markdown: section.markdown === '' ? plan : `${plan.replace(/\n*$/, '')}\n\n${section.markdown.replace(/\n*$/, '')}\n`, svgs: section.svgs };
    }
    return built;
  };
  return { planReport: () => report().markdown, report };
}
