/**
 * The inference rule pack: every rule, and the entry points that run them over Kubernetes
 * manifests and CloudFormation templates.
 */
import { InferenceConstructsError } from '../errors.js';
import { ampScraperAccessEntry } from './amp-scraper-access-entry.js';
import { autoModeNodeExpiry } from './auto-mode-node-expiry.js';
import { manifestsInTemplate, nodegroupPools, resourcesOf, scraperIntervals } from './cfn.js';
import { djlLoadingTimeout } from './djl-loading-timeout.js';
import {
  ACKNOWLEDGEMENT_WITHOUT_REASON_RULE,
  ACKNOWLEDGE_ANNOTATION,
  ACKNOWLEDGE_METADATA_KEY,
  applyAcknowledgements,
  formatFinding,
  parseAcknowledgeAnnotation,
  sortFindings,
  toFinding,
  type FindingLocation,
  type RuleAcknowledgement,
  type RuleDescription,
  type RuleFinding,
  type RulePackResult,
} from './engine.js';
import { extendedResourceRequests } from './extended-resource-requests.js';
import { hostLoadMemory } from './host-load-memory.js';
import { asArray, get, isObject, type LocatedObject } from './k8s-objects.js';
import { kedaFallbackBehavior } from './keda-fallback-behavior.js';
import { modelCacheSize } from './model-cache-size.js';
import { neuronWritablePaths } from './neuron-writable-paths.js';
import { noReplicasWhenScaled } from './no-replicas-when-scaled.js';
import { pdbSingleReplica } from './pdb-single-replica.js';
import { pinnedImage } from './pinned-image.js';
import { poolFit } from './pool-fit.js';
import { rateWindowScrapes } from './rate-window-scrapes.js';
import type { KubernetesRule, KubernetesRuleInput, TemplateRule } from './rule.js';
import { sagemakerPinnedImage } from './sagemaker-pinned-image.js';
import { scalerTargetPlan } from './scaler-target-plan.js';
import { startupBudget } from './startup-budget.js';
import { tokenTriggerNullValues } from './token-trigger-null-values.js';

/** The Kubernetes rules, by id. */
const KUBERNETES_RULES: KubernetesRule[] = [
  autoModeNodeExpiry,
  neuronWritablePaths,
  hostLoadMemory,
  modelCacheSize,
  noReplicasWhenScaled,
  kedaFallbackBehavior,
  tokenTriggerNullValues,
  rateWindowScrapes,
  pdbSingleReplica,
  extendedResourceRequests,
  startupBudget,
  poolFit,
  pinnedImage,
  scalerTargetPlan,
];

/** The CloudFormation rules, by id. */
const TEMPLATE_RULES: TemplateRule[] = [ampScraperAccessEntry, djlLoadingTimeout, sagemakerPinnedImage];

/** Options every check takes. */
export interface RuleCheckOptions {
  /**
   * Scrape interval, seconds, of the Prometheus that scrapes pods through `prometheus.io/*`
   * annotations (e.g. 60 for the prometheus-community chart's default `scrape_interval: 1m`).
   * Used by IC-K8S-008 where neither a PodMonitor/ServiceMonitor/PodMonitoring nor a stack's AMP
   * scraper states the interval.
   * @default - not known: IC-K8S-008 checks only workloads whose interval is stated
   */
  readonly annotationScrapeIntervalSeconds?: number;
  /**
   * Rule ids not to run (for a whole app; prefer acknowledging one object with a reason).
   * @default - every rule runs
   */
  readonly disabledRules?: string[];
}

/** Options of {@link InferenceRulePack.checkManifests}. */
export interface ManifestCheckOptions extends RuleCheckOptions {
  /**
   * What the objects are, for the finding's location, e.g. `chart llama-3-1-8b-inf2` or a file name.
   * @default - none
   */
  readonly origin?: string;
}

/** A named list of manifests, for {@link InferenceRulePack.checkManifestSets}. */
export interface ManifestSet {
  /** What the objects are (a chart id, a file name). */
  readonly origin: string;
  /** The Kubernetes objects (plain JSON, as `kubectl apply` takes them). */
  readonly objects: any[];
}

