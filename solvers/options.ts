import { OdeOptionError } from './errors.js';
import { ADAPTIVE_METHODS, FIXED_METHODS } from './methods.js';
import type { MethodName, OdeintOptions } from './types.js';

/** Unit round-off of float32: tolerances below ~10× this cannot be met by the tfjs backends. */
export const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;

/**
 * Solver settings: the one typed object every layer passes unchanged from options or CLI flags to
 * the stepper (the CNF's `train` / `eval`, flow matching's `eval`, the CLI's --method, --rtol,
 * --atol). Another name for {@link OdeintOptions}.
 */
export type SolverOptions = OdeintOptions;

/**
 * The defaults of {@link OdeintOptions}, in one place: `resolveOptions` fills every
 * missing field from here, and nothing else fills solver defaults.
 */
export const DEFAULT_OPTIONS = {
  /** Integration method. */
  method: 'dopri5',
  /** Relative tolerance. */
  rtol: 1e-5,
  /** Absolute tolerance. */
  atol: 1e-6,
  /** Largest step magnitude (no limit). */
  maxStep: Number.POSITIVE_INFINITY,
  /** Step budget. */
  maxSteps: 10_000,
  /** Step controller safety factor. */
  safety: 0.9,
  /** Largest step growth factor. */
  maxFactor: 10,
  /** Smallest step shrink factor. */
  minFactor: 0.2,
} as const satisfies OdeintOptions;

/** Options with every default filled in. */
export type ResolvedOptions = Required<Omit<OdeintOptions, 'stepSize' | 'firstStep' | 'beta'>> & {
  stepSize?: number;
  firstStep?: number;
  beta?: number;
  /**
   * Internal (not an {@link OdeintOptions} field): only the first `normLength` elements of the
   * flattened state enter the error norm. The adjoint's seminorm uses it to leave the parameter
   * adjoint out of step-size control.
   */
  normLength?: number;
};

/** Every method name, fixed-step first (the tables in methods.ts are the source). */
export const METHOD_NAMES: readonly MethodName[] = [
  ...(Object.keys(FIXED_METHODS) as MethodName[]),
  ...(Object.keys(ADAPTIVE_METHODS) as MethodName[]),
];

/** Throws an {@link OdeOptionError} naming the option, its value and the valid range unless `ok`. */
export function checkOption(ok: boolean, name: string, value: unknown, range: string): void {
  if (!ok) {
    throw new OdeOptionError(`option ${name} = ${String(value)} is invalid: expected ${range}`, {
      option: name,
      value,
      expected: range,
    });
  }
}

const NUMERIC_KEYS = [
  'rtol',
  'atol',
  'stepSize',
  'firstStep',
  'maxStep',
  'maxSteps',
  'safety',
  'maxFactor',
  'minFactor',
  'beta',
];

/** Every option name: the method and the numeric settings. */
const KNOWN = new Set(['method', ...NUMERIC_KEYS]);

/**
 * The first structural problem of `v` as {@link SolverOptions} (not an object, an unknown key, a
 * method that does not exist, a non-number), as a message; null when there is none. Ranges are
 * checked by {@link resolveOptions}.
 */
