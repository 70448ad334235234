/**
 * Model-server profiles: which container serves a model on which accelerator, with pinned
 * image references, ports, health and metrics endpoints, the token counter to scale on, and
 * the server arguments derived from a capacity plan.
 *
 * Every image is pinned to a published tag (never `latest`); every flag, environment variable
 * and metric name is the pinned version's own, with the source cited beside it.
 */

import { type ErrorCode, InferenceConstructsError } from './errors.js';
import { BYTES_PER_WEIGHT, PRECISIONS, Precision } from './models.js';
import type { CapacityPlan } from './planner.js';
import { AcceleratorClass } from './accelerators.js';
import { isLatestImage } from './private/image-reference.js';
import { sortedByKey } from './private/compare.js';

/** Names of the pinned profiles (the keys of {@link MODEL_SERVERS}); the public choice is {@link ModelServer}. */
export type ModelServerName = 'vllm' | 'vllm-neuron' | 'vllm-neuron-plugin' | 'djl-lmi-neuronx' | 'vllm-tpu' | 'jetstream' | 'tgi';

/** The platforms a profile can be deployed on. */
export enum ServerPlatform {
  SAGEMAKER = 'sagemaker',
  KUBERNETES = 'kubernetes',
}

/** Where the token counter comes from and how to turn it into tokens/s. */
export interface TokenMetricSpec {
  /** Prometheus counter of generated (output) tokens, e.g. "vllm:generation_tokens_total". */
  readonly generatedTokensCounter: string;
  /** Label carrying the served model name on that counter, e.g. "model_name" (undefined when none). */
  readonly modelLabel?: string;
  /** Gauge of queued requests for an optional queue-depth trigger, e.g. "vllm:num_requests_waiting". */
  readonly queueDepthGauge?: string;
  /**
   * A regular expression over the server's log lines that captures generated tokens/s (one
   * capture group), for SageMaker where no Prometheus scrape exists. Undefined when the
   * server logs no throughput line.
   */
  readonly throughputLogPattern?: string;
  /** CloudWatch Logs metric-filter pattern for that line (space-delimited or JSON syntax). */
  readonly cloudWatchFilterPattern?: string;
  /** Name of the value field in cloudWatchFilterPattern, e.g. "$tps". */
  readonly cloudWatchValueField?: string;
  /**
   * True when `generatedTokensCounter` rises with every generated token, so that
   * `rate(counter[1m])` is the server's output tokens/s and can drive a token-throughput
   * scaler. False when the only token signal is recorded per finished request.
   */
  readonly tokenScalable: boolean;
  /** Why the signal is or is not suitable for token scaling, and what to scale on instead. */
  readonly note?: string;
}

/** A pinned SageMaker image: the DLC repository and its tag (the registry account comes from the region). */
export interface ServerImage {
  /** DLC repository name, e.g. "djl-inference". */
  readonly repository: string;
  /** Pinned image tag (never `latest`). */
  readonly tag: string;
}

/** A second container a model-server pod runs beside the server (an HTTP front end). */
export interface ServerSidecar {
  /** Container name. */
  readonly name: string;
  /** Pinned public image. */
  readonly image: string;
  /** Port the sidecar listens on. */
  readonly port: number;
}

/**
 * A model-server profile: what {@link ModelServer} wraps. The pinned ones are
 * `ModelServer.VLLM.profile`, ...; a profile of your own goes through {@link ModelServer.custom}.
 */
export interface ModelServerProfile {
  /**
   * Profile name (lower-case letters, digits and hyphens). The name of a pinned profile
   * (`vllm`, `tgi`, ...) renders that server's flags and environment.
   */
  readonly name: string;
  /** Human-readable name, e.g. "vLLM (NVIDIA GPU)". */
  readonly displayName: string;
  /**
   * The pinned server this profile is a variant of (another image or version of the same
   * server): its command-line flags, environment and host-memory loading apply. Only for a
   * profile whose `name` is not a pinned one.
   * @default - the pinned profile of the same name; none for another name (no flags, no environment)
   */
  readonly basedOn?: ModelServer;
  /** Accelerators the server runs on. */
  readonly accelerators: AcceleratorClass[];
  /** Pinned public image for Kubernetes (no `latest`), e.g. "vllm/vllm-openai:v0.x.y". */
  readonly kubernetesImage?: string;
  /**
   * Container command for Kubernetes, when the image's own entrypoint does not start the
   * server (undefined: keep the image entrypoint and pass only {@link serverArgs}).
   */
  readonly kubernetesCommand?: string[];
  /**
   * SageMaker image: the DLC repository and pinned tag; the registry account comes from
   * aws-cdk-lib's region facts (DLC repository account) at synth time.
   */
  readonly sagemakerImage?: ServerImage;
  /** Port the server listens on in Kubernetes. */
  readonly port: number;
  /**
   * Port the container listens on under SageMaker (SageMaker sends `/ping` and `/invocations`
   * to 8080). Undefined when the profile has no SageMaker image.
   */
  readonly sagemakerPort?: number;
  /** Health path in Kubernetes (startup / readiness / liveness probes). */
  readonly healthPath: string;
  /** Health path SageMaker probes (always `/ping`). Undefined when the profile has no SageMaker image. */
  readonly sagemakerHealthPath?: string;
  readonly metricsPath: string;
  /** Port serving `metricsPath` when it is not `port` (JetStream exports metrics on its own port). @default port */
  readonly metricsPort?: number;
  /**
   * A second container the pod needs beside the model server (JetStream's HTTP front end in
   * front of the gRPC model server). Undefined when the server speaks HTTP itself.
   */
  readonly httpSidecar?: ServerSidecar;
  readonly tokenMetric: TokenMetricSpec;
  /** Where the server writes (must be writable with a read-only root filesystem). */
  readonly writablePaths: string[];
  /** Precisions the server can serve (see {@link serverArgs} for how each maps to flags). */
  readonly precisions: Precision[];
  /**
   * Fixed start-up cost before the weights load, seconds: process start, graph capture or
   * ahead-of-time compilation. Used by {@link startupProbeSeconds}.
   */
  readonly startupOverheadSeconds: number;
  /**
   * Host memory the server needs while it loads, per GiB of checkpoint, for servers that read
   * the whole checkpoint into host RAM before the devices get it (Neuron: NxD Inference loads
   * and shards the state dict on the host, then compiles). Undefined when the weights stream
   * to the devices shard by shard (vLLM on CUDA / TPU, TGI). See {@link hostLoadGiB}.
   */
  readonly hostLoadPerCheckpointGiB?: number;
  /**
   * True when the server must be started from a local checkout of the weights rather than a
   * Hugging Face id (see the Neuron profile for why). Kubernetes renderers then download the
   * checkpoint in an init container and pass its path as the model.
   */
  readonly requiresLocalWeights?: boolean;
  /**
   * Prometheus gauges that count requests the server still has to finish (running and
   * waiting). A preStop hook polls them so the pod drains before the server gets SIGTERM.
   * Undefined when the server drains on SIGTERM itself.
   */
  readonly inFlightRequestGauges?: string[];
  /**
   * Environment every pod of a multi-host (Ray) replica needs, leader and workers alike.
   * Undefined when the profile has no multi-host launcher.
   */
  readonly multiHostRayEnvironment?: { readonly [name: string]: string };
  /**
   * Device kinds (catalogue `DeviceSpec.kind`) the profile runs on, where it is narrower than
   * its accelerator class (the vLLM Neuron plugin: Trainium2 only).
   * @default - every device of the accelerator classes
   */
  readonly devices?: string[];
  /**
   * Hugging Face ids the pinned server has a model implementation for, where it is a closed
   * list (the vLLM Neuron plugin's recipes).
   * @default - any model the server's architecture list accepts
   */
  readonly models?: string[];
  /** True when the server runs one replica pipelined across nodes (`--pipeline-parallel-size`). @default false */
  readonly pipelineParallel?: boolean;
  /**
   * True when the server batches prompt chunks into the same forward pass as the running
   * sequences' decode tokens (chunked prefill), so a mixed step takes its roofline
   * (`StepTime.mixedStepSeconds`); the replay times its steps so.
   * @default false - a prompt's prefill adds to the decode step it shares (separate prefill
   *   passes, as the planner's closed forms assume)
   */
  readonly mixesPrefillIntoDecode?: boolean;
  /** Source URL for image, flags and metric names. */
  readonly source: string;
}

// ---------------------------------------------------------------------------------------------
// Pinned images
// ---------------------------------------------------------------------------------------------

/**
 * vLLM OpenAI-compatible server for NVIDIA GPUs. v0.11.0 is the release the vLLM Docker guide
 * builds on (`FROM vllm/vllm-openai:v0.11.0`).
 * @see https://hub.docker.com/r/vllm/vllm-openai/tags
 * @see https://github.com/vllm-project/vllm/blob/275de34170654274616082721348b7edd9741d32/docs/deployment/docker.md
 */
export const VLLM_OPENAI_IMAGE = 'vllm/vllm-openai:v0.11.0';

/**
 * SageMaker Large Model Inference (LMI) container, DJL Serving 0.33.0 with vLLM 0.8.4 on
 * CUDA 12.8 (LMI V15, released 2025-04-17).
 * @see https://github.com/deepjavalibrary/djl-serving/blob/master/serving/docs/lmi/release_notes.md
 * @see https://github.com/aws/deep-learning-containers/blob/master/available_images.md#large-model-inference-containers
 */
export const LMI_VLLM_SAGEMAKER_IMAGE = Object.freeze({ repository: 'djl-inference', tag: '0.33.0-lmi15.0.0-cu128' });

/**
 * SageMaker LMI container for Inferentia2 / Trainium: DJL Serving 0.30.0 with Neuron SDK 2.20.1.
 * @see https://github.com/deepjavalibrary/djl-serving/blob/master/serving/docs/lmi/README.md
 * @see https://github.com/aws/deep-learning-containers/blob/master/available_images.md#large-model-inference-containers
 */
export const LMI_NEURONX_SAGEMAKER_IMAGE = Object.freeze({ repository: 'djl-inference', tag: '0.30.0-neuronx-sdk2.20.1' });

/**
 * AWS Neuron Deep Learning Container with vLLM 0.9.1 on Neuron SDK 2.26.0 (NxD Inference
 * backend), published on the public ECR gallery.
 * @see https://gallery.ecr.aws/neuron/pytorch-inference-vllm-neuronx
 * @see https://github.com/aws-neuron/deep-learning-containers
 */
