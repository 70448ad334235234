/**
 * The synth-time readers (placement check, rule pack, node-pool sizing) share one rendering of
 * each object per SynthPass run (constructs/k8s/private/rendered-json.ts): cdk8s 2.70 validates
 * the whole app in App.synth() and again in every Chart.toJson() (lib/app.ts `App._synthChart`),
 * and each reader used to resolve every object it read on every pass. Outside a run nothing is
 * shared; the JSON is frozen either way.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ModelDeployment } from '../../constructs/k8s/model-deployment.js';
import { AcceleratorNodePool } from '../../constructs/k8s/node-pools.js';
import { PlacementCheck } from '../../constructs/k8s/placement-check.js';
import { renderedJson, renderedObjects } from '../../constructs/k8s/private/rendered-json.js';
import { InferenceRules } from '../../constructs/k8s/rule-pack.js';
import { SynthPass } from '../../constructs/k8s/synth-pass.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { KubernetesPlatform } from '../../lib/platforms.js';
import { ModelServer } from '../../lib/servers.js';

const inf2Plan = () => planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'inf2.8xlarge', modelServer: ModelServer.VLLM_NEURON });

afterEach(() => vi.restoreAllMocks());

/** A chart with a workload on a pool sized from it (no maxDevices), its placement check and the rule pack. */
function chart(): Chart {
  const k8s = Testing.app();
  InferenceRules.ofApp(k8s);
  const c = new Chart(k8s, 'c', { namespace: 'models' });
  const model = new ModelDeployment(c, 'Model', { plan: inf2Plan(), platform: KubernetesPlatform.EKS_AUTO_MODE, huggingFaceTokenSecret: { name: 'hf' } });
  new AcceleratorNodePool(c, 'Pool', { mode: KubernetesPlatform.EKS_AUTO_MODE, instanceTypes: ['inf2.8xlarge'] }).addWorkload(model);
  new PlacementCheck(c, 'Placement');
  return c;
}

const deploymentOf = (c: Chart): ApiObject => c.node.findAll().find((o): o is ApiObject => o instanceof ApiObject && o.kind === 'Deployment')!;

describe('renderedJson', () => {
  test('renders an object once per SynthPass run, and afresh on every call outside one', () => {
    const deployment = deploymentOf(chart());
    const spy = vi.spyOn(deployment, 'toJson');
    SynthPass.run(() => {
      expect(renderedJson(deployment)).toBe(renderedJson(deployment));
    });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(renderedJson(deployment)).not.toBe(renderedJson(deployment));
    expect(spy).toHaveBeenCalledTimes(3);
  });

  test('is the JSON cdk8s renders, frozen so that no reader changes what the next one reads', () => {
    const deployment = deploymentOf(chart());
    const json = renderedJson(deployment) as { spec: { template: { spec: { containers: unknown[] } } } };
    expect(json).toEqual(deployment.toJson());
    expect(Object.isFrozen(json.spec.template.spec.containers[0])).toBe(true);
    expect(() => json.spec.template.spec.containers.push({})).toThrow(TypeError);
  });

  test('renderedObjects selects objects in tree order', () => {
    const c = chart();
    expect(renderedObjects(c, (o) => o.kind === 'Deployment' || o.kind === 'Service').map((o) => (o as { kind: string }).kind)).toEqual(['Deployment', 'Service']);
  });
});

describe('the readers inside SynthPass.run', () => {
  test('render the workload once for the pool limit, the placement check and the rule pack over every validation pass, and write the same YAML', () => {
    const plain = Testing.synth(chart());
    const c = chart();
    const spy = vi.spyOn(deploymentOf(c), 'toJson');
    const objects = SynthPass.run(() => Testing.synth(c));
    expect(objects).toEqual(plain);
    // One rendering shared by the readers, one more by cdk8s to write the chart.
    expect(spy).toHaveBeenCalledTimes(2);
  });
});
