/**
 * A model server on accelerator nodes: a Deployment (one pod per replica) or, when one replica
 * spans several hosts (multi-host TPU slices), a LeaderWorkerSet (one pod per host, leader plus
 * workers), with everything a platform engineer expects next to it: accelerator request, node
 * selection and tolerations, probes sized for model load time, a drain that waits for
 * in-flight generations, disruption budget, zone spread, a restricted security context, a
 * Service and the scrape object for the metrics backend.
 *
 * Both workload kinds render the same pod template (one builder, {@link ModelDeployment}'s
 * private `podTemplate`), late, when the chart synthesizes: a scaler that attaches after the
 * construct still removes `spec.replicas`.
 */
import { ApiObject, Chart, Lazy, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { CHECKPOINT_GIB_ANNOTATION, HOST_LOAD_GIB_ANNOTATION, PLANNED_STARTUP_SECONDS_ANNOTATION, TARGET_TOKENS_PER_SECOND_ANNOTATION } from '../../lib/plan-annotations.js';
import { CapacityPlan } from '../../lib/planner.js';
import { GKE_TPU_TOPOLOGY_LABEL, TPU_SLICES, Taint, TpuSliceSpec } from '../../lib/accelerators.js';
import { type ErrorCode, InferenceConstructsError } from '../../lib/errors.js';
import { isLatestImage } from '../../lib/private/image-reference.js';
import { ModelServer, ModelServerProfile, assertServerPlatform, assertServerRuns, checkpointGiB, hostLoadGiB, serverArgs, serverEnvironment, startupProbeSeconds, weightLoadSeconds } from '../../lib/servers.js';
import { Toleration } from '../../lib/placement.js';
import { PodMonitoring, PodMonitoringSpecEndpointsPort } from '../../imports/gmp-podmonitorings-monitoring.googleapis.com.js';
import { PodMonitor } from '../../imports/prometheus-podmonitors-monitoring.coreos.com.js';
import { extendedResourceQuantity } from './extended-resources.js';
import { AcceleratorClass } from '../../lib/accelerators.js';
import { ServerPlatform } from '../../lib/servers.js';
import { KubernetesPlatform, ScrapeBackend } from '../../lib/platforms.js';
import { type TokenScalingPolicyOptions, tokenScalingPolicy } from '../../lib/scaling.js';
import { type PrometheusSource, type ScaleFromZeroOptions, TokenThroughputScaler } from './token-scaler.js';
import { sortedByKey } from '../../lib/private/compare.js';

// ---------------------------------------------------------------------------------------------
// Named constants
// ---------------------------------------------------------------------------------------------

/**
 * UID/GID the server runs as. The public vLLM images run as root by default; any non-zero id
 * works because every path the server writes is an emptyDir owned through `fsGroup`.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const SERVER_RUN_AS_ID = 1000;
/**
 * User name the server process reports (`USER` / `LOGNAME`). `vllm/vllm-openai` has no passwd
 * entry for uid 1000 (its Dockerfile adds no user), and `getpass.getuser()` falls back to
 * `pwd.getpwuid()` only when LOGNAME, USER, LNAME and USERNAME are all unset (CPython
 * `getpass` docs), raising `KeyError: 'getpwuid(): uid not found: 1000'`. torch inductor calls
 * it for its cache directory (`torch/_inductor/runtime/cache_dir_utils.py` `default_cache_dir()`:
 * `getpass.getuser()`), which vLLM v0.11.0 reaches whenever it torch.compiles the model (the V1
 * default).
 * @see https://docs.python.org/3/library/getpass.html#getpass.getuser
 */
export const SERVER_USER_NAME = 'server';
/** Where the model weights are cached (HF_HOME points below it). */
export const MODEL_CACHE_MOUNT_PATH = '/models';
/** Where servers that need a local checkpoint find it (below the model cache). */
export const LOCAL_WEIGHTS_PATH = `${MODEL_CACHE_MOUNT_PATH}/weights`;
/**
 * Where Neuron servers write and read compiled artifacts (`NEURON_COMPILED_ARTIFACTS`), on the
 * model cache: persistent across restarts when the cache is a PersistentVolumeClaim.
 * @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/libraries/nxd-inference/developer_guides/vllm-user-guide.html
 */
export const NEURON_COMPILED_ARTIFACTS_PATH = `${MODEL_CACHE_MOUNT_PATH}/neuron-compiled-artifacts`;
/** Home directory of the non-root user (an emptyDir: the image's /root is not writable for it). */
export const SERVER_HOME_PATH = '/home/server';
/**
 * Headroom of the model cache over the checkpoint: Hugging Face downloads keep `.incomplete`
 * blobs next to finished ones, and Neuron / XLA compilers write compiled artifacts beside them.
 */
export const MODEL_CACHE_HEADROOM_FACTOR = 1.5;
/** Fixed extra cache space (tokenizer, config, compiled graphs), GiB. */
export const MODEL_CACHE_EXTRA_GIB = 10;
/** Startup probe period, seconds (failureThreshold = budget / period). */
export const STARTUP_PROBE_PERIOD_SECONDS = 10;
/**
 * Seconds the pod keeps serving after it is marked for deletion, so endpoints and load
 * balancers stop routing to it before the drain starts.
 * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
 */
export const DEFAULT_PRE_STOP_SLEEP_SECONDS = 30;
/**
 * Grace period of servers that drain on SIGTERM themselves (no in-flight gauges to poll):
 * the preStop sleep plus time for in-flight generations to finish.
 */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 180;
/**
 * Seconds kept between the end of the drain and the end of the grace period, for the server's
 * own shutdown after SIGTERM (the kubelet sends SIGKILL at the end of the grace period).
 */
export const SHUTDOWN_MARGIN_SECONDS = 20;
/** Shortest drain budget by default: covers a typical chat answer at a slow decode rate. */
export const MIN_DRAIN_SECONDS = 120;
/**
 * Longest drain budget by default. Karpenter and Auto Mode force-drain a node after its
 * `terminationGracePeriod` (1h in this library's pools), so the pod's own grace stays well
 * inside it.
 */
export const MAX_DRAIN_SECONDS = 900;
/** Label every pod of a model carries, used by the Service, the PDB and the scrape objects. */
export const MODEL_NAME_LABEL = 'app.kubernetes.io/name';
/** Component label value of model-server pods. */
export const MODEL_SERVER_COMPONENT = 'model-server';
/** cdk8s-plus's pod-address label, kept as the Deployment selector (selectors are immutable). */
export const POD_ADDRESS_LABEL = 'cdk8s.io/metadata.addr';
/**
 * apiVersion and kind of a LeaderWorkerSet, as the generated binding of the pinned CRD gives them
 * (`imports/leaderworkersets-leaderworkerset.x-k8s.io.ts`, `LeaderWorkerSet.GVK`; a test checks
 * they agree). The workload renders through `ApiObject`, so the 736 KiB binding (about 25 ms to
 * load) stays off the load path of every app that never builds a multi-host replica.
 */
export const LEADER_WORKER_SET_GVK = { apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet' } as const;
/** LeaderWorkerSet label with the pod's index in its group (0 = leader). @see https://lws.sigs.k8s.io/docs/reference/labels-annotations-and-environment-variables/ */
export const LWS_WORKER_INDEX_LABEL = 'leaderworkerset.sigs.k8s.io/worker-index';
/** GKE ComputeClass node label a workload selects. @see https://cloud.google.com/kubernetes-engine/docs/how-to/node-attributes-compute-classes */
export const GKE_COMPUTE_CLASS_LABEL = 'cloud.google.com/compute-class';
/** Ray head port for multi-host serving. @see https://docs.vllm.ai/en/stable/serving/parallelism_scaling.html */
export const RAY_HEAD_PORT = 6379;
/** Scrape interval of the PodMonitor / PodMonitoring this construct renders. */
export const SCRAPE_INTERVAL = '15s';
/** {@link SCRAPE_INTERVAL} in seconds. */
export const SCRAPE_INTERVAL_SECONDS = 15;

/** DNS-1035 label (Service names): lower-case alphanumerics and '-', starting with a letter. */
const DNS_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/**
 * Secret names are DNS-1123 subdomains ("must be a valid DNS subdomain name"), at most 253
 * characters. @see https://kubernetes.io/docs/concepts/configuration/secret/#restriction-names-data
 */
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/**
 * Secret data keys: "must consist of alphanumeric characters, '-', '_' or '.'" (apimachinery
 * `validation.IsConfigMapKey`, regex `[-._a-zA-Z0-9]+`), at most 253 characters.
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#restriction-names-data
 */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Python (present in every vLLM image; curl is not guaranteed) that polls the server's
 * in-flight gauges until they read 0, bounded by a deadline. argv: port, sleep seconds before
 * polling, seconds until the deadline (from hook start), gauge names. A failed scrape ends
 * the wait: a server that does not answer has nothing left to drain.
 */
const DRAIN_SCRIPT = [
  'import re, sys, time, urllib.request',
  'start = time.time()',
  'port, pause, budget, gauges = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]',
  'time.sleep(pause)',
  'while time.time() - start < budget:',
  '    try:',
  "        text = urllib.request.urlopen('http://127.0.0.1:%s/metrics' % port, timeout=5).read().decode()",
  '    except Exception:',
  '        break',
  "    busy = sum(float(v) for g in gauges for v in re.findall('^' + re.escape(g) + r'(?:\\{[^}]*\\})? ([-+0-9.eE]+)$', text, re.M))",
  '    if busy == 0:',
  '        break',
  '    time.sleep(2)',
].join('\n');

/**
 * Python the Ray head runs before it starts the server: wait until the Ray cluster has every
 * host of the group (argv: hosts, seconds to wait). Started before the workers joined, the
 * server would place its workers on the hosts present and fail.
 * @see https://github.com/vllm-project/vllm/blob/v0.11.0/examples/online_serving/multi-node-serving.sh
 */
const RAY_WAIT_SCRIPT = [
  'import sys, time, ray',
  'ray.init(address="auto", logging_level="ERROR")',
  'want, deadline = int(sys.argv[1]), time.time() + float(sys.argv[2])',
  'alive = lambda: sum(1 for n in ray.nodes() if n["Alive"])',
  'while alive() < want:',
  '    if time.time() > deadline:',
  '        sys.exit("ray cluster has %d of %d hosts" % (alive(), want))',
  '    time.sleep(5)',
].join('\n');

/**
 * Python that downloads a checkpoint into a local directory (argv: repo id, target directory),
 * the safetensors weights, configs and tokenizer only (no `original/*.pth` duplicates). It
 * uses the `huggingface_hub` library of the server image itself, so no other image is pulled.
 * @see https://huggingface.co/docs/huggingface_hub/guides/download#download-an-entire-repository
 */
const DOWNLOAD_SCRIPT = [
  'import sys',
  'from huggingface_hub import snapshot_download',
  "snapshot_download(repo_id=sys.argv[1], local_dir=sys.argv[2], allow_patterns=['*.json', '*.safetensors', '*.model', '*.tiktoken', '*.txt'])",
].join('\n');

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

// The platform (`KubernetesPlatform`) and the scrape backend (`ScrapeBackend`) are the lib enums
// (lib/platforms.ts): one table of values for the EKS cluster and the cdk8s constructs.

/** A Kubernetes Secret key holding a value. */
export interface SecretKeyReference {
  /** Secret name (same namespace as the workload). */
  readonly name: string;
  /**
   * Key in the Secret.
   * @default 'token'
   */
  readonly key?: string;
}

/** The object a scaler targets (HPA `scaleTargetRef`). */
export interface ScaleTargetReference {
  /** e.g. `apps/v1` or `leaderworkerset.x-k8s.io/v1`. */
  readonly apiVersion: string;
  /** e.g. `Deployment` or `LeaderWorkerSet`. */
  readonly kind: string;
  /** Kubernetes name of the workload. */
  readonly name: string;
}

/**
 * What a token-throughput scaler needs to know about a workload. {@link ModelDeployment}
 * implements it; for a workload defined elsewhere in the same chart, pass the values yourself.
 */
export interface IScalableModelWorkload {
  /** The Deployment or LeaderWorkerSet to scale. */
  readonly scaleTargetRef: ScaleTargetReference;
  /** Namespace of the workload (and of the metrics series). */
  readonly namespace: string;
  /** The model name the server reports in its metrics' model label. */
  readonly servedModelName: string;
  /** The server profile: token counter, model label and queue gauge. */
  readonly server: ModelServerProfile;
  /** The capacity plan behind the workload: the scaler's targets and the plan report come from it. */
  readonly plan: CapacityPlan;
  /**
   * Scrape interval of the server's metrics, seconds, when the workload renders the scrape
   * object itself (PodMonitor / PodMonitoring); undefined when the backend's own
   * configuration decides (pod annotations).
   */
  readonly scrapeIntervalSeconds?: number;
}

/**
 * A workload whose replica count a scaler can own. {@link ModelDeployment} implements it;
 * scalers call {@link IAutoscalableWorkload.markHasAutoscaler} so the workload stops rendering
 * `spec.replicas` (cdk8s-plus `Deployment.markHasAutoscaler()` does the same for its own
 * autoscaler).
 */
export interface IAutoscalableWorkload {
  /** Called by a scaler that owns the replica count. */
  markHasAutoscaler(): void;
}

/** Options of {@link ModelDeployment.scaleOnTokenThroughput}: the policy's options and where KEDA reads the metrics. */
export interface TokenThroughputScalingOptions extends TokenScalingPolicyOptions {
  /** Where KEDA queries the token counter. */
  readonly prometheus: PrometheusSource;
  /**
   * Add a second trigger on the server's queue-depth gauge, with this many waiting requests per
   * replica as target.
   * @default - no queue-depth trigger
   */
  readonly queueDepthPerReplica?: number;
  /**
   * Wake-up signal; required when the policy scales to zero.
   * @default - none
   */
  readonly scaleFromZero?: ScaleFromZeroOptions;
  /**
   * Scrape interval of the metrics backend, seconds; required when the workload is scraped
   * through pod annotations (the backend's own interval).
   * @default - the workload's own scrape interval (15 s for the PodMonitor / PodMonitoring it renders)
   */
  readonly scrapeIntervalSeconds?: number;
  /**
   * Kubernetes name of the scaler objects.
   * @default - the workload's name
   */
  readonly name?: string;
}

/** Properties of {@link ModelDeployment}. */
export interface ModelDeploymentProps {
  /** The capacity plan (model, instance or TPU slice, tensor parallelism, memory). */
  readonly plan: CapacityPlan;
  /**
   * The model server, e.g. `ModelServer.TGI`, `ModelServer.of('vllm')` or `ModelServer.custom(...)`.
   * @default - `ModelServer.defaultFor(accelerator, ServerPlatform.KUBERNETES, deviceKind)` for the plan's
   * instance: vLLM on NVIDIA GPUs, vLLM Neuron on Inferentia2, the vLLM Neuron plugin on Trainium2, vLLM on TPU
   */
  readonly server?: ModelServer;
  /**
   * Node provisioning flavour whose labels the pods select. The AWS default is the default of
   * `EksInferenceCluster` (EKS Auto Mode, nodes labelled `eks.amazonaws.com/*`), so a default
   * workload runs on a default cluster; pass `'karpenter'` for self-managed Karpenter nodes
   * (`karpenter.k8s.aws/*` labels).
   * @default KubernetesPlatform.EKS_AUTO_MODE on AWS instance types, KubernetesPlatform.GKE on GKE machine types
   */
  readonly platform?: KubernetesPlatform;
  /**
   * Kubernetes name of the workload, Service and companions (DNS-1035).
   * @default - the model's short name, e.g. `llama-3-1-8b`
   */
  readonly name?: string;
  /**
   * Namespace of every object.
   * @default - the chart's namespace, else 'default'
   */
  readonly namespace?: string;
  /**
   * Model name clients send and the server reports in its metrics' model label. Kept
   * label-safe (no "/") so HPA External-metric selectors can match it.
   * @default - the model's short name, e.g. `llama-3-1-8b`
   */
  readonly servedModelName?: string;
  /**
   * Container image.
   * @default - the server profile's pinned Kubernetes image
   */
  readonly image?: string;
  /** Extra server arguments appended after the planned ones. @default - none */
  readonly extraArgs?: string[];
  /**
   * Secret with a Hugging Face access token, exposed as `HF_TOKEN`. Required for gated models.
   * @default - no token (allowed only for models that are not gated)
   */
  readonly huggingFaceTokenSecret?: SecretKeyReference;
  /**
   * Replicas, when no scaler owns the count. Once a scaler targets the workload
   * (TokenThroughputScaler, TokenThroughputHpa, or {@link ModelDeployment.markHasAutoscaler})
   * `spec.replicas` is not rendered at all: Kubernetes' HPA guide asks to remove it, "any time
   * a change to that object is applied ... this will instruct Kubernetes to scale the current
   * number of Pods to the value of the spec.replicas key", and the API server starts a new
   * object at 1 replica.
   * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling
   * @default 1 (not rendered when a scaler owns the count)
   */
  readonly replicas?: number;
  /**
   * Existing PersistentVolumeClaim to cache the weights on (e.g. a pre-populated ReadOnlyMany
   * volume). With a claim, pods skip the download.
   * @default - an emptyDir sized for the weights
   */
  readonly modelCacheClaimName?: string;
  /**
   * Seconds the startup probe allows for download, load and compilation.
   * @default - estimated from the weight size and the accelerator's compile step
   */
  readonly startupTimeoutSeconds?: number;
  /**
   * Seconds the pod keeps serving after deletion starts, before the drain polls the server
   * (endpoint removal reaches every load balancer in that time).
   * @default 30
   */
  readonly preStopSleepSeconds?: number;
  /**
   * Termination grace period, seconds; must exceed the preStop sleep. The preStop hook waits
   * until the server reports no running or waiting requests (servers with in-flight gauges:
   * vLLM), for at most this period minus {@link SHUTDOWN_MARGIN_SECONDS}, and only then does the
   * kubelet send SIGTERM: vLLM v0.11.0 cancels its HTTP server task on SIGTERM
   * (`vllm/entrypoints/launcher.py` `signal_handler`: `server_task.cancel()`), cutting every
   * stream still open.
   * @default - preStop sleep + the time one sequence takes to generate the planned context at the
   *   planned per-sequence decode rate (120 s to 900 s) + 20 s
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Replicas (LeaderWorkerSet groups count as their pods) that voluntary disruptions such as
   * node drift, expiry or consolidation may take down at once.
   *
   * Trade-off: with a single replica, `maxUnavailable: 1` lets a drain evict it, and EKS Auto
   * Mode replaces nodes on AMI drift "roughly once per week" (EKS user guide
   * `create-node-pool.adoc`), so a one-replica model is down for a whole model load each time.
   * A budget of 0 would instead block every drain until the node pool's
   * `terminationGracePeriod` forces it. The safe choice is two or more replicas (the reference
   * charts' `minReplicas: 2`): the PDB then always keeps one serving while the other moves.
   * @default 1 replica
   */
  readonly maxUnavailableReplicas?: number;
  /**
   * Spread replicas across zones (`topologySpreadConstraints`, `ScheduleAnyway`: accelerator
   * capacity is often in one zone only, and a hard constraint would leave pods Pending).
   * @default true
   */
  readonly zoneSpread?: boolean;
  /**
   * How the metrics backend scrapes the server.
   * @default ScrapeBackend.GOOGLE_MANAGED_PROMETHEUS on GKE, ScrapeBackend.ANNOTATIONS on EKS
   */
  readonly scrapeBackend?: ScrapeBackend;
  /**
   * GKE ComputeClass the pods select (`cloud.google.com/compute-class`).
   * @default - none
   */
  readonly computeClassName?: string;
  /**
   * Kubernetes ServiceAccount the pods run as (e.g. one bound to cloud IAM for a model bucket).
   * @default - the namespace's default ServiceAccount, token not mounted
   */
  readonly serviceAccountName?: string;
}

/** A Kubernetes volume the server pod mounts. */
interface PodVolumeDesign {
  readonly name: string;
  readonly mountPath: string;
  readonly emptyDir?: { readonly medium?: 'Memory'; readonly sizeLimitGiB: number };
  readonly claimName?: string;
}

/** One environment variable: a literal or a Secret key. */
interface EnvDesign {
  readonly name: string;
  readonly value?: string;
  readonly secret?: { readonly name: string; readonly key: string };
}

/** Everything about the server pod, computed once; {@link podTemplate} renders it for every workload kind. */
interface PodDesign {
  readonly image: string;
  readonly command: string[];
  readonly args: string[];
  readonly env: EnvDesign[];
  readonly workingDir?: string;
  readonly port: number;
  readonly healthPath: string;
  readonly volumes: PodVolumeDesign[];
  readonly cpuRequestMillis: number;
  readonly memoryGiB: number;
  readonly ephemeralStorageGiB: number;
  /** Accelerator request of the server container (requests = limits). */
  readonly devices: { [name: string]: number };
  readonly startupFailureThreshold: number;
  readonly preStopCommand: string[];
  readonly terminationGracePeriodSeconds: number;
  readonly nodeSelector: { [key: string]: string };
  readonly tolerations: Toleration[];
  readonly labels: { [key: string]: string };
  readonly annotations: { [key: string]: string };
  readonly zoneSpread: boolean;
  readonly serviceAccountName?: string;
  /** Download of the checkpoint before the server starts (servers that need local weights). */
  readonly download?: { readonly repoId: string; readonly localDir: string };
}

/** What one pod of the workload runs: the server alone, or a Ray head / worker of a multi-host group. */
interface PodRole {
  /** Container command (the server's, or a launcher script). */
  readonly command: string[];
  readonly args: string[];
  /** Probes and the drain hook: only pods that serve HTTP. */
  readonly serves: boolean;
  /** Extra environment of the role (multi-host backend selection). */
  readonly env: EnvDesign[];
  /** Extra labels (the Deployment's pod-address selector label). */
  readonly labels: { [key: string]: string };
  /** Open the Ray port. */
  readonly rayPort: boolean;
}

// ---------------------------------------------------------------------------------------------
// Construct
// ---------------------------------------------------------------------------------------------

/**
 * A model server on accelerator nodes, sized from a {@link CapacityPlan}.
 *
 * One replica is one pod when the model fits one node or TPU host (a `Deployment`), or one
 * LeaderWorkerSet group of `hostsPerReplica` pods when it spans a multi-host TPU slice (a Ray
 * cluster: the leader is the Ray head and the server, workers join it).
 *
 * Disruption: the workload is protected by a PodDisruptionBudget and drains for real: the
 * preStop hook waits until the server has no running or waiting requests before SIGTERM. It
 * deliberately does NOT set `karpenter.sh/do-not-disrupt: "true"` on every pod: that
 * annotation blocks consolidation and expiry of the node for as long as the pod lives, so idle
 * accelerator nodes would never be reclaimed. The PDB lets Karpenter / GKE replace nodes one
 * replica at a time, which keeps a model serving only with two or more replicas (see
 * `maxUnavailableReplicas`).
 *
 * @see https://karpenter.sh/docs/concepts/disruption/#pod-level-controls
 * @see https://lws.sigs.k8s.io/docs/overview/
 */
export class ModelDeployment extends Construct implements IScalableModelWorkload, IAutoscalableWorkload {
  /** The rendered workload (Deployment or LeaderWorkerSet): escape hatch for patches. */
  public readonly workload: ApiObject;
  /** ClusterIP Service in front of the server (leader pods only for a LeaderWorkerSet). */
  public readonly service: ApiObject;
  /** The disruption budget. */
  public readonly podDisruptionBudget: ApiObject;
  /** The scrape object (PodMonitor or PodMonitoring), when one is rendered. */
  public readonly scrapeConfig?: ApiObject;
  /** What a scaler targets: the Deployment or the LeaderWorkerSet. */
  public readonly scaleTargetRef: ScaleTargetReference;
  /** Namespace of every object. */
  public readonly namespace: string;
  /** Model name clients send and the metrics report. */
  public readonly servedModelName: string;
  /** The model-server profile the workload runs (the `server` prop's, or the default's). */
  public readonly server: ModelServerProfile;
  /** The capacity plan the workload is sized from. */
  public readonly plan: CapacityPlan;
  /** Kubernetes name of the workload and its companions. */
  public readonly name: string;
  /** Platform whose node labels the pods select. */
  public readonly platform: KubernetesPlatform;
  /** Labels that select this model's pods. */
  public readonly selectorLabels: { [key: string]: string };
  /** Node selector of the pods. */
  public readonly nodeSelector: { [key: string]: string };
  /** Tolerations of the pods. */
  public readonly tolerations: Toleration[];
  /** Pods per replica (LeaderWorkerSet group size; 1 for a Deployment). */
  public readonly podsPerReplica: number;
  /** Accelerator devices each pod requests. */
  public readonly devicesPerPod: number;
  /** Startup budget the startup probe allows, seconds. */
  public readonly startupTimeoutSeconds: number;
  /** Ephemeral storage each pod requests, GiB (model cache and scratch space on the node disk). */
  public readonly ephemeralStorageGiB: number;
  /** GiB of checkpoint the pod downloads (the published weights, before quantize-at-load). */
  public readonly checkpointGiB: number;
  /** GiB of host memory the server needs while loading (0 when it streams weights to the devices). */
  public readonly hostLoadGiB: number;
  /** Scrape interval of the rendered PodMonitor / PodMonitoring, seconds (undefined with annotations). */
  public readonly scrapeIntervalSeconds?: number;

  private hasAutoscaler = false;
  private readonly replicas: number;
  private readonly design: PodDesign;

  constructor(scope: Construct, id: string, props: ModelDeploymentProps) {
    super(scope, id);
    const plan = props.plan;
    const instance = plan.instance;
    this.plan = plan;
    this.server = (props.server ?? ModelServer.defaultFor(instance.acceleratorClass, ServerPlatform.KUBERNETES, instance.device.kind)).profile;
    // Device, model and pipeline support of the pinned server (servers.ts assertServerRuns).
    assertServerRuns(this.server, plan);
    assertServerPlatform(this.server, ServerPlatform.KUBERNETES);
    if (this.server.httpSidecar || this.server.metricsPort !== undefined) {
      throw new InferenceConstructsError('ModelServerUnsupported', {
        prop: 'server',
        problem: `server ${this.server.name} needs an HTTP sidecar and a separate metrics port, which ModelDeployment does not render`,
        received: this.server.name,
        allowed: ['vllm', 'vllm-neuron', 'vllm-tpu', 'tgi'],
        fix: 'serve TPU models with vllm-tpu (the default)',
      });
    }
    this.platform = props.platform ?? (instance.cloud === 'gcp' ? KubernetesPlatform.GKE : KubernetesPlatform.EKS_AUTO_MODE);
    validatePlatform(this.platform, instance.cloud);
    this.name = props.name ?? plan.model.name;
    validateName(this.name);
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    this.servedModelName = props.servedModelName ?? plan.model.name;
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,252}$/.test(this.servedModelName)) {
      // The name is quoted into PromQL label matchers and HPA selectors.
      throw new InferenceConstructsError('ServedModelNameInvalid', {
        prop: 'servedModelName',
        problem: 'the served model name has characters that cannot be matched in metric queries',
        received: this.servedModelName,
        allowed: 'letters, digits, ".", "_", "-" and "/", starting with a letter or digit',
        fix: 'pass a plain name such as "llama-3-1-8b"',
      });
    }

    const slice = tpuSliceOf(plan);
    this.podsPerReplica = plan.hostsPerReplica;
    this.devicesPerPod = plan.devicesPerReplica;
    validateShape(plan, slice);
    if (this.podsPerReplica > 1 && this.server.multiHostRayEnvironment === undefined) {
      throw new InferenceConstructsError('MultiHostLaunchUnsupported', {
        prop: 'server',
        problem: `a replica spans ${this.podsPerReplica} hosts, and this server has no multi-host launcher here`,
        received: this.server.name,
        allowed: ['vllm-tpu', 'vllm'],
        fix: 'serve multi-host TPU slices with vllm-tpu and pipelined GPU replicas with vllm (Ray inside the LeaderWorkerSet group), or plan on a single node',
      });
    }

    if (plan.model.gated && !props.huggingFaceTokenSecret) {
      throw new InferenceConstructsError('HuggingFaceTokenMissing', {
        prop: 'huggingFaceTokenSecret',
        problem: `model ${plan.model.huggingFaceId} is gated on Hugging Face and needs an access token`,
        received: undefined,
        allowed: 'a reference to a Secret key holding the token ({ name, key })',
        fix: 'create a Secret with the token (kubectl create secret generic hf-token --from-literal=token=...) and pass huggingFaceTokenSecret: { name: "hf-token" }',
      });
    }
    const tokenSecret = props.huggingFaceTokenSecret
      ? validateSecretReference(props.huggingFaceTokenSecret, 'huggingFaceTokenSecret')
      : undefined;
    if (props.modelCacheClaimName !== undefined) validateDns1123Subdomain(props.modelCacheClaimName, 'modelCacheClaimName', 'PersistentVolumeClaim');
    if (props.serviceAccountName !== undefined) validateDns1123Subdomain(props.serviceAccountName, 'serviceAccountName', 'ServiceAccount');
    this.replicas = props.replicas ?? 1;
    assertInteger('ReplicasInvalid', 'replicas', this.replicas, 0);
    const maxUnavailable = props.maxUnavailableReplicas ?? 1;
    assertInteger('ReplicasInvalid', 'maxUnavailableReplicas', maxUnavailable, 1);

    // Sizes from the checkpoint actually fetched: a quantize-at-load plan (bf16 checkpoint,
    // --quantization fp8) downloads and reads the bf16 bytes, twice what the devices hold.
    this.checkpointGiB = checkpointGiB(plan);
    this.hostLoadGiB = hostLoadGiB(this.server, plan);
    // Server start-up overhead (imports, graph capture, Neuron / XLA compilation) plus
    // checkpoint download and load, from the server profile.
    const startup = props.startupTimeoutSeconds ?? startupProbeSeconds(this.server, plan);
    assertInteger('StartupTimeoutInvalid', 'startupTimeoutSeconds', startup, STARTUP_PROBE_PERIOD_SECONDS);
    this.startupTimeoutSeconds = startup;

    const preStop = props.preStopSleepSeconds ?? DEFAULT_PRE_STOP_SLEEP_SECONDS;
    assertInteger('PreStopSleepInvalid', 'preStopSleepSeconds', preStop, 0);
    const drains = (this.server.inFlightRequestGauges ?? []).length > 0;
    // Servers without in-flight gauges (TGI) drain on SIGTERM themselves within the grace period.
    const grace =
      props.terminationGracePeriodSeconds ??
      (drains ? preStop + defaultDrainSeconds(plan) + SHUTDOWN_MARGIN_SECONDS : DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
    assertInteger('TerminationGracePeriodInvalid', 'terminationGracePeriodSeconds', grace, 1);
    if (grace <= preStop) {
      throw new InferenceConstructsError('GracePeriodTooShort', {
        prop: 'terminationGracePeriodSeconds',
        problem: 'the grace period must outlast the preStop sleep, or the server is killed before it can drain',
        received: grace,
        allowed: `an integer greater than preStopSleepSeconds (${preStop})`,
        fix: `raise terminationGracePeriodSeconds to at least ${preStop + 60}`,
      });
    }
    const preStopCommand = drains
      ? [
          'python3', '-c', DRAIN_SCRIPT,
          String(this.server.port), String(preStop), String(Math.max(preStop, grace - SHUTDOWN_MARGIN_SECONDS)),
          ...(this.server.inFlightRequestGauges ?? []),
        ]
      : ['sleep', String(preStop)];

    const scrape = props.scrapeBackend ?? (this.platform === KubernetesPlatform.GKE ? ScrapeBackend.GOOGLE_MANAGED_PROMETHEUS : ScrapeBackend.ANNOTATIONS);
    this.scrapeIntervalSeconds = scrape === ScrapeBackend.PROMETHEUS_OPERATOR || scrape === ScrapeBackend.GOOGLE_MANAGED_PROMETHEUS ? SCRAPE_INTERVAL_SECONDS : undefined;

    // Node selection and tolerations from the catalogue.
    const selector = { ...platformSelector(plan, this.platform, slice) };
    if (props.computeClassName) selector[GKE_COMPUTE_CLASS_LABEL] = props.computeClassName;
    this.nodeSelector = selector;
    const taints: Taint[] = [...instance.kubernetes.taints];
    if (props.computeClassName) {
      // GKE taints nodes it auto-creates for a ComputeClass with the class name.
      taints.push({ key: GKE_COMPUTE_CLASS_LABEL, value: props.computeClassName, effect: 'NoSchedule' });
    }
    this.tolerations = taints.map(tolerationFor);
    this.selectorLabels = { [MODEL_NAME_LABEL]: this.name, 'app.kubernetes.io/component': MODEL_SERVER_COMPONENT };

    // Host memory: the pod's share of the node, which must hold the checkpoint while a server
    // that loads through host RAM (Neuron) reads it.
    const hostShare = 1 / Math.max(1, plan.replicasPerNode);
    const memoryGiB = Math.max(4, Math.floor(instance.hostMemoryGiB * hostShare * POD_HOST_MEMORY_FRACTION));
    if (Math.ceil(this.hostLoadGiB) > memoryGiB) {
      const neededHostGiB = Math.ceil(this.hostLoadGiB / POD_HOST_MEMORY_FRACTION / hostShare);
      throw new InferenceConstructsError('HostMemoryInsufficient', {
        prop: 'plan.instance',
        problem:
          `server ${this.server.name} loads the ${round1(this.checkpointGiB)} GiB checkpoint of ${plan.model.name} through host RAM ` +
          `(${round1(this.hostLoadGiB)} GiB while loading), and a pod on ${instance.name} gets ${memoryGiB} GiB: it would be OOMKilled`,
        received: instance.name,
        allowed: `an instance type with at least ${neededHostGiB} GiB host memory per replica`,
        fix: 'plan on a larger instance of the same accelerator (e.g. inf2.8xlarge for an 8B model), or fewer replicas per node',
      });
    }

    // Pod design.
    const cacheGiB = Math.ceil(this.checkpointGiB * MODEL_CACHE_HEADROOM_FACTOR + MODEL_CACHE_EXTRA_GIB);
    const shmGiB = Math.max(1, Math.min(16, Math.floor((instance.hostMemoryGiB * hostShare) / 8)));
    const volumes: PodVolumeDesign[] = [
      props.modelCacheClaimName
        ? { name: 'model-cache', mountPath: MODEL_CACHE_MOUNT_PATH, claimName: props.modelCacheClaimName }
        : { name: 'model-cache', mountPath: MODEL_CACHE_MOUNT_PATH, emptyDir: { sizeLimitGiB: cacheGiB } },
      // NCCL / Ray / PyTorch workers exchange tensors through /dev/shm; the container runtime
      // default is 64 MiB. @see https://docs.vllm.ai/en/stable/deployment/k8s.html
      { name: 'dshm', mountPath: '/dev/shm', emptyDir: { medium: 'Memory', sizeLimitGiB: shmGiB } },
      { name: 'home', mountPath: SERVER_HOME_PATH, emptyDir: { sizeLimitGiB: 1 } },
    ];
    const taken = new Set(volumes.map((v) => v.mountPath));
    this.server.writablePaths.forEach((path, i) => {
      // The images' HOME is /root (mode 0700, not traversable for a non-root user): HOME moves
      // to an emptyDir, and ~/.cache, ~/.config ... land there.
      if (taken.has(path) || path === '/root' || path.startsWith('/root/')) return;
      taken.add(path);
      volumes.push({ name: `scratch-${i}`, mountPath: path, emptyDir: { sizeLimitGiB: 8 } });
    });
    const env: EnvDesign[] = [
      { name: 'HOME', value: SERVER_HOME_PATH },
      { name: 'USER', value: SERVER_USER_NAME },
      { name: 'LOGNAME', value: SERVER_USER_NAME },
      { name: 'HF_HOME', value: `${MODEL_CACHE_MOUNT_PATH}/huggingface` },
      // Some images (TGI) set the hub cache explicitly; point it at the sized cache volume too.
      // @see https://huggingface.co/docs/huggingface_hub/package_reference/environment_variables
      { name: 'HF_HUB_CACHE', value: `${MODEL_CACHE_MOUNT_PATH}/huggingface/hub` },
      { name: 'HUGGINGFACE_HUB_CACHE', value: `${MODEL_CACHE_MOUNT_PATH}/huggingface/hub` },
    ];
    if (tokenSecret) env.push({ name: 'HF_TOKEN', secret: tokenSecret });
    // The profile's own container environment (Neuron: the NxD Inference backend selector).
    for (const [name, value] of Object.entries(serverEnvironment(this.server, plan))) env.push({ name, value });
    let download: PodDesign['download'];
    let workingDir: string | undefined;
    if (this.server.requiresLocalWeights) {
      // Started from a Hugging Face id the Neuron loader materialises the model in host RAM and
      // writes local-models/... under its working directory (read-only /opt/vllm here): give it
      // a local checkpoint, a writable artifacts path and a writable working directory instead.
      download = { repoId: plan.model.huggingFaceId, localDir: `${LOCAL_WEIGHTS_PATH}/${plan.model.huggingFaceId}` };
      env.push({ name: 'NEURON_COMPILED_ARTIFACTS', value: NEURON_COMPILED_ARTIFACTS_PATH });
      workingDir = MODEL_CACHE_MOUNT_PATH;
    }
    const args = [
      ...serverArgs(this.server, plan, { servedModelName: this.servedModelName, ...(download ? { modelPath: download.localDir } : {}) }),
      ...(props.extraArgs ?? []),
    ];
    const annotations: Record<string, string> =
      scrape === ScrapeBackend.ANNOTATIONS
        ? {
            // Read by the default scrape configuration of the Amazon Managed Service for
            // Prometheus managed collector. @see https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector-how-to.html
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(this.server.port),
            'prometheus.io/path': this.server.metricsPath,
          }
        : {};
    const image = props.image ?? this.server.kubernetesImage;
    if (!image) {
      throw new InferenceConstructsError('ModelServerUnsupported', {
        prop: 'image',
        problem: `server ${this.server.name} publishes no Kubernetes image`,
        received: undefined,
        allowed: 'a pinned image reference',
        fix: 'pass image explicitly or pick a server with a Kubernetes image',
      });
    }
    if (isLatestImage(image)) {
      throw new InferenceConstructsError('ImageNotPinned', {
        prop: 'image',
        problem: 'the image is not pinned, so every node may run a different server version',
        received: image,
        allowed: 'an image with an explicit tag other than latest, or a digest',
        fix: 'pin the image to a release tag or digest',
      });
    }
    this.ephemeralStorageGiB = props.modelCacheClaimName ? 10 : cacheGiB + 10;
    this.design = {
      image,
      command: this.server.kubernetesCommand ? [...this.server.kubernetesCommand] : [],
      args,
      env,
      workingDir,
      port: this.server.port,
      healthPath: this.server.healthPath,
      volumes,
      cpuRequestMillis: Math.max(1000, Math.floor(instance.vcpu * hostShare * 0.8) * 1000),
      memoryGiB,
      ephemeralStorageGiB: this.ephemeralStorageGiB,
      devices: extendedResourceQuantity(instance.kubernetes.resourceName, this.devicesPerPod),
      startupFailureThreshold: Math.ceil(startup / STARTUP_PROBE_PERIOD_SECONDS),
      preStopCommand,
      terminationGracePeriodSeconds: grace,
      nodeSelector: selector,
      tolerations: this.tolerations.slice(),
      labels: { ...this.selectorLabels },
      annotations,
      zoneSpread: props.zoneSpread ?? true,
      serviceAccountName: props.serviceAccountName,
      download,
    };

    // Plan annotations on the workload, for rules that check the synthesized objects against
    // the plan they came from (lib/plan-annotations.ts).
    const planAnnotations: Record<string, string> = {
      [TARGET_TOKENS_PER_SECOND_ANNOTATION]: String(Math.round(plan.targetTokensPerSecondPerReplica * 1000) / 1000),
      // What the startup probe must cover: the server's own start (overhead + checkpoint load),
      // as planned, not the caller's override, so IC-K8S-011 flags a probe shorter than the plan.
      // The init container's download is not part of it: app containers, and so their probes,
      // start only after every init container has completed (Kubernetes docs, Init Containers,
      // https://kubernetes.io/docs/concepts/workloads/pods/init-containers/: init containers "are
      // run before the app containers are started" and "always run to completion"; the startup
      // probe's clock starts with the container, Configure Liveness, Readiness and Startup Probes).
      [PLANNED_STARTUP_SECONDS_ANNOTATION]: String(startupProbeSeconds(this.server, plan)),
      [CHECKPOINT_GIB_ANNOTATION]: String(round1(this.checkpointGiB)),
      [HOST_LOAD_GIB_ANNOTATION]: String(round1(this.hostLoadGiB)),
    };
    const metadata = { name: this.name, namespace: this.namespace, labels: { ...this.selectorLabels }, annotations: planAnnotations };

    if (this.podsPerReplica === 1) {
      this.workload = new ApiObject(this, 'Resource', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata,
        spec: Lazy.any({ produce: () => this.deploymentSpec() }),
      });
      this.scaleTargetRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name };
    } else {
      this.workload = new ApiObject(this, 'Resource', {
        apiVersion: LEADER_WORKER_SET_GVK.apiVersion,
        kind: LEADER_WORKER_SET_GVK.kind,
        metadata,
        spec: Lazy.any({ produce: () => this.leaderWorkerSetSpec() }),
      });
      this.scaleTargetRef = { apiVersion: LEADER_WORKER_SET_GVK.apiVersion, kind: LEADER_WORKER_SET_GVK.kind, name: this.name };
    }

    const servicePods =
      this.podsPerReplica > 1 ? { ...this.selectorLabels, [LWS_WORKER_INDEX_LABEL]: '0' } : this.selectorLabels;
    // The Service and the budget render through `ApiObject` as the Deployment does: the
    // generated `KubeService` / `KubePodDisruptionBudget` bindings live in one 2.6 MB module of
    // cdk8s-plus-28 that would cost every synth 50-100 ms to load (test/lib/layering.test.ts);
    // the snapshots and the strict schema validation of every rendered object hold the JSON.
    this.service = new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: this.name, namespace: this.namespace, labels: this.selectorLabels },
      spec: {
        type: 'ClusterIP',
        selector: servicePods,
        ports: [{ name: 'http', port: this.server.port, targetPort: 'http', protocol: 'TCP' }],
      },
    });

    this.podDisruptionBudget = new ApiObject(this, 'Pdb', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: this.name, namespace: this.namespace, labels: this.selectorLabels },
      spec: {
        // Counted in pods over every pod of the workload. A LeaderWorkerSet group restarts as a
        // unit when any one of its pods goes (RecreateGroupOnPodRestart), so evicting N pods can
        // break N groups: the budget in pods equals the budget in replicas.
        maxUnavailable,
        selector: { matchLabels: this.selectorLabels },
        // Pods that never became ready (e.g. still loading) may be evicted during a drain.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });

    if (scrape === ScrapeBackend.PROMETHEUS_OPERATOR) {
      this.scrapeConfig = new PodMonitor(this, 'PodMonitor', {
        metadata: { name: this.name, namespace: this.namespace, labels: this.selectorLabels },
        spec: {
          selector: { matchLabels: servicePods },
          podMetricsEndpoints: [{ port: 'http', path: this.server.metricsPath, interval: SCRAPE_INTERVAL }],
        },
      });
    } else if (scrape === ScrapeBackend.GOOGLE_MANAGED_PROMETHEUS) {
      this.scrapeConfig = new PodMonitoring(this, 'PodMonitoring', {
        metadata: { name: this.name, namespace: this.namespace, labels: this.selectorLabels },
        spec: {
          selector: { matchLabels: servicePods },
          endpoints: [{ port: PodMonitoringSpecEndpointsPort.fromString('http'), path: this.server.metricsPath, interval: SCRAPE_INTERVAL }],
        },
      });
    }

    // Two models rendering the same object name in one namespace would overwrite each other
    // on apply; checked once the chart is complete.
    this.node.addValidation({ validate: () => { assertUniqueObjectNames(Chart.of(this)); return []; } });
  }

  /**
   * Stop rendering `spec.replicas`: a scaler owns the count. Called by TokenThroughputScaler and
   * TokenThroughputHpa; call it yourself for a scaler defined elsewhere.
   */
  public markHasAutoscaler(): void {
    this.hasAutoscaler = true;
  }

  /**
   * Scale the workload with KEDA on its generated tokens per second, against the targets of its
   * own plan: the policy is built from `this.plan` with the given options, so it cannot come from
   * another plan. One scaler per workload (a second call fails on the duplicate construct id).
   *
   * @example
   * model.scaleOnTokenThroughput({ minReplicas: 1, maxReplicas: 4, prometheus: PrometheusSource.googleManagedPrometheus({ projectId: 'my-project' }) });
   */
  public scaleOnTokenThroughput(options: TokenThroughputScalingOptions): TokenThroughputScaler {
    const { prometheus, queueDepthPerReplica, scaleFromZero, scrapeIntervalSeconds, name, ...policyOptions } = options;
    return new TokenThroughputScaler(this, 'TokenScaler', {
      target: this,
      policy: tokenScalingPolicy(this.plan, policyOptions),
      prometheus,
      queueDepthPerReplica,
      scaleFromZero,
      scrapeIntervalSeconds,
      name,
    });
  }

  /** True once a scaler owns the replica count. */
  public get autoscaled(): boolean {
    return this.hasAutoscaler;
  }

  private deploymentSpec(): Record<string, unknown> {
    const addr = Names.toLabelValue(this.workload);
    const serverRole: PodRole = {
      command: this.design.command,
      args: this.design.args,
      serves: true,
      env: [],
      labels: { [POD_ADDRESS_LABEL]: addr },
      rayPort: false,
    };
    const initDelay = this.design.download ? weightLoadSeconds(this.plan) : 0;
    return {
      minReadySeconds: 0,
      progressDeadlineSeconds: Math.max(600, this.startupTimeoutSeconds + initDelay + 300),
      ...(this.hasAutoscaler ? {} : { replicas: this.replicas }),
      selector: { matchLabels: { [POD_ADDRESS_LABEL]: addr } },
      // Surge one replica at a time and never drop below the current count: accelerator
      // capacity is scarce and a replica takes minutes to become ready.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: podTemplate(this.design, serverRole),
    };
  }

  private leaderWorkerSetSpec(): Record<string, unknown> {
    const roles = rayGroupRoles(this.design, this.server, this.podsPerReplica, this.startupTimeoutSeconds);
    return {
      ...(this.hasAutoscaler ? {} : { replicas: this.replicas }),
      // Workers join the leader's Ray head, and the head waits for them: the leader must not
      // wait for readiness (LeaderReady would deadlock), so the group starts together.
      startupPolicy: 'LeaderCreated',
      leaderWorkerTemplate: {
        size: this.podsPerReplica,
        // A slice serves only with every host present: restart the group together.
        restartPolicy: 'RecreateGroupOnPodRestart',
        leaderTemplate: podTemplate(this.design, roles.leader),
        workerTemplate: podTemplate({ ...this.design, annotations: {} }, roles.worker),
      },
    };
  }
}

