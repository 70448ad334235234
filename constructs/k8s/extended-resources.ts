/**
 * The one place for what a pod spec rendered as plain JSON needs beside its containers:
 * extended resources (accelerators) as whole-device counts.
 */
import { InferenceConstructsError } from '../../lib/errors.js';

/**
 * The `{ [resourceName]: count }` entry of a container's requests and limits, for pod specs
 * rendered as plain JSON (requests must equal limits for extended resources); throws
 * DeviceCountInvalid unless `count` is a whole number of devices.
 * @see https://kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/
 */
export function extendedResourceQuantity(resourceName: string, count: number): { [name: string]: number } {
  if (!Number.isInteger(count) || count < 1) {
    throw new InferenceConstructsError('DeviceCountInvalid', {
      prop: `resources.limits["${resourceName}"]`,
      problem: 'an extended resource is requested in whole devices',
      received: count,
      allowed: 'a positive integer',
      fix: 'request whole devices (chips or GPUs)',
    });
  }
  return { [resourceName]: count };
}
