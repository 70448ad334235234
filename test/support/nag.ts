/**
 * cdk-nag AwsSolutions checks for test apps.
 *
 * What it checks: every `CfnResource` of the app against the cdk-nag `AwsSolutions` rule pack
 * (encryption at rest, TLS-only bucket policies, IAM wildcards, logging, ...), see
 * https://github.com/cdklabs/cdk-nag/blob/main/RULES.md#awssolutions.
 *
 * Why: platform engineers review the synthesized templates; a finding must either be fixed in
 * the construct or acknowledged next to the resource with a written reason, so each exception is
 * visible in code review.
 *
 * How: cdk-nag 3 is a CDK policy-validation plugin (`IPolicyValidationPlugin`) that aws-cdk-lib
 * (>= 2.257) runs during `app.synth()` with the construct tree on the validation context
 * (node_modules/cdk-nag/MIGRATION.md). Acknowledgements use the CDK API
 * `Validations.of(construct).acknowledge({ id: 'AwsSolutions-S1', reason: '...' })`, which the
 * pack reads from construct metadata (`Validations.ACKNOWLEDGED_RULES_METADATA_KEY`) on the
 * resource and its ancestors.
 *
 * A policy-validation error makes an in-memory `app.synth()` throw with the formatted report
 * (aws-cdk-lib `core/lib/private/synthesis-validation.js`), and CDK rewrites the reports it is
 * given while applying acknowledgements. The plugin registered here therefore wraps the pack:
 * it keeps a copy of the pack's own report for {@link synthWithNag} and hands CDK an empty,
 * successful report, so synthesis finishes quietly, the assembly is available, and the test
 * decides what to assert. Acknowledgements are applied by the pack itself (bare rule ids) and
 * here (also the plugin-qualified `AwsSolutions::AwsSolutions-S1` form CDK's report suggests).
 * Normal `cdk synth` of `bin/` apps never registers this plugin, so their output is unaffected.
 *
 * Acknowledgements without a reason (empty or blank) are reported as violations with the rule id
 * {@link ACKNOWLEDGEMENT_WITHOUT_REASON}: every exception must say why.
 */
import { App, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, Validations } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** One unacknowledged cdk-nag finding on one resource. */
export interface NagViolation {
  /** Rule id as used in acknowledgements, e.g. `AwsSolutions-S1` or `AwsSolutions-IAM5[Action::s3:*]`. */
  readonly ruleId: string;
  /** Construct path of the violating resource, e.g. `Stack/Bucket/Resource`. */
  readonly resource: string;
  /** The rule's description of the problem. */
  readonly message: string;
  /** `error` or `warning`, as the rule pack classifies the rule. */
  readonly severity: string;
}

/** Rule id reported for an acknowledgement whose reason is empty. */
export const ACKNOWLEDGEMENT_WITHOUT_REASON = 'AcknowledgementWithoutReason';

/** Name under which the wrapping plugin is registered (and appears in the validation report). */
export const NAG_PLUGIN_NAME = 'AwsSolutions';

/**
 * Policy-validation plugin that runs cdk-nag `AwsSolutionsChecks` and keeps a copy of its
 * report; CDK receives an empty successful report, so synthesis neither throws nor prints.
 */
class RecordingNagPlugin implements IPolicyValidationPlugin {
  public readonly name = NAG_PLUGIN_NAME;
  public readonly version: string | undefined;
  /** Report of the last validation run, `undefined` before synthesis. */
  public lastReport: PolicyValidationPluginReport | undefined;
  private readonly pack: AwsSolutionsChecks;

  constructor(app: App) {
    this.pack = new AwsSolutionsChecks(app);
    this.version = this.pack.version;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    this.lastReport = structuredClone(this.pack.validate(context));
    return { success: true, violations: [] };
  }
}

const plugins = new WeakMap<App, RecordingNagPlugin>();
const results = new WeakMap<App, { assembly: CloudAssembly; violations: NagViolation[] }>();

/**
 * Registers cdk-nag AwsSolutions as a policy-validation plugin on the app. Call it right after
 * creating the App (before or after adding stacks: the pack walks the finished tree at synth).
 * Calling it twice on the same app registers the pack once.
 */
