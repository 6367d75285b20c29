import { resolveOptions } from '../../solvers/options.js';
import type { MethodName, OdeintOptions } from '../../solvers/types.js';
import { checkModelConfig } from '../config-bounds.js';
import { ACTIVATIONS, type ActivationName } from '../nn/activations.js';
import { NOISE_KINDS, type NoiseKind } from '../nn/divergence.js';
import { LAYER_KINDS, type LayerKind } from '../nn/layers.js';
import type { VectorField } from '../nn/mlp.js';
import { ConfigError, checkOptionsObject } from '../validate.js';

/** Solver settings of one phase (training or evaluation). */
export interface SolverSettings {
  /** Integration method. */
  method?: MethodName;
  /** Relative tolerance (adaptive methods). */
  rtol?: number;
  /** Absolute tolerance (adaptive methods). */
  atol?: number;
  /** Step size (fixed-step methods). */
  stepSize?: number;
}

/** Options of {@link CNF}. Only `dim` is required. */
export interface CnfOptions {
  /** Data dimension D. */
  dim: number;
  /** Hidden widths of each block's field. Default [64, 64, 64]. */
  hidden?: readonly number[];
  /** Layer kind. Default 'concatsquash'. */
  layer?: LayerKind;
  /** Activation. Default 'tanh'. */
  activation?: ActivationName;
  /** Number of stacked CNF blocks, each with its own field and end time. Default 1. */
  blocks?: number;
  /** Initial end time T of each block. Default 0.5. */
  T?: number;
  /** Train T (as s², s a variable: FFJORD's sqrt_end_time). Default true. */
  trainT?: boolean;
  /** Divergence in training: exact (D tangents) or Hutchinson's estimate. Default 'exact'. */
  divergence?: 'exact' | 'hutchinson';
  /** Divergence in logProb / forward / inverse / sample. Default 'exact'. */
  evalDivergence?: 'exact' | 'hutchinson';
  /** Hutchinson probe distribution (drawn once per solve). Default 'gaussian'. */
  noise?: NoiseKind;
  /** How trainLoss gradients are computed: through the solver, or by the adjoint method. Default 'backprop'. */
  gradient?: 'backprop' | 'adjoint';
  /** Alias of `gradient: 'adjoint'` (true) / `'backprop'` (false); `gradient` wins if both are given. */
  adjoint?: boolean;
  /** Solver settings of both phases (overridden by `train` / `eval`). Default dopri5, rtol = atol = 1e-5. */
  method?: MethodName;
  rtol?: number;
  atol?: number;
  stepSize?: number;
  /** Solver settings of trainLoss. */
  train?: SolverSettings;
  /** Solver settings of logProb, forward, inverse and sample. */
  eval?: SolverSettings;
  /** Weight of the kinetic-energy regularizer ∫‖f‖² dt (Finlay et al. 2020). Default 0 (off). */
  kinetic?: number;
  /** Weight of the Jacobian Frobenius regularizer ∫‖∂f/∂x‖²_F dt. Default 0 (off). */
  jacobian?: number;
  /** Seed of the weights and of the Hutchinson noise sequence. Default 0. */
  seed?: number;
  /**
   * Evaluate the dynamics as one hand-differentiated op (fast; plain mlpFields with tanh, sigmoid
   * or softplus) rather than by autodiff of the tangent propagation. Same numbers. Default true.
   */
  fused?: boolean;
  /**
   * Ready-made vector fields, one per block (e.g. a flow-matching field), used instead of building
   * new ones; `blocks` becomes their number. Their `dim` must equal `dim`. Not part of the config:
   * a model rebuilt from `config()` gets fresh fields.
   */
  fields?: readonly VectorField[];
}

/** {@link CnfOptions} resolved: every default filled, the solver settings per phase. */
export interface CnfConfig {
  kind: 'cnf';
  dim: number;
  hidden: number[];
  layer: LayerKind;
  activation: ActivationName;
  blocks: number;
  T: number;
  trainT: boolean;
  divergence: 'exact' | 'hutchinson';
  evalDivergence: 'exact' | 'hutchinson';
  noise: NoiseKind;
  gradient: 'backprop' | 'adjoint';
  train: SolverSettings;
  eval: SolverSettings;
  kinetic: number;
  jacobian: number;
  seed: number;
  fused: boolean;
}

function check(ok: boolean, name: string, value: unknown, expected: string): void {
  if (!ok) throw new ConfigError('CNF options', name, value, expected);
}