/** Options of {@link InferenceRulePack.checkTemplate}. */
export interface TemplateCheckOptions extends RuleCheckOptions {
  /**
   * Stack name, for the finding's location.
   * @default - none
   */
  readonly stackName?: string;
}

/** Acknowledgements from outside the checked objects (CDK metadata), by location. Internal. */
export type ExtraAcknowledgements = (location: FindingLocation) => RuleAcknowledgement[];

function enabled<T extends { description: RuleDescription }>(rules: T[], options: RuleCheckOptions): T[] {
  const disabled = new Set(options.disabledRules ?? []);
  const known = new Set(InferenceRulePack.ruleIds());
  for (const id of disabled) {
    if (!known.has(id)) {
      throw new InferenceConstructsError('RuleIdUnknown', {
        prop: 'disabledRules',
        problem: 'no rule has that id',
        received: id,
        allowed: [...known],
        fix: 'pass ids from InferenceRulePack.ruleIds()',
      });
    }
  }
  return rules.filter((r) => !disabled.has(r.description.id));
}

function runKubernetes(input: KubernetesRuleInput, options: RuleCheckOptions): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const rule of enabled(KUBERNETES_RULES, options)) {
    for (const v of rule.check(input)) findings.push(toFinding(rule.description, v));
  }
  return findings;
}

/** The object a finding is on, to read its acknowledge annotation. */
function objectAt(objects: LocatedObject[], l: FindingLocation): LocatedObject | undefined {
  if (l.kind === undefined) return undefined;
  return objects.find(
    (o) =>
      o.object.kind === l.kind &&
      get(o.object, 'metadata', 'name') === l.name &&
      (get(o.object, 'metadata', 'namespace') ?? undefined) === l.namespace &&
      o.logicalId === l.logicalId &&
      o.origin === l.origin,
  );
}

function annotationAcks(objects: LocatedObject[]) {
  return (f: RuleFinding): RuleAcknowledgement[] => parseAcknowledgeAnnotation(get(objectAt(objects, f.location)?.object, 'metadata', 'annotations', ACKNOWLEDGE_ANNOTATION));
}

function locatedSets(sets: ManifestSet[]): LocatedObject[] {
  const out: LocatedObject[] = [];
  for (const s of sets) {
    if (!Array.isArray(s.objects)) {
      throw new InferenceConstructsError('ManifestsInvalid', {
        prop: 'objects',
        problem: 'the manifests are not a list of Kubernetes objects',
        received: s.objects,
        allowed: 'an array of objects with apiVersion and kind',
        fix: 'pass the parsed documents of the YAML (one object per document), or chart.toJson()',
      });
    }
    for (const o of s.objects) if (isObject(o) && typeof o.kind === 'string') out.push({ object: o, ...(s.origin ? { origin: s.origin } : {}) });
  }
  return out;
}

/** Acknowledgements in a template resource's Metadata. */
function metadataAcks(resource: unknown): RuleAcknowledgement[] {
  return asArray(get(resource, 'Metadata', ACKNOWLEDGE_METADATA_KEY, 'acknowledge'))
    .filter(isObject)
    .map((a) => ({ id: String(a.id ?? ''), reason: typeof a.reason === 'string' ? a.reason : '' }));
}

/**
 * Run the whole pack over one template (its resources and the manifests inside its EKS custom
 * resources). `extra` adds acknowledgements recorded outside the template (CDK construct metadata).
 * Internal: the public entry point is {@link InferenceRulePack.checkTemplate}.
 */
