import { type Tensor, tf } from './tf.js';

/** Error scale atol + rtol · max(|y0|, |y1|) (Hairer, Solving ODEs I, II.4). */
export function errorScale(y0: Tensor, y1: Tensor, rtol: number, atol: number): Tensor {
  return tf.add(tf.mul(tf.maximum(tf.abs(y0), tf.abs(y1)), rtol), atol);
}

/** Root-mean-square norm of x / scale, as a scalar tensor. */
export function rmsNorm(x: Tensor, scale: Tensor): Tensor {
  return tf.sqrt(tf.mean(tf.square(tf.div(x, scale))));
}
