/**
 * Model-server profiles: which container serves a model on which accelerator, with pinned
 * image references, ports, health and metrics endpoints, the token counter to scale on, and
 * the server arguments derived from a capacity plan.
 *
 * CONTRACT (implementation pending).
 */
import type { AcceleratorClass } from './accelerators.js';
import type { CapacityPlan } from './planner.js';

export type ModelServerName = 'vllm' | 'vllm-neuron' | 'djl-lmi-neuronx' | 'vllm-tpu' | 'jetstream' | 'tgi';

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
   * SageMaker image: the DLC repository and pinned tag; the registry account comes from
   * aws-cdk-lib's region facts (DLC repository account) at synth time.
   */
  readonly sagemakerImage?: { readonly repository: string; readonly tag: string };
  readonly port: number;
  readonly healthPath: string;
  readonly metricsPath: string;
  readonly tokenMetric: TokenMetricSpec;
  /** Where the server writes (must be writable with a read-only root filesystem). */
  readonly writablePaths: readonly string[];
  /** Source URL for image, flags and metric names. */
  readonly source: string;
}

export declare const MODEL_SERVERS: Readonly<Record<ModelServerName, ModelServerProfile>>;
/** Look up a profile; throws ModelServerUnknown. */
export declare function modelServer(name: string): ModelServerProfile;
/** The default server for an accelerator class (vllm, djl-lmi-neuronx / vllm-neuron, jetstream / vllm-tpu). */
export declare function defaultModelServer(accelerator: AcceleratorClass, platform: 'sagemaker' | 'kubernetes'): ModelServerProfile;
/** Throws ModelServerUnsupported when the server does not run on the plan's accelerator. */
export declare function assertServerSupports(server: ModelServerProfile, accelerator: AcceleratorClass): void;

/** Container arguments for Kubernetes (command-line flags), in a stable order. */
export declare function serverArgs(server: ModelServerProfile, plan: CapacityPlan, opts?: { servedModelName?: string; modelPath?: string }): string[];
/** Container environment for SageMaker / LMI style servers (OPTION_* / HF_* variables), keys sorted. */
export declare function serverEnvironment(server: ModelServerProfile, plan: CapacityPlan): Record<string, string>;
