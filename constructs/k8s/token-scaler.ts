/**
 * Token-throughput autoscaling for model servers: the library's {@link TokenScalingPolicy}
 * rendered as a KEDA ScaledObject (Prometheus trigger) or, for clusters without KEDA, as a
 * plain HorizontalPodAutoscaler v2 on a Pods or External metric.
 *
 * The signal is the pool-wide generated-token rate, `sum(rate(counter[window]))`, and the
 * target the tokens/s one replica should sustain. With `AverageValue` the HPA computes
 * `ceil(sum / target)` replicas; an `avg()` query would cap the replica count at the current one.
 *
 * @see https://keda.sh/docs/2.17/scalers/prometheus/
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details
 */
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { KEDA_COOLDOWN_PERIOD_SECONDS } from '../../lib/replay/replay.js';
import { InferenceConstructsError } from '../../lib/errors.js';
import { ScalingBehaviour, ScalingSignal, TOKEN_WORK_UNIT_PER_SECOND, TokenScalingPolicy, VLLM_GENERATION_TOKENS_COUNTER, planFingerprint, tokenWorkPromQl, tokenWorkThreshold } from '../../lib/scaling.js';
import { assertTokenScalable } from '../../lib/servers.js';
import {
  ScaledObject,
  ScaledObjectSpecFallbackBehavior,
  ScaledObjectSpecTriggers,
  ScaledObjectSpecTriggersAuthenticationRef,
  ScaledObjectSpecTriggersAuthenticationRefKind,
} from '../../imports/keda-scaledobjects-keda.sh.js';
import {
  TriggerAuthentication,
  TriggerAuthenticationSpecPodIdentityIdentityOwner,
  TriggerAuthenticationSpecPodIdentityProvider,
} from '../../imports/keda-triggerauthentications-keda.sh.js';
import type { IAutoscalableWorkload, IScalableModelWorkload, ScaleTargetReference } from './model-deployment.js';

/**
 * A policy carries the scaling targets of the plan it was built from; scaling a workload with a
 * policy from another plan (another model, instance, tensor-parallel degree or target) would
 * scale it on the wrong tokens/s per replica.
 */
function assertPolicyFromPlan(target: IScalableModelWorkload, policy: TokenScalingPolicy): void {
  const expected = planFingerprint(target.plan);
  if (policy.planFingerprint !== expected) {
    throw new InferenceConstructsError('ScalingPolicyPlanMismatch', {
      prop: 'policy',
      problem: `the policy was built from plan ${policy.planFingerprint}, but the target ${target.scaleTargetRef.name} runs plan ${expected}`,
      received: policy.planFingerprint,
      allowed: expected,
      fix: "build the policy from the workload's own plan (TokenScaling.fromPlan(workload.plan, options)), or call workload.scaleOnTokenThroughput(options)",
    });
  }
}

/** True when the target can be told that a scaler owns its replica count. */
function isAutoscalable(target: IScalableModelWorkload): target is IScalableModelWorkload & IAutoscalableWorkload {
  return typeof (target as Partial<IAutoscalableWorkload>).markHasAutoscaler === 'function';
}

/** How often KEDA evaluates the triggers, seconds (KEDA default 30; tokens move fast). */
export const KEDA_POLLING_INTERVAL_SECONDS = 15;
// Seconds after the last active trigger before KEDA scales to zero: one constant in lib, which the
// replay reads too (lib/replay/replay.ts, KEDA's default 300 s).
export { KEDA_COOLDOWN_PERIOD_SECONDS };
/** Consecutive failed metric reads before KEDA holds the fallback replica count. */
export const KEDA_FALLBACK_FAILURE_THRESHOLD = 3;
/**
 * What KEDA does once the metric source has failed `failureThreshold` times:
 * `currentReplicasIfHigher` keeps the current count when it is above `fallback.replicas`, so
 * an outage of the metrics backend at peak never scales the fleet in. KEDA's default, `static`,
 * feeds the HPA `fallback.replicas` (`pkg/fallback/fallback.go`: `case FallbackBehaviorStatic:
 * replicas = float64(fallbackReplicas)`), i.e. scales a busy fleet down to the floor. The enum
 * is in the ScaledObject CRD this library's bindings are generated from (imports/crds,
 * `spec.fallback.behavior`: static | currentReplicas | currentReplicasIfHigher | ...).
 * @see https://keda.sh/docs/2.18/reference/scaledobject-spec/#fallback
 */
