/**
 * The replay engine: a deterministic discrete-event simulation of one deployment serving a
 * request trace, with continuous-batching replicas on the plan's step-time model, a router in
 * front of them, a scaler that sees only what its metrics pipeline shows, and capacity that
 * arrives late.
 *
 * Each replica runs vLLM's scheduling: requests are admitted up to the planned concurrency in
 * arrival order; a step spends its token budget (`--max-num-batched-tokens`) on one token per
 * decoding sequence first and on prompt chunks, in admission order, with what is left; the step
 * that completes a prompt emits its first token. Steps of decode only are taken k at a time, up
 * to the next completion, arrival or sample. The batch is kept as counts and a decode clock
 * (a heap of finishing ticks), so a step costs the sequences it changes, not the batch size.
 */
import { InferenceConstructsError } from '../errors.js';
import type { CapacityPlan } from '../planner.js';
import { type StepTimeProfile, decodeStepSeconds, mixedStepSeconds, prefillSeconds } from '../step-time.js';
import type { ReplayLatencyTargets } from './profile.js';
import type { RequestTrace } from './trace.js';

/**
 * Tokens one engine step may schedule (prompt chunks + one token per decoding sequence): vLLM
 * v0.11's default `max_num_batched_tokens` for the OpenAI server on accelerators under 70 GiB,
 * with chunked prefill on (the V1 engine's default).
 * @see https://github.com/vllm-project/vllm/blob/v0.11.0/vllm/engine/arg_utils.py (default_max_num_batched_tokens)
 */
export const MAX_BATCHED_TOKENS = 2048;
/** A replica's queues drop the entries they have served once this many lead them (and half of them is served). */
const COMPACT_AFTER = 1024;
/** Seconds between the engine's samples of its counters and gauges (what metrics scrapers read). */
export const SAMPLE_SECONDS = 1;

/** What the scaler sees: counters and gauges sampled once a second (index = whole seconds). */
export interface ReplayObservations {
  /** Prompt tokens prefilled so far (`vllm:prompt_tokens_total` summed over pods). */
  readonly promptTokens: number[];
  /** Generated tokens so far (`vllm:generation_tokens_total`). */
  readonly generatedTokens: number[];
  /** Requests waiting, not yet scheduled (`vllm:num_requests_waiting`, plus any held at the router). */
  readonly waiting: number[];
  /** Requests in flight: running + waiting (SageMaker ConcurrentRequestsPerModel). */
  readonly inFlight: number[];
  /** Sum over ready replicas of the KV cache in use, as a fraction of one replica's (`vllm:kv_cache_usage_perc`). */
  readonly kvUsage: number[];
  /** Replicas serving (ready). */
  readonly ready: number[];
}

/** A scaler as the engine drives it. */
export interface IReplayScaler {
  /** Seconds between evaluations. */
  readonly periodSeconds: number;
  /** Replicas the scaler sets at `now`, given the replicas it set last and what it observes. */
  desired(now: number, current: number, obs: ReplayObservations): number;
  /**
   * The change `desired` just asked for was refused (`EngineInput.holdWhileStarting`): a scaler
   * that keeps state (cooldowns, history) forgets it, as a scaling activity that failed starts
   * no cooldown. @default - nothing to forget
   */
  refused?(now: number): void;
}

/** Start-up and release delays of one deployment, seconds. */
export interface CapacityDelays {
  /** From the scaler's decision to a ready replica: node launch + image pull + model load. */
  readonly startupSeconds: number;
  /** From a replica's removal (after its in-flight requests finish) to its node's release. */
  readonly releaseSeconds: number;
}

