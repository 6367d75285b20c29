/** Discrete normalizing flows: one bijector interface, the layers, and the flow models. */

export { Chain, chain, Invert, invert } from '../core/chain.js';
export { FlowModel, type FlowModelOptions, type SampleWithLogProb } from '../core/flow-model.js';
export {
  type Bijector,
  eventSize,
  type ForwardResult,
  type InverseResult,
  sumExceptBatch,
} from './bijector.js';
export { ActNorm, actNorm } from './bijectors/actnorm.js';
export { Coupling, type CouplingOptions, coupling, type ScaleBound } from './bijectors/coupling.js';
export { LuLinear, luLinear } from './bijectors/lu-linear.js';
export { Made } from './bijectors/made.js';
export { MafLayer, type MafLayerOptions, mafLayer } from './bijectors/maf.js';
export { MultiScale, multiScale } from './bijectors/multiscale.js';
export { Permutation, permutation } from './bijectors/permutation.js';
export { Planar, planarLayer } from './bijectors/planar.js';
export { Radial, radialLayer } from './bijectors/radial.js';
export { type RqSplineResult, type RqSplineShape, rqParamCount, rqSpline } from './bijectors/rq-spline.js';
export { DiagonalScaling, diagonalScaling } from './bijectors/scaling.js';
export { Logit, logit, Sigmoid, sigmoid } from './bijectors/sigmoid.js';
export {
  SplineAutoregressive,
  type SplineAutoregressiveOptions,
  splineAutoregressive,
} from './bijectors/spline-autoregressive.js';
export { SplineCoupling, type SplineCouplingOptions, splineCoupling } from './bijectors/spline-coupling.js';
export { Squeeze, squeeze } from './bijectors/squeeze.js';
export {
  bitsPerDim,
  type Dequantizer,
  UniformDequantizer,
  VariationalDequantizer,
} from './dequantize.js';
export { type FfjordMultiscaleOptions, ffjordMultiscale } from './ffjord-multiscale.js';
export {
  ffjordMultiscaleFromConfig,
  glowFromConfig,
  mafFromConfig,
  niceFromConfig,
  planarFromConfig,
  radialFromConfig,
  realNVPFromConfig,
} from './from-config.js';
export { type GlowOptions, glow, glowStep } from './glow.js';
export type { ImageOptions } from './image.js';
export { type MafOptions, maf } from './maf.js';
export { channelMask, checkerboardMask, halfMask } from './masks.js';
export { type NiceOptions, nice } from './nice.js';
export { type NsfOptions, nsf } from './nsf.js';
export { type RealNVPOptions, realNVP } from './realnvp.js';
export { planar, type RmFlowOptions, radial } from './rm-flows.js';
export { solveMonotone } from './scalar-solve.js';
