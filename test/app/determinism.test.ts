/**
 * Two synths of the same commit from two checkout paths, under different locales and time
 * zones, give byte-identical CloudFormation templates, Kubernetes manifests, plan report and
 * replay charts: no timestamps, no absolute paths, no random names, no `latest` images, no
 * locale-dependent order.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildSync } from 'esbuild';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
// test/fixtures/traces: the request trace the plan report replays (bin/fleet.ts REFERENCE_REPLAY_TRACES).
const SOURCES = ['bin', 'lib', 'constructs', 'imports', 'test/fixtures/traces', 'package.json', 'cdk.json', 'tsconfig.json', 'tsconfig.app.json', 'tsconfig.jsii.json'];
// With the plan report's trace replay on (bin/fleet.ts REPLAY_TRACE_CONTEXT), so its table and
// SVG chart are checked too: the synth without it writes a subset of these files.
const CDK_JSON_CONTEXT: unknown = {
  ...(JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: object }).context,
  'inference-constructs:replay-trace': true,
};

/**
 * Copy the sources (not node_modules, which is linked) into a fresh directory and compile them
 * to CommonJS in its build/, the files and layout `npm run compile` gives (tsconfig.app.json),
 * so the synth runs as `cdk synth` runs it (cdk.json: `node build/bin/app.js`). esbuild does the
 * transform: tsc would take 9-15 s per checkout, and the test reads what the synth writes.
 */
function checkout(parent: string, name: string): string {
  const dir = join(parent, name);
  for (const s of SOURCES) cpSync(join(ROOT, s), join(dir, s), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const config = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.app.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  })!;
  buildSync({ entryPoints: config.fileNames, outdir: join(dir, 'build'), outbase: dir, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'error' });
  // As npm run compile does: build/ holds CommonJS although the package is an ES module.
  writeFileSync(join(dir, 'build', 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  return dir;
}

/**
 * The machine differences the second synth runs under: a locale whose collation differs from
 * English ("CH" after "H") and a time zone far from UTC.
 */
const OTHER_MACHINE = { LANG: 'cs_CZ.UTF-8', LC_ALL: 'cs_CZ.UTF-8', TZ: 'Pacific/Chatham' };

/** Run the reference app the way `cdk synth` does (CDK_OUTDIR), without the CLI's overhead. */
function synth(dir: string, machine: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['build/bin/app.js'], {
      cwd: dir,
      // As the CDK CLI passes it: the context (and feature flags) of cdk.json.
      env: { ...process.env, ...machine, CDK_OUTDIR: join(dir, 'cdk.out'), CDK_CONTEXT_JSON: JSON.stringify(CDK_JSON_CONTEXT), CDK_VALIDATION: 'false' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`synth in ${dir} failed (${code}): ${stderr}`))));
  });
}

/** Every output file that reviewers read: templates, assets, manifests, the plan. */
function outputs(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d).sort()) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(template\.json|k8s\.yaml|md|svg|assets\.json)$/.test(entry)) files.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(join(dir, 'cdk.out'));
  walk(join(dir, 'dist'));
  return files;
}

describe('reference app synth', () => {
  let parent: string;
  let first: Map<string, string>;
  let second: Map<string, string>;
  let dirs: string[];

  beforeAll(async () => {
    parent = mkdtempSync(join(tmpdir(), 'ic-determinism-'));
    dirs = [checkout(parent, 'checkout-one'), checkout(parent, 'a-much-longer-checkout-path-two')];
    await Promise.all([synth(dirs[0]!), synth(dirs[1]!, OTHER_MACHINE)]);
    [first, second] = dirs.map(outputs) as [Map<string, string>, Map<string, string>];
  }, 120_000);

  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  test('writes templates, manifests and the plan report', () => {
    const names = [...first.keys()];
    expect(names.some((n) => n.endsWith('.template.json'))).toBe(true);
    expect(names.some((n) => n.endsWith('.k8s.yaml'))).toBe(true);
    expect(names).toContain('dist/inference-plan.md');
    expect(names.some((n) => /^dist\/replay-.*\.svg$/.test(n))).toBe(true);
  });

  test('is byte-identical across checkout paths', () => {
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [name, content] of first) expect(second.get(name), name).toBe(content);
  });

  test('embeds no absolute path, no timestamp of today and no latest image', () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const [name, content] of first) {
      expect(content.includes(parent), `${name} mentions the checkout path`).toBe(false);
      expect(content.includes(ROOT), `${name} mentions the project path`).toBe(false);
      expect(content.includes(today), `${name} carries today's date`).toBe(false);
      expect(/image["']?:\s*["']?[^\s"']+:latest\b/.test(content), `${name} uses a latest image`).toBe(false);
    }
  });
});
