import { type Tensor, tf } from '../../solvers/tf.js';
import type { DensityModel, LossInfo, ModelConfig, TrainPass } from '../model.js';
import { disposeReachable } from './dispose.js';
import { extrasTensors } from './extras.js';
import { standardNormalLogProb } from './normal.js';
import { randomNormal } from './random.js';
import type { Bijector, Extras, ForwardResult, PassMode, PassPlan } from './transform.js';

/** For integer image data: how pixels become continuous values in (0, 1) (see src/flows/dequantize.ts). */
export interface Dequantizer {
  /** Trainable variables of the dequantizer. */
  readonly params: readonly tf.Variable[];
  /**
   * Integer data `[B, D]` in {0..levels−1} → y = (x + u)/levels in (0, 1) and log q(u | x) `[B]`.
   *
   * @param x Integer data `[B, D]`.
   * @param seed Seed of the noise u; unseeded when omitted.
   */
  dequantize(
    x: Tensor,
    seed?: number,
  ): {
    /** Continuous data (x + u)/levels in (0, 1), `[B, D]`. */
    y: Tensor;
    /** log q(u | x) per example, `[B]`. */
    logQ: Tensor;
  };
}

/** Options of {@link FlowModel}. */
export interface FlowModelOptions {
  /** The normalizing map (data → latent); its inverse generates. Any {@link Bijector}: discrete layers, CNF blocks, or a chain of both. */
  readonly bijector: Bijector;
  /** Flattened data dimension. */
  readonly dim: number;
  /** Shape of one example as the bijector sees it (default `[dim]`), e.g. `[8, 8, 1]`. */
  readonly eventShape?: readonly number[];
  /** Shape of one latent (default `eventShape`); `[dim]` for multi-scale bijectors. */
  readonly latentShape?: readonly number[];
  /** Width C of the context `[B, C]` a conditional model takes (default 0: unconditional). */
  readonly contextDim?: number;
  /** For integer image data: how pixels become continuous (then logProb is a dequantization bound). */
  readonly dequantizer?: Dequantizer;
  /** Number of pixel levels L (data in {0..L−1}); needed with `dequantizer`. */
  readonly pixelLevels?: number;
  /** Extra trainable variables outside the bijector (kept after the bijector's, in this order). */
  readonly extraParams?: readonly tf.Variable[];
  /** The configuration `config()` returns (must include `kind`). */
  readonly config: ModelConfig;
}

/** A draw and its log-density, from one pass. */
export type SampleWithLogProb = {
  /** Samples `[n, dim]`. */
  x: Tensor;
  /** log p(x) `[n]`. */
  logProb: Tensor;
};

/**
 * The one density model: a standard-normal base distribution and a {@link Bijector} (discrete
 * flows, CNFs, mixed chains and the model flow matching returns are all this). Implements
 * {@link DensityModel}: `logProb(x, c) = log N(f(x; c); 0, I) + log|det ∂f/∂x|`; `sample` pushes
 * base samples through `f⁻¹`; `trainLoss` is the mean negative log-likelihood plus the batch mean
 * of the layers' `penalty` (regularizers), with their counts (NFE) and terms in `info`.
 *
 * With a dequantizer (image models), `x` holds integer pixels in {0..L−1}: `logProb` is the
 * one-sample dequantization lower bound log p((x+u)/L) − D·log L − log q(u|x) on the discrete
 * data, and `sample` returns continuous pixel values (x + u) in [0, L).
 */
export class FlowModel implements DensityModel {
  /** Flattened data dimension. */
  readonly dim: number;
  /** Trainable variables: the bijector's, the dequantizer's, then `extraParams` (each once). */
  readonly params: readonly tf.Variable[];
  /** The normalizing map (data → latent). */
  readonly bijector: Bijector;
  /** Shape of one example as the bijector sees it (option, default `[dim]`). */
  readonly eventShape: readonly number[];
  /** Shape of one latent (option, default `eventShape`). */
  readonly latentShape: readonly number[];
  /** Width C of the context (option, default 0: unconditional). */
  readonly contextDim: number;
  /** The dequantizer of an image model, or undefined. */
  readonly dequantizer: Dequantizer | undefined;
  /** Number of pixel levels of an image model (option, default 0). */
  readonly pixelLevels: number;
  private readonly cfg: ModelConfig;

