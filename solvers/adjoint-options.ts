import { OdeOptionError } from './errors.js';
import { isAdaptive } from './methods.js';
import { checkOption, METHOD_NAMES, type ResolvedOptions, resolveOptions } from './options.js';
import { type Tensor, tf } from './tf.js';
import type { MethodName, OdeFunc, OdeintOptions, OdeModule, SolveStats } from './types.js';

/** Options of {@link odeintAdjoint}: every {@link OdeintOptions} field (the forward solve) and these. */
export interface AdjointOptions extends OdeintOptions {
  /**
   * The tensors (usually tf.Variables) f uses whose gradients are wanted. Default: `f.params` when
   * f is an {@link OdeModule}; otherwise none, and gradients reach y0 only.
   */
  params?: readonly Tensor[];
  /** Relative tolerance of the backward (adjoint) solve. Default: `rtol`. */
  adjointRtol?: number;
  /** Absolute tolerance of the backward solve. Default: `atol`. */
  adjointAtol?: number;
  /** Method of the backward solve. Default: `method`. */
  adjointMethod?: MethodName;
  /** Step size of a fixed-step backward solve. Default: `stepSize` (when the backward method is fixed-step). */
  adjointStepSize?: number;
  /**
   * Error norm of the backward solve: `'rms'` over the whole state [y, a, a_θ], or `'seminorm'`
   * (Kidger, Chen & Lyons 2021) over [y, a] only — a_θ is integrated but does not steer the steps.
   * Default `'rms'`.
   */
  adjointNorm?: 'rms' | 'seminorm';
  /**
   * Adaptive backward methods: the first step (magnitude) of the backward solve from the last
   * output time, e.g. the `warmStep` of a previous backward pass (`onBackwardStats`). Default:
   * Hairer's heuristic.
   */
  adjointFirstStep?: number;
  /**
   * Called after each forward solve with its counts.
   *
   * @param stats Function evaluations and accepted/rejected steps of that pass.
   */
  onForwardStats?: (stats: SolveStats) => void;
  /**
   * Called after each backward (adjoint) pass with its counts, summed over the output intervals
   * (`warmStep`: that of the first interval solved, from the last output time).
   *
   * @param stats Function evaluations and accepted/rejected steps of that pass.
   */
  onBackwardStats?: (stats: SolveStats) => void;
}

/** Forward and backward options, resolved and validated, and the parameters. */
export interface ResolvedAdjoint {
  forward: ResolvedOptions;
  backward: ResolvedOptions;
  seminorm: boolean;
  /** The backward solve's first step from the last output time (`adjointFirstStep`), or undefined. */
  backwardFirstStep?: number;
  params: Tensor[];
  onForwardStats?: (stats: SolveStats) => void;
  onBackwardStats?: (stats: SolveStats) => void;
}

/** True when f carries its parameters (the {@link OdeModule} protocol). */
export function isOdeModule(f: OdeFunc): f is OdeModule {
  return Array.isArray((f as Partial<OdeModule>).params);
}

/**
 * The backward (adjoint) solve's own settings by plain names — what {@link AdjointOptions} calls
 * `adjointMethod`, `adjointRtol`, `adjointAtol`, `adjointStepSize` and `adjointNorm` (torchdiffeq's
 * `adjoint_method`, `adjoint_rtol`, `adjoint_atol`, `adjoint_options`). A setting not given is the
 * forward solve's (the norm: `'rms'`).
 */
export interface BackwardSettings {
  /** Method of the backward solve. */
  method?: MethodName;
  /** Relative tolerance of the backward solve. */
  rtol?: number;
  /** Absolute tolerance of the backward solve. */
  atol?: number;
  /** Step of a fixed-step backward method. */
  stepSize?: number;
  /** Error norm of the backward solve: `'rms'` over [y, a, a_θ], or `'seminorm'` over [y, a]. */
  norm?: 'rms' | 'seminorm';
}

const BACKWARD_NAMES: readonly string[] = ['method', 'rtol', 'atol', 'stepSize', 'norm'];

/**
 * {@link BackwardSettings} as the `adjoint*` keys of {@link AdjointOptions} (only those given).
 *
 * @param b The backward solve's settings.
 */
export function adjointKeys(b: BackwardSettings = {}): Partial<AdjointOptions> {
  const out: Partial<AdjointOptions> = {};
  if (b.method !== undefined) out.adjointMethod = b.method;
  if (b.rtol !== undefined) out.adjointRtol = b.rtol;
  if (b.atol !== undefined) out.adjointAtol = b.atol;
  if (b.stepSize !== undefined) out.adjointStepSize = b.stepSize;
  if (b.norm !== undefined) out.adjointNorm = b.norm;
  return out;
}

/**
 * The first structural problem of `v` as {@link BackwardSettings} (not an object, an unknown key,
 * an unknown method or norm, a non-number), as a message; null when there is none. Ranges are
 * checked by {@link resolveBackward}.
 *
 * @param v Anything (e.g. a config value).
 */
