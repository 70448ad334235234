/**
 * Reference Kubernetes charts: the models this project serves on EKS (Inferentia2 and a
 * multi-GPU node) and on GKE (a TPU v5e slice), each with its token-throughput scaler, node
 * pool and metrics scrape.
 *
 * `bin/app.ts` adds these charts to its cdk8s app; the EKS charts are also deployed by the EKS
 * cluster construct, which may own the node pools itself (`eksNodePools: false`).
 */
import { App, Chart } from 'cdk8s';
import { AcceleratorNodePool } from '../../constructs/k8s/node-pools.js';
import { GkeAcceleratorComputeClass } from '../../constructs/k8s/compute-class.js';
import { MIN_SCRAPES_PER_RATE_WINDOW, PrometheusSource, TokenThroughputHpa, TokenThroughputScaler } from '../../constructs/k8s/token-scaler.js';
import { ModelDeployment } from '../../constructs/k8s/model-deployment.js';
import { PlacementCheck } from '../../constructs/k8s/placement-check.js';
import { ModelServer } from '../../lib/servers.js';
import { PoolCapacity } from '../../lib/placement.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { tokenScalingPolicy } from '../../lib/scaling.js';
import { Precision } from '../../lib/models.js';
import { CapacityType } from '../../constructs/k8s/node-pools.js';
import { KubernetesPlatform, ScrapeBackend } from '../../lib/platforms.js';
import { HpaMetricSource } from '../../constructs/k8s/token-scaler.js';

/** Options of {@link addKubernetesReference}. */
export interface KubernetesReferenceOptions {
  /**
   * Render the EKS node pools (NodePool, and EC2NodeClass in karpenter mode) in the EKS charts.
   * Turn off when the cluster construct owns the pools; pass their capacities as
   * `eksExternalPools` so the placement check still runs.
   * @default true
   */
  readonly eksNodePools?: boolean;
  /**
   * Pools owned elsewhere, checked against the EKS workloads at synth.
   * @default - none; with `eksNodePools: false` and no list, the EKS charts skip the placement
   *   check and leave it to the cluster construct that owns the pools
   */
  readonly eksExternalPools?: readonly PoolCapacity[];
  /**
   * How EKS nodes are provisioned.
   * @default KubernetesPlatform.EKS_AUTO_MODE
   */
  readonly eksNodeProvisioning?: KubernetesPlatform.EKS_AUTO_MODE | KubernetesPlatform.EKS_KARPENTER;
  /** EKS cluster name (karpenter mode: subnet and security-group discovery tag). @default 'inference' */
  readonly eksClusterName?: string;
  /** Karpenter node IAM role name (karpenter mode). @default 'KarpenterNodeRole-<cluster>' */
  readonly karpenterNodeRoleName?: string;
  /**
   * Where the EKS scalers query token metrics, e.g.
   * `PrometheusSource.amazonManagedPrometheus({ region, workspaceId, triggerAuthentication })`
   * (CDK tokens accepted when the EKS construct deploys the charts). EKS pods are scraped
   * through `prometheus.io/*` annotations, which both the AWS managed collector configuration
   * and the Prometheus community chart's `kubernetes-pods` job honour.
   * @default - the Prometheus community chart's server in the `monitoring` namespace
   */
  readonly eksPrometheus?: PrometheusSource;
  /**
   * Scrape interval of the EKS metrics backend, seconds (the rate window spans four scrapes).
   * @default - 30 for Amazon Managed Service for Prometheus (the managed collector
   *   configuration of the EKS cluster construct), 60 for any other source (the Prometheus
   *   community chart's `global.scrape_interval: 1m`)
   */
  readonly eksScrapeIntervalSeconds?: number;
  /**
   * Google Cloud project of the GKE cluster: KEDA queries Google Managed Prometheus there.
   * @default - a plain HPA on the GKE Custom Metrics Stackdriver Adapter (no project needed)
   */
  readonly gcpProjectId?: string;
  /** Secret (key `token`) with the Hugging Face token for the gated Llama and Gemma models. @default 'hf-token' */
  readonly huggingFaceTokenSecretName?: string;
  /** Namespace of the model workloads. @default 'inference' */
  readonly namespace?: string;
}

/**
 * Query endpoint of the Prometheus community chart (release `prometheus`, namespace
 * `monitoring`): its `prometheus-server` Service listens on port 80.
 * @see https://github.com/prometheus-community/helm-charts/blob/main/charts/prometheus/values.yaml
 */
export const IN_CLUSTER_PROMETHEUS = 'http://prometheus-server.monitoring.svc.cluster.local';
/** Scrape interval of the AWS managed collector configuration the EKS cluster construct deploys, seconds. */
const AMP_SCRAPE_INTERVAL_SECONDS = 30;
/**
 * Scrape interval of the Prometheus community chart: `server.global.scrape_interval: 1m` in its
 * values.yaml, which the `kubernetes-pods` job (the one reading `prometheus.io/*` annotations)
 * inherits. @see https://github.com/prometheus-community/helm-charts/blob/main/charts/prometheus/values.yaml
 */
