/**
 * Test helper: assert that a call throws InferenceConstructsError with the given code, and that
 * the message names the prop, shows the received value, and carries a fix.
 */
import { expect } from 'vitest';
import { InferenceConstructsError, describeValue } from '../../lib/errors.js';

export function expectError(fn: () => unknown, code: string, prop: string, received: unknown): InferenceConstructsError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected [${code}] to be thrown`).toBeInstanceOf(InferenceConstructsError);
  const err = caught as InferenceConstructsError;
  expect(err.message).toMatch(new RegExp(`^\\[${code}\\] `));
  expect(err.code).toBe(code);
  expect(err.prop).toBe(prop);
  expect(err.message).toContain(`] ${prop}: `);
  expect(err.message).toContain(`received ${describeValue(received)}`);
  expect(err.fix.length).toBeGreaterThan(10);
  expect(err.message).toContain(`; fix: ${err.fix}`);
  return err;
}