export const KEDA_FALLBACK_BEHAVIOR = ScaledObjectSpecFallbackBehavior.CURRENT_REPLICAS_IF_HIGHER;
/** Google Managed Prometheus query endpoint. @see https://cloud.google.com/stackdriver/docs/managed-prometheus/query-api-ui */
export const GMP_QUERY_ENDPOINT = 'https://monitoring.googleapis.com/v1/projects/{project}/location/global/prometheus';
/** Amazon Managed Service for Prometheus workspace endpoint. @see https://keda.sh/docs/2.17/scalers/prometheus/#example-amazon-managed-service-for-prometheus-amp */
export const AMP_WORKSPACE_ENDPOINT = 'https://aps-workspaces.{region}.amazonaws.com/workspaces/{workspace}';

/** The kind of a KEDA trigger authentication: namespaced or cluster-wide. */
export enum TriggerAuthenticationKind {
  /** A namespaced `TriggerAuthentication` (keda.sh/v1alpha1). */
  TRIGGER_AUTHENTICATION = 'TriggerAuthentication',
  /** A cluster-wide `ClusterTriggerAuthentication` (keda.sh/v1alpha1). */
  CLUSTER_TRIGGER_AUTHENTICATION = 'ClusterTriggerAuthentication',
}

/** An existing KEDA (Cluster)TriggerAuthentication a trigger references instead of a new one. */
export interface TriggerAuthenticationReference {
  /** Name of the object. */
  readonly name: string;
  /**
   * Its kind.
   * @default TriggerAuthenticationKind.TRIGGER_AUTHENTICATION
   */
  readonly kind?: TriggerAuthenticationKind;
}

/** True for a CDK token (`${Token[...]}`), which is resolved at deploy time and not validated here. */
function isToken(value: string): boolean {
  return value.includes('${Token[');
}

/** Options of {@link PrometheusSource.amazonManagedPrometheus}. */
export interface AmazonManagedPrometheusOptions {
  /** Region of the workspace (SigV4 signing region); a CDK token is accepted. */
  readonly region: string;
  /** Workspace id, `ws-...`; a CDK token is accepted. */
  readonly workspaceId: string;
  /**
   * An existing authentication with `podIdentity: { provider: aws }`, e.g. the
   * ClusterTriggerAuthentication the EKS cluster construct installs.
   * @default - a TriggerAuthentication next to the ScaledObject
   */
  readonly triggerAuthentication?: TriggerAuthenticationReference;
}

/** Options of {@link PrometheusSource.googleManagedPrometheus}. */
export interface GoogleManagedPrometheusOptions {
  /** Project id of the cluster. */
  readonly projectId: string;
  /**
   * An existing authentication with `podIdentity: { provider: gcp }`.
   * @default - a TriggerAuthentication next to the ScaledObject
   */
  readonly triggerAuthentication?: TriggerAuthenticationReference;
}

/** Options of {@link PrometheusSource.inCluster}. */
export interface InClusterPrometheusSourceOptions {
  /** URL of the Prometheus query API, e.g. `http://prometheus-operated.monitoring.svc:9090`. */
  readonly serverAddress: string;
}

/** Where KEDA reads Prometheus metrics, and how it authenticates. */
export class PrometheusSource {
  /**
   * Amazon Managed Service for Prometheus: SigV4 with the KEDA operator's own AWS identity
   * (IRSA or EKS Pod Identity on the keda-operator ServiceAccount, allowed `aps:QueryMetrics`).
   * @see https://keda.sh/docs/2.17/authentication-providers/aws/
   */
  public static amazonManagedPrometheus(props: AmazonManagedPrometheusOptions): PrometheusSource {
    if (!isToken(props.region) && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(props.region)) {
      throw new InferenceConstructsError('AwsRegionInvalid', {
        prop: 'region',
        problem: 'not an AWS region name',
        received: props.region,
        allowed: 'a region such as us-east-1',
        fix: 'pass the region of the Amazon Managed Service for Prometheus workspace',
      });
    }
    if (!isToken(props.workspaceId) && !/^ws-[0-9a-f-]+$/.test(props.workspaceId)) {
      throw new InferenceConstructsError('PrometheusWorkspaceIdInvalid', {
        prop: 'workspaceId',
        problem: 'not an Amazon Managed Service for Prometheus workspace id',
        received: props.workspaceId,
        allowed: 'ws-<uuid>',
        fix: 'pass the workspace id shown by `aws amp list-workspaces`',
      });
    }
    return new PrometheusSource(
      'amp',
      AMP_WORKSPACE_ENDPOINT.replace('{region}', props.region).replace('{workspace}', props.workspaceId),
      props.region,
      props.triggerAuthentication,
    );
  }

