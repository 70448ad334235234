/**
 * Reading Kubernetes manifests for the rules: object access, quantities, durations, workloads
 * and the scalers, monitors and pools that refer to them. Internal to `lib/rules/`.
 */
import type { FindingLocation } from './engine.js';

/** A plain JSON object. */
export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function get(obj: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (typeof p === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[p];
    } else {
      if (!isObject(cur)) return undefined;
      cur = cur[p];
    }
  }
  return cur;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asRecord(v: unknown): Json {
  return isObject(v) ? v : {};
}

/** One object with where it came from. */
export interface LocatedObject {
  readonly object: Json;
  readonly origin?: string;
  readonly stack?: string;
  readonly logicalId?: string;
}

export function kindOf(o: LocatedObject): string {
  return typeof o.object.kind === 'string' ? o.object.kind : '';
}

export function nameOf(o: LocatedObject): string {
  const n = get(o.object, 'metadata', 'name');
  return typeof n === 'string' ? n : '';
}

export function namespaceOf(o: LocatedObject): string | undefined {
  const n = get(o.object, 'metadata', 'namespace');
  return typeof n === 'string' ? n : undefined;
}

export function annotationsOf(o: LocatedObject): Json {
  return asRecord(get(o.object, 'metadata', 'annotations'));
}

/** The location of a field of an object. */
export function locate(o: LocatedObject, path: string): FindingLocation {
  const ns = namespaceOf(o);
  return {
    ...(o.origin !== undefined ? { origin: o.origin } : {}),
    ...(o.stack !== undefined ? { stack: o.stack } : {}),
    ...(o.logicalId !== undefined ? { logicalId: o.logicalId } : {}),
    kind: kindOf(o),
    ...(ns !== undefined ? { namespace: ns } : {}),
    name: nameOf(o),
    path,
  };
}

/** Binary and decimal suffixes of Kubernetes quantities (apimachinery `resource.Quantity`). */
const QUANTITY_SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * Parse a Kubernetes quantity ("12Gi", "500m", "1e3", 4) into its plain value.
 * @returns NaN when it is not a quantity
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
export function parseQuantity(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return NaN;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/.exec(v.trim());
  if (!m) return NaN;
  return Number(m[1]) * QUANTITY_SUFFIX[m[2] ?? '']!;
}

export const GIB = 2 ** 30;

/** Format bytes as GiB with one decimal. */
export function gib(bytes: number): string {
  return `${(Math.round((bytes / GIB) * 10) / 10).toString()} GiB`;
}

/**
 * Parse a Go duration as Karpenter writes them ("720h", "1h30m", "90s").
 * @returns seconds; Infinity for "Never"; NaN when it is not a duration
 */
export function parseDurationSeconds(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return NaN;
  if (v === 'Never') return Infinity;
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const m of v.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000;
    consumed += m[0].length;
  }
  return consumed === v.length && consumed > 0 ? total : NaN;
}

/** Read a plan annotation as a positive number, undefined when absent or not a number. */
export function planFigure(o: LocatedObject, key: string): number | undefined {
  const v = annotationsOf(o)[key];
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) && n >= 0 && !(typeof v === 'string' && v.trim() === '') ? n : undefined;
}

/** A pod template of a workload, with the JSON path that leads to it. */
export interface PodTemplate {
  readonly spec: Json;
  readonly metadata: Json;
  readonly path: string;
  /** Pods of this template per replica (LeaderWorkerSet workers: size - 1). */
  readonly podsPerReplica: number;
}

/** True for the workload kinds the rules check: apps/v1 Deployment and StatefulSet, LeaderWorkerSet. */
export function isWorkload(o: LocatedObject): boolean {
  const api = String(o.object.apiVersion ?? '');
  return ((kindOf(o) === 'Deployment' || kindOf(o) === 'StatefulSet') && api === 'apps/v1') || (kindOf(o) === 'LeaderWorkerSet' && api.startsWith('leaderworkerset.x-k8s.io/'));
}

