/**
 * IC-AWS-003: no SageMaker model container image is `latest` or untagged.
 *
 * An untagged ECR image reference resolves to `latest`; SageMaker pulls the image when an
 * instance starts, so instances of one endpoint may run different server versions
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-pull-ecr-image.html; Kubernetes'
 * image guidance applies alike: https://kubernetes.io/docs/concepts/containers/images/#image-names).
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { asArray, get, isObject } from './k8s-objects.js';
import { renderValue } from './cfn.js';
import { isLatestImage } from '../private/image-reference.js';
import type { TemplateRule, TemplateRuleInput } from './rule.js';

export const sagemakerPinnedImage: TemplateRule = {
  description: {
    id: 'IC-AWS-003',
    title: 'no latest (or untagged) SageMaker model image',
    severity: RuleSeverity.ERROR,
    scope: RuleScope.CLOUDFORMATION,
    source: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-pull-ecr-image.html',
  },
  check(input: TemplateRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    for (const [id, model] of Object.entries(input.resources)) {
      if (model.Type !== 'AWS::SageMaker::Model') continue;
      const containers: [unknown, string][] = [[get(model, 'Properties', 'PrimaryContainer'), 'Properties.PrimaryContainer']];
      asArray(get(model, 'Properties', 'Containers')).forEach((c, i) => containers.push([c, `Properties.Containers[${i}]`]));
      for (const [c, path] of containers) {
        if (!isObject(c) || c.Image === undefined) continue;
        const image = renderValue(c.Image);
        // A tag made of a token (e.g. an asset hash) is pinned.
        if (/\$\{[^}]*\}$/.test(image) && !image.includes(':')) continue;
        if (!isLatestImage(image)) continue;
        out.push({
          message: `model image ${JSON.stringify(image)} is latest (or untagged), so instances may start different server versions`,
          location: { ...(input.stack !== undefined ? { stack: input.stack } : {}), logicalId: id, path: `${path}.Image` },
          fix: 'pin a released tag (e.g. djl-inference:0.33.0-lmi15.0.0-cu128) or a digest',
        });
      }
    }
    return out;
  },
};