  /**
   * Google Cloud Managed Service for Prometheus: the KEDA operator authenticates with its
   * Workload Identity (the keda-operator ServiceAccount needs `roles/monitoring.viewer`).
   * @see https://keda.sh/docs/2.17/authentication-providers/gcp-workload-identity/
   */
  public static googleManagedPrometheus(props: GoogleManagedPrometheusOptions): PrometheusSource {
    if (!/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(props.projectId)) {
      throw new InferenceConstructsError('GcpProjectIdInvalid', {
        prop: 'projectId',
        problem: 'not a Google Cloud project id',
        received: props.projectId,
        allowed: '6-30 lower-case letters, digits or hyphens, starting with a letter',
        fix: 'pass the project id (not the number) of the cluster',
      });
    }
    return new PrometheusSource('gmp', GMP_QUERY_ENDPOINT.replace('{project}', props.projectId), undefined, props.triggerAuthentication);
  }

  /** A Prometheus server reachable without authentication, e.g. in the cluster. */
  public static inCluster(props: InClusterPrometheusSourceOptions): PrometheusSource {
    if (!/^https?:\/\/[^\s]+$/.test(props.serverAddress)) {
      throw new InferenceConstructsError('PrometheusAddressInvalid', {
        prop: 'serverAddress',
        problem: 'not an http(s) URL',
        received: props.serverAddress,
        allowed: 'http://prometheus-operated.monitoring.svc:9090 or similar',
        fix: 'pass the URL of the Prometheus query API',
      });
    }
    return new PrometheusSource('plain', props.serverAddress);
  }

  private constructor(
    /** `amp`, `gmp` or `plain`. */
    public readonly kind: 'amp' | 'gmp' | 'plain',
    /** The Prometheus query endpoint. */
    public readonly serverAddress: string,
    /** AWS region for SigV4 (AMP only). */
    public readonly awsRegion?: string,
    /** Existing authentication to reference, when given. */
    public readonly triggerAuthentication?: TriggerAuthenticationReference,
  ) {}
}

/** Wake-up signal for scale to zero: a query that is non-zero while requests wait and no replica runs. */
export interface ScaleFromZeroOptions {
  /**
   * PromQL returning one value that counts requests waiting for this model where they queue
   * while no replica exists (a gateway or router metric). The server's own metrics vanish
   * with its last pod, so they cannot wake it.
   */
  readonly query: string;
  /**
   * Waiting requests per replica the wake trigger asks for once active.
   * @default 16
   */
  readonly requestsPerReplica?: number;
}

/** Common props of both scaler renderings. */
export interface TokenScalerBaseProps {
  /** The workload to scale (a {@link ModelDeployment}, or the same values for one defined elsewhere in the chart). */
  readonly target: IScalableModelWorkload;
  /** The scaling policy from `tokenScalingPolicy(plan, options)`. */
  readonly policy: TokenScalingPolicy;
  /**
   * Kubernetes name of the scaler objects.
   * @default - the target's name
   */
  readonly name?: string;
}

/** Properties of {@link TokenThroughputScaler}. */
export interface TokenThroughputScalerProps extends TokenScalerBaseProps {
  /** Where KEDA queries the token counter. */
  readonly prometheus: PrometheusSource;
  /**
   * Add a second trigger on the server's queue-depth gauge, with this many waiting requests per
   * replica as target. Ignored (with no trigger) for servers that publish no queue gauge.
   * @default - no queue-depth trigger
   */
  readonly queueDepthPerReplica?: number;
  /**
   * Wake-up signal; required when the policy scales to zero.
   * @default - none
   */
  readonly scaleFromZero?: ScaleFromZeroOptions;
  /**
   * Scrape interval of the metrics backend, seconds; the policy's rate window must span at
   * least four scrapes so `rate()` always has samples to work with. Required when the target
   * is scraped through pod annotations, whose interval is the backend's own setting (the
   * Prometheus community chart: `global.scrape_interval: 1m`; the AWS managed collector
   * configuration of this library: 30 s).
   * @default - the target's own scrape interval (15 s for the PodMonitor / PodMonitoring
   *   ModelDeployment renders)
   */
  readonly scrapeIntervalSeconds?: number;
}

/**
 * Scrapes a rate window must span: Prometheus needs two samples for `rate()`, and a window of
 * four intervals tolerates a missed scrape.
 * @see https://www.robustperception.io/what-range-should-i-use-with-rate/
 */
