import * as odex from 'odex';
import { MaxStepsError, NonFiniteError, OdeOptionError, OdeShapeError } from './errors.js';
import { checkTimes } from './options.js';
import type { SolveStats } from './types.js';

/** The `odex` package (CommonJS): Hairer & Wanner's ODEX, GBS extrapolation in float64. */
const { Solver } = odex;

/** Options of {@link odexSolve}. */
export interface OdexOptions {
  /** Relative tolerance, in [1e-14, 1). Default 1e-10. */
  rtol?: number;
  /** Absolute tolerance, ≥ 0. Default 1e-10. */
  atol?: number;
  /** Most steps before {@link MaxStepsError}. Default 10000. */
  maxSteps?: number;
}

/** What {@link odexSolve} returns: the solution at each time in `ts` and the counts. */
export interface OdexResult {
  /** `ys[i]` is the (flattened) float64 state at `ts[i]`. */
  ys: number[][];
  /** Function evaluations and step counts. */
  stats: SolveStats;
}

/**
 * The float64 path: solves dy/dt = f(t, y) with Hairer & Wanner's ODEX (Gragg–Bulirsch–Stoer
 * extrapolation, via the `odex` package), with output at `ts` by ODEX's dense output. `ts` may
 * increase or decrease. Use it for references and where float32 tolerances are not enough.
 *
 * @param f The right-hand side on plain float64 arrays: f(t, y) returns dy/dt as an array of y's length.
 * @param y0 The initial state.
 * @param ts Output times, increasing or decreasing.
 * @param options `rtol`, `atol` and `maxSteps`: see {@link OdexOptions}.
 * @example
 * const { ys } = odexSolve((t, y) => [-y[0]], [1], [0, 1], { rtol: 1e-12, atol: 1e-12 });
 * // ys[1][0] ≈ Math.exp(-1)
 */
export function odexSolve(
  f: (t: number, y: number[]) => number[],
  y0: readonly number[],
  ts: readonly number[],
  options: OdexOptions = {},
): OdexResult {
  const rtol = options.rtol ?? 1e-10;
  const atol = options.atol ?? 1e-10;
  const maxSteps = options.maxSteps ?? 10_000;
  if (!(rtol >= 1e-14 && rtol < 1))
    throw new OdeOptionError(`option rtol = ${rtol} is invalid: expected [1e-14, 1)`);
  if (!(atol >= 0 && Number.isFinite(atol)))
    throw new OdeOptionError(`option atol = ${atol} is invalid: expected ≥ 0`);
  if (!(Number.isInteger(maxSteps) && maxSteps > 0)) {
    throw new OdeOptionError(`option maxSteps = ${maxSteps} is invalid: expected a whole number > 0`);
  }
  const dir = checkTimes(ts);
  const n = y0.length;
  if (n === 0 || y0.some((v) => !Number.isFinite(v))) {
    throw new OdeOptionError(`y0 must be a non-empty array of finite numbers; got [${y0.join(', ')}]`);
  }
  let nfe = 0;
  let lastT = ts[0];
  const g = (t: number, y: number[]): number[] => {
    nfe++;
    // ODEX's step becomes NaN once the state overflows float64: report the last time it reached
    if (!Number.isFinite(t) || y.some((v) => !Number.isFinite(v))) {
      throw new NonFiniteError(lastT, 'the solution (it overflowed float64)');
    }
    lastT = t;
    const dy = f(t, y);
    if (!Array.isArray(dy) || dy.length !== n) {
      throw new OdeShapeError(
        `f(t = ${t}, y) returned ${Array.isArray(dy) ? `length ${dy.length}` : dy}; expected length ${n}`,
      );
    }
    if (dy.some((v) => !Number.isFinite(v))) throw new NonFiniteError(t, 'f(t, y)');
    return dy;
  };
  const solver = new Solver(n);
  solver.denseOutput = true;
  solver.relativeTolerance = rtol;
  solver.absoluteTolerance = atol;
  solver.maxSteps = maxSteps;
  const ys: number[][] = [[...y0]];
  let next = 1;
  let tReached = ts[0];
  let yReached: number[] = [...y0];
  const result = solver.solve(g, ts[0], [...y0], ts[ts.length - 1], (_n, xOld, x, y, dense) => {
    tReached = x;
    yReached = [...y];
    while (next < ts.length && (ts[next] - x) * dir <= 0) {
      const tq = ts[next];
      ys.push(tq === x || !dense ? [...y] : y.map((_, i) => dense(i, tq)));
      next++;
    }
    void xOld;
    return undefined;
  });
  if (result.outcome === 1) throw new MaxStepsError(tReached, maxSteps, ts[ts.length - 1]);
  // ODEX stops once the end is within ~10 unit round-offs of t (an interval that short is never
  // stepped): the times left lie within rounding of the last point reached, so one Euler step
  // from there is exact to float64 precision.
  if (next < ts.length) {
    const dy = g(tReached, yReached);
    for (; next < ts.length; next++) {
      const h = ts[next] - tReached;
      ys.push(yReached.map((v, i) => v + h * dy[i]));
    }
  }
  return { ys, stats: { nfe, steps: result.nAccept, rejected: result.nReject } };
}