/** Per-request outcome arrays and the replica timeline. */
export interface EngineResult {
  /** Time to first token per request, seconds (Infinity when never served). */
  readonly ttft: Float64Array;
  /** Mean time per output token after the first, seconds (Infinity when never finished). */
  readonly tpot: Float64Array;
  /** 1 when the request could not be served (longer than the context, or an empty prompt). */
  readonly failed: Uint8Array;
  /** Replica-seconds charged (launch to release, within {@link EngineInput.chargeUntilSeconds}). */
  readonly replicaSeconds: number;
  /** Scale events (changes of the desired count) from {@link EngineInput.measureFromSeconds} on. */
  readonly scaleEvents: number;
  /** Per-minute series for the picture: replicas charged, ready, demand (busy-seconds per second). */
  readonly replicasPerMinute: number[];
  readonly observations: ReplayObservations;
  readonly endSeconds: number;
}

/**
 * A request admitted to a replica's batch. While it prefills, `prefillLeft` and `ctx` count its
 * prompt; once it decodes, its context and its finish are kept against the replica's decode
 * clock (`Replica.clock`, one tick per decode token every decoding sequence generates), so a
 * step advances the whole batch without visiting each sequence.
 */
interface Seq {
  readonly req: number;
  /** Prompt tokens still to prefill. */
  prefillLeft: number;
  /** Prompt tokens prefilled (while prefilling). */
  ctx: number;
  /** While decoding: the replica clock at which its last token is generated. */
  finishClock: number;
  /** While decoding: its context minus the replica clock. */
  ctxOffset: number;
}

/** What a replica's step in progress does when it ends at `busyUntil` (see `endStep`). */
const enum StepKind {
  /** No step in progress. */
  NONE,
  /** Prompt chunks (`chunks`), with one decode token for every sequence already decoding. */
  PREFILL,
  /** `k` decode steps of every decoding sequence. */
  DECODE,
}

interface Replica {
  readonly launchedAt: number;
  readyAt: number;
  draining: boolean;
  releasedAt: number;
  /** Sequences admitted, prefilling and decoding. */
  running: number;
  /** Sequences still prefilling, in admission order (`prefilling[prefillHead..]`): chunks go to them in that order. */
  prefilling: Seq[];
  prefillHead: number;
  /** Prompt tokens prefilled by the sequences still prefilling. */
  prefillCtx: number;
  /** Decode tokens generated so far by each sequence that has been decoding throughout. */
  clock: number;
  /** Decoding sequences, a min-heap on `finishClock`. */
  decodingHeap: Seq[];
  /** Sum of the decoding sequences' contexts. */
  decodeCtx: number;
  /** Requests routed to the replica and not yet admitted: `queue[queueHead..]`. */
  queue: number[];
  queueHead: number;
  busyUntil: number;
  step: StepKind;
  /** The prompt chunks of a PREFILL step (tokens per sequence, from `prefilling[prefillHead]` on). */
  chunkSizes: number[];
  /** Chunks of the step in progress: the first `chunkCount` of `chunkSizes` (the array is reused, never shrunk). */
  chunkCount: number;
  /** The decode steps of a DECODE step. */
  k: number;
}

/**
 * A queue kept as an array read from `head` on: drops the entries already read once it is
 * empty, or once {@link COMPACT_AFTER} of them lead it and they are half of it. Returns the new head.
 */
function compactFifo<T>(items: T[], head: number): number {
  if (head === items.length) {
    // Setting the length of an array is a runtime call even when nothing changes: every step
    // of every replica comes here, mostly with the queue already empty.
    if (head > 0) items.length = 0;
    return 0;
  }
  if (head >= COMPACT_AFTER && 2 * head > items.length) {
    items.splice(0, head);
    return 0;
  }
  return head;
}

function heapPush(heap: Seq[], s: Seq): void {
  let i = heap.push(s) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]!.finishClock <= s.finishClock) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = s;
}

function heapPop(heap: Seq[]): Seq {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const c = l + 1 < heap.length && heap[l + 1]!.finishClock < heap[l]!.finishClock ? l + 1 : l;
      if (heap[c]!.finishClock >= last.finishClock) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
  }
  return top;
}

