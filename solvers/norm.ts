import { type Tensor, tf } from './tf.js';

/** Error scale atol + rtol · max(|y0|, |y1|) (Hairer, Solving ODEs I, II.4). */
export function errorScale(y0: Tensor, y1: Tensor, rtol: number, atol: number): Tensor {
  return tf.add(tf.mul(tf.maximum(tf.abs(y0), tf.abs(y1)), rtol), atol);
}

/** Root-mean-square norm of x / scale, as a scalar tensor. */
export function rmsNorm(x: Tensor, scale: Tensor): Tensor {
  return tf.sqrt(tf.mean(tf.square(tf.div(x, scale))));
}

/** The leading `n` elements of x flattened (all of x when n is undefined or ≥ its size): a seminorm's part. */
export function leading(x: Tensor, n: number | undefined): Tensor {
  return n === undefined || n >= x.size ? x : tf.slice(tf.reshape(x, [-1]), 0, n);
}