export function addNagChecks(app: App): void {
  if (plugins.has(app)) {
    return;
  }
  const plugin = new RecordingNagPlugin(app);
  plugins.set(app, plugin);
  Validations.of(app).addPlugins(plugin);
}

/**
 * Synthesizes the app (once; later calls return the same result) and returns the unacknowledged
 * AwsSolutions violations, sorted by resource then rule (empty = clean), plus the assembly.
 * Registers the checks first if {@link addNagChecks} was not called.
 */
export function synthWithNag(app: App): { assembly: CloudAssembly; violations: NagViolation[] } {
  const cached = results.get(app);
  if (cached) {
    return cached;
  }
  addNagChecks(app);
  const plugin = plugins.get(app)!;
  const assembly = app.synth();
  const report = plugin.lastReport;
  if (!report) {
    throw new Error(
      'cdk-nag did not run during synthesis: the app has no stacks, or policy validation is disabled for it. ' +
        'Create the App without disabling validation and add at least one stack.',
    );
  }
  const acknowledged = acknowledgedRuleIds(app);
  const violations: NagViolation[] = [];
  for (const violation of report.violations) {
    for (const resource of violation.violatingResources) {
      if (isAcknowledged(acknowledged, resource.constructPath, violation.ruleName)) {
        continue;
      }
      violations.push({
        ruleId: violation.ruleName,
        resource: resource.constructPath ?? resource.resourceLogicalId ?? '(unknown resource)',
        message: violation.description,
        severity: violation.severity ?? 'error',
      });
    }
  }
  violations.push(...acknowledgementsWithoutReason(app));
  violations.sort((a, b) => compare(a.resource, b.resource) || compare(a.ruleId, b.ruleId));
  const result = { assembly, violations };
  results.set(app, result);
  return result;
}

/** Formats violations one per line, for readable assertion failures. */
export function formatNagViolations(violations: readonly NagViolation[]): string {
  return violations.map((v) => `[${v.severity}] ${v.resource}: ${v.ruleId} ${v.message}`).join('\n');
}

/**
 * Rule ids acknowledged per construct path. CDK's report suggests the plugin-qualified form
 * (`AwsSolutions::AwsSolutions-S1`), cdk-nag 3.0.2 itself only recognises the bare id (stored by
 * CDK as `Annotation::AwsSolutions-S1`); both forms are accepted here.
 */
function acknowledgedRuleIds(root: IConstruct): Map<string, Set<string>> {
  const byPath = new Map<string, Set<string>>();
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || typeof entry.data !== 'object' || entry.data === null) {
        continue;
      }
      const ids = byPath.get(construct.node.path) ?? new Set<string>();
      for (const qualifiedId of Object.keys(entry.data as Record<string, unknown>)) {
        ids.add(qualifiedId.replace(ACK_PREFIX, ''));
      }
      byPath.set(construct.node.path, ids);
    }
  }
  return byPath;
}

const ACK_PREFIX = new RegExp(`^(annotation|${NAG_PLUGIN_NAME})::`, 'i');

function isAcknowledged(acknowledged: Map<string, Set<string>>, constructPath: string | undefined, ruleId: string): boolean {
  if (constructPath === undefined) {
    return false;
  }
  const segments = constructPath.split('/');
  for (let n = segments.length; n >= 0; n--) {
    if (acknowledged.get(segments.slice(0, n).join('/'))?.has(ruleId)) {
      return true;
    }
  }
  return false;
}

function acknowledgementsWithoutReason(root: IConstruct): NagViolation[] {
  const found: NagViolation[] = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || typeof entry.data !== 'object' || entry.data === null) {
        continue;
      }
      for (const [qualifiedId, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        if (typeof reason !== 'string' || reason.trim() === '') {
          found.push({
            ruleId: ACKNOWLEDGEMENT_WITHOUT_REASON,
            resource: construct.node.path,
            message: `acknowledgement of ${qualifiedId.replace(ACK_PREFIX, '')} has no reason: pass { id, reason } with a reason a reviewer can check`,
            severity: 'error',
          });
        }
      }
    }
  }
  return found;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
