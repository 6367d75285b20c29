export { type CheckDataOptions, checkData, DataError, type DataLike } from './check.js';
export { csvWidth, parseCsv } from './csv-parse.js';
export { Rng } from './rng.js';
export { isToyName, type Sampler, toyData, toyNames, toySampler, toySpec } from './toy.js';
export { TOY_SPECS, type ToyName, type ToySpec } from './toy-specs.js';
