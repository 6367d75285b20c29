import { type Tensor, tf } from '../../solvers/tf.js';
import type { JvpOptions, JvpResult, Tangents, VectorField } from '../nn/mlp.js';

/**
 * Converts a flow-matching field v (noise at t = 0, data at t = 1) into the CNF's convention
 * (data at s = 0, noise at s = 1): f(s, x) = −v(1 − s, x), with its JVP. The CNF integrates f
 * from 0 to T = 1 for log-densities and back for samples; the user never flips time.
 *
 * @param v A flow-matching field (noise at t = 0, data at t = 1).
 */
export function dataToNoise(v: VectorField): VectorField {
  const value = (s: number, x: Tensor, context?: Tensor): Tensor =>
    tf.tidy(() => tf.neg(v(1 - s, x, context)));
  const jvp = (s: number, x: Tensor, tangents: Tangents, o?: JvpOptions): JvpResult =>
    tf.tidy(() => {
      const r = v.jvp(1 - s, x, tangents, o);
      return { f: tf.neg(r.f), jv: tf.neg(r.jv) };
    });
  return Object.assign(value, { params: v.params, dim: v.dim, layers: v.layers, config: v.config, jvp });
}