  /**
   * A density model over the given bijector with a standard-normal base.
   *
   * @param opts The bijector, dimensions, context width and optional dequantizer.
   */
  constructor(opts: FlowModelOptions) {
    this.dim = opts.dim;
    this.bijector = opts.bijector;
    this.eventShape = opts.eventShape ?? [opts.dim];
    this.latentShape = opts.latentShape ?? this.eventShape;
    this.contextDim = opts.contextDim ?? 0;
    this.dequantizer = opts.dequantizer;
    this.pixelLevels = opts.pixelLevels ?? 0;
    if (this.dequantizer && !(this.pixelLevels > 1))
      throw new Error('FlowModel: a dequantizer needs pixelLevels > 1');
    this.params = [
      ...new Set([...opts.bijector.params, ...(opts.dequantizer?.params ?? []), ...(opts.extraParams ?? [])]),
    ];
    this.cfg = opts.config;
  }

  /**
   * log density of the base N(0, I) at `z` (any shape `[B, ...]`) → `[B]`.
   *
   * @param z Latent points `[B, ...]`.
   */
  baseLogProb(z: Tensor): Tensor {
    return standardNormalLogProb(z);
  }

  /**
   * log p of continuous inputs `[B, dim]` (after dequantization, for image models).
   *
   * @param x Continuous inputs `[B, dim]`.
   * @param context Per-example context `[B, C]` of a conditional model, or absent.
   */
  logProbContinuous(x: Tensor, context?: Tensor): Tensor {
    return tf.tidy(() => {
      const { y, logDet } = this.bijector.forward(this.toEvent(x), this.checkContext(context, x.shape[0]));
      return tf.add(this.baseLogProb(y), logDet);
    });
  }

  /**
   * log p(x | context) for a batch `[B, dim]` → `[B]`.
   *
   * @param x Batch `[B, dim]` (for image models: integer pixels `[B, dim]`).
   * @param context Per-example context `[B, C]` of a conditional model, or absent.
   */
  logProb(x: Tensor, context?: Tensor): Tensor {
    this.checkInput(x);
    const c = this.checkContext(context, x.shape[0]);
    if (!this.dequantizer) return this.logProbContinuous(x, c);
    const dq = this.dequantizer;
    return tf.tidy(() => {
      const { y, logQ } = dq.dequantize(x);
      const lp = this.logProbContinuous(y, c);
      return tf.sub(tf.sub(lp, this.dim * Math.log(this.pixelLevels)), logQ);
    });
  }

  /**
   * {@link logProb} for backends without synchronous reads (the CNF's adaptive steps read asynchronously).
   *
   * @param x Batch `[B, dim]` (for image models: integer pixels `[B, dim]`).
   * @param context Per-example context `[B, C]` of a conditional model, or absent.
   */
  async logProbAsync(x: Tensor, context?: Tensor): Promise<Tensor> {
    this.checkInput(x);
    const c = this.checkContext(context, x.shape[0]);
    const dq = this.dequantizer ? this.dequantizer.dequantize(x) : null;
    const input = dq ? dq.y : x;
    const event = this.toEvent(input);
    let r: ForwardResult;
    try {
      r = this.bijector.forwardAsync
        ? await this.bijector.forwardAsync(event, c)
        : this.bijector.forward(event, c);
    } finally {
      if (event !== input) event.dispose();
    }
    const out = tf.tidy(() => {
      const lp = tf.add(this.baseLogProb(r.y), r.logDet);
      return dq ? tf.sub(tf.sub(lp, this.dim * Math.log(this.pixelLevels)), dq.logQ) : lp;
    });
    tf.dispose([r.y, r.logDet, ...extrasTensors(r.extras), ...(dq ? [dq.y, dq.logQ] : [])]);
    return out;
  }

  /**
   * n samples `[n, dim]` given the context (`[n, C]`, or `[1, C]` / `[C]` for one context shared by
   * all n). A number in second place is the seed (the signature before contexts existed, kept);
   * a seed makes the draw reproducible.
   *
   * @param n Number of samples.
   * @param context Context `[n, C]`, or `[1, C]` / `[C]` shared by all n; a number here is the seed.
   * @param seed Seed of the base draw; unseeded when omitted.
   */
  sample(n: number, context?: Tensor | number, seed?: number): Tensor {
    const { x, logProb } = this.sampleAndLogProb(n, context, seed);
    logProb.dispose();
    return x;
  }

  /**
   * {@link sample} for backends without synchronous reads.
   *
   * @param n Number of samples.
   * @param context Context `[n, C]`, or `[1, C]` / `[C]` shared by all n; a number here is the seed.
   * @param seed Seed of the base draw; unseeded when omitted.
   */
  async sampleAsync(n: number, context?: Tensor | number, seed?: number): Promise<Tensor> {
    const { x, logProb } = await this.sampleAndLogProbAsync(n, context, seed);
    logProb.dispose();
    return x;
  }

