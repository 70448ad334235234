/**
 * Text Generation Inference (TGI) as the model server on an NVIDIA node: flags from the plan,
 * its own port and health endpoint, and a KEDA scaler on TGI's generated-token counter.
 */
import { Chart, Testing } from 'cdk8s';
import { beforeAll, describe, expect, test } from 'vitest';
import { ModelDeployment } from '../../constructs/k8s/model-deployment.js';
import { PlacementCheck } from '../../constructs/k8s/placement-check.js';
import { AcceleratorNodePool } from '../../constructs/k8s/node-pools.js';
import { PrometheusSource, TokenThroughputScaler } from '../../constructs/k8s/token-scaler.js';
import { modelPreset } from '../../lib/models.js';
import { ModelServer } from '../../lib/servers.js';
import { planCapacity } from '../../lib/planner.js';
import { tokenScalingPolicy } from '../../lib/scaling.js';
import { Manifest, expectValid, one } from './support.js';
import { KubernetesPlatform } from '../../lib/platforms.js';

describe('ModelDeployment with TGI', () => {
  const tgi = ModelServer.TGI.profile;
  let objects: Manifest[];

  beforeAll(() => {
    // GIVEN Qwen2.5 7B on one L40S (g6e.xlarge) served by TGI
    const chart = new Chart(Testing.app(), 'qwen', { namespace: 'inference' });
    const plan = planCapacity({ model: modelPreset('qwen2-5-7b'), instanceType: 'g6e.xlarge' });
    const policy = tokenScalingPolicy(plan, { minReplicas: 1, maxReplicas: 3 });
    const model = new ModelDeployment(chart, 'Model', { plan, server: ModelServer.TGI, platform: KubernetesPlatform.EKS_KARPENTER });
    new TokenThroughputScaler(chart, 'Scaler', {
      target: model,
      policy,
      prometheus: PrometheusSource.inCluster({ serverAddress: 'http://prometheus-operated.monitoring.svc:9090' }),
      // Pods are scraped through annotations; the backend's interval is given explicitly.
      scrapeIntervalSeconds: 15,
    });
    const pool = new AcceleratorNodePool(chart, 'Pool', {
      mode: KubernetesPlatform.EKS_KARPENTER,
      instanceTypes: ['g6e.xlarge'],
      clusterName: 'inference',
      nodeRoleName: 'KarpenterNodeRole-inference',
    });
    pool.addWorkload(model);
    new PlacementCheck(chart, 'Placement');
    // WHEN
    objects = Testing.synth(chart);
  });

  test('runs the pinned TGI image with flags from the plan', () => {
    const container = one(objects, 'Deployment').spec.template.spec.containers[0];
    expect(container.image).toBe(tgi.kubernetesImage);
    expect(container.args).toEqual(expect.arrayContaining(['--model-id', 'Qwen/Qwen2.5-7B-Instruct', '--num-shard', '1']));
    expect(container.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(container.resources.requests['nvidia.com/gpu']).toBe(1);
  });

  test('probes TGI on its own port and health path', () => {
    const container = one(objects, 'Deployment').spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet).toMatchObject({ path: tgi.healthPath, port: tgi.port });
  });

  test('scales on the pool-wide rate of TGI generated tokens', () => {
    const trigger = one(objects, 'ScaledObject').spec.triggers[0];
    expect(trigger.metadata.query).toMatch(/^sum\(rate\(tgi_request_generated_tokens_sum\{namespace="inference"/);
    expect(trigger.metricType).toBe('AverageValue');
  });

  test('every object passes strict validation', () => {
    expectValid(objects);
  });
});
