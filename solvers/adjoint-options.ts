import { OdeOptionError } from './errors.js';
import { isAdaptive } from './methods.js';
import { type ResolvedOptions, resolveOptions } from './options.js';
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
   * Called after each forward solve with its counts.
   *
   * @param stats Function evaluations and accepted/rejected steps of that pass.
   */
  onForwardStats?: (stats: SolveStats) => void;
  /**
   * Called after each backward (adjoint) pass with its counts, summed over the output intervals.
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
  params: Tensor[];
  onForwardStats?: (stats: SolveStats) => void;
  onBackwardStats?: (stats: SolveStats) => void;
}

/** True when f carries its parameters (the {@link OdeModule} protocol). */
export function isOdeModule(f: OdeFunc): f is OdeModule {
  return Array.isArray((f as Partial<OdeModule>).params);
}

/** Splits, fills in and checks the options of {@link odeintAdjoint}; errors name the option. */
export function resolveAdjointOptions(f: OdeFunc, y0: Tensor, options: AdjointOptions = {}): ResolvedAdjoint {
  const {
    params,
    adjointRtol,
    adjointAtol,
    adjointMethod,
    adjointStepSize,
    adjointNorm,
    onForwardStats,
    onBackwardStats,
    ...rest
  } = options;
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
  const list = [...(params ?? (isOdeModule(f) ? f.params : []))];
  list.forEach((p, k) => {
    if (!(p instanceof tf.Tensor))
      throw new OdeOptionError(`params[${k}] is not a tf.Tensor; got ${String(p)}`);
    if (p.dtype !== 'float32') throw new OdeOptionError(`params[${k}] must be float32; got ${p.dtype}`);
    if (p === y0 || list.indexOf(p) !== k) {
      throw new OdeOptionError(`params[${k}] appears twice (or is y0 itself); list each tensor once`);
    }
  });
  return { forward, backward, seminorm: norm === 'seminorm', params: list, onForwardStats, onBackwardStats };
}
