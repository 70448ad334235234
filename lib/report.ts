/**
 * The plan report: a Markdown page a reviewer reads in a pull-request diff.
 *
 * Per deployment it states where the model runs, how it is split across devices, whether and
 * how well it fits in memory, how it scales, and what it costs. The output is byte-stable: rows
 * are sorted by deployment name, numbers have fixed precision, and nothing depends on the time,
 * the machine or the checkout path.
 */
import { InferenceConstructsError } from './errors.js';
import { type InstanceTypeSpec, type TpuSliceSpec, Pricing } from './accelerators.js';
import type { ModelSpec } from './models.js';
import { type CapacityPlan, LatencySource, PriceKind } from './planner.js';
import type { ModelServerProfile } from './servers.js';
import type { TokenScalingPolicy } from './scaling.js';
import { AcceleratorClass } from './accelerators.js';
import { compareStrings } from './private/compare.js';

/** Anything that was planned and is scaled on tokens: a SageMaker endpoint, a Kubernetes workload. */
export interface PlannedWorkload {
  readonly plan: CapacityPlan;
  readonly scalingPolicy: TokenScalingPolicy;
}

/** One row of the report. */
export interface PlannedDeployment extends PlannedWorkload {
  /** Unique, stable name, e.g. "sagemaker/llama-3-1-8b". */
  readonly name: string;
  /** Where it runs, e.g. "SageMaker", "EKS", "GKE". */
  readonly platform: string;
  /** The model server serving it, e.g. "vLLM". */
  readonly server?: string;
  /**
   * Request trace (an Azure LLM inference trace CSV, path relative to the app's working
   * directory) to replay this deployment's synthesized scaling policy against, beside the oracle
   * and the peer policies, in the report the reference app writes (`bin/plan-report.ts`).
   * `renderPlanReport` itself does not read it.
   * @default - no replay
   */
  readonly replayTrace?: string;
}

/** Options for {@link renderPlanReport}. */
export interface PlanReportOptions {
  /** @default 'Inference capacity plan' */
  readonly title?: string;
}

const HOURS_PER_MONTH = 730; // AWS and Google pricing pages use 730 hours a month

