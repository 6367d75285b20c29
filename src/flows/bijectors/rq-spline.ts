import { type Tensor, tf } from '../../../solvers/tf.js';

/** Shape settings of a rational-quadratic spline (Durkan et al. 2019). */
export interface RqSplineShape {
  /** Number of bins K. */
  readonly bins: number;
  /** The spline acts on [−B, B]; outside it is the identity (linear tails). */
  readonly tailBound: number;
  /** Smallest bin width, as a fraction of 2B. Default 1e-3. */
  readonly minBinWidth?: number;
  /** Smallest bin height, as a fraction of 2B. Default 1e-3. */
  readonly minBinHeight?: number;
  /** Smallest knot derivative. Default 1e-3. */
  readonly minDerivative?: number;
}

/**
 * The spline shape from a layer's options (bins default 8, tail bound default 5), validated.
 *
 * @param opts The layer's `bins` and `tailBound`.
 * @param who Layer name, for messages.
 */
export function splineShape(
  opts: { readonly bins?: number; readonly tailBound?: number },
  who: string,
): RqSplineShape {
  const shape = { bins: opts.bins ?? 8, tailBound: opts.tailBound ?? 5 };
  if (!(Number.isInteger(shape.bins) && shape.bins >= 2))
    throw new Error(`${who}: bins = ${shape.bins}; expected an integer ≥ 2`);
  if (!(shape.tailBound > 0))
    throw new Error(`${who}: tailBound = ${shape.tailBound}; expected a number > 0`);
  return shape;
}

/**
 * Unnormalised parameters per element: 3K − 1 numbers (K widths, K heights, K − 1 inner derivatives).
 *
 * @param bins Number of bins K.
 */
export function rqParamCount(bins: number): number {
  return 3 * bins - 1;
}

/** A spline's image and log|dy/dx| per element (same shape as the input). */
export interface RqSplineResult {
  /** The spline's image (or preimage, for `inverse`), shape of the input. */
  readonly out: Tensor;
  /** log|dy/dx| (or log|dx/dy| for `inverse`) per element. */
  readonly logAbsDet: Tensor;
}

/**
 * Evaluates monotone rational-quadratic splines elementwise. `x` is `[N, D]`; `params` is
 * `[N, D, 3K − 1]` (widths, heights, inner derivatives, unnormalised). Widths and heights go
 * through a softmax (with a floor), derivatives through softplus (with a floor, shifted so that
 * all-zero parameters give the identity); the boundary derivatives are 1, so the map joins the
 * identity tails with a continuous derivative.
 *
 * Inputs outside [−B, B] are passed through with log-det 0. The spline branch is evaluated at the
 * input clamped into the interval, so no branch ever sees a value that makes it NaN or infinite —
 * a `where` with a NaN branch poisons the gradient (the trap fixed in nflows PR #25).
 *
 * @param x Inputs `[N, D]`.
 * @param params Unnormalised parameters `[N, D, 3K − 1]`.
 * @param shape Bins, tail bound and floors; see {@link RqSplineShape}.
 * @param inverse Evaluate the inverse spline instead.
 */
