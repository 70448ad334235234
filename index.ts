/**
 * inference-constructs: the package entry point (`main`/`types` and the jsii assembly's root).
 *
 * One flat namespace in every language: the pure domain (`lib/`), the AWS CDK constructs
 * (`constructs/aws/`) and the cdk8s constructs (`constructs/k8s/`). TypeScript users may also
 * import `inference-constructs/aws` and `inference-constructs/k8s`; other languages see the
 * same types under the package's one module.
 */
export * from './lib/index.js';
export * from './constructs/aws/index.js';
export * from './constructs/k8s/index.js';
// Both construct folders export these two label keys with the same value; name the k8s one so
// the flat namespace is unambiguous.
export { KARPENTER_CAPACITY_TYPE_LABEL, KARPENTER_NODEPOOL_LABEL } from './constructs/k8s/index.js';
// KEDA's cooldownPeriod (300 s) is defined in lib (lib/replay, which models it) and again in
// constructs/k8s/token-scaler.ts, which renders it; until the construct imports lib's constant,
// the flat namespace takes lib's definition.
export { KEDA_COOLDOWN_PERIOD_SECONDS } from './lib/index.js';
