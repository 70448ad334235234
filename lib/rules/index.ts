/**
 * The inference rule pack (pure): rules over Kubernetes manifests and CloudFormation templates.
 * See {@link InferenceRulePack}.
 */
export {
  RuleSeverity,
  RuleScope,
  ACKNOWLEDGE_ANNOTATION,
  ACKNOWLEDGE_METADATA_KEY,
  ACKNOWLEDGEMENT_WITHOUT_REASON_RULE_ID,
  formatFinding,
  formatLocation,
  type RuleDescription,
  type FindingLocation,
  type RuleFinding,
  type AcknowledgedFinding,
  type RulePackResult,
  type RuleAcknowledgement,
} from './engine.js';
export { InferenceRulePack, type RuleCheckOptions, type ManifestCheckOptions, type ManifestSet, type TemplateCheckOptions } from './rule-pack.js';
