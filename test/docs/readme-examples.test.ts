/**
 * Every TypeScript example in README.md compiles against the library, so the examples cannot rot.
 *
 * Each ```ts block is type-checked as its own module, placed in the project root so that
 * `import ... from 'inference-constructs'` resolves through the package's own `exports`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** The ```ts blocks of a Markdown text, with the line each starts on. */
export function typescriptBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const re = /^```(?:ts|typescript)\n([\s\S]*?)^```/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    blocks.push({ line: markdown.slice(0, m.index).split('\n').length, code: m[1]! });
  }
  return blocks;
}

const AWS_CDK_LIB_INDEX = join(ROOT, 'node_modules', 'aws-cdk-lib', 'index.d.ts');

/**
 * aws-cdk-lib's root declarations as the given modules can see them: core, and only the
 * `aws_*`-style namespaces they name. The root index re-exports all of its 300-odd service
 * modules (`export * as aws_quicksight from './aws-quicksight'`); a module that names none of
 * them cannot reach them, so leaving them out changes no diagnostic of the examples and spares
 * parsing some 1,700 declaration files (the check took 11 s with them, 3.6 s without).
 */
export function rootIndexFor(index: string, modules: readonly string[]): string {
  const text = modules.join('\n');
  return index
    .split('\n')
    .filter((line) => {
      const m = /^export \* as (\w+) from /.exec(line);
      return m === null || new RegExp(`\\b${m[1]}\\b`).test(text);
    })
    .join('\n');
}

/** Type-check in-memory modules with the project's compiler options; returns one message per error. */
export function typeCheck(files: ReadonlyMap<string, string>): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  })!;
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (f) => files.get(f) ?? readFile(f);
  host.fileExists = (f) => files.has(f) || fileExists(f);
  const getSourceFile = host.getSourceFile.bind(host);
  const rootIndex = rootIndexFor(readFileSync(AWS_CDK_LIB_INDEX, 'utf8'), [...files.values()]);
  host.getSourceFile = (f, lang, onError, create) =>
    files.has(f)
      ? ts.createSourceFile(f, files.get(f)!, lang)
      : f === AWS_CDK_LIB_INDEX
        ? ts.createSourceFile(f, rootIndex, lang)
        : getSourceFile(f, lang, onError, create);
  const program = ts.createProgram([...files.keys()], { ...config.options, noUnusedLocals: false }, host);
  // Check only the examples: the library itself is type-checked by `npm run typecheck`, and
  // checking the generated CRD bindings again here would cost most of the test's time.
  const diagnostics = [...files.keys()].flatMap((f) => {
    const sf = program.getSourceFile(f)!;
    return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
  });
  return diagnostics
    .filter((d) => d.file && files.has(d.file.fileName))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${d.file!.fileName}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

describe('README examples', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = typescriptBlocks(readme);
  const examples = new Map(blocks.map((b) => [join(ROOT, `readme-example-line-${b.line}.ts`), `export {};\n${b.code}`]));
  // A known-bad example checked in the same program (one program: building a second would parse
  // and bind the library and aws-cdk-lib's declarations again, doubling the test's time).
  const badFile = join(ROOT, 'readme-example-bad.ts');
  const bad = "import { CapacityPlanner } from 'inference-constructs';\nCapacityPlanner.plan({ modle: 1 });\n";
  let messages: string[] | undefined;
  const diagnostics = (): string[] => (messages ??= typeCheck(new Map([...examples, [badFile, bad]])));

  test('there are examples to check', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  test('every example compiles', () => {
    expect(diagnostics().filter((m) => !m.startsWith(`${badFile}:`))).toEqual([]);
  });

  test('the checker rejects an example that does not compile', () => {
    expect(diagnostics().filter((m) => m.startsWith(`${badFile}:`)).join('\n')).toMatch(/modle/);
  });

  test('an example that names a service namespace of the aws-cdk-lib root still sees it', () => {
    const index = "import './assets';\nexport * from './core';\nexport * as aws_eks from './aws-eks';\nexport * as aws_s3 from './aws-s3';\n";
    expect(rootIndexFor(index, ["import * as cdk from 'aws-cdk-lib';\nnew cdk.aws_s3.Bucket(stack, 'B');"])).toBe(
      "import './assets';\nexport * from './core';\nexport * as aws_s3 from './aws-s3';\n",
    );
  });
});
