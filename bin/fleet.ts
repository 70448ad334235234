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
import { ApiObject, App as K8sApp, type Chart } from 'cdk8s';
import { PrometheusSource } from '../constructs/k8s/token-scaler.js';
import { ACKNOWLEDGE_ANNOTATION } from '../lib/rules/engine.js';
import { InferenceConstructsError } from '../lib/errors.js';
import { renderPlanReport } from '../lib/report.js';
import { plannedDeployments } from './plan-report.js';
import { addEksReference } from './reference/eks.js';
import { addKubernetesReference } from './reference/k8s.js';
import { addSageMakerReference } from './reference/sagemaker.js';
import { TriggerAuthenticationKind } from '../constructs/k8s/token-scaler.js';

/**
 * Rule-pack findings on the reference fleet whose fix lives in a construct that is being changed,
 * acknowledged with the reason and the pending change (rule id -> workload name -> reason). The
 * acknowledgement is an annotation on the object (`inference-constructs.io/acknowledge`), so the
 * CDK plugin (charts the EKS stack deploys) and the cdk8s check (standalone charts) both see it.
 * Remove a line when its change lands: the rule then checks the object again.
 */
export const REFERENCE_ACKNOWLEDGEMENTS: { readonly [ruleId: string]: { readonly [workload: string]: string } } = {
  'IC-K8S-011': {
    'llama-3-1-8b':
      'init containers run to completion before the kubelet starts any probe of the app container (Kubernetes docs, Init ' +
      'Containers), so the 180 s weight download in download-weights does not count against the 1980 s startupProbe; the ' +
      'planned-startup-seconds annotation (constructs/k8s/model-deployment.ts) adds it, pending a change that annotates the ' +
      'server part only or that IC-K8S-011 subtracts the init download',
  },
  'IC-K8S-012': {
    'llama-3-1-70b':
      'the L40S pool holds 16 GPUs, the 4 replicas of 4 GPUs at maxReplicas without the surge pod of a rollout; pending the ' +
      'pool sizing that adds the surge pod (sizedFor in constructs/k8s/node-pools.ts, REFERENCE_L40S_DEVICES in bin/reference/eks.ts)',
    'llama-3-1-8b':
      'the standalone inferentia2 NodePool is sized for the 4 replicas at maxReplicas without the surge pod of a rollout; ' +
      'pending the pool sizing that adds the surge pod (sizedFor in constructs/k8s/node-pools.ts)',
  },
};

/** Workload kinds an acknowledgement applies to: the objects the acknowledged rules report. */
const ACKNOWLEDGED_KINDS = ['Deployment', 'LeaderWorkerSet'];

/**
 * Annotate the workloads of `charts` with the acknowledgements of {@link REFERENCE_ACKNOWLEDGEMENTS}
 * that a rule would report on them. Only charts whose workload has the finding get the line: an
 * acknowledgement the object does not need would hide a future finding.
 */
function acknowledge(charts: Chart[], which: (ruleId: string, chart: Chart, workload: string) => boolean): Chart[] {
  for (const chart of charts) {
    for (const obj of chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && ACKNOWLEDGED_KINDS.includes(c.kind))) {
      const reasons = Object.entries(REFERENCE_ACKNOWLEDGEMENTS)
        .filter(([id, byWorkload]) => byWorkload[obj.name] !== undefined && which(id, chart, obj.name))
        .map(([id, byWorkload]) => `${id}: ${byWorkload[obj.name]}`);
      if (reasons.length > 0) obj.metadata.addAnnotation(ACKNOWLEDGE_ANNOTATION, reasons.join('\n'));
    }
  }
  return charts;
}

/**
 * The cluster's own pools: the Inferentia2 pool holds the 8B surge pod, the L40S pool does not
 * hold the 70B one (IC-K8S-012 on llama-3-1-70b only); the Neuron start-up finding applies as in
 * the standalone chart.
 */
function acknowledgeDeployed(charts: Chart[]): Chart[] {
  return acknowledge(charts, (id, _chart, workload) => (id === 'IC-K8S-012' ? workload === 'llama-3-1-70b' : workload === 'llama-3-1-8b'));
}

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

  // Standalone manifests for any cluster. Both standalone EKS charts size their own pools
  // without the surge pod; only the Neuron one adds the init download to the planned start-up.
  const standalone = addKubernetesReference(k8s, { gcpProjectId });
  acknowledge(standalone.eks, (id, _chart, workload) => id === 'IC-K8S-012' || workload === 'llama-3-1-8b');

  if (wanted.includes('sagemaker')) addSageMakerReference(app, { env });
  if (wanted.includes('eks')) {
    // The same EKS workloads, deployed by the cluster: its pools, its managed Prometheus workspace.
    // They live in their own cdk8s app, rendered into the CloudFormation template only.
    const deployed = new K8sApp({ outdir: join(k8s.outdir, '.eks-deployed') });
    addEksReference(
      app,
      (cluster) =>
        acknowledgeDeployed(addKubernetesReference(deployed, {
          eksNodePools: false,
          eksExternalPools: cluster.acceleratorPools.map((p) => p.capacity()),
          eksPrometheus: PrometheusSource.amazonManagedPrometheus({
            region: cluster.metrics.awsRegion!,
            workspaceId: cluster.metrics.workspace!.attrWorkspaceId,
            triggerAuthentication: { kind: TriggerAuthenticationKind.CLUSTER_TRIGGER_AUTHENTICATION, name: cluster.metrics.kedaAuthentication!.name },
          }),
          eksScrapeIntervalSeconds: cluster.metrics.backend.scrapeIntervalSeconds,
          gcpProjectId,
        }).eks),
      { env },
    );
  }
  return {
    planReport: () =>
      renderPlanReport([...plannedDeployments(app), ...plannedDeployments(k8s)], { title: 'Inference capacity plan: reference fleet' }),
  };
}
