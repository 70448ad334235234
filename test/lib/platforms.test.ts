import { describe, expect, test } from 'vitest';
import { KubernetesPlatform, KubernetesPlatforms, MIN_SCRAPES_PER_RATE_WINDOW, PROMETHEUS_DEFAULT_SCRAPE_INTERVAL_SECONDS, RENDERED_MONITOR_SCRAPE_INTERVAL_SECONDS, ScrapeBackend, ScrapeBackends } from '../../lib/platforms.js';
import { SCRAPE_INTERVAL_SECONDS, type ModelDeploymentProps } from '../../constructs/k8s/model-deployment.js';
import { expectError } from './expect-error.js';

describe('KubernetesPlatform and ScrapeBackend', () => {
  test("the enum values are the k8s renderers' strings, so either spelling renders the same objects", () => {
    // The k8s props take these enums (compile-time) and the values are the strings the renderers write.
    const platforms: NonNullable<ModelDeploymentProps['platform']>[] = [KubernetesPlatform.EKS_AUTO_MODE, KubernetesPlatform.EKS_KARPENTER, KubernetesPlatform.EKS_MANAGED_NODE_GROUPS, KubernetesPlatform.GKE];
    expect(platforms).toEqual(['eks-auto-mode', 'karpenter', 'managed-node-group', 'gke']);
    const scrapes: NonNullable<ModelDeploymentProps['scrapeBackend']>[] = [ScrapeBackend.PROMETHEUS_OPERATOR, ScrapeBackend.GOOGLE_MANAGED_PROMETHEUS, ScrapeBackend.ANNOTATIONS, ScrapeBackend.NONE];
    expect(scrapes).toEqual(['prometheus-operator', 'google-managed-prometheus', 'annotations', 'none']);
    expect(KubernetesPlatforms.values()).toEqual(platforms);
    expect(ScrapeBackends.values()).toEqual(scrapes);
  });

  test('of() accepts a value and refuses anything else with a stable code', () => {
    expect(KubernetesPlatforms.of('gke')).toBe(KubernetesPlatform.GKE);
    expect(ScrapeBackends.of('annotations')).toBe(ScrapeBackend.ANNOTATIONS);
    expectError(() => KubernetesPlatforms.of('eks'), 'KubernetesPlatformUnknown', 'platform', 'eks');
    expectError(() => ScrapeBackends.of('datadog'), 'ScrapeBackendUnknown', 'scrapeBackend', 'datadog');
  });
});

describe('ScrapeBackends', () => {
  test('rendered monitors: 15 s, the interval the k8s renderer writes on PodMonitor / PodMonitoring', () => {
    expect(RENDERED_MONITOR_SCRAPE_INTERVAL_SECONDS).toBe(SCRAPE_INTERVAL_SECONDS);
    expect(ScrapeBackends.defaultIntervalSeconds(ScrapeBackend.PROMETHEUS_OPERATOR)).toBe(15);
    expect(ScrapeBackends.defaultIntervalSeconds(ScrapeBackend.GOOGLE_MANAGED_PROMETHEUS)).toBe(15);
  });

  test("annotations: Prometheus's default global scrape_interval, 1m (prometheus.io configuration docs)", () => {
    expect(ScrapeBackends.defaultIntervalSeconds(ScrapeBackend.ANNOTATIONS)).toBe(PROMETHEUS_DEFAULT_SCRAPE_INTERVAL_SECONDS);
    expect(PROMETHEUS_DEFAULT_SCRAPE_INTERVAL_SECONDS).toBe(60);
  });

  test('none has no interval; an unknown backend is refused', () => {
    expectError(() => ScrapeBackends.defaultIntervalSeconds(ScrapeBackend.NONE), 'ScrapeIntervalUnknown', 'scrapeBackend', 'none');
    expectError(() => ScrapeBackends.defaultIntervalSeconds('statsd' as ScrapeBackend), 'ScrapeBackendUnknown', 'scrapeBackend', 'statsd');
  });

  test('the rate window spans four scrapes (Robust Perception, "What range should I use with rate()?")', () => {
    expect(MIN_SCRAPES_PER_RATE_WINDOW).toBe(4);
    expect(ScrapeBackends.MIN_SCRAPES_PER_RATE_WINDOW).toBe(4);
    expect(ScrapeBackends.minRateWindowSeconds(15)).toBe(60);
    expect(ScrapeBackends.minRateWindowSeconds(ScrapeBackends.defaultIntervalSeconds(ScrapeBackend.ANNOTATIONS))).toBe(240);
    expectError(() => ScrapeBackends.minRateWindowSeconds(0), 'ScrapeIntervalInvalid', 'scrapeIntervalSeconds', 0);
  });
});