export function checkTemplateWith(template: unknown, options: TemplateCheckOptions, extra: ExtraAcknowledgements): RulePackResult {
  if (!isObject(template) || !isObject(template.Resources)) {
    throw new InferenceConstructsError('TemplateInvalid', {
      prop: 'template',
      problem: 'the template has no Resources section',
      received: template,
      allowed: 'a CloudFormation template object (JSON.parse of the .template.json)',
      fix: 'pass the parsed template, e.g. Template.fromStack(stack).toJSON()',
    });
  }
  const stack = options.stackName;
  const resources = resourcesOf(template);
  const findings: RuleFinding[] = [];
  for (const rule of enabled(TEMPLATE_RULES, options)) {
    for (const v of rule.check({ template, resources, ...(stack !== undefined ? { stack } : {}) })) findings.push(toFinding(rule.description, v));
  }
  const { objects } = manifestsInTemplate(template, stack);
  findings.push(
    ...runKubernetes(
      {
        objects,
        scrapeIntervals: scraperIntervals(template, stack),
        ...(options.annotationScrapeIntervalSeconds !== undefined ? { annotationScrapeIntervalSeconds: options.annotationScrapeIntervalSeconds } : {}),
        externalPools: nodegroupPools(template, stack),
      },
      options,
    ),
  );
  const fromAnnotations = annotationAcks(objects);
  return applyAcknowledgements(findings, (f) => [
    ...fromAnnotations(f),
    ...(f.location.logicalId !== undefined ? metadataAcks(resources[f.location.logicalId]) : []),
    ...extra(f.location),
  ]);
}

/**
 * The rule pack for inference deployments: checks that schema validation cannot make (service
 * limits, model-server behaviour, scaler and plan consistency), each with a stable id, the
 * upstream source, and a fix.
 *
 * Run it on every synth: `constructs/aws` `InferenceRulesPlugin` (a CDK policy-validation
 * plugin) and `constructs/k8s` `InferenceRules.of(chart)` call it; call it directly for
 * templates and manifests that come from elsewhere.
 *
 * Rules that compare objects with their plan read the plan annotations
 * (`inference-constructs.io/*`, see `lib/plan-annotations.ts`); on objects without them those
 * rules report nothing, because there is no planned figure to compare with.
 */
export class InferenceRulePack {
  /** Every rule: id, title, severity, what it reads, and its upstream source. */
  public static rules(): RuleDescription[] {
    return [...TEMPLATE_RULES.map((r) => r.description), ...KUBERNETES_RULES.map((r) => r.description), ACKNOWLEDGEMENT_WITHOUT_REASON_RULE]
      .map((d) => ({ ...d }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Render a finding on one line: severity, id, where, what, how to fix, source. */
  public static formatFinding(finding: RuleFinding): string {
    return formatFinding(finding);
  }

  /** Every rule id. */
  public static ruleIds(): string[] {
    return InferenceRulePack.rules().map((r) => r.id);
  }

  /**
   * Check Kubernetes objects together (a chart, or the documents of a YAML file): objects that
   * refer to each other (a ScaledObject and its Deployment, a NodePool and its workloads) must be
   * in the same call. Acknowledge a finding with the `inference-constructs.io/acknowledge`
   * annotation on the object (`IC-K8S-009: <reason>`, one per line).
   *
   * @param objects the objects as plain JSON
   */
  public static checkManifests(objects: any[], options: ManifestCheckOptions = {}): RulePackResult {
    return InferenceRulePack.checkManifestSets([{ origin: options.origin ?? '', objects }], options);
  }

  /** Check several named lists of objects as one deployment (e.g. every chart of a cdk8s app). */
  public static checkManifestSets(sets: ManifestSet[], options: RuleCheckOptions = {}): RulePackResult {
    const objects = locatedSets(sets);
    const findings = runKubernetes(
      {
        objects,
        scrapeIntervals: [],
        ...(options.annotationScrapeIntervalSeconds !== undefined ? { annotationScrapeIntervalSeconds: options.annotationScrapeIntervalSeconds } : {}),
        externalPools: [],
      },
      options,
    );
    return applyAcknowledgements(sortFindings(findings), annotationAcks(objects));
  }

  /**
   * Check a CloudFormation template: its resources, and the Kubernetes manifests inside its EKS
   * manifest custom resources (`Custom::AWSCDK-EKS-KubernetesResource`, which `addCdk8sChart` and
   * `KubernetesManifest` render). Acknowledge a resource's finding in its Metadata
   * (`{ "inference-constructs": { "acknowledge": [{ "id": ..., "reason": ... }] } }`) or, for a
   * manifest, with the annotation on the object.
   *
   * @param template the parsed template
   */
  public static checkTemplate(template: any, options: TemplateCheckOptions = {}): RulePackResult {
    return checkTemplateWith(template, options, () => []);
  }
}

export { ACKNOWLEDGE_ANNOTATION };
