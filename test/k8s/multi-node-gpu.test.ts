/**
 * A replica pipelined across GPU nodes: DeepSeek-V3 (FP8, ~671 GB) does not fit one
 * p5.48xlarge (8 x H100, 637 GiB usable), so the planner spans two nodes (TP 8 within each
 * node, PP 2 across them, vLLM v0.11 `--tensor-parallel-size 8 --pipeline-parallel-size 2`
 * over Ray, https://docs.vllm.ai/en/v0.11.0/serving/parallelism_scaling.html), rendered as a
 * LeaderWorkerSet of two pods as vLLM's LWS guide and `examples/online_serving/multi-node-serving.sh`
 * start it (https://docs.vllm.ai/en/v0.11.0/deployment/frameworks/lws.html), scaled by KEDA on
 * tokens, on a Karpenter pool whose limit counts whole groups of nodes.
 */
import { Chart, Testing } from 'cdk8s';
import { beforeAll, describe, expect, test } from 'vitest';
import { AcceleratorNodePool } from '../../constructs/k8s/node-pools.js';
import { InferenceRules } from '../../constructs/k8s/rule-pack.js';
import { ModelDeployment } from '../../constructs/k8s/model-deployment.js';
import { PlacementCheck } from '../../constructs/k8s/placement-check.js';
import { PrometheusSource, TokenThroughputScaler } from '../../constructs/k8s/token-scaler.js';
import { ModelServer } from '../../lib/servers.js';
import { modelPreset } from '../../lib/models.js';
import { nodesForReplicas, planCapacity } from '../../lib/planner.js';
import { tokenScalingPolicy } from '../../lib/scaling.js';
import { Manifest, expectValid, one } from './support.js';
import { KubernetesPlatform } from '../../lib/platforms.js';

const plan = () => planCapacity({ model: modelPreset('deepseek-v3'), instanceType: 'p5.48xlarge' });

function scenario(): { objects: Manifest[]; chart: Chart } {
  const chart = new Chart(Testing.app(), 'deepseek', { namespace: 'inference' });
  const p = plan();
  const policy = tokenScalingPolicy(p, { minReplicas: 2, maxReplicas: 3, metricWindowSeconds: 240 });
  const model = new ModelDeployment(chart, 'Model', { plan: p, platform: KubernetesPlatform.EKS_KARPENTER });
  new TokenThroughputScaler(chart, 'Scaler', {
    target: model,
    policy,
    prometheus: PrometheusSource.inCluster({ serverAddress: 'http://prometheus-operated.monitoring.svc:9090' }),
    // The Prometheus community chart's default scrape interval (global.scrape_interval: 1m).
    scrapeIntervalSeconds: 60,
  });
  const pool = new AcceleratorNodePool(chart, 'Pool', {
    mode: KubernetesPlatform.EKS_KARPENTER,
    name: 'nvidia-h100',
    instanceTypes: ['p5.48xlarge'],
    clusterName: 'inference',
    nodeRoleName: 'KarpenterNodeRole-inference',
  });
  pool.addWorkload(model);
  new PlacementCheck(chart, 'Placement');
  return { objects: Testing.synth(chart), chart };
}

