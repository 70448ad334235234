/**
 * A model server on accelerator nodes: a Deployment (one pod per replica) or, when one replica
 * spans several hosts (multi-host TPU slices), a LeaderWorkerSet (one pod per host, leader plus
 * workers), with everything a platform engineer expects next to it: accelerator request, node
 * selection and tolerations, probes sized for model load time, graceful drain, disruption
 * budget, zone spread, a restricted security context, a Service and the scrape object for the
 * metrics backend.
 */
import { ApiObject, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IntOrString, KubePodDisruptionBudget, KubeService } from 'cdk8s-plus-28/lib/imports/k8s.js';
import { Construct } from 'constructs';
import {
  CapacityPlan,
  GKE_TPU_TOPOLOGY_LABEL,
  InferenceConstructsError,
  ModelServerProfile,
  TPU_SLICES,
  Taint,
  TpuSliceSpec,
  Toleration,
  assertServerPlatform,
  assertServerSupports,
  defaultModelServer,
  modelServer,
  serverArgs,
  startupProbeSeconds,
} from '../../lib/index.js';
import { PodMonitoring, PodMonitoringSpecEndpointsPort } from '../../imports/gmp-podmonitorings-monitoring.googleapis.com.js';
import {
  LeaderWorkerSet,
  LeaderWorkerSetSpecLeaderWorkerTemplateRestartPolicy,
  LeaderWorkerSetSpecLeaderWorkerTemplateWorkerTemplate as LwsPodTemplate,
  LeaderWorkerSetSpecLeaderWorkerTemplateWorkerTemplateSpecContainersResourcesLimits as LwsLimits,
  LeaderWorkerSetSpecLeaderWorkerTemplateWorkerTemplateSpecContainersResourcesRequests as LwsRequests,
  LeaderWorkerSetSpecLeaderWorkerTemplateWorkerTemplateSpecContainersStartupProbeHttpGetPort as LwsStartupPort,
  LeaderWorkerSetSpecLeaderWorkerTemplateWorkerTemplateSpecVolumesEmptyDirSizeLimit as LwsSizeLimit,
  LeaderWorkerSetSpecStartupPolicy,
} from '../../imports/leaderworkersets-leaderworkerset.x-k8s.io.js';
import { PodMonitor } from '../../imports/prometheus-podmonitors-monitoring.coreos.com.js';
import {
  DEPLOYMENT_POD_SPEC_PATH,
  LWS_LEADER_POD_SPEC_PATH,
  LWS_WORKER_POD_SPEC_PATH,
  addExtendedResource,
  setNodeSelector,
} from './extended-resources.js';

// ---------------------------------------------------------------------------------------------
// Named constants
// ---------------------------------------------------------------------------------------------

/**
 * UID/GID the server runs as. The public vLLM images run as root by default; any non-zero id
 * works because every path the server writes is an emptyDir owned through `fsGroup`.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const SERVER_RUN_AS_ID = 1000;
/** Where the model weights are cached (HF_HOME points below it). */
export const MODEL_CACHE_MOUNT_PATH = '/models';
/** Home directory of the non-root user (an emptyDir: the image's /root is not writable for it). */
export const SERVER_HOME_PATH = '/home/server';
/**
 * Headroom of the model cache over the weights: Hugging Face downloads keep `.incomplete` blobs
 * next to finished ones, and Neuron / XLA compilers write compiled artifacts beside them.
 */
export const MODEL_CACHE_HEADROOM_FACTOR = 1.5;
/** Fixed extra cache space (tokenizer, config, compiled graphs), GiB. */
export const MODEL_CACHE_EXTRA_GIB = 10;
/** Startup probe period, seconds (failureThreshold = budget / period). */
export const STARTUP_PROBE_PERIOD_SECONDS = 10;
/**
 * Seconds the pod keeps serving after it is marked for deletion, so endpoints and load
 * balancers stop routing to it before the server receives SIGTERM.
 * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
 */
