import type { StepResult } from './adaptive.js';
import type { CountedFunc } from './counted.js';
import { MaxStepsError, NonFiniteError, OdeOptionError } from './errors.js';
import type { Reads } from './reads.js';
import { runSync } from './reads.js';
import { rkStep } from './rk-step.js';
import type { ButcherTableau } from './tableau.js';
import { type Tensor, tf } from './tf.js';

/** Number of steps of `stepSize` (the last one partial) that cover [t0, t1]; 1 without a step size. */
export function stepCount(t0: number, t1: number, stepSize?: number): number {
  if (stepSize === undefined) return 1;
  return Math.max(1, Math.ceil(Math.abs(t1 - t0) / stepSize - 1e-9));
}

/**
 * Checks, before any step list is built, that `stepSize` moves t in float64 and that the steps
 * over all of `ts` fit in `maxSteps`: throws {@link OdeOptionError} for a step too small to change
 * t, {@link MaxStepsError} (at the time the budget would run out) for too many steps.
 */
export function checkStepBudget(ts: readonly number[], stepSize: number | undefined, maxSteps: number): void {
  if (stepSize === undefined) {
    if (ts.length - 1 > maxSteps) throw new MaxStepsError(ts[maxSteps], maxSteps, ts[ts.length - 1]);
    return;
  }
  let total = 0;
  for (let i = 1; i < ts.length; i++) {
    const scale = Math.max(Math.abs(ts[i - 1]), Math.abs(ts[i]));
    if (stepSize <= 4 * Number.EPSILON * scale) {
      throw new OdeOptionError(
        `option stepSize = ${stepSize} is invalid: expected a step > ${(4 * Number.EPSILON * scale).toExponential(2)} ` +
          `(smaller steps do not change t = ${scale} in float64)`,
      );
    }
    const n = stepCount(ts[i - 1], ts[i], stepSize);
    if (total + n > maxSteps) {
      const t = ts[i - 1] + Math.sign(ts[i] - ts[i - 1]) * stepSize * (maxSteps - total);
      throw new MaxStepsError(t, maxSteps, ts[ts.length - 1]);
    }
    total += n;
  }
}

/** Step sizes that cover [t0, t1]: full steps of `stepSize` and a last partial one landing on t1. */
export function stepsBetween(t0: number, t1: number, stepSize?: number): number[] {
  const span = t1 - t0;
  if (stepSize === undefined) return [span];
  const n = stepCount(t0, t1, stepSize);
  const h = Math.sign(span) * stepSize;
  const hs = new Array<number>(n).fill(h);
  hs[n - 1] = span - h * (n - 1);
  return hs;
}

/** 1 when every element of x is finite, else 0, as a scalar tensor to read. */
export function finiteFlag(x: Tensor): Tensor {
  return tf.tidy(() => tf.cast(tf.all(tf.isFinite(x)), 'float32'));
}

/** True when every element is finite (one scalar read back). */
export function allFinite(x: Tensor): boolean {
  return runSync(
    (function* () {
      return (yield finiteFlag(x))[0] === 1;
    })(),
  );
}

/**
 * Fixed-step integration: from each output time to the next in steps of `stepSize` (or one step
 * per interval), the last partial step landing exactly on the output time. Returns y at every
 * time in `ts` (the first is y0 itself, not a copy). With `check` (the default) the state is
 * checked for NaN/Inf at each output time (one scalar read per output time); a replay passes
 * false and reads nothing. Written once for the sync and async drivers (see {@link Reads}).
 */
export function* fixedSteps(
  f: CountedFunc,
  tab: ButcherTableau,
  y0: Tensor,
  ts: readonly number[],
  stepSize: number | undefined,
  maxSteps: number,
  check = true,
): Reads<StepResult> {
  checkStepBudget(ts, stepSize, maxSteps);
  const ys: Tensor[] = [y0];
  let y = y0;
  let steps = 0;
  try {
    for (let i = 1; i < ts.length; i++) {
      let t = ts[i - 1];
      for (const h of stepsBetween(ts[i - 1], ts[i], stepSize)) {
        if (steps >= maxSteps) throw new MaxStepsError(t, maxSteps, ts[ts.length - 1]);
        const prev = y;
        const t0 = t;
        y = tf.tidy(() => rkStep(f, tab, t0, prev, h).y1);
        if (prev !== y0 && !ys.includes(prev)) prev.dispose();
        steps++;
        t += h;
      }
      if (check && (yield finiteFlag(y))[0] !== 1) throw new NonFiniteError(ts[i], 'the state');
      ys.push(y);
    }
  } catch (err) {
    // Any error (ours, one f throws, or a failed read): release every tensor the solve holds.
    for (const z of ys.slice(1)) z.dispose();
    if (y !== y0 && !ys.includes(y)) y.dispose();
    throw err;
  }
  return { ys, stats: { nfe: f.nfe, steps, rejected: 0 }, stepEnds: [] };
}
