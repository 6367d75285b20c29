import { adaptiveSteps, type StepHook, type StepResult } from './adaptive.js';
import { counted } from './counted.js';
import { OdeOptionError } from './errors.js';
import { fixedSteps } from './fixed-grid.js';
import { ADAPTIVE_METHODS, FIXED_METHODS, isAdaptive } from './methods.js';
import { checkTimes, type ResolvedOptions, resolveOptions } from './options.js';
import { isPerSampleTimes, type PerSampleTimes, solveDenseUnion, solvePerSample } from './per-sample.js';
import { type Reads, runSync } from './reads.js';
import { type Tensor, tf } from './tf.js';
import type { FixedMethodName, OdeFunc, OdeintOptions, SolveResult } from './types.js';

function checkState(y0: Tensor): void {
  if (!(y0 instanceof tf.Tensor)) throw new OdeOptionError(`y0 must be a tf.Tensor; got ${String(y0)}`);
  if (y0.dtype !== 'float32') throw new OdeOptionError(`y0 must be float32; got ${y0.dtype}`);
  if (y0.size === 0) throw new OdeOptionError(`y0 is empty (shape [${y0.shape.join(', ')}])`);
}

/**
 * A solve with resolved options, as a generator of reads (see {@link Reads}); the list of outputs
 * begins with y0 itself. With `replay` (a plan's accepted step ends) it takes exactly those steps
 * and reads nothing. `onStep` is called after each accepted step (adaptive methods).
 */
export function* solveSteps(
  f: OdeFunc,
  y0: Tensor,
  ts: readonly number[],
  o: ResolvedOptions,
  replay?: readonly number[],
  onStep?: StepHook,
): Reads<StepResult> {
  checkState(y0);
  const dir = checkTimes(ts);
  const g = counted(f, y0);
  if (isAdaptive(o.method)) {
    if (o.stepSize !== undefined) {
      throw new OdeOptionError(`option stepSize is for fixed-step methods; method '${o.method}' is adaptive`);
    }
    return yield* adaptiveSteps(g, ADAPTIVE_METHODS[o.method], y0, ts, dir, o, replay, onStep);
  }
  const tab = FIXED_METHODS[o.method as FixedMethodName];
  return yield* fixedSteps(g, tab, y0, ts, o.stepSize, o.maxSteps, replay === undefined);
}

/** Solves with resolved options, reading synchronously; the list of outputs begins with y0 itself. */
export function solveList(f: OdeFunc, y0: Tensor, ts: readonly number[], o: ResolvedOptions): StepResult {
  return runSync(solveSteps(f, y0, ts, o));
}

/** Stacks the outputs [y0, y1, …] into one tensor and releases the list (y0 is the caller's). */
export function stackOutputs(ys: Tensor[]): Tensor {
  const stacked = tf.stack(ys);
  for (const y of ys.slice(1)) y.dispose();
  return stacked;
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
  return { ys: stackOutputs(ys), stats };
}

/**
 * Solves dy/dt = f(t, y), y(ts[0]) = y0 and returns y at every time in `ts`, stacked:
 * shape `[ts.length, ...y0.shape]`. `ts` may increase or decrease. Differentiable by tfjs
 * autodiff with respect to y0 and to the variables f uses (discretise-then-optimise).
 *
 * @example
 * const ys = odeint((t, y) => tf.neg(y), tf.tensor1d([1]), [0, 1, 2]); // e^-t
 *
 * Per-sample time points: `ts` may be `[B, T]` (an array of rows or a 2-D tensor), row b the times
 * of batch row b (all rows start at the time of y0, each strictly monotone). One solve runs over
 * the union of the times (dense output, so the steps do not depend on them) and each row gathers
 * its own; the result is `[T, B, ...]` with out[j, b] = y_b(ts[b][j]).
 *
 * @param f The right-hand side f(t, y): t a JS number, y a tensor of the shape of `y0`; returns dy/dt of the same shape.
 * @param y0 The initial state y(ts[0]), any shape.
 * @param ts Output times, strictly increasing or strictly decreasing, at least two; the first is the initial time; or per-sample `[B, T]` (above).
 * @param options Method (default `dopri5`), `rtol`/`atol`, `stepSize` for fixed-step methods, `firstStep`, `maxSteps`: see {@link OdeintOptions}.
 */
export function odeint(
  f: OdeFunc,
  y0: Tensor,
  ts: readonly number[] | PerSampleTimes,
  options?: OdeintOptions,
): Tensor {
  if (isPerSampleTimes(ts)) {
    checkState(y0);
    const o = resolveOptions(options);
    return solvePerSample(y0, ts, 'odeint', (u) =>
      isAdaptive(o.method) && o.stepSize === undefined
        ? solveDenseUnion(f, y0, u, o)
        : solveIvp(f, y0, u, options).ys,
    );
  }
  return solveIvp(f, y0, ts as readonly number[], options).ys;
}
