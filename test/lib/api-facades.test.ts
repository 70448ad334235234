/**
 * The static facades (the public surface in every language) return exactly what the TypeScript
 * functions they wrap return, and raise the same errors.
 */
import { describe, expect, test } from 'vitest';
import {
  AcceleratorCatalog,
  DEVICES,
  INSTANCE_TYPES,
  PRICES_AS_OF,
  SAGEMAKER_PRICES_AS_OF,
  TPU_ACCELERATORS,
  TPU_SLICES,
  instanceType,
  sagemakerInstanceType,
  singleHostSlice,
  tpuNodeSelector,
  tpuSlice,
} from '../../lib/accelerators.js';
import { CapacityPlanner, type CheapestPlanInput } from '../../lib/api/capacity-planner.js';
import { Placement } from '../../lib/api/placement.js';
import { PlanReport } from '../../lib/api/plan-report.js';
import { TokenScaling } from '../../lib/api/token-scaling.js';
import { BYTES_PER_WEIGHT, MODEL_PRESETS, Model, PRECISIONS, defineModel, kvBytesPerToken, kvCacheBytesForSequence, modelPreset, type ModelSpec } from '../../lib/models.js';
import {
  CHECKPOINT_GIB_ANNOTATION,
  HOST_LOAD_GIB_ANNOTATION,
  PLANNED_STARTUP_SECONDS_ANNOTATION,
  PLAN_ANNOTATION_PREFIX,
  PlanAnnotations,
  TARGET_TOKENS_PER_SECOND_ANNOTATION,
} from '../../lib/plan-annotations.js';
import { checkPlacement, workloadDemandsFromManifests, type PoolCapacity } from '../../lib/placement.js';
import { devicesForReplicas, nodesForReplicas, planCapacity, planCheapest } from '../../lib/planner.js';
import { renderPlanReport, type PlannedDeployment } from '../../lib/report.js';
import { tokenScalingPolicy } from '../../lib/scaling.js';
import { expectError } from './expect-error.js';
import { Precision } from '../../lib/models.js';

/** `llama-3-1-8b` -> `LLAMA_3_1_8B`: the constant a preset is reachable as. */
function constantName(preset: string): string {
  return preset.toUpperCase().replace(/-/g, '_');
}

describe('Model', () => {
  test('every preset is a static constant named after it, the same object modelPreset returns', () => {
    const names = Object.keys(MODEL_PRESETS).sort();
    expect(Model.presetNames()).toEqual(names);
    for (const name of names) {
      const constant = (Model as unknown as { [key: string]: ModelSpec })[constantName(name)];
      expect(constant, constantName(name)).toBe(modelPreset(name));
      expect(Model.preset(name)).toBe(modelPreset(name));
    }
    // the constants the consumer apps and README use, and the 2026 presets
    expect(Model.LLAMA_3_1_8B.name).toBe('llama-3-1-8b');
    expect(Model.GEMMA_2_9B.name).toBe('gemma-2-9b');
    expect(Model.GPT_OSS_120B.name).toBe('gpt-oss-120b');
    expect(Model.DEEPSEEK_V3.name).toBe('deepseek-v3');
    expect(Model.MISTRAL_SMALL_3_1_24B.name).toBe('mistral-small-3-1-24b');
  });

  test('no static constant names a model that is not a preset', () => {
    const constants = Object.keys(Model).filter((k) => /^[A-Z0-9_]+$/.test(k));
    expect(constants.sort()).toEqual(Object.keys(MODEL_PRESETS).map(constantName).sort());
  });

  test('preset throws ModelPresetUnknown like modelPreset', () => {
    expectError(() => Model.preset('llama-9'), 'ModelPresetUnknown', 'model', 'llama-9');
  });

  test('custom validates like defineModel and returns the spec unchanged', () => {
    const spec: ModelSpec = { ...Model.LLAMA_3_1_8B, name: 'llama-ft', huggingFaceId: 'acme/llama-ft', gated: false };
    expect(Model.custom(spec)).toBe(spec);
    expect(Model.custom(spec)).toBe(defineModel(spec));
    expectError(() => Model.custom({ ...spec, layers: 0 }), 'ModelFieldInvalid', 'model.layers', 0);
  });

  test('kvBytesPerToken, kvCacheBytesForSequence and bytesPerWeight equal the functions and tables', () => {
    for (const p of PRECISIONS) {
      expect(Model.bytesPerWeight(p)).toBe(BYTES_PER_WEIGHT[p]);
      expect(Model.kvBytesPerToken(Model.DEEPSEEK_V3, p)).toBe(kvBytesPerToken(Model.DEEPSEEK_V3, p));
      expect(Model.kvCacheBytesForSequence(Model.GEMMA_2_9B, 8192, p)).toBe(kvCacheBytesForSequence(Model.GEMMA_2_9B, 8192, p));
    }
    // 32 layers x 2 x 8 KV heads x 128 x 2 bytes (bf16)
    expect(Model.kvBytesPerToken(Model.LLAMA_3_1_8B, Precision.BF16)).toBe(32 * 2 * 8 * 128 * 2);
    expect(Model.precisions()).toEqual([...PRECISIONS]);
  });

  test('a precision that is not a format (a string from another language) is PrecisionUnsupported', () => {
    expectError(() => Model.bytesPerWeight('fp12' as never), 'PrecisionUnsupported', 'precision', 'fp12');
    expectError(() => Model.kvBytesPerToken(Model.LLAMA_3_1_8B, 'bfloat16' as never), 'PrecisionUnsupported', 'kvCachePrecision', 'bfloat16');
  });
});

