/**
 * odeflow: neural ODEs and continuous normalizing flows on TensorFlow.js.
 * The package root re-exports the solvers and everything built on them.
 */
export * from '../solvers/index.js';
export { type BackendName, BackendUnavailableError, initBackend, ready } from './backend.js';
export * from './cnf/index.js';
export { Chain, chain, Invert, invert } from './core/chain.js';
export { ConfigReader } from './core/config-reader.js';
export {
  type Dequantizer,
  FlowModel,
  type FlowModelOptions,
  type SampleWithLogProb,
} from './core/flow-model.js';
export { standardNormalLogProb } from './core/normal.js';
export type { Bijector, Extras, ForwardResult, InverseResult, PassMode, PassPlan } from './core/transform.js';
export * from './data/index.js';
export * from './flowmatch/index.js';
export * from './flows/index.js';
export { type ElboTerms, LatentODE, type LatentODEOptions } from './latent/latent-ode.js';
export type { DensityModel, LossInfo, ModelConfig, TrainPass } from './model.js';
export * from './nn/index.js';
export * from './plot/index.js';
export * from './train/index.js';
export * from './vae/index.js';
export { ConfigError } from './validate.js';
export * from './vi/index.js';
