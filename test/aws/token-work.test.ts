/**
 * The token-work signal on SageMaker: a second metric filter on the prompt field of the vLLM
 * stats line ("Avg prompt throughput: X tokens/s, Avg generation throughput: Y tokens/s, ...",
 * vLLM v0.8.4 vllm/engine/metrics.py LoggingStatLogger, v0.11.0 vllm/v1/metrics/loggers.py) and a
 * target-tracking policy whose customized metric is metric math over both (Application Auto
 * Scaling: target tracking with metric math,
 * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html),
 * field by field, through cfn-lint and the rule pack.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ModelWeights } from '../../constructs/aws/sagemaker-common.js';
import { SageMakerInferenceEndpoint } from '../../constructs/aws/sagemaker-endpoint.js';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, test } from 'vitest';
import {
  PROMPT_TOKEN_METRIC_NAME,
  TOKEN_METRIC_NAME,
  TokenMetricSource,
  createTokenTrackingPolicy,
  promptThroughputFilterPattern,
} from '../../constructs/aws/sagemaker-token-metric.js';
import { InferenceRulePack } from '../../lib/rules/rule-pack.js';
import { MODEL_SERVERS, VLLM_V0_CLOUDWATCH_FILTER_PATTERN } from '../../lib/servers.js';
import { ScalingSignal, tokenScalingPolicy, tokenWorkMetricMath, tokenWorkThreshold } from '../../lib/scaling.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { cfnLintTemplates, formatCfnLintFindings } from '../support/cfn-lint.js';

const plan = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'g6e.xlarge' });

function stackWith(server: keyof typeof MODEL_SERVERS, signal: ScalingSignal, source = TokenMetricSource.logs()) {
  const app = new App();
  const stack = new Stack(app, 'TokenWork', { env: { account: '111111111111', region: 'us-east-1' } });
  const logGroup = new logs.LogGroup(stack, 'Logs', { logGroupName: '/aws/sagemaker/Endpoints/chat', retention: logs.RetentionDays.ONE_MONTH });
  const bound = source._bind(stack, { kind: 'Endpoints', resourceName: 'chat', logGroup, server: MODEL_SERVERS[server] });
  const scalingTarget = new appscaling.ScalableTarget(stack, 'Target', {
    serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
    resourceId: 'endpoint/chat/variant/AllTraffic',
    scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    minCapacity: 1,
    maxCapacity: 4,
  });
  const policy = tokenScalingPolicy(plan, { signal, maxReplicas: 4 });
  const build = () =>
    createTokenTrackingPolicy(stack, 'TokenScaling', {
      scalingTarget,
      metric: bound,
      targetValue: policy.targetTokensPerSecondPerReplica,
      scaleOutCooldown: Duration.seconds(0),
      scaleInCooldown: Duration.seconds(300),
      label: 'Output tokens/s per instance',
      policy,
    });
  return { app, stack, policy, build };
}

describe('token work on SageMaker target tracking', () => {
  const { stack, policy, build } = stackWith('vllm', ScalingSignal.TOKEN_WORK);
  build();
  const template = Template.fromStack(stack);
  const namespace = 'InferenceConstructs/Endpoints/chat';

  test('adds a metric filter on the prompt field of the same stats line', () => {
    const filters = template.findResources('AWS::Logs::MetricFilter');
    const byName = Object.fromEntries(Object.values(filters).map((r: any) => [r.Properties.MetricTransformations[0].MetricName, r.Properties]));
    expect(Object.keys(byName).sort()).toEqual([TOKEN_METRIC_NAME, PROMPT_TOKEN_METRIC_NAME].sort());
    const prompt = byName[PROMPT_TOKEN_METRIC_NAME];
    expect(prompt.FilterPattern).toBe(promptThroughputFilterPattern(VLLM_V0_CLOUDWATCH_FILTER_PATTERN));
    expect(prompt.FilterPattern).toMatch(/^\[\.\.\., prompt_avg="Avg", prompt="prompt", prompt_throughput="throughput:", prompt_tps, prompt_tps_unit="tokens\/s,", avg="Avg", generation="generation"/);
    expect(prompt.MetricTransformations[0]).toEqual({ MetricNamespace: namespace, MetricName: PROMPT_TOKEN_METRIC_NAME, MetricValue: '$prompt_tps', Unit: 'Count/Second' });
    // Both filters end on the same fields, so they match exactly the same lines.
    expect(prompt.FilterPattern.endsWith(VLLM_V0_CLOUDWATCH_FILTER_PATTERN.slice('[..., '.length))).toBe(true);
  });

  test('tracks the metric math of prompt and generation throughput against the busy target', () => {
    const [p] = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')) as any[];
    const cfg = p.Properties.TargetTrackingScalingPolicyConfiguration;
    expect(cfg.TargetValue).toBe(tokenWorkThreshold(policy.tokenWork));
    expect(cfg.TargetValue).toBe(Math.round(plan.targetUtilization * 1000));
    expect(cfg.ScaleOutCooldown).toBe(0);
    expect(cfg.ScaleInCooldown).toBe(300);
    expect(cfg.CustomizedMetricSpecification.Metrics).toEqual([
      { Id: 'prompt', MetricStat: { Metric: { Namespace: namespace, MetricName: PROMPT_TOKEN_METRIC_NAME }, Stat: 'Average' }, ReturnData: false },
      { Id: 'generation', MetricStat: { Metric: { Namespace: namespace, MetricName: TOKEN_METRIC_NAME }, Stat: 'Average' }, ReturnData: false },
      { Id: 'token_work_per_instance', Expression: tokenWorkMetricMath(policy.tokenWork), Label: 'Token work per instance (accelerator busy ms/s)', ReturnData: true },
    ]);
    expect(tokenWorkMetricMath(policy.tokenWork)).toMatch(/^FILL\(prompt, 0\) \* [0-9.e-]+ \+ FILL\(generation, 0\) \* [0-9.e-]+$/);
  });

  test('passes cfn-lint and the rule pack', async () => {
    const t = template.toJSON();
    expect(formatCfnLintFindings(await cfnLintTemplates({ TokenWork: t }))).toBe(formatCfnLintFindings([]));
    expect(InferenceRulePack.checkTemplate(t, { stackName: 'TokenWork' }).findings.map(InferenceRulePack.formatFinding)).toEqual([]);
  }, 120_000);

  test('the default signal keeps one filter and the generated-tokens query', () => {
    const d = stackWith('vllm', ScalingSignal.GENERATED_TOKENS);
    d.build();
    const t = Template.fromStack(d.stack);
    t.resourceCountIs('AWS::Logs::MetricFilter', 1);
    const [p] = Object.values(t.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')) as any[];
    expect(p.Properties.TargetTrackingScalingPolicyConfiguration.TargetValue).toBe(d.policy.targetTokensPerSecondPerReplica);
    expect(p.Properties.TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics.map((m: any) => m.Id)).toEqual(['tokens', 'tokens_per_instance']);
  });

  test('refuses a container-published custom metric, which carries no prompt field', () => {
    const c = stackWith('vllm', ScalingSignal.TOKEN_WORK, TokenMetricSource.customMetric({ namespace: 'MyApp', metricName: 'Tps', dimensions: { EndpointName: 'chat' } }));
    expect(() => c.build()).toThrow(/\[TokenWorkUnsupported\].*custom metric.*GENERATED_TOKENS/s);
  });

  test('a pattern that is not vLLM\'s has no prompt filter', () => {
    expect(promptThroughputFilterPattern(undefined)).toBeUndefined();
    expect(promptThroughputFilterPattern('[ts, tps]')).toBeUndefined();
  });

  test('a SageMaker endpoint given signal TOKEN_WORK tracks the metric math, and by default tracks output tokens', () => {
    const build = (signal?: ScalingSignal) => {
      const stack = new Stack(new App(), 'Endpoint', { env: { account: '111111111111', region: 'us-east-1' } });
      new SageMakerInferenceEndpoint(stack, 'Qwen', {
        model: modelPreset('qwen2-5-7b'),
        instanceType: 'ml.g6e.xlarge',
        modelWeights: ModelWeights.fromS3Prefix(new s3.Bucket(stack, 'Weights'), 'models/qwen2-5-7b'),
        scaling: { minReplicas: 1, maxReplicas: 4, ...(signal === undefined ? {} : { signal }) },
      });
      const [p] = Object.values(Template.fromStack(stack).findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
        Properties: { PolicyName: Match.stringLikeRegexp('TokenScaling') },
      })) as any[];
      return p.Properties.TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics.map((m: any) => m.Id as string);
    };
    expect(build(ScalingSignal.TOKEN_WORK)).toContain('token_work_per_instance');
    expect(build()).toEqual(['tokens', 'tokens_per_instance']);
  });
});
