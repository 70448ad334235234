/**
 * One stable code per kind of check (lib/errors.ts): every code the sources under lib/,
 * constructs/ and bin/ raise is in ERROR_CODES, every ERROR_CODES entry is raised somewhere (a code
 * nothing raises is stale), there is no catch-all code, and a code is not reused for props that
 * have nothing in common.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ERROR_CODES } from '../../lib/errors.js';
import { type ErrorSite, errorSitesIn, errorSitesUnder } from '../support/error-sites.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE_FOLDERS = ['lib', 'constructs', 'bin'];

/**
 * Codes whose one check is reported against props that share no word, because the check relates
 * several props (a consistency check) or one quantity has several names. Each lists every prop it
 * may be reported against; any other prop needs a code of its own or a reason here.
 */
const SHARED_ACROSS_PROPS: { [code: string]: { props: string[]; why: string } } = {
  AcceleratorMismatch: {
    props: ['instanceTypes', 'gpuMachineType', 'addWorkload'],
    why: 'a pool or compute class and the workloads it is sized for must use one accelerator class',
  },
  MinAboveMax: {
    props: ['minReplicas', 'minNodes', 'minInstanceCount', 'policy.maxReplicas'],
    why: 'the one lower-bound-above-upper-bound check, on replicas, pool nodes and SageMaker instances',
  },
  ModelDoesNotFit: {
    props: ['candidates', 'plan.devicesPerReplica', 'plan.hostsPerReplica'],
    why: 'the model against the devices and hosts of a replica, or against every candidate instance',
  },
  ModelServerUnsupported: {
    props: ['platform', 'accelerator', 'modelServer', 'server', 'image'],
    why: 'the model server against what is asked of it: a platform, an accelerator, an image',
  },
  MultiHostLaunchUnsupported: {
    props: ['server', 'plan.hostsPerReplica'],
    why: 'a replica spanning hosts against a server without a multi-host launcher',
  },
  PoolLimitExceeded: {
    props: [' maxReplicas', '.limits[""]'],
    why: "the workloads' devices at maxReplicas against a pool's device limit",
  },
  PrecisionNotServable: {
    props: ['modelServer', 'precision'],
    why: 'a precision against the device generation or the model server',
  },
  ReplicasInvalid: {
    props: ['replicas', 'minReplicas', 'maxReplicas', 'fallbackReplicas', 'maxInstanceCount'],
    why: "a replica count; an inference-component endpoint's instance count bounds its copies",
  },
  ScaleToZeroUnsupported: {
    props: ['scaleFromZero', 'policy.minReplicas'],
    why: 'a minimum of zero replicas against a scaler or platform that cannot wake from zero',
  },
  TpuTopologyInvalid: {
    props: ['tpuSlice.topology', 'instanceType', 'plan.tpuSlice', 'plan.devicesPerReplica', 'plan.hostsPerReplica'],
    why: 'a TPU topology against the chip, the machine type and the devices and hosts of a replica',
  },
  TraceInvalid: {
    props: ['trace', 'trace line ', 'rateScale', '--trace'],
    why: 'a request trace, its lines and the rate it is replayed at',
  },
};

/** Words too common to tie two props together. */
const STOP_WORDS = new Set(['min', 'max', 'per', 'the', 'and', 'for']);

/** The words of a prop path (camelCase split, lower case, plural "s" dropped). */
function propWords(prop: string): Set<string> {
  const words = new Set<string>();
  for (const w of prop.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z]+/)) {
    if (w.length < 3 || STOP_WORDS.has(w)) continue;
    words.add(w.length > 3 && w.endsWith('s') ? w.slice(0, -1) : w);
  }
  return words;
}

/**
 * Groups of a code's props connected by shared words; one group means every prop is tied to the
 * others. Props without words (all placeholders, e.g. `${which}.${field}`) cannot be judged and
 * are left out.
 */
function propGroups(props: Iterable<string>): string[][] {
  const items = [...new Set(props)].map((p) => ({ p, w: propWords(p) })).filter((x) => x.w.size > 0);
  const groups: { props: string[]; words: Set<string> }[] = [];
  for (const item of items) {
    const joined = groups.filter((g) => [...item.w].some((w) => g.words.has(w)));
    const merged = { props: [item.p, ...joined.flatMap((g) => g.props)], words: new Set([...item.w, ...joined.flatMap((g) => [...g.words])]) };
    for (const g of joined) groups.splice(groups.indexOf(g), 1);
    groups.push(merged);
  }
  return groups.map((g) => g.props.sort());
}

const sites = errorSitesUnder(ROOT, SOURCE_FOLDERS);
const codeSites = sites.filter((s): s is ErrorSite & { code: string } => s.code !== undefined);
const propsByCode = new Map<string, Set<string>>();
for (const s of codeSites) {
  if (s.prop === undefined) continue;
  if (!propsByCode.has(s.code)) propsByCode.set(s.code, new Set());
  propsByCode.get(s.code)!.add(s.prop);
}

