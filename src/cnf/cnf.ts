import { odeintAdjoint } from '../../solvers/adjoint.js';
import { solveIvp } from '../../solvers/odeint.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import type { OdeFunc, OdeintOptions, SolveStats } from '../../solvers/types.js';
import type { DensityModel, LossInfo, ModelConfig } from '../model.js';
import { probeNoise } from '../nn/divergence.js';
import { uniformRng } from '../nn/init.js';
import { mlpField, type VectorField } from '../nn/mlp.js';
import { augmentedDynamics, type Regularizers, type StateLayout, stateLayout } from './dynamics.js';
import { withEndTimeGradient } from './end-time.js';
import { fusedDynamics } from './fused.js';
import { type CnfConfig, type CnfOptions, resolveCnfOptions, type SolverSettings } from './options.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** A map of the flow and its log-determinant. */
export interface FlowResult {
  /** The image, [B, D]. */
  y: Tensor;
  /** log|det ∂y/∂input|, [B]. */
  logDet: Tensor;
}

/** Options of {@link CNF.trainLoss}. */
export interface TrainLossOptions {
  /** Hutchinson probes, one [B, D] tensor per block (default: fresh noise per solve). */
  noise?: readonly Tensor[];
}

/** One direction of integration through all blocks. */
interface Pass {
  y: Tensor;
  nfe: number;
  layout: StateLayout;
}

/**
 * A continuous normalizing flow (FFJORD, Grathwohl et al. 2019): data x at t = 0 flows by
 * dx/dt = f_θ(t, x) to z at t = T, base density standard normal, log p(x) = log N(z) +
 * ∫₀ᵀ div f dt. Several blocks are stacked, each with its own field and end time T = s²
 * (trainable when `trainT`). The state is one packed tensor [x, a, regularizers]. Divergences and
 * Jacobian norms are forward-mode (no nested autodiff), so `trainLoss` is backpropagated exactly
 * through the solver ('backprop') or by the adjoint method ('adjoint').
 *
 * @example
 * const cnf = new CNF({ dim: 2 });
 * const lp = cnf.logProb(x); // [B]
 */
export class CNF implements DensityModel {
  readonly dim: number;
  readonly fields: readonly VectorField[];
  /** s per block, T = s². */
  readonly sqrtEndTimes: readonly tf.Variable[];
  readonly params: readonly tf.Variable[];
  /** Backward-pass NFE of the most recent adjoint gradient (0 before one ran). */
  lastBackwardNfe = 0;
  private readonly cfg: CnfConfig;
  private readonly noiseRng: () => number;
  /** Tensors the adjoint's backward pass of the last trainLoss may still need (kept, disposed later). */
  private held: Tensor[] = [];

  constructor(options: CnfOptions) {
    this.cfg = resolveCnfOptions(options);
    const c = this.cfg;
    this.dim = c.dim;
    this.fields =
      options.fields?.slice() ??
      Array.from({ length: c.blocks }, (_, i) =>
        mlpField({
          dim: c.dim,
          hidden: c.hidden,
          layer: c.layer,
          activation: c.activation,
          seed: c.seed * 1009 + i,
        }),
      );
    this.sqrtEndTimes = this.fields.map(() => {
      const init = tf.scalar(Math.sqrt(c.T));
      const s = tf.variable(init, c.trainT);
      init.dispose();
      return s;
    });
    this.params = [...this.fields.flatMap((f) => f.params), ...(c.trainT ? this.sqrtEndTimes : [])];
    this.noiseRng = uniformRng(c.seed * 7919 + 1);
  }

  /** End times T = s² of the blocks. */
  endTimes(): number[] {
    return this.sqrtEndTimes.map((s) => s.dataSync()[0] ** 2);
  }

  /** log N(z; 0, I), [B]. */
  baseLogProb(z: Tensor): Tensor {
    return tf.tidy(() => tf.sub(tf.mul(tf.sum(tf.square(z), 1), -0.5), this.dim * HALF_LOG_2PI));
  }

  private solverOptions(s: SolverSettings): OdeintOptions {
    const o: OdeintOptions = { method: s.method, rtol: s.rtol, atol: s.atol };
    if (s.stepSize !== undefined) o.stepSize = s.stepSize;
    return o;
  }

