export { type ModelFactory, modelFromConfig, registeredKinds, registerModel } from '../registry.js';
export { AdamW, type AdamWOptions, type NamedTensor } from './adamw.js';
export {
  type Evaluation,
  evaluate,
  type ImageInfo,
  imageInfo,
  meanNll,
  nllToBitsPerDim,
} from './evaluate.js';
export { type GridDensity, type GridOptions, gridLogProb } from './grid.js';
export { type IterationRecord, nfeBackward, nfeForward } from './history.js';
export {
  availableKinds,
  type CreateOptions,
  createModel,
  loadModelKinds,
  MODEL_TABLE,
  type ModelKindEntry,
} from './models.js';
export {
  duration,
  Progress,
  type ProgressOptions,
  type ProgressSink,
  useColor,
  visibleLength,
} from './progress.js';
export { TrainingDivergedError, type TrainOptions, type TrainResult, train } from './train.js';