export const VLLM_NEURON_IMAGE = 'public.ecr.aws/neuron/pytorch-inference-vllm-neuronx:0.9.1-neuronx-py311-sdk2.26.0-ubuntu22.04';

/**
 * AWS Neuron Deep Learning Container with the vLLM Neuron plugin (vllm-neuron 0.21.0.1.0.0 on
 * vLLM 0.21, Neuron SDK 2.31): models implemented on torch-neuronx / NKI without NxD
 * Inference; "compatible with Trn2 and Trn3 instances only, and requires the vLLM 0.21+ DLC"
 * (Neuron DLC quickstart, v2.31.1). Inferentia2 stays on {@link VLLM_NEURON_IMAGE}.
 * @see https://gallery.ecr.aws/neuron/pytorch-inference-vllm-neuronx
 * @see https://github.com/vllm-project/vllm-neuron
 */
export const VLLM_NEURON_PLUGIN_IMAGE = 'public.ecr.aws/neuron/pytorch-inference-vllm-neuronx:0.21.0.1.0.0-neuronx-py313-sdk2.31.0-ubuntu24.04';

/**
 * Models the vLLM Neuron plugin has recipes for on Trn2 (Neuron docs, vLLM Neuron model
 * recipes and the feature / model matrix of 2026-07-14): GPT-OSS 20B / 120B, Qwen3-32B (dense),
 * Llama 3 1B / 8B / 70B. Qwen3 MoE (30B-A3B, 235B-A22B) has no recipe.
 * @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/libraries/vllm-neuron/index.html
 */
export const VLLM_NEURON_PLUGIN_MODELS: string[] = Object.freeze([
  'openai/gpt-oss-20b',
  'openai/gpt-oss-120b',
  'Qwen/Qwen3-32B',
  'meta-llama/Llama-3.2-1B-Instruct',
  'meta-llama/Llama-3.1-8B-Instruct',
  'meta-llama/Llama-3.1-70B-Instruct',
]) as string[];

/**
 * Seconds the plugin may compile a graph and run a step: its quickstart raises both from the
 * 600 s default ("GPT-OSS compilation can exceed the default 600-second budget").
 * @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/libraries/vllm-neuron/quickstart-online.html
 */
export const VLLM_NEURON_PLUGIN_TIMEOUT_SECONDS = 1200;

/**
 * vLLM for Cloud TPU (JAX / tpu-inference backend).
 * @see https://hub.docker.com/r/vllm/vllm-tpu/tags
 * @see https://docs.vllm.ai/projects/tpu/en/latest/
 */
export const VLLM_TPU_IMAGE = 'vllm/vllm-tpu:v0.12.0';

/**
 * JetStream MaxText engine (gRPC on 9000) and the JetStream HTTP front end (8000), the pair
 * the GKE "Serve Gemma using TPUs on GKE with JetStream" tutorial deploys.
 * @see https://cloud.google.com/kubernetes-engine/docs/tutorials/serve-gemma-tpu-jetstream
 * @see https://github.com/AI-Hypercomputer/JetStream
 */
export const JETSTREAM_MAXENGINE_IMAGE = 'us-docker.pkg.dev/cloud-tpu-images/inference/maxengine-server:v0.2.2';
/** @see JETSTREAM_MAXENGINE_IMAGE */
export const JETSTREAM_HTTP_IMAGE = 'us-docker.pkg.dev/cloud-tpu-images/inference/jetstream-http:v0.2.2';

/**
 * Hugging Face Text Generation Inference 3.3.4 (the release its README runs).
 * @see https://github.com/huggingface/text-generation-inference/pkgs/container/text-generation-inference
 * @see https://github.com/huggingface/text-generation-inference/blob/main/README.md
 */
export const TGI_IMAGE = 'ghcr.io/huggingface/text-generation-inference:3.3.4';

// ---------------------------------------------------------------------------------------------
// Ports, paths, metrics
// ---------------------------------------------------------------------------------------------

/** vLLM's default `--port`. @see https://docs.vllm.ai/en/v0.11.0/cli/serve.html */
export const VLLM_PORT = 8000;
/**
 * SageMaker sends `/ping` and `/invocations` to port 8080 of the container.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html
 */
export const SAGEMAKER_CONTAINER_PORT = 8080;
/** SageMaker's health-check path. @see https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html */
export const SAGEMAKER_HEALTH_PATH = '/ping';
/**
 * TGI listens on 80 in its image (`PORT=80`); a pod that runs without root cannot bind it,
 * so the profile passes `--port 8080`.
 * @see https://huggingface.co/docs/text-generation-inference/reference/launcher#port
 */
export const TGI_PORT = 8080;
/** JetStream HTTP front end port (GKE tutorial `containerPort: 8000`). */
export const JETSTREAM_HTTP_PORT = 8000;
/** JetStream maxengine `prometheus_port` used by the GKE tutorials' PodMonitoring. */
export const JETSTREAM_METRICS_PORT = 9100;

/**
 * The throughput line vLLM's logging stat logger prints (V0 engine
 * `vllm/engine/metrics.py` LoggingStatLogger, V1 engine `vllm/v1/metrics/loggers.py`): both
 * contain `Avg generation throughput: <x> tokens/s,`. The capture group is generated tokens/s
 * averaged over the logging interval (5 s in V0, 10 s in the V1 API server).
 * @see https://github.com/vllm-project/vllm/blob/v0.8.4/vllm/engine/metrics.py
 * @see https://github.com/vllm-project/vllm/blob/v0.11.0/vllm/v1/metrics/loggers.py
 */
export const VLLM_THROUGHPUT_LOG_PATTERN = 'Avg generation throughput: ([0-9]+(?:\\.[0-9]+)?) tokens/s';

/**
 * CloudWatch Logs space-delimited filter for vLLM's V0 engine throughput line, which is the
 * line the pinned SageMaker LMI images print (see {@link LMI_VLLM_SAGEMAKER_IMAGE}: the
 * profile sets `VLLM_USE_V1=0`; the Neuron LMI image ships a V0-only vLLM). The V0 format is
 *
 *   "Avg prompt throughput: %.1f tokens/s, Avg generation throughput: %.1f tokens/s, "
 *   "Running: %d reqs, Swapped: %d reqs, Pending: %d reqs, GPU KV cache usage: %.1f%%, "
 *   "CPU KV cache usage: %.1f%%."
 *
 * Counted from the end of the line, the generated tokens/s value is the 21st field from the
 * right: `tps`, then 20 fixed fields (`tokens/s,` `Running:` n `reqs,` `Swapped:` n `reqs,`
 * `Pending:` n `reqs,` `GPU` `KV` `cache` `usage:` x% `CPU` `KV` `cache` `usage:` x%.). The
 * pattern anchors on the end because the start of the line carries prefixes that vary (vLLM's
 * logger prefix, and in LMI DJL Serving's `W-<pid>-<model>-stdout:` relay from the Python
 * worker, `PyProcess.ReaderThread`). A space-delimited pattern may hold one `...`.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 * @see https://github.com/deepjavalibrary/djl-serving/blob/master/engines/python/src/main/java/ai/djl/python/engine/PyProcess.java
 */
export const VLLM_V0_CLOUDWATCH_FILTER_PATTERN =
  '[..., avg="Avg", generation="generation", throughput="throughput:", tps, tps_unit="tokens/s,", ' +
  'running_label="Running:", running, running_unit="reqs,", swapped_label="Swapped:", swapped, swapped_unit="reqs,", ' +
  'pending_label="Pending:", pending, pending_unit="reqs,", gpu="GPU", gpu_kv="KV", gpu_cache="cache", gpu_usage_label="usage:", gpu_usage, ' +
  'cpu="CPU", cpu_kv="KV", cpu_cache="cache", cpu_usage_label="usage:", cpu_usage]';

/** The value field of {@link VLLM_V0_CLOUDWATCH_FILTER_PATTERN}. */
export const VLLM_CLOUDWATCH_VALUE_FIELD = '$tps';

const VLLM_METRICS_SOURCE = 'https://docs.vllm.ai/en/v0.11.0/design/metrics.html';

const VLLM_TOKEN_METRIC: TokenMetricSpec = Object.freeze({
  // Prometheus client exports the counter `vllm:generation_tokens` with the `_total` suffix.
  generatedTokensCounter: 'vllm:generation_tokens_total',
  modelLabel: 'model_name',
  queueDepthGauge: 'vllm:num_requests_waiting',
  throughputLogPattern: VLLM_THROUGHPUT_LOG_PATTERN,
  tokenScalable: true,
  note: `rate(vllm:generation_tokens_total[1m]) is output tokens/s (${VLLM_METRICS_SOURCE})`,
});

const VLLM_SAGEMAKER_TOKEN_METRIC: TokenMetricSpec = Object.freeze({
  ...VLLM_TOKEN_METRIC,
  cloudWatchFilterPattern: VLLM_V0_CLOUDWATCH_FILTER_PATTERN,
  cloudWatchValueField: VLLM_CLOUDWATCH_VALUE_FIELD,
  note:
    'on Kubernetes: rate(vllm:generation_tokens_total[1m]); on SageMaker: the engine logs ' +
    '"Avg generation throughput" every 5 s while it is busy (no line when idle: treat missing data as 0)',
});

// ---------------------------------------------------------------------------------------------
// Start-up time
// ---------------------------------------------------------------------------------------------

/**
 * Rate at which weights reach the accelerator, GiB/s: download from the Hugging Face Hub or
 * S3 plus loading into device memory. 0.1 GiB/s (~107 MB/s) is a conservative single-process
 * figure (one safetensors shard stream per worker, well below an instance's network
 * bandwidth): a probe that gives up too early restarts the load and never converges, one that
 * waits too long only delays the first failure report.
 * @see https://huggingface.co/docs/huggingface_hub/guides/download
 */
export const WEIGHT_LOAD_GIB_PER_SECOND = 0.1;

/**
 * SageMaker's upper bound for `ContainerStartupHealthCheckTimeoutInSeconds` and
 * `ModelDataDownloadTimeoutInSeconds` (60 to 3600).
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html
 */
export const SAGEMAKER_MAX_STARTUP_TIMEOUT_SECONDS = 3600;
/** SageMaker's lower bound for the same two timeouts. */
export const SAGEMAKER_MIN_STARTUP_TIMEOUT_SECONDS = 60;

