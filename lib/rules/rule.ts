/**
 * What a rule is to the engine (internal to `lib/rules/`): a description and a pure check.
 */
import type { RuleDescription, RuleViolation } from './engine.js';
import type { Json, LocatedObject } from './k8s-objects.js';

/** A scrape interval that applies to annotation-scraped pods of one stack (the AMP scraper's). */
export interface StackScrapeInterval {
  readonly stack?: string;
  readonly seconds: number;
  /** Where it was read, for the message. */
  readonly from: string;
}

/** A node pool read from a non-Kubernetes source (a managed node group in a template). */
export interface ExternalPool {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly taints: { key: string; value?: string; effect: string }[];
  readonly limits: Record<string, number>;
  readonly stack?: string;
}

/** What a Kubernetes rule reads. */
export interface KubernetesRuleInput {
  readonly objects: LocatedObject[];
  readonly scrapeIntervals: StackScrapeInterval[];
  /** Scrape interval of annotation-scraped pods outside any stack's scraper, seconds. */
  readonly annotationScrapeIntervalSeconds?: number;
  readonly externalPools: ExternalPool[];
}

/** A rule over Kubernetes objects. */
export interface KubernetesRule {
  readonly description: RuleDescription;
  check(input: KubernetesRuleInput): RuleViolation[];
}

/** What a CloudFormation rule reads. */
export interface TemplateRuleInput {
  readonly template: Json;
  readonly resources: Record<string, Json>;
  readonly stack?: string;
}

/** A rule over a CloudFormation template. */
export interface TemplateRule {
  readonly description: RuleDescription;
  check(input: TemplateRuleInput): RuleViolation[];
}
