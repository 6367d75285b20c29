export { type GridDensity, type GridOptions, gridLogProb } from '../metrics/grid.js';
export { type IterationRecord, nfeBackward, nfeForward } from '../metrics/history.js';
export { AdamW, type AdamWOptions, type NamedTensor } from './adamw.js';
export { AUTO_WORKERS_KINDS, AUTO_WORKERS_MIN_BATCH, autoWorkers } from './auto-workers.js';
export {
  type Evaluation,
  evaluate,
  evaluateAsync,
  type ImageInfo,
  imageInfo,
  meanNll,
  meanNllAsync,
  nllToBitsPerDim,
} from './evaluate.js';
export {
  availableKinds,
  type CreateOptions,
  createModel,
  MODEL_TABLE,
  type ModelKindEntry,
  type ModelTable,
  modelFromConfig,
} from './models.js';
export {
  duration,
  Progress,
  type ProgressOptions,
  type ProgressSink,
  useColor,
  visibleLength,
} from './progress.js';
export {
  combineShards,
  provideShardPool,
  type Shard,
  type ShardPool,
  type ShardPoolFactory,
  type ShardResult,
  ShardWorkerError,
  shardRows,
} from './shards.js';
export { TrainingDivergedError, type TrainOptions, type TrainResult, train } from './train.js';