/** The pod templates of a workload (one for a Deployment; leader and worker for a LeaderWorkerSet). */
export function podTemplates(o: LocatedObject): PodTemplate[] {
  if (kindOf(o) === 'LeaderWorkerSet') {
    const lwt = get(o.object, 'spec', 'leaderWorkerTemplate');
    const sizeRaw = get(lwt, 'size');
    const size = typeof sizeRaw === 'number' ? sizeRaw : 1;
    const worker = get(lwt, 'workerTemplate');
    const leader = get(lwt, 'leaderTemplate');
    const out: PodTemplate[] = [];
    if (isObject(leader)) {
      out.push({ spec: asRecord(leader.spec), metadata: asRecord(leader.metadata), path: 'spec.leaderWorkerTemplate.leaderTemplate', podsPerReplica: 1 });
      if (isObject(worker) && size > 1) out.push({ spec: asRecord(worker.spec), metadata: asRecord(worker.metadata), path: 'spec.leaderWorkerTemplate.workerTemplate', podsPerReplica: size - 1 });
    } else if (isObject(worker)) {
      out.push({ spec: asRecord(worker.spec), metadata: asRecord(worker.metadata), path: 'spec.leaderWorkerTemplate.workerTemplate', podsPerReplica: size });
    }
    return out;
  }
  const t = get(o.object, 'spec', 'template');
  return isObject(t) ? [{ spec: asRecord(t.spec), metadata: asRecord(t.metadata), path: 'spec.template', podsPerReplica: 1 }] : [];
}

/** A container of a pod template with its path. */
export interface ContainerRef {
  readonly container: Json;
  readonly path: string;
}

export function containersOf(t: PodTemplate, withInit = false): ContainerRef[] {
  const out: ContainerRef[] = asArray(t.spec.containers).filter(isObject).map((c, i) => ({ container: c, path: `${t.path}.spec.containers[${i}]` }));
  if (withInit) out.push(...asArray(t.spec.initContainers).filter(isObject).map((c, i) => ({ container: c, path: `${t.path}.spec.initContainers[${i}]` })));
  return out;
}

/** Resource names that are not extended resources. */
const CORE_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage']);

/**
 * True for an extended resource name (`vendor.domain/name`, outside `kubernetes.io/`), e.g.
 * `nvidia.com/gpu`, `aws.amazon.com/neuron`, `google.com/tpu`.
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#extended-resources
 */
export function isExtendedResource(name: string): boolean {
  if (CORE_RESOURCES.has(name) || name.startsWith('hugepages-')) return false;
  return name.includes('/') && !/(^|\.)kubernetes\.io\//.test(name);
}

/** Extended resources one pod of a template requests (limits, else requests), summed over containers. */
export function extendedResourcesOf(t: PodTemplate): Record<string, number> {
  const total: Record<string, number> = {};
  for (const { container } of containersOf(t)) {
    const limits = asRecord(get(container, 'resources', 'limits'));
    const requests = asRecord(get(container, 'resources', 'requests'));
    for (const res of new Set([...Object.keys(limits), ...Object.keys(requests)])) {
      if (!isExtendedResource(res)) continue;
      const n = parseQuantity(limits[res] ?? requests[res]);
      if (Number.isFinite(n)) total[res] = (total[res] ?? 0) + n;
    }
  }
  return total;
}

/** The environment variable of a container (plain `value` only), undefined when absent. */
export function envValue(container: Json, name: string): { value: string | undefined; index: number } | undefined {
  const env = asArray(container.env);
  for (let i = 0; i < env.length; i++) {
    const e = env[i];
    if (isObject(e) && e.name === name) return { value: typeof e.value === 'string' ? e.value : undefined, index: i };
  }
  return undefined;
}

/** Command and args of a container as one list of strings. */
export function commandLine(container: Json): string[] {
  return [...asArray(container.command), ...asArray(container.args)].map((x) => String(x));
}

/** The value of a `--flag value` or `--flag=value` argument. */
export function flagValue(argv: string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === flag) return argv[i + 1];
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return undefined;
}

