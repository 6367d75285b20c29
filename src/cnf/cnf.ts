import { solveIvp } from '../../solvers/odeint.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import { autodiffLossAndGradients, type LossAndGradients } from '../core/autodiff.js';
import { chain } from '../core/chain.js';
import { FlowModel, type SampleWithLogProb } from '../core/flow-model.js';
import { randomNormal } from '../core/random.js';
import type { ForwardResult } from '../core/transform.js';
import type { LossInfo } from '../model.js';
import { mlpField, type VectorField } from '../nn/mlp.js';
import { type AdjointLossAndGradients, adjointLossAndGradientsAsync } from './adjoint-train.js';
import { CnfBlock } from './block.js';
import { type CnfConfig, type CnfOptions, resolveCnfOptions } from './options.js';

/** A map of the flow and its log-determinant (the contract's {@link ForwardResult}; name kept). */
export type FlowResult = ForwardResult;

/** Options of {@link CNF.trainLoss}. */
export interface TrainLossOptions {
  /** Hutchinson probes, one [B, D] tensor per block (blocks without one, and by default all: fresh noise per solve). */
  noise?: readonly Tensor[];
  /** The context [B, C] of a conditional CNF. */
  context?: Tensor;
}

/**
 * The CNF blocks of resolved options (`c.blocks` fresh mlpFields, or the given fields), each
 * with its own end time and noise sequence: the pieces of a {@link CNF}, or of any chain.
 *
 * @param c Resolved CNF options (see {@link resolveCnfOptions}).
 * @param fields Ready-made fields, one per block; when absent, `c.blocks` fresh mlpFields.
 */
export function cnfBlocks(c: CnfConfig, fields?: readonly VectorField[]): CnfBlock[] {
  const fs =
    fields?.slice() ??
    Array.from({ length: c.blocks }, (_, i) =>
      mlpField({
        dim: c.dim,
        hidden: c.hidden,
        layer: c.layer,
        activation: c.activation,
        seed: c.seed * 1009 + i,
        contextDim: c.contextDim,
      }),
    );
  return fs.map(
    (field, i) =>
      new CnfBlock(field, {
        T: c.T,
        trainT: c.trainT,
        train: c.train,
        eval: c.eval,
        divergence: c.divergence,
        evalDivergence: c.evalDivergence,
        noise: c.noise,
        gradient: c.gradient,
        adjointSolver: c.adjointSolver,
        kinetic: c.kinetic,
        jacobian: c.jacobian,
        fused: c.fused,
        warmStart: c.warmStart,
        noiseSeed: c.seed * 7919 + 1 + i,
      }),
  );
}

/**
 * A continuous normalizing flow (FFJORD, Grathwohl et al. 2019): the {@link FlowModel} whose
 * transform is a chain of {@link CnfBlock}s — data x at t = 0 flows by dx/dt = f_θ(t, x) to z,
 * base density standard normal, log p(x) = log N(z) + ∫ div f dt. Each block has its own field
 * and end time T = s² (trainable when `trainT`). Blocks compose with discrete layers too (build a
 * `FlowModel` over `chain([...])` yourself); this class is the preset with the CNF's options,
 * trajectories and its per-call Hutchinson probes.
 *
 * @example
 * const cnf = new CNF({ dim: 2 });
 * const lp = cnf.logProb(x); // [B]
 */
export class CNF extends FlowModel {
  /** The blocks, in forward (data → noise) order. */
  readonly blocks: readonly CnfBlock[];
  /** Each block's field. */
  readonly fields: readonly VectorField[];
  /** s per block, T = s². */
  readonly sqrtEndTimes: readonly tf.Variable[];
  private readonly cnfConfig: CnfConfig;

  /**
   * Builds the blocks and their fields from the options (defaults and validation:
   * {@link resolveCnfOptions}).
   *
   * @param options Model options; only `dim` is required.
   */
  constructor(options: CnfOptions) {
    const cfg = resolveCnfOptions(options);
    const blocks = cnfBlocks(cfg, options.fields);
    super({
      bijector: blocks.length === 1 ? blocks[0] : chain(blocks),
      dim: cfg.dim,
      contextDim: cfg.contextDim,
      config: cfg,
    });
    this.blocks = blocks;
    this.fields = blocks.map((b) => b.field);
    this.sqrtEndTimes = blocks.map((b) => b.sqrtEndTime);
    this.cnfConfig = cfg;
  }

  /** Backward-pass NFE of the most recent adjoint gradient, all blocks (0 before one ran). */
  get lastBackwardNfe(): number {
    return this.blocks.reduce((n, b) => n + b.lastBackwardNfe, 0);
  }

  /** End times T = s² of the blocks. */
  endTimes(): number[] {
    return this.blocks.map((b) => b.endTime());
  }

  /**
   * z = flow(x) at the end time, with log|det ∂z/∂x| (evaluation solver settings).
   *
   * @param x Data points `[B, D]`.
   * @param context Context `[B, C]` of a conditional CNF (`contextDim` > 0).
   */
  forward(x: Tensor, context?: Tensor): FlowResult {
    return this.bijector.forward(x, context);
  }

  /**
   * x = flow⁻¹(z) (solving backwards from T to 0), with log|det ∂x/∂z| under the name `y` (as before).
   *
   * @param z Latent points `[B, D]`.
   * @param context Context `[B, C]` of a conditional CNF.
   */
  inverse(z: Tensor, context?: Tensor): FlowResult {
    const r = this.bijector.inverse(z, context);
    return { y: r.x, logDet: r.logDet, extras: r.extras };
  }

