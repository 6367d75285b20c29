import { solveIvp } from '../../solvers/odeint.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import { CNF } from '../cnf/cnf.js';
import type { SolverSettings } from '../cnf/options.js';
import { checkModelConfig } from '../config-bounds.js';
import type { Sampler } from '../data/toy.js';
import { toySampler } from '../data/toy.js';
import type { DensityModel, LossInfo, ModelConfig } from '../model.js';
import { type MlpField, type MlpFieldOptions, mlpField } from '../nn/mlp.js';
import { ConfigError, checkNumber, checkOneOf, checkOptionsObject } from '../validate.js';
import {
  DEFAULT_OBJECTIVE,
  type FlowMatchingObjective,
  flowMatchingLoss,
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
  /** Solver of `logProb` and `sample` (the CNF's evaluation settings). Default dopri5, rtol = atol = 1e-5. */
  eval?: SolverSettings;
  /** Divergence of `logProb`. Default 'exact'. */
  divergence?: 'exact' | 'hutchinson';
  /** Seed of the draws of t, noise and source samples. Default 0. */
  seed?: number;
}

/** Config of a flow-matching model: the field's options and the objective's. */
export interface FlowMatchingConfig extends ModelConfig {
  kind: 'flow-matching';
  field: MlpFieldOptions;
  objective: FlowMatchingObjective;
  sigma: number;
  coupling: 'exact' | 'sinkhorn';
  reg: number;
  source: string;
  eval: SolverSettings;
  divergence: 'exact' | 'hutchinson';
  seed: number;
}

/**
 * A vector field trained by flow matching (simulation-free), seen as a density model: the
 * training loss is the regression of {@link flowMatchingLoss}; `logProb` and `sample` go through
 * a {@link CNF} built on the same field (time convention converted by {@link dataToNoise}), so
 * any solver and exact or Hutchinson divergence apply. Noise at t = 0, data at t = 1.
 */
export class FlowMatchingModel implements DensityModel {
  readonly dim: number;
  readonly field: MlpField;
  readonly params: readonly tf.Variable[];
  /** The CNF over the same field (data at 0, noise at 1), for log-densities and sampling. */
  readonly cnf: CNF;
  private readonly cfg: FlowMatchingConfig;
  private readonly source?: Sampler;
  private step = 0;
  private pairs?: { x0: Tensor; x1: Tensor };

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
    this.field = field;
    this.dim = field.dim;
    this.params = field.params;
    this.cfg = {
      kind: 'flow-matching',
      field: { ...field.config },
      objective,
      sigma,
      coupling: options.coupling ?? 'exact',
      reg: options.reg ?? 0.05,
      source: typeof options.source === 'function' ? 'custom' : (options.source ?? 'normal'),
      eval: { method: 'dopri5', rtol: 1e-5, atol: 1e-5, ...(options.eval ?? {}) },
      divergence: options.divergence ?? 'exact',
      seed: options.seed ?? 0,
    };
    if (typeof options.source === 'function') this.source = options.source;
    else if (this.cfg.source !== 'normal' && this.cfg.source !== 'custom') {
      this.source = toySampler(this.cfg.source, this.cfg.seed + 17);
    }
    this.cnf = new CNF({
      dim: this.dim,
      fields: [dataToNoise(field)],
      T: 1,
      trainT: false,
      evalDivergence: this.cfg.divergence,
      eval: this.cfg.eval,
    });
  }

  private settings(): ObjectiveSettings {
    return {
      objective: this.cfg.objective,
      sigma: this.cfg.sigma,
      coupling: this.cfg.coupling,
      reg: this.cfg.reg,
    };
  }

  /** n source points (t = 0). */
  sourceSample(n: number, seed: number): Tensor {
    if (this.source) return this.source(n, seed);
    if (this.cfg.source === 'custom') {
      throw new Error(
        "this model's source was a custom sampler: rebuild it with options.source set to that sampler",
      );
    }
    return tf.randomNormal([n, this.dim], 0, 1, 'float32', seed);
  }

  private requireNormal(what: string): void {
    if (this.cfg.source !== 'normal') {
      throw new Error(`${what} needs a standard normal source; this model's source is '${this.cfg.source}'`);
    }
  }

  /** log p(x) through the CNF on the trained field (exact divergence by default). */
  logProb(x: Tensor): Tensor {
    this.requireNormal('logProb');
    return this.cnf.logProb(x);
  }

  /** n samples: source points carried from t = 0 to t = 1 by the field. */
  sample(n: number, seed?: number): Tensor {
    if (this.cfg.source === 'normal') return this.cnf.sample(n, seed);
    return this.transport(this.sourceSample(n, seed ?? 0), true);
  }

  /**
   * Carries points x0 (at t = 0) to t = 1 with the evaluation solver; returns the end points and,
   * through `onStats`, the solver's counts. Disposes x0 when `consume` is true.
   */
  transport(x0: Tensor, consume = false, onStats?: (nfe: number) => void): Tensor {
    const r = solveIvp(this.field, x0, [0, 1], this.cfg.eval);
    onStats?.(r.stats.nfe);
    const x1 = tf.tidy(() => tf.reshape(tf.slice(r.ys, [1, 0, 0], [1, -1, -1]), x0.shape));
    r.ys.dispose();
    if (consume) x0.dispose();
    return x1;
  }

  /**
   * Reflow (rectified flow's second stage): pairs n source points with their images under the
   * current field; later training regresses on these fixed pairs (straighter paths).
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

  /** The regression loss on a data batch x1 (or, after {@link reflow}, on a batch of the pairs). */
  trainLoss(x: Tensor): { loss: Tensor; info: LossInfo } {
    const seed = this.cfg.seed * 100_003 + this.step++;
    const n = x.shape[0];
    if (x.rank !== 2 || x.shape[1] !== this.dim) {
      throw new Error(`flow-matching input has shape [${x.shape.join(', ')}]; expected [B, ${this.dim}]`);
    }
    const loss = tf.tidy(() => {
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
    return { loss, info: { nfe: 1 } };
  }

  config(): ModelConfig {
    return { ...this.cfg, field: { ...this.cfg.field }, eval: { ...this.cfg.eval } };
  }

  /** Disposes the field's variables and any reflow pairs. */
  dispose(): void {
    this.clearPairs();
    for (const p of this.params) p.dispose();
    this.cnf.dispose();
  }
}

/** Rebuilds a flow-matching model (fresh variables) from its config. */
export function flowMatchingFromConfig(config: ModelConfig): FlowMatchingModel {
  const c = config as Partial<FlowMatchingConfig> & MlpFieldOptions & FlowMatchingOptions;
  // a saved model carries `field`; the CLI and createModel give the field's keys flat
  const field: MlpFieldOptions = c.field ?? {
    dim: c.dim,
    hidden: c.hidden,
    layer: c.layer,
    activation: c.activation,
    seed: c.seed,
  };
  return new FlowMatchingModel(mlpField(field), c);
}
