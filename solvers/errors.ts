/** Base class of every error the solvers throw; `instanceof OdeError` catches them all. */
export class OdeError extends Error {
  override name = 'OdeError';
}

/** An option is missing, of the wrong type or out of its valid range. */
export class OdeOptionError extends OdeError {
  override name = 'OdeOptionError';
  /** For an invalid option value: the option, the value given and the valid range. */
  readonly invalid?: { readonly option: string; readonly value: unknown; readonly expected: string };

  constructor(message: string, invalid?: { option: string; value: unknown; expected: string }) {
    super(message);
    if (invalid) this.invalid = invalid;
  }
}

/** `f` returned a tensor whose shape or dtype differs from the state's. */
export class OdeShapeError extends OdeError {
  override name = 'OdeShapeError';
}

/** The adaptive step size fell below what float arithmetic can resolve at time `t`. */
export class StepSizeUnderflowError extends OdeError {
  override name = 'StepSizeUnderflowError';
  constructor(
    readonly t: number,
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
  override name = 'MaxStepsError';
  constructor(
    readonly t: number,
    readonly maxSteps: number,
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
  override name = 'NonFiniteError';
  constructor(
    readonly t: number,
    what: string,
  ) {
    super(`${what} became NaN or Infinity at t = ${t}`);
  }
}
