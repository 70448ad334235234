/**
 * The rule engine: what a rule is, what it reports, and how a finding is acknowledged.
 *
 * Rules are pure: a Kubernetes rule reads plain manifest objects (the JSON `kubectl apply`
 * takes), a CloudFormation rule reads a plain template object. Neither imports aws-cdk-lib or
 * cdk8s, so the same rules run on the library's own output, on a user's stacks and charts, and
 * on YAML that comes from elsewhere. `constructs/aws/rule-pack.ts` (a CDK policy-validation
 * plugin) and `constructs/k8s/rule-pack.ts` (a chart validation) apply them at synth.
 *
 * Ids are stable: `IC-K8S-NNN` for rules over Kubernetes objects, `IC-AWS-NNN` for rules over
 * CloudFormation resources, `IC-ACK-NNN` for the acknowledgements themselves. An id is never
 * renamed or reused for another meaning; a retired rule keeps its number.
 *
 * Acknowledgement (after cdk-nag's suppressions): a finding is accepted on purpose with an id
 * and a reason a reviewer can check. An acknowledgement without a reason is itself a finding
 * (`IC-ACK-001`).
 */
import { compareStrings } from '../private/compare.js';

/** How bad a finding is. */
export enum RuleSeverity {
  /** The deployment fails, or serving or scaling misbehaves: synth fails until fixed or acknowledged. */
  ERROR = 'error',
  /** A risk a reviewer should see; synth does not fail. */
  WARNING = 'warning',
}

/** What a rule reads. */
export enum RuleScope {
  /** Kubernetes manifest objects (cdk8s charts, YAML, manifests inside an EKS stack). */
  KUBERNETES = 'kubernetes',
  /** CloudFormation templates. */
  CLOUDFORMATION = 'cloudformation',
  /** Either: the acknowledgements themselves. */
  ANY = 'any',
}

/** The description of one rule, as the rule table and every finding show it. */
export interface RuleDescription {
  /** Stable id, e.g. `IC-K8S-001`. */
  readonly id: string;
  /** One-line summary of what the rule requires. */
  readonly title: string;
  /** Severity of its findings. */
  readonly severity: RuleSeverity;
  /** What the rule reads. */
  readonly scope: RuleScope;
  /** The upstream document or source file that states the rule (URL). */
  readonly source: string;
}

/** Where a finding is: a Kubernetes object or a CloudFormation resource. */
export interface FindingLocation {
  /**
   * Where the object came from: `chart <id>`, `stack <name> resource <logicalId>` (a manifest
   * inside an EKS stack), or what the caller named it.
   * @default - not known
   */
  readonly origin?: string;
  /** CloudFormation stack name. @default - not a CloudFormation resource or not known */
  readonly stack?: string;
  /** CloudFormation logical id of the resource (or of the custom resource holding the manifest). @default - none */
  readonly logicalId?: string;
  /** Kubernetes kind. @default - not a Kubernetes object */
  readonly kind?: string;
  /** Kubernetes namespace. @default - cluster-scoped or not a Kubernetes object */
  readonly namespace?: string;
  /** Kubernetes object name. @default - not a Kubernetes object */
  readonly name?: string;
  /** JSON path of the offending field inside the object or resource, e.g. `spec.replicas`. */
  readonly path: string;
}

/** One thing a rule found wrong. */
export interface RuleFinding {
  /** The rule's stable id. */
  readonly ruleId: string;
  /** The rule's severity. */
  readonly severity: RuleSeverity;
  /** What is wrong, with the values read. */
  readonly message: string;
  /** Where it is. */
  readonly location: FindingLocation;
  /** How to fix it. */
  readonly fix: string;
  /** The upstream source of the rule (URL). */
  readonly source: string;
}

/** A finding accepted on purpose. */
export interface AcknowledgedFinding {
  /** The finding. */
  readonly finding: RuleFinding;
  /** Why it is accepted. */
  readonly reason: string;
}

/** The result of running the pack. */
export interface RulePackResult {
  /** Findings nobody acknowledged, sorted by location then rule id. */
  readonly findings: RuleFinding[];
  /** Findings acknowledged with a reason. */
  readonly acknowledged: AcknowledgedFinding[];
}

/** An acknowledgement: the rule id and why its finding is accepted. */
export interface RuleAcknowledgement {
  /** The rule id, e.g. `IC-K8S-003`. */
  readonly id: string;
  /** Why the finding is accepted; must not be empty. */
  readonly reason: string;
}

