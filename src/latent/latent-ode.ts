import { odeint } from '../../solvers/odeint.js';
import type { PerSampleTimes } from '../../solvers/per-sample.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import type { OdeintOptions } from '../../solvers/types.js';
import { randomNormal } from '../core/random.js';
import { type MlpField, mlpField } from '../nn/mlp.js';

/** Options of {@link LatentODE}. Every field has a default. */
export interface LatentODEOptions {
  /** Observation dimension. Default 2. */
  obsDim?: number;
  /** Latent dimension. Default 4. */
  latentDim?: number;
  /** Hidden units of the latent dynamics (two ELU layers). Default 20. */
  hidden?: number;
  /** Hidden units of the recurrent encoder. Default 25. */
  rnnHidden?: number;
  /** Hidden units of the decoder (one ReLU layer). Default 20. */
  decoderHidden?: number;
  /** Standard deviation of the Gaussian observation model. Default 0.3. */
  noiseStd?: number;
  /** Solver options of the latent solves. Default dopri5 with rtol 1e-3, atol 1e-4. */
  solver?: OdeintOptions;
  /** Seed of the initial weights. Default 0. */
  seed?: number;
}

/** The terms of the evidence lower bound, each averaged over the batch. */
export interface ElboTerms {
  /** −ELBO = −log p(x | z) + KL, the training loss (a scalar tensor). */
  loss: Tensor;
  /** log p(x | z) per spiral (one sample of z0). */
  logLik: number;
  /** KL(q(z0 | x) ‖ N(0, I)) per spiral. */
  kl: number;
}

function dense(inDim: number, outDim: number, seed: number, scale = 1): [tf.Variable, tf.Variable] {
  const std = scale * Math.sqrt(1 / inDim);
  return tf.tidy(() => [
    tf.variable(randomNormal([inDim, outDim], 0, std, seed)),
    tf.variable(tf.zeros([outDim])),
  ]);
}

/**
 * A latent ODE (Chen et al. 2018; Rubanova et al. 2019) for irregularly sampled time series, as in
 * torchdiffeq's `examples/latent_ode.py`: a recurrent encoder reads the observations in reverse
 * time order (each step sees the observation and its time) and gives q(z0 | x) = N(μ, σ²); z0 is
 * carried through dz/dt = f_θ(z) by `odeint` to each series' own observation times (per-sample
 * time points: one solve for the batch); a decoder maps z(t) to the observation's mean. Trained
 * by maximising the ELBO with Gaussian observation noise.
 *
 * @example
 * const data = irregularSpirals({ n: 32 });
 * const model = new LatentODE({ obsDim: 2, latentDim: 4 });
 * const { loss, kl } = model.elbo(tf.tensor3d(data.obs), data.times, tf.randomNormal([32, 4]));
 * // minimise loss with first-order tfjs gradients (tf.variableGrads) and an optimizer
 */
export class LatentODE {
  /** Observation dimension (option, default 2). */
  readonly obsDim: number;
  /** Latent dimension (option, default 4). */
  readonly latentDim: number;
  /** Standard deviation of the Gaussian observation model (option, default 0.3). */
  readonly noiseStd: number;
  /** The latent dynamics f_θ(t, z) (an ELU MLP). */
  readonly field: MlpField;
  /** All trainable variables: dynamics, encoder and decoder. */
  readonly params: tf.Variable[];
  private readonly solver: OdeintOptions;
  private readonly rnnIn: [tf.Variable, tf.Variable];
  private readonly rnnH: tf.Variable;
  private readonly rnnOut: [tf.Variable, tf.Variable];
  private readonly dec1: [tf.Variable, tf.Variable];
  private readonly dec2: [tf.Variable, tf.Variable];
  private readonly rnnHidden: number;

  /**
   * A latent ODE with fresh encoder, dynamics and decoder.
   *
   * @param opts Sizes, noise, solver and seed, all optional; see {@link LatentODEOptions}.
   */
  constructor(opts: LatentODEOptions = {}) {
    this.obsDim = opts.obsDim ?? 2;
    this.latentDim = opts.latentDim ?? 4;
    this.noiseStd = opts.noiseStd ?? 0.3;
    this.rnnHidden = opts.rnnHidden ?? 25;
    const hidden = opts.hidden ?? 20;
    const dh = opts.decoderHidden ?? 20;
    const seed = opts.seed ?? 0;
    this.solver = opts.solver ?? { method: 'dopri5', rtol: 1e-3, atol: 1e-4 };
    this.field = mlpField({ dim: this.latentDim, hidden: [hidden, hidden], activation: 'elu', seed });
    this.rnnIn = dense(this.obsDim + 1, this.rnnHidden, seed + 11);
    this.rnnH = tf.tidy(() =>
      tf.variable(
        randomNormal([this.rnnHidden, this.rnnHidden], 0, Math.sqrt(1 / this.rnnHidden), seed + 12),
      ),
    );
    this.rnnOut = dense(this.rnnHidden, 2 * this.latentDim, seed + 13, 0.5);
    this.dec1 = dense(this.latentDim, dh, seed + 14, Math.SQRT2);
    this.dec2 = dense(dh, this.obsDim, seed + 15);
    this.params = [
      ...this.field.params,
      ...this.rnnIn,
      this.rnnH,
      ...this.rnnOut,
      ...this.dec1,
      ...this.dec2,
    ] as tf.Variable[];
  }

