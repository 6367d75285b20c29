import type { CountedFunc } from './counted.js';
import { denseEval } from './dense.js';
import { MaxStepsError, NonFiniteError, StepSizeUnderflowError } from './errors.js';
import { allFinite } from './fixed-grid.js';
import { initialStep } from './initial-step.js';
import { errorScale, rmsNorm } from './norm.js';
import type { ResolvedOptions } from './options.js';
import { combine, rkStep } from './rk-step.js';
import type { DenseOutput, EmbeddedTableau } from './tableau.js';
import { type Tensor, tf } from './tf.js';
import type { SolveStats } from './types.js';

/**
 * One accepted step, as a step hook sees it: from (t0, y0) to (t1, y1) with step h = t1 − t0 and
 * the stages `ks` (with f(t1, y1) and, for DOP853, its extra dense stages), so that
 * `denseEval(dense, y0, y1, ks, h, θ)` is y(t0 + θh). The tensors belong to the solver: use them
 * inside the hook, do not dispose them.
 */
export interface AcceptedStep {
  readonly t0: number;
  readonly t1: number;
  readonly h: number;
  readonly y0: Tensor;
  readonly y1: Tensor;
  readonly ks: readonly Tensor[];
  readonly dense: DenseOutput;
}

/** Called after every accepted step; returning `true` ends the solve there (events use it). */
export type StepHook = (step: AcceptedStep) => boolean | undefined;

/** How many rejections in a row with a NaN/Inf error before the solve gives up. */
const MAX_NONFINITE_REJECTIONS = 30;

/** The scaled error norm of one step, as a scalar tensor (Hairer's RMS norm, or DOP853's rule). */
function errorNorm(
  tab: EmbeddedTableau,
  y: Tensor,
  y1: Tensor,
  ks: Tensor[],
  h: number,
  o: ResolvedOptions,
): Tensor {
  if (o.normLength !== undefined && o.normLength < y.size) {
    // seminorm: the error of the leading normLength elements only
    const lead = (x: Tensor) => tf.slice(tf.reshape(x, [-1]), 0, o.normLength);
    return errorNorm(tab, lead(y), lead(y1), ks.map(lead), h, { ...o, normLength: undefined });
  }
  const scale = errorScale(y, y1, o.rtol, o.atol);
  const zero = tf.zerosLike(y);
  if (!tab.e3) return rmsNorm(combine(zero, h, tab.e, ks), scale);
  // DOP853: |h|·‖e5‖² / sqrt((‖e5‖² + 0.01‖e3‖²)·n), norms of the scaled errors.
  const s5 = tf.sum(tf.square(tf.div(combine(zero, 1, tab.e, ks), scale)));
  const s3 = tf.sum(tf.square(tf.div(combine(zero, 1, tab.e3, ks), scale)));
  const denom = tf.mul(tf.add(s5, tf.mul(s3, 0.01)), y.size);
  return tf.where(tf.greater(denom, 0), tf.div(tf.mul(s5, Math.abs(h)), tf.sqrt(denom)), tf.scalar(0));
}

/** The PI step-size controller (Hairer's DOPRI5 with Lund stabilisation β). */
class Controller {
  private facOld = 1e-4;
  private readonly expo: number;
  constructor(
    private readonly o: ResolvedOptions,
    errorOrder: number,
    private readonly beta: number,
  ) {
    this.expo = 1 / (errorOrder + 1) - 0.75 * beta;
  }
  /** New step magnitude after an accepted step with error `err` ≤ 1. */
  accept(hAbs: number, err: number, lastRejected: boolean): number {
    const fac11 = err ** this.expo;
    let fac = fac11 / this.facOld ** this.beta;
    fac = Math.max(1 / this.o.maxFactor, Math.min(1 / this.o.minFactor, fac / this.o.safety));
    this.facOld = Math.max(err, 1e-4);
    const hNew = Math.min(hAbs / fac, this.o.maxStep);
    return lastRejected ? Math.min(hNew, hAbs) : hNew;
  }
  /** New step magnitude after a rejected step with error `err` > 1 (or NaN). */
  reject(hAbs: number, err: number): number {
    if (!Number.isFinite(err)) return hAbs * this.o.minFactor;
    const fac11 = err ** this.expo;
    return hAbs / Math.min(1 / this.o.minFactor, fac11 / this.o.safety);
  }
}

/**
 * Adaptive integration with an embedded pair: error control in the mixed rtol/atol RMS norm,
 * a PI controller, first-same-as-last reuse, and output at `ts` by the method's continuous
 * extension, so the step sequence does not depend on the output times. One scalar (the error
 * norm) is read back per step.
 */