// Fixed start-up costs. vLLM on CUDA: engine start, profiling run and CUDA-graph capture take
// one to three minutes (https://docs.vllm.ai/en/v0.11.0/configuration/conserving_memory.html).
// Neuron: the first start compiles the model ahead of time, tens of minutes for 8B-70B models
// (https://awsdocs-neuron.readthedocs-hosted.com/en/latest/libraries/nxd-inference/developer_guides/vllm-user-guide.html).
// TPU: XLA precompiles every batch / sequence bucket on start
// (https://docs.vllm.ai/projects/tpu/en/latest/).
const GPU_STARTUP_OVERHEAD_SECONDS = 180;
const NEURON_STARTUP_OVERHEAD_SECONDS = 1800;
const TPU_STARTUP_OVERHEAD_SECONDS = 900;

/**
 * Host RAM per GiB of checkpoint while a Neuron server loads: NxD Inference materialises the
 * state dict on the host and shards / converts it there before the compiled model is loaded,
 * so the host holds roughly two copies. The same rule the SageMaker reference applies
 * (SageMaker JumpStart hosts Llama 3.1 8B on Neuron from ml.inf2.8xlarge, 128 GiB, not the
 * 16 GiB ml.inf2.xlarge).
 * @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/libraries/nxd-inference/developer_guides/vllm-user-guide.html
 */
export const NEURON_HOST_LOAD_PER_CHECKPOINT_GIB = 2;

/**
 * vLLM's gauges of requests in flight (V1 engine, `vllm/v1/metrics/loggers.py`): a replica
 * is drained when both are 0.
 * @see https://docs.vllm.ai/en/v0.11.0/design/metrics.html
 */
export const VLLM_IN_FLIGHT_GAUGES: string[] = Object.freeze(['vllm:num_requests_running', 'vllm:num_requests_waiting']) as string[];

/**
 * tpu-inference picks its executor from `TPU_MULTIHOST_BACKEND`, not from
 * `--distributed-executor-backend`: unset, it forces the single-process executor
 * (`tpu_inference/platforms/tpu_platform.py` `check_and_update_config`: "if not
 * multihost_backend: # Single host ... distributed_executor_backend = 'uni'"); only `ray`
 * selects its RayDistributedExecutor. Its multi-host launcher
 * (`scripts/multihost/run_cluster.sh`) sets `TPU_MULTIHOST_BACKEND=ray` and `JAX_PLATFORMS=''`
 * on the head and on every worker.
 * @see https://github.com/vllm-project/tpu-inference/blob/v0.12.0/tpu_inference/platforms/tpu_platform.py
 */
export const TPU_MULTIHOST_RAY_ENVIRONMENT: { readonly [name: string]: string } = Object.freeze({
  JAX_PLATFORMS: '',
  TPU_MULTIHOST_BACKEND: 'ray',
});

// ---------------------------------------------------------------------------------------------
// Profiles
// ---------------------------------------------------------------------------------------------

/** vLLM OpenAI server entrypoint, present in every vLLM image whatever its own entrypoint. */
const VLLM_API_SERVER_COMMAND = Object.freeze(['python3', '-m', 'vllm.entrypoints.openai.api_server']) as string[];

/** Every model-server profile, keyed by name. */
export const MODEL_SERVERS: Readonly<Record<ModelServerName, ModelServerProfile>> = Object.freeze({
  vllm: Object.freeze({
    name: 'vllm',
    displayName: 'vLLM (NVIDIA GPU)',
    accelerators: Object.freeze([AcceleratorClass.NVIDIA_GPU]) as AcceleratorClass[],
    kubernetesImage: VLLM_OPENAI_IMAGE,
    kubernetesCommand: VLLM_API_SERVER_COMMAND,
    sagemakerImage: LMI_VLLM_SAGEMAKER_IMAGE,
    port: VLLM_PORT,
    sagemakerPort: SAGEMAKER_CONTAINER_PORT,
    healthPath: '/health',
    sagemakerHealthPath: SAGEMAKER_HEALTH_PATH,
    metricsPath: '/metrics',
    tokenMetric: VLLM_SAGEMAKER_TOKEN_METRIC,
    // HF hub cache and vLLM / torch.compile caches live under ~/.cache, usage stats under
    // ~/.config/vllm, Triton kernels under ~/.triton (image runs as root, HOME=/root).
    writablePaths: Object.freeze(['/root/.cache', '/root/.config', '/root/.triton', '/tmp']) as string[],
    // fp4: pre-quantized NVFP4 / MXFP4 checkpoints (gpt-oss experts), read from config.json.
    // @see https://docs.vllm.ai/en/v0.11.0/features/quantization/supported_hardware.html
    precisions: Object.freeze([Precision.BF16, Precision.FP16, Precision.FP8, Precision.INT8, Precision.INT4, Precision.FP4]) as Precision[],
    startupOverheadSeconds: GPU_STARTUP_OVERHEAD_SECONDS,
    inFlightRequestGauges: VLLM_IN_FLIGHT_GAUGES,
    // Pipeline parallelism across nodes runs on a Ray cluster spanning the group; the CUDA
    // platform honours --distributed-executor-backend ray without extra environment.
    // @see https://docs.vllm.ai/en/v0.11.0/serving/parallelism_scaling.html
    multiHostRayEnvironment: Object.freeze({}),
    pipelineParallel: true,
    // V1 engine: "In V1, chunked prefill is enabled by default whenever possible"; prompt
    // chunks share a step's token budget with the decode tokens.
    // @see https://docs.vllm.ai/en/v0.11.0/configuration/optimization.html
    mixesPrefillIntoDecode: true,
    source: 'https://docs.vllm.ai/en/v0.11.0/configuration/engine_args.html',
  }),
  'vllm-neuron': Object.freeze({
    name: 'vllm-neuron',
    displayName: 'vLLM on AWS Neuron (Inferentia2)',
    accelerators: Object.freeze([AcceleratorClass.INFERENTIA2]) as AcceleratorClass[],
    kubernetesImage: VLLM_NEURON_IMAGE,
    kubernetesCommand: VLLM_API_SERVER_COMMAND,
    port: VLLM_PORT,
    healthPath: '/health',
    metricsPath: '/metrics',
    tokenMetric: VLLM_TOKEN_METRIC,
    // Neuron persistent compile cache defaults to /var/tmp/neuron-compile-cache.
    writablePaths: Object.freeze(['/root/.cache', '/root/.config', '/tmp', '/var/tmp']) as string[],
    precisions: Object.freeze([Precision.BF16, Precision.FP16]) as Precision[],
    startupOverheadSeconds: NEURON_STARTUP_OVERHEAD_SECONDS,
    hostLoadPerCheckpointGiB: NEURON_HOST_LOAD_PER_CHECKPOINT_GIB,
    // Started from a Hugging Face id, the Neuron vLLM loader
    // (`vllm/model_executor/model_loader/neuronx_distributed.py` in aws-neuron/upstreaming-to-vllm)
    // calls AutoModelForCausalLM.from_pretrained(id) in host RAM and save_pretrained() into
    // `local-models/<id>` relative to its working directory (the image's WORKDIR /opt/vllm),
    // and compiles into `local-models/<id>/neuron-compiled-artifacts/<hash>`. From a local
    // path it reads the checkpoint in place and compiles to NEURON_COMPILED_ARTIFACTS ("If
    // NEURON_COMPILED_ARTIFACTS is not set, we will compile the model and store it under a
    // neuron-compiled-artifacts subdirectory in the directory of your model checkpoint").
    requiresLocalWeights: true,
    inFlightRequestGauges: VLLM_IN_FLIGHT_GAUGES,
    source: 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/libraries/nxd-inference/developer_guides/vllm-user-guide.html',
  }),
  'vllm-neuron-plugin': Object.freeze({
    name: 'vllm-neuron-plugin',
    displayName: 'vLLM Neuron plugin (Trainium2)',
    accelerators: Object.freeze([AcceleratorClass.INFERENTIA2]) as AcceleratorClass[],
    devices: Object.freeze(['trainium2']) as string[],
    models: VLLM_NEURON_PLUGIN_MODELS,
    kubernetesImage: VLLM_NEURON_PLUGIN_IMAGE,
    kubernetesCommand: VLLM_API_SERVER_COMMAND,
    port: VLLM_PORT,
    healthPath: '/health',
    metricsPath: '/metrics',
    tokenMetric: VLLM_TOKEN_METRIC,
    // VLLM_CACHE_ROOT holds the NEFF cache ($VLLM_CACHE_ROOT/neuron/compile_cache); it defaults
    // under ~/.cache/vllm.
    writablePaths: Object.freeze(['/root/.cache', '/root/.config', '/tmp', '/var/tmp']) as string[],
    // The plugin's matrix: static FP8 weights ❌ on GPT-OSS and Qwen3-VL, MX formats Trn3 only;
    // BF16 (with an FP8 KV cache) is what it serves on Trn2.
    precisions: Object.freeze([Precision.BF16]) as Precision[],
    startupOverheadSeconds: NEURON_STARTUP_OVERHEAD_SECONDS,
    hostLoadPerCheckpointGiB: NEURON_HOST_LOAD_PER_CHECKPOINT_GIB,
    inFlightRequestGauges: VLLM_IN_FLIGHT_GAUGES,
    source: 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/libraries/vllm-neuron/quickstart-online.html',
  }),
  'djl-lmi-neuronx': Object.freeze({
    name: 'djl-lmi-neuronx',
    displayName: 'DJL Serving LMI for Neuron (Inferentia2, SageMaker)',
    accelerators: Object.freeze([AcceleratorClass.INFERENTIA2]) as AcceleratorClass[],
    sagemakerImage: LMI_NEURONX_SAGEMAKER_IMAGE,
    // The LMI container serves on 8080 whatever the platform; it runs only on SageMaker here.
    port: SAGEMAKER_CONTAINER_PORT,
    sagemakerPort: SAGEMAKER_CONTAINER_PORT,
    healthPath: SAGEMAKER_HEALTH_PATH,
    sagemakerHealthPath: SAGEMAKER_HEALTH_PATH,
    metricsPath: '/metrics',
    tokenMetric: Object.freeze({
      ...VLLM_SAGEMAKER_TOKEN_METRIC,
      note:
        'with OPTION_ROLLING_BATCH=vllm the vLLM engine logs "Avg generation throughput" every 5 s while busy; ' +
        'the Prometheus counter is not reachable on SageMaker',
    }),
    writablePaths: Object.freeze(['/tmp', '/var/tmp']) as string[],
    precisions: Object.freeze([Precision.BF16, Precision.FP16]) as Precision[],
    startupOverheadSeconds: NEURON_STARTUP_OVERHEAD_SECONDS,
    hostLoadPerCheckpointGiB: NEURON_HOST_LOAD_PER_CHECKPOINT_GIB,
    source: 'https://github.com/deepjavalibrary/djl-serving/blob/master/serving/docs/lmi/user_guides/tnx_user_guide.md',
  }),
  'vllm-tpu': Object.freeze({
    name: 'vllm-tpu',
    displayName: 'vLLM on Cloud TPU',
    accelerators: Object.freeze([AcceleratorClass.TPU]) as AcceleratorClass[],
    kubernetesImage: VLLM_TPU_IMAGE,
    kubernetesCommand: VLLM_API_SERVER_COMMAND,
    port: VLLM_PORT,
    healthPath: '/health',
    metricsPath: '/metrics',
    tokenMetric: VLLM_TOKEN_METRIC,
    // XLA compilation cache (VLLM_XLA_CACHE_PATH) defaults under ~/.cache/vllm.
    writablePaths: Object.freeze(['/root/.cache', '/root/.config', '/tmp']) as string[],
    precisions: Object.freeze([Precision.BF16]) as Precision[],
    startupOverheadSeconds: TPU_STARTUP_OVERHEAD_SECONDS,
    inFlightRequestGauges: VLLM_IN_FLIGHT_GAUGES,
    multiHostRayEnvironment: TPU_MULTIHOST_RAY_ENVIRONMENT,
    source: 'https://cloud.google.com/kubernetes-engine/docs/tutorials/serve-vllm-tpu',
  }),
  jetstream: Object.freeze({
    name: 'jetstream',
    displayName: 'JetStream MaxText (Cloud TPU)',
    accelerators: Object.freeze([AcceleratorClass.TPU]) as AcceleratorClass[],
    kubernetesImage: JETSTREAM_MAXENGINE_IMAGE,
    port: JETSTREAM_HTTP_PORT,
    healthPath: '/healthcheck',
    metricsPath: '/metrics',
    metricsPort: JETSTREAM_METRICS_PORT,
    httpSidecar: Object.freeze({ name: 'jetstream-http', image: JETSTREAM_HTTP_IMAGE, port: JETSTREAM_HTTP_PORT }),
    tokenMetric: Object.freeze({
      // A histogram's _sum, observed once per finished request with its output length.
      generatedTokensCounter: 'jetstream_request_output_length_sum',
      queueDepthGauge: 'jetstream_prefill_backlog_size',
      tokenScalable: false,
      note:
        'JetStream has no per-token counter: jetstream_request_output_length is observed when a request finishes, ' +
        'so its rate lags load by a whole generation and is absent from older releases; scale on ' +
        'jetstream_prefill_backlog_size or jetstream_slots_used_percentage, or serve with vllm-tpu',
    }),
    writablePaths: Object.freeze(['/tmp']) as string[],
    precisions: Object.freeze([Precision.BF16]) as Precision[],
    startupOverheadSeconds: TPU_STARTUP_OVERHEAD_SECONDS,
    source: 'https://github.com/AI-Hypercomputer/JetStream/blob/main/jetstream/core/metrics/prometheus.py',
  }),
  tgi: Object.freeze({
    name: 'tgi',
    displayName: 'Hugging Face Text Generation Inference (NVIDIA GPU)',
    accelerators: Object.freeze([AcceleratorClass.NVIDIA_GPU]) as AcceleratorClass[],
    kubernetesImage: TGI_IMAGE,
    port: TGI_PORT,
    healthPath: '/health',
    metricsPath: '/metrics',
    tokenMetric: Object.freeze({
      // tgi_request_generated_tokens is a histogram: its _sum counts generated tokens of
      // finished requests.
      generatedTokensCounter: 'tgi_request_generated_tokens_sum',
      queueDepthGauge: 'tgi_queue_size',
      tokenScalable: true,
      note: 'rate(tgi_request_generated_tokens_sum[1m]) counts tokens when each request finishes (lags by one generation)',
    }),
    // The image sets HF_HOME / HUGGINGFACE_HUB_CACHE to /data.
    writablePaths: Object.freeze(['/data', '/tmp']) as string[],
    precisions: Object.freeze([Precision.BF16, Precision.FP16, Precision.FP8, Precision.INT8, Precision.INT4]) as Precision[],
    startupOverheadSeconds: GPU_STARTUP_OVERHEAD_SECONDS,
    source: 'https://huggingface.co/docs/text-generation-inference/reference/metrics',
  }),
} satisfies Record<ModelServerName, ModelServerProfile>);

