/**
 * The reference app: `npm run synth` (cdk synth) runs it. CloudFormation goes to cdk.out/, the
 * standalone Kubernetes manifests and the plan report to dist/ (or $K8S_OUTDIR). The plan
 * report's trace replay (about 1 s) runs only with `-c inference-constructs:replay-trace=true`
 * (bin/fleet.ts REPLAY_TRACE_CONTEXT).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { App as K8sApp, YamlOutputType } from 'cdk8s';
import { InferenceRulesPlugin } from '../constructs/aws/rule-pack.js';
import { InferenceRules } from '../constructs/k8s/rule-pack.js';
import { SynthPass } from '../constructs/k8s/synth-pass.js';
import { buildReferenceFleet } from './fleet.js';
import { sortedByKey } from '../lib/private/compare.js';

/**
 * Scrape interval of the standalone charts' pods, seconds: they are scraped through
 * `prometheus.io/*` annotations by the prometheus-community chart, whose default
 * `global.scrape_interval` is 1m (prometheus-community/helm-charts, charts/prometheus/values.yaml).
 */
const STANDALONE_SCRAPE_INTERVAL_SECONDS = 60;

const outdir = process.env.K8S_OUTDIR ?? 'dist';
// aws-cdk-lib's built-in template validation is off unless CDK_VALIDATION=true: cfn-lint lints
// every template with all its rules in the test suite and in CI, and the built-in pass costs
// about 4 s of each synth (measured by npm run bench).
const app = new App({ builtinCloudFormationValidation: process.env.CDK_VALIDATION === 'true' });
// The inference rule pack runs on every synth: over every stack (and the charts the EKS stack
// deploys) through CDK's policy validation, and over the standalone charts before they are written.
InferenceRulesPlugin.addTo(app);
const k8s = new K8sApp({ outdir, outputFileExtension: '.k8s.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
InferenceRules.ofApp(k8s, { annotationScrapeIntervalSeconds: STANDALONE_SCRAPE_INTERVAL_SECONDS });
const fleet = buildReferenceFleet(app, k8s);

app.synth();
// Replace the previous manifests so renamed charts leave no stale file behind.
mkdirSync(outdir, { recursive: true });
for (const f of readdirSync(outdir)) if (f.endsWith('.k8s.yaml')) rmSync(join(outdir, f));
// The rule pack and the placement checks once, not once per chart written (constructs/k8s/synth-pass.ts).
SynthPass.run(() => k8s.synth());
// The plan report, and the replay charts it links to (with the replay on), beside it; charts of
// an earlier replay are removed either way, so dist/ never holds a chart the report does not link.
const report = fleet.report();
for (const f of readdirSync(outdir)) if (/^replay-.*\.svg$/.test(f)) rmSync(join(outdir, f));
writeFileSync(join(outdir, 'inference-plan.md'), report.markdown);
for (const [file, svg] of Object.entries(sortedByKey(report.svgs))) writeFileSync(join(outdir, file), svg);