  /**
   * q(z0 | x): `obs` `[B, T, obsDim]` at `times` `[B, T]` (each row increasing) → mean and log
   * variance, each `[B, latentDim]`. The RNN runs from the last observation to the first.
   *
   * @param obs Observations `[B, T, obsDim]`.
   * @param times Observation times `[B, T]` (a tensor), each row increasing.
   */
  encode(
    obs: Tensor,
    times: Tensor,
  ): {
    /** Posterior mean `[B, latentDim]`. */
    mean: Tensor;
    /** Posterior log variance `[B, latentDim]`. */
    logVar: Tensor;
  } {
    return tf.tidy(() => {
      const [B, T] = obs.shape as [number, number, number];
      let h: Tensor = tf.zeros([B, this.rnnHidden]);
      for (let k = T - 1; k >= 0; k--) {
        const xk = tf.reshape(tf.slice(obs, [0, k, 0], [B, 1, this.obsDim]), [B, this.obsDim]);
        const tk = tf.reshape(tf.slice(times, [0, k], [B, 1]), [B, 1]);
        const inp = tf.concat([xk, tk], 1);
        h = tf.tanh(tf.add(tf.add(tf.matMul(inp, this.rnnIn[0]), this.rnnIn[1]), tf.matMul(h, this.rnnH)));
      }
      const out = tf.add(tf.matMul(h, this.rnnOut[0]), this.rnnOut[1]);
      return {
        mean: tf.slice(out, [0, 0], [B, this.latentDim]),
        logVar: tf.slice(out, [0, this.latentDim], [B, this.latentDim]),
      };
    });
  }

  /**
   * The decoder's mean of x given latent states `[..., latentDim]` → `[..., obsDim]`.
   *
   * @param z Latent states `[..., latentDim]`.
   */
  decode(z: Tensor): Tensor {
    return tf.tidy(() => {
      const shape = z.shape.slice(0, -1);
      const flat = tf.reshape(z, [-1, this.latentDim]);
      const h = tf.relu(tf.add(tf.matMul(flat, this.dec1[0]), this.dec1[1]));
      return tf.reshape(tf.add(tf.matMul(h, this.dec2[0]), this.dec2[1]), [...shape, this.obsDim]);
    });
  }

  /**
   * Latent states from z0 `[B, latentDim]` (at t = 0) at per-row times `[B, T]` (each row
   * increasing, > 0) → `[T, B, latentDim]`; or at shared times `number[]` starting at 0 → `[T, B, latentDim]`.
   *
   * @param z0 Initial latent states `[B, latentDim]` at t = 0.
   * @param times Per-row times `[B, T]` (increasing, > 0), or shared times starting at 0.
   */
  latentPath(z0: Tensor, times: readonly number[] | number[][]): Tensor {
    if (typeof times[0] === 'number') return odeint(this.field, z0, times as number[], this.solver);
    const rows = (times as number[][]).map((r) => [0, ...r]);
    return tf.tidy(() => {
      const zs = odeint(this.field, z0, rows as PerSampleTimes, this.solver);
      return tf.slice(zs, [1, 0, 0], [rows[0].length - 1, -1, -1]);
    });
  }

  /**
   * Reconstruction at the observation times from the posterior mean: `[B, T, obsDim]`.
   *
   * @param obs Observations `[B, T, obsDim]`.
   * @param times Observation times `[B, T]`, each row increasing.
   */
  reconstruct(obs: Tensor, times: number[][]): Tensor {
    return tf.tidy(() => {
      const { mean } = this.encode(obs, tf.tensor2d(times));
      return tf.transpose(this.decode(this.latentPath(mean, times)), [1, 0, 2]);
    });
  }

  /**
   * −ELBO of a batch with one reparameterised sample of z0 (`eps` `[B, latentDim]`, standard
   * normal): log p(x | z) sums the Gaussian log-likelihood over times and dimensions.
   *
   * @param obs Observations `[B, T, obsDim]`.
   * @param times Observation times `[B, T]`, each row increasing.
   * @param eps Standard normal noise `[B, latentDim]` of the reparameterised z0.
   */
  elbo(obs: Tensor, times: number[][], eps: Tensor): ElboTerms {
    let logLik = 0;
    let kl = 0;
    const loss = tf.tidy(() => {
      const { mean, logVar } = this.encode(obs, tf.tensor2d(times));
      const z0 = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
      const xHat = tf.transpose(this.decode(this.latentPath(z0, times)), [1, 0, 2]); // [B, T, D]
      const s2 = this.noiseStd ** 2;
      const perPoint = tf.add(tf.div(tf.square(tf.sub(obs, xHat)), 2 * s2), 0.5 * Math.log(2 * Math.PI * s2));
      const ll = tf.neg(tf.mean(tf.sum(perPoint, [1, 2])));
      const klT = tf.mean(
        tf.sum(tf.mul(tf.sub(tf.add(tf.square(mean), tf.exp(logVar)), tf.add(logVar, 1)), 0.5), 1),
      );
      logLik = ll.dataSync()[0];
      kl = klT.dataSync()[0];
      return tf.sub(klT, ll);
    });
    return { loss, logLik, kl };
  }

  /** Releases the variables. */
  dispose(): void {
    tf.dispose(this.params);
  }
}
