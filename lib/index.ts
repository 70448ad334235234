/**
 * The pure domain: models, accelerators, model servers, the capacity planner, token scaling,
 * placement, the plan report and the rule pack. Only the public surface is exported here
 * (structs, enums and classes); the free functions and tables behind it stay importable by file
 * path from the constructs and tests.
 */
export { InferenceErrors } from './errors.js';
export {
  AcceleratorCatalog,
  AcceleratorClass,
  DeviceArchitecture,
  DeviceKind,
  DeviceSupport,
  Interconnect,
  Pricing,
  TpuAccelerator,
  type DeviceSpec,
  type InstanceTypeSpec,
  type KubernetesSchedulingSpec,
  type NodeRequirement,
  type PeakTflops,
  type PlatformNodeSelectors,
  type ReferencePrice,
  type Taint,
  type TpuGkeFacts,
  type TpuSliceSpec,
} from './accelerators.js';
export { KvCache, Model, Precision, type ModelSpec } from './models.js';
export {
  ModelServer,
  ServerPlatform,
  type ModelServerProfile,
  type SageMakerStartupTimeouts,
  type ServerArgsOptions,
  type ServerEnvironmentOptions,
  type ServerImage,
  type ServerSidecar,
  type TokenMetricSpec,
} from './servers.js';
export {
  LatencySource,
  OperatingPriority,
  PriceKind,
  type CapacityPlan,
  type HostMemoryBudget,
  type LatencyEstimate,
  type LatencyTargets,
  type MemoryBudget,
  type PlanCost,
  type PlanInput,
  type PlanningOptions,
  type ThroughputEstimate,
  type TpuSliceReference,
} from './planner.js';
export {
  ScalingSignal,
  TokenWork,
  type ScalingBehaviour,
  type ScalingBehaviourOptions,
  type TokenScalingPolicy,
  type TokenScalingPolicyOptions,
  type TokenWorkWeights,
} from './scaling.js';
export { type PoolCapacity, type PoolNodeType, type ReplicaPods, type Toleration, type WorkloadDemand } from './placement.js';
export { type PlannedDeployment, type PlannedWorkload, type PlanReportOptions } from './report.js';
export { StepTime, type StepTimeProfile } from './step-time.js';
export { PlanAnnotations } from './plan-annotations.js';
export { PrecisionSupport, PrecisionSupportKind, type PrecisionSupportEntry } from './precision-support.js';
export {
  Calibration,
  type BenchmarkModel,
  type BenchmarkRecord,
  type BenchmarkTpuSlice,
  type CalibrationResult,
  type CalibrationRow,
} from './calibration.js';
export { NodePoolDefaults, type NodePoolDefaultsSpec } from './node-pool-defaults.js';
export {
  DevicePlugins,
  DevicePluginVendor,
  type DevicePluginEnv,
  type DevicePluginHostMount,
  type DevicePluginRbacRule,
  type DevicePluginSpec,
  type DevicePluginToleration,
} from './device-plugins.js';
export { KubernetesPlatform, KubernetesPlatforms, ScrapeBackend, ScrapeBackends } from './platforms.js';
export {
  InferenceRulePack,
  RuleScope,
  RuleSeverity,
  type AcknowledgedFinding,
  type FindingLocation,
  type ManifestCheckOptions,
  type ManifestSet,
  type RuleAcknowledgement,
  type RuleCheckOptions,
  type RuleDescription,
  type RuleFinding,
  type RulePackResult,
  type TemplateCheckOptions,
} from './rules/index.js';
export * from './api/index.js';
export {
  Replay,
  ReplayPolicyKind,
  ReplayScalerKind,
  ReplayWarmStart,
  type ReplayDeployment,
  type ReplayDeploymentOptions,
  type ReplayLatencyTargets,
  type ReplayOptions,
  type ReplayReport,
  type ReplayResult,
  type RequestTrace,
  type SyntheticTraceOptions,
  type TargetFit,
  type TargetFitOptions,
  type TraceRequest,
} from './replay/index.js';
