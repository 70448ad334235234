/**
 * From a planned deployment (what the plan report lists) to what the replay runs: which scaler
 * the platform renders, its scrape interval and guards, and how late capacity arrives.
 */
import type { PlannedDeployment } from '../report.js';
import { MODEL_SERVERS, startupProbeSeconds } from '../servers.js';
import { type ReplayDeployment, ReplayScalerKind } from './replay.js';

/**
 * Seconds from a scale-out decision to a running node: EC2 launch and kubelet registration,
 * which Karpenter / EKS Auto Mode and GKE node auto-provisioning bring to about a minute, or a
 * SageMaker instance joining the variant.
 * @see https://karpenter.sh/docs/reference/metrics/ (karpenter_nodes_... startup latency)
 */
export const NODE_LAUNCH_SECONDS = 60;
/**
 * Seconds to pull the model-server image on a fresh node: the vLLM, Neuron and JetStream images
 * are 5-10 GB compressed, pulled at a few hundred MB/s from ECR / Artifact Registry.
 */
export const IMAGE_PULL_SECONDS = 60;
/** Karpenter / EKS Auto Mode keep an empty node for the node pools' `consolidateAfter` (10m, `DEFAULT_CONSOLIDATE_AFTER`). */
export const EKS_RELEASE_SECONDS = 600;
/**
 * GKE's cluster autoscaler removes a node unneeded for 10 minutes (`scale-down-unneeded-time`).
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/cluster-autoscaler#scale-down
 */
export const GKE_RELEASE_SECONDS = 600;
/** SageMaker stops billing an instance when the variant releases it. */
export const SAGEMAKER_RELEASE_SECONDS = 0;
/** Scrape interval of the reference EKS charts (the AWS managed collector's default, 30 s). */
export const EKS_SCRAPE_SECONDS = 30;
/** Scrape interval of the PodMonitoring / PodMonitor that `ModelDeployment` renders, 15 s. */
export const DEFAULT_SCRAPE_SECONDS = 15;

/** How a planned deployment is scaled, where the plan report alone does not say. */
export interface ReplayDeploymentOptions {
  /** @default KEDA on EKS, HPA on GKE, SAGEMAKER on SageMaker */
  readonly scaler?: ReplayScalerKind;
  /** @default 30 on EKS, else 15 */
  readonly scrapeIntervalSeconds?: number;
  /** The KEDA queue-depth guard's waiting requests per replica. @default the plan's concurrent sequences on EKS, none elsewhere */
  readonly queueDepthPerReplica?: number;
}

/**
 * The replay's view of a planned deployment. Start-up: node launch + image pull + the server's
 * start-up estimate that the startup probes and SageMaker timeouts already use
 * (`startupProbeSeconds`: fixed overhead + weights at the load rate, rounded up to a minute).
 */
export function toReplayDeployment(d: PlannedDeployment, options: ReplayDeploymentOptions = {}): ReplayDeployment {
  const server = Object.values(MODEL_SERVERS).find((s) => s.displayName === d.server || s.name === d.server)
    ?? Object.values(MODEL_SERVERS).find((s) => (s.accelerators as readonly string[]).includes(d.plan.instance.acceleratorClass))
    ?? Object.values(MODEL_SERVERS)[0];
  const startupSeconds = NODE_LAUNCH_SECONDS + IMAGE_PULL_SECONDS + startupProbeSeconds(server, d.plan);
  const base = { name: d.name, plan: d.plan, scalingPolicy: d.scalingPolicy, startupSeconds };
  const scaler = options.scaler ?? (d.platform === 'SageMaker' ? ReplayScalerKind.SAGEMAKER : d.platform === 'EKS' ? ReplayScalerKind.KEDA : ReplayScalerKind.HPA);
  if (scaler === ReplayScalerKind.SAGEMAKER) {
    return {
      ...base,
      scaler,
      releaseSeconds: SAGEMAKER_RELEASE_SECONDS,
      // The endpoint's concurrency guard: planned sequences x target utilisation.
      concurrencyGuardPerReplica: Math.max(1, Math.round(d.plan.concurrentSequences * d.plan.targetUtilization)),
    };
  }
  const eks = d.platform === 'EKS';
  return {
    ...base,
    scaler,
    scrapeIntervalSeconds: options.scrapeIntervalSeconds ?? (eks ? EKS_SCRAPE_SECONDS : DEFAULT_SCRAPE_SECONDS),
    queueDepthPerReplica: options.queueDepthPerReplica ?? (eks ? d.plan.concurrentSequences : undefined),
    releaseSeconds: eks ? EKS_RELEASE_SECONDS : GKE_RELEASE_SECONDS,
  };
}
