/** Volume mounts and volumes of a pod template (internal to `lib/rules/`). */
import { asArray, get, isObject, type ContainerRef, type Json, type PodTemplate } from './k8s-objects.js';

/** Volume sources that are always mounted read-only by the kubelet. */
const READ_ONLY_SOURCES = ['configMap', 'secret', 'downwardAPI', 'projected'];

/** The mount of a container that holds a path (the longest matching mountPath), with its volume. */
export function mountFor(t: PodTemplate, c: ContainerRef, path: string): { mount: Json; volume: Json | undefined; writable: boolean } | undefined {
  let best: Json | undefined;
  for (const m of asArray(c.container.volumeMounts)) {
    if (!isObject(m) || typeof m.mountPath !== 'string') continue;
    const mp = m.mountPath.replace(/\/+$/, '') || '/';
    if (path === mp || path.startsWith(mp === '/' ? '/' : `${mp}/`)) {
      if (!best || String(m.mountPath).length > String(best.mountPath).length) best = m;
    }
  }
  if (!best) return undefined;
  const volume = asArray(t.spec.volumes).find((v): v is Json => isObject(v) && v.name === best!.name);
  const writable = best.readOnly !== true && !(volume && READ_ONLY_SOURCES.some((s) => s in volume));
  return { mount: best, volume, writable };
}

/** True when the container's root filesystem is read-only. */
export function readOnlyRoot(c: ContainerRef): boolean {
  return get(c.container, 'securityContext', 'readOnlyRootFilesystem') === true;
}

/** True when the path is writable in the container (a writable mount, or a writable root filesystem). */
export function writablePath(t: PodTemplate, c: ContainerRef, path: string): boolean {
  const m = mountFor(t, c, path);
  if (m) return m.writable;
  return !readOnlyRoot(c);
}