export function backwardSettingsProblem(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${JSON.stringify(v)} is not an object`;
  for (const [key, value] of Object.entries(v)) {
    if (!BACKWARD_NAMES.includes(key)) {
      return `unknown option '${key}'; known options: ${BACKWARD_NAMES.join(', ')}`;
    }
    if (value === undefined) continue;
    if (key === 'method' && !METHOD_NAMES.some((m) => m === value)) {
      return `method = ${JSON.stringify(value)} is invalid: expected one of ${METHOD_NAMES.join(', ')}`;
    }
    if (key === 'norm' && value !== 'rms' && value !== 'seminorm') {
      return `norm = ${JSON.stringify(value)} is invalid: expected 'rms' or 'seminorm'`;
    }
    if (key !== 'method' && key !== 'norm' && typeof value !== 'number') {
      return `${key} = ${JSON.stringify(value)} is invalid: expected a number`;
    }
  }
  return null;
}

/**
 * True when `v` is structurally a {@link BackwardSettings} (see {@link backwardSettingsProblem}).
 *
 * @param v Anything (e.g. a config value).
 */
export function isBackwardSettings(v: unknown): v is BackwardSettings {
  return backwardSettingsProblem(v) === null;
}

/** The backward solve's keys of {@link AdjointOptions}. */
type AdjointKeys = Pick<
  AdjointOptions,
  'adjointRtol' | 'adjointAtol' | 'adjointMethod' | 'adjointStepSize' | 'adjointNorm' | 'adjointFirstStep'
>;

/**
 * The forward and backward solves' resolved options from solver options with the `adjoint*`
 * keys: each backward setting not given is the forward's (not the first step: the backward solve
 * picks its own unless `adjointFirstStep` is given). Throws {@link OdeOptionError} naming the option.
 *
 * @param options The forward solve's options and the `adjoint*` keys.
 */
export function resolveBackward(options: OdeintOptions & AdjointKeys): {
  forward: ResolvedOptions;
  backward: ResolvedOptions;
  seminorm: boolean;
  backwardFirstStep?: number;
} {
  const { adjointRtol, adjointAtol, adjointMethod, adjointStepSize, adjointNorm, adjointFirstStep, ...rest } =
    options;
  const forward = resolveOptions(rest);
  const method = adjointMethod ?? forward.method;
  const stepSize = isAdaptive(method) ? undefined : (adjointStepSize ?? forward.stepSize);
  const backward = resolveOptions({
    ...rest,
    method,
    rtol: adjointRtol ?? forward.rtol,
    atol: adjointAtol ?? forward.atol,
    stepSize,
    firstStep: undefined,
  });
  if (adjointStepSize !== undefined && isAdaptive(method)) {
    throw new OdeOptionError(
      `option adjointStepSize is for fixed-step methods; adjointMethod '${method}' is adaptive`,
    );
  }
  const norm = adjointNorm ?? 'rms';
  if (norm !== 'rms' && norm !== 'seminorm') {
    throw new OdeOptionError(`option adjointNorm = ${String(norm)} is invalid: expected 'rms' or 'seminorm'`);
  }
  if (adjointFirstStep !== undefined && !isAdaptive(method)) {
    throw new OdeOptionError(
      `option adjointFirstStep is for adaptive methods; adjointMethod '${method}' is fixed-step`,
    );
  }
  if (adjointFirstStep !== undefined) {
    const ok = Number.isFinite(adjointFirstStep) && adjointFirstStep > 0;
    checkOption(ok, 'adjointFirstStep', adjointFirstStep, 'a finite number > 0');
  }
  return { forward, backward, seminorm: norm === 'seminorm', backwardFirstStep: adjointFirstStep };
}

/** Splits, fills in and checks the options of {@link odeintAdjoint}; errors name the option. */
export function resolveAdjointOptions(f: OdeFunc, y0: Tensor, options: AdjointOptions = {}): ResolvedAdjoint {
  const { params, onForwardStats, onBackwardStats, ...solve } = options;
  const { forward, backward, seminorm, backwardFirstStep } = resolveBackward(solve);
  const list = [...(params ?? (isOdeModule(f) ? f.params : []))];
  list.forEach((p, k) => {
    if (!(p instanceof tf.Tensor))
      throw new OdeOptionError(`params[${k}] is not a tf.Tensor; got ${String(p)}`);
    if (p.dtype !== 'float32') throw new OdeOptionError(`params[${k}] must be float32; got ${p.dtype}`);
    if (p === y0 || list.indexOf(p) !== k) {
      throw new OdeOptionError(`params[${k}] appears twice (or is y0 itself); list each tensor once`);
    }
  });
  return { forward, backward, seminorm, backwardFirstStep, params: list, onForwardStats, onBackwardStats };
}
