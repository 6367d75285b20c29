export { binarise } from './binarise.js';
export {
  POSTERIOR_KINDS,
  type PosteriorFlowOptions,
  type PosteriorKind,
  posteriorFlow,
} from './posterior.js';
export { type TrainVaeOptions, trainVae, VaeDivergedError } from './train.js';
export { type PosteriorDraw, Vae, type VaeOptions } from './vae.js';