export const MIN_SCRAPES_PER_RATE_WINDOW = 4;

/** The PromQL of the pool-wide generated-token rate for a workload. */
export function tokenRateQuery(target: IScalableModelWorkload, windowSeconds: number): string {
  const metric = target.server.tokenMetric;
  return `sum(rate(${metric.generatedTokensCounter}{${selectorFor(target)}}[${windowSeconds}s]))`;
}

/**
 * True when the server exports vLLM's token counters (`vllm:prompt_tokens_total` beside
 * `vllm:generation_tokens_total`, vLLM v0.11 metrics), which the token-work query reads.
 * @see https://docs.vllm.ai/en/v0.11.0/usage/metrics.html
 */
function exportsVllmTokenCounters(target: IScalableModelWorkload): boolean {
  return target.server.tokenMetric.generatedTokensCounter === VLLM_GENERATION_TOKENS_COUNTER;
}

/** The PromQL of the pool-wide token work (busy ms/s) for a workload. */
export function tokenWorkQuery(target: IScalableModelWorkload, policy: TokenScalingPolicy): string {
  if (!exportsVllmTokenCounters(target)) {
    throw new InferenceConstructsError('TokenWorkUnsupported', {
      prop: 'policy.signal',
      problem: `model server "${target.server.name}" exports no vLLM prompt-token counter, so the token-work signal has nothing to read`,
      received: policy.signal,
      allowed: `ScalingSignal.TOKEN_WORK only for vLLM-family servers (counter ${VLLM_GENERATION_TOKENS_COUNTER})`,
      fix: 'build the policy with signal: ScalingSignal.GENERATED_TOKENS (the default) for this server',
    });
  }
  return tokenWorkPromQl(policy.tokenWork, selectorFor(target), policy.metricWindowSeconds);
}

function selectorFor(target: IScalableModelWorkload): string {
  const metric = target.server.tokenMetric;
  const matchers = [`namespace="${target.namespace}"`];
  if (metric.modelLabel) matchers.push(`${metric.modelLabel}="${target.servedModelName}"`);
  else matchers.push(`pod=~"${target.scaleTargetRef.name}-.*"`);
  return matchers.join(',');
}

/** HPA v2 behaviour of a policy: fast up (Max of the policies), slow down (Min). */
export function hpaBehavior(policy: TokenScalingPolicy) {
  const rules = (b: ScalingBehaviour, select: 'Max' | 'Min') => ({
    stabilizationWindowSeconds: b.stabilizationWindowSeconds,
    selectPolicy: select,
    policies: [
      { type: 'Percent', value: b.maxPercentPerPeriod, periodSeconds: b.periodSeconds },
      { type: 'Pods', value: b.maxReplicasPerPeriod, periodSeconds: b.periodSeconds },
    ],
  });
  return { scaleUp: rules(policy.scaleUp, 'Max'), scaleDown: rules(policy.scaleDown, 'Min') };
}

/** Format a tokens/s figure as a Kubernetes quantity string (milli-units keep the fraction). */
function quantityString(value: number): string {
  const rounded = Math.round(value * 1000) / 1000;
  return Number.isInteger(rounded) ? String(rounded) : `${Math.round(rounded * 1000)}m`;
}

/** Add the validation that the scale target exists in the scaler's chart. */
function validateTargetExists(scope: Construct, target: ScaleTargetReference, namespace: string, prop: string): void {
  scope.node.addValidation({
    validate: () => {
      const chart = Chart.of(scope);
      const found = chart.node
        .findAll()
        .filter((c): c is ApiObject => c instanceof ApiObject)
        .some(
          (o) =>
            o.kind === target.kind &&
            o.apiVersion === target.apiVersion &&
            o.name === target.name &&
            (o.metadata.namespace ?? chart.namespace ?? 'default') === namespace,
        );
      if (!found) {
        throw new InferenceConstructsError('ScalerTargetMissing', {
          prop,
          problem: `the scaler targets ${target.kind} ${namespace}/${target.name}, which is not in chart ${chart.node.id}`,
          received: target,
          allowed: 'a Deployment or LeaderWorkerSet defined in the same chart',
          fix: 'create the ModelDeployment in the same chart as its scaler, or fix the target name',
        });
      }
      return [];
    },
  });
}

