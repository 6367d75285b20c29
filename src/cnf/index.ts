export { type AdjointLossAndGradients, adjointLossAndGradientsAsync } from './adjoint-train.js';
export {
  type CnfAdjointCall,
  CnfAdjointPass,
  CnfBlock,
  type CnfBlockSettings,
  type DivergenceKind,
} from './block.js';
export { CNF, cnfBlocks, type FlowResult, type TrainLossOptions } from './cnf.js';
export { augmentedDynamics, type Regularizers, type StateLayout, stateLayout } from './dynamics.js';
export { withEndTimeGradient } from './end-time.js';
export { cnfFromConfig, readCnfOptions } from './from-config.js';
export { fusedDynamics } from './fused.js';
export { buildFusedOp, type FusedOp } from './fused-op.js';
export { type ActivationCore, activationCore, type FusedParams, type FusedSpec } from './fused-spec.js';
export { type CnfConfig, type CnfOptions, resolveCnfOptions, type SolverSettings } from './options.js';
export { FFJORD_TOY } from './presets.js';
export { FFJORD_SOLVER } from './solver-defaults.js';
