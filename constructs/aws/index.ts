export {
  ModelWeights,
  VARIANT_NAME,
  INSTANCE_STORE_FAMILIES,
  EBS_ONLY_FAMILIES,
  SAGEMAKER_NAME_MAX_LENGTH,
  type HuggingFaceWeightsOptions,
  type ModelWeightsConfig,
  type SageMakerModelOptions,
  type SageMakerPlacementOptions,
  type SageMakerPlanningOptions,
  type SageMakerScalingOptions,
} from './sagemaker-common.js';
export * from './sagemaker-endpoint.js';
export * from './sagemaker-image.js';
export * from './sagemaker-inference-components.js';
export * from './sagemaker-token-metric.js';
export * from './stack-budget.js';
export * from './eks-accelerator-pools.js';
export * from './eks-inference-cluster.js';
export * from './eks-metrics.js';
export * from './eks-versions.js';
export {
  EksSecretDelivery,
  EXTERNAL_SECRETS_INSTALL_TIMEOUT,
  HUGGING_FACE_TOKEN_KUBERNETES_KEY,
  HUGGING_FACE_TOKEN_KUBERNETES_SECRET,
  SECRET_REFRESH_INTERVAL,
  SECRETS_MANAGER_STORE,
  type EksSecretDeliveryProps,
  type SecretsManagerSecretOptions,
} from './eks-secrets.js';
export * from './rule-pack.js';
