/**
 * The generated-tokens-per-second signal for SageMaker endpoints, and the target-tracking
 * policy that scales on it.
 *
 * SageMaker publishes no token metric. The signal comes either from the model server's own
 * throughput log lines (a CloudWatch Logs metric filter on the container's log group) or from a
 * custom metric the container publishes.
 */
import { Duration, Names, Token } from 'aws-cdk-lib';
import type * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { CfnScalingPolicy } from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { InferenceConstructsError } from '../../lib/errors.js';
import { type ModelServerProfile } from '../../lib/servers.js';

/** Namespace prefix of the token metrics this library derives from logs. */
export const TOKEN_METRIC_NAMESPACE = 'InferenceConstructs';
/** Name of the token metric: output tokens per second of one instance (or one copy). */
export const TOKEN_METRIC_NAME = 'GeneratedTokensPerSecond';
/**
 * Period of the token metric. Metric filters publish at one-minute resolution, and 60 s is the
 * default period of a target-tracking metric query.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/MonitoringLogData.html
 */
export const TOKEN_METRIC_PERIOD = Duration.minutes(1);

/** A custom metric the container publishes itself. */
export interface CustomTokenMetricOptions {
  /** CloudWatch namespace the container publishes to. */
  readonly namespace: string;
  /** Metric name. */
  readonly metricName: string;
  /** Dimensions the container attaches (e.g. `{ EndpointName: 'my-endpoint' }`). */
  readonly dimensions: { [key: string]: string };
  /**
   * Statistic that turns the datapoints of one period into output tokens/s of one instance.
   * With one datapoint per instance per interval, each the instance's own tokens/s, `Average` is
   * the mean per-instance throughput.
   * @default 'Average'
   */
  readonly statistic?: string;
}

/**
 * Where the tokens/s signal comes from.
 *
 * @example
 * TokenMetricSource.logs(); // the model server's throughput log lines (default)
 * TokenMetricSource.customMetric({ namespace: 'MyApp', metricName: 'TokensPerSecond', dimensions: { EndpointName: 'chat' } });
 */
export class TokenMetricSource {
  /**
   * Extract tokens/s from the model server's throughput log lines with a metric filter, using the
   * profile's `cloudWatchFilterPattern` and `cloudWatchValueField` unless overridden.
   */
  public static logs(options: { readonly filterPattern?: string; readonly valueField?: string } = {}): TokenMetricSource {
    return new TokenMetricSource('logs', options.filterPattern, options.valueField, undefined);
  }

  /** Scale on a metric the container publishes (the execution role may put data in its namespace). */
  public static customMetric(options: CustomTokenMetricOptions): TokenMetricSource {
    if (!Token.isUnresolved(options.namespace) && (options.namespace.length === 0 || options.namespace.startsWith('AWS/'))) {
      throw new InferenceConstructsError('PropInvalid', {
        prop: 'tokenMetricSource.namespace',
        problem: 'the namespace is empty or reserved for AWS services',
        received: options.namespace,
        allowed: 'a custom namespace not starting with "AWS/"',
        fix: 'use the namespace the container publishes to, e.g. "InferenceConstructs"',
      });
    }
    return new TokenMetricSource('custom', undefined, undefined, options);
  }

  private constructor(
    /** `logs` or `custom`. */
    public readonly kind: 'logs' | 'custom',
    private readonly filterPattern: string | undefined,
    private readonly valueField: string | undefined,
    private readonly custom: CustomTokenMetricOptions | undefined,
  ) {}

  /** @internal Render the source for one log group and resource. */
  public _bind(scope: Construct, target: TokenMetricTarget): BoundTokenMetric {
    if (this.kind === 'custom' && this.custom !== undefined) {
      const c = this.custom;
      return {
        namespace: c.namespace,
        metricName: c.metricName,
        dimensions: { ...c.dimensions },
        statistic: c.statistic ?? 'Average',
        containerPublishes: true,
      };
    }
    const pattern = this.filterPattern ?? target.server.tokenMetric.cloudWatchFilterPattern;
    const valueField = this.valueField ?? target.server.tokenMetric.cloudWatchValueField;
    if (pattern === undefined || valueField === undefined) {
      throw new InferenceConstructsError('TokenMetricUnavailable', {
        prop: 'tokenMetricSource',
        problem: `model server "${target.server.name}" logs no throughput line a metric filter can read`,
        received: 'TokenMetricSource.logs()',
        allowed: 'TokenMetricSource.logs({ filterPattern, valueField }) or TokenMetricSource.customMetric(...)',
        fix: 'give the filter pattern of the server\'s throughput line, or publish a custom metric from the container',
      });
    }
    const namespace = `${TOKEN_METRIC_NAMESPACE}/${target.kind}/${target.resourceName}`;
    // A metric filter can only take dimension values from fields of the log event, and the
    // container's log lines do not carry the endpoint name: the namespace carries it instead.
    new logs.MetricFilter(scope, 'TokenMetricFilter', {
      logGroup: target.logGroup,
      filterPattern: logs.FilterPattern.literal(pattern),
      metricNamespace: namespace,
      metricName: TOKEN_METRIC_NAME,
      metricValue: valueField,
      unit: cloudwatch.Unit.COUNT_PER_SECOND,
    });
    return { namespace, metricName: TOKEN_METRIC_NAME, dimensions: {}, statistic: 'Average', containerPublishes: false };
  }
}

