/**
 * The inference rule pack as an aws-cdk-lib policy-validation plugin: on every synth it checks
 * each synthesized template, and the Kubernetes manifests inside its EKS custom resources, with
 * `InferenceRulePack` (lib/rules).
 *
 * Register it on the app (the stable `IPolicyValidationPlugin` API; the Beta1 interface and
 * `App({ policyValidationBeta1 })` are deprecated in aws-cdk-lib 2.276 and receive no construct tree):
 *
 * ```ts
 * const app = new App();
 * InferenceRulesPlugin.addTo(app);
 * ```
 *
 * Acknowledge a finding next to the construct, with a reason, as for cdk-nag:
 * `Validations.of(construct).acknowledge({ id: 'IC-AWS-002', reason: '...' })` (or
 * `InferenceRulesPlugin.acknowledge(construct, 'IC-AWS-002', '...')`); it applies to the
 * construct's resources and everything below it. Findings on Kubernetes objects can also be
 * acknowledged with the `inference-constructs.io/acknowledge` annotation on the object.
 */
import { readFileSync } from 'node:fs';
import { App, CfnResource, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { InferenceRulePack, RuleSeverity, formatLocation, type RuleAcknowledgement, type RuleCheckOptions, type RuleFinding, type RulePackResult } from '../../lib/rules/index.js';
import { checkTemplateWith } from '../../lib/rules/rule-pack.js';

/** Name under which the plugin reports (and the prefix CDK's report suggests for acknowledgements). */
export const INFERENCE_RULES_PLUGIN_NAME = 'InferenceRules';

/** Properties of {@link InferenceRulesPlugin}. */
export interface InferenceRulesPluginProps extends RuleCheckOptions {}

const ACK_PREFIX = new RegExp(`^(annotation|${INFERENCE_RULES_PLUGIN_NAME})::`, 'i');

/** Acknowledgements recorded with Validations.of(c).acknowledge(), by construct path. */
function acknowledgementsByPath(root: IConstruct): Map<string, RuleAcknowledgement[]> {
  const byPath = new Map<string, RuleAcknowledgement[]>();
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || typeof entry.data !== 'object' || entry.data === null) continue;
      const list = byPath.get(c.node.path) ?? [];
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) list.push({ id: id.replace(ACK_PREFIX, ''), reason: typeof reason === 'string' ? reason : '' });
      byPath.set(c.node.path, list);
    }
  }
  return byPath;
}

/** Construct path of each CfnResource by stack path and logical id. */
function resourcePaths(root: IConstruct): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of root.node.findAll()) {
    if (!CfnResource.isCfnResource(c)) continue;
    const stack = Stack.of(c);
    out.set(`${stack.node.path}|${stack.resolve(c.logicalId) as string}`, c.node.path);
  }
  return out;
}

/**
 * A CDK policy-validation plugin that runs the inference rule pack on every synthesized
 * template. Error findings fail the synth (CDK prints the report); warnings are reported only.
 */
export class InferenceRulesPlugin implements IPolicyValidationPlugin {
  /** Register the plugin on an app (once; a second call is a no-op). */
  public static addTo(app: App, props: InferenceRulesPluginProps = {}): InferenceRulesPlugin {
    const existing = registered.get(app);
    if (existing) return existing;
    const plugin = new InferenceRulesPlugin(props);
    registered.set(app, plugin);
    Validations.of(app).addPlugins(plugin);
    return plugin;
  }

  /** Acknowledge a rule's findings on a construct and everything below it, with a reason. */
  public static acknowledge(scope: IConstruct, id: string, reason: string): void {
    Validations.of(scope).acknowledge({ id, reason });
  }

  public readonly name = INFERENCE_RULES_PLUGIN_NAME;
  /** The ids of the rules the plugin runs. */
  public readonly ruleIds?: string[] = InferenceRulePack.ruleIds();
  private readonly lastResults = new Map<string, RulePackResult>();
  private readonly options: RuleCheckOptions;

  constructor(props: InferenceRulesPluginProps = {}) {
    this.options = props;
  }

  /** The result of the last synth for each stack, by the stack's construct path (open and acknowledged findings). */
  public get results(): { [stackPath: string]: RulePackResult } {
    return Object.fromEntries(this.lastResults);
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const acks = acknowledgementsByPath(context.appConstruct);
    const paths = resourcePaths(context.appConstruct);
    const violations: PolicyViolation[] = [];
    this.lastResults.clear();
    for (const s of context.stackTemplates) {
      const template = JSON.parse(readFileSync(s.templatePath, 'utf8')) as unknown;
      const stackName = s.stackConstructPath.split('/').pop()!;
      const acksAt = (logicalId: string | undefined): RuleAcknowledgement[] => {
        if (logicalId === undefined) return acks.get(s.stackConstructPath) ?? [];
        const path = paths.get(`${s.stackConstructPath}|${logicalId}`);
        if (!path) return [];
        const segments = path.split('/');
        const found: RuleAcknowledgement[] = [];
        for (let n = segments.length; n > 0; n--) found.push(...(acks.get(segments.slice(0, n).join('/')) ?? []));
        return found;
      };
      const result = checkTemplateWith(template, { ...this.options, stackName }, (l) => acksAt(l.logicalId));
      this.lastResults.set(s.stackConstructPath, result);
      for (const f of result.findings) violations.push(toViolation(f, s.templatePath, f.location.logicalId !== undefined ? paths.get(`${s.stackConstructPath}|${f.location.logicalId}`) : undefined));
    }
    return { success: !violations.some((v) => v.severity === RuleSeverity.ERROR), violations };
  }
}

const registered = new WeakMap<App, InferenceRulesPlugin>();

function toViolation(f: RuleFinding, templatePath: string, constructPath: string | undefined): PolicyViolation {
  return {
    ruleName: f.ruleId,
    description: `${f.ruleId}: ${f.message} (${formatLocation(f.location)})`,
    fix: `${f.fix} - ${f.source}`,
    severity: f.severity,
    violatingResources: [
      {
        ...(f.location.logicalId !== undefined ? { resourceLogicalId: f.location.logicalId } : {}),
        // The template's absolute path only when no construct path locates the resource, so the
        // validation report CDK writes into the assembly is the same on any checkout path.
        ...(constructPath !== undefined ? { constructPath } : { templatePath }),
        locations: [f.location.path],
      },
    ],
  };
}