function validatePolicy(policy: TokenScalingPolicy): void {
  if (!(policy.targetTokensPerSecondPerReplica > 0) || !Number.isFinite(policy.targetTokensPerSecondPerReplica)) {
    throw new InferenceConstructsError('ThroughputInvalid', {
      prop: 'policy.targetTokensPerSecondPerReplica',
      problem: 'the per-replica target must be a positive number of tokens per second',
      received: policy.targetTokensPerSecondPerReplica,
      allowed: 'a positive finite number',
      fix: 'build the policy with tokenScalingPolicy(plan, options)',
    });
  }
  if (policy.maxReplicas < Math.max(1, policy.minReplicas)) {
    throw new InferenceConstructsError('MinAboveMax', {
      prop: 'policy.maxReplicas',
      problem: 'maxReplicas is below minReplicas (or below 1)',
      received: policy.maxReplicas,
      allowed: `an integer >= ${Math.max(1, policy.minReplicas)}`,
      fix: 'build the policy with tokenScalingPolicy(plan, options)',
    });
  }
}

/**
 * A KEDA ScaledObject that scales a model server on generated tokens per second.
 *
 * - trigger `generated-tokens`: `sum(rate(<counter>{namespace, model}[window]))`,
 *   `metricType: AverageValue`, `threshold` = target tokens/s per replica
 * - optional trigger `queue-depth` on the server's waiting-requests gauge
 * - behaviour from the policy in `advanced.horizontalPodAutoscalerConfig.behavior`
 * - `fallback`: after three failed reads hold at least the current replicas
 *   (`currentReplicasIfHigher`, never fewer than `fallbackReplicas`); KEDA allows fallback only
 *   for `AverageValue` triggers, which all triggers here are. An empty query result counts as
 *   a failure on the load triggers (`ignoreNullValues: "false"`)
 * - the workload stops rendering `spec.replicas` (the ScaledObject's HPA owns the count)
 * - a single-replica floor (`minReplicas: 1`) means a node drift or expiry takes the model down
 *   for a whole model load; serve production models with `minReplicas: 2`
 * - scale to zero: `minReplicaCount: 0` plus a wake trigger with `activationThreshold`
 *
 * @see https://keda.sh/docs/2.17/reference/scaledobject-spec/
 */
export class TokenThroughputScaler extends Construct {
  /** The ScaledObject (keda.sh/v1alpha1): escape hatch for patches. */
  public readonly scaledObject: ApiObject;
  /** The TriggerAuthentication, for managed Prometheus sources. */
  public readonly triggerAuthentication?: ApiObject;
  /** The token-rate query. */
  public readonly query: string;
  /** The workload it scales. */
  public readonly target: IScalableModelWorkload;
  /** The policy it renders. */
  public readonly policy: TokenScalingPolicy;

