/**
 * The JSON of a chart's objects as the synth-time readers see it: the placement check, the rule
 * pack and the node pools' sizing read the same Deployments, scalers and pools.
 *
 * Inside one {@link SynthPass.run} no caller code changes a chart (constructs/k8s/synth-pass.ts),
 * so each object is rendered once per run and every reader of the run gets that rendering:
 * cdk8s would otherwise resolve the object again for every reader, and for every validation pass
 * (one per chart written), which in the reference app was three renderings in four. Outside a run
 * each call renders afresh. Either way the JSON is frozen: a reader that changed it would change
 * what the others read, so it fails instead.
 *
 * What cdk8s writes is not affected: `App.synth()` and `Chart.toJson()` render their own copy.
 *
 * Internal: not exported from the package.
 */
import { ApiObject, type Chart } from 'cdk8s';
import { SynthPass } from '../synth-pass.js';

/** One key per object for {@link SynthPass.once}, apart from any key a check uses. */
const keys = new WeakMap<ApiObject, object>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The object's JSON (`ApiObject.toJson()`), frozen; rendered once per {@link SynthPass.run}. */
export function renderedJson(obj: ApiObject): unknown {
  let key = keys.get(obj);
  if (key === undefined) {
    key = {};
    keys.set(obj, key);
  }
  return SynthPass.once(key, () => deepFreeze(obj.toJson()));
}

/**
 * The JSON of the chart's objects (those `include` selects, by default all), in tree order, one
 * by one: `Chart.toJson()` would run the chart's validations, the reading check among them.
 */
export function renderedObjects(chart: Chart, include: (obj: ApiObject) => boolean = () => true): unknown[] {
  return chart.node
    .findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && include(c))
    .map(renderedJson);
}