/** Share of the node's host memory (per replica) a pod requests: the rest is kubelet, system and eviction reserve. */
const POD_HOST_MEMORY_FRACTION = 0.8;

function round1(n: number): number {
  return Math.ceil(n * 10) / 10;
}

/**
 * Default drain budget: one sequence generating the planned context at the planned
 * per-sequence decode rate, between {@link MIN_DRAIN_SECONDS} and {@link MAX_DRAIN_SECONDS}.
 */
function defaultDrainSeconds(plan: CapacityPlan): number {
  const perSequence = plan.throughput.tokensPerSecondPerReplica / Math.max(1, plan.concurrentSequences);
  const seconds = perSequence > 0 ? Math.ceil(plan.contextTokens / perSequence) : MAX_DRAIN_SECONDS;
  return Math.min(MAX_DRAIN_SECONDS, Math.max(MIN_DRAIN_SECONDS, Math.ceil(seconds / 10) * 10));
}

/**
 * Leader and worker roles of a multi-host replica on a Ray cluster spanning the group: the
 * leader starts the Ray head, waits until every host joined (`LWS_GROUP_SIZE`, injected by
 * LeaderWorkerSet), then execs the server with `--distributed-executor-backend ray`; workers
 * wait until the head answers, then join it and block. The profile's multi-host environment
 * (tpu-inference: `TPU_MULTIHOST_BACKEND=ray`, `JAX_PLATFORMS=''`) goes on both. Written for
 * any server with a Ray launcher (vLLM pipeline parallel across GPU nodes uses the same shape).
 * @see https://docs.vllm.ai/en/v0.11.0/deployment/frameworks/lws.html
 * @see https://lws.sigs.k8s.io/docs/reference/labels-annotations-and-environment-variables/
 */
