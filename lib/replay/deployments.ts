/**
 * From a planned deployment (what the plan report lists) to what the replay runs: which scaler
 * the platform renders, its scrape interval and guards, and how late capacity arrives.
 */
import type { PlannedDeployment } from '../report.js';
import type { CapacityPlan } from '../planner.js';
import { MODEL_SERVERS, type ModelServerProfile, checkpointGiB, startupProbeSeconds } from '../servers.js';
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
 * Rate at which a fresh replica is EXPECTED to fetch its checkpoint, GiB/s: about 500 MB/s, the
 * rate the Hugging Face Hub's Python client reaches on a high-bandwidth network (the Rust
 * `hf_transfer` exists "to go beyond ~500MB/s on very high bandwidth network, where Python
 * cannot cap out the available bandwidth"). Every reference instance has more network
 * bandwidth than that (>= 10 Gbit/s). The startup probes keep their conservative
 * `WEIGHT_LOAD_GIB_PER_SECOND` (0.1 GiB/s, lib/servers.ts): a probe's budget is an upper
 * bound (too short restarts the load and never converges), not the time a scale-out waits.
 * @see https://github.com/huggingface/hf_transfer (README disclaimer)
 */
export const EXPECTED_WEIGHT_FETCH_GIB_PER_SECOND = 500e6 / 2 ** 30;

/**
 * The server's fixed start-up cost a scale-out pays on a FRESH node, seconds: the profile's
 * `startupOverheadSeconds`, which is also the expected cost, not only the probe's margin,
 * because every compile cache the servers render lives in the pod's own writable cache volume:
 * - NVIDIA GPU (vLLM, TGI): engine start, memory profiling and CUDA-graph capture, 1-3 min
 *   (180 s; vLLM v0.11 docs, conserving memory);
 * - Neuron: the model is compiled on start (1800 s), and the compiled NEFF cache is not reused
 *   across pods (aws-neuron-sdk #1368, vllm-neuron 0.21: "full recompile every cold start");
 * - Cloud TPU: XLA compiles every bucket on start, 10-30 min cold against 1-3 min with a warm
 *   cache (vllm-project/vllm PR #7533); a new pod's cache is cold, so 900 s (in that range).
 * @see https://docs.vllm.ai/en/v0.11.0/configuration/conserving_memory.html
 * @see https://github.com/aws-neuron/aws-neuron-sdk/issues/1368
 * @see https://github.com/vllm-project/vllm/pull/7533
 */
export function expectedServerStartSeconds(server: ModelServerProfile): number {
  return server.startupOverheadSeconds;
}

/**
 * Expected seconds from a scale-out decision to a ready replica: node launch + image pull +
 * the server's fixed start ({@link expectedServerStartSeconds}) + the checkpoint at
 * {@link EXPECTED_WEIGHT_FETCH_GIB_PER_SECOND}, rounded up to 30 s (the probes' granularity
 * is a minute; half a minute keeps the estimate from gaining a probe period).
 */
export function expectedStartupSeconds(server: ModelServerProfile, plan: CapacityPlan): number {
  const fetch = checkpointGiB(plan) / EXPECTED_WEIGHT_FETCH_GIB_PER_SECOND;
  return NODE_LAUNCH_SECONDS + IMAGE_PULL_SECONDS + Math.ceil((expectedServerStartSeconds(server) + fetch) / 30) * 30;
}

/** The server profile a planned deployment names (display name or name), else the first for its accelerator. */
export function serverForPlannedDeployment(d: PlannedDeployment): ModelServerProfile {
  return Object.values(MODEL_SERVERS).find((s) => s.displayName === d.server || s.name === d.server)
    ?? Object.values(MODEL_SERVERS).find((s) => (s.accelerators as readonly string[]).includes(d.plan.instance.acceleratorClass))
    ?? Object.values(MODEL_SERVERS)[0];
}

/**
 * The replay's view of a planned deployment. Start-up: the expected start-up
 * ({@link expectedStartupSeconds}); the startup-probe budget (`startupProbeSeconds`) is kept
 * beside it for the report, as the bound a replica may take before it is restarted.
 */
export function toReplayDeployment(d: PlannedDeployment, options: ReplayDeploymentOptions = {}): ReplayDeployment {
  const server = serverForPlannedDeployment(d);
  const startupSeconds = expectedStartupSeconds(server, d.plan);
  const startupBudgetSeconds = NODE_LAUNCH_SECONDS + IMAGE_PULL_SECONDS + startupProbeSeconds(server, d.plan);
  const base = { name: d.name, plan: d.plan, scalingPolicy: d.scalingPolicy, startupSeconds, startupBudgetSeconds, mixedSteps: server.mixesPrefillIntoDecode === true };
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