export const DEFAULT_PRE_STOP_SLEEP_SECONDS = 30;
/** Grace period: the pre-stop sleep plus time for in-flight generations to finish. */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 180;
/** Label every pod of a model carries, used by the Service, the PDB and the scrape objects. */
export const MODEL_NAME_LABEL = 'app.kubernetes.io/name';
/** Component label value of model-server pods. */
export const MODEL_SERVER_COMPONENT = 'model-server';
/** LeaderWorkerSet label with the pod's index in its group (0 = leader). @see https://lws.sigs.k8s.io/docs/reference/labels-annotations-and-environment-variables/ */
export const LWS_WORKER_INDEX_LABEL = 'leaderworkerset.sigs.k8s.io/worker-index';
/** GKE ComputeClass node label a workload selects. @see https://cloud.google.com/kubernetes-engine/docs/how-to/node-attributes-compute-classes */
export const GKE_COMPUTE_CLASS_LABEL = 'cloud.google.com/compute-class';
/** Ray head port for multi-host serving. @see https://docs.vllm.ai/en/stable/serving/parallelism_scaling.html */
export const RAY_HEAD_PORT = 6379;
/** Scrape interval for the metrics backend. */
export const SCRAPE_INTERVAL = '15s';
/**
 * Servers that can span hosts with a Ray cluster inside a LeaderWorkerSet group (leader: Ray head
 * plus the server with `--distributed-executor-backend ray`; workers: Ray nodes joining
 * `$LWS_LEADER_ADDRESS`). Multi-host replicas are planned on TPU slices only, and the vLLM TPU
 * image ships Ray (`ray[default]` in requirements/tpu.txt).
 * @see https://docs.vllm.ai/en/stable/deployment/frameworks/lws.html
 * @see https://github.com/vllm-project/vllm/blob/main/requirements/tpu.txt
 */
const MULTI_HOST_SERVERS: readonly string[] = ['vllm', 'vllm-tpu'];

/** DNS-1035 label (Service names): lower-case alphanumerics and '-', starting with a letter. */
const DNS_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/**
 * Which node provisioning the workload targets; picks the catalogue's node labels.
 *
 * - `karpenter`: self-managed Karpenter on EKS (`karpenter.k8s.aws/*` labels)
 * - `eks-auto-mode`: EKS Auto Mode (`eks.amazonaws.com/*` labels)
 * - `managed-node-group`: EKS managed node groups labelled by this library
 * - `gke`: GKE node pools / ComputeClasses (`cloud.google.com/*` labels)
 */
export type KubernetesPlatform = 'karpenter' | 'eks-auto-mode' | 'managed-node-group' | 'gke';

/**
 * How the metrics backend finds the server's `/metrics`.
 *
 * - `prometheus-operator`: a PodMonitor (monitoring.coreos.com/v1)
 * - `google-managed-prometheus`: a PodMonitoring (monitoring.googleapis.com/v1)
 * - `annotations`: `prometheus.io/*` pod annotations, read by the Amazon Managed Service for
 *   Prometheus managed scraper's default configuration
 * - `none`: nothing
 */
export type MetricsScrape = 'prometheus-operator' | 'google-managed-prometheus' | 'annotations' | 'none';

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
export interface ScalableModelWorkload {
  /** The Deployment or LeaderWorkerSet to scale. */
  readonly scaleTargetRef: ScaleTargetReference;
  /** Namespace of the workload (and of the metrics series). */
  readonly namespace: string;
  /** The model name the server reports in its metrics' model label. */
  readonly servedModelName: string;
  /** The server profile: token counter, model label and queue gauge. */
  readonly server: ModelServerProfile;
  /** The capacity plan behind the workload, when it was planned (for reports). */
  readonly plan?: CapacityPlan;
}

