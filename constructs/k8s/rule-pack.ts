/**
 * The inference rule pack for cdk8s: `InferenceRules.of(chart)` checks the chart's objects when
 * the app synthesizes; `InferenceRules.ofApp(app)` checks every chart of an app together (so a
 * NodePool in one chart counts for the workloads of another); `InferenceRules.check(objects)`
 * checks manifests that come from elsewhere. Error findings fail the synth with every message.
 *
 * Acknowledge a finding with a reason on the object:
 * `metadata.annotations["inference-constructs.io/acknowledge"]: "IC-K8S-009: dev model, one replica is fine"`
 * (one `<id>: <reason>` per line), e.g. `ApiObject.of(pdb).metadata.addAnnotation(...)`.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { renderedObjects } from './private/rendered-json.js';
import { SynthPass } from './synth-pass.js';
import { InferenceRulePack, RuleSeverity, formatFinding, type ManifestCheckOptions, type RuleCheckOptions, type RuleFinding, type RulePackResult } from '../../lib/rules/index.js';

/** Options of {@link InferenceRules}. */
export interface InferenceRulesOptions extends RuleCheckOptions {
  /**
   * Fail the synth on warnings too.
   * @default false
   */
  readonly failOnWarnings?: boolean;
}

function objectsOf(chart: Chart): unknown[] {
  // Rendered once per synth for every reader (private/rendered-json.ts).
  return renderedObjects(chart);
}

function failing(result: RulePackResult, failOnWarnings: boolean): RuleFinding[] {
  return result.findings.filter((f) => f.severity === RuleSeverity.ERROR || failOnWarnings);
}

/** Runs the inference rule pack over cdk8s charts at synth. */
export class InferenceRules extends Construct {
  /** Check one chart when its app synthesizes. */
  public static of(chart: Chart, options: InferenceRulesOptions = {}): InferenceRules {
    const existing = chart.node.tryFindChild(RULES_ID);
    if (existing instanceof InferenceRules) return existing;
    return new InferenceRules(chart, RULES_ID, { charts: () => [chart], options });
  }

  /**
   * Check every chart of an app together when it synthesizes (pools, monitors and scalers in one
   * chart count for workloads in another). Findings are reported on the first chart.
   */
  public static ofApp(app: App, options: InferenceRulesOptions = {}): void {
    const key = {};
    app.node.addValidation({
      // Once per synth: cdk8s validates the whole app again for every chart it writes.
      validate: () =>
        SynthPass.once(key, () => {
          const result = InferenceRules.checkCharts(app.charts, options);
          return failing(result, options.failOnWarnings ?? false).map(formatFinding);
        }),
    });
  }

  /** Check charts now (together) and return every finding. */
  public static checkCharts(charts: Chart[], options: RuleCheckOptions = {}): RulePackResult {
    return InferenceRulePack.checkManifestSets(charts.map((c) => ({ origin: `chart ${c.node.id}`, objects: objectsOf(c) })), options);
  }

  /** Check plain manifest objects (e.g. the documents of a YAML file). */
  public static check(objects: any[], options: ManifestCheckOptions = {}): RulePackResult {
    return InferenceRulePack.checkManifests(objects, options);
  }

  private result: RulePackResult | undefined;

  /** The result of the last check (at synth); undefined before the app synthesizes. */
  public get lastResult(): RulePackResult | undefined {
    return this.result;
  }

  private constructor(scope: Chart, id: string, props: { charts: () => Chart[]; options: InferenceRulesOptions }) {
    super(scope, id);
    this.node.addValidation({
      // Once per synth: cdk8s validates the whole app again for every chart it writes.
      validate: () =>
        SynthPass.once(this, () => {
          this.result = InferenceRules.checkCharts(props.charts(), props.options);
          return failing(this.result, props.options.failOnWarnings ?? false).map(formatFinding);
        }),
    });
  }
}

const RULES_ID = 'InferenceRules';

