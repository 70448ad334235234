/**
 * Static facades over the planning functions, for every language (jsii drops free functions).
 * `StepTime`, `Calibration`, `InferenceErrors`, `Model`, `AcceleratorCatalog` and
 * `PlanAnnotations` live next to the functions they group.
 */
export { CapacityPlanner, type CheapestPlanInput } from './capacity-planner.js';
export { TokenScaling } from './token-scaling.js';
export { Placement } from './placement.js';
export { PlanReport } from './plan-report.js';