/** Properties of {@link ModelDeployment}. */
export interface ModelDeploymentProps {
  /** The capacity plan (model, instance or TPU slice, tensor parallelism, memory). */
  readonly plan: CapacityPlan;
  /**
   * Model server profile or name.
   * @default - the library's default Kubernetes server for the plan's accelerator
   */
  readonly server?: ModelServerProfile | string;
  /**
   * Node provisioning flavour whose labels the pods select.
   * @default 'karpenter' on AWS instance types, 'gke' on GKE machine types
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
  readonly extraArgs?: readonly string[];
  /**
   * Secret with a Hugging Face access token, exposed as `HF_TOKEN`. Required for gated models.
   * @default - no token (allowed only for models that are not gated)
   */
  readonly huggingFaceTokenSecret?: SecretKeyReference;
  /**
   * Replicas at creation; a scaler takes over from there.
   * @default 1
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
   * Seconds the pod keeps serving after deletion starts (preStop sleep).
   * @default 30
   */
  readonly preStopSleepSeconds?: number;
  /**
   * Termination grace period, seconds; must exceed the preStop sleep.
   * @default 180
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Replicas (LeaderWorkerSet groups count as their pods) that voluntary disruptions such as
   * node consolidation may take down at once.
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
   * @default 'google-managed-prometheus' on GKE, 'annotations' on EKS
   */
  readonly metricsScrape?: MetricsScrape;
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

/** A Kubernetes volume the server pod mounts, rendered by both workload kinds. */
interface PodVolumeDesign {
  readonly name: string;
  readonly mountPath: string;
  readonly emptyDir?: { readonly medium?: 'Memory'; readonly sizeLimitGiB: number };
  readonly claimName?: string;
}

/** Everything about the server pod, computed once, rendered as kplus or as plain JSON. */
interface PodDesign {
  readonly image: string;
  readonly command?: string[];
  readonly args: string[];
  readonly env: { readonly name: string; readonly value?: string; readonly secret?: Required<SecretKeyReference> }[];
  readonly port: number;
  readonly volumes: PodVolumeDesign[];
  readonly cpuRequestMillis: number;
  readonly memoryGiB: number;
  readonly ephemeralStorageGiB: number;
  readonly startupFailureThreshold: number;
  readonly preStopSleepSeconds: number;
  readonly terminationGracePeriodSeconds: number;
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: Toleration[];
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly zoneSpread: boolean;
}

// ---------------------------------------------------------------------------------------------
// Construct
// ---------------------------------------------------------------------------------------------

/**
 * A model server on accelerator nodes, sized from a {@link CapacityPlan}.
 *
 * One replica is one pod when the model fits one node or TPU host (a `Deployment`), or one
 * LeaderWorkerSet group of `hostsPerReplica` pods when it spans a multi-host TPU slice.
 *
 * Disruption: the workload is protected by a PodDisruptionBudget and drains gracefully
 * (preStop sleep, then SIGTERM with a long grace period). It deliberately does NOT set
 * `karpenter.sh/do-not-disrupt: "true"` on every pod: that annotation blocks consolidation
 * and expiry of the node for as long as the pod lives, so idle accelerator nodes would never be
 * reclaimed. The PDB lets Karpenter / GKE replace nodes one replica at a time.
 *
 * @see https://karpenter.sh/docs/concepts/disruption/#pod-level-controls
 * @see https://lws.sigs.k8s.io/docs/overview/
 */
export class ModelDeployment extends Construct implements ScalableModelWorkload {
  /** The rendered workload (Deployment or LeaderWorkerSet): escape hatch for patches. */
  public readonly workload: ApiObject;
  /** The cdk8s-plus Deployment, when a replica fits one host. */
  public readonly deployment?: kplus.Deployment;
  /** The LeaderWorkerSet, when a replica spans several hosts. */
  public readonly leaderWorkerSet?: LeaderWorkerSet;
  /** ClusterIP Service in front of the server (leader pods only for a LeaderWorkerSet). */
  public readonly service: KubeService;
  /** The disruption budget. */
  public readonly podDisruptionBudget: KubePodDisruptionBudget;
  /** The scrape object (PodMonitor or PodMonitoring), when one is rendered. */
  public readonly scrapeConfig?: ApiObject;
  /** What a scaler targets: the Deployment or the LeaderWorkerSet. */
  public readonly scaleTargetRef: ScaleTargetReference;
  /** Namespace of every object. */
  public readonly namespace: string;
  /** Model name clients send and the metrics report. */
  public readonly servedModelName: string;
  /** The model-server profile. */
  public readonly server: ModelServerProfile;
  /** The capacity plan the workload is sized from. */
  public readonly plan: CapacityPlan;
  /** Kubernetes name of the workload and its companions. */
  public readonly name: string;
  /** Platform whose node labels the pods select. */
  public readonly platform: KubernetesPlatform;
  /** Labels that select this model's pods. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** Node selector of the pods. */
  public readonly nodeSelector: Readonly<Record<string, string>>;
  /** Tolerations of the pods. */
  public readonly tolerations: readonly Toleration[];
  /** Pods per replica (LeaderWorkerSet group size; 1 for a Deployment). */
  public readonly podsPerReplica: number;
  /** Accelerator devices each pod requests. */
  public readonly devicesPerPod: number;
  /** Startup budget the startup probe allows, seconds. */
  public readonly startupTimeoutSeconds: number;