  constructor(scope: Construct, id: string, props: TokenThroughputScalerProps) {
    super(scope, id);
    const { target, policy, prometheus } = props;
    this.target = target;
    this.policy = policy;
    assertTokenScalable(target.server);
    validatePolicy(policy);
    assertPolicyFromPlan(target, policy);
    if (policy.scaleToZero && !props.scaleFromZero) {
      throw new InferenceConstructsError('ScaleToZeroUnsupported', {
        prop: 'scaleFromZero',
        problem: 'the policy scales to zero, but the token counter disappears with the last pod and can never wake the workload',
        received: undefined,
        allowed: 'a wake query counting requests waiting at a gateway or router',
        fix: 'pass scaleFromZero: { query } or build the policy without scaleToZero',
      });
    }
    const name = props.name ?? target.scaleTargetRef.name;
    const namespace = target.namespace;
    const window = policy.metricWindowSeconds;
    const scrape = props.scrapeIntervalSeconds ?? target.scrapeIntervalSeconds;
    if (scrape === undefined) {
      throw new InferenceConstructsError('RateWindowTooShort', {
        prop: 'scrapeIntervalSeconds',
        problem: `the target is scraped by the metrics backend's own configuration, so the rate window (${window}s) cannot be checked against its interval`,
        received: undefined,
        allowed: 'the scrape interval of the backend, in seconds',
        fix: 'pass scrapeIntervalSeconds (e.g. 60 for the Prometheus community chart default, 30 for the AWS managed collector)',
      });
    }
    if (!Number.isInteger(scrape) || scrape < 1) {
      throw new InferenceConstructsError('ScrapeIntervalInvalid', {
        prop: 'scrapeIntervalSeconds',
        problem: 'the scrape interval is not a positive whole number of seconds',
        received: props.scrapeIntervalSeconds,
        allowed: 'an integer >= 1',
        fix: 'pass the interval of the metrics backend, e.g. 30',
      });
    }
    if (window < MIN_SCRAPES_PER_RATE_WINDOW * scrape) {
      throw new InferenceConstructsError('RateWindowTooShort', {
        prop: 'policy.metricWindowSeconds',
        problem: `a ${window}s rate window holds fewer than ${MIN_SCRAPES_PER_RATE_WINDOW} scrapes at a ${scrape}s interval, so the token rate drops out whenever a scrape is missed`,
        received: window,
        allowed: `at least ${MIN_SCRAPES_PER_RATE_WINDOW * scrape} seconds`,
        fix: `build the policy with metricWindowSeconds: ${MIN_SCRAPES_PER_RATE_WINDOW * scrape}`,
      });
    }
    const tokenWork = policy.signal === ScalingSignal.TOKEN_WORK;
    this.query = tokenWork ? tokenWorkQuery(target, policy) : tokenRateQuery(target, window);

    let authenticationRef: ScaledObjectSpecTriggersAuthenticationRef | undefined;
    if (prometheus.triggerAuthentication) {
      const ref = prometheus.triggerAuthentication;
      authenticationRef =
        ref.kind === TriggerAuthenticationKind.CLUSTER_TRIGGER_AUTHENTICATION
          ? { name: ref.name, kind: ScaledObjectSpecTriggersAuthenticationRefKind.CLUSTER_TRIGGER_AUTHENTICATION }
          : { name: ref.name };
    } else if (prometheus.kind !== 'plain') {
      this.triggerAuthentication = new TriggerAuthentication(this, 'Auth', {
        metadata: { name: `${name}-prometheus`, namespace },
        spec: {
          podIdentity:
            prometheus.kind === 'amp'
              ? {
                  provider: TriggerAuthenticationSpecPodIdentityProvider.AWS,
                  // The KEDA operator's own role (IRSA / EKS Pod Identity), not the workload's.
                  identityOwner: TriggerAuthenticationSpecPodIdentityIdentityOwner.KEDA,
                }
              : { provider: TriggerAuthenticationSpecPodIdentityProvider.GCP },
        },
      });
      authenticationRef = { name: `${name}-prometheus` };
    }

    // `ignoreNullValues` defaults to true: an empty result (a lost scrape, a renamed series)
    // reads as 0 and scales in without ever reaching the fallback ("Set to false the scaler
    // will return error when Prometheus target is lost"). The load triggers treat it as a
    // failure, so the fallback holds the fleet; the wake trigger stays tolerant, because its
    // series legitimately vanishes while nothing waits. With scale to zero the token series
    // also vanishes with the last pod, so the load triggers stay tolerant too.
    // @see https://keda.sh/docs/2.18/scalers/prometheus/
    const strictNulls = !policy.scaleToZero;
    const common = (query: string, threshold: string, activation: string, tolerateEmpty: boolean): Record<string, string> => ({
      serverAddress: prometheus.serverAddress,
      query,
      threshold,
      activationThreshold: activation,
      ignoreNullValues: tolerateEmpty ? 'true' : 'false',
      ...(prometheus.awsRegion ? { awsRegion: prometheus.awsRegion } : {}),
    });
    const trigger = (triggerName: string, metadata: Record<string, string>): ScaledObjectSpecTriggers => ({
      type: 'prometheus',
      name: triggerName,
      metricType: 'AverageValue',
      metadata,
      ...(authenticationRef ? { authenticationRef } : {}),
    });
    // Token work: busy ms/s summed over the pods against the per-replica busy target (700 at a
    // 70 % target utilisation); a scaled-to-zero workload wakes on the activation tokens/s
    // converted to busy ms/s at the plan's decode cost per generated token.
    const triggers: ScaledObjectSpecTriggers[] = tokenWork
      ? [
        trigger(
          'token-work',
          common(
            this.query,
            String(tokenWorkThreshold(policy.tokenWork)),
            quantityString(policy.scaleToZero ? policy.activationTokensPerSecond * policy.tokenWork.generatedSecondsPerToken * TOKEN_WORK_UNIT_PER_SECOND : 0),
            !strictNulls,
          ),
        ),
      ]
      : [
      trigger(
        'generated-tokens',
        common(
          this.query,
          quantityString(policy.targetTokensPerSecondPerReplica),
          quantityString(policy.scaleToZero ? policy.activationTokensPerSecond : 0),
          !strictNulls,
        ),
      ),
      ];
    const queue = target.server.tokenMetric.queueDepthGauge;
    if (props.queueDepthPerReplica !== undefined && queue) {
      if (!(props.queueDepthPerReplica > 0)) {
        throw new InferenceConstructsError('QueueDepthTargetInvalid', {
          prop: 'queueDepthPerReplica',
          problem: 'the queue-depth target must be positive',
          received: props.queueDepthPerReplica,
          allowed: 'a positive number of waiting requests per replica',
          fix: 'pass e.g. 8, or leave it out',
        });
      }
      triggers.push(
        trigger('queue-depth', common(`sum(${queue}{${selectorFor(target)}})`, quantityString(props.queueDepthPerReplica), '0', !strictNulls)),
      );
    }
    if (props.scaleFromZero) {
      triggers.push(
        trigger('wake', common(props.scaleFromZero.query, quantityString(props.scaleFromZero.requestsPerReplica ?? 16), '0', true)),
      );
    }

    this.scaledObject = new ScaledObject(this, 'Resource', {
      metadata: { name, namespace },
      spec: {
        scaleTargetRef: {
          apiVersion: target.scaleTargetRef.apiVersion,
          kind: target.scaleTargetRef.kind,
          name: target.scaleTargetRef.name,
        },
        minReplicaCount: policy.minReplicas,
        maxReplicaCount: policy.maxReplicas,
        pollingInterval: KEDA_POLLING_INTERVAL_SECONDS,
        cooldownPeriod: KEDA_COOLDOWN_PERIOD_SECONDS,
        fallback: {
          failureThreshold: KEDA_FALLBACK_FAILURE_THRESHOLD,
          replicas: policy.fallbackReplicas,
          behavior: KEDA_FALLBACK_BEHAVIOR,
        },
        advanced: { horizontalPodAutoscalerConfig: { behavior: hpaBehavior(policy) } },
        triggers,
      },
    });
    validateTargetExists(this, target.scaleTargetRef, namespace, 'target');
    if (isAutoscalable(target)) target.markHasAutoscaler();
  }
}

