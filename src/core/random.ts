import { type Tensor, tf } from '../../solvers/tf.js';

/**
 * The seed given to tfjs for a requested seed of 0. tfjs's Gaussian sampler takes a falsy seed for
 * "no seed" (`seed ? seed : Math.random()`), so `tf.randomNormal(…, 0)` draws differently on every
 * call; 0 is the default seed of many odeflow APIs. (Its uniform sampler honours 0.)
 */
const SEED_FOR_ZERO = 0.5;

/**
 * Gaussian draws N(mean, std²) `[shape]` (float32) through `tf.randomNormal`, reproducible for every
 * seed, 0 included (see {@link SEED_FOR_ZERO}); unseeded when `seed` is undefined. The one way
 * odeflow draws Gaussian tensors.
 *
 * @param shape Shape of the draw.
 * @param mean Mean. Default 0.
 * @param std Standard deviation. Default 1.
 * @param seed Seed; the same seed gives the same draw.
 */
export function randomNormal(shape: readonly number[], mean = 0, std = 1, seed?: number): Tensor {
  return tf.randomNormal([...shape], mean, std, 'float32', seed === 0 ? SEED_FOR_ZERO : seed);
}
