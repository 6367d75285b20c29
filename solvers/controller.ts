import type { ResolvedOptions } from './options.js';
import type { EmbeddedTableau } from './tableau.js';

/**
 * The PI step-size controller of Hairer's DOPRI5 (Solving ODEs I, II.4, with Lund
 * stabilisation β), as a small object whose fields are its parameters (like diffrax's
 * `PIDController`). It sees only numbers: the error norm of a step (≤ 1 accepts) and the step
 * magnitude; what to integrate and how to read the norm back belong to the driver.
 */
export class PIController {
  /** The previous accepted error (the "P" memory of the PI rule); 1e-4 before the first step. */
  private facOld = 1e-4;
  /** Exponent 1/(q+1) − 0.75β of the error factor, q the order of the error estimate. */
  readonly expo: number;

  /**
   * A controller with the given parameters; {@link PIController.of} builds one from the options.
   *
   * @param safety Safety factor in (0, 1) applied to every proposed factor.
   * @param minFactor Smallest factor a step may shrink by, in (0, 1).
   * @param maxFactor Largest factor a step may grow by, > 1.
   * @param maxStep Largest step magnitude.
   * @param beta PI coefficient β; 0 gives the I controller.
   * @param errorOrder Order q of the embedded error estimate.
   */
  constructor(
    /** Safety factor in (0, 1) applied to every proposed factor. */
    readonly safety: number,
    /** Smallest factor a step may shrink by, in (0, 1). */
    readonly minFactor: number,
    /** Largest factor a step may grow by, > 1. */
    readonly maxFactor: number,
    /** Largest step magnitude. */
    readonly maxStep: number,
    /** PI coefficient β; 0 gives the I controller. */
    readonly beta: number,
    /** Order q of the embedded error estimate. */
    readonly errorOrder: number,
  ) {
    this.expo = 1 / (errorOrder + 1) - 0.75 * beta;
  }

  /**
   * The controller of an adaptive solve: parameters from the options, β and q from the tableau.
   *
   * @param o Resolved solver options (safety, minFactor, maxFactor, maxStep, beta).
   * @param tab The method's tableau: its default β (used when `o.beta` is unset) and error order.
   */
  static of(o: ResolvedOptions, tab: EmbeddedTableau): PIController {
    return new PIController(
      o.safety,
      o.minFactor,
      o.maxFactor,
      o.maxStep,
      o.beta ?? tab.beta,
      tab.errorOrder,
    );
  }

  /**
   * True when a step with scaled error norm `err` is accepted (finite and ≤ 1).
   *
   * @param err Scaled RMS error norm of the step.
   */
  accepts(err: number): boolean {
    return Number.isFinite(err) && err <= 1;
  }

  /**
   * New step magnitude after an accepted step with error `err` ≤ 1.
   *
   * @param hAbs Magnitude of the step just accepted.
   * @param err Its scaled error norm.
   * @param lastRejected Whether the step before it was rejected; then the step may not grow.
   */
  accept(hAbs: number, err: number, lastRejected: boolean): number {
    const fac11 = err ** this.expo;
    let fac = fac11 / this.facOld ** this.beta;
    fac = Math.max(1 / this.maxFactor, Math.min(1 / this.minFactor, fac / this.safety));
    this.facOld = Math.max(err, 1e-4);
    const hNew = Math.min(hAbs / fac, this.maxStep);
    return lastRejected ? Math.min(hNew, hAbs) : hNew;
  }

  /**
   * New step magnitude after a rejected step with error `err` > 1 (or NaN).
   *
   * @param hAbs Magnitude of the step just rejected.
   * @param err Its scaled error norm; non-finite shrinks by `minFactor`.
   */
  reject(hAbs: number, err: number): number {
    if (!Number.isFinite(err)) return hAbs * this.minFactor;
    const fac11 = err ** this.expo;
    return hAbs / Math.min(1 / this.minFactor, fac11 / this.safety);
  }
}
