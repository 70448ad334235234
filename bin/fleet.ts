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
 *   project (default: an HPA on GKE's Custom Metrics Stackdriver Adapter).
 */
import { join } from 'node:path';
import { App, type Environment } from 'aws-cdk-lib';
import { App as K8sApp } from 'cdk8s';
import { PrometheusSource } from '../constructs/k8s/index.js';
import { InferenceConstructsError, renderPlanReport } from '../lib/index.js';
import { plannedDeployments } from './plan-report.js';
import { addEksReference } from './reference/eks.js';
import { addKubernetesReference } from './reference/k8s.js';
import { addSageMakerReference } from './reference/sagemaker.js';

/** The CDK stacks the reference fleet can include. */
export const FLEET_STACKS = ['sagemaker', 'eks'] as const;

function context(app: App, key: string): string | undefined {
  const v: unknown = app.node.tryGetContext(key);
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

/**
 * Add the reference fleet to a CDK app (stacks) and a cdk8s app (standalone charts), reading the
 * platform choices from the CDK app's context.
 *
 * @returns the plan report's Markdown; render it after both apps are built
 */
export function buildReferenceFleet(app: App, k8s: K8sApp): { planReport: () => string } {
  const wanted = (context(app, 'stacks') ?? FLEET_STACKS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of wanted) {
    if (!(FLEET_STACKS as readonly string[]).includes(s)) {
      throw new InferenceConstructsError('PropInvalid', {
        prop: 'context.stacks',
        problem: 'unknown stack in the reference fleet',
        received: s,
        allowed: [...FLEET_STACKS],
        fix: 'pass -c stacks=sagemaker,eks or a subset',
      });
    }
  }
  const account = context(app, 'account');
  const region = context(app, 'region');
  const env: Environment | undefined = account || region ? { account, region } : undefined;
  const gcpProjectId = context(app, 'gcpProjectId');

  // Standalone manifests for any cluster, each EKS chart with its own pools.
  addKubernetesReference(k8s, { gcpProjectId });

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
            triggerAuthentication: { kind: 'ClusterTriggerAuthentication', name: cluster.metrics.kedaAuthentication!.name },
          }),
          eksScrapeIntervalSeconds: cluster.metrics.backend.scrapeIntervalSeconds,
          gcpProjectId,
        }).eks,
      { env },
    );
  }
  return {
    planReport: () =>
      renderPlanReport([...plannedDeployments(app), ...plannedDeployments(k8s)], { title: 'Inference capacity plan: reference fleet' }),
  };
}
