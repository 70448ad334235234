/**
 * Calibration: plan the exact configuration of published (or your own) benchmark runs through
 * the public planner and compare the estimate with the measurement.
 *
 * A record states what the planner takes (instance or TPU slice, tensor-parallel degree, weight
 * and KV precision, concurrent sequences, mean input and output tokens) and the measured output
 * tokens/s of one replica. The fixtures in test/fixtures/benchmarks/ are records of this kind;
 * `npm run calibrate -- <file.json>` prints one line per record and a summary line.
 */
import { InferenceConstructsError } from './errors.js';
import { MODEL_PRESETS, type ModelSpec, type Precision, PRECISIONS } from './models.js';
import { type CapacityPlan, planCapacity } from './planner.js';
import { prefillSeconds, timePerOutputTokenSeconds } from './step-time.js';

/** Lowest estimate / measured ratio counted as agreeing. */
export const CALIBRATION_LOW_RATIO = 0.67;
/** Highest estimate / measured ratio counted as agreeing. */
export const CALIBRATION_HIGH_RATIO = 1.5;

/** The model part of a benchmark record: a preset name plus config.json figures. */
export interface BenchmarkModel {
  readonly name: string;
  readonly huggingFaceId: string;
  readonly parametersBillion: number;
  readonly activeParametersBillion?: number;
  readonly layers: number;
  readonly attentionHeads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly experts?: number;
  readonly expertsPerToken?: number;
  readonly slidingWindowTokens?: number;
  readonly slidingWindowLayers?: number;
}

/** A TPU slice in a record. */
export interface BenchmarkTpuSlice {
  readonly accelerator: string;
  readonly topology: string;
}

/** One measured run, in the format of test/fixtures/benchmarks/published-decode-throughput.json. */
export interface BenchmarkRecord {
  readonly id: string;
  readonly source: string;
  readonly model: BenchmarkModel;
  /** EC2 instance type (or GKE machine type); absent when `tpuSlice` is given. */
  readonly instanceType?: string;
  readonly tpuSlice?: BenchmarkTpuSlice;
  readonly tensorParallelDegree: number;
  readonly precision: Precision;
  readonly kvCachePrecision: Precision;
  readonly concurrentSequences: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly measuredOutputTokensPerSecondPerReplica: number;
  readonly family?: string;
  readonly engine?: string;
  readonly note?: string;
}

/** One record's result. */
export interface CalibrationRow {
  readonly id: string;
  readonly batch: number;
  /** Share of a replica's time spent in prefill at the record's lengths. */
  readonly prefillShare: number;
  readonly interconnect: string;
  /** Whether the decode step is bound by memory traffic or by compute. */
  readonly bound: string;
  readonly estimate: number;
  readonly measured: number;
  /** estimate / measured. */
  readonly ratio: number;
  readonly withinRange: boolean;
}

/** All records' results. */
export interface CalibrationResult {
  readonly rows: CalibrationRow[];
  readonly records: number;
  readonly withinRange: number;
  readonly medianRatio: number;
}

function invalid(index: number, field: string, value: unknown, allowed: string): InferenceConstructsError {
  return new InferenceConstructsError('CalibrationRecordInvalid', {
    prop: `records[${index}].${field}`,
    problem: `the benchmark record's ${field} is missing or has the wrong type`,
    received: value,
    allowed,
    fix: 'follow the format of test/fixtures/benchmarks/published-decode-throughput.json',
  });
}

