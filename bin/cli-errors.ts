/**
 * How the command-line tools (`npm run simulate`, `npm run calibrate`) end on a bad flag, trace
 * or record: one line on stderr, `<tool>: [Code] prop: problem; received ...; allowed ...; fix ...`,
 * and exit status 1. Anything else is a bug and keeps its stack.
 */
import { isInferenceConstructsError } from '../lib/errors.js';

/** Where a tool writes its report line (process.stderr, or a buffer in tests). */
export interface TextSink {
  write(text: string): unknown;
}

/** Runs `body`; 0 when it returns, 1 (and one line on `stderr`) when it throws an error of this library. */
export function reportingErrors(tool: string, stderr: TextSink, body: () => void): number {
  try {
    body();
    return 0;
  } catch (e) {
    if (!isInferenceConstructsError(e)) throw e;
    stderr.write(`${tool}: ${e.message}\n`);
    return 1;
  }
}