  /**
   * {@link FlowModel.sampleAndLogProb} under its earlier name.
   *
   * @param n Number of samples.
   * @param seed Seed of the base draw; unseeded when omitted.
   */
  sampleWithLogProb(n: number, seed?: number): SampleWithLogProb {
    return this.sampleAndLogProb(n, seed);
  }

  /**
   * Paths of n points flowing from the base distribution to the data: z ~ N(0, I) solved back
   * from T to 0 through the blocks (last block first), recorded at `steps` evenly spaced times
   * (default 50, at least 2; shared between blocks). Returns [steps, n, D], first row at the base.
   *
   * @param n Number of paths.
   * @param options Number of recorded times, seed of the base draw, context.
   */
  trajectories(
    n: number,
    options: {
      /** Recorded times, including both ends; floored, at least 2. Default 50. */
      steps?: number;
      /** Seed of the base draw z ~ N(0, I); unseeded when omitted. */
      seed?: number;
      /** Context `[n, C]` of a conditional CNF. */
      context?: Tensor;
    } = {},
  ): Tensor {
    const steps = Math.max(2, Math.floor(options.steps ?? 50));
    return tf.tidy(() => {
      let x = randomNormal([n, this.dim], 0, 1, options.seed);
      const rows: Tensor[] = [tf.expandDims(x, 0)];
      for (let k = this.blocks.length - 1, left = steps - 1; k >= 0; k--) {
        // intervals for this block: an even share of what is left
        const m = Math.max(1, Math.round(left / (k + 1)));
        left -= m;
        const block = this.blocks[k];
        const T = block.endTime();
        const ts = Array.from({ length: m + 1 }, (_, j) => T * (1 - j / m));
        const f = block.field;
        const c = options.context;
        const { ys } = solveIvp(c ? (t, y) => f(t, y, c) : f, x, ts, block.settings.eval);
        rows.push(tf.slice(ys, [1, 0, 0], [m, -1, -1]));
        x = tf.reshape(tf.slice(ys, [m, 0, 0], [1, -1, -1]), [n, this.dim]);
      }
      return tf.concat(rows, 0);
    });
  }

  /**
   * Mean negative log-likelihood plus the weighted regularizers (each the batch mean of its
   * integral, summed over blocks), with the training solver settings and divergence. `info`:
   * `nfe` (forward evaluations, all blocks), `nfeBackward` (adjoint), and with regularizers
   * `nll`, `kinetic` / `jacobian`. A tensor in second place is the context.
   *
   * @param x Training batch `[B, D]`.
   * @param options Context and fixed Hutchinson probes (at most one per block), or the context tensor itself.
   */
  override trainLoss(
    x: Tensor,
    options: TrainLossOptions | Tensor = {},
  ): {
    /** Scalar loss to minimise. */
    loss: Tensor;
    /** Counts and loss terms, as numbers. */
    info: LossInfo;
  } {
    const o: TrainLossOptions = options instanceof tf.Tensor ? { context: options } : options;
    if (!o.noise) return super.trainLoss(x, o.context);
    if (o.noise.length > this.blocks.length) {
      throw new Error(
        `CNF.trainLoss: noise has ${o.noise.length} probes; expected at most one per block (${this.blocks.length})`,
      );
    }
    const probes = o.noise;
    this.blocks.forEach((b, i) => {
      b.probe = probes[i] ?? null;
    });
    try {
      return super.trainLoss(x, o.context);
    } finally {
      for (const b of this.blocks) b.probe = null;
    }
  }

  /**
   * With `gradient: 'adjoint'`: tfjs autodiff of {@link CNF.trainLoss} (the blocks' adjoint solves
   * run in its backward pass), with `info.nfeBackward` this step's backward evaluations — known
   * only after the backward pass, so `trainLoss` alone reports the previous step's. `train` uses
   * it. Returns `undefined` with `gradient: 'backprop'` (plain autodiff of `trainLoss` then).
   *
   * @param x Training batch `[B, D]`.
   */
  lossAndGradients(x: Tensor): LossAndGradients | undefined {
    if (this.cnfConfig.gradient !== 'adjoint') return undefined;
    const out = autodiffLossAndGradients(() => this.trainLoss(x), this.params);
    out.info.nfeBackward = this.lastBackwardNfe;
    return out;
  }

  /**
   * With `gradient: 'adjoint'`: the training loss and its gradients in `params` order without
   * any synchronous read (forward solves and adjoint backward solves pick their steps with async
   * reads; the end-time gradient needs no read), the numbers of `trainLoss` under
   * `tf.variableGrads` with the same solves and probes. `info.nfeBackward` is this step's backward
   * evaluations. `train` uses it with `reads: 'async'`. Resolves to `undefined` with
   * `gradient: 'backprop'` (then {@link FlowModel.trainPassAsync} replays the solve under the tape).
   *
   * @param x Training batch `[B, D]`.
   * @param context The context `[B, C]` of a conditional CNF.
   */
  async lossAndGradientsAsync(x: Tensor, context?: Tensor): Promise<AdjointLossAndGradients | undefined> {
    if (this.cnfConfig.gradient !== 'adjoint') return undefined;
    this.checkInput(x);
    const c = this.checkContext(context, x.shape[0]);
    return adjointLossAndGradientsAsync(this.blocks, x, c, this.params);
  }

  /** Disposes the variables and anything kept for a pending adjoint gradient. */
  override dispose(): void {
    for (const b of this.blocks) b.dispose();
  }

  /** The resolved options (kind 'cnf'), enough to rebuild this model with `new CNF(config)`. */
  override config(): CnfConfig {
    const c = this.cnfConfig;
    return {
      ...c,
      hidden: [...c.hidden],
      train: { ...c.train },
      adjointSolver: { ...c.adjointSolver },
      eval: { ...c.eval },
    };
  }
}
