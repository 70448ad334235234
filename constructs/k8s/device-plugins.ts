/**
 * The device plugin of a Karpenter accelerator pool: the NVIDIA k8s-device-plugin or the AWS
 * Neuron device plugin as a DaemonSet (plus the Neuron plugin's ServiceAccount, ClusterRole and
 * ClusterRoleBinding), rendered from the pinned table in `lib/device-plugins.ts`.
 *
 * On the EKS-optimized AL2023 NVIDIA / Neuron AMIs nothing advertises `nvidia.com/gpu` or
 * `aws.amazon.com/neuron` until a device plugin runs ("you must install the NVIDIA Kubernetes
 * device plugin" / "the Neuron Kubernetes device plugin", EKS user guide
 * `ml-eks-k8s-device-plugin`), so a Karpenter pool without one launches nodes its pods never
 * fit on. One plugin per chart and extended resource serves every pool of that accelerator in
 * the chart: it selects their nodes by the `karpenter.sh/nodepool` label and tolerates their
 * taints, so it runs nowhere else.
 *
 * One renderer per object kind below; {@link AcceleratorDevicePlugin} puts them together.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-k8s-device-plugin.html
 */
import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
// Types only: the objects render through `ApiObject`, so cdk8s-plus-28's 2.6 MB module of
// generated bindings is never loaded at synth (test/lib/layering.test.ts).
import type { DaemonSetSpec, Toleration as KubeToleration } from 'cdk8s-plus-28/lib/imports/k8s.js';
import { Construct } from 'constructs';
import { type DevicePluginSpec, devicePluginFor, devicePluginImage } from '../../lib/device-plugins.js';
import { InferenceConstructsError } from '../../lib/errors.js';
import { KARPENTER_NODEPOOL_LABEL } from '../../lib/node-pool-defaults.js';
import { type Taint } from '../../lib/accelerators.js';
import { type Toleration, type WorkloadDemand, toleratesTaints } from '../../lib/placement.js';
import { compareStrings } from '../../lib/private/compare.js';

/** A Karpenter pool a device plugin serves: its name (the `karpenter.sh/nodepool` label) and taints. */
export interface DevicePluginPool {
  /** NodePool name; Karpenter labels every node with it (`karpenter.sh/nodepool`). */
  readonly name: string;
  /** The extended resource the pool's nodes carry. */
  readonly resourceName: string;
  /** Taints every node of the pool carries. */
  readonly taints: Taint[];
  /** Labels every node of the pool carries that workloads select on. @default - none */
  readonly labels?: { [key: string]: string };
}

/**
 * A pool whose nodes need a device plugin from its chart (a Karpenter pool on the AL2023
 * accelerated AMIs). The placement check reads it.
 */
export interface IDevicePluginConsumer {
  /**
   * The pool as its device plugin sees it; undefined when something else runs the plugin (EKS
   * Auto Mode, an opted-out pool on a cluster that already runs one, a resource with no plugin here).
   */
  devicePluginPool(): DevicePluginPool | undefined;
}

/** API version of the RBAC objects. */
const RBAC_API_VERSION = 'rbac.authorization.k8s.io/v1';

/** The plugin's ServiceAccount (only plugins whose spec names one). */
export function renderDevicePluginServiceAccount(scope: Construct, id: string, spec: DevicePluginSpec): ApiObject | undefined {
  if (!spec.serviceAccountName) return undefined;
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: spec.serviceAccountName, namespace: spec.namespace } });
}

/** The plugin's ClusterRole: the rules of its upstream RBAC manifest. */
export function renderDevicePluginClusterRole(scope: Construct, id: string, spec: DevicePluginSpec): ApiObject | undefined {
  if (!spec.serviceAccountName) return undefined;
  const role = new ApiObject(scope, id, {
    apiVersion: RBAC_API_VERSION,
    kind: 'ClusterRole',
    metadata: { name: spec.serviceAccountName },
    rules: spec.rbacRules.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
  });
  clusterScoped(role);
  return role;
}

/** The plugin's ClusterRoleBinding: its ClusterRole to its ServiceAccount. */
export function renderDevicePluginClusterRoleBinding(scope: Construct, id: string, spec: DevicePluginSpec): ApiObject | undefined {
  if (!spec.serviceAccountName) return undefined;
  const binding = new ApiObject(scope, id, {
    apiVersion: RBAC_API_VERSION,
    kind: 'ClusterRoleBinding',
    metadata: { name: spec.serviceAccountName },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: spec.serviceAccountName },
    subjects: [{ kind: 'ServiceAccount', name: spec.serviceAccountName, namespace: spec.namespace }],
  });
  clusterScoped(binding);
  return binding;
}

/**
 * The tolerations of the plugin's pods: the upstream manifest's, then one `Exists` toleration per
 * pool taint (key and effect) the upstream ones do not already cover, so the plugin lands on every
 * node of its pools whatever their taints.
 */
