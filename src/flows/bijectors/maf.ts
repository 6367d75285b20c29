import { type Tensor, tf } from '../../../solvers/tf.js';
import { Rng } from '../../data/rng.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';
import { Made } from './made.js';

/** Options of {@link MafLayer}. */
export interface MafLayerOptions {
  /** Hidden widths of the MADE. Default [64, 64]. */
  readonly hidden?: readonly number[];
  /** |log-scale| is bounded by this (soft, via tanh). Default 3. */
  readonly maxLogScale?: number;
  /** Seed for the MADE's weights. Default 0. */
  readonly seed?: number;
  /** Width C of a context `[B, C]` the MADE also reads. Default 0. */
  readonly contextDim?: number;
}

/**
 * Masked autoregressive flow layer (Papamakarios et al. 2017) on `[B, D]`:
 * forward (density, one pass): z_d = (x_d − μ_d(x_<d))·exp(−α_d(x_<d)), logDet = −Σα;
 * inverse (sampling, D sequential passes): x_d = z_d·exp(α_d) + μ_d.
 */
export class MafLayer implements Bijector {
  readonly name = 'maf';
  readonly params: tf.Variable[];
  private readonly made: Made;
  private readonly maxLogScale: number;

  /**
   * A MAF layer with a freshly initialised MADE.
   *
   * @param dim Dimension D of the input `[B, D]`.
   * @param opts MADE widths, log-scale bound, seed and context width; see {@link MafLayerOptions}.
   */
  constructor(
    /** Dimension D of the input `[B, D]`. */
    readonly dim: number,
    opts: MafLayerOptions = {},
  ) {
    this.made = new Made(dim, opts.hidden ?? [64, 64], 2, new Rng(opts.seed ?? 0), opts.contextDim ?? 0);
    this.maxLogScale = opts.maxLogScale ?? 3;
    this.params = this.made.params;
  }

  private muAlpha(x: Tensor, context?: Tensor): [Tensor, Tensor] {
    const [mu, raw] = this.made.apply(x, context);
    const c = this.maxLogScale;
    return [mu, tf.mul(tf.tanh(tf.div(raw, c)), c)];
  }

  forward(x: Tensor, context?: Tensor): ForwardResult {
    return tf.tidy(() => {
      const [mu, alpha] = this.muAlpha(x, context);
      return { y: tf.mul(tf.sub(x, mu), tf.exp(tf.neg(alpha))), logDet: tf.neg(tf.sum(alpha, 1)) };
    });
  }

  inverse(y: Tensor, context?: Tensor): InverseResult {
    return tf.tidy(() => {
      let x: Tensor = tf.zerosLike(y);
      let alpha: Tensor = tf.zerosLike(y);
      for (let d = 0; d < this.dim; d++) {
        const [mu, a] = this.muAlpha(x, context);
        x = tf.add(tf.mul(y, tf.exp(a)), mu);
        alpha = a;
      }
      return { x, logDet: tf.sum(alpha, 1) };
    });
  }
}

/**
 * A MAF layer on `[B, dim]`.
 *
 * @param dim Dimension D.
 * @param opts MADE widths, log-scale bound, seed and context width; see {@link MafLayerOptions}.
 */
export function mafLayer(dim: number, opts: MafLayerOptions = {}): MafLayer {
  return new MafLayer(dim, opts);
}
