export * from './trace.js';
export * from './profile.js';
export * from './scalers.js';
export * from './engine.js';
export * from './replay.js';
export * from './report.js';
export * from './deployments.js';
export * from './facade.js';