function rayGroupRoles(
  design: PodDesign,
  server: ModelServerProfile,
  hosts: number,
  startupSeconds: number,
): { leader: PodRole; worker: PodRole } {
  const env: EnvDesign[] = Object.entries(sortedByKey(server.multiHostRayEnvironment ?? {}))
    .map(([name, value]) => ({ name, value }));
  const serverCommand = design.command.map(shellQuote).join(' ');
  const head = [
    `ray start --head --port=${RAY_HEAD_PORT} --disable-usage-stats`,
    // Bounded by the startup budget, after which the startup probe restarts the group anyway.
    `python3 -c ${shellQuote(RAY_WAIT_SCRIPT)} "$LWS_GROUP_SIZE" ${startupSeconds}`,
    `exec ${serverCommand} "$@" --distributed-executor-backend ray`,
  ].join(' && ');
  const worker = [
    `until ray status --address="$LWS_LEADER_ADDRESS:${RAY_HEAD_PORT}" >/dev/null 2>&1; do sleep 5; done`,
    `exec ray start --address="$LWS_LEADER_ADDRESS:${RAY_HEAD_PORT}" --block --disable-usage-stats`,
  ].join('; ');
  if (hosts < 2) {
    throw new InferenceConstructsError('MultiHostLaunchUnsupported', {
      prop: 'plan.hostsPerReplica',
      problem: 'a Ray group needs at least two hosts',
      received: hosts,
      allowed: 'an integer >= 2',
      fix: 'serve single-host replicas with a Deployment',
    });
  }
  return {
    leader: { command: ['/bin/sh', '-c', head, 'server'], args: design.args, serves: true, env, labels: {}, rayPort: true },
    // Workers run only a Ray node: no server endpoint, probes or drain.
    worker: { command: ['/bin/sh', '-c', worker], args: [], serves: false, env, labels: {}, rayPort: true },
  };
}

