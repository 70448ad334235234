/**
 * The command-line tools report a bad flag, trace or record as one line naming the error's code,
 * and exit 1, instead of printing a stack.
 */
import { describe, expect, test } from 'vitest';
import { cli as calibrate } from '../../bin/calibrate.js';
import { cli as simulate } from '../../bin/simulate.js';

function capture(): { write(text: string): boolean; text: () => string } {
  let out = '';
  return { write: (t: string) => ((out += t), true), text: () => out };
}

describe('npm run simulate', () => {
  test('a trace file that does not exist: one line with the code and the fix, exit 1', () => {
    const err = capture();
    expect(simulate(['--trace', '/nonexistent/trace.csv'], err)).toBe(1);
    expect(err.text()).toMatch(/^simulate: \[TraceInvalid\] --trace: the trace file does not exist; received "\/nonexistent\/trace.csv"; .*fix: pass e\.g\. /);
    expect(err.text().trim().split('\n')).toHaveLength(1);
  });

  test.each([
    ['/tmp', /\[TraceInvalid\] --trace: the trace path is not a file; received "\/tmp"/],
    ['synthetic-x.csv', /\[TraceInvalid\] --trace: the trace file does not exist; received "synthetic-x\.csv"/],
    ['synthetic:', /\[TraceInvalid\] seed: the synthetic trace's seed is not a whole number/],
  ])('--trace %s', (spec, message) => {
    const err = capture();
    expect(simulate(['--trace', spec], err)).toBe(1);
    expect(err.text()).toMatch(message);
  });

  test('a warm start the replay does not know, before anything is planned or replayed', () => {
    const err = capture();
    expect(simulate(['--trace', 'synthetic:7', '--warm-start', 'yesterday'], err)).toBe(1);
    expect(err.text()).toMatch(/^simulate: \[WarmStartInvalid\] --warm-start: the warm start is not one the replay knows; received "yesterday"; allowed: prior-pass, opening-demand; fix: pass --warm-start prior-pass \(the default\) or opening-demand/);
  });

  test('no --trace at all', () => {
    const err = capture();
    expect(simulate([], err)).toBe(1);
    expect(err.text()).toMatch(/^simulate: \[TraceInvalid\] --trace: no trace file given/);
  });
});

describe('npm run calibrate', () => {
  test('a file that is not JSON: one line naming the file, exit 1', () => {
    const out = capture();
    const err = capture();
    expect(calibrate(['/nonexistent/records.json'], out, err)).toBe(1);
    expect(err.text()).toMatch(/^calibrate: \/nonexistent\/records\.json is not a readable JSON file of benchmark records: /);
    expect(out.text()).toBe('');
  });

  test('the published records: the table and its summary line, exit 0', () => {
    const out = capture();
    expect(calibrate([], out, capture())).toBe(0);
    expect(out.text()).toMatch(/\ncalibration: \d+ records, \d+ within 0\.67-1\.5x, median ratio [\d.]+\n$/);
  });
});
