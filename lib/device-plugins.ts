/**
 * The Kubernetes device plugins that advertise accelerators to the kubelet: pinned images,
 * where each object comes from, and what each plugin needs on the node. Pure data: the cdk8s
 * renderer (`constructs/k8s/device-plugins.ts`) builds the objects from this table, and the CDK
 * cluster construct can read the same pins.
 *
 * Why they are needed: "When using the EKS-optimized AL2023 AMIs with NVIDIA GPUs, you must
 * install the NVIDIA Kubernetes device plugin" and "with AWS Inferentia or Trainium … you must
 * install the Neuron Kubernetes device plugin" (EKS user guide, `ml-eks-k8s-device-plugin`).
 * Without one a node never advertises `nvidia.com/gpu` / `aws.amazon.com/neuron`, Karpenter
 * never marks it initialized, and every accelerator pod stays Pending. EKS Auto Mode and GKE run
 * their own plugins.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-k8s-device-plugin.html
 * @see https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/device-plugins/
 */
import { NEURON_RESOURCE, NVIDIA_GPU_RESOURCE } from './accelerators.js';

/** Which vendor's device plugin. */
export enum DevicePluginVendor {
  /** NVIDIA k8s-device-plugin (`nvidia.com/gpu`). */
  NVIDIA = 'nvidia',
  /** AWS Neuron device plugin (`aws.amazon.com/neuron`, `aws.amazon.com/neuroncore`). */
  NEURON = 'neuron',
}

/** A toleration a plugin's own manifest carries. */
export interface DevicePluginToleration {
  /** Taint key. */
  readonly key: string;
  /** `Exists` or `Equal`. */
  readonly operator: string;
  /** Taint effect. @default - every effect */
  readonly effect?: string;
}

/** A host directory a plugin mounts. */
export interface DevicePluginHostMount {
  /** Volume name. */
  readonly name: string;
  /** Path on the node (and in the container). */
  readonly path: string;
  /** Mount read-only. @default false */
  readonly readOnly?: boolean;
}

/** An environment variable set from the pod's own fields (downward API) or a literal. */
export interface DevicePluginEnv {
  /** Variable name. */
  readonly name: string;
  /** Literal value. @default - none (fieldPath is set) */
  readonly value?: string;
  /** Pod field, e.g. `spec.nodeName`. @default - none (value is set) */
  readonly fieldPath?: string;
}

/** A ClusterRole rule of a plugin's RBAC manifest. */
export interface DevicePluginRbacRule {
  /** API groups (`""` is the core group). */
  readonly apiGroups: string[];
  /** Resources. */
  readonly resources: string[];
  /** Verbs. */
  readonly verbs: string[];
}

/** One device plugin, pinned, with the upstream manifest its objects follow. */
export interface DevicePluginSpec {
  /** Vendor. */
  readonly vendor: DevicePluginVendor;
  /** The extended resource the plugin advertises (and pools limit). */
  readonly resourceName: string;
  /** Container image repository. */
  readonly imageRepository: string;
  /** Exact image tag (never `latest`). */
  readonly imageTag: string;
  /** DaemonSet name. */
  readonly name: string;
  /** Namespace of the DaemonSet (and ServiceAccount). */
  readonly namespace: string;
  /** Value of the `name` pod label the DaemonSet selects on. */
  readonly podLabel: string;
  /** Container name. */
  readonly containerName: string;
  /** Priority class of the pods. */
  readonly priorityClassName: string;
  /** Image pull policy. */
  readonly imagePullPolicy: string;
  /** Tolerations of the upstream manifest (the pools' taints are added). */
  readonly tolerations: DevicePluginToleration[];
  /** Environment of the container. */
  readonly env: DevicePluginEnv[];
  /** Host directories the container mounts. */
  readonly hostMounts: DevicePluginHostMount[];
  /**
   * ServiceAccount (with ClusterRole and ClusterRoleBinding of the same name) the plugin runs as.
   * @default - none: the plugin talks only to the kubelet's socket
   */
  readonly serviceAccountName?: string;
  /** ClusterRole rules (empty when there is no ServiceAccount). */
  readonly rbacRules: DevicePluginRbacRule[];
  /** The upstream manifest(s) the objects reproduce, at the pinned version. */
  readonly source: string;
}

