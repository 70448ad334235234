import { describe, expect, test } from 'vitest';
import { ERROR_CODES, InferenceConstructsError, describeValue, isInferenceConstructsError } from '../../lib/errors.js';

describe('InferenceConstructsError', () => {
  const err = new InferenceConstructsError('MinAboveMax', {
    prop: 'scaling.minReplicas',
    problem: 'minReplicas is greater than maxReplicas',
    received: 5,
    allowed: 'an integer from 0 to maxReplicas (2)',
    fix: 'lower minReplicas or raise maxReplicas',
  });

  test('formats code, prop, problem, received, allowed and fix in one line', () => {
    expect(err.message).toBe(
      '[MinAboveMax] scaling.minReplicas: minReplicas is greater than maxReplicas; received 5; allowed: an integer from 0 to maxReplicas (2); fix: lower minReplicas or raise maxReplicas',
    );
    expect(err.message).not.toContain('\n');
    expect(err.message.endsWith('.')).toBe(false);
  });

  test('keeps each detail as a field', () => {
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('InferenceConstructsError');
    expect(err).toMatchObject({ code: 'MinAboveMax', prop: 'scaling.minReplicas', received: 5, fix: 'lower minReplicas or raise maxReplicas' });
  });

  test('is matched by code in tests and by the type guard', () => {
    expect(() => {
      throw err;
    }).toThrow(/\[MinAboveMax\]/);
    expect(isInferenceConstructsError(err)).toBe(true);
    expect(isInferenceConstructsError(err, 'MinAboveMax')).toBe(true);
    expect(isInferenceConstructsError(err, 'ReplicasInvalid')).toBe(false);
    expect(isInferenceConstructsError(new Error('x'))).toBe(false);
  });

  test('joins a list of allowed values and shortens long lists', () => {
    const short = new InferenceConstructsError('PrecisionUnsupported', { prop: 'precision', problem: 'p', received: 'fp4', allowed: ['bf16', 'fp8', 1], fix: 'use bf16' });
    expect(short.message).toContain('allowed: bf16, fp8, 1;');
    const long = new InferenceConstructsError('InstanceTypeUnknown', {
      prop: 'instanceType',
      problem: 'p',
      received: 'x',
      allowed: Array.from({ length: 30 }, (_, i) => `t${i}`),
      fix: 'pick one',
    });
    expect(long.allowed).toMatch(/t24, \.\.\. \(30 in all\)$/);
  });
});

describe('describeValue', () => {
  test.each([
    ['text', '"text"'],
    [3, '3'],
    [true, 'true'],
    [null, 'null'],
    [undefined, 'undefined'],
    [Number.NaN, 'NaN'],
    [{ a: 1 }, '{"a":1}'],
    [['a', 2], '["a",2]'],
  ])('renders %s as %s', (value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });

  test('cuts long objects to 200 characters', () => {
    const shown = describeValue({ long: 'x'.repeat(500) });
    expect(shown).toHaveLength(200);
    expect(shown.endsWith('...')).toBe(true);
  });
});

describe('ERROR_CODES', () => {
  test('every code has a lower-case one-line meaning without a trailing period', () => {
    for (const [code, meaning] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(meaning).toMatch(/^[a-z]/);
      expect(meaning.endsWith('.')).toBe(false);
      expect(meaning).not.toContain('\n');
    }
  });

  test('meanings are distinct', () => {
    const meanings = Object.values(ERROR_CODES);
    expect(new Set(meanings).size).toBe(meanings.length);
  });
});
