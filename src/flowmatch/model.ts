import { solveIvp } from '../../solvers/odeint.js';
import type { SolverOptions } from '../../solvers/options.js';
import { solveIvpAsync } from '../../solvers/solve-ivp-async.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import { CnfBlock } from '../cnf/block.js';
import { FFJORD_SOLVER } from '../cnf/solver-defaults.js';
import { checkModelConfig } from '../config-bounds.js';
import { type ConfigReader, readerOf } from '../core/config-reader.js';
import { FlowModel } from '../core/flow-model.js';
import { randomNormal } from '../core/random.js';
import type { Sampler } from '../data/toy.js';
import { toySampler } from '../data/toy.js';
import type { LossInfo, ModelConfig, TrainPass } from '../model.js';
import { ACTIVATIONS } from '../nn/activations.js';
import { LAYER_KINDS } from '../nn/layers.js';
import { type MlpField, type MlpFieldOptions, mlpField } from '../nn/mlp.js';
import { canRegress } from '../nn/mlp-step.js';
import { ConfigError, checkNumber, checkOneOf, checkOptionsObject } from '../validate.js';
import { coupleAsync } from './coupling.js';
import {
  DEFAULT_OBJECTIVE,
  type FlowMatchingObjective,
  flowMatchingLoss,
  flowMatchingLossAndGrads,
  OBJECTIVES,
  type ObjectiveSettings,
} from './objective.js';
import { dataToNoise } from './reverse.js';

/** Options of {@link FlowMatchingModel}. */
export interface FlowMatchingOptions {
  /** Objective. Default 'ot-cfm'. */
  objective?: FlowMatchingObjective;
  /** Path width σ. Default 0 (for 'rectified' it must be 0). */
  sigma?: number;
  /** OT coupling of 'ot-cfm'. Default 'exact'. */
  coupling?: 'exact' | 'sinkhorn';
  /** Sinkhorn regularisation, relative to the mean squared distance. Default 0.05. */
  reg?: number;
  /**
   * Source distribution at t = 0: `'normal'` (standard normal; log-densities available), the
   * name of a toy data set (e.g. '8gaussians' → moons, as in torchcfm's tutorials), or any
   * sampler `(n, step) => Tensor` (recorded as 'custom': a model rebuilt from its config needs it
   * passed again to sample). Default 'normal'.
   */
  source?: 'normal' | string | Sampler;
  /** Solver of `logProb` and `sample`, handed unchanged to the solve. Default {@link FFJORD_SOLVER} (dopri5, rtol = atol = 1e-5). */
  eval?: SolverOptions;
  /** Divergence of `logProb`. Default 'exact'. */
  divergence?: 'exact' | 'hutchinson';
  /** Seed of the draws of t, noise and source samples. Default 0. */
  seed?: number;
}

/** Config of a flow-matching model: the field's options and the objective's. */
export type FlowMatchingConfig = {
  /** Always `'flow-matching'`. */
  kind: 'flow-matching';
  /** The field's options (rebuilds the field). */
  field: MlpFieldOptions;
  /** Objective (given or 'ot-cfm'). */
  objective: FlowMatchingObjective;
  /** Path width σ (given or 0). */
  sigma: number;
  /** OT coupling (given or 'exact'). */
  coupling: 'exact' | 'sinkhorn';
  /** Relative Sinkhorn regularisation (given or 0.05). */
  reg: number;
  /** Source name: the given name, 'custom' for a sampler function, or 'normal'. */
  source: string;
  /** Evaluation solver (given or {@link FFJORD_SOLVER}). */
  eval: SolverOptions;
  /** Divergence of logProb (given or 'exact'). */
  divergence: 'exact' | 'hutchinson';
  /** Seed of the training draws (given or 0). */
  seed: number;
};

