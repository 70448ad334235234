import { describe, expect, test } from 'vitest';
import { MODEL_SERVERS, MODEL_SERVER_NAMES, ModelServer, SAGEMAKER_MAX_STARTUP_TIMEOUT_SECONDS, VLLM_CLOUDWATCH_VALUE_FIELD, VLLM_THROUGHPUT_LOG_PATTERN, VLLM_V0_CLOUDWATCH_FILTER_PATTERN, WEIGHT_LOAD_GIB_PER_SECOND, assertServerPlatform, assertServerSupports, assertTokenScalable, defaultModelServer, sagemakerStartupTimeouts, serverArgs, serverEnvironment, startupProbeSeconds, type ModelServerProfile, checkpointGiB, hostLoadGiB } from '../../lib/servers.js';
import { defineModel, modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { AcceleratorClass } from '../../lib/accelerators.js';
import { expectError } from './expect-error.js';
import { Precision } from '../../lib/models.js';
import { ServerPlatform } from '../../lib/servers.js';

const llama8b = modelPreset('llama-3-1-8b');
const llama70b = modelPreset('llama-3-1-70b');
const ACCELERATORS: readonly AcceleratorClass[] = [AcceleratorClass.INFERENTIA2, AcceleratorClass.NVIDIA_GPU, AcceleratorClass.TPU];

/** Every image reference a profile puts in synthesized output. */
function imagesOf(p: ModelServerProfile): string[] {
  const out: string[] = [];
  if (p.kubernetesImage !== undefined) out.push(p.kubernetesImage);
  if (p.httpSidecar !== undefined) out.push(p.httpSidecar.image);
  if (p.sagemakerImage !== undefined) out.push(`${p.sagemakerImage.repository}:${p.sagemakerImage.tag}`);
  return out;
}

/** The tag of an image reference: after the last ':' that follows the last '/'. */
function tagOf(image: string): string | undefined {
  const name = image.slice(image.lastIndexOf('/') + 1);
  const colon = name.lastIndexOf(':');
  return colon === -1 ? undefined : name.slice(colon + 1);
}

// ---------------------------------------------------------------------------------------------
// A small model of CloudWatch Logs space-delimited filter matching, after the rules in
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html:
// fields are separated by spaces, characters between [] or "" form one field, a pattern holds
// at most one `...` that matches any number of fields, `name="literal"` must equal the field.
// ---------------------------------------------------------------------------------------------

function logFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === ' ') {
      i++;
      continue;
    }
    const close = line[i] === '[' ? ']' : line[i] === '"' ? '"' : undefined;
    if (close !== undefined) {
      const end = line.indexOf(close, i + 1);
      const stop = end === -1 ? line.length : end + 1;
      fields.push(line.slice(i, stop));
      i = stop;
    } else {
      const end = line.indexOf(' ', i);
      const stop = end === -1 ? line.length : end;
      fields.push(line.slice(i, stop));
      i = stop;
    }
  }
  return fields;
}

interface PatternField {
  readonly name: string;
  readonly equals?: string;
}

function patternFields(pattern: string): PatternField[] {
  expect(pattern.startsWith('[') && pattern.endsWith(']')).toBe(true);
  return pattern
    .slice(1, -1)
    .split(/,\s*(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((f) => f.trim())
    .map((f) => {
      const m = /^([A-Za-z0-9_-]+|\.\.\.)(?:="((?:[^"\\]|\\.)*)")?$/.exec(f);
      if (m === null) throw new Error(`unparsed pattern field ${f}`);
      return m[2] === undefined ? { name: m[1] } : { name: m[1], equals: m[2] };
    });
}

/** Match a line; returns the named field values, or undefined when the line does not match. */
function cloudWatchMatch(pattern: string, line: string): Record<string, string> | undefined {
  const fields = patternFields(pattern);
  const values = logFields(line);
  const ellipsis = fields.findIndex((f) => f.name === '...');
  const head = ellipsis === -1 ? fields : fields.slice(0, ellipsis);
  const tail = ellipsis === -1 ? [] : fields.slice(ellipsis + 1);
  if (ellipsis === -1 ? values.length !== fields.length : values.length < head.length + tail.length) return undefined;
  const pairs: [PatternField, string][] = [
    ...head.map((f, i): [PatternField, string] => [f, values[i]]),
    ...tail.map((f, i): [PatternField, string] => [f, values[values.length - tail.length + i]]),
  ];
  const out: Record<string, string> = {};
  for (const [f, v] of pairs) {
    if (f.equals !== undefined && f.equals !== v) return undefined;
    out[f.name] = v;
  }
  return out;
}

