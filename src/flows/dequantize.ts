import { type Tensor, tf } from '../../solvers/tf.js';
import type { Dequantizer } from '../core/flow-model.js';
import { standardNormalLogProb } from '../core/normal.js';
import { randomNormal } from '../core/random.js';
import { Rng } from '../data/rng.js';
import { Mlp } from './mlp.js';

export type { Dequantizer } from '../core/flow-model.js';

/** Uniform dequantization: u ~ U[0, 1)^D, log q = 0 (Theis et al. 2016). */
export class UniformDequantizer implements Dequantizer {
  /** None: uniform noise has no parameters. */
  readonly params: tf.Variable[] = [];
  /**
   * Uniform dequantization of data with `levels` pixel levels.
   *
   * @param levels Number of pixel levels L (data in {0..L−1}).
   */
  constructor(
    /** Number of pixel levels L (data in {0..L−1}). */
    readonly levels: number,
  ) {}
  dequantize(
    x: Tensor,
    seed?: number,
  ): {
    /** Continuous data (x + u)/levels in (0, 1), `[B, D]`. */
    y: Tensor;
    /** log q(u | x) per example, `[B]`. */
    logQ: Tensor;
  } {
    return tf.tidy(() => {
      const u = tf.randomUniform(x.shape, 0, 1, 'float32', seed);
      return { y: tf.div(tf.add(x, u), this.levels), logQ: tf.zeros([x.shape[0]]) };
    });
  }
}

/**
 * Variational dequantization (Flow++, Ho et al. 2019), in a light form: u = σ(μ(x) + e^{s(x)}·ε),
 * ε ~ N(0, I), with μ, s from an MLP of the (scaled) pixels. log q(u|x) = Σ[log N(ε) − s − log σ'(v)].
 * Training the flow with −E[log p((x+u)/L) − D·log L − log q(u|x)] tightens the bound over uniform noise.
 */
export class VariationalDequantizer implements Dequantizer {
  /** The MLP's variables. */
  readonly params: tf.Variable[];
  private readonly net: Mlp;
  /**
   * A variational dequantizer with a fresh MLP.
   *
   * @param levels Number of pixel levels L (data in {0..L−1}).
   * @param dim Data dimension D.
   * @param hidden Hidden widths of the MLP. Default [64].
   * @param seed Seed of the MLP's weights. Default 0.
   */
  constructor(
    /** Number of pixel levels L (data in {0..L−1}). */
    readonly levels: number,
    /** Data dimension D. */
    readonly dim: number,
    hidden: readonly number[] = [64],
    seed = 0,
  ) {
    this.net = new Mlp({ inDim: dim, hidden, outDim: 2 * dim, seeds: new Rng(seed) });
    this.params = this.net.params;
  }
  dequantize(
    x: Tensor,
    seed?: number,
  ): {
    /** Continuous data (x + u)/levels in (0, 1), `[B, D]`. */
    y: Tensor;
    /** log q(u | x) per example, `[B]`. */
    logQ: Tensor;
  } {
    return tf.tidy(() => {
      const xs = tf.sub(tf.div(x, this.levels - 1), 0.5);
      const [mu, s] = tf.split(this.net.apply(xs), 2, 1);
      const eps = randomNormal(x.shape, 0, 1, seed);
      const v = tf.add(mu, tf.mul(tf.exp(s), eps));
      const u = tf.sigmoid(v);
      const logSigDeriv = tf.neg(tf.add(tf.softplus(tf.neg(v)), tf.softplus(v)));
      const logQ = tf.sub(standardNormalLogProb(eps), tf.sum(tf.add(s, logSigDeriv), 1));
      return { y: tf.div(tf.add(x, u), this.levels), logQ };
    });
  }
}

/**
 * Bits per dimension from a mean negative log-likelihood in nats over `dim` dimensions.
 *
 * @param nllNats Mean negative log-likelihood in nats.
 * @param dim Number of dimensions.
 */
export function bitsPerDim(nllNats: number, dim: number): number {
  return nllNats / (dim * Math.LN2);
}