/** A scaler (KEDA ScaledObject or HorizontalPodAutoscaler) and the workload it targets. */
export interface ScalerRef {
  readonly scaler: LocatedObject;
  readonly kind: 'ScaledObject' | 'HorizontalPodAutoscaler';
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

/**
 * KEDA defaults: `minReplicaCount` 0, `maxReplicaCount` 100.
 * @see https://keda.sh/docs/2.18/reference/scaledobject-spec/
 */
export const KEDA_DEFAULT_MIN_REPLICAS = 0;
export const KEDA_DEFAULT_MAX_REPLICAS = 100;
/** HPA `minReplicas` default (autoscaling/v2). @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/ */
export const HPA_DEFAULT_MIN_REPLICAS = 1;

/** The scalers that target a workload (same namespace, kind and name; apiVersion when given). */
export function scalersOf(w: LocatedObject, all: LocatedObject[]): ScalerRef[] {
  const out: ScalerRef[] = [];
  const ns = namespaceOf(w) ?? 'default';
  for (const s of all) {
    const k = kindOf(s);
    if (k !== 'ScaledObject' && k !== 'HorizontalPodAutoscaler') continue;
    if ((namespaceOf(s) ?? 'default') !== ns) continue;
    const ref = get(s.object, 'spec', 'scaleTargetRef');
    const refKind = String(get(ref, 'kind') ?? (k === 'ScaledObject' ? 'Deployment' : ''));
    const refApi = get(ref, 'apiVersion');
    if (get(ref, 'name') !== nameOf(w) || refKind !== kindOf(w)) continue;
    if (refApi !== undefined && refApi !== w.object.apiVersion) continue;
    if (k === 'ScaledObject') {
      const min = get(s.object, 'spec', 'minReplicaCount');
      const max = get(s.object, 'spec', 'maxReplicaCount');
      out.push({ scaler: s, kind: k, minReplicas: typeof min === 'number' ? min : KEDA_DEFAULT_MIN_REPLICAS, maxReplicas: typeof max === 'number' ? max : KEDA_DEFAULT_MAX_REPLICAS });
    } else {
      const min = get(s.object, 'spec', 'minReplicas');
      const max = get(s.object, 'spec', 'maxReplicas');
      out.push({ scaler: s, kind: k, minReplicas: typeof min === 'number' ? min : HPA_DEFAULT_MIN_REPLICAS, maxReplicas: typeof max === 'number' ? max : 1 });
    }
  }
  return out;
}

/** The workload a scaler targets, if it is in the set. */
export function targetOf(s: LocatedObject, all: LocatedObject[]): LocatedObject | undefined {
  return all.find((w) => isWorkload(w) && scalersOf(w, [s]).length > 0);
}

/** True when a label selector (`matchLabels` only; `matchExpressions` In/Exists) selects the labels. */
export function selectorMatches(selector: unknown, labels: Json): boolean {
  if (!isObject(selector)) return false;
  const ml = asRecord(selector.matchLabels);
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of asArray(selector.matchExpressions)) {
    const key = String(get(e, 'key'));
    const op = get(e, 'operator');
    const values = asArray(get(e, 'values')).map(String);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    if (op === 'In' && !(has && values.includes(String(labels[key])))) return false;
    if (op === 'NotIn' && has && values.includes(String(labels[key]))) return false;
    if (op === 'Exists' && !has) return false;
    if (op === 'DoesNotExist' && has) return false;
  }
  return Object.keys(ml).length > 0 || asArray(selector.matchExpressions).length > 0;
}

/** The replica ceiling of a workload: its scaler's max, else spec.replicas (default 1). */
export function maxReplicasOf(w: LocatedObject, all: LocatedObject[]): number {
  const scalers = scalersOf(w, all);
  if (scalers.length > 0) return Math.max(...scalers.map((s) => s.maxReplicas));
  const r = get(w.object, 'spec', 'replicas');
  return typeof r === 'number' ? r : 1;
}

/**
 * Token-counter metric names the rules recognise in a scaler's query: the generated-tokens
 * counters of the model-server profiles (vLLM `vllm:generation_tokens_total`, TGI
 * `tgi_request_generated_tokens_sum`), and any name that mentions generated tokens.
 */
export const TOKEN_METRIC_PATTERN = /generat\w*_tokens|generation_tokens/;

/** The Prometheus triggers of a ScaledObject that carry the token metric, with their paths. */
export function tokenTriggers(s: LocatedObject): { trigger: Json; path: string; query: string }[] {
  return asArray(get(s.object, 'spec', 'triggers'))
    .map((t, i) => ({ trigger: asRecord(t), path: `spec.triggers[${i}]` }))
    .filter(({ trigger }) => trigger.type === 'prometheus')
    .map((x) => ({ ...x, query: String(get(x.trigger, 'metadata', 'query') ?? '') }))
    .filter((x) => TOKEN_METRIC_PATTERN.test(x.query));
}