/** Single-quote a string for /bin/sh. */
function shellQuote(s: string): string {
  return /^[-A-Za-z0-9_./=:]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The restricted Pod Security Standard, container level. @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted */
function containerSecurityContext(): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: SERVER_RUN_AS_ID,
    runAsGroup: SERVER_RUN_AS_ID,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

function renderEnv(env: readonly EnvDesign[]): Record<string, unknown>[] {
  return env.map((e) =>
    e.secret
      ? { name: e.name, valueFrom: { secretKeyRef: { name: e.secret.name, key: e.secret.key } } }
      : { name: e.name, value: e.value ?? '' },
  );
}

/**
 * The one pod-template builder: a Deployment's `spec.template` and both LeaderWorkerSet
 * templates. Plain JSON, so every field is rendered as given and checked by the strict
 * schema validator in the tests.
 */
function podTemplate(design: PodDesign, role: PodRole): Record<string, unknown> {
  const gib = (n: number) => `${n}Gi`;
  const probe = (periodSeconds: number, failureThreshold: number, timeoutSeconds: number) => ({
    httpGet: { path: design.healthPath, port: design.port, scheme: 'HTTP' },
    periodSeconds,
    failureThreshold,
    timeoutSeconds,
  });
  const mounts = design.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath }));
  const env = renderEnv([...design.env, ...role.env]);
  const server: Record<string, unknown> = {
    name: 'server',
    image: design.image,
    imagePullPolicy: 'IfNotPresent',
    ...(role.command.length ? { command: role.command } : {}),
    ...(role.args.length ? { args: role.args } : {}),
    ...(design.workingDir ? { workingDir: design.workingDir } : {}),
    env,
    ports: [
      { name: 'http', containerPort: design.port, protocol: 'TCP' },
      ...(role.rayPort ? [{ name: 'ray', containerPort: RAY_HEAD_PORT, protocol: 'TCP' }] : []),
    ],
    resources: {
      requests: {
        ...design.devices,
        cpu: `${design.cpuRequestMillis}m`,
        'ephemeral-storage': gib(design.ephemeralStorageGiB),
        memory: gib(design.memoryGiB),
      },
      limits: { ...design.devices, memory: gib(design.memoryGiB) },
    },
    volumeMounts: mounts,
    securityContext: containerSecurityContext(),
    ...(role.serves
      ? {
          lifecycle: { preStop: { exec: { command: design.preStopCommand } } },
          startupProbe: probe(STARTUP_PROBE_PERIOD_SECONDS, design.startupFailureThreshold, 5),
          readinessProbe: probe(5, 3, 5),
          livenessProbe: probe(10, 6, 10),
        }
      : {}),
  };
  const initContainers = design.download
    ? [
        {
          name: 'download-weights',
          // The server image's own huggingface_hub: no second image to pin and pull.
          image: design.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['python3', '-c', DOWNLOAD_SCRIPT, design.download.repoId, design.download.localDir],
          env: renderEnv(design.env.filter((e) => ['HOME', 'USER', 'LOGNAME', 'HF_HOME', 'HF_HUB_CACHE', 'HF_TOKEN'].includes(e.name))),
          resources: {
            requests: { cpu: `${Math.min(design.cpuRequestMillis, DOWNLOAD_CPU_MILLIS)}m`, memory: gib(DOWNLOAD_MEMORY_GIB) },
            limits: { memory: gib(DOWNLOAD_MEMORY_GIB) },
          },
          volumeMounts: mounts,
          securityContext: containerSecurityContext(),
        },
      ]
    : undefined;
  return {
    metadata: {
      labels: { ...design.labels, ...role.labels },
      ...(Object.keys(design.annotations).length ? { annotations: { ...design.annotations } } : {}),
    },
    spec: {
      automountServiceAccountToken: false,
      ...(design.serviceAccountName ? { serviceAccountName: design.serviceAccountName } : {}),
      terminationGracePeriodSeconds: design.terminationGracePeriodSeconds,
      restartPolicy: 'Always',
      securityContext: {
        runAsNonRoot: true,
        runAsUser: SERVER_RUN_AS_ID,
        runAsGroup: SERVER_RUN_AS_ID,
        fsGroup: SERVER_RUN_AS_ID,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
      ...(initContainers ? { initContainers } : {}),
      containers: [server],
      nodeSelector: sortedByKey(design.nodeSelector),
      volumes: design.volumes.map((v) =>
        v.claimName
          ? { name: v.name, persistentVolumeClaim: { claimName: v.claimName } }
          : {
              name: v.name,
              emptyDir: {
                ...(v.emptyDir?.medium ? { medium: v.emptyDir.medium } : {}),
                sizeLimit: gib(v.emptyDir?.sizeLimitGiB ?? 1),
              },
            },
      ),
      tolerations: design.tolerations.map((t) => ({ ...t })),
      ...(design.zoneSpread ? { topologySpreadConstraints: [zoneSpreadConstraint(design.labels)] } : {}),
    },
  };
}

