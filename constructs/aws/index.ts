export {
  ModelWeights,
  type HuggingFaceWeightsOptions,
  type ModelWeightsConfig,
  type SageMakerHostingOptions,
  type SageMakerModelOptions,
  type SageMakerPlacementOptions,
} from './sagemaker-common.js';
export {
  SageMakerEndpointBase,
  SageMakerInferenceEndpoint,
  type ISageMakerInferenceEndpoint,
  type InstanceCountMetricOptions,
  type SageMakerEndpointAlarmOptions,
  type SageMakerInferenceEndpointAttributes,
  type SageMakerInferenceEndpointProps,
} from './sagemaker-endpoint.js';
export {
  SageMakerInferenceComponent,
  SageMakerInferenceComponentEndpoint,
  type SageMakerInferenceComponentEndpointProps,
  type SageMakerInferenceComponentOptions,
  type SageMakerInferenceComponentProps,
} from './sagemaker-inference-components.js';
export {
  TokenMetricSource,
  type BoundTokenMetric,
  type CustomTokenMetricOptions,
  type LogsTokenMetricOptions,
  type TokenMetricTarget,
  type SustainedStepScaling,
  type TokenTrackingPolicyOptions,
} from './sagemaker-token-metric.js';
export { type SageMakerImage } from './sagemaker-image.js';
export { AcceleratorPool, NodeCapacityMode, PoolCapacityType, type AcceleratorPoolOptions, type AcceleratorPoolProps } from './eks-accelerator-pools.js';
export { EksInferenceCluster, type EksInferenceClusterProps } from './eks-inference-cluster.js';
export {
  EksTokenMetrics,
  MetricsBackend,
  type EksTokenMetricsProps,
  type InClusterPrometheusOptions,
  type KedaAuthenticationReference,
  type ManagedPrometheusOptions,
} from './eks-metrics.js';
export { EksSecretDelivery, type EksSecretDeliveryProps, type SecretReference, type SecretsManagerSecretOptions } from './eks-secrets.js';
export { InferenceRulesPlugin, type InferenceRulesPluginProps } from './rule-pack.js';
