import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, test } from 'vitest';
import { CFN_LINT_VERSION, type CfnLintCommand, cfnLintAssembly, cfnLintCommand, cfnLintOnPath, cfnLintTemplates, type CfnLintFinding, endWarmCfnLint, formatCfnLintFindings, warmCfnLintVersion } from '../support/cfn-lint.js';

const NODEGROUP_PROPS = {
  ClusterName: 'inference',
  NodeRole: 'arn:aws:iam::123456789012:role/inference-nodes',
  Subnets: ['subnet-0123456789abcdef0'],
};

/** The templates of this suite's one warm cfn-lint run: two findings, one clean, one W3005 only. */
const FIXTURES: Record<string, unknown> = {
  'numeric-bucket-name': { Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 5 } } } },
  'bad-ami-type': { Resources: { Nodes: { Type: 'AWS::EKS::Nodegroup', Properties: { ...NODEGROUP_PROPS, AmiType: 'AL2023_X86_64_CUDA' } } } },
  'good/nodegroup': { Resources: { Nodes: { Type: 'AWS::EKS::Nodegroup', Properties: { ...NODEGROUP_PROPS, AmiType: 'AL2023_x86_64_NVIDIA' } } } },
  'ignored-w3005': {
    Resources: {
      Queue: { Type: 'AWS::SQS::Queue' },
      Topic: { Type: 'AWS::SNS::Topic', DependsOn: 'Queue', Properties: { DisplayName: { 'Fn::GetAtt': ['Queue', 'QueueName'] } } },
    },
  },
};

describe('cfnLintTemplates', () => {
  let findings: CfnLintFinding[];

  beforeAll(async () => {
    // One cfn-lint run for all templates of this suite.
    findings = await cfnLintTemplates(FIXTURES);
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

  test('returns no findings and starts no linter for an empty input', async () => {
    expect(await cfnLintTemplates({})).toEqual([]);
  });

  test('throws with an install hint when cfn-lint is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(cfnLintTemplates({ t: { Resources: { B: { Type: 'AWS::S3::Bucket' } } } })).rejects.toThrow(/cfn-lint is not on PATH.*pip install 'cfn-lint==1\.51\.\*'/);
    } finally {
      process.env.PATH = path;
    }
  });
});

/** The Python and script of the cfn-lint on PATH; undefined where the warm linter cannot run it (each call then starts cfn-lint). */
const WARM_COMMAND = ((): CfnLintCommand | undefined => {
  try {
    return cfnLintCommand(cfnLintOnPath());
  } catch {
    return undefined; // no cfn-lint on PATH: the tests above fail with the install hint
  }
})();

describe('the warm cfn-lint', () => {
  test.skipIf(WARM_COMMAND === undefined)('runs in the Python of the cfn-lint on PATH, at the version the project pins', async () => {
    expect((await warmCfnLintVersion())?.startsWith(`${CFN_LINT_VERSION}.`)).toBe(true);
  });

  test.skipIf(WARM_COMMAND === undefined)('starts again after its process ends', async () => {
    expect(await cfnLintTemplates({ 'good/nodegroup': FIXTURES['good/nodegroup'] })).toEqual([]);
    expect(await endWarmCfnLint()).toBe(1);
    expect((await cfnLintTemplates(FIXTURES)).map((f) => f.rule)).toEqual(['E3030', 'E3031']);
  }, 60_000);

  test.skipIf(WARM_COMMAND === undefined)('finds what cfn-lint started on its own finds', async () => {
    // A cfn-lint on PATH whose Python cannot be told from its script (a shell wrapper of the
    // real one): each call then starts the command line itself.
    const real = WARM_COMMAND!;
    const dir = mkdtempSync(join(tmpdir(), 'cfn-lint-wrapper-'));
    const path = process.env.PATH;
    try {
      writeFileSync(join(dir, 'cfn-lint'), `#!/bin/sh\nexec '${real.python}' '${real.script}' "$@"\n`);
      chmodSync(join(dir, 'cfn-lint'), 0o755);
      expect(cfnLintCommand(join(dir, 'cfn-lint'))).toBeUndefined();
      process.env.PATH = `${dir}${delimiter}${path}`;
      const cold = await cfnLintTemplates(FIXTURES);
      process.env.PATH = path;
      expect(cold).toEqual(await cfnLintTemplates(FIXTURES));
      expect(cold.map((f) => f.rule)).toEqual(['E3030', 'E3031']);
    } finally {
      process.env.PATH = path;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test.each([
    ['#!/opt/venv/bin/python3.11\nimport sys', '/opt/venv/bin/python3.11'],
    ['#!/usr/bin/env python3\nimport sys', 'python3'],
    ['#! /usr/bin/python\n', '/usr/bin/python'],
    ['#!/bin/sh\nexec cfn-lint "$@"\n', undefined],
    ['no shebang', undefined],
  ])('runs the Python of a script beginning %j', (text, python) => {
    const dir = mkdtempSync(join(tmpdir(), 'cfn-lint-script-'));
    try {
      writeFileSync(join(dir, 'cfn-lint'), text);
      expect(cfnLintCommand(join(dir, 'cfn-lint'))?.python).toBe(python);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cfnLintAssembly', () => {
  test('lints every stack of a synthesized app and names findings by stack', async () => {
    const app = new App({ builtinCloudFormationValidation: false });
    new s3.Bucket(new Stack(app, 'Storage'), 'Bucket', { enforceSSL: true });
    const compute = new Stack(app, 'Compute');
    const nodes = new eks.CfnNodegroup(compute, 'Nodes', {
      clusterName: 'inference',
      nodeRole: 'arn:aws:iam::123456789012:role/inference-nodes',
      subnets: ['subnet-0123456789abcdef0'],
    });
    nodes.addPropertyOverride('AmiType', 'AL2_NEURON');
    const findings = await cfnLintAssembly(app.synth());
    expect(findings.map((f) => [f.file, f.rule, f.path])).toEqual([['Compute', 'E3030', '/Resources/Nodes/Properties/AmiType']]);
  });
});
