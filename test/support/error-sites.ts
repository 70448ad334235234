/**
 * Test helper: every place the library's sources raise an {@link InferenceConstructsError}, read
 * from the TypeScript syntax tree (so comments, `@example` blocks and strings that merely look like
 * a throw are not counted).
 *
 * A site is one of:
 * - `new InferenceConstructsError('Code', { prop: ..., ... })` with a literal code;
 * - `new InferenceConstructsError(code, ...)` with a code passed in by the enclosing helper
 *   function (the codes are then the literal first arguments of that helper's calls in the file);
 * - a string or template literal that starts with `[Code] `, the message format of the error,
 *   written by hand (validation messages a construct returns from `node.addValidation`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** One place a code is raised. */
export interface ErrorSite {
  /** Path relative to the repository root, with forward slashes. */
  readonly file: string;
  /** 1-based line of the site. */
  readonly line: number;
  /** The code, or undefined for a site whose code is passed in by a helper. */
  readonly code: string | undefined;
  /** How the code is written. */
  readonly kind: 'literal' | 'helper' | 'message';
  /** The literal text of the `prop` field (template placeholders dropped); undefined if not literal. */
  readonly prop: string | undefined;
  /** For a helper site: the name of the enclosing function whose parameter carries the code. */
  readonly helper?: string;
}

const CODE_IN_MESSAGE = /^\[([A-Z][A-Za-z0-9]+)\] /;

function literalText(node: ts.Expression): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => s.literal.text).join('');
  return undefined;
}

function propOf(details: ts.Expression | undefined): string | undefined {
  if (!details || !ts.isObjectLiteralExpression(details)) return undefined;
  for (const p of details.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === 'prop') {
      return literalText(p.initializer);
    }
  }
  return undefined;
}

function enclosingFunctionName(node: ts.Node): string | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.name && ts.isIdentifier(n.name)) return n.name.text;
    if ((ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && ts.isVariableDeclaration(n.parent) && ts.isIdentifier(n.parent.name)) {
      return n.parent.name.text;
    }
  }
  return undefined;
}

/** The error sites of one source text. */
export function errorSitesIn(file: string, text: string): ErrorSite[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const sites: ErrorSite[] = [];
  const helperCalls: { name: string; code: string; line: number }[] = [];
  const lineOf = (n: ts.Node) => source.getLineAndCharacterOfPosition(n.getStart(source)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'InferenceConstructsError') {
      const [codeArg, details] = node.arguments ?? [];
      const code = codeArg && ts.isStringLiteral(codeArg) ? codeArg.text : undefined;
      const site = { file, line: lineOf(node), prop: propOf(details) };
      if (code !== undefined) sites.push({ ...site, code, kind: 'literal' });
      else sites.push({ ...site, code: undefined, kind: 'helper', helper: enclosingFunctionName(node) });
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      const head = ts.isTemplateExpression(node) ? node.head.text : node.text;
      const m = CODE_IN_MESSAGE.exec(head);
      if (m) sites.push({ file, line: lineOf(node), code: m[1], kind: 'message', prop: undefined });
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const first = node.arguments[0];
      if (first && ts.isStringLiteral(first)) helperCalls.push({ name: node.expression.text, code: first.text, line: lineOf(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  // A helper that throws a code it was given: each literal code its callers in this file pass.
  for (const helper of new Set(sites.filter((s) => s.kind === 'helper' && s.helper).map((s) => s.helper!))) {
    for (const call of helperCalls.filter((c) => c.name === helper)) {
      sites.push({ file, line: call.line, code: call.code, kind: 'helper', prop: undefined, helper });
    }
  }
  return sites;
}

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? tsFilesUnder(path) : /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : [];
    });
}

/** The error sites of every TypeScript source under the given folders of `root`. */
export function errorSitesUnder(root: string, folders: readonly string[]): ErrorSite[] {
  return folders.flatMap((folder) =>
    tsFilesUnder(join(root, folder)).flatMap((path) => errorSitesIn(relative(root, path).split('\\').join('/'), readFileSync(path, 'utf8'))),
  );
}
