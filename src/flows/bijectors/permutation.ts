import { type Tensor, tf } from '../../../solvers/tf.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';
import { seededPermutation } from '../init.js';

/** A fixed permutation of the last axis: y[..., i] = x[..., perm[i]]; logDet = 0. */
export class Permutation implements Bijector {
  readonly name = 'permutation';
  readonly params: tf.Variable[] = [];
  private readonly fwd: Tensor;
  private readonly bwd: Tensor;

  /**
   * A fixed permutation of the last axis.
   *
   * @param perm The permutation: output i takes input `perm[i]`.
   */
  constructor(readonly perm: readonly number[]) {
    const n = perm.length;
    const seen = new Set(perm);
    if (seen.size !== n || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= n)) {
      throw new Error(`permutation: [${perm.join(', ')}] is not a permutation of 0..${n - 1}`);
    }
    const inv = new Array<number>(n);
    perm.forEach((p, i) => {
      inv[p] = i;
    });
    // As matrices: tf.gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks.
    const p = new Float32Array(n * n);
    perm.forEach((src, i) => {
      p[src * n + i] = 1;
    });
    this.fwd = tf.keep(tf.tensor2d(p, [n, n]));
    this.bwd = tf.keep(tf.transpose(this.fwd));
  }

  private apply(x: Tensor, m: Tensor): Tensor {
    const n = this.perm.length;
    return tf.reshape(tf.matMul(tf.reshape(x, [-1, n]), m as tf.Tensor2D), x.shape);
  }

  forward(x: Tensor): ForwardResult {
    return tf.tidy(() => ({ y: this.apply(x, this.fwd), logDet: tf.zeros([x.shape[0]]) }));
  }

  inverse(y: Tensor): InverseResult {
    return tf.tidy(() => ({ x: this.apply(y, this.bwd), logDet: tf.zeros([y.shape[0]]) }));
  }
}

/**
 * Permutation of the last axis: `'reverse'`, a seeded random one (`{ seed }`), or an explicit array.
 *
 * @param n Size of the last axis.
 * @param kind `'reverse'` (default), `{ seed }` for a seeded random permutation, or the permutation itself.
 */
export function permutation(
  n: number,
  kind: 'reverse' | { seed: number } | readonly number[] = 'reverse',
): Permutation {
  if (kind === 'reverse') return new Permutation(Array.from({ length: n }, (_, i) => n - 1 - i));
  if (Array.isArray(kind)) return new Permutation(kind as number[]);
  return new Permutation(seededPermutation(n, (kind as { seed: number }).seed));
}
