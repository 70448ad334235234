/**
 * The plan report's replay section (bin/plan-report.ts `replaySection`): a deployment that names
 * a request trace gets its synthesized scaling policy replayed against the oracle and the peer
 * policies (lib/replay), as a table in the report and an SVG beside it. The trace is the Azure
 * LLM inference conversation trace (test/fixtures/traces/README.md, CC-BY-4.0).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { REFERENCE_REPLAY_TRACES } from '../../bin/fleet.js';
import { replaySection } from '../../bin/plan-report.js';
import { ModelServer } from '../../lib/servers.js';
import { REPLAY_POLICIES, burstShare, burstTargetUtilization } from '../../lib/replay/replay.js';
import { parseAzureTrace } from '../../lib/replay/trace.js';
import { fitTargetUtilization } from '../../lib/replay/fit.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { tokenScalingPolicy } from '../../lib/scaling.js';
import { type PlannedDeployment } from '../../lib/report.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TRACE = 'test/fixtures/traces/AzureLLMInferenceTrace_conv.csv';

function deployment(replayTrace?: string): PlannedDeployment {
  const plan = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'inf2.8xlarge', modelServer: ModelServer.VLLM_NEURON });
  return { name: 'eks/inference/llama-3-1-8b', platform: 'EKS', server: 'vLLM', plan, scalingPolicy: tokenScalingPolicy(plan, { maxReplicas: 4 }), replayTrace };
}

describe('plan report: replay of a deployment that names a trace', () => {
  test('no trace named: no section, no file', () => {
    expect(replaySection([deployment()], ROOT)).toEqual({ markdown: '', svgs: {} });
  });

  test('a named trace: one row per policy against the oracle, and the SVG the section links to, named by the trace file, not its path', () => {
    const { markdown, svgs } = replaySection([deployment(TRACE)], ROOT, { rateScale: 0.3 });
    expect(markdown).toContain('### eks/inference/llama-3-1-8b on AzureLLMInferenceTrace_conv');
    for (const policy of REPLAY_POLICIES) expect(markdown).toMatch(new RegExp(`\\| eks/inference/llama-3-1-8b \\| ${policy}( \\(default\\))? \\|`));
    const files = Object.keys(svgs);
    expect(files).toEqual(['replay-eks-inference-llama-3-1-8b-azurellminferencetrace-conv.svg']);
    expect(markdown).toContain(`![replicas over time](${files[0]})`);
    expect(svgs[files[0]]).toMatch(/^<svg/);
    expect(markdown).not.toContain(ROOT);
    // What the trace's bursts within a minute ask of the plan (lib/replay/replay.ts burstTargetUtilization).
    const plan = deployment().plan;
    const trace = parseAzureTrace(readFileSync(join(ROOT, TRACE), 'utf8'), 'AzureLLMInferenceTrace_conv');
    const share = burstShare(plan, trace);
    expect(share).toBeLessThan(1);
    expect(markdown).toContain(`(burst share ${share.toFixed(3)}): for this traffic, plan targetUtilization ${burstTargetUtilization(plan, trace).toFixed(2)} (this plan: ${plan.targetUtilization.toFixed(2)}).`);
    // Same inputs, same bytes.
    expect(replaySection([deployment(TRACE)], ROOT, { rateScale: 0.3 })).toEqual({ markdown, svgs });
  });

  test('with the fit, a line gives the target utilisation fitted on the trace beside the plan\'s own', () => {
    const d = deployment(TRACE);
    const trace = parseAzureTrace(readFileSync(join(ROOT, TRACE), 'utf8'), 'AzureLLMInferenceTrace_conv');
    // A tenth of the trace's rate: the fit replays the default policy about seven times.
    const fit = fitTargetUtilization(d, trace, { rateScale: 0.1 });
    expect(fit.met).toBe(true);
    const { markdown } = replaySection([d], ROOT, { rateScale: 0.1, fit: true });
    expect(markdown).toContain(
      `Fitted: the default policy keeps ${(fit.attainment * 100).toFixed(2)} % of requests within both targets up to targetUtilization ${fit.targetUtilization.toFixed(3)} on this trace (this plan: ${d.plan.targetUtilization.toFixed(2)}; Replay.fitTargetUtilization).`,
    );
    // Without it, no fit line.
    expect(replaySection([d], ROOT, { rateScale: 0.1 }).markdown).not.toContain('Fitted:');
  });

  test('the reference fleet replays the conversation trace for the Inferentia2 deployment', () => {
    expect(REFERENCE_REPLAY_TRACES).toEqual({ 'eks/inference/llama-3-1-8b': TRACE });
  });
});
