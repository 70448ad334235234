/**
 * Synth-time placement check for a chart: every accelerator workload selects a pool that
 * exists, tolerates its taints, and fits its limits at maximum scale (the replica ceiling read
 * from the KEDA ScaledObject or HPA that scales it).
 *
 * A pod whose selector or tolerations match no pool stays Pending forever; this turns that
 * into an error with a fix hint when the app synthesizes.
 */
import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { type PoolCapacity, checkPlacement, workloadDemandsFromManifests } from '../../lib/placement.js';
import { type DevicePluginPool, type IDevicePluginConsumer, checkDevicePlugins } from './device-plugins.js';
import type { IAcceleratorPool } from './node-pools.js';
import { renderedObjects } from './private/rendered-json.js';
import { SynthPass } from './synth-pass.js';

/** Properties of {@link PlacementCheck}. */
export interface PlacementCheckProps {
  /**
   * Pools defined outside the chart (e.g. node pools owned by the cluster construct).
   * @default - none; only pools found in the chart
   */
  readonly externalPools?: PoolCapacity[];
}

function isPool(c: IConstruct): c is IConstruct & IAcceleratorPool {
  return typeof (c as Partial<IAcceleratorPool>).toPoolCapacity === 'function';
}

/** The pools (AcceleratorNodePool, GkeAcceleratorComputeClass) defined in a chart. */
export function poolsInChart(chart: Chart): PoolCapacity[] {
  return chart.node
    .findAll()
    .filter(isPool)
    .map((p) => p.toPoolCapacity());
}

function isDevicePluginConsumer(c: IConstruct): c is IConstruct & IDevicePluginConsumer {
  return typeof (c as Partial<IDevicePluginConsumer>).devicePluginPool === 'function';
}

/**
 * Check a chart's workloads against its pools (and `externalPools`) now, and that every
 * Karpenter pool they land on has its device plugin in the chart (unless the pool opted out).
 * @throws InferenceConstructsError PoolNotFound, SelectorMismatch, PoolLimitExceeded or DevicePluginMissing
 */
export function checkChartPlacement(chart: Chart, externalPools: readonly PoolCapacity[] = []): void {
  // Rendered once per synth for every reader (private/rendered-json.ts).
  const manifests = renderedObjects(chart);
  const demands = workloadDemandsFromManifests(manifests);
  checkPlacement(demands, [...poolsInChart(chart), ...externalPools]);
  const consumers = chart.node
    .findAll()
    .filter(isDevicePluginConsumer)
    .map((c) => c.devicePluginPool())
    .filter((p): p is DevicePluginPool => p !== undefined);
  checkDevicePlugins(manifests, demands, consumers);
}

/**
 * Adds the placement check to its chart; it runs when the app synthesizes
 * (`app.synth()` / `app.synthYaml()`), after every workload, scaler and pool exists.
 */
export class PlacementCheck extends Construct {
  constructor(scope: Construct, id: string, props: PlacementCheckProps = {}) {
    super(scope, id);
    const external = props.externalPools ?? [];
    this.node.addValidation({
      // Once per synth: cdk8s validates the whole app again for every chart it writes.
      validate: () =>
        SynthPass.once(this, () => {
          checkChartPlacement(Chart.of(this), external);
          return [];
        }),
    });
  }
}
