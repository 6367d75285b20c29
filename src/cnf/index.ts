import type { ModelConfig } from '../model.js';
import { registerModel } from '../registry.js';
import { CNF } from './cnf.js';
import type { CnfOptions } from './options.js';

export { CNF, type FlowResult, type TrainLossOptions } from './cnf.js';
export { augmentedDynamics, type Regularizers, type StateLayout, stateLayout } from './dynamics.js';
export { withEndTimeGradient } from './end-time.js';
export { fusedDynamics } from './fused.js';
export {
  type ActivationCore,
  activationCore,
  buildFusedOp,
  type FusedOp,
  type FusedSpec,
} from './fused-op.js';
export { type CnfConfig, type CnfOptions, resolveCnfOptions, type SolverSettings } from './options.js';

/** Rebuilds a CNF (fresh variables) from its config. */
export function cnfFromConfig(config: ModelConfig): CNF {
  return new CNF(config as unknown as CnfOptions);
}

registerModel('cnf', cnfFromConfig);

export { FFJORD_TOY } from './presets.js';
