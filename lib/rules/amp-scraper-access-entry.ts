/**
 * IC-AWS-001: no `AWS::EKS::AccessEntry` for an AMP managed scraper's role on a cluster that
 * authenticates through the EKS API.
 *
 * Amazon Managed Service for Prometheus User Guide, "Configuring your Amazon EKS cluster": with
 * authentication mode `API` or `API_AND_CONFIG_MAP`, "any scrapers you create ... will
 * automatically have the correct access entry policy created for you". EKS keeps one access entry
 * per principal and cluster, and a second create fails with `ResourceInUseException: The specified
 * access entry resource is already in use on this cluster` (terraform-aws-modules/terraform-aws-eks
 * issue #3293), which rolls the stack back.
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { get } from './k8s-objects.js';
import { referencedIds } from './cfn.js';
import type { TemplateRule, TemplateRuleInput } from './rule.js';

/** Authentication modes in which AMP creates the scraper's access entry itself. */
export const AMP_AUTO_ACCESS_ENTRY_MODES = ['API', 'API_AND_CONFIG_MAP'];

export const ampScraperAccessEntry: TemplateRule = {
  description: {
    id: 'IC-AWS-001',
    title: "no AWS::EKS::AccessEntry for the AMP scraper's role on an API-authenticated cluster",
    severity: RuleSeverity.ERROR,
    scope: RuleScope.CLOUDFORMATION,
    source: 'https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector-how-to.html#AMP-collector-eks-setup',
  },
  check(input: TemplateRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    const scrapers = Object.entries(input.resources).filter(([, r]) => r.Type === 'AWS::APS::Scraper');
    for (const [entryId, entry] of Object.entries(input.resources)) {
      if (entry.Type !== 'AWS::EKS::AccessEntry') continue;
      const principalRefs = referencedIds(get(entry, 'Properties', 'PrincipalArn'));
      for (const [scraperId, scraper] of scrapers) {
        if (!principalRefs.has(scraperId)) continue;
        const clusterIds = [...referencedIds(get(scraper, 'Properties', 'Source', 'EksConfiguration', 'ClusterArn'))].filter((id) => input.resources[id]?.Type === 'AWS::EKS::Cluster');
        const entryClusters = referencedIds(get(entry, 'Properties', 'ClusterName'));
        const cluster = clusterIds.find((id) => entryClusters.has(id)) ?? clusterIds[0];
        const mode = cluster ? get(input.resources[cluster], 'Properties', 'AccessConfig', 'AuthenticationMode') : undefined;
        if (typeof mode !== 'string' || !AMP_AUTO_ACCESS_ENTRY_MODES.includes(mode)) continue;
        out.push({
          message: `access entry ${entryId} is for the role of AMP scraper ${scraperId}, but cluster ${cluster} uses AuthenticationMode ${mode}, in which AMP creates that entry itself; the second create fails with ResourceInUseException and rolls the stack back`,
          location: { ...(input.stack !== undefined ? { stack: input.stack } : {}), logicalId: entryId, path: 'Properties.PrincipalArn' },
          fix: 'remove the access entry (keep the scraper RBAC only for CONFIG_MAP clusters) and let AMP manage the scraper access',
        });
      }
    }
    return out;
  },
};
