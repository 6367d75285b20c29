import { type Tensor, tf } from '../../solvers/tf.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log N(z; 0, I) summed over every axis but the batch: `[B, ...] → [B]`. The one base
 * log-density of odeflow's density models (and of the variational dequantizer's noise).
 *
 * @param z Points `[B, ...]`.
 */
export function standardNormalLogProb(z: Tensor): Tensor {
  return tf.tidy(() => {
    const zf = z.rank === 2 ? z : tf.reshape(z, [z.shape[0], -1]);
    const d = zf.shape[1] as number;
    return tf.sub(tf.mul(tf.sum(tf.square(zf), 1), -0.5), d * HALF_LOG_2PI);
  });
}
