/**
 * Butcher tableaus as data. A method is a tableau; the generic steppers in `rk-step.ts`,
 * `fixed-grid.ts` and `adaptive.ts` run any of them.
 */

/** An explicit Runge–Kutta method with s stages. */
export interface ButcherTableau {
  /** Order of the propagated solution. */
  readonly order: number;
  /** Nodes c_i, length s, c[0] = 0. */
  readonly c: readonly number[];
  /** Strictly lower-triangular coefficients: a[i] has length i (a[0] is empty). */
  readonly a: readonly (readonly number[])[];
  /** Weights of the solution, length s. */
  readonly b: readonly number[];
}

/** Dense output y(t + θh) = y + h Σ_i b_i(θ) k_i over the s stages and k_{s+1} = f(t + h, y₁). */
export type DenseOutput =
  /**
   * b_i(θ) = Σ_m p[i][m] θ^(m+1); p has s + 1 rows, plus one per extra stage. Extra stages
   * (DOP853) extend the step's stages k_1 … k_{s+1} by k_j = f(t + c_j h, y + h Σ a_ji k_i); they
   * are evaluated only for steps that hold an output time, so they never change the steps taken.
   */
  | {
      /** Polynomial weights b_i(θ). */
      readonly kind: 'polynomial';
      /** Coefficients: row i gives b_i(θ) = Σ_m p[i][m] θ^(m+1). */
      readonly p: readonly (readonly number[])[];
      /** Extra stages for the interpolant only (DOP853). */
      readonly extra?: {
        /** Nodes c_j of the extra stages. */
        readonly c: readonly number[];
        /** Rows a_j of the extra stages, over all earlier stages. */
        readonly a: readonly (readonly number[])[];
      };
    }
  /** Cubic Hermite interpolation from y, y₁, f(t, y) and f(t + h, y₁) (order 3). */
  | {
      /** Cubic Hermite interpolation. */
      readonly kind: 'hermite';
    };

/**
 * An embedded pair with first-same-as-last evaluation: after each step f(t + h, y₁) is evaluated
 * once; it is the error estimator's (s+1)-th stage and the next step's first stage.
 */
export interface EmbeddedTableau extends ButcherTableau {
  /** Order of the error estimator (the embedded solution's order); sets the controller's exponent. */
  readonly errorOrder: number;
  /** Error weights over the s + 1 stages: err = h Σ e_i k_i. */
  readonly e: readonly number[];
  /**
   * Second error estimate (DOP853 only). When present the error norm is Hairer's
   * ‖e5‖² / sqrt(‖e5‖² + 0.01‖e3‖²), which is ~ the fifth-order estimate but more robust.
   */
  readonly e3?: readonly number[];
  /** How the method interpolates between steps for output times. */
  readonly dense: DenseOutput;
  /** Default PI coefficient β of the step controller (0 = I controller). */
  readonly beta: number;
}