/** Every profile name, in a stable order. */
export const MODEL_SERVER_NAMES: readonly ModelServerName[] = Object.freeze(Object.keys(MODEL_SERVERS) as ModelServerName[]);

/**
 * The pinned server whose flags and environment a profile renders: its `basedOn` server, else
 * its own name (a pinned name, or another name that renders none).
 */
export function serverEngine(server: ModelServerProfile): string {
  return server.basedOn !== undefined ? serverEngine(server.basedOn.profile) : server.name;
}

// ---------------------------------------------------------------------------------------------
// Look-ups
// ---------------------------------------------------------------------------------------------

function modelServerUnknown(name: string): InferenceConstructsError {
  return new InferenceConstructsError('ModelServerUnknown', {
    prop: 'modelServer',
    problem: 'no model-server profile has that name',
    received: name,
    allowed: MODEL_SERVER_NAMES,
    fix: 'use one of the listed names (ModelServer.names()), or ModelServer.custom() for a profile of your own',
  });
}

/**
 * The default server for an accelerator class: vLLM on NVIDIA GPUs (both platforms); on
 * Inferentia2 DJL LMI on SageMaker and vLLM on Kubernetes; on TPU vLLM on Kubernetes (TPU has
 * no SageMaker: throws ModelServerUnsupported).
 */
export function defaultModelServer(accelerator: AcceleratorClass, platform: ServerPlatform): ModelServerProfile {
  switch (accelerator) {
    case AcceleratorClass.NVIDIA_GPU:
      return MODEL_SERVERS.vllm;
    case AcceleratorClass.INFERENTIA2:
      return platform === ServerPlatform.SAGEMAKER ? MODEL_SERVERS['djl-lmi-neuronx'] : MODEL_SERVERS['vllm-neuron'];
    case AcceleratorClass.TPU:
      if (platform === ServerPlatform.SAGEMAKER) {
        throw new InferenceConstructsError('ModelServerUnsupported', {
          prop: 'platform',
          problem: 'SageMaker does not host TPU accelerators',
          received: platform,
          allowed: 'kubernetes (GKE) for tpu',
          fix: 'deploy TPU models on GKE, or plan on an NVIDIA GPU or Inferentia2 instance for SageMaker',
        });
      }
      return MODEL_SERVERS['vllm-tpu'];
    default:
      throw new InferenceConstructsError('ModelServerUnsupported', {
        prop: 'accelerator',
        problem: 'no model server is known for the accelerator class',
        received: accelerator,
        allowed: ['nvidia-gpu', 'inferentia2', 'tpu'],
        fix: 'plan on an instance of a supported accelerator class',
      });
  }
}

/**
 * The default server for a catalogue device on a platform: {@link defaultModelServer} of its
 * class, except Trainium2 on Kubernetes, which gets the vLLM Neuron plugin (the Neuron DLC
 * quickstart: the plugin DLC is for Trn2 / Trn3; Inferentia2 stays on NxD Inference).
 */
export function defaultModelServerForDevice(accelerator: AcceleratorClass, deviceKind: string, platform: ServerPlatform): ModelServerProfile {
  if (accelerator === AcceleratorClass.INFERENTIA2 && platform === ServerPlatform.KUBERNETES && deviceKind === 'trainium2') return MODEL_SERVERS['vllm-neuron-plugin'];
  return defaultModelServer(accelerator, platform);
}

/** Throws ModelServerUnsupported when the server does not run on the device or has no implementation of the model. */
export function assertServerRuns(server: ModelServerProfile, plan: CapacityPlan): void {
  assertServerSupports(server, plan.instance.acceleratorClass);
  const kind = plan.instance.device.kind;
  if (server.devices !== undefined && !server.devices.includes(kind)) {
    throw new InferenceConstructsError('ModelServerUnsupported', {
      prop: 'modelServer',
      problem: `model server "${server.name}" runs on ${server.devices.join(', ')} only, not on ${plan.instance.device.displayName}`,
      received: server.name,
      allowed: MODEL_SERVER_NAMES.filter((n) => MODEL_SERVERS[n].accelerators.includes(plan.instance.acceleratorClass) && (MODEL_SERVERS[n].devices ?? [kind]).includes(kind)),
      fix: `leave the server unset for the default of ${plan.instance.name}, or plan on ${server.devices.join(' / ')}`,
    });
  }
  if (server.models !== undefined && !server.models.includes(plan.model.huggingFaceId)) {
    throw new InferenceConstructsError('ModelServerUnsupported', {
      prop: 'modelServer',
      problem: `model server "${server.name}" has no implementation of ${plan.model.huggingFaceId}`,
      received: plan.model.huggingFaceId,
      allowed: server.models,
      fix: 'plan the model on another device (e.g. an NVIDIA GPU), or pick one of the listed models',
    });
  }
  if (plan.pipelineParallelDegree > 1 && server.pipelineParallel !== true) {
    throw new InferenceConstructsError('PipelineParallelUnsupported', {
      prop: 'modelServer',
      problem: `the plan pipelines a replica over ${plan.pipelineParallelDegree} nodes and model server "${server.name}" cannot`,
      received: server.name,
      allowed: MODEL_SERVER_NAMES.filter((n) => MODEL_SERVERS[n].pipelineParallel === true),
      fix: 'serve it with vllm, or plan on a node that holds the model (a larger instance or a lower precision)',
    });
  }
}

