/**
 * Synth-time checks once per synth (constructs/k8s/synth-pass.ts): cdk8s 2.70 validates the
 * whole app in App.synth() and again in every Chart.toJson() it calls (lib/app.ts
 * `App._synthChart` runs `validate(app)`), so inside `SynthPass.run` the placement check and the
 * rule pack compute once; outside it, every validation computes afresh.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ModelDeployment } from '../../constructs/k8s/model-deployment.js';
import { AcceleratorNodePool } from '../../constructs/k8s/node-pools.js';
import { PlacementCheck } from '../../constructs/k8s/placement-check.js';
import { InferenceRules } from '../../constructs/k8s/rule-pack.js';
import { SynthPass } from '../../constructs/k8s/synth-pass.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { KubernetesPlatform } from '../../lib/platforms.js';
import { ModelServer } from '../../lib/servers.js';

const inf2Plan = () => planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'inf2.8xlarge', modelServer: ModelServer.VLLM_NEURON });

afterEach(() => vi.restoreAllMocks());

describe('SynthPass.once', () => {
  test('computes once per run and on every call outside one', () => {
    const check = vi.fn(() => ['finding']);
    const key = {};
    SynthPass.run(() => {
      expect([SynthPass.once(key, check), SynthPass.once(key, check), SynthPass.once(key, check)]).toEqual([['finding'], ['finding'], ['finding']]);
    });
    expect(check).toHaveBeenCalledTimes(1);
    SynthPass.once(key, check);
    SynthPass.once(key, check);
    expect(check).toHaveBeenCalledTimes(3);
  });

  test('throws the first pass error again on later passes of the run, and forgets it after the run', () => {
    const error = new Error('bad');
    const check = vi.fn(() => {
      throw error;
    });
    const key = {};
    SynthPass.run(() => {
      expect(() => SynthPass.once(key, check)).toThrow(error);
      expect(() => SynthPass.once(key, check)).toThrow(error);
    });
    expect(check).toHaveBeenCalledTimes(1);
    expect(() => SynthPass.once(key, () => 'fine')).not.toThrow();
  });
});

/** An app of `charts` charts, each one inf2 workload on its pool, with a placement check and the app-wide rule pack. */
function app(charts: number) {
  const k8s = Testing.app();
  InferenceRules.ofApp(k8s);
  for (let i = 0; i < charts; i++) {
    const chart = new Chart(k8s, `c${i}`, { namespace: 'models' });
    new ModelDeployment(chart, 'Model', { plan: inf2Plan(), platform: KubernetesPlatform.EKS_AUTO_MODE, huggingFaceTokenSecret: { name: 'hf' } });
    new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['inf2.8xlarge'], maxDevices: 4 });
    new PlacementCheck(chart, 'Placement');
  }
  return k8s;
}

describe('the placement check and the rule pack inside SynthPass.run', () => {
  test('serialize each object for the checks once, not once per chart written, and write the same YAML', () => {
    const plain = app(3).synthYaml();
    const spy = vi.spyOn(ApiObject.prototype, 'toJson');
    app(3).synthYaml();
    const without = spy.mock.calls.length;
    spy.mockClear();
    const yaml = SynthPass.run(() => app(3).synthYaml());
    const within = spy.mock.calls.length;
    expect(yaml).toBe(plain);
    // cdk8s: one validation pass in synth plus one per chart (4 here), each with the placement
    // check of every chart and the rule pack over all charts, and one serialization to write.
    expect(within).toBeLessThan(without / 2);
  });

  test('a placement error found on the first pass still fails the synth', () => {
    const k8s = Testing.app();
    const chart = new Chart(k8s, 'c');
    new ModelDeployment(chart, 'Model', { plan: inf2Plan(), platform: KubernetesPlatform.EKS_KARPENTER, huggingFaceTokenSecret: { name: 'hf' } });
    new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['inf2.8xlarge'], maxDevices: 4 });
    new PlacementCheck(chart, 'Placement');
    new Chart(k8s, 'other');
    expect(() => SynthPass.run(() => k8s.synthYaml())).toThrow(/\[PoolNotFound\]/);
  });

  test('outside a run, a chart fixed after an earlier toJson passes: nothing is remembered between synths', () => {
    const k8s = Testing.app();
    const chart = new Chart(k8s, 'c', { namespace: 'models' });
    new ModelDeployment(chart, 'Model', { plan: inf2Plan(), platform: KubernetesPlatform.EKS_AUTO_MODE, huggingFaceTokenSecret: { name: 'hf' } });
    new PlacementCheck(chart, 'Placement');
    expect(() => SynthPass.run(() => chart.toJson())).toThrow(/\[PoolNotFound\]/);
    new AcceleratorNodePool(chart, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['inf2.8xlarge'], maxDevices: 4 });
    expect(() => SynthPass.run(() => chart.toJson())).not.toThrow();
  });
});