/**
 * NVIDIA k8s-device-plugin, the same release the CDK cluster construct installs on managed node
 * groups (Helm chart `nvidia-device-plugin` 0.18.0, image `v0.18.0`), so both paths run one
 * plugin. Objects follow upstream `deployments/static/nvidia-device-plugin.yml`: DaemonSet
 * `nvidia-device-plugin-daemonset` in kube-system, pod label `name: nvidia-device-plugin-ds`,
 * RollingUpdate, toleration `nvidia.com/gpu:NoSchedule`, priority `system-node-critical`,
 * `allowPrivilegeEscalation: false` with every capability dropped, the kubelet's
 * `/var/lib/kubelet/device-plugins` mounted; no environment (upstream removed
 * `FAIL_ON_INIT_ERROR=false` from the static examples, NVIDIA/k8s-device-plugin PR #1201: "failures
 * in loading GPU information [would be] silently ignored"), no ServiceAccount.
 * @see https://github.com/NVIDIA/k8s-device-plugin/blob/v0.18.0/deployments/static/nvidia-device-plugin.yml
 * @see https://github.com/NVIDIA/k8s-device-plugin/pull/1464 (Bump release v0.18.0)
 * @see https://github.com/NVIDIA/k8s-device-plugin/pull/1201
 */
export const NVIDIA_DEVICE_PLUGIN: DevicePluginSpec = {
  vendor: DevicePluginVendor.NVIDIA,
  resourceName: NVIDIA_GPU_RESOURCE,
  imageRepository: 'nvcr.io/nvidia/k8s-device-plugin',
  imageTag: 'v0.18.0',
  name: 'nvidia-device-plugin-daemonset',
  namespace: 'kube-system',
  podLabel: 'nvidia-device-plugin-ds',
  containerName: 'nvidia-device-plugin-ctr',
  priorityClassName: 'system-node-critical',
  // The static manifest sets no pull policy: Kubernetes defaults a tagged image to IfNotPresent.
  imagePullPolicy: 'IfNotPresent',
  tolerations: [{ key: NVIDIA_GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' }],
  env: [],
  hostMounts: [{ name: 'device-plugin', path: '/var/lib/kubelet/device-plugins' }],
  rbacRules: [],
  source: 'https://github.com/NVIDIA/k8s-device-plugin/blob/v0.18.0/deployments/static/nvidia-device-plugin.yml',
};

/**
 * AWS Neuron device plugin. Objects follow the Neuron documentation's
 * `k8s-neuron-device-plugin.yml` and `k8s-neuron-device-plugin-rbac.yml` (aws-neuron-sdk
 * `src/k8/`) and the Neuron Helm chart's device-plugin values: DaemonSet
 * `neuron-device-plugin-daemonset` in kube-system, pod label `name: neuron-device-plugin-ds`,
 * ServiceAccount / ClusterRole / ClusterRoleBinding `neuron-device-plugin` (nodes get/list/watch,
 * events create/patch, pods update/patch/get/list/watch, nodes/status patch/update), tolerations
 * `CriticalAddonsOnly` and `aws.amazon.com/neuron:NoSchedule`, priority `system-node-critical`,
 * env `KUBECONFIG=/etc/kubernetes/kubelet.conf` and `NODE_NAME` from `spec.nodeName`,
 * `allowPrivilegeEscalation: false` with every capability dropped, host `/var/lib/kubelet/device-plugins`
 * and `/run` (the `infa-map` volume) mounted. Image tag 2.28.27.0 is the device-plugin tag of the
 * Neuron Helm chart's `values.yaml` (`devicePlugin.image.tag`); from the same values the read-only
 * `/opt/aws` mount (`aws-config`) and the `IfNotPresent` pull policy (the docs' manifest says
 * `Always`, which re-pulls on every node start). The chart's SageMaker HyperPod health-status
 * toleration and its instance-type / compute-type affinity are left out: the DaemonSet selects
 * its Karpenter pools' nodes instead.
 * @see https://github.com/aws-neuron/aws-neuron-sdk/blob/master/src/k8/k8s-neuron-device-plugin.yml
 * @see https://github.com/aws-neuron/aws-neuron-sdk/blob/master/src/k8/k8s-neuron-device-plugin-rbac.yml
 * @see https://github.com/aws-neuron/neuron-helm-charts/blob/14049c2091a5ec6befa11f810824d03de58637db/charts/neuron-helm-chart/values.yaml
 */
export const NEURON_DEVICE_PLUGIN: DevicePluginSpec = {
  vendor: DevicePluginVendor.NEURON,
  resourceName: NEURON_RESOURCE,
  imageRepository: 'public.ecr.aws/neuron/neuron-device-plugin',
  imageTag: '2.28.27.0',
  name: 'neuron-device-plugin-daemonset',
  namespace: 'kube-system',
  podLabel: 'neuron-device-plugin-ds',
  containerName: 'neuron-device-plugin',
  priorityClassName: 'system-node-critical',
  imagePullPolicy: 'IfNotPresent',
  tolerations: [
    { key: 'CriticalAddonsOnly', operator: 'Exists' },
    { key: NEURON_RESOURCE, operator: 'Exists', effect: 'NoSchedule' },
  ],
  env: [
    { name: 'KUBECONFIG', value: '/etc/kubernetes/kubelet.conf' },
    { name: 'NODE_NAME', fieldPath: 'spec.nodeName' },
  ],
  hostMounts: [
    { name: 'device-plugin', path: '/var/lib/kubelet/device-plugins' },
    { name: 'infa-map', path: '/run' },
    // Added by the Helm chart's values next to this tag (`aws-config`, `/opt/aws`, read-only).
    { name: 'aws-config', path: '/opt/aws', readOnly: true },
  ],
  serviceAccountName: 'neuron-device-plugin',
  rbacRules: [
    { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['update', 'patch', 'get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch', 'update'] },
  ],
  source: 'https://github.com/aws-neuron/aws-neuron-sdk/blob/master/src/k8/k8s-neuron-device-plugin.yml',
};

/** Every device plugin the library renders, by the extended resource it advertises. */
export const DEVICE_PLUGINS: { [resourceName: string]: DevicePluginSpec } = {
  [NVIDIA_GPU_RESOURCE]: NVIDIA_DEVICE_PLUGIN,
  [NEURON_RESOURCE]: NEURON_DEVICE_PLUGIN,
};

/** The full image reference of a plugin, `repository:tag`. */
export function devicePluginImage(spec: DevicePluginSpec): string {
  return `${spec.imageRepository}:${spec.imageTag}`;
}

/** The device plugin that advertises an extended resource, or undefined (e.g. `google.com/tpu`: GKE runs its own). */
export function devicePluginFor(resourceName: string): DevicePluginSpec | undefined {
  return Object.prototype.hasOwnProperty.call(DEVICE_PLUGINS, resourceName) ? DEVICE_PLUGINS[resourceName] : undefined;
}

/** The device-plugin table as static methods (for languages that see classes only). */
export class DevicePlugins {
  /** Every plugin, by extended resource. */
  public static readonly ALL: { [resourceName: string]: DevicePluginSpec } = DEVICE_PLUGINS;

  /** @see devicePluginFor */
  public static forResource(resourceName: string): DevicePluginSpec | undefined {
    return devicePluginFor(resourceName);
  }

  /** @see devicePluginImage */
  public static image(spec: DevicePluginSpec): string {
    return devicePluginImage(spec);
  }

  private constructor() {}
}