/** The CNF block over a flow-matching field (data at 0, noise at 1) with the model's evaluation settings. */
function blockOf(field: MlpField, evalSolver: SolverOptions, divergence: 'exact' | 'hutchinson'): CnfBlock {
  return new CnfBlock(dataToNoise(field), {
    T: 1,
    trainT: false,
    train: evalSolver,
    eval: evalSolver,
    divergence,
    evalDivergence: divergence,
    noise: 'gaussian',
    gradient: 'backprop',
    kinetic: 0,
    jacobian: 0,
    fused: true,
    noiseSeed: 1,
  });
}

/**
 * A vector field trained by flow matching (simulation-free), as the one density model: a
 * {@link FlowModel} whose transform is a {@link CnfBlock} on the same field (time convention
 * converted by {@link dataToNoise}), so `logProb`, `sample`, checkpoints and plots treat it like
 * any CNF; only the training loss differs — the regression of {@link flowMatchingLoss}. Noise at
 * t = 0, data at t = 1.
 */
export class FlowMatchingModel extends FlowModel {
  /** The trained velocity field v(t, x). */
  readonly field: MlpField;
  /** The CNF block over the same field (data at 0, noise at 1), for log-densities and sampling. */
  readonly block: CnfBlock;
  private readonly fm: FlowMatchingConfig;
  private readonly source?: Sampler;
  private step = 0;
  private pairs?: { x0: Tensor; x1: Tensor };

  /**
   * A flow-matching model over `field`; validates the options (errors name the option and range).
   *
   * @param field The velocity field to train (its config is saved with the model).
   * @param options Objective, path width, coupling, source, evaluation solver and seed; see {@link FlowMatchingOptions}.
   */
  constructor(field: MlpField, options: FlowMatchingOptions = {}) {
    const where = 'flowMatching options';
    checkOptionsObject(where, options);
    const objective = checkOneOf(where, 'objective', options.objective ?? DEFAULT_OBJECTIVE, OBJECTIVES);
    const sigma = checkNumber(where, 'sigma', options.sigma ?? 0, { min: 0 });
    if (objective === 'rectified' && sigma !== 0) {
      throw new ConfigError(
        where,
        'sigma',
        sigma,
        "0 with objective 'rectified' (rectified flow uses sigma = 0)",
      );
    }
    checkOneOf(where, 'coupling', options.coupling ?? 'exact', ['exact', 'sinkhorn']);
    checkNumber(where, 'reg', options.reg ?? 0.05, { above: 0 });
    const { source: _source, ...rest } = options;
    checkModelConfig({ ...rest, kind: 'flow-matching' }, where, '');
    const cfg: FlowMatchingConfig = {
      kind: 'flow-matching',
      field: { ...field.config },
      objective,
      sigma,
      coupling: options.coupling ?? 'exact',
      reg: options.reg ?? 0.05,
      source: typeof options.source === 'function' ? 'custom' : (options.source ?? 'normal'),
      eval: options.eval ?? FFJORD_SOLVER,
      divergence: options.divergence ?? 'exact',
      seed: options.seed ?? 0,
    };
    const block = blockOf(field, cfg.eval, cfg.divergence);
    super({ bijector: block, dim: field.dim, config: cfg });
    this.field = field;
    this.block = block;
    this.fm = cfg;
    if (typeof options.source === 'function') this.source = options.source;
    else if (this.fm.source !== 'normal' && this.fm.source !== 'custom') {
      this.source = toySampler(this.fm.source, this.fm.seed + 17);
    }
  }

  private settings(): ObjectiveSettings {
    return {
      objective: this.fm.objective,
      sigma: this.fm.sigma,
      coupling: this.fm.coupling,
      reg: this.fm.reg,
    };
  }

  /**
   * Sets the index of the next training draw (times, noise, coupling): the same index replays the same draws.
   *
   * @param step Index of the next training draw.
   */
  seek(step: number): void {
    if (!(Number.isInteger(step) && step >= 0)) {
      throw new Error(`FlowMatchingModel.seek: step = ${step} is invalid: expected a whole number ≥ 0`);
    }
    this.step = step;
  }