// Sample lines built from the format strings in vLLM's sources. V0 engine (the engine the
// SageMaker LMI profiles run), vllm/engine/metrics.py LoggingStatLogger.log:
//   "Avg prompt throughput: %.1f tokens/s, Avg generation throughput: %.1f tokens/s, "
//   "Running: %d reqs, Swapped: %d reqs, Pending: %d reqs, GPU KV cache usage: %.1f%%, "
//   "CPU KV cache usage: %.1f%%."
// with vLLM's logger prefix "%(levelname)s %(asctime)s [%(filename)s:%(lineno)d] ".
// V1 engine, vllm/v1/metrics/loggers.py LoggingStatLogger.log:
//   "Engine %03d: Avg prompt throughput: %.1f tokens/s, Avg generation throughput: %.1f tokens/s, "
//   "Running: %d reqs, Waiting: %d reqs, GPU KV cache usage: %.1f%%, Prefix cache hit rate: %.1f%%"
const V0_LINE =
  'INFO 04-17 12:34:56 [metrics.py:486] Avg prompt throughput: 512.3 tokens/s, Avg generation throughput: 1234.5 tokens/s, ' +
  'Running: 16 reqs, Swapped: 0 reqs, Pending: 2 reqs, GPU KV cache usage: 37.5%, CPU KV cache usage: 0.0%.';
// The same line relayed by DJL Serving's Python worker reader (PyProcess.ReaderThread logs
// "{thread}: {line}" with thread "W-<pid>-<model>-stdout").
const V0_LINE_VIA_LMI = `INFO  PyProcess W-181-model-stdout: ${V0_LINE}`;
const V0_IDLE_LINE =
  'INFO 04-17 12:35:01 [metrics.py:486] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 0.0 tokens/s, ' +
  'Running: 0 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 0.0%, CPU KV cache usage: 0.0%.';
const V1_LINE =
  'INFO 10-02 08:15:42 [loggers.py:127] Engine 000: Avg prompt throughput: 88.0 tokens/s, Avg generation throughput: 57.3 tokens/s, ' +
  'Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.4%, Prefix cache hit rate: 0.0%';
const UNRELATED_LINE = 'INFO 04-17 12:34:50 [engine.py:310] Added request cmpl-5f6e2b7c.';

