export { CnfBlock, type CnfBlockSettings, type DivergenceKind } from './block.js';
export { CNF, cnfBlocks, type FlowResult, type TrainLossOptions } from './cnf.js';
export { augmentedDynamics, type Regularizers, type StateLayout, stateLayout } from './dynamics.js';
export { withEndTimeGradient } from './end-time.js';
export { cnfFromConfig, readCnfOptions } from './from-config.js';
export { fusedDynamics } from './fused.js';
export {
  type ActivationCore,
  activationCore,
  buildFusedOp,
  type FusedOp,
  type FusedSpec,
} from './fused-op.js';
export { type CnfConfig, type CnfOptions, resolveCnfOptions, type SolverSettings } from './options.js';
export { FFJORD_TOY } from './presets.js';
export { FFJORD_SOLVER } from './solver-defaults.js';
