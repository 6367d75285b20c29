import { type Tensor, tf } from '../../../solvers/tf.js';
import { Rng } from '../../data/rng.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';
import { arrayVariable } from '../init.js';
import { invertMatrix, luDecompose, orthonormalize, toRows } from '../linalg.js';

/**
 * Invertible linear map on the last axis (a 1×1 convolution for images, Glow), parametrised by
 * its LU decomposition W = P·L·(U + diag(s)) with P a fixed permutation, L unit lower triangular,
 * U strictly upper triangular, s = sign ⊙ exp(logS) (sign fixed). y = W·x per position;
 * logDet = (positions per example) · Σ log|s|. Initialised at a seeded random rotation.
 * The inverse applies W⁻¹ computed in float64 from the current values (no gradient to the
 * parameters through `inverse`; gradients to its input flow as usual).
 */
export class LuLinear implements Bijector {
  readonly name = 'luLinear';
  readonly params: tf.Variable[];
  /** Strictly lower part of L (unit diagonal implied), `[channels, channels]`. */
  readonly lower: tf.Variable;
  /** Strictly upper part of U, `[channels, channels]`. */
  readonly upper: tf.Variable;
  /** log|s| `[channels]` of the diagonal s = sign ⊙ exp(logS) (the signs stay fixed). */
  readonly logS: tf.Variable;
  private readonly perm: Tensor;
  private readonly sign: Tensor;
  private readonly lMask: Tensor;
  private readonly uMask: Tensor;

  /**
   * An LU-parametrised map initialised at a random orthogonal matrix.
   *
   * @param channels Number of channels C (size of the last axis).
   * @param seed Seed of the random orthogonal initial matrix. Default 0.
   */
  constructor(
    /** Number of channels C (size of the last axis). */
    readonly channels: number,
    seed = 0,
  ) {
    const c = channels;
    const seeds = new Rng(seed);
    const gauss = Array.from({ length: c }, () => Array.from({ length: c }, () => seeds.normal()));
    const w0 = orthonormalize(gauss);
    const { perm, l, u } = luDecompose(w0); // w0[perm[i]] = (L U)[i]  ⇒  w0 = P L U with P[perm[i], i] = 1
    const p = new Float32Array(c * c);
    for (let i = 0; i < c; i++) p[perm[i] * c + i] = 1;
    const lFlat = new Float32Array(c * c);
    const uFlat = new Float32Array(c * c);
    const sign = new Float32Array(c);
    const logS = new Float32Array(c);
    for (let i = 0; i < c; i++) {
      for (let j = 0; j < c; j++) {
        if (j < i) lFlat[i * c + j] = l[i][j];
        if (j > i) uFlat[i * c + j] = u[i][j];
      }
      sign[i] = Math.sign(u[i][i]) || 1;
      logS[i] = Math.log(Math.abs(u[i][i]));
    }
    this.perm = tf.keep(tf.tensor2d(p, [c, c]));
    this.sign = tf.keep(tf.tensor1d(sign));
    // tidy: the ones/eye/bandPart intermediates would otherwise leak (6 tensors per layer)
    this.lMask = tf.tidy(() => tf.sub(tf.linalg.bandPart(tf.ones([c, c]), -1, 0), tf.eye(c)));
    this.uMask = tf.tidy(() => tf.sub(tf.linalg.bandPart(tf.ones([c, c]), 0, -1), tf.eye(c)));
    this.lower = arrayVariable(lFlat, [c, c], 'luLower');
    this.upper = arrayVariable(uFlat, [c, c], 'luUpper');
    this.logS = arrayVariable(logS, [c], 'luLogS');
    this.params = [this.lower, this.upper, this.logS];
  }

  /** The assembled matrix W = P·L·(U + diag(s)) as a tensor `[C, C]`. */
  weight(): Tensor {
    return tf.tidy(() => {
      const c = this.channels;
      const l = tf.add(tf.mul(this.lower, this.lMask), tf.eye(c));
      const u = tf.add(
        tf.mul(this.upper, this.uMask),
        tf.mul(tf.eye(c), tf.mul(this.sign, tf.exp(this.logS))),
      ); // diag(s): tf.diag has no gradient
      return tf.matMul(this.perm, tf.matMul(l, u));
    });
  }

  private positions(shape: readonly number[]): number {
    return shape.slice(1, -1).reduce((a, b) => a * b, 1);
  }

  forward(x: Tensor): ForwardResult {
    return tf.tidy(() => {
      const wt = tf.transpose(this.weight());
      const y = tf.reshape(tf.matMul(tf.reshape(x, [-1, this.channels]), wt as tf.Tensor2D), x.shape);
      const ld = tf.mul(tf.sum(this.logS), this.positions(x.shape));
      return { y, logDet: tf.mul(tf.ones([x.shape[0]]), ld) };
    });
  }

  inverse(y: Tensor): InverseResult {
    const c = this.channels;
    const w = tf.tidy(() => this.weight());
    const winv = invertMatrix(toRows(w.dataSync(), c));
    w.dispose();
    return tf.tidy(() => {
      const winvT = tf.transpose(tf.tensor2d(winv.flat(), [c, c]));
      const x = tf.reshape(tf.matMul(tf.reshape(y, [-1, c]), winvT as tf.Tensor2D), y.shape);
      const ld = tf.mul(tf.sum(this.logS), -this.positions(y.shape));
      return { x, logDet: tf.mul(tf.ones([y.shape[0]]), ld) };
    });
  }
}

/**
 * LU-parametrised invertible linear map (1×1 convolution) over `channels`.
 *
 * @param channels Number of channels C.
 * @param seed Seed of the initial matrix. Default 0.
 */
export function luLinear(channels: number, seed = 0): LuLinear {
  return new LuLinear(channels, seed);
}
