import { combine } from './rk-step.js';
import type { DenseOutput } from './tableau.js';
import { type Tensor, tf } from './tf.js';

/**
 * Evaluates a step's continuous extension at θ ∈ [0, 1]: y(t + θh) from y, y₁, the stages
 * `ks` (s of them, then f(t + h, y₁)) and the step h.
 */
export function denseEval(
  dense: DenseOutput,
  y: Tensor,
  y1: Tensor,
  ks: readonly Tensor[],
  h: number,
  theta: number,
) {
  if (dense.kind === 'polynomial') {
    const w = dense.p.map((row) => {
      let acc = 0;
      let pow = theta;
      for (const coef of row) {
        acc += coef * pow;
        pow *= theta;
      }
      return acc;
    });
    return combine(y, h, w, ks);
  }
  // cubic Hermite: y + h01·(y₁ − y) + h·(h10·f₀ + h11·f₁)
  const th2 = theta * theta;
  const th3 = th2 * theta;
  const h01 = -2 * th3 + 3 * th2;
  const h10 = th3 - 2 * th2 + theta;
  const h11 = th3 - th2;
  return tf.tidy(() => {
    const base = tf.add(y, tf.mul(tf.sub(y1, y), h01));
    return combine(base, h, [h10, h11], [ks[0], ks[ks.length - 1]]);
  });
}