/** CPU of the download init container, millicores: one stream per file, mostly waiting on the network. */
const DOWNLOAD_CPU_MILLIS = 2000;
/** Memory of the download init container, GiB: huggingface_hub streams files to disk in chunks. */
const DOWNLOAD_MEMORY_GIB = 2;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function validatePlatform(platform: KubernetesPlatform, cloud: 'aws' | 'gcp'): void {
  const ok = cloud === 'gcp' ? platform === KubernetesPlatform.GKE : platform !== KubernetesPlatform.GKE;
  if (!ok) {
    throw new InferenceConstructsError('PlatformCloudMismatch', {
      prop: 'platform',
      problem: `the plan's instance runs on ${cloud === 'gcp' ? 'GKE' : 'EKS'}, not on this platform`,
      received: platform,
      allowed: cloud === 'gcp' ? ['gke'] : ['karpenter', 'eks-auto-mode', 'managed-node-group'],
      fix: 'pick the platform of the cloud the plan targets, or plan on another instance type',
    });
  }
}

function validateName(name: string): void {
  if (!DNS_1035.test(name)) {
    throw new InferenceConstructsError('WorkloadNameInvalid', {
      prop: 'name',
      problem: 'the name is not a valid Kubernetes Service name (DNS-1035 label)',
      received: name,
      allowed: 'lower-case letters, digits and "-", starting with a letter, at most 63 characters',
      fix: 'pass a shorter or lower-case name',
    });
  }
}

