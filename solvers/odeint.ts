import { solveAdaptive } from './adaptive.js';
import { counted } from './counted.js';
import { OdeOptionError } from './errors.js';
import { solveFixed } from './fixed-grid.js';
import { ADAPTIVE_METHODS, FIXED_METHODS, isAdaptive } from './methods.js';
import { checkTimes, type ResolvedOptions, resolveOptions } from './options.js';
import { type Tensor, tf } from './tf.js';
import type { FixedMethodName, OdeFunc, OdeintOptions, SolveResult } from './types.js';

function checkState(y0: Tensor): void {
  if (!(y0 instanceof tf.Tensor)) throw new OdeOptionError(`y0 must be a tf.Tensor; got ${String(y0)}`);
  if (y0.dtype !== 'float32') throw new OdeOptionError(`y0 must be float32; got ${y0.dtype}`);
  if (y0.size === 0) throw new OdeOptionError(`y0 is empty (shape [${y0.shape.join(', ')}])`);
}

/** Solves with resolved options; the list of outputs begins with y0 itself. */
export function solveList(f: OdeFunc, y0: Tensor, ts: readonly number[], o: ResolvedOptions) {
  checkState(y0);
  const dir = checkTimes(ts);
  const g = counted(f, y0);
  if (isAdaptive(o.method)) {
    if (o.stepSize !== undefined) {
      throw new OdeOptionError(`option stepSize is for fixed-step methods; method '${o.method}' is adaptive`);
    }
    return solveAdaptive(g, ADAPTIVE_METHODS[o.method], y0, ts, dir, o);
  }
  return solveFixed(g, FIXED_METHODS[o.method as FixedMethodName], y0, ts, o.stepSize, o.maxSteps);
}

/**
 * Solves dy/dt = f(t, y), y(ts[0]) = y0 and returns y at every time in `ts`, stacked:
 * shape `[ts.length, ...y0.shape]`. Same as {@link odeint}, with the solver's counts.
 *
 * @param f The right-hand side f(t, y): t a JS number, y a tensor of the shape of `y0`; returns dy/dt of the same shape.
 * @param y0 The initial state y(ts[0]), any shape.
 * @param ts Output times, strictly increasing or strictly decreasing, at least two; the first is the initial time.
 * @param options Method (default `dopri5`), `rtol`/`atol` (default 1e-5/1e-6), `stepSize` for fixed-step methods, `firstStep`, `maxSteps`: see {@link OdeintOptions}.
 * @example
 * const { ys, stats } = solveIvp((t, y) => tf.neg(y), tf.tensor1d([1]), [0, 1]);
 * console.log(stats.nfe, stats.steps, stats.rejected);
 */
export function solveIvp(
  f: OdeFunc,
  y0: Tensor,
  ts: readonly number[],
  options?: OdeintOptions,
): SolveResult {
  const o = resolveOptions(options);
  const { ys, stats } = solveList(f, y0, ts, o);
  const stacked = tf.stack(ys);
  for (const y of ys.slice(1)) y.dispose();
  return { ys: stacked, stats };
}

/**
 * Solves dy/dt = f(t, y), y(ts[0]) = y0 and returns y at every time in `ts`, stacked:
 * shape `[ts.length, ...y0.shape]`. `ts` may increase or decrease. Differentiable by tfjs
 * autodiff with respect to y0 and to the variables f uses (discretise-then-optimise).
 *
 * @example
 * const ys = odeint((t, y) => tf.neg(y), tf.tensor1d([1]), [0, 1, 2]); // e^-t
 *
 * @param f The right-hand side f(t, y): t a JS number, y a tensor of the shape of `y0`; returns dy/dt of the same shape.
 * @param y0 The initial state y(ts[0]), any shape.
 * @param ts Output times, strictly increasing or strictly decreasing, at least two; the first is the initial time.
 * @param options Method (default `dopri5`), `rtol`/`atol`, `stepSize` for fixed-step methods, `firstStep`, `maxSteps`: see {@link OdeintOptions}.
 */
export function odeint(f: OdeFunc, y0: Tensor, ts: readonly number[], options?: OdeintOptions): Tensor {
  return solveIvp(f, y0, ts, options).ys;
}
