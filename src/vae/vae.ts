import { type Tensor, tf } from '../../solvers/tf.js';
import { standardNormalLogProb } from '../core/normal.js';
import { randomNormal } from '../core/random.js';
import type { Bijector } from '../core/transform.js';
import { Rng } from '../data/rng.js';
import { Mlp } from '../flows/mlp.js';
import { type PosteriorKind, posteriorFlow } from './posterior.js';

/** Options of {@link Vae}. Only `dataDim` is required. */
export interface VaeOptions {
  /** Pixels per image (64 for the 8×8 digits). */
  readonly dataDim: number;
  /** Latent dimension L. Default 2. */
  readonly latent?: number;
  /** Hidden widths of encoder and decoder (ReLU). Default [128]. */
  readonly hidden?: readonly number[];
  /** Posterior family. Default 'gaussian'. */
  readonly posterior?: PosteriorKind;
  /** Flow steps K of the posterior (see posteriorFlow). Default 4. */
  readonly flowSteps?: number;
  /** Width H of the encoder features the flow steps read. Default 32. */
  readonly contextDim?: number;
  /** Hidden widths of the IAF MADEs / CNF field. Default [32, 32]. */
  readonly flowHidden?: readonly number[];
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
}

/** One draw from the posterior per example. */
export interface PosteriorDraw {
  /** z_K `[B, L]`. */
  z: Tensor;
  /** log q(z_K | x) `[B]`. */
  logQ: Tensor;
}

/**
 * A VAE with a Bernoulli decoder and a flow posterior (Rezende & Mohamed 2015): the encoder gives
 * μ, log σ and features h of x; z₀ = μ + σ·ε; z_K = flow⁻¹(z₀; h) (the posterior flow's generative
 * direction); log q(z_K | x) = log N(z₀; μ, σ²) − log|det ∂z_K/∂z₀|; prior N(0, I); decoder logits
 * of p(x | z). The ELBO is log p(x | z_K) + log p(z_K) − log q(z_K | x) with one reparameterised draw.
 */
export class Vae {
  /** Pixels per image. */
  readonly dataDim: number;
  /** Latent dimension L (option, default 2). */
  readonly latent: number;
  /** Width H of the encoder features the flow steps read (option, default 32). */
  readonly contextDim: number;
  /** Posterior family (option, default 'gaussian'). */
  readonly posterior: PosteriorKind;
  /** Flow steps K of the posterior (option, default 4). */
  readonly flowSteps: number;
  /** The posterior flow, or null for the plain Gaussian posterior. */
  readonly flow: Bijector | null;
  /** All trainable variables: encoder, decoder and flow. */
  readonly params: readonly tf.Variable[];
  private readonly encoder: Mlp;
  private readonly decoder: Mlp;
  private readonly opts: Required<Omit<VaeOptions, 'flowHidden'>> & { flowHidden: readonly number[] };

  /**
   * A VAE with fresh encoder, decoder and posterior flow; throws on invalid sizes.
   *
   * @param o Sizes, posterior family and seed; only `dataDim` is required (see {@link VaeOptions}).
   */
  constructor(o: VaeOptions) {
    const latent = o.latent ?? 2;
    const hidden = o.hidden ?? [128];
    const contextDim = o.contextDim ?? 32;
    const posterior = o.posterior ?? 'gaussian';
    const flowSteps = o.flowSteps ?? 4;
    for (const [k, v] of [
      ['dataDim', o.dataDim],
      ['latent', latent],
      ['contextDim', contextDim],
      ['flowSteps', flowSteps],
    ] as const) {
      if (!(Number.isInteger(v) && v >= 1))
        throw new Error(`Vae: ${k} = ${v} is invalid: expected a whole number ≥ 1`);
    }
    const seeds = new Rng(o.seed ?? 0);
    this.dataDim = o.dataDim;
    this.latent = latent;
    this.contextDim = contextDim;
    this.posterior = posterior;
    this.flowSteps = flowSteps;
    this.opts = {
      ...o,
      latent,
      hidden,
      contextDim,
      posterior,
      flowSteps,
      seed: o.seed ?? 0,
      flowHidden: o.flowHidden ?? [32, 32],
    };
    this.encoder = new Mlp({
      inDim: o.dataDim,
      hidden,
      outDim: 2 * latent + contextDim,
      seeds,
      outInitStd: 0.01,
    });
    this.decoder = new Mlp({
      inDim: latent,
      hidden: [...hidden].reverse(),
      outDim: o.dataDim,
      seeds,
      outInitStd: 0.01,
    });
    this.flow = posteriorFlow(posterior, {
      latent,
      contextDim,
      steps: flowSteps,
      hidden: this.opts.flowHidden,
      seed: seeds.seed(),
    });
    this.params = [
      ...new Set([...this.encoder.params, ...this.decoder.params, ...(this.flow?.params ?? [])]),
    ];
  }