describe('MODEL_SERVERS', () => {
  test('lists the seven profiles by name', () => {
    expect(MODEL_SERVER_NAMES).toEqual(['vllm', 'vllm-neuron', 'vllm-neuron-plugin', 'djl-lmi-neuronx', 'vllm-tpu', 'jetstream', 'tgi']);
  });

  describe.each(MODEL_SERVER_NAMES.map((n) => [n, MODEL_SERVERS[n]] as const))('profile %s', (name, p) => {
    test('is keyed by its own name and has a display name and a source URL', () => {
      expect(p.name).toBe(name);
      expect(p.displayName.length).toBeGreaterThan(3);
      expect(p.source).toMatch(/^https:\/\//);
    });

    test('runs on at least one known accelerator', () => {
      expect(p.accelerators.length).toBeGreaterThan(0);
      for (const a of p.accelerators) expect(ACCELERATORS).toContain(a);
    });

    test('has at least one image, every image pinned to a tag that is not latest', () => {
      const images = imagesOf(p);
      expect(images.length).toBeGreaterThan(0);
      for (const image of images) {
        const tag = tagOf(image);
        expect(tag, image).toBeDefined();
        expect(tag!.length, image).toBeGreaterThan(0);
        expect(tag, image).not.toMatch(/latest|nightly/i);
        expect(image).not.toContain('@sha256:latest');
      }
    });

    test('has valid ports and paths that start with a slash', () => {
      for (const port of [p.port, p.sagemakerPort, p.metricsPort, p.httpSidecar?.port]) {
        if (port === undefined) continue;
        expect(Number.isInteger(port)).toBe(true);
        expect(port).toBeGreaterThan(0);
        expect(port).toBeLessThan(65536);
      }
      for (const path of [p.healthPath, p.metricsPath, p.sagemakerHealthPath, ...p.writablePaths]) {
        if (path === undefined) continue;
        expect(path.startsWith('/'), path).toBe(true);
      }
      expect(p.writablePaths.length).toBeGreaterThan(0);
      expect(new Set(p.writablePaths).size).toBe(p.writablePaths.length);
    });

    test('listens on 8080 and answers /ping under SageMaker when it has a SageMaker image', () => {
      if (p.sagemakerImage === undefined) {
        expect(p.sagemakerPort).toBeUndefined();
        return;
      }
      expect(p.sagemakerImage.repository).toBe('djl-inference');
      expect(p.sagemakerPort).toBe(8080);
      expect(p.sagemakerHealthPath).toBe('/ping');
    });

    test('names a token counter, and its log pattern has exactly one capture group', () => {
      const m = p.tokenMetric;
      expect(m.generatedTokensCounter).toMatch(/^[a-z_:][a-z0-9_:]*$/);
      if (m.queueDepthGauge !== undefined) expect(m.queueDepthGauge).toMatch(/^[a-z_:][a-z0-9_:]*$/);
      if (m.throughputLogPattern !== undefined) {
        const groups = new RegExp(`${m.throughputLogPattern}|`).exec('')!.length - 1;
        expect(groups).toBe(1);
      }
      expect(m.cloudWatchFilterPattern === undefined).toBe(m.cloudWatchValueField === undefined);
      if (m.cloudWatchFilterPattern !== undefined) {
        expect(m.cloudWatchFilterPattern.length).toBeLessThanOrEqual(1024);
        const field = m.cloudWatchValueField!.replace(/^\$/, '');
        expect(patternFields(m.cloudWatchFilterPattern).map((f) => f.name)).toContain(field);
      }
    });

    test('offers a SageMaker log metric exactly when it runs on SageMaker', () => {
      expect(p.tokenMetric.cloudWatchFilterPattern !== undefined).toBe(p.sagemakerImage !== undefined);
    });

    test('serves at least bf16 and has a positive start-up overhead', () => {
      expect(p.precisions).toContain('bf16');
      expect(p.startupOverheadSeconds).toBeGreaterThan(0);
    });
  });

  test('pins the images to the verified releases', () => {
    expect(MODEL_SERVERS.vllm.kubernetesImage).toBe('vllm/vllm-openai:v0.11.0');
    expect(MODEL_SERVERS.vllm.sagemakerImage).toEqual({ repository: 'djl-inference', tag: '0.33.0-lmi15.0.0-cu128' });
    expect(MODEL_SERVERS['djl-lmi-neuronx'].sagemakerImage).toEqual({ repository: 'djl-inference', tag: '0.30.0-neuronx-sdk2.20.1' });
    expect(MODEL_SERVERS['vllm-neuron'].kubernetesImage).toBe(
      'public.ecr.aws/neuron/pytorch-inference-vllm-neuronx:0.9.1-neuronx-py311-sdk2.26.0-ubuntu22.04',
    );
    expect(MODEL_SERVERS['vllm-tpu'].kubernetesImage).toBe('vllm/vllm-tpu:v0.12.0');
    expect(MODEL_SERVERS.jetstream.kubernetesImage).toBe('us-docker.pkg.dev/cloud-tpu-images/inference/maxengine-server:v0.2.2');
    expect(MODEL_SERVERS.jetstream.httpSidecar?.image).toBe('us-docker.pkg.dev/cloud-tpu-images/inference/jetstream-http:v0.2.2');
    expect(MODEL_SERVERS.tgi.kubernetesImage).toBe('ghcr.io/huggingface/text-generation-inference:3.3.4');
  });

  test('uses the servers\' own counters and gauges', () => {
    for (const n of ['vllm', 'vllm-neuron', 'vllm-tpu', 'djl-lmi-neuronx'] as const) {
      expect(MODEL_SERVERS[n].tokenMetric.generatedTokensCounter).toBe('vllm:generation_tokens_total');
      expect(MODEL_SERVERS[n].tokenMetric.modelLabel).toBe('model_name');
      expect(MODEL_SERVERS[n].tokenMetric.queueDepthGauge).toBe('vllm:num_requests_waiting');
    }
    expect(MODEL_SERVERS.tgi.tokenMetric.generatedTokensCounter).toBe('tgi_request_generated_tokens_sum');
    expect(MODEL_SERVERS.tgi.tokenMetric.queueDepthGauge).toBe('tgi_queue_size');
    expect(MODEL_SERVERS.jetstream.tokenMetric.queueDepthGauge).toBe('jetstream_prefill_backlog_size');
    expect(MODEL_SERVERS.jetstream.tokenMetric.tokenScalable).toBe(false);
  });

  test('uses vLLM port 8000 and health /health on Kubernetes, TGI 8080, JetStream 8000 with metrics on 9100', () => {
    expect(MODEL_SERVERS.vllm.port).toBe(8000);
    expect(MODEL_SERVERS.vllm.healthPath).toBe('/health');
    expect(MODEL_SERVERS.vllm.metricsPath).toBe('/metrics');
    expect(MODEL_SERVERS.tgi.port).toBe(8080);
    expect(MODEL_SERVERS.jetstream.port).toBe(8000);
    expect(MODEL_SERVERS.jetstream.healthPath).toBe('/healthcheck');
    expect(MODEL_SERVERS.jetstream.metricsPort).toBe(9100);
  });
});

describe('ModelServer.of', () => {
  test('returns every profile by name', () => {
    for (const n of MODEL_SERVER_NAMES) expect(ModelServer.of(n).profile).toBe(MODEL_SERVERS[n]);
  });

  test('throws ModelServerUnknown listing the profile names', () => {
    const err = expectError(() => ModelServer.of('triton'), 'ModelServerUnknown', 'modelServer', 'triton');
    for (const n of MODEL_SERVER_NAMES) expect(err.allowed).toContain(n);
    expect(() => ModelServer.of('toString')).toThrow(/\[ModelServerUnknown\]/);
  });
});

describe('defaultModelServer', () => {
  test.each([
    ['nvidia-gpu', 'sagemaker', 'vllm'],
    ['nvidia-gpu', 'kubernetes', 'vllm'],
    ['inferentia2', 'sagemaker', 'djl-lmi-neuronx'],
    ['inferentia2', 'kubernetes', 'vllm-neuron'],
    ['tpu', 'kubernetes', 'vllm-tpu'],
  ] as const)('picks for %s on %s the %s profile', (accelerator, platform, expected) => {
    const server = defaultModelServer(accelerator as AcceleratorClass, platform as ServerPlatform);
    expect(server.name).toBe(expected);
    expect(server.accelerators).toContain(accelerator);
    expect(() => assertServerPlatform(server, platform as ServerPlatform)).not.toThrow();
  });

  test('throws ModelServerUnsupported for TPU on SageMaker', () => {
    expectError(() => defaultModelServer(AcceleratorClass.TPU, ServerPlatform.SAGEMAKER), 'ModelServerUnsupported', 'platform', 'sagemaker');
  });

  test('throws ModelServerUnsupported for an unknown accelerator class', () => {
    expectError(() => defaultModelServer('fpga' as AcceleratorClass, ServerPlatform.KUBERNETES), 'ModelServerUnsupported', 'accelerator', 'fpga');
  });
});

describe('assertServerSupports', () => {
  test('accepts every accelerator a profile lists and rejects every other one', () => {
    for (const n of MODEL_SERVER_NAMES) {
      for (const a of ACCELERATORS) {
        if (MODEL_SERVERS[n].accelerators.includes(a)) {
          expect(() => assertServerSupports(MODEL_SERVERS[n], a)).not.toThrow();
        } else {
          const err = expectError(() => assertServerSupports(MODEL_SERVERS[n], a), 'ModelServerUnsupported', 'modelServer', n);
          expect(err.message).toContain(a);
        }
      }
    }
  });

  test('throws ModelServerUnsupported for a SageMaker-only server on Kubernetes and back', () => {
    expectError(() => assertServerPlatform(MODEL_SERVERS['djl-lmi-neuronx'], ServerPlatform.KUBERNETES), 'ModelServerUnsupported', 'modelServer', 'djl-lmi-neuronx');
    expectError(() => assertServerPlatform(MODEL_SERVERS.tgi, ServerPlatform.SAGEMAKER), 'ModelServerUnsupported', 'modelServer', 'tgi');
  });
});

describe('assertTokenScalable', () => {
  test('accepts servers with a generated-token counter', () => {
    for (const n of ['vllm', 'vllm-neuron', 'vllm-tpu', 'djl-lmi-neuronx', 'tgi'] as const) {
      expect(() => assertTokenScalable(MODEL_SERVERS[n])).not.toThrow();
    }
  });

  test('throws ModelServerUnsupported for JetStream and names what to scale on instead', () => {
    const err = expectError(() => assertTokenScalable(MODEL_SERVERS.jetstream), 'ModelServerUnsupported', 'modelServer', 'jetstream');
    expect(err.fix).toContain('jetstream_prefill_backlog_size');
    expect(err.fix).toContain('vllm-tpu');
  });
});

describe('serverArgs', () => {
  test('renders vLLM flags for Llama 3.1 8B on g5.xlarge in a stable order', () => {
    const plan = planCapacity({ model: llama8b, instanceType: 'g5.xlarge' });
    expect(serverArgs(MODEL_SERVERS.vllm, plan)).toEqual([
      '--model', 'meta-llama/Llama-3.1-8B-Instruct',
      '--served-model-name', 'llama-3-1-8b',
      '--tensor-parallel-size', String(plan.tensorParallelDegree),
      '--max-model-len', String(plan.contextTokens),
      '--max-num-seqs', String(plan.concurrentSequences),
      '--dtype', 'bfloat16',
      '--port', '8000',
    ]);
    expect(serverArgs(MODEL_SERVERS.vllm, plan)).toEqual(serverArgs(MODEL_SERVERS.vllm, plan));
  });

  test('takes the served model name and a local model path from the options', () => {
    const plan = planCapacity({ model: llama8b, instanceType: 'g5.xlarge' });
    const args = serverArgs(MODEL_SERVERS.vllm, plan, { servedModelName: 'chat', modelPath: '/models/llama' });
    expect(args.slice(0, 4)).toEqual(['--model', '/models/llama', '--served-model-name', 'chat']);
    expectError(() => serverArgs(MODEL_SERVERS.vllm, plan, { servedModelName: '' }), 'ServedModelNameEmpty', 'servedModelName', '');
  });

  test('shards Llama 3.1 70B over the GPUs of p4de.24xlarge', () => {
    const plan = planCapacity({ model: llama70b, instanceType: 'p4de.24xlarge' });
    const args = serverArgs(MODEL_SERVERS.vllm, plan);
    expect(args[args.indexOf('--tensor-parallel-size') + 1]).toBe(String(plan.tensorParallelDegree));
    expect(plan.tensorParallelDegree).toBeGreaterThan(1);
  });

  test('quantizes to fp8 at load with --quantization fp8 and keeps bfloat16 compute', () => {
    const plan = planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', precision: Precision.FP8 });
    const args = serverArgs(MODEL_SERVERS.vllm, plan);
    expect(args).toContain('--quantization');
    expect(args[args.indexOf('--quantization') + 1]).toBe('fp8');
    expect(args[args.indexOf('--dtype') + 1]).toBe('bfloat16');
  });

  test('passes no quantization flag for a pre-quantized fp8 checkpoint', () => {
    const fp8Model = defineModel({ ...llama8b, name: 'llama-3-1-8b-fp8', huggingFaceId: 'neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8', nativePrecision: Precision.FP8 });
    const plan = planCapacity({ model: fp8Model, instanceType: 'g6e.xlarge', precision: Precision.FP8 });
    expect(serverArgs(MODEL_SERVERS.vllm, plan)).not.toContain('--quantization');
  });

  test('uses float16 for an fp16 plan', () => {
    const plan = planCapacity({ model: llama8b, instanceType: 'g5.xlarge', precision: Precision.FP16 });
    const args = serverArgs(MODEL_SERVERS.vllm, plan);
    expect(args[args.indexOf('--dtype') + 1]).toBe('float16');
  });

  test('throws PrecisionUnsupported when vLLM would have to quantize to int4 itself', () => {
    const plan = planCapacity({ model: llama8b, instanceType: 'g5.xlarge', precision: Precision.INT4 });
    const err = expectError(() => serverArgs(MODEL_SERVERS.vllm, plan), 'PrecisionUnsupported', 'precision', 'int4');
    expect(err.fix).toMatch(/pre-quantized/);
  });

  test('serves a pre-quantized int4 checkpoint with vLLM without flags', () => {
    const awq = defineModel({ ...llama8b, name: 'llama-3-1-8b-awq', huggingFaceId: 'hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4', nativePrecision: Precision.INT4 });
    const plan = planCapacity({ model: awq, instanceType: 'g5.xlarge', precision: Precision.INT4 });
    const args = serverArgs(MODEL_SERVERS.vllm, plan);
    expect(args).not.toContain('--quantization');
    expect(args[1]).toBe('hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4');
  });

  test('renders Neuron vLLM flags with the NeuronCore tensor-parallel degree and --device neuron', () => {
    const plan = planCapacity({ model: llama8b, instanceType: 'inf2.xlarge' });
    expect(serverArgs(MODEL_SERVERS['vllm-neuron'], plan)).toEqual([
      '--model', 'meta-llama/Llama-3.1-8B-Instruct',
      '--served-model-name', 'llama-3-1-8b',
      '--tensor-parallel-size', '2',
      '--max-model-len', String(plan.contextTokens),
      '--max-num-seqs', String(plan.concurrentSequences),
      '--dtype', 'bfloat16',
      '--device', 'neuron',
      '--port', '8000',
    ]);
    expect(serverEnvironment(MODEL_SERVERS['vllm-neuron'], plan)).toEqual({ VLLM_NEURON_FRAMEWORK: 'neuronx-distributed-inference' });
  });

  test('throws PrecisionUnsupported for fp8 on Neuron vLLM', () => {
    const plan = planCapacity({ model: llama8b, instanceType: 'inf2.xlarge', precision: Precision.FP8 });
    expectError(() => serverArgs(MODEL_SERVERS['vllm-neuron'], plan), 'PrecisionUnsupported', 'precision', 'fp8');
  });

  test('renders TPU vLLM flags with one shard per chip of the host', () => {
    const plan = planCapacity({ model: llama8b, instanceType: 'ct5lp-hightpu-4t' });
    const args = serverArgs(MODEL_SERVERS['vllm-tpu'], plan);
    expect(args[args.indexOf('--tensor-parallel-size') + 1]).toBe('4');
    expect(args).not.toContain('--device');
    expect(args.slice(-2)).toEqual(['--port', '8000']);
  });

  test('renders TGI flags with --num-shard, token limits, --dtype and --port 8080', () => {
    const plan = planCapacity({ model: llama8b, instanceType: 'g5.12xlarge' });
    expect(serverArgs(MODEL_SERVERS.tgi, plan)).toEqual([
      '--model-id', 'meta-llama/Llama-3.1-8B-Instruct',
      '--num-shard', String(plan.tensorParallelDegree),
      '--max-input-tokens', String(plan.contextTokens - 1),
      '--max-total-tokens', String(plan.contextTokens),
      '--dtype', 'bfloat16',
      '--port', '8080',
    ]);
  });

  test.each([
    ['fp8', 'fp8'],
    ['int8', 'eetq'],
    ['int4', 'bitsandbytes-nf4'],
  ] as const)('maps TGI precision %s to --quantize %s without --dtype', (precision, quantize) => {
    const plan = planCapacity({ model: llama8b, instanceType: 'g6e.xlarge', precision: precision as Precision });
    const args = serverArgs(MODEL_SERVERS.tgi, plan);
    expect(args[args.indexOf('--quantize') + 1]).toBe(quantize);
    expect(args).not.toContain('--dtype');
  });

  test('renders JetStream MaxText arguments with the batch per chip of the slice', () => {
    const plan = planCapacity({ model: llama8b, tpuSlice: { accelerator: 'tpu-v5-lite-podslice', topology: '2x4' } });
    const args = serverArgs(MODEL_SERVERS.jetstream, plan, {
      modelPath: 'gs://bucket/llama/checkpoints/0/items',
      maxTextModelName: 'llama3.1-8b',
      tokenizerPath: 'assets/tokenizer_llama3.tiktoken',
    });
    expect(args).toContain('model_name=llama3.1-8b');
    expect(args).toContain(`per_device_batch_size=${plan.concurrentSequences / 8}`);
    expect(args).toContain(`max_target_length=${plan.contextTokens}`);
    expect(args).toContain('load_parameters_path=gs://bucket/llama/checkpoints/0/items');
    expect(args).toContain('prometheus_port=9100');
    for (const a of args) expect(a).toMatch(/^[a-z_]+=\S+$/);
  });

  test('throws JetStreamOptionMissing when JetStream has no checkpoint, model name or tokenizer', () => {
    const plan = planCapacity({ model: llama8b, tpuSlice: { accelerator: 'tpu-v5-lite-podslice', topology: '2x4' } });
    expectError(() => serverArgs(MODEL_SERVERS.jetstream, plan), 'JetStreamOptionMissing', 'modelPath', undefined);
    expectError(() => serverArgs(MODEL_SERVERS.jetstream, plan, { modelPath: 'gs://b/c' }), 'JetStreamOptionMissing', 'maxTextModelName', undefined);
    expectError(
      () => serverArgs(MODEL_SERVERS.jetstream, plan, { modelPath: 'gs://b/c', maxTextModelName: 'llama3.1-8b' }),
      'JetStreamOptionMissing',
      'tokenizerPath',
      undefined,
    );
  });

  test('throws ModelServerUnsupported for a server on the wrong accelerator or without a Kubernetes image', () => {
    const gpu = planCapacity({ model: llama8b, instanceType: 'g5.xlarge' });
    const inf2 = planCapacity({ model: llama8b, instanceType: 'inf2.xlarge' });
    expectError(() => serverArgs(MODEL_SERVERS['vllm-neuron'], gpu), 'ModelServerUnsupported', 'modelServer', 'vllm-neuron');
    expectError(() => serverArgs(MODEL_SERVERS['djl-lmi-neuronx'], inf2), 'ModelServerUnsupported', 'modelServer', 'djl-lmi-neuronx');
  });
});

describe('serverEnvironment', () => {
  test('configures the LMI vLLM container on ml.g5.12xlarge with sorted keys', () => {
    const plan = planCapacity({ model: llama8b, instanceType: 'ml.g5.12xlarge' });
    const env = serverEnvironment(MODEL_SERVERS.vllm, plan);
    expect(env).toEqual({
      HF_MODEL_ID: 'meta-llama/Llama-3.1-8B-Instruct',
      OPTION_ASYNC_MODE: 'false',
      OPTION_DTYPE: 'bf16',
      OPTION_MAX_MODEL_LEN: String(plan.contextTokens),
      OPTION_MAX_ROLLING_BATCH_SIZE: String(plan.concurrentSequences),
      OPTION_MODEL_LOADING_TIMEOUT: String(sagemakerStartupTimeouts(MODEL_SERVERS.vllm, plan).containerStartupHealthCheckTimeoutInSeconds),
      OPTION_ROLLING_BATCH: 'vllm',
      OPTION_TENSOR_PARALLEL_DEGREE: String(plan.tensorParallelDegree),
      VLLM_USE_V1: '0',
    });
    expect(Object.keys(env)).toEqual([...Object.keys(env)].sort());
  });

  test('adds OPTION_QUANTIZE=fp8 for an fp8 plan', () => {
    const plan = planCapacity({ model: llama8b, instanceType: 'ml.g6e.xlarge', precision: Precision.FP8 });
    expect(serverEnvironment(MODEL_SERVERS.vllm, plan).OPTION_QUANTIZE).toBe('fp8');
  });

  test('configures the LMI Neuron container on ml.inf2.xlarge with NeuronCores as the TP degree', () => {
    const plan = planCapacity({ model: llama8b, instanceType: 'ml.inf2.xlarge' });
    const env = serverEnvironment(MODEL_SERVERS['djl-lmi-neuronx'], plan);
    expect(env).toEqual({
      HF_MODEL_ID: 'meta-llama/Llama-3.1-8B-Instruct',
      OPTION_DTYPE: 'bf16',
      OPTION_MAX_ROLLING_BATCH_SIZE: String(plan.concurrentSequences),
      OPTION_MODEL_LOADING_TIMEOUT: '1980',
      OPTION_N_POSITIONS: String(plan.contextTokens),
      OPTION_ROLLING_BATCH: 'vllm',
      OPTION_TENSOR_PARALLEL_DEGREE: '2',
    });
    expect(Object.keys(env)).toEqual([...Object.keys(env)].sort());
  });

  // djl-serving 0.30.0-dlc / 0.33.0-dlc: the images set MODEL_LOADING_TIMEOUT=1200
  // (pytorch-inf2.Dockerfile, lmi.Dockerfile) and PyEnv.getModelLoadingTimeout() is overridden only
  // by option.model_loading_timeout (PyModel.java); the LMI guide asks for
  // container_startup_health_check_timeout >= model loading timeout.
  test('sets the DJL model-loading timeout to the SageMaker container start-up timeout', () => {
    for (const [server, instanceType] of [['vllm', 'ml.g5.12xlarge'], ['djl-lmi-neuronx', 'ml.inf2.8xlarge']] as const) {
      const plan = planCapacity({ model: llama8b, instanceType });
      const timeout = sagemakerStartupTimeouts(MODEL_SERVERS[server], plan).containerStartupHealthCheckTimeoutInSeconds;
      expect(serverEnvironment(MODEL_SERVERS[server], plan).OPTION_MODEL_LOADING_TIMEOUT).toBe(String(timeout));
      expect(serverEnvironment(MODEL_SERVERS[server], plan, { modelLoadingTimeoutSeconds: 2400 }).OPTION_MODEL_LOADING_TIMEOUT).toBe('2400');
    }
    expectError(
      () => serverEnvironment(MODEL_SERVERS.vllm, planCapacity({ model: llama8b, instanceType: 'ml.g5.12xlarge' }), { modelLoadingTimeoutSeconds: 5000 }),
      'StartupTimeoutOutOfRange',
      'modelLoadingTimeoutSeconds',
      5000,
    );
  });

  // djl-serving 0.30.0: VllmRbProperties has no disable_log_stats and build_vllm_rb_properties()
  // overwrites max_model_len with n_positions (neuron_utils/utils.py); 0.33.0:
  // construct_vllm_args_list drops 'false' values (vllm_rb_properties.py).
  test('emits no LMI variable the pinned images ignore', () => {
    const gpu = serverEnvironment(MODEL_SERVERS.vllm, planCapacity({ model: llama8b, instanceType: 'ml.g5.12xlarge' }));
    const neuron = serverEnvironment(MODEL_SERVERS['djl-lmi-neuronx'], planCapacity({ model: llama8b, instanceType: 'ml.inf2.8xlarge' }));
    expect(gpu).not.toHaveProperty('OPTION_DISABLE_LOG_STATS');
    expect(neuron).not.toHaveProperty('OPTION_DISABLE_LOG_STATS');
    expect(neuron).not.toHaveProperty('OPTION_MAX_MODEL_LEN');
  });

  test('returns no environment for servers configured by flags', () => {
    expect(serverEnvironment(MODEL_SERVERS.tgi, planCapacity({ model: llama8b, instanceType: 'g5.xlarge' }))).toEqual({});
  });

  test('throws PrecisionUnsupported for int8 on the Neuron LMI container', () => {
    const plan = planCapacity({ model: llama8b, instanceType: 'ml.inf2.xlarge', precision: Precision.INT8 });
    expectError(() => serverEnvironment(MODEL_SERVERS['djl-lmi-neuronx'], plan), 'PrecisionUnsupported', 'precision', 'int8');
  });
});

describe('vLLM throughput log line', () => {
  const re = new RegExp(VLLM_THROUGHPUT_LOG_PATTERN);

  test.each([
    ['the V0 engine line', V0_LINE, '1234.5'],
    ['the V0 line relayed by DJL Serving', V0_LINE_VIA_LMI, '1234.5'],
    ['an idle V0 line', V0_IDLE_LINE, '0.0'],
    ['the V1 engine line', V1_LINE, '57.3'],
  ])('the regular expression captures generated tokens/s from %s', (_what, line, value) => {
    expect(re.exec(line)?.[1]).toBe(value);
  });

  test('the regular expression does not take the prompt throughput or match other lines', () => {
    expect(re.exec(V0_LINE)?.[1]).not.toBe('512.3');
    expect(re.exec(UNRELATED_LINE)).toBeNull();
  });

  test('the CloudWatch pattern extracts generated tokens/s from the V0 line, with or without a prefix', () => {
    expect(cloudWatchMatch(VLLM_V0_CLOUDWATCH_FILTER_PATTERN, V0_LINE)?.tps).toBe('1234.5');
    expect(cloudWatchMatch(VLLM_V0_CLOUDWATCH_FILTER_PATTERN, V0_LINE_VIA_LMI)?.tps).toBe('1234.5');
    expect(cloudWatchMatch(VLLM_V0_CLOUDWATCH_FILTER_PATTERN, V0_IDLE_LINE)?.tps).toBe('0.0');
    expect(VLLM_CLOUDWATCH_VALUE_FIELD).toBe('$tps');
  });

  test('the CloudWatch pattern anchors 20 fixed fields after the value at the end of the line', () => {
    const fields = patternFields(VLLM_V0_CLOUDWATCH_FILTER_PATTERN);
    expect(fields.filter((f) => f.name === '...')).toHaveLength(1);
    expect(fields[0].name).toBe('...');
    const afterTps = fields.slice(fields.findIndex((f) => f.name === 'tps') + 1);
    expect(afterTps).toHaveLength(20);
    expect(new Set(fields.map((f) => f.name)).size).toBe(fields.length);
  });

  test('the CloudWatch pattern ignores other lines and the V1 format', () => {
    expect(cloudWatchMatch(VLLM_V0_CLOUDWATCH_FILTER_PATTERN, UNRELATED_LINE)).toBeUndefined();
    expect(cloudWatchMatch(VLLM_V0_CLOUDWATCH_FILTER_PATTERN, V1_LINE)).toBeUndefined();
  });
});

describe('startupProbeSeconds', () => {
  test('adds the weight load time to the server overhead, rounded up to a minute', () => {
    const plan = planCapacity({ model: llama8b, instanceType: 'g5.xlarge' });
    const expected = Math.ceil((MODEL_SERVERS.vllm.startupOverheadSeconds + plan.memory.weightsGiB / WEIGHT_LOAD_GIB_PER_SECOND) / 60) * 60;
    const seconds = startupProbeSeconds(MODEL_SERVERS.vllm, plan);
    expect(seconds).toBe(expected);
    expect(seconds % 60).toBe(0);
  });

  test('waits longer for Neuron compilation than for a GPU start', () => {
    const gpu = startupProbeSeconds(MODEL_SERVERS.vllm, planCapacity({ model: llama8b, instanceType: 'g5.xlarge' }));
    const neuron = startupProbeSeconds(MODEL_SERVERS['vllm-neuron'], planCapacity({ model: llama8b, instanceType: 'inf2.xlarge' }));
    expect(neuron).toBeGreaterThan(gpu);
  });

  test('grows with the weights', () => {
    const small = startupProbeSeconds(MODEL_SERVERS.vllm, planCapacity({ model: llama8b, instanceType: 'p4de.24xlarge' }));
    const large = startupProbeSeconds(MODEL_SERVERS.vllm, planCapacity({ model: llama70b, instanceType: 'p4de.24xlarge' }));
    expect(large).toBeGreaterThan(small);
  });
});

// vLLM `--quantization fp8` quantizes at load (docs/features/quantization/fp8.md, v0.11.0): the
// bf16 checkpoint is downloaded and read, ~131.5 GiB for Llama 3.1 70B, not the 65.8 GiB of fp8.
describe('checkpointGiB and hostLoadGiB', () => {
  test('sizes a quantize-at-load plan from the native-precision checkpoint', () => {
    const fp8 = planCapacity({ model: llama70b, instanceType: 'g6e.12xlarge', precision: Precision.FP8 });
    expect(checkpointGiB(fp8)).toBeCloseTo(fp8.memory.weightsGiB * 2, 6);
    expect(checkpointGiB(fp8)).toBeGreaterThan(130);
    const bf16 = planCapacity({ model: llama8b, instanceType: 'g5.12xlarge' });
    expect(checkpointGiB(bf16)).toBe(bf16.memory.weightsGiB);
  });

  test('budgets the startup probe for the checkpoint actually downloaded', () => {
    const fp8 = planCapacity({ model: llama70b, instanceType: 'g6e.12xlarge', precision: Precision.FP8 });
    const expected = Math.ceil((MODEL_SERVERS.vllm.startupOverheadSeconds + checkpointGiB(fp8) / WEIGHT_LOAD_GIB_PER_SECOND) / 60) * 60;
    expect(startupProbeSeconds(MODEL_SERVERS.vllm, fp8)).toBe(expected);
    expect(startupProbeSeconds(MODEL_SERVERS.vllm, fp8)).toBeGreaterThan(1315);
  });

  // NxD Inference loads and shards the state dict on the host (Neuron vLLM user guide); the
  // project's rule is twice the checkpoint. Servers that stream to the devices need none.
  test('counts host memory only for servers that load through host RAM', () => {
    const inf2 = planCapacity({ model: llama8b, instanceType: 'inf2.8xlarge' });
    expect(hostLoadGiB(MODEL_SERVERS['vllm-neuron'], inf2)).toBeCloseTo(2 * checkpointGiB(inf2), 6);
    expect(hostLoadGiB(MODEL_SERVERS.vllm, planCapacity({ model: llama8b, instanceType: 'g5.xlarge' }))).toBe(0);
  });
});

describe('sagemakerStartupTimeouts', () => {
  test('gives the health check the whole estimate and the download the weight part', () => {
    const plan = planCapacity({ model: llama8b, instanceType: 'ml.g5.xlarge' });
    const t = sagemakerStartupTimeouts(MODEL_SERVERS.vllm, plan);
    expect(t.containerStartupHealthCheckTimeoutInSeconds).toBe(startupProbeSeconds(MODEL_SERVERS.vllm, plan));
    expect(t.modelDataDownloadTimeoutInSeconds).toBeLessThan(t.containerStartupHealthCheckTimeoutInSeconds);
    expect(t.modelDataDownloadTimeoutInSeconds).toBeGreaterThanOrEqual(60);
    expect(t.atLimit).toBe(false);
  });

  test('stops at SageMaker\'s 3600 s limit and says so', () => {
    const plan = planCapacity({ model: llama70b, instanceType: 'ml.inf2.48xlarge' });
    const server = { ...MODEL_SERVERS['djl-lmi-neuronx'], startupOverheadSeconds: 3000 };
    const t = sagemakerStartupTimeouts(server, plan);
    expect(t.containerStartupHealthCheckTimeoutInSeconds).toBe(SAGEMAKER_MAX_STARTUP_TIMEOUT_SECONDS);
    expect(t.atLimit).toBe(true);
  });
});
