import type { ButcherTableau } from './tableau.js';
import { type Tensor, tf } from './tf.js';

/** y + h Σ_j w_j k_j, skipping zero weights (one mul per nonzero weight, one addN, one add). */
export function combine(y: Tensor, h: number, w: readonly number[], ks: readonly Tensor[]): Tensor {
  const terms: Tensor[] = [];
  for (let j = 0; j < w.length && j < ks.length; j++) {
    if (w[j] !== 0) terms.push(tf.mul(ks[j], h * w[j]));
  }
  if (terms.length === 0) return tf.clone(y);
  return tf.add(y, terms.length === 1 ? terms[0] : tf.addN(terms));
}

/**
 * The stages of one explicit Runge–Kutta step from (t, y) with step h. `k1` = f(t, y) may be
 * given (first-same-as-last reuse); otherwise it is evaluated. Returns the stages and y₁.
 */
export function rkStep(
  f: (t: number, y: Tensor) => Tensor,
  tab: ButcherTableau,
  t: number,
  y: Tensor,
  h: number,
  k1?: Tensor,
): { ks: Tensor[]; y1: Tensor } {
  const ks: Tensor[] = [k1 ?? f(t, y)];
  for (let i = 1; i < tab.c.length; i++) {
    ks.push(f(t + tab.c[i] * h, combine(y, h, tab.a[i], ks)));
  }
  return { ks, y1: combine(y, h, tab.b, ks) };
}
