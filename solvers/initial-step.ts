import type { CountedFunc } from './counted.js';
import { leading, rmsNorm } from './norm.js';
import type { Reads } from './reads.js';
import { type Tensor, tf } from './tf.js';

/**
 * Hairer's initial step heuristic (Solving ODEs I, II.4, and HINIT in DOPRI5): a step whose
 * explicit-Euler error estimate is 0.01 in the tolerance-scaled norm. One extra evaluation of f
 * and one read. `d0d1` are ‖y0‖ and ‖f0‖ in the scaled norm, read by the caller. Norms cover the
 * leading `normLength` elements only when given (the adjoint's seminorm). Returns the magnitude.
 */
export function* initialStep(
  f: CountedFunc,
  t0: number,
  y0: Tensor,
  f0: Tensor,
  d0d1: readonly [number, number],
  dir: 1 | -1,
  order: number,
  o: { rtol: number; atol: number; normLength?: number },
  hmax: number,
): Reads<number> {
  const [d0, d1] = d0d1;
  let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  h0 = Math.min(h0, hmax);
  const d2Tensor = tf.tidy(() => {
    const y1 = tf.add(y0, tf.mul(f0, dir * h0));
    const f1 = f(t0 + dir * h0, y1);
    const y = leading(y0, o.normLength);
    return rmsNorm(tf.sub(leading(f1, o.normLength), leading(f0, o.normLength)), scaleOf(y, o));
  });
  const d2 = (yield d2Tensor)[0] / h0;
  const der12 = Math.max(Math.abs(d2), d1);
  const h1 = der12 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / der12) ** (1 / order);
  const h = Math.min(100 * h0, h1, hmax);
  return Number.isFinite(h) && h > 0 ? h : 1e-6;
}

/** atol + rtol·|y|, the scale of the initial-step norms. */
function scaleOf(y: Tensor, o: { rtol: number; atol: number }): Tensor {
  return tf.add(tf.mul(tf.abs(y), o.rtol), o.atol);
}

/**
 * One read that checks y0 and f0 for NaN/Inf and measures them for the initial step:
 * [y0 finite (1/0), f0 finite (1/0), ‖y0‖, ‖f0‖] (norms over the leading `normLength` elements).
 */
export function startTensor(
  y0: Tensor,
  f0: Tensor,
  o: { rtol: number; atol: number; normLength?: number },
): Tensor {
  return tf.tidy(() => {
    const finite = (x: Tensor) => tf.cast(tf.all(tf.isFinite(x)), 'float32');
    const y = leading(y0, o.normLength);
    const scale = scaleOf(y, o);
    return tf.stack([finite(y0), finite(f0), rmsNorm(y, scale), rmsNorm(leading(f0, o.normLength), scale)]);
  });
}
