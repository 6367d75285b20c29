import { type Tensor, tf } from '../../solvers/tf.js';
import type { OdeFunc } from '../../solvers/types.js';

/**
 * Attaches the gradient with respect to a trainable end time T = s² to a solution y(T):
 * returns y(T) + (s − s̄)·2s̄·F(T, y(T)) where s̄ and F(T, y(T)) enter as constants. Its value is
 * y(T) exactly (s − s̄ = 0) and its derivative in s is ∂y(T)/∂s = F(T, y(T))·dT/ds, the
 * derivative of the flow at its end time. The solver's output times stay plain numbers (the
 * step sequence does not depend on a tensor); the cost is one extra evaluation of F per solve.
 *
 * @param F The dynamics that were integrated.
 * @param yT The solver's state at the end time T.
 * @param s The end-time variable s, T = s².
 * @param T The end time T used by the solve (a number).
 */
export function withEndTimeGradient(F: OdeFunc, yT: Tensor, s: tf.Variable, T: number): Tensor {
  const sBar = s.dataSync()[0];
  const rate = tf.tidy(() => {
    const v = F(T, yT);
    return tf.tensor(v.dataSync(), v.shape, 'float32');
  });
  return tf.add(yT, tf.mul(tf.sub(s, sBar), tf.mul(rate, 2 * sBar)));
}

/**
 * {@link withEndTimeGradient} without any read, for a replayed solve under the tape on backends
 * without synchronous reads: `T` is the end time read when the steps were planned. Its value is
 * y(T), its derivative in s is F(T, y(T))·2s.
 */
export function withEndTimeGradientNoRead(F: OdeFunc, yT: Tensor, s: tf.Variable, T: number): Tensor {
  const op = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const [y, sv, save] = args as [Tensor, Tensor, tf.GradSaveFunc];
    const rate = tf.tidy(() => F(T, y));
    save([rate, sv]);
    return {
      value: tf.clone(y),
      gradFunc: (dy: Tensor, saved: Tensor[]) => [
        dy,
        tf.mul(tf.sum(tf.mul(dy, saved[0])), tf.mul(saved[1], 2)),
      ],
    };
  });
  return op(yT, s);
}
