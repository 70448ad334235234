import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { BANDWIDTH_EFFICIENCY, COMPUTE_EFFICIENCY, FIXED_STEP_SECONDS } from '../../lib/step-time.js';
import { CALIBRATION_HIGH_RATIO, CALIBRATION_LOW_RATIO, Calibration } from '../../lib/calibration.js';
import { expectError } from './expect-error.js';

// Published measurements of real serving stacks (sources per record and in the fixture README):
// AWS Neuron Inf2 tables, TensorRT-LLM v0.9.0 performance.md, MLPerf Inference v4.1, vLLM, JetStream.
const FIXTURE = fileURLToPath(new URL('../fixtures/benchmarks/published-decode-throughput.json', import.meta.url));
const records = Calibration.parse(JSON.parse(readFileSync(FIXTURE, 'utf8')));
const result = Calibration.run(records);

describe('calibration against published measurements', () => {
  test('covers every fixture record', () => {
    expect(result.records).toBe(13);
    expect(result.rows.map((r) => r.id)).toEqual(records.map((r) => r.id));
  });

  test.each(result.rows.map((r) => [r.id, r] as const))('%s is within 0.67x-1.5x of the measurement', (_id, row) => {
    expect(row.ratio).toBeGreaterThanOrEqual(CALIBRATION_LOW_RATIO);
    expect(row.ratio).toBeLessThanOrEqual(CALIBRATION_HIGH_RATIO);
  });

  test('the median ratio is within 0.9-1.1', () => {
    expect(result.medianRatio).toBeGreaterThanOrEqual(0.9);
    expect(result.medianRatio).toBeLessThanOrEqual(1.1);
  });

  test('the constants are few and physical: one efficiency per interconnect class, one compute efficiency, one step cost per family', () => {
    expect(Object.keys(BANDWIDTH_EFFICIENCY).sort()).toEqual(['ici', 'neuronlink', 'none', 'nvlink', 'pcie']);
    for (const e of [...Object.values(BANDWIDTH_EFFICIENCY), COMPUTE_EFFICIENCY]) {
      expect(e).toBeGreaterThan(0);
      expect(e).toBeLessThanOrEqual(1);
    }
    expect(Object.keys(FIXED_STEP_SECONDS).sort()).toEqual(['inferentia2', 'nvidia-gpu', 'tpu']);
  });

  test('the records span the regimes: memory- and compute-bound, prefill-heavy, every interconnect class', () => {
    expect(new Set(result.rows.map((r) => r.bound))).toEqual(new Set(['memory', 'compute']));
    expect(Math.max(...result.rows.map((r) => r.prefillShare))).toBeGreaterThan(0.3);
    expect(new Set(result.rows.map((r) => r.interconnect.split(' ')[0]))).toEqual(new Set(['neuronlink', 'none', 'nvlink', 'pcie', 'ici']));
  });

  test('renders a table and the summary line', () => {
    const text = Calibration.render(result);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^id\s+batch\s+prefill\s+interconnect\s+bound\s+estimate\s+measured\s+ratio$/);
    expect(lines).toHaveLength(records.length + 2);
    expect(lines[lines.length - 1]).toBe(`calibration: 13 records, ${result.withinRange} within 0.67-1.5x, median ratio ${result.medianRatio.toFixed(2)}`);
  });

  test('npm run calibrate prints the same table for a file', () => {
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const bin = fileURLToPath(new URL('../../bin/calibrate.ts', import.meta.url));
    const out = execFileSync(tsx, [bin, FIXTURE], { encoding: 'utf8' });
    expect(out.trimEnd()).toBe(Calibration.render(result));
  });

  test('throws CalibrationRecordInvalid for a record without a measurement', () => {
    const broken = [{ ...records[0], measuredOutputTokensPerSecondPerReplica: undefined }];
    expectError(() => Calibration.parse(broken), 'CalibrationRecordInvalid', 'records[0].measuredOutputTokensPerSecondPerReplica', undefined);
  });

  test('throws CalibrationRecordInvalid for an empty file', () => {
    expectError(() => Calibration.parse([]), 'CalibrationRecordInvalid', 'records[0].(file)', []);
  });
});