describe('AcceleratorCatalog', () => {
  test('look-ups return the rows the functions return', () => {
    expect(AcceleratorCatalog.instanceType('inf2.xlarge')).toBe(instanceType('inf2.xlarge'));
    expect(AcceleratorCatalog.instanceType('ml.g5.12xlarge')).toBe(instanceType('ml.g5.12xlarge'));
    expect(AcceleratorCatalog.sagemakerInstanceType('ml.inf2.xlarge')).toBe(sagemakerInstanceType('ml.inf2.xlarge'));
    expect(AcceleratorCatalog.tpuSlice('tpu-v5-lite-podslice', '2x4')).toBe(tpuSlice('tpu-v5-lite-podslice', '2x4'));
    expect(AcceleratorCatalog.singleHostTpuSlice('ct5lp-hightpu-8t')).toBe(singleHostSlice('ct5lp-hightpu-8t'));
    expect(AcceleratorCatalog.singleHostTpuSlice('inf2.xlarge')).toBeUndefined();
    const s = tpuSlice('tpu-v6e-slice', '2x2');
    expect(AcceleratorCatalog.tpuNodeSelector(s)).toEqual(tpuNodeSelector(s));
  });

  test('look-ups throw the functions\' errors', () => {
    expectError(() => AcceleratorCatalog.instanceType('inf3.xlarge'), 'InstanceTypeUnknown', 'instanceType', 'inf3.xlarge');
    expectError(() => AcceleratorCatalog.sagemakerInstanceType('ct5lp-hightpu-8t'), 'InstanceTypeNotOnSageMaker', 'instanceType', 'ct5lp-hightpu-8t');
    expectError(() => AcceleratorCatalog.tpuSlice('tpu-v9', '2x2'), 'TpuAcceleratorUnknown', 'tpuSlice.accelerator', 'tpu-v9');
    expectError(() => AcceleratorCatalog.tpuSlice('tpu-v5-lite-podslice', '3x3'), 'TpuTopologyInvalid', 'tpuSlice.topology', '3x3');
  });

  test('the tables are fresh copies of the catalogue, in its order', () => {
    const rows = AcceleratorCatalog.instanceTypes();
    expect(rows).toEqual([...INSTANCE_TYPES]);
    rows.reverse();
    expect(AcceleratorCatalog.instanceTypes()[0]).toBe(INSTANCE_TYPES[0]);
    expect(AcceleratorCatalog.tpuSlices()).toEqual([...TPU_SLICES]);
    expect(AcceleratorCatalog.devices()).toEqual(Object.values(DEVICES));
    expect(AcceleratorCatalog.tpuAccelerators()).toEqual([...TPU_ACCELERATORS]);
    expect(AcceleratorCatalog.PRICES_AS_OF).toBe(PRICES_AS_OF);
    expect(AcceleratorCatalog.SAGEMAKER_PRICES_AS_OF).toBe(SAGEMAKER_PRICES_AS_OF);
  });
});

describe('CapacityPlanner', () => {
  const input = { model: modelPreset('llama-3-1-8b'), instanceType: 'inf2.xlarge', peakTokensPerSecond: 1000 };

  test('plan equals planCapacity', () => {
    expect(CapacityPlanner.plan(input)).toEqual(planCapacity(input));
    const slice = { model: modelPreset('gemma-2-9b'), tpuSlice: tpuSlice('tpu-v5-lite-podslice', '2x4') };
    expect(CapacityPlanner.plan(slice)).toEqual(planCapacity(slice));
  });

  test('cheapest takes the named CheapestPlanInput struct and equals planCheapest', () => {
    const cheapest: CheapestPlanInput = { model: modelPreset('llama-3-1-8b'), candidates: ['g6e.xlarge', 'inf2.xlarge', 'tpu-v6e-slice/2x2'], peakTokensPerSecond: 2000 };
    const plan = CapacityPlanner.cheapest(cheapest);
    expect(plan).toEqual(planCheapest(cheapest));
    expectError(() => CapacityPlanner.cheapest({ ...cheapest, candidates: [] }), 'CandidatesEmpty', 'candidates', []);
  });

  test('devicesForReplicas and nodesForReplicas equal the functions', () => {
    const plan = planCapacity(input);
    for (const n of [0, 1, 3, 7]) {
      expect(CapacityPlanner.devicesForReplicas(plan, n)).toBe(devicesForReplicas(plan, n));
      expect(CapacityPlanner.nodesForReplicas(plan, n)).toBe(nodesForReplicas(plan, n));
    }
    expectError(() => CapacityPlanner.nodesForReplicas(plan, 1.5), 'ReplicasInvalid', 'replicas', 1.5);
  });
});