/** What a rule returns for one problem (the engine adds id, severity and source). */
export interface RuleViolation {
  /** What is wrong, with the values read. */
  readonly message: string;
  /** Where it is. */
  readonly location: FindingLocation;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * Annotation (Kubernetes) that acknowledges findings on the object it is on: one
 * `<rule id>: <reason>` per line, e.g. `IC-K8S-009: a single replica is acceptable for this dev model`.
 */
export const ACKNOWLEDGE_ANNOTATION = 'inference-constructs.io/acknowledge';

/**
 * Key of a CloudFormation resource's `Metadata` that acknowledges findings on that resource
 * (for templates checked outside the CDK; in a CDK app use `Validations.of(c).acknowledge()`):
 * `Metadata: { "inference-constructs": { "acknowledge": [{ "id": "IC-AWS-002", "reason": "..." }] } }`.
 */
export const ACKNOWLEDGE_METADATA_KEY = 'inference-constructs';

/** Id of the finding raised for an acknowledgement without a reason. */
export const ACKNOWLEDGEMENT_WITHOUT_REASON_RULE_ID = 'IC-ACK-001';

/** Description of {@link ACKNOWLEDGEMENT_WITHOUT_REASON_RULE_ID}. */
export const ACKNOWLEDGEMENT_WITHOUT_REASON_RULE: RuleDescription = Object.freeze({
  id: ACKNOWLEDGEMENT_WITHOUT_REASON_RULE_ID,
  title: 'every acknowledgement says why the finding is accepted',
  severity: RuleSeverity.ERROR,
  scope: RuleScope.ANY,
  source: 'https://github.com/cdklabs/cdk-nag#suppressing-a-rule',
});

/**
 * Parse the acknowledge annotation: one `ID: reason` per line. Lines without an id are ignored;
 * a line with an id and no reason yields an acknowledgement with an empty reason (reported as
 * `IC-ACK-001`, and not applied).
 */
export function parseAcknowledgeAnnotation(value: unknown): RuleAcknowledgement[] {
  if (typeof value !== 'string') return [];
  const acks: RuleAcknowledgement[] = [];
  for (const line of value.split(/\r?\n/)) {
    const m = /^\s*(IC-[A-Z0-9]+-\d{3})\s*(?::\s*(.*))?$/.exec(line);
    if (m) acks.push({ id: m[1]!, reason: (m[2] ?? '').trim() });
  }
  return acks;
}

/** Render a location on one line: `stack S resource R: Kind ns/name at path`. */
export function formatLocation(l: FindingLocation): string {
  const parts: string[] = [];
  if (l.origin) parts.push(l.origin);
  else if (l.stack || l.logicalId) parts.push([l.stack && `stack ${l.stack}`, l.logicalId && `resource ${l.logicalId}`].filter(Boolean).join(' '));
  if (l.kind) parts.push(`${l.kind} ${l.namespace ? `${l.namespace}/` : ''}${l.name ?? ''}`);
  return `${parts.join(': ')}${l.path ? ` at ${l.path}` : ''}`;
}

/** Render a finding on one line for a terminal or a test failure. */
export function formatFinding(f: RuleFinding): string {
  return `[${f.severity}] ${f.ruleId} ${formatLocation(f.location)}: ${f.message}; fix: ${f.fix} (${f.source})`;
}

/** Sort findings by location then rule id, so reports are deterministic. */
export function sortFindings<T extends RuleFinding>(findings: T[]): T[] {
  return findings.sort((a, b) => compareStrings(formatLocation(a.location), formatLocation(b.location)) || compareStrings(a.ruleId, b.ruleId) || compareStrings(a.message, b.message));
}

/** Turn a rule's violation into a finding. */
export function toFinding(rule: RuleDescription, v: RuleViolation): RuleFinding {
  return { ruleId: rule.id, severity: rule.severity, message: v.message, location: v.location, fix: v.fix, source: rule.source };
}

/**
 * Split findings into acknowledged and open ones. `acksFor` returns the acknowledgements that
 * apply to a finding's location; an acknowledgement with an empty reason is not applied and
 * yields an `IC-ACK-001` finding at that location (once per location and id).
 */
export function applyAcknowledgements(findings: RuleFinding[], acksFor: (f: RuleFinding) => RuleAcknowledgement[]): RulePackResult {
  const open: RuleFinding[] = [];
  const acknowledged: AcknowledgedFinding[] = [];
  const reported = new Set<string>();
  for (const f of findings) {
    const acks = acksFor(f).filter((a) => a.id === f.ruleId);
    const valid = acks.find((a) => a.reason.trim() !== '');
    if (valid) {
      acknowledged.push({ finding: f, reason: valid.reason.trim() });
      continue;
    }
    open.push(f);
    if (acks.length > 0) {
      const key = `${formatLocation({ ...f.location, path: '' })}|${f.ruleId}`;
      if (!reported.has(key)) {
        reported.add(key);
        open.push(
          toFinding(ACKNOWLEDGEMENT_WITHOUT_REASON_RULE, {
            message: `the acknowledgement of ${f.ruleId} has no reason, so it is not applied`,
            location: { ...f.location, path: f.location.kind ? `metadata.annotations["${ACKNOWLEDGE_ANNOTATION}"]` : 'Metadata' },
            fix: `write the acknowledgement as "${f.ruleId}: <why this is acceptable>"`,
          }),
        );
      }
    }
  }
  return { findings: sortFindings(open), acknowledged: acknowledged.sort((a, b) => compareStrings(formatLocation(a.finding.location), formatLocation(b.finding.location)) || compareStrings(a.finding.ruleId, b.finding.ruleId)) };
}
