export { ACTIVATIONS, type Activation, type ActivationName, activation } from './activations.js';
export { divergence, hutchinson, NOISE_KINDS, type NoiseKind, probeNoise } from './divergence.js';
export { LAYER_KINDS, type LayerKind, type LayerWeights, type TimeLayer } from './layers.js';
export {
  isMlpField,
  type JvpOptions,
  type JvpResult,
  type MlpField,
  type MlpFieldConfig,
  type MlpFieldOptions,
  mlpField,
  resolveMlpOptions,
  type Tangents,
  type Time,
  type VectorField,
} from './mlp.js';
