/**
 * Reading CloudFormation templates for the rules (internal to `lib/rules/`): intrinsic
 * functions rendered as readable placeholders, the Kubernetes manifests inside EKS custom
 * resources, and the AMP scraper's scrape interval.
 */
import { asArray, asRecord, get, isObject, parseDurationSeconds, type Json, type LocatedObject } from './k8s-objects.js';
import type { StackScrapeInterval } from './rule.js';

/** Custom resource types aws-eks / aws-eks-v2 use for `KubernetesManifest` (and `addCdk8sChart`). */
export const EKS_MANIFEST_RESOURCE_TYPES = ['Custom::AWSCDK-EKS-KubernetesResource'];

/**
 * Render a template value as a string: literals as they are, `Fn::Join` joined, `Ref` and
 * `Fn::GetAtt` as `${Ref:X}` / `${X.Attr}`, other intrinsics as `${Fn::...}`. The placeholders
 * contain no quotes, so a JSON manifest built with `Fn::Join` stays parseable.
 */
export function renderValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isObject(v)) {
    if ('Fn::Join' in v) {
      const [sep, parts] = asArray(v['Fn::Join']);
      return asArray(parts).map(renderValue).join(typeof sep === 'string' ? sep : '');
    }
    if ('Ref' in v) return `\${Ref:${String(v.Ref)}}`;
    if ('Fn::GetAtt' in v) {
      const a = v['Fn::GetAtt'];
      return `\${${Array.isArray(a) ? a.join('.') : String(a)}}`;
    }
    if ('Fn::Base64' in v) return renderValue(v['Fn::Base64']);
    if ('Fn::Sub' in v) {
      const s = v['Fn::Sub'];
      return typeof s === 'string' ? s : renderValue(asArray(s)[0]);
    }
    return `\${${Object.keys(v)[0] ?? 'Token'}}`;
  }
  return '';
}

/** Logical ids a value refers to (Ref, Fn::GetAtt), anywhere inside it. */
export function referencedIds(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => referencedIds(x, out));
  else if (isObject(v)) {
    if (typeof v.Ref === 'string') out.add(v.Ref);
    const ga = v['Fn::GetAtt'];
    if (Array.isArray(ga) && typeof ga[0] === 'string') out.add(ga[0]);
    if (typeof ga === 'string') out.add(ga.split('.')[0]!);
    for (const x of Object.values(v)) referencedIds(x, out);
  }
  return out;
}

export function resourcesOf(template: unknown): Record<string, Json> {
  const r = asRecord(get(template, 'Resources'));
  const out: Record<string, Json> = {};
  for (const [id, res] of Object.entries(r)) if (isObject(res)) out[id] = res;
  return out;
}

/** The Kubernetes objects inside a template's EKS manifest resources, located at their resource. */
export function manifestsInTemplate(template: unknown, stack: string | undefined): { objects: LocatedObject[]; unreadable: string[] } {
  const objects: LocatedObject[] = [];
  const unreadable: string[] = [];
  for (const [logicalId, res] of Object.entries(resourcesOf(template))) {
    if (!EKS_MANIFEST_RESOURCE_TYPES.includes(String(res.Type))) continue;
    const raw = get(res, 'Properties', 'Manifest');
    let parsed: unknown;
    try {
      parsed = JSON.parse(renderValue(raw));
    } catch {
      unreadable.push(logicalId);
      continue;
    }
    for (const o of asArray(parsed)) {
      if (isObject(o)) objects.push({ object: o, ...(stack !== undefined ? { stack } : {}), logicalId, origin: `${stack !== undefined ? `stack ${stack} ` : ''}resource ${logicalId}` });
    }
  }
  return { objects, unreadable };
}

/**
 * The scrape interval of each `AWS::APS::Scraper` (the longest `scrape_interval` in its
 * configuration, global or per job), for the pods of this stack's cluster that are scraped
 * through annotations.
 */
export function scraperIntervals(template: unknown, stack: string | undefined): StackScrapeInterval[] {
  const out: StackScrapeInterval[] = [];
  for (const [logicalId, res] of Object.entries(resourcesOf(template))) {
    if (res.Type !== 'AWS::APS::Scraper') continue;
    const blob = renderValue(get(res, 'Properties', 'ScrapeConfiguration', 'ConfigurationBlob'));
    const intervals = [...blob.matchAll(/^\s*scrape_interval:\s*["']?([0-9a-z.]+)["']?\s*$/gm)].map((m) => parseDurationSeconds(m[1])).filter((n) => Number.isFinite(n));
    if (intervals.length === 0) continue;
    out.push({ ...(stack !== undefined ? { stack } : {}), seconds: Math.max(...intervals), from: `AWS::APS::Scraper ${logicalId} scrape_interval ${Math.max(...intervals)}s` });
  }
  return out;
}
