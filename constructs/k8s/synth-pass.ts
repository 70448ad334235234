/**
 * Synth-time checks computed once per synth.
 *
 * cdk8s validates the whole app once in `App.synth()` and again for every chart it writes
 * (`Chart.toJson()` calls `App._synthChart`, which runs `validate(app)`: cdk8s 2.70, lib/app.ts),
 * so an app of N charts runs every check N + 1 times, each serializing every object it reads.
 * Inside one `App.synth()` no caller code runs between those passes, so every pass sees the same
 * objects: {@link SynthPass.run} lets a check compute its result on the first pass and return it
 * on the others. Outside `SynthPass.run` (a `chart.toJson()` while the app is still being built,
 * a test) every call computes afresh, since the objects may change in between.
 */

/** What a check returned or threw on the first pass. */
interface Outcome {
  readonly value?: unknown;
  readonly error?: unknown;
  readonly threw: boolean;
}

/** Internal: not exported from the package. */
export class SynthPass {
  /** The outcomes of the checks of the synth in progress, by check; undefined outside one. */
  private static outcomes: Map<object, Outcome> | undefined;

  /**
   * Run `synth` (e.g. `() => app.synth()`, or several `chart.toJson()` calls between which no
   * chart changes) with each check's result computed once. Nested runs share the outer run's
   * results.
   */
  public static run<T>(synth: () => T): T {
    if (SynthPass.outcomes !== undefined) return synth();
    SynthPass.outcomes = new Map();
    try {
      return synth();
    } finally {
      SynthPass.outcomes = undefined;
    }
  }

  /**
   * The check's result: computed once per {@link SynthPass.run} for `key` (an error it throws is
   * thrown again on later passes), on every call outside one.
   */
  public static once<T>(key: object, check: () => T): T {
    const outcomes = SynthPass.outcomes;
    if (outcomes === undefined) return check();
    const known = outcomes.get(key);
    if (known !== undefined) {
      if (known.threw) throw known.error;
      return known.value as T;
    }
    try {
      const value = check();
      outcomes.set(key, { value, threw: false });
      return value;
    } catch (error) {
      outcomes.set(key, { error, threw: true });
      throw error;
    }
  }

  private constructor() {}
}