  /**
   * Integrates the packed state through all blocks, forward (0 → T, in block order) or backward.
   * Runs in the caller's scope (training needs the tape's tensors).
   */
  private pass(
    x: Tensor,
    direction: 1 | -1,
    phase: 'train' | 'eval',
    regs: Regularizers,
    noise?: readonly Tensor[],
  ): Pass {
    const c = this.cfg;
    if (x.rank !== 2 || x.shape[1] !== this.dim) {
      throw new Error(`CNF input has shape [${x.shape.join(', ')}]; expected [B, ${this.dim}]`);
    }
    const layout = stateLayout(this.dim, regs);
    const settings = phase === 'train' ? c.train : c.eval;
    const hutch = (phase === 'train' ? c.divergence : c.evalDivergence) === 'hutchinson';
    const toState = tf.tensor2d(
      Float32Array.from({ length: this.dim * layout.width }, (_, i) =>
        i % layout.width === Math.floor(i / layout.width) ? 1 : 0,
      ),
      [this.dim, layout.width],
    );
    let y = tf.matMul(x, toState);
    let nfe = 0;
    const order = this.fields.map((_, i) => i);
    if (direction < 0) order.reverse();
    for (const i of order) {
      const T = this.sqrtEndTimes[i].dataSync()[0] ** 2;
      let eps: Tensor | null = null;
      let ownNoise = false;
      if (hutch) {
        eps = noise?.[i] ?? null;
        if (eps === null) {
          eps = probeNoise(c.noise, [x.shape[0], this.dim], Math.floor(this.noiseRng() * 2 ** 31));
          ownNoise = true;
        }
      }
      const { F, constants, params } = this.dynamics(i, layout, eps);
      const adjoint = phase === 'train' && c.gradient === 'adjoint';
      if (adjoint) {
        // the backward pass runs after trainLoss's scope has ended and evaluates F again
        // (derived per-solve tensors too; the variables themselves are never held)
        for (const k of [...constants, ...params.filter((q) => !(q instanceof tf.Variable))]) {
          this.held.push(tf.keep(k));
        }
        if (ownNoise && eps) this.held.push(tf.keep(eps));
      }
      const ts = direction > 0 ? [0, T] : [T, 0];
      let ys: Tensor;
      if (adjoint) {
        ys = odeintAdjoint(F, y, ts, {
          ...this.solverOptions(settings),
          params,
          onForwardStats: (s: SolveStats) => {
            nfe += s.nfe;
          },
          onBackwardStats: (s: SolveStats) => {
            this.lastBackwardNfe = s.nfe;
          },
        });
      } else {
        const r = solveIvp(F, y, ts, this.solverOptions(settings));
        nfe += r.stats.nfe;
        ys = r.ys;
      }
      y = tf.reshape(tf.slice(ys, [1, 0, 0], [1, -1, -1]), [x.shape[0], layout.width]);
      if (phase === 'train' && c.trainT && direction > 0) {
        y = withEndTimeGradient(F, y, this.sqrtEndTimes[i], T);
        nfe += 1;
      }
    }
    return { y, nfe, layout };
  }

  /**
   * Block i's augmented dynamics: the fused hand-differentiated op when the field allows it (a
   * plain mlpField with a σ/softplus-core activation, and `fused` not turned off), else the
   * generic tangent-propagation form. `params`: the tensors the adjoint differentiates.
   */
  private dynamics(
    i: number,
    layout: StateLayout,
    eps: Tensor | null,
  ): { F: OdeFunc; constants: Tensor[]; params: readonly Tensor[] } {
    const field = this.fields[i];
    const fused = this.cfg.fused ? fusedDynamics(field, layout, eps) : null;
    if (fused) return { F: fused.F, constants: fused.constants, params: fused.params };
    const { F, constants } = augmentedDynamics(field, layout, eps);
    return { F, constants, params: field.params };
  }

  private static column(y: Tensor, col: number): Tensor {
    return tf.reshape(tf.slice(y, [0, col], [-1, 1]), [-1]);
  }

  private static head(y: Tensor, dim: number): Tensor {
    return tf.slice(y, [0, 0], [-1, dim]);
  }

  /** z = flow(x) at the end time, with log|det ∂z/∂x| (evaluation solver settings). */
  forward(x: Tensor): FlowResult {
    return tf.tidy(() => {
      const { y, layout } = this.pass(x, 1, 'eval', { kinetic: false, jacobian: false });
      return { y: CNF.head(y, this.dim), logDet: tf.neg(CNF.column(y, layout.logdet)) };
    });
  }

  /** x = flow⁻¹(z) (solving backwards from T to 0), with log|det ∂x/∂z|. */
  inverse(z: Tensor): FlowResult {
    return tf.tidy(() => {
      const { y, layout } = this.pass(z, -1, 'eval', { kinetic: false, jacobian: false });
      return { y: CNF.head(y, this.dim), logDet: tf.neg(CNF.column(y, layout.logdet)) };
    });
  }

  /** log p(x) = log N(z) + log|det ∂z/∂x|, [B]. */
  logProb(x: Tensor): Tensor {
    return tf.tidy(() => {
      const { y, logDet } = this.forward(x);
      return tf.add(this.baseLogProb(y), logDet);
    });
  }