describe('DeepSeek-V3 FP8 on 2 x p5.48xlarge per replica (TP 8 x PP 2)', () => {
  let objects: Manifest[];
  let chart: Chart;
  let lws: Manifest;
  beforeAll(() => {
    ({ objects, chart } = scenario());
    lws = one(objects, 'LeaderWorkerSet', 'deepseek-v3');
  });

  test('the plan: TP 8 within a node, PP 2 across two nodes, FP8 native on Hopper, memory over both nodes', () => {
    const p = plan();
    expect([p.tensorParallelDegree, p.pipelineParallelDegree, p.hostsPerReplica, p.devicesPerReplica]).toEqual([8, 2, 2, 8]);
    expect(p.precision).toBe('fp8');
    expect(p.precisionSupport).toBe('native');
    expect(p.memory.availableGiB).toBeCloseTo(2 * 8 * 79.65, 1);
    expect(p.memory.weightsGiB).toBeGreaterThan(8 * 79.65 * 0.9); // does not fit one node with headroom
    expect(p.cost.perReplicaHourUsd).toBeCloseTo(2 * p.cost.perNodeHourUsd, 4);
    expect(p.stepTime.pipelineStages).toBe(2);
    expect(nodesForReplicas(p, 2)).toBe(4);
  });

  test('every object passes strict validation, the LeaderWorkerSet against its CRD', () => {
    expectValid(objects);
  });

  test('the rule pack finds nothing', () => {
    expect(InferenceRules.checkCharts([chart]).findings).toEqual([]);
  });

  test('a group of two pods, each requesting all 8 GPUs of its node; leader serves with the pipeline flags over Ray', () => {
    const t = lws.spec.leaderWorkerTemplate;
    expect(t.size).toBe(2);
    expect(lws.spec.startupPolicy).toBe('LeaderCreated');
    const leader = t.leaderTemplate.spec.containers[0];
    const worker = t.workerTemplate.spec.containers[0];
    expect(leader.resources.limits['nvidia.com/gpu']).toBe(8);
    expect(worker.resources.limits['nvidia.com/gpu']).toBe(8);
    expect(leader.command.join(' ')).toMatch(/ray start --head[\s\S]*--distributed-executor-backend ray/);
    expect(worker.command.join(' ')).toMatch(/ray start --address="\$LWS_LEADER_ADDRESS:6379" --block/);
    const args: string[] = leader.args;
    expect(args.slice(args.indexOf('--tensor-parallel-size'), args.indexOf('--tensor-parallel-size') + 4)).toEqual([
      '--tensor-parallel-size', '8', '--pipeline-parallel-size', '2',
    ]);
  });

  test('KEDA scales the LeaderWorkerSet on tokens; the pool limit counts both nodes of each group', () => {
    const so = one(objects, 'ScaledObject');
    expect(so.spec.scaleTargetRef).toMatchObject({ apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet', name: 'deepseek-v3' });
    expect(lws.spec.replicas).toBeUndefined();
    const pool = one(objects, 'NodePool');
    expect(pool.spec.limits['nvidia.com/gpu']).toBe(3 * 2 * 8);
  });

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });
});

describe('multi-node GPU refusals', () => {
  test('TGI cannot pipeline across nodes: PipelineParallelUnsupported names vllm (vLLM v0.11 parallelism guide)', () => {
    expect(() => planCapacity({ model: modelPreset('deepseek-v3'), instanceType: 'p5.48xlarge', modelServer: ModelServer.TGI })).toThrow(
      /\[PipelineParallelUnsupported\] modelServer: .*"tgi" cannot pipeline .*fix: serve it with vllm/,
    );
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new ModelDeployment(chart, 'M', { plan: plan(), platform: KubernetesPlatform.EKS_KARPENTER, server: ModelServer.TGI })).toThrow(/\[PipelineParallelUnsupported\]/);
  });

  test('maxNodesPerReplica 1 refuses the multi-node plan with the fix named', () => {
    expect(() => planCapacity({ model: modelPreset('deepseek-v3'), instanceType: 'p5.48xlarge', maxNodesPerReplica: 1 })).toThrow(
      /\[ModelDoesNotFit\][\s\S]*more nodes per replica \(maxNodesPerReplica, now 1\)/,
    );
  });

  test('a single node that holds the model is preferred (DeepSeek-V3 on p5e.48xlarge: 8 x H200)', () => {
    const p = planCapacity({ model: modelPreset('deepseek-v3'), instanceType: 'p5e.48xlarge' });
    expect([p.tensorParallelDegree, p.pipelineParallelDegree, p.hostsPerReplica]).toEqual([8, 1, 1]);
  });
});
