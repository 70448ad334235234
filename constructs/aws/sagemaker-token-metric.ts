/**
 * The generated-tokens-per-second signal for SageMaker endpoints, and the target-tracking
 * policy that scales on it.
 *
 * SageMaker publishes no token metric. The signal comes either from the model server's own
 * throughput log lines (a CloudWatch Logs metric filter on the container's log group) or from a
 * custom metric the container publishes.
 */
import { Duration, Names, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { CfnScalingPolicy } from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { InferenceConstructsError } from '../../lib/errors.js';
import {
  ScalingSignal, type StepScalingRule, TARGET_TRACKING_SCALE_OUT_MINUTES, type TokenScalingPolicy, stepScalingRules, tokenWorkMetricMath, tokenWorkThreshold,
} from '../../lib/scaling.js';
import { type ModelServerProfile } from '../../lib/servers.js';
import { sortedByKey } from '../../lib/private/compare.js';

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
/** Name of the prompt-token metric (token-work signal): prompt tokens per second of one instance. */
export const PROMPT_TOKEN_METRIC_NAME = 'PromptTokensPerSecond';
/** The value field of {@link promptThroughputFilterPattern}. */
export const PROMPT_TOKEN_VALUE_FIELD = '$prompt_tps';
/**
 * The generation-throughput fields the vLLM filter pattern starts with (after its `...`
 * wildcard); the prompt fields go right before them.
 */
const GENERATION_FIELDS_PREFIX = '[..., avg="Avg", generation="generation", throughput="throughput:", tps,';

/**
 * The metric-filter pattern of the prompt-throughput field on the same vLLM stats line the
 * generated-tokens filter reads: the line is
 * `Avg prompt throughput: %.1f tokens/s, Avg generation throughput: %.1f tokens/s, Running: ...`
 * (vLLM V0 `vllm/engine/metrics.py` LoggingStatLogger, V1 `vllm/v1/metrics/loggers.py`, whose
 * "Engine 000:" prefix the leading `...` covers), so the prompt value is the five fields before
 * the generation ones: `Avg` `prompt` `throughput:` value `tokens/s,`. Built from the server's own
 * generation pattern, so both filters match exactly the same lines.
 * Undefined when the server's pattern is not vLLM's.
 * @see https://github.com/vllm-project/vllm/blob/v0.8.4/vllm/engine/metrics.py
 * @see https://github.com/vllm-project/vllm/blob/v0.11.0/vllm/v1/metrics/loggers.py
 */
export function promptThroughputFilterPattern(generationPattern: string | undefined): string | undefined {
  if (generationPattern === undefined || !generationPattern.startsWith(GENERATION_FIELDS_PREFIX)) return undefined;
  return (
    '[..., prompt_avg="Avg", prompt="prompt", prompt_throughput="throughput:", prompt_tps, prompt_tps_unit="tokens/s,", ' +
    generationPattern.slice('[..., '.length)
  );
}

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

/** Options of {@link TokenMetricSource.logs}. */
export interface LogsTokenMetricOptions {
  /**
   * CloudWatch Logs filter pattern matching the throughput log lines.
   * @default - the model server profile's `cloudWatchFilterPattern`
   */
  readonly filterPattern?: string;
  /**
   * Field of the pattern holding tokens/s.
   * @default - the model server profile's `cloudWatchValueField`
   */
  readonly valueField?: string;
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
  public static logs(options: LogsTokenMetricOptions = {}): TokenMetricSource {
    return new TokenMetricSource('logs', options.filterPattern, options.valueField, undefined);
  }

  /** Scale on a metric the container publishes (the execution role may put data in its namespace). */
  public static customMetric(options: CustomTokenMetricOptions): TokenMetricSource {
    if (!Token.isUnresolved(options.namespace) && (options.namespace.length === 0 || options.namespace.startsWith('AWS/'))) {
      throw new InferenceConstructsError('MetricNamespaceInvalid', {
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
    return { namespace, metricName: TOKEN_METRIC_NAME, dimensions: {}, statistic: 'Average', containerPublishes: false, logGroup: target.logGroup, filterPattern: pattern, serverName: target.server.name };
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
  /** Log group of a log-derived metric (where the token-work prompt filter goes). @default - none (custom metric) */
  readonly logGroup?: logs.ILogGroup;
  /** Filter pattern of a log-derived metric. @default - none (custom metric) */
  readonly filterPattern?: string;
  /** Model server of a log-derived metric, for error messages. @default - none */
  readonly serverName?: string;
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
  /**
   * The policy the endpoint built: with `signal: ScalingSignal.TOKEN_WORK` the policy tracks token
   * work (prompt and generation throughput by metric math) against the plan's busy target, and
   * `targetValue` / `label` are ignored.
   * @default - generated tokens/s against targetValue
   */
  readonly policy?: TokenScalingPolicy;
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
  if (options.policy?.signal === ScalingSignal.TOKEN_WORK) return createTokenWorkTrackingPolicy(scope, id, options, options.policy);
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
  const dimensions = Object.entries(sortedByKey(m.dimensions)).map(([name, value]) => ({ name, value }));
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

/**
 * The token-work target-tracking policy: a second metric filter publishes the prompt
 * throughput of the same vLLM stats line as `PromptTokensPerSecond` beside
 * `GeneratedTokensPerSecond`, and the policy tracks the metric math
 * `FILL(prompt, 0) * a + FILL(generation, 0) * b` (busy ms/s per instance, `a`, `b` the plan's
 * prefill and decode ms per token) against `tokenWorkThreshold` (700 at a 70 % target).
 * Both queries are the `Average` over one minute, i.e. per instance, as for the generated-tokens
 * policy. Needs the log-derived metric: a container-published custom metric carries no prompt field.
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html
 */
/** The metric filter publishing the prompt throughput of the vLLM stats line (token-work signal); throws TokenWorkUnsupported where there is none. */
function createPromptTokenMetricFilter(scope: Construct, m: BoundTokenMetric, policy: TokenScalingPolicy): void {
  const promptPattern = promptThroughputFilterPattern(m.filterPattern);
  if (m.containerPublishes || m.logGroup === undefined || promptPattern === undefined) {
    throw new InferenceConstructsError('TokenWorkUnsupported', {
      prop: 'scaling.signal',
      problem: m.containerPublishes
        ? 'the token metric is a custom metric the container publishes, which carries no prompt throughput for the token-work signal'
        : `model server "${m.serverName ?? 'unknown'}" logs no vLLM stats line with a prompt-throughput field`,
      received: policy.signal,
      allowed: 'ScalingSignal.TOKEN_WORK with TokenMetricSource.logs() on a vLLM-family server (vLLM, LMI with OPTION_ROLLING_BATCH=vllm)',
      fix: 'build the scaling policy with signal: ScalingSignal.GENERATED_TOKENS (the default), or serve with a vLLM-family server and log-derived metrics',
    });
  }
  new logs.MetricFilter(scope, 'PromptTokenMetricFilter', {
    logGroup: m.logGroup,
    filterPattern: logs.FilterPattern.literal(promptPattern),
    metricNamespace: m.namespace,
    metricName: PROMPT_TOKEN_METRIC_NAME,
    metricValue: PROMPT_TOKEN_VALUE_FIELD,
    unit: cloudwatch.Unit.COUNT_PER_SECOND,
  });
}

function createTokenWorkTrackingPolicy(scope: Construct, id: string, options: TokenTrackingPolicyOptions, policy: TokenScalingPolicy): CfnScalingPolicy {
  const m = options.metric;
  createPromptTokenMetricFilter(scope, m, policy);
  const query = (metricId: string, metricName: string) => ({
    id: metricId,
    metricStat: { metric: { namespace: m.namespace, metricName }, stat: m.statistic },
    returnData: false,
  });
  return new CfnScalingPolicy(scope, id, {
    policyName: `${Names.uniqueResourceName(scope, { maxLength: 200 })}-${id}`,
    policyType: 'TargetTrackingScaling',
    scalingTargetId: options.scalingTarget.scalableTargetId,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: tokenWorkThreshold(policy.tokenWork),
      scaleOutCooldown: options.scaleOutCooldown.toSeconds(),
      scaleInCooldown: options.scaleInCooldown.toSeconds(),
      customizedMetricSpecification: {
        metrics: [
          query('prompt', PROMPT_TOKEN_METRIC_NAME),
          query('generation', m.metricName),
          {
            id: 'token_work_per_instance',
            expression: tokenWorkMetricMath(policy.tokenWork),
            label: 'Token work per instance (accelerator busy ms/s)',
            returnData: true,
          },
        ],
      },
    },
  });
}

/** Options of {@link createSustainedStepScaling}. */
export interface SustainedStepScalingOptions {
  readonly scalingTarget: appscaling.IScalableTarget;
  readonly metric: BoundTokenMetric;
  /** The policy; its `scaleOutMinutes` (above target tracking's 3) is the scale-out alarm's datapoints. */
  readonly policy: TokenScalingPolicy;
  /** Concurrent requests of one instance (or copy), the guard's metric. */
  readonly concurrency: cloudwatch.Metric;
  /** Concurrent requests per instance (or copy) the guard holds. */
  readonly concurrencyTarget: number;
  /** What the alarms' descriptions name, e.g. "SageMaker endpoint x". */
  readonly subject: string;
  /** Capacity unit in the descriptions: "instances" or "copies". */
  readonly unit: string;
}

/** The step-scaling policies, alarms and load ratio {@link createSustainedStepScaling} creates. */
export interface SustainedStepScaling {
  /** The load ratio: MAX(token signal / its target, concurrency / its target), one-minute Averages. */
  readonly loadRatio: cloudwatch.MathExpression;
  readonly scaleOutPolicy: appscaling.StepScalingAction;
  readonly scaleOutAlarm: cloudwatch.Alarm;
  readonly scaleInPolicy: appscaling.StepScalingAction;
  readonly scaleInAlarm: cloudwatch.Alarm;
}

/** A ratio bound relative to the alarm threshold, rounded so the template is free of float noise. */
function boundFrom(ratio: number | undefined, threshold: number): number | undefined {
  return ratio === undefined ? undefined : Math.round((ratio - threshold) * 1e6) / 1e6;
}

/**
 * Step scaling on the token signal and the concurrency guard, for a policy whose
 * `scaleOutMinutes` is above target tracking's fixed 3 datapoints (a target-tracking policy
 * cannot be told to wait longer). Both signals become one load ratio, `MAX([signal / target,
 * concurrency / guard])`, so one alarm per direction keeps target tracking's rules for two
 * policies: scale out when either is above its target, scale in only when both are below 90 %
 * of theirs.
 * - Scale out: the ratio above 1 for `scaleOutMinutes` consecutive one-minute datapoints, then
 *   +25 %, +50 % or +100 % of the capacity by the breach (STEP_SCALE_OUT_STEPS), at least one,
 *   with the scale-up window as cooldown.
 * - Scale in: the ratio below 0.9 for 15 consecutive datapoints (as target tracking), then -10 %,
 *   -25 % or -50 % (STEP_SCALE_IN_STEPS), at least one, with the scale-down window as cooldown.
 * The same rules are replayed by `npm run simulate` (lib/replay/scalers.ts, StepScalingModel).
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/step-scaling-policy-overview.html
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
 */
export function createSustainedStepScaling(scope: Construct, options: SustainedStepScalingOptions): SustainedStepScaling {
  const { policy, metric: m } = options;
  const target = policy.signal === ScalingSignal.TOKEN_WORK ? tokenWorkThreshold(policy.tokenWork) : policy.targetTokensPerSecondPerReplica;
  for (const [prop, value] of [['scaling.targetTokensPerSecondPerReplica', target], ['concurrentRequestsTarget', options.concurrencyTarget]] as const) {
    if (Token.isUnresolved(value)) {
      throw new InferenceConstructsError('TokenNotSupported', {
        prop,
        problem: 'step scaling divides the signal by its target in the alarm\'s metric math, which needs a number at synth time',
        received: Token.asString(value),
        allowed: `a number, or scaling.scaleOutMinutes: ${TARGET_TRACKING_SCALE_OUT_MINUTES} (target tracking, which takes a token-valued target)`,
        fix: `pass the target as a number, or set scaling.scaleOutMinutes to ${TARGET_TRACKING_SCALE_OUT_MINUTES}`,
      });
    }
  }
  const period = TOKEN_METRIC_PERIOD;
  let signal: cloudwatch.MathExpression;
  if (policy.signal === ScalingSignal.TOKEN_WORK) {
    createPromptTokenMetricFilter(scope, m, policy);
    const perInstance = (metricName: string) => new cloudwatch.Metric({ namespace: m.namespace, metricName, statistic: m.statistic, period });
    signal = new cloudwatch.MathExpression({
      expression: `(${tokenWorkMetricMath(policy.tokenWork)}) / ${target}`,
      usingMetrics: { prompt: perInstance(PROMPT_TOKEN_METRIC_NAME), generation: perInstance(m.metricName) },
      label: 'Token work per instance over its target',
      period,
    });
  } else {
    signal = new cloudwatch.MathExpression({
      expression: `FILL(tokens, 0) / ${target}`,
      usingMetrics: { tokens: tokenMetric(m, { period }) },
      label: 'Output tokens/s per instance over its target',
      period,
    });
  }
  const guard = new cloudwatch.MathExpression({
    expression: `FILL(concurrency, 0) / ${options.concurrencyTarget}`,
    usingMetrics: { concurrency: options.concurrency.with({ statistic: cloudwatch.Stats.AVERAGE, period }) },
    label: 'Concurrent requests per instance over its target',
    period,
  });
  const loadRatio = new cloudwatch.MathExpression({
    expression: 'MAX([signal, guard])',
    usingMetrics: { signal, guard },
    label: 'Load over target (the larger of tokens and concurrency)',
    period,
  });
  const rules = stepScalingRules(policy);
  const action = (id: string, rule: StepScalingRule) => {
    const a = new appscaling.StepScalingAction(scope, id, {
      scalingTarget: options.scalingTarget,
      adjustmentType: appscaling.AdjustmentType.PERCENT_CHANGE_IN_CAPACITY,
      minAdjustmentMagnitude: 1,
      metricAggregationType: appscaling.MetricAggregationType.AVERAGE,
      cooldown: Duration.seconds(rule.cooldownSeconds),
    });
    for (const st of rule.steps) a.addAdjustment({ adjustment: st.percent, lowerBound: boundFrom(st.lowerRatio, rule.threshold), upperBound: boundFrom(st.upperRatio, rule.threshold) });
    return a;
  };
  const alarm = (id: string, rule: StepScalingRule, alarmDescription: string) => new cloudwatch.Alarm(scope, id, {
    alarmDescription,
    metric: loadRatio,
    threshold: rule.threshold,
    evaluationPeriods: rule.datapoints,
    datapointsToAlarm: rule.datapoints,
    comparisonOperator: rule.breach === 'above' ? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD : cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
  });
  const scaleOutPolicy = action('ScaleOutScaling', rules.out);
  const scaleInPolicy = action('ScaleInScaling', rules.in);
  const scaleOutAlarm = alarm('ScaleOutAlarm', rules.out, `${options.subject}: tokens or concurrency above target for ${rules.out.datapoints} minutes: add ${options.unit}`);
  scaleOutAlarm.addAlarmAction(new cloudwatchActions.ApplicationScalingAction(scaleOutPolicy));
  const scaleInAlarm = alarm('ScaleInAlarm', rules.in, `${options.subject}: tokens and concurrency below ${rules.in.threshold * 100} % of target for ${rules.in.datapoints} minutes: remove ${options.unit}`);
  scaleInAlarm.addAlarmAction(new cloudwatchActions.ApplicationScalingAction(scaleInPolicy));
  return { loadRatio, scaleOutPolicy, scaleOutAlarm, scaleInPolicy, scaleInAlarm };
}
