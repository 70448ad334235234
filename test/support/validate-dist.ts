/**
 * `npm run validate:manifests`: validates every synthesized manifest in dist/ (or the files
 * given as arguments) against the official schema of its kind, unknown fields rejected.
 * Exits non-zero and lists every issue when one object is invalid.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateManifestFiles } from './k8s-validate.js';

const args = process.argv.slice(2);
const dir = process.env.K8S_OUTDIR ?? 'dist';
const files = args.length
  ? args
  : readdirSync(dir)
      .filter((f) => f.endsWith('.k8s.yaml'))
      .sort()
      .map((f) => join(dir, f));
if (files.length === 0) {
  console.error(`no *.k8s.yaml manifests in ${dir}: run npm run synth first`);
  process.exit(1);
}
const issues = validateManifestFiles(files);
for (const i of issues) console.error(`${i.object} ${i.path}: ${i.message}`);
console.log(`${files.length} manifest files checked, ${issues.length} issues`);
process.exit(issues.length ? 1 : 0);