  /**
   * n samples and their log-density from one pass: z ~ N(0, I), x = f⁻¹(z; c),
   * log p(x) = log N(z) − log|det ∂x/∂z| (for image models: of the continuous sample).
   *
   * @param n Number of samples.
   * @param context Context `[n, C]`, or `[1, C]` / `[C]` shared by all n; a number here is the seed.
   * @param seed Seed of the base draw; unseeded when omitted.
   */
  sampleAndLogProb(n: number, context?: Tensor | number, seed?: number): SampleWithLogProb {
    return tf.tidy(() => {
      const { c, s } = this.sampleArgs(n, context, seed);
      const z = randomNormal([n, ...this.latentShape], 0, 1, s);
      const r = this.bijector.inverse(z, c);
      return this.finishSample(n, z, r.x, r.logDet);
    });
  }

  /**
   * {@link sampleAndLogProb} for backends without synchronous reads.
   *
   * @param n Number of samples.
   * @param context Context `[n, C]`, or `[1, C]` / `[C]` shared by all n; a number here is the seed.
   * @param seed Seed of the base draw; unseeded when omitted.
   */
  async sampleAndLogProbAsync(
    n: number,
    context?: Tensor | number,
    seed?: number,
  ): Promise<SampleWithLogProb> {
    const { c, s } = this.sampleArgs(n, context, seed);
    const z = randomNormal([n, ...this.latentShape], 0, 1, s);
    const r = this.bijector.inverseAsync
      ? await this.bijector.inverseAsync(z, c)
      : this.bijector.inverse(z, c);
    const out = tf.tidy(() => this.finishSample(n, z, r.x, r.logDet));
    tf.dispose([z, r.x, r.logDet, ...extrasTensors(r.extras)]);
    if (c !== undefined && c !== context) c.dispose();
    return out;
  }

  private finishSample(n: number, z: Tensor, xEvent: Tensor, logDet: Tensor): SampleWithLogProb {
    const x = tf.reshape(xEvent, [n, this.dim]);
    const logProb = tf.sub(this.baseLogProb(z), logDet);
    if (!this.dequantizer) return { x, logProb };
    // continuous pixel values in [0, L): density of y = x·L is p(x)/L^D
    return {
      x: tf.mul(tf.clipByValue(x, 0, 1), this.pixelLevels),
      logProb: tf.sub(logProb, this.dim * Math.log(this.pixelLevels)),
    };
  }

  /**
   * The training objective on a batch: −mean log p(x | c) plus the batch mean of the layers'
   * `penalty` (weighted regularizers). `info`: the layers' counts summed (`nfe`, …), and, when
   * there are regularizers, `nll` and each term's batch mean.
   *
   * @param x Training batch `[B, dim]`.
   * @param context Per-example context `[B, C]` of a conditional model, or absent.
   */
  trainLoss(
    x: Tensor,
    context?: Tensor,
  ): {
    /** Scalar loss to minimise. */
    loss: Tensor;
    /** Counts and loss terms, as numbers. */
    info: LossInfo;
  } {
    this.checkInput(x);
    const c = this.checkContext(context, x.shape[0]);
    const { loss, info, reads } = this.lossOf(x, c, { training: true });
    for (const [k, t] of Object.entries(reads)) {
      info[k] = t.dataSync()[0];
      t.dispose();
    }
    return { loss, info };
  }

  /**
   * {@link trainLoss} in two phases for backends without synchronous reads: this call makes the
   * choices asynchronously (the bijector's {@link Bijector.planAsync}: a CNF's steps, end times
   * and Hutchinson probes; ActNorm's initialisation; for image models one dequantization draw),
   * and the returned pass's `loss()` replays them under the tape reading nothing, with
   * `trainLoss`'s value and gradient for the same choices (`nll` and regularizer terms come back
   * in `reads`). Throws for a CNF block with `gradient: 'adjoint'` (its backward solve picks
   * steps while backpropagating; the CNF model trains it with `lossAndGradientsAsync` instead).
   *
   * @param x Training batch `[B, dim]`.
   * @param context Per-example context `[B, C]` of a conditional model, or absent.
   */
  async trainPassAsync(x: Tensor, context?: Tensor): Promise<TrainPass> {
    this.checkInput(x);
    const c = this.checkContext(context, x.shape[0]);
    const seed = this.dequantizer ? Math.floor(Math.random() * 2 ** 31) : undefined;
    let plan: PassPlan | undefined;
    if (this.bijector.planAsync) {
      const dq = this.dequantizer;
      const input = tf.tidy(() => this.toEvent(dq ? dq.dequantize(x, seed).y : x));
      try {
        const r = await this.bijector.planAsync(input, c);
        if (r.y !== input) r.y.dispose();
        plan = r.plan;
      } finally {
        if (input !== x) input.dispose();
      }
    }
    return {
      loss: () => this.lossOf(x, c, { training: true, plan }, seed),
      dispose: () => plan?.dispose(),
    };
  }

