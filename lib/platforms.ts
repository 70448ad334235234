/**
 * The Kubernetes platforms and metrics scrape backends the library renders for: closed choices,
 * as enums, and the one table of scrape intervals a scaler checks its rate window against.
 *
 * The string values are the ones the k8s renderers have always switched on
 * (`ModelDeploymentProps.platform` / `scrapeBackend`), so objects rendered with either spelling
 * are the same.
 */
import { InferenceConstructsError } from './errors.js';

/** Where a Kubernetes workload runs: decides node selectors, taints, pools and the metrics path. */
export enum KubernetesPlatform {
  /** EKS Auto Mode: the cluster's managed Karpenter, `eks.amazonaws.com/*` node labels. */
  EKS_AUTO_MODE = 'eks-auto-mode',
  /** EKS with self-managed Karpenter (`karpenter.sh/v1` NodePools, `karpenter.k8s.aws/*` labels). */
  EKS_KARPENTER = 'karpenter',
  /** EKS managed node groups labelled by the library. */
  EKS_MANAGED_NODE_GROUPS = 'managed-node-group',
  /** Google Kubernetes Engine (ComputeClasses, `cloud.google.com/*` labels). */
  GKE = 'gke',
}

/** What scrapes the model server's metrics endpoint. */
export enum ScrapeBackend {
  /** A `monitoring.coreos.com/v1` PodMonitor the library renders (Prometheus Operator). */
  PROMETHEUS_OPERATOR = 'prometheus-operator',
  /** A `monitoring.googleapis.com/v1` PodMonitoring the library renders (Google Cloud Managed Service for Prometheus). */
  GOOGLE_MANAGED_PROMETHEUS = 'google-managed-prometheus',
  /** `prometheus.io/scrape` pod annotations, read by a scraper configured elsewhere (the AWS managed collector, a Prometheus chart). */
  ANNOTATIONS = 'annotations',
  /** Nothing scrapes the pods. */
  NONE = 'none',
}

/**
 * Scrapes a rate window must span: `rate()` needs two samples in its window, and a window of
 * four intervals tolerates a missed scrape ("use a range at least four times the scrape interval").
 * The one constant both the token scaler and rule IC-K8S-008 use.
 * @see https://www.robustperception.io/what-range-should-i-use-with-rate/
 */
export const MIN_SCRAPES_PER_RATE_WINDOW = 4;

/**
 * Scrape interval of the PodMonitor / PodMonitoring objects the library renders (`interval: 15s`
 * on every endpoint, constructs/k8s/model-deployment.ts `SCRAPE_INTERVAL`).
 */
export const RENDERED_MONITOR_SCRAPE_INTERVAL_SECONDS = 15;

/**
 * Prometheus's default global `scrape_interval` (1m), which applies to annotation-scraped pods
 * when the scraper's configuration states none (the prometheus-community `prometheus` chart keeps
 * `scrape_interval: 1m`). The EKS stack's AWS managed collector states its own
 * (`MetricsBackend.scrapeIntervalSeconds`), which a caller passes instead.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/ (global: `scrape_interval: <duration> | default = 1m`)
 */
export const PROMETHEUS_DEFAULT_SCRAPE_INTERVAL_SECONDS = 60;

/** The default scrape interval per backend, seconds; `none` scrapes nothing and has no entry. */
const DEFAULT_INTERVAL_SECONDS: { readonly [backend: string]: number } = {
  [ScrapeBackend.PROMETHEUS_OPERATOR]: RENDERED_MONITOR_SCRAPE_INTERVAL_SECONDS,
  [ScrapeBackend.GOOGLE_MANAGED_PROMETHEUS]: RENDERED_MONITOR_SCRAPE_INTERVAL_SECONDS,
  [ScrapeBackend.ANNOTATIONS]: PROMETHEUS_DEFAULT_SCRAPE_INTERVAL_SECONDS,
};

const PLATFORMS: string[] = Object.values(KubernetesPlatform);
const BACKENDS: string[] = Object.values(ScrapeBackend);

/** Look-ups on {@link KubernetesPlatform}. */
export class KubernetesPlatforms {
  /** Every platform value. */
  public static values(): string[] {
    return [...PLATFORMS];
  }

