import type { Tensor } from './tf.js';

/**
 * Right-hand side of dy/dt = f(t, y). `t` is a float64 JS number; `y` has the shape of `y0`.
 *
 * @param t Current time.
 * @param y Current state, shape of `y0`.
 * @returns dy/dt, same shape and dtype as `y`.
 */
export type OdeFunc =
  /**
   * dy/dt at (t, y).
   *
   * @param t Current time.
   * @param y Current state, shape of `y0`.
   */
  (t: number, y: Tensor) => Tensor;

/**
 * The module protocol: a right-hand side that carries its trainable parameters. Gradients by the
 * adjoint method (and training) find the variables here when none are given explicitly. Vector
 * fields of `src/nn` implement it.
 */
export interface OdeModule extends OdeFunc {
  /** The trainable variables the right-hand side reads. */
  readonly params: readonly import('./tf.js').tf.Variable[];
}

/** Fixed-step methods: one step (of `stepSize`, or per output interval) at a time. */
export type FixedMethodName = 'euler' | 'midpoint' | 'heun' | 'rk4' | 'rk38';
/** Adaptive embedded Runge–Kutta pairs. */
export type AdaptiveMethodName = 'bosh3' | 'dopri5' | 'tsit5' | 'dop853';
/** Every integration method `odeint` accepts (`method` option). */
export type MethodName = FixedMethodName | AdaptiveMethodName;

/** Options of {@link odeint} and {@link solveIvp}. Every field is optional. */
export interface OdeintOptions {
  /** Integration method. Default `'dopri5'`. */
  method?: MethodName;
  /** Relative tolerance of adaptive methods, in (6e-7, 1): float32 cannot resolve tighter. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance of adaptive methods, ≥ 0 (rtol and atol not both tiny). Default 1e-6. */
  atol?: number;
  /** Fixed-step methods: the step size; a last partial step lands on each output time. Default: one step per output interval. */
  stepSize?: number;
  /** Adaptive methods: the first step size (magnitude). Default: Hairer's heuristic. */
  firstStep?: number;
  /** Largest step magnitude of adaptive methods. Default Infinity. */
  maxStep?: number;
  /** Most steps (accepted + rejected) before {@link MaxStepsError}. Default 10000. */
  maxSteps?: number;
  /** Safety factor of the step controller, in (0, 1). Default 0.9. */
  safety?: number;
  /** Largest factor by which a step may grow, > 1. Default 10. */
  maxFactor?: number;
  /** Smallest factor by which a step may shrink, in (0, 1). Default 0.2. */
  minFactor?: number;
  /** PI controller coefficient β (Hairer's Lund stabilisation); 0 gives an I controller. Default 0.04 (0 for dop853). */
  beta?: number;
}

/** Counts of one solve. */
export interface SolveStats {
  /** Function evaluations. */
  nfe: number;
  /** Accepted steps. */
  steps: number;
  /** Rejected steps. */
  rejected: number;
  /**
   * Adaptive methods: the step size (magnitude) the controller chose after the first accepted
   * step — a `firstStep` for the next solve of the same, or a slowly changing, problem (a CNF's
   * training solves use it: `warmStart`). Absent for fixed-step methods, replayed plans and
   * `odexSolve`.
   */
  warmStep?: number;
}

/** What {@link solveIvp} returns. */
export interface SolveResult {
  /** Solution at the output times: shape `[ts.length, ...y0.shape]`. */
  ys: Tensor;
  /** Function evaluations and accepted/rejected step counts. */
  stats: SolveStats;
}
