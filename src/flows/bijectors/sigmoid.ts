import { type Tensor, tf } from '../../../solvers/tf.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';

/** log σ'(z) = log σ(z) + log σ(−z) = −softplus(−z) − softplus(z), element-wise. */
function logSigmoidDeriv(z: Tensor): Tensor {
  return tf.neg(tf.add(tf.softplus(tf.neg(z)), tf.softplus(z)));
}

function sumRest(t: Tensor): Tensor {
  return t.rank === 1
    ? t
    : tf.sum(
        t,
        Array.from({ length: t.rank - 1 }, (_, i) => i + 1),
      );
}

/**
 * Element-wise sigmoid y = σ(x) (ℝ → (0, 1)). The inverse clips y into [eps, 1 − eps] before the
 * logit so that 0 and 1 (which float32 sigmoid reaches for |x| ≳ 17) map to finite values.
 */
export class Sigmoid implements Bijector {
  readonly name = 'sigmoid';
  readonly params: tf.Variable[] = [];
  /**
   * An element-wise sigmoid.
   *
   * @param eps Clipping margin of the inverse: y is clipped into [eps, 1 − eps]. Default 1e-6.
   */
  constructor(
    /** Clipping margin of the inverse: y is clipped into [eps, 1 − eps]. Default 1e-6. */
    readonly eps = 1e-6,
  ) {}

  forward(x: Tensor): ForwardResult {
    return tf.tidy(() => ({ y: tf.sigmoid(x), logDet: sumRest(logSigmoidDeriv(x)) }));
  }

  inverse(y: Tensor): InverseResult {
    return tf.tidy(() => {
      const p = tf.clipByValue(y, this.eps, 1 - this.eps);
      const x = tf.sub(tf.log(p), tf.log1p(tf.neg(p)));
      return { x, logDet: tf.neg(sumRest(logSigmoidDeriv(x))) };
    });
  }
}

/**
 * Logit preprocessing for data in [0, 1] (RealNVP): p = α + (1 − 2α)·x, y = log p − log(1 − p).
 * α > 0 keeps the image of 0 and 1 finite (−logit(α) bounds |y|); logDet includes the
 * log(1 − 2α) of the squeeze into [α, 1 − α]. Inverse: x = (σ(y) − α)/(1 − 2α).
 */
export class Logit implements Bijector {
  readonly name = 'logit';
  readonly params: tf.Variable[] = [];
  /**
   * A logit layer; throws unless 0 ≤ alpha < 0.5.
   *
   * @param alpha Boundary margin α in [0, 0.5): data is squeezed into [α, 1 − α]. Default 0.05.
   */
  constructor(
    /** Boundary margin α in [0, 0.5): data is squeezed into [α, 1 − α]. Default 0.05. */
    readonly alpha = 0.05,
  ) {
    if (!(alpha >= 0 && alpha < 0.5)) throw new Error(`logit: alpha must be in [0, 0.5); got ${alpha}`);
  }

  forward(x: Tensor): ForwardResult {
    return tf.tidy(() => {
      const p = tf.add(tf.mul(x, 1 - 2 * this.alpha), this.alpha);
      const y = tf.sub(tf.log(p), tf.log1p(tf.neg(p)));
      const perElem = tf.sub(Math.log(1 - 2 * this.alpha), logSigmoidDeriv(y));
      return { y, logDet: sumRest(perElem) };
    });
  }

  inverse(y: Tensor): InverseResult {
    return tf.tidy(() => {
      const x = tf.div(tf.sub(tf.sigmoid(y), this.alpha), 1 - 2 * this.alpha);
      const perElem = tf.sub(logSigmoidDeriv(y), Math.log(1 - 2 * this.alpha));
      return { x, logDet: sumRest(perElem) };
    });
  }
}

/**
 * Element-wise sigmoid bijector.
 *
 * @param eps Clipping margin of the inverse: y is clipped into [eps, 1 − eps]. Default 1e-6.
 */
export function sigmoid(eps = 1e-6): Sigmoid {
  return new Sigmoid(eps);
}

/**
 * Logit preprocessing bijector for data in [0, 1], with boundary margin `alpha` (default 0.05).
 *
 * @param alpha Boundary margin α in [0, 0.5): data is squeezed into [α, 1 − α]. Default 0.05.
 */
export function logit(alpha = 0.05): Logit {
  return new Logit(alpha);
}
