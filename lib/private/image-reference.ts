/**
 * Reading a container image reference (`registry[:port]/path:tag` or `...@sha256:digest`):
 * its tag, and whether it resolves to `latest`. Shared by the model-server profile checks and the
 * rule pack's pinned-image rules.
 */

/**
 * The tag of an image reference: `undefined` when it has none, `null` when it is pinned by digest.
 * The tag follows the last `:` after the last `/` (a `:` before it is a registry port).
 */
export function imageTag(image: string): string | undefined | null {
  if (image.includes('@')) return null;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : undefined;
}

/** True when an image reference resolves to `latest` (explicitly, or by naming no tag or digest). */
export function isLatestImage(image: string): boolean {
  const tag = imageTag(image);
  return tag === undefined || tag === 'latest';
}
