// What `cdk8s synth` wrote for consumer app 4: a TPU workload on GKE and its KEDA scaler.
'use strict';
const assert = require('node:assert/strict');
const { readFileSync, readdirSync } = require('node:fs');
const files = readdirSync('dist').filter((f) => f.endsWith('.k8s.yaml'));
assert.ok(files.length > 0, 'cdk8s synth wrote no manifest to dist/');
const yaml = files.map((f) => readFileSync(`dist/${f}`, 'utf8')).join('\n---\n');
for (const expected of ['kind: ScaledObject', 'kind: ComputeClass', 'kind: PodMonitoring', 'google.com/tpu', 'cloud.google.com/gke-tpu-topology: 2x4']) {
  assert.ok(yaml.includes(expected), `the manifests lack ${JSON.stringify(expected)}`);
}
console.log(`cdk8s consumer: ${files.join(', ')} (${yaml.split('\nkind: ').length - 1} objects)`);