function fixed(n: number, digits: number): string {
  // Avoid "-0.00" and locale-dependent separators.
  const s = n.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** A price with no figure (a row whose vendor publishes no list price) reads "unpublished", never NaN. */
const UNPUBLISHED = 'unpublished';
const usd = (n: number): string => (Number.isFinite(n) ? `$${fixed(n, 2)}` : UNPUBLISHED);
const ms = (seconds: number): string => `${fixed(seconds * 1000, 1)} ms`;

/** Words for the price a cost figure uses. */
const PRICE_KIND_WORDS: { readonly [kind: string]: string } = {
  [PriceKind.EC2_ON_DEMAND]: 'EC2 on-demand',
  [PriceKind.SAGEMAKER_HOSTING]: 'SageMaker hosting',
  [PriceKind.GCP_ON_DEMAND]: 'Google Cloud on-demand',
  [PriceKind.OVERRIDE]: 'caller override',
};

function targetsText(plan: CapacityPlan): string {
  const t = plan.latency.targets;
  if (t === undefined) return '';
  const parts = [
    t.timePerOutputTokenSeconds !== undefined ? `${ms(t.timePerOutputTokenSeconds)} per output token` : undefined,
    t.timeToFirstTokenSeconds !== undefined ? `${ms(t.timeToFirstTokenSeconds)} to first token` : undefined,
  ].filter((x): x is string => x !== undefined);
  return `; targets ${parts.join(', ')}`;
}
const gib = (n: number): string => `${fixed(n, 1)} GiB`;
const count = (n: number): string => String(Math.round(n));

const billions = (n: number): string => `${fixed(n, n < 10 ? 2 : 1)} B`;

/** Total and active parameters: what the model holds vs what one generated token reads. */
function parametersText(model: ModelSpec): string {
  const total = billions(model.parametersBillion);
  if (model.experts === undefined && model.activeParametersBillion === undefined) return `${total} total = active (dense)`;
  const active = billions(model.activeParametersBillion ?? model.parametersBillion);
  const experts = model.experts !== undefined
    ? `, mixture of experts: ${model.expertsPerToken !== undefined ? `${model.expertsPerToken} of ` : ''}${model.experts} experts per token` +
      (model.sharedParametersBillion !== undefined ? `, ${billions(model.sharedParametersBillion)} shared` : '')
    : '';
  return `${active} active of ${total} total${experts}`;
}

/** The attention kind, as the KV cache sees it: full multi-head, GQA/MQA, MLA, and the sliding-window share. */
function attentionText(model: ModelSpec): string {
  let kind: string;
  if (model.kvLatentDim !== undefined) {
    kind = `MLA (latent attention, ${model.kvLatentDim} cached values per layer per token, ${model.attentionHeads} heads)`;
  } else if (model.kvHeads === model.attentionHeads) {
    kind = `full multi-head (${model.attentionHeads} heads)`;
  } else if (model.kvHeads === 1) {
    kind = `MQA (${model.attentionHeads} query heads, 1 KV head)`;
  } else {
    kind = `GQA (${model.attentionHeads} query heads, ${model.kvHeads} KV heads)`;
  }
  if (model.slidingWindowTokens === undefined || !model.slidingWindowLayers) return kind;
  const share = (model.slidingWindowLayers / model.layers) * 100;
  return `${kind}; sliding window of ${count(model.slidingWindowTokens)} tokens on ${model.slidingWindowLayers} of ` +
    `${model.layers} layers (${fixed(share, 0)} %)`;
}

function deviceNoun(plan: CapacityPlan): string {
  switch (plan.instance.acceleratorClass) {
    case AcceleratorClass.INFERENTIA2:
      return 'Inferentia2 chip';
    case AcceleratorClass.TPU:
      return 'TPU chip';
    default:
      return 'GPU';
  }
}

function placement(plan: CapacityPlan): string {
  const noun = deviceNoun(plan);
  const devices = plan.devicesPerReplica * plan.hostsPerReplica;
  const cores = plan.neuronCoresPerReplica ? ` (${plan.neuronCoresPerReplica} NeuronCores)` : '';
  const hosts = plan.hostsPerReplica > 1 ? ` across ${plan.hostsPerReplica} hosts` : '';
  // The parallelism the server is started with: --tensor-parallel-size x --pipeline-parallel-size
  // (one contiguous share of the layers per node), plus --enable-expert-parallel when set.
  const pipeline = plan.pipelineParallelDegree > 1 ? ` x pipeline parallel ${plan.pipelineParallelDegree} (${plan.pipelineParallelDegree} nodes)` : ', pipeline parallel 1';
  const experts = plan.expertParallel ? ', expert parallel' : '';
  return `${devices} ${noun}${devices === 1 ? '' : 's'}${cores}${hosts}, tensor parallel ${plan.tensorParallelDegree}${pipeline}${experts}`;
}

/** The weights' precision, and the routed experts' own when the plan holds them in another format. */
function precisionText(plan: CapacityPlan): string {
  if (plan.expertPrecision === undefined) return `${plan.precision} weights`;
  const support = plan.expertPrecisionSupport === undefined ? '' : `, ${plan.expertPrecisionSupport} on the device`;
  return `${plan.precision} weights, experts in ${plan.expertPrecision}${support}`;
}

function instanceLabel(plan: CapacityPlan): string {
  const slice = plan.tpuSlice ? ` (${plan.tpuSlice.accelerator} ${plan.tpuSlice.topology})` : '';
  return `${plan.instance.name}${slice}, ${plan.instance.device.displayName}`;
}

/** Render one deployment's section. */
function section(d: PlannedDeployment): string {
  const { plan, scalingPolicy: policy } = d;
  const m = plan.memory;
  const t = plan.throughput;
  const label = t.source === 'measured' ? 'measured' : 'estimated';
  const atMin = policy.minReplicas * plan.cost.perReplicaHourUsd;
  const atMax = policy.maxReplicas * plan.cost.perReplicaHourUsd;
  const rows: [string, string][] = [
    ['Platform', d.platform + (d.server ? `, served by ${d.server}` : '')],
    ['Model', `${plan.model.name} (${plan.model.huggingFaceId}), ${precisionText(plan)}, ${plan.kvCachePrecision} KV cache`],
    ['Parameters', parametersText(plan.model)],
    ['Attention', attentionText(plan.model)],
    ['Accelerator', instanceLabel(plan)],
    ['Per replica', placement(plan)],
    [
      'Memory fit',
      `${gib(m.weightsGiB)} weights + ${gib(m.kvCacheGiB)} KV cache + ${gib(m.overheadGiB)} overhead = ` +
        `${gib(m.totalGiB)} of ${gib(m.availableGiB)} (${fixed(m.fraction * 100, 0)} %)`,
    ],
    ['Context x batch', `${count(plan.contextTokens)} tokens x ${count(plan.concurrentSequences)} sequences`],
    ['Requests', `${count(plan.inputTokens)} prompt + ${count(plan.outputTokens)} output tokens on average`],
    ['Operating point', plan.operatingPoint],
    [
      'Latency',
      `${ms(plan.latency.timePerOutputTokenSeconds)} per output token, ${ms(plan.latency.timeToFirstTokenSeconds)} to first token ` +
        `(${plan.latency.source === LatencySource.MEASURED ? 'from measured step times' : 'estimated'}, median without queueing${targetsText(plan)})`,
    ],
    ['Replicas', `${policy.minReplicas} to ${policy.maxReplicas}${policy.scaleToZero ? ' (scales to zero)' : ''}`],
    ['Tokens/s per replica', `${count(t.tokensPerSecondPerReplica)} (${label}; ${t.basis.replace(/^measured: /, '')})`],
    [
      'Scaling target',
      `${count(policy.targetTokensPerSecondPerReplica)} generated tokens/s per replica ` +
        `(${fixed(plan.targetUtilization * 100, 0)} % of capacity)`,
    ],
    ['Cost per hour', `${usd(atMin)} at min, ${usd(atMax)} at max (${usd(plan.cost.perReplicaHourUsd)} per replica)`],
    ['Cost per month at min', usd(atMin * HOURS_PER_MONTH)],
    ['Cost per million tokens', `${usd(plan.cost.perMillionTokensUsd)} at the scaling target`],
    ['Price', `${PRICE_KIND_WORDS[plan.cost.priceKind]}: ${usd(plan.cost.perNodeHourUsd)} per node hour, ${plan.cost.priceSource}`],
  ];
  const table = ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`)];
  return [`## ${d.name}`, '', ...table, ''].join('\n');
}

/**
 * Render the plan report for a set of deployments, sorted by name.
 *
 * Deployment names must be unique: two rows with one name would make the diff ambiguous.
 */
export function renderPlanReport(deployments: readonly PlannedDeployment[], options: PlanReportOptions = {}): string {
  const sorted = [...deployments].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.name === sorted[i - 1]!.name) {
      throw new InferenceConstructsError('DeploymentNameDuplicate', {
        prop: 'deployments[].name',
        problem: 'two deployments in the plan report share one name',
        received: sorted[i]!.name,
        allowed: 'unique names',
        fix: 'give each deployment its own name, e.g. prefix it with the platform',
      });
    }
  }
  const summary = [
    '| Deployment | Platform | Instance | Devices x TP | Replicas | Target tokens/s/replica | Per output token | $/h min-max | $/1M tokens | Price |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...sorted.map((d) => {
      const p = d.plan;
      const s = d.scalingPolicy;
      return (
        `| ${d.name} | ${d.platform} | ${p.instance.name} | ${p.devicesPerReplica * p.hostsPerReplica} x TP${p.tensorParallelDegree} | ` +
        `${s.minReplicas}-${s.maxReplicas} | ${count(s.targetTokensPerSecondPerReplica)} | ${ms(p.latency.timePerOutputTokenSeconds)} | ` +
        `${usd(s.minReplicas * p.cost.perReplicaHourUsd)}-${usd(s.maxReplicas * p.cost.perReplicaHourUsd)} | ` +
        `${usd(p.cost.perMillionTokensUsd)} | ${PRICE_KIND_WORDS[p.cost.priceKind]} |`
      );
    }),
  ];
  const totalMin = sorted.reduce((a, d) => a + d.scalingPolicy.minReplicas * d.plan.cost.perReplicaHourUsd, 0);
  const totalMax = sorted.reduce((a, d) => a + d.scalingPolicy.maxReplicas * d.plan.cost.perReplicaHourUsd, 0);
  return [
    `# ${options.title ?? 'Inference capacity plan'}`,
    '',
    'Throughput and latency marked "estimated" come from the step-time model of the accelerator (memory traffic, compute, ' +
      'prefill and a per-step cost); check it with `npm run calibrate` on your own benchmark results, or replace it with a ' +
      'measured figure (`measuredTokensPerSecondPerReplica`), before relying on the cost figures. ' +
      'The Price column says which reference price each cost uses (EC2 on-demand, SageMaker hosting, Google Cloud on-demand); ' +
      'a replica is charged its node price divided by the replicas that fit on the node.',
    '',
    ...summary,
    '',
    `Fleet: ${usd(totalMin)} per hour at minimum scale, ${usd(totalMax)} per hour at maximum scale.`,
    '',
    ...sorted.map(section),
  ].join('\n');
}