describe('error-site scanner', () => {
  const sample = [
    '/** @example throw new InferenceConstructsError(\'InCommentOnly\', { prop: \'x\' }); */',
    '// new InferenceConstructsError(\'AlsoInComment\', {',
    "const a = new InferenceConstructsError('Literal', { prop: 'scaling.minReplicas', problem: 'p' });",
    'const b = new InferenceConstructsError(\'Templated\', { prop: `resources.limits["${name}"]` });',
    "const c = 'see [NotAMessage]';",
    'const d = `[FromMessage] ${prop}: went wrong`;',
    'function check(code: ErrorCode, prop: string) { throw new InferenceConstructsError(code, { prop }); }',
    "check('ViaHelper', 'replicas');",
    "other('NotAHelper', 'x');",
  ].join('\n');
  const found = errorSitesIn('sample.ts', sample);

  test('reads literal, message and helper-passed codes, and nothing in comments', () => {
    expect(found.map((s) => [s.kind, s.code, s.line])).toEqual([
      ['literal', 'Literal', 3],
      ['literal', 'Templated', 4],
      ['message', 'FromMessage', 6],
      ['helper', undefined, 7],
      ['helper', 'ViaHelper', 8],
    ]);
  });

  test('reads the literal text of the prop, placeholders dropped', () => {
    expect(found.filter((s) => s.kind === 'literal').map((s) => s.prop)).toEqual(['scaling.minReplicas', 'resources.limits[""]']);
  });

  test('ties props by shared words and splits unrelated ones', () => {
    expect(propGroups(['minReplicas', 'maxReplicas', 'sizedFor.maxReplicas'])).toHaveLength(1);
    expect(propGroups(['retentionHours', 'scrapeIntervalSeconds'])).toHaveLength(2);
    // `${which}.${field}` reads as "." once its placeholders are dropped: no words, not judged.
    expect(propGroups(['.', 'metricWindowSeconds'])).toEqual([['metricWindowSeconds']]);
  });
});

describe('ERROR_CODES against the sources', () => {
  test('the sources raise errors to check', () => {
    expect(codeSites.length).toBeGreaterThan(100);
  });

  test('has no catch-all code: the former PropInvalid is gone, so raising it fails the test below', () => {
    expect(Object.prototype.hasOwnProperty.call(ERROR_CODES, 'PropInvalid')).toBe(false);
  });

  test('every code a source raises is in ERROR_CODES', () => {
    const unknown = codeSites.filter((s) => !Object.prototype.hasOwnProperty.call(ERROR_CODES, s.code)).map((s) => `${s.file}:${s.line} ${s.code}`);
    expect(unknown).toEqual([]);
  });

  test('every ERROR_CODES entry is raised somewhere', () => {
    const raised = new Set(codeSites.map((s) => s.code));
    const stale = Object.keys(ERROR_CODES).filter((c) => !raised.has(c));
    expect(stale).toEqual([]);
  });

  test('a code passed into a helper comes from a helper that is known to throw it', () => {
    // A throw whose code is a variable is checked through the helper's calls; a new one must be
    // read by the scanner (a named function) so its codes are counted.
    const helpers = sites.filter((s) => s.kind === 'helper' && s.code === undefined);
    expect(helpers.map((s) => `${s.file} ${s.helper}`).sort()).toEqual(['constructs/aws/eks-accelerator-pools.ts validatePool', 'constructs/k8s/model-deployment.ts assertInteger', 'constructs/k8s/node-pools.ts invalid', 'lib/servers.ts fail']);
    expect(sites.filter((s) => s.kind === 'helper' && s.code !== undefined).length).toBeGreaterThan(0);
  });
});

describe('one code per kind of check', () => {
  test('no code is reported against props that share no word, unless listed with a reason', () => {
    const split = [...propsByCode]
      .filter(([code]) => !(code in SHARED_ACROSS_PROPS))
      .map(([code, props]) => [code, propGroups(props)] as const)
      .filter(([, groups]) => groups.length > 1)
      .map(([code, groups]) => `${code}: ${groups.map((g) => g.join(', ')).join(' | ')}`);
    expect(split).toEqual([]);
  });

  test.each(Object.entries(SHARED_ACROSS_PROPS))('%s is reported only against its listed props, each still used', (code, { props, why }) => {
    expect(why.length).toBeGreaterThan(20);
    const used = [...(propsByCode.get(code) ?? [])].filter((p) => propWords(p).size > 0).sort();
    expect(used.filter((p) => !props.includes(p)), `props ${code} is not listed for`).toEqual([]);
    expect(props.filter((p) => !used.includes(p)), `listed props ${code} is no longer raised for`).toEqual([]);
    // An entry that the word check would accept anyway is not needed.
    expect(propGroups(used).length, `${code} no longer spans unrelated props; remove it from SHARED_ACROSS_PROPS`).toBeGreaterThan(1);
  });
});
