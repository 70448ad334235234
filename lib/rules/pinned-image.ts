/**
 * IC-K8S-013: no container image is `latest` (explicitly, or implicitly by leaving the tag out).
 *
 * Kubernetes docs, Images: "you should avoid using the :latest tag when deploying containers in
 * production as it is harder to track which version of the image is running and more difficult to
 * roll back"; an image without a tag or digest is `latest`. A model server's flags, metrics and
 * defaults change between releases, so the synthesized output must name the version it was built for.
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { containersOf, isWorkload, locate, podTemplates } from './k8s-objects.js';
import type { KubernetesRule, KubernetesRuleInput } from './rule.js';
import { imageTag, isLatestImage } from '../private/image-reference.js';

export const pinnedImage: KubernetesRule = {
  description: {
    id: 'IC-K8S-013',
    title: 'no latest (or untagged) container image',
    severity: RuleSeverity.ERROR,
    scope: RuleScope.KUBERNETES,
    source: 'https://kubernetes.io/docs/concepts/containers/images/#image-names',
  },
  check(input: KubernetesRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    for (const w of input.objects.filter(isWorkload)) {
      for (const t of podTemplates(w)) {
        for (const c of containersOf(t, true)) {
          const image = c.container.image;
          if (typeof image !== 'string' || !isLatestImage(image)) continue;
          out.push({
            message: `image ${JSON.stringify(image)} ${imageTag(image) === undefined ? 'has no tag, so it is latest' : 'is latest'}: every node may pull a different server version`,
            location: locate(w, `${c.path}.image`),
            fix: 'pin a released tag (e.g. vllm/vllm-openai:v0.11.0) or a digest',
          });
        }
      }
    }
    return out;
  },
};
