/**
 * Reading CloudFormation templates for the rules (internal to `lib/rules/`): intrinsic
 * functions rendered as readable placeholders, the Kubernetes manifests inside EKS custom
 * resources, and the AMP scraper's scrape interval.
 */
import { asArray, asRecord, get, isObject, parseDurationSeconds, type Json, type LocatedObject } from './k8s-objects.js';
import { INSTANCE_TYPES } from '../accelerators.js';
import type { ExternalPool, StackScrapeInterval } from './rule.js';

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

/** CloudFormation taint effects (AWS::EKS::Nodegroup Taint.Effect) as Kubernetes writes them. */
const NODEGROUP_TAINT_EFFECT: Record<string, string> = { NO_SCHEDULE: 'NoSchedule', NO_EXECUTE: 'NoExecute', PREFER_NO_SCHEDULE: 'PreferNoSchedule' };

/**
 * Managed node groups of a template as pools for IC-K8S-012: their labels, taints, and per
 * extended resource `ScalingConfig.MaxSize` x the devices of the instance type (from the
 * accelerator catalogue; node groups of instance types the catalogue does not know have no limit).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-nodegroup.html
 */
export function nodegroupPools(template: unknown, stack: string | undefined): ExternalPool[] {
  const out: ExternalPool[] = [];
  for (const [logicalId, res] of Object.entries(resourcesOf(template))) {
    if (res.Type !== 'AWS::EKS::Nodegroup') continue;
    const p = asRecord(res.Properties);
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(asRecord(p.Labels))) if (typeof v === 'string') labels[k] = v;
    const taints = asArray(p.Taints)
      .filter(isObject)
      .map((t) => ({ key: String(t.Key), ...(t.Value !== undefined ? { value: String(t.Value) } : {}), effect: NODEGROUP_TAINT_EFFECT[String(t.Effect)] ?? String(t.Effect) }));
    const max = get(p, 'ScalingConfig', 'MaxSize');
    const types = asArray(p.InstanceTypes).map(String);
    const limits: Record<string, number> = {};
    const rows = types.map((t) => INSTANCE_TYPES.find((r) => r.name === t));
    if (typeof max === 'number' && rows.length > 0 && rows.every((r) => r !== undefined)) {
      const resource = rows[0]!.kubernetes.resourceName;
      if (rows.every((r) => r!.kubernetes.resourceName === resource)) limits[resource] = max * Math.max(...rows.map((r) => r!.devicesPerNode));
    }
    out.push({ name: `Nodegroup ${logicalId}`, labels, taints, limits, ...(stack !== undefined ? { stack } : {}) });
  }
  return out;
}
