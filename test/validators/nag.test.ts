import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, test } from 'vitest';
import { ACKNOWLEDGEMENT_WITHOUT_REASON, addNagChecks, type NagViolation, synthWithNag } from '../support/nag.js';

describe('synthWithNag', () => {
  let app: App;
  let result: ReturnType<typeof synthWithNag>;

  const rulesOf = (resource: string): string[] => result.violations.filter((v) => v.resource === resource).map((v) => v.ruleId);

  beforeAll(() => {
    app = new App({ builtinCloudFormationValidation: false });
    addNagChecks(app);
    addNagChecks(app); // registering twice runs the pack once

    const plain = new Stack(app, 'Plain');
    new s3.Bucket(plain, 'Bucket');
    new sqs.Queue(plain, 'Queue', { encryption: sqs.QueueEncryption.UNENCRYPTED });

    const acknowledged = new Stack(app, 'Acknowledged');
    const bucket = new s3.Bucket(acknowledged, 'Bucket');
    Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'Access logs go to the organisation trail bucket.' });
    const queue = new sqs.Queue(acknowledged, 'Queue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    Validations.of(queue).acknowledge(
      { id: 'AwsSolutions-SQS2', reason: 'Carries only public model names.' },
      { id: 'AwsSolutions-SQS3', reason: 'Messages are replayed from the source of truth.' },
    );
    // Stack-level acknowledgement in the plugin-qualified form that CDK's report suggests.
    Validations.of(acknowledged).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-S10', reason: 'Reached through VPC endpoints that enforce TLS.' },
      { id: 'AwsSolutions-SQS4', reason: 'Reached through VPC endpoints that enforce TLS.' },
    );

    const unexplained = new Stack(app, 'Unexplained');
    const secureBucket = new s3.Bucket(unexplained, 'Bucket', { enforceSSL: true });
    Validations.of(secureBucket).acknowledge({ id: 'AwsSolutions-S1', reason: ' ' });

    result = synthWithNag(app);
  });

  test('reports the AwsSolutions rules an unencrypted queue breaks', () => {
    expect(rulesOf('Plain/Queue/Resource')).toEqual(['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']);
    const sqs2 = result.violations.find((v) => v.resource === 'Plain/Queue/Resource' && v.ruleId === 'AwsSolutions-SQS2');
    expect(sqs2).toEqual<NagViolation>({
      ruleId: 'AwsSolutions-SQS2',
      resource: 'Plain/Queue/Resource',
      message: 'The SQS Queue does not have server-side encryption enabled.',
      severity: 'error',
    });
  });

  test('reports a bucket without access logs and TLS enforcement', () => {
    expect(rulesOf('Plain/Bucket/Resource')).toEqual(['AwsSolutions-S1', 'AwsSolutions-S10']);
  });

  test('accepts the same resources when each rule is acknowledged with a reason', () => {
    expect(result.violations.filter((v) => v.resource.startsWith('Acknowledged/'))).toEqual([]);
  });

  test('reports an acknowledgement whose reason is blank', () => {
    expect(result.violations.filter((v) => v.resource.startsWith('Unexplained/'))).toEqual([
      {
        ruleId: ACKNOWLEDGEMENT_WITHOUT_REASON,
        resource: 'Unexplained/Bucket',
        message: 'acknowledgement of AwsSolutions-S1 has no reason: pass { id, reason } with a reason a reviewer can check',
        severity: 'error',
      },
    ]);
  });

  test('returns the synthesized assembly with every stack', () => {
    expect(result.assembly.stacks.map((s) => s.stackName).sort()).toEqual(['Acknowledged', 'Plain', 'Unexplained']);
    expect(Object.keys(result.assembly.getStackByName('Plain').template.Resources as object)).toHaveLength(2);
  });

  test('synthesizes once and returns the same result on a second call', () => {
    expect(synthWithNag(app)).toBe(result);
  });
});

describe('addNagChecks', () => {
  test('leaves a compliant app with no violations', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    addNagChecks(app);
    const stack = new Stack(app, 'Compliant');
    const logs = new s3.Bucket(stack, 'Logs', { enforceSSL: true });
    Validations.of(logs).acknowledge({ id: 'AwsSolutions-S1', reason: 'This is the access-log bucket itself.' });
    new s3.Bucket(stack, 'Data', { enforceSSL: true, serverAccessLogsBucket: logs });
    expect(synthWithNag(app).violations).toEqual([]);
  });
});
