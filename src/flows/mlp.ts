import type { Tensor, tf } from '../../solvers/tf.js';
import type { Rng } from '../data/rng.js';
import { constVariable, normalVariable } from './init.js';
import { mlpOp } from './mlp-op.js';

/** Options of {@link Mlp}. */
export interface MlpOptions {
  /** Input width. */
  readonly inDim: number;
  /** Hidden widths (ReLU after each). */
  readonly hidden: readonly number[];
  /** Output width (linear). */
  readonly outDim: number;
  /** Seeds for the weights. */
  readonly seeds: Rng;
  /** Scale of the last layer's initial weights; 0 makes the network output 0 at init. Default 0. */
  readonly outInitStd?: number;
  /** Optional 0/1 masks per layer (`[in, out]`), for MADE. */
  readonly masks?: readonly Tensor[];
}

/** A small fully connected ReLU network (He-normal init), the conditioner of couplings and MADE. */
export class Mlp {
  readonly params: tf.Variable[] = [];
  private readonly weights: tf.Variable[] = [];
  private readonly biases: tf.Variable[] = [];
  private readonly masks: readonly Tensor[] | undefined;
  private readonly inDim: number;

  constructor(opts: MlpOptions) {
    const widths = [opts.inDim, ...opts.hidden, opts.outDim];
    this.masks = opts.masks;
    this.inDim = opts.inDim;
    for (let i = 0; i + 1 < widths.length; i++) {
      const last = i + 2 === widths.length;
      const std = last ? (opts.outInitStd ?? 0) : Math.sqrt(2 / widths[i]);
      const seed = opts.seeds.seed();
      const w =
        std === 0
          ? constVariable([widths[i], widths[i + 1]], 0, 'w')
          : normalVariable([widths[i], widths[i + 1]], std, seed, 'w');
      const b = constVariable([widths[i + 1]], 0, 'b');
      this.weights.push(w);
      this.biases.push(b);
      this.params.push(w, b);
    }
  }

  /**
   * `[B, inDim] → [B, outDim]`, as one hand-differentiated op (see `mlpOp`, src/flows/mlp-op.ts):
   * gradients reach `x` and every weight and bias, at first order.
   *
   * @param x Input `[B, inDim]`.
   */
  apply(x: Tensor): Tensor {
    if (x.rank !== 2 || x.shape[1] !== this.inDim) {
      throw new Error(`Mlp.apply: x has shape [${x.shape.join(', ')}]; expected [B, ${this.inDim}]`);
    }
    return mlpOp(x, { weights: this.weights, biases: this.biases, masks: this.masks });
  }
}
