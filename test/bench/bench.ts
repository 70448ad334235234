/**
 * `npm run bench`: synth-time figures, like for like, on this machine. It prints figures and
 * verdicts; it never fails a build on speed.
 *
 * - the reference app against an empty CDK app, both as compiled JavaScript (`npm run compile`),
 *   both with the same aws-cdk-lib built-in template validation setting: off (as the reference
 *   app ships; cfn-lint covers it) and on (aws-cdk-lib's default). Goal <= 1.3x. Beside them,
 *   the floor (test/bench/floor-app.ts): the aws-cdk-lib L2s and cdk8s core the reference app
 *   builds on, with none of this library's code, so the ratio splits into what aws-cdk-lib and
 *   cdk8s cost by themselves (floor / empty) and what this library adds (reference / floor).
 * - each stack of the reference app alone (`-c stacks=sagemaker`, `-c stacks=eks`) against the
 *   empty app, beside the single-stack anchors (a generative-ai-cdk-constructs SageMaker stack
 *   1.25x, an eks-blueprints EKS stack 1.45x, measured the same way).
 * - consumer app 1 (the `cdk init` template app of test/consumers, with the packed library
 *   installed) against the same app with its stack emptied (IC_BENCH_EMPTY_STACK=true: same
 *   imports, same toolchain, one CfnWaitConditionHandle). Goal <= 1.3x. Needs `npm run build`.
 * - synth time and output size for 1, 10 and 50 model deployments.
 * - the trace replay's wall time per policy and its growth with trace length
 *   (test/bench/replay-bench.ts, run as a child process).
 * - with BENCH_SUITE=true, the wall time of the whole test suite.
 *
 * Every synth goes through the real `cdk synth -q` CLI, as a user runs it. The two apps of a
 * ratio run alternately (A B A B ...) so drift on a shared machine hits both; times are medians
 * of BENCH_RUNS runs each (default 5), and a goal's ratio is the median of the per-round ratios
 * with the lowest and highest round beside it: a verdict says when the rounds fall on both
 * sides of the goal, where the machine's noise decides it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const CDK = join(ROOT, 'node_modules', '.bin', 'cdk');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const GOAL = 1.3;

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

/** One app to synthesize: the CLI to use, the directory, the app command (or the dir's cdk.json), extra env. */
interface Subject {
  readonly label: string;
  readonly cdk?: string;
  readonly cwd?: string;
  readonly app?: string;
  readonly env?: Record<string, string>;
  /** CDK context passed with `-c key=value`. */
  readonly context?: Record<string, string>;
}

interface SynthResult {
  /** The median over the runs (one run for synthOnce). */
  readonly seconds: number;
  /** Every run's seconds, in the order they ran. */
  readonly runs: number[];
  readonly templateBytes: number;
  readonly manifestBytes: number;
  readonly resources: number;
}

