/**
 * Sorted output is the same under every locale: the library's string order is UTF-16 code
 * units, never the process's default collation (which `LANG` / `LC_ALL` choose).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { compareStrings, sortedByKey } from '../../lib/private/compare.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourcesUnder(path) : /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('compareStrings', () => {
  test('orders by code unit: upper case before "_" before lower case, "CH" before "H"', () => {
    expect(['HF_TOKEN', 'CHUNKED_PREFILL', 'AA_X', 'Z', 'a', '_b', 'OPTION_X'].sort(compareStrings)).toEqual(['AA_X', 'CHUNKED_PREFILL', 'HF_TOKEN', 'OPTION_X', 'Z', '_b', 'a']);
    expect(compareStrings('x', 'x')).toBe(0);
  });

  test('sortedByKey sorts a record by key and keeps the values', () => {
    expect(Object.entries(sortedByKey({ b: 1, CH: 2, H: 3 }))).toEqual([['CH', 2], ['H', 3], ['b', 1]]);
  });

  test('is the same order in a process whose default locale collates differently (cs_CZ, da_DK)', () => {
    // Under cs_CZ localeCompare puts "CH" after "H"; under da_DK "AA" after "Z".
    const script = "console.log(JSON.stringify([['CH','H'].sort((a,b)=>a.localeCompare(b)), ['AA','Z'].sort((a,b)=>a.localeCompare(b))]))";
    const run = (locale: string): string => spawnSync(process.execPath, ['-e', script], { env: { ...process.env, LANG: locale, LC_ALL: locale }, encoding: 'utf8' }).stdout.trim();
    // The hazard is real in this Node: the default collation follows the locale...
    expect(run('cs_CZ.UTF-8')).toBe('[["H","CH"],["AA","Z"]]');
    expect(run('da_DK.UTF-8')).toBe('[["CH","H"],["Z","AA"]]');
    // ...and compareStrings does not depend on it.
    expect([['CH', 'H'].sort(compareStrings), ['AA', 'Z'].sort(compareStrings)]).toEqual([['CH', 'H'], ['AA', 'Z']]);
  });
});

describe('no locale-dependent ordering in shipped code', () => {
  const files = ['lib', 'constructs', 'bin'].flatMap((d) => sourcesUnder(join(ROOT, d))).concat(join(ROOT, 'index.ts'));

  test.each(files.map((f) => [relative(ROOT, f), f]))('%s sorts without localeCompare or Intl.Collator', (_, file) => {
    // Comments may name them (lib/private/compare.ts says why); code must not call them.
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(code.match(/\.localeCompare\(|\bIntl\.Collator\b/g) ?? []).toEqual([]);
  });
});