/** Where a plain HPA reads the token rate. */
export enum HpaMetricSource {
  /** custom.metrics.k8s.io Pods metric served by prometheus-adapter (a rate rule over the counter). */
  PROMETHEUS_ADAPTER = 'prometheus-adapter',
  /** external.metrics.k8s.io metric served by GKE's Custom Metrics Stackdriver Adapter from Google Managed Prometheus. */
  GKE_STACKDRIVER_ADAPTER = 'gke-stackdriver-adapter',
}

/** Properties of {@link TokenThroughputHpa}. */
export interface TokenThroughputHpaProps extends TokenScalerBaseProps {
  /** Which metrics adapter serves the rate. */
  readonly metricSource: HpaMetricSource;
  /**
   * Metric name the adapter serves.
   * @default - prometheus-adapter: the counter without `_total` (the adapter's default rate rule);
   *   GKE: `prometheus.googleapis.com|<counter>|counter`
   */
  readonly metricName?: string;
}

/** Kubernetes label value syntax (selectors on External metrics match label values). */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * The same policy as a plain HorizontalPodAutoscaler v2, for clusters without KEDA.
 *
 * - `prometheus-adapter`: a `Pods` metric (per-pod token rate, averaged by the HPA), target
 *   `AverageValue` = tokens/s per replica. The adapter's default rules expose a `_total` counter
 *   as its rate under the name without `_total`.
 * - `gke-stackdriver-adapter`: an `External` metric `prometheus.googleapis.com|<counter>|counter`
 *   (the adapter returns cumulative metrics as a per-second rate), filtered on namespace and model,
 *   target `AverageValue`: the HPA sums the series and divides by the replica count.
 *
 * An HPA cannot scale to zero (HPAScaleToZero is alpha): policies with scaleToZero are refused.
 *
 * @see https://github.com/kubernetes-sigs/prometheus-adapter/blob/master/docs/config.md
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/autoscale-using-metrics
 */
export class TokenThroughputHpa extends Construct {
  /** The HPA: escape hatch for patches. */
  public readonly hpa: ApiObject;
  /** The metric name the HPA reads. */
  public readonly metricName: string;
  /** The workload it scales. */
  public readonly target: IScalableModelWorkload;
  /** The policy it renders. */
  public readonly policy: TokenScalingPolicy;