function positive(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Calibration against benchmark records (static methods, for languages without free functions). */
export class Calibration {
  /** Check parsed JSON is a list of benchmark records; throws CalibrationRecordInvalid. */
  public static parse(json: unknown): BenchmarkRecord[] {
    if (!Array.isArray(json) || json.length === 0) throw invalid(0, '(file)', json, 'a non-empty JSON array of records');
    json.forEach((r: Record<string, unknown>, i) => {
      if (typeof r !== 'object' || r === null) throw invalid(i, '(record)', r, 'an object');
      if (typeof r.id !== 'string') throw invalid(i, 'id', r.id, 'a string');
      if (typeof r.source !== 'string') throw invalid(i, 'source', r.source, 'a string naming the measurement');
      if ((typeof r.instanceType === 'string') === (typeof r.tpuSlice === 'object' && r.tpuSlice !== null)) {
        throw invalid(i, 'instanceType', r.instanceType, 'exactly one of instanceType and tpuSlice');
      }
      for (const f of ['tensorParallelDegree', 'concurrentSequences', 'inputTokens', 'outputTokens', 'measuredOutputTokensPerSecondPerReplica']) {
        if (!positive(r[f])) throw invalid(i, f, r[f], 'a positive number');
      }
      for (const f of ['precision', 'kvCachePrecision']) {
        if (!(PRECISIONS as readonly unknown[]).includes(r[f])) throw invalid(i, f, r[f], PRECISIONS.join(', '));
      }
      const m = r.model as Record<string, unknown> | undefined;
      if (typeof m !== 'object' || m === null) throw invalid(i, 'model', m, 'an object with config.json figures');
      for (const f of ['parametersBillion', 'layers', 'attentionHeads', 'kvHeads', 'headDim']) {
        if (!positive(m[f])) throw invalid(i, `model.${f}`, m[f], 'a positive number');
      }
    });
    return json as BenchmarkRecord[];
  }

  /** The ModelSpec a record describes: its preset (when named) overlaid with the record's figures. */
  public static modelOf(record: BenchmarkRecord): ModelSpec {
    const preset = Object.prototype.hasOwnProperty.call(MODEL_PRESETS, record.model.name) ? MODEL_PRESETS[record.model.name] : undefined;
    const context = record.inputTokens + record.outputTokens;
    return {
      ...(preset ?? { gated: false, nativePrecision: record.precision, maxContextTokens: context }),
      ...record.model,
      maxContextTokens: Math.max(preset?.maxContextTokens ?? 0, context),
      // The measured run served this checkpoint precision.
      nativePrecision: record.precision,
    };
  }

  /** Plan one record's configuration through planCapacity. */
  public static planRecord(record: BenchmarkRecord): CapacityPlan {
    return planCapacity({
      model: Calibration.modelOf(record),
      ...(record.tpuSlice !== undefined ? { tpuSlice: record.tpuSlice } : { instanceType: record.instanceType }),
      tensorParallelDegree: record.tensorParallelDegree,
      precision: record.precision,
      kvCachePrecision: record.kvCachePrecision,
      concurrentSequences: record.concurrentSequences,
      inputTokens: record.inputTokens,
      outputTokens: record.outputTokens,
      contextTokens: record.inputTokens + record.outputTokens,
    });
  }

  /** Plan every record and compare. */
  public static run(records: BenchmarkRecord[]): CalibrationResult {
    const rows = records.map((r): CalibrationRow => {
      const plan = Calibration.planRecord(r);
      const p = plan.stepTime;
      const b = plan.concurrentSequences;
      const tpot = timePerOutputTokenSeconds(p, b, r.inputTokens, r.outputTokens);
      const prefill = (b / r.outputTokens) * prefillSeconds(p, r.inputTokens);
      const live = r.inputTokens + r.outputTokens / 2;
      const memory = p.weightSecondsPerStep + b * live * p.kvSecondsPerToken;
      const estimate = plan.throughput.tokensPerSecondPerReplica;
      const measured = r.measuredOutputTokensPerSecondPerReplica;
      const ratio = estimate / measured;
      return {
        id: r.id,
        batch: b,
        prefillShare: prefill / tpot,
        interconnect: `${plan.interconnect} TP${plan.tensorParallelDegree}`,
        bound: memory >= b * p.computeSecondsPerDecodeToken ? 'memory' : 'compute',
        estimate,
        measured,
        ratio,
        withinRange: ratio >= CALIBRATION_LOW_RATIO && ratio <= CALIBRATION_HIGH_RATIO,
      };
    });
    return {
      rows,
      records: rows.length,
      withinRange: rows.filter((r) => r.withinRange).length,
      medianRatio: median(rows.map((r) => r.ratio)),
    };
  }

  /** The table and the summary line, as `npm run calibrate` prints them. */
  public static render(result: CalibrationResult): string {
    const header = ['id', 'batch', 'prefill', 'interconnect', 'bound', 'estimate', 'measured', 'ratio'];
    const cells = result.rows.map((r) => [
      r.id,
      String(r.batch),
      `${(r.prefillShare * 100).toFixed(0)} %`,
      r.interconnect,
      r.bound,
      String(r.estimate),
      String(r.measured),
      `${r.ratio.toFixed(2)}${r.withinRange ? '' : ' (out of range)'}`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (c: string[]): string => c.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
    return [
      line(header),
      ...cells.map(line),
      `calibration: ${result.records} records, ${result.withinRange} within ${CALIBRATION_LOW_RATIO}-${CALIBRATION_HIGH_RATIO}x, median ratio ${result.medianRatio.toFixed(2)}`,
    ].join('\n');
  }
}