  /**
   * n source points (t = 0).
   *
   * @param n Number of points.
   * @param seed Seed (or step index, for a sampler) of the draw.
   */
  sourceSample(n: number, seed: number): Tensor {
    if (this.source) return this.source(n, seed);
    if (this.fm.source === 'custom') {
      throw new Error(
        "this model's source was a custom sampler: rebuild it with options.source set to that sampler",
      );
    }
    return randomNormal([n, this.dim], 0, 1, seed);
  }

  private requireNormal(what: string): void {
    if (this.fm.source !== 'normal') {
      throw new Error(`${what} needs a standard normal source; this model's source is '${this.fm.source}'`);
    }
  }

  /**
   * log p(x) through the CNF block on the trained field (exact divergence by default).
   *
   * @param x Data `[B, dim]`.
   * @param context Passed on to {@link FlowModel.logProb}; the model is unconditional, so leave it out.
   */
  override logProb(x: Tensor, context?: Tensor): Tensor {
    this.requireNormal('logProb');
    return super.logProb(x, context);
  }

  /**
   * n samples: source points carried from t = 0 to t = 1 by the field (a number in second place is the seed).
   *
   * @param n Number of points.
   * @param context A number here is the seed; the model takes no context.
   * @param seed Seed of the source draw (a non-normal source uses 0 when omitted; the normal source is then unseeded).
   */
  override sample(n: number, context?: Tensor | number, seed?: number): Tensor {
    if (this.fm.source === 'normal') return super.sample(n, context, seed);
    const s = typeof context === 'number' ? context : seed;
    return this.transport(this.sourceSample(n, s ?? 0), true);
  }

  /**
   * {@link logProb} for backends without synchronous reads (standard normal source only).
   *
   * @param x Data `[B, dim]`.
   * @param context Passed on to {@link FlowModel.logProbAsync}; the model is unconditional, so leave it out.
   */
  override async logProbAsync(x: Tensor, context?: Tensor): Promise<Tensor> {
    this.requireNormal('logProbAsync');
    return super.logProbAsync(x, context);
  }

  /**
   * {@link sample} for backends without synchronous reads.
   *
   * @param n Number of points.
   * @param context A number here is the seed; the model takes no context.
   * @param seed Seed of the source draw (as in {@link sample}).
   */
  override async sampleAsync(n: number, context?: Tensor | number, seed?: number): Promise<Tensor> {
    if (this.fm.source === 'normal') return super.sampleAsync(n, context, seed);
    const s = typeof context === 'number' ? context : seed;
    const x0 = this.sourceSample(n, s ?? 0);
    try {
      const r = await solveIvpAsync(this.field, x0, [0, 1], this.fm.eval);
      const x1 = tf.tidy(() => tf.reshape(tf.slice(r.ys, [1, 0, 0], [1, -1, -1]), x0.shape));
      r.ys.dispose();
      return x1;
    } finally {
      x0.dispose();
    }
  }

  /**
   * {@link sampleAndLogProb} for backends without synchronous reads (standard normal source only).
   *
   * @param n Number of points.
   * @param context A number here is the seed; the model takes no context.
   * @param seed Seed of the source draw; unseeded when omitted.
   */
  override async sampleAndLogProbAsync(n: number, context?: Tensor | number, seed?: number) {
    this.requireNormal('sampleAndLogProbAsync');
    return super.sampleAndLogProbAsync(n, context, seed);
  }

  /**
   * {@link sample} and log p from one pass (standard normal source only).
   *
   * @param n Number of points.
   * @param context A number here is the seed; the model takes no context.
   * @param seed Seed of the source draw; unseeded when omitted.
   */
  override sampleAndLogProb(n: number, context?: Tensor | number, seed?: number) {
    this.requireNormal('sampleAndLogProb');
    return super.sampleAndLogProb(n, context, seed);
  }