  /** The options this model was built with, every default filled (rebuild with `new Vae(config)`). */
  config(): VaeOptions {
    return { ...this.opts };
  }

  /**
   * μ `[B, L]`, log σ `[B, L]` and the features h `[B, H]` of binary images `[B, dataDim]`.
   *
   * @param x Binary images `[B, dataDim]`.
   */
  encode(x: Tensor): {
    /** μ `[B, L]`. */
    mu: Tensor;
    /** log σ `[B, L]`. */
    logSigma: Tensor;
    /** Encoder features h `[B, H]`. */
    h: Tensor;
  } {
    this.checkX(x);
    return tf.tidy(() => {
      const e = this.encoder.apply(x);
      const L = this.latent;
      return {
        mu: tf.slice(e, [0, 0], [-1, L]),
        logSigma: tf.clipByValue(tf.slice(e, [0, L], [-1, L]), -8, 4),
        h: tf.slice(e, [0, 2 * L], [-1, this.contextDim]),
      };
    });
  }

  /**
   * Decoder logits `[B, dataDim]` of p(x | z).
   *
   * @param z Latents `[B, L]`.
   */
  decodeLogits(z: Tensor): Tensor {
    return this.decoder.apply(z);
  }

  /**
   * log p(x | z) = Σ x·ℓ − softplus(ℓ) for binary x `[B, dataDim]` → `[B]`.
   *
   * @param x Binary images `[B, dataDim]`.
   * @param z Latents `[B, L]`, rows paired with x.
   */
  logLikelihood(x: Tensor, z: Tensor): Tensor {
    return tf.tidy(() => {
      const l = this.decodeLogits(z);
      return tf.sum(tf.sub(tf.mul(x, l), tf.softplus(l)), 1);
    });
  }

  /**
   * One reparameterised posterior draw per row of x, with log q(z_K | x).
   *
   * @param x Binary images `[B, dataDim]`.
   * @param seed Seed of the posterior draw; unseeded when omitted.
   */
  samplePosterior(x: Tensor, seed?: number): PosteriorDraw {
    return tf.tidy(() => {
      const { mu, logSigma, h } = this.encode(x);
      const eps = randomNormal(mu.shape, 0, 1, seed);
      const z0 = tf.add(mu, tf.mul(tf.exp(logSigma), eps));
      // log N(z0; μ, σ²) = log N(ε; 0, I) − Σ log σ
      const logQ0 = tf.sub(standardNormalLogProb(eps), tf.sum(logSigma, 1));
      if (!this.flow) return { z: z0, logQ: logQ0 };
      const r = this.flow.inverse(z0, h);
      return { z: r.x, logQ: tf.sub(logQ0, r.logDet) };
    });
  }

  /**
   * log q(z | x) at given latents z `[B, L]` (rows paired with x's rows): the flow's data direction.
   *
   * @param x Binary images `[B, dataDim]`.
   * @param z Latents `[B, L]`, rows paired with x.
   */
  posteriorLogProb(x: Tensor, z: Tensor): Tensor {
    return tf.tidy(() => {
      const { mu, logSigma, h } = this.encode(x);
      let z0 = z;
      let logDet: Tensor = tf.zeros([z.shape[0]]);
      if (this.flow) {
        const r = this.flow.forward(z, h);
        z0 = r.y;
        logDet = r.logDet;
      }
      const e = tf.div(tf.sub(z0, mu), tf.exp(logSigma));
      const lq0 = tf.sub(standardNormalLogProb(e), tf.sum(logSigma, 1));
      return tf.add(lq0, logDet);
    });
  }

