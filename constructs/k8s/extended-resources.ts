/**
 * The one place for what cdk8s-plus cannot express on a pod template: extended resources
 * (accelerators) and the node selector, as values for pod specs rendered as plain JSON or as
 * JSON patches on a rendered object.
 *
 * cdk8s-plus-28 `ContainerResources` has only cpu, memory and ephemeral storage, and no
 * nodeSelector API. Both are added as JSON patches on the rendered object. The accelerator
 * count must be a `Quantity`: a plain number in a patch is silently dropped.
 *
 * @see https://github.com/cdk8s-team/cdk8s-plus/blob/k8s-28/main/src/container.ts (ContainerResources: cpu, memory, ephemeralStorage)
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { Quantity } from 'cdk8s-plus-28/lib/imports/k8s.js';
import { InferenceConstructsError } from '../../lib/errors.js';

/** Pod-spec path of a Deployment's pod template. */
export const DEPLOYMENT_POD_SPEC_PATH = '/spec/template/spec';
/** Pod-spec path of a LeaderWorkerSet's leader pod template. */
export const LWS_LEADER_POD_SPEC_PATH = '/spec/leaderWorkerTemplate/leaderTemplate/spec';
/** Pod-spec path of a LeaderWorkerSet's worker pod template. */
export const LWS_WORKER_POD_SPEC_PATH = '/spec/leaderWorkerTemplate/workerTemplate/spec';

/** Escape a key for a JSON pointer (RFC 6901): `~` as `~0`, `/` as `~1`. */
export function jsonPointerKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Request an extended resource (e.g. `aws.amazon.com/neuron`, `nvidia.com/gpu`, `google.com/tpu`)
 * for one container, with requests equal to limits as Kubernetes requires for extended resources.
 *
 * The container must already render `resources.requests` and `resources.limits` objects
 * (cdk8s-plus always does; the LeaderWorkerSet templates of this library do too).
 *
 * @param obj the rendered object (a cdk8s-plus workload or a generated binding)
 * @param podSpecPath JSON pointer of the pod spec, e.g. {@link DEPLOYMENT_POD_SPEC_PATH}
 * @param containerIndex index of the container in `containers`
 * @param resourceName extended resource name
 * @param count whole devices (a positive integer)
 * @see https://kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/
 */
export function addExtendedResource(
  obj: ApiObject,
  podSpecPath: string,
  containerIndex: number,
  resourceName: string,
  count: number,
): void {
  extendedResourceQuantity(resourceName, count);
  const base = `${podSpecPath}/containers/${containerIndex}/resources`;
  const key = jsonPointerKey(resourceName);
  obj.addJsonPatch(JsonPatch.add(`${base}/limits/${key}`, Quantity.fromNumber(count)));
  obj.addJsonPatch(JsonPatch.add(`${base}/requests/${key}`, Quantity.fromNumber(count)));
}

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

/** A node selector with its keys sorted, so output is stable. */
export function sortedSelector(selector: Readonly<Record<string, string>>): { [key: string]: string } {
  return Object.fromEntries(Object.entries(selector).sort(([a], [b]) => a.localeCompare(b)));
}

/** Set the pod's `nodeSelector` (keys sorted, so output is stable). */
export function setNodeSelector(obj: ApiObject, podSpecPath: string, selector: Readonly<Record<string, string>>): void {
  obj.addJsonPatch(JsonPatch.add(`${podSpecPath}/nodeSelector`, sortedSelector(selector)));
}
