export { linearAssignment } from './assignment.js';
export {
  type CouplingKind,
  type CouplingOptions as OtCouplingOptions,
  couple,
  MAX_EXACT_BATCH,
} from './coupling.js';
export {
  type FlowMatchingConfig,
  FlowMatchingModel,
  type FlowMatchingOptions,
  flowMatchingFromConfig,
} from './model.js';
export {
  type FlowMatchingObjective,
  flowMatchingLoss,
  OBJECTIVES,
  type ObjectiveSettings,
} from './objective.js';
export { gaussianPath, type PathSample } from './paths.js';
export { dataToNoise } from './reverse.js';
export { type SinkhornOptions, type SinkhornResult, sinkhorn } from './sinkhorn.js';
export { type FlowMatchingTrainOptions, flowMatching } from './train.js';
