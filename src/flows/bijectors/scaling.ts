import { type Tensor, tf } from '../../../solvers/tf.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';
import { constVariable } from '../init.js';

/** Diagonal scaling y = x ⊙ exp(s) over the flattened event (NICE's last layer); logDet = Σ s. */
export class DiagonalScaling implements Bijector {
  readonly name = 'diagonalScaling';
  readonly params: tf.Variable[];
  readonly logScale: tf.Variable;

  constructor(readonly d: number) {
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

/** Learned diagonal scaling of a `d`-element event, initialised to the identity. */
export function diagonalScaling(d: number): DiagonalScaling {
  return new DiagonalScaling(d);
}