/** Marks around a generated README section: `<!-- generated:NAME -->` ... `<!-- /generated:NAME -->`. */
export function generatedSection(name: string, body: string): string {
  return `<!-- generated:${name} (npm run docs) -->\n${body.trimEnd()}\n<!-- /generated:${name} -->`;
}

/** Replace a generated section in a document; throws when the markers are missing. */
export function replaceGeneratedSection(document: string, name: string, body: string): string {
  const re = new RegExp(`<!-- generated:${name} \\(npm run docs\\) -->[\\s\\S]*?<!-- /generated:${name} -->`);
  if (!re.test(document)) {
    throw new InferenceConstructsError('GeneratedSectionMissing', {
      prop: `README section ${name}`,
      problem: 'the document has no markers for this generated section',
      received: name,
      allowed: `a <!-- generated:${name} (npm run docs) --> ... <!-- /generated:${name} --> pair`,
      fix: 'add the marker pair where the section belongs, then run npm run docs',
    });
  }
  return document.replace(re, () => generatedSection(name, body));
}

/** The accelerator catalogue as a Markdown table, one row per instance or machine type. */
export function renderAcceleratorTable(rows: readonly InstanceTypeSpec[]): string {
  const lines = [
    '| Class | Instance / machine type | Devices | Memory per device | Bandwidth per device | SageMaker | EKS AMI type | On-demand $/h |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const order: Record<string, number> = { inferentia2: 0, 'nvidia-gpu': 1, tpu: 2 };
  const sorted = [...rows].sort(
    (a, b) =>
      order[a.acceleratorClass]! - order[b.acceleratorClass]! ||
      compareStrings(a.cloud, b.cloud) ||
      compareStrings(a.family, b.family) ||
      a.devicesPerNode - b.devicesPerNode ||
      a.vcpu - b.vcpu ||
      compareStrings(a.name, b.name),
  );
  for (const r of sorted) {
    const cores = r.neuronCoresPerNode ? ` (${r.neuronCoresPerNode} NeuronCores)` : '';
    lines.push(
      `| ${r.acceleratorClass} | \`${r.name}\`${r.tpuAccelerator ? ` (${r.tpuAccelerator})` : ''} | ` +
        `${r.devicesPerNode} x ${r.device.displayName}${cores} | ${r.device.memoryGiB} GiB | ${r.device.memoryBandwidthGBps} GB/s | ` +
        `${r.sagemakerInstanceType ? `\`${r.sagemakerInstanceType}\`` : '-'} | ${r.eksAmiType ?? '-'} | ` +
        `${Pricing.isPublished(r.price) ? fixed(r.price.usdPerHour, 2) : UNPUBLISHED} (${r.price.region}) |`,
    );
  }
  return lines.join('\n');
}

/** The valid TPU slice shapes as a Markdown table. */
export function renderTpuSliceTable(slices: readonly TpuSliceSpec[]): string {
  return [
    '| TPU accelerator | Topology | Machine type | Chips | Hosts |',
    '|---|---|---|---|---|',
    ...slices.map((s) => `| ${s.accelerator} | ${s.topology} | \`${s.machineType}\` | ${s.chips} | ${s.hosts} |`),
  ].join('\n');
}

/** The model-server profiles as a Markdown table. */
export function renderModelServerTable(servers: readonly ModelServerProfile[]): string {
  return [
    '| Server | Accelerators | Kubernetes image | SageMaker image (DLC repository:tag) | Precisions | Token signal |',
    '|---|---|---|---|---|---|',
    ...servers.map((s) => {
      const signal = s.tokenMetric.tokenScalable === false ? `none (${s.tokenMetric.generatedTokensCounter || 'no counter'}; not token-scalable)` : `\`${s.tokenMetric.generatedTokensCounter}\``;
      return (
        `| ${s.displayName} (\`${s.name}\`) | ${s.accelerators.join(', ')} | ` +
        `${s.kubernetesImage ? `\`${s.kubernetesImage}\`` : '-'} | ` +
        `${s.sagemakerImage ? `\`${s.sagemakerImage.repository}:${s.sagemakerImage.tag}\`` : '-'} | ` +
        `${s.precisions.join(', ')} | ${signal} |`
      );
    }),
  ].join('\n');
}