export function rqSpline(x: Tensor, params: Tensor, shape: RqSplineShape, inverse: boolean): RqSplineResult {
  return tf.tidy(() => {
    const K = shape.bins;
    const B = shape.tailBound;
    const minW = shape.minBinWidth ?? 1e-3;
    const minH = shape.minBinHeight ?? 1e-3;
    const minD = shape.minDerivative ?? 1e-3;
    const [n, d] = x.shape as [number, number];
    const uw = tf.slice(params, [0, 0, 0], [n, d, K]);
    const uh = tf.slice(params, [0, 0, K], [n, d, K]);
    const ud = tf.slice(params, [0, 0, 2 * K], [n, d, K - 1]);
    const widths = tf.add(tf.mul(tf.softmax(uw), 2 * B * (1 - minW * K)), 2 * B * minW); // [n, d, K]
    const heights = tf.add(tf.mul(tf.softmax(uh), 2 * B * (1 - minH * K)), 2 * B * minH);
    // softplus(c) = 1 − minD: zero parameters give derivative 1 at every knot
    const c = Math.log(Math.expm1(1 - minD));
    const inner = tf.add(tf.softplus(tf.add(ud, c)), minD);
    const one = tf.ones([n, d, 1]);
    const derivs = tf.concat([one, inner, one], 2); // [n, d, K + 1]
    // left edges: exclusive cumulative sums of the widths (heights), shifted to start at −B
    const left = (w: Tensor) => tf.sub(tf.cumsum(w, 2, true), B);
    const xLeft = left(widths);
    const yLeft = left(heights);
    const inside = tf.greaterEqual(B, tf.abs(x)); // (GreaterEqual has a (zero) gradient in tfjs; LessEqual and LogicalAnd have none)
    const v = tf.clipByValue(x, -B, B); // what the spline sees
    // bin of each element: the last left edge ≤ v (edges of the input, or of the output when inverting)
    const edges = inverse ? yLeft : xLeft;
    const ge = tf.cast(tf.greaterEqual(tf.expandDims(v, 2), edges), 'float32'); // [n, d, K], ge[0] = 1
    const next = tf.concat([tf.slice(ge, [0, 0, 1], [n, d, K - 1]), tf.zeros([n, d, 1])], 2);
    const onehot = tf.sub(ge, next);
    const pick = (q: Tensor) => tf.sum(tf.mul(onehot, q), 2);
    const xk = pick(xLeft);
    const wk = pick(widths);
    const yk = pick(yLeft);
    const hk = pick(heights);
    const dk = pick(tf.slice(derivs, [0, 0, 0], [n, d, K]));
    const dk1 = pick(tf.slice(derivs, [0, 0, 1], [n, d, K]));
    const s = tf.div(hk, wk);
    const sum2s = tf.sub(tf.add(dk, dk1), tf.mul(s, 2)); // δ_k + δ_{k+1} − 2s
    let xi: Tensor;
    let out: Tensor;
    if (!inverse) {
      // (not clipped: rounding can put ξ a hair outside [0, 1] at a knot, and a clip there would
      // zero the derivative; the rational function is smooth across)
      xi = tf.div(tf.sub(v, xk), wk);
      const xi1 = tf.mul(xi, tf.sub(1, xi));
      const num = tf.mul(hk, tf.add(tf.mul(s, tf.square(xi)), tf.mul(dk, xi1)));
      const den = tf.add(s, tf.mul(sum2s, xi1));
      out = tf.add(yk, tf.div(num, den));
    } else {
      const dy = tf.sub(v, yk);
      const a = tf.add(tf.mul(hk, tf.sub(s, dk)), tf.mul(dy, sum2s));
      const b = tf.sub(tf.mul(hk, dk), tf.mul(dy, sum2s));
      const cc = tf.neg(tf.mul(s, dy));
      const disc = tf.maximum(tf.sub(tf.square(b), tf.mul(tf.mul(a, cc), 4)), 1e-30);
      // the root in [0, 1], in the form without cancellation: 2c / (−b − √disc)
      xi = tf.div(tf.mul(cc, 2), tf.sub(tf.neg(b), tf.sqrt(disc)));
      out = tf.add(xk, tf.mul(xi, wk));
    }
    // dy/dx = s² (δ_{k+1} ξ² + 2 s ξ(1−ξ) + δ_k (1−ξ)²) / (s + (δ_k + δ_{k+1} − 2s) ξ(1−ξ))²
    const om = tf.sub(1, xi);
    const xi1 = tf.mul(xi, om);
    const numD = tf.addN([tf.mul(dk1, tf.square(xi)), tf.mul(tf.mul(s, 2), xi1), tf.mul(dk, tf.square(om))]);
    const den = tf.add(s, tf.mul(sum2s, xi1));
    const logDer = tf.sub(tf.add(tf.mul(tf.log(s), 2), tf.log(numD)), tf.mul(tf.log(den), 2));
    const zero = tf.zerosLike(x);
    return {
      out: tf.where(inside, out, x),
      logAbsDet: tf.where(inside, inverse ? tf.neg(logDer) : logDer, zero),
    };
  });
}
