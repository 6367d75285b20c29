/**
 * odeflow: neural ODEs and continuous normalizing flows on TensorFlow.js.
 * The package root re-exports the solvers and everything built on them.
 */
export * from '../solvers/index.js';
export { type BackendName, BackendUnavailableError, initBackend } from './backend.js';
export type { DensityModel, LossInfo, ModelConfig } from './model.js';
export * from './plot/index.js';
