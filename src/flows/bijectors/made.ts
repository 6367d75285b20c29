import { type Tensor, tf } from '../../../solvers/tf.js';
import type { Rng } from '../../data/rng.js';
import { Mlp } from '../mlp.js';
import { withContext } from './context.js';

/**
 * MADE (Germain et al. 2015): an MLP whose weight masks make output d depend only on inputs
 * < d (in index order). Returns `outputsPerDim` blocks of `[B, D]` (e.g. shift and log-scale).
 */
export class Made {
  /** The MLP's variables. */
  readonly params: tf.Variable[];
  private readonly net: Mlp;
  private readonly masks: Tensor[];

  /**
   * A MADE with fresh weights.
   *
   * @param dim Dimension D of the input.
   * @param hidden Hidden widths.
   * @param outputsPerDim Number of output blocks of `[B, D]` (e.g. 2 for shift and log-scale).
   * @param seeds Seed stream of the initial weights.
   * @param contextDim Width C of a context every hidden unit reads. Default 0.
   */
  constructor(
    /** Dimension D of the input. */
    readonly dim: number,
    hidden: readonly number[],
    /** Number of output blocks of `[B, D]`. */
    readonly outputsPerDim: number,
    seeds: Rng,
    /** Width C of a context `[B, C]` every hidden unit reads (degree 0: no autoregressive constraint). */
    readonly contextDim = 0,
  ) {
    const inDeg = Array.from({ length: dim }, (_, i) => i + 1);
    // hidden degrees 1..D−1; 0 when D = 1, so that a context (degree 0) still reaches the outputs
    const degs: number[][] = [inDeg];
    for (const h of hidden)
      degs.push(Array.from({ length: h }, (_, k) => (dim > 1 ? (k % (dim - 1)) + 1 : 0)));
    const outDeg = Array.from({ length: dim * outputsPerDim }, (_, k) => (k % dim) + 1);
    const masks: Tensor[] = [];
    for (let l = 0; l < hidden.length; l++) {
      const a = degs[l];
      const b = degs[l + 1];
      masks.push(mask(l === 0 ? [...a, ...Array(contextDim).fill(0)] : a, b, (i, o) => o >= i));
    }
    masks.push(mask(degs[degs.length - 1], outDeg, (i, o) => o > i));
    this.masks = masks.map((m) => tf.keep(m));
    this.net = new Mlp({
      inDim: dim + contextDim,
      hidden,
      outDim: dim * outputsPerDim,
      seeds,
      masks: this.masks,
      outInitStd: 0,
    });
    this.params = this.net.params;
  }

  /**
   * `[B, D]` (and the context `[B, C]` when `contextDim` > 0) `→ outputsPerDim × [B, D]`.
   *
   * @param x Input `[B, D]`.
   * @param context Context `[B, C]` when `contextDim` > 0.
   */
  apply(x: Tensor, context?: Tensor): Tensor[] {
    return tf.tidy(() => {
      const h = this.net.apply(withContext(x, context, this.contextDim, 'made'));
      return tf.split(h, this.outputsPerDim, 1);
    });
  }
}

function mask(inDeg: number[], outDeg: number[], ok: (i: number, o: number) => boolean): Tensor {
  const m = new Float32Array(inDeg.length * outDeg.length);
  for (let i = 0; i < inDeg.length; i++)
    for (let o = 0; o < outDeg.length; o++) m[i * outDeg.length + o] = ok(inDeg[i], outDeg[o]) ? 1 : 0;
  return tf.tensor2d(m, [inDeg.length, outDeg.length]);
}
