import type { CountedFunc } from './counted.js';
import { rmsNorm } from './norm.js';
import { type Tensor, tf } from './tf.js';

/**
 * Hairer's initial step heuristic (Solving ODEs I, II.4, and HINIT in DOPRI5): a step whose
 * explicit-Euler error estimate is 0.01 in the tolerance-scaled norm. One extra evaluation of f.
 * Returns the magnitude.
 */
export function initialStep(
  f: CountedFunc,
  t0: number,
  y0: Tensor,
  f0: Tensor,
  dir: 1 | -1,
  order: number,
  rtol: number,
  atol: number,
  hmax: number,
): number {
  return tf.tidy(() => {
    const scale = tf.add(tf.mul(tf.abs(y0), rtol), atol);
    const [d0, d1] = tf.stack([rmsNorm(y0, scale), rmsNorm(f0, scale)]).dataSync();
    let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
    h0 = Math.min(h0, hmax);
    const y1 = tf.add(y0, tf.mul(f0, dir * h0));
    const f1 = f(t0 + dir * h0, y1);
    const d2 = rmsNorm(tf.sub(f1, f0), scale).dataSync()[0] / h0;
    const der12 = Math.max(Math.abs(d2), d1);
    const h1 = der12 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / der12) ** (1 / order);
    const h = Math.min(100 * h0, h1, hmax);
    return Number.isFinite(h) && h > 0 ? h : 1e-6;
  });
}