  constructor(scope: Construct, id: string, props: TokenThroughputHpaProps) {
    super(scope, id);
    const { target, policy } = props;
    this.target = target;
    this.policy = policy;
    assertTokenScalable(target.server);
    validatePolicy(policy);
    assertPolicyFromPlan(target, policy);
    if (policy.signal === ScalingSignal.TOKEN_WORK) {
      // HPA v2 takes the largest of the replica counts its metrics propose; it cannot add two
      // metrics (kubernetes.io, HPA "Support for multiple metrics"). Token work is a weighted sum of
      // two counters' rates, so it must reach the HPA as ONE metric that an adapter computes; two
      // metrics (prompt work, generation work) would under-count up to 2x. This construct renders
      // no adapter configuration, so it refuses instead of rendering a wrong signal.
      // @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#support-for-multiple-metrics
      throw new InferenceConstructsError('TokenWorkUnsupported', {
        prop: 'policy.signal',
        problem: 'a HorizontalPodAutoscaler cannot sum the prompt and generation token rates: it scales on the largest of its metrics, never on their sum',
        received: policy.signal,
        allowed: 'ScalingSignal.GENERATED_TOKENS on TokenThroughputHpa; ScalingSignal.TOKEN_WORK on TokenThroughputScaler (KEDA)',
        fix:
          'use TokenThroughputScaler (KEDA, one PromQL query), or serve the sum as one metric and point an HPA at it: a prometheus-adapter rule ' +
          'whose metricsQuery is TokenWork.promQl(policy.tokenWork, "<<.LabelMatchers>>", window) grouped by (<<.GroupBy>>) exposing inference_token_work_ms ' +
          '(Pods, AverageValue TokenWork.threshold(policy.tokenWork)), or on GKE a Google Managed Prometheus Rules recording rule ' +
          'inference:token_work_ms read as External metric prometheus.googleapis.com|inference_token_work_ms|gauge',
      });
    }
    if (policy.scaleToZero || policy.minReplicas < 1) {
      throw new InferenceConstructsError('ScaleToZeroUnsupported', {
        prop: 'policy.minReplicas',
        problem: 'a HorizontalPodAutoscaler keeps at least one replica (HPAScaleToZero is an alpha feature gate)',
        received: policy.minReplicas,
        allowed: 'minReplicas >= 1 without scaleToZero',
        fix: 'use TokenThroughputScaler (KEDA) to scale to zero, or build the policy without scaleToZero',
      });
    }
    const metric = target.server.tokenMetric;
    const name = props.name ?? target.scaleTargetRef.name;
    const target_ = { type: 'AverageValue', averageValue: quantityString(policy.targetTokensPerSecondPerReplica) };
    let metrics;
    if (props.metricSource === HpaMetricSource.PROMETHEUS_ADAPTER) {
      this.metricName = props.metricName ?? metric.generatedTokensCounter.replace(/_total$/, '');
      metrics = [{ type: 'Pods', pods: { metric: { name: this.metricName }, target: target_ } }];
    } else {
      this.metricName = props.metricName ?? `prometheus.googleapis.com|${metric.generatedTokensCounter}|counter`;
      const matchLabels: Record<string, string> = { 'resource.labels.namespace': target.namespace };
      if (metric.modelLabel) {
        if (!LABEL_VALUE.test(target.servedModelName) || target.servedModelName.length > 63) {
          throw new InferenceConstructsError('LabelValueInvalid', {
            prop: 'target.servedModelName',
            problem: 'External-metric selectors match label values, and the served model name is not a valid label value',
            received: target.servedModelName,
            allowed: 'at most 63 letters, digits, "-", "_" or "." (no "/")',
            fix: 'set servedModelName on the ModelDeployment to a label-safe name such as "llama-3-1-8b"',
          });
        }
        matchLabels[`metric.labels.${metric.modelLabel}`] = target.servedModelName;
      }
      metrics = [
        { type: 'External', external: { metric: { name: this.metricName, selector: { matchLabels } }, target: target_ } },
      ];
    }
    // Through `ApiObject`, as model-deployment.ts renders its Service: the same JSON as the
    // generated `KubeHorizontalPodAutoscalerV2`, without loading its 2.6 MB module.
    this.hpa = new ApiObject(this, 'Resource', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, namespace: target.namespace },
      spec: {
        scaleTargetRef: {
          apiVersion: target.scaleTargetRef.apiVersion,
          kind: target.scaleTargetRef.kind,
          name: target.scaleTargetRef.name,
        },
        minReplicas: policy.minReplicas,
        maxReplicas: policy.maxReplicas,
        metrics,
        behavior: hpaBehavior(policy),
      },
    });
    validateTargetExists(this, target.scaleTargetRef, target.namespace, 'target');
    if (isAutoscalable(target)) target.markHasAutoscaler();
  }
}
