import { type Tensor, tf } from '../../../solvers/tf.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';
import { SeedStream } from '../init.js';
import { Mlp } from '../mlp.js';
import { type RqSplineShape, rqParamCount, rqSpline } from './rq-spline.js';
import { withContext } from './spline-coupling.js';

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

/** 0/1 `[in, out]` mask: connection where ok(in degree, out degree). */
function degreeMask(inDeg: number[], outDeg: number[], ok: (i: number, o: number) => boolean): Tensor {
  const m = new Float32Array(inDeg.length * outDeg.length);
  for (let i = 0; i < inDeg.length; i++)
    for (let o = 0; o < outDeg.length; o++) m[i * outDeg.length + o] = ok(inDeg[i], outDeg[o]) ? 1 : 0;
  return tf.tensor2d(m, [inDeg.length, outDeg.length]);
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
  private readonly net: Mlp;
  private readonly masks: Tensor[];

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
    this.shape = { bins: opts.bins ?? 8, tailBound: opts.tailBound ?? 5 };
    if (!(Number.isInteger(this.shape.bins) && this.shape.bins >= 2))
      throw new Error(`splineAutoregressive: bins = ${this.shape.bins}; expected an integer ≥ 2`);
    if (!(this.shape.tailBound > 0))
      throw new Error(`splineAutoregressive: tailBound = ${this.shape.tailBound}; expected a number > 0`);
    this.contextDim = opts.contextDim ?? 0;
    const hidden = opts.hidden ?? [64, 64];
    const P = rqParamCount(this.shape.bins);
    // degrees: inputs 1..D, context 0, hidden 1..D−1 (0 when D = 1), output d·P + p → d + 1
    const inDeg = [...Array.from({ length: dim }, (_, i) => i + 1), ...new Array(this.contextDim).fill(0)];
    const degs: number[][] = [inDeg];
    for (const h of hidden)
      degs.push(Array.from({ length: h }, (_, k) => (dim > 1 ? (k % (dim - 1)) + 1 : 0)));
    const outDeg = Array.from({ length: dim * P }, (_, k) => Math.floor(k / P) + 1);
    const masks: Tensor[] = [];
    for (let l = 0; l < hidden.length; l++) masks.push(degreeMask(degs[l], degs[l + 1], (i, o) => o >= i));
    masks.push(degreeMask(degs[degs.length - 1], outDeg, (i, o) => o > i));
    this.masks = masks.map((m) => tf.keep(m));
    this.net = new Mlp({
      inDim: dim + this.contextDim,
      hidden,
      outDim: dim * P,
      seeds: new SeedStream(opts.seed ?? 0),
      masks: this.masks,
    });
    this.params = [...this.net.params];
  }

  private splineParams(x: Tensor, context: Tensor | undefined): Tensor {
    const p = this.net.apply(withContext(x, context, this.contextDim, 'splineAutoregressive'));
    return tf.reshape(p, [x.shape[0], this.dim, rqParamCount(this.shape.bins)]);
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
