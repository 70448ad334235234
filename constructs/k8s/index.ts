/**
 * cdk8s constructs: model servers on accelerator nodes, token-throughput scalers, and the
 * accelerator node pools (Karpenter, EKS Auto Mode, GKE ComputeClass) they run on.
 *
 * CRD bindings live in `imports/`, generated from `imports/crds/*.yaml` and never edited by
 * hand. Regenerate them with (from the repository root):
 *
 * ```sh
 * for spec in keda-scaledobjects:=imports/crds/keda.sh_scaledobjects.yaml \
 *   keda-triggerauthentications:=imports/crds/keda.sh_triggerauthentications.yaml \
 *   karpenter-nodepools:=imports/crds/karpenter.sh_nodepools.yaml \
 *   karpenter-ec2nodeclasses:=imports/crds/karpenter.k8s.aws_ec2nodeclasses.yaml \
 *   prometheus-podmonitors:=imports/crds/monitoring.coreos.com_podmonitors.yaml \
 *   gmp-podmonitorings:=imports/crds/monitoring.googleapis.com_podmonitorings.yaml \
 *   leaderworkersets:=imports/crds/leaderworkerset.x-k8s.io_leaderworkersets.yaml \
 *   gke-computeclasses:=imports/crds/cloud.google.com_computeclasses.yaml; do
 *   npx cdk8s import "$spec" --language typescript --output imports --no-check-upgrade
 * done
 * ```
 *
 * The generated files import only the `cdk8s` and `constructs` packages (no relative imports),
 * so they load under NodeNext ESM without post-processing. See `imports/README.md`.
 */
export {
  ModelDeployment,
  type IAutoscalableWorkload,
  type IScalableModelWorkload,
  type ModelDeploymentProps,
  type ScaleTargetReference,
  type SecretKeyReference,
  type TokenThroughputScalingOptions,
} from './model-deployment.js';
export {
  HpaMetricSource,
  PrometheusSource,
  TokenThroughputHpa,
  TokenThroughputScaler,
  TriggerAuthenticationKind,
  type AmazonManagedPrometheusOptions,
  type GoogleManagedPrometheusOptions,
  type InClusterPrometheusSourceOptions,
  type ScaleFromZeroOptions,
  type TokenScalerBaseProps,
  type TokenThroughputHpaProps,
  type TokenThroughputScalerProps,
  type TriggerAuthenticationReference,
} from './token-scaler.js';
export { AcceleratorNodePool, CapacityType, type AcceleratorNodePoolProps, type IAcceleratorPool } from './node-pools.js';
export { GkeAcceleratorComputeClass, WhenUnsatisfiable, type GkeAcceleratorComputeClassProps } from './compute-class.js';
export { PlacementCheck, type PlacementCheckProps } from './placement-check.js';
export { InferenceRules, type InferenceRulesOptions } from './rule-pack.js';
export { AcceleratorDevicePlugin, type DevicePluginPool, type IDevicePluginConsumer } from './device-plugins.js';
