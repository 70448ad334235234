#!/usr/bin/env node
/**
 * `npm run test:consumers`: install the packed library into four fresh apps, as users do, and run
 * each the way its toolchain does. Never the source tree: only the `npm pack` tarball.
 *
 *   1. cdk-init-app  the aws-cdk CLI's current `cdk init app --language typescript` template
 *                    (TypeScript 7, tsx, jest with @swc/jest) with a SageMaker endpoint and an EKS
 *                    inference cluster with one workload: `cdk synth`, then the app's own `npm test`
 *   2. ts-node-cjs   a CommonJS TypeScript app run by ts-node (TypeScript 5.9)
 *   3. plain-js      a plain JavaScript app that require()s the package
 *   4. cdk8s-gke     a cdk8s app (`cdk8s synth`) rendering a GKE TPU deployment with its token scaler
 *
 * The apps use the public API of the jsii-shaped surface (Model, CapacityPlanner, TokenScaling,
 * AcceleratorCatalog, KubernetesPlatform, ScrapeBackend, InferenceErrors, scaleOnTokenThroughput).
 *
 * Options (environment): IC_TARBALL=<path> uses that tarball instead of packing the built tree;
 * IC_CONSUMERS=<name,name> runs a subset; IC_CONSUMERS_KEEP=true keeps the scratch directory.
 * Packages come from the npm registry through the local cache (`--prefer-offline`), at the exact
 * versions of the root package.json and versions.json; no lockfile is written.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const rootPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const versions = JSON.parse(readFileSync(join(HERE, 'versions.json'), 'utf8'));
const dev = rootPkg.devDependencies;
const pin = (...names) => Object.fromEntries(names.map((n) => [n, dev[n] ?? fail(`${n} is not a pinned devDependency of the root package.json`)]));
const PEERS = pin(...Object.keys(rootPkg.peerDependencies));

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

/** Run a command; on failure print its output and stop. */
export function run(cwd, command, args, env = {}) {
  const started = Date.now();
  const r = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: 'true', npm_config_update_notifier: 'false', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`    FAILED (${seconds}s): ${command} ${args.join(' ')} in ${cwd}\n${r.stdout ?? ''}\n${r.stderr ?? ''}${r.error ? `\n${r.error}` : ''}`);
    throw new Error(`${command} ${args.join(' ')} exited ${r.status}`);
  }
  console.log(`    ok (${seconds}s): ${command} ${args.join(' ')}`);
  return r.stdout;
}

