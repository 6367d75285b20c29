import { type Tensor, tf } from '../../../solvers/tf.js';
import { Rng } from '../../data/rng.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';
import { Made } from './made.js';
import { type RqSplineShape, rqParamCount, rqSpline, splineShape } from './rq-spline.js';

/** Options of {@link SplineAutoregressive}. */
export interface SplineAutoregressiveOptions {
  /** Hidden widths of the masked conditioner (MADE). Default [64, 64]. */
  readonly hidden?: readonly number[];
  /** Number of spline bins K. Default 8. */
  readonly bins?: number;
  /** The spline acts on [−B, B], identity outside. Default 5. */
  readonly tailBound?: number;
  /** Width of the optional context vector every output may see. Default 0. */
  readonly contextDim?: number;
  /** Seed for the conditioner's weights. Default 0. */
  readonly seed?: number;
}

/**
 * Autoregressive rational-quadratic spline layer (Durkan et al. 2019, RQ-NSF (AR)) on `[B, D]`: a
 * MADE (Germain et al. 2015) computes element d's spline from x_<d (and the optional context,
 * which has degree 0 and reaches every output). Density in one pass; sampling (inverse) in D passes.
 */
export class SplineAutoregressive implements Bijector {
  readonly name = 'splineAutoregressive';
  readonly params: tf.Variable[];
  /** The spline shape: bins, tail bound and floors. */
  readonly shape: RqSplineShape;
  /** Width C of the context the conditioner reads (0: none). */
  readonly contextDim: number;
  /** The masked conditioner: element d's spline parameters from x_<d (and the context). */
  private readonly made: Made;

  /**
   * A spline layer with a fresh masked conditioner.
   *
   * @param dim Dimension D of the input `[B, D]`.
   * @param opts Bins, tail bound, conditioner widths, seed and context width; see {@link SplineAutoregressiveOptions}.
   */
  constructor(
    /** Dimension D of the input `[B, D]`. */
    readonly dim: number,
    opts: SplineAutoregressiveOptions = {},
  ) {
    this.shape = splineShape(opts, 'splineAutoregressive');
    this.contextDim = opts.contextDim ?? 0;
    this.made = new Made(
      dim,
      opts.hidden ?? [64, 64],
      rqParamCount(this.shape.bins),
      new Rng(opts.seed ?? 0),
      this.contextDim,
    );
    this.params = [...this.made.params];
  }

  private splineParams(x: Tensor, context: Tensor | undefined): Tensor {
    return tf.tidy(() => tf.stack(this.made.apply(x, context), 2)); // P blocks [B, D] → [B, D, P]
  }

  /**
   * The normalizing direction (one pass): y = f(x; context) and log|det ∂y/∂x|.
   *
   * @param x Input `[B, D]`.
   * @param context Context `[B, C]` when `contextDim` > 0.
   */
  forward(x: Tensor, context?: Tensor): ForwardResult {
    return tf.tidy(() => {
      const { out, logAbsDet } = rqSpline(x, this.splineParams(x, context), this.shape, false);
      return { y: out, logDet: tf.sum(logAbsDet, 1) };
    });
  }

  /**
   * The generative direction (D passes): x = f⁻¹(y; context) and log|det ∂x/∂y|.
   *
   * @param y Input `[B, D]` (latent side).
   * @param context Context `[B, C]` when `contextDim` > 0.
   */
  inverse(y: Tensor, context?: Tensor): InverseResult {
    return tf.tidy(() => {
      let x: Tensor = tf.zerosLike(y);
      let logDet: Tensor = tf.zeros([y.shape[0]]);
      for (let d = 0; d < this.dim; d++) {
        const r = rqSpline(y, this.splineParams(x, context), this.shape, true);
        x = r.out;
        logDet = tf.sum(r.logAbsDet, 1);
      }
      return { x, logDet };
    });
  }
}

/**
 * An autoregressive rational-quadratic spline layer on `[B, dim]` (see {@link SplineAutoregressive}).
 *
 * @param dim Dimension D.
 * @param opts See {@link SplineAutoregressiveOptions}.
 */
export function splineAutoregressive(
  dim: number,
  opts: SplineAutoregressiveOptions = {},
): SplineAutoregressive {
  return new SplineAutoregressive(dim, opts);
}
