/**
 * Guards against CDK tokens where a value must be known at synthesis.
 *
 * A token (`Token.asNumber(...)`, a `CfnParameter`, an attribute of another resource) is only a
 * placeholder at synthesis: a number token is a huge negative double (e.g. `-1.888e+289`) and a
 * string token reads `${Token[...]}`. Props that size the capacity plan, pick the catalogue row
 * or are checked against a service limit cannot be resolved later, so they are rejected with a
 * message that names the prop, instead of a range error that shows the placeholder.
 *
 * @see https://docs.aws.amazon.com/cdk/v2/guide/tokens.html
 */
import { Token } from 'aws-cdk-lib';
import { InferenceConstructsError } from '../../lib/errors.js';

/** Throw TokenNotSupported when `value` is an unresolved token. */
export function rejectToken(value: unknown, prop: string, why: string, example: string): void {
  if (value === undefined || value === null) return;
  if (!Token.isUnresolved(value)) return;
  throw new InferenceConstructsError('TokenNotSupported', {
    prop,
    problem: `${prop} cannot be a token because ${why}`,
    received: '(unresolved token)',
    allowed: 'a literal value known at synthesis',
    fix: `pass a literal, e.g. ${example}`,
  });
}

/**
 * Throw TokenNotSupported when any number or string field of `options` (one level, plus nested
 * plain objects) is an unresolved token.
 */
export function rejectTokensIn(options: object | undefined, prefix: string, why: string): void {
  if (options === undefined) return;
  for (const [key, value] of Object.entries(options)) {
    const prop = `${prefix}.${key}`;
    if (typeof value === 'number' || typeof value === 'string') {
      rejectToken(value, prop, why, typeof value === 'number' ? 'a number' : 'a string');
    } else if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
      rejectTokensIn(value, prop, why);
    }
  }
}

/** Why planning and scaling props must be literals. */
export const SIZES_THE_PLAN = 'it sizes the capacity plan (memory, replicas, scaling targets) at synthesis';
/** Why an instance type must be a literal. */
export const PICKS_THE_CATALOGUE_ROW =
  'the instance type selects the accelerator catalogue row (devices, memory, image, AMI) at synthesis';