  /**
   * The platform for a string (a value from another language or a config file); throws
   * `KubernetesPlatformUnknown` listing the values.
   *
   * @param value a platform value, e.g. `eks-auto-mode`
   */
  public static of(value: string): KubernetesPlatform {
    if (PLATFORMS.includes(value)) return value as KubernetesPlatform;
    throw new InferenceConstructsError('KubernetesPlatformUnknown', {
      prop: 'platform',
      problem: 'the Kubernetes platform is not one the library renders for',
      received: value,
      allowed: PLATFORMS,
      fix: 'use a KubernetesPlatform member, e.g. KubernetesPlatform.EKS_AUTO_MODE',
    });
  }

  private constructor() {}
}

/** The scrape-interval table of {@link ScrapeBackend}. */
export class ScrapeBackends {
  /** Scrapes a rate window must span; see {@link MIN_SCRAPES_PER_RATE_WINDOW}. */
  public static readonly MIN_SCRAPES_PER_RATE_WINDOW: number = MIN_SCRAPES_PER_RATE_WINDOW;

  /**
   * The scrape interval that applies to a workload scraped by `backend` unless its scraper states
   * another, seconds: 15 for the PodMonitor / PodMonitoring the library renders, 60 (Prometheus's
   * default) for annotation scraping. Throws `ScrapeIntervalUnknown` for `none` and
   * `ScrapeBackendUnknown` for a value that is not a backend.
   *
   * @param backend the scrape backend
   */
  public static defaultIntervalSeconds(backend: ScrapeBackend): number {
    ScrapeBackends.check(backend);
    const seconds = DEFAULT_INTERVAL_SECONDS[backend];
    if (seconds === undefined) {
      throw new InferenceConstructsError('ScrapeIntervalUnknown', {
        prop: 'scrapeBackend',
        problem: 'nothing scrapes the pods, so no scrape interval applies and no token rate can be read',
        received: backend,
        allowed: BACKENDS.filter((b) => b !== ScrapeBackend.NONE),
        fix: 'scrape the model server (ScrapeBackend.PROMETHEUS_OPERATOR, GOOGLE_MANAGED_PROMETHEUS or ANNOTATIONS) before scaling on its tokens',
      });
    }
    return seconds;
  }

  /**
   * The shortest rate window, seconds, that spans {@link MIN_SCRAPES_PER_RATE_WINDOW} scrapes at
   * `scrapeIntervalSeconds`.
   *
   * @param scrapeIntervalSeconds the scrape interval, seconds
   */
  public static minRateWindowSeconds(scrapeIntervalSeconds: number): number {
    if (!(typeof scrapeIntervalSeconds === 'number' && Number.isFinite(scrapeIntervalSeconds) && scrapeIntervalSeconds > 0)) {
      throw new InferenceConstructsError('ScrapeIntervalInvalid', {
        prop: 'scrapeIntervalSeconds',
        problem: 'the scrape interval is not a positive finite number of seconds',
        received: scrapeIntervalSeconds,
        allowed: 'a positive number of seconds',
        fix: 'pass the interval the scraper uses, e.g. ScrapeBackends.defaultIntervalSeconds(backend)',
      });
    }
    return MIN_SCRAPES_PER_RATE_WINDOW * scrapeIntervalSeconds;
  }

  /** Every backend value. */
  public static values(): string[] {
    return [...BACKENDS];
  }

  /**
   * The backend for a string; throws `ScrapeBackendUnknown` listing the values.
   *
   * @param value a backend value, e.g. `annotations`
   */
  public static of(value: string): ScrapeBackend {
    ScrapeBackends.check(value);
    return value as ScrapeBackend;
  }

  private static check(value: string): void {
    if (!BACKENDS.includes(value)) {
      throw new InferenceConstructsError('ScrapeBackendUnknown', {
        prop: 'scrapeBackend',
        problem: 'the scrape backend is not one the library renders for',
        received: value,
        allowed: BACKENDS,
        fix: 'use a ScrapeBackend member, e.g. ScrapeBackend.PROMETHEUS_OPERATOR',
      });
    }
  }

  private constructor() {}
}