export function solveAdaptive(
  f: CountedFunc,
  tab: EmbeddedTableau,
  y0: Tensor,
  ts: readonly number[],
  dir: 1 | -1,
  o: ResolvedOptions,
  onStep?: StepHook,
): { ys: Tensor[]; stats: SolveStats } {
  const tEnd = ts[ts.length - 1];
  const ys: Tensor[] = [y0];
  let t = ts[0];
  let y = y0;
  // In a tidy scope: if f throws (a shape error), what it created is released.
  let k1 = tf.tidy(() => f(t, y0));
  let steps = 0;
  let rejected = 0;
  let nonFiniteRun = 0;
  let lastRejected = false;
  const controller = new Controller(o, tab.errorOrder, o.beta ?? tab.beta);
  const release = (x: Tensor) => {
    if (x !== y0 && !ys.includes(x)) x.dispose();
  };
  const fail = (err: unknown): never => {
    for (const z of ys.slice(1)) z.dispose();
    release(y);
    k1.dispose();
    throw err;
  };
  try {
    return integrate();
  } catch (err) {
    // Any error (ours, or one f throws): release every tensor the solve holds, then rethrow.
    return fail(err);
  }
  function integrate(): { ys: Tensor[]; stats: SolveStats } {
    if (!allFinite(y0)) throw new NonFiniteError(t, 'the initial state y0');
    if (!allFinite(k1)) throw new NonFiniteError(t, 'f(t0, y0)');
    const hMax = Math.min(o.maxStep, Math.abs(tEnd - t));
    let hAbs =
      o.firstStep !== undefined
        ? Math.min(o.firstStep, hMax)
        : initialStep(f, t, y0, k1, dir, tab.order, o.rtol, o.atol, hMax);
    let next = 1;
    while (next < ts.length) {
      if (steps + rejected >= o.maxSteps) throw new MaxStepsError(t, o.maxSteps, tEnd);
      const hMin = 16 * Number.EPSILON * Math.max(Math.abs(t), Math.abs(tEnd) * 1e-3, 1e-300);
      if (hAbs < hMin) {
        // Steps shrunk only because every try gave NaN/Inf: the cause is the non-finite value.
        if (nonFiniteRun > 0) {
          throw new NonFiniteError(t, `the solution (every step from here, down to h = ${dir * hAbs})`);
        }
        throw new StepSizeUnderflowError(t, dir * hAbs, `the step fell below ${hMin.toExponential(2)}`);
      }
      // Land exactly on the end time; a step that would leave a sliver is stretched to cover it.
      let h = dir * hAbs;
      if ((t + 1.01 * h - tEnd) * dir >= 0) h = tEnd - t;
      const tNew = (t + h - tEnd) * dir >= 0 ? tEnd : t + h;
      h = tNew - t;
      const yCur = y;
      const kCur = k1;
      const step = tf.tidy(() => {
        const { ks, y1 } = rkStep(f, tab, t, yCur, h, kCur);
        ks.push(f(tNew, y1));
        const err = errorNorm(tab, yCur, y1, ks, h, o);
        return { ks, y1, err };
      });
      const err = step.err.dataSync()[0];
      step.err.dispose();
      if (Number.isFinite(err) && err <= 1) {
        nonFiniteRun = 0;
        try {
          // outputs inside (t, tNew]: by the continuous extension, or y₁ itself at tNew
          const extraNeeded = onStep !== undefined || (ts[next] - tNew) * dir < 0;
          if (tab.dense.kind === 'polynomial' && tab.dense.extra && extraNeeded) {
            const { c, a } = tab.dense.extra;
            for (let j = 0; j < c.length; j++) {
              step.ks.push(tf.tidy(() => f(t + c[j] * h, combine(yCur, h, a[j], step.ks))));
            }
          }
          while (next < ts.length && (ts[next] - tNew) * dir <= 0) {
            const theta = (ts[next] - t) / h;
            ys.push(
              ts[next] === tNew
                ? tf.clone(step.y1)
                : tf.tidy(() => denseEval(tab.dense, yCur, step.y1, step.ks, h, theta)),
            );
            next++;
          }
        } catch (e) {
          // f threw in an extra stage: release this step's tensors (the caller releases the rest)
          for (const k of step.ks) if (k !== kCur) k.dispose();
          step.y1.dispose();
          throw e;
        }
        let stop = false;
        try {
          stop =
            onStep?.({ t0: t, t1: tNew, h, y0: yCur, y1: step.y1, ks: step.ks, dense: tab.dense }) === true;
        } catch (e) {
          for (const k of step.ks) if (k !== kCur) k.dispose();
          step.y1.dispose();
          throw e;
        }
        const kNext = step.ks[tab.c.length];
        for (const k of step.ks) if (k !== kCur && k !== kNext) k.dispose();
        kCur.dispose();
        release(yCur);
        y = step.y1;
        k1 = kNext;
        t = tNew;
        steps++;
        hAbs = controller.accept(Math.abs(h), err, lastRejected);
        lastRejected = false;
        if (stop) break;
      } else {
        for (const k of step.ks) if (k !== kCur) k.dispose();
        step.y1.dispose();
        rejected++;
        lastRejected = true;
        if (!Number.isFinite(err) && ++nonFiniteRun >= MAX_NONFINITE_REJECTIONS) {
          throw new NonFiniteError(
            t,
            `the solution (after ${nonFiniteRun} ever smaller steps down to h = ${h})`,
          );
        }
        hAbs = controller.reject(Math.abs(h), err);
      }
    }
    k1.dispose();
    release(y);
    return { ys, stats: { nfe: f.nfe, steps, rejected } };
  }
}
