import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, test } from 'vitest';
import { cfnLintAssembly, cfnLintTemplates, type CfnLintFinding, formatCfnLintFindings } from '../support/cfn-lint.js';

const NODEGROUP_PROPS = {
  ClusterName: 'inference',
  NodeRole: 'arn:aws:iam::123456789012:role/inference-nodes',
  Subnets: ['subnet-0123456789abcdef0'],
};

describe('cfnLintTemplates', () => {
  let findings: CfnLintFinding[];

  beforeAll(() => {
    // One cfn-lint run for all templates of this suite.
    findings = cfnLintTemplates({
      'numeric-bucket-name': { Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 5 } } } },
      'bad-ami-type': { Resources: { Nodes: { Type: 'AWS::EKS::Nodegroup', Properties: { ...NODEGROUP_PROPS, AmiType: 'AL2023_X86_64_CUDA' } } } },
      'good/nodegroup': { Resources: { Nodes: { Type: 'AWS::EKS::Nodegroup', Properties: { ...NODEGROUP_PROPS, AmiType: 'AL2023_x86_64_NVIDIA' } } } },
      'ignored-w3005': {
        Resources: {
          Queue: { Type: 'AWS::SQS::Queue' },
          Topic: { Type: 'AWS::SNS::Topic', DependsOn: 'Queue', Properties: { DisplayName: { 'Fn::GetAtt': ['Queue', 'QueueName'] } } },
        },
      },
    });
  });

  test('reports an S3 bucket whose BucketName is a number', () => {
    const bucket = findings.filter((f) => f.file === 'numeric-bucket-name');
    expect(bucket).toHaveLength(1);
    expect(bucket[0]).toMatchObject({ level: 'Error', rule: 'E3031', path: '/Resources/Bucket/Properties/BucketName' });
  });

  test('reports an EKS node group AmiType that CloudFormation does not know', () => {
    const nodes = findings.filter((f) => f.file === 'bad-ami-type');
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({ level: 'Error', rule: 'E3030', path: '/Resources/Nodes/Properties/AmiType' });
    expect(nodes[0]!.message).toMatch(/'AL2023_X86_64_CUDA' is not one of/);
  });

  test('finds nothing in a valid template whose key contains a slash', () => {
    expect(findings.filter((f) => f.file === 'good/nodegroup')).toEqual([]);
  });

  test('ignores only W3005, DependsOn next to a GetAtt of the same resource', () => {
    expect(formatCfnLintFindings(findings.filter((f) => f.file === 'ignored-w3005'))).toBe('');
  });

  test('returns no findings and starts no linter for an empty input', () => {
    expect(cfnLintTemplates({})).toEqual([]);
  });

  test('throws with an install hint when cfn-lint is not on PATH', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => cfnLintTemplates({ t: { Resources: { B: { Type: 'AWS::S3::Bucket' } } } })).toThrow(/cfn-lint is not on PATH.*pip install 'cfn-lint==1\.51\.\*'/);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('cfnLintAssembly', () => {
  test('lints every stack of a synthesized app and names findings by stack', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    new s3.Bucket(new Stack(app, 'Storage'), 'Bucket', { enforceSSL: true });
    const compute = new Stack(app, 'Compute');
    const nodes = new eks.CfnNodegroup(compute, 'Nodes', {
      clusterName: 'inference',
      nodeRole: 'arn:aws:iam::123456789012:role/inference-nodes',
      subnets: ['subnet-0123456789abcdef0'],
    });
    nodes.addPropertyOverride('AmiType', 'AL2_NEURON');
    const findings = cfnLintAssembly(app.synth());
    expect(findings.map((f) => [f.file, f.rule, f.path])).toEqual([['Compute', 'E3030', '/Resources/Nodes/Properties/AmiType']]);
  });
});