export function solverOptionsProblem(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${JSON.stringify(v)} is not an object`;
  for (const [key, value] of Object.entries(v)) {
    if (!KNOWN.has(key)) return `unknown option '${key}'; known options: ${[...KNOWN].join(', ')}`;
    if (key === 'method') {
      if (!METHOD_NAMES.some((m) => m === value)) {
        return `method = ${JSON.stringify(value)} is invalid: expected one of ${METHOD_NAMES.join(', ')}`;
      }
    } else if (NUMERIC_KEYS.includes(key) && value !== undefined && typeof value !== 'number') {
      return `${key} = ${JSON.stringify(value)} is invalid: expected a number`;
    }
  }
  return null;
}

/** True when `v` is structurally a {@link SolverOptions} (see {@link solverOptionsProblem}); no copy is made. */
export function isSolverOptions(v: unknown): v is SolverOptions {
  return solverOptionsProblem(v) === null;
}

/** Fills defaults and validates; throws {@link OdeOptionError} naming the option and its valid range. */
export function resolveOptions(
  options: OdeintOptions = {},
  extraKeys: readonly string[] = [],
): ResolvedOptions {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key) && !extraKeys.includes(key)) {
      throw new OdeOptionError(
        `unknown option '${key}'; known options: ${[...KNOWN, ...extraKeys].join(', ')}`,
      );
    }
  }
  const o: ResolvedOptions = {
    method: options.method ?? DEFAULT_OPTIONS.method,
    rtol: options.rtol ?? DEFAULT_OPTIONS.rtol,
    atol: options.atol ?? DEFAULT_OPTIONS.atol,
    stepSize: options.stepSize,
    firstStep: options.firstStep,
    maxStep: options.maxStep ?? DEFAULT_OPTIONS.maxStep,
    maxSteps: options.maxSteps ?? DEFAULT_OPTIONS.maxSteps,
    safety: options.safety ?? DEFAULT_OPTIONS.safety,
    maxFactor: options.maxFactor ?? DEFAULT_OPTIONS.maxFactor,
    minFactor: options.minFactor ?? DEFAULT_OPTIONS.minFactor,
    beta: options.beta,
  };
  checkOption(METHOD_NAMES.includes(o.method), 'method', o.method, `one of ${METHOD_NAMES.join(', ')}`);
  const minRtol = 10 * FLOAT32_UNIT_ROUNDOFF;
  checkOption(
    Number.isFinite(o.rtol) && o.rtol > minRtol && o.rtol < 1,
    'rtol',
    o.rtol,
    `a number in (${minRtol.toExponential(2)}, 1) — float32 cannot resolve tighter; use odexSolve for float64`,
  );
  checkOption(Number.isFinite(o.atol) && o.atol >= 0, 'atol', o.atol, 'a finite number ≥ 0');
  if (o.stepSize !== undefined) {
    checkOption(Number.isFinite(o.stepSize) && o.stepSize > 0, 'stepSize', o.stepSize, 'a finite number > 0');
  }
  if (o.firstStep !== undefined) {
    checkOption(
      Number.isFinite(o.firstStep) && o.firstStep > 0,
      'firstStep',
      o.firstStep,
      'a finite number > 0',
    );
  }
  checkOption(o.maxStep > 0, 'maxStep', o.maxStep, 'a number > 0 (Infinity allowed)');
  checkOption(Number.isInteger(o.maxSteps) && o.maxSteps > 0, 'maxSteps', o.maxSteps, 'a whole number > 0');
  checkOption(o.safety > 0 && o.safety < 1, 'safety', o.safety, 'a number in (0, 1)');
  checkOption(
    o.maxFactor > 1 && Number.isFinite(o.maxFactor),
    'maxFactor',
    o.maxFactor,
    'a finite number > 1',
  );
  checkOption(o.minFactor > 0 && o.minFactor < 1, 'minFactor', o.minFactor, 'a number in (0, 1)');
  if (o.beta !== undefined) checkOption(o.beta >= 0 && o.beta < 0.2, 'beta', o.beta, 'a number in [0, 0.2)');
  return o;
}

/** Checks the output times: finite, at least two, strictly monotone. Returns the direction ±1. */
export function checkTimes(ts: readonly number[]): 1 | -1 {
  if (!Array.isArray(ts) || ts.length < 2) {
    throw new OdeOptionError(
      `ts must be an array of at least 2 times (the start and the end); got ${String(ts)}`,
    );
  }
  for (let i = 0; i < ts.length; i++) {
    if (typeof ts[i] !== 'number' || !Number.isFinite(ts[i])) {
      throw new OdeOptionError(`ts[${i}] = ${ts[i]} is not a finite number`);
    }
  }
  const dir = ts[1] > ts[0] ? 1 : -1;
  for (let i = 1; i < ts.length; i++) {
    if ((ts[i] - ts[i - 1]) * dir <= 0) {
      throw new OdeOptionError(
        `ts must be strictly ${dir > 0 ? 'increasing' : 'decreasing'}: ts[${i - 1}] = ${ts[i - 1]}, ts[${i}] = ${ts[i]}`,
      );
    }
  }
  return dir;
}
