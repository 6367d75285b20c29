import { type Tensor, tf } from '../../../solvers/tf.js';
import { Rng } from '../../data/rng.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';
import { Mlp } from '../mlp.js';
import { withContext } from './context.js';
import { type RqSplineShape, rqParamCount, rqSpline, splineShape } from './rq-spline.js';

/** Options of {@link SplineCoupling}. */
export interface SplineCouplingOptions {
  /** 0/1 mask over the flattened event; 1 = conditioning (unchanged) element. */
  readonly mask: readonly number[];
  /** Hidden widths of the conditioner MLP. Default [64, 64]. */
  readonly hidden?: readonly number[];
  /** Number of spline bins K. Default 8. */
  readonly bins?: number;
  /** The spline acts on [−B, B], identity outside. Default 5. */
  readonly tailBound?: number;
  /** Width of the optional context vector the conditioner also sees (`[B, contextDim]`). Default 0. */
  readonly contextDim?: number;
  /** Seed for the conditioner's weights. Default 0. */
  readonly seed?: number;
}

/**
 * Rational-quadratic spline coupling (Durkan et al. 2019, "Neural Spline Flows"): the elements with
 * mask 0 go through monotone rational-quadratic splines on [−B, B] (identity tails) whose widths,
 * heights and knot derivatives an MLP computes from the mask-1 elements (and the optional context);
 * the mask-1 elements pass unchanged. Any event shape (flattened internally). The conditioner's
 * last layer starts at zero, so a fresh layer is the identity.
 */
export class SplineCoupling implements Bijector {
  readonly name = 'splineCoupling';
  readonly params: tf.Variable[];
  /** The spline shape: bins, tail bound and floors. */
  readonly shape: RqSplineShape;
  /** Width C of the context the conditioner reads (0: none). */
  readonly contextDim: number;
  private readonly net: Mlp;
  private readonly mask: Tensor;
  /** `[d, m]` 0/1: picks the m transformed (mask-0) elements (a product: wasm has no gather gradient). */
  private readonly pick: Tensor;
  /** `[m, d]`: puts them back. */
  private readonly put: Tensor;
  private readonly d: number;
  private readonly m: number;

  /**
   * A spline coupling layer with a fresh conditioner.
   *
   * @param opts Mask, bins, tail bound, conditioner widths, seed and context width; see {@link SplineCouplingOptions}.
   */
  constructor(opts: SplineCouplingOptions) {
    this.d = opts.mask.length;
    this.shape = splineShape(opts, 'splineCoupling');
    this.contextDim = opts.contextDim ?? 0;
    this.mask = tf.keep(tf.tensor1d(opts.mask as number[], 'float32'));
    const free = opts.mask.flatMap((v, i) => (v === 0 ? [i] : []));
    this.m = free.length;
    if (this.m === 0 || this.m === this.d)
      throw new Error(`splineCoupling: the mask must have both 0s and 1s; got ${this.m} of ${this.d} zeros`);
    const sel = new Float32Array(this.d * this.m);
    free.forEach((i, k) => {
      sel[i * this.m + k] = 1;
    });
    this.pick = tf.keep(tf.tensor2d(sel, [this.d, this.m]));
    this.put = tf.keep(tf.transpose(this.pick));
    this.net = new Mlp({
      inDim: this.d + this.contextDim,
      hidden: opts.hidden ?? [64, 64],
      outDim: this.m * rqParamCount(this.shape.bins),
      seeds: new Rng(opts.seed ?? 0),
    });
    this.params = [...this.net.params];
  }

  private run(v: Tensor, context: Tensor | undefined, inverse: boolean): { out: Tensor; logDet: Tensor } {
    return tf.tidy(() => {
      const b = v.shape[0];
      const vf = tf.reshape(v, [b, this.d]);
      const cond = tf.mul(vf, this.mask);
      const p = this.net.apply(withContext(cond, context, this.contextDim, 'splineCoupling'));
      // (x·pick is exact: one 1 per column, the rest 0)
      const params = tf.reshape(p, [b, this.m, rqParamCount(this.shape.bins)]);
      const { out, logAbsDet } = rqSpline(tf.matMul(vf, this.pick), params, this.shape, inverse);
      const res = tf.add(cond, tf.matMul(out, this.put));
      return { out: tf.reshape(res, v.shape), logDet: tf.sum(logAbsDet, 1) };
    });
  }

  /**
   * The normalizing direction: y = f(x; context) and log|det ∂y/∂x| per example.
   *
   * @param x Input `[B, D]`.
   * @param context Context `[B, C]` when `contextDim` > 0.
   */
  forward(x: Tensor, context?: Tensor): ForwardResult {
    const { out, logDet } = this.run(x, context, false);
    return { y: out, logDet };
  }

  /**
   * The generative direction: x = f⁻¹(y; context) and log|det ∂x/∂y| per example.
   *
   * @param y Input `[B, D]` (latent side).
   * @param context Context `[B, C]` when `contextDim` > 0.
   */
  inverse(y: Tensor, context?: Tensor): InverseResult {
    const { out, logDet } = this.run(y, context, true);
    return { x: out, logDet };
  }
}

/**
 * A rational-quadratic spline coupling layer (see {@link SplineCoupling}).
 *
 * @param opts See {@link SplineCouplingOptions}.
 */
export function splineCoupling(opts: SplineCouplingOptions): SplineCoupling {
  return new SplineCoupling(opts);
}