  /**
   * log w = log p(x | z) + log p(z) − log q(z | x) for one posterior draw per row → `[B]`.
   *
   * @param x Binary images `[B, dataDim]`.
   * @param seed Seed of the posterior draw; unseeded when omitted.
   */
  logWeights(x: Tensor, seed?: number): Tensor {
    return tf.tidy(() => {
      const { z, logQ } = this.samplePosterior(x, seed);
      return tf.sub(tf.add(this.logLikelihood(x, z), standardNormalLogProb(z)), logQ);
    });
  }

  /**
   * The ELBO per example (one draw) `[B]`.
   *
   * @param x Binary images `[B, dataDim]`.
   * @param seed Seed of the posterior draw; unseeded when omitted.
   */
  elbo(x: Tensor, seed?: number): Tensor {
    return this.logWeights(x, seed);
  }

  /**
   * The training loss: −mean ELBO (one draw per example), a scalar.
   *
   * @param x Binary images `[B, dataDim]`.
   * @param seed Seed of the posterior draw; unseeded when omitted.
   */
  trainLoss(x: Tensor, seed?: number): tf.Scalar {
    return tf.tidy(() => tf.neg(tf.mean(this.logWeights(x, seed))) as tf.Scalar);
  }

  /**
   * The importance-weighted estimate of log p(x) (Burda et al. 2016) with k posterior draws per
   * image: log (1/k) Σ w_i, a lower bound that tightens as k grows → `[B]`. Rows are processed
   * `chunk` images at a time (k·chunk draws per pass).
   *
   * @param x Binary images `[B, dataDim]`.
   * @param k Posterior draws per image. Default 500.
   * @param seed Seed of the draws. Default 0.
   * @param chunk Images per pass. Default 10.
   */
  iwLogLikelihood(x: Tensor, k = 500, seed = 0, chunk = 10): Tensor {
    this.checkX(x);
    if (!(Number.isInteger(k) && k >= 1))
      throw new Error(`iwLogLikelihood: k = ${k} is invalid: expected a whole number ≥ 1`);
    const seeds = new Rng(seed);
    const b = x.shape[0];
    const parts: Tensor[] = [];
    for (let s = 0; s < b; s += chunk) {
      const m = Math.min(chunk, b - s);
      parts.push(
        tf.tidy(() => {
          const xs = tf.slice(x, [s, 0], [m, -1]);
          const rep = tf.reshape(tf.tile(tf.expandDims(xs, 1), [1, k, 1]), [m * k, this.dataDim]);
          const lw = tf.reshape(this.logWeights(rep, seeds.seed()), [m, k]);
          return tf.sub(tf.logSumExp(lw, 1), Math.log(k));
        }),
      );
    }
    const out = tf.concat(parts);
    tf.dispose(parts);
    return out;
  }

  /**
   * Bernoulli means of n images decoded from prior draws `[n, dataDim]`.
   *
   * @param n Number of images.
   * @param seed Seed of the prior draws; unseeded when omitted.
   */
  sampleMeans(n: number, seed?: number): Tensor {
    return tf.tidy(() => tf.sigmoid(this.decodeLogits(randomNormal([n, this.latent], 0, 1, seed))));
  }

  /**
   * Bernoulli means of the reconstructions of x through one posterior draw `[B, dataDim]`.
   *
   * @param x Binary images `[B, dataDim]`.
   * @param seed Seed of the posterior draw; unseeded when omitted.
   */
  reconstruct(x: Tensor, seed?: number): Tensor {
    return tf.tidy(() => tf.sigmoid(this.decodeLogits(this.samplePosterior(x, seed).z)));
  }

  /** Disposes the variables. */
  dispose(): void {
    for (const p of this.params) p.dispose();
  }

  private checkX(x: Tensor): void {
    if (x.rank !== 2 || x.shape[1] !== this.dataDim) {
      throw new Error(`Vae: expected images of shape [B, ${this.dataDim}]; got [${x.shape.join(', ')}]`);
    }
  }
}