/** One `cdk synth -q` of a subject in a scratch output dir. */
function synthOnce(s: Subject): SynthResult {
  const out = mkdtempSync(join(tmpdir(), 'ic-bench-'));
  try {
    const context = Object.entries(s.context ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
    const args = ['synth', '-q', '--output', join(out, 'cdk.out'), ...(s.app ? ['--app', s.app] : []), ...context];
    const started = process.hrtime.bigint();
    const r = spawnSync(s.cdk ?? CDK, args, {
      cwd: s.cwd ?? ROOT,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', K8S_OUTDIR: join(out, 'dist'), ...s.env },
      encoding: 'utf8',
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (r.status !== 0) throw new Error(`${s.label}: cdk synth failed\n${r.stdout}\n${r.stderr}`);
    return {
      seconds,
      runs: [seconds],
      templateBytes: dirBytes(join(out, 'cdk.out'), (n) => n.endsWith('.template.json')),
      manifestBytes: dirBytes(join(out, 'dist'), (n) => n.endsWith('.k8s.yaml')),
      resources: countResources(join(out, 'cdk.out')),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Synthesize subjects in turn (A B C A B C ...), RUNS times each; medians. */
function alternate(subjects: Subject[]): SynthResult[] {
  const runs: SynthResult[][] = subjects.map(() => []);
  for (let i = 0; i < RUNS; i++) subjects.forEach((s, j) => runs[j]!.push(synthOnce(s)));
  return runs.map((rs) => ({ ...rs[rs.length - 1]!, seconds: median(rs.map((r) => r.seconds)), runs: rs.map((r) => r.seconds) }));
}

/**
 * A ratio of two alternately run subjects: the median of the per-round ratios (run i of `a` over
 * run i of `b`, which ran next to each other, so drift of the machine cancels), with the lowest
 * and highest round.
 */
interface Ratio {
  readonly median: number;
  readonly low: number;
  readonly high: number;
}

function ratioOf(a: SynthResult, b: SynthResult): Ratio {
  const rounds = a.runs.map((x, i) => x / b.runs[i]!);
  return { median: median(rounds), low: Math.min(...rounds), high: Math.max(...rounds) };
}

/** Synthesize two subjects alternately, RUNS times each; medians. */
function pair(a: Subject, b: Subject): [SynthResult, SynthResult] {
  const [ra, rb] = alternate([a, b]);
  return [ra!, rb!];
}

/**
 * Whether build/ holds jsii's JavaScript (`npm run build`, or `npm pack` below) rather than
 * `npm run compile`'s: jsii adds its runtime type information (`Symbol.for("jsii.rtti")`) to
 * every exported class, and an incremental compile does not rewrite files whose sources did not
 * change.
 */
function buildIsJsiiOutput(): boolean {
  return readFileSync(join(ROOT, 'build', 'lib', 'errors.js'), 'utf8').includes('jsii.rtti');
}

const fmt = (s: number): string => `${s.toFixed(2)} s`;
const kib = (b: number): string => `${(b / 1024).toFixed(0)} KiB`;
/** `1.32x (rounds 1.21-1.40x`: the median per-round ratio and its spread. */
const ratioText = (r: Ratio): string => `${r.median.toFixed(2)}x  (rounds ${r.low.toFixed(2)}-${r.high.toFixed(2)}x`;
/** Meets when every round does, misses when none does; else the rounds straddle the goal. */
const verdict = (r: Ratio): string =>
  `goal <= ${GOAL}x: ${r.high <= GOAL ? 'meets goal' : r.low > GOAL ? 'MISSES goal' : `rounds on both sides of the goal, the median ${r.median <= GOAL ? 'meets' : 'MISSES'} it`}`;

if (!existsSync(join(ROOT, 'build', 'bin', 'app.js'))) throw new Error('build/bin/app.js is missing: run npm run compile (npm run bench does)');
if (buildIsJsiiOutput()) {
  // Measure the app as npm run compile builds it, whatever ran last.
  rmSync(join(ROOT, 'build', 'tsconfig.app.tsbuildinfo'), { force: true });
  const compile = spawnSync('npm', ['run', 'compile', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  if (compile.status !== 0) throw new Error(`npm run compile failed\n${compile.stdout}\n${compile.stderr}`);
}
console.log(`inference-constructs benchmark (${RUNS} alternating runs each, median; node ${process.version})\n`);

console.log('reference app vs empty CDK app (compiled JavaScript, cdk synth -q)');
for (const validation of ['false', 'true']) {
  const env = { CDK_VALIDATION: validation };
  const [reference, floor, empty] = alternate([
    { label: 'reference app', app: 'node build/bin/app.js', env },
    { label: 'floor app', app: 'node build/test/bench/floor-app.js', env },
    { label: 'empty app', app: 'node build/test/bench/empty-app.js', env },
  ]) as [SynthResult, SynthResult, SynthResult];
  const ratio = ratioOf(reference, empty);
  const setting = validation === 'true' ? 'built-in validation on (aws-cdk-lib default)' : 'built-in validation off (as the reference app ships)';
  console.log(`  ${setting}`);
  console.log(`    empty app      ${fmt(empty.seconds)}`);
  console.log(`    floor app      ${fmt(floor.seconds)}  ${floor.resources} resources: aws-cdk-lib and cdk8s alone, ${ratioOf(floor, empty).median.toFixed(2)}x the empty app`);
  console.log(
    `    reference app  ${fmt(reference.seconds)}  ${reference.resources} resources, ${kib(reference.templateBytes)} of templates, ${kib(reference.manifestBytes)} of manifests; ${ratioOf(reference, floor).median.toFixed(2)}x the floor`,
  );
  console.log(`    ratio          ${ratioText(ratio)}; like for like; ${verdict(ratio)})`);
}

// Each stack of the reference app alone (`-c stacks=sagemaker`; `-c stacks=eks`, with the
// workloads it deploys; no standalone manifests), against the same empty app: like for like
// with the single-stack anchors (a generative-ai-cdk-constructs SageMaker stack 1.25x, an
// eks-blueprints EKS stack 1.45x).
console.log('\nreference app, one stack at a time, vs empty CDK app (built-in validation off on both sides)');
{
  const env = { CDK_VALIDATION: 'false' };
  const [sagemakerOnly, sagemakerFloor, eksOnly, eksFloor, empty] = alternate([
    { label: 'reference app, SageMaker stack', app: 'node build/bin/app.js', env, context: { stacks: 'sagemaker' } },
    { label: 'floor app, SageMaker stack', app: 'node build/test/bench/floor-app.js', env: { ...env, BENCH_FLOOR_PARTS: 'sagemaker' } },
    { label: 'reference app, EKS stack', app: 'node build/bin/app.js', env, context: { stacks: 'eks' } },
    { label: 'floor app, EKS stack', app: 'node build/test/bench/floor-app.js', env: { ...env, BENCH_FLOOR_PARTS: 'eks' } },
    { label: 'empty app', app: 'node build/test/bench/empty-app.js', env },
  ]) as [SynthResult, SynthResult, SynthResult, SynthResult, SynthResult];
  const x = (a: SynthResult, b: SynthResult): string => `${ratioOf(a, b).median.toFixed(2)}x`;
  console.log(`    empty app       ${fmt(empty.seconds)}`);
  console.log(`    SageMaker stack ${fmt(sagemakerOnly.seconds)}  ${sagemakerOnly.resources} resources; ${x(sagemakerOnly, empty)} (anchor: a generative-ai-cdk-constructs SageMaker stack, 1.25x); its floor ${fmt(sagemakerFloor.seconds)}, ${x(sagemakerFloor, empty)}; ${x(sagemakerOnly, sagemakerFloor)} the floor`);
  console.log(`    EKS stack       ${fmt(eksOnly.seconds)}  ${eksOnly.resources} resources; ${x(eksOnly, empty)} (anchor: an eks-blueprints EKS stack, 1.45x); its floor ${fmt(eksFloor.seconds)}, ${x(eksFloor, empty)}; ${x(eksOnly, eksFloor)} the floor`);
}

console.log('\nconsumer app 1 (cdk init template + packed library) vs the same app with the stack emptied');
const consumerScratch = mkdtempSync(join(tmpdir(), 'ic-bench-consumer-'));
try {
  const harness = await import('../consumers/run.mjs');
  const dir = harness.prepareCdkInitApp(consumerScratch, harness.tarball(consumerScratch));
  const cdk = join(dir, 'node_modules', '.bin', 'cdk');
  const [full, emptied] = pair(
    { label: 'consumer app 1', cdk, cwd: dir, env: { IC_BENCH_EMPTY_STACK: 'false' } },
    { label: 'consumer app 1, stack emptied', cdk, cwd: dir, env: { IC_BENCH_EMPTY_STACK: 'true' } },
  );
  const ratio = ratioOf(full, emptied);
  console.log(`  (the template's own app command: tsc, then tsx; aws-cdk-lib defaults on both sides)`);
  console.log(`    stack emptied  ${fmt(emptied.seconds)}`);
  console.log(`    consumer app   ${fmt(full.seconds)}  ${full.resources} resources, ${kib(full.templateBytes)} of templates`);
  console.log(`    ratio          ${ratioText(ratio)}; like for like; ${verdict(ratio)})`);
} catch (e) {
  console.log(`  not measured: ${(e as Error).message.split('\n').find((l) => l.trim()) ?? e}`);
} finally {
  rmSync(consumerScratch, { recursive: true, force: true });
}

console.log('\nscaling with the number of model deployments (SageMaker endpoints + Kubernetes workloads, validation off)');
const scale: [number, SynthResult][] = [];
for (const n of [1, 10, 50]) {
  const r = synthOnce({ label: `${n} deployments`, app: 'node build/test/bench/scale-app.js', env: { BENCH_DEPLOYMENTS: String(n), CDK_VALIDATION: 'false' } });
  scale.push([n, r]);
  console.log(
    `  ${String(n).padStart(2)} deployments  ${fmt(r.seconds)}  ${r.resources} resources, ${kib(r.templateBytes)} of templates, ${kib(r.manifestBytes)} of manifests`,
  );
}
const [, one] = scale[0]!;
const [, fifty] = scale[2]!;
console.log(`  marginal synth time  ${(((fifty.seconds - one.seconds) / 49) * 1000).toFixed(0)} ms per deployment`);
console.log(
  `  output size growth   ${((fifty.templateBytes + fifty.manifestBytes) / (one.templateBytes + one.manifestBytes) / 50).toFixed(2)} (50 deployments / 50 x one; 1.00 = linear)`,
);

// The trace replay (test/bench/replay-bench.ts) as its own process, so its figures are not
// skewed by the synths above sharing the heap: wall time per policy and its growth with trace length.
console.log('\ntrace replay (test/bench/replay-bench.ts)');
const replay = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'test', 'bench', 'replay-bench.ts')], { cwd: ROOT, encoding: 'utf8' });
for (const line of replay.stdout.split('\n').filter((l) => l.trim())) console.log(`  ${line}`);
if (replay.status !== 0) console.log(`  not measured: exit ${replay.status}: ${replay.stderr.split('\n').find((l) => l.trim()) ?? ''}`);

if (process.env.BENCH_SUITE === 'true') {
  console.log('\ntest suite (npx vitest run)');
  const started = process.hrtime.bigint();
  const suite = spawnSync(join(ROOT, 'node_modules', '.bin', 'vitest'), ['run'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env } });
  const suiteSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = /Tests\s+(.*)/.exec(suite.stdout.replace(/\x1b\[[0-9;]*m/g, ''))?.[1]?.trim() ?? 'no summary';
  console.log(`  wall time            ${fmt(suiteSeconds)}  (${summary}; exit ${suite.status})`);
}
