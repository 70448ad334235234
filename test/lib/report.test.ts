import { describe, expect, test } from 'vitest';
import { INSTANCE_TYPES, TPU_SLICES, instanceType } from '../../lib/accelerators.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import {
  generatedSection,
  renderAcceleratorTable,
  renderPlanReport,
  renderTpuSliceTable,
  replaceGeneratedSection,
  type PlannedDeployment,
} from '../../lib/report.js';
import { tokenScalingPolicy } from '../../lib/scaling.js';

function deployment(name: string, platform: string, plan = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'inf2.xlarge', peakTokensPerSecond: 1000 })): PlannedDeployment {
  return { name, platform, server: 'vLLM', plan, scalingPolicy: tokenScalingPolicy(plan, { minReplicas: 1, maxReplicas: 4 }) };
}

describe('renderPlanReport', () => {
  const inf2 = deployment('sagemaker/llama-3-1-8b', 'SageMaker');
  const measured = deployment(
    'eks/llama-3-1-70b',
    'EKS',
    planCapacity({ model: modelPreset('llama-3-1-70b'), instanceType: 'g6e.12xlarge', measuredTokensPerSecondPerReplica: 900 }),
  );
  const report = renderPlanReport([inf2, measured]);

  test('lists deployments sorted by name, whatever the input order', () => {
    expect(report.indexOf('## eks/llama-3-1-70b')).toBeLessThan(report.indexOf('## sagemaker/llama-3-1-8b'));
    expect(renderPlanReport([measured, inf2])).toBe(report);
  });

  test('states placement, memory fit, replicas, target and cost for each deployment', () => {
    const p = inf2.plan;
    expect(report).toContain(`| Accelerator | inf2.xlarge, ${p.instance.device.displayName} |`);
    expect(report).toContain(`| Per replica | 1 Inferentia2 chip (2 NeuronCores), tensor parallel 2, pipeline parallel 1 |`);
    expect(report).toContain(`of ${p.memory.availableGiB.toFixed(1)} GiB`);
    expect(report).toContain('| Replicas | 1 to 4 |');
    expect(report).toContain(`| Scaling target | ${Math.round(p.targetTokensPerSecondPerReplica)} generated tokens/s per replica (70 % of capacity) |`);
    expect(report).toContain(`| Cost per hour | $${p.cost.perReplicaHourUsd.toFixed(2)} at min, $${(4 * p.cost.perReplicaHourUsd).toFixed(2)} at max`);
    expect(report).toContain(`| Cost per million tokens | $${p.cost.perMillionTokensUsd.toFixed(2)} at the scaling target |`);
  });

  test('labels throughput as estimated or measured', () => {
    expect(report).toMatch(/\| Tokens\/s per replica \| \d+ \(estimated; step-time model/);
    expect(report).toContain('| Tokens/s per replica | 900 (measured; 900 output tokens/s per replica, given by the caller) |');
  });

  // vLLM serves a pipelined replica with --pipeline-parallel-size, one contiguous share of the
  // layers per node (vLLM v0.11 docs, Distributed inference and serving).
  test('states the pipeline degree of a replica that spans nodes', () => {
    const deepseek = planCapacity({ model: modelPreset('deepseek-v3'), instanceType: 'p5.48xlarge' });
    expect(deepseek.pipelineParallelDegree).toBe(2);
    const text = renderPlanReport([deployment('eks/deepseek-v3', 'EKS', deepseek)]);
    expect(text).toContain('| Per replica | 16 GPUs across 2 hosts, tensor parallel 8 x pipeline parallel 2 (2 nodes) |');
  });

  // gpt-oss checkpoints hold the routed experts in MXFP4 and the rest in BF16 (the model card);
  // Hopper serves MXFP4 weight-only (vLLM GPT-OSS recipe), which the memory fit counts.
  test('states the experts\' precision when it differs from the weights\'', () => {
    const gptOss = planCapacity({ model: modelPreset('gpt-oss-120b'), instanceType: 'p5en.48xlarge', tensorParallelDegree: 1 });
    const text = renderPlanReport([deployment('eks/gpt-oss-120b', 'EKS', gptOss)]);
    expect(text).toContain(`${gptOss.precision} weights, experts in ${gptOss.expertPrecision}, ${gptOss.expertPrecisionSupport} on the device, `);
    expect(gptOss.expertPrecision).toBe('fp4');
    // A dense model has no expert precision to state.
    expect(report).not.toContain('experts in');
  });

  test('states the latency figures beside the throughput', () => {
    const p = inf2.plan;
    const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;
    expect(report).toContain(
      `| Latency | ${ms(p.latency.timePerOutputTokenSeconds)} per output token, ${ms(p.latency.timeToFirstTokenSeconds)} to first token ` +
        `(estimated, median without queueing; targets 200.0 ms per output token, 2000.0 ms to first token) |`,
    );
    expect(report).toContain(`| Operating point | ${p.operatingPoint} |`);
    expect(report).toContain('| Requests | 1155 prompt + 211 output tokens on average |');
  });

  test('says which price each cost figure uses', () => {
    expect(report).toContain('| Price | EC2 on-demand: $0.76 per node hour, https://aws.amazon.com/ec2/pricing/on-demand/');
    const sm = deployment('sagemaker/ml', 'SageMaker', planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'ml.g5.12xlarge' }));
    const r = renderPlanReport([sm]);
    expect(r).toContain('| Price | SageMaker hosting: $7.09 per node hour');
    expect(r).toMatch(/\| sagemaker\/ml \| SageMaker \| g5\.12xlarge \|.*\| SageMaker hosting \|/);
  });

  test('matches the reviewed report', () => {
    expect(report).toMatchSnapshot();
  });

  test('throws DeploymentNameDuplicate when two deployments share a name', () => {
    expect(() => renderPlanReport([inf2, inf2])).toThrow(/\[DeploymentNameDuplicate\] deployments\[\]\.name: .*received "sagemaker\/llama-3-1-8b"/);
  });
});

describe('generated README sections', () => {
  test('replaces the body between the markers and nothing else', () => {
    const doc = `intro\n${generatedSection('x', 'old')}\noutro\n`;
    expect(replaceGeneratedSection(doc, 'x', 'new')).toBe(`intro\n${generatedSection('x', 'new')}\noutro\n`);
  });

  test('throws when the markers are missing', () => {
    expect(() => replaceGeneratedSection('no markers', 'x', 'new')).toThrow(/\[GeneratedSectionMissing\] README section x/);
  });

  test('the accelerator table has one row per catalogue entry', () => {
    const table = renderAcceleratorTable(INSTANCE_TYPES);
    expect(table.split('\n')).toHaveLength(INSTANCE_TYPES.length + 2);
    expect(table).toContain(`| inferentia2 | \`inf2.xlarge\` | 1 x ${instanceType('inf2.xlarge').device.displayName} (2 NeuronCores) |`);
  });

  test('the TPU table has one row per slice shape', () => {
    expect(renderTpuSliceTable(TPU_SLICES).split('\n')).toHaveLength(TPU_SLICES.length + 2);
  });
});
