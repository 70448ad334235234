/**
 * The replay in the plan report: a Markdown table per deployment and an SVG of demand and
 * replicas over time per policy. Byte-stable: fixed precision, fixed order, no dates.
 */
import { FIT_ATTAINMENT, FIT_TARGET_MAX, FIT_TARGET_MIN, type TargetFit } from './fit.js';
import { type ReplayResult, ReplayWarmStart } from './replay.js';

function fixed(n: number, d: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  const s = n.toFixed(d);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** Markdown table of the replay results (one row per deployment and policy). */
export function renderReplayTable(results: ReplayResult[]): string {
  const head = '| deployment | policy | cost USD | replica-h | oracle USD (attainment, headroom) | bound USD | efficiency | attainment | failed | TTFT p50 / p99 s | TPOT p50 / p99 ms | scale events |';
  const sep = '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = results.map((r) =>
    `| ${r.deployment} | ${r.policy}${r.default ? ' (default)' : ''} | ${fixed(r.costUsd, 2)} | ${fixed(r.replicaHours, 2)} | ${fixed(r.oracleCostUsd, 2)} (${fixed(r.oracleAttainment * 100, 2)} %, x${r.oracleHeadroom}) | ${fixed(r.boundCostUsd, 2)} | ${fixed(r.efficiency, 3)} | ${fixed(r.sloAttainment * 100, 2)} % | ${r.failedRequests} | ${fixed(r.ttftP50Seconds, 2)} / ${fixed(r.ttftP99Seconds, 2)} | ${fixed(r.tpotP50Seconds * 1000, 0)} / ${fixed(r.tpotP99Seconds * 1000, 0)} | ${r.scaleEvents} |`,
  );
  return [head, sep, ...rows].join('\n');
}

const COLOURS = ['#1b6ac9', '#d1495b', '#edae49', '#00798c', '#66a182', '#8d6a9f', '#30343f'];

/** SVG of one deployment: demand (busy replicas) and replicas charged per minute, one line per policy. */
export function renderReplaySvg(results: ReplayResult[]): string {
  const W = 720;
  const H = 300;
  const pad = 40;
  const minutes = Math.max(1, ...results.map((r) => r.replicasPerMinute.length));
  const demand = results[0]?.demandPerMinute ?? [];
  const top = Math.max(1, ...demand, ...results.flatMap((r) => r.replicasPerMinute));
  const x = (m: number): string => fixed(pad + ((W - 2 * pad) * m) / Math.max(1, minutes - 1), 1);
  const y = (v: number): string => fixed(H - pad - ((H - 2 * pad) * v) / top, 1);
  const line = (vals: number[], colour: string, dash = ''): string =>
    `<polyline fill="none" stroke="${colour}" stroke-width="1.5"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${vals.map((v, i) => `${x(i)},${y(v)}`).join(' ')}"/>`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${pad}" y="16">${results[0]?.deployment ?? ''}: replicas per minute (lines) and demand in busy replicas (grey dashed)</text>`,
    `<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="#888"/>`,
    `<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="#888"/>`,
    `<text x="${pad - 4}" y="${pad}" text-anchor="end">${fixed(top, 1)}</text>`,
    `<text x="${W - pad}" y="${H - pad + 14}" text-anchor="end">${minutes} min</text>`,
    line(demand, '#999999', '4 3'),
  ];
  results.forEach((r, i) => {
    const c = COLOURS[i % COLOURS.length];
    parts.push(line(r.replicasPerMinute, c));
    parts.push(`<text x="${W - pad - 150}" y="${pad + 12 * i}" fill="${c}">${r.policy}${r.default ? ' (default)' : ''}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** The report section and its pictures. */
export interface ReplayReport {
  /** Markdown section (links the pictures by file name). */
  readonly markdown: string;
  /** SVG files to write beside the report: file name to content. */
  readonly svgs: { [fileName: string]: string };
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
}

/**
 * What the trace's bursts within a minute ask of the plan (lib/replay/replay.ts burstShare): the
 * target utilisation that leaves a reactive scaler room for them, against the plan's own.
 */
function burstLine(r: ReplayResult): string {
  if (r.burstShare >= 1) return `Bursts: within every minute the trace stays within what its mean leaves for the ${fixed(r.ttftTargetSeconds, 2)} s TTFT target; the plan's target utilisation needs no burst headroom.`;
  return (
    `Bursts: the busiest minute's bursts need ${fixed(1 / r.burstShare, 2)}x its mean work to keep waits within the ${fixed(r.ttftTargetSeconds, 2)} s TTFT target ` +
    `(burst share ${fixed(r.burstShare, 3)}): for this traffic, plan targetUtilization ${fixed(r.burstTargetUtilization, 2)} (this plan: ${fixed(r.targetUtilization, 2)}).`
  );
}

/** How the measured pass started (ReplayOptions.warmStart). */
function warmStartLine(w: ReplayWarmStart): string {
  return w === ReplayWarmStart.OPENING_DEMAND
    ? 'Every policy started at the replicas the first five minutes need at the target.'
    : 'Measured on a second pass of the trace: every policy and the oracle enter it as their own scaling left the first.';
}

/** What the fit on the replayed trace says of the plan's target (lib/replay/fit.ts). */
function fitLine(fit: TargetFit, r: ReplayResult): string {
  const kept = `${fixed(fit.attainment * 100, 2)} % of requests within both targets`;
  if (!fit.met) return `Fitted: at no target utilisation from ${FIT_TARGET_MIN} to ${FIT_TARGET_MAX} does the default policy keep ${fixed(FIT_ATTAINMENT * 100, 1)} % on this trace (at ${fixed(fit.targetUtilization, 3)}: ${kept}); plan for fewer requests per replica or a faster start-up.`;
  return `Fitted: the default policy keeps ${kept} up to targetUtilization ${fixed(fit.targetUtilization, 3)} on this trace (this plan: ${fixed(r.targetUtilization, 2)}; Replay.fitTargetUtilization).`;
}

/**
 * Render the replay section of the plan report for results of one or more deployments on one
 * trace; with `fits` (deployment name to its fit on the trace), a line per deployment with the
 * target utilisation fitted on it.
 */
export function renderReplayReport(results: ReplayResult[], fits: { [deployment: string]: TargetFit } = {}): ReplayReport {
  const byDeployment = new Map<string, ReplayResult[]>();
  for (const r of results) byDeployment.set(r.deployment, [...(byDeployment.get(r.deployment) ?? []), r]);
  const names = [...byDeployment.keys()].sort();
  const svgs: { [fileName: string]: string } = {};
  const lines = ['## Replay', ''];
  for (const name of names) {
    const rs = byDeployment.get(name)!;
    const file = `replay-${slug(name)}-${slug(rs[0].trace)}.svg`;
    svgs[file] = renderReplaySvg(rs);
    lines.push(`### ${name} on ${rs[0].trace}`, '');
    lines.push(`Arrival rate x${fixed(rs[0].rateScale, 3)}, ${rs[0].requests} requests; targets TTFT <= ${fixed(rs[0].ttftTargetSeconds, 2)} s, TPOT <= ${fixed(rs[0].tpotTargetSeconds * 1000, 0)} ms. ${warmStartLine(rs[0].warmStart)}`, '');
    lines.push(burstLine(rs[0]), '');
    const fit = fits[name];
    if (fit !== undefined) lines.push(fitLine(fit, rs[0]), '');
    lines.push(renderReplayTable(rs), '', `![replicas over time](${file})`, '');
  }
  return { markdown: `${lines.join('\n')}`, svgs };
}
