import { type Tensor, tf } from '../../solvers/tf.js';
import type { DensityModel, LossInfo, ModelConfig } from '../model.js';
import type { Bijector } from './bijector.js';
import type { Dequantizer } from './dequantize.js';
import { disposeReachable } from './dispose.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** Options of {@link FlowModel}. */
export interface FlowModelOptions {
  /** The normalizing map (data → latent); its inverse generates. */
  readonly bijector: Bijector;
  /** Flattened data dimension. */
  readonly dim: number;
  /** Shape of one example as the bijector sees it (default `[dim]`), e.g. `[8, 8, 1]`. */
  readonly eventShape?: readonly number[];
  /** Shape of one latent (default `eventShape`); `[dim]` for multi-scale bijectors. */
  readonly latentShape?: readonly number[];
  /** For integer image data: how pixels become continuous (then logProb is a dequantization bound). */
  readonly dequantizer?: Dequantizer;
  /** Number of pixel levels L (data in {0..L−1}); needed with `dequantizer`. */
  readonly pixelLevels?: number;
  /** The configuration `config()` returns (must include `kind`). */
  readonly config: ModelConfig;
}

/**
 * A normalizing flow: standard-normal base distribution and a bijector. Implements
 * {@link DensityModel}: `logProb(x) = log N(f(x); 0, I) + log|det ∂f/∂x|`; `sample` pushes base
 * samples through `f⁻¹`.
 *
 * With a dequantizer (image models), `x` holds integer pixels in {0..L−1}: `logProb` is the
 * one-sample dequantization lower bound log p((x+u)/L) − D·log L − log q(u|x) on the discrete
 * data, and `sample` returns continuous pixel values (x + u) in [0, L).
 */
export class FlowModel implements DensityModel {
  readonly dim: number;
  readonly params: readonly tf.Variable[];
  readonly bijector: Bijector;
  readonly eventShape: readonly number[];
  readonly latentShape: readonly number[];
  readonly dequantizer: Dequantizer | undefined;
  readonly pixelLevels: number;
  private readonly cfg: ModelConfig;

  constructor(opts: FlowModelOptions) {
    this.dim = opts.dim;
    this.bijector = opts.bijector;
    this.eventShape = opts.eventShape ?? [opts.dim];
    this.latentShape = opts.latentShape ?? this.eventShape;
    this.dequantizer = opts.dequantizer;
    this.pixelLevels = opts.pixelLevels ?? 0;
    if (this.dequantizer && !(this.pixelLevels > 1))
      throw new Error('FlowModel: a dequantizer needs pixelLevels > 1');
    this.params = [...opts.bijector.params, ...(opts.dequantizer?.params ?? [])];
    this.cfg = opts.config;
  }

  /** log density of the base N(0, I) at `z` (any shape `[B, ...]`) → `[B]`. */
  private baseLogProb(z: Tensor): Tensor {
    const b = z.shape[0];
    const zf = tf.reshape(z, [b, -1]);
    return tf.sub(tf.mul(tf.sum(tf.square(zf), 1), -0.5), 0.5 * LOG_2PI * (zf.shape[1] as number));
  }

  /** log p of continuous inputs `[B, dim]` (after dequantization, for image models). */
  logProbContinuous(x: Tensor): Tensor {
    return tf.tidy(() => {
      const b = x.shape[0];
      const { y, logDet } = this.bijector.forward(tf.reshape(x, [b, ...this.eventShape]));
      return tf.add(this.baseLogProb(y), logDet);
    });
  }

  logProb(x: Tensor): Tensor {
    this.checkInput(x);
    if (!this.dequantizer) return this.logProbContinuous(x);
    const dq = this.dequantizer;
    return tf.tidy(() => {
      const { y, logQ } = dq.dequantize(x);
      const lp = this.logProbContinuous(y);
      return tf.sub(tf.sub(lp, this.dim * Math.log(this.pixelLevels)), logQ);
    });
  }

  sample(n: number, seed?: number): Tensor {
    return tf.tidy(() => {
      const z = tf.randomNormal([n, ...this.latentShape], 0, 1, 'float32', seed);
      const x = tf.reshape(this.bijector.inverse(z).x, [n, this.dim]);
      return this.dequantizer ? tf.mul(tf.clipByValue(x, 0, 1), this.pixelLevels) : x;
    });
  }

  trainLoss(x: Tensor): { loss: Tensor; info: LossInfo } {
    return { loss: tf.tidy(() => tf.neg(tf.mean(this.logProb(x)))), info: {} };
  }

  /** Mean bits per dimension of a batch: −mean log p / (dim · ln 2). */
  bitsPerDim(x: Tensor): number {
    const nll = tf.tidy(() => tf.neg(tf.mean(this.logProb(x))));
    const v = nll.dataSync()[0];
    nll.dispose();
    return v / (this.dim * Math.LN2);
  }

  config(): ModelConfig {
    return this.cfg;
  }

  /** Disposes the variables and every constant tensor (masks, permutations) of the flow. */
  dispose(): void {
    for (const p of this.params) p.dispose();
    disposeReachable([this.bijector, this.dequantizer]);
  }

  private checkInput(x: Tensor): void {
    if (x.rank !== 2 || x.shape[1] !== this.dim) {
      throw new Error(
        `${this.cfg.kind}.logProb: expected x of shape [B, ${this.dim}]; got [${x.shape.join(', ')}]`,
      );
    }
  }
}