const IN_CLUSTER_SCRAPE_INTERVAL_SECONDS = 60;
/** Replica ceiling of the reference workloads. */
const MAX_REPLICAS = 4;
/**
 * Replica floor of the reference workloads: two, so a node drift or expiry (EKS Auto Mode
 * replaces nodes on a new AMI about weekly) never takes a model down for a whole model load;
 * the PodDisruptionBudget lets one replica move at a time.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/create-node-pool.html
 */
const MIN_REPLICAS = 2;

/**
 * Add the reference charts to a cdk8s app.
 * @returns the EKS charts (Llama 3.1 8B on Inferentia2, Llama 3.1 70B on g6e.12xlarge, gpt-oss-120b
 *   on one H200 of a p5en.48xlarge, Qwen3-30B-A3B in FP8 on one L40S) and the GKE charts (Gemma 2 9B
 *   on TPU v5e 2x4, Qwen3-32B on TPU v6e 2x4)
 */
export function addKubernetesReference(app: App, options: KubernetesReferenceOptions = {}): { eks: Chart[]; gke: Chart[] } {
  const namespace = options.namespace ?? 'inference';
  const hfToken = { name: options.huggingFaceTokenSecretName ?? 'hf-token', key: 'token' };
  const provisioning = options.eksNodeProvisioning ?? KubernetesPlatform.EKS_AUTO_MODE;
  const platform = provisioning;
  const clusterName = options.eksClusterName ?? 'inference';
  const withPools = options.eksNodePools ?? true;
  const eksPrometheus = options.eksPrometheus ?? PrometheusSource.inCluster({ serverAddress: IN_CLUSTER_PROMETHEUS });
  const scrapeInterval =
    options.eksScrapeIntervalSeconds ?? (eksPrometheus.kind === 'amp' ? AMP_SCRAPE_INTERVAL_SECONDS : IN_CLUSTER_SCRAPE_INTERVAL_SECONDS);

  const eksChart = (id: string, model: string, plan: ReturnType<typeof planCapacity>, poolName: string) => {
    const chart = new Chart(app, id, { namespace, disableResourceNameHashes: true });
    const policy = tokenScalingPolicy(plan, {
      minReplicas: MIN_REPLICAS,
      maxReplicas: MAX_REPLICAS,
      metricWindowSeconds: MIN_SCRAPES_PER_RATE_WINDOW * scrapeInterval,
    });
    const server = new ModelDeployment(chart, 'Model', {
      plan,
      platform,
      huggingFaceTokenSecret: hfToken,
      scrapeBackend: ScrapeBackend.ANNOTATIONS,
      name: model,
    });
    new TokenThroughputScaler(chart, 'Scaler', {
      target: server,
      policy,
      prometheus: eksPrometheus,
      queueDepthPerReplica: plan.concurrentSequences,
      scrapeIntervalSeconds: scrapeInterval,
    });
    if (withPools) {
      // The pool reads the server's maximum replicas (the scaler's) and rollout surge from the
      // rendered manifests at synthesis.
      const pool = new AcceleratorNodePool(chart, 'Pool', {
        mode: provisioning,
        name: poolName,
        instanceTypes: [plan.instance.name],
        capacityTypes: [CapacityType.ON_DEMAND],
        ...(provisioning === KubernetesPlatform.EKS_KARPENTER
          ? { clusterName, nodeRoleName: options.karpenterNodeRoleName ?? `KarpenterNodeRole-${clusterName}` }
          : {}),
      });
      pool.addWorkload(server);
    }
    // Without pools here or a list of the cluster's pools, the cluster construct runs the
    // placement check itself (lib/placement.ts on the synthesized manifests).
    if (withPools || options.eksExternalPools) {
      new PlacementCheck(chart, 'Placement', { externalPools: [...(options.eksExternalPools ?? [])] });
    }
    return chart;
  };

  // Llama 3.1 8B on one Inferentia2 chip (2 NeuronCores, tensor parallel 2). inf2.8xlarge, not
  // inf2.xlarge: the Neuron loader holds the 15 GiB checkpoint in host RAM while it shards and
  // compiles (about twice its size), more than the 16 GiB inf2.xlarge (14162Mi allocatable).
  const inf2 = eksChart(
    'llama-3-1-8b-inf2',
    'llama-3-1-8b',
    // The server loads the checkpoint through host memory: the planner checks it fits the node.
    planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'inf2.8xlarge', modelServer: ModelServer.VLLM_NEURON }),
    'inferentia2',
  );
  // Llama 3.1 70B in FP8 on 4x L40S (g6e.12xlarge), tensor parallel 4.
  const gpu = eksChart(
    'llama-3-1-70b-gpu',
    'llama-3-1-70b',
    planCapacity({ model: modelPreset('llama-3-1-70b'), instanceType: 'g6e.12xlarge', precision: Precision.FP8 }),
    'nvidia-l40s',
  );
  // gpt-oss-120b in its native format (MXFP4 experts, BF16 elsewhere: ~61 GiB) on one H200
  // (141 GiB) of a p5en.48xlarge: one GPU per replica, eight replicas per node.
  const gptOss = eksChart(
    'gpt-oss-120b-h200',
    'gpt-oss-120b',
    planCapacity({ model: modelPreset('gpt-oss-120b'), instanceType: 'p5en.48xlarge', tensorParallelDegree: 1, modelServer: ModelServer.VLLM }),
    'nvidia-h200',
  );
  // Qwen3-30B-A3B in FP8 (quantized at load, native on Ada) on one L40S (g6e.xlarge). Not on
  // Neuron: the vLLM Neuron plugin for Trn2 has no Qwen3 MoE recipe (VLLM_NEURON_PLUGIN_MODELS),
  // and the pinned NxD Inference image's Qwen3 MoE support is not documented for its SDK.
  const qwenMoe = eksChart(
    'qwen3-30b-a3b-gpu',
    'qwen3-30b-a3b',
    planCapacity({ model: modelPreset('qwen3-30b-a3b'), instanceType: 'g6e.xlarge', precision: Precision.FP8, modelServer: ModelServer.VLLM }),
    'nvidia-l40s-1x',
  );

  // Gemma 2 9B on a TPU v5e 2x4 slice (one ct5lp-hightpu-8t host, 8 chips).
  const gke = new Chart(app, 'gemma-2-9b-tpu', { namespace, disableResourceNameHashes: true });
  const tpuPlan = planCapacity({
    model: modelPreset('gemma-2-9b'),
    tpuSlice: { accelerator: 'tpu-v5-lite-podslice', topology: '2x4' },
  });
  const tpuPolicy = tokenScalingPolicy(tpuPlan, { minReplicas: MIN_REPLICAS, maxReplicas: MAX_REPLICAS });
  const computeClass = new GkeAcceleratorComputeClass(gke, 'ComputeClass', {
    name: 'tpu-v5e-2x4',
    tpuSlice: tpuPlan.tpuSlice!,
  });
  const gemma = new ModelDeployment(gke, 'Model', {
    plan: tpuPlan,
    platform: KubernetesPlatform.GKE,
    huggingFaceTokenSecret: hfToken,
    scrapeBackend: ScrapeBackend.GOOGLE_MANAGED_PROMETHEUS,
    computeClassName: computeClass.name,
  });
  if (options.gcpProjectId) {
    new TokenThroughputScaler(gke, 'Scaler', {
      target: gemma,
      policy: tpuPolicy,
      prometheus: PrometheusSource.googleManagedPrometheus({ projectId: options.gcpProjectId }),
    });
  } else {
    new TokenThroughputHpa(gke, 'Scaler', { target: gemma, policy: tpuPolicy, metricSource: HpaMetricSource.GKE_STACKDRIVER_ADAPTER });
  }
  new PlacementCheck(gke, 'Placement');

  // Qwen3-32B (BF16, 65.5 GB) on a TPU v6e 2x4 slice (one ct6e-standard-8t host, 8 x 32 GiB).
  // tpu-inference v0.12.0 implements Qwen3 natively (tpu_inference/models/jax/qwen3.py).
  const v6e = new Chart(app, 'qwen3-32b-tpu', { namespace, disableResourceNameHashes: true });
  const v6ePlan = planCapacity({
    model: modelPreset('qwen3-32b'),
    tpuSlice: { accelerator: 'tpu-v6e-slice', topology: '2x4' },
    modelServer: ModelServer.VLLM_TPU,
  });
  const v6ePolicy = tokenScalingPolicy(v6ePlan, { minReplicas: MIN_REPLICAS, maxReplicas: MAX_REPLICAS });
  const v6eClass = new GkeAcceleratorComputeClass(v6e, 'ComputeClass', { name: 'tpu-v6e-2x4', tpuSlice: v6ePlan.tpuSlice! });
  const qwen = new ModelDeployment(v6e, 'Model', {
    plan: v6ePlan,
    platform: KubernetesPlatform.GKE,
    scrapeBackend: ScrapeBackend.GOOGLE_MANAGED_PROMETHEUS,
    computeClassName: v6eClass.name,
  });
  if (options.gcpProjectId) {
    new TokenThroughputScaler(v6e, 'Scaler', {
      target: qwen,
      policy: v6ePolicy,
      prometheus: PrometheusSource.googleManagedPrometheus({ projectId: options.gcpProjectId }),
    });
  } else {
    new TokenThroughputHpa(v6e, 'Scaler', { target: qwen, policy: v6ePolicy, metricSource: HpaMetricSource.GKE_STACKDRIVER_ADAPTER });
  }
  new PlacementCheck(v6e, 'Placement');

  return { eks: [inf2, gpu, gptOss, qwenMoe], gke: [gke, v6e] };
}
