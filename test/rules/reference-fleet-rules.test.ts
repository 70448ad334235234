/**
 * The rule pack over the reference fleet as `npm run synth` builds it: the CDK stacks through the
 * policy-validation plugin (which also reads the charts the EKS stack deploys) and the standalone
 * charts through the cdk8s chart check.
 *
 * The reference fleet has no open finding and acknowledges none, asserted one line per finding
 * (`<id> <where>`), so a new finding is reviewed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { App as K8sApp } from 'cdk8s';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildReferenceFleet } from '../../bin/fleet.js';
import { InferenceRulesPlugin } from '../../constructs/aws/index.js';
import { InferenceRules } from '../../constructs/k8s/index.js';
import { formatLocation, type RuleFinding } from '../../lib/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

function lines(findings: RuleFinding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${formatLocation(f.location)}`);
}

describe('rule pack over the reference fleet', () => {
  let stacks: Map<string, RuleFinding[]>;
  let charts: RuleFinding[];
  let acknowledged: Map<string, string[]>;
  let chartsAcknowledged: string[];
  let k8sCharts: K8sApp['charts'];

  beforeAll(() => {
    // The report is read from the plugin instead of failing the in-memory synth.
    const app = new App({ context: { ...CDK_JSON_CONTEXT, '@aws-cdk/core:failSynthOnValidationErrors': false } });
    const plugin = InferenceRulesPlugin.addTo(app);
    const k8s = new K8sApp({ outdir: join(ROOT, 'dist') }); // never synthesized to disk here
    buildReferenceFleet(app, k8s);
    app.synth();
    stacks = new Map(Object.entries(plugin.results).map(([path, r]) => [path, r.findings]));
    acknowledged = new Map(Object.entries(plugin.results).map(([path, r]) => [path, lines(r.acknowledged.map((a) => a.finding))]));
    k8sCharts = k8s.charts;
    const chartResult = InferenceRules.checkCharts(k8sCharts);
    charts = chartResult.findings;
    chartsAcknowledged = lines(chartResult.acknowledged.map((a) => a.finding));
  });

  test('checks both stacks', () => {
    expect([...stacks.keys()].sort()).toEqual(['InferenceConstructsSageMaker', 'InferenceEks']);
  });

  // IC-AWS-002 (djl-serving PyModel.java option.model_loading_timeout) is fixed: the DJL timeout
  // follows the start-up health check. IC-AWS-001 (AMP scraper access entry), IC-K8S-001/002/005/
  // 006/007/009 and the 120 s windows of IC-K8S-008 are fixed in the constructs.
  test('SageMaker stack: no finding, none acknowledged', () => {
    expect(lines(stacks.get('InferenceConstructsSageMaker')!)).toEqual([]);
    expect(acknowledged.get('InferenceConstructsSageMaker')).toEqual([]);
  });

  test('standalone charts scraped by the prometheus-community chart at its default 1m: the rate windows are long enough (IC-K8S-008)', () => {
    const findings = InferenceRules.checkCharts(k8sCharts, { annotationScrapeIntervalSeconds: 60 }).findings.filter((f) => f.ruleId === 'IC-K8S-008');
    expect(lines(findings)).toEqual([]);
  });

  test('the reference fleet has no open finding', () => {
    expect([...[...stacks.values()].flat(), ...charts].map((f) => `${f.ruleId} ${formatLocation(f.location)}`)).toEqual([]);
  });

  // Nothing is acknowledged: the planned-startup annotation holds what the startup probe covers
  // (init containers complete before the app container and its probes start, Kubernetes docs,
  // Init Containers), and every pool holds maxReplicas plus the rollout's surge replica.
  test('nothing is acknowledged: no finding is hidden', () => {
    expect(acknowledged.get('InferenceEks')).toEqual([]);
    expect(chartsAcknowledged).toEqual([]);
  });
});
