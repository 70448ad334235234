/**
 * ModelDeployment behaviour that each pinned image or Kubernetes rule makes necessary: local
 * weights for Neuron, checkpoint-sized caches, drain, users without a passwd entry, plan
 * annotations, multi-host Ray environment, replica ownership, and names Kubernetes rejects.
 */
import { Chart, Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { ModelDeployment } from '../../constructs/k8s/model-deployment.js';
import { PrometheusSource, TokenThroughputHpa, TokenThroughputScaler } from '../../constructs/k8s/token-scaler.js';
import { CHECKPOINT_GIB_ANNOTATION, HOST_LOAD_GIB_ANNOTATION, PLANNED_STARTUP_SECONDS_ANNOTATION, TARGET_TOKENS_PER_SECOND_ANNOTATION } from '../../lib/plan-annotations.js';
import { checkpointGiB } from '../../lib/servers.js';
import { modelPreset } from '../../lib/models.js';
import { planCapacity } from '../../lib/planner.js';
import { tokenScalingPolicy } from '../../lib/scaling.js';
import { Manifest, expectValid, one } from './support.js';
import { Precision } from '../../lib/models.js';
import { KubernetesPlatform, ScrapeBackend } from '../../lib/platforms.js';
import { HpaMetricSource } from '../../constructs/k8s/token-scaler.js';

const hf = { name: 'hf-token' };
const chart = (id = 'c') => new Chart(Testing.app(), id, { namespace: 'inference' });
const inf2 = (instanceType = 'inf2.8xlarge') => planCapacity({ model: modelPreset('llama-3-1-8b'), instanceType });
const gpu70bFp8 = () => planCapacity({ model: modelPreset('llama-3-1-70b'), instanceType: 'g6e.12xlarge', precision: Precision.FP8 });
const slicePlan = () =>
  planCapacity({ model: modelPreset('llama-3-1-70b'), tpuSlice: { accelerator: 'tpu-v5-lite-podslice', topology: '4x4' } });

function synthOne(build: (c: Chart) => void): Manifest[] {
  const c = chart();
  build(c);
  return Testing.synth(c);
}

const envOf = (container: Manifest) => Object.fromEntries(container.env.map((e: Manifest) => [e.name, e.value ?? e.valueFrom]));

// aws-neuron/upstreaming-to-vllm vllm/model_executor/model_loader/neuronx_distributed.py: from an
// HF id the loader runs AutoModelForCausalLM.from_pretrained() in host RAM and save_pretrained()
// into local-models/<id> under its working directory (the DLC's WORKDIR /opt/vllm, read-only
// here); the Neuron vLLM guide: compiled artifacts go to NEURON_COMPILED_ARTIFACTS.
describe('vLLM on Neuron', () => {
  const objects = synthOne((c) => new ModelDeployment(c, 'Model', { plan: inf2(), platform: KubernetesPlatform.EKS_AUTO_MODE, huggingFaceTokenSecret: hf }));
  const pod = one(objects, 'Deployment').spec.template.spec;
  const server = pod.containers[0];

  test('downloads the checkpoint in an init container of the same pinned image and serves it from the local path', () => {
    const [init] = pod.initContainers;
    expect(init.image).toBe(server.image);
    expect(init.command.slice(0, 2)).toEqual(['python3', '-c']);
    expect(init.command[2]).toContain('snapshot_download');
    expect(init.command.slice(3)).toEqual(['meta-llama/Llama-3.1-8B-Instruct', '/models/weights/meta-llama/Llama-3.1-8B-Instruct']);
    expect(init.volumeMounts).toContainEqual({ name: 'model-cache', mountPath: '/models' });
    expect(envOf(init).HF_TOKEN).toEqual({ secretKeyRef: { name: 'hf-token', key: 'token' } });
    expect(server.args[server.args.indexOf('--model') + 1]).toBe('/models/weights/meta-llama/Llama-3.1-8B-Instruct');
  });

  test('compiles into a writable artifacts path and runs from a writable working directory', () => {
    expect(envOf(server).NEURON_COMPILED_ARTIFACTS).toBe('/models/neuron-compiled-artifacts');
    expect(server.workingDir).toBe('/models');
    expect(server.volumeMounts.map((m: Manifest) => m.mountPath)).toContain('/models');
    expect(server.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('selects the NxD Inference backend explicitly', () => {
    expect(envOf(server).VLLM_NEURON_FRAMEWORK).toBe('neuronx-distributed-inference');
  });

  test('gives the pod the host memory the checkpoint needs while it loads', () => {
    const memoryGiB = Number(server.resources.limits.memory.replace(/Gi$/, ''));
    expect(memoryGiB).toBeGreaterThanOrEqual(2 * checkpointGiB(inf2()));
    expect(server.resources.requests.memory).toBe(server.resources.limits.memory);
  });

  // Karpenter instance types: inf2.xlarge has 14162Mi allocatable; the 8B checkpoint is ~15 GiB.
  test('throws HostMemoryInsufficient where the checkpoint cannot be loaded through host RAM', () => {
    expect(() => new ModelDeployment(chart(), 'Model', { plan: inf2('inf2.xlarge'), huggingFaceTokenSecret: hf })).toThrow(
      /\[HostMemoryInsufficient\] plan\.instance: .*inf2\.xlarge gets 12 GiB.*received "inf2\.xlarge".*fix: plan on a larger instance/,
    );
  });

  test('passes strict validation', () => {
    expectValid(objects);
  });
});

// vLLM --quantization fp8 quantizes at load: it downloads the bf16 safetensors (~131.5 GiB for
// 70B). The kubelet evicts a pod whose emptyDir exceeds its sizeLimit (eviction manager,
// kubernetes/kubernetes PR #45686), so the cache must hold the checkpoint actually fetched.
describe('quantize-at-load sizing', () => {
  const objects = synthOne((c) => new ModelDeployment(c, 'Model', { plan: gpu70bFp8(), huggingFaceTokenSecret: hf }));
  const deployment = one(objects, 'Deployment');
  const pod = deployment.spec.template.spec;
  const server = pod.containers[0];
  const gib = (q: string) => Number(q.replace(/Gi$/, ''));

  test('sizes the model cache and the ephemeral request from the bf16 checkpoint', () => {
    const checkpoint = checkpointGiB(gpu70bFp8());
    expect(checkpoint).toBeGreaterThan(131);
    const cache = pod.volumes.find((v: Manifest) => v.name === 'model-cache');
    expect(gib(cache.emptyDir.sizeLimit)).toBeGreaterThanOrEqual(checkpoint * 1.5);
    expect(gib(server.resources.requests['ephemeral-storage'])).toBeGreaterThan(gib(cache.emptyDir.sizeLimit));
  });

  test('budgets the startup probe for downloading the bf16 checkpoint at 0.1 GiB/s', () => {
    const budget = server.startupProbe.periodSeconds * server.startupProbe.failureThreshold;
    expect(budget).toBeGreaterThanOrEqual(checkpointGiB(gpu70bFp8()) / 0.1);
  });

  test('annotates the workload with the plan it was sized from', () => {
    const a = deployment.metadata.annotations;
    expect(Number(a[CHECKPOINT_GIB_ANNOTATION])).toBeGreaterThan(131);
    expect(a[HOST_LOAD_GIB_ANNOTATION]).toBe('0');
    expect(Number(a[PLANNED_STARTUP_SECONDS_ANNOTATION])).toBe(server.startupProbe.periodSeconds * server.startupProbe.failureThreshold);
    expect(Number(a[TARGET_TOKENS_PER_SECOND_ANNOTATION])).toBeCloseTo(gpu70bFp8().targetTokensPerSecondPerReplica, 2);
  });

  // vllm/vllm-openai has no passwd entry for uid 1000; getpass.getuser() reads LOGNAME/USER first
  // and only then pwd.getpwuid(), which raises KeyError (torch/_inductor/runtime/cache_dir_utils.py
  // default_cache_dir() calls getpass.getuser()).
  test('names the user so getpass.getuser() never looks up the missing passwd entry', () => {
    expect(pod.securityContext.runAsUser).toBe(1000);
    expect(envOf(server)).toMatchObject({ USER: 'server', LOGNAME: 'server' });
  });

  test('renders spec.replicas while no scaler owns the count', () => {
    expect(deployment.spec.replicas).toBe(1);
  });
});

describe('replica ownership', () => {
  // Kubernetes HPA guide, "Migrating Deployments and StatefulSets to horizontal autoscaling".
  test('drops spec.replicas when a scaler attaches after the workload, for both scaler kinds', () => {
    const keda = synthOne((c) => {
      const model = new ModelDeployment(c, 'Model', { plan: gpu70bFp8(), huggingFaceTokenSecret: hf, scrapeBackend: ScrapeBackend.PROMETHEUS_OPERATOR });
      new TokenThroughputScaler(c, 'Scaler', {
        target: model,
        policy: tokenScalingPolicy(gpu70bFp8()),
        prometheus: PrometheusSource.inCluster({ serverAddress: 'http://prometheus-operated.monitoring.svc:9090' }),
      });
    });
    expect(one(keda, 'Deployment').spec).not.toHaveProperty('replicas');
    const hpa = synthOne((c) => {
      const model = new ModelDeployment(c, 'Model', { plan: gpu70bFp8(), huggingFaceTokenSecret: hf });
      new TokenThroughputHpa(c, 'Scaler', { target: model, policy: tokenScalingPolicy(gpu70bFp8()), metricSource: HpaMetricSource.PROMETHEUS_ADAPTER });
    });
    expect(one(hpa, 'Deployment').spec).not.toHaveProperty('replicas');
    expectValid([...keda, ...hpa]);
  });
});

// tpu-inference v0.12.0 tpu_platform.py: without TPU_MULTIHOST_BACKEND the executor is forced to
// "uni" whatever --distributed-executor-backend says; its scripts/multihost/run_cluster.sh sets
// TPU_MULTIHOST_BACKEND=ray and JAX_PLATFORMS='' on head and workers.
describe('multi-host TPU LeaderWorkerSet', () => {
  const objects = synthOne((c) => new ModelDeployment(c, 'Model', { plan: slicePlan(), huggingFaceTokenSecret: hf }));
  const lws = one(objects, 'LeaderWorkerSet');
  const leader = lws.spec.leaderWorkerTemplate.leaderTemplate.spec;
  const worker = lws.spec.leaderWorkerTemplate.workerTemplate.spec;

  test('selects the Ray executor on the leader and on every worker', () => {
    for (const spec of [leader, worker]) {
      expect(envOf(spec.containers[0])).toMatchObject({ TPU_MULTIHOST_BACKEND: 'ray', JAX_PLATFORMS: '' });
    }
  });

  test('builds leader and workers from the same pod template as a Deployment', () => {
    expect(worker.securityContext).toEqual(leader.securityContext);
    expect(worker.volumes).toEqual(leader.volumes);
    expect(worker.containers[0].securityContext).toEqual(leader.containers[0].securityContext);
    expect(worker.containers[0].resources).toEqual(leader.containers[0].resources);
    expect(worker.containers[0].lifecycle).toBeUndefined();
    expect(leader.containers[0].lifecycle.preStop.exec.command[0]).toBe('python3');
  });

  test('annotates the LeaderWorkerSet with the plan', () => {
    expect(Object.keys(lws.metadata.annotations).sort()).toEqual(
      [CHECKPOINT_GIB_ANNOTATION, HOST_LOAD_GIB_ANNOTATION, PLANNED_STARTUP_SECONDS_ANNOTATION, TARGET_TOKENS_PER_SECOND_ANNOTATION].sort(),
    );
  });

  test('passes strict validation', () => {
    expectValid(objects);
  });
});

// Kubernetes Secret docs ("Restriction on names and data"): names are DNS subdomains, keys match
// [-._a-zA-Z0-9]+ (apimachinery validation.IsConfigMapKey).
describe('names Kubernetes rejects', () => {
  test('throws SecretReferenceInvalid for a Secret name that is not a DNS-1123 subdomain', () => {
    expect(() => new ModelDeployment(chart(), 'Model', { plan: inf2(), huggingFaceTokenSecret: { name: 'HF_Token' } })).toThrow(
      /\[SecretReferenceInvalid\] huggingFaceTokenSecret\.name: .*received "HF_Token".*fix: .*"hf-token"/,
    );
  });

  test('throws SecretReferenceInvalid for a Secret key outside [-._a-zA-Z0-9]+', () => {
    expect(() => new ModelDeployment(chart(), 'Model', { plan: inf2(), huggingFaceTokenSecret: { name: 'hf', key: 'hf token' } })).toThrow(
      /\[SecretReferenceInvalid\] huggingFaceTokenSecret\.key: .*received "hf token".*\[-\._a-zA-Z0-9\]\+.*"hf_token"/,
    );
  });

  test('throws ObjectNameConflict at synth when two models render the same name in one namespace', () => {
    const c = chart();
    new ModelDeployment(c, 'A', { plan: inf2(), huggingFaceTokenSecret: hf });
    new ModelDeployment(c, 'B', { plan: inf2(), huggingFaceTokenSecret: hf });
    expect(() => Testing.synth(c)).toThrow(/\[ObjectNameConflict\] name: c\/A\/Resource and c\/B\/Resource both render Deployment inference\/llama-3-1-8b/);
    const d = chart('d');
    new ModelDeployment(d, 'A', { plan: inf2(), huggingFaceTokenSecret: hf });
    new ModelDeployment(d, 'B', { plan: inf2(), huggingFaceTokenSecret: hf, name: 'llama-3-1-8b-canary' });
    expect(() => Testing.synth(d)).not.toThrow();
  });
});