/** Inputs of {@link runEngine}. */
export interface EngineInput {
  readonly plan: CapacityPlan;
  readonly profile: StepTimeProfile;
  readonly targets: ReplayLatencyTargets;
  readonly trace: RequestTrace;
  readonly scaler: IReplayScaler;
  readonly delays: CapacityDelays;
  /** Replicas serving when the trace starts. */
  readonly initialReplicas: number;
  /**
   * Tokens one step may schedule (vLLM `--max-num-batched-tokens`).
   * @default MAX_BATCHED_TOKENS
   */
  readonly maxBatchedTokens?: number;
  /** Extra seconds simulated after the last arrival so in-flight requests finish. @default 600 */
  readonly drainSeconds?: number;
  /**
   * Replica-seconds are charged up to this time: the replay charges the trace's own window, so
   * the drain after its last arrival (when traffic stops only because the recording does) is
   * served but not billed to any policy or to the oracle.
   * @default - the end of the drain
   */
  readonly chargeUntilSeconds?: number;
  /**
   * Replica-seconds and scale events are counted from this time on: what runs before it is the
   * replay's warm-up pass (`ReplayWarmStart.PRIOR_PASS`).
   * @default 0
   */
  readonly measureFromSeconds?: number;
  /**
   * The server batches prompt chunks into the decode pass (`ModelServerProfile.mixesPrefillIntoDecode`):
   * a mixed step takes its roofline (`mixedStepSeconds`) instead of the decode step plus the chunk's prefill.
   * @default false
   */
  readonly mixedSteps?: boolean;
  /**
   * Study (not the default model): no change of the replica count is applied while a replica
   * is still starting, as when a SageMaker endpoint stays `Updating` until the capacity it was
   * asked for is `InService` and a scaling request meanwhile is refused. The replay otherwise
   * removes starting replicas first on a scale-in, as Kubernetes deletes not-ready pods first.
   * Each refusal is reported to the scaler (`IReplayScaler.refused`), so a stateful scaler does
   * not count it as done; the replay's SageMaker target tracking does, its HPA model does not.
   * @default false
   */
  readonly holdWhileStarting?: boolean;
}

/** `budget` if it is a step budget the engine can schedule (a whole number of tokens, at least 1); else StepBudgetInvalid. */
export function checkStepBudget(budget: number): number {
  if (!(Number.isInteger(budget) && budget >= 1)) {
    throw new InferenceConstructsError('StepBudgetInvalid', { prop: 'maxBatchedTokens', problem: 'the tokens one step may schedule (vLLM --max-num-batched-tokens) are not a whole number of at least 1', received: budget, allowed: `an integer >= 1 (vLLM's default is ${MAX_BATCHED_TOKENS})`, fix: `pass e.g. --max-batched-tokens ${MAX_BATCHED_TOKENS}, or leave it out` });
  }
  return budget;
}

