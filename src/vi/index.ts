export {
  ENERGIES,
  ENERGY_NAMES,
  type Energy,
  type EnergyName,
  energy,
  WALL_WIDTH,
  WINDOW,
  wall,
} from './energies.js';
export { type LogPartitionOptions, logPartition } from './log-z.js';
export {
  ENERGY_FIT_KINDS,
  type EnergyFitKind,
  type EnergyFitModelOptions,
  energyFitModel,
} from './models.js';
export {
  fitReverseKl,
  type KlEstimate,
  klEstimate,
  ReverseKlDivergedError,
  type ReverseKlOptions,
  type ReverseKlResult,
  reverseKlLoss,
  type SampleScorer,
} from './reverse-kl.js';