  /**
   * Carries points x0 (at t = 0) to t = 1 with the evaluation solver; returns the end points and,
   * through `onStats`, the solver's counts. Disposes x0 when `consume` is true.
   *
   * @param x0 Points at t = 0, `[B, dim]`.
   * @param consume Dispose x0 afterwards. Default false.
   * @param onStats Receives the solve's function-evaluation count.
   */
  transport(x0: Tensor, consume = false, onStats?: (nfe: number) => void): Tensor {
    const r = solveIvp(this.field, x0, [0, 1], this.fm.eval);
    onStats?.(r.stats.nfe);
    const x1 = tf.tidy(() => tf.reshape(tf.slice(r.ys, [1, 0, 0], [1, -1, -1]), x0.shape));
    r.ys.dispose();
    if (consume) x0.dispose();
    return x1;
  }

  /**
   * Reflow (rectified flow's second stage): pairs n source points with their images under the
   * current field; later training regresses on these fixed pairs (straighter paths).
   *
   * @param n Number of pairs.
   * @param seed Seed of the source points. Default 0.
   */
  reflow(n: number, seed = 0): void {
    this.clearPairs();
    const x0 = this.sourceSample(n, seed);
    this.pairs = { x0, x1: this.transport(x0) };
  }

  /** Forgets the reflow pairs (training goes back to fresh data). */
  clearPairs(): void {
    if (this.pairs) tf.dispose([this.pairs.x0, this.pairs.x1]);
    this.pairs = undefined;
  }

  /**
   * The regression loss on a data batch x1 (or, after {@link reflow}, on a batch of the pairs).
   *
   * @param x Data batch x1 `[B, dim]` (after reflow, its size sets the batch of pairs).
   */
  override trainLoss(x: Tensor): {
    /** Scalar loss to minimise. */
    loss: Tensor;
    /** Counts and loss terms, as numbers. */
    info: LossInfo;
  } {
    const seed = this.nextSeed(x);
    return { loss: this.lossAt(x, seed), info: { nfe: 1 } };
  }

  /**
   * {@link trainLoss} in two phases for backends without synchronous reads: the OT coupling of
   * 'ot-cfm' (the one read) is made here asynchronously; the pass's `loss()` is the regression on
   * the coupled pairs, with the same draws, value and gradient as `trainLoss`.
   *
   * @param x Data batch x1 `[B, dim]` (after reflow, its size sets the batch of pairs).
   */
  override async trainPassAsync(x: Tensor): Promise<TrainPass> {
    const seed = this.nextSeed(x);
    const s = this.settings();
    if (this.pairs || s.objective !== 'ot-cfm') {
      return { loss: () => ({ loss: this.lossAt(x, seed), info: { nfe: 1 }, reads: {} }), dispose: () => {} };
    }
    const x0 = this.sourceSample(x.shape[0], seed);
    let pairs: [Tensor, Tensor];
    try {
      pairs = await coupleAsync(x0, x, s.coupling, { reg: s.reg, seed });
    } finally {
      x0.dispose();
    }
    const [a, b] = pairs;
    return {
      loss: () => ({ loss: flowMatchingLoss(this.field, a, b, s, seed, true), info: { nfe: 1 }, reads: {} }),
      dispose: () => tf.dispose([a, b]),
    };
  }

  /** The seed of the next training draw (advancing the step), after checking the batch's shape. */
  private nextSeed(x: Tensor): number {
    this.checkBatch(x);
    return this.fm.seed * 100_003 + this.step++;
  }

  /** The regression loss on batch x with the draws of `seed`. */
  private lossAt(x: Tensor, seed: number): Tensor {
    const n = x.shape[0];
    return tf.tidy(() => {
      if (this.pairs) {
        const m = this.pairs.x0.shape[0];
        const idx = tf.randomUniformInt([n], 0, m, seed);
        return flowMatchingLoss(
          this.field,
          tf.gather(this.pairs.x0, idx),
          tf.gather(this.pairs.x1, idx),
          this.settings(),
          seed,
          true,
        );
      }
      return flowMatchingLoss(this.field, this.sourceSample(n, seed), x, this.settings(), seed);
    });
  }

