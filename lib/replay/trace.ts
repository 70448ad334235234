/**
 * Request traces for the replay: the Azure LLM inference trace CSV format
 * (`TIMESTAMP,ContextTokens,GeneratedTokens`), a seeded synthetic generator, and arrival-rate
 * scaling. Everything here is pure and deterministic.
 */
import { InferenceConstructsError } from '../errors.js';

/** One request of a trace. */
export interface TraceRequest {
  /** Arrival, seconds after the trace's first request. */
  readonly arrivalSeconds: number;
  /** Prompt tokens. */
  readonly promptTokens: number;
  /** Generated (output) tokens. */
  readonly outputTokens: number;
}

/** A request trace, sorted by arrival. */
export interface RequestTrace {
  /** Name shown in reports (the file's base name, or the generator's). */
  readonly name: string;
  readonly requests: TraceRequest[];
  /** Seconds from the first arrival to the last. */
  readonly durationSeconds: number;
}

/** Header of the Azure LLM inference trace CSV. @see https://github.com/Azure/AzurePublicDataset/blob/master/AzureLLMInferenceDataset2023.md */
export const AZURE_TRACE_HEADER = 'TIMESTAMP,ContextTokens,GeneratedTokens';

// `2023-11-16 18:15:46.6805900`: date, time, up to 7 fractional digits (100 ns).
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

function parseTimestamp(s: string): number {
  const m = TIMESTAMP.exec(s);
  if (m === null) return Number.NaN;
  const whole = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
  const frac = m[7] === undefined ? 0 : Number(`0.${m[7]}`);
  return whole + frac;
}

function traceError(line: number, problem: string, received: unknown): InferenceConstructsError {
  return new InferenceConstructsError('TraceInvalid', {
    prop: `trace line ${line}`,
    problem,
    received,
    allowed: `CSV with the header "${AZURE_TRACE_HEADER}", then "YYYY-MM-DD HH:MM:SS.fffffff,<prompt tokens>,<output tokens>" rows`,
    fix: 'pass an Azure LLM inference trace file, or convert yours to its three columns',
  });
}

/** Parse an Azure LLM inference trace; arrivals are made relative to the first request and sorted. */
export function parseAzureTrace(csv: string, name: string): RequestTrace {
  const lines = csv.split(/\r?\n/);
  if ((lines[0] ?? '').trim() !== AZURE_TRACE_HEADER) throw traceError(1, 'the header is not the Azure trace header', lines[0]);
  const rows: { t: number; p: number; o: number }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const parts = line.split(',');
    if (parts.length !== 3) throw traceError(i + 1, 'a row does not have three columns', line);
    const t = parseTimestamp(parts[0]);
    const p = Number(parts[1]);
    const o = Number(parts[2]);
    if (!Number.isFinite(t)) throw traceError(i + 1, 'the timestamp is not "YYYY-MM-DD HH:MM:SS.fffffff"', parts[0]);
    if (!Number.isInteger(p) || p < 0 || !Number.isInteger(o) || o < 0) throw traceError(i + 1, 'token counts are not non-negative integers', line);
    rows.push({ t, p, o });
  }
  if (rows.length === 0) throw traceError(2, 'the trace has no requests', '');
  rows.sort((a, b) => a.t - b.t);
  const t0 = rows[0].t;
  const requests = rows.map((r) => ({ arrivalSeconds: r.t - t0, promptTokens: r.p, outputTokens: r.o }));
  return { name, requests, durationSeconds: requests[requests.length - 1].arrivalSeconds };
}

/**
 * The requests of `trace` that arrive in [fromSeconds, toSeconds), re-based to the window's
 * start: e.g. the first half of a trace to fit a target on, the second half to replay it on.
 * Named `<name>@<from>-<to>min`. Throws TraceWindowInvalid for a window that is not an
 * ascending range within the trace, or that holds no request.
 */
export function sliceTrace(trace: RequestTrace, fromSeconds: number, toSeconds: number): RequestTrace {
  const bad = (problem: string): InferenceConstructsError =>
    new InferenceConstructsError('TraceWindowInvalid', {
      prop: 'window',
      problem,
      received: `${fromSeconds}-${toSeconds} s of ${trace.name} (last arrival at ${trace.durationSeconds.toFixed(1)} s)`,
      allowed: `0 <= from < to, from before the trace's last arrival (${trace.durationSeconds.toFixed(1)} s)`,
      fix: 'pass a window in minutes within the trace, e.g. @0-30 for its first half hour',
    });
  if (!(Number.isFinite(fromSeconds) && Number.isFinite(toSeconds) && fromSeconds >= 0 && toSeconds > fromSeconds)) throw bad('the window is not an ascending range of non-negative times');
  if (fromSeconds > trace.durationSeconds) throw bad('the window starts after the last request');
  const requests = trace.requests.filter((r) => r.arrivalSeconds >= fromSeconds && r.arrivalSeconds < toSeconds).map((r) => ({ ...r, arrivalSeconds: r.arrivalSeconds - fromSeconds }));
  if (requests.length === 0) throw bad('no request arrives in the window');
  const minutes = (s: number): string => String(Math.round((s / 60) * 100) / 100);
  return { name: `${trace.name}@${minutes(fromSeconds)}-${minutes(toSeconds)}min`, requests, durationSeconds: Math.min(toSeconds, trace.durationSeconds) - fromSeconds };
}