/** Throws ModelServerUnsupported when the server does not run on the plan's accelerator. */
export function assertServerSupports(server: ModelServerProfile, accelerator: AcceleratorClass): void {
  if (!server.accelerators.includes(accelerator)) {
    throw new InferenceConstructsError('ModelServerUnsupported', {
      prop: 'modelServer',
      problem: `model server "${server.name}" does not run on ${accelerator}`,
      received: server.name,
      allowed: MODEL_SERVER_NAMES.filter((n) => MODEL_SERVERS[n].accelerators.includes(accelerator)),
      fix: `pick a server for ${accelerator}, or leave the server unset for the default`,
    });
  }
}

/** Throws ModelServerUnsupported when the server cannot run on the platform (no image for it). */
export function assertServerPlatform(server: ModelServerProfile, platform: ServerPlatform): void {
  const has = platform === ServerPlatform.SAGEMAKER ? server.sagemakerImage !== undefined : server.kubernetesImage !== undefined;
  if (!has) {
    throw new InferenceConstructsError('ModelServerUnsupported', {
      prop: 'modelServer',
      problem: `model server "${server.name}" has no ${platform} image`,
      received: server.name,
      allowed: MODEL_SERVER_NAMES.filter((n) =>
        platform === ServerPlatform.SAGEMAKER ? MODEL_SERVERS[n].sagemakerImage !== undefined : MODEL_SERVERS[n].kubernetesImage !== undefined,
      ),
      fix: `pick a server with a ${platform} image, or leave the server unset for the default`,
    });
  }
}

/**
 * Throws ModelServerUnsupported when the server exports no per-token counter a
 * token-throughput scaler can rate (JetStream), naming what to scale on instead.
 */