function assertInteger(code: ErrorCode, prop: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new InferenceConstructsError(code, {
      prop,
      problem: 'the value is not an integer in range',
      received: value,
      allowed: `an integer >= ${min}`,
      fix: `pass an integer of at least ${min}`,
    });
  }
}

/** The TPU slice of a plan: the planned slice, or the single-host slice of a TPU machine type. */
export function tpuSliceOf(plan: CapacityPlan): TpuSliceSpec | undefined {
  if (plan.tpuSlice) return plan.tpuSlice;
  if (plan.instance.acceleratorClass !== AcceleratorClass.TPU) return undefined;
  return TPU_SLICES.find(
    (s) => s.machineType === plan.instance.name && s.hosts === 1 && s.chips === plan.instance.devicesPerNode,
  );
}

/** Devices per pod must fit one node; on TPU they must be all chips of the host (GKE rule). */
function validateShape(plan: CapacityPlan, slice: TpuSliceSpec | undefined): void {
  const instance = plan.instance;
  if (plan.devicesPerReplica > instance.devicesPerNode) {
    throw new InferenceConstructsError('ModelDoesNotFit', {
      prop: 'plan.devicesPerReplica',
      problem: `a pod requests ${plan.devicesPerReplica} ${instance.kubernetes.resourceName} but ${instance.name} has ${instance.devicesPerNode}`,
      received: plan.devicesPerReplica,
      allowed: `at most ${instance.devicesPerNode}`,
      fix: 'plan on a larger instance type or a multi-host TPU slice',
    });
  }
  if (instance.acceleratorClass === AcceleratorClass.TPU) {
    if (!slice) {
      throw new InferenceConstructsError('TpuTopologyInvalid', {
        prop: 'plan.tpuSlice',
        problem: `no single-host topology matches machine type ${instance.name}`,
        received: instance.name,
        allowed: 'a plan with tpuSlice, or a TPU machine type with a single-host topology',
        fix: 'plan with tpuSlice: { accelerator, topology }',
      });
    }
    if (plan.devicesPerReplica !== slice.chipsPerHost) {
      throw new InferenceConstructsError('TpuTopologyInvalid', {
        prop: 'plan.devicesPerReplica',
        problem: `GKE schedules TPU pods only when they request every chip of the host (${slice.chipsPerHost} on ${slice.machineType})`,
        received: plan.devicesPerReplica,
        allowed: [slice.chipsPerHost],
        fix: `request ${slice.chipsPerHost} chips per pod (plan on topology ${slice.topology})`,
      });
    }
    if (plan.hostsPerReplica !== slice.hosts) {
      throw new InferenceConstructsError('TpuTopologyInvalid', {
        prop: 'plan.hostsPerReplica',
        problem: `topology ${slice.topology} has ${slice.hosts} hosts; the LeaderWorkerSet group must have one pod per host`,
        received: plan.hostsPerReplica,
        allowed: [slice.hosts],
        fix: 'plan the replica over the whole slice',
      });
    }
  } else if (plan.hostsPerReplica !== 1) {
    // A pipelined GPU replica: one pod per node, each requesting every GPU of its node, the
    // group size equal to the pipeline stages (vLLM's LWS guide: leader + workers, one per node).
    const wholeNode = instance.acceleratorClass === AcceleratorClass.NVIDIA_GPU && plan.devicesPerReplica === instance.devicesPerNode;
    if (!wholeNode || plan.pipelineParallelDegree !== plan.hostsPerReplica) {
      throw new InferenceConstructsError('ModelDoesNotFit', {
        prop: 'plan.hostsPerReplica',
        problem:
          'multi-node replicas are planned on TPU slices, or on NVIDIA GPU nodes pipelined whole-node by whole-node ' +
          `(got ${plan.hostsPerReplica} hosts of ${plan.devicesPerReplica} of ${instance.devicesPerNode} devices, ${plan.pipelineParallelDegree} pipeline stages)`,
        received: plan.hostsPerReplica,
        allowed: [1],
        fix: 'plan with planCapacity, which pipelines GPU replicas over whole nodes only when no single node holds the model',
      });
    }
  }
}