/** Validates one phase's solver settings as odeint would, at construction rather than at the first solve. */
function checkSettings(phase: string, s: SolverSettings): void {
  const o: OdeintOptions = { method: s.method, rtol: s.rtol, atol: s.atol };
  if (s.stepSize !== undefined) o.stepSize = s.stepSize;
  try {
    resolveOptions(o);
  } catch (err) {
    const m = /option (\w+) = (.*) is invalid: expected (.*)$/s.exec((err as Error).message);
    if (m) throw new ConfigError('CNF options', `${phase}.${m[1]}`, o[m[1] as keyof OdeintOptions], m[3]);
    throw err;
  }
}

function settings(o: CnfOptions, phase: SolverSettings | undefined): SolverSettings {
  const s: SolverSettings = {
    method: phase?.method ?? o.method ?? 'dopri5',
    rtol: phase?.rtol ?? o.rtol ?? 1e-5,
    atol: phase?.atol ?? o.atol ?? 1e-5,
  };
  // a phase that names its own method does not inherit the shared stepSize
  const step = phase?.stepSize ?? (phase?.method === undefined ? o.stepSize : undefined);
  if (step !== undefined) s.stepSize = step;
  return s;
}

/** Fills the defaults of {@link CnfOptions} and validates them (errors name the option and range). */
export function resolveCnfOptions(o: CnfOptions): CnfConfig {
  checkOptionsObject('CNF', o);
  check(o !== undefined, 'options', o, 'an options object with dim');
  const c: CnfConfig = {
    kind: 'cnf',
    dim: o.dim,
    hidden: [...(o.hidden ?? [64, 64, 64])],
    layer: o.layer ?? 'concatsquash',
    activation: o.activation ?? 'tanh',
    blocks: o.fields?.length ?? o.blocks ?? 1,
    T: o.T ?? 0.5,
    trainT: o.trainT ?? true,
    divergence: o.divergence ?? 'exact',
    evalDivergence: o.evalDivergence ?? 'exact',
    noise: o.noise ?? 'gaussian',
    gradient: o.gradient ?? (o.adjoint === true ? 'adjoint' : 'backprop'),
    train: settings(o, o.train),
    eval: settings(o, o.eval),
    kinetic: o.kinetic ?? 0,
    jacobian: o.jacobian ?? 0,
    seed: o.seed ?? 0,
    fused: o.fused ?? true,
  };
  check(Number.isInteger(c.dim) && c.dim > 0, 'dim', c.dim, 'a whole number > 0');
  check(
    c.hidden.every((h) => Number.isInteger(h) && h > 0),
    'hidden',
    c.hidden,
    'whole numbers > 0',
  );
  check(LAYER_KINDS.includes(c.layer), 'layer', c.layer, LAYER_KINDS.join(' or '));
  check(ACTIVATIONS.includes(c.activation), 'activation', c.activation, `one of ${ACTIVATIONS.join(', ')}`);
  check(Number.isInteger(c.blocks) && c.blocks > 0, 'blocks', c.blocks, 'a whole number > 0');
  check(Number.isFinite(c.T) && c.T > 0, 'T', c.T, 'a finite number > 0');
  const divs = ['exact', 'hutchinson'];
  check(divs.includes(c.divergence), 'divergence', c.divergence, "'exact' or 'hutchinson'");
  check(divs.includes(c.evalDivergence), 'evalDivergence', c.evalDivergence, "'exact' or 'hutchinson'");
  check(NOISE_KINDS.includes(c.noise), 'noise', c.noise, NOISE_KINDS.join(' or '));
  check(['backprop', 'adjoint'].includes(c.gradient), 'gradient', c.gradient, "'backprop' or 'adjoint'");
  check(Number.isFinite(c.kinetic) && c.kinetic >= 0, 'kinetic', c.kinetic, 'a finite number ≥ 0');
  check(Number.isFinite(c.jacobian) && c.jacobian >= 0, 'jacobian', c.jacobian, 'a finite number ≥ 0');
  check(Number.isFinite(c.seed), 'seed', c.seed, 'a finite number');
  checkSettings('train', c.train);
  checkSettings('eval', c.eval);
  checkModelConfig({ ...c, kind: 'cnf' }, 'CNF options', '');
  if (o.fields) {
    const dims = o.fields.map((f) => f.dim);
    check(
      dims.length > 0 && dims.every((d) => d === c.dim),
      'fields (their dim)',
      dims,
      `${c.dim} for every field`,
    );
  }
  return c;
}