  /**
   * {@link trainLoss} and its gradients (in `params` order) by the field's hand-written backward
   * pass (`flowMatchingLossAndGrads` in src/flowmatch/objective.ts): the same draws and loss, a third of the kernels of
   * autodiff. Undefined for a field that pass cannot run (the training loop then differentiates
   * {@link trainLoss}).
   *
   * @param x Data batch x1 `[B, dim]` (after reflow, its size sets the batch of pairs).
   */
  lossAndGradients(x: Tensor):
    | {
        /** Scalar loss. */
        loss: Tensor;
        /** Gradients in `params` order. */
        grads: Tensor[];
        /** Counts and loss terms, as numbers. */
        info: LossInfo;
      }
    | undefined {
    if (!canRegress(this.field)) return undefined;
    this.checkBatch(x);
    const seed = this.fm.seed * 100_003 + this.step++;
    const n = x.shape[0];
    let x0: Tensor;
    let x1: Tensor;
    let paired = false;
    if (this.pairs) {
      const m = this.pairs.x0.shape[0];
      const pairs = this.pairs;
      [x0, x1] = tf.tidy(() => {
        const idx = tf.randomUniformInt([n], 0, m, seed);
        return [tf.gather(pairs.x0, idx), tf.gather(pairs.x1, idx)];
      });
      paired = true;
    } else {
      x0 = this.sourceSample(n, seed);
      x1 = x;
    }
    try {
      const r = flowMatchingLossAndGrads(this.field, x0, x1, this.settings(), seed, paired);
      if (r === undefined) throw new Error('flow matching: the field cannot take the hand-written step');
      return { loss: r.loss, grads: r.grads, info: { nfe: 1 } };
    } finally {
      x0.dispose();
      if (x1 !== x) x1.dispose();
    }
  }

  private checkBatch(x: Tensor): void {
    if (x.rank !== 2 || x.shape[1] !== this.dim) {
      throw new Error(`flow-matching input has shape [${x.shape.join(', ')}]; expected [B, ${this.dim}]`);
    }
  }

  override config(): FlowMatchingConfig {
    return { ...this.fm, field: { ...this.fm.field }, eval: { ...this.fm.eval } };
  }

  /** Disposes the field's variables and any reflow pairs. */
  override dispose(): void {
    this.clearPairs();
    this.block.dispose();
  }
}

function readField(r: ConfigReader): MlpFieldOptions {
  const dim = r.int('dim');
  if (dim === undefined) throw new Error("a 'flow-matching' field needs dim");
  return {
    dim,
    hidden: r.ints('hidden'),
    layer: r.oneOf('layer', LAYER_KINDS),
    activation: r.oneOf('activation', ACTIVATIONS),
    seed: r.num('seed'),
    contextDim: r.int('contextDim', 0),
  };
}

/**
 * Rebuilds a flow-matching model (fresh variables) from its config (checked; unknown keys refused).
 *
 * @param config A config from `model.config()` (or the CLI's flat form).
 */
export function flowMatchingFromConfig(config: ModelConfig): FlowMatchingModel {
  const r = readerOf(config);
  // a saved model carries `field`; the CLI and createModel give the field's keys flat
  const nested = r.object('field', readField);
  const options: FlowMatchingOptions = {
    objective: r.oneOf('objective', OBJECTIVES),
    sigma: r.num('sigma', (v) => v >= 0, 'a finite number ≥ 0'),
    coupling: r.oneOf('coupling', ['exact', 'sinkhorn'] as const),
    reg: r.num('reg', (v) => v > 0, 'a finite number > 0'),
    source: r.str('source'),
    eval: r.solver('eval'),
    divergence: r.oneOf('divergence', ['exact', 'hutchinson'] as const),
    seed: r.num('seed'),
  };
  const field = nested ?? readField(r);
  r.done();
  return new FlowMatchingModel(mlpField(field), options);
}
