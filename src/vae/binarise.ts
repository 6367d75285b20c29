import { type Tensor, tf } from '../../solvers/tf.js';

/**
 * Binarises integer pixels 0..levels−1 at a fixed threshold: 1 where pixel/(levels − 1) > 0.5.
 *
 * @param pixels Integer pixels 0..levels−1.
 * @param levels Number of pixel levels. Default 17.
 */
export function binarise(pixels: Tensor, levels = 17): Tensor {
  return tf.tidy(() => tf.cast(tf.greater(tf.div(pixels, levels - 1), 0.5), 'float32'));
}
