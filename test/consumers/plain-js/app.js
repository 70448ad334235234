// Consumer app 3: plain JavaScript, CommonJS require(), no TypeScript anywhere, against the
// public API of /work/notes/api-design.md.
'use strict';
const assert = require('node:assert/strict');
const { dirname } = require('node:path');
const { Chart, Testing } = require('cdk8s');
const ic = require('inference-constructs');

// One copy of cdk8s in the app: the library resolves the app's own (a peer dependency).
const libraryDir = dirname(require.resolve('inference-constructs/package.json'));
assert.equal(require.resolve('cdk8s', { paths: [libraryDir] }), require.resolve('cdk8s'));
// The jsii assembly ships with the package.
assert.ok(require('node:fs').existsSync(require.resolve('inference-constructs/.jsii')));

const plan = ic.CapacityPlanner.plan({ model: ic.Model.MISTRAL_7B, instanceType: 'g5.xlarge' });
const chart = new Chart(Testing.app(), 'mistral', { namespace: 'inference' });
const model = new ic.ModelDeployment(chart, 'Model', {
  plan,
  platform: ic.KubernetesPlatform.EKS_KARPENTER,
  huggingFaceTokenSecret: { name: 'hf-token' },
});
assert.ok(model.service, 'the deployment exposes its Service');
const objects = Testing.synth(chart);
const deployment = objects.find((o) => o.kind === 'Deployment');
assert.ok(deployment, `no Deployment among ${objects.map((o) => o.kind).join(', ')}`);
const limits = deployment.spec.template.spec.containers[0].resources.limits;
assert.equal(String(limits['nvidia.com/gpu']), '1');
// The replay, from the package: a trace, the burst target it asks for, one policy replayed.
const trace = ic.Replay.syntheticTrace({ seed: 3, durationSeconds: 600, meanRequestsPerSecond: 1 });
const burstTarget = ic.Replay.burstTargetUtilization(plan, trace);
assert.ok(burstTarget > 0 && burstTarget <= plan.targetUtilization, `burst target ${burstTarget}`);
const replayed = ic.Replay.run(
  ic.Replay.fromPlannedDeployment({ name: 'mistral', platform: 'EKS', server: 'vLLM', plan, scalingPolicy: ic.TokenScaling.fromPlan(plan, { maxReplicas: 2 }) }),
  trace,
  { policies: [ic.ReplayPolicyKind.OUTPUT_TOKENS] },
);
assert.equal(replayed.length, 1);
assert.ok(replayed[0].sloAttainment >= 0 && replayed[0].sloAttainment <= 1);
console.log(`plain JavaScript consumer: ${objects.length} objects, ${plan.model.name} on ${plan.instance.name}`);