export function devicePluginTolerations(spec: DevicePluginSpec, pools: readonly DevicePluginPool[]): KubeToleration[] {
  const out: KubeToleration[] = spec.tolerations.map((t) => ({ key: t.key, operator: t.operator, ...(t.effect ? { effect: t.effect } : {}) }));
  const covers = (t: KubeToleration, taint: Taint): boolean =>
    t.key === taint.key && (t.effect === undefined || t.effect === taint.effect) && (t.operator === 'Exists' || t.value === taint.value);
  const taints = pools.flatMap((p) => p.taints).sort((a, b) => compareStrings(`${a.key}:${a.effect}`, `${b.key}:${b.effect}`));
  for (const taint of taints) {
    if (!out.some((t) => covers(t, taint))) out.push({ key: taint.key, operator: 'Exists', effect: taint.effect });
  }
  return out;
}

/**
 * The plugin's DaemonSet, as the upstream manifest renders it, scheduled by node affinity onto
 * the nodes of `pools()` only (`karpenter.sh/nodepool In [...]`, names sorted) and tolerating
 * their taints. `pools` is read when the chart synthesizes, so pools added later are included.
 */
export function renderDevicePluginDaemonSet(scope: Construct, id: string, spec: DevicePluginSpec, pools: () => DevicePluginPool[]): ApiObject {
  const labels = { name: spec.podLabel };
  const build = (): DaemonSetSpec => {
    const current = pools();
    return {
      selector: { matchLabels: { ...labels } },
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          ...(spec.serviceAccountName ? { serviceAccountName: spec.serviceAccountName } : {}),
          priorityClassName: spec.priorityClassName,
          tolerations: devicePluginTolerations(spec, current),
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: KARPENTER_NODEPOOL_LABEL, operator: 'In', values: [...new Set(current.map((p) => p.name))].sort() }] }],
              },
            },
          },
          containers: [
            {
              name: spec.containerName,
              image: devicePluginImage(spec),
              imagePullPolicy: spec.imagePullPolicy,
              ...(spec.env.length
                ? { env: spec.env.map((e) => (e.fieldPath ? { name: e.name, valueFrom: { fieldRef: { fieldPath: e.fieldPath } } } : { name: e.name, value: e.value })) }
                : {}),
              // Both upstream manifests: no privilege escalation, every capability dropped. The
              // plugin serves a gRPC socket in the kubelet's device-plugins directory as root.
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              volumeMounts: spec.hostMounts.map((m) => ({ name: m.name, mountPath: m.path, ...(m.readOnly ? { readOnly: true } : {}) })),
            },
          ],
          volumes: spec.hostMounts.map((m) => ({ name: m.name, hostPath: { path: m.path } })),
        },
      },
    };
  };
  return new ApiObject(scope, id, {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: Lazy.any({ produce: () => build() }),
  });
}

function clusterScoped(obj: ApiObject): void {
  if (Chart.of(obj).namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
}

/**
 * The device plugin of one extended resource in one chart: DaemonSet (and, for Neuron,
 * ServiceAccount, ClusterRole, ClusterRoleBinding), shared by every Karpenter pool of that
 * accelerator in the chart. Get it with {@link AcceleratorDevicePlugin.forPool}; never create two.
 */
export class AcceleratorDevicePlugin extends Construct {
  /**
   * The chart's plugin for the pool's resource, created on first use, with the pool added to the
   * nodes it runs on; undefined when the library has no plugin for the resource (e.g. TPUs).
   */
  public static forPool(scope: Construct, pool: DevicePluginPool): AcceleratorDevicePlugin | undefined {
    const spec = devicePluginFor(pool.resourceName);
    if (!spec) return undefined;
    const chart = Chart.of(scope);
    const id = `DevicePlugin-${spec.vendor}`;
    const existing = chart.node.tryFindChild(id);
    const plugin = existing instanceof AcceleratorDevicePlugin ? existing : new AcceleratorDevicePlugin(chart, id, spec);
    plugin.addPool(pool);
    return plugin;
  }

  /** The pinned plugin this construct renders. */
  public readonly spec: DevicePluginSpec;
  /** The DaemonSet: escape hatch for patches. */
  public readonly daemonSet: ApiObject;
  /** The ServiceAccount (Neuron only). */
  public readonly serviceAccount?: ApiObject;
  /** The ClusterRole (Neuron only). */
  public readonly clusterRole?: ApiObject;
  /** The ClusterRoleBinding (Neuron only). */
  public readonly clusterRoleBinding?: ApiObject;
  private readonly pools: DevicePluginPool[] = [];

  private constructor(scope: Chart, id: string, spec: DevicePluginSpec) {
    super(scope, id);
    this.spec = spec;
    this.serviceAccount = renderDevicePluginServiceAccount(this, 'ServiceAccount', spec);
    this.clusterRole = renderDevicePluginClusterRole(this, 'ClusterRole', spec);
    this.clusterRoleBinding = renderDevicePluginClusterRoleBinding(this, 'ClusterRoleBinding', spec);
    this.daemonSet = renderDevicePluginDaemonSet(this, 'DaemonSet', spec, () => [...this.pools]);
  }

  /** Names of the pools whose nodes the plugin runs on, sorted. */
  public get poolNames(): string[] {
    return [...new Set(this.pools.map((p) => p.name))].sort();
  }

  private addPool(pool: DevicePluginPool): void {
    this.pools.push({ name: pool.name, resourceName: pool.resourceName, taints: [...pool.taints] });
  }
}

type Json = { [key: string]: any };

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether a rendered DaemonSet runs the plugin on a pool's nodes: its image is the plugin's
 * repository, its node selector and required node affinity admit the pool's nodes (a term of
 * `In` / `Exists` expressions the node labels satisfy, or no affinity), and it tolerates every
 * NoSchedule / NoExecute taint of the pool.
 */
