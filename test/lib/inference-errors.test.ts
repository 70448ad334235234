/**
 * InferenceErrors: the jsii-visible way to recognise this library's errors and read their code
 * (after aws-cdk-lib's `Errors.isValidationError`, aws-cdk-lib/core/lib/errors.ts), including from
 * the message alone, which is all a Python or Java caller receives.
 */
import { describe, expect, test } from 'vitest';
import { ERROR_CODES, InferenceConstructsError, InferenceErrors } from '../../lib/errors.js';

const err = new InferenceConstructsError('MinAboveMax', {
  prop: 'scaling.minReplicas',
  problem: 'minReplicas is greater than maxReplicas',
  received: 5,
  allowed: 'an integer from 0 to maxReplicas (2)',
  fix: 'lower minReplicas or raise maxReplicas',
});

describe('InferenceErrors', () => {
  test('recognises an error of this library, with and without a code', () => {
    expect(InferenceErrors.isInferenceError(err)).toBe(true);
    expect(InferenceErrors.isInferenceError(err, 'MinAboveMax')).toBe(true);
    expect(InferenceErrors.isInferenceError(err, 'ModelDoesNotFit')).toBe(false);
  });

  test('rejects other errors and non-errors', () => {
    expect(InferenceErrors.isInferenceError(new Error('[MinAboveMax] looks alike'))).toBe(false);
    expect(InferenceErrors.isInferenceError(undefined)).toBe(false);
    expect(InferenceErrors.isInferenceError({ name: 'InferenceConstructsError', code: 'MinAboveMax' })).toBe(false);
    expect(InferenceErrors.codeOf(new TypeError('x'))).toBeUndefined();
  });

  test('recognises an error from a second copy of the library (same name, known code)', () => {
    const copy = Object.assign(new Error(err.message), { name: 'InferenceConstructsError', code: 'MinAboveMax' });
    expect(InferenceErrors.isInferenceError(copy, 'MinAboveMax')).toBe(true);
    const unknownCode = Object.assign(new Error('x'), { name: 'InferenceConstructsError', code: 'NoSuchCode' });
    expect(InferenceErrors.isInferenceError(unknownCode)).toBe(false);
  });

  test('reads the code from the message as other languages print it', () => {
    expect(InferenceErrors.codeOf(err)).toBe('MinAboveMax');
    expect(InferenceErrors.codeOf(err.message)).toBe('MinAboveMax');
    expect(InferenceErrors.codeOf(`Error: ${err.message}`)).toBe('MinAboveMax');
    expect(InferenceErrors.codeOf(`RuntimeError: ${err.message}`)).toBe('MinAboveMax');
    expect(InferenceErrors.codeOf('[NoSuchCode] x: y')).toBeUndefined();
    expect(InferenceErrors.codeOf('no code here')).toBeUndefined();
  });

  test('lists and describes every code of ERROR_CODES', () => {
    expect(InferenceErrors.codes()).toEqual(Object.keys(ERROR_CODES).sort());
    expect(InferenceErrors.describe('MinAboveMax')).toBe(ERROR_CODES.MinAboveMax);
    expect(() => InferenceErrors.describe('NoSuchCode')).toThrow(/unknown error code "NoSuchCode"/);
  });
});
