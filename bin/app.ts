/**
 * The reference fleet. `npm run synth` writes:
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
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Environment } from 'aws-cdk-lib';
import { App as K8sApp, YamlOutputType } from 'cdk8s';
import { PrometheusSource } from '../constructs/k8s/index.js';
import { InferenceConstructsError, renderPlanReport } from '../lib/index.js';
import { plannedDeployments } from './plan-report.js';
import { addEksReference } from './reference/eks.js';
import { addKubernetesReference } from './reference/k8s.js';
import { addSageMakerReference } from './reference/sagemaker.js';

const STACKS = ['sagemaker', 'eks'] as const;

const app = new App();
const outdir = process.env.K8S_OUTDIR ?? 'dist';

function context(key: string): string | undefined {
  const v: unknown = app.node.tryGetContext(key);
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

const wanted = (context('stacks') ?? STACKS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
for (const s of wanted) {
  if (!(STACKS as readonly string[]).includes(s)) {
    throw new InferenceConstructsError('PropInvalid', {
      prop: 'context.stacks',
      problem: 'unknown stack in the reference fleet',
      received: s,
      allowed: [...STACKS],
      fix: 'pass -c stacks=sagemaker,eks or a subset',
    });
  }
}
const account = context('account');
const region = context('region');
const env: Environment | undefined = account || region ? { account, region } : undefined;
const gcpProjectId = context('gcpProjectId');

// Standalone manifests for any cluster: written to dist/.
const k8s = new K8sApp({ outdir, outputFileExtension: '.k8s.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
addKubernetesReference(k8s, { gcpProjectId });

if (wanted.includes('sagemaker')) addSageMakerReference(app, { env });
if (wanted.includes('eks')) {
  // The same EKS workloads, deployed by the cluster: its pools, its managed Prometheus workspace.
  // They live in their own cdk8s app, which is rendered into the CloudFormation template only.
  const deployed = new K8sApp({ outdir: join(outdir, '.eks-deployed') });
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

app.synth();

// Replace the previous manifests so renamed charts leave no stale file behind.
mkdirSync(outdir, { recursive: true });
for (const f of readdirSync(outdir)) if (f.endsWith('.k8s.yaml')) rmSync(join(outdir, f));
k8s.synth();
writeFileSync(
  join(outdir, 'inference-plan.md'),
  renderPlanReport([...plannedDeployments(app), ...plannedDeployments(k8s)], { title: 'Inference capacity plan: reference fleet' }),
);