/** Run the simulation. Deterministic: no clock, no randomness (the trace is the only input). */
export function runEngine(input: EngineInput): EngineResult {
  const { plan, profile, trace, scaler, delays } = input;
  const reqs = trace.requests;
  const n = reqs.length;
  const ttft = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const tpot = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const failed = new Uint8Array(n);
  const firstAt = new Float64Array(n);
  const conc = plan.concurrentSequences;
  const stepBudget = checkStepBudget(input.maxBatchedTokens ?? MAX_BATCHED_TOKENS);
  const kvCapacity = conc * plan.contextTokens;
  const end = trace.durationSeconds + (input.drainSeconds ?? 600);
  const seconds = Math.ceil(end) + 1;
  const obs = {
    promptTokens: new Array<number>(seconds).fill(0),
    generatedTokens: new Array<number>(seconds).fill(0),
    waiting: new Array<number>(seconds).fill(0),
    inFlight: new Array<number>(seconds).fill(0),
    kvUsage: new Array<number>(seconds).fill(0),
    ready: new Array<number>(seconds).fill(0),
  };
  let cumPrompt = 0;
  let cumGen = 0;
  // Every replica launched (charged at the end), and those not yet released, in launch order:
  // a released replica takes no request, step or scaling decision again.
  const launched: Replica[] = [];
  let replicas: Replica[] = [];
  let releasedSinceCompaction = false;
  const release = (r: Replica, at: number): void => {
    r.releasedAt = at;
    releasedSinceCompaction = true;
  };
  const held: number[] = []; // requests waiting at the router while no replica is ready
  let scaleEvents = 0;
  const measureFrom = input.measureFromSeconds ?? 0;

  const launch = (t: number, ready: boolean): void => {
    launched.push({
      launchedAt: t, readyAt: ready ? t : t + delays.startupSeconds, draining: false, releasedAt: Infinity,
      running: 0, prefilling: [], prefillHead: 0, prefillCtx: 0, clock: 0, decodingHeap: [], decodeCtx: 0,
      queue: [], queueHead: 0, busyUntil: t, step: StepKind.NONE, chunkSizes: [], chunkCount: 0, k: 0,
    });
    replicas.push(launched[launched.length - 1]!);
  };
  for (let i = 0; i < input.initialReplicas; i++) launch(0, true);
  let desired = input.initialReplicas;

  const serving = (r: Replica, t: number): boolean => !r.draining && r.readyAt <= t && r.releasedAt === Infinity;
  const queued = (r: Replica): number => r.queue.length - r.queueHead;
  const outstanding = (r: Replica): number => r.running + queued(r);

  const route = (req: number, t: number): void => {
    let best: Replica | undefined;
    for (const r of replicas) if (serving(r, t) && (best === undefined || outstanding(r) < outstanding(best))) best = r;
    if (best === undefined) held.push(req);
    else best.queue.push(req);
  };

  let nextArrivalIdx = 0;
  const nextArrivalTime = (): number => (nextArrivalIdx < n ? reqs[nextArrivalIdx].arrivalSeconds : Infinity);

  /** A sequence whose prompt is prefilled (its first token generated) joins the decoding batch. */
  const startDecoding = (r: Replica, s: Seq, outLeft: number, ctx: number): void => {
    s.finishClock = r.clock + outLeft;
    s.ctxOffset = ctx - r.clock;
    r.decodeCtx += ctx;
    heapPush(r.decodingHeap, s);
  };

  /** Plan and start one (macro) step on replica r at time t. */
  const startStep = (r: Replica, t: number, nextSample: number): void => {
    while (r.running < conc && r.queueHead < r.queue.length) {
      const q = r.queue[r.queueHead++]!;
      r.running++;
      r.prefilling.push({ req: q, prefillLeft: reqs[q].promptTokens, ctx: 0, finishClock: 0, ctxOffset: 0 });
    }
    r.queueHead = compactFifo(r.queue, r.queueHead);
    if (r.running === 0) {
      r.step = StepKind.NONE;
      return;
    }
    const decoding = r.decodingHeap.length;
    let budget = Math.max(0, stepBudget - decoding);
    const chunkSizes = r.chunkSizes;
    let chunkCount = 0;
    let chunkTokens = 0;
    for (let i = r.prefillHead; i < r.prefilling.length && budget > 0; i++) {
      const c = Math.min(r.prefilling[i]!.prefillLeft, budget);
      budget -= c;
      chunkTokens += c;
      chunkSizes[chunkCount++] = c;
    }
    r.chunkCount = chunkCount;
    const meanCtx = decoding > 0 ? r.decodeCtx / decoding : 0;
    if (chunkTokens > 0 || decoding === 0) {
      // Chunked prefill: one forward pass for the chunks and the decode tokens, its roofline
      // (mixedStepSeconds); otherwise the prefill adds to the decode step.
      const dt = input.mixedSteps === true
        ? mixedStepSeconds(profile, decoding, meanCtx, chunkTokens)
        : (decoding > 0 ? decodeStepSeconds(profile, decoding, meanCtx) : profile.fixedSecondsPerStep) + prefillSeconds(profile, chunkTokens);
      r.busyUntil = t + Math.max(dt, 1e-6);
      r.step = StepKind.PREFILL;
      return;
    }
    // Decode only: advance k identical steps at once, up to the first completion, the next
    // arrival (when a slot is free), or the next sample. Sequences still prefilling (the step's
    // token budget all taken by decode tokens) wait.
    let k = r.decodingHeap[0]!.finishClock - r.clock;
    const dt0 = decodeStepSeconds(profile, decoding, meanCtx);
    const horizon = Math.min(nextSample, r.running < conc ? nextArrivalTime() : Infinity);
    if (horizon < Infinity) k = Math.min(k, Math.max(1, Math.ceil((horizon - t) / dt0)));
    const dt = decodeStepSeconds(profile, decoding, meanCtx + (k - 1) / 2);
    r.busyUntil = t + k * dt;
    r.step = StepKind.DECODE;
    r.k = k;
  };

  /** Apply the step in progress on replica r, which ends now (at `r.busyUntil`). */
  const endStep = (r: Replica): void => {
    const doneAt = r.busyUntil;
    // The sequences decoding through the step generate one token each (k in a DECODE step).
    const k = r.step === StepKind.PREFILL ? 1 : r.k;
    const decoding = r.decodingHeap.length;
    r.clock += k;
    r.decodeCtx += k * decoding;
    cumGen += k * decoding;
    if (r.step === StepKind.PREFILL) {
      const sizes = r.chunkSizes;
      for (let i = 0; i < r.chunkCount; i++) {
        const s = r.prefilling[r.prefillHead + i]!;
        const c = sizes[i]!;
        s.prefillLeft -= c;
        s.ctx += c;
        r.prefillCtx += c;
        cumPrompt += c;
      }
      // Chunks go in admission order, so the prompts this step completed lead the queue. Each
      // step that completes a prompt emits its first token; the sequence decodes from the next.
      while (r.prefillHead < r.prefilling.length && r.prefilling[r.prefillHead]!.prefillLeft === 0) {
        const s = r.prefilling[r.prefillHead++]!;
        r.prefillCtx -= s.ctx;
        firstAt[s.req] = doneAt;
        ttft[s.req] = doneAt - reqs[s.req].arrivalSeconds;
        cumGen += 1;
        startDecoding(r, s, Math.max(1, reqs[s.req].outputTokens) - 1, s.ctx + 1);
      }
      r.prefillHead = compactFifo(r.prefilling, r.prefillHead);
    }
    r.step = StepKind.NONE;
    finish(r, doneAt);
  };

  /** Sequences that have generated their last token leave the batch. */
  const finish = (r: Replica, t: number): void => {
    const heap = r.decodingHeap;
    while (heap.length > 0 && heap[0]!.finishClock <= r.clock) {
      const s = heapPop(heap);
      r.decodeCtx -= r.clock + s.ctxOffset;
      r.running--;
      const out = Math.max(1, reqs[s.req].outputTokens);
      tpot[s.req] = out > 1 ? (t - firstAt[s.req]) / (out - 1) : 0;
    }
  };

  const sample = (sec: number, t: number): void => {
    let waiting = held.length;
    let inFlight = held.length;
    let kv = 0;
    let ready = 0;
    for (const r of replicas) {
      if (r.releasedAt !== Infinity || r.readyAt > t) continue;
      waiting += queued(r);
      inFlight += r.running + queued(r);
      if (!r.draining) ready++;
      kv += (r.decodeCtx + r.prefillCtx) / kvCapacity;
    }
    obs.promptTokens[sec] = cumPrompt;
    obs.generatedTokens[sec] = cumGen;
    obs.waiting[sec] = waiting;
    obs.inFlight[sec] = inFlight;
    obs.kvUsage[sec] = kv;
    obs.ready[sec] = ready;
  };

  const reconcile = (t: number, want: number): void => {
    const live = replicas.filter((r) => !r.draining && r.releasedAt === Infinity);
    if (want > live.length) {
      for (let i = live.length; i < want; i++) launch(t, false);
    } else if (want < live.length) {
      // Remove replicas still starting first (newest first), then the least loaded ready ones.
      const order = [...live].sort((a, b) => (b.readyAt > t ? 1 : 0) - (a.readyAt > t ? 1 : 0) || outstanding(a) - outstanding(b) || b.launchedAt - a.launchedAt);
      for (let i = 0; i < live.length - want; i++) {
        const r = order[i];
        r.draining = true;
        if (r.readyAt > t) release(r, t + delays.releaseSeconds);
      }
    }
  };

  let nextTick = scaler.periodSeconds;
  let nextSample = 0;
  let t = 0;
  for (;;) {
    // Next event.
    let next = Math.min(nextArrivalTime(), nextTick, nextSample);
    for (const r of replicas) {
      if (r.step !== StepKind.NONE) next = Math.min(next, r.busyUntil);
      else if (r.releasedAt === Infinity && r.readyAt > t) next = Math.min(next, r.readyAt);
    }
    if (next > end) break;
    t = next;
    // Steps that end now.
    for (const r of replicas) {
      if (r.step !== StepKind.NONE && r.busyUntil <= t) endStep(r);
    }
    // Replicas becoming ready take held requests.
    if (held.length > 0) {
      const waitingHere = held.splice(0, held.length);
      for (const q of waitingHere) route(q, t);
    }
    while (nextArrivalIdx < n && reqs[nextArrivalIdx].arrivalSeconds <= t) {
      const q = nextArrivalIdx++;
      // vLLM rejects a prompt longer than the context leaves for its output, and an empty one
      // ("The decoder prompt cannot be empty", tests/entrypoints/llm/test_prompt_validation.py).
      if (reqs[q].promptTokens === 0 || reqs[q].promptTokens + Math.max(1, reqs[q].outputTokens) > plan.contextTokens) failed[q] = 1;
      else route(q, t);
    }
    if (t >= nextSample) {
      sample(Math.round(nextSample), t);
      nextSample += SAMPLE_SECONDS;
    }
    if (t >= nextTick) {
      const liveReplicas = replicas.filter((r) => !r.draining && r.releasedAt === Infinity);
      const want = scaler.desired(t, desired, obs);
      // While capacity is still starting, a scaler that must wait for it takes no decision: the
      // change is refused and asked again at the next evaluation.
      const refused = input.holdWhileStarting === true && want !== desired && liveReplicas.some((r) => r.readyAt > t);
      if (refused) scaler.refused?.(t);
      else {
        if (want !== desired && t >= measureFrom) scaleEvents++;
        desired = want;
        if (want !== liveReplicas.length) reconcile(t, want);
      }
      nextTick += scaler.periodSeconds;
    }
    // Drained replicas are released; idle replicas start their next step.
    for (const r of replicas) {
      if (r.draining && r.releasedAt === Infinity && r.step === StepKind.NONE && r.running === 0 && queued(r) === 0) {
        release(r, t + delays.releaseSeconds);
      }
      if (r.step === StepKind.NONE && r.releasedAt === Infinity && r.readyAt <= t) startStep(r, t, nextSample);
    }
    if (releasedSinceCompaction) {
      replicas = replicas.filter((r) => r.releasedAt === Infinity);
      releasedSinceCompaction = false;
    }
  }

  let replicaSeconds = 0;
  const minutes = Math.ceil(end / 60);
  const replicasPerMinute = new Array<number>(minutes).fill(0);
  const chargeUntil = Math.min(end, input.chargeUntilSeconds ?? end);
  for (const r of launched) {
    const stop = Math.min(end, r.releasedAt);
    replicaSeconds += Math.max(0, Math.min(chargeUntil, stop) - Math.max(measureFrom, r.launchedAt));
    for (let m = Math.floor(r.launchedAt / 60); m < minutes && m * 60 < stop; m++) {
      const a = Math.max(r.launchedAt, m * 60);
      const b = Math.min(stop, (m + 1) * 60);
      replicasPerMinute[m] += Math.max(0, b - a) / 60;
    }
  }
  return { ttft, tpot, failed, replicaSeconds, scaleEvents, replicasPerMinute, observations: obs, endSeconds: end };
}
