/**
 * `npm run bench`: measures, in one run on this machine,
 * - synth time of the reference app against an empty CDK app (ratio; goal within 1.5x),
 * - synth time and output size for 1, 10 and 50 model deployments (goal: close to linear,
 *   50 deployments within 3x of the empty app),
 * - the wall time of the whole test suite (goal under 60 s).
 *
 * Every synth goes through the real `cdk synth -q` CLI, as a user runs it. Figures are medians of
 * repeated runs. The script prints figures and verdicts; it never fails a build on speed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const CDK = join(ROOT, 'node_modules', '.bin', 'cdk');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function dirBytes(dir: string, filter: (name: string) => boolean): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    const st = statSync(p);
    if (st.isDirectory()) total += dirBytes(p, filter);
    else if (filter(entry)) total += st.size;
  }
  return total;
}

interface SynthResult {
  readonly seconds: number;
  readonly templateBytes: number;
  readonly manifestBytes: number;
  readonly resources: number;
}

/** Time `cdk synth -q` of an app command, RUNS times, in a scratch output dir. */
function timeSynth(label: string, app: string, env: Record<string, string> = {}): SynthResult {
  const times: number[] = [];
  let templateBytes = 0;
  let manifestBytes = 0;
  let resources = 0;
  for (let i = 0; i < RUNS; i++) {
    const out = mkdtempSync(join(tmpdir(), 'ic-bench-'));
    const started = process.hrtime.bigint();
    const r = spawnSync(CDK, ['synth', '-q', '--app', app, '--output', join(out, 'cdk.out')], {
      cwd: ROOT,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', K8S_OUTDIR: join(out, 'dist'), ...env },
      encoding: 'utf8',
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (r.status !== 0) throw new Error(`${label}: cdk synth failed\n${r.stdout}\n${r.stderr}`);
    times.push(seconds);
    templateBytes = dirBytes(join(out, 'cdk.out'), (n) => n.endsWith('.template.json'));
    manifestBytes = dirBytes(join(out, 'dist'), (n) => n.endsWith('.k8s.yaml'));
    resources = countResources(join(out, 'cdk.out'));
    rmSync(out, { recursive: true, force: true });
  }
  return { seconds: median(times), templateBytes, manifestBytes, resources };
}

function countResources(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) n += countResources(p);
    else if (entry.endsWith('.template.json')) {
      n += Object.keys((JSON.parse(readFileSync(p, 'utf8')) as { Resources?: object }).Resources ?? {}).length;
    }
  }
  return n;
}

const fmt = (s: number): string => `${s.toFixed(2)} s`;
const kib = (b: number): string => `${(b / 1024).toFixed(0)} KiB`;
const verdict = (ok: boolean): string => (ok ? 'meets goal' : 'MISSES goal');

console.log(`inference-constructs benchmark (${RUNS} runs each, median; node ${process.version})\n`);

const empty = timeSynth('empty app', `${TSX} test/bench/empty-app.ts`);
const reference = timeSynth('reference app', `${TSX} bin/app.ts`);
const refRatio = reference.seconds / empty.seconds;
// Like for like: both apps with aws-cdk-lib's built-in template validation on.
const validated = timeSynth('reference app, built-in validation on', `${TSX} bin/app.ts`, { CDK_VALIDATION: 'true' });
const validatedRatio = validated.seconds / empty.seconds;
console.log('synth (cdk synth -q)');
console.log(`  empty CDK app        ${fmt(empty.seconds)}  (aws-cdk-lib defaults: built-in template validation on)`);
console.log(
  `  reference app        ${fmt(reference.seconds)}  ${reference.resources} resources, ${kib(reference.templateBytes)} of templates, ` +
    `${kib(reference.manifestBytes)} of manifests (as shipped: built-in validation off, cfn-lint in tests and CI)`,
);
console.log(`  ratio                ${refRatio.toFixed(2)}x  (goal <= 1.5x: ${verdict(refRatio <= 1.5)})`);
console.log(`  reference, validated ${fmt(validated.seconds)}  like for like with the empty app: ${validatedRatio.toFixed(2)}x\n`);

console.log('scaling with the number of model deployments (SageMaker endpoints + Kubernetes workloads)');
const scale: [number, SynthResult][] = [];
for (const n of [1, 10, 50]) {
  const r = timeSynth(`${n} deployments`, `${TSX} test/bench/scale-app.ts`, { BENCH_DEPLOYMENTS: String(n) });
  scale.push([n, r]);
  console.log(
    `  ${String(n).padStart(2)} deployments       ${fmt(r.seconds)}  ${(r.seconds / empty.seconds).toFixed(2)}x empty, ` +
      `${r.resources} resources, ${kib(r.templateBytes)} of templates, ${kib(r.manifestBytes)} of manifests`,
  );
}
const [, one] = scale[0]!;
const [, fifty] = scale[2]!;
const perDeployment = (fifty.seconds - one.seconds) / 49;
const sizeGrowth = (fifty.templateBytes + fifty.manifestBytes) / (one.templateBytes + one.manifestBytes) / 50;
console.log(`  marginal synth time  ${(perDeployment * 1000).toFixed(0)} ms per deployment`);
console.log(`  output size growth   ${sizeGrowth.toFixed(2)} (50 deployments / 50 x one; 1.00 = linear)`);
console.log(`  50 vs empty          ${(fifty.seconds / empty.seconds).toFixed(2)}x  (goal <= 3x: ${verdict(fifty.seconds / empty.seconds <= 3)})\n`);

console.log('test suite (npx vitest run)');
const started = process.hrtime.bigint();
const suite = spawnSync(join(ROOT, 'node_modules', '.bin', 'vitest'), ['run'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env } });
const suiteSeconds = Number(process.hrtime.bigint() - started) / 1e9;
const summary = /Tests\s+(.*)/.exec(suite.stdout.replace(/\x1b\[[0-9;]*m/g, ''))?.[1]?.trim() ?? 'no summary';
console.log(`  wall time            ${fmt(suiteSeconds)}  (${summary}; exit ${suite.status})  (goal < 60 s: ${verdict(suiteSeconds < 60)})`);