/** The catalogue's node selector for the platform (plus the TPU topology on GKE). */
export function platformSelector(
  plan: CapacityPlan,
  platform: KubernetesPlatform,
  slice: TpuSliceSpec | undefined,
): Record<string, string> {
  const sel = plan.instance.kubernetes.nodeSelector;
  const key = ({ karpenter: 'karpenter', 'eks-auto-mode': 'eksAutoMode', 'managed-node-group': 'managedNodeGroup', gke: 'gke' } as const)[
    platform
  ];
  const labels = sel[key];
  if (!labels) {
    throw new InferenceConstructsError('InstanceNotOnPlatform', {
      prop: 'platform',
      problem: `the catalogue has no ${platform} node labels for ${plan.instance.name}`,
      received: platform,
      allowed: Object.keys(sel),
      fix: 'pick a platform the instance type supports',
    });
  }
  const out: Record<string, string> = { ...labels };
  if (slice) out[GKE_TPU_TOPOLOGY_LABEL] = slice.topology;
  return out;
}

/** A toleration for a taint: `Equal` when the taint has a value, else `Exists`. */
export function tolerationFor(t: Taint): Toleration {
  return t.value !== undefined
    ? { key: t.key, operator: 'Equal', value: t.value, effect: t.effect }
    : { key: t.key, operator: 'Exists', effect: t.effect };
}

