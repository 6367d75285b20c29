import { type Tensor, tf } from '../../../solvers/tf.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';
import { constVariable } from '../init.js';

/** Diagonal scaling y = x ⊙ exp(s) over the flattened event (NICE's last layer); logDet = Σ s. */
export class DiagonalScaling implements Bijector {
  readonly name = 'diagonalScaling';
  readonly params: tf.Variable[];
  /** s `[d]`, the log-scales (0 at initialisation). */
  readonly logScale: tf.Variable;

  /**
   * A diagonal scaling initialised to the identity.
   *
   * @param d Number of elements of the flattened event.
   */
  constructor(
    /** Number of elements of the flattened event. */
    readonly d: number,
  ) {
    this.logScale = constVariable([d], 0, 'logScale');
    this.params = [this.logScale];
  }

  forward(x: Tensor): ForwardResult {
    return tf.tidy(() => {
      const b = x.shape[0];
      const y = tf.mul(tf.reshape(x, [b, this.d]), tf.exp(this.logScale));
      return { y: tf.reshape(y, x.shape), logDet: tf.mul(tf.ones([b]), tf.sum(this.logScale)) };
    });
  }

  inverse(y: Tensor): InverseResult {
    return tf.tidy(() => {
      const b = y.shape[0];
      const x = tf.mul(tf.reshape(y, [b, this.d]), tf.exp(tf.neg(this.logScale)));
      return { x: tf.reshape(x, y.shape), logDet: tf.mul(tf.ones([b]), tf.neg(tf.sum(this.logScale))) };
    });
  }
}

/**
 * Learned diagonal scaling of a `d`-element event, initialised to the identity.
 *
 * @param d Number of elements of the flattened event.
 */
export function diagonalScaling(d: number): DiagonalScaling {
  return new DiagonalScaling(d);
}
