import {
  adjointKeys,
  type BackwardSettings,
  backwardSettingsProblem,
  resolveBackward,
} from '../../solvers/adjoint-options.js';
import { OdeOptionError } from '../../solvers/errors.js';
import { resolveOptions, type SolverOptions } from '../../solvers/options.js';
import type { MethodName } from '../../solvers/types.js';
import { checkModelConfig } from '../config-bounds.js';
import { ACTIVATIONS, type ActivationName } from '../nn/activations.js';
import { NOISE_KINDS, type NoiseKind } from '../nn/divergence.js';
import { LAYER_KINDS, type LayerKind } from '../nn/layers.js';
import type { VectorField } from '../nn/mlp.js';
import { ConfigError, checkOptionsObject } from '../validate.js';
import { FFJORD_SOLVER } from './solver-defaults.js';

/**
 * Solver settings of one phase: the solvers' own {@link SolverOptions}, handed unchanged to the
 * solve. Kept as an alias: `SolverSettings` was the CNF's own (re-declared) type before.
 */
export type SolverSettings = SolverOptions;

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
  /**
   * With `gradient: 'adjoint'`: the backward (adjoint) solve's own method, tolerances, step and
   * error norm — torchdiffeq's `adjoint_method`, `adjoint_rtol`, `adjoint_atol`; each setting not
   * given is the training solve's (norm: 'rms'). Default {} (the backward solve as the forward).
   */
  adjointSolver?: BackwardSettings;
  /**
   * Solver settings of both phases, handed unchanged to the solve (fields not given take the
   * solvers' defaults, solvers/options.ts). Default {@link FFJORD_SOLVER}: dopri5, rtol = atol = 1e-5.
   */
  solver?: SolverOptions;
  /** Solver settings of training passes (trainLoss). Default `solver`. */
  train?: SolverOptions;
  /** Solver settings of logProb, forward, inverse and sample. Default `solver`. */
  eval?: SolverOptions;
  /** Width C of a context [B, C] the fields read, f(t, x, c) (a conditional CNF). Default 0. */
  contextDim?: number;
  /**
   * @deprecated Shorthand kept for earlier code and the notebooks: `method`, `rtol`, `atol`,
   * `stepSize` at the top level stand for `solver: { ...FFJORD_SOLVER, method, rtol, atol, stepSize }`
   * (only the keys given). Ignored when `solver` is given.
   */
  method?: MethodName;
  /** @deprecated See `method`. */
  rtol?: number;
  /** @deprecated See `method`. */
  atol?: number;
  /** @deprecated See `method`. */
  stepSize?: number;
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
   * Training solves (adaptive methods) begin with the step size the block's previous training
   * solve chose after its first step, instead of Hairer's initial-step heuristic on every solve
   * (torchdiffeq's behaviour, `false`): the heuristic costs an evaluation and here picks a first
   * step several times smaller than the solve then takes. Error control is unchanged — every
   * accepted step meets rtol/atol — and a first step that turns out too large is rejected and
   * shrunk as any other. With `gradient: 'adjoint'` the backward solve is warm-started the same
   * way (`adjointFirstStep`). A `firstStep` in the training settings wins. Default true.
   */
  warmStart?: boolean;
  /**
   * Ready-made vector fields, one per block (e.g. a flow-matching field), used instead of building
   * new ones; `blocks` becomes their number. Their `dim` must equal `dim`. Not part of the config:
   * a model rebuilt from `config()` gets fresh fields.
   */
  fields?: readonly VectorField[];
}

/** {@link CnfOptions} resolved: every default filled, the solver settings per phase. */
export type CnfConfig = {
  /** Always `'cnf'` (the config's tag). */
  kind: 'cnf';
  /** Data dimension D. */
  dim: number;
  /** Hidden widths of each field (given or [64, 64, 64]). */
  hidden: number[];
  /** Layer kind (given or 'concatsquash'). */
  layer: LayerKind;
  /** Activation (given or 'tanh'). */
  activation: ActivationName;
  /** Number of blocks: `fields.length` if fields were given, else `blocks` or 1. */
  blocks: number;
  /** Initial end time of each block (given or 0.5). */
  T: number;
  /** Whether T is trained (given or true). */
  trainT: boolean;
  /** Training divergence (given or 'exact'). */
  divergence: 'exact' | 'hutchinson';
  /** Evaluation divergence (given or 'exact'). */
  evalDivergence: 'exact' | 'hutchinson';
  /** Hutchinson probe distribution (given or 'gaussian'). */
  noise: NoiseKind;
  /** Gradient method: `gradient`, else 'adjoint' when `adjoint` is true, else 'backprop'. */
  gradient: 'backprop' | 'adjoint';
  /** Training solver settings: `train`, else `solver`, else the deprecated top-level keys, else {@link FFJORD_SOLVER}. */
  train: SolverOptions;
  /** The adjoint's backward solve settings (given or {}: as the training solve). */
  adjointSolver: BackwardSettings;
  /** Evaluation solver settings: `eval`, else `solver`, else the deprecated top-level keys, else {@link FFJORD_SOLVER}. */
  eval: SolverOptions;
  /** Context width C (given or 0). */
  contextDim: number;
  /** Kinetic-energy regularizer weight (given or 0). */
  kinetic: number;
  /** Jacobian Frobenius regularizer weight (given or 0). */
  jacobian: number;
  /** Seed of the weights and the noise (given or 0). */
  seed: number;
  /** Whether the fused dynamics op is used (given or true). */
  fused: boolean;
  /** Whether training solves start from the previous training solve's step size (given or true). */
  warmStart: boolean;
};