  /** The training objective; numbers it reports that live on the device come back as kept scalars in `reads`. */
  private lossOf(
    x: Tensor,
    c: Tensor | undefined,
    mode: PassMode,
    seed?: number,
  ): { loss: Tensor; info: LossInfo; reads: Record<string, Tensor> } {
    const info: LossInfo = {};
    const reads: Record<string, Tensor> = {};
    const loss = tf.tidy(() => {
      let input = x;
      let logQ: Tensor | null = null;
      if (this.dequantizer) {
        const d = this.dequantizer.dequantize(x, seed);
        input = d.y;
        logQ = d.logQ;
      }
      const r = this.bijector.forward(this.toEvent(input), c, mode);
      let logp = tf.add(this.baseLogProb(r.y), r.logDet);
      if (logQ) logp = tf.sub(tf.sub(logp, this.dim * Math.log(this.pixelLevels)), logQ);
      const nll = tf.neg(tf.mean(logp));
      readExtras(r.extras, info);
      if (!r.extras?.penalty) return nll;
      reads.nll = tf.keep(tf.clone(nll));
      for (const [k, v] of Object.entries(r.extras.terms ?? {})) reads[k] = tf.keep(tf.mean(v));
      return tf.add(nll, tf.mean(r.extras.penalty));
    });
    return { loss, info, reads };
  }

  /**
   * Mean bits per dimension of a batch: −mean log p / (dim · ln 2).
   *
   * @param x Batch `[B, dim]` (for image models: integer pixels `[B, dim]`).
   * @param context Per-example context `[B, C]` of a conditional model, or absent.
   */
  bitsPerDim(x: Tensor, context?: Tensor): number {
    const nll = tf.tidy(() => tf.neg(tf.mean(this.logProb(x, context))));
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

  private toEvent(x: Tensor): Tensor {
    const b = x.shape[0];
    return this.eventShape.length === 1 ? x : tf.reshape(x, [b, ...this.eventShape]);
  }

  private sampleArgs(n: number, context: Tensor | number | undefined, seed: number | undefined) {
    if (!(Number.isInteger(n) && n > 0)) {
      throw new Error(`${this.cfg.kind}.sample: n = ${n} is invalid: expected a whole number > 0`);
    }
    if (typeof context === 'number') return { c: undefined, s: context };
    if (context === undefined) return { c: this.checkContext(undefined, n), s: seed };
    const c2 = context.rank === 1 ? tf.reshape(context, [1, -1]) : context;
    const c = c2.shape[0] === 1 && n > 1 ? tf.tile(c2, [n, 1]) : c2;
    if (c2 !== context && c !== c2) c2.dispose();
    return { c: this.checkContext(c, n), s: seed };
  }

  /**
   * The context, checked against the model's width and the batch (undefined for an unconditional model).
   *
   * @param context The context given, or absent.
   * @param batch The batch size it must match.
   */
  protected checkContext(context: Tensor | undefined, batch: number): Tensor | undefined {
    if (this.contextDim === 0) {
      if (context !== undefined) {
        throw new Error(
          `${this.cfg.kind}: this model is unconditional (contextDim 0) but a context was given`,
        );
      }
      return undefined;
    }
    if (context === undefined) {
      throw new Error(
        `${this.cfg.kind}: this model is conditional and needs a context [B, ${this.contextDim}]`,
      );
    }
    if (context.rank !== 2 || context.shape[0] !== batch || context.shape[1] !== this.contextDim) {
      throw new Error(
        `${this.cfg.kind}: context has shape [${context.shape.join(', ')}]; expected [${batch}, ${this.contextDim}]`,
      );
    }
    return context;
  }

  /**
   * Throws unless `x` is `[B, dim]`.
   *
   * @param x The batch given.
   */
  protected checkInput(x: Tensor): void {
    if (x.rank !== 2 || x.shape[1] !== this.dim) {
      throw new Error(
        `${this.cfg.kind}.logProb: expected x of shape [B, ${this.dim}]; got [${x.shape.join(', ')}]`,
      );
    }
  }
}

function readExtras(e: Extras | undefined, info: LossInfo): void {
  for (const [k, v] of Object.entries(e?.stats ?? {})) info[k] = v;
}
