/**
 * Replay benchmark: wall time per policy for a one-hour trace of 20,000 requests, and how it
 * grows with trace length. Prints figures; not a timed test.
 *
 *   npx tsx test/bench/replay-bench.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPLAY_POLICIES, type ReplayDeployment, ReplayScalerKind, replayDeployment } from '../../lib/replay/replay.js';
import { type RequestTrace, parseAzureTrace } from '../../lib/replay/trace.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { tokenScalingPolicy } from '../../lib/scaling.js';
import { fitTargetUtilization } from '../../lib/replay/fit.js';

const here = new URL('.', import.meta.url).pathname;
const raw = parseAzureTrace(readFileSync(join(here, '../fixtures/traces/AzureLLMInferenceTrace_conv.csv'), 'utf8'), 'conv');
const plan = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'g6e.xlarge' });
const deployment: ReplayDeployment = {
  name: 'bench/llama-3-1-8b-l40s',
  plan,
  scalingPolicy: tokenScalingPolicy(plan, { minReplicas: 1, maxReplicas: 64, metricWindowSeconds: 120 }),
  scaler: ReplayScalerKind.KEDA,
  scrapeIntervalSeconds: 30,
  queueDepthPerReplica: plan.concurrentSequences,
  startupSeconds: 420,
  releaseSeconds: 600,
};
const rateScale = 20000 / raw.requests.length;

function slice(trace: RequestTrace, share: number): RequestTrace {
  const end = trace.durationSeconds * share;
  const requests = trace.requests.filter((r) => r.arrivalSeconds <= end);
  return { name: `${trace.name}-${share}`, requests, durationSeconds: end };
}

for (const policy of REPLAY_POLICIES) {
  const t0 = performance.now();
  const [r] = replayDeployment(deployment, raw, { rateScale, policies: [policy], oracle: false });
  const ms = performance.now() - t0;
  console.log(`replay-bench: ${policy} ${r.requests} requests ${(ms / 1000).toFixed(3)} s (${((ms * 1000) / r.requests).toFixed(1)} us/request)`);
}
{
  // The clairvoyant oracle: one engine run per headroom tried, until one meets the goal.
  const t0 = performance.now();
  const [r] = replayDeployment(deployment, raw, { rateScale, policies: [REPLAY_POLICIES[0]] });
  const ms = performance.now() - t0;
  console.log(`replay-bench: oracle (headroom x${r.oracleHeadroom}) + ${REPLAY_POLICIES[0]} ${r.requests} requests ${(ms / 1000).toFixed(3)} s`);
}
for (const share of [0.25, 0.5, 1]) {
  const t = slice(raw, share);
  const t0 = performance.now();
  const [r] = replayDeployment(deployment, t, { rateScale, policies: [REPLAY_POLICIES[0]], oracle: false });
  const ms = performance.now() - t0;
  console.log(`replay-bench: length ${share} of the trace, ${r.requests} requests, ${(ms / 1000).toFixed(3)} s, ${((ms * 1000) / r.requests).toFixed(1)} us/request`);
}
{
  // The target fitted on the trace (lib/replay/fit.ts): a bisection of replays of the default policy.
  const t0 = performance.now();
  const fit = fitTargetUtilization({ name: deployment.name, platform: 'EKS', server: 'vLLM', plan, scalingPolicy: deployment.scalingPolicy }, raw, { rateScale });
  const ms = performance.now() - t0;
  console.log(`replay-bench: target fit ${fit.targetUtilization} (${fit.replays} replays, attainment ${fit.attainment}) ${(ms / 1000).toFixed(3)} s`);
}
