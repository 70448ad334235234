/**
 * IC-K8S-004: the model cache holds the checkpoint the server actually fetches
 * (`inference-constructs.io/checkpoint-gib`, the published weights before any quantize-at-load).
 *
 * With `--quantization fp8` vLLM downloads the published (e.g. bf16) safetensors and quantizes
 * while loading, so the cache needs the checkpoint's size, not the quantized size. The kubelet
 * evicts a pod whose emptyDir outgrows its `sizeLimit` or whose ephemeral storage outgrows its
 * limit, with a zero grace period ("the emptyDir usage exceeds the size limit, evict the pod",
 * kubernetes/kubernetes `pkg/kubelet/eviction/eviction_manager.go`, PR #45686); the emptyDir goes
 * with it, so the pod loops download -> evict. The ephemeral-storage request must cover it too, or
 * the scheduler places the pod on a node whose disk cannot hold it.
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { GIB, commandLine, containersOf, envValue, flagValue, get, gib, isWorkload, locate, parseQuantity, planFigure, podTemplates } from './k8s-objects.js';
import { mountFor } from './mounts.js';
import { CHECKPOINT_GIB_ANNOTATION } from '../plan-annotations.js';
import type { KubernetesRule, KubernetesRuleInput } from './rule.js';

/** Environment variables (Hugging Face hub) and flags that name where the weights are downloaded, in order of precedence. */
export const MODEL_CACHE_ENV = ['HF_HUB_CACHE', 'HUGGINGFACE_HUB_CACHE', 'HF_HOME'];
export const MODEL_CACHE_FLAGS = ['--download-dir'];

export const modelCacheSize: KubernetesRule = {
  description: {
    id: 'IC-K8S-004',
    title: `model cache (emptyDir sizeLimit, ephemeral-storage) >= the checkpoint fetched (${CHECKPOINT_GIB_ANNOTATION})`,
    severity: RuleSeverity.ERROR,
    scope: RuleScope.KUBERNETES,
    source: 'https://github.com/kubernetes/kubernetes/pull/45686',
  },
  check(input: KubernetesRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    for (const w of input.objects.filter(isWorkload)) {
      const need = planFigure(w, CHECKPOINT_GIB_ANNOTATION);
      if (need === undefined || need <= 0) continue;
      const needBytes = need * GIB;
      for (const t of podTemplates(w)) {
        for (const c of containersOf(t)) {
          const argv = commandLine(c.container);
          const dir = MODEL_CACHE_FLAGS.map((f) => flagValue(argv, f)).find((v) => v !== undefined) ?? MODEL_CACHE_ENV.map((e) => envValue(c.container, e)?.value).find((v) => v !== undefined);
          if (dir === undefined) continue;
          const m = mountFor(t, c, dir);
          const emptyDir = m?.volume?.emptyDir;
          if (m && emptyDir !== undefined) {
            const limit = parseQuantity(get(emptyDir, 'sizeLimit'));
            if (Number.isFinite(limit) && limit < needBytes) {
              const vi = (t.spec.volumes as unknown[]).indexOf(m.volume);
              out.push({
                message: `the model cache ${String(m.volume!.name)} (emptyDir sizeLimit ${gib(limit)}) is smaller than the ${need} GiB checkpoint the server downloads, so the kubelet evicts the pod mid-download`,
                location: locate(w, `${t.path}.spec.volumes[${vi}].emptyDir.sizeLimit`),
                fix: `size the cache from the checkpoint: sizeLimit at least ${Math.ceil(need)}Gi (or use a PersistentVolumeClaim, or a pre-quantized checkpoint)`,
              });
            }
            if (get(emptyDir, 'medium') !== 'Memory') {
              for (const field of ['requests', 'limits']) {
                const v = parseQuantity(get(c.container, 'resources', field, 'ephemeral-storage'));
                if (Number.isFinite(v) && v < needBytes) {
                  out.push({
                    message: `the ephemeral-storage ${field === 'requests' ? 'request' : 'limit'} ${gib(v)} is smaller than the ${need} GiB checkpoint cached on node storage`,
                    location: locate(w, `${c.path}.resources.${field}.ephemeral-storage`),
                    fix: `set ephemeral-storage ${field} to at least ${Math.ceil(need)}Gi plus the server's scratch space`,
                  });
                }
              }
            }
          }
        }
      }
    }
    return out;
  },
};
