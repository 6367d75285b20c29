/** Base class of every error the solvers throw; `instanceof OdeError` catches them all. */
export class OdeError extends Error {
  /** The class name, for `err.name` checks that survive bundling. */
  override name = 'OdeError';
}

/** An option is missing, of the wrong type or out of its valid range. */
export class OdeOptionError extends OdeError {
  /** Always `'OdeOptionError'`. */
  override name = 'OdeOptionError';
  /** For an invalid option value: the option, the value given and the valid range. */
  readonly invalid?: {
    /** Name of the option, e.g. `'rtol'`. */
    readonly option: string;
    /** The value that was given, unchanged. */
    readonly value: unknown;
    /** The valid range in words, e.g. `'a finite number > 0'`. */
    readonly expected: string;
  };

  /**
   * Creates the error.
   *
   * @param message Full human-readable message.
   * @param invalid For an out-of-range value: the option, the value and the valid range.
   */
  constructor(message: string, invalid?: { option: string; value: unknown; expected: string }) {
    super(message);
    if (invalid) this.invalid = invalid;
  }
}

/** `f` returned a tensor whose shape or dtype differs from the state's. */
export class OdeShapeError extends OdeError {
  /** Always `'OdeShapeError'`. */
  override name = 'OdeShapeError';
}

/** The adaptive step size fell below what float arithmetic can resolve at time `t`. */
export class StepSizeUnderflowError extends OdeError {
  /** Always `'StepSizeUnderflowError'`. */
  override name = 'StepSizeUnderflowError';
  /**
   * Creates the error; the message is built from the arguments.
   *
   * @param t Time at which the step size underflowed.
   * @param h The step size that was too small.
   * @param detail Why the step was rejected, appended to the message.
   */
  constructor(
    /** Time at which the step size underflowed. */
    readonly t: number,
    /** The step size that was too small. */
    readonly h: number,
    detail: string,
  ) {
    super(
      `step size underflow at t = ${t} (h = ${h}): ${detail}. The problem may be stiff or singular ` +
        'here; loosen rtol/atol, or use odexSolve (float64) for tighter tolerances.',
    );
  }
}

/** More than `maxSteps` steps were needed. */
export class MaxStepsError extends OdeError {
  /** Always `'MaxStepsError'`. */
  override name = 'MaxStepsError';
  /**
   * Creates the error; the message is built from the arguments.
   *
   * @param t Time reached when the step budget ran out.
   * @param maxSteps The step budget (`maxSteps` option).
   * @param tEnd The time the solve was meant to reach.
   */
  constructor(
    /** Time reached when the step budget ran out. */
    readonly t: number,
    /** The step budget (`maxSteps` option). */
    readonly maxSteps: number,
    /** The time the solve was meant to reach. */
    readonly tEnd: number,
  ) {
    super(
      `maxSteps = ${maxSteps} exceeded at t = ${t} before reaching t = ${tEnd}; raise maxSteps or ` +
        'loosen rtol/atol (the dynamics may also be stiff or blowing up).',
    );
  }
}

/** The state or its derivative became NaN or ±Infinity. */
export class NonFiniteError extends OdeError {
  /** Always `'NonFiniteError'`. */
  override name = 'NonFiniteError';
  /**
   * Creates the error; the message is built from the arguments.
   *
   * @param t Time at which a non-finite value appeared.
   * @param what What became non-finite (e.g. `'the state'`), the start of the message.
   */
  constructor(
    /** Time at which a non-finite value appeared. */
    readonly t: number,
    what: string,
  ) {
    super(`${what} became NaN or Infinity at t = ${t}`);
  }
}