function check(ok: boolean, name: string, value: unknown, expected: string): void {
  if (!ok) throw new ConfigError('CNF options', name, value, expected);
}

/**
 * The solvers' error for an out-of-range option as a {@link ConfigError} naming `prefix.option`, or
 * undefined for any other error.
 */
function invalidOption(err: unknown, prefix: string): ConfigError | undefined {
  const bad = err instanceof OdeOptionError ? err.invalid : undefined;
  return bad && new ConfigError('CNF options', `${prefix}.${bad.option}`, bad.value, bad.expected);
}

/** Validates one phase's solver settings as odeint would, at construction rather than at the first solve. */
function checkSettings(phase: string, s: SolverOptions): void {
  try {
    resolveOptions(s);
  } catch (err) {
    throw invalidOption(err, phase) ?? err;
  }
}

/** Validates the adjoint's backward settings against the training solve's, and that they apply. */
function checkBackward(c: CnfConfig): void {
  const b = c.adjointSolver;
  const problem = backwardSettingsProblem(b);
  if (problem)
    throw new ConfigError('CNF options', 'adjointSolver', b, `backward solve settings (${problem})`);
  if (Object.values(b).every((v) => v === undefined)) return;
  check(
    c.gradient === 'adjoint',
    'adjointSolver',
    b,
    "settings only with gradient 'adjoint' (the backward solve of the adjoint)",
  );
  try {
    resolveBackward({ ...c.train, ...adjointKeys(b) });
  } catch (err) {
    const named = invalidOption(err, 'adjointSolver');
    if (named) throw named;
    if (err instanceof OdeOptionError) throw new ConfigError('CNF options', 'adjointSolver', b, err.message);
    throw err;
  }
}

const KNOWN_KEYS = new Set([
  'kind',
  'dim',
  'hidden',
  'layer',
  'activation',
  'blocks',
  'T',
  'trainT',
  'divergence',
  'evalDivergence',
  'noise',
  'gradient',
  'adjoint',
  'adjointSolver',
  'solver',
  'train',
  'eval',
  'contextDim',
  'method',
  'rtol',
  'atol',
  'stepSize',
  'kinetic',
  'jacobian',
  'seed',
  'fused',
  'warmStart',
  'fields',
]);

/** The solver settings the deprecated top-level keys stand for (one object, built once), or undefined. */
function shorthand(o: CnfOptions): SolverOptions | undefined {
  if (o.method === undefined && o.rtol === undefined && o.atol === undefined && o.stepSize === undefined) {
    return undefined;
  }
  const s: SolverOptions = { ...FFJORD_SOLVER };
  if (o.method !== undefined) s.method = o.method;
  if (o.rtol !== undefined) s.rtol = o.rtol;
  if (o.atol !== undefined) s.atol = o.atol;
  if (o.stepSize !== undefined) s.stepSize = o.stepSize;
  return s;
}

/**
 * Fills the defaults of {@link CnfOptions} and validates them (errors name the option and range).
 *
 * @param o The options as given to the {@link CNF} constructor.
 */
export function resolveCnfOptions(o: CnfOptions): CnfConfig {
  checkOptionsObject('CNF', o);
  check(o !== undefined, 'options', o, 'an options object with dim');
  const unknown = Object.keys(o).filter((k) => !KNOWN_KEYS.has(k));
  if (unknown.length > 0) {
    const key = unknown[0];
    throw new ConfigError(
      'CNF options',
      key,
      Reflect.get(o, key),
      `no such option; known: ${[...KNOWN_KEYS].join(', ')}`,
    );
  }
  const short = shorthand(o);
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
    train: o.train ?? o.solver ?? short ?? FFJORD_SOLVER,
    adjointSolver: { ...(o.adjointSolver ?? {}) },
    eval: o.eval ?? o.solver ?? short ?? FFJORD_SOLVER,
    contextDim: o.contextDim ?? 0,
    kinetic: o.kinetic ?? 0,
    jacobian: o.jacobian ?? 0,
    seed: o.seed ?? 0,
    fused: o.fused ?? true,
    warmStart: o.warmStart ?? true,
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
  check(
    Number.isInteger(c.contextDim) && c.contextDim >= 0,
    'contextDim',
    c.contextDim,
    'a whole number ≥ 0',
  );
  checkSettings('train', c.train);
  checkSettings('eval', c.eval);
  checkBackward(c);
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