const npmInstall = (dir) => run(dir, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error']);

/** The tarball: given, or `npm pack` (its prepack script runs npm run build: jsii). */
export function tarball(scratch) {
  if (process.env.IC_TARBALL) return resolve(process.env.IC_TARBALL);
  const out = run(ROOT, 'npm', ['pack', '--json', '--pack-destination', scratch, '--loglevel=error']);
  // The prepack build (jsii) prints to the same stdout before npm's JSON: read from the line
  // that opens the JSON array.
  const start = out.search(/^\[$/m);
  if (start < 0) throw new Error(`npm pack printed no JSON array:\n${out}`);
  return join(scratch, JSON.parse(out.slice(start))[0].filename);
}

/** What users download: JavaScript, declarations, the assembly, docs; no tests, sources or CI files. */
function checkContents(tgz) {
  const files = run(dirname(tgz), 'tar', ['-tzf', tgz]).trim().split('\n').map((f) => f.replace(/^package\//, ''));
  const forbidden = files.filter(
    (f) => /(^|\/)(test|tests|__snapshots__|\.ci|\.github|bin|cdk\.out|dist)\//.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)) || /\.(tgz|tsbuildinfo|snap)$/.test(f),
  );
  if (forbidden.length) fail(`the tarball holds files a user does not need:\n  ${forbidden.join('\n  ')}`);
  for (const required of ['package.json', 'README.md', 'LICENSE', rootPkg.main, rootPkg.types, '.jsii']) {
    if (!files.includes(required)) fail(`the tarball lacks ${required}`);
  }
  // Source maps sit beside the JavaScript (node reads them only with --enable-source-maps): an
  // inline map with its sources would be parsed on every synth, about 2.7 times the code.
  const main = run(dirname(tgz), 'tar', ['-xzOf', tgz, `package/${rootPkg.main}`]);
  if (main.includes('sourceMappingURL=data:')) fail(`${rootPkg.main} in the tarball carries an inline source map: set sourceMap (not inlineSourceMap) in tsconfig.jsii.json`);
  const unmapped = files.filter((f) => f.endsWith('.js') && !files.includes(`${f}.map`));
  if (unmapped.length) fail(`JavaScript without its source map in the tarball:\n  ${unmapped.join('\n  ')}`);
  console.log(`  tarball ${tgz.split('/').pop()}: ${files.length} files, none of them tests, sources or CI files`);
}

function writeJson(file, value) {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Consumer app 1, generated by the pinned aws-cdk CLI and installed; returns its directory. */
export function prepareCdkInitApp(scratch, tgz) {
  const dir = join(scratch, 'my-app');
  mkdirSync(dir);
  run(dir, join(ROOT, 'node_modules', '.bin', 'cdk'), ['init', 'app', '--language', 'typescript', '--generate-only']);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const template = versions.cdkInitTemplate;
  for (const name of Object.keys(pkg.devDependencies)) {
    if (name === 'aws-cdk') pkg.devDependencies[name] = dev['aws-cdk'];
    else if (template[name]) pkg.devDependencies[name] = template[name];
    else fail(`the cdk init template now lists ${name}@${pkg.devDependencies[name]}: pin it in test/consumers/versions.json`);
  }
  pkg.dependencies = { ...pkg.dependencies, ...PEERS, 'inference-constructs': `file:${tgz}` };
  writeJson(join(dir, 'package.json'), pkg);
  cpSync(join(HERE, 'cdk-init-app'), dir, { recursive: true });
  npmInstall(dir);
  return dir;
}

const CONSUMERS = {
  /** 1. The current `cdk init app --language typescript` template, as generated by the pinned CLI. */
  'cdk-init-app'(scratch, tgz) {
    const dir = prepareCdkInitApp(scratch, tgz);
    run(dir, 'npx', ['cdk', 'synth', '-q']);
    run(dir, 'npm', ['test', '--silent']);
    return dir;
  },
  /** 2. CommonJS TypeScript run by ts-node. */
  'ts-node-cjs'(scratch, tgz) {
    const dir = join(scratch, 'ts-node-cjs');
    cpSync(join(HERE, 'ts-node-cjs'), dir, { recursive: true });
    writeJson(join(dir, 'package.json'), {
      name: 'ts-node-cjs-consumer',
      private: true,
      dependencies: { ...PEERS, 'inference-constructs': `file:${tgz}` },
      devDependencies: pin('ts-node', 'typescript', '@types/node'),
    });
    npmInstall(dir);
    run(dir, 'npx', ['ts-node', 'app.ts']);
    return dir;
  },
  /** 3. Plain JavaScript with require(). */
  'plain-js'(scratch, tgz) {
    const dir = join(scratch, 'plain-js');
    cpSync(join(HERE, 'plain-js'), dir, { recursive: true });
    writeJson(join(dir, 'package.json'), { name: 'plain-js-consumer', private: true, dependencies: { ...PEERS, 'inference-constructs': `file:${tgz}` } });
    npmInstall(dir);
    run(dir, 'node', ['app.js']);
    return dir;
  },
  /** 4. A cdk8s app, synthesized by the cdk8s CLI. */
  'cdk8s-gke'(scratch, tgz) {
    const dir = join(scratch, 'cdk8s-gke');
    cpSync(join(HERE, 'cdk8s-gke'), dir, { recursive: true });
    writeJson(join(dir, 'package.json'), {
      name: 'cdk8s-gke-consumer',
      private: true,
      dependencies: { ...pin('cdk8s', 'cdk8s-plus-28', 'constructs'), ...PEERS, 'inference-constructs': `file:${tgz}` },
      devDependencies: pin('cdk8s-cli', 'ts-node', 'typescript', '@types/node'),
    });
    npmInstall(dir);
    run(dir, 'npx', ['cdk8s', 'synth', '--check-upgrade=false']);
    run(dir, 'node', ['verify.js']);
    return dir;
  },
};

function main() {
  const only = process.env.IC_CONSUMERS ? process.env.IC_CONSUMERS.split(',') : Object.keys(CONSUMERS);
  for (const name of only) if (!CONSUMERS[name]) fail(`unknown consumer ${name}; known: ${Object.keys(CONSUMERS).join(', ')}`);

  const scratch = mkdtempSync(join(tmpdir(), 'ic-consumers-'));
  const started = Date.now();
  let passed = 0;
  let failed = 0;
  try {
    const tgz = tarball(scratch);
    checkContents(tgz);
    for (const name of only) {
      console.log(`  consumer ${name}`);
      try {
        CONSUMERS[name](scratch, tgz);
        passed++;
      } catch (e) {
        console.error(`  consumer ${name} FAILED: ${e.message}`);
        failed++;
      }
    }
  } finally {
    if (process.env.IC_CONSUMERS_KEEP === 'true') console.log(`  kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`consumer apps in ${((Date.now() - started) / 1000).toFixed(0)}s`);
  console.log(`consumers: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
