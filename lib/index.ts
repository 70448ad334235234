export * from './errors.js';
export * from './accelerators.js';
export * from './models.js';
export * from './servers.js';
export * from './planner.js';
export * from './scaling.js';
export * from './placement.js';
export * from './report.js';
