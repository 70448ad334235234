/**
 * IC-K8S-008: a rate window in a scaler's PromQL query spans at least four scrape intervals of
 * the backend that scrapes the workload.
 *
 * `rate()` needs two samples in its window and extrapolates from them; with fewer than four
 * scrapes per window one missed scrape empties or skews the rate ("use a range at least four times
 * the scrape interval", Robust Perception, "What range should I use with rate()?"). The interval is
 * read from the PodMonitor / ServiceMonitor / PodMonitoring that selects the workload's pods, or,
 * for pods scraped through `prometheus.io/scrape` annotations, from the stack's
 * `AWS::APS::Scraper` configuration (or the interval the caller declares). Without a known
 * interval the rule does not guess.
 */
import { MIN_SCRAPES_PER_RATE_WINDOW } from '../platforms.js';
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { asArray, asRecord, get, kindOf, locate, nameOf, namespaceOf, parseDurationSeconds, podTemplates, selectorMatches, targetOf, type LocatedObject } from './k8s-objects.js';
import type { KubernetesRule, KubernetesRuleInput } from './rule.js';


/** Range functions whose window is checked, and the window of each `f(...[N])` in a query. */
const RANGE_SELECTOR = /\b(rate|irate|increase)\s*\((?:[^()[\]]|\([^()]*\))*\[(\d+(?:ms|s|m|h|d|w|y))(?::[^\]]*)?\]/g;

function windowSeconds(v: string): number {
  const m = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(v)!;
  const n = Number(m[1]);
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  return n * unit[m[2]!]!;
}

/** The longest scrape interval any monitor or scraper applies to the pods of a workload, with where it was read. */
function scrapeInterval(w: LocatedObject, input: KubernetesRuleInput): { seconds: number; from: string } | undefined {
  const ns = namespaceOf(w) ?? 'default';
  const podLabels = podTemplates(w).map((t) => asRecord(t.metadata.labels));
  const podAnnotations = podTemplates(w).map((t) => asRecord(t.metadata.annotations));
  const found: { seconds: number; from: string }[] = [];
  for (const m of input.objects) {
    const k = kindOf(m);
    const api = String(m.object.apiVersion ?? '');
    let endpoints: unknown[] = [];
    let selects = false;
    if (k === 'PodMonitor' && api.startsWith('monitoring.coreos.com/')) {
      endpoints = asArray(get(m.object, 'spec', 'podMetricsEndpoints'));
      selects = podLabels.some((l) => selectorMatches(get(m.object, 'spec', 'selector'), l));
    } else if (k === 'PodMonitoring' && api.startsWith('monitoring.googleapis.com/')) {
      endpoints = asArray(get(m.object, 'spec', 'endpoints'));
      selects = podLabels.some((l) => selectorMatches(get(m.object, 'spec', 'selector'), l));
    } else if (k === 'ServiceMonitor' && api.startsWith('monitoring.coreos.com/')) {
      endpoints = asArray(get(m.object, 'spec', 'endpoints'));
      const services = input.objects.filter((s) => kindOf(s) === 'Service' && (namespaceOf(s) ?? 'default') === (namespaceOf(m) ?? 'default') && selectorMatches(get(m.object, 'spec', 'selector'), asRecord(get(s.object, 'metadata', 'labels'))));
      selects = services.some((s) => podLabels.some((l) => { const sel = asRecord(get(s.object, 'spec', 'selector')); return Object.keys(sel).length > 0 && Object.entries(sel).every(([a, b]) => l[a] === b); }));
    } else continue;
    if (!selects) continue;
    const monitorNs = namespaceOf(m) ?? 'default';
    const anyNs = get(m.object, 'spec', 'namespaceSelector', 'any') === true || asArray(get(m.object, 'spec', 'namespaceSelector', 'matchNames')).includes(ns);
    if (monitorNs !== ns && !anyNs) continue;
    for (const e of endpoints) {
      const s = parseDurationSeconds(get(e, 'interval'));
      if (Number.isFinite(s)) found.push({ seconds: s, from: `${k} ${nameOf(m)} interval ${String(get(e, 'interval'))}` });
    }
  }
  if (podAnnotations.some((a) => a['prometheus.io/scrape'] === 'true')) {
    const scraper = input.scrapeIntervals.find((s) => s.stack !== undefined && s.stack === w.stack);
    if (scraper) found.push({ seconds: scraper.seconds, from: scraper.from });
    else if (input.annotationScrapeIntervalSeconds !== undefined) found.push({ seconds: input.annotationScrapeIntervalSeconds, from: `the declared annotation scrape interval ${input.annotationScrapeIntervalSeconds}s` });
  }
  if (found.length === 0) return undefined;
  return found.sort((a, b) => b.seconds - a.seconds)[0];
}

export const rateWindowScrapes: KubernetesRule = {
  description: {
    id: 'IC-K8S-008',
    title: `a rate window spans at least ${MIN_SCRAPES_PER_RATE_WINDOW} scrape intervals of the metrics backend`,
    severity: RuleSeverity.ERROR,
    scope: RuleScope.KUBERNETES,
    source: 'https://www.robustperception.io/what-range-should-i-use-with-rate/',
  },
  check(input: KubernetesRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    for (const s of input.objects) {
      if (kindOf(s) !== 'ScaledObject') continue;
      const w = targetOf(s, input.objects);
      if (!w) continue;
      const interval = scrapeInterval(w, input);
      if (!interval) continue;
      asArray(get(s.object, 'spec', 'triggers')).forEach((t, i) => {
        if (get(t, 'type') !== 'prometheus') return;
        const query = String(get(t, 'metadata', 'query') ?? '');
        for (const m of query.matchAll(RANGE_SELECTOR)) {
          const win = windowSeconds(m[2]!);
          const need = MIN_SCRAPES_PER_RATE_WINDOW * interval.seconds;
          if (win >= need) continue;
          out.push({
            message: `${m[1]}(...[${m[2]}]) spans ${win / interval.seconds} scrape(s) at the ${interval.seconds}s interval (${interval.from}), fewer than ${MIN_SCRAPES_PER_RATE_WINDOW}, so one missed scrape drops the token rate`,
            location: locate(s, `spec.triggers[${i}].metadata.query`),
            fix: `widen the window to at least [${need}s] or scrape more often`,
          });
        }
      });
    }
    return out;
  },
};
