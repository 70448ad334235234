/**
 * The reference fleet as `npm run synth` builds it (cdk.json context and feature flags
 * included): cdk-nag AwsSolutions clean, every standalone manifest strictly valid, and a plan
 * report covering every deployment.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { App as K8sApp } from 'cdk8s';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildReferenceFleet, REPLAY_TRACE_CONTEXT } from '../../bin/fleet.js';
import { formatManifestIssues, validateManifests } from '../support/k8s-validate.js';
import { addNagChecks, formatNagViolations, synthWithNag } from '../support/nag.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

function fleet(context: Record<string, unknown> = {}) {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, ...context } });
  const k8s = new K8sApp({ outdir: join(ROOT, 'dist') }); // never synthesized to disk here
  return { app, k8s, ...buildReferenceFleet(app, k8s) };
}

describe('reference fleet', () => {
  let built: ReturnType<typeof fleet>;
  let result: ReturnType<typeof synthWithNag>;

  beforeAll(() => {
    built = fleet();
    addNagChecks(built.app);
    result = synthWithNag(built.app);
  });

  test('has the SageMaker and EKS stacks', () => {
    expect(result.assembly.stacks.map((s) => s.stackName).sort()).toEqual(['InferenceConstructsSageMaker', 'InferenceEks']);
  });

  test('passes cdk-nag AwsSolutions with the cdk.json feature flags', () => {
    expect(formatNagViolations(result.violations)).toBe('');
  });

  test('renders standalone charts for EKS and GKE that pass strict validation', () => {
    const objects = built.k8s.charts.flatMap((c) => c.toJson());
    expect(built.k8s.charts.map((c) => c.node.id).sort()).toEqual([
      'gemma-2-9b-tpu',
      'gpt-oss-120b-h200',
      'llama-3-1-70b-gpu',
      'llama-3-1-8b-inf2',
      'qwen3-30b-a3b-gpu',
      'qwen3-32b-tpu',
    ]);
    expect(formatManifestIssues(validateManifests(objects))).toBe('');
  });

  test('reports every deployment in the plan', () => {
    const report = built.planReport();
    for (const name of ['eks/inference/llama-3-1-70b', 'eks/inference/llama-3-1-8b', 'gke/inference/gemma-2-9b', 'sagemaker/InferenceConstructsSageMaker/Llama31']) {
      expect(report).toContain(`## ${name}\n`);
    }
  });
});

describe('reference fleet context', () => {
  test('stacks=sagemaker leaves the EKS stack and the standalone manifests out', () => {
    const { app, k8s } = fleet({ stacks: 'sagemaker' });
    expect(app.node.children.map((c) => c.node.id)).toEqual(['InferenceConstructsSageMaker']);
    expect(k8s.charts).toEqual([]);
  });

  test('stacks=manifests writes only the standalone manifests', () => {
    const { app, k8s } = fleet({ stacks: 'manifests' });
    expect(app.node.children).toEqual([]);
    expect(k8s.charts.length).toBe(6);
  });


  test('account and region pin the stacks to an environment', () => {
    const { app } = fleet({ stacks: 'sagemaker', account: '123456789012', region: 'eu-west-1' });
    const stack = app.node.findChild('InferenceConstructsSageMaker') as import('aws-cdk-lib').Stack;
    expect([stack.account, stack.region]).toEqual(['123456789012', 'eu-west-1']);
  });

  test(`the plan report's trace replay is off unless ${REPLAY_TRACE_CONTEXT} is true: the section says how to run it, and no chart is written`, () => {
    const report = fleet({ stacks: 'sagemaker,manifests' }).report();
    expect(report.markdown).toContain(
      `## Replay\n\nNot run by this synth: \`cdk synth -c ${REPLAY_TRACE_CONTEXT}=true\` replays the synthesized scaling policy of eks/inference/llama-3-1-8b on AzureLLMInferenceTrace_conv`,
    );
    expect(report.svgs).toEqual({});
    expect(fleet({ stacks: 'sagemaker,manifests', [REPLAY_TRACE_CONTEXT]: false }).report()).toEqual(report);
  });

  test(`${REPLAY_TRACE_CONTEXT}=true (as cdk synth -c passes it, a string) replays the conversation trace into the report and one SVG chart`, () => {
    const { markdown, svgs } = fleet({ stacks: 'sagemaker,manifests', [REPLAY_TRACE_CONTEXT]: 'true' }).report();
    expect(markdown).toContain('## Replay\n\n### eks/inference/llama-3-1-8b on AzureLLMInferenceTrace_conv');
    expect(markdown).not.toContain('Not run by this synth');
    expect(Object.keys(svgs)).toEqual(['replay-eks-inference-llama-3-1-8b-azurellminferencetrace-conv.svg']);
  }, 60_000);

  test(`throws ReplayTraceFlagInvalid for a ${REPLAY_TRACE_CONTEXT} that is neither true nor false`, () => {
    expect(() => fleet({ stacks: 'sagemaker', [REPLAY_TRACE_CONTEXT]: 'yes' })).toThrow(
      /\[ReplayTraceFlagInvalid\] context\.inference-constructs:replay-trace: the replay switch is neither true nor false; received "yes"/,
    );
  });

  test('throws FleetStackUnknown for an unknown stack', () => {
    expect(() => fleet({ stacks: 'sagemaker,gke' })).toThrow(/\[FleetStackUnknown\] context\.stacks: unknown stack in the reference fleet; received "gke"; allowed: sagemaker, eks, manifests/);
  });
});