function zoneSpreadConstraint(labels: Record<string, string>): Record<string, unknown> {
  return {
    maxSkew: 1,
    topologyKey: 'topology.kubernetes.io/zone',
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: labels },
  };
}


function validateDns1123Subdomain(value: string, prop: string, kind: string): void {
  if (value.length > 253 || !DNS_1123_SUBDOMAIN.test(value)) {
    throw new InferenceConstructsError('SecretReferenceInvalid', {
      prop,
      problem: `Kubernetes rejects the ${kind} name: names must be DNS-1123 subdomains`,
      received: value,
      allowed: 'at most 253 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
      fix: `use the ${kind} name as Kubernetes stores it, e.g. "${value.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'hf-token'}"`,
    });
  }
}

/**
 * Checks a Secret reference the way the API server does: the name is a DNS-1123 subdomain,
 * the key matches `[-._a-zA-Z0-9]+` (both at most 253 characters); a pod referencing anything
 * else never starts (`CreateContainerConfigError`) or is rejected.
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#restriction-names-data
 */
function validateSecretReference(ref: SecretKeyReference, prop: string): { name: string; key: string } {
  validateDns1123Subdomain(ref.name, `${prop}.name`, 'Secret');
  const key = ref.key ?? 'token';
  if (key.length > 253 || !SECRET_KEY.test(key)) {
    throw new InferenceConstructsError('SecretReferenceInvalid', {
      prop: `${prop}.key`,
      problem: 'Kubernetes rejects the Secret key: keys may hold only letters, digits, "-", "_" and "."',
      received: key,
      allowed: 'at most 253 characters matching [-._a-zA-Z0-9]+',
      fix: `use the key as stored in the Secret, e.g. "${key.replace(/[^-._a-zA-Z0-9]+/g, '_') || 'token'}"`,
    });
  }
  return { name: ref.name, key };
}

/**
 * Throws ObjectNameConflict when two objects in a chart share kind, namespace and name (two
 * models named alike would overwrite each other's Deployment, Service and scaler on apply).
 */
function assertUniqueObjectNames(chart: Chart): void {
  const seen = new Map<string, string>();
  for (const obj of chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
    const namespace = obj.metadata.namespace ?? chart.namespace ?? '';
    const key = `${obj.apiVersion.split('/')[0]}|${obj.kind}|${namespace}|${obj.name}`;
    const other = seen.get(key);
    if (other !== undefined) {
      throw new InferenceConstructsError('ObjectNameConflict', {
        prop: 'name',
        problem: `${other} and ${obj.node.path} both render ${obj.kind} ${namespace ? `${namespace}/` : ''}${obj.name}, so one would overwrite the other on apply`,
        received: obj.name,
        allowed: `one ${obj.kind} per name and namespace`,
        fix: 'give each ModelDeployment its own name (props.name), or put them in different namespaces',
      });
    }
    seen.set(key, obj.node.path);
  }
}
