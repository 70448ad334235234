import { describe, expect, test } from 'vitest';
import { DEVICES, DeviceSupport, NATIVE_PRECISIONS, TPU7X_GKE, INSTANCE_TYPES, Pricing, TPU_ACCELERATORS, UNPUBLISHED_USD_PER_HOUR, TPU_SLICES, instanceType, sagemakerInstanceType, singleHostSlice, tpuNodeSelector, tpuSlice } from '../../lib/accelerators.js';
import { expectError } from './expect-error.js';
import { TpuAccelerator } from '../../lib/accelerators.js';
import { DeviceArchitecture } from '../../lib/accelerators.js';
import { Precision } from '../../lib/models.js';
import { AcceleratorClass } from '../../lib/accelerators.js';

/**
 * Accelerator memory per node as the vendors' instance pages state it (GiB / GB), written out
 * independently of the catalogue's per-device figures.
 * inf2: https://aws.amazon.com/ec2/instance-types/inf2/ ; g5/g6/g6e/p4/p5: the EC2 instance-type pages;
 * TPU: https://cloud.google.com/kubernetes-engine/docs/concepts/plan-tpus ; G2/A3: https://cloud.google.com/compute/docs/gpus
 */
const NODE_ACCELERATOR_MEMORY: Record<string, number> = {
  'inf2.xlarge': 32,
  'inf2.8xlarge': 32,
  'inf2.24xlarge': 192,
  'inf2.48xlarge': 384,
  'g5.xlarge': 24,
  'g5.12xlarge': 96,
  'g5.48xlarge': 192,
  'g6.xlarge': 24,
  'g6.12xlarge': 96,
  'g6.48xlarge': 192,
  'g6e.xlarge': 48,
  'g6e.12xlarge': 192,
  'g6e.48xlarge': 384,
  'p4d.24xlarge': 320,
  'p4de.24xlarge': 640,
  'p5.48xlarge': 640,
  'p5e.48xlarge': 1128,
  'p5en.48xlarge': 1128,
  'ct5lp-hightpu-8t': 128,
  'ct6e-standard-8t': 256,
  'ct5p-hightpu-4t': 380,
  'g2-standard-96': 192,
  'a3-highgpu-8g': 640,
  // https://aws.amazon.com/ec2/instance-types/p6/ , /g7e/ , /trn2/ , /p5/
  'p6-b200.48xlarge': 1432,
  'g7e.2xlarge': 96,
  'g7e.12xlarge': 192,
  'g7e.48xlarge': 768,
  'trn2.48xlarge': 1536,
  'p5.4xlarge': 80,
  // G4: 96 GB GDDR7 per RTX PRO 6000 (https://cloud.google.com/compute/docs/gpus)
  'g4-standard-384': 768,
  // TPU7x: 192 GiB HBM per chip, 4 chips per VM (https://docs.cloud.google.com/tpu/docs/tpu7x)
  'tpu7x-standard-4t': 768,
  // P6-B300: 8 x B300, 2,148 GiB (EC2 accelerated computing specifications)
  'p6-b300.48xlarge': 2148,
};