export function assertTokenScalable(server: ModelServerProfile): void {
  if (!server.tokenMetric.tokenScalable) {
    throw new InferenceConstructsError('ModelServerUnsupported', {
      prop: 'modelServer',
      problem: `model server "${server.name}" exports no generated-token counter to scale on`,
      received: server.name,
      allowed: MODEL_SERVER_NAMES.filter((n) => MODEL_SERVERS[n].tokenMetric.tokenScalable),
      fix: server.tokenMetric.note ?? 'scale on the server\'s queue gauge, or pick a server with a token counter',
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Arguments and environment
// ---------------------------------------------------------------------------------------------

/** Options for {@link serverArgs}. */
export interface ServerArgsOptions {
  /**
   * Name the server reports in its API and on the token counter's model label.
   * @default the plan's model name (plan.model.name)
   */
  readonly servedModelName?: string;
  /**
   * Where the weights are, instead of the Hugging Face id: a local path (mounted volume) for
   * vLLM / TGI; the MaxText checkpoint (gs://...) for JetStream, where it is required.
   * @default the model's Hugging Face id (JetStream: none, required)
   */
  readonly modelPath?: string;
  /** JetStream only: MaxText model name (e.g. "gemma-7b", "llama3.1-8b"). Required for JetStream. */
  readonly maxTextModelName?: string;
  /** JetStream only: tokenizer path inside the image or on GCS (e.g. "assets/tokenizer.gemma"). Required for JetStream. */
  readonly tokenizerPath?: string;
}

function precisionUnsupported(server: ModelServerProfile, precision: Precision, fix: string): InferenceConstructsError {
  return new InferenceConstructsError('PrecisionUnsupported', {
    prop: 'precision',
    problem: `model server "${server.name}" cannot serve ${precision} weights`,
    received: precision,
    allowed: server.precisions,
    fix,
  });
}

/** `--dtype` value for 16-bit compute: fp16 models keep float16, everything else bfloat16. */
function computeDtype(plan: CapacityPlan): 'bfloat16' | 'float16' {
  if (plan.precision === Precision.FP16) return 'float16';
  if (plan.precision === Precision.BF16) return 'bfloat16';
  return plan.model.nativePrecision === Precision.FP16 ? 'float16' : 'bfloat16';
}

/** True when the published checkpoint is already in the planned precision (pre-quantized weights). */
function preQuantized(plan: CapacityPlan): boolean {
  return plan.model.nativePrecision === plan.precision;
}

function checkPrecision(server: ModelServerProfile, plan: CapacityPlan): void {
  if (!server.precisions.includes(plan.precision)) {
    throw precisionUnsupported(
      server,
      plan.precision,
      `plan with precision ${server.precisions.map((p) => `"${p}"`).join(' or ')}, or pick a server that serves ${plan.precision}`,
    );
  }
}

/**
 * vLLM quantization flags: fp8 quantizes bf16/fp16 weights at load (`--quantization fp8`, no
 * calibration); int8 / int4 need a pre-quantized checkpoint (GPTQ, AWQ, compressed-tensors)
 * whose config.json names the method, which vLLM reads itself.
 * @see https://docs.vllm.ai/en/v0.11.0/features/quantization/index.html
 */
function vllmQuantization(server: ModelServerProfile, plan: CapacityPlan): string[] {
  switch (plan.precision) {
    case Precision.BF16:
    case Precision.FP16:
      return [];
    case Precision.FP8:
      return preQuantized(plan) ? [] : ['--quantization', 'fp8'];
    case Precision.INT8:
    case Precision.INT4:
    case Precision.FP4:
      if (preQuantized(plan)) return [];
      throw precisionUnsupported(
        server,
        plan.precision,
        `vLLM quantizes to ${plan.precision} only from pre-quantized (AWQ / GPTQ / compressed-tensors) weights: ` +
          `describe such a checkpoint with nativePrecision "${plan.precision}", or plan with fp8 or bf16`,
      );
  }
}

/**
 * TGI `--quantize`: fp8 at load; int8 with EETQ at load; int4 from a pre-quantized
 * AWQ / GPTQ checkpoint (read from its config) or bitsandbytes NF4 at load. TGI rejects
 * `--dtype` together with `--quantize`.
 * @see https://huggingface.co/docs/text-generation-inference/reference/launcher#quantize
 */
function tgiQuantization(plan: CapacityPlan): string[] {
  switch (plan.precision) {
    case Precision.BF16:
    case Precision.FP16:
      return ['--dtype', computeDtype(plan)];
    case Precision.FP8:
      return preQuantized(plan) ? [] : ['--quantize', 'fp8'];
    case Precision.INT8:
      return preQuantized(plan) ? [] : ['--quantize', 'eetq'];
    case Precision.INT4:
      return preQuantized(plan) ? [] : ['--quantize', 'bitsandbytes-nf4'];
    case Precision.FP4:
      throw precisionUnsupported(MODEL_SERVERS.tgi, plan.precision, 'serve fp4 checkpoints with vLLM, or plan with fp8 or bf16');
  }
}

/**
 * Container arguments for Kubernetes (command-line flags), in a stable order.
 *
 * - vLLM (GPU, Neuron, TPU): `--model`, `--served-model-name`, `--tensor-parallel-size`,
 *   `--max-model-len`, `--max-num-seqs`, `--dtype`, quantization, `--port`; Neuron adds
 *   `--device neuron`. Request logging is off by default in the pinned vLLM releases, so no
 *   `--disable-log-requests` (deprecated since v0.10.2).
 * - TGI: `--model-id`, `--num-shard`, `--max-input-tokens`, `--max-total-tokens`,
 *   `--dtype` or `--quantize`, `--port`.
 * - JetStream: MaxText `key=value` arguments for the maxengine server.
 *
 * Throws PrecisionUnsupported for a precision the server cannot serve, ModelServerUnsupported
 * for a server without a Kubernetes image or on the wrong accelerator, JetStreamOptionMissing for
 * missing JetStream options.
 */
export function serverArgs(server: ModelServerProfile, plan: CapacityPlan, opts: ServerArgsOptions = {}): string[] {
  assertServerPlatform(server, ServerPlatform.KUBERNETES);
  assertServerRuns(server, plan);
  checkPrecision(server, plan);
  const servedModelName = opts.servedModelName ?? plan.model.name;
  if (servedModelName.length === 0) {
    throw new InferenceConstructsError('ServedModelNameEmpty', {
      prop: 'servedModelName',
      problem: 'the served model name is empty',
      received: servedModelName,
      allowed: 'a non-empty name',
      fix: 'leave servedModelName unset to use the model name',
    });
  }
  const model = opts.modelPath ?? plan.model.huggingFaceId;
  const tp = String(plan.tensorParallelDegree);
  const ctx = String(plan.contextTokens);
  const seqs = String(plan.concurrentSequences);

  const engine = serverEngine(server);
  switch (engine) {
    case 'vllm':
    case 'vllm-neuron':
    case 'vllm-neuron-plugin':
    case 'vllm-tpu': {
      const args = [
        '--model', model,
        '--served-model-name', servedModelName,
        '--tensor-parallel-size', tp,
        // Pipeline stages across nodes (vLLM: "the tensor parallel size is the number of GPUs
        // in each node, and the pipeline parallel size is the number of nodes").
        // @see https://docs.vllm.ai/en/v0.11.0/serving/parallelism_scaling.html
        ...(plan.pipelineParallelDegree > 1 ? ['--pipeline-parallel-size', String(plan.pipelineParallelDegree)] : []),
        '--max-model-len', ctx,
        '--max-num-seqs', seqs,
        '--dtype', computeDtype(plan),
        ...vllmQuantization(server, plan),
        // The planner sized the KV cache at the plan's precision: an fp8 cache must be asked for
        // (https://docs.vllm.ai/en/v0.11.0/features/quantization/quantized_kvcache.html).
        ...(plan.kvCachePrecision === Precision.FP8 ? ['--kv-cache-dtype', 'fp8'] : []),
      ];
      // The Neuron vLLM 0.9.1 build selects the Neuron platform with --device neuron
      // (https://awsdocs-neuron.readthedocs-hosted.com/en/latest/libraries/nxd-inference/developer_guides/vllm-user-guide.html).
      if (engine === 'vllm-neuron') args.push('--device', 'neuron');
      // The routed experts spread over the ranks instead of sliced
      // (https://docs.vllm.ai/en/v0.11.0/serving/expert_parallel_deployment.html).
      if (plan.expertParallel) args.push('--enable-expert-parallel');
      // The plugin compiles one graph per batch bucket; the largest bucket must equal
      // --max-num-seqs (vLLM Neuron configuration reference, `num_seqs_buckets`), so the buckets
      // are the powers of two below the planned batch and the batch itself. The plugin registers
      // its platform itself: no --device flag.
      if (engine === 'vllm-neuron-plugin') {
        args.push('--additional-config', JSON.stringify({ neuron_config: { num_seqs_buckets: neuronSeqBuckets(plan.concurrentSequences) } }));
      }
      args.push('--port', String(server.port));
      return args;
    }
    case 'tgi':
      // A sequence holds prompt + output within --max-total-tokens; the prompt may use all but one.
      // TGI sizes its batch from free memory (--max-batch-total-tokens inferred), and
      // --max-concurrent-requests would reject load beyond the batch instead of queueing it.
      return [
        '--model-id', model,
        '--num-shard', tp,
        '--max-input-tokens', String(plan.contextTokens - 1),
        '--max-total-tokens', ctx,
        ...tgiQuantization(plan),
        // fp8 KV cache as planned (https://huggingface.co/docs/text-generation-inference/reference/launcher#kvcachedtype).
        ...(plan.kvCachePrecision === Precision.FP8 ? ['--kv-cache-dtype', 'fp8_e4m3fn'] : []),
        '--port', String(server.port),
      ];
    case 'jetstream':
      return jetstreamArgs(server, plan, opts);
    default:
      throw new InferenceConstructsError('ModelServerUnsupported', {
        prop: 'modelServer',
        problem: `model server "${server.name}" takes no command-line arguments on Kubernetes`,
        received: server.name,
        allowed: MODEL_SERVER_NAMES.filter((n) => MODEL_SERVERS[n].kubernetesImage !== undefined),
        fix: 'pick a server with a Kubernetes image',
      });
  }
}

/** Powers of two below `maxNumSeqs`, then `maxNumSeqs` itself. */
function neuronSeqBuckets(maxNumSeqs: number): number[] {
  const out: number[] = [];
  for (let b = 1; b < maxNumSeqs; b *= 2) out.push(b);
  out.push(maxNumSeqs);
  return out;
}

/**
 * MaxText maxengine arguments, as in the GKE JetStream tutorial: the whole slice serves one
 * replica, parallel over all its chips, and the batch is given per device.
 * @see https://cloud.google.com/kubernetes-engine/docs/tutorials/serve-gemma-tpu-jetstream
 * @see https://github.com/AI-Hypercomputer/maxtext/blob/main/MaxText/configs/base.yml
 */
function jetstreamArgs(server: ModelServerProfile, plan: CapacityPlan, opts: ServerArgsOptions): string[] {
  const missing = (prop: keyof ServerArgsOptions, allowed: string, fix: string): InferenceConstructsError =>
    new InferenceConstructsError('JetStreamOptionMissing', {
      prop,
      problem: `JetStream needs ${prop}`,
      received: opts[prop],
      allowed,
      fix,
    });
  if (opts.modelPath === undefined || opts.modelPath.length === 0) {
    throw missing('modelPath', 'a MaxText checkpoint path, e.g. gs://bucket/final/unscanned/gemma_7b-it/0/checkpoints/0/items', 'convert the weights to a MaxText checkpoint and pass its path');
  }
  if (opts.maxTextModelName === undefined || opts.maxTextModelName.length === 0) {
    throw missing('maxTextModelName', 'a MaxText model name, e.g. gemma-7b, llama3.1-8b', 'pass the MaxText name of the model');
  }
  if (opts.tokenizerPath === undefined || opts.tokenizerPath.length === 0) {
    throw missing('tokenizerPath', 'a tokenizer path, e.g. assets/tokenizer.gemma', 'pass the tokenizer the checkpoint was converted with');
  }
  const chips = plan.tpuSlice?.chips ?? plan.devicesPerReplica;
  if (plan.concurrentSequences % chips !== 0) {
    throw new InferenceConstructsError('ConcurrencyInvalid', {
      prop: 'concurrentSequences',
      problem: 'JetStream batches per device, so the batch must divide evenly over the slice chips',
      received: plan.concurrentSequences,
      allowed: `a multiple of ${chips}`,
      fix: `plan concurrentSequences as a multiple of ${chips}`,
    });
  }
  const prefill = Math.floor(plan.contextTokens / 2);
  return [
    `model_name=${opts.maxTextModelName}`,
    `tokenizer_path=${opts.tokenizerPath}`,
    `per_device_batch_size=${plan.concurrentSequences / chips}`,
    `max_prefill_predict_length=${prefill}`,
    `max_target_length=${plan.contextTokens}`,
    'async_checkpointing=false',
    // The tutorial's parallelism: autoregressive parallelism fills every chip of the slice (-1).
    'ici_fsdp_parallelism=1',
    'ici_autoregressive_parallelism=-1',
    'ici_tensor_parallelism=1',
    'scan_layers=false',
    'weight_dtype=bfloat16',
    `load_parameters_path=${opts.modelPath}`,
    `prometheus_port=${server.metricsPort ?? server.port}`,
  ];
}

/** LMI `OPTION_DTYPE` values (DJL's DTYPE_MAPPER accepts bf16 / fp16). */
function lmiDtype(plan: CapacityPlan): 'bf16' | 'fp16' {
  return computeDtype(plan) === 'float16' ? 'fp16' : 'bf16';
}

/** Options of {@link serverEnvironment}. */
export interface ServerEnvironmentOptions {
  /**
   * Seconds DJL Serving waits for the model to load (`OPTION_MODEL_LOADING_TIMEOUT`), LMI
   * profiles only. Pass the endpoint's `ContainerStartupHealthCheckTimeoutInSeconds` when it
   * is set explicitly.
   * @default - sagemakerStartupTimeouts(server, plan).containerStartupHealthCheckTimeoutInSeconds
   */
  readonly modelLoadingTimeoutSeconds?: number;
}

/**
 * Container environment for SageMaker / LMI style servers (OPTION_* / HF_* variables), keys
 * sorted. For Kubernetes-only servers it returns the environment their container needs
 * (e.g. the Neuron backend selector).
 *
 * LMI settings (serving.properties `option.x` = env `OPTION_X`; any vLLM engine argument
 * passes through the same way):
 * - `HF_MODEL_ID` the Hugging Face id (or `/opt/ml/model` when weights come from S3; the
 *   caller overrides it then),
 * - `OPTION_ROLLING_BATCH=vllm` (continuous batching on vLLM's engine),
 * - `OPTION_TENSOR_PARALLEL_DEGREE`, `OPTION_MAX_ROLLING_BATCH_SIZE`, `OPTION_DTYPE`,
 *   `OPTION_QUANTIZE=fp8` for fp8; GPU: `OPTION_MAX_MODEL_LEN`,
 * - `OPTION_MODEL_LOADING_TIMEOUT`: the images set `MODEL_LOADING_TIMEOUT=1200`
 *   (djl-serving `serving/docker/pytorch-inf2.Dockerfile` at 0.30.0-dlc, `lmi.Dockerfile` at
 *   0.33.0-dlc), and `PyEnv.getModelLoadingTimeout()` is overridden only by
 *   `option.model_loading_timeout` (`PyModel.java`); without it the front end kills a
 *   Neuron compile after 20 minutes although the endpoint waits longer. The LMI guide: "if
 *   you set this value, you should also set container_startup_health_check_timeout=<at least
 *   model loading timeout>"; both are the same figure here,
 * - GPU: `VLLM_USE_V1=0` and `OPTION_ASYNC_MODE=false`: the rolling-batch handler drives vLLM's
 *   V0 `LLMEngine.step()`, which logs the throughput line every 5 s (vLLM's
 *   `disable_log_stats` defaults to False, so no variable is needed for it); the V1 engine
 *   logs only when the caller calls `do_log_stats()`, which LMI's handlers never do,
 * - Neuron: `OPTION_N_POSITIONS` (context length of the compiled graph), `OPTION_ENTRYPOINT`
 *   unset so `OPTION_ROLLING_BATCH=vllm` picks the vLLM handler.
 *
 * Not emitted because the pinned images ignore them: `OPTION_DISABLE_LOG_STATS` (0.30.0:
 * `VllmRbProperties` has no such field and pydantic drops extras; 0.33.0:
 * `construct_vllm_args_list` drops `'false'` values), and on Neuron `OPTION_MAX_MODEL_LEN`
 * (0.30.0 `neuron_utils/utils.py` `build_vllm_rb_properties()` overwrites it with n_positions).
 *
 * Kubernetes `vllm-neuron`: `VLLM_NEURON_FRAMEWORK=neuronx-distributed-inference` (the Neuron
 * guide: "If you have both libraries installed, and the VLLM_NEURON_FRAMEWORK environment
 * variable is not set, the NxD Inference library will be used by default"; set explicitly so
 * an image with both backends cannot pick another one).
 *
 * @see https://github.com/deepjavalibrary/djl-serving/blob/0.33.0-dlc/serving/docs/lmi/user_guides/vllm_user_guide.md
 * @see https://github.com/deepjavalibrary/djl-serving/blob/0.30.0-dlc/engines/python/src/main/java/ai/djl/python/engine/PyModel.java
 * @see https://github.com/deepjavalibrary/djl-serving/blob/0.30.0-dlc/serving/docs/lmi/user_guides/tnx_user_guide.md
 * @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/libraries/nxd-inference/developer_guides/vllm-user-guide.html
 */
export function serverEnvironment(
  server: ModelServerProfile,
  plan: CapacityPlan,
  options: ServerEnvironmentOptions = {},
): Record<string, string> {
  assertServerSupports(server, plan.instance.acceleratorClass);
  checkPrecision(server, plan);
  const loadingTimeout = (): string => {
    const seconds = options.modelLoadingTimeoutSeconds ?? sagemakerStartupTimeouts(server, plan).containerStartupHealthCheckTimeoutInSeconds;
    if (!Number.isInteger(seconds) || seconds < SAGEMAKER_MIN_STARTUP_TIMEOUT_SECONDS || seconds > SAGEMAKER_MAX_STARTUP_TIMEOUT_SECONDS) {
      throw new InferenceConstructsError('StartupTimeoutOutOfRange', {
        prop: 'modelLoadingTimeoutSeconds',
        problem: 'the model-loading timeout must match a SageMaker container start-up timeout',
        received: seconds,
        allowed: `an integer from ${SAGEMAKER_MIN_STARTUP_TIMEOUT_SECONDS} to ${SAGEMAKER_MAX_STARTUP_TIMEOUT_SECONDS}`,
        fix: 'pass the endpoint ContainerStartupHealthCheckTimeoutInSeconds, or leave it unset',
      });
    }
    return String(seconds);
  };
  switch (serverEngine(server)) {
    case 'vllm': {
      const env: Record<string, string> = {
        HF_MODEL_ID: plan.model.huggingFaceId,
        OPTION_ASYNC_MODE: 'false',
        OPTION_DTYPE: lmiDtype(plan),
        OPTION_MAX_MODEL_LEN: String(plan.contextTokens),
        OPTION_MAX_ROLLING_BATCH_SIZE: String(plan.concurrentSequences),
        OPTION_MODEL_LOADING_TIMEOUT: loadingTimeout(),
        OPTION_ROLLING_BATCH: 'vllm',
        OPTION_TENSOR_PARALLEL_DEGREE: String(plan.tensorParallelDegree),
        VLLM_USE_V1: '0',
      };
      const quant = vllmQuantization(server, plan);
      if (quant.length > 0) env.OPTION_QUANTIZE = quant[1];
      // LMI passes option.kv_cache_dtype to vLLM's engine: the fp8 KV cache the plan sized.
      if (plan.kvCachePrecision === Precision.FP8) env.OPTION_KV_CACHE_DTYPE = 'fp8';
      return sortedByKey(env);
    }
    case 'djl-lmi-neuronx':
      return sortedByKey({
        HF_MODEL_ID: plan.model.huggingFaceId,
        OPTION_DTYPE: lmiDtype(plan),
        OPTION_MAX_ROLLING_BATCH_SIZE: String(plan.concurrentSequences),
        OPTION_MODEL_LOADING_TIMEOUT: loadingTimeout(),
        OPTION_N_POSITIONS: String(plan.contextTokens),
        OPTION_ROLLING_BATCH: 'vllm',
        // NeuronCores on Inferentia2 (the planner's tensor-parallel degree).
        OPTION_TENSOR_PARALLEL_DEGREE: String(plan.tensorParallelDegree),
      });
    case 'vllm-neuron':
      // NxD Inference is the Neuron backend of the pinned vLLM build.
      return sortedByKey({ VLLM_NEURON_FRAMEWORK: 'neuronx-distributed-inference' });
    case 'vllm-neuron-plugin':
      // The plugin quickstart raises both budgets from 600 s; the compile cache lives under
      // VLLM_CACHE_ROOT ($VLLM_CACHE_ROOT/neuron/compile_cache), on the writable cache volume.
      // No VLLM_NEURON_FRAMEWORK / NEURON_COMPILED_ARTIFACTS: those belong to the NxD path.
      return sortedByKey({
        VLLM_CACHE_ROOT: '/root/.cache/vllm',
        VLLM_EXECUTE_MODEL_TIMEOUT_SECONDS: String(VLLM_NEURON_PLUGIN_TIMEOUT_SECONDS),
        VLLM_NEURON_COMPILATION_TIMEOUT: String(VLLM_NEURON_PLUGIN_TIMEOUT_SECONDS),
      });
    default:
      return {};
  }
}

// ---------------------------------------------------------------------------------------------
// Start-up estimates
// ---------------------------------------------------------------------------------------------

/**
 * GiB of checkpoint the server fetches and reads: the published weights in the model's
 * `nativePrecision`. Equal to the planned weights for pre-quantized checkpoints; larger when
 * the server quantizes at load (`--quantization fp8` on a bf16 checkpoint downloads the bf16
 * safetensors, twice the fp8 bytes the devices hold).
 */
export function checkpointGiB(plan: CapacityPlan): number {
  if (preQuantized(plan)) return plan.memory.weightsGiB;
  return (plan.memory.weightsGiB * BYTES_PER_WEIGHT[plan.model.nativePrecision]) / BYTES_PER_WEIGHT[plan.precision];
}

/**
 * GiB of host RAM the server needs while loading: {@link checkpointGiB} times the profile's
 * `hostLoadPerCheckpointGiB`, or 0 when the server streams weights to the devices.
 */
export function hostLoadGiB(server: ModelServerProfile, plan: CapacityPlan): number {
  return server.hostLoadPerCheckpointGiB === undefined ? 0 : checkpointGiB(plan) * server.hostLoadPerCheckpointGiB;
}

/**
 * Seconds to fetch and load the checkpoint at {@link WEIGHT_LOAD_GIB_PER_SECOND}, rounded up to
 * a whole minute.
 */
export function weightLoadSeconds(plan: CapacityPlan): number {
  return Math.ceil(checkpointGiB(plan) / WEIGHT_LOAD_GIB_PER_SECOND / 60) * 60;
}

/**
 * Seconds a replica may take from container start to healthy: the server's fixed overhead
 * (engine start, graph capture, Neuron / XLA compilation) plus the checkpoint
 * ({@link checkpointGiB}, the bytes actually downloaded) at {@link WEIGHT_LOAD_GIB_PER_SECOND},
 * rounded up to a whole minute. Used for Kubernetes startup probes (failureThreshold x
 * periodSeconds); probes start only after init containers (such as a weight download) finish.
 */
export function startupProbeSeconds(server: ModelServerProfile, plan: CapacityPlan): number {
  const load = checkpointGiB(plan) / WEIGHT_LOAD_GIB_PER_SECOND;
  return Math.ceil((server.startupOverheadSeconds + load) / 60) * 60;
}

/** SageMaker production-variant start-up timeouts, seconds. */
export interface SageMakerStartupTimeouts {
  /** `ContainerStartupHealthCheckTimeoutInSeconds`. */
  readonly containerStartupHealthCheckTimeoutInSeconds: number;
  /** `ModelDataDownloadTimeoutInSeconds`. */
  readonly modelDataDownloadTimeoutInSeconds: number;
  /** True when the estimate exceeded SageMaker's 3600 s limit and was set to the limit. */
  readonly atLimit: boolean;
}

/**
 * SageMaker start-up timeouts from {@link startupProbeSeconds}: the health-check timeout is
 * the full estimate, the data-download timeout the checkpoint-loading part of it. SageMaker
 * accepts 60 to 3600 s; an estimate above 3600 is returned as 3600 with `atLimit: true`
 * so the caller can warn (pre-compiled Neuron artifacts or weights in S3 shorten the start).
 */
export function sagemakerStartupTimeouts(server: ModelServerProfile, plan: CapacityPlan): SageMakerStartupTimeouts {
  const total = startupProbeSeconds(server, plan);
  const download = weightLoadSeconds(plan);
  const fit = (s: number): number =>
    Math.min(SAGEMAKER_MAX_STARTUP_TIMEOUT_SECONDS, Math.max(SAGEMAKER_MIN_STARTUP_TIMEOUT_SECONDS, s));
  return {
    containerStartupHealthCheckTimeoutInSeconds: fit(total),
    modelDataDownloadTimeoutInSeconds: fit(download),
    atLimit: total > SAGEMAKER_MAX_STARTUP_TIMEOUT_SECONDS || download > SAGEMAKER_MAX_STARTUP_TIMEOUT_SECONDS,
  };
}

// ---------------------------------------------------------------------------------------------
// The public choice of server
// ---------------------------------------------------------------------------------------------

/** Longest profile name: a DNS-1123 label, as the name may appear in Kubernetes labels. */
const MODEL_SERVER_NAME_MAX_LENGTH = 63;
const MODEL_SERVER_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Highest TCP port number. */
const MAX_PORT = 65535;

function checkProfile(p: ModelServerProfile): void {
  const fail = (code: ErrorCode, prop: string, problem: string, received: unknown, allowed: string | readonly (string | number)[], fix: string): never => {
    throw new InferenceConstructsError(code, { prop: `profile.${prop}`, problem, received, allowed, fix });
  };
  if (typeof p.name !== 'string' || p.name.length > MODEL_SERVER_NAME_MAX_LENGTH || !MODEL_SERVER_NAME_PATTERN.test(p.name)) {
    fail('ModelServerNameInvalid', 'name', 'the profile name is not a lower-case DNS label', p.name,
      `1 to ${MODEL_SERVER_NAME_MAX_LENGTH} lower-case letters, digits and hyphens, starting and ending with a letter or digit`, 'name the profile e.g. "my-vllm"');
  }
  if (typeof p.displayName !== 'string' || p.displayName.length === 0) {
    fail('ModelServerDisplayNameEmpty', 'displayName', 'the display name is empty', p.displayName, 'a non-empty name', 'describe the server, e.g. "vLLM 0.11.1 (NVIDIA GPU)"');
  }
  if (p.basedOn !== undefined && Object.prototype.hasOwnProperty.call(MODEL_SERVERS, p.name)) {
    fail('ModelServerBasedOnConflict', 'basedOn', `profile "${p.name}" has a pinned name, which already renders that server`, p.basedOn.name,
      'basedOn only with a name that is not a pinned profile name', 'drop basedOn, or give the profile a name of its own');
  }
  const accelerators = Object.values(AcceleratorClass) as string[];
  if (!Array.isArray(p.accelerators) || p.accelerators.length === 0 || p.accelerators.some((a) => !accelerators.includes(a))) {
    fail('ModelServerAcceleratorsInvalid', 'accelerators', 'the accelerator list is empty or names an unknown class', p.accelerators, accelerators,
      'list the AcceleratorClass values the server runs on');
  }
  if (!Array.isArray(p.precisions) || p.precisions.length === 0 || p.precisions.some((x) => !PRECISIONS.includes(x))) {
    fail('ModelServerPrecisionsInvalid', 'precisions', 'the precision list is empty or names an unknown precision', p.precisions, PRECISIONS,
      'list the Precision values the server serves');
  }
  if (p.kubernetesImage === undefined && p.sagemakerImage === undefined) {
    fail('ModelServerImageMissing', 'kubernetesImage', 'the profile has neither a Kubernetes nor a SageMaker image', undefined,
      'kubernetesImage, sagemakerImage or both', 'give the pinned image the server runs from');
  }
  const pinned = (prop: string, image: string | undefined): void => {
    if (image !== undefined && (typeof image !== 'string' || isLatestImage(image))) {
      fail('ImageNotPinned', prop, 'the image is not pinned, so every node may run a different server version', image,
        'an image with an explicit tag other than latest, or a digest', 'pin the image to a release tag or digest');
    }
  };
  pinned('kubernetesImage', p.kubernetesImage);
  pinned('httpSidecar.image', p.httpSidecar?.image);
  if (p.sagemakerImage !== undefined) {
    const { repository, tag } = p.sagemakerImage;
    if (typeof repository !== 'string' || repository.length === 0 || typeof tag !== 'string' || tag.length === 0 || tag === 'latest') {
      fail('ImageNotPinned', 'sagemakerImage', 'the SageMaker image has no repository or no pinned tag', p.sagemakerImage,
        'a DLC repository and a release tag other than latest', 'pin the SageMaker image to a published DLC tag');
    }
  }
  const port = (prop: string, value: number | undefined): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > MAX_PORT)) {
      fail('ModelServerPortInvalid', prop, 'the port is not a TCP port number', value, `an integer from 1 to ${MAX_PORT}`, 'give the port the server listens on');
    }
  };
  port('port', p.port);
  port('sagemakerPort', p.sagemakerPort);
  port('metricsPort', p.metricsPort);
  port('httpSidecar.port', p.httpSidecar?.port);
  const path = (prop: string, value: string | undefined): void => {
    if (value !== undefined && (typeof value !== 'string' || !value.startsWith('/'))) {
      fail('ModelServerPathInvalid', prop, 'the path is not absolute', value, 'a path starting with "/"', 'give the absolute path, e.g. "/health"');
    }
  };
  path('healthPath', p.healthPath);
  path('metricsPath', p.metricsPath);
  path('sagemakerHealthPath', p.sagemakerHealthPath);
  if (!Array.isArray(p.writablePaths)) {
    fail('ModelServerPathInvalid', 'writablePaths', 'the writable paths are not a list', p.writablePaths, 'a list of absolute paths', 'list where the server writes, e.g. ["/tmp"]');
  }
  p.writablePaths.forEach((w, i) => path(`writablePaths[${i}]`, w));
  // The SageMaker container contract: SageMaker sends /ping and /invocations to port 8080.
  // @see https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html
  if (p.sagemakerImage !== undefined && (p.sagemakerPort !== SAGEMAKER_CONTAINER_PORT || p.sagemakerHealthPath !== SAGEMAKER_HEALTH_PATH)) {
    fail('ModelServerSageMakerContractInvalid', 'sagemakerPort', 'a SageMaker container must answer /ping on port 8080', { sagemakerPort: p.sagemakerPort, sagemakerHealthPath: p.sagemakerHealthPath },
      `sagemakerPort ${SAGEMAKER_CONTAINER_PORT} and sagemakerHealthPath "${SAGEMAKER_HEALTH_PATH}"`, 'set both to the SageMaker values, or drop sagemakerImage');
  }
  if (typeof p.startupOverheadSeconds !== 'number' || !Number.isFinite(p.startupOverheadSeconds) || p.startupOverheadSeconds < 0) {
    fail('ModelServerStartupOverheadInvalid', 'startupOverheadSeconds', 'the start-up overhead is not a non-negative number of seconds', p.startupOverheadSeconds,
      'a finite number of seconds, 0 or more', 'give the seconds the server takes to start before the weights load');
  }
  if (p.hostLoadPerCheckpointGiB !== undefined && (!Number.isFinite(p.hostLoadPerCheckpointGiB) || p.hostLoadPerCheckpointGiB <= 0)) {
    fail('ModelServerHostLoadInvalid', 'hostLoadPerCheckpointGiB', 'the host memory per checkpoint GiB is not a positive number', p.hostLoadPerCheckpointGiB,
      'a positive finite number, or unset when the weights stream to the devices', `use ${NEURON_HOST_LOAD_PER_CHECKPOINT_GIB} for Neuron servers, or leave it unset`);
  }
  if (p.tokenMetric === undefined || typeof p.tokenMetric.generatedTokensCounter !== 'string' || p.tokenMetric.generatedTokensCounter.length === 0) {
    fail('ModelServerTokenCounterMissing', 'tokenMetric.generatedTokensCounter', 'the profile names no generated-token counter', p.tokenMetric?.generatedTokensCounter,
      'the Prometheus counter of generated tokens, e.g. "vllm:generation_tokens_total"', 'name the counter the server exports');
  }
}

/**
 * The model server a deployment runs: one of the pinned profiles (`ModelServer.VLLM`, ...), a
 * pinned profile by name ({@link ModelServer.of}), or a profile of your own
 * ({@link ModelServer.custom}). The static methods render what a capacity plan gives the server:
 * command-line flags, environment and start-up timeouts.
 *
 * @example
 * const server = ModelServer.defaultFor(plan.instance.acceleratorClass, ServerPlatform.KUBERNETES);
 * const args = ModelServer.args(server, plan);
 */
export class ModelServer {
  /** vLLM's OpenAI server on NVIDIA GPUs (LMI vLLM on SageMaker). */
  public static readonly VLLM = new ModelServer(MODEL_SERVERS.vllm);
  /** vLLM on AWS Neuron (NxD Inference backend), Inferentia2 and Trainium on Kubernetes. */
  public static readonly VLLM_NEURON = new ModelServer(MODEL_SERVERS['vllm-neuron']);
  /** The vLLM Neuron plugin, Trainium2 on Kubernetes, for the models it has recipes for. */
  public static readonly VLLM_NEURON_PLUGIN = new ModelServer(MODEL_SERVERS['vllm-neuron-plugin']);
  /** DJL Serving LMI for Neuron, Inferentia2 on SageMaker. */
  public static readonly DJL_LMI_NEURONX = new ModelServer(MODEL_SERVERS['djl-lmi-neuronx']);
  /** vLLM on Cloud TPU (tpu-inference backend), GKE. */
  public static readonly VLLM_TPU = new ModelServer(MODEL_SERVERS['vllm-tpu']);
  /** JetStream MaxText on Cloud TPU, GKE (no per-token counter to scale on). */
  public static readonly JETSTREAM = new ModelServer(MODEL_SERVERS.jetstream);
  /** Hugging Face Text Generation Inference on NVIDIA GPUs, Kubernetes. */
  public static readonly TGI = new ModelServer(MODEL_SERVERS.tgi);

  /**
   * The pinned server named `name`; throws `ModelServerUnknown` listing the names.
   *
   * @param name a pinned profile name: `vllm`, `vllm-neuron`, `vllm-neuron-plugin`, `djl-lmi-neuronx`, `vllm-tpu`, `jetstream` or `tgi`
   */
  public static of(name: string): ModelServer {
    const found = PINNED.find((s) => s.name === name);
    if (found === undefined) throw modelServerUnknown(name);
    return found;
  }

  /**
   * A server from a profile of your own (another pinned image or version of a server, or a
   * server the library does not list); throws a stable code for each field that is not valid
   * (`ModelServerNameInvalid`, `ImageNotPinned`, `ModelServerPortInvalid`, ...).
   *
   * @param profile the profile, e.g. `{ ...ModelServer.VLLM.profile, kubernetesImage: 'vllm/vllm-openai:v0.11.1' }`
   */
  public static custom(profile: ModelServerProfile): ModelServer {
    checkProfile(profile);
    return new ModelServer(Object.freeze({ ...profile }));
  }

  /**
   * The library's default server for an accelerator class on a platform: vLLM on NVIDIA GPUs,
   * DJL LMI (SageMaker) or vLLM Neuron (Kubernetes) on Inferentia2, the vLLM Neuron plugin on
   * Trainium2 on Kubernetes, vLLM on TPU (Kubernetes only).
   *
   * @param accelerator the plan's accelerator class
   * @param platform where the server runs
   * @param deviceKind the catalogue device kind (`DeviceSpec.kind`), which picks the plugin on Trainium2
   * @default - the default of the accelerator class
   */
  public static defaultFor(accelerator: AcceleratorClass, platform: ServerPlatform, deviceKind?: string): ModelServer {
    const profile = deviceKind === undefined ? defaultModelServer(accelerator, platform) : defaultModelServerForDevice(accelerator, deviceKind, platform);
    return ModelServer.of(profile.name);
  }

  /** Names of every pinned server, in a stable order. */
  public static names(): string[] {
    return [...MODEL_SERVER_NAMES];
  }

  /** The server's command-line flags for a plan (Kubernetes). */
  public static args(server: ModelServer, plan: CapacityPlan, options: ServerArgsOptions = {}): string[] {
    return serverArgs(server.profile, plan, options);
  }

  /** The server's environment for a plan (the SageMaker containers are configured through it). */
  public static environment(server: ModelServer, plan: CapacityPlan, options: ServerEnvironmentOptions = {}): { [key: string]: string } {
    return { ...serverEnvironment(server.profile, plan, options) };
  }

  /** The SageMaker container start-up and download timeouts a plan needs. */
  public static sagemakerStartupTimeouts(server: ModelServer, plan: CapacityPlan): SageMakerStartupTimeouts {
    return sagemakerStartupTimeouts(server.profile, plan);
  }

  /** Seconds the Kubernetes startup probe allows (weights load plus the server's start-up). */
  public static startupProbeSeconds(server: ModelServer, plan: CapacityPlan): number {
    return startupProbeSeconds(server.profile, plan);
  }

  /** GiB of checkpoint the server fetches and reads for a plan (the published weights, before quantize-at-load). */
  public static checkpointGiB(plan: CapacityPlan): number {
    return checkpointGiB(plan);
  }

  /** GiB of host memory the server needs while it loads the plan's checkpoint (0 when it streams weights to the devices). */
  public static hostLoadGiB(server: ModelServer, plan: CapacityPlan): number {
    return hostLoadGiB(server.profile, plan);
  }

  /** Throws `ModelServerUnsupported` (or `PipelineParallelUnsupported`) when the server cannot run the plan's device, model or pipeline. */
  public static assertRuns(server: ModelServer, plan: CapacityPlan): void {
    assertServerRuns(server.profile, plan);
  }

  /** The profile name, e.g. `vllm`. */
  public readonly name: string;
  /** The profile: images, ports, health and metrics endpoints, token counter, precisions. */
  public readonly profile: ModelServerProfile;

  private constructor(profile: ModelServerProfile) {
    this.profile = profile;
    this.name = profile.name;
  }
}

/** The pinned servers, in {@link MODEL_SERVER_NAMES} order. */
const PINNED: readonly ModelServer[] = Object.freeze([
  ModelServer.VLLM,
  ModelServer.VLLM_NEURON,
  ModelServer.VLLM_NEURON_PLUGIN,
  ModelServer.DJL_LMI_NEURONX,
  ModelServer.VLLM_TPU,
  ModelServer.JETSTREAM,
  ModelServer.TGI,
]);