/** What a token metric is bound to. */
export interface TokenMetricTarget {
  /** `Endpoints` or `InferenceComponents`. */
  readonly kind: 'Endpoints' | 'InferenceComponents';
  /** Endpoint or inference-component name. */
  readonly resourceName: string;
  /** Log group the container writes to. */
  readonly logGroup: logs.ILogGroup;
  readonly server: ModelServerProfile;
}

/** A token metric bound to one resource. */
export interface BoundTokenMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: { [key: string]: string };
  readonly statistic: string;
  /** True when the container publishes the metric itself (the role needs PutMetricData). */
  readonly containerPublishes: boolean;
}

/** The per-instance tokens/s metric as a CloudWatch metric (for graphs and alarms). */
export function tokenMetric(bound: BoundTokenMetric, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: bound.namespace,
    metricName: bound.metricName,
    dimensionsMap: { ...bound.dimensions },
    statistic: bound.statistic,
    period: TOKEN_METRIC_PERIOD,
    unit: cloudwatch.Unit.COUNT_PER_SECOND,
    ...props,
  });
}

/** Options of the token target-tracking policy. */
export interface TokenTrackingPolicyOptions {
  readonly scalingTarget: appscaling.IScalableTarget;
  readonly metric: BoundTokenMetric;
  /** Output tokens/s per instance (or copy) to hold. */
  readonly targetValue: number;
  readonly scaleOutCooldown: Duration;
  readonly scaleInCooldown: Duration;
  /** Label of the returned series. */
  readonly label: string;
}

/**
 * A target-tracking policy on output tokens/s per instance, as the L1 `CfnScalingPolicy`.
 *
 * What the metric query computes: `FILL(tokens, 0)`, where `tokens` is the `Average` over one
 * minute of the token metric. Each datapoint of the log-derived metric is one instance's own
 * generated tokens/s over the server's logging interval (vLLM logs its throughput every 5 s per
 * engine, that is per instance), so the average of a minute's datapoints is the mean
 * throughput per instance, which is the quantity target tracking needs ("per instance"), with no
 * division by an instance count. SageMaker publishes no instance-count metric (the
 * `Invocations / InvocationsPerInstance` ratio the capacity alarm uses is undefined without
 * traffic, exactly when the policy must scale in), and the Sum of the filter's values adds up
 * rate samples rather than tokens, so neither a total nor `total / instances` is used.
 *
 * Caveats, by design: servers stop logging throughput while idle, so an idle instance adds no
 * datapoint and the mean is over busy instances (with least-outstanding-requests routing all
 * instances are busy or idle together); an idle endpoint has no datapoints at all, which
 * `FILL(..., 0)` turns into 0 so the policy scales in instead of waiting on INSUFFICIENT_DATA.
 * The L2 `TargetTrackingScalingPolicy` rejects metric math (aws-cdk#20659), hence the L1.
 *
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html
 * @see https://github.com/aws/aws-cdk/issues/20659
 */
export function createTokenTrackingPolicy(scope: Construct, id: string, options: TokenTrackingPolicyOptions): CfnScalingPolicy {
  if (!Token.isUnresolved(options.targetValue) && !(Number.isFinite(options.targetValue) && options.targetValue > 0)) {
    throw new InferenceConstructsError('ThroughputInvalid', {
      prop: 'scaling.targetTokensPerSecondPerReplica',
      problem: 'the token target is not a positive number',
      received: options.targetValue,
      allowed: 'a positive finite number of output tokens per second per instance',
      fix: 'pass a positive targetTokensPerSecondPerReplica or let the plan supply it',
    });
  }
  const m = options.metric;
  const dimensions = Object.entries(m.dimensions).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, value }));
  return new CfnScalingPolicy(scope, id, {
    // Unique per scalable target; derived from the construct path, so deterministic.
    policyName: `${Names.uniqueResourceName(scope, { maxLength: 200 })}-${id}`,
    policyType: 'TargetTrackingScaling',
    scalingTargetId: options.scalingTarget.scalableTargetId,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: options.targetValue,
      scaleOutCooldown: options.scaleOutCooldown.toSeconds(),
      scaleInCooldown: options.scaleInCooldown.toSeconds(),
      customizedMetricSpecification: {
        metrics: [
          {
            id: 'tokens',
            metricStat: {
              metric: {
                namespace: m.namespace,
                metricName: m.metricName,
                dimensions: dimensions.length > 0 ? dimensions : undefined,
              },
              stat: m.statistic,
            },
            returnData: false,
          },
          {
            id: 'tokens_per_instance',
            expression: 'FILL(tokens, 0)',
            label: options.label,
            returnData: true,
          },
        ],
      },
    },
  });
}
