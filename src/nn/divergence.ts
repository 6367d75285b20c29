import { type Tensor, tf } from '../../solvers/tf.js';
import { randomNormal } from '../core/random.js';
import type { VectorField } from './mlp.js';

/** Distribution of Hutchinson's probe vectors. */
export type NoiseKind = 'gaussian' | 'rademacher';

/** The noise kinds, for validation and help text. */
export const NOISE_KINDS: readonly NoiseKind[] = ['gaussian', 'rademacher'];

/**
 * Probe vectors of the given shape with E[ε] = 0 and E[εεᵀ] = I: standard normal or uniform ±1.
 * A seed makes them reproducible.
 *
 * @param kind `'gaussian'` or `'rademacher'`.
 * @param shape Shape of the probes.
 * @param seed Seed; unseeded when omitted.
 */
export function probeNoise(kind: NoiseKind, shape: number[], seed?: number): Tensor {
  if (kind === 'gaussian') return randomNormal(shape, 0, 1, seed);
  if (kind === 'rademacher') {
    return tf.tidy(() =>
      tf.sub(tf.mul(tf.cast(tf.less(tf.randomUniform(shape, 0, 1, 'float32', seed), 0.5), 'float32'), 2), 1),
    );
  }
  throw new Error(`unknown noise '${String(kind)}': expected one of ${NOISE_KINDS.join(', ')}`);
}

/**
 * f(t, x) [B, D] and its exact divergence tr ∂f/∂x [B], all D unit tangents in one pass.
 *
 * @param field The vector field.
 * @param t Time.
 * @param x State `[B, D]`.
 *
 * @example
 * const field = mlpField({ dim: 2, hidden: [32, 32] });
 * const { f, div } = divergence(field, 0.5, tf.randomNormal([100, 2])); // f [100, 2], div [100]
 */
export function divergence(
  field: VectorField,
  t: number,
  x: Tensor,
): {
  /** f(t, x) `[B, D]`. */
  f: Tensor;
  /** The divergence (or its estimate) `[B]`. */
  div: Tensor;
} {
  return tf.tidy(() => {
    const { f, jv } = field.jvp(t, x, 'identity');
    const d = field.dim;
    // jv[k, b, :] = J_b e_k; the trace picks component k of row k
    const eye = tf.reshape(tf.eye(d), [d, 1, d]);
    return { f, div: tf.sum(tf.mul(jv, eye), [0, 2]) };
  });
}

/**
 * f(t, x) [B, D] and Hutchinson's estimate εᵀ J ε [B] of the divergence, for probes ε [B, D].
 *
 * @param field The vector field.
 * @param t Time.
 * @param x State `[B, D]`.
 * @param eps Probes ε `[B, D]` (e.g. from {@link probeNoise}).
 *
 * @example
 * const x = tf.randomNormal([100, 8]);
 * const eps = probeNoise('rademacher', [100, 8], 0);
 * const { div } = hutchinson(mlpField({ dim: 8 }), 0.5, x, eps); // unbiased estimate of tr ∂f/∂x, [100]
 */
export function hutchinson(
  field: VectorField,
  t: number,
  x: Tensor,
  eps: Tensor,
): {
  /** f(t, x) `[B, D]`. */
  f: Tensor;
  /** The divergence (or its estimate) `[B]`. */
  div: Tensor;
} {
  return tf.tidy(() => {
    const { f, jv } = field.jvp(t, x, tf.expandDims(eps, 0));
    return { f, div: tf.sum(tf.mul(tf.squeeze(jv, [0]), eps), 1) };
  });
}