/** Mulberry32: a small, fast, seeded PRNG with a 2^32 period (deterministic on every platform). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Multiply the arrival rate by `factor`, keeping the trace's duration, its time profile and its
 * prompt / output mix: every request is kept `floor(factor)` times, plus once more with
 * probability `factor - floor(factor)` (seeded); each extra copy arrives up to
 * {@link RATE_SCALE_JITTER_SECONDS} later than the original so copies do not arrive in lockstep.
 * Below 1 this thins the trace.
 */
export function scaleTraceRate(trace: RequestTrace, factor: number, seed = 1): RequestTrace {
  if (!(Number.isFinite(factor) && factor > 0)) {
    throw new InferenceConstructsError('TraceInvalid', {
      prop: 'rateScale', problem: 'the rate scale is not a positive finite number', received: factor,
      allowed: 'a positive number, e.g. 0.5 or 2', fix: 'pass --rate-scale with a positive factor',
    });
  }
  const rand = seededRandom(seed);
  const out: TraceRequest[] = [];
  const whole = Math.floor(factor);
  const frac = factor - whole;
  for (const r of trace.requests) {
    const copies = whole + (rand() < frac ? 1 : 0);
    for (let c = 0; c < copies; c++) {
      const jitter = c === 0 ? 0 : rand() * RATE_SCALE_JITTER_SECONDS;
      out.push({ ...r, arrivalSeconds: Math.min(trace.durationSeconds, r.arrivalSeconds + jitter) });
    }
  }
  out.sort((a, b) => a.arrivalSeconds - b.arrivalSeconds);
  return { name: trace.name, requests: out, durationSeconds: trace.durationSeconds };
}

/** Extra copies of a rate-scaled request arrive up to this many seconds after the original. */
export const RATE_SCALE_JITTER_SECONDS = 1;

/** Options of {@link syntheticTrace}. */
export interface SyntheticTraceOptions {
  /** @default 3600 */
  readonly durationSeconds?: number;
  /** Mean arrivals per second over the trace. @default 4 */
  readonly meanRequestsPerSecond?: number;
  /** Seed of the generator. @default 7 */
  readonly seed?: number;
}

/**
 * A seeded synthetic trace the replay was not tuned on: a compressed diurnal swing (one full
 * sine period over the trace, from 0.4x to 1.6x the mean rate), plus three bursts of 3x the mean
 * for 2 minutes each at seeded times; arrivals are a non-homogeneous Poisson process (thinning).
 * Prompt and output lengths are log-normal around 1,000 / 250 tokens (a chat mix), capped at
 * 8,000 / 2,000. Named `synthetic-diurnal-bursts-seed<seed>`, followed by `-<hours>h` (or
 * `-<seconds>s`) when it is not one hour long.
 */
export function syntheticTrace(options: SyntheticTraceOptions = {}): RequestTrace {
  const duration = options.durationSeconds ?? 3600;
  const mean = options.meanRequestsPerSecond ?? 4;
  const seed = options.seed ?? 7;
  const bad = (prop: string, problem: string, received: unknown, allowed: string, fix: string): InferenceConstructsError =>
    new InferenceConstructsError('TraceInvalid', { prop, problem, received, allowed, fix });
  if (!Number.isInteger(seed)) throw bad('seed', 'the synthetic trace\'s seed is not a whole number', seed, 'an integer, e.g. 7', 'pass synthetic:<integer>, e.g. synthetic:11');
  // The three 2-minute bursts are placed within the trace, so it lasts longer than one of them.
  if (!(Number.isFinite(duration) && duration > 120)) throw bad('durationSeconds', 'the synthetic trace is not longer than its 120 s bursts', duration, 'a number of seconds > 120', 'pass e.g. 3600 (one hour)');
  if (!(Number.isFinite(mean) && mean > 0)) throw bad('meanRequestsPerSecond', 'the mean arrival rate is not a positive number', mean, 'a number > 0', 'pass e.g. 4');
  const rand = seededRandom(seed);
  const bursts = [0, 1, 2].map(() => rand() * (duration - 120));
  const rate = (t: number): number => {
    let r = mean * (1 - 0.6 * Math.cos((2 * Math.PI * t) / duration));
    for (const b of bursts) if (t >= b && t < b + 120) r += 2 * mean;
    return r;
  };
  const peak = mean * 1.6 + 2 * mean * 3;
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const requests: TraceRequest[] = [];
  let t = 0;
  for (;;) {
    t += -Math.log(1 - rand()) / peak;
    if (t > duration) break;
    if (rand() * peak > rate(t)) continue;
    const promptTokens = Math.min(8000, Math.max(1, Math.round(Math.exp(Math.log(1000) + 0.9 * normal()))));
    const outputTokens = Math.min(2000, Math.max(1, Math.round(Math.exp(Math.log(250) + 0.8 * normal()))));
    requests.push({ arrivalSeconds: t, promptTokens, outputTokens });
  }
  const first = requests.length > 0 ? requests[0].arrivalSeconds : 0;
  const shifted = requests.map((r) => ({ ...r, arrivalSeconds: r.arrivalSeconds - first }));
  const length = duration === 3600 ? '' : duration % 3600 === 0 ? `-${duration / 3600}h` : `-${duration}s`;
  return { name: `synthetic-diurnal-bursts-seed${options.seed ?? 7}${length}`, requests: shifted, durationSeconds: shifted.length ? shifted[shifted.length - 1].arrivalSeconds : 0 };
}