describe('TokenScaling', () => {
  const plan = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'inf2.xlarge', peakTokensPerSecond: 1000 });

  test('fromPlan equals tokenScalingPolicy, with and without options', () => {
    expect(TokenScaling.fromPlan(plan)).toEqual(tokenScalingPolicy(plan));
    const options = { minReplicas: 0, scaleToZero: true, maxReplicas: 6, scaleUp: { periodSeconds: 30 } };
    expect(TokenScaling.fromPlan(plan, options)).toEqual(tokenScalingPolicy(plan, options));
    expectError(() => TokenScaling.fromPlan(plan, { minReplicas: 5, maxReplicas: 2 }), 'MinAboveMax', 'minReplicas', 5);
  });
});

describe('Placement', () => {
  const pool: PoolCapacity = { name: 'inferentia2', labels: { 'karpenter.k8s.aws/instance-family': 'inf2' }, taints: [{ key: 'aws.amazon.com/neuron', value: 'true', effect: 'NoSchedule' }], limits: { 'aws.amazon.com/neuron': 2 } };
  const manifests = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'm', namespace: 'models' },
      spec: {
        replicas: 3,
        template: {
          spec: {
            nodeSelector: { 'karpenter.k8s.aws/instance-family': 'inf2' },
            tolerations: [{ key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' }],
            containers: [{ name: 'server', resources: { limits: { 'aws.amazon.com/neuron': 1 } } }],
          },
        },
      },
    },
  ];

  test('demandsFromManifests equals workloadDemandsFromManifests', () => {
    expect(Placement.demandsFromManifests(manifests)).toEqual(workloadDemandsFromManifests(manifests));
    expect(Placement.demandsFromManifests(manifests)).toHaveLength(1);
  });

  test('check passes and fails where checkPlacement does', () => {
    const demands = workloadDemandsFromManifests(manifests);
    const roomy = { ...pool, limits: { 'aws.amazon.com/neuron': 8 } };
    expect(() => checkPlacement(demands, [roomy])).not.toThrow();
    expect(() => Placement.check(demands, [roomy])).not.toThrow();
    // 3 replicas x 1 device > a limit of 2
    expect(() => checkPlacement(demands, [pool])).toThrow(/PoolLimitExceeded/);
    expect(() => Placement.check(demands, [pool])).toThrow(/PoolLimitExceeded/);
  });
});

describe('PlanReport', () => {
  const plan = planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType: 'inf2.xlarge', peakTokensPerSecond: 1000 });
  const deployments: PlannedDeployment[] = [{ name: 'sagemaker/llama-3-1-8b', platform: 'SageMaker', server: 'vLLM', plan, scalingPolicy: tokenScalingPolicy(plan) }];

  test('render equals renderPlanReport, with and without a title', () => {
    expect(PlanReport.render(deployments)).toBe(renderPlanReport(deployments));
    expect(PlanReport.render(deployments, { title: 'Fleet' })).toBe(renderPlanReport(deployments, { title: 'Fleet' }));
    expect(PlanReport.render(deployments, { title: 'Fleet' })).toContain('Fleet');
  });
});

describe('PlanAnnotations', () => {
  test('the static keys are the annotation constants', () => {
    expect(PlanAnnotations.PREFIX).toBe(PLAN_ANNOTATION_PREFIX);
    expect(PlanAnnotations.TARGET_TOKENS_PER_SECOND).toBe(TARGET_TOKENS_PER_SECOND_ANNOTATION);
    expect(PlanAnnotations.PLANNED_STARTUP_SECONDS).toBe(PLANNED_STARTUP_SECONDS_ANNOTATION);
    expect(PlanAnnotations.CHECKPOINT_GIB).toBe(CHECKPOINT_GIB_ANNOTATION);
    expect(PlanAnnotations.HOST_LOAD_GIB).toBe(HOST_LOAD_GIB_ANNOTATION);
    expect(PlanAnnotations.keys()).toEqual([CHECKPOINT_GIB_ANNOTATION, HOST_LOAD_GIB_ANNOTATION, PLANNED_STARTUP_SECONDS_ANNOTATION, TARGET_TOKENS_PER_SECOND_ANNOTATION].sort());
    for (const k of PlanAnnotations.keys()) expect(k.startsWith(PLAN_ANNOTATION_PREFIX)).toBe(true);
  });
});