const REQUIRED_ROWS = [
  'inf2.xlarge', 'inf2.8xlarge', 'inf2.24xlarge', 'inf2.48xlarge',
  ...['g5', 'g6', 'g6e'].flatMap((f) => ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'].map((s) => `${f}.${s}`)),
  'p4d.24xlarge', 'p4de.24xlarge', 'p5.48xlarge', 'p5e.48xlarge', 'p5en.48xlarge',
  'ct5lp-hightpu-1t', 'ct5lp-hightpu-4t', 'ct5lp-hightpu-8t', 'ct6e-standard-1t', 'ct6e-standard-4t', 'ct6e-standard-8t', 'ct5p-hightpu-4t',
  'trn2.48xlarge', 'p6-b200.48xlarge', 'p5.4xlarge',
  ...['2xlarge', '4xlarge', '8xlarge', '12xlarge', '24xlarge', '48xlarge'].map((s) => `g7e.${s}`),
  'a4-highgpu-8g', 'g4-standard-48', 'g4-standard-96', 'g4-standard-192', 'g4-standard-384',
  'tpu7x-standard-4t', 'p6-b300.48xlarge',
];

/**
 * Rows whose vendor publishes no on-demand list price: TPU7x ("To get access to TPU7x, contact
 * your account team", https://docs.cloud.google.com/tpu/docs/tpu7x; none on https://cloud.google.com/tpu/pricing).
 */
const PRICE_UNPUBLISHED = ['tpu7x-standard-4t', 'p6-b300.48xlarge'];

const RESOURCE_BY_CLASS = { inferentia2: 'aws.amazon.com/neuron', 'nvidia-gpu': 'nvidia.com/gpu', tpu: 'google.com/tpu' } as const;
const GPU_NAME_BY_DEVICE: Record<string, string> = {
  'nvidia-a10g': 'a10g', 'nvidia-l4': 'l4', 'nvidia-l40s': 'l40s', 'nvidia-a100-40gb': 'a100', 'nvidia-a100-80gb': 'a100', 'nvidia-h100': 'h100', 'nvidia-h200': 'h200',
  // EKS best-practices aiml-compute page; the RTX PRO 6000 value is unpublished (g7e selects on family only)
  'nvidia-b200': 'b200',
};
/** NeuronCores the runtime exposes per chip at the default LNC: Inferentia2 2, Trainium2 4 (8 physical, LNC=2). */
const NEURON_CORES_PER_CHIP: Record<string, number> = { inferentia2: 2, trainium2: 4 };

/** Device-to-device link of multi-device nodes per family (EC2 / GCE instance specifications, Neuron and TPU docs). */
const INTERCONNECT_BY_FAMILY: Record<string, string> = {
  inf2: 'neuronlink', g5: 'pcie', g6: 'pcie', g6e: 'pcie', g2: 'pcie',
  p4d: 'nvlink', p4de: 'nvlink', p5: 'nvlink', p5e: 'nvlink', p5en: 'nvlink', a3: 'nvlink',
  ct5lp: 'ici', ct6e: 'ici', ct5p: 'ici',
  trn2: 'neuronlink', 'p6-b200': 'nvlink', 'p6-b300': 'nvlink', a4: 'nvlink', g7e: 'pcie', g4: 'pcie',
  // TPU7x: 4 chips per VM joined by ICI (1,200 GB/s per chip, TPU7x page)
  tpu7x: 'ici',
};
/** SageMaker rows whose ml.* hosting price could not be confirmed (left unset rather than guessed). */
const SAGEMAKER_PRICE_UNCONFIRMED = [
  'p5e.48xlarge', 'p5en.48xlarge', 'p6-b200.48xlarge', 'trn2.48xlarge',
  ...['2xlarge', '4xlarge', '8xlarge', '12xlarge', '24xlarge', '48xlarge'].map((s) => `g7e.${s}`),
];
const ARCHITECTURE_BY_DEVICE: Record<string, string> = {
  inferentia2: 'inferentia2',
  'nvidia-a10g': 'ampere', 'nvidia-a100-40gb': 'ampere', 'nvidia-a100-80gb': 'ampere',
  'nvidia-l4': 'ada', 'nvidia-l40s': 'ada',
  'nvidia-h100': 'hopper', 'nvidia-h200': 'hopper',
  'tpu-v5e': 'tpu-v5e', 'tpu-v6e': 'tpu-v6e', 'tpu-v5p': 'tpu-v5p',
  'nvidia-b200': 'blackwell', 'nvidia-b300': 'blackwell', 'nvidia-rtx-pro-6000': 'blackwell', trainium2: 'trainium2', tpu7x: 'tpu7x',
};

describe('the accelerator catalogue', () => {
  test('holds every required instance and machine type', () => {
    const names = INSTANCE_TYPES.map((r) => r.name);
    for (const name of REQUIRED_ROWS) expect(names).toContain(name);
  });

  test('is sorted by name and has no duplicates', () => {
    const names = INSTANCE_TYPES.map((r) => r.name);
    expect([...names].sort()).toEqual(names);
    expect(new Set(names).size).toBe(names.length);
  });

  test.each(INSTANCE_TYPES.map((r) => [r.name, r] as const))('row %s is consistent', (name, row) => {
    // identity
    expect(row.device).toBe(DEVICES[row.device.kind]);
    expect(row.acceleratorClass).toBe(row.device.acceleratorClass);
    expect(name.startsWith(row.family)).toBe(true);
    expect(Number.isInteger(row.devicesPerNode) && row.devicesPerNode > 0).toBe(true);
    expect(Number.isInteger(row.vcpu) && row.vcpu > 0).toBe(true);
    expect(row.hostMemoryGiB).toBeGreaterThan(0);
    // memory: devices x per-device memory = node accelerator memory
    expect(row.acceleratorMemoryGiB).toBe(row.devicesPerNode * row.device.memoryGiB);
    if (NODE_ACCELERATOR_MEMORY[name] !== undefined) expect(row.acceleratorMemoryGiB).toBe(NODE_ACCELERATOR_MEMORY[name]);
    expect(row.device.memoryBandwidthGBps).toBeGreaterThan(0);
    expect(row.device.source).toMatch(/^https:\/\//);
    // extended resource per class
    expect(row.kubernetes.resourceName).toBe(RESOURCE_BY_CLASS[row.acceleratorClass]);
    // price: a published list price, or explicitly unpublished with no number to compute with
    if (PRICE_UNPUBLISHED.includes(name)) {
      expect(row.price.published).toBe(false);
      expect(Pricing.isPublished(row.price)).toBe(false);
      expect(Number.isNaN(row.price.usdPerHour)).toBe(true);
    } else {
      expect(row.price.published).toBeUndefined();
      expect(Pricing.isPublished(row.price)).toBe(true);
      expect(Number.isFinite(row.price.usdPerHour)).toBe(true);
      expect(row.price.usdPerHour).toBeGreaterThan(0);
      expect(Pricing.perNodeHourUsd(row)).toBe(row.price.usdPerHour);
    }
    expect(row.price.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(row.price.source).toMatch(/^https:\/\//);
    expect(row.price.region).toBe(row.cloud === 'aws' ? (name === 'p5e.48xlarge' ? 'us-east-2' : 'us-east-1') : 'us-central1');
    // SageMaker: ml. + name, only on AWS
    if (row.sagemakerInstanceType !== undefined) {
      expect(row.cloud).toBe('aws');
      expect(row.sagemakerInstanceType).toBe(`ml.${name}`);
    }
    // per class
    switch (row.acceleratorClass) {
      case AcceleratorClass.INFERENTIA2:
        expect(row.cloud).toBe('aws');
        expect(row.neuronCoresPerNode).toBe(row.devicesPerNode * NEURON_CORES_PER_CHIP[row.device.kind]);
        expect(row.eksAmiType).toBe('AL2023_x86_64_NEURON');
        expect(row.kubernetes.taints).toEqual([{ key: 'aws.amazon.com/neuron', value: 'true', effect: 'NoSchedule' }]);
        expect(row.kubernetes.nodeSelector.karpenter).toEqual({ 'karpenter.k8s.aws/instance-family': row.family });
        expect(row.kubernetes.nodeSelector.eksAutoMode).toEqual({ 'eks.amazonaws.com/instance-family': row.family });
        expect(row.tpuAccelerator).toBeUndefined();
        break;
      case AcceleratorClass.NVIDIA_GPU:
        expect(row.neuronCoresPerNode).toBeUndefined();
        expect(row.tpuAccelerator).toBeUndefined();
        if (row.cloud === 'aws') {
          expect(row.eksAmiType).toBe('AL2023_x86_64_NVIDIA');
          expect(row.kubernetes.taints).toEqual([{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }]);
          const gpuName = GPU_NAME_BY_DEVICE[row.device.kind];
          expect(row.kubernetes.nodeSelector.karpenter).toEqual({
            'karpenter.k8s.aws/instance-family': row.family,
            ...(gpuName ? { 'karpenter.k8s.aws/instance-gpu-name': gpuName } : {}),
          });
          expect(row.kubernetes.nodeSelector.eksAutoMode).toEqual({
            'eks.amazonaws.com/instance-family': row.family,
            ...(gpuName ? { 'eks.amazonaws.com/instance-gpu-name': gpuName } : {}),
          });
        } else {
          expect(row.eksAmiType).toBeUndefined();
          expect(row.kubernetes.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }]);
          expect(row.kubernetes.nodeSelector.gke?.['cloud.google.com/gke-accelerator']).toMatch(/^nvidia-(l4|h100-80gb|b200|rtx-pro-6000)$/);
        }
        break;
      case AcceleratorClass.TPU:
        expect(row.cloud).toBe('gcp');
        expect(row.tpuAccelerator).toBeDefined();
        expect(TPU_ACCELERATORS).toContain(row.tpuAccelerator);
        expect(row.eksAmiType).toBeUndefined();
        expect(row.sagemakerInstanceType).toBeUndefined();
        expect(row.kubernetes.taints).toEqual([{ key: 'google.com/tpu', value: 'present', effect: 'NoSchedule' }]);
        expect(row.kubernetes.nodeSelector.gke).toEqual({ 'cloud.google.com/gke-tpu-accelerator': row.tpuAccelerator });
        // every TPU machine type forms one single-host slice with all its chips
        expect(singleHostSlice(name)?.chips).toBe(row.devicesPerNode);
        break;
    }
    if (row.cloud === 'aws') {
      expect(row.kubernetes.nodeSelector.managedNodeGroup).toEqual({
        'inference-constructs.io/accelerator-class': row.acceleratorClass,
        'inference-constructs.io/instance-family': row.family,
      });
      expect(row.kubernetes.karpenterRequirements?.[0]).toEqual({ key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: [row.family] });
      expect(row.kubernetes.karpenterRequirements?.at(-1)).toEqual({ key: 'node.kubernetes.io/instance-type', operator: 'In', values: [name] });
    }
  });

  test.each(INSTANCE_TYPES.map((r) => [r.name, r] as const))('row %s carries interconnect and SageMaker price', (name, row) => {
    // one device: nothing to link; several: per family (EC2 / GCE specifications, Neuron and TPU docs)
    const expected = row.devicesPerNode === 1 ? 'none' : INTERCONNECT_BY_FAMILY[row.family];
    expect(expected).toBeDefined();
    expect(row.interconnect).toBe(expected);
    if (row.sagemakerPrice !== undefined) {
      expect(row.sagemakerInstanceType).toBe(`ml.${name}`);
      expect(row.sagemakerPrice.region).toBe('us-east-1');
      expect(row.sagemakerPrice.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row.sagemakerPrice.source).toMatch(/^https:\/\//);
      // SageMaker hosting is billed above the EC2 rate of the same instance
      expect(row.sagemakerPrice.usdPerHour).toBeGreaterThan(row.price.usdPerHour);
    } else if (row.sagemakerInstanceType !== undefined) {
      // the only SageMaker rows whose hosting price could not be confirmed
      expect(SAGEMAKER_PRICE_UNCONFIRMED).toContain(name);
    }
  });

  test('SageMaker hosting prices the field quotes (ml.g5.12xlarge 7.09, ml.inf2.48xlarge 15.58, us-east-1)', () => {
    expect(instanceType('g5.12xlarge').sagemakerPrice?.usdPerHour).toBe(7.09);
    expect(instanceType('g5.12xlarge').price.usdPerHour).toBe(5.672);
    expect(instanceType('inf2.48xlarge').sagemakerPrice?.usdPerHour).toBe(15.58);
    expect(instanceType('inf2.48xlarge').price.usdPerHour).toBe(12.9813);
  });

  test('prices TPU machines at chips x the per-chip-hour list price', () => {
    expect(instanceType('ct5lp-hightpu-8t').price.usdPerHour).toBe(9.6);
    expect(instanceType('ct6e-standard-4t').price.usdPerHour).toBe(10.8);
    expect(instanceType('ct5p-hightpu-4t').price.usdPerHour).toBe(16.8);
  });

  test('device figures match the vendors', () => {
    expect(DEVICES.inferentia2).toMatchObject({ memoryGiB: 32, memoryBandwidthGBps: 820, neuronCoresPerDevice: 2 });
    expect(DEVICES['nvidia-a10g'].memoryBandwidthGBps).toBe(600);
    expect(DEVICES['nvidia-l4'].memoryBandwidthGBps).toBe(300);
    expect(DEVICES['nvidia-l40s'].memoryBandwidthGBps).toBe(864);
    expect(DEVICES['nvidia-a100-40gb'].memoryBandwidthGBps).toBe(1555);
    expect(DEVICES['nvidia-a100-80gb'].memoryBandwidthGBps).toBe(2039);
    expect(DEVICES['nvidia-h100'].memoryBandwidthGBps).toBe(3350);
    expect(DEVICES['nvidia-h200'].memoryBandwidthGBps).toBe(4800);
    expect(DEVICES['tpu-v5e']).toMatchObject({ memoryGiB: 16, memoryBandwidthGBps: 819 });
    expect(DEVICES['tpu-v6e']).toMatchObject({ memoryGiB: 32, memoryBandwidthGBps: 1600 });
    expect(DEVICES['tpu-v5p']).toMatchObject({ memoryGiB: 95, memoryBandwidthGBps: 2765 });
  });
});

describe('devices', () => {
  test.each(Object.entries(DEVICES))('device %s carries usable memory, dense TFLOPS and architecture', (kind, d) => {
    expect(d.kind).toBe(kind);
    expect(d.usableMemoryGiB).toBeDefined();
    expect(d.usableMemoryGiB).toBeGreaterThan(0);
    expect(d.usableMemoryGiB!).toBeLessThanOrEqual(d.memoryGiB);
    // nvidia-smi shows at least 90% of the marketed memory on every catalogued GPU
    expect(d.usableMemoryGiB!).toBeGreaterThanOrEqual(0.9 * d.memoryGiB);
    expect(d.architecture).toBe(ARCHITECTURE_BY_DEVICE[kind]);
    const t = d.peakDenseTflops;
    expect(t).toBeDefined();
    expect(t!.bf16).toBeGreaterThan(0);
    // lower precision never runs slower than bf16 on the same tensor unit
    for (const p of ['fp8', 'int8', 'fp4'] as const) if (t![p] !== undefined) expect(t![p]!).toBeGreaterThanOrEqual(t!.bf16!);
    if (t!.fp16 !== undefined) expect(t!.fp16).toBe(t!.bf16);
  });

  test('dense TFLOPS match the datasheets (no sparsity)', () => {
    expect(DEVICES['nvidia-h100'].peakDenseTflops).toEqual({ bf16: 989, fp16: 989, fp8: 1979, int8: 1979 });
    expect(DEVICES['nvidia-l4'].peakDenseTflops).toMatchObject({ bf16: 121, fp8: 242 });
    expect(DEVICES['nvidia-l40s'].peakDenseTflops).toMatchObject({ bf16: 362, fp8: 733 });
    expect(DEVICES['nvidia-a100-80gb'].peakDenseTflops).toEqual({ bf16: 312, fp16: 312, int8: 624 });
    expect(DEVICES.inferentia2.peakDenseTflops).toMatchObject({ bf16: 190, fp8: 190, int8: 380 });
    expect(DEVICES['tpu-v6e'].peakDenseTflops).toEqual({ bf16: 918, int8: 1836 });
  });

  test('new devices match the vendor pages (HGX B200, RTX PRO 6000 Server, Trainium2, TPU7x)', () => {
    expect(DEVICES['nvidia-b200']).toMatchObject({ memoryGiB: 179, memoryBandwidthGBps: 7700 });
    expect(DEVICES['nvidia-b200'].peakDenseTflops).toEqual({ bf16: 2250, fp16: 2250, fp8: 4500, int8: 4500, fp4: 9000 });
    expect(DEVICES['nvidia-rtx-pro-6000']).toMatchObject({ memoryGiB: 96, memoryBandwidthGBps: 1597, usableMemoryGiB: 95.59 });
    // Trainium2: 8 physical NeuronCore-v3, LNC=2 by default -> 4 logical cores of 24 GiB each
    expect(DEVICES.trainium2).toMatchObject({
      memoryGiB: 96, memoryBandwidthGBps: 2900, neuronCoresPerDevice: 4, physicalNeuronCoresPerDevice: 8, logicalNeuronCoreConfig: 2,
      acceleratorClass: 'inferentia2', peakDenseTflops: { bf16: 667, fp8: 1299 },
    });
    expect(DEVICES.tpu7x).toMatchObject({ memoryGiB: 192, memoryBandwidthGBps: 7380, peakDenseTflops: { bf16: 2307, fp8: 4614 } });
  });

  test('trn2.48xlarge is a Neuron row: 16 chips, 64 NeuronCores at LNC=2, Neuron resource, taint and AMI', () => {
    const trn2 = instanceType('trn2.48xlarge');
    expect(trn2).toMatchObject({ devicesPerNode: 16, neuronCoresPerNode: 64, acceleratorMemoryGiB: 1536, vcpu: 192, hostMemoryGiB: 2048 });
    expect(trn2.kubernetes.resourceName).toBe('aws.amazon.com/neuron');
    expect(trn2.eksAmiType).toBe('AL2023_x86_64_NEURON');
    expect(trn2.sagemakerInstanceType).toBe('ml.trn2.48xlarge');
    expect(trn2.interconnect).toBe('neuronlink');
  });

  test('TPU7x GKE facts: tpu7x label, tpu7x-standard-4t, GKE 1.34.0-gke.2201000 (Standard), placement policy for multi-host', () => {
    expect(TPU7X_GKE).toMatchObject({
      acceleratorLabel: 'tpu7x', machineType: 'tpu7x-standard-4t', chipsPerHost: 4,
      minGkeStandardVersion: '1.34.0-gke.2201000', minGkeAutopilotVersion: '1.34.1-gke.3084001',
    });
    expect(TPU7X_GKE.topologies).toContain('2x2x1');
    // every listed 3-D topology is whole hosts of 4 chips
    for (const t of TPU7X_GKE.topologies) expect(t.split('x').reduce((n, d) => n * Number(d), 1) % TPU7X_GKE.chipsPerHost).toBe(0);
  });

  test('usable memory of A10G and L4 is the 22.49 GiB nvidia-smi reports', () => {
    expect(DEVICES['nvidia-a10g'].usableMemoryGiB).toBe(22.49);
    expect(DEVICES['nvidia-l4'].usableMemoryGiB).toBe(22.49);
    expect(DEVICES['nvidia-h100'].usableMemoryGiB).toBe(79.65);
  });
});

describe('native precisions per generation', () => {
  test.each(Object.entries(DEVICES))('%s: every format with a dense TFLOPS figure is native, and fp8 / fp4 match exactly', (_, d) => {
    const native = DeviceSupport.nativePrecisions(d.architecture!);
    const rated = Object.keys(d.peakDenseTflops ?? {});
    for (const p of rated) expect(native).toContain(p);
    for (const p of [Precision.FP8, Precision.FP4]) expect(DeviceSupport.runsNatively(d, p)).toBe((d.peakDenseTflops as { [p: string]: number } | undefined)?.[p] !== undefined);
  });

  test('fp4 is native on Blackwell only; fp8 on Ada, Hopper, Blackwell, Neuron and TPU7x', () => {
    const with_ = (p: Precision) => Object.keys(NATIVE_PRECISIONS).filter((a) => NATIVE_PRECISIONS[a].includes(p)).sort();
    expect(with_(Precision.FP4)).toEqual(['blackwell']);
    expect(with_(Precision.FP8)).toEqual(['ada', 'blackwell', 'hopper', 'inferentia2', 'tpu7x', 'trainium2']);
    expect(DeviceSupport.runsNatively(DEVICES['nvidia-a10g'], Precision.FP8)).toBe(false);
    expect(DeviceSupport.nativePrecisions(DeviceArchitecture.AMPERE)).toEqual(['bf16', 'fp16', 'int8']);
  });
});

describe('TPU slices', () => {
  test.each(TPU_SLICES.map((s) => [`${s.accelerator} ${s.topology}`, s] as const))('slice %s is consistent', (_, s) => {
    const machine = instanceType(s.machineType);
    expect(machine.tpuAccelerator).toBe(s.accelerator);
    expect(s.chipsPerHost).toBe(machine.devicesPerNode);
    expect(s.chips).toBe(s.topology.split('x').reduce((n, d) => n * Number(d), 1));
    expect(s.hosts).toBe(s.chips / s.chipsPerHost);
    expect(Number.isInteger(s.hosts)).toBe(true);
    expect(s.topology.split('x').length).toBe(s.accelerator === TpuAccelerator.TPU_V5P_SLICE || s.accelerator === TpuAccelerator.TPU7X ? 3 : 2);
    // multi-host slices use the 4-chip machine type
    if (s.hosts > 1) expect(s.chipsPerHost).toBe(4);
    // TPU7x multi-host node pools are placed by a workload policy (--placement-policy), not
    // --tpu-topology (GKE "About Ironwood (TPU7x) in GKE"); no other generation needs one
    expect(s.requiresWorkloadPolicy ?? false).toBe(s.accelerator === TpuAccelerator.TPU7X && s.hosts > 1);
  });

  test('lists the GKE shapes of v5e, v6e and v5p', () => {
    const shapes = (acc: string) => TPU_SLICES.filter((s) => s.accelerator === acc).map((s) => `${s.topology}@${s.machineType}:${s.hosts}`);
    expect(shapes('tpu-v5-lite-podslice')).toEqual([
      '1x1@ct5lp-hightpu-1t:1', '2x2@ct5lp-hightpu-4t:1', '2x4@ct5lp-hightpu-8t:1',
      '4x4@ct5lp-hightpu-4t:4', '4x8@ct5lp-hightpu-4t:8', '8x8@ct5lp-hightpu-4t:16', '8x16@ct5lp-hightpu-4t:32', '16x16@ct5lp-hightpu-4t:64',
    ]);
    expect(shapes('tpu-v6e-slice')).toEqual([
      '1x1@ct6e-standard-1t:1', '2x2@ct6e-standard-4t:1', '2x4@ct6e-standard-8t:1',
      '4x4@ct6e-standard-4t:4', '4x8@ct6e-standard-4t:8', '8x8@ct6e-standard-4t:16', '8x16@ct6e-standard-4t:32', '16x16@ct6e-standard-4t:64',
    ]);
    expect(shapes('tpu-v5p-slice')).toEqual([
      '2x2x1@ct5p-hightpu-4t:1', '2x2x2@ct5p-hightpu-4t:2', '2x2x4@ct5p-hightpu-4t:4', '2x4x4@ct5p-hightpu-4t:8', '4x4x4@ct5p-hightpu-4t:16',
    ]);
  });

  // TPU7x on tpu7x-standard-4t: 2x2x1 single-host, the rest multi-host (GKE Ironwood page and
  // samples; XPK system_characteristics.py tpu7x topologies)
  test.each([
    ['2x2x1', 4, 1], ['2x2x2', 8, 2], ['2x2x4', 16, 4], ['2x4x4', 32, 8],
    ['4x4x4', 64, 16], ['4x4x8', 128, 32], ['4x8x8', 256, 64], ['8x8x8', 512, 128],
  ] as const)('TPU7x slice %s has %i chips on %i hosts of tpu7x-standard-4t', (topology, chips, hosts) => {
    expect(tpuSlice('tpu7x', topology)).toEqual({
      accelerator: 'tpu7x', topology, machineType: 'tpu7x-standard-4t', chips, chipsPerHost: 4, hosts,
      ...(hosts > 1 ? { requiresWorkloadPolicy: true } : {}),
    });
  });

  test('TPU7x: tpu7x-standard-4t forms the 2x2x1 single-host slice; TPU7X_GKE lists exactly the catalogued topologies', () => {
    expect(singleHostSlice('tpu7x-standard-4t')?.topology).toBe('2x2x1');
    expect(TPU_SLICES.filter((s) => s.accelerator === TpuAccelerator.TPU7X).map((s) => s.topology)).toEqual(TPU7X_GKE.topologies);
    expect(tpuNodeSelector(tpuSlice('tpu7x', '2x2x2'))).toEqual({
      'cloud.google.com/gke-tpu-accelerator': 'tpu7x',
      'cloud.google.com/gke-tpu-topology': '2x2x2',
    });
  });

  test('TPU7x rejects 2-D topologies', () => {
    const err = expectError(() => tpuSlice('tpu7x', '4x4'), 'TpuTopologyInvalid', 'tpuSlice.topology', '4x4');
    expect(err.allowed).toContain('2x2x1');
  });

  test('tpuNodeSelector selects accelerator and topology', () => {
    expect(tpuNodeSelector(tpuSlice('tpu-v6e-slice', '4x4'))).toEqual({
      'cloud.google.com/gke-tpu-accelerator': 'tpu-v6e-slice',
      'cloud.google.com/gke-tpu-topology': '4x4',
    });
  });
});

describe('unpublished prices', () => {
  test('tpu7x-standard-4t: TPU7x row with 4 chips, 224 vCPU, 960 GB host memory, ICI, and no published price', () => {
    const row = instanceType('tpu7x-standard-4t');
    expect(row).toMatchObject({
      cloud: 'gcp', family: 'tpu7x', acceleratorClass: 'tpu', devicesPerNode: 4, vcpu: 224, hostMemoryGiB: 960,
      acceleratorMemoryGiB: 768, tpuAccelerator: 'tpu7x', interconnect: 'ici',
    });
    expect(row.device).toBe(DEVICES.tpu7x);
    expect(row.price).toMatchObject({ published: false, region: 'us-central1', source: 'https://docs.cloud.google.com/tpu/docs/tpu7x' });
    expect(Number.isNaN(UNPUBLISHED_USD_PER_HOUR)).toBe(true);
  });

  test('Pricing.perNodeHourUsd throws PriceUnknown naming pricePerNodeHourUsd for an unpublished price', () => {
    const err = expectError(() => Pricing.perNodeHourUsd(instanceType('tpu7x-standard-4t')), 'PriceUnknown', 'pricePerNodeHourUsd', undefined);
    expect(err.message).toContain('tpu7x-standard-4t has no published on-demand list price');
    expect(err.fix).toContain('set pricePerNodeHourUsd');
  });

  test('p6-b300.48xlarge: 8 x B300 (2,148 GiB), 192 vCPU, 4 TiB, NVLink, no hosting name, no confirmed price (EC2 P6 specifications)', () => {
    const row = instanceType('p6-b300.48xlarge');
    expect(row).toMatchObject({ cloud: 'aws', family: 'p6-b300', devicesPerNode: 8, vcpu: 192, hostMemoryGiB: 4096, acceleratorMemoryGiB: 2148, interconnect: 'nvlink' });
    expect(row.sagemakerInstanceType).toBeUndefined();
    // the Karpenter / Auto Mode GPU-name value for B300 is unpublished: family selection only
    expect(row.kubernetes.nodeSelector.karpenter).toEqual({ 'karpenter.k8s.aws/instance-family': 'p6-b300' });
    // HGX B300 per GPU, dense: BF16 2,250, FP8 4,500, FP4 13,500 (108 PF / 8); 8 TB/s
    expect(DEVICES['nvidia-b300']).toMatchObject({ memoryGiB: 268.5, memoryBandwidthGBps: 8000, peakDenseTflops: { bf16: 2250, fp8: 4500, fp4: 13500 } });
    expect(row.price).toMatchObject({ published: false, region: 'us-east-1' });
    expectError(() => Pricing.perNodeHourUsd(row), 'PriceUnknown', 'pricePerNodeHourUsd', undefined);
  });

  test('Pricing.perNodeHourUsd takes the caller override before any catalogue price', () => {
    expect(Pricing.perNodeHourUsd(instanceType('tpu7x-standard-4t'), 40)).toBe(40);
    expect(Pricing.perNodeHourUsd(instanceType('g5.12xlarge'), 4)).toBe(4);
    expect(Pricing.perNodeHourUsd(instanceType('g5.12xlarge'))).toBe(5.672);
  });
});

describe('look-ups', () => {
  test('instanceType finds rows by EC2, GKE and SageMaker name', () => {
    expect(instanceType('g6e.12xlarge').devicesPerNode).toBe(4);
    expect(instanceType('ml.inf2.48xlarge').name).toBe('inf2.48xlarge');
    expect(instanceType('ct5lp-hightpu-4t').tpuAccelerator).toBe('tpu-v5-lite-podslice');
  });

  test('sagemakerInstanceType accepts SageMaker-offered rows', () => {
    expect(sagemakerInstanceType('ml.p5en.48xlarge').sagemakerInstanceType).toBe('ml.p5en.48xlarge');
    expect(sagemakerInstanceType('g6e.xlarge').sagemakerInstanceType).toBe('ml.g6e.xlarge');
  });

  test('throws InstanceTypeUnknown with close matches for a misspelt type', () => {
    const err = expectError(() => instanceType('g6e.12xlarg'), 'InstanceTypeUnknown', 'instanceType', 'g6e.12xlarg');
    expect(err.fix).toContain('g6e.12xlarge');
  });

  test('throws InstanceTypeUnknown for an ml. name of a GKE machine', () => {
    expectError(() => instanceType('ml.ct5lp-hightpu-4t'), 'InstanceTypeUnknown', 'instanceType', 'ml.ct5lp-hightpu-4t');
  });

  test('throws InstanceTypeNotOnSageMaker for a GKE machine type', () => {
    expectError(() => sagemakerInstanceType('g2-standard-8'), 'InstanceTypeNotOnSageMaker', 'instanceType', 'g2-standard-8');
  });

  test('throws TpuTopologyInvalid when the topology is not valid for the chip', () => {
    const err = expectError(() => tpuSlice('tpu-v5-lite-podslice', '2x2x1'), 'TpuTopologyInvalid', 'tpuSlice.topology', '2x2x1');
    expect(err.allowed).toContain('2x4');
    expect(err.allowed).not.toContain('2x2x1');
  });

  test('throws TpuAcceleratorUnknown for an unknown accelerator label', () => {
    const err = expectError(() => tpuSlice('tpu-v5e', '2x4'), 'TpuAcceleratorUnknown', 'tpuSlice.accelerator', 'tpu-v5e');
    expect(err.message).toContain('tpu-v5-lite-podslice');
  });
});
