/**
 * The rule pack on every synth: as an aws-cdk-lib policy-validation plugin (stacks, with
 * acknowledgements through `Validations.of(c).acknowledge`) and as a cdk8s chart validation
 * (acknowledgements through the object's annotation).
 */
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { ApiObject, App as K8sApp, Chart, Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { InferenceRulesPlugin } from '../../constructs/aws/rule-pack.js';
import { InferenceRules } from '../../constructs/k8s/rule-pack.js';
import { deployment, scaledObject } from './fixtures.js';

function stackWithDjlModel(app: App): { stack: Stack; model: CfnResource } {
  const stack = new Stack(app, 'Serving');
  const model = new CfnResource(stack, 'Model', {
    type: 'AWS::SageMaker::Model',
    properties: { ExecutionRoleArn: 'arn:aws:iam::111111111111:role/x', PrimaryContainer: { Image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1', Environment: {} } },
  });
  new CfnResource(stack, 'Config', {
    type: 'AWS::SageMaker::EndpointConfig',
    properties: { ProductionVariants: [{ VariantName: 'v', ModelName: model.getAtt('ModelName'), ContainerStartupHealthCheckTimeoutInSeconds: 1980, InstanceType: 'ml.inf2.xlarge', InitialInstanceCount: 1 }] },
  });
  return { stack, model };
}

describe('InferenceRulesPlugin (CDK policy validation)', () => {
  test('fails the synth with the finding, its location and fix', () => {
    const app = new App({ builtinCloudFormationValidation: false } as never);
    InferenceRulesPlugin.addTo(app);
    stackWithDjlModel(app);
    expect(() => app.synth()).toThrow(/IC-AWS-002[\s\S]*OPTION_MODEL_LOADING_TIMEOUT/);
  });

  test('an acknowledgement with a reason on the construct passes the synth and is kept in the results', () => {
    const app = new App({ builtinCloudFormationValidation: false } as never);
    const plugin = InferenceRulesPlugin.addTo(app);
    const { model } = stackWithDjlModel(app);
    InferenceRulesPlugin.acknowledge(model, 'IC-AWS-002', 'the image bakes MODEL_LOADING_TIMEOUT=1980');
    expect(() => app.synth()).not.toThrow();
    const result = plugin.results.Serving!;
    expect(result.findings).toEqual([]);
    expect(result.acknowledged.map((a) => [a.finding.ruleId, a.reason])).toEqual([['IC-AWS-002', 'the image bakes MODEL_LOADING_TIMEOUT=1980']]);
  });

  test('an acknowledgement on a parent (the stack) covers its resources; addTo registers once', () => {
    const app = new App({ builtinCloudFormationValidation: false } as never);
    expect(InferenceRulesPlugin.addTo(app)).toBe(InferenceRulesPlugin.addTo(app));
    const { stack } = stackWithDjlModel(app);
    Validations.of(stack).acknowledge({ id: 'IC-AWS-002', reason: 'loading timeout checked in the load test' });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('InferenceRules (cdk8s)', () => {
  function chart(app: K8sApp, replicas?: number, ack?: string): Chart {
    const c = new Chart(app, 'llm');
    const d = deployment({ spec: replicas !== undefined ? { replicas } : {}, annotations: ack ? { 'inference-constructs.io/acknowledge': ack } : {} });
    new ApiObject(c, 'Deployment', d);
    new ApiObject(c, 'Scaler', scaledObject());
    return c;
  }

  test('fails the synth of a chart with an error finding', () => {
    const app = Testing.app();
    InferenceRules.of(chart(app, 1));
    expect(() => app.synthYaml()).toThrow(/IC-K8S-005 chart llm: Deployment inference\/llm at spec.replicas/);
  });

  test('passes when the finding is fixed or acknowledged with a reason', () => {
    const app = Testing.app();
    InferenceRules.of(chart(app));
    expect(() => app.synthYaml()).not.toThrow();
    const app2 = Testing.app();
    const rules = InferenceRules.of(chart(app2, 1, 'IC-K8S-005: replicas pinned during the migration to KEDA'));
    expect(() => app2.synthYaml()).not.toThrow();
    expect(rules.lastResult!.acknowledged.map((a) => a.finding.ruleId)).toEqual(['IC-K8S-005']);
  });

  test('ofApp checks every chart of the app together', () => {
    const app = Testing.app();
    const a = new Chart(app, 'workload');
    new ApiObject(a, 'Deployment', deployment());
    const b = new Chart(app, 'scaler');
    new ApiObject(b, 'Scaler', scaledObject({ spec: { fallback: { replicas: 1 } } }));
    InferenceRules.ofApp(app);
    expect(() => app.synthYaml()).toThrow(/IC-K8S-006 chart scaler: ScaledObject inference\/llm/);
  });

  test('check() reads plain manifests from elsewhere', () => {
    expect(InferenceRules.check([deployment({ spec: { replicas: 2 } }), scaledObject()], { origin: 'llm.yaml' }).findings.map((f) => f.ruleId)).toEqual(['IC-K8S-005']);
  });
});
