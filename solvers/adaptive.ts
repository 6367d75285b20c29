import { PIController } from './controller.js';
import type { CountedFunc } from './counted.js';
import { denseEval } from './dense.js';
import { MaxStepsError, NonFiniteError, OdeError, StepSizeUnderflowError } from './errors.js';
import { initialStep, startTensor } from './initial-step.js';
import { errorScale, rmsNorm } from './norm.js';
import type { ResolvedOptions } from './options.js';
import type { SolvePlan } from './plan.js';
import type { Reads } from './reads.js';
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

/** What an adaptive or fixed-step solve returns: y at every output time (the first is y0 itself), counts, and the accepted step ends. */
export interface StepResult {
  ys: Tensor[];
  stats: SolveStats;
  /** End time of every accepted step (adaptive methods). */
  stepEnds: number[];
}

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

/**
 * {@link errorNorm} as one custom op: under a gradient tape (backprop through a solve) its dozen
 * kernels then record no tape nodes and no saved-tensor copies. The norm only steers the step
 * size — it is read, never differentiated (its gradient, were it asked for, is zero: the
 * controller's choices are constants of the discrete solve).
 */
function untapedErrorNorm(
  tab: EmbeddedTableau,
  y: Tensor,
  y1: Tensor,
  ks: Tensor[],
  h: number,
  o: ResolvedOptions,
): Tensor {
  const inputs = [y, y1, ...ks];
  const op = tf.customGrad(() => ({
    value: errorNorm(tab, y, y1, ks, h, o),
    gradFunc: () => inputs.map((t) => tf.zerosLike(t)),
  }));
  return op(...inputs);
}

/**
 * Adaptive integration with an embedded pair: error control in the mixed rtol/atol RMS norm,
 * the {@link PIController}, first-same-as-last reuse, and output at `ts` by the method's
 * continuous extension, so the step sequence does not depend on the output times. Written once
 * for the sync and async drivers (see {@link Reads}): one read at the start (y0 and f(t0, y0)
 * finite, and their norms for the initial step), one for the initial step, then one scalar per
 * step — the error norm, which is NaN/Inf exactly when the step produced NaN/Inf.
 *
 * Given `replay` (the end times of the accepted steps of an earlier solve of the same problem),
 * it takes exactly those steps and reads nothing: same stages, same outputs, so a replay under a
 * gradient tape gives the gradient of the original solve. `onStep`, when given, sees each
 * accepted step (see {@link StepHook}); returning `true` ends the solve there.
 */
export function* adaptiveSteps(
  f: CountedFunc,
  tab: EmbeddedTableau,
  y0: Tensor,
  ts: readonly number[],
  dir: 1 | -1,
  o: ResolvedOptions,
  replay?: SolvePlan['stepEnds'],
  onStep?: StepHook,
): Reads<StepResult> {
  const tEnd = ts[ts.length - 1];
  const ys: Tensor[] = [y0];
  const stepEnds: number[] = [];
  let t = ts[0];
  let y = y0;
  let k1 = y0; // replaced by f(t0, y0) below (y0 is never disposed by the solve)
  let steps = 0;
  let rejected = 0;
  let nonFiniteRun = 0;
  let lastRejected = false;
  let warmStep: number | undefined;
  const controller = PIController.of(o, tab);
  const release = (x: Tensor) => {
    if (x !== y0 && !ys.includes(x)) x.dispose();
  };
  try {
    // In a tidy scope: if f throws (a shape error), what it created is released.
    k1 = tf.tidy(() => f(t, y0));
    const hMax = Math.min(o.maxStep, Math.abs(tEnd - t));
    let hAbs = 0;
    if (!replay) {
      const start = yield startTensor(y0, k1, o);
      if (start[0] !== 1) throw new NonFiniteError(t, 'the initial state y0');
      if (start[1] !== 1) throw new NonFiniteError(t, 'f(t0, y0)');
      hAbs =
        o.firstStep !== undefined
          ? Math.min(o.firstStep, hMax)
          : yield* initialStep(f, t, y0, k1, [start[2], start[3]], dir, tab.order, o, hMax);
    }
    let next = 1;
    while (next < ts.length) {
      let tNew: number;
      if (replay) {
        if (steps >= replay.length) {
          throw new OdeError(`the plan ends after ${replay.length} steps at t = ${t}, before t = ${tEnd}`);
        }
        tNew = replay[steps];
      } else {
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
        let hTry = dir * hAbs;
        if ((t + 1.01 * hTry - tEnd) * dir >= 0) hTry = tEnd - t;
        tNew = (t + hTry - tEnd) * dir >= 0 ? tEnd : t + hTry;
      }
      const h = tNew - t;
      const yCur = y;
      const kCur = k1;
      const step = tf.tidy(() => {
        const { ks, y1 } = rkStep(f, tab, t, yCur, h, kCur);
        ks.push(f(tNew, y1));
        return { ks, y1, err: replay ? [] : [untapedErrorNorm(tab, yCur, y1, ks, h, o)] };
      });
      let err = 0;
      if (step.err.length > 0) {
        try {
          err = (yield step.err[0])[0];
        } catch (e) {
          // the read failed: release this step's tensors (the solve releases the rest)
          for (const k of step.ks) if (k !== kCur) k.dispose();
          step.y1.dispose();
          throw e;
        }
      }
      if (controller.accepts(err)) {
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
        stepEnds.push(tNew);
        steps++;
        if (!replay) {
          hAbs = controller.accept(Math.abs(h), err, lastRejected);
          if (steps === 1) warmStep = hAbs;
        }
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
    const stats: SolveStats = { nfe: f.nfe, steps, rejected };
    if (warmStep !== undefined) stats.warmStep = warmStep;
    return { ys, stats, stepEnds };
  } catch (err) {
    // Any error (ours, one f throws, or a failed read): release every tensor the solve holds.
    for (const z of ys.slice(1)) z.dispose();
    release(y);
    release(k1);
    throw err;
  }
}
