import { type Tensor, tf } from '../../solvers/tf.js';

/**
 * A Gaussian conditional probability path between a source point x0 and a data point x1:
 * x_t = μ_t + σ_t·ε with μ_t = (1 − t)·x0 + t·x1 and σ_t = σ (constant), as in I-CFM and
 * OT-CFM (Tong et al. 2024); σ = 0 is rectified flow (Liu et al. 2023). Noise at t = 0, data
 * at t = 1.
 */
export interface PathSample {
  /** Points on the path, [B, D]. */
  xt: Tensor;
  /** The regression target: the conditional velocity u_t(x_t | x0, x1), [B, D]. */
  ut: Tensor;
}

/**
 * Samples x_t on the path and returns the conditional velocity there. For the path above,
 * u_t = dμ_t/dt + (dσ_t/dt / σ_t)·(x_t − μ_t) = x1 − x0 (σ constant).
 *
 * @param x0 Source points `[B, D]`.
 * @param x1 Data points `[B, D]`.
 * @param t times in [0, 1], shape [B, 1]
 * @param sigma Path width σ ≥ 0.
 * @param eps standard normal noise, [B, D] (ignored when sigma = 0)
 */
export function gaussianPath(x0: Tensor, x1: Tensor, t: Tensor, sigma: number, eps?: Tensor): PathSample {
  return tf.tidy(() => {
    const mu = tf.add(tf.mul(tf.sub(1, t), x0), tf.mul(t, x1));
    const xt = sigma > 0 && eps ? tf.add(mu, tf.mul(eps, sigma)) : mu;
    return { xt, ut: tf.sub(x1, x0) };
  });
}
