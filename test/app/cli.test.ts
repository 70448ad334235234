/**
 * The command-line tools report a bad flag, trace or record as one line naming the error's code,
 * and exit 1, instead of printing a stack.
 */
import { describe, expect, test, vi } from 'vitest';
import { cli as calibrate } from '../../bin/calibrate.js';
import { cli as simulate, referenceReplayDeployments, traceFromSpec } from '../../bin/simulate.js';

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
    ['synthetic:7:0', /\[TraceInvalid\] --trace: the synthetic trace's length is not a positive number of hours; received "0"/],
    ['synthetic:7:six', /\[TraceInvalid\] --trace: the synthetic trace's length is not a positive number of hours; received "six"/],
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

  test('synthetic:<seed>:<hours> is the seeded trace stretched over that many hours, named for its length', () => {
    const hour = traceFromSpec('synthetic:7');
    const two = traceFromSpec('synthetic:7:2');
    expect(hour.name).toBe('synthetic-diurnal-bursts-seed7');
    expect(two.name).toBe('synthetic-diurnal-bursts-seed7-2h');
    expect(two.durationSeconds).toBeGreaterThan(7100);
    expect(two.durationSeconds).toBeLessThanOrEqual(7200);
    // Same mean rate, twice the time: about twice the requests.
    expect(two.requests.length / hour.requests.length).toBeGreaterThan(1.8);
    expect(two.requests.length / hour.requests.length).toBeLessThan(2.2);
  });

  test('prints a line per peer and, last, the default\'s fleet line, each saying on how many deployments it misses the goal', () => {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
    try {
      expect(simulate(['--trace', 'synthetic:7@0-10', '--deployment', 'eks/inference/llama-3-1-8b', '--plan-shape', 'rendered'], capture())).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const lines = out.trim().split('\n');
    const peers = lines.filter((l) => l.includes('(peer)'));
    expect(peers.map((l) => l.split(' ')[2])).toEqual(['token-work', 'request-concurrency', 'queue-depth', 'kv-cache', 'static-peak']);
    for (const l of peers) expect(l).toMatch(/^replay: synthetic-diurnal-bursts-seed7@0-10min \S+ \(peer\) efficiency [\d.]+ attainment [\d.]+ below the 99 % goal on [01] of 1 deployment$/);
    expect(lines.at(-2)).toMatch(/^goals: efficiency >= 0\.9 at >= 99 % attainment (met|missed); no peer cheaper at equal or better attainment (met|missed \([a-z-]+(, [a-z-]+)*\))$/);
    expect(lines.at(-1)).toMatch(/^replay: synthetic-diurnal-bursts-seed7@0-10min output-tokens efficiency [\d.]+ attainment [\d.]+ below the 99 % goal on [01] of 1 deployment, planned as rendered$/);
  });

  test.each(['2', '61', '4.5', 'five'])('--scale-out-minutes %s: one line, before anything is planned', (n) => {
    const err = capture();
    expect(simulate(['--trace', 'synthetic:7', '--scale-out-minutes', n], err)).toBe(1);
    expect(err.text()).toMatch(new RegExp(`^simulate: \\[ScalingBehaviourInvalid\\] --scale-out-minutes: the scale-out minutes are not a whole number from 3 to 60; received "${n}"; .*fix: pass e\\.g\\. --scale-out-minutes 5`));
  });

  test('--scale-out-minutes sets the SageMaker endpoints\' scaleOutMinutes and leaves the Kubernetes deployments as rendered', () => {
    const rendered = referenceReplayDeployments(undefined, 'rendered');
    const five = referenceReplayDeployments(undefined, 'rendered', undefined, [], undefined, 5);
    expect(five.map((d) => d.name)).toEqual(rendered.map((d) => d.name));
    const sageMaker = five.filter((d) => d.name.startsWith('sagemaker/'));
    expect(sageMaker.length).toBeGreaterThan(0);
    for (const d of five) {
      const before = rendered.find((r) => r.name === d.name)!;
      expect(before.scalingPolicy.scaleOutMinutes).toBe(3);
      expect(d.scalingPolicy.scaleOutMinutes).toBe(d.name.startsWith('sagemaker/') ? 5 : 3);
      expect(d.scalingPolicy.targetTokensPerSecondPerReplica).toBe(before.scalingPolicy.targetTokensPerSecondPerReplica);
    }
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