  /**
   * n samples x = flow⁻¹(z), z ~ N(0, I), with the log-density carried along the sampling solve:
   * log p(x) = log N(z) − log|det ∂x/∂z|.
   */
  sampleWithLogProb(n: number, seed?: number): { x: Tensor; logProb: Tensor } {
    return tf.tidy(() => {
      const z = tf.randomNormal([n, this.dim], 0, 1, 'float32', seed);
      const { y, logDet } = this.inverse(z);
      return { x: y, logProb: tf.sub(this.baseLogProb(z), logDet) };
    });
  }

  /**
   * Paths of n points flowing from the base distribution to the data: z ~ N(0, I) solved back
   * from T to 0 through the blocks (last block first), recorded at `steps` evenly spaced times
   * (default 50, at least 2; shared between blocks). Returns [steps, n, D], first row at the base.
   */
  trajectories(n: number, options: { steps?: number; seed?: number } = {}): Tensor {
    const steps = Math.max(2, Math.floor(options.steps ?? 50));
    const settings = this.solverOptions(this.cfg.eval);
    return tf.tidy(() => {
      let x = tf.randomNormal([n, this.dim], 0, 1, 'float32', options.seed);
      const rows: Tensor[] = [tf.expandDims(x, 0)];
      const blocks = this.fields.length;
      for (let k = blocks - 1, left = steps - 1; k >= 0; k--) {
        // intervals for this block: an even share of what is left
        const m = Math.max(1, Math.round(left / (k + 1)));
        left -= m;
        const T = this.sqrtEndTimes[k].dataSync()[0] ** 2;
        const ts = Array.from({ length: m + 1 }, (_, j) => T * (1 - j / m));
        const { ys } = solveIvp(this.fields[k], x, ts, settings);
        rows.push(tf.slice(ys, [1, 0, 0], [m, -1, -1]));
        x = tf.reshape(tf.slice(ys, [m, 0, 0], [1, -1, -1]), [n, this.dim]);
      }
      return tf.concat(rows, 0);
    });
  }

  /** n samples [n, D]; a seed makes them reproducible. */
  sample(n: number, seed?: number): Tensor {
    const { x, logProb } = this.sampleWithLogProb(n, seed);
    logProb.dispose();
    return x;
  }

  /**
   * Mean negative log-likelihood plus the weighted regularizers (each the batch mean of its
   * integral, summed over blocks), with the training solver settings and divergence. `info`:
   * `nfe` (forward evaluations, all blocks), `nll`, and `kinetic` / `jacobian` when on.
   */
  trainLoss(x: Tensor, options: TrainLossOptions = {}): { loss: Tensor; info: LossInfo } {
    const c = this.cfg;
    const regs = { kinetic: c.kinetic > 0, jacobian: c.jacobian > 0 };
    const info: LossInfo = {};
    this.releaseHeld();
    const loss = tf.tidy(() => {
      const { y, nfe, layout } = this.pass(x, 1, 'train', regs, options.noise);
      const z = CNF.head(y, this.dim);
      const logp = tf.sub(this.baseLogProb(z), CNF.column(y, layout.logdet));
      const nll = tf.neg(tf.mean(logp));
      let total = nll;
      info.nfe = nfe;
      if (c.gradient === 'adjoint') info.nfeBackward = this.lastBackwardNfe;
      const terms: Tensor[] = [];
      if (regs.kinetic) {
        const k = tf.mean(CNF.column(y, layout.kinetic));
        total = tf.add(total, tf.mul(k, c.kinetic));
        terms.push(k);
      }
      if (regs.jacobian) {
        const j = tf.mean(CNF.column(y, layout.jacobian));
        total = tf.add(total, tf.mul(j, c.jacobian));
        terms.push(j);
      }
      info.nll = nll.dataSync()[0];
      if (regs.kinetic) info.kinetic = terms[0].dataSync()[0];
      if (regs.jacobian) info.jacobian = terms[terms.length - 1].dataSync()[0];
      return total;
    });
    return { loss, info };
  }

  private releaseHeld(): void {
    tf.dispose(this.held);
    this.held = [];
  }

  /** Disposes the variables and anything kept for a pending adjoint gradient. */
  dispose(): void {
    this.releaseHeld();
    for (const p of new Set([...this.params, ...this.sqrtEndTimes])) p.dispose();
  }

  /** The resolved options (kind 'cnf'), enough to rebuild this model with `new CNF(config)`. */
  config(): ModelConfig {
    return {
      ...this.cfg,
      hidden: [...this.cfg.hidden],
      train: { ...this.cfg.train },
      eval: { ...this.cfg.eval },
    };
  }
}
