/**
 * Model-server profiles: which container serves a model on which accelerator, with pinned
 * image references, ports, health and metrics endpoints, the token counter to scale on, and
 * the server arguments derived from a capacity plan.
 *
 * Every image is pinned to a published tag (never `latest`); every flag, environment variable
 * and metric name is the pinned version's own, with the source cited beside it.
 */
import type { AcceleratorClass } from './accelerators.js';
import { InferenceConstructsError } from './errors.js';
import type { Precision } from './models.js';
import type { CapacityPlan } from './planner.js';

export type ModelServerName = 'vllm' | 'vllm-neuron' | 'djl-lmi-neuronx' | 'vllm-tpu' | 'jetstream' | 'tgi';

/** The platforms a profile can be deployed on. */
export type ServerPlatform = 'sagemaker' | 'kubernetes';

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

/** A model-server profile. */
export interface ModelServerProfile {
  readonly name: ModelServerName;
  readonly displayName: string;
  /** Accelerators the server runs on. */
  readonly accelerators: readonly AcceleratorClass[];
  /** Pinned public image for Kubernetes (no `latest`), e.g. "vllm/vllm-openai:v0.x.y". */
  readonly kubernetesImage?: string;
  /**
   * Container command for Kubernetes, when the image's own entrypoint does not start the
   * server (undefined: keep the image entrypoint and pass only {@link serverArgs}).
   */
  readonly kubernetesCommand?: readonly string[];
  /**
   * SageMaker image: the DLC repository and pinned tag; the registry account comes from
   * aws-cdk-lib's region facts (DLC repository account) at synth time.
   */
  readonly sagemakerImage?: { readonly repository: string; readonly tag: string };
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
  readonly httpSidecar?: { readonly name: string; readonly image: string; readonly port: number };
  readonly tokenMetric: TokenMetricSpec;
  /** Where the server writes (must be writable with a read-only root filesystem). */
  readonly writablePaths: readonly string[];
  /** Precisions the server can serve (see {@link serverArgs} for how each maps to flags). */
  readonly precisions: readonly Precision[];
  /**
   * Fixed start-up cost before the weights load, seconds: process start, graph capture or
   * ahead-of-time compilation. Used by {@link startupProbeSeconds}.
   */
  readonly startupOverheadSeconds: number;
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

// ---------------------------------------------------------------------------------------------
// Profiles
// ---------------------------------------------------------------------------------------------

/** vLLM OpenAI server entrypoint, present in every vLLM image whatever its own entrypoint. */
const VLLM_API_SERVER_COMMAND = Object.freeze(['python3', '-m', 'vllm.entrypoints.openai.api_server']);

/** Every model-server profile, keyed by name. */
export const MODEL_SERVERS: Readonly<Record<ModelServerName, ModelServerProfile>> = Object.freeze({
  vllm: Object.freeze({
    name: 'vllm',
    displayName: 'vLLM (NVIDIA GPU)',
    accelerators: Object.freeze(['nvidia-gpu'] as const),
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
    writablePaths: Object.freeze(['/root/.cache', '/root/.config', '/root/.triton', '/tmp']),
    precisions: Object.freeze(['bf16', 'fp16', 'fp8', 'int8', 'int4'] as const),
    startupOverheadSeconds: GPU_STARTUP_OVERHEAD_SECONDS,
    source: 'https://docs.vllm.ai/en/v0.11.0/configuration/engine_args.html',
  }),
  'vllm-neuron': Object.freeze({
    name: 'vllm-neuron',
    displayName: 'vLLM on AWS Neuron (Inferentia2)',
    accelerators: Object.freeze(['inferentia2'] as const),
    kubernetesImage: VLLM_NEURON_IMAGE,
    kubernetesCommand: VLLM_API_SERVER_COMMAND,
    port: VLLM_PORT,
    healthPath: '/health',
    metricsPath: '/metrics',
    tokenMetric: VLLM_TOKEN_METRIC,
    // Neuron persistent compile cache defaults to /var/tmp/neuron-compile-cache.
    writablePaths: Object.freeze(['/root/.cache', '/root/.config', '/tmp', '/var/tmp']),
    precisions: Object.freeze(['bf16', 'fp16'] as const),
    startupOverheadSeconds: NEURON_STARTUP_OVERHEAD_SECONDS,
    source: 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/libraries/nxd-inference/developer_guides/vllm-user-guide.html',
  }),
  'djl-lmi-neuronx': Object.freeze({
    name: 'djl-lmi-neuronx',
    displayName: 'DJL Serving LMI for Neuron (Inferentia2, SageMaker)',
    accelerators: Object.freeze(['inferentia2'] as const),
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
    writablePaths: Object.freeze(['/tmp', '/var/tmp']),
    precisions: Object.freeze(['bf16', 'fp16'] as const),
    startupOverheadSeconds: NEURON_STARTUP_OVERHEAD_SECONDS,
    source: 'https://github.com/deepjavalibrary/djl-serving/blob/master/serving/docs/lmi/user_guides/tnx_user_guide.md',
  }),
  'vllm-tpu': Object.freeze({
    name: 'vllm-tpu',
    displayName: 'vLLM on Cloud TPU',
    accelerators: Object.freeze(['tpu'] as const),
    kubernetesImage: VLLM_TPU_IMAGE,
    kubernetesCommand: VLLM_API_SERVER_COMMAND,
    port: VLLM_PORT,
    healthPath: '/health',
    metricsPath: '/metrics',
    tokenMetric: VLLM_TOKEN_METRIC,
    // XLA compilation cache (VLLM_XLA_CACHE_PATH) defaults under ~/.cache/vllm.
    writablePaths: Object.freeze(['/root/.cache', '/root/.config', '/tmp']),
    precisions: Object.freeze(['bf16'] as const),
    startupOverheadSeconds: TPU_STARTUP_OVERHEAD_SECONDS,
    source: 'https://cloud.google.com/kubernetes-engine/docs/tutorials/serve-vllm-tpu',
  }),
  jetstream: Object.freeze({
    name: 'jetstream',
    displayName: 'JetStream MaxText (Cloud TPU)',
    accelerators: Object.freeze(['tpu'] as const),
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
    writablePaths: Object.freeze(['/tmp']),
    precisions: Object.freeze(['bf16'] as const),
    startupOverheadSeconds: TPU_STARTUP_OVERHEAD_SECONDS,
    source: 'https://github.com/AI-Hypercomputer/JetStream/blob/main/jetstream/core/metrics/prometheus.py',
  }),
  tgi: Object.freeze({
    name: 'tgi',
    displayName: 'Hugging Face Text Generation Inference (NVIDIA GPU)',
    accelerators: Object.freeze(['nvidia-gpu'] as const),
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
    writablePaths: Object.freeze(['/data', '/tmp']),
    precisions: Object.freeze(['bf16', 'fp16', 'fp8', 'int8', 'int4'] as const),
    startupOverheadSeconds: GPU_STARTUP_OVERHEAD_SECONDS,
    source: 'https://huggingface.co/docs/text-generation-inference/reference/metrics',
  }),
} satisfies Record<ModelServerName, ModelServerProfile>);

/** Every profile name, in a stable order. */
export const MODEL_SERVER_NAMES: readonly ModelServerName[] = Object.freeze(Object.keys(MODEL_SERVERS) as ModelServerName[]);

// ---------------------------------------------------------------------------------------------
// Look-ups
// ---------------------------------------------------------------------------------------------

/** Look up a profile; throws ModelServerUnknown. */
export function modelServer(name: string): ModelServerProfile {
  if (Object.prototype.hasOwnProperty.call(MODEL_SERVERS, name)) {
    return MODEL_SERVERS[name as ModelServerName];
  }
  throw new InferenceConstructsError('ModelServerUnknown', {
    prop: 'modelServer',
    problem: 'no model-server profile has that name',
    received: name,
    allowed: MODEL_SERVER_NAMES,
    fix: 'use one of the listed profile names',
  });
}

/**
 * The default server for an accelerator class: vLLM on NVIDIA GPUs (both platforms); on
 * Inferentia2 DJL LMI on SageMaker and vLLM on Kubernetes; on TPU vLLM on Kubernetes (TPU has
 * no SageMaker: throws ModelServerUnsupported).
 */
export function defaultModelServer(accelerator: AcceleratorClass, platform: ServerPlatform): ModelServerProfile {
  switch (accelerator) {
    case 'nvidia-gpu':
      return MODEL_SERVERS.vllm;
    case 'inferentia2':
      return platform === 'sagemaker' ? MODEL_SERVERS['djl-lmi-neuronx'] : MODEL_SERVERS['vllm-neuron'];
    case 'tpu':
      if (platform === 'sagemaker') {
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
  const has = platform === 'sagemaker' ? server.sagemakerImage !== undefined : server.kubernetesImage !== undefined;
  if (!has) {
    throw new InferenceConstructsError('ModelServerUnsupported', {
      prop: 'modelServer',
      problem: `model server "${server.name}" has no ${platform} image`,
      received: server.name,
      allowed: MODEL_SERVER_NAMES.filter((n) =>
        platform === 'sagemaker' ? MODEL_SERVERS[n].sagemakerImage !== undefined : MODEL_SERVERS[n].kubernetesImage !== undefined,
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
  if (plan.precision === 'fp16') return 'float16';
  if (plan.precision === 'bf16') return 'bfloat16';
  return plan.model.nativePrecision === 'fp16' ? 'float16' : 'bfloat16';
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
    case 'bf16':
    case 'fp16':
      return [];
    case 'fp8':
      return preQuantized(plan) ? [] : ['--quantization', 'fp8'];
    case 'int8':
    case 'int4':
    case 'fp4':
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
    case 'bf16':
    case 'fp16':
      return ['--dtype', computeDtype(plan)];
    case 'fp8':
      return preQuantized(plan) ? [] : ['--quantize', 'fp8'];
    case 'int8':
      return preQuantized(plan) ? [] : ['--quantize', 'eetq'];
    case 'int4':
      return preQuantized(plan) ? [] : ['--quantize', 'bitsandbytes-nf4'];
    case 'fp4':
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
 * for a server without a Kubernetes image or on the wrong accelerator, PropInvalid for
 * missing JetStream options.
 */
export function serverArgs(server: ModelServerProfile, plan: CapacityPlan, opts: ServerArgsOptions = {}): string[] {
  assertServerPlatform(server, 'kubernetes');
  assertServerSupports(server, plan.instance.acceleratorClass);
  checkPrecision(server, plan);
  const servedModelName = opts.servedModelName ?? plan.model.name;
  if (servedModelName.length === 0) {
    throw new InferenceConstructsError('PropInvalid', {
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

  switch (server.name) {
    case 'vllm':
    case 'vllm-neuron':
    case 'vllm-tpu': {
      const args = [
        '--model', model,
        '--served-model-name', servedModelName,
        '--tensor-parallel-size', tp,
        '--max-model-len', ctx,
        '--max-num-seqs', seqs,
        '--dtype', computeDtype(plan),
        ...vllmQuantization(server, plan),
        // The planner sized the KV cache at the plan's precision: an fp8 cache must be asked for
        // (https://docs.vllm.ai/en/v0.11.0/features/quantization/quantized_kvcache.html).
        ...(plan.kvCachePrecision === 'fp8' ? ['--kv-cache-dtype', 'fp8'] : []),
      ];
      // The Neuron vLLM 0.9.1 build selects the Neuron platform with --device neuron
      // (https://awsdocs-neuron.readthedocs-hosted.com/en/latest/libraries/nxd-inference/developer_guides/vllm-user-guide.html).
      if (server.name === 'vllm-neuron') args.push('--device', 'neuron');
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
        ...(plan.kvCachePrecision === 'fp8' ? ['--kv-cache-dtype', 'fp8_e4m3fn'] : []),
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

/**
 * MaxText maxengine arguments, as in the GKE JetStream tutorial: the whole slice serves one
 * replica, parallel over all its chips, and the batch is given per device.
 * @see https://cloud.google.com/kubernetes-engine/docs/tutorials/serve-gemma-tpu-jetstream
 * @see https://github.com/AI-Hypercomputer/maxtext/blob/main/MaxText/configs/base.yml
 */
function jetstreamArgs(server: ModelServerProfile, plan: CapacityPlan, opts: ServerArgsOptions): string[] {
  const missing = (prop: keyof ServerArgsOptions, allowed: string, fix: string): InferenceConstructsError =>
    new InferenceConstructsError('PropInvalid', {
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

function sortedRecord(entries: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(entries).sort()) out[key] = entries[key];
  return out;
}

/** LMI `OPTION_DTYPE` values (DJL's DTYPE_MAPPER accepts bf16 / fp16). */
function lmiDtype(plan: CapacityPlan): 'bf16' | 'fp16' {
  return computeDtype(plan) === 'float16' ? 'fp16' : 'bf16';
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
 * - `OPTION_TENSOR_PARALLEL_DEGREE`, `OPTION_MAX_ROLLING_BATCH_SIZE`, `OPTION_MAX_MODEL_LEN`,
 *   `OPTION_DTYPE`, `OPTION_QUANTIZE=fp8` for fp8,
 * - `OPTION_DISABLE_LOG_STATS=false`: keeps the engine's throughput line, the only token
 *   signal SageMaker gets,
 * - GPU: `VLLM_USE_V1=0` and `OPTION_ASYNC_MODE=false`: the rolling-batch handler drives vLLM's
 *   V0 `LLMEngine.step()`, which logs the throughput line every 5 s; the V1 engine logs only
 *   when the caller calls `do_log_stats()`, which LMI's handlers never do,
 * - Neuron: `OPTION_N_POSITIONS` (context length of the compiled graph), `OPTION_ENTRYPOINT`
 *   unset so `OPTION_ROLLING_BATCH=vllm` picks the vLLM handler.
 *
 * @see https://github.com/deepjavalibrary/djl-serving/blob/master/serving/docs/lmi/user_guides/vllm_user_guide.md
 * @see https://github.com/deepjavalibrary/djl-serving/blob/master/engines/python/setup/djl_python/properties_manager/vllm_rb_properties.py
 * @see https://github.com/deepjavalibrary/djl-serving/blob/master/serving/docs/lmi/user_guides/tnx_user_guide.md
 */
export function serverEnvironment(server: ModelServerProfile, plan: CapacityPlan): Record<string, string> {
  assertServerSupports(server, plan.instance.acceleratorClass);
  checkPrecision(server, plan);
  switch (server.name) {
    case 'vllm': {
      const env: Record<string, string> = {
        HF_MODEL_ID: plan.model.huggingFaceId,
        OPTION_ASYNC_MODE: 'false',
        OPTION_DISABLE_LOG_STATS: 'false',
        OPTION_DTYPE: lmiDtype(plan),
        OPTION_MAX_MODEL_LEN: String(plan.contextTokens),
        OPTION_MAX_ROLLING_BATCH_SIZE: String(plan.concurrentSequences),
        OPTION_ROLLING_BATCH: 'vllm',
        OPTION_TENSOR_PARALLEL_DEGREE: String(plan.tensorParallelDegree),
        VLLM_USE_V1: '0',
      };
      const quant = vllmQuantization(server, plan);
      if (quant.length > 0) env.OPTION_QUANTIZE = quant[1];
      // LMI passes option.kv_cache_dtype to vLLM's engine: the fp8 KV cache the plan sized.
      if (plan.kvCachePrecision === 'fp8') env.OPTION_KV_CACHE_DTYPE = 'fp8';
      return sortedRecord(env);
    }
    case 'djl-lmi-neuronx':
      return sortedRecord({
        HF_MODEL_ID: plan.model.huggingFaceId,
        OPTION_DISABLE_LOG_STATS: 'false',
        OPTION_DTYPE: lmiDtype(plan),
        OPTION_MAX_MODEL_LEN: String(plan.contextTokens),
        OPTION_MAX_ROLLING_BATCH_SIZE: String(plan.concurrentSequences),
        OPTION_N_POSITIONS: String(plan.contextTokens),
        OPTION_ROLLING_BATCH: 'vllm',
        // NeuronCores on Inferentia2 (the planner's tensor-parallel degree).
        OPTION_TENSOR_PARALLEL_DEGREE: String(plan.tensorParallelDegree),
      });
    case 'vllm-neuron':
      // NxD Inference is the Neuron backend of the pinned vLLM build.
      return sortedRecord({ VLLM_NEURON_FRAMEWORK: 'neuronx-distributed-inference' });
    default:
      return {};
  }
}

// ---------------------------------------------------------------------------------------------
// Start-up estimates
// ---------------------------------------------------------------------------------------------

/**
 * Seconds a replica may take from container start to healthy: the server's fixed overhead
 * (engine start, graph capture, Neuron / XLA compilation) plus the weights at
 * {@link WEIGHT_LOAD_GIB_PER_SECOND}, rounded up to a whole minute. Used for Kubernetes
 * startup probes (failureThreshold x periodSeconds).
 */
export function startupProbeSeconds(server: ModelServerProfile, plan: CapacityPlan): number {
  const load = plan.memory.weightsGiB / WEIGHT_LOAD_GIB_PER_SECOND;
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
 * the full estimate, the data-download timeout the weight-loading part of it. SageMaker
 * accepts 60 to 3600 s; an estimate above 3600 is returned as 3600 with `atLimit: true`
 * so the caller can warn (pre-compiled Neuron artifacts or weights in S3 shorten the start).
 */
export function sagemakerStartupTimeouts(server: ModelServerProfile, plan: CapacityPlan): SageMakerStartupTimeouts {
  const total = startupProbeSeconds(server, plan);
  const download = Math.ceil(plan.memory.weightsGiB / WEIGHT_LOAD_GIB_PER_SECOND / 60) * 60;
  const fit = (s: number): number =>
    Math.min(SAGEMAKER_MAX_STARTUP_TIMEOUT_SECONDS, Math.max(SAGEMAKER_MIN_STARTUP_TIMEOUT_SECONDS, s));
  return {
    containerStartupHealthCheckTimeoutInSeconds: fit(total),
    modelDataDownloadTimeoutInSeconds: fit(download),
    atLimit: total > SAGEMAKER_MAX_STARTUP_TIMEOUT_SECONDS || download > SAGEMAKER_MAX_STARTUP_TIMEOUT_SECONDS,
  };
}
