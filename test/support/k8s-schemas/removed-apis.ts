/**
 * API versions that kubernetes-models still ships but the Kubernetes API server no longer
 * serves, from the deprecation guide
 * https://kubernetes.io/docs/reference/using-api/deprecation-guide/ (release that removed them).
 * An object in one of these versions cannot be applied to a supported cluster, so the validator
 * rejects it even though kubernetes-models has a schema for it.
 */

/** Whole group/versions removed, with the Kubernetes release that stopped serving them. */
const REMOVED_GROUP_VERSIONS: Readonly<Record<string, string>> = {
  'apps/v1beta1': '1.16',
  'apps/v1beta2': '1.16',
  'extensions/v1beta1': '1.22',
  'apiextensions.k8s.io/v1beta1': '1.22',
  'apiregistration.k8s.io/v1beta1': '1.22',
  'authorization.k8s.io/v1beta1': '1.22',
  'rbac.authorization.k8s.io/v1beta1': '1.22',
  'scheduling.k8s.io/v1beta1': '1.22',
  'autoscaling/v2beta1': '1.25',
  'batch/v1beta1': '1.25',
  'discovery.k8s.io/v1beta1': '1.25',
  'events.k8s.io/v1beta1': '1.25',
  'node.k8s.io/v1beta1': '1.25',
  'policy/v1beta1': '1.25',
  'autoscaling/v2beta2': '1.26',
  'flowcontrol.apiserver.k8s.io/v1beta1': '1.26',
  'flowcontrol.apiserver.k8s.io/v1beta2': '1.29',
  'flowcontrol.apiserver.k8s.io/v1beta3': '1.32',
};

/** Single kinds removed from group/versions that still serve other kinds. */
const REMOVED_KINDS: Readonly<Record<string, string>> = {
  'admissionregistration.k8s.io/v1beta1/MutatingWebhookConfiguration': '1.22',
  'admissionregistration.k8s.io/v1beta1/ValidatingWebhookConfiguration': '1.22',
  'authentication.k8s.io/v1beta1/TokenReview': '1.22',
  'certificates.k8s.io/v1beta1/CertificateSigningRequest': '1.22',
  'coordination.k8s.io/v1beta1/Lease': '1.22',
  'networking.k8s.io/v1beta1/Ingress': '1.22',
  'networking.k8s.io/v1beta1/IngressClass': '1.22',
  'storage.k8s.io/v1beta1/CSIDriver': '1.22',
  'storage.k8s.io/v1beta1/CSINode': '1.22',
  'storage.k8s.io/v1beta1/StorageClass': '1.22',
  'storage.k8s.io/v1beta1/VolumeAttachment': '1.22',
  'storage.k8s.io/v1beta1/CSIStorageCapacity': '1.27',
};

/** The Kubernetes release that removed `apiVersion`/`kind`, or undefined while it is served. */
export function removedIn(apiVersion: string, kind: string): string | undefined {
  return REMOVED_KINDS[`${apiVersion}/${kind}`] ?? REMOVED_GROUP_VERSIONS[apiVersion];
}
