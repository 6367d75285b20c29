export { type CheckDataOptions, checkData, DataError, type DataLike } from './check.js';
export { csvValues, csvWidth, parseCsv } from './csv-parse.js';
export {
  type IrregularSpirals,
  type IrregularSpiralsOptions,
  irregularSpirals,
} from './irregular-spirals.js';
export { Rng } from './rng.js';
export { isToyName, type Sampler, toyData, toyNames, toySampler, toySpec } from './toy.js';
export { besselI0Scaled, toyDensity, toyEntropy } from './toy-entropy.js';
export { TOY_SPECS, type ToyName, type ToySpec } from './toy-specs.js';