  constructor(scope: Construct, id: string, props: ModelDeploymentProps) {
    super(scope, id);
    const plan = props.plan;
    const instance = plan.instance;
    this.plan = plan;
    this.server = resolveServer(props.server, instance.acceleratorClass);
    assertServerSupports(this.server, instance.acceleratorClass);
    assertServerPlatform(this.server, 'kubernetes');
    if (this.server.httpSidecar || this.server.metricsPort !== undefined) {
      throw new InferenceConstructsError('ModelServerUnsupported', {
        prop: 'server',
        problem: `server ${this.server.name} needs an HTTP sidecar and a separate metrics port, which ModelDeployment does not render`,
        received: this.server.name,
        allowed: ['vllm', 'vllm-neuron', 'vllm-tpu', 'tgi'],
        fix: 'serve TPU models with vllm-tpu (the default)',
      });
    }
    this.platform = props.platform ?? (instance.cloud === 'gcp' ? 'gke' : 'karpenter');
    validatePlatform(this.platform, instance.cloud);
    this.name = props.name ?? plan.model.name;
    validateName(this.name);
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    this.servedModelName = props.servedModelName ?? plan.model.name;
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,252}$/.test(this.servedModelName)) {
      // The name is quoted into PromQL label matchers and HPA selectors.
      throw new InferenceConstructsError('PropInvalid', {
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
    if (this.podsPerReplica > 1 && !MULTI_HOST_SERVERS.includes(this.server.name)) {
      throw new InferenceConstructsError('ModelServerUnsupported', {
        prop: 'server',
        problem: `a replica spans ${this.podsPerReplica} hosts, and this server has no multi-host launcher here`,
        received: this.server.name,
        allowed: MULTI_HOST_SERVERS.slice(),
        fix: 'serve multi-host slices with vllm / vllm-tpu (Ray inside the LeaderWorkerSet group), or plan on a single-host slice',
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
    const replicas = props.replicas ?? 1;
    assertInteger('replicas', replicas, 0);
    const preStop = props.preStopSleepSeconds ?? DEFAULT_PRE_STOP_SLEEP_SECONDS;
    const grace = props.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
    assertInteger('preStopSleepSeconds', preStop, 0);
    assertInteger('terminationGracePeriodSeconds', grace, 1);
    if (grace <= preStop) {
      throw new InferenceConstructsError('PropInvalid', {
        prop: 'terminationGracePeriodSeconds',
        problem: 'the grace period must outlast the preStop sleep, or the server is killed before it can drain',
        received: grace,
        allowed: `an integer greater than preStopSleepSeconds (${preStop})`,
        fix: `raise terminationGracePeriodSeconds to at least ${preStop + 60}`,
      });
    }
    const maxUnavailable = props.maxUnavailableReplicas ?? 1;
    assertInteger('maxUnavailableReplicas', maxUnavailable, 1);

    const weightsGiB = plan.memory.weightsGiB;
    // Server start-up overhead (imports, graph capture, Neuron / XLA compilation) plus
    // weight download and load, from the server profile.
    const startup = props.startupTimeoutSeconds ?? startupProbeSeconds(this.server, plan);
    assertInteger('startupTimeoutSeconds', startup, STARTUP_PROBE_PERIOD_SECONDS);
    this.startupTimeoutSeconds = startup;

    const scrape = props.metricsScrape ?? (this.platform === 'gke' ? 'google-managed-prometheus' : 'annotations');

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

    // Pod design.
    const cacheGiB = Math.ceil(weightsGiB * MODEL_CACHE_HEADROOM_FACTOR + MODEL_CACHE_EXTRA_GIB);
    const hostShare = 1 / Math.max(1, plan.replicasPerNode);
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
    const env: PodDesign['env'] = [
      { name: 'HOME', value: SERVER_HOME_PATH },
      { name: 'HF_HOME', value: `${MODEL_CACHE_MOUNT_PATH}/huggingface` },
      // Some images (TGI) set the hub cache explicitly; point it at the sized cache volume too.
      // @see https://huggingface.co/docs/huggingface_hub/package_reference/environment_variables
      { name: 'HF_HUB_CACHE', value: `${MODEL_CACHE_MOUNT_PATH}/huggingface/hub` },
      { name: 'HUGGINGFACE_HUB_CACHE', value: `${MODEL_CACHE_MOUNT_PATH}/huggingface/hub` },
    ];
    if (props.huggingFaceTokenSecret) {
      env.push({
        name: 'HF_TOKEN',
        secret: { name: props.huggingFaceTokenSecret.name, key: props.huggingFaceTokenSecret.key ?? 'token' },
      });
    }
    const args = [
      ...serverArgs(this.server, plan, { servedModelName: this.servedModelName }),
      ...(props.extraArgs ?? []),
    ];
    const annotations: Record<string, string> =
      scrape === 'annotations'
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
    if (/:latest$/.test(image) || !/[:@]/.test(image.split('/').pop() ?? '')) {
      throw new InferenceConstructsError('PropInvalid', {
        prop: 'image',
        problem: 'the image is not pinned, so every node may run a different server version',
        received: image,
        allowed: 'an image with an explicit tag other than latest, or a digest',
        fix: 'pin the image to a release tag or digest',
      });
    }
    const design: PodDesign = {
      image,
      command: this.server.kubernetesCommand ? [...this.server.kubernetesCommand] : undefined,
      args,
      env,
      port: this.server.port,
      volumes,
      cpuRequestMillis: Math.max(1000, Math.floor(instance.vcpu * hostShare * 0.8) * 1000),
      memoryGiB: Math.max(4, Math.floor(instance.hostMemoryGiB * hostShare * 0.8)),
      ephemeralStorageGiB: props.modelCacheClaimName ? 10 : cacheGiB + 10,
      startupFailureThreshold: Math.ceil(startup / STARTUP_PROBE_PERIOD_SECONDS),
      preStopSleepSeconds: preStop,
      terminationGracePeriodSeconds: grace,
      nodeSelector: selector,
      tolerations: this.tolerations.slice(),
      labels: { ...this.selectorLabels },
      annotations,
      zoneSpread: props.zoneSpread ?? true,
    };

    if (this.podsPerReplica === 1) {
      this.deployment = this.renderDeployment(design, replicas, props.serviceAccountName);
      this.workload = ApiObject.of(this.deployment);
      this.scaleTargetRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name };
    } else {
      this.leaderWorkerSet = this.renderLeaderWorkerSet(design, replicas, props.serviceAccountName);
      this.workload = this.leaderWorkerSet;
      this.scaleTargetRef = {
        apiVersion: LeaderWorkerSet.GVK.apiVersion,
        kind: LeaderWorkerSet.GVK.kind,
        name: this.name,
      };
    }

    const servicePods =
      this.podsPerReplica > 1 ? { ...this.selectorLabels, [LWS_WORKER_INDEX_LABEL]: '0' } : this.selectorLabels;
    this.service = new KubeService(this, 'Service', {
      metadata: { name: this.name, namespace: this.namespace, labels: this.selectorLabels },
      spec: {
        type: 'ClusterIP',
        selector: servicePods,
        ports: [{ name: 'http', port: this.server.port, targetPort: IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });

    this.podDisruptionBudget = new KubePodDisruptionBudget(this, 'Pdb', {
      metadata: { name: this.name, namespace: this.namespace, labels: this.selectorLabels },
      spec: {
        // A LeaderWorkerSet group restarts as a unit, so a replica's worth of pods may go at once.
        maxUnavailable: IntOrString.fromNumber(maxUnavailable * this.podsPerReplica),
        selector: { matchLabels: this.selectorLabels },
        // Pods that never became ready (e.g. still loading) may be evicted during a drain.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });

    if (scrape === 'prometheus-operator') {
      this.scrapeConfig = new PodMonitor(this, 'PodMonitor', {
        metadata: { name: this.name, namespace: this.namespace, labels: this.selectorLabels },
        spec: {
          selector: { matchLabels: servicePods },
          podMetricsEndpoints: [{ port: 'http', path: this.server.metricsPath, interval: SCRAPE_INTERVAL }],
        },
      });
    } else if (scrape === 'google-managed-prometheus') {
      this.scrapeConfig = new PodMonitoring(this, 'PodMonitoring', {
        metadata: { name: this.name, namespace: this.namespace, labels: this.selectorLabels },
        spec: {
          selector: { matchLabels: servicePods },
          endpoints: [{ port: PodMonitoringSpecEndpointsPort.fromString('http'), path: this.server.metricsPath, interval: SCRAPE_INTERVAL }],
        },
      });
    }
  }

  private renderDeployment(design: PodDesign, replicas: number, serviceAccountName?: string): kplus.Deployment {
    const deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: this.selectorLabels },
      podMetadata: { labels: design.labels, annotations: design.annotations },
      replicas,
      // Surge one replica at a time and never drop below the current count: accelerator
      // capacity is scarce and a replica takes minutes to become ready.
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      progressDeadline: Duration.seconds(Math.max(600, this.startupTimeoutSeconds + 300)),
      automountServiceAccountToken: false,
      serviceAccount: serviceAccountName
        ? kplus.ServiceAccount.fromServiceAccountName(this, 'ServiceAccount', serviceAccountName)
        : undefined,
      terminationGracePeriod: Duration.seconds(design.terminationGracePeriodSeconds),
      securityContext: {
        ensureNonRoot: true,
        user: SERVER_RUN_AS_ID,
        group: SERVER_RUN_AS_ID,
        fsGroup: SERVER_RUN_AS_ID,
        fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      },
    });
    const hfSecrets = new Map<string, kplus.ISecret>();
    const container = deployment.addContainer({
      name: 'server',
      image: design.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ...(design.command ? { command: design.command } : {}),
      args: design.args,
      ports: [{ number: design.port, name: 'http', protocol: kplus.Protocol.TCP }],
      envVariables: Object.fromEntries(
        design.env.map((e) => {
          if (e.secret) {
            let secret = hfSecrets.get(e.secret.name);
            if (!secret) {
              secret = kplus.Secret.fromSecretName(this, `Secret${hfSecrets.size}`, e.secret.name);
              hfSecrets.set(e.secret.name, secret);
            }
            return [e.name, kplus.EnvValue.fromSecretValue({ secret, key: e.secret.key })];
          }
          return [e.name, kplus.EnvValue.fromValue(e.value ?? '')];
        }),
      ),
      resources: {
        cpu: { request: kplus.Cpu.millis(design.cpuRequestMillis) },
        memory: { request: Size.gibibytes(design.memoryGiB), limit: Size.gibibytes(design.memoryGiB) },
        ephemeralStorage: { request: Size.gibibytes(design.ephemeralStorageGiB) },
      },
      startup: kplus.Probe.fromHttpGet(this.server.healthPath, {
        port: design.port,
        periodSeconds: Duration.seconds(STARTUP_PROBE_PERIOD_SECONDS),
        failureThreshold: design.startupFailureThreshold,
        timeoutSeconds: Duration.seconds(5),
      }),
      readiness: kplus.Probe.fromHttpGet(this.server.healthPath, {
        port: design.port,
        periodSeconds: Duration.seconds(5),
        failureThreshold: 3,
        timeoutSeconds: Duration.seconds(5),
      }),
      liveness: kplus.Probe.fromHttpGet(this.server.healthPath, {
        port: design.port,
        periodSeconds: Duration.seconds(10),
        failureThreshold: 6,
        timeoutSeconds: Duration.seconds(10),
      }),
      lifecycle: { preStop: kplus.Handler.fromCommand(['sleep', String(design.preStopSleepSeconds)]) },
      securityContext: {
        ensureNonRoot: true,
        user: SERVER_RUN_AS_ID,
        group: SERVER_RUN_AS_ID,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: [kplus.Capability.ALL] },
        seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
      },
    });
    design.volumes.forEach((v, i) => {
      const volume = v.claimName
        ? kplus.Volume.fromPersistentVolumeClaim(
            this,
            `Volume${i}`,
            kplus.PersistentVolumeClaim.fromClaimName(this, `Claim${i}`, v.claimName),
            { name: v.name },
          )
        : kplus.Volume.fromEmptyDir(this, `Volume${i}`, v.name, {
            medium: v.emptyDir?.medium === 'Memory' ? kplus.EmptyDirMedium.MEMORY : kplus.EmptyDirMedium.DEFAULT,
            sizeLimit: Size.gibibytes(v.emptyDir?.sizeLimitGiB ?? 1),
          });
      container.mount(v.mountPath, volume);
    });
    for (const t of design.tolerations) {
      const options = t.effect ? { effect: taintEffect(t.effect) } : {};
      deployment.scheduling.tolerate(
        new kplus.TaintedNode([
          t.operator === 'Exists'
            ? kplus.NodeTaintQuery.exists(t.key ?? '', options)
            : kplus.NodeTaintQuery.is(t.key ?? '', t.value ?? '', options),
        ]),
      );
    }
    const obj = ApiObject.of(deployment);
    addExtendedResource(obj, DEPLOYMENT_POD_SPEC_PATH, 0, this.plan.instance.kubernetes.resourceName, this.devicesPerPod);
    setNodeSelector(obj, DEPLOYMENT_POD_SPEC_PATH, design.nodeSelector);
    if (design.zoneSpread) {
      obj.addJsonPatch(
        JsonPatch.add(`${DEPLOYMENT_POD_SPEC_PATH}/topologySpreadConstraints`, [zoneSpreadConstraint(design.labels)]),
      );
    }
    return deployment;
  }

  private renderLeaderWorkerSet(design: PodDesign, replicas: number, serviceAccountName?: string): LeaderWorkerSet {
    const serverCommand = (design.command ?? ['vllm', 'serve']).join(' ');
    const headScript = [
      `ray start --head --port=${RAY_HEAD_PORT} --disable-usage-stats`,
      // The server with the planned arguments; the Ray cluster spans the whole group.
      `exec ${serverCommand} "$@" --distributed-executor-backend ray`,
    ].join(' && ');
    const workerScript = `exec ray start --address="$LWS_LEADER_ADDRESS:${RAY_HEAD_PORT}" --block --disable-usage-stats`;
    const leader = lwsPodTemplate(design, this.server, {
      command: ['/bin/sh', '-c', headScript, 'vllm'],
      args: design.args,
      probes: true,
      serviceAccountName,
    });
    // Workers run only a Ray node: no server endpoint, probes or scrape annotations.
    const worker = lwsPodTemplate({ ...design, annotations: {} }, this.server, {
      command: ['/bin/sh', '-c', workerScript],
      args: [],
      probes: false,
      serviceAccountName,
    });
    const lws = new LeaderWorkerSet(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: this.selectorLabels },
      spec: {
        replicas,
        // Workers join the leader's Ray head, so the leader starts first.
        startupPolicy: LeaderWorkerSetSpecStartupPolicy.LEADER_CREATED,
        leaderWorkerTemplate: {
          size: this.podsPerReplica,
          // A TPU slice serves only with every host present: restart the group together.
          restartPolicy: LeaderWorkerSetSpecLeaderWorkerTemplateRestartPolicy.RECREATE_GROUP_ON_POD_RESTART,
          leaderTemplate: leader,
          workerTemplate: worker,
        },
      },
    });
    const resource = this.plan.instance.kubernetes.resourceName;
    addExtendedResource(lws, LWS_LEADER_POD_SPEC_PATH, 0, resource, this.devicesPerPod);
    addExtendedResource(lws, LWS_WORKER_POD_SPEC_PATH, 0, resource, this.devicesPerPod);
    setNodeSelector(lws, LWS_LEADER_POD_SPEC_PATH, design.nodeSelector);
    setNodeSelector(lws, LWS_WORKER_POD_SPEC_PATH, design.nodeSelector);
    return lws;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function resolveServer(server: ModelServerProfile | string | undefined, accel: CapacityPlan['instance']['acceleratorClass']): ModelServerProfile {
  if (server === undefined) return defaultModelServer(accel, 'kubernetes');
  return typeof server === 'string' ? modelServer(server) : server;
}

function validatePlatform(platform: KubernetesPlatform, cloud: 'aws' | 'gcp'): void {
  const ok = cloud === 'gcp' ? platform === 'gke' : platform !== 'gke';
  if (!ok) {
    throw new InferenceConstructsError('PropInvalid', {
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
    throw new InferenceConstructsError('PropInvalid', {
      prop: 'name',
      problem: 'the name is not a valid Kubernetes Service name (DNS-1035 label)',
      received: name,
      allowed: 'lower-case letters, digits and "-", starting with a letter, at most 63 characters',
      fix: 'pass a shorter or lower-case name',
    });
  }
}

function assertInteger(prop: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new InferenceConstructsError('PropInvalid', {
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
  if (plan.instance.acceleratorClass !== 'tpu') return undefined;
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
  if (instance.acceleratorClass === 'tpu') {
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
    throw new InferenceConstructsError('ModelDoesNotFit', {
      prop: 'plan.hostsPerReplica',
      problem: 'multi-node replicas are planned only on TPU slices',
      received: plan.hostsPerReplica,
      allowed: [1],
      fix: 'plan on an instance type whose devices hold the model',
    });
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
    throw new InferenceConstructsError('PropInvalid', {
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

function taintEffect(effect: string): kplus.TaintEffect {
  switch (effect) {
    case 'NoExecute':
      return kplus.TaintEffect.NO_EXECUTE;
    case 'PreferNoSchedule':
      return kplus.TaintEffect.PREFER_NO_SCHEDULE;
    default:
      return kplus.TaintEffect.NO_SCHEDULE;
  }
}

function zoneSpreadConstraint(labels: Record<string, string>): Record<string, unknown> {
  return {
    maxSkew: 1,
    topologyKey: 'topology.kubernetes.io/zone',
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: labels },
  };
}

/**
 * A LeaderWorkerSet pod template (the same settings as the Deployment's), typed with the
 * generated binding so its int-or-string and quantity fields survive the binding's rendering.
 * Leader and worker templates share one shape; the worker type serves both.
 */
function lwsPodTemplate(
  design: PodDesign,
  server: ModelServerProfile,
  opts: { command: string[]; args: string[]; probes: boolean; serviceAccountName?: string },
): LwsPodTemplate {
  const gib = (n: number) => `${n}Gi`;
  const probePort = LwsStartupPort.fromNumber(design.port);
  const probe = (periodSeconds: number, failureThreshold: number, timeoutSeconds: number) => ({
    httpGet: { path: server.healthPath, port: probePort, scheme: 'HTTP' },
    periodSeconds,
    failureThreshold,
    timeoutSeconds,
  });
  return {
    metadata: {
      labels: design.labels,
      ...(Object.keys(design.annotations).length ? { annotations: design.annotations } : {}),
    },
    spec: {
      automountServiceAccountToken: false,
      ...(opts.serviceAccountName ? { serviceAccountName: opts.serviceAccountName } : {}),
      terminationGracePeriodSeconds: design.terminationGracePeriodSeconds,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: SERVER_RUN_AS_ID,
        runAsGroup: SERVER_RUN_AS_ID,
        fsGroup: SERVER_RUN_AS_ID,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'server',
          image: design.image,
          imagePullPolicy: 'IfNotPresent',
          command: opts.command,
          ...(opts.args.length ? { args: opts.args } : {}),
          env: design.env.map((e) =>
            e.secret
              ? { name: e.name, valueFrom: { secretKeyRef: { name: e.secret.name, key: e.secret.key } } }
              : { name: e.name, value: e.value },
          ),
          ports: [
            { name: 'http', containerPort: design.port, protocol: 'TCP' },
            { name: 'ray', containerPort: RAY_HEAD_PORT, protocol: 'TCP' },
          ],
          resources: {
            requests: {
              cpu: LwsRequests.fromString(`${design.cpuRequestMillis}m`),
              memory: LwsRequests.fromString(gib(design.memoryGiB)),
              'ephemeral-storage': LwsRequests.fromString(gib(design.ephemeralStorageGiB)),
            },
            limits: { memory: LwsLimits.fromString(gib(design.memoryGiB)) },
          },
          volumeMounts: design.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })),
          lifecycle: { preStop: { exec: { command: ['sleep', String(design.preStopSleepSeconds)] } } },
          securityContext: {
            runAsNonRoot: true,
            runAsUser: SERVER_RUN_AS_ID,
            runAsGroup: SERVER_RUN_AS_ID,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            privileged: false,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
          ...(opts.probes
            ? {
                startupProbe: probe(STARTUP_PROBE_PERIOD_SECONDS, design.startupFailureThreshold, 5),
                readinessProbe: probe(5, 3, 5),
                livenessProbe: probe(10, 6, 10),
              }
            : {}),
        },
      ],
      volumes: design.volumes.map((v) =>
        v.claimName
          ? { name: v.name, persistentVolumeClaim: { claimName: v.claimName } }
          : {
              name: v.name,
              emptyDir: {
                ...(v.emptyDir?.medium ? { medium: v.emptyDir.medium } : {}),
                sizeLimit: LwsSizeLimit.fromString(gib(v.emptyDir?.sizeLimitGiB ?? 1)),
              },
            },
      ),
      tolerations: design.tolerations.map((t) => ({ ...t })),
      ...(design.zoneSpread
        ? {
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'topology.kubernetes.io/zone',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: design.labels },
              },
            ],
          }
        : {}),
    },
  };
}