export function daemonSetServesPool(daemonSet: unknown, spec: DevicePluginSpec, pool: DevicePluginPool): boolean {
  if (!isObject(daemonSet) || daemonSet.kind !== 'DaemonSet' || daemonSet.apiVersion !== 'apps/v1') return false;
  const podSpec = daemonSet.spec?.template?.spec;
  if (!isObject(podSpec)) return false;
  const containers: unknown[] = Array.isArray(podSpec.containers) ? podSpec.containers : [];
  const runsPlugin = containers.some((c) => isObject(c) && typeof c.image === 'string' && c.image.startsWith(`${spec.imageRepository}:`));
  if (!runsPlugin) return false;
  const nodeLabels: { [key: string]: string } = { ...(pool.labels ?? {}), [KARPENTER_NODEPOOL_LABEL]: pool.name };
  const selector = isObject(podSpec.nodeSelector) ? podSpec.nodeSelector : {};
  if (!Object.entries(selector).every(([k, v]) => nodeLabels[k] === v)) return false;
  const terms = podSpec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (Array.isArray(terms) && terms.length > 0) {
    const termAdmits = (term: unknown): boolean => {
      const exprs: unknown[] = isObject(term) && Array.isArray(term.matchExpressions) ? term.matchExpressions : [];
      return exprs.every((e) => {
        if (!isObject(e) || typeof e.key !== 'string') return false;
        const value = nodeLabels[e.key];
        if (e.operator === 'In') return value !== undefined && Array.isArray(e.values) && e.values.includes(value);
        if (e.operator === 'Exists') return value !== undefined;
        // NotIn / DoesNotExist / Gt / Lt on labels the pool does not pin: not provable here.
        return false;
      });
    };
    if (!terms.some(termAdmits)) return false;
  }
  const tolerations = Array.isArray(podSpec.tolerations) ? podSpec.tolerations : [];
  return toleratesTaints(tolerations.filter(isObject) as unknown as Toleration[], pool.taints);
}

/**
 * Every pool of `consumers` that a workload requests the accelerator of must have its device
 * plugin among `manifests`; throws DevicePluginMissing for the first that does not.
 */
export function checkDevicePlugins(manifests: readonly unknown[], demands: readonly WorkloadDemand[], consumers: readonly DevicePluginPool[]): void {
  for (const pool of [...consumers].sort((a, b) => compareStrings(a.name, b.name))) {
    const spec = devicePluginFor(pool.resourceName);
    if (!spec) continue;
    const labels: { [key: string]: string } = { ...(pool.labels ?? {}), [KARPENTER_NODEPOOL_LABEL]: pool.name };
    const users = demands.filter(
      (d) => (d.resourcesPerReplica[pool.resourceName] ?? 0) > 0 && Object.entries(d.nodeSelector).every(([k, v]) => labels[k] === v),
    );
    if (users.length === 0) continue;
    if (manifests.some((m) => daemonSetServesPool(m, spec, pool))) continue;
    throw new InferenceConstructsError('DevicePluginMissing', {
      prop: `NodePool/${pool.name}`,
      problem:
        `${users.map((u) => u.name).join(', ')} request ${pool.resourceName} on Karpenter pool ${pool.name}, but no DaemonSet in the chart ` +
        `runs ${spec.imageRepository} on its nodes; the EKS AL2023 accelerated AMIs advertise ${pool.resourceName} only through that ` +
        'device plugin, so the pods would stay Pending',
      received: manifests.filter((m) => isObject(m) && m.kind === 'DaemonSet').map((m: any) => m.metadata?.name),
      allowed: `a DaemonSet with image ${devicePluginImage(spec)} that selects and tolerates the nodes of pool ${pool.name}`,
      fix: 'keep the device plugin AcceleratorNodePool renders (leave devicePlugin unset), or pass devicePlugin: false when the cluster already runs one',
    });
  }
}
